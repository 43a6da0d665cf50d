//! Scalar floating-point instructions: decoding, and (through the JIT)
//! register, NZCV and FPSR results against the Arm ARM semantics.

use emu::arm64::decode;
use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code;

#[path = "insn_fp/enc.rs"]
mod enc;
use enc::*;

#[path = "insn_fp/half.rs"]
mod half;

#[test]
fn decodes_every_scalar_fp_form() {
    for &(word, name) in DECODE {
        let f = decode(word).unwrap_or_else(|| panic!("{word:#010x} ({name}) does not decode"));
        assert_eq!(f.entry.name(), name, "{word:#010x}");
    }
}

#[test]
fn encoders_agree_with_the_assembler() {
    let asm =
        |word: u32, name: &str| assert!(DECODE.contains(&(word, name)), "{name}: {word:#010x}");
    asm(fp2(D, FADD, 1, 2, 3), "FADD");
    asm(fp1(D, 3, 1, 2), "FSQRT");
    asm(fp1(H, 5, 1, 2), "FCVT");
    asm(fp3(D, 0, 0, 1, 2, 3, 4), "FMADD");
    asm(fcmp(S, 0x10, 1, 2), "FCMPE");
    asm(fccmp(S, 1, 1, 2, 11, 15), "FCCMPE");
    asm(fcsel(D, 1, 2, 3, 1), "FCSEL");
    asm(fmov_imm(D, 1, 0x70), "FMOV_imm");
    asm(fcvt_int(1, D, 3, 0, 1, 2), "FCVTZS");
    asm(fcvt_int(1, 2, 1, 6, 1, 2), "FMOV_to_gen");
    asm(fcvt_fix(1, D, 3, 0, 10, 1, 2), "FCVTZS_fix");
    asm(fcvt_fix(1, D, 0, 2, 3, 1, 2), "SCVTF_fix");
}

// ---------------------------------------------------------------------------
// Harness.

/// FPSR bits.
const IOC: u64 = 1 << 0;
const DZC: u64 = 1 << 1;
const OFC: u64 = 1 << 2;
const UFC: u64 = 1 << 3;
const IXC: u64 = 1 << 4;
const IDC: u64 = 1 << 7;

/// FPCR bits.
const DN: u64 = 1 << 25;
const FZ: u64 = 1 << 24;
const RN: u64 = 0;
const RP: u64 = 1 << 22;
const RM: u64 = 2 << 22;
const RZ: u64 = 3 << 22;

/// Garbage placed in destination registers to check the upper bits get cleared.
const JUNK: u128 = 0xDEAD_BEEF_DEAD_BEEF_DEAD_BEEF_DEAD_BEEF;

const QNAN_D: u64 = 0x7FF8_0000_0000_0000;
const QNAN_S: u64 = 0x7FC0_0000;

fn d(x: f64) -> u128 {
    x.to_bits() as u128
}

fn s(x: f32) -> u128 {
    x.to_bits() as u128
}

/// A CPU with FPCR `fpcr`, V registers 1.. set from `v` and V0 junk.
fn cpu(fpcr: u64, v: &[u128]) -> CpuState {
    let mut c = CpuState {
        fpcr,
        ..CpuState::default()
    };
    c.v[0] = JUNK;
    for (i, &x) in v.iter().enumerate() {
        c.v[i + 1] = x;
    }
    c
}

fn run(words: &[u32], c: &mut CpuState) {
    assert_eq!(
        run_code(words, c),
        ExitReason::Lookup,
        "exit at {:#x}",
        c.pc
    );
}

/// Runs one instruction that writes V0 from V1.. = `v`; returns (V0, FPSR).
fn op(word: u32, fpcr: u64, v: &[u128]) -> (u128, u64) {
    let mut c = cpu(fpcr, v);
    run(&[word], &mut c);
    (c.v[0], c.fpsr)
}

// ---------------------------------------------------------------------------
// Arithmetic.

#[test]
fn add_sub_mul_div_normal_values() {
    // Exact results: no flags.
    assert_eq!(
        op(fp2(D, FADD, 0, 1, 2), RN, &[d(1.5), d(2.25)]),
        (d(3.75), 0)
    );
    assert_eq!(
        op(fp2(D, FSUB, 0, 1, 2), RN, &[d(1.5), d(2.25)]),
        (d(-0.75), 0)
    );
    assert_eq!(
        op(fp2(D, FMUL, 0, 1, 2), RN, &[d(1.5), d(-4.0)]),
        (d(-6.0), 0)
    );
    assert_eq!(
        op(fp2(D, FDIV, 0, 1, 2), RN, &[d(7.0), d(2.0)]),
        (d(3.5), 0)
    );
    assert_eq!(
        op(fp2(S, FADD, 0, 1, 2), RN, &[s(1.5), s(2.25)]),
        (s(3.75), 0)
    );
    assert_eq!(
        op(fp2(S, FNMUL, 0, 1, 2), RN, &[s(1.5), s(2.0)]),
        (s(-3.0), 0)
    );
    // 1/3: correctly rounded, inexact.
    let (r, fpsr) = op(fp2(D, FDIV, 0, 1, 2), RN, &[d(1.0), d(3.0)]);
    assert_eq!(r, d(1.0 / 3.0));
    assert_eq!(fpsr, IXC);
    // Single precision reads only the low 32 bits of the sources.
    let junk_hi = |x: f32| s(x) | 0xFFFF_FFFF_0000_0000;
    assert_eq!(
        op(fp2(S, FMUL, 0, 1, 2), RN, &[junk_hi(3.0), junk_hi(0.5)]),
        (s(1.5), 0)
    );
}

