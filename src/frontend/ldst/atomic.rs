//! Atomic memory operations (FEAT_LSE): LDADD/LDCLR/LDEOR/LDSET/LDSMAX/
//! LDSMIN/LDUMAX/LDUMIN (and their ST* aliases, Rt = XZR), SWP, CAS and
//! CASP, every width and ordering; LDAPR (FEAT_LRCPC).
//!
//! On the x86-64 host every locked read-modify-write is a full barrier, so
//! the acquire/release variants (A, L, AL) translate like the plain ones.
//! The old value is zero-extended into Rt (Rs for CAS) at the access width.
//! Every access must be aligned to its whole size (without FEAT_LSE2); the
//! read-modify-writes count as writes in the alignment fault's syndrome.

use super::check_aligned;
use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{BinOp, RmwOp, Width};
use crate::runtime::exclusive::compare_and_swap_pair;

/// LDOP operations, indexed by opc (o3 = 0).
const LDOP: [RmwOp; 8] = [
    RmwOp::Add,
    RmwOp::Clr,
    RmwOp::Eor,
    RmwOp::Set,
    RmwOp::Smax,
    RmwOp::Smin,
    RmwOp::Umax,
    RmwOp::Umin,
];

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let (n, t) = (f.u('n'), f.u('t'));
    match op {
        Op::LDAPR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, w.bytes(), false);
            let v = cx.b.load(w, false, addr);
            cx.set_x(t, v);
        }
        Op::LDOP | Op::SWP => {
            let rmw = if op == Op::SWP {
                RmwOp::Swp
            } else {
                LDOP[f.u('o') as usize]
            };
            let w = Width::from_log2(f.u('z'));
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, w.bytes(), true);
            // Only the low `w` bits of the operand are used.
            let src = cx.x(f.u('s'));
            let old = cx.b.rmw(rmw, w, addr, src);
            cx.set_x(t, old);
        }
        Op::CAS => {
            let w = Width::from_log2(f.u('z'));
            let s = f.u('s');
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, w.bytes(), true);
            // Only the low `w` bits of either are used.
            let expected = cx.x(s);
            let new = cx.x(t);
            let old = cx.b.cas(w, addr, expected, new);
            cx.set_x(s, old);
        }
        Op::CASP => {
            let s = f.u('s');
            if s & 1 != 0 || t & 1 != 0 {
                return Err(Undefined);
            }
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, if f.b('z') { 16 } else { 8 }, true);
            if f.b('z') {
                let (ks, kt) = (cx.k(s as u64), cx.k(t as u64));
                cx.b.call(compare_and_swap_pair, &[addr, ks, kt]);
                cx.b.check_fault(cx.pc);
                cx.b.accessed(addr, 16, true, true, None);
            } else {
                // Two words as one 64-bit access, the first register at the
                // lower address.
                let expected = word_pair(cx, s);
                let new = word_pair(cx, t);
                let old = cx.b.cas(Width::W64, addr, expected, new);
                let lo = cx.b.zext(old, 32);
                let k = cx.k(32);
                let hi = cx.b.bin(BinOp::Lshr, Width::W64, old, k);
                cx.set_x(s, lo);
                cx.set_x(s + 1, hi);
            }
        }
        _ => unreachable!("{op:?} is not an atomic memory operation"),
    }
    Ok(())
}

/// `W(r+1):W(r)` as one 64-bit value.
fn word_pair(cx: &mut Ctx, r: u32) -> crate::ir::Val {
    let lo = cx.xw(r, Width::W32);
    let hi = cx.x(r + 1);
    let k = cx.k(32);
    let hi = cx.b.bin(BinOp::Shl, Width::W64, hi, k);
    cx.b.or(Width::W64, lo, hi)
}
