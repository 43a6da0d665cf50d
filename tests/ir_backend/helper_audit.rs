//! Which decode-table entries still translate to a call of their exact
//! helper (an `Op::Call` in the block) rather than to IR the backend runs
//! inline: for each register-to-register entry, 64 random instances
//! (fixed seed); an entry where most instances call a helper is listed.
//! The list must equal `helper_entries.txt`, so a change that moves an
//! instruction onto a helper fails here, and one that brings an entry
//! inline updates the file (`EMU_HELPER_AUDIT_WRITE=1` rewrites it).

use emu::arm64::decode::{decode, entries};
use emu::arm64::encodings::Insn;
use emu::frontend::translate_block;
use emu::ir::Op;

const LIST: &str = "tests/ir_backend/helper_entries.txt";

#[test]
fn entries_on_helpers_are_the_listed_ones() {
    let mut seed = 0x5eed_a0d1u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pc = 0x40_0000u64;
    let mut found = Vec::new();
    for e in entries().iter() {
        if matches!(
            e.insn,
            Insn::Ldst(_) | Insn::System(_) | Insn::Branch(_) | Insn::DpImm(_)
        ) {
            continue;
        }
        let (mut n, mut calls) = (0, 0);
        for _ in 0..64 {
            let word = e.instance(next() as u32);
            match decode(word) {
                Some(f) if f.entry.name() == e.name() => {}
                _ => continue,
            }
            let Ok(block) = std::panic::catch_unwind(|| {
                translate_block(pc, &mut |a| (a == pc).then_some(word))
            }) else {
                continue;
            };
            n += 1;
            calls += usize::from(block.ops.iter().any(|o| matches!(o, Op::Call { .. })));
        }
        if n > 0 && calls * 2 > n {
            found.push(e.name().to_string());
        }
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(LIST);
    let text = found.join("\n") + "\n";
    if std::env::var_os("EMU_HELPER_AUDIT_WRITE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    let want: Vec<&str> = want.lines().collect();
    let now_helper: Vec<_> = found
        .iter()
        .filter(|f| !want.contains(&f.as_str()))
        .collect();
    let now_inline: Vec<_> = want
        .iter()
        .filter(|w| !found.iter().any(|f| f == *w))
        .collect();
    assert!(
        now_helper.is_empty() && now_inline.is_empty(),
        "entries now on a helper: {now_helper:?}; entries now inline: {now_inline:?} \
         (update {LIST}, EMU_HELPER_AUDIT_WRITE=1)"
    );
}