#[test]
fn rounding_modes_from_fpcr() {
    // 1 + 2^-60 is between 1 and next_up(1).
    let tiny = 2f64.powi(-60);
    let add = |fpcr, a: f64, b: f64| op(fp2(D, FADD, 0, 1, 2), fpcr, &[d(a), d(b)]);
    assert_eq!(add(RN, 1.0, tiny), (d(1.0), IXC));
    assert_eq!(add(RP, 1.0, tiny), (d(1.0f64.next_up()), IXC));
    assert_eq!(add(RM, 1.0, tiny), (d(1.0), IXC));
    assert_eq!(add(RZ, 1.0, tiny), (d(1.0), IXC));
    assert_eq!(add(RM, -1.0, -tiny), (d((-1.0f64).next_down()), IXC));
    assert_eq!(add(RZ, -1.0, -tiny), (d(-1.0), IXC));
    // Ties to even: 1 + 2^-53 is halfway between 1 and 1 + 2^-52.
    assert_eq!(add(RN, 1.0, 2f64.powi(-53)), (d(1.0), IXC));
    let third = |fpcr| op(fp2(S, FDIV, 0, 1, 2), fpcr, &[s(1.0), s(3.0)]).0;
    // 1/3 = 0x3EAAAAAA.AAA...: nearest and upward give ...AB, the others ...AA.
    assert_eq!(third(RN), 0x3EAA_AAAB);
    assert_eq!(third(RP), 0x3EAA_AAAB);
    assert_eq!(third(RZ), 0x3EAA_AAAA);
    assert_eq!(third(RM), 0x3EAA_AAAA);
}

#[test]
fn signed_zeros() {
    let add = |fpcr, a: f64, b: f64| op(fp2(D, FADD, 0, 1, 2), fpcr, &[d(a), d(b)]).0;
    let sub = |fpcr, a: f64, b: f64| op(fp2(D, FSUB, 0, 1, 2), fpcr, &[d(a), d(b)]).0;
    assert_eq!(add(RN, 0.0, -0.0), d(0.0));
    assert_eq!(add(RM, 0.0, -0.0), d(-0.0));
    assert_eq!(add(RN, -0.0, -0.0), d(-0.0));
    assert_eq!(sub(RN, 2.5, 2.5), d(0.0));
    assert_eq!(sub(RM, 2.5, 2.5), d(-0.0));
    assert_eq!(op(fp2(D, FMUL, 0, 1, 2), RN, &[d(-0.0), d(3.0)]).0, d(-0.0));
    assert_eq!(op(fp2(D, FNMUL, 0, 1, 2), RN, &[d(0.0), d(3.0)]).0, d(-0.0));
}

#[test]
fn infinities_and_exceptions() {
    let inf = f64::INFINITY;
    // inf - inf: the (positive) default NaN, IOC.
    assert_eq!(
        op(fp2(D, FSUB, 0, 1, 2), RN, &[d(inf), d(inf)]),
        (QNAN_D as u128, IOC)
    );
    assert_eq!(
        op(fp2(S, FMUL, 0, 1, 2), RN, &[s(0.0), s(f32::NEG_INFINITY)]),
        (QNAN_S as u128, IOC)
    );
    assert_eq!(
        op(fp2(D, FDIV, 0, 1, 2), RN, &[d(0.0), d(0.0)]),
        (QNAN_D as u128, IOC)
    );
    // x / 0 = inf with DZC.
    assert_eq!(
        op(fp2(D, FDIV, 0, 1, 2), RN, &[d(-1.0), d(0.0)]),
        (d(-inf), DZC)
    );
    assert_eq!(
        op(fp2(D, FADD, 0, 1, 2), RN, &[d(inf), d(-1e300)]),
        (d(inf), 0)
    );
    // Overflow: infinity in RN, the largest finite number in RZ.
    assert_eq!(
        op(fp2(D, FMUL, 0, 1, 2), RN, &[d(1e300), d(1e10)]),
        (d(inf), OFC | IXC)
    );
    assert_eq!(
        op(fp2(D, FMUL, 0, 1, 2), RZ, &[d(1e300), d(1e10)]),
        (d(f64::MAX), OFC | IXC)
    );
    assert_eq!(
        op(fp2(S, FADD, 0, 1, 2), RM, &[s(f32::MAX), s(f32::MAX)]),
        (s(f32::MAX), OFC | IXC)
    );
    // Underflow: tiny and inexact.
    let (r, fpsr) = op(fp2(D, FMUL, 0, 1, 2), RN, &[d(1e-300), d(1e-20)]);
    assert_eq!(r, d(1e-300 * 1e-20));
    assert_eq!(fpsr, UFC | IXC);
    // Tininess is detected before rounding: (1 - 2^-30) * 2^-1022 * (1 + 2^-30)
    // rounds up to the smallest normal number but still underflows.
    let a = 0x3FEF_FFFF_FF80_0000u128;
    let b = 0x0010_0000_0040_0000u128;
    assert_eq!(
        op(fp2(D, FMUL, 0, 1, 2), RN, &[a, b]),
        (d(f64::MIN_POSITIVE), UFC | IXC)
    );
    assert_eq!(op(fp2(D, FMUL, 0, 1, 2), FZ, &[a, b]), (d(0.0), UFC));
    assert_eq!(op(fp2(D, FNMUL, 0, 1, 2), FZ, &[a, b]), (d(-0.0), UFC));
    // An exact subnormal result raises nothing.
    let m = f64::MIN_POSITIVE;
    assert_eq!(
        op(fp2(D, FDIV, 0, 1, 2), RN, &[d(m), d(4.0)]),
        (d(m / 4.0), 0)
    );
}

