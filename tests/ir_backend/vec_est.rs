//! The reciprocal estimates and the vector square root that run inline
//! (`emit_vec_est`, `VecOp::Estimate`; FSQRT as a `VecOp::Fp`): FRECPE,
//! FRSQRTE (vector and scalar, half, single and double lanes), FRECPX
//! (scalar H, S, D), URECPE and URSQRTE, FSQRT on single and double lanes;
//! every arrangement, with the destination apart from and equal to the
//! source, each translated without a helper call and run alone from 400
//! random states, then in random blocks with other instructions between,
//! under the interpreter (the exact helpers) and as x86-64 code before and
//! after the passes. Lanes are biased to the edges of the inline forms:
//! zeros, denormals, the smallest and largest exponents either side of
//! where the estimate overflows or becomes denormal, infinities, NaNs,
//! negative values, and integers about 2^30 and 2^31; FPCR is random among
//! the rounding modes, FZ, FZ16, DN and AHP. Results and FPSR must agree
//! exactly.

use super::vec_ops::{block_of, run_vectors_with, MIXED};
use super::*;
use emu::ir::Op;

/// From aarch64-linux-gnu-as -march=armv8.2-a+fp16.
const WORDS: [u32; 38] = [
    0x0ea1d841, // frecpe v1.2s, v2.2s
    0x4ea1d841, // frecpe v1.4s, v2.4s
    0x4ea1d842, // frecpe v2.4s, v2.4s
    0x4ee1d841, // frecpe v1.2d, v2.2d
    0x4ee1d842, // frecpe v2.2d, v2.2d
    0x0ef9d841, // frecpe v1.4h, v2.4h
    0x4ef9d841, // frecpe v1.8h, v2.8h
    0x4ef9d842, // frecpe v2.8h, v2.8h
    0x5ea1d841, // frecpe s1, s2
    0x5ee1d841, // frecpe d1, d2
    0x5ef9d841, // frecpe h1, h2
    0x5ea1d842, // frecpe s2, s2
    0x2ea1d841, // frsqrte v1.2s, v2.2s
    0x6ea1d841, // frsqrte v1.4s, v2.4s
    0x6ea1d842, // frsqrte v2.4s, v2.4s
    0x6ee1d841, // frsqrte v1.2d, v2.2d
    0x6ee1d842, // frsqrte v2.2d, v2.2d
    0x2ef9d841, // frsqrte v1.4h, v2.4h
    0x6ef9d841, // frsqrte v1.8h, v2.8h
    0x7ea1d841, // frsqrte s1, s2
    0x7ee1d841, // frsqrte d1, d2
    0x7ef9d841, // frsqrte h1, h2
    0x7ee1d842, // frsqrte d2, d2
    0x5ea1f841, // frecpx s1, s2
    0x5ee1f841, // frecpx d1, d2
    0x5ef9f841, // frecpx h1, h2
    0x5ee1f842, // frecpx d2, d2
    0x0ea1c841, // urecpe v1.2s, v2.2s
    0x4ea1c841, // urecpe v1.4s, v2.4s
    0x4ea1c842, // urecpe v2.4s, v2.4s
    0x2ea1c841, // ursqrte v1.2s, v2.2s
    0x6ea1c841, // ursqrte v1.4s, v2.4s
    0x6ea1c842, // ursqrte v2.4s, v2.4s
    0x2ea1f841, // fsqrt v1.2s, v2.2s
    0x6ea1f841, // fsqrt v1.4s, v2.4s
    0x6ea1f842, // fsqrt v2.4s, v2.4s
    0x6ee1f841, // fsqrt v1.2d, v2.2d
    0x6ee1f842, // fsqrt v2.2d, v2.2d
];

/// A lane of `esize` bits biased to the edges the inline forms check.
fn lane(rng: &mut Rng, esize: u32) -> u64 {
    let (fbits, ebits) = match esize {
        16 => (10, 5),
        32 => (23, 8),
        _ => (52, 11),
    };
    let emax = (1u64 << ebits) - 1;
    let bias = emax >> 1;
    let exp = match rng.below(12) {
        0 => 0,
        1 => emax,
        2 => 1 + rng.below(3),
        3 => emax - 1 - rng.below(3),
        // Where FRECPE's estimate leaves the normal range.
        4 => 2 * bias - 3 + rng.below(4),
        5 => return rng.next() & (u64::MAX >> (64 - esize)),
        // URECPE and URSQRTE's limits, 2^30 and 2^31.
        6 => {
            return (rng.pick(&[0x3FFF_FFFFu64, 0x4000_0000, 0x7FFF_FFFF, 0x8000_0000])
                + rng.below(3))
                & 0xFFFF_FFFF
        }
        _ => bias - 4 + rng.below(8),
    };
    let frac = match rng.below(4) {
        0 => 0,
        1 => (1 << fbits) - 1,
        _ => rng.next() & ((1 << fbits) - 1),
    };
    rng.below(2) << (esize - 1) | exp << fbits | frac
}

/// A vector of lanes of one random size.
fn vector(rng: &mut Rng) -> u128 {
    let esize = rng.pick(&[16u32, 32, 64]);
    (0..128 / esize).fold(0u128, |v, i| v | (lane(rng, esize) as u128) << (esize * i))
}

/// One case: `words` from a random state, interpreter against x86-64 code.
fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    run_vectors_with(rng, jit, words, vector, |rng, cpu0| {
        cpu0.fpcr = if rng.chance(2) {
            rng.pick(&FPCR_SPECIAL)
        } else {
            0
        };
    });
}

#[test]
fn estimates_and_square_roots_run_inline_and_match_the_helpers() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xe57));
    let mut jit = Jit::new();
    for &w in &WORDS {
        let block = block_of(&[w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
        assert!(
            (block.ops.iter()).any(|o| matches!(o, Op::Vec { .. })),
            "{w:#010x} is not an Op::Vec"
        );
        for _ in 0..400 {
            check(&mut jit, &mut rng, &[w]);
        }
    }
    for _ in 0..500 {
        let n = 2 + rng.below(8) as usize;
        let seq: Vec<u32> = (0..n)
            .map(|_| {
                if rng.chance(3) {
                    rng.pick(&MIXED)
                } else {
                    rng.pick(&WORDS)
                }
            })
            .collect();
        check(&mut jit, &mut rng, &seq);
    }
}
