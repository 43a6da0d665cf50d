//! Scalar rounding, conversions between FP and integer or fixed point,
//! maximum/minimum and FNMUL inline on the host (`emit_fp_round`,
//! `emit_fp`): FCVT{N,P,M,Z,A}{S,U} to W/X, FCVTZS/FCVTZU and SCVTF/UCVTF
//! with fraction bits, FRINT{N,P,M,Z,A,I,X}, FMAX/FMIN/FMAXNM/FMINNM and
//! FNMUL in single and
//! double precision (aliasing forms included) translate without a helper
//! call and run as x86-64 code against the interpreter, which runs the
//! exact helper. Operands are biased towards what the inline forms must get
//! right or hand over: halfway cases and their neighbours (ties),
//! magnitudes at and next to 2^23, 2^52 (the last fractional ones),
//! 2^30, 2^31, 2^32, 2^62, 2^63, 2^64 (the integer ranges), ±0, ±0.5, ±1,
//! those scaled by 2^-fbits, denormals, infinities, quiet and signalling
//! NaNs; v3 is one time in four
//! v2 itself or v2 with the sign flipped (equal operands and ±0 pairs for
//! the maximum and minimum). FPCR is random among the rounding modes, FZ,
//! DN, AHP and FZ16. Results and FPSR must agree exactly.

use super::fp_cvt::{check_state, random_state, run_checks, sequence};
use super::vec_ops::block_of;
use super::*;
use emu::ir::Op;

/// Words from aarch64-linux-gnu-as.
const WORDS: [u32; N] = [
    0x1e380043, // fcvtzs w3, s2
    0x9e380043, // fcvtzs x3, s2
    0x1e780043, // fcvtzs w3, d2
    0x9e780043, // fcvtzs x3, d2
    0x1e390043, // fcvtzu w3, s2
    0x9e390043, // fcvtzu x3, s2
    0x1e790043, // fcvtzu w3, d2
    0x9e790043, // fcvtzu x3, d2
    0x1e200043, // fcvtns w3, s2
    0x9e600043, // fcvtns x3, d2
    0x1e610043, // fcvtnu w3, d2
    0x9e210043, // fcvtnu x3, s2
    0x1e680043, // fcvtps w3, d2
    0x9e280043, // fcvtps x3, s2
    0x1e290043, // fcvtpu w3, s2
    0x9e690043, // fcvtpu x3, d2
    0x1e300043, // fcvtms w3, s2
    0x9e700043, // fcvtms x3, d2
    0x1e710043, // fcvtmu w3, d2
    0x9e310043, // fcvtmu x3, s2
    0x1e644041, // frintn d1, d2
    0x1e244041, // frintn s1, s2
    0x1e64c041, // frintp d1, d2
    0x1e24c042, // frintp s2, s2
    0x1e654042, // frintm d2, d2
    0x1e254041, // frintm s1, s2
    0x1e65c041, // frintz d1, d2
    0x1e25c041, // frintz s1, s2
    0x1e67c041, // frinti d1, d2
    0x1e27c041, // frinti s1, s2
    0x1e674041, // frintx d1, d2
    0x1e274042, // frintx s2, s2
    0x1e664041, // frinta d1, d2
    0x1e264041, // frinta s1, s2
    0x1e664042, // frinta d2, d2
    0x1e264042, // frinta s2, s2
    0x1e240043, // fcvtas w3, s2
    0x9e240043, // fcvtas x3, s2
    0x1e640043, // fcvtas w3, d2
    0x9e640043, // fcvtas x3, d2
    0x1e250043, // fcvtau w3, s2
    0x9e250043, // fcvtau x3, s2
    0x1e650043, // fcvtau w3, d2
    0x9e650043, // fcvtau x3, d2
    // Fixed point
    0x1e18fc43, // fcvtzs w3, s2, #1
    0x1e588043, // fcvtzs w3, d2, #32
    0x9e580043, // fcvtzs x3, d2, #64
    0x9e18c043, // fcvtzs x3, s2, #16
    0x1e59fc43, // fcvtzu w3, d2, #1
    0x1e198443, // fcvtzu w3, s2, #31
    0x9e596043, // fcvtzu x3, d2, #40
    0x9e190043, // fcvtzu x3, s2, #64
    0x1e42fc41, // scvtf d1, w2, #1
    0x1e028041, // scvtf s1, w2, #32
    0x9e420041, // scvtf d1, x2, #64
    0x9e02b041, // scvtf s1, x2, #20
    0x1e438041, // ucvtf d1, w2, #32
    0x1e03e441, // ucvtf s1, w2, #7
    0x9e430441, // ucvtf d1, x2, #63
    0x9e030041, // ucvtf s1, x2, #64
    // FMAX, FMIN, FMAXNM, FMINNM, FNMUL (d1, d2, d3 then s1, s2, s3), then
    // fmin s3, s2, s3; fmaxnm d2, d2, d3; fminnm s1, s2, s2;
    // fnmul d3, d2, d3; fmax d1, d2, d2.
    0x1e634841, 0x1e234841, 0x1e635841, 0x1e235841, 0x1e636841, 0x1e236841, 0x1e637841, 0x1e237841,
    0x1e638841, 0x1e238841, 0x1e235843, 0x1e636842, 0x1e227841, 0x1e638843, 0x1e624841,
];
const N: usize = 75;

