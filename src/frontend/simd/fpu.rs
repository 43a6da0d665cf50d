//! Floating-point element operations with Arm semantics (NaN propagation,
//! default NaN, signed-zero max/min, saturating conversions), on raw bits of
//! single (`es == 32`) or double (`es == 64`) precision elements.
//!
//! Single-precision arithmetic is computed in double precision and rounded
//! once: for +, -, *, / and square root that gives the correctly rounded
//! single result. Rounding follows round-to-nearest-even except where an
//! instruction names its own mode; FPSR exception flags are not yet
//! accumulated.

/// FPCR.DN: produce the default NaN instead of propagating.
const FPCR_DN: u64 = 1 << 25;

/// Rounding modes for conversions and round-to-integral.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rnd {
    /// To nearest, ties to even.
    Nearest,
    /// Towards +infinity.
    Plus,
    /// Towards -infinity.
    Minus,
    /// Towards zero.
    Zero,
    /// To nearest, ties away from zero.
    Away,
}

impl Rnd {
    /// The mode selected by FPCR.RMode (bits 23..22).
    pub fn from_fpcr(fpcr: u64) -> Rnd {
        match fpcr >> 22 & 3 {
            0 => Rnd::Nearest,
            1 => Rnd::Plus,
            2 => Rnd::Minus,
            _ => Rnd::Zero,
        }
    }

    /// Rounds `x` to an integral value.
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Rnd::Nearest => x.round_ties_even(),
            Rnd::Plus => x.ceil(),
            Rnd::Minus => x.floor(),
            Rnd::Zero => x.trunc(),
            Rnd::Away => x.round(),
        }
    }
}

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
    /// (3 - a * b) / 2 (reciprocal square root step, fused).
    Rsqrts,
}

fn to_f(x: u64, es: u32) -> f64 {
    if es == 32 {
        f32::from_bits(x as u32) as f64
    } else {
        f64::from_bits(x)
    }
}

fn from_f(x: f64, es: u32) -> u64 {
    if x.is_nan() {
        return default_nan(es);
    }
    if es == 32 {
        (x as f32).to_bits() as u64
    } else {
        x.to_bits()
    }
}

/// The default NaN (positive, quiet, zero payload).
pub fn default_nan(es: u32) -> u64 {
    if es == 32 {
        0x7fc0_0000
    } else {
        0x7ff8_0000_0000_0000
    }
}

fn sign_bit(es: u32) -> u64 {
    1u64 << (es - 1)
}

fn quiet_bit(es: u32) -> u64 {
    if es == 32 {
        1 << 22
    } else {
        1 << 51
    }
}

pub fn is_nan(x: u64, es: u32) -> bool {
    to_f(x, es).is_nan()
}

fn is_snan(x: u64, es: u32) -> bool {
    is_nan(x, es) && x & quiet_bit(es) == 0
}

fn is_zero(x: u64, es: u32) -> bool {
    x & !sign_bit(es) == 0
}

/// Arm `FPProcessNaNs`: the NaN result for operands `ops` if any is a NaN.
fn process_nans(fpcr: u64, es: u32, ops: &[u64]) -> Option<u64> {
    let pick = ops
        .iter()
        .find(|&&x| is_snan(x, es))
        .or_else(|| ops.iter().find(|&&x| is_nan(x, es)))?;
    Some(if fpcr & FPCR_DN != 0 {
        default_nan(es)
    } else {
        pick | quiet_bit(es)
    })
}

/// Arm `FPProcessNaN` for one operand.
pub fn process_nan1(fpcr: u64, es: u32, a: u64) -> Option<u64> {
    process_nans(fpcr, es, &[a])
}

