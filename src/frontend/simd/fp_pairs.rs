//! Floating-point forms whose lanes combine or move between positions, as
//! one scalar [`crate::ir::Op::FBin`] or [`crate::ir::Op::FMulAdd`] per
//! result lane on single- and double-precision lanes: vector FADDP, the
//! scalar pairwise FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP, the reductions
//! FMAXV/FMINV/FMAXNMV/FMINNMV, FMUL by element (vector) and FMUL/FMLA/
//! FMLS by element (scalar), and the conversions FCVTL/FCVTL2,
//! FCVTN/FCVTN2 and FCVTXN/FCVTXN2 (vector and scalar). The Arm ARM
//! defines each of them as the scalar operation (`FPAdd`, `FPMax`,
//! `FPMulAdd`, `FPConvert`, ...) on the selected
//! elements with the same FPCR and the union of their exception flags,
//! which is what the scalar operations compute, so the backend's inline
//! scalar forms (and their exact helpers for NaNs, FPCR.FZ, a non-default
//! rounding mode and the other edge cases) serve these instructions too.

use super::fp_lanes::{lane, mul_add};
use crate::cpu::state::v_offset;
use crate::frontend::{fbin_args, Ctx};
use crate::ir::{BinOp, FpOp, FpSize, Val, Width};

/// The `esize`-bit lanes (16, 32 or 64) of the 64-bit halves `halves` of
/// V[`r`], lowest first, each zero-extended.
fn lanes(cx: &mut Ctx, r: u32, esize: u32, halves: std::ops::Range<usize>) -> Vec<Val> {
    let mut out = Vec::new();
    for h in halves {
        let x = cx.b.load_state(v_offset(r as usize) + 8 * h);
        for sh in (0..64).step_by(esize as usize) {
            out.push(field(cx, x, sh, esize));
        }
    }
    out
}

/// Lane `i` of `esize` bits of V[`r`], zero-extended.
fn one_lane(cx: &mut Ctx, r: u32, esize: u32, i: u32) -> Val {
    let bit = i * esize;
    let x =
        cx.b.load_state(v_offset(r as usize) + 8 * (bit / 64) as usize);
    field(cx, x, bit % 64, esize)
}

/// The `esize` bits at bit `sh` of the 64 bits `x`, zero-extended.
fn field(cx: &mut Ctx, x: Val, sh: u32, esize: u32) -> Val {
    let y = if sh == 0 {
        x
    } else {
        let k = cx.k(u64::from(sh));
        cx.b.bin(BinOp::Lshr, Width::W64, x, k)
    };
    if sh + esize == 64 {
        y
    } else {
        cx.b.zext(y, esize)
    }
}

/// Writes the zero-extended `esize`-bit `results` to V[`d`] from bit 0,
/// zeroing the bits above them (`upper == false`), or to the upper 64 bits
/// keeping the lower ones (`upper`, one 64-bit half of results).
fn write(cx: &mut Ctx, d: u32, esize: u32, results: &[Val], upper: bool) {
    let per = (64 / esize) as usize;
    let words: Vec<Val> = results
        .chunks(per)
        .map(|c| {
            let mut w = c[0];
            for (i, &x) in c.iter().enumerate().skip(1) {
                let k = cx.k(u64::from(esize) * i as u64);
                let x = cx.b.bin(BinOp::Shl, Width::W64, x, k);
                w = cx.b.or(Width::W64, w, x);
            }
            w
        })
        .collect();
    let first = usize::from(upper);
    for (h, &w) in words.iter().enumerate() {
        cx.b.store_state(v_offset(d as usize) + 8 * (first + h), w);
    }
    if !upper {
        for h in words.len()..2 {
            let zero = cx.k(0);
            cx.b.store_state(v_offset(d as usize) + 8 * h, zero);
        }
    }
}

/// One scalar `op` on `esize`-bit operands (32 or 64).
fn fbin(cx: &mut Ctx, op: FpOp, esize: u32, a: Val, b: Val) -> Val {
    lane(cx, op, esize == 64, a, b)
}

/// Vector FADDP (and any pairwise `op`): lane `e` of the result is
/// `op(concat[2e], concat[2e + 1])` of the elements of `V[m]:V[n]`.
pub fn pairwise(cx: &mut Ctx, op: FpOp, esize: u32, q: bool, (d, n, m): (u32, u32, u32)) {
    let halves = if q { 0..2 } else { 0..1 };
    let mut concat = lanes(cx, n, esize, halves.clone());
    concat.extend(lanes(cx, m, esize, halves));
    let results: Vec<Val> = concat
        .chunks(2)
        .map(|p| fbin(cx, op, esize, p[0], p[1]))
        .collect();
    write(cx, d, esize, &results, false);
}

