//! Advanced SIMD copy: DUP (element, general), INS (general, element),
//! SMOV, UMOV, and the scalar DUP (element) (`MOV Sd, Vn.S[i]`). DUP
//! (element) is an [`Op::Vec`](crate::ir::Op::Vec); the others are plain
//! IR on the 64-bit halves of the V registers in the CPU state.

use super::lanes::{self, get, mask, set, sx};
use super::{kinds, Args};
use crate::arm64::encodings::simd::Op;
use crate::arm64::Fields;
use crate::cpu::state::v_offset;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{BinOp, UnOp, Val, Width};

kinds!(K {
    DupElem,
    DupGen,
    InsGen,
    Smov,
    Umov,
    InsElem
});

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let imm5 = f.u('i');
    let scalar = op == Op::DUP_elem_s;
    let q = !scalar && super::q_bit(f);
    if imm5 & 0xf == 0 {
        return Err(Undefined);
    }
    let size = imm5.trailing_zeros();
    let index = imm5 >> (size + 1);
    let mut args = Args {
        d: f.u('d'),
        n: f.u('n'),
        size,
        q: q || scalar,
        scalar,
        imm: index,
        ..Args::default()
    };
    let kind = match op {
        Op::DUP_elem_s => K::DupElem,
        Op::DUP_elem if size < 3 || q => K::DupElem,
        Op::DUP_gen if size < 3 || q => K::DupGen,
        Op::INS_gen => K::InsGen,
        Op::SMOV if size < 2 || (q && size == 2) => K::Smov,
        Op::UMOV if (!q && size < 3) || (q && size == 3) => K::Umov,
        Op::INS_elem => {
            args.imm = index | (f.u('j') >> size) << 8;
            K::InsElem
        }
        _ => return Err(Undefined),
    };
    args.kind = kind as u32;
    let es = args.esize();
    match kind {
        K::DupGen => {
            // The element times 0x0101... (for its size) fills 64 bits.
            let x = cx.xw(f.u('n'), Width::from_log2(size));
            let rep = cx.k(u64::MAX / mask(es));
            let v = cx.b.bin(BinOp::Mul, Width::W64, x, rep);
            let hi = if q { v } else { cx.k(0) };
            let d = v_offset(args.d as usize);
            cx.b.store_state(d, v);
            cx.b.store_state(d + 8, hi);
        }
        K::InsGen => {
            let x = cx.x(f.u('n'));
            insert(cx, args.d, es, index, x);
        }
        K::Smov | K::Umov => {
            let e = extract(cx, args.n, es, index);
            let r = if kind == K::Umov {
                e
            } else {
                let w = Width::from_log2(size);
                let sext = [UnOp::Sext8, UnOp::Sext16, UnOp::Sext32][w as usize / 2];
                let v = cx.b.un(sext, Width::W64, e);
                if q {
                    v
                } else {
                    cx.b.zext(v, 32)
                }
            };
            cx.set_x(f.u('d'), r);
        }
        K::InsElem => {
            let e = extract(cx, args.n, es, f.u('j') >> size);
            insert(cx, args.d, es, index, e);
        }
        K::DupElem => {
            let op = crate::ir::VecOp::Dup {
                esize: args.esize() as u8,
                q,
                scalar,
                idx: index as u8,
            };
            super::vec_op(cx, op, &args, helper);
        }
    }
    Ok(())
}

/// The CPU-state offset of the 64 bits of V`v` that hold element `idx` of
/// `es` bits, and the element's bit position in them.
fn elem_at(v: u32, es: u32, idx: u32) -> (usize, u32) {
    let bit = idx * es;
    (v_offset(v as usize) + (bit / 64 * 8) as usize, bit % 64)
}

/// Element `idx` (of `es` bits) of V`v`, zero-extended.
pub(super) fn extract(cx: &mut Ctx, v: u32, es: u32, idx: u32) -> Val {
    let (off, sh) = elem_at(v, es, idx);
    let mut e = cx.b.load_state(off);
    if sh > 0 {
        let k = cx.k(sh as u64);
        e = cx.b.bin(BinOp::Lshr, Width::W64, e, k);
    }
    if es < 64 {
        e = cx.b.zext(e, es);
    }
    e
}

/// Writes the low `es` bits of `x` to element `idx` of V`v`, keeping the
/// other elements.
pub(super) fn insert(cx: &mut Ctx, v: u32, es: u32, idx: u32, x: Val) {
    let (off, sh) = elem_at(v, es, idx);
    let new = if es == 64 {
        x
    } else {
        let old = cx.b.load_state(off);
        let keep = cx.k(!(mask(es) << sh));
        let old = cx.b.and(Width::W64, old, keep);
        let mut e = cx.b.zext(x, es);
        if sh > 0 {
            let k = cx.k(sh as u64);
            e = cx.b.bin(BinOp::Shl, Width::W64, e, k);
        }
        cx.b.or(Width::W64, old, e)
    };
    cx.b.store_state(off, new);
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, x: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p), x)
}

/// Executes one copy instruction; `x` is the general-register operand.
/// Returns the value for SMOV/UMOV.
pub fn run(cpu: &mut CpuState, a: &Args, x: u64) -> u64 {
    let es = a.esize();
    let idx = (a.imm & 0xff) as usize;
    let (n, d) = (a.n as usize, a.d as usize);
    match K::from_u32(a.kind) {
        K::DupElem => {
            let e = get(cpu.v[n], es, idx);
            lanes::map1(cpu, a, |_, _| e);
        }
        K::DupGen => lanes::map1(cpu, a, |_, _| x),
        K::InsGen => set(&mut cpu.v[d], es, idx, x),
        K::InsElem => {
            let e = get(cpu.v[n], es, (a.imm >> 8) as usize);
            set(&mut cpu.v[d], es, idx, e);
        }
        K::Umov => return get(cpu.v[n], es, idx),
        K::Smov => {
            let v = sx(get(cpu.v[n], es, idx), es) as u64;
            return if a.q { v } else { v & 0xffff_ffff };
        }
    }
    0
}
