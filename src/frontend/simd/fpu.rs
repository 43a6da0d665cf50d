//! Floating-point element operations of the Advanced SIMD instructions, on
//! raw bits of half (`es == 16`, FEAT_FP16), single (`es == 32`) or double
//! (`es == 64`) elements. They
//! reuse the scalar floating-point semantics of [`crate::frontend::fp`]
//! (NaN propagation, default NaN, FPCR rounding and flushing, FPSR
//! exceptions accumulated in an [`Env`]) and add the vector-only ones:
//! FABD, FMULX, FRECPS, FRSQRTS, the mask-producing compares.

use crate::frontend::fp::cvt::{self, IntFmt};
use crate::frontend::fp::float::{Class, Fmt, D, H, S};
use crate::frontend::fp::ops::{self, Arith};

pub use crate::frontend::fp::float::{Env, Rounding};

/// Two-operand arithmetic.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FBin {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    MaxNm,
    MinNm,
    /// |a - b|.
    Abd,
    /// Multiply where 0 * inf = 2.0 with the product's sign.
    Mulx,
    /// 2 - a * b (reciprocal step, fused).
    Recps,
    /// (3 - a * b) / 2 (reciprocal square root step).
    Rsqrts,
}

/// The format of `es`-bit elements.
pub fn fmt(es: u32) -> Fmt {
    match es {
        16 => H,
        32 => S,
        _ => D,
    }
}

fn from_f64(f: Fmt, x: f64) -> u64 {
    f.encode_exact(x)
}

/// NaN propagation for two operands, then whether one is an infinity and
/// the other a zero. `Err` carries the NaN result.
fn nans_and_inf_zero(env: &mut Env, f: Fmt, a: u64, b: u64) -> Result<bool, u64> {
    let (ca, a) = env.unpack(f, a);
    let (cb, b) = env.unpack(f, b);
    if let Some(n) = env.process_nans(f, &[(ca, a), (cb, b)]) {
        return Err(n);
    }
    Ok((ca == Class::Inf && cb == Class::Zero) || (ca == Class::Zero && cb == Class::Inf))
}

/// Two-operand arithmetic on elements `a`, `b`.
pub fn bin(env: &mut Env, es: u32, op: FBin, a: u64, b: u64) -> u64 {
    let f = fmt(es);
    let arith = |op| move |env: &mut Env| ops::arith(env, f, op, a, b);
    match op {
        FBin::Add => arith(Arith::Add)(env),
        FBin::Sub => arith(Arith::Sub)(env),
        FBin::Mul => arith(Arith::Mul)(env),
        FBin::Div => arith(Arith::Div)(env),
        FBin::Max => arith(Arith::Max)(env),
        FBin::Min => arith(Arith::Min)(env),
        FBin::MaxNm => arith(Arith::MaxNum)(env),
        FBin::MinNm => arith(Arith::MinNum)(env),
        // FPAbs(FPSub(a, b)): the sign is cleared even on a NaN result.
        FBin::Abd => arith(Arith::Sub)(env) & !f.sign_bit(),
        FBin::Mulx => match nans_and_inf_zero(env, f, a, b) {
            Err(n) => n,
            Ok(true) => from_f64(f, 2.0) | ((a ^ b) & f.sign_bit()),
            Ok(false) => arith(Arith::Mul)(env),
        },
        // The step instructions negate the first operand before anything
        // else, NaN propagation included.
        FBin::Recps => match nans_and_inf_zero(env, f, a ^ f.sign_bit(), b) {
            Err(n) => n,
            Ok(true) => from_f64(f, 2.0),
            Ok(false) => ops::mul_add(env, f, from_f64(f, 2.0), a ^ f.sign_bit(), b),
        },
        FBin::Rsqrts => match nans_and_inf_zero(env, f, a ^ f.sign_bit(), b) {
            Err(n) => n,
            Ok(true) => from_f64(f, 1.5),
            // (3 + a'b) / 2 with one rounding: 1.5 + (a'/2) b, halving
            // whichever operand halves exactly. When neither does, both are
            // tiny, the sum is about 3 and halving it is exact.
            Ok(false) => {
                let na = a ^ f.sign_bit();
                match (halve_exact(f, na), halve_exact(f, b)) {
                    (Some(h), _) => ops::mul_add(env, f, from_f64(f, 1.5), h, b),
                    (None, Some(h)) => ops::mul_add(env, f, from_f64(f, 1.5), na, h),
                    (None, None) => {
                        let t = ops::mul_add(env, f, from_f64(f, 3.0), na, b);
                        ops::arith(env, f, Arith::Div, t, from_f64(f, 2.0))
                    }
                }
            }
        },
    }
}

/// `x / 2` when that is exact: a normal number whose exponent can drop by
/// one and stay normal (not an infinity, NaN, zero or the smallest normals).
fn halve_exact(f: Fmt, x: u64) -> Option<u64> {
    let exp_field = (x & f.exp_mask()) >> f.exp_mask().trailing_zeros();
    let max_field = f.exp_mask() >> f.exp_mask().trailing_zeros();
    (exp_field >= 2 && exp_field < max_field).then(|| x - (1 << f.exp_mask().trailing_zeros()))
}

/// Fused `acc + a * b` (FMLA; FMLS negates `a` first).
pub fn fma(env: &mut Env, es: u32, acc: u64, a: u64, b: u64) -> u64 {
    ops::mul_add(env, fmt(es), acc, a, b)
}

