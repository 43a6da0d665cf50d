//! Advanced SIMD vector and scalar x indexed element: MUL/MLA/MLS,
//! SQDMULH/SQRDMULH, FMUL/FMULX/FMLA/FMLS and the long forms
//! (SMULL/UMULL/SMLAL/UMLAL/SMLSL/UMLSL/SQDMULL/SQDMLAL/SQDMLSL) by
//! element. The element is replicated and the same-type or different-type
//! operation run on it.

use super::lanes::{broadcast, get};
use super::three_diff::K as D;
use super::three_same::K as S;
use super::{call, three_diff, three_same, Args};
use crate::arm64::encodings::simd_elem::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{VFpOp, VecOp};

/// Set in [`Args::kind`] when the kind is a three-different one.
const DIFF: u32 = 1 << 11;

enum Kind {
    Same(S),
    Diff(D),
}

/// The operation of each form and whether it is floating point.
fn form(op: Op) -> (Kind, bool) {
    use Kind::*;
    use Op::*;
    match op {
        MUL_elem => (Same(S::Mul), false),
        MLA_elem => (Same(S::Mla), false),
        MLS_elem => (Same(S::Mls), false),
        SQDMULH_elem | SQDMULH_selem => (Same(S::Qdmulh), false),
        SQRDMULH_elem | SQRDMULH_selem => (Same(S::Qrdmulh), false),
        SMLAL_elem | UMLAL_elem => (Diff(D::Mlal), false),
        SMLSL_elem | UMLSL_elem => (Diff(D::Mlsl), false),
        SMULL_elem | UMULL_elem => (Diff(D::Mull), false),
        SQDMLAL_elem | SQDMLAL_selem => (Diff(D::Qdmlal), false),
        SQDMLSL_elem | SQDMLSL_selem => (Diff(D::Qdmlsl), false),
        SQDMULL_elem | SQDMULL_selem => (Diff(D::Qdmull), false),
        FMLA_elem | FMLA_elem_h | FMLA_selem | FMLA_selem_h => (Same(S::Fmla), true),
        FMLS_elem | FMLS_elem_h | FMLS_selem | FMLS_selem_h => (Same(S::Fmls), true),
        FMUL_elem | FMUL_elem_h | FMUL_selem | FMUL_selem_h => (Same(S::Fmul), true),
        FMULX_elem | FMULX_elem_h | FMULX_selem | FMULX_selem_h => (Same(S::Fmulx), true),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let scalar = super::is_scalar(f);
    let u = super::u_bit(f);
    let q = scalar || f.b('Q');
    let (kind, fp) = form(op);
    // The size field; the floating-point forms fix size<1> (sz in `z`), the
    // half-precision ones all of it.
    let size = match (fp, f.has('z')) {
        (false, _) => f.u('s'),
        (true, true) => 2 | f.u('z'),
        (true, false) => 0,
    };
    let (h, l, mbit) = (f.u('H'), f.u('L'), f.u('M'));
    let rm4 = f.u('m');
    let (esize, index, m) = if fp {
        match size {
            // Half precision (FEAT_FP16): Rm is four bits, the index H:L:M.
            0 => (1, h << 2 | l << 1 | mbit, rm4),
            2 => (2, h << 1 | l, mbit << 4 | rm4),
            3 if l == 0 && q => (3, h, mbit << 4 | rm4),
            _ => return Err(Undefined),
        }
    } else {
        match size {
            1 => (1, h << 2 | l << 1 | mbit, rm4),
            2 => (2, h << 1 | l, mbit << 4 | rm4),
            _ => return Err(Undefined),
        }
    };
    let kind = match kind {
        Kind::Same(k) => k as u32,
        Kind::Diff(k) => DIFF | k as u32,
    };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m,
        size: esize,
        // The long scalar forms read element 0 of Vn, not the upper half.
        q: if scalar { kind & DIFF == 0 } else { f.b('Q') },
        scalar,
        kind,
        imm: u as u32 | index << 8,
    };
    // FMLA/FMLS/FMUL/FMULX by element on half-precision vectors and
    // scalars: an Op::Vec the backend may run inline.
    let half = (fp && esize == 1 && kind & DIFF == 0)
        .then(|| three_same::half_op(S::from_u32(kind)))
        .flatten();
    if let Some(op) = half {
        let op = VecOp::Half {
            op,
            q: args.q && !scalar,
            scalar,
            vm: m as u8,
            elem: Some(index as u8),
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    // FMLA/FMLS by element on single or double lanes: one Op::FMulAdd a lane.
    let fmla = [S::Fmla as u32, S::Fmls as u32].contains(&kind);
    if fp && esize >= 2 && !scalar && fmla {
        let (lanes, neg) = ((args.d, args.n, m), kind == S::Fmls as u32);
        super::fp_lanes::fmla(cx, neg, 8 << esize, args.q, lanes, Some(index));
        return Ok(());
    }
    // FMUL by element on single or double lanes (vector) and scalar FMUL,
    // FMLA, FMLS by element: one Op::FBin or Op::FMulAdd a lane.
    if fp && esize >= 2 && kind == S::Fmul as u32 && !scalar {
        let lanes = (args.d, args.n, m);
        super::fp_pairs::mul_elem(cx, 8 << esize, args.q, lanes, index);
        return Ok(());
    }
    if fp && esize >= 2 && scalar && (fmla || kind == S::Fmul as u32) {
        let neg = kind == S::Fmls as u32;
        let lanes = (args.d, args.n, m);
        super::fp_pairs::scalar_elem(cx, fmla.then_some(neg), 8 << esize, lanes, index);
        return Ok(());
    }
    // FMULX by element on single or double lanes (vector and scalar): an
    // Op::Vec the backend may run inline.
    if fp && esize >= 2 && kind == S::Fmulx as u32 {
        let op = VecOp::Fp {
            op: VFpOp::MulxElem { elem: index as u8 },
            double: esize == 3,
            q: args.q && !scalar,
            scalar,
            vm: m as u8,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    // SMULL/UMULL, SMLAL/UMLAL, SMLSL/UMLSL by element: an Op::Vec the
    // backend may run inline.
    let long = (!fp && !scalar && kind & DIFF != 0)
        .then(|| three_diff::long_acc(D::from_u32(kind & !DIFF)))
        .flatten();
    if let Some(acc) = long {
        let op = VecOp::MulLongElem {
            signed: !u,
            esize: 8 << esize,
            upper: args.q,
            acc,
            vm: m as u8,
            elem: index as u8,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    // SQDMULL/SQDMLAL/SQDMLSL by element (vector and scalar): an Op::Vec
    // the backend may run inline.
    let q_mull = (!fp && kind & DIFF != 0)
        .then(|| three_diff::qdmull_acc(D::from_u32(kind & !DIFF)))
        .flatten();
    if let Some(acc) = q_mull {
        let op = VecOp::Qdmull {
            esize: 8 << esize,
            upper: args.q,
            scalar,
            acc,
            vm: m as u8,
            elem: Some(index as u8),
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    // SQDMULH/SQRDMULH by element: an Op::Vec the backend may run inline.
    let q_mulh = (!fp && kind & DIFF == 0)
        .then(|| three_same::qdmulh(S::from_u32(kind), &args, Some(index as u8)))
        .flatten();
    if let Some(op) = q_mulh {
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    let same = (!fp && !scalar && kind & DIFF == 0)
        .then(|| three_same::inline_op(S::from_u32(kind)))
        .flatten();
    match same {
        Some(op) => super::vbin(cx, op, &args, Some(index as u8), helper),
        None => {
            call(cx, helper, args, &[]);
        }
    }
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Executes one by-element instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let es = a.esize();
    let e = get(cpu.v[a.m as usize], es, (a.imm >> 8) as usize);
    let mv = broadcast(e, es);
    let mut a2 = *a;
    a2.imm &= 1;
    if a.kind & DIFF != 0 {
        a2.kind &= !DIFF;
        three_diff::run(cpu, &a2, mv);
    } else {
        three_same::run(cpu, &a2, mv);
    }
}
