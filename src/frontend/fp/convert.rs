//! Conversions between floating point and integer or fixed point
//! (FCVT{N,P,M,Z,A}{S,U}, SCVTF, UCVTF) and FMOV (general).

use super::cvt::IntFmt;
use super::float::{Rounding, H};
use super::runtime::{self, int_fmt_arg, rounding_arg};
use super::{fmt_of, ftype_arg, read_v, write_v};
use crate::arm64::encodings::fp::Op;
use crate::arm64::Fields;
use crate::cpu::state::v_offset;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{FpOp, FpRound, FpSize, Width};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    let sf = f.b('z');
    let bits = if sf { 64 } else { 32 };
    match op {
        FMOV_to_gen | FMOV_from_gen => return fmov_general(cx, op, f),
        _ => {}
    }
    let fmt = fmt_of(f)?;
    let fbits = if f.has('s') {
        let scale = f.u('s');
        if !sf && scale < 32 {
            return Err(Undefined);
        }
        64 - scale
    } else {
        0
    };
    let (signed, mode, to_int) = match op {
        SCVTF_fix | SCVTF => (true, None, false),
        UCVTF_fix | UCVTF => (false, None, false),
        FCVTNS => (true, Some(Rounding::TieEven), true),
        FCVTNU => (false, Some(Rounding::TieEven), true),
        FCVTPS => (true, Some(Rounding::PosInf), true),
        FCVTPU => (false, Some(Rounding::PosInf), true),
        FCVTMS => (true, Some(Rounding::NegInf), true),
        FCVTMU => (false, Some(Rounding::NegInf), true),
        FCVTZS | FCVTZS_fix => (true, Some(Rounding::Zero), true),
        FCVTZU | FCVTZU_fix => (false, Some(Rounding::Zero), true),
        FCVTAS => (true, Some(Rounding::TieAway), true),
        FCVTAU => (false, Some(Rounding::TieAway), true),
        _ => return Err(Undefined),
    };
    let int = IntFmt {
        bits,
        signed,
        fbits,
    };
    let t = ftype_arg(cx, fmt);
    let i = cx.k(int_fmt_arg(int));
    if to_int {
        let a = read_v(cx, fmt, f.u('n'));
        let ir_mode = match mode {
            Some(Rounding::TieEven) => Some(FpRound::TieEven),
            Some(Rounding::PosInf) => Some(FpRound::PosInf),
            Some(Rounding::NegInf) => Some(FpRound::NegInf),
            Some(Rounding::Zero) => Some(FpRound::Zero),
            Some(Rounding::TieAway) => Some(FpRound::TieAway),
            None => None,
        };
        let r = if let (true, Some(mode)) = (fmt != H, ir_mode) {
            // An FBin the backend may run inline.
            let op = FpOp::ToInt {
                signed,
                x64: sf,
                mode,
                fbits: fbits as u8,
            };
            fbin(cx, op, fmt, a)
        } else {
            let m = cx.k(rounding_arg(mode));
            cx.b.call(runtime::fp_to_fixed, &[a, t, i, m])
        };
        cx.set_x(f.u('d'), r);
    } else {
        let x = cx.x(f.u('n'));
        let r = if fmt != H {
            // An FBin the backend may run inline.
            let op = if fbits == 0 {
                FpOp::FromInt { signed, x64: sf }
            } else {
                FpOp::FromFixed {
                    signed,
                    x64: sf,
                    fbits: fbits as u8,
                }
            };
            fbin(cx, op, fmt, x)
        } else {
            cx.b.call(runtime::fp_from_fixed, &[x, t, i])
        };
        write_v(cx, f.u('d'), r);
    }
    Ok(())
}

/// The [`crate::ir::Op::FBin`] of the one-operand conversion `op` of `a`
/// in format `fmt` (single or double).
fn fbin(cx: &mut Ctx, op: FpOp, fmt: super::float::Fmt, a: crate::ir::Val) -> crate::ir::Val {
    let size = FpSize::of(fmt != super::float::S);
    let (slow, c0, c1) = runtime::fbin_args(op, size);
    cx.b.fbin(op, size, a, a, slow, c0, c1)
}

/// FMOV between a general register and a V register: Wd<->Sn, Xd<->Dn,
/// Wd/Xd<->Hn (FEAT_FP16: the low 16 bits, zero-extended) and
/// Xd<->Vn.D[1] (which leaves the low half of Vd alone).
fn fmov_general(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let (n, d) = (f.u('n'), f.u('d'));
    if f.u('t') == 3 && f.u('r') == 0 {
        if op == Op::FMOV_to_gen {
            let v = read_v(cx, H, n);
            cx.set_x(d, v);
        } else {
            let x = cx.x(n);
            let v = cx.b.zext(x, 16);
            write_v(cx, d, v);
        }
        return Ok(());
    }
    let top = match (f.b('z'), f.u('t'), f.u('r')) {
        (false, 0, 0) | (true, 1, 0) => false,
        (true, 2, 1) => true,
        _ => return Err(Undefined),
    };
    let w = Width::sf(f.b('z'));
    if op == Op::FMOV_to_gen {
        let v = if top {
            cx.b.load_state(v_offset(n as usize) + 8)
        } else {
            let v = cx.b.load_state(v_offset(n as usize));
            cx.zext_w(v, w)
        };
        cx.set_x(d, v);
    } else {
        let x = cx.xw(n, w);
        if top {
            cx.b.store_state(v_offset(d as usize) + 8, x);
        } else {
            write_v(cx, d, x);
        }
    }
    Ok(())
}
