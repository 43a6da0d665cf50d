//! The reciprocal and reciprocal square root estimates of the Arm ARM
//! (`FPRecipEstimate`, `FPRSqrtEstimate`, `UnsignedRecipEstimate`,
//! `UnsignedRSqrtEstimate`, `FPRecpX`), with the 8-bit `RecipEstimate` and
//! `RecipSqrtEstimate` tables computed as the pseudocode computes them
//! (FEAT_RPRES, the 12-bit single-precision variant, is not implemented).

use super::float::{fpsr, Class, Env, Fmt, Rounding};

/// `RecipEstimate`: `a` in 256..512 is a fixed-point number in [0.5, 1.0)
/// in steps of 1/512; the result in 256..512 is its reciprocal in [1.0, 2.0)
/// in steps of 1/256, rounded to nearest.
pub const fn recip_estimate(a: u32) -> u32 {
    debug_assert!(256 <= a && a < 512);
    let a = a * 2 + 1;
    let b = (1 << 19) / a;
    // (b + 1) DIV 2: round to nearest.
    b.div_ceil(2)
}

/// `RecipSqrtEstimate`: `a` in 128..512 is a fixed-point number in
/// [0.25, 1.0) in steps of 1/512; the result in 256..512 is its reciprocal
/// square root in [1.0, 2.0) in steps of 1/256.
pub const fn recip_sqrt_estimate(a: u32) -> u32 {
    debug_assert!(128 <= a && a < 512);
    let a = if a < 256 {
        a * 2 + 1
    } else {
        (((a >> 1) << 1) + 1) * 2
    };
    let a = a as u64;
    // The pseudocode counts b up from 512 while a * (b + 1)^2 < 2^28: the
    // smallest b in 512..1024 for which that fails, found by bisection.
    let (mut lo, mut hi) = (512u64, 1024u64);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if a * (mid + 1) * (mid + 1) < 1 << 28 {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    // (b + 1) DIV 2: round to nearest.
    lo.div_ceil(2) as u32
}

/// The low 8 bits of `RecipEstimate(256 + i)` (its bit 8 is always set):
/// FRECPE's fraction from the top 8 bits of the operand's, URECPE's from
/// bits 23..31 of a lane at or above 2^31.
pub static RECIP_EST: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = recip_estimate(256 + i as u32) as u8;
        i += 1;
    }
    t
};

/// FRSQRTE's 8-bit fraction by `(exponent & 1) << 8 | fraction's top 8
/// bits`: the low 8 bits of `RecipSqrtEstimate` of `256 | top 8` for an
/// even exponent, of `128 | top 7` for an odd one.
pub static RSQRT_EST: [u8; 512] = {
    let mut t = [0u8; 512];
    let mut i = 0;
    while i < 512 {
        let a = if i < 256 {
            256 | i as u32
        } else {
            128 | (i as u32 & 0xff) >> 1
        };
        t[i] = recip_sqrt_estimate(a) as u8;
        i += 1;
    }
    t
};

/// URSQRTE's 8-bit result by bits 23..31 of a lane at or above 2^30 (128
/// and up; the entries below are unused).
pub static URSQRT_EST: [u8; 512] = {
    let mut t = [0u8; 512];
    let mut i = 128;
    while i < 512 {
        t[i] = recip_sqrt_estimate(i as u32) as u8;
        i += 1;
    }
    t
};

/// The fraction of `x` widened to 52 bits (the pseudocode's `fraction`) and
/// its biased exponent field.
fn frac52_exp(f: Fmt, x: u64) -> (u64, i32) {
    let frac = (x & f.frac_mask()) << (52 - f.fbits);
    let exp = ((x & f.exp_mask()) >> f.fbits) as i32;
    (frac, exp)
}

/// Packs a sign, a biased exponent field and a 52-bit fraction into `f`.
fn pack(f: Fmt, sign: bool, exp: i32, frac52: u64) -> u64 {
    f.zero(sign) | (exp as u64) << f.fbits | frac52 >> (52 - f.fbits)
}

