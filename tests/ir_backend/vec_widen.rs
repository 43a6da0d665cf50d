//! The long, wide and narrow-high three-different forms (SADDL/UADDL,
//! SSUBL/USUBL, SADDW/UADDW, SSUBW/USUBW, SABDL/UABDL, SABAL/UABAL,
//! ADDHN/SUBHN/RADDHN/RSUBHN and their "2" forms), the saturating
//! narrowing moves (SQXTN/UQXTN/SQXTUN[2]) and shifts (SQSHRN, UQSHRN,
//! SQRSHRN, UQRSHRN, SQSHRUN, SQRSHRUN[2]) and the rounding shifts
//! (SRSHR/URSHR/SRSRA/URSRA, vector and scalar) and the long multiplies
//! by element (SMULL/UMULL, SMLAL/UMLAL, SMLSL/UMLSL) and SQSHL/UQSHL/
//! SQSHLU by immediate (vector and scalar D), which run inline as an
//! `Op::Vec` (`emit_vec_widen`): every arrangement, every shift amount,
//! with the destination apart from and equal to each source, each alone
//! from 300 random states (lanes biased to the range and rounding
//! boundaries), then in random blocks, under the interpreter (the exact
//! helper) and as x86-64 code before and after the passes; FPSR (QC) is
//! compared too. Each word must translate without a helper call on this
//! host (no `Op::Call`, and the backend runs every op inline).

use super::vec_ops::block_of;
use super::*;
use emu::backend::x64::regalloc::may_call;
use emu::ir::Op;

/// The register triples (d, n, m) each word is made with.
const REGS: [(u32, u32, u32); 4] = [(1, 2, 3), (2, 2, 3), (3, 2, 3), (2, 2, 2)];

/// The fields Q, U, size, Rm, Rn and Rd of a word.
fn fields(q: bool, u: bool, size: u32, (d, n, m): (u32, u32, u32)) -> u32 {
    (q as u32) << 30 | (u as u32) << 29 | size << 22 | m << 16 | n << 5 | d
}

/// Three different (vector): Q, U, size, opcode.
fn diff(q: bool, u: bool, size: u32, opc: u32, regs: (u32, u32, u32)) -> u32 {
    0x0e20_0000 | opc << 12 | fields(q, u, size, regs)
}

/// Shift by immediate, right-shift encoding immh:immb = 2 * esize - sh;
/// the scalar form with `scalar`.
fn shift_right(
    (q, u, scalar): (bool, bool, bool),
    opc: u32,
    esize: u32,
    sh: u32,
    (d, n): (u32, u32),
) -> u32 {
    (q as u32) << 30
        | (u as u32) << 29
        | (scalar as u32) << 28
        | 0x0f00_0400
        | (2 * esize - sh) << 16
        | opc << 11
        | n << 5
        | d
}

/// Vector x indexed element, integer: Q, U, size (1 or 2), opcode and
/// element index (Vm below 16 for 16-bit lanes).
fn elem(q: bool, u: bool, size: u32, opc: u32, i: u32, (d, n, m): (u32, u32, u32)) -> u32 {
    let (h, l, mm) = if size == 1 {
        (i >> 2, i >> 1 & 1, i & 1)
    } else {
        (i >> 1, i & 1, m >> 4)
    };
    let hlm = l << 21 | mm << 20 | h << 11;
    0x0f00_0000 | hlm | opc << 12 | fields(q, u, size, (d, n, m & 15))
}

/// Two-register misc (vector): Q, U, size, opcode.
fn misc(q: bool, u: bool, size: u32, opc: u32, (d, n): (u32, u32)) -> u32 {
    (q as u32) << 30 | (u as u32) << 29 | 0x0e20_0800 | size << 22 | opc << 12 | n << 5 | d
}

/// The shift amounts tried for `esize`-bit lanes: 1, 2, esize / 2,
/// esize - 1, esize and two random ones.
fn amounts(rng: &mut Rng, esize: u32) -> Vec<u32> {
    let mut v = vec![1, 2, esize / 2, esize - 1, esize];
    v.push(1 + rng.below(esize as u64) as u32);
    v.push(1 + rng.below(esize as u64) as u32);
    v.sort_unstable();
    v.dedup();
    v
}

