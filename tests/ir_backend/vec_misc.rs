//! The integer two-register miscellaneous forms the backend runs inline
//! (`emit_vec_misc`) as an `Op::Vec` `Misc`: SADDLP/UADDLP, SADALP/UADALP,
//! CLS/CLZ (8-, 16- and 32-bit lanes), SUQADD/USQADD and SQABS/SQNEG
//! (every arrangement and the scalar forms), the destination apart from
//! and equal to the source, against the interpreter (the exact helper)
//! before and after the passes, alone and in blocks with other vector
//! instructions; FPSR (QC) is compared too. ADDP (scalar) the same, as
//! an `Op::Vec` `Reduce`. Lanes are biased to the
//! integer limits and to values with long runs of leading sign bits.

use super::vec_fp::assert_inline_vec;
use super::vec_ops::singly_then_mixed;
use super::vec_sat::edge_lanes;
use super::vec_widen::assert_inline;
use super::Rng;
use emu::ir::VecOp;

/// Two-register misc (vector, or scalar with `scalar`): Q, U, size,
/// opcode, registers (d, n).
fn misc(scalar: bool, q: bool, u: bool, size: u32, opc: u32, (d, n): (u32, u32)) -> u32 {
    let base = if scalar { 0x5e20_0800 } else { 0x0e20_0800 };
    base | (q as u32) << 30 | (u as u32) << 29 | size << 22 | opc << 12 | n << 5 | d
}

/// xADDLP 00010, xADALP 00110, CLS/CLZ 00100 (B, H, S); SUQADD/USQADD
/// 00011, SQABS/SQNEG 00111 (all arrangements but 1D, scalar all sizes).
fn words() -> Vec<u32> {
    let mut w = Vec::new();
    for u in [false, true] {
        for size in 0..4u32 {
            for r in [(1, 2), (2, 2), (31, 0)] {
                for q in [false, true] {
                    for opc in [0b00010, 0b00110, 0b00100] {
                        if size < 3 {
                            w.push(misc(false, q, u, size, opc, r));
                        }
                    }
                    for opc in [0b00011, 0b00111] {
                        if size < 3 || q {
                            w.push(misc(false, q, u, size, opc, r));
                        }
                    }
                }
                for opc in [0b00011, 0b00111] {
                    w.push(misc(true, true, u, size, opc, r));
                }
            }
        }
    }
    w
}

/// A vector of lanes of one random size, each (or, one time in four, all
/// of them) a limit of the lane's range, a value with a long run of equal
/// top bits, or random.
fn lanes(rng: &mut Rng) -> u128 {
    let es = rng.pick(&[8u32, 16, 32, 64]);
    let mask = u64::MAX >> (64 - es);
    let min = 1u64 << (es - 1);
    let k = rng.below(es as u64) as u32;
    let run = (mask >> k) ^ if rng.chance(2) { mask } else { 0 };
    let edges = [0, 1, 2, mask, mask - 1, min, min - 1, min + 1, min - 2, run];
    edge_lanes(rng, es, &edges)
}

#[test]
fn integer_misc_matches_the_helper() {
    let words = words();
    for &w in &words {
        assert_inline_vec(w, "VecOp::Misc", |op| matches!(op, VecOp::Misc { .. }));
    }
    assert_inline(&words, true);
    assert!(words.len() > 200, "{} words", words.len());
    singly_then_mixed(0x3157, &words, &words, lanes);
}

/// ADDP (scalar), the sum of the two 64-bit lanes of `V[n]`: an `Op::Vec`
/// `Reduce` without a helper call.
#[test]
fn scalar_addp_matches_the_helper() {
    let words: Vec<u32> = [(1, 2), (2, 2), (31, 0), (0, 31)]
        .iter()
        .map(|&(d, n)| 0x5ef1_b800 | n << 5 | d)
        .collect();
    for &w in &words {
        assert_inline_vec(w, "VecOp::Reduce", |op| matches!(op, VecOp::Reduce { .. }));
    }
    assert_inline(&words, true);
    singly_then_mixed(0xadd9, &words, &words, lanes);
}
