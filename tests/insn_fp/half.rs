//! Half-precision scalar floating point (FEAT_FP16, ftype = 11): results
//! and FPSR flags worked out from the Arm ARM pseudocode for N = 16
//! (`FPAdd`, `FPMul`, `FPDiv`, `FPSqrt`, `FPMulAdd`, `FPMax`/`FPMaxNum`,
//! `FPRoundInt`, `FPCompare`, `FPToFixed`, `FixedToFP`, `FPRound` with
//! FPCR.FZ16, `FPUnpack` flushing half denormals without IDC).

use super::*;

/// FPCR.FZ16.
const FZ16: u64 = 1 << 19;

const QNAN_H: u128 = 0x7E00;

/// Half-precision bits in a V register, with junk above them that every
/// instruction must ignore.
fn h(bits: u16) -> u128 {
    0xAAAA_0000 | bits as u128
}

#[test]
fn arithmetic() {
    let (one5, two25) = (h(0x3E00), h(0x4080)); // 1.5, 2.25
    assert_eq!(op(fp2(H, FADD, 0, 1, 2), RN, &[one5, two25]), (0x4380, 0));
    assert_eq!(op(fp2(H, FSUB, 0, 1, 2), RN, &[one5, two25]), (0xBA00, 0));
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), RN, &[one5, h(0xC400)]),
        (0xC600, 0)
    );
    assert_eq!(
        op(fp2(H, FDIV, 0, 1, 2), RN, &[h(0x4700), h(0x4000)]),
        (0x4300, 0)
    );
    assert_eq!(
        op(fp2(H, FNMUL, 0, 1, 2), RN, &[one5, h(0x4000)]),
        (0xC200, 0)
    );
    // 1/3 = 0x3555 rounded to nearest (the exact value is above
    // 0x3555 by less than half an ulp), 0x3556 rounding up.
    assert_eq!(
        op(fp2(H, FDIV, 0, 1, 2), RN, &[h(0x3C00), h(0x4200)]),
        (0x3555, IXC)
    );
    assert_eq!(
        op(fp2(H, FDIV, 0, 1, 2), RP, &[h(0x3C00), h(0x4200)]),
        (0x3556, IXC)
    );
    // 65504 + 32 overflows: infinity, or the largest normal towards zero.
    let (max, k32) = (h(0x7BFF), h(0x5000));
    assert_eq!(
        op(fp2(H, FADD, 0, 1, 2), RN, &[max, k32]),
        (0x7C00, OFC | IXC)
    );
    assert_eq!(
        op(fp2(H, FADD, 0, 1, 2), RZ, &[max, k32]),
        (0x7BFF, OFC | IXC)
    );
    // Division by zero and the invalid operations give the default NaN.
    assert_eq!(
        op(fp2(H, FDIV, 0, 1, 2), RN, &[h(0xBC00), h(0)]),
        (0xFC00, DZC)
    );
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), RN, &[h(0x7C00), h(0)]),
        (QNAN_H, IOC)
    );
    assert_eq!(
        op(fp2(H, FSUB, 0, 1, 2), RN, &[h(0x7C00), h(0x7C00)]),
        (QNAN_H, IOC)
    );
    // x - x is +0, but -0 when rounding towards minus infinity.
    assert_eq!(op(fp2(H, FSUB, 0, 1, 2), RN, &[one5, one5]), (0, 0));
    assert_eq!(op(fp2(H, FSUB, 0, 1, 2), RM, &[one5, one5]), (0x8000, 0));
}

#[test]
fn denormals_and_fz16() {
    // 2^-14 * 0.5 = 2^-15: a denormal, exact (no UFC without inexactness).
    let (min_normal, half) = (h(0x0400), h(0x3800));
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), RN, &[min_normal, half]),
        (0x0200, 0)
    );
    // Under FZ16 it is flushed to zero, raising UFC.
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), FZ16, &[min_normal, half]),
        (0, UFC)
    );
    // A denormal input is zero under FZ16, and no IDC is raised for half
    // precision; FZ alone leaves half precision alone.
    assert_eq!(
        op(fp2(H, FADD, 0, 1, 2), FZ16, &[h(0x8001), h(0x8000)]),
        (0x8000, 0)
    );
    assert_eq!(
        op(fp2(H, FADD, 0, 1, 2), FZ, &[h(0x0001), h(0)]),
        (0x0001, 0)
    );
    // Tiny and inexact without FZ16: UFC and IXC (2^-24 * 0.75 rounds to 2^-24).
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), RN, &[h(0x0001), h(0x3A00)]),
        (0x0001, UFC | IXC)
    );
    // FCVT ignores FZ16 (FPUnpackCV/FPRoundCV): the denormal widens exactly.
    assert_eq!(op(fp1(H, 4, 0, 1), FZ16, &[h(0x0001)]), (0x3380_0000, 0));
    assert_eq!(op(fp1(S, 7, 0, 1), FZ16, &[0x3380_0000]), (0x0001, 0));
}

