//! FEAT_FlagM and FEAT_FlagM2: CFINV, RMIF, SETF8, SETF16 and AXFLAG,
//! XAFLAG (conversions between the Arm and an "external" flag format for
//! floating-point compares). A small runtime helper maps the old NZCV (and
//! Xn) to the new NZCV.

use super::{Ctx, TResult};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;

const N: u64 = 1 << 31;
const Z: u64 = 1 << 30;
const C: u64 = 1 << 29;
const V: u64 = 1 << 28;

/// Helper control word: kind in bits 3..0, RMIF's imm6 in 9..4 and mask in
/// 13..10.
const CFINV: u64 = 0;
const XAFLAG: u64 = 1;
const AXFLAG: u64 = 2;
const RMIF: u64 = 3;
const SETF8: u64 = 4;
const SETF16: u64 = 5;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let ctl = match op {
        Op::CFINV => CFINV,
        Op::XAFLAG => XAFLAG,
        Op::AXFLAG => AXFLAG,
        Op::RMIF => RMIF | u64::from(f.u('i')) << 4 | u64::from(f.u('k')) << 10,
        Op::SETF8 => SETF8,
        _ => SETF16,
    };
    let nzcv = cx.b.get_nzcv();
    let xn = if f.has('n') { cx.x(f.u('n')) } else { cx.k(0) };
    let ctl = cx.k(ctl);
    let r = cx.b.call(helper, &[nzcv, xn, ctl]);
    cx.b.set_nzcv(r);
    Ok(())
}

unsafe extern "C" fn helper(_: *mut CpuState, nzcv: u64, xn: u64, ctl: u64, _: u64) -> u64 {
    flags(nzcv, xn, ctl)
}

/// The new NZCV (bits 31..28) of the instruction `ctl` from the old one.
pub fn flags(nzcv: u64, xn: u64, ctl: u64) -> u64 {
    let bit = |f: u64| nzcv & f != 0;
    let to = |f: u64, on: bool| if on { f } else { 0 };
    let (z, c, v) = (bit(Z), bit(C), bit(V));
    match ctl & 15 {
        CFINV => nzcv ^ C,
        XAFLAG => to(N, !c && !z) | to(Z, z && c) | to(C, c || z) | to(V, !c && z),
        AXFLAG => to(Z, z || v) | to(C, c && !v),
        RMIF => {
            let rot = xn.rotate_right((ctl >> 4 & 63) as u32);
            let mask = (ctl >> 10 & 15) << 28;
            (nzcv & !mask) | ((rot & 15) << 28 & mask)
        }
        _ => {
            let bits = if ctl & 15 == SETF8 { 8 } else { 16 };
            let top = xn >> (bits - 1) & 1 != 0;
            let low = xn & ((1 << bits) - 1);
            let over = xn >> bits & 1 != 0;
            to(N, top) | to(Z, low == 0) | to(C, c) | to(V, over != top)
        }
    }
}
