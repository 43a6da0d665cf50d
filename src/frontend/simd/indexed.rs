//! Advanced SIMD vector and scalar x indexed element: MUL/MLA/MLS,
//! SQDMULH/SQRDMULH, FMUL/FMULX/FMLA/FMLS and the long forms
//! (SMULL/UMULL/SMLAL/UMLAL/SMLSL/UMLSL/SQDMULL/SQDMLAL/SQDMLSL) by
//! element. The element is replicated and the same-type or different-type
//! operation run on it.

use super::lanes::{broadcast, get};
use super::three_diff::K as D;
use super::three_same::K as S;
use super::{call, three_diff, three_same, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};

/// Set in [`Args::kind`] when the kind is a three-different one.
const DIFF: u32 = 1 << 11;

enum Kind {
    Same(S),
    Diff(D),
}

fn decode(u: bool, opc: u32) -> Option<(Kind, bool)> {
    use Kind::*;
    // (kind, floating point)
    Some(match (u, opc) {
        (false, 0b1000) => (Same(S::Mul), false),
        (true, 0b0000) => (Same(S::Mla), false),
        (true, 0b0100) => (Same(S::Mls), false),
        (false, 0b1100) => (Same(S::Qdmulh), false),
        (false, 0b1101) => (Same(S::Qrdmulh), false),
        (_, 0b0010) => (Diff(D::Mlal), false),
        (_, 0b0110) => (Diff(D::Mlsl), false),
        (_, 0b1010) => (Diff(D::Mull), false),
        (false, 0b0011) => (Diff(D::Qdmlal), false),
        (false, 0b0111) => (Diff(D::Qdmlsl), false),
        (false, 0b1011) => (Diff(D::Qdmull), false),
        (false, 0b0001) => (Same(S::Fmla), true),
        (false, 0b0101) => (Same(S::Fmls), true),
        (false, 0b1001) => (Same(S::Fmul), true),
        (true, 0b1001) => (Same(S::Fmulx), true),
        _ => return None,
    })
}

pub fn translate(cx: &mut Ctx, f: &Fields, scalar: bool) -> TResult {
    let u = f.b('U');
    let q = scalar || f.b('Q');
    let size = f.u('s');
    let (h, l, mbit) = (f.u('H'), f.u('L'), f.u('M'));
    let (kind, fp) = decode(u, f.u('o')).ok_or(Undefined)?;
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
        Kind::Same(k) => {
            if scalar && !matches!(k, S::Qdmulh | S::Qrdmulh) && !fp {
                return Err(Undefined);
            }
            k as u32
        }
        Kind::Diff(k) => {
            if scalar && !matches!(k, D::Qdmlal | D::Qdmlsl | D::Qdmull) {
                return Err(Undefined);
            }
            DIFF | k as u32
        }
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
