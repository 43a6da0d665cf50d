//! Scalar FP conversions inline on the host (`emit_fp`): FCVT between
//! single and double precision and SCVTF/UCVTF from W/X (integers with
//! ties at the 24th and 53rd bit, ±2^31, ±2^63 and their neighbours), run as x86-64 code against the
//! interpreter, which runs the exact helper. Operands are biased towards
//! what the inline forms must get right or hand over: doubles on a single,
//! one unit off it and exactly halfway between two singles (ties to even,
//! down and up), the largest single and doubles that round to infinity,
//! doubles in the single subnormal range and around the smallest normal
//! (values that round up to it: Arm detects tininess before rounding),
//! double denormals, ±0, infinities, quiet and signalling NaNs with
//! payloads; FPCR is random among the rounding modes, FZ, DN, AHP and FZ16.
//! Results and FPSR must agree exactly.

use super::vec_ops::{block_of, interp_vs_jit};
use super::*;

/// Words from aarch64-linux-gnu-as (d = v1, n = v2, and aliasing forms).
const WORDS: [u32; 13] = [
    0x1e22c041, // fcvt d1, s2
    0x1e624041, // fcvt s1, d2
    0x1e22c042, // fcvt d2, s2
    0x1e624042, // fcvt s2, d2
    0x9e620041, // scvtf d1, x2
    0x1e220041, // scvtf s1, w2
    0x9e630041, // ucvtf d1, x2
    0x1e230041, // ucvtf s1, w2
    0x9e220041, // scvtf s1, x2
    0x9e230041, // ucvtf s1, x2
    0x1e620041, // scvtf d1, w2
    0x1e630041, // ucvtf d1, w2
    0x9e620042, // scvtf d2, x2
];

/// An integer operand (x2): near a power of two, with a tie or one unit
/// off a tie at the 24th or 53rd significant bit, or any.
fn integer(rng: &mut Rng) -> u64 {
    let edges = [1u64 << 31, 1 << 32, 1 << 63, 1 << 24, 1 << 53];
    match rng.below(5) {
        0 => rng.pick(&edges).wrapping_add(rng.below(5)).wrapping_sub(2),
        1 => rng
            .pick(&edges)
            .wrapping_neg()
            .wrapping_add(rng.below(5))
            .wrapping_sub(2),
        2 | 3 => {
            let top = 24 + rng.below(40);
            let keep = if rng.chance(2) { 24 } else { 53 };
            let x = (rng.next() | 1 << 63) >> (63 - top.min(63));
            let low = top.saturating_sub(keep);
            let half = if low > 0 { 1u64 << (low - 1) } else { 0 };
            let base = x & !((1u64 << low) - 1);
            let v = base | half;
            let v = v.wrapping_add(rng.below(3)).wrapping_sub(1);
            if rng.chance(3) {
                v.wrapping_neg()
            } else {
                v
            }
        }
        _ => rng.next(),
    }
}

/// Scalar arithmetic to put around them in one block (the FP cache).
const OTHERS: [u32; 4] = [
    0x1e622823, // fadd d3, d1, d2
    0x1e232821, // fadd s1, s1, s3
    0x1e620841, // fmul d1, d2, d2
    0x1e204022, // fmov s2, s1
];

/// Singles the widening must treat with care.
const SINGLES: [u32; 16] = [
    0x0000_0000,
    0x8000_0000, // ±0
    0x0000_0001,
    0x807F_FFFF,
    0x0040_8000, // denormals
    0x0080_0000,
    0x8080_0001, // the smallest normal, just above
    0x7F7F_FFFF,
    0xFF7F_FFFF, // the largest finite
    0x7F80_0000,
    0xFF80_0000, // infinities
    0x7FC0_0000,
    0xFFC1_2345, // quiet NaNs, with payloads
    0x7F80_0001,
    0xFFA0_8000, // signalling NaNs
    0x3F80_0000,
];

/// Doubles the narrowing must treat with care.
const DOUBLES: [u64; 24] = [
    0x0000_0000_0000_0000,
    0x8000_0000_0000_0000, // ±0
    0x0000_0000_0000_0001,
    0x800F_FFFF_FFFF_FFFF, // double denormals
    0x3810_0000_0000_0000, // 2^-126, the smallest normal single
    0x380F_FFFF_FFFF_FFFF, // just below: rounds up to it
    0x380F_FFFF_F000_0000, // halfway below it: ties up to it
    0x380F_FFFF_E000_0000, // the largest single subnormal
    0xB80F_FFFF_D000_0000, // halfway between two subnormals
    0x36A0_0000_0000_0000, // 2^-149, the smallest single subnormal
    0x3690_0000_0000_0000, // 2^-150: ties to zero
    0x3690_0000_0000_0001, // just above: rounds up to 2^-149
    0x47EF_FFFF_E000_0000, // the largest single
    0x47EF_FFFF_EFFF_FFFF, // just below the tie to infinity
    0xC7EF_FFFF_F000_0000, // the tie: to infinity
    0x47F0_0000_0000_0000, // 2^128
    0x7FF0_0000_0000_0000,
    0xFFF0_0000_0000_0000, // infinities
    0x7FF8_0000_0000_0000,
    0xFFF8_1234_5678_9ABC, // quiet NaNs, with payloads
    0x7FF0_0000_0000_0001,
    0xFFF4_0000_2000_0000, // signalling NaNs
    0x3FF0_0000_1000_0000, // 1 + 2^-24: a tie to even, down
    0xBFF0_0000_3000_0000, // a tie to even, up
];

