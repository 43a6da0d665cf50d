//! Half-precision Advanced SIMD (FEAT_FP16): three same (FP16), two-register
//! miscellaneous (FP16), their scalar forms, by element, across lanes,
//! scalar pairwise, FMOV (vector, immediate), the fixed-point conversions
//! and the half-precision FCMLA/FCADD. Expected lanes come from the Arm ARM
//! pseudocode for N = 16 (`FPAdd`, `FPMulAdd`, `FPMulX`, `FPRecipStepFused`,
//! `FPRSqrtStepFused`, `FPRecipEstimate`, `FPRSqrtEstimate`, `FPRecpX`,
//! `FPToFixed`, `FixedToFP`, `FPRound` with FPCR.FZ16).

use super::*;

const FZ16: u64 = 1 << 19;

/// Four 16-bit lanes (the upper half zero).
fn h4(x: [u16; 4]) -> u128 {
    vec_of(16, &x.map(u64::from))
}

/// The complex number `re + im i` in every pair of 16-bit lanes.
fn pairs(re: u16, im: u16) -> u128 {
    h8([re, im, re, im, re, im, re, im])
}

#[test]
fn three_same_arithmetic() {
    // Lanes: 1+1, 1.5+2.25, -2+2 (+0), 65504+32 (overflow), inf-inf
    // (invalid), qNaN+1, sNaN+1, 2^-24+2^-24.
    let n = h8([
        0x3C00, 0x3E00, 0xC000, 0x7BFF, 0x7C00, 0x7E01, 0x7C01, 0x0001,
    ]);
    let m = h8([
        0x3C00, 0x4080, 0x4000, 0x5000, 0xFC00, 0x3C00, 0x3C00, 0x0001,
    ]);
    let sum = [
        0x4000, 0x4380, 0x0000, 0x7C00, 0x7E00, 0x7E01, 0x7E01, 0x0002,
    ];
    assert_eq!(opf(0x4e421420, n, m, 0, 0), (h8(sum), OFC | IXC | IOC));
    // The 64-bit form: four lanes, the upper half zeroed.
    let r = opf(0x0e421420, n, m, u128::MAX, 0);
    assert_eq!(r, (h4([0x4000, 0x4380, 0x0000, 0x7C00]), OFC | IXC));
    // FZ16: the denormal lane reads as zero, without IDC.
    let r = opf(
        0x0e421420,
        h4([0x0001, 0, 0, 0]),
        h4([0x0001, 0, 0, 0]),
        0,
        FZ16,
    );
    assert_eq!(r, (0, 0));
    // FDIV 3/2 and 1/2; FABD |1 - 3|; FMULX 0 * -inf = -2.
    let r = opf(
        0x6e423c20,
        h8([0x4200, 0x3C00, 0, 0, 0, 0, 0, 0]),
        h8([0x4000; 8]),
        0,
        0,
    );
    assert_eq!(r, (h8([0x3E00, 0x3800, 0, 0, 0, 0, 0, 0]), 0));
    let r = opf(0x6ec21420, h8([0x3C00; 8]), h8([0x4200; 8]), 0, 0);
    assert_eq!(r, (h8([0x4000; 8]), 0));
    let r = opf(0x4e421c20, h8([0; 8]), h8([0xFC00; 8]), 0, 0);
    assert_eq!(r, (h8([0xC000; 8]), 0));
}

