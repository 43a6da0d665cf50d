//! FCMP, FCMPE (register and zero forms), FCCMP, FCCMPE.

use super::{float, runtime};
use super::{fmt_of, read_v};
use crate::arm64::encodings::fp::Op;
use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult};
use crate::ir::{FpOp, FpSize};

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
    } else {
        let op = if signal { FpOp::CmpE } else { FpOp::Cmp };
        let size = match fmt {
            float::H => FpSize::Half,
            float::S => FpSize::Single,
            _ => FpSize::Double,
        };
        let (slow, c0, c1) = runtime::fbin_args(op, size);
        cx.b.fbin(op, size, a, b, slow, c0, c1)
    };
    cx.b.set_nzcv(flags);
    Ok(())
}
