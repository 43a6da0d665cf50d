//! Half-precision arithmetic (FEAT_FP16): `FPAdd`, `FPMul`, `FPDiv`,
//! `FPSqrt` and `FPMulAdd` of the Arm ARM for N = 16 on operands that are
//! already unpacked (FPCR.FZ16 applied) and not NaNs. Each computes the
//! exact result (or a quotient/root with a sticky bit) in integers and
//! rounds it once with [`Env::round`], so results and exceptions are those
//! of the pseudocode's `FPRound` under the FPCR rounding mode and FZ16.
//!
//! A fast path covers the common case, normal operands and a normal result
//! under round-to-nearest-even ([`fast`]): the host's double precision
//! computes the sum, product and fused product-sum of normal halves exactly
//! (the fused one checked by an error-free transformation), and the
//! quotient and root correctly rounded to 53 bits, from which one more
//! rounding to 11 bits is the correctly rounded half (53 >= 2 * 11 + 2,
//! and such a quotient or root is never within 2^-53 of a half without
//! being one); anything else takes the exact integer path.

use super::float::{fpsr, Class, Env, Rounding, H};

/// A finite half as `(sign, m, e)` with value `m * 2^e` (`m` = 0 for zero).
fn parts(x: u64) -> (bool, u128, i32) {
    match H.class(x) {
        Class::Zero => (H.sign(x), 0, 0),
        _ => H.decompose(x),
    }
}

/// `FPRound` of the exact `(-1)^sign * m * 2^e`; an exact zero takes the
/// sign the rounding mode gives (negative only when rounding to -inf).
fn round(env: &mut Env, sign: bool, m: u128, e: i32) -> u64 {
    let mode = env.fpcr.rounding();
    if m == 0 {
        return H.zero(mode == Rounding::NegInf);
    }
    let flush = env.flushes(H);
    env.round(H, sign, m, e, mode, flush)
}

fn invalid(env: &mut Env) -> u64 {
    env.raise(fpsr::IOC);
    H.default_nan()
}

/// Exact signed sum of `(sa, ma, ea)` and `(sb, mb, eb)` as a sign,
/// magnitude and exponent (both magnitudes are below 2^23 and the
/// exponents within 60 of each other, so the aligned sum fits in i128).
fn sum(a: (bool, u128, i32), b: (bool, u128, i32)) -> (bool, u128, i32) {
    let e = a.2.min(b.2);
    let val = |(s, m, x): (bool, u128, i32)| {
        let v = (m << (x - e) as u32) as i128;
        if s {
            -v
        } else {
            v
        }
    };
    let r = val(a) + val(b);
    (r < 0, r.unsigned_abs(), e)
}

/// The fast path (see the module documentation).
mod fast {
    use super::super::float::{fpsr, Env, Rounding};

    /// A normal half (exponent field 1..=30) as the double of that value.
    pub fn normal(x: u64) -> Option<f64> {
        let e = x >> 10 & 31;
        if e == 0 || e == 31 {
            return None;
        }
        Some(f64::from_bits(
            (x & 0x8000) << 48 | (e + 1008) << 52 | (x & 0x3ff) << 42,
        ))
    }

    /// Rounds `r` (the exact or correctly rounded double result) to half,
    /// ties to even, when FPCR selects that mode and the result is a
    /// normal half; raises IXC when inexact.
    pub fn round(env: &mut Env, r: f64) -> Option<u64> {
        if env.fpcr.rounding() != Rounding::TieEven {
            return None;
        }
        let b = r.to_bits();
        let e = (b >> 52 & 0x7ff) as i64 - 1023;
        if !(-14..=15).contains(&e) {
            return None;
        }
        let frac = b & ((1 << 52) - 1);
        let (keep, rest) = (frac >> 42, frac & ((1 << 42) - 1));
        let tie = 1 << 41;
        let up = rest > tie || (rest == tie && keep & 1 == 1);
        let enc = (((e + 15) as u64) << 10) + keep + u64::from(up);
        if enc >= 0x7c00 {
            return None;
        }
        if rest != 0 {
            env.raise(fpsr::IXC);
        }
        Some(enc | (b >> 48 & 0x8000))
    }