/// Magnitudes at the edges of the inline ranges, as doubles.
const EDGES: [f64; 13] = [
    0.5,
    1.0,
    1.5,
    2.5,
    8388608.0,              // 2^23
    4503599627370496.0,     // 2^52
    1073741824.0,           // 2^30
    2147483648.0,           // 2^31
    4294967296.0,           // 2^32
    4611686018427387904.0,  // 2^62
    9223372036854775808.0,  // 2^63
    18446744073709551616.0, // 2^64
    0.0,
];

/// Single specials: -0, denormals, infinity, quiet and signalling NaNs.
const SINGLE_SPECIALS: [u32; 5] = [0x8000_0000, 1, 0x807F_FFFF, 0x7F80_0000, 0xFFC1_2345];

/// Double specials: -0, a denormal, -infinity, a signalling NaN, a single
/// signalling NaN's bits (a double denormal).
const DOUBLE_SPECIALS: [u64; 5] = [
    1 << 63,
    0x800F_FFFF_FFFF_FFFF,
    0xFFF0 << 48,
    0x7FF4_0000_2000_0000,
    0x7F80_0001,
];

/// An operand: an edge (either sign, moved by up to two units, or by a
/// half or a quarter, or scaled for a fixed-point form), a special of either format, a small number with a fraction, or any.
fn operand(rng: &mut Rng) -> u64 {
    let e = rng.pick(&EDGES);
    let sign = if rng.chance(2) { -1.0 } else { 1.0 };
    let units = rng.below(5).wrapping_sub(2);
    match rng.below(8) {
        0 | 1 => (sign * e).to_bits().wrapping_add(units),
        2 => ((sign * e) as f32).to_bits().wrapping_add(units as u32) as u64,
        3 => (sign * (e + [0.5, 0.25, 0.75][rng.below(3) as usize])).to_bits(),
        4 => ((sign * (e + 0.5)) as f32).to_bits() as u64,
        5 if rng.chance(2) => rng.pick(&SINGLE_SPECIALS) as u64,
        5 => rng.pick(&DOUBLE_SPECIALS),
        6 => (sign * (rng.below(2000) as f64 / 8.0)).to_bits(),
        // An edge of a fixed-point conversion: scaled by 2^-fbits.
        7 if rng.chance(2) => {
            let k = rng.pick(&[1, 7, 16, 20, 31, 32, 40, 63, 64]);
            let x = sign * e * 2f64.powi(-k);
            if rng.chance(2) {
                x.to_bits().wrapping_add(units)
            } else {
                (x as f32).to_bits().wrapping_add(units as u32) as u64
            }
        }
        _ => rng.next(),
    }
}

fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    let mut cpu0 = random_state(rng, operand);
    if rng.chance(4) {
        let sign = if rng.chance(2) {
            1u128 << 63 | 1 << 31
        } else {
            0
        };
        cpu0.v[3] = cpu0.v[2] ^ sign;
    }
    check_state(jit, cpu0, words);
}

/// Runs `EMU_FP_ROUND_ITERS / div` cases from `seed` of the words
/// `words` picks.
fn run(seed: u64, div: u64, words: impl FnMut(&mut Rng) -> Vec<u32>) {
    let iters = env_u64("EMU_FP_ROUND_ITERS", 40000) / div;
    run_checks(seed, iters, check, words);
}

#[test]
fn fp_round_forms_match_the_helper_with_no_call() {
    for &w in &WORDS {
        let block = block_of(&[w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
    }
    run(0xF4D0, 1, |rng| vec![rng.pick(&WORDS)]);
}

/// Sequences in one block, with scalar arithmetic between (the FP cache
/// and the slow path's reloads).
#[test]
fn fp_round_sequences_in_one_block() {
    run(0xF4D1, 4, |rng| sequence(rng, &WORDS));
}
