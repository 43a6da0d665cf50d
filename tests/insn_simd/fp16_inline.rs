//! The half-precision vector forms the backend runs inline on the host
//! (FADD/FSUB/FMUL/FDIV/FMLA/FMLS, and by element; FABD, FCMEQ, FCMGE,
//! FCMGT, FMAX, FMIN, FMAXNM, FMINNM): results and FPSR flags
//! worked out by hand from the Arm ARM (`FPMulAdd`, `FPRound` with tininess
//! detected before rounding, FPCR.FZ16, `FPProcessNaNs3`), in every
//! rounding mode, for the cases where single-precision arithmetic on the
//! host would differ from the architecture if taken at face value.

use super::*;

const FMLA_8H: u32 = 0x4e420c20; // fmla v0.8h, v1.8h, v2.8h
const FMLA_4H: u32 = 0x0e420c20; // fmla v0.4h, v1.4h, v2.4h
const FMLS_8H: u32 = 0x4ec20c20; // fmls v0.8h, v1.8h, v2.8h
const FMLA_ELEM: u32 = 0x4f321020; // fmla v0.8h, v1.8h, v2.h[3]
const FADD_8H: u32 = 0x4e421420; // fadd v0.8h, v1.8h, v2.8h
const FSUB_4H: u32 = 0x0ec21420; // fsub v0.4h, v1.4h, v2.4h
const FMUL_8H: u32 = 0x6e421c20; // fmul v0.8h, v1.8h, v2.8h
const FDIV_8H: u32 = 0x6e423c20; // fdiv v0.8h, v1.8h, v2.8h
const FABD_8H: u32 = 0x6ec21420; // fabd v0.8h, v1.8h, v2.8h
const FABD_4H: u32 = 0x2ec21420; // fabd v0.4h, v1.4h, v2.4h
const FCMEQ_8H: u32 = 0x4e422420; // fcmeq v0.8h, v1.8h, v2.8h
const FCMGE_4H: u32 = 0x2e422420; // fcmge v0.4h, v1.4h, v2.4h
const FCMGT_8H: u32 = 0x6ec22420; // fcmgt v0.8h, v1.8h, v2.8h
const FMAX_8H: u32 = 0x4e423420; // fmax v0.8h, v1.8h, v2.8h
const FMIN_4H: u32 = 0x0ec23420; // fmin v0.4h, v1.4h, v2.4h
const FMAXNM_8H: u32 = 0x4e420420; // fmaxnm v0.8h, v1.8h, v2.8h
const FMINNM_8H: u32 = 0x4ec20420; // fminnm v0.8h, v1.8h, v2.8h

const FZ16: u64 = 1 << 19;
const RP: u64 = 1 << 22;
const RM: u64 = 2 << 22;

/// Runs `word` with every lane of n, m and d the given halves; checks that
/// every lane of the result is `want` (the upper half zeroed for the
/// 64-bit forms) and the FPSR flags.
fn lanes(word: u32, (n, m, d): (u16, u16, u16), fpcr: u64, want: u16, flags: u64) {
    let r = opf(word, h8([n; 8]), h8([m; 8]), h8([d; 8]), fpcr);
    let want_v = if word >> 30 & 1 == 1 {
        h8([want; 8])
    } else {
        h8([want, want, want, want, 0, 0, 0, 0])
    };
    assert_eq!(
        r,
        (want_v, flags),
        "{word:#010x} n {n:#06x} m {m:#06x} d {d:#06x} fpcr {fpcr:#x}: want {want:#06x}"
    );
}

#[test]
fn fmla_rounds_the_exact_sum_once() {
    // n * m = (1 + 2^-10) * 2^-12 * (1 + 1022/1024) = 2^-11 (1 - 2^-20):
    // the single-precision sum with 1 + 2^-10 is the midpoint between
    // 0x3C01 and 0x3C02 exactly, but the exact sum lies below it, so the
    // half is 0x3C01 (ties to even of the midpoint would give 0x3C02).
    for w in [FMLA_8H, FMLA_4H, FMLA_ELEM] {
        lanes(w, (0x3C01, 0x0FFE, 0x3C01), 0, 0x3C01, IXC);
        lanes(w, (0x3C01, 0x0FFE, 0x3C00), 0, 0x3C00, IXC);
        lanes(w, (0x3C01, 0x0FFE, 0x3C01), RP, 0x3C02, IXC);
        // Exact: 1 + 1 * 1 = 2, no flags.
        lanes(w, (0x3C00, 0x3C00, 0x3C00), 0, 0x4000, 0);
    }
    // FMLS negates n: 1 + 2^-10 - 2^-11 (1 - 2^-20) is above the
    // midpoint between 0x3C00 and 0x3C01: 0x3C01.
    lanes(FMLS_8H, (0x3C01, 0x0FFE, 0x3C01), 0, 0x3C01, IXC);
    lanes(FMLS_8H, (0x3C01, 0x0FFE, 0x3C01), RM, 0x3C00, IXC);
}