#[test]
fn fpsr_is_cumulative() {
    let mut c = cpu(RN, &[d(1.0), d(3.0), d(0.0)]);
    // fdiv d0, d1, d2 (inexact); fdiv d4, d1, d3 (divide by zero)
    run(&[fp2(D, FDIV, 0, 1, 2), fp2(D, FDIV, 4, 1, 3)], &mut c);
    assert_eq!(c.fpsr, IXC | DZC);
    assert_eq!(c.v[4], d(f64::INFINITY));
}

#[test]
fn nan_propagation() {
    let q1: u64 = 0x7FF8_0000_0000_0001;
    let q2: u64 = 0x7FF8_0000_0000_0002;
    let s1: u64 = 0x7FF0_0000_0000_0003;
    let s2: u64 = 0xFFF0_0000_0000_0004;
    let add = |fpcr, a: u64, b: u64| op(fp2(D, FADD, 0, 1, 2), fpcr, &[a as u128, b as u128]);
    // Quiet NaNs: the first operand's.
    assert_eq!(add(RN, q1, q2), (q1 as u128, 0));
    assert_eq!(add(RN, q2, q1), (q2 as u128, 0));
    assert_eq!(add(RN, 0x4000_0000_0000_0000, q2), (q2 as u128, 0));
    // A signalling NaN wins over a quiet one, whatever the order, and is quietened.
    assert_eq!(add(RN, q1, s2), ((s2 | 1 << 51) as u128, IOC));
    assert_eq!(add(RN, s1, s2), ((s1 | 1 << 51) as u128, IOC));
    // Default NaN mode.
    assert_eq!(add(DN, q1, q2), (QNAN_D as u128, 0));
    assert_eq!(add(DN, q1, s2), (QNAN_D as u128, IOC));
    // Single precision.
    let r = op(fp2(S, FSUB, 0, 1, 2), RN, &[0x7FC0_0001, 0x7F80_0002]);
    assert_eq!(r, (0x7FC0_0002, IOC));
    // FNMUL negates the propagated NaN too.
    assert_eq!(
        op(fp2(D, FNMUL, 0, 1, 2), RN, &[q1 as u128, d(1.0)]).0,
        (q1 | 1 << 63) as u128
    );
}

#[test]
fn max_min() {
    let mm = |opc, a: f64, b: f64| op(fp2(D, opc, 0, 1, 2), RN, &[d(a), d(b)]);
    assert_eq!(mm(FMAX, 1.0, 2.0), (d(2.0), 0));
    assert_eq!(mm(FMIN, 1.0, 2.0), (d(1.0), 0));
    assert_eq!(mm(FMAX, -0.0, 0.0).0, d(0.0));
    assert_eq!(mm(FMAX, 0.0, -0.0).0, d(0.0));
    assert_eq!(mm(FMIN, 0.0, -0.0).0, d(-0.0));
    assert_eq!(mm(FMIN, -0.0, 0.0).0, d(-0.0));
    assert_eq!(mm(FMAX, f64::NEG_INFINITY, -1e308).0, d(-1e308));
    // A quiet NaN: FMAX propagates it, FMAXNM returns the number.
    let q = f64::from_bits(QNAN_D | 5);
    assert_eq!(mm(FMAX, q, 1.0), ((QNAN_D | 5) as u128, 0));
    assert_eq!(mm(FMAXNM, q, 1.0), (d(1.0), 0));
    assert_eq!(mm(FMINNM, 1.0, q), (d(1.0), 0));
    assert_eq!(mm(FMINNM, q, f64::INFINITY), (d(f64::INFINITY), 0));
    // A signalling NaN propagates (quietened) even for the NM forms.
    let sn = 0x7FF0_0000_0000_0009u64;
    let r = op(fp2(D, FMAXNM, 0, 1, 2), RN, &[d(1.0), sn as u128]);
    assert_eq!(r, ((sn | 1 << 51) as u128, IOC));
    // Single precision.
    assert_eq!(
        op(fp2(S, FMIN, 0, 1, 2), RN, &[s(-3.0), s(2.0)]),
        (s(-3.0), 0)
    );
}

