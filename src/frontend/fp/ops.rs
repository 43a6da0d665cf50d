//! Semantics of the scalar floating-point data-processing instructions, on
//! raw register bits, after the Arm ARM pseudocode (`FPAdd`, `FPMulAdd`,
//! `FPMax`, `FPCompare`, `FPRoundInt`, ...). Single and double precision
//! run on the host's SSE unit ([`host`]); half precision in exact integer
//! arithmetic ([`half`]).

use super::float::{fpsr, Class, Env, Fmt, Fpcr, Rounding, H, S};
use super::half;
use super::host::{self, Op2};

/// Two-operand arithmetic.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    /// FNMUL: the negated rounded product.
    NMul,
    Max,
    Min,
    MaxNum,
    MinNum,
}

impl Arith {
    /// The operation selected by the `opcode` field of "Floating-point
    /// data-processing (2 source)".
    pub const BY_OPCODE: [Arith; 9] = [
        Arith::Mul,
        Arith::Div,
        Arith::Add,
        Arith::Sub,
        Arith::Max,
        Arith::Min,
        Arith::MaxNum,
        Arith::MinNum,
        Arith::NMul,
    ];
}

/// Runs `compute` (a host operation under a given MXCSR) in the guest's
/// environment and converts its result to the architecture's: an invalid
/// operation yields the (positive) default NaN rather than the host's
/// negative one, and underflow is detected before rounding (the host
/// detects it after rounding, so a result that rounds up to the smallest
/// normal number is checked again by truncating).
fn host(env: &mut Env, f: Fmt, compute: impl Fn(u32) -> (u64, u32)) -> u64 {
    let csr = if env.fpcr.rounding() == Rounding::TieEven && !env.fpcr.fz() {
        host::STICKY
    } else {
        host::mxcsr_for(env.fpcr)
    };
    let (mut r, st) = compute(csr);
    let mut flags = host::fpsr_from_mxcsr(st, env.flushes(f));
    let min_normal = 1u64 << f.fbits;
    if f.class(r).is_nan() {
        r = f.default_nan();
    } else if r & !f.sign_bit() == min_normal && flags & fpsr::IXC != 0 {
        // Truncation stays below the smallest normal exactly when the
        // unrounded result does.
        let (t, _) = compute(host::mxcsr_for(Fpcr(0b11 << Fpcr::RMODE_SHIFT)));
        if t & !f.sign_bit() < min_normal {
            if env.flushes(f) {
                r = f.zero(f.sign(r));
                flags = fpsr::UFC;
            } else {
                flags |= fpsr::UFC;
            }
        }
    }
    env.raise(flags);
    r
}

fn host_op2(env: &mut Env, f: Fmt, op: Op2, a: u64, b: u64) -> u64 {
    host(env, f, |csr| {
        if f == S {
            let (r, st) = host::op2_s(op, f32::from_bits(a as u32), f32::from_bits(b as u32), csr);
            (r.to_bits() as u64, st)
        } else {
            let (r, st) = host::op2_d(op, f64::from_bits(a), f64::from_bits(b), csr);
            (r.to_bits(), st)
        }
    })
}