/// `FPRecipEstimate` (FRECPE).
pub fn recip(env: &mut Env, f: Fmt, x: u64) -> u64 {
    let (c, x) = env.unpack(f, x);
    let sign = f.sign(x);
    let (frac, exp) = frac52_exp(f, x);
    match c {
        Class::QNaN | Class::SNaN => return env.process_nan(f, c, x),
        Class::Inf => return f.zero(sign),
        Class::Zero => {
            env.raise(fpsr::DZC);
            return f.inf(sign);
        }
        _ => {}
    }
    // |value| < 2^-(bias+1): a denormal with its top two fraction bits clear.
    if exp == 0 && frac >> 50 == 0 {
        let to_inf = match env.fpcr.rounding() {
            Rounding::TieEven | Rounding::TieAway => true,
            Rounding::PosInf => !sign,
            Rounding::NegInf => sign,
            Rounding::Zero => false,
        };
        env.raise(fpsr::OFC | fpsr::IXC);
        return if to_inf {
            f.inf(sign)
        } else {
            f.max_normal(sign)
        };
    }
    // |value| >= 2^(bias-1): the result would be denormal.
    if env.flushes(f) && exp >= 2 * f.bias() - 1 {
        env.raise(fpsr::UFC);
        return f.zero(sign);
    }
    let (mut frac, mut exp) = (frac, exp);
    if exp == 0 {
        if frac >> 51 == 0 {
            exp = -1;
            frac = (frac << 2) & ((1 << 52) - 1);
        } else {
            frac = (frac << 1) & ((1 << 52) - 1);
        }
    }
    let mut result_exp = 2 * f.bias() - 1 - exp;
    let mut frac = u64::from(RECIP_EST[(frac >> 44) as usize]) << 44;
    if result_exp == 0 {
        frac = 1 << 51 | frac >> 1;
    } else if result_exp == -1 {
        frac = 1 << 50 | frac >> 2;
        result_exp = 0;
    }
    pack(f, sign, result_exp, frac)
}

/// `FPRSqrtEstimate` (FRSQRTE).
pub fn rsqrt(env: &mut Env, f: Fmt, x: u64) -> u64 {
    let (c, x) = env.unpack(f, x);
    let sign = f.sign(x);
    match c {
        Class::QNaN | Class::SNaN => return env.process_nan(f, c, x),
        Class::Zero => {
            env.raise(fpsr::DZC);
            return f.inf(sign);
        }
        _ if sign => {
            env.raise(fpsr::IOC);
            return f.default_nan();
        }
        Class::Inf => return f.zero(false),
        _ => {}
    }
    let (mut frac, mut exp) = frac52_exp(f, x);
    if exp == 0 {
        while frac >> 51 == 0 {
            frac <<= 1;
            exp -= 1;
        }
        frac = (frac << 1) & ((1 << 52) - 1);
    }
    let index = ((exp & 1) as usize) << 8 | (frac >> 44) as usize;
    let result_exp = (3 * f.bias() - 1 - exp).div_euclid(2);
    pack(f, false, result_exp, u64::from(RSQRT_EST[index]) << 44)
}

/// `UnsignedRecipEstimate` (URECPE) of a 32-bit element.
pub fn urecip(x: u32) -> u32 {
    if x >> 31 == 0 {
        return u32::MAX;
    }
    0x8000_0000 | u32::from(RECIP_EST[(x >> 23 & 0xff) as usize]) << 23
}

/// `UnsignedRSqrtEstimate` (URSQRTE) of a 32-bit element.
pub fn ursqrt(x: u32) -> u32 {
    if x >> 30 == 0 {
        return u32::MAX;
    }
    0x8000_0000 | u32::from(URSQRT_EST[(x >> 23) as usize]) << 23
}

/// `FPRecpX` (FRECPX): the exponent inverted, the fraction cleared.
pub fn recpx(env: &mut Env, f: Fmt, x: u64) -> u64 {
    let (c, x) = env.unpack(f, x);
    if c.is_nan() {
        return env.process_nan(f, c, x);
    }
    let exp = (x & f.exp_mask()) >> f.fbits;
    let ones = f.exp_mask() >> f.fbits;
    let e = if exp == 0 { ones - 1 } else { !exp & ones };
    f.zero(f.sign(x)) | e << f.fbits
}