fn words(rng: &mut Rng) -> Vec<u32> {
    let mut w = Vec::new();
    for q in [false, true] {
        for u in [false, true] {
            for size in 0..3u32 {
                // ADDL, ADDW, SUBL, SUBW, ADDHN, ABAL, SUBHN, ABDL.
                for opc in [
                    0b0000, 0b0001, 0b0010, 0b0011, 0b0100, 0b0101, 0b0110, 0b0111,
                ] {
                    for r in REGS {
                        w.push(diff(q, u, size, opc, r));
                    }
                }
                // XTN/SQXTUN (10010), SQXTN/UQXTN (10100).
                for opc in [0b10010, 0b10100] {
                    for (d, n, _) in REGS[..2].iter().copied() {
                        w.push(misc(q, u, size, opc, (d, n)));
                    }
                }
                // SHRN/SQSHRUN, RSHRN/SQRSHRUN, SQSHRN/UQSHRN, SQRSHRN/UQRSHRN.
                let es = 8 << size;
                for opc in [0b10000, 0b10001, 0b10010, 0b10011] {
                    for sh in amounts(rng, es) {
                        for (d, n, _) in REGS[..2].iter().copied() {
                            w.push(shift_right((q, u, false), opc, es, sh, (d, n)));
                        }
                    }
                }
            }
            // SMLAL/UMLAL (0010), SMLSL/UMLSL (0110), SMULL/UMULL (1010) by
            // element.
            for size in 1..3u32 {
                for opc in [0b0010, 0b0110, 0b1010] {
                    for i in 0..(16 >> size) {
                        for r in REGS {
                            w.push(elem(q, u, size, opc, i, r));
                        }
                    }
                }
            }
            // SQSHLU (01100, U = 1), SQSHL/UQSHL (01110) by immediate:
            // immh:immb = esize + sh, sh in 0..esize.
            for size in 0..4u32 {
                let es = 8 << size;
                let mut shifts = amounts(rng, es);
                shifts.retain(|&s| s < es);
                shifts.push(0);
                for opc in [0b01100, 0b01110] {
                    if opc == 0b01100 && !u {
                        continue;
                    }
                    for sh in shifts.iter().map(|s| es - s) {
                        for (d, n, _) in REGS[..2].iter().copied() {
                            if size < 3 || q {
                                w.push(shift_right((q, u, false), opc, es, sh, (d, n)));
                            }
                            if size == 3 && q {
                                w.push(shift_right((true, u, true), opc, es, sh, (d, n)));
                            }
                        }
                    }
                }
            }
            // SRSHR/URSHR (00100), SRSRA/URSRA (00110).
            for size in 0..4u32 {
                let es = 8 << size;
                for opc in [0b00100, 0b00110] {
                    for sh in amounts(rng, es) {
                        for (d, n, _) in REGS[..2].iter().copied() {
                            if size < 3 || q {
                                w.push(shift_right((q, u, false), opc, es, sh, (d, n)));
                            }
                            if size == 3 && q {
                                w.push(shift_right((true, u, true), opc, es, sh, (d, n)));
                            }
                        }
                    }
                }
            }
        }
    }
    w
}

/// A vector of 16-, 32- or 64-bit lanes (or random bytes), each an edge
/// of the narrow range of half its size, a rounding boundary or random.
fn vector(rng: &mut Rng) -> u128 {
    if rng.chance(6) {
        return super::vec_int::vector(rng);
    }
    let wide = rng.pick(&[16u32, 32, 64]);
    let es = wide / 2;
    let mask = |b: u32| u64::MAX >> (64 - b);
    let edges = [
        0,
        1,
        mask(wide),
        1 << (wide - 1),
        mask(wide - 1),
        mask(es - 1),
        1 << (es - 1),
        mask(es),
        1 << es,
        (1 << es) + 1,
        mask(wide) << (es - 1),
        (mask(wide) << (es - 1)) - 1,
        mask(wide) << es,
        mask(wide - 1) - mask(es),
    ];
    (0..128 / wide).fold(0u128, |v, i| {
        let x = match rng.below(4) {
            0 => rng.next(),
            // A rounding boundary: a low bit pattern 100...0 or 011...1.
            1 => {
                let k = 1 + rng.below(wide as u64 - 1) as u32;
                let half = 1u64 << (k - 1);
                let low = if rng.chance(2) { half } else { half - 1 };
                rng.pick(&edges) & !((1 << k) - 1) | low
            }
            _ => rng.pick(&edges),
        } & mask(wide);
        v | (x as u128) << (wide * i)
    })
}

#[test]
fn widening_and_narrowing_forms_run_inline_and_match_their_helpers() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x71de));
    let mut jit = Jit::new();
    let words = words(&mut rng);
    // SSE4.1 for signed 32-bit long multiplies, SSE4.2 for saturating
    // narrows from 64-bit lanes.
    let no_sse42 = !std::arch::is_x86_feature_detected!("sse4.2");
    if no_sse42 {
        eprintln!("note: host without sse4.2: some forms run the helper");
    }
    assert_inline(&words, !no_sse42);
    super::vec_int::singly_then_blocks(&mut rng, &mut jit, &words, vector);
    assert!(words.len() > 1000, "{} words", words.len());
}

/// Each of `words` translates to an `Op::Vec` and, when `host_ok` (the
/// host has what the inline forms need), with no op that calls a helper.
pub(super) fn assert_inline(words: &[u32], host_ok: bool) {
    for &w in words {
        let block = block_of(&[w]);
        assert!(
            (block.ops.iter()).any(|o| matches!(o, Op::Vec { .. })),
            "{w:#010x} is not an Op::Vec"
        );
        assert!(
            !host_ok || !(block.ops.iter()).any(may_call),
            "{w:#010x} calls a helper"
        );
    }
}
