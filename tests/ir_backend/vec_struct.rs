//! LD2/LD3/LD4 and ST2/ST3/ST4 (multiple structures), which run inline as
//! an `Op::Structs`: every arrangement, 64- and 128-bit, without and with
//! post-index (immediate and register), first registers 0, 5 and 30 (the
//! list wrapping past V31), each at a random (often unaligned) offset into
//! the scratch memory from 200 random states, then in random blocks with
//! other vector operations (so the V-register cache is on), under the
//! interpreter (the exact helper) and as x86-64 code before and after the
//! passes, comparing registers and memory.

use super::vec_ops::{block_of, run_vectors, MIXED};
use super::*;
use emu::ir::Op;

/// A structure load or store: Q, L, opcode (LD4/ST4 0000, LD3/ST3 0100,
/// LD2/ST2 1000), size, first register; base x4; post-index with `rm`
/// (31: by the immediate) when given.
fn structs(q: bool, load: bool, opc: u32, size: u32, t: u32, rm: Option<u32>) -> u32 {
    ldst(q, load, rm, 0x0c00_0000 | opc << 12 | size << 10 | t)
}

/// The fields both kinds share: Q, L, post-index, base x4, and `rest`.
fn ldst(q: bool, load: bool, rm: Option<u32>, rest: u32) -> u32 {
    let post = rm.map_or(0, |m| 1 << 23 | m << 16);
    (q as u32) << 30 | post | (load as u32) << 22 | 4 << 5 | rest
}

fn words() -> Vec<u32> {
    let mut w = Vec::new();
    for q in [false, true] {
        for load in [false, true] {
            for opc in [0b0000, 0b0100, 0b1000] {
                for size in 0..4 {
                    if size == 3 && !q {
                        continue; // UNDEFINED
                    }
                    for (t, rm) in [(0, None), (5, Some(31)), (30, Some(2))] {
                        w.push(structs(q, load, opc, size, t, rm));
                    }
                }
            }
        }
    }
    w
}

/// `add x4, x1, #k`: the base, `k` bytes into the scratch memory (which
/// has room for the 64 bytes of the largest access from there).
fn base(k: u32) -> u32 {
    0x9100_0024 | k << 10
}

fn offset(rng: &mut Rng) -> u32 {
    if rng.chance(3) {
        16 * rng.below(13) as u32
    } else {
        rng.below(193) as u32
    }
}

#[test]
fn structure_loads_and_stores_match_their_helpers() {
    let words = words();
    assert_eq!(words.len(), 2 * 3 * (4 + 3) * 3);
    for &w in &words {
        let block = block_of(&[base(8), w]);
        assert!(
            (block.ops.iter()).any(|o| matches!(o, Op::Structs { .. })),
            "{w:#010x} is not an Op::Structs"
        );
    }
    singly_then_blocks(0x57c, &words);
}

/// Each of `words` (none may call a helper) at random offsets from 200
/// random states, then 1000 random blocks of them and [`MIXED`], each
/// under the interpreter and as x86-64 code.
pub(super) fn singly_then_blocks(seed: u64, words: &[u32]) {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", seed));
    let mut jit = Jit::new();
    for &w in words {
        let block = block_of(&[base(8), w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
        for _ in 0..200 {
            let k = offset(&mut rng);
            run_vectors(&mut rng, &mut jit, &[base(k), w], super::vec_int::vector);
        }
    }
    for _ in 0..1000 {
        let mut seq = Vec::new();
        for _ in 0..2 + rng.below(6) {
            if rng.chance(3) {
                seq.push(rng.pick(&MIXED));
            } else {
                seq.push(base(offset(&mut rng)));
                seq.push(rng.pick(words));
            }
        }
        run_vectors(&mut rng, &mut jit, &seq, super::vec_int::vector);
    }
}

/// A single-structure load or store (one lane, or LDnR with `lane`
/// None): Q, L, elements per structure `n`, element size `size` (log2 of
/// bytes), lane index bits (S, size field); base x4, post-index as for
/// [`structs`].
pub(super) fn single(
    q: bool,
    load: bool,
    n: u32,
    esize: u32,
    lane: Option<(u32, u32)>,
    t: u32,
    rm: Option<u32>,
) -> u32 {
    let r = (n - 1) & 1;
    let odd = (n - 1) >> 1;
    let (opc, s, size) = match lane {
        // LDnR: opcode 11x, the element size in the size field.
        None => (0b110 | odd, 0, esize),
        Some((s, size)) => ((esize.min(2) << 1) | odd, s, size),
    };
    let rest = 0x0d00_0000 | r << 21 | opc << 13 | s << 12 | size << 10 | t;
    ldst(q, load, rm, rest)
}

/// The lanes the single-structure forms are made with: (element size,
/// lane index encodings (S, size field)).
pub(super) const LANES: [(u32, &[(u32, u32)]); 4] = [
    (0, &[(0, 0), (1, 3), (0, 2)]),
    (1, &[(0, 0), (1, 2)]),
    (2, &[(0, 0), (1, 0)]),
    (3, &[(0, 1)]),
];

/// Every single-structure form that runs as plain IR: LD1-LD4 of one
/// lane (several indices), LD1R-LD4R, ST1 of one lane.
fn single_words() -> Vec<u32> {
    let mut w = Vec::new();
    for q in [false, true] {
        for (t, rm) in [(0, None), (5, Some(31)), (30, Some(2))] {
            for n in 1..=4 {
                for (esize, idx) in LANES {
                    for &lane in idx {
                        w.push(single(q, true, n, esize, Some(lane), t, rm));
                        if n == 1 {
                            w.push(single(q, false, n, esize, Some(lane), t, rm));
                        }
                    }
                    w.push(single(q, true, n, esize, None, t, rm));
                }
            }
        }
    }
    w
}

#[test]
fn single_structure_loads_and_st1_run_without_a_helper() {
    let words = single_words();
    assert_eq!(words.len(), 2 * 3 * (4 * (8 + 4) + 8));
    singly_then_blocks(0x51e, &words);
}
