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
    // FCCMP/FCCMPE: where the condition fails, the compare sees +0 and +0
    // (no exception) and the immediate flags are taken instead.
    let (a, b, cond) = if matches!(op, Op::FCCMP | Op::FCCMPE) {
        let nzcv = cx.b.get_nzcv();
        let holds = cx.b.cond(f.u('c'), nzcv);
        let zero = cx.k(0);
        let (a, b) = (cx.b.select(holds, a, zero), cx.b.select(holds, b, zero));
        (a, b, Some((holds, u64::from(f.u('f')) << 28)))
    } else {
        (a, b, None)
    };
    let op = if signal { FpOp::CmpE } else { FpOp::Cmp };
    let size = match fmt {
        float::H => FpSize::Half,
        float::S => FpSize::Single,
        _ => FpSize::Double,
    };
    let (slow, c0, c1) = runtime::fbin_args(op, size);
    let mut flags = cx.b.fbin(op, size, a, b, slow, c0, c1);
    if let Some((holds, imm)) = cond {
        let imm = cx.k(imm);
        flags = cx.b.select(holds, flags, imm);
    }
    cx.b.set_nzcv(flags);
    Ok(())
}
