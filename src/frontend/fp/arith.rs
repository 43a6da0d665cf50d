//! Floating-point data processing: FMOV (register, immediate), FABS, FNEG,
//! FSQRT, FCVT, FRINT*, the two- and three-source arithmetic and FCSEL.

use super::float::{self, Fmt, Rounding};
use super::runtime::{self, rounding_arg};
use super::{fmt_of, ftype_arg, read_v, write_v};
use crate::arm64::encodings::fp::Op;
use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{BinOp, FpOp, FpRound, FpSize, Width};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    match op {
        FCVT => return fcvt(cx, f),
        FMOV_imm => {
            let fmt = fmt_of(f)?;
            let k = cx.k(vfp_expand_imm(f.u('i'), fmt));
            write_v(cx, f.u('d'), k);
            return Ok(());
        }
        _ => {}
    }
    let fmt = fmt_of(f)?;
    let d = f.u('d');
    let n = read_v(cx, fmt, f.u('n'));
    let r = match op {
        FMOV_reg => n,
        FABS => {
            let k = cx.k(!fmt.sign_bit() & fmt.mask());
            cx.b.and(Width::W64, n, k)
        }
        FNEG => {
            let k = cx.k(fmt.sign_bit());
            cx.b.bin(BinOp::Xor, Width::W64, n, k)
        }
        FSQRT => {
            let size = fp_size(fmt);
            let (slow, c0, c1) = runtime::fbin_args(FpOp::Sqrt, size);
            cx.b.fbin(FpOp::Sqrt, size, n, n, slow, c0, c1)
        }
        FRINTN | FRINTP | FRINTM | FRINTZ | FRINTA | FRINTX | FRINTI => {
            let mode = match op {
                FRINTN => Some(Rounding::TieEven),
                FRINTP => Some(Rounding::PosInf),
                FRINTM => Some(Rounding::NegInf),
                FRINTZ => Some(Rounding::Zero),
                FRINTA => Some(Rounding::TieAway),
                _ => None,
            };
            if fmt != float::H {
                // An FBin the backend may run inline.
                let mode = match op {
                    FRINTN => FpRound::TieEven,
                    FRINTP => FpRound::PosInf,
                    FRINTM => FpRound::NegInf,
                    FRINTZ => FpRound::Zero,
                    FRINTA => FpRound::TieAway,
                    _ => FpRound::Fpcr,
                };
                let op = FpOp::Round {
                    mode,
                    exact: op == FRINTX,
                };
                let size = fp_size(fmt);
                let (slow, c0, c1) = runtime::fbin_args(op, size);
                let r = cx.b.fbin(op, size, n, n, slow, c0, c1);
                write_v(cx, d, r);
                return Ok(());
            }
            let t = ftype_arg(cx, fmt);
            let m = cx.k(rounding_arg(mode));
            let exact = cx.k(u64::from(op == FRINTX));
            cx.b.call(runtime::fp_round_int, &[n, t, m, exact])
        }
        FMUL | FDIV | FADD | FSUB => {
            let fop = match op {
                FMUL => FpOp::Mul,
                FDIV => FpOp::Div,
                FADD => FpOp::Add,
                _ => FpOp::Sub,
            };
            let m = read_v(cx, fmt, f.u('m'));
            let size = fp_size(fmt);
            let (slow, c0, c1) = runtime::fbin_args(fop, size);
            cx.b.fbin(fop, size, n, m, slow, c0, c1)
        }
        FMAX | FMIN | FMAXNM | FMINNM | FNMUL => {
            let fop = match op {
                FMAX => FpOp::Max,
                FMIN => FpOp::Min,
                FMAXNM => FpOp::MaxNum,
                FMINNM => FpOp::MinNum,
                _ => FpOp::NMul,
            };
            let m = read_v(cx, fmt, f.u('m'));
            let size = fp_size(fmt);
            let (slow, c0, c1) = runtime::fbin_args(fop, size);
            if fmt == float::H {
                // No inline half form: the helper, called directly.
                let (c0, c1) = (cx.k(c0), cx.k(c1));
                cx.b.call(slow, &[n, m, c0, c1])
            } else {
                // An FBin the backend may run inline.
                cx.b.fbin(fop, size, n, m, slow, c0, c1)
            }
        }
        FMADD | FMSUB | FNMADD | FNMSUB => {
            let (neg_a, neg_1) = match op {
                FMADD => (false, false),
                FMSUB => (false, true),
                FNMADD => (true, true),
                _ => (true, false),
            };
            let m = read_v(cx, fmt, f.u('m'));
            let a = read_v(cx, fmt, f.u('a'));
            let size = fp_size(fmt);
            let (slow, ctl) = runtime::fmuladd_args(size, neg_a, neg_1);
            cx.b.fmuladd(size, (neg_a, neg_1), [a, n, m], slow, ctl)
        }
        FCSEL => {
            let m = read_v(cx, fmt, f.u('m'));
            let nzcv = cx.b.get_nzcv();
            let c = cx.b.cond(f.u('c'), nzcv);
            cx.b.select(c, n, m)
        }
        _ => return Err(Undefined),
    };
    write_v(cx, d, r);
    Ok(())
}

