//! Floating-point formats, FPCR/FPSR fields and the shared pieces of the Arm
//! ARM floating-point pseudocode: `FPUnpack` (with flush-to-zero),
//! `FPProcessNaN(s)` and `FPRound` on an exact value.

/// A binary interchange format: exponent and fraction widths.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Fmt {
    pub ebits: u32,
    pub fbits: u32,
}

/// IEEE half precision.
pub const H: Fmt = Fmt {
    ebits: 5,
    fbits: 10,
};
/// Single precision.
pub const S: Fmt = Fmt {
    ebits: 8,
    fbits: 23,
};
/// Double precision.
pub const D: Fmt = Fmt {
    ebits: 11,
    fbits: 52,
};

impl Fmt {
    /// The format selected by an A64 `ftype` field (00 = S, 01 = D, 11 = H).
    pub fn from_ftype(ftype: u32) -> Option<Fmt> {
        match ftype {
            0 => Some(S),
            1 => Some(D),
            3 => Some(H),
            _ => None,
        }
    }
    /// The `ftype` encoding of this format.
    pub fn ftype(self) -> u32 {
        match self.fbits {
            23 => 0,
            52 => 1,
            _ => 3,
        }
    }
    pub fn width(self) -> u32 {
        1 + self.ebits + self.fbits
    }
    pub fn sign_bit(self) -> u64 {
        1 << (self.width() - 1)
    }
    pub fn frac_mask(self) -> u64 {
        (1 << self.fbits) - 1
    }
    pub fn exp_mask(self) -> u64 {
        ((1 << self.ebits) - 1) << self.fbits
    }
    pub fn quiet_bit(self) -> u64 {
        1 << (self.fbits - 1)
    }
    pub fn bias(self) -> i32 {
        (1 << (self.ebits - 1)) - 1
    }
    /// Exponent of the smallest normal number.
    pub fn emin(self) -> i32 {
        1 - self.bias()
    }
    /// `FPDefaultNaN`: positive, quiet, zero payload.
    pub fn default_nan(self) -> u64 {
        self.exp_mask() | self.quiet_bit()
    }
    pub fn zero(self, sign: bool) -> u64 {
        if sign {
            self.sign_bit()
        } else {
            0
        }
    }
    pub fn inf(self, sign: bool) -> u64 {
        self.zero(sign) | self.exp_mask()
    }
    pub fn max_normal(self, sign: bool) -> u64 {
        self.inf(sign) - 1
    }
    pub fn sign(self, x: u64) -> bool {
        x & self.sign_bit() != 0
    }
    /// Mask of all the bits of the format.
    pub fn mask(self) -> u64 {
        if self.width() == 64 {
            u64::MAX
        } else {
            (1 << self.width()) - 1
        }
    }
    /// Classifies `x` without flushing.
    pub fn class(self, x: u64) -> Class {
        let exp = x & self.exp_mask();
        let frac = x & self.frac_mask();
        if exp == 0 {
            if frac == 0 {
                Class::Zero
            } else {
                Class::Denormal
            }
        } else if exp == self.exp_mask() {
            if frac == 0 {
                Class::Inf
            } else if frac & self.quiet_bit() != 0 {
                Class::QNaN
            } else {
                Class::SNaN
            }
        } else {
            Class::Normal
        }
    }
    /// The finite nonzero `x` as `(sign, m, e)` with value `m * 2^e`.
    pub fn decompose(self, x: u64) -> (bool, u128, i32) {
        let exp = ((x & self.exp_mask()) >> self.fbits) as i32;
        let frac = (x & self.frac_mask()) as u128;
        let (m, e) = if exp == 0 {
            (frac, self.emin())
        } else {
            (frac | 1 << self.fbits, exp - self.bias())
        };
        (self.sign(x), m, e - self.fbits as i32)
    }
    /// The exact value of a non-NaN `x` as an `f64` (exact for H, S and D).
    pub fn to_f64(self, x: u64) -> f64 {
        match self.fbits {
            52 => f64::from_bits(x),
            23 => f64::from(f32::from_bits(x as u32)),
            _ => match self.class(x) {
                Class::Inf => {
                    if self.sign(x) {
                        f64::NEG_INFINITY
                    } else {
                        f64::INFINITY
                    }
                }
                Class::Zero => {
                    if self.sign(x) {
                        -0.0
                    } else {
                        0.0
                    }
                }
                _ => {
                    let (s, m, e) = self.decompose(x);
                    let v = m as f64 * 2f64.powi(e);
                    if s {
                        -v
                    } else {
                        v
                    }
                }
            },
        }
    }
}