/// Two-operand arithmetic on elements `a`, `b`.
pub fn bin(fpcr: u64, es: u32, op: FBin, a: u64, b: u64) -> u64 {
    let (sa, sb) = (is_snan(a, es), is_snan(b, es));
    let (qa, qb) = (is_nan(a, es) && !sa, is_nan(b, es) && !sb);
    if matches!(op, FBin::MaxNm | FBin::MinNm) && !sa && !sb {
        // A quiet NaN loses against a number.
        if qa && !qb {
            return bin(fpcr, es, op, b, b);
        }
        if qb && !qa {
            return bin(fpcr, es, op, a, a);
        }
    }
    if let Some(n) = process_nans(fpcr, es, &[a, b]) {
        return n;
    }
    let (x, y) = (to_f(a, es), to_f(b, es));
    let inf_zero = (x.is_infinite() && y == 0.0) || (x == 0.0 && y.is_infinite());
    let r = match op {
        FBin::Add => x + y,
        FBin::Sub => x - y,
        FBin::Mul => x * y,
        FBin::Div => x / y,
        FBin::Abd => return from_f(x - y, es) & !sign_bit(es),
        FBin::Max | FBin::MaxNm | FBin::Min | FBin::MinNm => {
            let max = matches!(op, FBin::Max | FBin::MaxNm);
            if is_zero(a, es) && is_zero(b, es) {
                // Signed zeros: max prefers +0, min prefers -0.
                let neg = (a | b) & sign_bit(es) != 0;
                let both_neg = (a & b) & sign_bit(es) != 0;
                let s = if max { both_neg } else { neg };
                return if s { sign_bit(es) } else { 0 };
            }
            let pick_a = if max { x > y } else { x < y };
            return if pick_a { a } else { b };
        }
        FBin::Mulx if inf_zero => {
            let neg = (a ^ b) & sign_bit(es) != 0;
            if neg {
                -2.0
            } else {
                2.0
            }
        }
        FBin::Mulx => x * y,
        FBin::Recps if inf_zero => 2.0,
        FBin::Recps => return fma(fpcr, es, from_f(2.0, es), a ^ sign_bit(es), b),
        FBin::Rsqrts if inf_zero => 1.5,
        FBin::Rsqrts => {
            let t = fma(fpcr, es, from_f(3.0, es), a ^ sign_bit(es), b);
            return from_f(to_f(t, es) / 2.0, es);
        }
    };
    from_f(r, es)
}

