//! Checks of the A64 encoding table and the decoder built from it, and a
//! fuzz-style check that the frontend never panics on any word the table
//! accepts.

use emu::arm64::decode::{decode, entries, Entry};
use emu::arm64::disasm;
use emu::frontend::translate_block;
use emu::ir::{passes, Block};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Random words tried per entry.
const WORDS_PER_ENTRY: usize = 200;

/// xorshift64*: a small deterministic generator (no external crates).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn word(&mut self) -> u32 {
        (self.next() >> 32) as u32
    }
}

/// Words matching `e`: its fixed bits with random bits elsewhere, starting
/// with the free bits all clear and all set.
fn sample_words(e: &Entry, rng: &mut Rng, n: usize) -> Vec<u32> {
    let free = !e.mask;
    let mut out = vec![e.value, e.value | free];
    while out.len() < n {
        out.push(e.value | (rng.word() & free));
    }
    out
}

fn index_of(e: &Entry) -> usize {
    entries()
        .iter()
        .position(|x| std::ptr::eq(x, e))
        .expect("entry comes from the table")
}

#[test]
fn patterns_are_well_formed() {
    for e in entries() {
        assert_eq!(
            e.pattern.len(),
            32,
            "{}: pattern {:?} is not 32 characters",
            e.name,
            e.pattern
        );
        assert!(
            e.pattern
                .bytes()
                .all(|c| c == b'0' || c == b'1' || c == b'-' || c.is_ascii_alphabetic()),
            "{}: pattern {:?} has a character outside [01a-zA-Z-]",
            e.name,
            e.pattern
        );
        assert_eq!(
            e.value & !e.mask,
            0,
            "{}: value has bits outside the mask",
            e.name
        );
    }
}

#[test]
fn names_are_unique() {
    let mut seen = HashSet::new();
    for e in entries() {
        assert!(seen.insert(e.name), "duplicate entry name {}", e.name);
    }
}

#[test]
fn no_two_entries_have_identical_fixed_bits() {
    let all = entries();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert!(
                !(a.mask == b.mask && a.value == b.value),
                "{} and {} have the same fixed bits ({:#010x}/{:#010x}): the second can never decode",
                a.name,
                b.name,
                a.mask,
                a.value
            );
        }
    }
}

/// Every random word of every entry decodes to that entry, unless an
/// earlier entry that is strictly more specific (its fixed bits a strict
/// superset) also matches: an intentional override. The decoder's buckets
/// must agree with a linear first-match scan.
#[test]
fn random_words_decode_to_their_entry() {
    let all = entries();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    for (i, e) in all.iter().enumerate() {
        for w in sample_words(e, &mut rng, WORDS_PER_ENTRY) {
            let first = all.iter().position(|x| x.matches(w)).expect("w matches e");
            let got = decode(w).map(|f| index_of(f.entry));
            if got != Some(first) {
                failures.push(format!(
                    "{w:#010x}: decoder gave {:?}, first match is {}",
                    got.map(|g| all[g].name),
                    all[first].name
                ));
                continue;
            }
            if first != i {
                let earlier = &all[first];
                let superset = earlier.mask & e.mask == e.mask && earlier.mask != e.mask;
                if !superset {
                    failures.push(format!(
                        "{w:#010x} of {} decodes as earlier entry {}, which is not a more specific pattern",
                        e.name, earlier.name
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// Checks that `block` is well-formed SSA: every value is defined once,
/// below `n_vals`, before any use.
fn check_ssa(block: &Block) -> Result<(), String> {
    let mut defined = vec![false; block.n_vals as usize];
    for (i, op) in block.ops.iter().enumerate() {
        let mut bad = None;
        op.for_each_use(|v| {
            if !defined.get(v.0 as usize).copied().unwrap_or(false) {
                bad = Some(v);
            }
        });
        if let Some(v) = bad {
            return Err(format!("op {i} ({op:?}) uses {v:?} before its definition"));
        }
        if let Some(d) = op.dst() {
            match defined.get_mut(d.0 as usize) {
                Some(slot) if !*slot => *slot = true,
                _ => {
                    return Err(format!(
                        "op {i} ({op:?}) defines {d:?} twice or out of range"
                    ))
                }
            }
        }
    }
    let mut bad = None;
    block.term.for_each_use(|v| {
        if !defined.get(v.0 as usize).copied().unwrap_or(false) {
            bad = Some(v);
        }
    });
    match bad {
        Some(v) => Err(format!("terminal uses undefined {v:?}")),
        None => Ok(()),
    }
}

/// The frontend must not panic on any word of any entry (undefined is
/// fine), and the IR it builds must be well-formed and survive the
/// optimisation passes: this catches field letters the translator asks for
/// that the pattern lacks, arithmetic overflow on field values and similar
/// bugs.
#[test]
fn frontend_never_panics() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let pc = 0x40_0000u64;
    let mut failures = Vec::new();
    for e in entries() {
        for w in sample_words(e, &mut rng, WORDS_PER_ENTRY) {
            let r = catch_unwind(AssertUnwindSafe(|| {
                let mut fetch = |a: u64| if a == pc { Some(w) } else { None };
                let mut block = translate_block(pc, &mut fetch);
                check_ssa(&block)?;
                passes::optimize(&mut block);
                check_ssa(&block).map_err(|e| format!("after optimisation: {e}"))
            }));
            match r {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("{w:#010x} ({}): {e}", disasm::name(w))),
                Err(_) => failures.push(format!("{w:#010x} ({}): panicked", disasm::name(w))),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the frontend failed on {} words:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// The disassembly names the entry the decoder picks and lists its fields.
#[test]
fn disasm_names_every_entry() {
    let mut rng = Rng(42);
    for e in entries() {
        for w in sample_words(e, &mut rng, 4) {
            let f = decode(w).expect("matches at least e");
            let s = disasm::name(w);
            assert!(
                s.starts_with(f.entry.name),
                "{s} does not name {}",
                f.entry.name
            );
            assert_eq!(s.split(' ').count(), 1 + f.entry.fields.len(), "{s}");
        }
    }
}

/// The SSA check itself rejects a use before definition and a double
/// definition.
#[test]
fn ssa_check_catches_malformed_blocks() {
    use emu::ir::{Op, Terminal, Val};
    let block = |ops: Vec<Op>, n_vals| Block {
        nzcv_dead_at_end: false,
        flow: Default::default(),
        start_pc: 0,
        end_pc: 4,
        ops,
        term: Terminal::Jump { pc: 4 },
        n_vals,
    };
    let use_first = block(
        vec![Op::SetReg {
            reg: 0,
            src: Val(0),
        }],
        1,
    );
    assert!(check_ssa(&use_first).is_err());
    let twice = block(
        vec![
            Op::Const {
                dst: Val(0),
                imm: 1,
            },
            Op::Const {
                dst: Val(0),
                imm: 2,
            },
        ],
        1,
    );
    assert!(check_ssa(&twice).is_err());
    let good = block(
        vec![
            Op::Const {
                dst: Val(0),
                imm: 1,
            },
            Op::SetReg {
                reg: 0,
                src: Val(0),
            },
        ],
        1,
    );
    assert!(check_ssa(&good).is_ok());
}
