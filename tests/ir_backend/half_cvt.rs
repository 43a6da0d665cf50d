//! The half-precision rounding and conversion lanes that run inline as a
//! `VecOp::HalfFp` (`emit_half_cvt`): FRINTN/P/M/Z/A/I/X, FCVTNS/NU/PS/PU/
//! MS/MU/ZS/ZU/AS/AU and SCVTF/UCVTF on .4H and .8H, and the scalar H
//! forms of the conversions, and the fixed-point FCVTZS/FCVTZU and
//! SCVTF/UCVTF #fbits (vector and scalar): every arrangement, with the destination apart
//! from and equal to the source, each translated without a helper call and
//! run alone from 400 random states, then in 1000 random blocks with other
//! instructions between, under the interpreter (the exact helpers) and as
//! x86-64 code before and after the passes. Lanes are biased to what the
//! inline forms must get right or hand over: ±0, subnormals, the smallest
//! and largest normals, infinities, quiet and signalling NaNs with
//! payloads, halfway values, values at and beyond the 16-bit integer
//! limits, and 16-bit integers that round or overflow as halves; FPCR is
//! random among the rounding modes, FZ16, FZ, DN and AHP (default half the
//! time), FPSR's cumulative flags and NZCV random.

use super::vec_fp::assert_inline_vec;
use super::vec_ops::run_vectors_with;
use super::vec_round::words_inline;
use super::*;
use emu::ir::VecOp;