#[test]
fn fused_and_step_operations() {
    // FMLA: -1 + (1 + 2^-10)(1 - 2^-10) = -2^-20, rounded once.
    let r = opf(
        0x4e420c20,
        h8([0x3C01; 8]),
        h8([0x3BFE; 8]),
        h8([0xBC00; 8]),
        0,
    );
    assert_eq!(r, (h8([0x8010; 8]), 0));
    // FMLS 4H: 1 - 1 * 1 = +0.
    let r = opf(
        0x0ec20c20,
        h4([0x3C00; 4]),
        h4([0x3C00; 4]),
        h8([0x3C00; 8]),
        0,
    );
    assert_eq!(r, (0, 0));
    // FRECPS: 2 - 2 * 0.25 = 1.5; FRSQRTS: (3 - 1 * 2) / 2 = 0.5.
    assert_eq!(
        opf(0x4e423c20, h8([0x4000; 8]), h8([0x3400; 8]), 0, 0),
        (h8([0x3E00; 8]), 0)
    );
    assert_eq!(
        opf(0x4ec23c20, h8([0x3C00; 8]), h8([0x4000; 8]), 0, 0),
        (h8([0x3800; 8]), 0)
    );
    // Scalar FRECPS with inf * 0: 2.0.
    assert_eq!(opf(0x5e423c20, 0x7C00, 0, u128::MAX, 0), (0x4000, 0));
}

#[test]
fn compares_and_pairwise() {
    let n = h8([0x3C00, 0x8000, 0x7E00, 0xC200, 0, 0, 0, 0]);
    let m = h8([0x3C00, 0x0000, 0x7E00, 0x4000, 0, 0, 0, 0]);
    // FCMEQ: 1 == 1, -0 == +0, NaN unordered (quiet: no IOC).
    let r = opf(0x4e422420, n, m, 0, 0);
    assert_eq!(
        r,
        (
            h8([0xFFFF, 0xFFFF, 0, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF]),
            0
        )
    );
    // FCMGE raises IOC for the NaN; FACGT: |-3| > |2|.
    let r = opf(0x6e422420, n, m, 0, 0);
    assert_eq!(r.1, IOC);
    let r = opf(0x6ec22c20, n, m, 0, 0);
    assert_eq!(r.0 & 0xFFFF_0000_0000_0000, 0xFFFF_0000_0000_0000);
    // Scalar FCMGT h0, h1, h2 and FABD h0, h1, h2.
    assert_eq!(opf(0x7ec22420, 0x4000, 0x3C00, u128::MAX, 0), (0xFFFF, 0));
    assert_eq!(opf(0x7ec21420, 0x3C00, 0x4200, u128::MAX, 0), (0x4000, 0));
    // FADDP 8H: pairs of n, then pairs of m.
    let n = h8([
        0x3C00, 0x3C00, 0x4000, 0x4000, 0x4200, 0x4200, 0x4400, 0x4400,
    ]);
    let r = opf(0x6e421420, n, h8([0x3C00; 8]), 0, 0);
    assert_eq!(
        r,
        (
            h8([0x4000, 0x4400, 0x4600, 0x4800, 0x4000, 0x4000, 0x4000, 0x4000]),
            0
        )
    );
    // FMAXNMP 4H: a quiet NaN loses to a number.
    let r = opf(0x2e420420, h4([0x7E00, 0x3C00, 0xC000, 0x4000]), 0, 0, 0);
    assert_eq!(r, (h4([0x3C00, 0x4000, 0, 0]), 0));
}

