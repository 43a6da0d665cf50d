//! Semantics of the conversions: between floating-point formats (`FPConvert`),
//! from floating point to integer or fixed point (`FPToFixed`) and back
//! (`FixedToFP`).

use super::float::{fpsr, Class, Env, Fmt, Fpcr, Rounding, H};
use super::ops::round_f64;

/// Double to single precision rounding to odd (FCVTXN): the conversion
/// toward zero, its lowest bit set when it was inexact (a NaN aside).
pub fn convert_odd(env: &mut Env, a: u64) -> u64 {
    let mut e = Env::new(env.fpcr.0 & !(3 << 22) | 3 << 22);
    let r = convert(&mut e, super::float::D, super::float::S, a);
    env.raise(e.flags);
    if e.flags & fpsr::IXC != 0 && !super::float::S.class(r).is_nan() {
        r | 1
    } else {
        r
    }
}

/// FCVT between H, S and D (`FPConvert`), honouring FPCR.AHP for half
/// precision. FPCR.FZ16 plays no part: `FPUnpackCV` and `FPRoundCV` clear
/// it (FZ still flushes single and double precision).
pub fn convert(env: &mut Env, from: Fmt, to: Fmt, a: u64) -> u64 {
    let mut cv = Env::new(env.fpcr.0 & !Fpcr::FZ16);
    let r = convert_cv(&mut cv, from, to, a);
    env.raise(cv.flags);
    r
}

fn convert_cv(env: &mut Env, from: Fmt, to: Fmt, a: u64) -> u64 {
    let (mut c, a) = env.unpack(from, a);
    if from == H && env.fpcr.ahp() && matches!(c, Class::Inf | Class::QNaN | Class::SNaN) {
        // The alternative format has no infinities or NaNs.
        c = Class::Normal;
    }
    let alt_half = to == H && env.fpcr.ahp();
    let sign = from.sign(a);
    match c {
        Class::QNaN | Class::SNaN => {
            if c == Class::SNaN || alt_half {
                env.raise(fpsr::IOC);
            }
            if alt_half {
                return to.zero(sign);
            }
            if env.fpcr.dn() {
                return to.default_nan();
            }
            // `FPConvertNaN`: keep the sign and the top of the payload, quiet.
            let payload = a & from.frac_mask();
            let payload = if to.fbits >= from.fbits {
                payload << (to.fbits - from.fbits)
            } else {
                payload >> (from.fbits - to.fbits)
            };
            to.inf(sign) | to.quiet_bit() | payload
        }
        Class::Inf if alt_half => {
            env.raise(fpsr::IOC);
            to.zero(sign) | to.exp_mask() | to.frac_mask()
        }
        Class::Inf => to.inf(sign),
        Class::Zero => to.zero(sign),
        Class::Denormal | Class::Normal => {
            let (s, m, e) = from.decompose(a);
            let mode = env.fpcr.rounding();
            if alt_half {
                return env.round_alt_half(s, m, e, mode);
            }
            let flush = env.flushes(to);
            env.round(to, s, m, e, mode, flush)
        }
    }
}

/// The integer or fixed-point destination of a conversion.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct IntFmt {
    /// 32 or 64.
    pub bits: u32,
    pub signed: bool,
    /// Number of fraction bits (0 for integers).
    pub fbits: u32,
}

impl IntFmt {
    /// A W (`x64` false) or X register's format with `fbits` fraction bits.
    pub fn of(signed: bool, x64: bool, fbits: u8) -> IntFmt {
        IntFmt {
            bits: if x64 { 64 } else { 32 },
            signed,
            fbits: u32::from(fbits),
        }
    }

    fn range(self) -> (i128, i128) {
        if self.signed {
            (-(1i128 << (self.bits - 1)), (1i128 << (self.bits - 1)) - 1)
        } else {
            (0, (1i128 << self.bits) - 1)
        }
    }
}