    /// `c + a * b` when it is exact in double precision and not zero.
    pub fn fused(a: f64, b: f64, c: f64) -> Option<f64> {
        let p = a * b;
        let s = p + c;
        // TwoSum: the rounding error of p + c.
        let bb = s - p;
        let err = (p - (s - bb)) + (c - bb);
        (err == 0.0 && s != 0.0).then_some(s)
    }
}

/// The fast path of [`add`] on raw operands (callable before unpacking:
/// it applies only to normal operands, which no FPCR mode changes).
pub fn try_add(env: &mut Env, a: u64, b: u64) -> Option<u64> {
    let s = fast::normal(a)? + fast::normal(b)?;
    if s == 0.0 {
        return None;
    }
    fast::round(env, s)
}

/// The fast path of [`mul`] on raw operands.
pub fn try_mul(env: &mut Env, a: u64, b: u64) -> Option<u64> {
    fast::round(env, fast::normal(a)? * fast::normal(b)?)
}

/// The fast path of [`div`] on raw operands.
pub fn try_div(env: &mut Env, a: u64, b: u64) -> Option<u64> {
    fast::round(env, fast::normal(a)? / fast::normal(b)?)
}

/// `FPAdd` (FSUB negates `b` before calling this).
pub fn add(env: &mut Env, a: u64, b: u64) -> u64 {
    if let Some(r) = try_add(env, a, b) {
        return r;
    }
    let (ca, cb) = (H.class(a), H.class(b));
    let (sa, sb) = (H.sign(a), H.sign(b));
    match (ca, cb) {
        (Class::Inf, Class::Inf) if sa != sb => invalid(env),
        (Class::Inf, _) => H.inf(sa),
        (_, Class::Inf) => H.inf(sb),
        (Class::Zero, Class::Zero) if sa == sb => H.zero(sa),
        _ => {
            let (s, m, e) = sum(parts(a), parts(b));
            round(env, s, m, e)
        }
    }
}

/// `FPMul`.
pub fn mul(env: &mut Env, a: u64, b: u64) -> u64 {
    if let Some(r) = try_mul(env, a, b) {
        return r;
    }
    let (ca, cb) = (H.class(a), H.class(b));
    let sign = H.sign(a) != H.sign(b);
    match (ca, cb) {
        (Class::Inf, Class::Zero) | (Class::Zero, Class::Inf) => invalid(env),
        (Class::Inf, _) | (_, Class::Inf) => H.inf(sign),
        (Class::Zero, _) | (_, Class::Zero) => H.zero(sign),
        _ => {
            let (_, ma, ea) = H.decompose(a);
            let (_, mb, eb) = H.decompose(b);
            round(env, sign, ma * mb, ea + eb)
        }
    }
}

/// `FPDiv`.
pub fn div(env: &mut Env, a: u64, b: u64) -> u64 {
    if let Some(r) = try_div(env, a, b) {
        return r;
    }
    let (ca, cb) = (H.class(a), H.class(b));
    let sign = H.sign(a) != H.sign(b);
    match (ca, cb) {
        (Class::Inf, Class::Inf) | (Class::Zero, Class::Zero) => invalid(env),
        (Class::Inf, _) => H.inf(sign),
        (_, Class::Zero) => {
            env.raise(fpsr::DZC);
            H.inf(sign)
        }
        (Class::Zero, _) | (_, Class::Inf) => H.zero(sign),
        _ => {
            let (_, ma, ea) = H.decompose(a);
            let (_, mb, eb) = H.decompose(b);
            // At least 53 quotient bits, and a sticky bit below them.
            let num = ma << 64;
            let (q, r) = (num / mb, num % mb);
            round(env, sign, q << 1 | u128::from(r != 0), ea - eb - 65)
        }
    }
}

/// `FPSqrt`.
pub fn sqrt(env: &mut Env, a: u64) -> u64 {
    if let Some(x) = fast::normal(a).filter(|x| *x > 0.0) {
        if let Some(r) = fast::round(env, x.sqrt()) {
            return r;
        }
    }
    let sign = H.sign(a);
    match H.class(a) {
        Class::Zero => a,
        _ if sign => invalid(env),
        Class::Inf => a,
        _ => {
            let (_, mut m, mut e) = H.decompose(a);
            if e & 1 != 0 {
                m <<= 1;
                e -= 1;
            }
            // m < 2^12: m * 2^80 < 2^92, its root has about 46 bits.
            let big = m << 80;
            let r = big.isqrt();
            let sticky = u128::from(r * r != big);
            round(env, false, r << 1 | sticky, (e - 80) / 2 - 1)
        }
    }
}