#[test]
fn fused_multiply_add() {
    // (1 + 2^-30)^2 - 1 = 2^-29 + 2^-60 exactly only when fused.
    let a = 1.0 + 2f64.powi(-30);
    let fma = |o1, o0, n: f64, m: f64, acc: f64| {
        op(fp3(D, o1, o0, 0, 1, 2, 3), RN, &[d(n), d(m), d(acc)])
    };
    assert_eq!(
        fma(0, 0, a, a, -1.0),
        (d(2f64.powi(-29) + 2f64.powi(-60)), 0)
    );
    // FMSUB: a - n*m; FNMADD: -a - n*m; FNMSUB: -a + n*m.
    assert_eq!(fma(0, 1, 2.0, 3.0, 10.0), (d(4.0), 0));
    assert_eq!(fma(1, 0, 2.0, 3.0, 10.0), (d(-16.0), 0));
    assert_eq!(fma(1, 1, 2.0, 3.0, 10.0), (d(-4.0), 0));
    // Exact zero: +0 in RN, -0 in RM.
    assert_eq!(fma(0, 0, 2.0, 3.0, -6.0).0, d(0.0));
    let r = op(fp3(D, 0, 0, 0, 1, 2, 3), RM, &[d(2.0), d(3.0), d(-6.0)]);
    assert_eq!(r.0, d(-0.0));
    // 0 * inf with a quiet NaN addend: the default NaN and IOC.
    let r = op(
        fp3(D, 0, 0, 0, 1, 2, 3),
        RN,
        &[d(0.0), d(f64::INFINITY), (QNAN_D | 7) as u128],
    );
    assert_eq!(r, (QNAN_D as u128, IOC));
    // NaN order: addend first.
    let r = op(
        fp3(D, 0, 0, 0, 1, 2, 3),
        RN,
        &[(QNAN_D | 1) as u128, d(1.0), (QNAN_D | 3) as u128],
    );
    assert_eq!(r, ((QNAN_D | 3) as u128, 0));
    // FMSUB negates op1 before NaN propagation.
    let r = op(
        fp3(D, 0, 1, 0, 1, 2, 3),
        RN,
        &[(QNAN_D | 1) as u128, d(1.0), d(1.0)],
    );
    assert_eq!(r.0, (QNAN_D | 1 | 1 << 63) as u128);
    // Single precision.
    let r = op(fp3(S, 0, 0, 0, 1, 2, 3), RN, &[s(1.5), s(2.0), s(0.25)]);
    assert_eq!(r, (s(3.25), 0));
}

#[test]
fn abs_neg_sqrt() {
    let q = 0x7FF0_0000_0000_0001u128; // a signalling NaN: FABS/FNEG leave it alone.
    assert_eq!(op(fp1(D, 1, 0, 1), RN, &[d(-2.0)]), (d(2.0), 0));
    assert_eq!(op(fp1(D, 1, 0, 1), RN, &[q | 1 << 63]), (q, 0));
    assert_eq!(op(fp1(D, 2, 0, 1), RN, &[q]), (q | 1 << 63, 0));
    assert_eq!(op(fp1(S, 2, 0, 1), RN, &[s(0.0)]), (s(-0.0), 0));
    assert_eq!(
        op(fp1(S, 1, 0, 1), RN, &[s(-0.0) | 0xFFFF << 64]),
        (s(0.0), 0)
    );
    assert_eq!(op(fp1(D, 3, 0, 1), RN, &[d(2.25)]), (d(1.5), 0));
    assert_eq!(
        op(fp1(D, 3, 0, 1), RN, &[d(2.0)]),
        (d(std::f64::consts::SQRT_2), IXC)
    );
    assert_eq!(op(fp1(D, 3, 0, 1), RN, &[d(-0.0)]), (d(-0.0), 0));
    assert_eq!(op(fp1(D, 3, 0, 1), RN, &[d(-1.0)]), (QNAN_D as u128, IOC));
    assert_eq!(
        op(fp1(S, 3, 0, 1), RN, &[s(f32::INFINITY)]),
        (s(f32::INFINITY), 0)
    );
    assert_eq!(op(fp1(S, 3, 0, 1), RN, &[0x7F80_0001]), (0x7FC0_0001, IOC));
}

#[test]
fn fmov_register_immediate_general() {
    // fmov d0, d1 / fmov s0, s1: upper bits cleared.
    assert_eq!(op(fp1(D, 0, 0, 1), RN, &[JUNK]).0, JUNK as u64 as u128);
    assert_eq!(op(fp1(S, 0, 0, 1), RN, &[JUNK]).0, JUNK as u32 as u128);
    // fmov d0, #-1.25 (imm8 = 0xF4), fmov s0, #31.0 (0x3F), #0.125 (0x40)
    assert_eq!(op(fmov_imm(D, 0, 0xF4), RN, &[]).0, d(-1.25));
    assert_eq!(op(fmov_imm(S, 0, 0x3F), RN, &[]).0, s(31.0));
    assert_eq!(op(fmov_imm(S, 0, 0x40), RN, &[]).0, s(0.125));
    let mut c = cpu(RN, &[JUNK, JUNK]);
    c.x[1] = 0x1122_3344_5566_7788;
    run(
        &[
            fcvt_int(0, S, 0, 6, 2, 1), // fmov w2, s1
            fcvt_int(1, D, 0, 6, 3, 1), // fmov x3, d1
            fcvt_int(1, 2, 1, 6, 4, 1), // fmov x4, v1.d[1]
            fcvt_int(0, S, 0, 7, 0, 1), // fmov s0, w1
            fcvt_int(1, D, 0, 7, 5, 1), // fmov d5, x1
            fcvt_int(1, 2, 1, 7, 2, 1), // fmov v2.d[1], x1
        ],
        &mut c,
    );
    assert_eq!(c.x[2], JUNK as u32 as u64);
    assert_eq!(c.x[3], JUNK as u64);
    assert_eq!(c.x[4], (JUNK >> 64) as u64);
    assert_eq!(c.v[0], 0x5566_7788);
    assert_eq!(c.v[5], 0x1122_3344_5566_7788);
    assert_eq!(
        c.v[2],
        (0x1122_3344_5566_7788u128 << 64) | JUNK as u64 as u128
    );
}

