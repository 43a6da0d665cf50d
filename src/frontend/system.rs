//! System instructions (minimal: exception generation; the rest is Undefined
//! until the full system class lands).

use super::{Ctx, TResult, Undefined};
use crate::arm64::encodings::system::Op;
use crate::arm64::Fields;
use crate::cpu::ExitReason;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    match op {
        Op::SVC => cx.b.exit(ExitReason::Svc, cx.next_pc(), f.u('i') as u64),
        Op::BRK => cx.b.exit(ExitReason::Brk, cx.pc, f.u('i') as u64),
        Op::HINT => {}
        _ => return Err(Undefined),
    }
    Ok(())
}