/// The fast path of [`mul_add`] on raw operands: normal operands, or a
/// finite zero product with a normal addend, or a zero addend with normal
/// operands (no NaN can be among them).
pub fn try_mul_add(env: &mut Env, addend: u64, op1: u64, op2: u64) -> Option<u64> {
    let (c, a, b) = (fast::normal(addend), fast::normal(op1), fast::normal(op2));
    let zero = |x: u64| x & 0x7fff == 0;
    let finite = |x: u64| x & 0x7c00 != 0x7c00;
    match (c, a, b) {
        (Some(c), Some(a), Some(b)) => {
            if let Some(r) = fast::fused(a, b, c).and_then(|s| fast::round(env, s)) {
                return Some(r);
            }
        }
        // A zero product leaves a nonzero addend exact.
        (Some(_), _, _) if (zero(op1) || zero(op2)) && finite(op1) && finite(op2) => {
            return Some(addend);
        }
        // A zero addend: the (nonzero) product rounded once.
        (None, Some(a), Some(b)) if zero(addend) => {
            if let Some(r) = fast::round(env, a * b) {
                return Some(r);
            }
        }
        _ => {}
    }
    None
}

/// `FPMulAdd(addend, op1, op2)`: `addend + op1 * op2` rounded once.
pub fn mul_add(env: &mut Env, addend: u64, op1: u64, op2: u64) -> u64 {
    if let Some(r) = try_mul_add(env, addend, op1, op2) {
        return r;
    }
    let (ca, c1, c2) = (H.class(addend), H.class(op1), H.class(op2));
    let sa = H.sign(addend);
    let sp = H.sign(op1) != H.sign(op2);
    let inf_p = c1 == Class::Inf || c2 == Class::Inf;
    let zero_p = c1 == Class::Zero || c2 == Class::Zero;
    let inf_a = ca == Class::Inf;
    if (c1 == Class::Inf && c2 == Class::Zero)
        || (c1 == Class::Zero && c2 == Class::Inf)
        || (inf_a && inf_p && sa != sp)
    {
        return invalid(env);
    }
    if inf_a {
        return H.inf(sa);
    }
    if inf_p {
        return H.inf(sp);
    }
    if ca == Class::Zero && zero_p && sa == sp {
        return H.zero(sa);
    }
    let product = if zero_p {
        (sp, 0, 0)
    } else {
        let (_, m1, e1) = H.decompose(op1);
        let (_, m2, e2) = H.decompose(op2);
        (sp, m1 * m2, e1 + e2)
    };
    let (s, m, e) = sum(parts(addend), product);
    round(env, s, m, e)
}

#[cfg(test)]
mod tests {
    use super::super::float::Fpcr;
    use super::*;

    /// (result, flags) of `f` in a fresh round-to-nearest environment.
    fn run(f: impl Fn(&mut Env) -> u64) -> (u64, u32) {
        let mut env = Env::new(0);
        let r = f(&mut env);
        (r, env.flags)
    }

    /// `FPRound` of the exact `(-1)^s * m * 2^e` (zero: +0), ties to even.
    fn exact(s: bool, m: u128, e: i32) -> (u64, u32) {
        run(|env| {
            if m == 0 {
                H.zero(false)
            } else {
                env.round(H, s, m, e, Rounding::TieEven, false)
            }
        })
    }