#[test]
fn fmla_tiny_products_and_every_rounding_mode() {
    // 1 + 2^-24 * 2^-24: inexact, rounded by FPCR.RMode.
    let (one, tiny, neg_tiny) = (0x3C00, 0x0001, 0x8001);
    lanes(FMLA_8H, (tiny, tiny, one), 0, 0x3C00, IXC);
    lanes(FMLA_8H, (tiny, tiny, one), RP, 0x3C01, IXC);
    lanes(FMLA_8H, (tiny, tiny, one), RM, 0x3C00, IXC);
    lanes(FMLA_8H, (tiny, tiny, one), RZ, 0x3C00, IXC);
    lanes(FMLA_8H, (neg_tiny, tiny, one), RM, 0x3BFF, IXC);
    lanes(FMLA_8H, (neg_tiny, tiny, one), RZ, 0x3BFF, IXC);
    lanes(FMLA_8H, (neg_tiny, tiny, one), 0, 0x3C00, IXC);
    // FZ16 flushes the denormal operands: 1 + 0 * 0, exact.
    lanes(FMLA_8H, (tiny, tiny, one), FZ16 | RP, 0x3C00, 0);
}

#[test]
fn fmla_zeros_overflow_and_underflow() {
    // +0 + 1 * -0 = +0; -0 + 1 * -0 = -0; x - x = +0 (-0 rounding down).
    lanes(FMLA_8H, (0x3C00, 0x8000, 0x0000), 0, 0x0000, 0);
    lanes(FMLA_8H, (0x3C00, 0x8000, 0x8000), 0, 0x8000, 0);
    lanes(FMLA_8H, (0x3C00, 0xBC00, 0x3C00), 0, 0x0000, 0);
    lanes(FMLA_8H, (0x3C00, 0xBC00, 0x3C00), RM, 0x8000, 0);
    // 65504 + 1 * 32 = 65536: infinity, or the largest normal towards zero.
    lanes(FMLA_8H, (0x3C00, 0x5000, 0x7BFF), 0, 0x7C00, OFC | IXC);
    lanes(FMLA_8H, (0x3C00, 0x5000, 0x7BFF), RZ, 0x7BFF, OFC | IXC);
    // 0 + (2^-14 - 2^-24)(1 + 2^-10) = 2^-14 - 2^-34: tiny before
    // rounding, rounds to the smallest normal: UFC and IXC.
    lanes(FMLA_8H, (0x03FF, 0x3C01, 0x0000), 0, 0x0400, UFC | IXC);
    // 2^-24 * 0.5 = 2^-25: halfway between 0 and 2^-24, to even (0).
    lanes(FMLA_8H, (0x0001, 0x3800, 0x0000), 0, 0x0000, UFC | IXC);
    // A denormal result, exact: no flags.
    lanes(FMLA_8H, (0x0003, 0x4000, 0x0001), 0, 0x0007, 0);
}

#[test]
fn fmla_nans_and_infinities() {
    // FPProcessNaNs3: a signalling NaN first (addend, op1, op2 order),
    // quietened, with IOC; else the first quiet NaN.
    lanes(FMLA_8H, (0x7C03, 0x3C00, 0x7E05), 0, 0x7E03, IOC);
    lanes(FMLA_8H, (0x3C00, 0x7E07, 0x7E05), 0, 0x7E05, 0);
    lanes(FMLA_8H, (0xFE09, 0x3C00, 0x3C00), 0, 0xFE09, 0);
    lanes(FMLA_8H, (0x7C03, 0x3C00, 0x7E05), DN, 0x7E00, IOC);
    // inf * 0 with a quiet NaN addend: the default NaN and IOC.
    lanes(FMLA_8H, (0x7C00, 0x0000, 0x7E05), 0, 0x7E00, IOC);
    // inf + finite; inf - inf.
    lanes(FMLA_8H, (0x7C00, 0x3C00, 0x3C00), 0, 0x7C00, 0);
    lanes(FMLA_8H, (0x7C00, 0x3C00, 0xFC00), 0, 0x7E00, IOC);
}