// ---------------------------------------------------------------------------
// Compares and selects.

fn nzcv_of(word: u32, fpcr: u64, a: u128, b: u128, nzcv_in: u64) -> (u64, u64) {
    let mut c = cpu(fpcr, &[a, b]);
    c.nzcv = nzcv_in;
    run(&[word], &mut c);
    (c.nzcv >> 28, c.fpsr)
}

#[test]
fn fcmp_orderings_and_nans() {
    let cmp = |a: f64, b: f64| nzcv_of(fcmp(D, 0, 1, 2), RN, d(a), d(b), 0);
    assert_eq!(cmp(1.0, 2.0), (0b1000, 0));
    assert_eq!(cmp(2.0, 2.0), (0b0110, 0));
    assert_eq!(cmp(3.0, 2.0), (0b0010, 0));
    assert_eq!(cmp(-0.0, 0.0), (0b0110, 0));
    assert_eq!(cmp(f64::NEG_INFINITY, -1e308), (0b1000, 0));
    let q = QNAN_D as u128;
    let sn = 0x7FF0_0000_0000_0001u128;
    // Unordered: FCMP raises IOC only for signalling NaNs, FCMPE for any NaN.
    assert_eq!(nzcv_of(fcmp(D, 0, 1, 2), RN, q, d(1.0), 0), (0b0011, 0));
    assert_eq!(nzcv_of(fcmp(D, 0, 1, 2), RN, d(1.0), sn, 0), (0b0011, IOC));
    assert_eq!(
        nzcv_of(fcmp(D, 0x10, 1, 2), RN, q, d(1.0), 0),
        (0b0011, IOC)
    );
    // Zero forms compare with +0.0 (Rm ignored).
    assert_eq!(
        nzcv_of(fcmp(D, 8, 1, 7), RN, d(-0.0), d(5.0), 0),
        (0b0110, 0)
    );
    assert_eq!(nzcv_of(fcmp(S, 8, 1, 0), RN, s(-1.0), 0, 0), (0b1000, 0));
    assert_eq!(
        nzcv_of(fcmp(S, 0x18, 1, 0), RN, QNAN_S as u128, 0, 0),
        (0b0011, IOC)
    );
    // Single precision with junk above bit 31.
    assert_eq!(
        nzcv_of(fcmp(S, 0, 1, 2), RN, s(2.0) | 1 << 100, s(1.0), 0),
        (0b0010, 0)
    );
}

#[test]
fn fccmp_and_fcsel() {
    const EQ: u32 = 0;
    const NE: u32 = 1;
    let z = 1u64 << 30;
    // Condition holds: the comparison; else the immediate flags, no exceptions.
    let w = fccmp(D, 0, 1, 2, EQ, 0b1111);
    assert_eq!(nzcv_of(w, RN, d(1.0), d(2.0), z), (0b1000, 0));
    assert_eq!(nzcv_of(w, RN, d(1.0), d(2.0), 0), (0b1111, 0));
    let we = fccmp(D, 1, 1, 2, NE, 0b0100);
    assert_eq!(nzcv_of(we, RN, QNAN_D as u128, d(2.0), 0), (0b0011, IOC));
    assert_eq!(nzcv_of(we, RN, QNAN_D as u128, d(2.0), z), (0b0100, 0));
    // fcsel d0, d1, d2, eq
    let mut c = cpu(RN, &[d(1.0), d(2.0)]);
    c.nzcv = z;
    run(&[fcsel(D, 0, 1, 2, EQ)], &mut c);
    assert_eq!(c.v[0], d(1.0));
    let mut c = cpu(RN, &[JUNK, s(2.0)]);
    run(&[fcsel(S, 0, 1, 2, EQ)], &mut c);
    assert_eq!(c.v[0], s(2.0));
    let mut c = cpu(RN, &[JUNK, s(2.0)]);
    run(&[fcsel(S, 0, 1, 2, NE)], &mut c);
    assert_eq!(c.v[0], JUNK as u32 as u128);
}

// ---------------------------------------------------------------------------
// Conversions between formats and rounding to integral.

