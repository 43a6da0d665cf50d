//! Vector FADD/FSUB/FMUL/FDIV on single- or double-precision lanes as one
//! scalar [`crate::ir::Op::FBin`] per lane. The Arm ARM defines these
//! instructions lane by lane with the same FPCR and the union of the
//! lanes' exception flags, which is what the scalar operations compute, so
//! the backend's inline scalar form (and its exact helper for NaNs and the
//! other edge cases) serves the vector instructions too.

use crate::cpu::state::v_offset;
use crate::frontend::fbin_args;
use crate::frontend::Ctx;
use crate::ir::{BinOp, FpOp, FpSize, Val, Width};

/// `V[d] = V[n] op V[m]` on `esize`-bit lanes (32 or 64) of the low 64
/// bits (`q == false`, the upper half cleared) or all 128.
pub fn translate(cx: &mut Ctx, op: FpOp, esize: u32, q: bool, (d, n, m): (u32, u32, u32)) {
    let halves = if q { 2 } else { 1 };
    // Every source half is read before any destination half is written.
    let srcs: Vec<(Val, Val)> = (0..halves)
        .map(|h| {
            let a = cx.b.load_state(v_offset(n as usize) + 8 * h);
            let b = cx.b.load_state(v_offset(m as usize) + 8 * h);
            (a, b)
        })
        .collect();
    let results: Vec<Val> = srcs
        .into_iter()
        .map(|(a, b)| {
            if esize == 64 {
                lane(cx, op, true, a, b)
            } else {
                let lo = lane_pair(cx, a, b, 0);
                let lo = lane(cx, op, false, lo.0, lo.1);
                let hi = lane_pair(cx, a, b, 32);
                let hi = lane(cx, op, false, hi.0, hi.1);
                let k = cx.k(32);
                let hi = cx.b.bin(BinOp::Shl, Width::W64, hi, k);
                cx.b.or(Width::W64, lo, hi)
            }
        })
        .collect();
    for (h, r) in results.into_iter().enumerate() {
        cx.b.store_state(v_offset(d as usize) + 8 * h, r);
    }
    if !q {
        let zero = cx.k(0);
        cx.b.store_state(v_offset(d as usize) + 8, zero);
    }
}

/// The 32-bit lanes at bit `sh` of `a` and `b`, zero-extended.
fn lane_pair(cx: &mut Ctx, a: Val, b: Val, sh: u64) -> (Val, Val) {
    let mut take = |x: Val| {
        if sh == 0 {
            cx.b.zext(x, 32)
        } else {
            let k = cx.k(sh);
            cx.b.bin(BinOp::Lshr, Width::W64, x, k)
        }
    };
    (take(a), take(b))
}

fn lane(cx: &mut Ctx, op: FpOp, double: bool, a: Val, b: Val) -> Val {
    let size = FpSize::of(double);
    let (slow, c0, c1) = fbin_args(op, size);
    cx.b.fbin(op, size, a, b, slow, c0, c1)
}