/// Fused `acc + a * b` with Arm NaN rules (FMLA; FMLS negates `a`).
pub fn fma(fpcr: u64, es: u32, acc: u64, a: u64, b: u64) -> u64 {
    let (x, y) = (to_f(a, es), to_f(b, es));
    let inf_zero = (x.is_infinite() && y == 0.0) || (x == 0.0 && y.is_infinite());
    // A quiet NaN addend with an invalid product gives the default NaN.
    if inf_zero && is_nan(acc, es) && !is_snan(acc, es) && !is_nan(a, es) && !is_nan(b, es) {
        return default_nan(es);
    }
    if let Some(n) = process_nans(fpcr, es, &[acc, a, b]) {
        return n;
    }
    if es == 32 {
        let r =
            f32::from_bits(a as u32).mul_add(f32::from_bits(b as u32), f32::from_bits(acc as u32));
        from_f(r as f64, 32)
    } else {
        from_f(x.mul_add(y, to_f(acc, es)), 64)
    }
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

/// All-ones in `es` bits when the comparison holds, else 0.
pub fn cmp(es: u32, c: FCmp, a: u64, b: u64) -> u64 {
    let (x, y) = (to_f(a, es), to_f(b, es));
    let r = match c {
        FCmp::Eq => x == y,
        FCmp::Ge => x >= y,
        FCmp::Gt => x > y,
        FCmp::AbsGe => x.abs() >= y.abs(),
        FCmp::AbsGt => x.abs() > y.abs(),
    };
    if r {
        super::lanes::mask(es)
    } else {
        0
    }
}

pub fn abs(es: u32, a: u64) -> u64 {
    a & !sign_bit(es)
}

pub fn neg(es: u32, a: u64) -> u64 {
    a ^ sign_bit(es)
}

pub fn sqrt(fpcr: u64, es: u32, a: u64) -> u64 {
    if let Some(n) = process_nan1(fpcr, es, a) {
        return n;
    }
    if is_zero(a, es) {
        return a;
    }
    from_f(to_f(a, es).sqrt(), es)
}

/// Round to integral in floating point (FRINT*).
pub fn round_int(fpcr: u64, es: u32, mode: Rnd, a: u64) -> u64 {
    if let Some(n) = process_nan1(fpcr, es, a) {
        return n;
    }
    let r = mode.apply(to_f(a, es));
    // Keep the sign of a zero result (e.g. -0.3 rounds to -0.0).
    let r = if r == 0.0 && a & sign_bit(es) != 0 {
        -0.0
    } else {
        r
    };
    from_f(r, es)
}

/// Float (times 2^fbits) to a saturated `es`-bit integer (FCVT*S/U).
pub fn to_int(es: u32, mode: Rnd, signed: bool, fbits: u32, a: u64) -> u64 {
    let x = to_f(a, es) * (2f64).powi(fbits as i32);
    let r = mode.apply(x);
    match (signed, es) {
        (true, 32) => r as i32 as u32 as u64,
        (true, _) => r as i64 as u64,
        (false, 32) => r as u32 as u64,
        (false, _) => r as u64,
    }
}

/// Integer (divided by 2^fbits) to float (SCVTF/UCVTF), rounded to nearest.
pub fn from_int(es: u32, signed: bool, fbits: u32, a: u64) -> u64 {
    let scale = (2f64).powi(-(fbits as i32));
    if es == 32 {
        let v = if signed {
            a as u32 as i32 as f32
        } else {
            a as u32 as f32
        };
        ((v as f64 * scale) as f32).to_bits() as u64
    } else {
        let v = if signed { a as i64 as f64 } else { a as f64 };
        (v * scale).to_bits()
    }
}

/// Converts between single and double precision (FCVTL/FCVTN).
pub fn convert(fpcr: u64, from: u32, to: u32, a: u64) -> u64 {
    if is_nan(a, from) {
        if fpcr & FPCR_DN != 0 {
            return default_nan(to);
        }
        let a = a | quiet_bit(from);
        // Keep the sign and the top of the payload.
        let sign = (a >> (from - 1) & 1) << (to - 1);
        let payload = if from == 32 {
            (a & 0x3f_ffff) << 29
        } else {
            (a & ((1 << 51) - 1)) >> 29
        };
        return sign | (default_nan(to) & !sign_bit(to)) | payload;
    }
    from_f(to_f(a, from), to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: f32) -> u64 {
        x.to_bits() as u64
    }

    #[test]
    fn arithmetic_and_nans() {
        assert_eq!(bin(0, 32, FBin::Add, s(1.5), s(2.25)), s(3.75));
        // inf - inf is the positive default NaN.
        assert_eq!(
            bin(0, 32, FBin::Sub, s(f32::INFINITY), s(f32::INFINITY)),
            0x7fc0_0000
        );
        // A signalling NaN operand wins and is quieted.
        assert_eq!(bin(0, 32, FBin::Add, 0x7fc0_0001, 0x7f80_0002), 0x7fc0_0002);
        assert_eq!(bin(0, 32, FBin::Max, s(-0.0), s(0.0)), s(0.0));
        assert_eq!(bin(0, 32, FBin::Min, s(0.0), s(-0.0)), s(-0.0));
        assert_eq!(bin(0, 32, FBin::MaxNm, 0x7fc0_0000, s(1.0)), s(1.0));
        assert_eq!(bin(0, 32, FBin::Mulx, s(0.0), s(-f32::INFINITY)), s(-2.0));
    }

    #[test]
    fn conversions() {
        assert_eq!(
            to_int(32, Rnd::Zero, true, 0, s(-2.7)),
            (-2i32) as u32 as u64
        );
        assert_eq!(to_int(32, Rnd::Zero, true, 0, s(1e20)), 0x7fff_ffff);
        assert_eq!(to_int(32, Rnd::Zero, false, 0, s(-1.0)), 0);
        assert_eq!(to_int(32, Rnd::Nearest, true, 0, s(2.5)), 2);
        assert_eq!(to_int(32, Rnd::Away, true, 0, s(2.5)), 3);
        assert_eq!(to_int(64, Rnd::Zero, true, 0, 0x7ff8_0000_0000_0000), 0);
        assert_eq!(from_int(32, true, 0, 0xffff_fffe), s(-2.0));
        assert_eq!(from_int(32, false, 1, 3), s(1.5));
        assert_eq!(convert(0, 32, 64, s(1.5)), 1.5f64.to_bits());
        assert_eq!(convert(0, 64, 32, 1.5f64.to_bits()), s(1.5));
    }
}
