//! Data processing — register: add/subtract (shifted and extended register,
//! with carry), logical (shifted register), conditional compare and select,
//! and the 1-, 2- and 3-source groups.

use super::{Ctx, TResult, Undefined};
use crate::arm64::encodings::dp_reg::Op;
use crate::arm64::Fields;
use crate::ir::{BinOp, Val, Width};

mod arith;
mod cond;
mod misc;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    match op {
        Op::LOGIC_shift => arith::logical(cx, f),
        Op::ADDSUB_shift => arith::addsub_shift(cx, f),
        Op::ADDSUB_ext => arith::addsub_ext(cx, f),
        Op::ADC => arith::adc(cx, f),
        Op::CCMP_reg | Op::CCMP_imm => cond::ccmp(cx, op == Op::CCMP_imm, f),
        Op::CSEL => cond::csel(cx, f),
        Op::DIV => misc::div(cx, f),
        Op::SHIFTV => misc::shiftv(cx, f),
        Op::CRC32 => misc::crc32(cx, f),
        Op::DP1 => misc::dp1(cx, f),
        Op::MADD => misc::madd(cx, f),
        Op::MADDL => misc::maddl(cx, f),
        Op::MULH => misc::mulh(cx, f),
    }
}

/// `ShiftReg(m, shift_type, amount)`: Xm (31 = XZR) shifted by a constant
/// amount at width `w`. Shift type 3 (ROR) is reserved for add/subtract; the
/// caller rejects it there.
fn shift_reg(
    cx: &mut Ctx,
    m: u32,
    w: Width,
    shift_type: u32,
    amount: u32,
) -> Result<Val, Undefined> {
    if amount >= w.bits() {
        return Err(Undefined);
    }
    let v = cx.x(m);
    if amount == 0 {
        return Ok(cx.zext_w(v, w));
    }
    let op = match shift_type {
        0 => BinOp::Shl,
        1 => BinOp::Lshr,
        2 => BinOp::Ashr,
        _ => BinOp::Ror,
    };
    let k = cx.k(u64::from(amount));
    Ok(cx.b.bin(op, w, v, k))
}
