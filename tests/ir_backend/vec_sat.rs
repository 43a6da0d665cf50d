//! The saturating SQADD/UQADD/SQSUB/UQSUB (vector and scalar, every
//! size), the halving SHADD/UHADD, SRHADD/URHADD, SHSUB/UHSUB, the
//! absolute differences SABD/UABD, SABA/UABA, SSHL/USHL and SRSHL/URSHL
//! (16-, 32- and 64-bit lanes, scalar D), SQSHL/UQSHL and SQRSHL/UQRSHL
//! (16- and 32-bit lanes, scalar H and S) and TBL/TBX with one to four
//! table registers, which the backend runs inline (`emit_vec_sat`) as an
//! `Op::Vec`: every arrangement, the destination apart from and equal to
//! each source (for TBL/TBX also inside the table, and tables wrapping
//! past V31), against the interpreter (the exact helper) before and after
//! the passes, alone and in blocks with other vector instructions; FPSR
//! (QC) is compared too. Lanes are biased to the integer limits, table
//! indices to the bounds of the table.

use super::vec_ops::{block_of, singly_then_mixed};
use super::Rng;
use emu::ir::Op;

/// The register triples (d, n, m) each three-same word is made with.
pub(super) const REGS: [(u32, u32, u32); 4] = [(1, 2, 3), (2, 2, 3), (3, 2, 3), (2, 2, 2)];

/// Three same (vector, or scalar with `scalar`): Q, U, size, opcode.
pub(super) fn same(
    scalar: bool,
    q: bool,
    u: bool,
    size: u32,
    opc: u32,
    (d, n, m): (u32, u32, u32),
) -> u32 {
    let base = if scalar { 0x5e20_0400 } else { 0x0e20_0400 };
    base | (q as u32) << 30 | (u as u32) << 29 | size << 22 | m << 16 | opc << 11 | n << 5 | d
}

/// SQADD 00001, SQSUB 00101 (all sizes but 1D; scalar all sizes); SHADD
/// 00000, SRHADD 00010, SHSUB 00100, SABD 01110, SABA 01111 (B, H, S).
fn same_words() -> Vec<u32> {
    let mut w = Vec::new();
    for u in [false, true] {
        for size in 0..4u32 {
            for r in REGS {
                for opc in [0b00001, 0b00101] {
                    w.push(same(true, true, u, size, opc, r));
                    for q in [false, true] {
                        if size < 3 || q {
                            w.push(same(false, q, u, size, opc, r));
                        }
                    }
                }
                // SSHL/USHL (01000), SRSHL/URSHL (01010): 16-, 32- and
                // 64-bit lanes, scalar D.
                for opc in [0b01000, 0b01010] {
                    if size >= 1 {
                        for q in [false, true] {
                            if size < 3 || q {
                                w.push(same(false, q, u, size, opc, r));
                            }
                        }
                    }
                    if size == 3 {
                        w.push(same(true, true, u, size, opc, r));
                    }
                }
                // SQSHL/UQSHL (01001), SQRSHL/UQRSHL (01011): 16- and
                // 32-bit lanes, scalar H and S.
                for opc in [0b01001, 0b01011] {
                    if matches!(size, 1 | 2) {
                        w.push(same(true, true, u, size, opc, r));
                        for q in [false, true] {
                            w.push(same(false, q, u, size, opc, r));
                        }
                    }
                }
                for opc in [0b00000, 0b00010, 0b00100, 0b01110, 0b01111] {
                    for q in [false, true] {
                        if size < 3 {
                            w.push(same(false, q, u, size, opc, r));
                        }
                    }
                }
            }
        }
    }
    w
}

/// TBL (TBX with `tbx`) with `len + 1` table registers from `n`.
fn tbl(q: bool, tbx: bool, len: u32, (d, n, m): (u32, u32, u32)) -> u32 {
    (q as u32) << 30 | 0x0e00_0000 | m << 16 | len << 13 | (tbx as u32) << 12 | n << 5 | d
}

fn tbl_words() -> Vec<u32> {
    let regs = [
        (1, 2, 6),
        (2, 2, 6),
        (6, 2, 6),
        (4, 2, 6),
        (1, 30, 3),
        (1, 31, 0),
        (3, 3, 3),
    ];
    let mut w = Vec::new();
    for q in [false, true] {
        for tbx in [false, true] {
            for len in 0..4 {
                for r in regs {
                    w.push(tbl(q, tbx, len, r));
                }
            }
        }
    }
    w
}

/// A vector of lanes of one random size, each (or, one time in four, all
/// of them) a limit of the lane's range or random; or one time in three
/// bytes mostly below 80 (table indices at the bounds of one to four
/// registers); or one time in four small values or shift counts about
/// ±(1, 8, 16, 32, 64) in every byte.
fn lanes(rng: &mut Rng) -> u128 {
    if rng.chance(4) {
        return (0..16).fold(0u128, |v, i| {
            let b = match rng.below(3) {
                0 => rng.below(9) as u8,
                _ => {
                    let e = rng.pick(&[1i32, 8, 16, 32, 64]) + rng.below(3) as i32 - 1;
                    (if rng.chance(2) { -e } else { e }) as u8
                }
            };
            v | (b as u128) << (8 * i)
        });
    }
    if rng.chance(3) {
        return (0..16).fold(0u128, |v, i| {
            let b = match rng.below(4) {
                0 => rng.next() as u8,
                1 => rng.pick(&[15u8, 16, 31, 32, 47, 48, 63, 64, 0x7f, 0x80, 0xff]),
                _ => rng.below(80) as u8,
            };
            v | (b as u128) << (8 * i)
        });
    }
    let es = rng.pick(&[8u32, 16, 32, 64]);
    let mask = u64::MAX >> (64 - es);
    let min = 1u64 << (es - 1);
    let edges = [0, 1, 2, mask, mask - 1, min, min - 1, min + 1, min - 2];
    edge_lanes(rng, es, &edges)
}

/// A vector of `es`-bit lanes, each (or, one time in four, all of them)
/// one of `edges` or, one time in three, random.
pub(super) fn edge_lanes(rng: &mut Rng, es: u32, edges: &[u64]) -> u128 {
    let mask = u64::MAX >> (64 - es);
    let all = rng.chance(4).then(|| rng.pick(edges));
    (0..128 / es).fold(0u128, |v, i| {
        let x = all.unwrap_or_else(|| match rng.below(3) {
            0 => rng.next() & mask,
            _ => rng.pick(edges),
        });
        v | (x as u128) << (es * i)
    })
}

#[test]
fn saturating_halving_differences_and_tables_match_the_helper() {
    let mut words = same_words();
    words.extend(tbl_words());
    for &w in &words {
        let block = block_of(&[w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
    }
    assert!(words.len() > 500, "{} words", words.len());
    singly_then_mixed(0x5a7, &words, &words, lanes);
}