#[test]
fn fcvt_between_precisions() {
    const TO_S: u32 = 4;
    const TO_D: u32 = 5;
    const TO_H: u32 = 7;
    let x = 1.0 + 2f64.powi(-30);
    assert_eq!(op(fp1(D, TO_S, 0, 1), RN, &[d(x)]), (s(1.0), IXC));
    assert_eq!(
        op(fp1(D, TO_S, 0, 1), RP, &[d(x)]),
        (s(1.0f32.next_up()), IXC)
    );
    assert_eq!(
        op(fp1(D, TO_S, 0, 1), RN, &[d(1e300)]),
        (s(f32::INFINITY), OFC | IXC)
    );
    assert_eq!(
        op(fp1(D, TO_S, 0, 1), RZ, &[d(-1e300)]),
        (s(f32::MIN), OFC | IXC)
    );
    assert_eq!(
        op(fp1(D, TO_S, 0, 1), RN, &[d(1e-40)]),
        (s(1e-40), UFC | IXC)
    );
    assert_eq!(op(fp1(D, TO_S, 0, 1), FZ, &[d(-1e-40)]), (s(-0.0), UFC));
    assert_eq!(op(fp1(S, TO_D, 0, 1), RN, &[s(0.1)]), (d(0.1f32 as f64), 0));
    // NaNs keep the top of their payload and are quietened.
    assert_eq!(
        op(fp1(S, TO_D, 0, 1), RN, &[0xFF80_0001]),
        (0xFFF8_0000_2000_0000, IOC)
    );
    assert_eq!(
        op(fp1(D, TO_S, 0, 1), RN, &[0x7FF8_0000_2000_0000]),
        (0x7FC0_0001, 0)
    );
    assert_eq!(
        op(fp1(D, TO_S, 0, 1), DN, &[0x7FF8_0000_2000_0000]),
        (QNAN_S as u128, 0)
    );
    // Half precision: 1.0 = 0x3C00, 65504 = max, 2^-24 = smallest subnormal.
    assert_eq!(op(fp1(D, TO_H, 0, 1), RN, &[d(1.0)]), (0x3C00, 0));
    assert_eq!(op(fp1(S, TO_H, 0, 1), RN, &[s(65504.0)]), (0x7BFF, 0));
    assert_eq!(
        op(fp1(S, TO_H, 0, 1), RN, &[s(70000.0)]),
        (0x7C00, OFC | IXC)
    );
    assert_eq!(
        op(fp1(H, TO_D, 0, 1), RN, &[0x0001]),
        (d(2f64.powi(-24)), 0)
    );
    assert_eq!(op(fp1(H, TO_S, 0, 1), RN, &[0xC000]), (s(-2.0), 0));
    // Alternative half precision (FPCR.AHP): exponent 31 is a normal number
    // (70000 rounds to 65536 + 70 * 64 = 70016)
    // (up to 131008), infinities and NaNs become the largest magnitude or
    // zero with IOC.
    const AHP: u64 = 1 << 26;
    assert_eq!(op(fp1(S, TO_H, 0, 1), AHP, &[s(70000.0)]), (0x7C46, IXC));
    assert_eq!(op(fp1(S, TO_H, 0, 1), AHP, &[s(131008.0)]), (0x7FFF, 0));
    assert_eq!(op(fp1(S, TO_H, 0, 1), AHP, &[s(-1e6)]), (0xFFFF, IOC));
    assert_eq!(
        op(fp1(D, TO_H, 0, 1), AHP, &[d(f64::INFINITY)]),
        (0x7FFF, IOC)
    );
    assert_eq!(
        op(fp1(D, TO_H, 0, 1), AHP, &[0xFFF8_0000_0000_0000]),
        (0x8000, IOC)
    );
    assert_eq!(op(fp1(H, TO_S, 0, 1), AHP, &[0x7C00]), (s(65536.0), 0));
    assert_eq!(op(fp1(H, TO_D, 0, 1), AHP, &[0xFFFF]), (d(-131008.0), 0));
}

#[test]
fn frint_variants() {
    // opcode 8 N, 9 P, 10 M, 11 Z, 12 A, 14 X, 15 I.
    let r = |opc, fpcr, x: f64| op(fp1(D, opc, 0, 1), fpcr, &[d(x)]);
    assert_eq!(r(8, RN, 2.5), (d(2.0), 0));
    assert_eq!(r(8, RN, 3.5), (d(4.0), 0));
    assert_eq!(r(9, RN, 1.25), (d(2.0), 0));
    assert_eq!(r(9, RN, -0.5), (d(-0.0), 0));
    assert_eq!(r(10, RN, -1.25), (d(-2.0), 0));
    assert_eq!(r(11, RN, -1.75), (d(-1.0), 0));
    assert_eq!(r(12, RN, 2.5), (d(3.0), 0));
    assert_eq!(r(12, RN, -2.5), (d(-3.0), 0));
    assert_eq!(r(12, RN, 0.25), (d(0.0), 0));
    // FRINTX and FRINTI use FPCR; only FRINTX raises IXC.
    assert_eq!(r(14, RN, 2.5), (d(2.0), IXC));
    assert_eq!(r(14, RP, 2.25), (d(3.0), IXC));
    assert_eq!(r(14, RN, 7.0), (d(7.0), 0));
    assert_eq!(r(15, RM, 2.75), (d(2.0), 0));
    assert_eq!(r(15, RZ, -2.75), (d(-2.0), 0));
    assert_eq!(r(8, RN, 1e300), (d(1e300), 0));
    assert_eq!(r(8, RN, f64::NEG_INFINITY), (d(f64::NEG_INFINITY), 0));
    assert_eq!(
        r(8, RN, f64::from_bits(0x7FF0_0000_0000_0001)),
        (QNAN_D as u128 | 1, IOC)
    );
    assert_eq!(op(fp1(S, 12, 0, 1), RN, &[s(-0.5)]), (s(-1.0), 0));
    assert_eq!(op(fp1(S, 8, 0, 1), RN, &[s(8388609.0)]), (s(8388609.0), 0));
}