#[cfg(test)]
mod tests {
    use super::super::float::{D, S};
    use super::*;

    fn s(x: f32) -> u64 {
        u64::from(x.to_bits())
    }

    #[test]
    fn tables_match_the_pseudocode_ranges() {
        assert_eq!(recip_estimate(256), 511);
        assert_eq!(recip_estimate(511), 256);
        assert_eq!(recip_sqrt_estimate(128), 511);
        assert_eq!(recip_sqrt_estimate(511), 256);
        for a in 256..512 {
            assert!((256..512).contains(&recip_estimate(a)));
        }
        for a in 128..512 {
            assert!((256..512).contains(&recip_sqrt_estimate(a)));
        }
    }

    /// `RecipSqrtEstimate` as the pseudocode writes it, counting up.
    fn recip_sqrt_counting(a: u32) -> u32 {
        let a = if a < 256 {
            a * 2 + 1
        } else {
            (((a >> 1) << 1) + 1) * 2
        };
        let a = u64::from(a);
        let mut b = 512u64;
        while a * (b + 1) * (b + 1) < 1 << 28 {
            b += 1;
        }
        b.div_ceil(2) as u32
    }

    #[test]
    fn tables_hold_the_pseudocode_estimates() {
        for a in 128..512 {
            assert_eq!(recip_sqrt_estimate(a), recip_sqrt_counting(a), "a = {a}");
            assert_eq!(
                u32::from(URSQRT_EST[a as usize]),
                recip_sqrt_counting(a) & 0xff
            );
        }
        for i in 0..256u32 {
            assert_eq!(
                u32::from(RECIP_EST[i as usize]) | 256,
                recip_estimate(256 + i)
            );
            assert_eq!(
                u32::from(RSQRT_EST[i as usize]),
                recip_sqrt_counting(256 | i) & 0xff
            );
            let odd = u32::from(RSQRT_EST[256 + i as usize]);
            assert_eq!(odd, recip_sqrt_counting(128 | i >> 1) & 0xff);
        }
    }

    #[test]
    fn estimates() {
        let mut env = Env::new(0);
        assert_eq!(recip(&mut env, S, s(2.0)), 0x3eff_8000 /* 511/1024 */);
        assert_eq!(recip(&mut env, S, s(1.0)), 0x3f7f_8000 /* 511/512 */);
        assert_eq!(rsqrt(&mut env, S, s(4.0)), 0x3eff_8000 /* 511/1024 */);
        assert_eq!(rsqrt(&mut env, S, s(1.0)), 0x3f7f_8000 /* 511/512 */);
        assert_eq!(env.flags, 0);
        assert_eq!(recip(&mut env, D, 0), f64::INFINITY.to_bits());
        assert_eq!(env.flags, fpsr::DZC);
        let mut env = Env::new(0);
        assert_eq!(rsqrt(&mut env, S, s(-1.0)), S.default_nan());
        assert_eq!(env.flags, fpsr::IOC);
        // Smallest denormal: overflow.
        let mut env = Env::new(3 << 22);
        assert_eq!(recip(&mut env, S, 1), S.max_normal(false));
        assert_eq!(env.flags, fpsr::OFC | fpsr::IXC);
        assert_eq!(urecip(0x8000_0000), 0xff80_0000);
        assert_eq!(urecip(0x7fff_ffff), u32::MAX);
        assert_eq!(ursqrt(0x4000_0000), 0xff80_0000);
        let mut env = Env::new(0);
        assert_eq!(recpx(&mut env, S, s(3.0)), s(1.0));
        assert_eq!(recpx(&mut env, S, s(1.0)), s(2.0));
        assert_eq!(recpx(&mut env, S, 1), 0x7f00_0000);
        assert_eq!(recpx(&mut env, S, s(-0.0)), 0xff00_0000);
    }
}