#[test]
fn three_same_arithmetic_edges() {
    // 1/3 rounded to nearest and up.
    lanes(FDIV_8H, (0x3C00, 0x4200, 0), 0, 0x3555, IXC);
    lanes(FDIV_8H, (0x3C00, 0x4200, 0), RP, 0x3556, IXC);
    // Division by zero; 0/0.
    lanes(FDIV_8H, (0xBC00, 0x0000, 0), 0, 0xFC00, DZC);
    lanes(FDIV_8H, (0x0000, 0x0000, 0), 0, 0x7E00, IOC);
    // 2^-14 / (1 + 2^-10): tiny and inexact, rounds to 0x03FF.
    lanes(FDIV_8H, (0x0400, 0x3C01, 0), 0, 0x03FF, UFC | IXC);
    // (2^-14 - 2^-24) * (1 + 2^-10) rounds up to the smallest normal.
    lanes(FMUL_8H, (0x03FF, 0x3C01, 0), 0, 0x0400, UFC | IXC);
    // The smallest normal exactly: no flags.
    lanes(FADD_8H, (0x0200, 0x0200, 0), 0, 0x0400, 0);
    // 65504 + 16 ties to even at the boundary: infinity.
    lanes(FADD_8H, (0x7BFF, 0x4C00, 0), 0, 0x7C00, OFC | IXC);
    // 1 + 2^-11: a tie, to even (1).
    lanes(FADD_8H, (0x3C00, 0x1000, 0), 0, 0x3C00, IXC);
    lanes(FADD_8H, (0x3C00, 0x1000, 0), RP, 0x3C01, IXC);
    // NaN propagation: the first operand's, quietened, IOC for sNaN.
    lanes(FSUB_4H, (0x7C01, 0x7E02, 0), 0, 0x7E01, IOC);
    lanes(FSUB_4H, (0x3C00, 0xFE02, 0), 0, 0xFE02, 0);
    lanes(FSUB_4H, (0x3C00, 0xFE02, 0), DN, 0x7E00, 0);
    // FZ16: the denormal reads as zero, the tiny result is flushed.
    lanes(FMUL_8H, (0x0001, 0x3C00, 0), FZ16, 0x0000, 0);
    lanes(FMUL_8H, (0x0400, 0x3800, 0), FZ16, 0x0000, UFC);
    lanes(FMUL_8H, (0x0400, 0x3800, 0), 0, 0x0200, 0);
}

#[test]
fn lanes_are_independent() {
    // One lane rounds, one overflows, one is a NaN: the flags are the
    // union and every other lane is exact.
    let n = h8([0x3C00, 0x7BFF, 0x7E01, 0x4000, 0, 0x3C00, 0x0001, 0xC000]);
    let m = h8([0x1000, 0x4C00, 0x3C00, 0x4000, 0, 0xBC00, 0x0001, 0x4000]);
    let sum = h8([0x3C00, 0x7C00, 0x7E01, 0x4400, 0, 0, 0x0002, 0]);
    assert_eq!(opf(FADD_8H, n, m, 0, 0), (sum, IXC | OFC));
}

#[test]
fn fabd_edges() {
    lanes(FABD_8H, (0x3C00, 0x4000, 0), 0, 0x3C00, 0);
    lanes(FABD_4H, (0x8000, 0x0000, 0), 0, 0x0000, 0);
    // 1 - 0x3555 lies halfway between 0x3955 and 0x3956: ties to even.
    lanes(FABD_4H, (0x3555, 0x3C00, 0), 0, 0x3956, IXC);
    lanes(FABD_4H, (0x3555, 0x3C00, 0), RZ, 0x3955, IXC);
    // 2^-14 (1 + 2^-10) - 2^-14 = 2^-24: exact, tiny, no flags.
    lanes(FABD_8H, (0x0400, 0x0401, 0), 0, 0x0001, 0);
    lanes(FABD_8H, (0xFBFF, 0x7BFF, 0), 0, 0x7C00, OFC | IXC);
    lanes(FABD_8H, (0xFBFF, 0x7BFF, 0), RZ, 0x7BFF, OFC | IXC);
    lanes(FABD_8H, (0x7C00, 0x7C00, 0), 0, 0x7E00, IOC);
    // The NaN of FPSub, made positive by FPAbs.
    lanes(FABD_8H, (0xFE09, 0x3C00, 0), 0, 0x7E09, 0);
}