#[test]
fn fused_multiply_add() {
    // FNMSUB: (1 + 2^-10)(1 - 2^-10) - 1 = -2^-20 exactly (16 * 2^-24):
    // one rounding; a separate multiply would round the product to 1 and
    // give 0. FMSUB: 1 - (1 + 2^-10)(1 - 2^-10) = 2^-20.
    let (a, b, one) = (h(0x3C01), h(0x3BFE), h(0x3C00));
    assert_eq!(op(fp3(H, 1, 1, 0, 1, 2, 3), RN, &[a, b, one]), (0x8010, 0));
    assert_eq!(op(fp3(H, 0, 1, 0, 1, 2, 3), RN, &[a, b, one]), (0x0010, 0));
    // FNMADD: -(1 * 1) - 1 = -2; FMADD 1 * 1 + 1 = 2.
    assert_eq!(
        op(fp3(H, 1, 0, 0, 1, 2, 3), RN, &[one, one, one]),
        (0xC000, 0)
    );
    assert_eq!(
        op(fp3(H, 0, 0, 0, 1, 2, 3), RN, &[one, one, one]),
        (0x4000, 0)
    );
    // A quiet NaN addend with inf * 0: the default NaN and IOC.
    let r = op(fp3(H, 0, 0, 0, 1, 2, 3), RN, &[h(0x7C00), h(0), h(0x7E05)]);
    assert_eq!(r, (QNAN_H, IOC));
}

#[test]
fn max_min_and_nans() {
    let (q, sn, one) = (h(0x7E01), h(0x7C01), h(0x3C00));
    assert_eq!(op(fp2(H, FMAXNM, 0, 1, 2), RN, &[q, one]), (0x3C00, 0));
    assert_eq!(op(fp2(H, FMINNM, 0, 1, 2), RN, &[one, q]), (0x3C00, 0));
    assert_eq!(op(fp2(H, FMAX, 0, 1, 2), RN, &[q, one]), (0x7E01, 0));
    // A signalling NaN is quietened (IOC), and wins over a quiet one.
    assert_eq!(op(fp2(H, FMIN, 0, 1, 2), RN, &[q, sn]), (0x7E01, IOC));
    assert_eq!(op(fp2(H, FADD, 0, 1, 2), DN, &[one, sn]), (QNAN_H, IOC));
    // Signed zeros.
    assert_eq!(op(fp2(H, FMAX, 0, 1, 2), RN, &[h(0x8000), h(0)]), (0, 0));
    assert_eq!(
        op(fp2(H, FMIN, 0, 1, 2), RN, &[h(0), h(0x8000)]),
        (0x8000, 0)
    );
}

#[test]
fn one_source_operations() {
    // FMOV, FABS, FNEG read 16 bits and clear the rest of the register.
    assert_eq!(op(fp1(H, 0, 0, 1), RN, &[h(0xBC00)]), (0xBC00, 0));
    assert_eq!(op(fp1(H, 1, 0, 1), RN, &[h(0xBC00)]), (0x3C00, 0));
    assert_eq!(op(fp1(H, 2, 0, 1), RN, &[h(0x7E00)]), (0xFE00, 0));
    // FSQRT: sqrt(2) = 0x3DA8 inexact; sqrt(-1) invalid; sqrt(-0) = -0.
    assert_eq!(op(fp1(H, 3, 0, 1), RN, &[h(0x4000)]), (0x3DA8, IXC));
    assert_eq!(op(fp1(H, 3, 0, 1), RN, &[h(0x4400)]), (0x4000, 0));
    assert_eq!(op(fp1(H, 3, 0, 1), RN, &[h(0xBC00)]), (QNAN_H, IOC));
    assert_eq!(op(fp1(H, 3, 0, 1), RN, &[h(0x8000)]), (0x8000, 0));
    // FRINTN/A/P/X of 2.5 and -0.5.
    let (x, y) = (h(0x4100), h(0xB800));
    assert_eq!(op(fp1(H, 8, 0, 1), RN, &[x]), (0x4000, 0));
    assert_eq!(op(fp1(H, 12, 0, 1), RN, &[x]), (0x4200, 0));
    assert_eq!(op(fp1(H, 9, 0, 1), RN, &[y]), (0x8000, 0));
    assert_eq!(op(fp1(H, 14, 0, 1), RN, &[x]), (0x4000, IXC));
    assert_eq!(op(fp1(H, 15, 0, 1), RP, &[x]), (0x4200, 0));
    // FMOV (immediate): 1.0 and imm8 0xC4 = -1.25 * 2^-3 (VFPExpandImm:
    // sign 1, exponent 0:11:00, fraction 0100).
    let mut c = cpu(RN, &[]);
    run(&[fmov_imm(H, 0, 0x70), fmov_imm(H, 1, 0xC4)], &mut c);
    assert_eq!((c.v[0], c.v[1]), (0x3C00, 0xB100));
}

