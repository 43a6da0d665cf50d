//! Vector FADD/FSUB/FMUL/FDIV on single- or double-precision lanes as one
//! scalar [`crate::ir::Op::FBin`] per lane. The Arm ARM defines these
//! instructions lane by lane with the same FPCR and the union of the
//! lanes' exception flags, which is what the scalar operations compute, so
//! the backend's inline scalar form (and its exact helper for NaNs and the
//! other edge cases) serves the vector instructions too. FMLA/FMLS
//! (vector and by element) likewise as one scalar
//! [`crate::ir::Op::FMulAdd`] per lane (the scalar FMADD/FMSUB).

use crate::cpu::state::v_offset;
use crate::frontend::Ctx;
use crate::frontend::{fbin_args, fmuladd_args};
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
                pack32(cx, lo, hi)
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
    (lane32(cx, a, sh), lane32(cx, b, sh))
}

/// One scalar `addend + op1 * op2` (`neg`: `addend - op1 * op2`, the
/// scalar FMADD and FMSUB).
pub(super) fn mul_add(cx: &mut Ctx, size: FpSize, neg: bool, [addend, op1, op2]: [Val; 3]) -> Val {
    let (slow, ctl) = fmuladd_args(size, false, neg);
    cx.b.fmuladd(size, (false, neg), [addend, op1, op2], slow, ctl)
}

/// The 32-bit lanes `lo` and `hi` (zero-extended) as 64 bits.
pub(super) fn pack32(cx: &mut Ctx, lo: Val, hi: Val) -> Val {
    let k = cx.k(32);
    let hi = cx.b.bin(BinOp::Shl, Width::W64, hi, k);
    cx.b.or(Width::W64, lo, hi)
}

/// The 32-bit lane at bit `sh` (0 or 32) of the 64 bits `x`, zero-extended.
pub(super) fn lane32(cx: &mut Ctx, x: Val, sh: u64) -> Val {
    if sh == 0 {
        cx.b.zext(x, 32)
    } else {
        let k = cx.k(sh);
        cx.b.bin(BinOp::Lshr, Width::W64, x, k)
    }
}

/// FMLA (`neg == false`) and FMLS (vector; by element of `V[m]` with
/// `elem`) on `esize`-bit lanes (32 or 64) as one scalar
/// [`crate::ir::Op::FMulAdd`] per lane: `FPMulAdd(V[d], V[n], V[m])`, FMLS
/// negating the `V[n]` lane first (the scalar FMSUB's `neg_op1`).
pub fn fmla(
    cx: &mut Ctx,
    neg: bool,
    esize: u32,
    q: bool,
    (d, n, m): (u32, u32, u32),
    elem: Option<u32>,
) {
    let double = esize == 64;
    let size = FpSize::of(double);
    let halves = if q { 2 } else { 1 };
    let load =
        |cx: &mut Ctx, r: u32, h: u32| cx.b.load_state(v_offset(r as usize) + 8 * h as usize);
    // Every source half is read before any destination half is written.
    let ns: Vec<Val> = (0..halves).map(|h| load(cx, n, h)).collect();
    let ds: Vec<Val> = (0..halves).map(|h| load(cx, d, h)).collect();
    let ms: Vec<Val> = match elem {
        None => (0..halves).map(|h| load(cx, m, h)).collect(),
        Some(i) => {
            let bit = i * esize;
            let x = load(cx, m, bit / 64);
            let x = if double {
                x
            } else {
                lane32(cx, x, u64::from(bit % 64))
            };
            vec![x; halves as usize]
        }
    };
    let mut out = Vec::new();
    for h in 0..halves as usize {
        let mut r: Option<Val> = None;
        for sh in (0..64).step_by(esize as usize) {
            let pick = |cx: &mut Ctx, x: Val| if double { x } else { lane32(cx, x, sh as u64) };
            let op1 = pick(cx, ns[h]);
            let addend = pick(cx, ds[h]);
            let op2 = if elem.is_some() {
                ms[h]
            } else {
                pick(cx, ms[h])
            };
            let dst = mul_add(cx, size, neg, [addend, op1, op2]);
            r = Some(match r {
                None => dst,
                Some(lo) => pack32(cx, lo, dst),
            });
        }
        out.push(r.expect("a lane a half"));
    }
    for (h, r) in out.into_iter().enumerate() {
        cx.b.store_state(v_offset(d as usize) + 8 * h, r);
    }
    if !q {
        let zero = cx.k(0);
        cx.b.store_state(v_offset(d as usize) + 8, zero);
    }
}

/// One scalar `op` on single (`double == false`) or double operands.
pub(super) fn lane(cx: &mut Ctx, op: FpOp, double: bool, a: Val, b: Val) -> Val {
    let size = FpSize::of(double);
    let (slow, c0, c1) = fbin_args(op, size);
    cx.b.fbin(op, size, a, b, slow, c0, c1)
}
