//! The rounding forms of `VecOp::Fp` without a single x86 instruction
//! (`emit_vec_round`): FRINTA and FCVTAS/FCVTAU (ties away from zero; the
//! vector forms and the scalar SIMD ones) and FRINT32Z/FRINT32X/FRINT64Z/
//! FRINT64X (scalar and vector), on single and double lanes: every
//! arrangement, with the destination apart from and equal to the source,
//! each translated without a helper call and run alone from 400 random
//! states, then in random blocks with other instructions between, under
//! the interpreter (the exact helpers) and as x86-64 code before and after
//! the passes. Lanes are those of `vec_fp` (±0, subnormals, extreme
//! normals, infinities, NaNs, halfway values, integers at and beyond the
//! 32- and 64-bit limits); FPCR is random among the rounding modes, FZ and
//! DN (default half the time), FPSR's cumulative flags and NZCV random.

use super::vec_fp::{assert_inline_fp, fpcr, mixed_blocks, vector};
use super::vec_ops::run_vectors_with;
use super::*;

/// From aarch64-linux-gnu-as -march=armv8.5-a.
const WORDS: [u32; 58] = [
    0x2e218841, // frinta v1.2s, v2.2s
    0x2e218842, // frinta v2.2s, v2.2s
    0x6e218841, // frinta v1.4s, v2.4s
    0x6e218842, // frinta v2.4s, v2.4s
    0x6e618841, // frinta v1.2d, v2.2d
    0x6e618842, // frinta v2.2d, v2.2d
    0x0e21c841, // fcvtas v1.2s, v2.2s
    0x0e21c842, // fcvtas v2.2s, v2.2s
    0x4e21c841, // fcvtas v1.4s, v2.4s
    0x4e21c842, // fcvtas v2.4s, v2.4s
    0x4e61c841, // fcvtas v1.2d, v2.2d
    0x4e61c842, // fcvtas v2.2d, v2.2d
    0x2e21c841, // fcvtau v1.2s, v2.2s
    0x2e21c842, // fcvtau v2.2s, v2.2s
    0x6e21c841, // fcvtau v1.4s, v2.4s
    0x6e21c842, // fcvtau v2.4s, v2.4s
    0x6e61c841, // fcvtau v1.2d, v2.2d
    0x6e61c842, // fcvtau v2.2d, v2.2d
    0x5e21c841, // fcvtas s1, s2
    0x5e21c842, // fcvtas s2, s2
    0x5e61c841, // fcvtas d1, d2
    0x5e61c842, // fcvtas d2, d2
    0x7e21c841, // fcvtau s1, s2
    0x7e21c842, // fcvtau s2, s2
    0x7e61c841, // fcvtau d1, d2
    0x7e61c842, // fcvtau d2, d2
    0x1e284041, // frint32z s1, s2
    0x1e284042, // frint32z s2, s2
    0x1e684041, // frint32z d1, d2
    0x1e684042, // frint32z d2, d2
    0x1e28c041, // frint32x s1, s2
    0x1e28c042, // frint32x s2, s2
    0x1e68c041, // frint32x d1, d2
    0x1e68c042, // frint32x d2, d2
    0x1e294041, // frint64z s1, s2
    0x1e294042, // frint64z s2, s2
    0x1e694041, // frint64z d1, d2
    0x1e694042, // frint64z d2, d2
    0x1e29c041, // frint64x s1, s2
    0x1e29c042, // frint64x s2, s2
    0x1e69c041, // frint64x d1, d2
    0x1e69c042, // frint64x d2, d2
    0x0e21e841, // frint32z v1.2s, v2.2s
    0x4e21e842, // frint32z v2.4s, v2.4s
    0x4e61e841, // frint32z v1.2d, v2.2d
    0x4e61e842, // frint32z v2.2d, v2.2d
    0x6e21e841, // frint32x v1.4s, v2.4s
    0x2e21e842, // frint32x v2.2s, v2.2s
    0x6e61e841, // frint32x v1.2d, v2.2d
    0x6e61e842, // frint32x v2.2d, v2.2d
    0x4e21f841, // frint64z v1.4s, v2.4s
    0x0e21f842, // frint64z v2.2s, v2.2s
    0x4e61f841, // frint64z v1.2d, v2.2d
    0x4e61f842, // frint64z v2.2d, v2.2d
    0x2e21f841, // frint64x v1.2s, v2.2s
    0x6e21f842, // frint64x v2.4s, v2.4s
    0x6e61f841, // frint64x v1.2d, v2.2d
    0x6e61f842, // frint64x v2.2d, v2.2d
];

/// One case: `words` from a random state, interpreter against x86-64 code.
pub(super) fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    run_vectors_with(rng, jit, words, vector, |rng, cpu0| {
        cpu0.fpcr = fpcr(rng);
        cpu0.fpsr = rng.next() & 0x0800_009F;
        cpu0.nzcv = rng.below(16) << 28;
    });
}

/// Each of `words` must translate to a `VecOp::Fp` without a helper call
/// and is run alone by `check` from `runs` random states; then 1000 random
/// blocks of 2 to 9 of them, with `vec_ops::MIXED` instructions between.
pub(super) fn fp_words_inline(
    seed: u64,
    words: &[u32],
    runs: usize,
    check: fn(&mut Jit, &mut Rng, &[u32]),
) {
    words_inline((seed, assert_inline_fp), words, runs, check);
}

/// As [`fp_words_inline`], with `assert_inline` the check of each word's
/// translation.
pub(super) fn words_inline(
    (seed, assert_inline): (u64, fn(u32)),
    words: &[u32],
    runs: usize,
    check: fn(&mut Jit, &mut Rng, &[u32]),
) {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", seed));
    let mut jit = Jit::new();
    for &w in words {
        assert_inline(w);
        for _ in 0..runs {
            check(&mut jit, &mut rng, &[w]);
        }
    }
    mixed_blocks((&mut jit, &mut rng), words, 1000, check);
}

#[test]
fn rounding_lanes_run_inline_and_match_the_helpers() {
    fp_words_inline(0xf5, &WORDS, 400, check);
}
