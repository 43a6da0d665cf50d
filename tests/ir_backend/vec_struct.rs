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
    let post = rm.map_or(0, |m| 1 << 23 | m << 16);
    (q as u32) << 30
        | 0x0c00_0000
        | post
        | (load as u32) << 22
        | opc << 12
        | size << 10
        | 4 << 5
        | t
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
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x57c));
    let mut jit = Jit::new();
    let words = words();
    assert_eq!(words.len(), 2 * 3 * (4 + 3) * 3);
    for &w in &words {
        let block = block_of(&[base(8), w]);
        assert!(
            (block.ops.iter()).any(|o| matches!(o, Op::Structs { .. })),
            "{w:#010x} is not an Op::Structs"
        );
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
                seq.push(rng.pick(&words));
            }
        }
        run_vectors(&mut rng, &mut jit, &seq, super::vec_int::vector);
    }
}