/// FCVT: `t` is the source format, `o` the destination.
fn fcvt(cx: &mut Ctx, f: &Fields) -> TResult {
    let from = Fmt::from_ftype(f.u('t')).ok_or(Undefined)?;
    let to = Fmt::from_ftype(f.u('o')).ok_or(Undefined)?;
    if from == to {
        return Err(Undefined);
    }
    let n = read_v(cx, from, f.u('n'));
    // An FBin the backend may run inline.
    let (op, size) = match (from, to) {
        (float::H, _) => (FpOp::FromHalf, fp_size(to)),
        (_, float::H) => (FpOp::ToHalf, fp_size(from)),
        (float::S, _) => (FpOp::FromSingle, FpSize::Double),
        _ => (FpOp::ToSingle, FpSize::Double),
    };
    let (slow, c0, c1) = runtime::fbin_args(op, size);
    let r = cx.b.fbin(op, size, n, n, slow, c0, c1);
    write_v(cx, f.u('d'), r);
    Ok(())
}

/// The IR size of format `fmt`.
fn fp_size(fmt: Fmt) -> FpSize {
    match fmt {
        float::H => FpSize::Half,
        float::S => FpSize::Single,
        _ => FpSize::Double,
    }
}

/// `VFPExpandImm`: the 8-bit immediate of FMOV as a value of format `fmt`:
/// sign = imm8<7>, exponent = NOT(imm8<6>) : Replicate(imm8<6>, E-3) :
/// imm8<5:4>, fraction = imm8<3:0> : zeros.
pub fn vfp_expand_imm(imm8: u32, fmt: Fmt) -> u64 {
    let imm8 = u64::from(imm8);
    let b6 = imm8 >> 6 & 1;
    let rep = if b6 == 1 {
        (1 << (fmt.ebits - 3)) - 1
    } else {
        0
    };
    let exp = (b6 ^ 1) << (fmt.ebits - 1) | rep << 2 | (imm8 >> 4 & 3);
    let frac = (imm8 & 0xF) << (fmt.fbits - 4);
    (imm8 >> 7) << (fmt.width() - 1) | exp << fmt.fbits | frac
}

#[cfg(test)]
mod tests {
    use super::super::float::{D, H, S};
    use super::*;

    #[test]
    fn fmov_immediates() {
        // imm8 0x70 = 1.0, 0x00 = 2.0, 0xF0 = -1.0, 0x7F = 1.9375, 0x10 = 2.125 * 2 ...
        assert_eq!(vfp_expand_imm(0x70, D), 1.0f64.to_bits());
        assert_eq!(vfp_expand_imm(0x00, D), 2.0f64.to_bits());
        assert_eq!(vfp_expand_imm(0xF0, S), (-1.0f32).to_bits() as u64);
        assert_eq!(vfp_expand_imm(0x7F, S), 1.9375f32.to_bits() as u64);
        assert_eq!(vfp_expand_imm(0x60, D), 0.5f64.to_bits());
        assert_eq!(vfp_expand_imm(0x4F, D), 0.2421875f64.to_bits());
        assert_eq!(vfp_expand_imm(0x3F, D), 31.0f64.to_bits());
        assert_eq!(vfp_expand_imm(0x70, H), 0x3C00);
    }
}