#[test]
fn compares_and_selects() {
    let one = h(0x3C00);
    assert_eq!(
        nzcv_of(fcmp(H, 0, 1, 2), RN, one, h(0x4000), 0),
        (0b1000, 0)
    );
    assert_eq!(nzcv_of(fcmp(H, 0, 1, 2), RN, one, one, 0), (0b0110, 0));
    assert_eq!(nzcv_of(fcmp(H, 8, 1, 0), RN, h(0x8000), 0, 0), (0b0110, 0));
    assert_eq!(
        nzcv_of(fcmp(H, 0, 1, 2), RN, h(0x7E00), one, 0),
        (0b0011, 0)
    );
    assert_eq!(
        nzcv_of(fcmp(H, 0x10, 1, 2), RN, h(0x7E00), one, 0),
        (0b0011, IOC)
    );
    // FCCMP: condition EQ fails with Z clear, so the immediate flags.
    assert_eq!(
        nzcv_of(fccmp(H, 0, 1, 2, 0, 0b0101), RN, one, one, 0),
        (0b0101, 0)
    );
    assert_eq!(
        nzcv_of(fccmp(H, 1, 1, 2, 0, 0b0101), RN, one, h(0x7C01), 1 << 30),
        (0b0011, IOC)
    );
    // FCSEL h0, h1, h2, eq.
    let mut c = cpu(RN, &[h(0x1111), h(0x2222)]);
    c.nzcv = 1 << 30;
    run(&[fcsel(H, 0, 1, 2, 0)], &mut c);
    assert_eq!(c.v[0], 0x1111);
}

#[test]
fn moves_to_and_from_general_registers() {
    // fmov w0, h1 / fmov x2, h1: the 16 bits, zero-extended.
    let mut c = cpu(RN, &[h(0xBC00)]);
    c.x[0] = u64::MAX;
    c.x[2] = u64::MAX;
    c.x[3] = 0xFFFF_1234_5678_C000;
    run(
        &[
            fcvt_int(0, H, 0, 6, 0, 1),
            fcvt_int(1, H, 0, 6, 2, 1),
            fcvt_int(1, H, 0, 7, 4, 3), // fmov h4, x3
        ],
        &mut c,
    );
    assert_eq!((c.x[0], c.x[2]), (0xBC00, 0xBC00));
    assert_eq!(c.v[4], 0xC000);
}

