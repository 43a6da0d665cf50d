//! FCMP, FCMPE (register and zero forms), FCCMP, FCCMPE.

use super::{float, runtime};
use super::{fmt_of, ftype_arg, read_v};
use crate::arm64::encodings::fp::Op;
use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult};
use crate::ir::FpOp;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let fmt = fmt_of(f)?;
    let a = read_v(cx, fmt, f.u('n'));
    let b = match op {
        Op::FCMP_zero | Op::FCMPE_zero => cx.k(0),
        _ => read_v(cx, fmt, f.u('m')),
    };
    let signal = matches!(op, Op::FCMPE | Op::FCMPE_zero | Op::FCCMPE);
    let flags = if matches!(op, Op::FCCMP | Op::FCCMPE) {
        let nzcv = cx.b.get_nzcv();
        let ctl = u64::from(fmt.ftype())
            | u64::from(signal) << 2
            | u64::from(f.u('c')) << 4
            | u64::from(f.u('f')) << 8;
        let ctl = cx.k(ctl);
        cx.b.call(runtime::fp_cond_compare, &[a, b, nzcv, ctl])
    } else if fmt == float::S || fmt == float::D {
        let op = if signal { FpOp::CmpE } else { FpOp::Cmp };
        let (slow, c0, c1) = runtime::fbin_args(op, fmt == float::D);
        cx.b.fbin(op, fmt == float::D, a, b, slow, c0, c1)
    } else {
        let t = ftype_arg(cx, fmt);
        let s = cx.k(u64::from(signal));
        cx.b.call(runtime::fp_compare, &[a, b, t, s])
    };
    cx.b.set_nzcv(flags);
    Ok(())
}
