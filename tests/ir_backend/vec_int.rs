//! The integer vector operations that run inline besides those of
//! `vec_ops` (compares CMGE/CMHI/CMHS/CMTST, ORN, BSL/BIT/BIF,
//! SMAX/UMAX/SMIN/UMIN, the pairwise ADDP/SMAXP/UMAXP/SMINP/UMINP, compares
//! with zero, NOT and NEG), at every element size they have, 64- and
//! 128-bit, and the copies DUP (general), INS, UMOV and SMOV (plain IR on
//! the V registers): each alone from 300 random states, then in random
//! blocks, under the interpreter (the exact helper) and as x86-64 code
//! before and after the passes. Lanes are drawn mostly from a few values
//! (0, 1, 0x7f, 0x80, 0xff bytes) so that equal, signed and unsigned
//! orderings all occur.

use super::vec_ops::{block_of, misc, run_vectors};
use super::*;
use emu::ir::Op;

/// Three same: Q, U, size, opcode; Vd = 1, Vn = 2, Vm = 3 (or d = n = 2).
fn same(q: bool, u: bool, size: u32, opcode: u32, dn: bool) -> u32 {
    let (d, n) = if dn { (2, 2) } else { (1, 2) };
    (q as u32) << 30
        | (u as u32) << 29
        | 0b01110 << 24
        | size << 22
        | 1 << 21
        | 3 << 16
        | opcode << 11
        | 1 << 10
        | n << 5
        | d
}

/// The vector words, each an `Op::VBin` or `Op::Vec`.
fn vector_words() -> Vec<u32> {
    let mut w = Vec::new();
    for q in [false, true] {
        for size in 0..4u32 {
            let d1 = size == 3 && !q;
            for dn in [false, true] {
                for u in [false, true] {
                    // CMGT/CMHI, CMGE/CMHS
                    for opc in [0b00110, 0b00111] {
                        if !d1 {
                            w.push(same(q, u, size, opc, dn));
                        }
                    }
                    // SMAX/UMAX, SMIN/UMIN, SMAXP/UMAXP, SMINP/UMINP
                    for opc in [0b01100, 0b01101, 0b10100, 0b10101] {
                        if size < 3 {
                            w.push(same(q, u, size, opc, dn));
                        }
                    }
                }
                if !d1 {
                    w.push(same(q, false, size, 0b10001, dn)); // CMTST
                    w.push(same(q, false, size, 0b10111, dn)); // ADDP
                }
            }
            for (u, opc) in [
                (false, 0b01000),
                (true, 0b01000),
                (false, 0b01001),
                (true, 0b01001),
            ]
            .into_iter()
            .chain([(false, 0b01010), (false, 0b01011), (true, 0b01011)])
            {
                // CMGT/CMGE/CMEQ/CMLE/CMLT with zero, ABS, NEG
                if !d1 {
                    w.push(misc(q, u, size, opc, false));
                }
                if size == 3 && q {
                    w.push(misc(true, u, size, opc, true));
                }
            }
        }
        // ORN (size 11), BSL/BIT/BIF (U = 1, size 01/10/11), NOT
        w.push(same(q, false, 3, 0b00011, false));
        for size in 1..4 {
            w.push(same(q, true, size, 0b00011, false));
            w.push(same(q, true, size, 0b00011, true));
        }
        w.push(misc(q, true, 0, 0b00101, false));
        w.push(misc(q, true, 1, 0b00101, false)); // RBIT
    }
    w
}

/// DUP (general), INS (general), UMOV, SMOV and INS (element), every
/// element size and index; Vd/Xd = 1, Vn/Xn = 2.
fn copy_words() -> Vec<u32> {
    let mut w = Vec::new();
    let copy = |q: u32, op: u32, imm5: u32, imm4: u32| {
        q << 30 | op << 29 | 0b01110000 << 21 | imm5 << 16 | imm4 << 11 | 1 << 10 | 2 << 5 | 1
    };
    for size in 0..4u32 {
        for idx in 0..16 >> size {
            let imm5 = (idx << (size + 1) | 1 << size) & 31;
            for q in 0..2 {
                if size < 3 || q == 1 {
                    w.push(copy(q, 0, imm5, 0b0001)); // DUP
                }
                if (q == 0 && size < 3) || (q == 1 && size == 3) {
                    w.push(copy(q, 0, imm5, 0b0111)); // UMOV
                }
                if size < 2 || (q == 1 && size == 2) {
                    w.push(copy(q, 0, imm5, 0b0101)); // SMOV
                }
            }
            w.push(copy(1, 0, imm5, 0b0011)); // INS (general)
            for j in [0, (15 >> size) / 2, 15 >> size] {
                w.push(copy(1, 1, imm5, j << size)); // INS (element)
            }
        }
    }
    w
}

/// A vector whose bytes are mostly 0, 1, 0x7f, 0x80 or 0xff.
pub(super) fn vector(rng: &mut Rng) -> u128 {
    let mut v = 0u128;
    for i in 0..16 {
        let b = if rng.chance(4) {
            rng.next() as u8
        } else {
            rng.pick(&[0u8, 1, 0x7f, 0x80, 0xff])
        };
        v |= (b as u128) << (8 * i);
    }
    v
}

#[test]
fn integer_vector_ops_match_their_helpers() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x1e7));
    let mut jit = Jit::new();
    let words = vector_words();
    singly_then_blocks(&mut rng, &mut jit, &words, vector);
    assert!(words.len() > 200, "{} words", words.len());
}

/// Each of `words` (each must be an `Op::Vec` or `Op::VBin`, no helper
/// call besides) alone from 300 random states, then 500 random blocks of
/// 2 to 9 of them, through [`run_vectors`].
pub(super) fn singly_then_blocks(
    rng: &mut Rng,
    jit: &mut Jit,
    words: &[u32],
    vector: fn(&mut Rng) -> u128,
) {
    for &w in words {
        let block = block_of(&[w]);
        assert!(
            (block.ops.iter()).any(|o| matches!(o, Op::Vec { .. } | Op::VBin { .. })),
            "{w:#010x} is not an Op::Vec or Op::VBin"
        );
        for _ in 0..300 {
            run_vectors(rng, jit, &[w], vector);
        }
    }
    for _ in 0..500 {
        let n = 2 + rng.below(8) as usize;
        let seq: Vec<u32> = (0..n).map(|_| rng.pick(words)).collect();
        run_vectors(rng, jit, &seq, vector);
    }
}

#[test]
fn vector_copies_match_their_helpers() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xc09));
    let mut jit = Jit::new();
    let words = copy_words();
    for &w in &words {
        let block = block_of(&[w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
        for _ in 0..100 {
            run_vectors(&mut rng, &mut jit, &[w], vector);
        }
    }
    for _ in 0..300 {
        let n = 2 + rng.below(8) as usize;
        let seq: Vec<u32> = (0..n).map(|_| rng.pick(&words)).collect();
        run_vectors(&mut rng, &mut jit, &seq, vector);
    }
}