    #[test]
    fn fast_path_agrees_with_exact_rounding() {
        // Pairs from a spread of normal halves of both signs: the results
        // and flags (fast path where it applies) equal those of rounding
        // the exact value once.
        let xs: Vec<u64> = (0x0400..0x7c00)
            .step_by(89)
            .flat_map(|x| [x, x | 0x8000])
            .collect();
        for (i, &a) in xs.iter().enumerate() {
            let (sa, ma, ea) = H.decompose(a);
            if !sa {
                let (mut m, mut e) = (ma, ea);
                if e & 1 != 0 {
                    m <<= 1;
                    e -= 1;
                }
                let big = m << 80;
                let r = big.isqrt();
                let want = exact(false, r << 1 | u128::from(r * r != big), (e - 80) / 2 - 1);
                assert_eq!(run(|env| sqrt(env, a)), want, "sqrt {a:#x}");
            }
            for &b in xs.iter().skip(i % 5).step_by(5) {
                let (sb, mb, eb) = H.decompose(b);
                let (s, m, e) = sum((sa, ma, ea), (sb, mb, eb));
                assert_eq!(run(|env| add(env, a, b)), exact(s, m, e), "{a:#x}+{b:#x}");
                let want = exact(sa != sb, ma * mb, ea + eb);
                assert_eq!(run(|env| mul(env, a, b)), want, "{a:#x}*{b:#x}");
                let num = ma << 64;
                let (q, r) = (num / mb, num % mb);
                let want = exact(sa != sb, q << 1 | u128::from(r != 0), ea - eb - 65);
                assert_eq!(run(|env| div(env, a, b)), want, "{a:#x}/{b:#x}");
                // c + a * b with c = the next element: often cancelling.
                let c = xs[(i + 1) % xs.len()] ^ 0x8000;
                let (s, m, e) = sum(parts(c), (sa != sb, ma * mb, ea + eb));
                let want = exact(s, m, e);
                assert_eq!(
                    run(|env| mul_add(env, c, a, b)),
                    want,
                    "{c:#x}+{a:#x}*{b:#x}"
                );
                // Zero addend; zero operand.
                let want = exact(sa != sb, ma * mb, ea + eb);
                assert_eq!(
                    run(|env| mul_add(env, 0x8000, a, b)),
                    want,
                    "-0+{a:#x}*{b:#x}"
                );
                assert_eq!(
                    run(|env| mul_add(env, b, a, 0x8000)),
                    (b, 0),
                    "{b:#x}+{a:#x}*-0"
                );
                assert_eq!(
                    run(|env| mul_add(env, b, 0, 1)),
                    (b, 0),
                    "{b:#x}+0*denormal"
                );
            }
        }
    }

    #[test]
    fn exact_and_rounded() {
        let mut env = Env::new(0);
        // 1 + 1 = 2; 1 / 3 = 0x3555 (0.33325); sqrt(2) = 0x3DA8.
        assert_eq!(add(&mut env, 0x3C00, 0x3C00), 0x4000);
        assert_eq!(env.flags, 0);
        assert_eq!(div(&mut env, 0x3C00, 0x4200), 0x3555);
        assert_eq!(sqrt(&mut env, 0x4000), 0x3DA8);
        assert_eq!(env.flags, fpsr::IXC);
        // 65504 + 16 rounds to infinity (ties to even at the boundary).
        let mut env = Env::new(0);
        assert_eq!(add(&mut env, 0x7BFF, 0x4C00), 0x7C00);
        assert_eq!(env.flags, fpsr::OFC | fpsr::IXC);
        // x - x is +0, or -0 when rounding to -inf.
        let mut env = Env::new(2 << Fpcr::RMODE_SHIFT);
        assert_eq!(add(&mut env, 0x3C00, 0xBC00), 0x8000);
        assert_eq!(mul(&mut env, 0x8000, 0x3C00), 0x8000);
    }

    #[test]
    fn fused_rounds_once() {
        // (1 + 2^-10) * (1 - 2^-10) - 1 = -2^-20 exactly, a denormal
        // (16 * 2^-24); a separate multiply would round the product to 1
        // and give 0.
        let mut env = Env::new(0);
        let r = mul_add(&mut env, 0xBC00, 0x3C01, 0x3BFE);
        assert_eq!(r, 0x8010);
        assert_eq!(env.flags, 0);
    }

    #[test]
    fn flush_to_zero_16() {
        // The smallest normal halved: denormal, flushed under FZ16 with UFC.
        let mut env = Env::new(Fpcr::FZ16);
        assert_eq!(mul(&mut env, 0x0400, 0x3800), 0);
        assert_eq!(env.flags, fpsr::UFC);
        let mut env = Env::new(0);
        assert_eq!(mul(&mut env, 0x0400, 0x3800), 0x0200);
        assert_eq!(env.flags, 0);
        // Division by zero.
        let mut env = Env::new(0);
        assert_eq!(div(&mut env, 0xBC00, 0), 0xFC00);
        assert_eq!(env.flags, fpsr::DZC);
    }
}