#[test]
fn integer_and_fixed_point_conversions() {
    // FCVTZS w0, h1: -2.5 -> -2, inexact; FCVTNS: -2; FCVTAS: -3.
    let x = h(0xC100);
    assert_eq!(
        to_int(fcvt_int(0, H, 3, 0, 0, 1), RN, x),
        (0xFFFF_FFFE, IXC)
    );
    assert_eq!(
        to_int(fcvt_int(0, H, 0, 0, 0, 1), RN, x),
        (0xFFFF_FFFE, IXC)
    );
    assert_eq!(
        to_int(fcvt_int(1, H, 0, 4, 0, 1), RN, x),
        ((-3i64) as u64, IXC)
    );
    // FCVTMU x0, h1 of a negative value saturates at 0 (IOC); of +inf at max.
    assert_eq!(to_int(fcvt_int(1, H, 2, 1, 0, 1), RN, x), (0, IOC));
    assert_eq!(
        to_int(fcvt_int(0, H, 2, 1, 0, 1), RN, h(0x7C00)),
        (u32::MAX as u64, IOC)
    );
    // FCVTZS x0, h1, #2: 1.75 * 4 = 7.
    assert_eq!(to_int(fcvt_fix(1, H, 3, 0, 2, 0, 1), RN, h(0x3F00)), (7, 0));
    // SCVTF h0, w1 / UCVTF h0, x1, and the fixed-point form (#4).
    let from = |word: u32, fpcr: u64, x: u64| {
        let mut c = cpu(fpcr, &[]);
        c.x[1] = x;
        run(&[word], &mut c);
        (c.v[0], c.fpsr)
    };
    assert_eq!(
        from(fcvt_int(0, H, 0, 2, 0, 1), RN, (-3i32) as u32 as u64),
        (0xC200, 0)
    );
    assert_eq!(from(fcvt_int(1, H, 0, 3, 0, 1), RN, 1), (0x3C00, 0));
    assert_eq!(
        from(fcvt_int(0, H, 0, 2, 0, 1), RN, 70000),
        (0x7C00, OFC | IXC)
    );
    assert_eq!(
        from(fcvt_int(0, H, 0, 2, 0, 1), RZ, 70000),
        (0x7BFF, OFC | IXC)
    );
    // 2049 is not representable (11 significant bits): ties to even, 2048.
    assert_eq!(from(fcvt_int(0, H, 0, 2, 0, 1), RN, 2049), (0x6800, IXC));
    assert_eq!(from(fcvt_fix(0, H, 0, 2, 4, 0, 1), RN, 0x18), (0x3E00, 0));
    // 256 / 2^32 = 2^-24, the smallest half denormal: exact; flushed to
    // zero under FZ16 (UFC).
    assert_eq!(
        from(fcvt_fix(1, H, 0, 2, 32, 0, 1), RN, 1 << 8),
        (0x0001, 0)
    );
    assert_eq!(from(fcvt_fix(1, H, 0, 2, 32, 0, 1), FZ16, 1 << 8), (0, UFC));
}

// ---------------------------------------------------------------------------
// The forms the backend runs inline on the host (through single precision,
// see backend/x64/emit_half.rs), at the edges where the host's view and the
// architecture's differ.

/// FCVT to single (4), double (5) and half (7).
const TO_S: u32 = 4;
const TO_D: u32 = 5;
const TO_H: u32 = 7;
/// FPCR.AHP.
const AHP: u64 = 1 << 26;

#[test]
fn inline_arithmetic_edges() {
    // (2^-14 - 2^-24) * (1 + 2^-10) = 2^-14 - 2^-34: tiny before rounding,
    // rounded up to the smallest normal: UFC as well as IXC.
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), RN, &[h(0x03FF), h(0x3C01)]),
        (0x0400, UFC | IXC)
    );
    // 2^-14 / (1 + 2^-10) rounds to 0x03FF, tiny and inexact.
    assert_eq!(
        op(fp2(H, FDIV, 0, 1, 2), RN, &[h(0x0400), h(0x3C01)]),
        (0x03FF, UFC | IXC)
    );
    // The smallest normal exactly: no flags.
    assert_eq!(
        op(fp2(H, FADD, 0, 1, 2), RN, &[h(0x0200), h(0x0200)]),
        (0x0400, 0)
    );
    // 1 + 2^-11 ties to even; up when rounding towards +inf.
    assert_eq!(
        op(fp2(H, FADD, 0, 1, 2), RN, &[h(0x3C00), h(0x1000)]),
        (0x3C00, IXC)
    );
    assert_eq!(
        op(fp2(H, FADD, 0, 1, 2), RP, &[h(0x3C00), h(0x1000)]),
        (0x3C01, IXC)
    );
    // NaNs: the first operand's signalling NaN, quietened; DN.
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), RN, &[h(0x7E01), h(0x7C02)]),
        (0x7E02, IOC)
    );
    assert_eq!(
        op(fp2(H, FMUL, 0, 1, 2), DN, &[h(0x7E01), h(0x3C00)]),
        (QNAN_H, 0)
    );
    // sqrt of a denormal: exact on the host and here (2^-24 -> 2^-12).
    assert_eq!(op(fp1(H, 3, 0, 1), RN, &[h(0x0001)]), (0x0C00, 0));
    assert_eq!(op(fp1(H, 3, 0, 1), FZ16, &[h(0x0001)]), (0, 0));
}

