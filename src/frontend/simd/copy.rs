//! Advanced SIMD copy: DUP (element, general), INS (general, element),
//! SMOV, UMOV, and the scalar DUP (element) (`MOV Sd, Vn.S[i]`).

use super::lanes::{self, get, set, sx};
use super::{call, kinds, Args};
use crate::arm64::encodings::simd::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};

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
    match kind {
        K::DupGen | K::InsGen => {
            let v = cx.x(f.u('n'));
            call(cx, helper, args, &[v]);
        }
        K::Smov | K::Umov => {
            let r = call(cx, helper, args, &[]);
            cx.set_x(f.u('d'), r);
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
        _ => {
            call(cx, helper, args, &[]);
        }
    }
    Ok(())
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