/// A double near the single grid: a single widened, moved by one unit of
/// the double or onto (or next to) the midpoint between two singles.
fn near_single(rng: &mut Rng) -> u64 {
    let e = match rng.below(4) {
        0 => 0x380 - rng.below(30), // single subnormal range
        1 => 0x47F - rng.below(3),  // near the single maximum
        2 => 0x380 + rng.below(3),  // just above the smallest normal
        _ => 0x381 + rng.below(0xFE),
    };
    let top = rng.below(2) << 63 | e << 52 | (rng.next() & 0xF_FFFF_E000_0000);
    top | rng.pick(&[0, 0x1000_0000, 0x0FFF_FFFF, 0x1000_0001, 1, 0x1FFF_FFFF])
}

/// The 64 low bits of v2 (the operand).
fn operand(rng: &mut Rng) -> u64 {
    match rng.below(6) {
        0 => rng.pick(&SINGLES) as u64 | rng.next() << 32,
        1 => rng.pick(&DOUBLES),
        2 => (rng.next() as u32 & 0x807F_FFFF) as u64, // a single denormal
        3 => rng.next(),
        _ => near_single(rng),
    }
}

/// One case: `words` from a random state, interpreter against x86-64 code.
fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    let cpu0 = random_state(rng, operand);
    check_state(jit, cpu0, words);
}

/// A random state: V registers with `operand` in their low 64 bits, x2 an
/// integer operand, FPCR a random mode one time in three, FPSR with a
/// cumulative flag set one time in four.
pub(super) fn random_state(rng: &mut Rng, operand: fn(&mut Rng) -> u64) -> CpuState {
    let mut cpu0 = CpuState::default();
    for v in cpu0.v.iter_mut() {
        *v = (rng.next() as u128) << 64 | operand(rng) as u128;
    }
    cpu0.x[2] = integer(rng);
    cpu0.fpcr = if rng.chance(3) {
        rng.pick(&FPCR_SPECIAL)
    } else {
        0
    };
    if rng.chance(4) {
        cpu0.fpsr = rng.pick(&[1 << 4, 1 << 3, 1]);
    }
    cpu0
}

/// Runs `words` from `cpu0` (x1 pointing at scratch memory) through the
/// interpreter and the x86-64 code; panics on a difference.
pub(super) fn check_state(jit: &mut Jit, mut cpu0: CpuState, words: &[u32]) {
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    cpu0.x[1] = &*buf as *const Scratch as u64;
    let block = block_of(words);
    let r = interp_vs_jit(jit, &mut *buf, &block, &cpu0, &[0u8; BUF_LEN]);
    let v = &cpu0.v[1..4];
    r.unwrap_or_else(|e| {
        panic!(
            "{words:#010x?} fpcr {:#x} fpsr {:#x}: {e}\nv1..v3: {v:#034x?}",
            cpu0.fpcr, cpu0.fpsr
        )
    });
}

/// Runs `iters() / div` cases from `seed` (EMU_IR_FUZZ_SEED overrides it)
/// of the words `words` picks.
fn run(seed: u64, div: u64, words: impl FnMut(&mut Rng) -> Vec<u32>) {
    let iters = env_u64("EMU_FP_CVT_ITERS", 20000) / div;
    run_checks(seed, iters, check, words);
}

/// Runs `iters` cases of `check` from `seed` (EMU_IR_FUZZ_SEED overrides
/// it) of the words `words` picks.
pub(super) fn run_checks(
    seed: u64,
    iters: u64,
    check: fn(&mut Jit, &mut Rng, &[u32]),
    mut words: impl FnMut(&mut Rng) -> Vec<u32>,
) {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", seed));
    let mut jit = Jit::new();
    for _ in 0..iters {
        let w = words(&mut rng);
        check(&mut jit, &mut rng, &w);
    }
}

/// 2 to 6 words, each from `words` or [`OTHERS`] (scalar arithmetic
/// between: the FP cache and the slow path's reloads).
pub(super) fn sequence(rng: &mut Rng, words: &[u32]) -> Vec<u32> {
    let n = 2 + rng.below(5);
    let pick = |rng: &mut Rng| {
        let table: &[u32] = if rng.chance(2) { words } else { &OTHERS };
        rng.pick(table)
    };
    (0..n).map(|_| pick(rng)).collect()
}

#[test]
fn fcvt_single_double_matches_the_helper() {
    run(0xFC5D, 1, |rng| vec![rng.pick(&WORDS)]);
}

/// Sequences in one block, with scalar arithmetic between (the FP cache
/// and the slow path's reloads).
#[test]
fn fcvt_sequences_in_one_block() {
    run(0xFC5E, 4, |rng| sequence(rng, &WORDS));
}