/// The across-lanes reductions (`count` lanes, the Arm `Reduce`: the
/// halves reduced recursively, then `op(lower, upper)`) and the scalar
/// pairwise forms (`count == 2`), the result a scalar in V[`d`].
pub fn reduce(cx: &mut Ctx, op: FpOp, esize: u32, count: u32, (d, n): (u32, u32)) {
    let halves = if count * esize > 64 { 0..2 } else { 0..1 };
    let e = lanes(cx, n, esize, halves);
    let r = tree(cx, op, esize, &e[..count as usize]);
    write(cx, d, esize, &[r], false);
}

fn tree(cx: &mut Ctx, op: FpOp, esize: u32, e: &[Val]) -> Val {
    if e.len() == 1 {
        return e[0];
    }
    let (lo, hi) = e.split_at(e.len() / 2);
    let (l, h) = (tree(cx, op, esize, lo), tree(cx, op, esize, hi));
    fbin(cx, op, esize, l, h)
}

/// FMUL by element (vector, `q` selecting 128 bits): each lane of V[`n`]
/// times lane `index` of V[`m`].
pub fn mul_elem(cx: &mut Ctx, esize: u32, q: bool, (d, n, m): (u32, u32, u32), index: u32) {
    let halves = if q { 0..2 } else { 0..1 };
    let ns = lanes(cx, n, esize, halves);
    let e = one_lane(cx, m, esize, index);
    let results: Vec<Val> = ns
        .into_iter()
        .map(|x| fbin(cx, FpOp::Mul, esize, x, e))
        .collect();
    write(cx, d, esize, &results, false);
}

/// The scalar FMUL (`fmla == None`), FMLA (`Some(false)`) and FMLS
/// (`Some(true)`) by element: lane 0 of V[`n`] and lane `index` of V[`m`]
/// (FMLA/FMLS add to lane 0 of V[`d`], FMLS negating the V[`n`] lane as
/// FMSUB does), the result a scalar in V[`d`].
pub fn scalar_elem(
    cx: &mut Ctx,
    fmla: Option<bool>,
    esize: u32,
    (d, n, m): (u32, u32, u32),
    index: u32,
) {
    let a = one_lane(cx, n, esize, 0);
    let e = one_lane(cx, m, esize, index);
    let r = match fmla {
        None => fbin(cx, FpOp::Mul, esize, a, e),
        Some(neg) => {
            let acc = one_lane(cx, d, esize, 0);
            mul_add(cx, FpSize::of(esize == 64), neg, [acc, a, e])
        }
    };
    write(cx, d, esize, &[r], false);
}

/// FCVTL/FCVTL2: the `esize`-bit lanes (16 or 32) of the lower (`upper ==
/// false`) or upper half of V[`n`], each widened to `2 * esize` bits.
pub fn widen(cx: &mut Ctx, esize: u32, upper: bool, (d, n): (u32, u32)) {
    let h = usize::from(upper);
    let src = lanes(cx, n, esize, h..h + 1);
    let (op, size) = if esize == 16 {
        (FpOp::FromHalf, FpSize::Single)
    } else {
        (FpOp::FromSingle, FpSize::Double)
    };
    let results: Vec<Val> = src.into_iter().map(|x| convert(cx, op, size, x)).collect();
    write(cx, d, 2 * esize, &results, false);
}

/// FCVTN/FCVTN2 (`odd == false`) and FCVTXN/FCVTXN2 (`odd`, `esize` 32):
/// the `2 * esize`-bit lanes of V[`n`] (`esize` 16 or 32; `scalar`: lane
/// 0 alone, FCVTXN's scalar form), each narrowed to `esize` bits, into the
/// lower half of V[`d`] (the upper one zeroed) or its upper half
/// (`upper`, the lower one kept).
pub fn narrow(
    cx: &mut Ctx,
    esize: u32,
    (odd, scalar, upper): (bool, bool, bool),
    (d, n): (u32, u32),
) {
    let mut src = lanes(cx, n, 2 * esize, 0..2);
    if scalar {
        src.truncate(1);
    }
    let (op, size) = match (esize, odd) {
        (16, _) => (FpOp::ToHalf, FpSize::Single),
        (_, false) => (FpOp::ToSingle, FpSize::Double),
        (_, true) => (FpOp::ToSingleOdd, FpSize::Double),
    };
    let results: Vec<Val> = src.into_iter().map(|x| convert(cx, op, size, x)).collect();
    write(cx, d, esize, &results, upper);
}

fn convert(cx: &mut Ctx, op: FpOp, size: FpSize, x: Val) -> Val {
    let (slow, c0, c1) = fbin_args(op, size);
    cx.b.fbin(op, size, x, x, slow, c0, c1)
}