#[test]
fn inline_conversions() {
    let s = |x: u32| x as u128;
    // Single to half: below, at and above the tie under the smallest
    // normal (2^-14 - 2^-25); the tie goes to the even 0x0400; all tiny.
    assert_eq!(
        op(fp1(S, TO_H, 0, 1), RN, &[s(0x387F_E000)]),
        (0x0400, UFC | IXC)
    );
    assert_eq!(
        op(fp1(S, TO_H, 0, 1), RN, &[s(0x387F_F000)]),
        (0x0400, UFC | IXC)
    );
    assert_eq!(
        op(fp1(S, TO_H, 0, 1), RN, &[s(0x387F_DFFF)]),
        (0x03FF, UFC | IXC)
    );
    // 65520 rounds to infinity, just below it to the largest normal; the
    // alternative format (AHP) has 65536 exactly.
    assert_eq!(
        op(fp1(S, TO_H, 0, 1), RN, &[s(0x477F_F000)]),
        (0x7C00, OFC | IXC)
    );
    assert_eq!(op(fp1(S, TO_H, 0, 1), RN, &[s(0x477F_EFFF)]), (0x7BFF, IXC));
    assert_eq!(op(fp1(S, TO_H, 0, 1), AHP, &[s(0x4780_0000)]), (0x7C00, 0));
    // A single denormal: zero, tiny; under FZ, flushed first (IDC).
    assert_eq!(
        op(fp1(S, TO_H, 0, 1), RN, &[s(0x0000_0001)]),
        (0, UFC | IXC)
    );
    assert_eq!(op(fp1(S, TO_H, 0, 1), FZ, &[s(0x8000_0001)]), (0x8000, IDC));
    // NaNs keep the top of the payload, quietened.
    assert_eq!(op(fp1(S, TO_H, 0, 1), RN, &[s(0x7F80_2000)]), (0x7E01, IOC));
    assert_eq!(op(fp1(S, TO_H, 0, 1), RN, &[s(0xFFC0_2000)]), (0xFE01, 0));
    // Half to single and double: exact, denormals too (even under FZ16
    // and FZ); NaN payloads widen; AHP reads 0x7C00 as 65536.
    assert_eq!(
        op(fp1(H, TO_S, 0, 1), FZ16 | FZ, &[h(0x8001)]),
        (0xB380_0000, 0)
    );
    assert_eq!(op(fp1(H, TO_D, 0, 1), RN, &[h(0x7BFF)]), (d(65504.0), 0));
    assert_eq!(op(fp1(H, TO_S, 0, 1), RN, &[h(0x7C01)]), (0x7FC0_2000, IOC));
    assert_eq!(
        op(fp1(H, TO_S, 0, 1), DN, &[h(0xFE01)]),
        (QNAN_S as u128, 0)
    );
    assert_eq!(
        op(fp1(H, TO_S, 0, 1), AHP, &[h(0x7C00)]),
        (s(0x4780_0000), 0)
    );
    assert_eq!(
        op(fp1(H, TO_D, 0, 1), RN, &[h(0xFC00)]),
        (d(f64::NEG_INFINITY), 0)
    );
}

#[test]
fn inline_compares() {
    // 2^-24 > 0, but equal under FZ16 (FPCompare flushes it).
    let word = fcmp(H, 0, 1, 2);
    assert_eq!(nzcv_of(word, RN, h(0x0001), h(0), 0), (0b0010, 0));
    assert_eq!(nzcv_of(word, FZ16, h(0x0001), h(0), 0), (0b0110, 0));
    assert_eq!(nzcv_of(word, RN, h(0xBC00), h(0x8001), 0), (0b1000, 0));
    // Unordered: FCMP raises IOC only for a signalling NaN, FCMPE for any.
    assert_eq!(nzcv_of(word, RN, h(0x7E00), h(0), 0), (0b0011, 0));
    assert_eq!(nzcv_of(word, RN, h(0x7C01), h(0), 0), (0b0011, IOC));
    let e = fcmp(H, 0x10, 1, 2);
    assert_eq!(nzcv_of(e, RN, h(0x7E00), h(0), 0), (0b0011, IOC));
    assert_eq!(nzcv_of(e, RN, h(0x3C00), h(0x3C00), 0), (0b0110, 0));
}