impl Fmt {
    /// The bits of `x`, which must be exactly representable in this format
    /// (zeros keep their sign; infinities map to infinities).
    pub fn encode_exact(self, x: f64) -> u64 {
        match self.fbits {
            52 => x.to_bits(),
            23 => u64::from((x as f32).to_bits()),
            _ if x == 0.0 => self.zero(x.is_sign_negative()),
            _ if x.is_infinite() => self.inf(x < 0.0),
            _ => {
                let (s, m, e) = D.decompose(x.to_bits());
                Env::new(0).round(self, s, m, e, Rounding::Zero, false)
            }
        }
    }
}

/// `FPType` of the Arm ARM, with denormals kept apart.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Class {
    Zero,
    Denormal,
    Normal,
    Inf,
    QNaN,
    SNaN,
}

impl Class {
    pub fn is_nan(self) -> bool {
        matches!(self, Class::QNaN | Class::SNaN)
    }
}

/// FPSR cumulative exception bits.
pub mod fpsr {
    /// Invalid operation.
    pub const IOC: u32 = 1 << 0;
    /// Division by zero.
    pub const DZC: u32 = 1 << 1;
    /// Overflow.
    pub const OFC: u32 = 1 << 2;
    /// Underflow.
    pub const UFC: u32 = 1 << 3;
    /// Inexact.
    pub const IXC: u32 = 1 << 4;
    /// Input denormal (flushed to zero).
    pub const IDC: u32 = 1 << 7;
}

/// Rounding modes (`FPRounding`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rounding {
    TieEven,
    PosInf,
    NegInf,
    Zero,
    TieAway,
}

impl Rounding {
    /// The mode encoded by FPCR.RMode (or the `rmode` field of FCVT*/FRINT*).
    pub fn from_rmode(rmode: u32) -> Rounding {
        match rmode & 3 {
            0 => Rounding::TieEven,
            1 => Rounding::PosInf,
            2 => Rounding::NegInf,
            _ => Rounding::Zero,
        }
    }
}

/// FPCR fields used by scalar floating point.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Fpcr(pub u64);

impl Fpcr {
    /// Default NaN.
    pub const DN: u64 = 1 << 25;
    /// Alternative half-precision format.
    pub const AHP: u64 = 1 << 26;
    /// Flush-to-zero.
    pub const FZ: u64 = 1 << 24;
    /// Flush-to-zero of half precision (FEAT_FP16).
    pub const FZ16: u64 = 1 << 19;
    /// Shift of the RMode field.
    pub const RMODE_SHIFT: u32 = 22;

    pub fn rounding(self) -> Rounding {
        Rounding::from_rmode((self.0 >> Self::RMODE_SHIFT) as u32)
    }
    pub fn ahp(self) -> bool {
        self.0 & Self::AHP != 0
    }
    pub fn dn(self) -> bool {
        self.0 & Self::DN != 0
    }
    pub fn fz(self) -> bool {
        self.0 & Self::FZ != 0
    }
    pub fn fz16(self) -> bool {
        self.0 & Self::FZ16 != 0
    }
}

/// The floating-point environment of one operation: the control register
/// and the exceptions raised so far (FPSR bits).
#[derive(Copy, Clone, Debug)]
pub struct Env {
    pub fpcr: Fpcr,
    pub flags: u32,
}

impl Env {
    pub fn new(fpcr: u64) -> Env {
        Env {
            fpcr: Fpcr(fpcr),
            flags: 0,
        }
    }

    pub fn raise(&mut self, flags: u32) {
        self.flags |= flags;
    }

    /// Whether flush-to-zero applies to format `f`: FZ covers S and D,
    /// FZ16 half precision.
    pub fn flushes(&self, f: Fmt) -> bool {
        if f == H {
            self.fpcr.fz16()
        } else {
            self.fpcr.fz()
        }
    }

