//! The shifts by register on the lane sizes `emit_vec_sat`'s AVX2 forms
//! leave out, run inline as an `Op::Vec`: SSHL/USHL and SRSHL/URSHL on
//! 8-bit lanes (`emit_vec_shl8`), SQSHL/UQSHL and SQRSHL/UQRSHL on 8- and
//! 64-bit lanes, vector and scalar B and D; and the scalar saturating
//! narrows SQXTN/UQXTN/SQXTUN, SQSHRN/UQSHRN/SQRSHRN/UQRSHRN/SQSHRUN/
//! SQRSHRUN and shifts SQSHL/UQSHL/SQSHLU by immediate on B, H and S
//! (`emit_vec_widen`), every shift amount. Every arrangement, the
//! destination apart from and equal to each source, must translate with
//! no helper call and match the interpreter (the exact helper) before and
//! after the passes, alone and in blocks with other vector instructions,
//! from random states: lanes biased to the integer limits, counts to the
//! lane size and its neighbours, random NZCV, FPSR (QC set or clear) and
//! FPCR.

use super::vec_ops::{block_of, mixed_seq, run_vectors_with};
use super::vec_sat::{same, REGS};
use super::{Jit, Rng};
use emu::ir::Op;

/// SSHL/USHL (01000), SRSHL/URSHL (01010) on bytes; SQSHL/UQSHL (01001),
/// SQRSHL/UQRSHL (01011) on bytes and doublewords, vector and scalar.
fn shift_reg_words() -> Vec<u32> {
    let mut w = Vec::new();
    for u in [false, true] {
        for r in REGS {
            for opc in [0b01000, 0b01010] {
                for q in [false, true] {
                    w.push(same(false, q, u, 0, opc, r));
                }
            }
            for opc in [0b01001, 0b01011] {
                for size in [0, 3] {
                    w.push(same(true, true, u, size, opc, r));
                    w.push(same(false, true, u, size, opc, r));
                    if size == 0 {
                        w.push(same(false, false, u, size, opc, r));
                    }
                }
            }
        }
    }
    w
}

/// Lanes of one random size of `sizes`: each, or all of them, a limit of
/// the lane's range, a power of two or one off it (either sign), a small
/// value or random; or bytes that are shift counts about 0, ±8, ±16, ±64
/// and the byte limits, so that a byte lane (or the low byte of a wider
/// one) counts by them.
fn lanes_of(rng: &mut Rng, sizes: &[u32]) -> u128 {
    if rng.chance(3) {
        return (0..16).fold(0u128, |v, i| {
            let b = match rng.below(4) {
                0 => rng.below(20) as u8,
                1 => rng.pick(&[0x80u8, 0x81, 0x7f, 0x7e, 0xff]),
                _ => {
                    let e = rng.pick(&[1i32, 8, 16, 32, 64]) + rng.below(3) as i32 - 1;
                    (if rng.chance(2) { -e } else { e }) as u8
                }
            };
            v | (b as u128) << (8 * i)
        });
    }
    let es = rng.pick(sizes);
    let mask = u64::MAX >> (64 - es);
    let min = 1u64 << (es - 1);
    let edges = [
        0,
        1,
        2,
        3,
        mask,
        mask - 1,
        min,
        min - 1,
        min + 1,
        min >> 1,
        min >> 2,
    ];
    let all = rng.chance(4).then(|| rng.pick(&edges));
    (0..128 / es).fold(0u128, |v, i| {
        let x = all.unwrap_or_else(|| match rng.below(5) {
            0 => rng.next() & mask,
            1 => rng.next() & mask >> rng.below(es as u64),
            2 => {
                let p = (1u64 << rng.below(es as u64))
                    .wrapping_add(rng.below(3))
                    .wrapping_sub(1);
                if rng.chance(2) {
                    p.wrapping_neg() & mask
                } else {
                    p & mask
                }
            }
            _ => rng.pick(&edges),
        });
        v | (x as u128) << (es * i)
    })
}

/// [`lanes_of`] 8- or 64-bit lanes.
fn lanes(rng: &mut Rng) -> u128 {
    lanes_of(rng, &[8, 64])
}

/// [`lanes_of`] lanes of any size.
fn lanes_any(rng: &mut Rng) -> u128 {
    lanes_of(rng, &[8, 16, 32, 64])
}