#[test]
fn fcm_edges() {
    let t = 0xFFFF;
    lanes(FCMEQ_8H, (0x3C00, 0x3C00, 0), 0, t, 0);
    lanes(FCMEQ_8H, (0x0000, 0x8000, 0), 0, t, 0);
    lanes(FCMEQ_8H, (0x3C00, 0x3C01, 0), 0, 0, 0);
    // FCMEQ is quiet: IOC only for a signalling NaN.
    lanes(FCMEQ_8H, (0x7E00, 0x7E00, 0), 0, 0, 0);
    lanes(FCMEQ_8H, (0x7C01, 0x3C00, 0), 0, 0, IOC);
    // FZ16 flushes the denormal (without IDC for halves).
    lanes(FCMEQ_8H, (0x0001, 0x0000, 0), FZ16, t, 0);
    lanes(FCMEQ_8H, (0x0001, 0x0000, 0), 0, 0, 0);
    lanes(FCMGE_4H, (0x3C00, 0x3C00, 0), 0, t, 0);
    lanes(FCMGE_4H, (0xBC00, 0x3C00, 0), 0, 0, 0);
    lanes(FCMGE_4H, (0x3C00, 0xBC00, 0), 0, t, 0);
    lanes(FCMGE_4H, (0x0000, 0x8000, 0), 0, t, 0);
    // FCMGE and FCMGT signal on any NaN.
    lanes(FCMGE_4H, (0x7E00, 0x3C00, 0), 0, 0, IOC);
    lanes(FCMGT_8H, (0x3C00, 0x3C00, 0), 0, 0, 0);
    lanes(FCMGT_8H, (0x3C01, 0x3C00, 0), 0, t, 0);
    lanes(FCMGT_8H, (0x3C00, 0x3C01, 0), 0, 0, 0);
    lanes(FCMGT_8H, (0x0000, 0x8000, 0), 0, 0, 0);
    lanes(FCMGT_8H, (0x7C00, 0x7BFF, 0), 0, t, 0);
    lanes(FCMGT_8H, (0x3C00, 0x7E00, 0), 0, 0, IOC);
}

#[test]
fn fcm_lanes_keep_their_order() {
    let n = h8([0x3C00, 0x4000, 0xC000, 0, 0x7C00, 0x0001, 0x3C01, 0xFC00]);
    let m = h8([0x3C00, 0x3C00, 0x4000, 0, 0x7C00, 0x0002, 0x3C00, 0x3C00]);
    let gt = h8([0, 0xFFFF, 0, 0, 0, 0, 0xFFFF, 0]);
    let eq = h8([0xFFFF, 0, 0, 0xFFFF, 0xFFFF, 0, 0, 0]);
    assert_eq!(opf(FCMGT_8H, n, m, 0, 0), (gt, 0));
    assert_eq!(opf(FCMEQ_8H, n, m, 0, 0), (eq, 0));
    // The 64-bit form clears the upper half.
    let ge4 = h8([0xFFFF, 0xFFFF, 0, 0xFFFF, 0, 0, 0, 0]);
    assert_eq!(opf(FCMGE_4H, n, m, 0, 0), (ge4, 0));
}

#[test]
fn fmax_fmin_edges() {
    lanes(FMAX_8H, (0x3C00, 0x4000, 0), 0, 0x4000, 0);
    lanes(FMIN_4H, (0x3C00, 0x4000, 0), 0, 0x3C00, 0);
    lanes(FMAX_8H, (0xFC00, 0x0001, 0), 0, 0x0001, 0);
    // The sign of zero decides: max(+0, -0) = +0, min(+0, -0) = -0,
    // either way round.
    for (a, b) in [(0x0000, 0x8000), (0x8000, 0x0000)] {
        lanes(FMAX_8H, (a, b, 0), 0, 0x0000, 0);
        lanes(FMAXNM_8H, (a, b, 0), 0, 0x0000, 0);
        lanes(FMIN_4H, (a, b, 0), 0, 0x8000, 0);
        lanes(FMINNM_8H, (a, b, 0), 0, 0x8000, 0);
    }
    // FZ16: the denormal reads as zero, and +0 is the larger zero.
    lanes(FMAX_8H, (0x8001, 0x0000, 0), FZ16, 0x0000, 0);
    lanes(FMAX_8H, (0x8001, 0x0000, 0), 0, 0x0000, 0);
    lanes(FMIN_4H, (0x8001, 0x0000, 0), 0, 0x8001, 0);
    // NaNs: FMAX propagates, FMAXNM prefers the number to a quiet NaN.
    lanes(FMAX_8H, (0x3C00, 0x7E05, 0), 0, 0x7E05, 0);
    lanes(FMAXNM_8H, (0x3C00, 0x7E05, 0), 0, 0x3C00, 0);
    lanes(FMINNM_8H, (0xFE05, 0x3C00, 0), 0, 0x3C00, 0);
    lanes(FMAXNM_8H, (0x3C00, 0x7C05, 0), 0, 0x7E05, IOC);
    lanes(FMIN_4H, (0x7C05, 0x3C00, 0), DN, 0x7E00, IOC);
}