// ---------------------------------------------------------------------------
// Conversions with integers and fixed point.

/// Runs a float -> integer conversion writing X0 from V1; returns (X0, FPSR).
fn to_int(word: u32, fpcr: u64, v: u128) -> (u64, u64) {
    let mut c = cpu(fpcr, &[v]);
    c.x[0] = 0xAAAA_AAAA_AAAA_AAAA;
    run(&[word], &mut c);
    (c.x[0], c.fpsr)
}

#[test]
fn fcvtzs_fcvtzu_saturate() {
    let zs64 = fcvt_int(1, D, 3, 0, 0, 1);
    let zs32 = fcvt_int(0, D, 3, 0, 0, 1);
    let zu64 = fcvt_int(1, D, 3, 1, 0, 1);
    let zu32 = fcvt_int(0, S, 3, 1, 0, 1);
    assert_eq!(to_int(zs64, RN, d(1e20)), (i64::MAX as u64, IOC));
    assert_eq!(to_int(zs64, RN, d(-1e20)), (i64::MIN as u64, IOC));
    assert_eq!(to_int(zs64, RN, QNAN_D as u128), (0, IOC));
    assert_eq!(to_int(zs64, RN, d(-1.5)), (-1i64 as u64, IXC));
    assert_eq!(to_int(zs64, RN, d(-(2f64.powi(63)))), (i64::MIN as u64, 0));
    assert_eq!(to_int(zs64, RN, d(f64::INFINITY)), (i64::MAX as u64, IOC));
    assert_eq!(to_int(zs32, RN, d(3e9)), (i32::MAX as u32 as u64, IOC));
    assert_eq!(to_int(zs32, RN, d(-2.9)), (-2i32 as u32 as u64, IXC));
    assert_eq!(to_int(zs32, RN, d(-2147483648.0)), (0x8000_0000, 0));
    assert_eq!(to_int(zu64, RN, d(-1.0)), (0, IOC));
    assert_eq!(to_int(zu64, RN, d(-0.5)), (0, IXC));
    assert_eq!(to_int(zu64, RN, d(1.8446744073709552e19)), (u64::MAX, IOC));
    assert_eq!(to_int(zu32, RN, s(4294967040.0)), (0xFFFF_FF00, 0));
    assert_eq!(to_int(zu32, RN, s(5e9)), (0xFFFF_FFFF, IOC));
    // The FPCR rounding mode does not affect FCVTZ*.
    assert_eq!(to_int(zs64, RP, d(2.5)), (2, IXC));
}

#[test]
fn fcvt_rounding_variants() {
    // rmode/opcode: N 00/000, P 01/000, M 10/000, A 00/100 (signed); unsigned +1.
    let cv = |rmode, opc, x: f64| to_int(fcvt_int(1, D, rmode, opc, 0, 1), RZ, d(x)).0 as i64;
    assert_eq!(cv(0, 0, 2.5), 2);
    assert_eq!(cv(0, 0, 3.5), 4);
    assert_eq!(cv(0, 0, -2.5), -2);
    assert_eq!(cv(1, 0, 2.1), 3);
    assert_eq!(cv(1, 0, -2.9), -2);
    assert_eq!(cv(2, 0, -2.1), -3);
    assert_eq!(cv(2, 0, 2.9), 2);
    assert_eq!(cv(0, 4, 2.5), 3);
    assert_eq!(cv(0, 4, -2.5), -3);
    assert_eq!(cv(0, 5, 2.5), 3);
    assert_eq!(cv(1, 1, 0.1), 1);
    assert_eq!(cv(2, 1, -0.1), 0);
    // 32-bit destinations zero-extend.
    let (x, fpsr) = to_int(fcvt_int(0, S, 2, 0, 0, 1), RN, s(-1.5));
    assert_eq!((x, fpsr), (0xFFFF_FFFE, IXC));
}