/// Scalar two-register misc (U, size, opcode) and shift by immediate
/// (U, immh:immb, opcode) from V2 to V1 or V2.
fn scalar_misc(u: bool, size: u32, opc: u32, (d, n): (u32, u32)) -> u32 {
    0x5e20_0800 | (u as u32) << 29 | size << 22 | opc << 12 | n << 5 | d
}

fn scalar_shift(u: bool, immhb: u32, opc: u32, (d, n): (u32, u32)) -> u32 {
    0x5f00_0400 | (u as u32) << 29 | immhb << 16 | opc << 11 | n << 5 | d
}

/// The scalar saturating narrows and shifts: SQXTN/UQXTN (U, 10100),
/// SQXTUN (1, 10010) on B, H and S; SQSHRN/UQSHRN (U, 10010),
/// SQRSHRN/UQRSHRN (U, 10011), SQSHRUN (1, 10000), SQRSHRUN (1, 10001)
/// by every amount 1..=esize on B, H and S; SQSHL/UQSHL (U, 01110) and
/// SQSHLU (1, 01100) by every amount 0..esize on B, H, S and D.
fn scalar_sat_words() -> Vec<u32> {
    let regs = [(1, 2), (2, 2)];
    let mut w = Vec::new();
    for r in regs {
        for size in 0..4u32 {
            let es = 8 << size;
            if size < 3 {
                for (u, opc) in [(false, 0b10100), (true, 0b10100), (true, 0b10010)] {
                    w.push(scalar_misc(u, size, opc, r));
                }
                let narrows = [(false, 0b10010), (true, 0b10010), (false, 0b10011)];
                let narrows =
                    narrows
                        .into_iter()
                        .chain([(true, 0b10011), (true, 0b10000), (true, 0b10001)]);
                for (u, opc) in narrows {
                    for sh in 1..=es {
                        w.push(scalar_shift(u, 2 * es - sh, opc, r));
                    }
                }
            }
            for (u, opc) in [(false, 0b01110), (true, 0b01110), (true, 0b01100)] {
                for sh in 0..es {
                    w.push(scalar_shift(u, es + sh, opc, r));
                }
            }
        }
    }
    w
}

/// One case: `words` from a random state with random NZCV, FPSR and FPCR.
fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32], vector: fn(&mut Rng) -> u128) {
    run_vectors_with(rng, jit, words, vector, |rng, cpu0| {
        cpu0.nzcv = rng.next() & 0xF000_0000;
        // QC (bit 27) and the cumulative exception bits.
        cpu0.fpsr = rng.next() & 0x0800_009F;
        // AHP, DN, FZ, RMode, FZ16.
        cpu0.fpcr = rng.next() & 0x07C8_0000;
    });
}

/// Each word alone from `per_word` states, then 500 blocks of 2 to 9 of
/// them (and, one in four, of `vec_ops::MIXED`).
fn each_then_mixed(seed: u64, words: &[u32], per_word: usize, vector: fn(&mut Rng) -> u128) {
    let mut rng = Rng(super::env_u64("EMU_IR_FUZZ_SEED", seed));
    let mut jit = Jit::new();
    for &w in words {
        let block = block_of(&[w]);
        assert!(
            block.ops.iter().any(|o| matches!(o, Op::Vec { .. })),
            "{w:#010x} is not an Op::Vec"
        );
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
        for _ in 0..per_word {
            check(&mut jit, &mut rng, &[w], vector);
        }
    }
    for _ in 0..500 {
        let seq = mixed_seq(&mut rng, 8, 4, |r| r.pick(words));
        check(&mut jit, &mut rng, &seq, vector);
    }
}

#[test]
fn byte_and_doubleword_shifts_by_register_match_the_helper() {
    let words = shift_reg_words();
    assert_eq!(
        words.len(),
        2 * 4 * (2 * 2 + 2 * 5),
        "{} words",
        words.len()
    );
    each_then_mixed(0x5_4e11, &words, 300, lanes);
}

#[test]
fn scalar_saturating_narrows_and_shifts_match_the_helper() {
    let words = scalar_sat_words();
    assert_eq!(
        words.len(),
        2 * (3 * 3 + 6 * 56 + 3 * 120),
        "{} words",
        words.len()
    );
    each_then_mixed(0x5_4e12, &words, 60, lanes_any);
}