/// FADD, FSUB, FMUL, FDIV, FNMUL, FMAX, FMIN, FMAXNM, FMINNM.
pub fn arith(env: &mut Env, f: Fmt, op: Arith, a: u64, b: u64) -> u64 {
    if f == H {
        let fast = match op {
            Arith::Add => half::try_add(env, a, b),
            Arith::Sub => half::try_add(env, a, b ^ H.sign_bit()),
            Arith::Mul => half::try_mul(env, a, b),
            Arith::Div => half::try_div(env, a, b),
            Arith::NMul => half::try_mul(env, a, b).map(|r| r ^ H.sign_bit()),
            _ => None,
        };
        if let Some(r) = fast {
            return r;
        }
    }
    if matches!(op, Arith::MaxNum | Arith::MinNum) {
        // A single quiet NaN is replaced by the infinity that loses.
        let (ca, cb) = (f.class(a), f.class(b));
        let loser = f.inf(op == Arith::MaxNum);
        let (a, b) = match (ca == Class::QNaN, cb == Class::QNaN) {
            (true, false) => (loser, b),
            (false, true) => (a, loser),
            _ => (a, b),
        };
        let op = if op == Arith::MaxNum {
            Arith::Max
        } else {
            Arith::Min
        };
        return arith(env, f, op, a, b);
    }
    let (ca, a) = env.unpack(f, a);
    let (cb, b) = env.unpack(f, b);
    if let Some(n) = env.process_nans(f, &[(ca, a), (cb, b)]) {
        return if op == Arith::NMul {
            n ^ f.sign_bit()
        } else {
            n
        };
    }
    if f == H {
        match op {
            Arith::Add => return half::add(env, a, b),
            Arith::Sub => return half::add(env, a, b ^ H.sign_bit()),
            Arith::Mul => return half::mul(env, a, b),
            Arith::Div => return half::div(env, a, b),
            Arith::NMul => return half::mul(env, a, b) ^ H.sign_bit(),
            _ => {}
        }
    }
    match op {
        Arith::Add => host_op2(env, f, Op2::Add, a, b),
        Arith::Sub => host_op2(env, f, Op2::Sub, a, b),
        Arith::Mul => host_op2(env, f, Op2::Mul, a, b),
        Arith::Div => host_op2(env, f, Op2::Div, a, b),
        Arith::NMul => host_op2(env, f, Op2::Mul, a, b) ^ f.sign_bit(),
        Arith::Max | Arith::Min => {
            let (va, vb) = (f.to_f64(a), f.to_f64(b));
            if ca == Class::Zero && cb == Class::Zero {
                // Signed zeros: max is -0 only if both are, min +0 only if both are.
                let sign = if op == Arith::Max {
                    f.sign(a) && f.sign(b)
                } else {
                    f.sign(a) || f.sign(b)
                };
                f.zero(sign)
            } else if (va > vb) == (op == Arith::Max) {
                a
            } else {
                b
            }
        }
        Arith::MaxNum | Arith::MinNum => unreachable!("handled above"),
    }
}

/// FSQRT.
pub fn sqrt(env: &mut Env, f: Fmt, a: u64) -> u64 {
    let (c, a) = env.unpack(f, a);
    if c.is_nan() {
        return env.process_nan(f, c, a);
    }
    if f == H {
        return half::sqrt(env, a);
    }
    host(env, f, |csr| {
        if f == S {
            let (r, st) = host::sqrt_s(f32::from_bits(a as u32), csr);
            (r.to_bits() as u64, st)
        } else {
            let (r, st) = host::sqrt_d(f64::from_bits(a), csr);
            (r.to_bits(), st)
        }
    })
}

/// `FPMulAdd(addend, op1, op2)`: `addend + op1 * op2` rounded once
/// (FMADD; FMSUB, FNMADD and FNMSUB negate operands first).
pub fn mul_add(env: &mut Env, f: Fmt, addend: u64, op1: u64, op2: u64) -> u64 {
    if f == H {
        if let Some(r) = half::try_mul_add(env, addend, op1, op2) {
            return r;
        }
    }
    let (ca, addend) = env.unpack(f, addend);
    let (c1, op1) = env.unpack(f, op1);
    let (c2, op2) = env.unpack(f, op2);
    let inf_times_zero =
        (c1 == Class::Inf && c2 == Class::Zero) || (c1 == Class::Zero && c2 == Class::Inf);
    let nan = env.process_nans(f, &[(ca, addend), (c1, op1), (c2, op2)]);
    if ca == Class::QNaN && inf_times_zero {
        env.raise(fpsr::IOC);
        return f.default_nan();
    }
    if let Some(n) = nan {
        return n;
    }
    if f == H {
        return half::mul_add(env, addend, op1, op2);
    }
    host(env, f, |csr| {
        if f == S {
            let p = |x: u64| f32::from_bits(x as u32);
            let (r, st) = host::fma_s(p(op1), p(op2), p(addend), csr);
            (r.to_bits() as u64, st)
        } else {
            let p = f64::from_bits;
            let (r, st) = host::fma_d(p(op1), p(op2), p(addend), csr);
            (r.to_bits(), st)
        }
    })
}

/// `FPCompare`: NZCV (in bits 31..28) of comparing `a` with `b`. `signal`
/// (FCMPE) raises IOC for quiet NaNs too.
pub fn compare(env: &mut Env, f: Fmt, a: u64, b: u64, signal: bool) -> u64 {
    let (ca, a) = env.unpack(f, a);
    let (cb, b) = env.unpack(f, b);
    let nzcv = if ca.is_nan() || cb.is_nan() {
        if signal || ca == Class::SNaN || cb == Class::SNaN {
            env.raise(fpsr::IOC);
        }
        0b0011
    } else {
        let (va, vb) = (f.to_f64(a), f.to_f64(b));
        if va == vb {
            0b0110
        } else if va < vb {
            0b1000
        } else {
            0b0010
        }
    };
    nzcv << 28
}