/// Comparisons (false when unordered).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FCmp {
    Eq,
    Ge,
    Gt,
    /// |a| >= |b|.
    AbsGe,
    /// |a| > |b|.
    AbsGt,
}

/// All-ones in `es` bits when the comparison holds, else 0. Only EQ is
/// quiet; the ordered comparisons raise IOC for any NaN.
pub fn cmp(env: &mut Env, es: u32, c: FCmp, a: u64, b: u64) -> u64 {
    let f = fmt(es);
    let (a, b) = if matches!(c, FCmp::AbsGe | FCmp::AbsGt) {
        (abs(es, a), abs(es, b))
    } else {
        (a, b)
    };
    let nzcv = ops::compare(env, f, a, b, c != FCmp::Eq) >> 28;
    let holds = match c {
        FCmp::Eq => nzcv == 0b0110,
        FCmp::Ge | FCmp::AbsGe => nzcv == 0b0110 || nzcv == 0b0010,
        FCmp::Gt | FCmp::AbsGt => nzcv == 0b0010,
    };
    if holds {
        super::lanes::mask(es)
    } else {
        0
    }
}

pub fn abs(es: u32, a: u64) -> u64 {
    a & !fmt(es).sign_bit()
}

pub fn neg(es: u32, a: u64) -> u64 {
    a ^ fmt(es).sign_bit()
}

pub fn sqrt(env: &mut Env, es: u32, a: u64) -> u64 {
    ops::sqrt(env, fmt(es), a)
}

/// Round to integral in floating point (FRINT*); `exact` is FRINTX.
pub fn round_int(env: &mut Env, es: u32, mode: Rounding, exact: bool, a: u64) -> u64 {
    ops::round_int(env, fmt(es), a, mode, exact)
}

/// Float (times 2^fbits) to a saturated `es`-bit integer (FCVT*S/U).
pub fn to_int(env: &mut Env, es: u32, mode: Rounding, signed: bool, fbits: u32, a: u64) -> u64 {
    let to = IntFmt {
        bits: es,
        signed,
        fbits,
    };
    cvt::to_fixed(env, fmt(es), a, to, mode)
}

/// Integer (divided by 2^fbits) to float (SCVTF/UCVTF).
pub fn from_int(env: &mut Env, es: u32, signed: bool, fbits: u32, a: u64) -> u64 {
    let from = IntFmt {
        bits: es,
        signed,
        fbits,
    };
    cvt::from_fixed(env, fmt(es), a, from)
}

/// Converts between half, single and double precision (FCVTL/FCVTN),
/// honouring FPCR.AHP for half precision.
pub fn convert(env: &mut Env, from: u32, to: u32, a: u64) -> u64 {
    cvt::convert(env, fmt(from), fmt(to), a)
}

/// Double to single, rounding to odd (FCVTXN).
pub fn convert_odd(env: &mut Env, a: u64) -> u64 {
    cvt::convert_odd(env, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::fp::float::fpsr;

    fn s(x: f32) -> u64 {
        x.to_bits() as u64
    }

    #[test]
    fn rsqrts_rounds_once() {
        // (3 - a*b) / 2 with a*b far beyond the range, rounding towards
        // zero: the exact result is still out of range, so it rounds to
        // -MAX; rounding the product first and then halving would give
        // -MAX/2.
        let big = f64::MAX.to_bits();
        let mut env = Env::new(3 << 22);
        assert_eq!(
            bin(&mut env, 64, FBin::Rsqrts, big, big),
            D.max_normal(true)
        );
        // Tiny operands that cannot be halved exactly: 3/2.
        let mut env = Env::new(0);
        assert_eq!(bin(&mut env, 64, FBin::Rsqrts, 1, 1), 1.5f64.to_bits());
    }

    #[test]
    fn vector_only_operations() {
        let mut env = Env::new(0);
        assert_eq!(bin(&mut env, 32, FBin::Abd, s(1.5), s(4.0)), s(2.5));
        assert_eq!(
            bin(&mut env, 32, FBin::Mulx, s(0.0), s(-f32::INFINITY)),
            s(-2.0)
        );
        assert_eq!(bin(&mut env, 32, FBin::Recps, s(2.0), s(0.25)), s(1.5));
        assert_eq!(bin(&mut env, 32, FBin::Rsqrts, s(1.0), s(2.0)), s(0.5));
        assert_eq!(env.flags, 0);
        assert_eq!(cmp(&mut env, 32, FCmp::AbsGt, s(-3.0), s(2.0)), 0xffff_ffff);
        assert_eq!(cmp(&mut env, 32, FCmp::Eq, 0x7fc0_0000, s(2.0)), 0);
        assert_eq!(env.flags, 0);
        assert_eq!(cmp(&mut env, 32, FCmp::Ge, 0x7fc0_0000, s(2.0)), 0);
        assert_eq!(env.flags, fpsr::IOC);
        // 1 + 2^-30 is not representable in single precision: odd rounding.
        let mut env = Env::new(0);
        let r = convert_odd(&mut env, (1.0 + 2f64.powi(-30)).to_bits());
        assert_eq!(r, s(1.0) | 1);
        assert_eq!(env.flags, fpsr::IXC);
    }
}