/// `FPToFixed`: FCVT{N,P,M,Z,A}{S,U} and the fixed-point FCVTZS/FCVTZU.
/// Saturates (raising IOC), maps NaN to 0 (raising IOC), otherwise raises
/// IXC when inexact. The result is zero-extended from `to.bits`.
pub fn to_fixed(env: &mut Env, f: Fmt, a: u64, to: IntFmt, mode: Rounding) -> u64 {
    let (c, a) = env.unpack(f, a);
    let (lo, hi) = to.range();
    let wrap = |v: i128| (v as u64) & (u64::MAX >> (64 - to.bits));
    if c.is_nan() {
        env.raise(fpsr::IOC);
        return 0;
    }
    // Scaling by a power of two is exact (it can only overflow to an
    // infinity, which saturates anyway).
    let x = f.to_f64(a) * 2f64.powi(to.fbits as i32);
    let r = round_f64(x, mode);
    // `as` saturates at the i128 bounds, far outside any destination range.
    let v = r as i128;
    if v < lo || v > hi {
        env.raise(fpsr::IOC);
        return wrap(v.clamp(lo, hi));
    }
    if r != x {
        env.raise(fpsr::IXC);
    }
    wrap(v)
}

/// `FixedToFP`: SCVTF/UCVTF from a 16-bit element or a 32- or 64-bit
/// register (integer or fixed point) to format `f`, rounded with the FPCR
/// rounding mode (and flushed under FZ, or FZ16 for half precision).
pub fn from_fixed(env: &mut Env, f: Fmt, x: u64, from: IntFmt) -> u64 {
    let v: i128 = match (from.bits, from.signed) {
        (16, true) => i128::from(x as u16 as i16),
        (16, false) => i128::from(x as u16),
        (32, true) => i128::from(x as u32 as i32),
        (32, false) => i128::from(x as u32),
        (_, true) => i128::from(x as i64),
        _ => i128::from(x),
    };
    if v == 0 {
        return f.zero(false);
    }
    let mode = env.fpcr.rounding();
    let flush = env.flushes(f);
    env.round(
        f,
        v < 0,
        v.unsigned_abs(),
        -(from.fbits as i32),
        mode,
        flush,
    )
}

#[cfg(test)]
mod tests {
    use super::super::float::{Fpcr, D, S};
    use super::*;

    const I64: IntFmt = IntFmt {
        bits: 64,
        signed: true,
        fbits: 0,
    };
    const U32: IntFmt = IntFmt {
        bits: 32,
        signed: false,
        fbits: 0,
    };

    #[test]
    fn to_int_saturates() {
        let mut env = Env::new(0);
        assert_eq!(
            to_fixed(&mut env, D, 1e20f64.to_bits(), I64, Rounding::Zero),
            i64::MAX as u64
        );
        assert_eq!(env.flags, fpsr::IOC);
        let mut env = Env::new(0);
        assert_eq!(
            to_fixed(&mut env, D, D.default_nan(), I64, Rounding::Zero),
            0
        );
        assert_eq!(env.flags, fpsr::IOC);
        let mut env = Env::new(0);
        assert_eq!(
            to_fixed(&mut env, D, (-1.5f64).to_bits(), I64, Rounding::Zero),
            (-1i64) as u64
        );
        assert_eq!(env.flags, fpsr::IXC);
        let mut env = Env::new(0);
        assert_eq!(
            to_fixed(&mut env, S, (-1.0f32).to_bits() as u64, U32, Rounding::Zero),
            0
        );
        assert_eq!(env.flags, fpsr::IOC);
    }

    #[test]
    fn from_int_rounds_with_fpcr() {
        let x = (1u64 << 53) + 1;
        let mut env = Env::new(0);
        assert_eq!(from_fixed(&mut env, D, x, I64), (x as f64).to_bits());
        assert_eq!(env.flags, fpsr::IXC);
        let mut env = Env::new(1 << Fpcr::RMODE_SHIFT);
        assert_eq!(
            from_fixed(&mut env, D, x, I64),
            ((1u64 << 53) as f64).next_up().to_bits()
        );
        let mut env = Env::new(0);
        let fix = IntFmt { fbits: 4, ..I64 };
        assert_eq!(from_fixed(&mut env, S, 0x18, fix), 1.5f32.to_bits() as u64);
        assert_eq!(env.flags, 0);
    }

    #[test]
    fn convert_nan_and_half() {
        let mut env = Env::new(0);
        assert_eq!(convert(&mut env, S, D, 0x7F80_0001), 0x7FF8_0000_2000_0000);
        assert_eq!(env.flags, fpsr::IOC);
        let mut env = Env::new(0);
        assert_eq!(convert(&mut env, D, H, 1.0f64.to_bits()), 0x3C00);
        assert_eq!(convert(&mut env, H, S, 0x3C00), 1.0f32.to_bits() as u64);
        assert_eq!(convert(&mut env, D, H, 65520f64.to_bits()), 0x7C00);
        assert_eq!(env.flags, fpsr::OFC | fpsr::IXC);
    }
}