    /// `FPUnpack`: classifies `x`, flushing a denormal to a signed zero when
    /// FZ (S, D; raising IDC) or FZ16 (H; `FPUnpackBase` raises no
    /// exception for a flushed half) is set. Returns the class and the
    /// possibly flushed bits.
    pub fn unpack(&mut self, f: Fmt, x: u64) -> (Class, u64) {
        let c = f.class(x);
        if c == Class::Denormal && self.flushes(f) {
            if f != H {
                self.raise(fpsr::IDC);
            }
            (Class::Zero, f.zero(f.sign(x)))
        } else {
            (c, x)
        }
    }

    /// `FPProcessNaN`: quietens a signalling NaN (raising IOC) and applies
    /// default-NaN mode.
    pub fn process_nan(&mut self, f: Fmt, c: Class, x: u64) -> u64 {
        if c == Class::SNaN {
            self.raise(fpsr::IOC);
        }
        if self.fpcr.dn() {
            f.default_nan()
        } else {
            x | f.quiet_bit()
        }
    }

    /// `FPProcessNaNs` / `FPProcessNaNs3`: the first signalling NaN in
    /// operand order, else the first quiet NaN, else `None`.
    pub fn process_nans(&mut self, f: Fmt, ops: &[(Class, u64)]) -> Option<u64> {
        let pick = ops
            .iter()
            .find(|(c, _)| *c == Class::SNaN)
            .or_else(|| ops.iter().find(|(c, _)| *c == Class::QNaN))?;
        Some(self.process_nan(f, pick.0, pick.1))
    }

    /// `FPRound` of the exact nonzero value `(-1)^sign * m * 2^e` to format
    /// `f` with rounding mode `mode`, including flush-to-zero of tiny
    /// results when `flush`, overflow to infinity or the largest finite
    /// number, and the UFC/OFC/IXC exceptions (tininess is detected before
    /// rounding, as the architecture specifies).
    pub fn round(
        &mut self,
        f: Fmt,
        sign: bool,
        m: u128,
        e: i32,
        mode: Rounding,
        flush: bool,
    ) -> u64 {
        self.round_to(f, sign, m, e, mode, flush, false)
    }