/// `FPRoundInt` (FRINTN/P/M/Z/A/I/X): rounds to an integral value in the
/// same format; `exact` (FRINTX) raises IXC when the value changes.
pub fn round_int(env: &mut Env, f: Fmt, a: u64, mode: Rounding, exact: bool) -> u64 {
    let (c, a) = env.unpack(f, a);
    match c {
        Class::QNaN | Class::SNaN => return env.process_nan(f, c, a),
        Class::Inf | Class::Zero => return a,
        _ => {}
    }
    let x = f.to_f64(a);
    let r = round_f64(x, mode);
    if exact && r != x {
        env.raise(fpsr::IXC);
    }
    // An integral value of a format with no more than 53 significant bits
    // is exactly representable in it.
    f.encode_exact(r)
}

/// Rounds `x` to an integral value (zero keeps the sign of `x`).
pub fn round_f64(x: f64, mode: Rounding) -> f64 {
    match mode {
        Rounding::TieEven => x.round_ties_even(),
        Rounding::TieAway => x.round(),
        Rounding::PosInf => x.ceil(),
        Rounding::NegInf => x.floor(),
        Rounding::Zero => x.trunc(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::float::D;
    use super::*;

    fn d(x: f64) -> u64 {
        x.to_bits()
    }

    #[test]
    fn add_nan_propagation_prefers_signalling() {
        let q = 0x7FF8_0000_0000_0001;
        let s = 0x7FF0_0000_0000_0002;
        let mut env = Env::new(0);
        assert_eq!(arith(&mut env, D, Arith::Add, q, s), s | D.quiet_bit());
        assert_eq!(env.flags, fpsr::IOC);
        let mut env = Env::new(0);
        assert_eq!(arith(&mut env, D, Arith::Add, d(1.0), q), q);
        assert_eq!(env.flags, 0);
    }

    #[test]
    fn invalid_gives_positive_default_nan() {
        let mut env = Env::new(0);
        let r = arith(&mut env, D, Arith::Sub, d(f64::INFINITY), d(f64::INFINITY));
        assert_eq!(r, 0x7FF8_0000_0000_0000);
        assert_eq!(env.flags, fpsr::IOC);
    }

    #[test]
    fn max_min_signed_zero_and_nm() {
        let mut env = Env::new(0);
        assert_eq!(arith(&mut env, D, Arith::Max, d(-0.0), d(0.0)), d(0.0));
        assert_eq!(arith(&mut env, D, Arith::Min, d(0.0), d(-0.0)), d(-0.0));
        let q = D.default_nan();
        assert_eq!(arith(&mut env, D, Arith::MaxNum, q, d(-3.0)), d(-3.0));
        assert_eq!(arith(&mut env, D, Arith::Max, q, d(-3.0)), q);
        assert_eq!(env.flags, 0);
    }

    #[test]
    fn flush_to_zero() {
        let m = f64::MIN_POSITIVE;
        // An exact subnormal difference is flushed, raising UFC only.
        let mut env = Env::new(Fpcr::FZ);
        assert_eq!(arith(&mut env, D, Arith::Sub, d(1.5 * m), d(m)), 0);
        assert_eq!(env.flags, fpsr::UFC);
        // A denormal input is read as zero, raising IDC.
        let mut env = Env::new(Fpcr::FZ);
        assert_eq!(arith(&mut env, D, Arith::Add, d(m / 2.0), d(-0.0)), d(0.0));
        assert_eq!(env.flags, fpsr::IDC);
    }

    #[test]
    fn frint_modes() {
        let mut env = Env::new(0);
        let r = |env: &mut Env, x: f64, m| f64::from_bits(round_int(env, D, d(x), m, false));
        assert_eq!(r(&mut env, 2.5, Rounding::TieEven), 2.0);
        assert_eq!(r(&mut env, 2.5, Rounding::TieAway), 3.0);
        assert_eq!(r(&mut env, -2.5, Rounding::TieAway), -3.0);
        assert_eq!(r(&mut env, -0.5, Rounding::PosInf).to_bits(), d(-0.0));
        assert_eq!(env.flags, 0);
        round_int(&mut env, D, d(1.25), Rounding::Zero, true);
        assert_eq!(env.flags, fpsr::IXC);
    }
}
