//! Conditional compare (CCMN/CCMP, register and immediate) and conditional
//! select (CSEL/CSINC/CSINV/CSNEG).

use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult};
use crate::ir::{FlagsOp, UnOp, Width};

/// Condition codes 14 (AL) and 15 (NV) both always hold.
fn always(cond: u32) -> bool {
    cond >= 14
}

/// CCMN/CCMP: if `cond` holds, NZCV = flags of Xn + Xm (CCMN) or
/// Xn - Xm (CCMP), with an immediate in place of Xm for the immediate form;
/// otherwise NZCV = the `nzcv` field.
pub(super) fn ccmp(cx: &mut Ctx, imm: bool, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let a = cx.x(f.u('n'));
    let b = if imm {
        cx.k(u64::from(f.u('i')))
    } else {
        cx.x(f.u('m'))
    };
    let fop = if f.b('o') { FlagsOp::Sub } else { FlagsOp::Add };
    let cond = f.u('c');
    let flags = cx.b.flags(fop, w, a, b, None);
    let r = if always(cond) {
        flags
    } else {
        let cur = cx.b.get_nzcv();
        let holds = cx.b.cond(cond, cur);
        let fallback = cx.k(u64::from(f.u('f')) << 28);
        cx.b.select(holds, flags, fallback)
    };
    cx.b.set_nzcv(r);
    Ok(())
}

/// CSEL/CSINC/CSINV/CSNEG: Xd = cond ? Xn : f(Xm) with f = identity,
/// +1, NOT or negate (selected by op:op2<0>).
pub(super) fn csel(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let cond = f.u('c');
    let n = cx.xw(f.u('n'), w);
    let r = if always(cond) {
        n
    } else {
        let m = cx.x(f.u('m'));
        let other = match (f.b('o'), f.b('p')) {
            (false, false) => cx.zext_w(m, w),
            (false, true) => {
                let one = cx.k(1);
                cx.b.add(w, m, one)
            }
            (true, false) => cx.b.un(UnOp::Not, w, m),
            (true, true) => cx.b.un(UnOp::Neg, w, m),
        };
        let nzcv = cx.b.get_nzcv();
        let holds = cx.b.cond(cond, nzcv);
        cx.b.select(holds, n, other)
    };
    cx.set_x(f.u('d'), r);
    Ok(())
}
