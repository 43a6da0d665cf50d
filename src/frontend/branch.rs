//! Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET.

use super::{Ctx, TResult};
use crate::arm64::encodings::branch::Op;
use crate::arm64::Fields;
use crate::ir::{BinOp, Flow, Width};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let pc = cx.pc;
    let next = cx.next_pc();
    let rel = |bits_shift: i64| pc.wrapping_add(bits_shift as u64);
    match op {
        Op::B => cx.b.jump(rel(f.s('i') << 2)),
        Op::BL => {
            let ret = cx.k(next);
            cx.set_x(30, ret);
            cx.b.jump(rel(f.s('i') << 2));
            cx.b.set_flow(Flow::Call { ret: next });
        }
        Op::B_cond => {
            let cond = f.u('c');
            let target = rel(f.s('i') << 2);
            if cond >= 14 {
                cx.b.jump(target);
            } else {
                let nzcv = cx.b.get_nzcv();
                let c = cx.b.cond(cond, nzcv);
                cx.b.branch(c, target, next);
            }
        }
        Op::CBZ | Op::CBNZ => {
            let w = Width::sf(f.b('z'));
            let v = cx.xw(f.u('d'), w);
            let zero = cx.k(0);
            // c = (v == 0) computed as a condition on flags of v - 0.
            let flags =
                cx.b.flags(crate::ir::FlagsOp::Logic, Width::W64, v, zero, None);
            let cond = if op == Op::CBZ { 0 } else { 1 };
            let c = cx.b.cond(cond, flags);
            cx.b.branch(c, rel(f.s('i') << 2), next);
        }
        Op::TBZ | Op::TBNZ => {
            let bit = f.u('b');
            let v = cx.x(f.u('d'));
            let sh = cx.k(bit as u64);
            let shifted = cx.b.bin(BinOp::Lshr, Width::W64, v, sh);
            let bit = cx.b.zext(shifted, 1);
            let c = if op == Op::TBNZ {
                bit
            } else {
                let one = cx.k(1);
                cx.b.bin(BinOp::Xor, Width::W64, bit, one)
            };
            cx.b.branch(c, rel(f.s('i') << 2), next);
        }
        Op::BR | Op::RET => {
            let t = cx.x(f.u('n'));
            cx.b.indirect(t);
            if op == Op::RET {
                cx.b.set_flow(Flow::Return);
            }
        }
        Op::BLR => {
            let t = cx.x(f.u('n'));
            let ret = cx.k(next);
            cx.set_x(30, ret);
            cx.b.indirect(t);
            cx.b.set_flow(Flow::Call { ret: next });
        }
    }
    Ok(())
}