    /// [`Env::round`] to the alternative half-precision format (FPCR.AHP):
    /// the all-ones exponent holds normal numbers and overflow saturates to
    /// the largest magnitude with an invalid-operation exception.
    pub fn round_alt_half(&mut self, sign: bool, m: u128, e: i32, mode: Rounding) -> u64 {
        self.round_to(H, sign, m, e, mode, false, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn round_to(
        &mut self,
        f: Fmt,
        sign: bool,
        m: u128,
        e: i32,
        mode: Rounding,
        flush: bool,
        alt_half: bool,
    ) -> u64 {
        debug_assert!(m != 0);
        let msb = 127 - m.leading_zeros() as i32;
        // The value lies in [2^top, 2^(top+1)).
        let top = msb + e;
        let tiny = top < f.emin();
        if tiny && flush {
            self.raise(fpsr::UFC);
            return f.zero(sign);
        }
        let eff = top.max(f.emin());
        // Weight of the last kept fraction bit.
        let lsb = eff - f.fbits as i32;
        let shift = lsb - e;
        let (mut int_mant, half, sticky) = if shift <= 0 {
            (m << (-shift) as u32, false, false)
        } else if shift >= 128 {
            (0, false, true)
        } else {
            let kept = m >> shift;
            let rest = m & ((1u128 << shift) - 1);
            let half_bit = 1u128 << (shift - 1);
            (kept, rest & half_bit != 0, rest & (half_bit - 1) != 0)
        };
        let inexact = half || sticky;
        if tiny && inexact {
            self.raise(fpsr::UFC);
        }
        let round_up = match mode {
            Rounding::TieEven => half && (sticky || int_mant & 1 == 1),
            Rounding::TieAway => half,
            Rounding::PosInf => inexact && !sign,
            Rounding::NegInf => inexact && sign,
            Rounding::Zero => false,
        };
        if round_up {
            int_mant += 1;
        }
        // Biased exponent minus one, shifted into place, plus the mantissa
        // including its leading one: a carry out of the mantissa bumps the
        // exponent by itself.
        let enc = (((eff + f.bias() - 1) as u128) << f.fbits) + int_mant;
        if alt_half && enc > u128::from(f.max_normal(false) | f.exp_mask()) {
            self.raise(fpsr::IOC);
            return f.zero(sign) | f.exp_mask() | f.frac_mask();
        }
        if !alt_half && enc >= u128::from(f.exp_mask()) {
            self.raise(fpsr::OFC | fpsr::IXC);
            let to_inf = match mode {
                Rounding::TieEven | Rounding::TieAway => true,
                Rounding::PosInf => !sign,
                Rounding::NegInf => sign,
                Rounding::Zero => false,
            };
            return if to_inf {
                f.inf(sign)
            } else {
                f.max_normal(sign)
            };
        }
        if inexact {
            self.raise(fpsr::IXC);
        }
        enc as u64 | f.zero(sign)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_constants() {
        assert_eq!(D.default_nan(), 0x7FF8_0000_0000_0000);
        assert_eq!(S.default_nan(), 0x7FC0_0000);
        assert_eq!(H.default_nan(), 0x7E00);
        assert_eq!(S.max_normal(false), f32::MAX.to_bits() as u64);
        assert_eq!(D.inf(true), f64::NEG_INFINITY.to_bits());
        assert_eq!(S.class(0x7F80_0001), Class::SNaN);
        assert_eq!(S.class(0x0000_0001), Class::Denormal);
        assert_eq!(H.to_f64(0x3C00), 1.0);
        assert_eq!(H.to_f64(0x0001), 2f64.powi(-24));
    }

    #[test]
    fn round_matches_host_rne() {
        // Rounding f64 values to single precision under round-to-nearest-even
        // agrees with the host conversion (an independent implementation).
        let samples = [
            1.0f64,
            1.0 + 2f64.powi(-24),
            1.0 + 3.0 * 2f64.powi(-25),
            std::f64::consts::PI,
            1e-40,
            3e38,
            3.5e38,
            -7.0e-46,
            1.1754942e-38,
        ];
        for &x in &samples {
            let mut env = Env::new(0);
            let (s, m, e) = D.decompose(x.to_bits());
            let r = env.round(S, s, m, e, Rounding::TieEven, false);
            assert_eq!(r as u32, (x as f32).to_bits(), "{x}");
        }
    }

    #[test]
    fn round_directed_and_flags() {
        let x = 1.0 + 2f64.powi(-30);
        let (s, m, e) = D.decompose(x.to_bits());
        let mut env = Env::new(0);
        assert_eq!(env.round(S, s, m, e, Rounding::PosInf, false), 0x3F80_0001);
        assert_eq!(env.flags, fpsr::IXC);
        let mut env = Env::new(0);
        assert_eq!(
            env.round(S, true, m, e, Rounding::NegInf, false),
            0xBF80_0001
        );
        assert_eq!(env.round(S, true, m, e, Rounding::Zero, false), 0xBF80_0000);
        // Overflow: RZ gives the largest finite number, RNE infinity.
        let (s, m, e) = D.decompose(1e39f64.to_bits());
        let mut env = Env::new(0);
        assert_eq!(env.round(S, s, m, e, Rounding::Zero, false), 0x7F7F_FFFF);
        assert_eq!(env.flags, fpsr::OFC | fpsr::IXC);
        assert_eq!(env.round(S, s, m, e, Rounding::TieEven, false), 0x7F80_0000);
        // Tiny and inexact: UFC and IXC; flushed: UFC only.
        let (s, m, e) = D.decompose(1e-40f64.to_bits());
        let mut env = Env::new(0);
        env.round(S, s, m, e, Rounding::TieEven, false);
        assert_eq!(env.flags, fpsr::UFC | fpsr::IXC);
        let mut env = Env::new(0);
        assert_eq!(env.round(S, s, m, e, Rounding::TieEven, true), 0);
        assert_eq!(env.flags, fpsr::UFC);
    }

    #[test]
    fn nan_processing_order() {
        let mut env = Env::new(0);
        let q1 = (Class::QNaN, 0x7FC0_0001);
        let s2 = (Class::SNaN, 0x7F80_0002);
        assert_eq!(env.process_nans(S, &[q1, s2]), Some(0x7FC0_0002));
        assert_eq!(env.flags, fpsr::IOC);
        let mut env = Env::new(Fpcr::DN);
        assert_eq!(
            env.process_nans(S, &[q1, (Class::Normal, 0)]),
            Some(0x7FC0_0000)
        );
        assert_eq!(env.flags, 0);
    }
}