/// From aarch64-linux-gnu-as -march=armv8.2-a+fp16.
const WORDS: [u32; 148] = [
    0x0e798841, // frintn v1.4h, v2.4h
    0x0e798842, // frintn v2.4h, v2.4h
    0x4e798841, // frintn v1.8h, v2.8h
    0x4e798842, // frintn v2.8h, v2.8h
    0x0ef98841, // frintp v1.4h, v2.4h
    0x0ef98842, // frintp v2.4h, v2.4h
    0x4ef98841, // frintp v1.8h, v2.8h
    0x4ef98842, // frintp v2.8h, v2.8h
    0x0e799841, // frintm v1.4h, v2.4h
    0x0e799842, // frintm v2.4h, v2.4h
    0x4e799841, // frintm v1.8h, v2.8h
    0x4e799842, // frintm v2.8h, v2.8h
    0x0ef99841, // frintz v1.4h, v2.4h
    0x0ef99842, // frintz v2.4h, v2.4h
    0x4ef99841, // frintz v1.8h, v2.8h
    0x4ef99842, // frintz v2.8h, v2.8h
    0x2e798841, // frinta v1.4h, v2.4h
    0x2e798842, // frinta v2.4h, v2.4h
    0x6e798841, // frinta v1.8h, v2.8h
    0x6e798842, // frinta v2.8h, v2.8h
    0x2ef99841, // frinti v1.4h, v2.4h
    0x2ef99842, // frinti v2.4h, v2.4h
    0x6ef99841, // frinti v1.8h, v2.8h
    0x6ef99842, // frinti v2.8h, v2.8h
    0x2e799841, // frintx v1.4h, v2.4h
    0x2e799842, // frintx v2.4h, v2.4h
    0x6e799841, // frintx v1.8h, v2.8h
    0x6e799842, // frintx v2.8h, v2.8h
    0x0e79a841, // fcvtns v1.4h, v2.4h
    0x0e79a842, // fcvtns v2.4h, v2.4h
    0x4e79a841, // fcvtns v1.8h, v2.8h
    0x4e79a842, // fcvtns v2.8h, v2.8h
    0x5e79a841, // fcvtns h1, h2
    0x5e79a842, // fcvtns h2, h2
    0x2e79a841, // fcvtnu v1.4h, v2.4h
    0x2e79a842, // fcvtnu v2.4h, v2.4h
    0x6e79a841, // fcvtnu v1.8h, v2.8h
    0x6e79a842, // fcvtnu v2.8h, v2.8h
    0x7e79a841, // fcvtnu h1, h2
    0x7e79a842, // fcvtnu h2, h2
    0x0ef9a841, // fcvtps v1.4h, v2.4h
    0x0ef9a842, // fcvtps v2.4h, v2.4h
    0x4ef9a841, // fcvtps v1.8h, v2.8h
    0x4ef9a842, // fcvtps v2.8h, v2.8h
    0x5ef9a841, // fcvtps h1, h2
    0x5ef9a842, // fcvtps h2, h2
    0x2ef9a841, // fcvtpu v1.4h, v2.4h
    0x2ef9a842, // fcvtpu v2.4h, v2.4h
    0x6ef9a841, // fcvtpu v1.8h, v2.8h
    0x6ef9a842, // fcvtpu v2.8h, v2.8h
    0x7ef9a841, // fcvtpu h1, h2
    0x7ef9a842, // fcvtpu h2, h2
    0x0e79b841, // fcvtms v1.4h, v2.4h
    0x0e79b842, // fcvtms v2.4h, v2.4h
    0x4e79b841, // fcvtms v1.8h, v2.8h
    0x4e79b842, // fcvtms v2.8h, v2.8h
    0x5e79b841, // fcvtms h1, h2
    0x5e79b842, // fcvtms h2, h2
    0x2e79b841, // fcvtmu v1.4h, v2.4h
    0x2e79b842, // fcvtmu v2.4h, v2.4h
    0x6e79b841, // fcvtmu v1.8h, v2.8h
    0x6e79b842, // fcvtmu v2.8h, v2.8h
    0x7e79b841, // fcvtmu h1, h2
    0x7e79b842, // fcvtmu h2, h2
    0x0ef9b841, // fcvtzs v1.4h, v2.4h
    0x0ef9b842, // fcvtzs v2.4h, v2.4h
    0x4ef9b841, // fcvtzs v1.8h, v2.8h
    0x4ef9b842, // fcvtzs v2.8h, v2.8h
    0x5ef9b841, // fcvtzs h1, h2
    0x5ef9b842, // fcvtzs h2, h2
    0x2ef9b841, // fcvtzu v1.4h, v2.4h
    0x2ef9b842, // fcvtzu v2.4h, v2.4h
    0x6ef9b841, // fcvtzu v1.8h, v2.8h
    0x6ef9b842, // fcvtzu v2.8h, v2.8h
    0x7ef9b841, // fcvtzu h1, h2
    0x7ef9b842, // fcvtzu h2, h2
    0x0e79c841, // fcvtas v1.4h, v2.4h
    0x0e79c842, // fcvtas v2.4h, v2.4h
    0x4e79c841, // fcvtas v1.8h, v2.8h
    0x4e79c842, // fcvtas v2.8h, v2.8h
    0x5e79c841, // fcvtas h1, h2
    0x5e79c842, // fcvtas h2, h2
    0x2e79c841, // fcvtau v1.4h, v2.4h
    0x2e79c842, // fcvtau v2.4h, v2.4h
    0x6e79c841, // fcvtau v1.8h, v2.8h
    0x6e79c842, // fcvtau v2.8h, v2.8h
    0x7e79c841, // fcvtau h1, h2
    0x7e79c842, // fcvtau h2, h2
    0x0e79d841, // scvtf v1.4h, v2.4h
    0x0e79d842, // scvtf v2.4h, v2.4h
    0x4e79d841, // scvtf v1.8h, v2.8h
    0x4e79d842, // scvtf v2.8h, v2.8h
    0x5e79d841, // scvtf h1, h2
    0x5e79d842, // scvtf h2, h2
    0x2e79d841, // ucvtf v1.4h, v2.4h
    0x2e79d842, // ucvtf v2.4h, v2.4h
    0x6e79d841, // ucvtf v1.8h, v2.8h
    0x6e79d842, // ucvtf v2.8h, v2.8h
    0x7e79d841, // ucvtf h1, h2
    0x7e79d842, // ucvtf h2, h2
    0x0f1ffc41, // fcvtzs v1.4h, v2.4h, #1
    0x0f19fc41, // fcvtzs v1.4h, v2.4h, #7
    0x0f10fc41, // fcvtzs v1.4h, v2.4h, #16
    0x0f1dfc42, // fcvtzs v2.4h, v2.4h, #3
    0x4f1ffc41, // fcvtzs v1.8h, v2.8h, #1
    0x4f19fc41, // fcvtzs v1.8h, v2.8h, #7
    0x4f10fc41, // fcvtzs v1.8h, v2.8h, #16
    0x4f1dfc42, // fcvtzs v2.8h, v2.8h, #3
    0x5f1ffc41, // fcvtzs h1, h2, #1
    0x5f17fc41, // fcvtzs h1, h2, #9
    0x5f10fc41, // fcvtzs h1, h2, #16
    0x5f1bfc42, // fcvtzs h2, h2, #5
    0x2f1ffc41, // fcvtzu v1.4h, v2.4h, #1
    0x2f19fc41, // fcvtzu v1.4h, v2.4h, #7
    0x2f10fc41, // fcvtzu v1.4h, v2.4h, #16
    0x2f1dfc42, // fcvtzu v2.4h, v2.4h, #3
    0x6f1ffc41, // fcvtzu v1.8h, v2.8h, #1
    0x6f19fc41, // fcvtzu v1.8h, v2.8h, #7
    0x6f10fc41, // fcvtzu v1.8h, v2.8h, #16
    0x6f1dfc42, // fcvtzu v2.8h, v2.8h, #3
    0x7f1ffc41, // fcvtzu h1, h2, #1
    0x7f17fc41, // fcvtzu h1, h2, #9
    0x7f10fc41, // fcvtzu h1, h2, #16
    0x7f1bfc42, // fcvtzu h2, h2, #5
    0x0f1fe441, // scvtf v1.4h, v2.4h, #1
    0x0f19e441, // scvtf v1.4h, v2.4h, #7
    0x0f10e441, // scvtf v1.4h, v2.4h, #16
    0x0f1de442, // scvtf v2.4h, v2.4h, #3
    0x4f1fe441, // scvtf v1.8h, v2.8h, #1
    0x4f19e441, // scvtf v1.8h, v2.8h, #7
    0x4f10e441, // scvtf v1.8h, v2.8h, #16
    0x4f1de442, // scvtf v2.8h, v2.8h, #3
    0x5f1fe441, // scvtf h1, h2, #1
    0x5f17e441, // scvtf h1, h2, #9
    0x5f10e441, // scvtf h1, h2, #16
    0x5f1be442, // scvtf h2, h2, #5
    0x2f1fe441, // ucvtf v1.4h, v2.4h, #1
    0x2f19e441, // ucvtf v1.4h, v2.4h, #7
    0x2f10e441, // ucvtf v1.4h, v2.4h, #16
    0x2f1de442, // ucvtf v2.4h, v2.4h, #3
    0x6f1fe441, // ucvtf v1.8h, v2.8h, #1
    0x6f19e441, // ucvtf v1.8h, v2.8h, #7
    0x6f10e441, // ucvtf v1.8h, v2.8h, #16
    0x6f1de442, // ucvtf v2.8h, v2.8h, #3
    0x7f1fe441, // ucvtf h1, h2, #1
    0x7f17e441, // ucvtf h1, h2, #9
    0x7f10e441, // ucvtf h1, h2, #16
    0x7f1be442, // ucvtf h2, h2, #5
];

