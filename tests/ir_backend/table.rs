//! Frontend output for random instances of every register-to-register
//! encoding (data processing, branches, FP, SIMD), run as one-instruction
//! blocks under the interpreter and as x86-64 code before and after the
//! passes. This exercises the IR exactly as the frontend emits it.
//!
//! Knob: EMU_IR_TABLE_WORDS (random words per encoding, default 50).

use super::*;
use emu::arm64::decode::{decode, entries};
use emu::arm64::encodings::Insn;
use emu::frontend::translate_block;
use std::panic::catch_unwind;

/// Register-to-register classes: no guest memory access, no host-dependent
/// system registers.
fn wanted(insn: Insn) -> bool {
    match insn {
        Insn::Branch(_)
        | Insn::DpImm(_)
        | Insn::DpReg(_)
        | Insn::Fp(_)
        | Insn::Ext(_)
        | Insn::Crypto(_)
        | Insn::SimdSame(_)
        | Insn::SimdMisc(_)
        | Insn::SimdAcross(_)
        | Insn::SimdShift(_)
        | Insn::SimdElem(_)
        | Insn::SimdDiff(_) => true,
        Insn::Simd(_) => true,
        Insn::Ldst(_) | Insn::System(_) | Insn::SimdLdst(_) => false,
    }
}

fn random_state(rng: &mut Rng) -> CpuState {
    let mut cpu = CpuState::default();
    for x in cpu.x.iter_mut() {
        *x = rng.value();
    }
    for v in cpu.v.iter_mut() {
        *v = (rng.value() as u128) << 64 | rng.value() as u128;
    }
    cpu.nzcv = rng.below(16) << 28;
    // FPCR: rounding mode (23:22), flush-to-zero (24), default NaN (25).
    cpu.fpcr = rng.below(16) << 22;
    cpu
}

#[test]
fn frontend_blocks_interp_vs_x64() {
    let per_entry = env_u64("EMU_IR_TABLE_WORDS", 50);
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x7ab1e));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    let pc = 0x40_0000u64;
    let mut tried = 0;
    let mut panicked = std::collections::BTreeSet::new();
    for e in entries().iter().filter(|e| wanted(e.insn)) {
        for _ in 0..per_entry {
            let word = e.instance(rng.next() as u32);
            // An overlapping entry may claim the word; keep to wanted classes.
            match decode(word) {
                Some(f) if wanted(f.entry.insn) => {}
                _ => continue,
            }
            // Frontend panics are the decode_table test's business; skip them.
            let Ok(block) =
                catch_unwind(|| translate_block(pc, &mut |a| (a == pc).then_some(word)))
            else {
                panicked.insert(e.name());
                continue;
            };
            let mut opt = block.clone();
            emu::ir::passes::optimize(&mut opt);
            let cpu0 = random_state(&mut rng);
            let want = run_interp(&block, &cpu0, &mut *buf, &mem0);
            let checks = [
                (
                    "x86-64 code",
                    run_jit(&mut jit, &block, &cpu0, &mut *buf, &mem0),
                    &block,
                ),
                (
                    "quick-tier x86-64 code",
                    run_jit_quick(&mut jit, &block, &cpu0, &mut *buf, &mem0),
                    &block,
                ),
                (
                    "optimised x86-64 code",
                    run_jit(&mut jit, &opt, &cpu0, &mut *buf, &mem0),
                    &opt,
                ),
            ];
            for (what, got, shown) in &checks {
                if let Err(err) = compare(what, shown, &want, got) {
                    panic!("{} {word:#010x}: {err}\ninitial state: {cpu0:x?}", e.name());
                }
            }
            tried += 1;
        }
    }
    if !panicked.is_empty() {
        eprintln!("frontend panicked (skipped) on: {panicked:?}");
    }
    eprintln!("{tried} words tried");
    assert!(tried > 3000, "only {tried} words tried");
}
