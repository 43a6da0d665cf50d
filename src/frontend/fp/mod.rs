//! Scalar floating point: data processing (1, 2 and 3 sources, compare,
//! conditional compare and select, immediate) and conversions between
//! floating point and integer or fixed point, FMOV.
//!
//! Moves, FABS/FNEG and FCSEL are plain IR on the register bits; the
//! arithmetic calls the helpers of [`runtime`], whose semantics live in
//! [`ops`] and [`cvt`] (on top of [`float`] and the host SSE layer
//! [`host`]).

mod arith;
mod compare;
mod convert;
pub mod cvt;
pub mod estimate;
pub mod float;
mod half;
mod host;
pub mod jscvt;
pub mod ops;
pub mod runtime;

pub use arith::vfp_expand_imm;
pub use runtime::{fbin_args, fmuladd_args};

use super::{Ctx, TResult, Undefined};
use crate::arm64::encodings::fp::Op;
use crate::arm64::Fields;
use crate::cpu::state::v_offset;
use crate::ir::Val;
use float::Fmt;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    match op {
        SCVTF_fix | UCVTF_fix | FCVTZS_fix | FCVTZU_fix | FCVTNS | FCVTNU | FCVTPS | FCVTPU
        | FCVTMS | FCVTMU | FCVTZS | FCVTZU | SCVTF | UCVTF | FCVTAS | FCVTAU | FMOV_to_gen
        | FMOV_from_gen => convert::translate(cx, op, f),
        FCMP | FCMP_zero | FCMPE | FCMPE_zero | FCCMP | FCCMPE => compare::translate(cx, op, f),
        _ => arith::translate(cx, op, f),
    }
}

/// The format of field `t` (ftype): single, double or half precision
/// (FEAT_FP16); 10 is unallocated.
fn fmt_of(f: &Fields) -> Result<Fmt, Undefined> {
    Fmt::from_ftype(f.u('t')).ok_or(Undefined)
}

/// Reads the low `fmt` bits of V register `n`, zero-extended.
fn read_v(cx: &mut Ctx, fmt: Fmt, n: u32) -> Val {
    let v = cx.b.load_state(v_offset(n as usize));
    if fmt.width() == 64 {
        v
    } else {
        cx.b.zext(v, fmt.width())
    }
}

/// Writes a scalar result (already zero-extended) to V register `d`,
/// clearing the rest of the register.
fn write_v(cx: &mut Ctx, d: u32, v: Val) {
    cx.b.store_state(v_offset(d as usize), v);
    let zero = cx.k(0);
    cx.b.store_state(v_offset(d as usize) + 8, zero);
}

/// A format as a constant helper argument.
fn ftype_arg(cx: &mut Ctx, fmt: Fmt) -> Val {
    cx.k(u64::from(fmt.ftype()))
}
