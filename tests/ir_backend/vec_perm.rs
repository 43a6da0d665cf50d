//! The across-lanes ADDV, SADDLV/UADDLV, SMAXV/UMAXV and SMINV/UMINV,
//! the scalar D three-same forms ADD, SUB, CMEQ, CMGT, CMHI, CMGE, CMHS
//! and CMTST (an `Op::VBin` of one 64-bit lane), the permutes ZIP1/ZIP2, UZP1/UZP2, TRN1/TRN2 and the two-register
//! forms REV16/REV32/REV64, CNT, FABS and FNEG (single, double and half
//! precision), which run inline as an `Op::Vec`: every arrangement, 64-
//! and 128-bit, with the destination apart from and equal to each source,
//! each alone from 300 random states, then in random blocks, under the
//! interpreter (the exact helper) and as x86-64 code before and after the
//! passes.

use super::vec_ops::block_of;
use super::*;
use emu::ir::Op;

/// The register triples (d, n, m) each word is made with.
const REGS: [(u32, u32, u32); 4] = [(1, 2, 3), (2, 2, 3), (3, 2, 3), (2, 2, 2)];

/// Permute: Q, size, opcode (UZP1 001, TRN1 010, ZIP1 011, UZP2 101,
/// TRN2 110, ZIP2 111).
fn permute(q: bool, size: u32, opc: u32, (d, n, m): (u32, u32, u32)) -> u32 {
    (q as u32) << 30 | 0b001110 << 24 | size << 22 | m << 16 | opc << 12 | 0b10 << 10 | n << 5 | d
}

/// Two-register misc (vector): Q, U, size, opcode.
fn misc(q: bool, u: bool, size: u32, opc: u32, (d, n): (u32, u32)) -> u32 {
    (q as u32) << 30
        | (u as u32) << 29
        | 0b01110 << 24
        | size << 22
        | 0b10000 << 17
        | opc << 12
        | 0b10 << 10
        | n << 5
        | d
}

fn words() -> Vec<u32> {
    let mut w = Vec::new();
    for q in [false, true] {
        for size in 0..4u32 {
            for opc in [1, 2, 3, 5, 6, 7] {
                if size < 3 || q {
                    for r in REGS {
                        w.push(permute(q, size, opc, r));
                    }
                }
            }
            for (d, n, _) in REGS[..2].iter().copied() {
                if size < 3 {
                    w.push(misc(q, false, size, 0b00000, (d, n))); // REV64
                }
                if size < 2 {
                    w.push(misc(q, true, size, 0b00000, (d, n))); // REV32
                }
                if size == 0 {
                    w.push(misc(q, false, size, 0b00001, (d, n))); // REV16
                    w.push(misc(q, false, size, 0b00101, (d, n))); // CNT
                }
                // FABS, FNEG single/double (size 1x)
                if size >= 2 && (size == 2 || q) {
                    w.push(misc(q, false, size, 0b01111, (d, n)));
                    w.push(misc(q, true, size, 0b01111, (d, n)));
                }
            }
        }
        // FABS, FNEG half precision
        for u in [false, true] {
            for (d, n, _) in REGS[..2].iter().copied() {
                w.push((q as u32) << 30 | (u as u32) << 29 | 0x0ef8_f800 | n << 5 | d);
            }
        }
    }
    // SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV, ADDV: U, opcode.
    let across = [(0, 0b00011), (1, 0b00011), (0, 0b01010), (1, 0b01010)];
    let across = across
        .into_iter()
        .chain([(0, 0b11010), (1, 0b11010), (0, 0b11011)]);
    for (u, opc) in across {
        for (q, size) in [(0, 0), (1, 0), (0, 1), (1, 1), (1, 2)] {
            for (d, n, _) in REGS[..2].iter().copied() {
                let word = q << 30 | u << 29 | 0x0e30_0800 | size << 22 | opc << 12;
                w.push(word | n << 5 | d);
            }
        }
    }
    // Scalar D three same: U, opcode.
    let same = [(0, 0b10000), (1, 0b10000), (1, 0b10001), (0, 0b10001)];
    let cmp = [(0, 0b00110), (1, 0b00110), (0, 0b00111), (1, 0b00111)];
    for (u, opc) in same.into_iter().chain(cmp) {
        for (d, n, m) in REGS {
            w.push(0x5ee0_0400 | u << 29 | m << 16 | opc << 11 | n << 5 | d);
        }
    }
    w
}

/// A vector of floating-point specials (one in four) or of
/// [`vec_int::vector`](super::vec_int::vector)'s bytes.
fn vector(rng: &mut Rng) -> u128 {
    if rng.chance(4) {
        let specials = [
            0u64,
            1 << 63,
            0x7ff0 << 48,
            0xfff8 << 48,
            0x7fc0_0001_ffc0_0000,
        ];
        return (rng.pick(&specials) as u128) << 64 | rng.pick(&specials) as u128;
    }
    super::vec_int::vector(rng)
}

#[test]
fn permutes_reversals_counts_and_sign_ops_match_their_helpers() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x9e7));
    let mut jit = Jit::new();
    let words = words();
    for &w in &words {
        let block = block_of(&[w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
    }
    super::vec_int::singly_then_blocks(&mut rng, &mut jit, &words, vector);
    assert!(words.len() > 300, "{} words", words.len());
}