#[test]
fn scvtf_ucvtf_integers() {
    let from = |word: u32, fpcr, x: u64| {
        let mut c = cpu(fpcr, &[]);
        c.x[1] = x;
        run(&[word], &mut c);
        (c.v[0], c.fpsr)
    };
    let scvtf_d_x = fcvt_int(1, D, 0, 2, 0, 1);
    let ucvtf_d_x = fcvt_int(1, D, 0, 3, 0, 1);
    let scvtf_s_w = fcvt_int(0, S, 0, 2, 0, 1);
    let ucvtf_s_w = fcvt_int(0, S, 0, 3, 0, 1);
    assert_eq!(from(scvtf_d_x, RN, -5i64 as u64), (d(-5.0), 0));
    assert_eq!(from(scvtf_d_x, RN, 0), (d(0.0), 0));
    assert_eq!(
        from(ucvtf_d_x, RN, u64::MAX),
        (d(18446744073709551616.0), IXC)
    );
    assert_eq!(
        from(ucvtf_d_x, RZ, u64::MAX),
        (d(18446744073709549568.0), IXC)
    );
    // 2^53 + 1: ties to even gives 2^53, RP gives 2^53 + 2.
    let x = (1u64 << 53) + 1;
    assert_eq!(from(scvtf_d_x, RN, x), (d(9007199254740992.0), IXC));
    assert_eq!(from(scvtf_d_x, RP, x), (d(9007199254740994.0), IXC));
    assert_eq!(
        from(scvtf_d_x, RM, x.wrapping_neg()),
        (d(-9007199254740994.0), IXC)
    );
    // W sources use only the low 32 bits.
    assert_eq!(from(scvtf_s_w, RN, 0xFFFF_FFFF_FFFF_FFFE), (s(-2.0), 0));
    assert_eq!(from(ucvtf_s_w, RN, 0x1_FFFF_FFFF), (s(4294967296.0), IXC));
    assert_eq!(from(ucvtf_s_w, RZ, 0xFFFF_FFFF), (s(4294967040.0), IXC));
    assert_eq!(from(scvtf_s_w, RN, 16_777_217), (s(16_777_216.0), IXC));
}

#[test]
fn fixed_point_conversions() {
    let mut c = cpu(RN, &[d(2.75), s(-1.5)]);
    c.x[5] = 0x28; // 2.5 with 4 fraction bits
    c.x[6] = (-3i64) as u64;
    run(
        &[
            fcvt_fix(1, D, 3, 0, 4, 0, 1),  // fcvtzs x0, d1, #4
            fcvt_fix(0, S, 3, 0, 1, 1, 2),  // fcvtzs w1, s2, #1
            fcvt_fix(1, D, 3, 1, 64, 2, 1), // fcvtzu x2, d1, #64 (saturates)
            fcvt_fix(1, D, 0, 2, 4, 3, 5),  // scvtf d3, x5, #4
            fcvt_fix(0, S, 0, 2, 1, 4, 6),  // scvtf s4, w6, #1
            fcvt_fix(1, D, 0, 3, 64, 5, 6), // ucvtf d5, x6, #64
        ],
        &mut c,
    );
    assert_eq!(c.x[0], 44);
    assert_eq!(c.x[1], (-3i32) as u32 as u64);
    assert_eq!(c.x[2], u64::MAX);
    assert_eq!(c.v[3], d(2.5));
    assert_eq!(c.v[4], s(-1.5));
    assert_eq!(c.v[5], d(1.0));
    assert_eq!(c.fpsr, IOC | IXC);
    // sf = 0 with fbits > 32 is unallocated.
    let mut c = cpu(RN, &[]);
    assert_eq!(
        run_code(&[fcvt_fix(0, S, 3, 0, 33, 0, 1)], &mut c),
        ExitReason::Udf
    );
}

#[test]
fn flush_to_zero_and_default_nan_modes() {
    let m = f64::MIN_POSITIVE;
    // A denormal input is read as zero (IDC).
    assert_eq!(
        op(fp2(D, FADD, 0, 1, 2), FZ, &[d(m / 2.0), d(0.0)]),
        (d(0.0), IDC)
    );
    assert_eq!(
        op(fp2(D, FMUL, 0, 1, 2), FZ, &[d(-m / 2.0), d(1.0)]),
        (d(-0.0), IDC)
    );
    // A tiny result is flushed (UFC, no IXC).
    assert_eq!(
        op(fp2(D, FMUL, 0, 1, 2), FZ, &[d(m), d(0.25)]),
        (d(0.0), UFC)
    );
    assert_eq!(
        op(
            fp2(S, FSUB, 0, 1, 2),
            FZ,
            &[s(1.5 * f32::MIN_POSITIVE), s(f32::MIN_POSITIVE)]
        ),
        (s(0.0), UFC)
    );
    // Without FZ the same operation is exact.
    let x = 1.5 * f32::MIN_POSITIVE;
    assert_eq!(
        op(fp2(S, FSUB, 0, 1, 2), RN, &[s(x), s(f32::MIN_POSITIVE)]),
        (s(0.5 * f32::MIN_POSITIVE), 0)
    );
    // FCMP flushes too.
    assert_eq!(
        nzcv_of(fcmp(D, 0, 1, 2), FZ, d(m / 2.0), d(-0.0), 0),
        (0b0110, IDC)
    );
    // Default NaN replaces a propagated NaN in every class.
    assert_eq!(
        op(fp1(D, 3, 0, 1), DN, &[(QNAN_D | 9) as u128]),
        (QNAN_D as u128, 0)
    );
    assert_eq!(
        op(fp1(D, 8, 0, 1), DN, &[(QNAN_D | 9) as u128]),
        (QNAN_D as u128, 0)
    );
    let r = op(fp3(S, 0, 0, 0, 1, 2, 3), DN, &[s(1.0), 0xFFC0_0001, s(1.0)]);
    assert_eq!(r, (QNAN_S as u128, 0));
}