#[test]
fn two_register_misc() {
    let n = h8([
        0x8000, 0x7E00, 0xBC00, 0x4400, 0x4100, 0xC100, 0x78E2, 0x0001,
    ]);
    // FCMEQ #0: -0 == 0, quiet on the NaN; FCMLT #0 (4H): -1 < 0, and
    // the NaN raises IOC (an ordered compare).
    assert_eq!(opf(0x4ef8d820, n, 0, 0, 0).0 & 0xFFFF, 0xFFFF);
    assert_eq!(opf(0x4ef8d820, n, 0, 0, 0).1, 0);
    assert_eq!(opf(0x0ef8e820, n, 0, 0, 0), (h4([0, 0, 0xFFFF, 0]), IOC));
    // FABS/FNEG touch only the sign, NaNs included.
    assert_eq!(
        opf(0x4ef8f820, h8([0xFE01; 8]), 0, 0, 0),
        (h8([0x7E01; 8]), 0)
    );
    assert_eq!(
        opf(0x6ef8f820, h8([0x7E01; 8]), 0, 0, 0),
        (h8([0xFE01; 8]), 0)
    );
    // FSQRT of 4 and of -1.
    let r = opf(0x6ef9f820, h8([0x4400, 0xBC00, 0, 0, 0, 0, 0, 0]), 0, 0, 0);
    assert_eq!(r, (h8([0x4000, 0x7E00, 0, 0, 0, 0, 0, 0]), IOC));
    // FRINTN 2.5 -> 2, -2.5 -> -2; FRINTX raises IXC.
    let r = opf(0x4e798820, n, 0, 0, 0);
    assert_eq!((r.0 >> 64) as u32, 0xC000_4000);
    assert_eq!(
        opf(0x6e799820, h8([0x4100; 8]), 0, 0, 0),
        (h8([0x4000; 8]), IXC)
    );
    // FCVTZS to 16-bit lanes: -2.5 -> -2, 40000 saturates at 0x7FFF (IOC),
    // the NaN gives 0.
    let r = opf(0x4ef9b820, n, 0, 0, 0);
    assert_eq!(lanes(16, r.0)[1], 0);
    assert_eq!(lanes(16, r.0)[5], 0xFFFE);
    assert_eq!(lanes(16, r.0)[6], 0x7FFF);
    assert_eq!(r.1, IOC | IXC);
    // FCVTAU 2.5 -> 3.
    assert_eq!(opf(0x6e79c820, h8([0x4100; 8]), 0, 0, 0), (h8([3; 8]), IXC));
    // SCVTF of -3; UCVTF (4H) of 65535 overflows to infinity.
    assert_eq!(
        opf(0x4e79d820, h8([0xFFFD; 8]), 0, 0, 0),
        (h8([0xC200; 8]), 0)
    );
    assert_eq!(
        opf(0x2e79d820, h4([0xFFFF, 1, 2, 3]), 0, 0, 0),
        (h4([0x7C00, 0x3C00, 0x4000, 0x4200]), OFC | IXC)
    );
}

#[test]
fn estimates() {
    // FRECPE 2.0: RecipEstimate(256) = 511, exponent 29 - 16 = 13: 0x37FC.
    assert_eq!(
        opf(0x4ef9d820, h8([0x4000; 8]), 0, 0, 0),
        (h8([0x37FC; 8]), 0)
    );
    // FRSQRTE 4.0: RecipSqrtEstimate(256) = 511, exponent (44 - 17) DIV 2.
    assert_eq!(
        opf(0x6ef9d820, h8([0x4400; 8]), 0, 0, 0),
        (h8([0x37FC; 8]), 0)
    );
    // Scalar FRECPE of +0: infinity, DZC; FRECPX 3.0 -> 1.0.
    assert_eq!(opf(0x5ef9d820, 0, 0, u128::MAX, 0), (0x7C00, DZC));
    assert_eq!(opf(0x5ef9f820, 0x4200, 0, u128::MAX, 0), (0x3C00, 0));
    // FRECPE of the largest normal under FZ16: the denormal result is
    // flushed (UFC).
    assert_eq!(opf(0x5ef9d820, 0x7BFF, 0, 0, FZ16), (0, UFC));
    // Scalar FCVTZS h0, h1 (1.75 -> 1) and FCMLE h0, h1, #0 (-1).
    assert_eq!(opf(0x5ef9b820, 0x3F00, 0, u128::MAX, 0), (1, IXC));
    assert_eq!(opf(0x7ef8d820, 0xBC00, 0, u128::MAX, 0), (0xFFFF, 0));
}