/// Halves (and 16-bit integers) the inline forms must treat with care.
const SPECIAL: [u16; 30] = [
    0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0xBC00, 0x3800, 0xB800, 0x3E00, 0x4100,
    0xC100, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7C01, 0x7E00, 0xFE01, 0x7D23, 0x77FF, 0x7800, 0xF800,
    0xF801, 0x7FFF, 0xFFFF, 0xFFF0, 0xFFEF, 0x0801,
];

/// One half lane of profile `p`: special, near the integers, any finite,
/// halfway between integers, near the largest, 16-bit integers near the
/// limits, or any bits.
fn half(rng: &mut Rng, p: u64) -> u16 {
    let finite = |rng: &mut Rng, lo: u64, hi: u64| {
        let e = lo + rng.below(hi - lo + 1);
        (rng.below(2) << 15 | e << 10 | rng.below(1 << 10)) as u16
    };
    match p {
        0 => rng.pick(&SPECIAL),
        1 => finite(rng, 12, 26),
        2 => finite(rng, 0, 30),
        3 => {
            // Integral or halfway values (exact as halves).
            let v = (rng.below(1 << 12) as f32) * 0.5 - 1024.0;
            half_of(v)
        }
        4 => finite(rng, 28, 30),
        5 => {
            let base = rng.pick(&[0u16, 0x7FFF, 0x8000, 0xFFFF, 0xFFF0, 0x0800]);
            base.wrapping_add(rng.below(33) as u16).wrapping_sub(16)
        }
        _ => rng.next() as u16,
    }
}

/// The half of a single that is one exactly (integers and halfway values
/// below 2^11).
fn half_of(v: f32) -> u16 {
    let (sign, a) = ((v.is_sign_negative() as u16) << 15, v.abs());
    if a == 0.0 {
        return sign;
    }
    let e = a.log2().floor() as i32;
    let frac = ((a / 2f32.powi(e) - 1.0) * 1024.0) as u16;
    sign | ((e + 15) as u16) << 10 | frac
}

/// A register of half lanes of one profile, or mixed; a quarter of the
/// time every lane a copy of the first.
fn vector(rng: &mut Rng) -> u128 {
    let p = rng.below(8);
    let prof = |rng: &mut Rng| if p == 7 { rng.below(7) } else { p };
    let same = rng.chance(4);
    let first = {
        let q = prof(rng);
        half(rng, q)
    };
    (0..8).fold(0u128, |v, i| {
        let h = if same {
            first
        } else {
            let q = prof(rng);
            half(rng, q)
        };
        v | (h as u128) << (16 * i)
    })
}

/// FPCR: the default environment half the time, else a rounding mode,
/// FZ16, FZ, DN, AHP or two of them.
fn fpcr(rng: &mut Rng) -> u64 {
    const RMODES: [u64; 3] = [1 << 22, 2 << 22, 3 << 22];
    const FZ16: u64 = 1 << 19;
    const FZ: u64 = 1 << 24;
    const DN: u64 = 1 << 25;
    const AHP: u64 = 1 << 26;
    match rng.below(10) {
        0 => rng.pick(&RMODES),
        1 => FZ16,
        2 => DN,
        3 => AHP,
        4 => rng.pick(&[FZ, FZ16 | DN, AHP | FZ, RMODES[2] | FZ16, DN | AHP]),
        _ => 0,
    }
}

/// One case: `words` from a random state, interpreter against x86-64 code.
fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    run_vectors_with(rng, jit, words, vector, |rng, cpu0| {
        cpu0.fpcr = fpcr(rng);
        cpu0.fpsr = rng.next() & 0x0800_009F;
        cpu0.nzcv = rng.below(16) << 28;
    });
}

#[test]
fn half_conversion_lanes_run_inline_and_match_the_helpers() {
    let inline = |w| assert_inline_vec(w, "VecOp::HalfFp", |op| matches!(op, VecOp::HalfFp { .. }));
    words_inline((0x4c, inline), &WORDS, 400, check);
}