#[test]
fn by_element_across_lanes_and_immediates() {
    let n = h8([
        0x3C00, 0x4000, 0x4200, 0x4400, 0xBC00, 0xC000, 0xC200, 0xC400,
    ]);
    let m = h8([0, 0x3800, 0, 0x4200, 0, 0x3C00, 0, 0x4000]);
    // FMUL v0.8h, v1.8h, v2.h[7] (= 2.0): every lane doubled.
    let r = opf(0x4f329820, n, m, 0, 0);
    let doubled = [
        0x4000, 0x4400, 0x4600, 0x4800, 0xC000, 0xC400, 0xC600, 0xC800,
    ];
    assert_eq!(r, (h8(doubled), 0));
    // FMLA v0.4h, v1.4h, v2.h[1] (= 0.5) onto 1.0; upper half zeroed.
    let r = opf(0x0f121020, n, m, h8([0x3C00; 8]), 0);
    assert_eq!(r, (h4([0x3E00, 0x4000, 0x4100, 0x4200]), 0));
    // FMULX h0, h1, v2.h[3] (= 3.0).
    assert_eq!(opf(0x7f329020, 0x4000, m, u128::MAX, 0), (0x4600, 0));
    // FMAXNMV/FMINNMV (8H) skip a quiet NaN; FMINV (4H) reads four lanes;
    // FMAXV propagates the NaN.
    let v = h8([
        0x3C00, 0x7E00, 0xC400, 0x4000, 0x4800, 0x3800, 0xBC00, 0xC800,
    ]);
    assert_eq!(opf(0x4e30c820, v, 0, u128::MAX, 0), (0x4800, 0));
    assert_eq!(opf(0x4eb0c820, v, 0, u128::MAX, 0), (0xC800, 0));
    assert_eq!(opf(0x0eb0f820, v, 0, u128::MAX, 0), (0x7E00, 0));
    assert_eq!(opf(0x4e30f820, v, 0, u128::MAX, 0), (0x7E00, 0));
    // Scalar pairwise FADDP/FMAXP/FMINNMP h0, v1.2h.
    assert_eq!(opf(0x5e30d820, v, 0, u128::MAX, 0), (0x7E00, 0));
    assert_eq!(opf(0x5e30d820, n, 0, u128::MAX, 0), (0x4200, 0));
    assert_eq!(opf(0x5e30f820, n, 0, u128::MAX, 0), (0x4000, 0));
    assert_eq!(opf(0x5eb0c820, n, 0, u128::MAX, 0), (0x3C00, 0));
    // FMOV v0.8h, #-1.5 and v0.4h, #1.0.
    assert_eq!(opf(0x4f07ff00, 0, 0, 0, 0), (h8([0xBE00; 8]), 0));
    assert_eq!(opf(0x0f03fe00, 0, 0, u128::MAX, 0), (h4([0x3C00; 4]), 0));
    // SCVTF v0.8h, v1.8h, #4 (0x18 / 16 = 1.5); FCVTZU h0, h1, #3
    // (1.75 * 8 = 14).
    assert_eq!(
        opf(0x4f1ce420, h8([0x18; 8]), 0, 0, 0),
        (h8([0x3E00; 8]), 0)
    );
    assert_eq!(opf(0x7f1dfc20, 0x3F00, 0, u128::MAX, 0), (14, 0));
    // FCVTZS h0, h1, #1: -2.5 * 2 = -5, a 16-bit element: the rest of the
    // register is zeroed, not sign-filled (V[d] = result, datasize 16).
    assert_eq!(opf(0x5f1ffc20, 0xC100, 0, u128::MAX, 0), (0xFFFB, 0));
}

#[test]
fn complex_half_precision() {
    // n = 1+2i, m = 5+6i, d = 100+200i.
    let (n, m, d) = (
        pairs(0x3C00, 0x4000),
        pairs(0x4500, 0x4600),
        pairs(0x5640, 0x5A40),
    );
    // FCMLA #90: re -= 2 * 6 (88), im += 2 * 5 (210).
    let r = opf(0x6e42cc20, n, m, d, 0);
    assert_eq!(r, (pairs(0x5580, 0x5A90), 0));
    // FCMLA by element (pair 3 of m), #0: re += 1 * 5, im += 1 * 6.
    let r = opf(0x6f621820, n, m, d, 0);
    assert_eq!(lanes(16, r.0)[..2], [0x5690, 0x5A70]);
    // FCADD 4H #270: re + m.im = 7, im - m.re = -3.
    let r = opf(0x2e42f420, n, m, u128::MAX, 0);
    assert_eq!(r, (h4([0x4700, 0xC200, 0x4700, 0xC200]), 0));
}
