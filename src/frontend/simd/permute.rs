//! Advanced SIMD permute: UZP1/UZP2, TRN1/TRN2, ZIP1/ZIP2.

use super::lanes::{concat_elem, get, set, trunc, width};
use super::{kinds, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};

kinds!(K {
    Uzp1,
    Trn1,
    Zip1,
    Uzp2,
    Trn2,
    Zip2
});

/// The permute `kind` on the operands of `f`.
pub fn translate(cx: &mut Ctx, f: &Fields, kind: K) -> TResult {
    let q = f.b('Q');
    let size = f.u('s');
    if size == 3 && !q {
        return Err(Undefined);
    }
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: f.u('m'),
        size,
        q,
        kind: kind as u32,
        ..Args::default()
    };
    use crate::ir::PermOp;
    let op = match kind {
        K::Zip1 => PermOp::Zip1,
        K::Zip2 => PermOp::Zip2,
        K::Uzp1 => PermOp::Uzp1,
        K::Uzp2 => PermOp::Uzp2,
        K::Trn1 => PermOp::Trn1,
        K::Trn2 => PermOp::Trn2,
    };
    let op = crate::ir::VecOp::Permute {
        op,
        esize: args.esize() as u8,
        q,
        vm: args.m as u8,
    };
    // The backend may run it inline; the helper is its exact definition.
    super::vec_op(cx, op, &args, helper);
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Executes one permute instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let es = a.esize();
    let el = a.elements();
    let (n, m) = (cpu.v[a.n as usize], cpu.v[a.m as usize]);
    let cat = |i: usize| concat_elem(n, m, es, el, i);
    let mut r = 0u128;
    for i in 0..el {
        let (pair, odd) = (i / 2, i % 2);
        let v = match K::from_u32(a.kind) {
            K::Uzp1 => cat(2 * i),
            K::Uzp2 => cat(2 * i + 1),
            K::Trn1 => get(if odd == 0 { n } else { m }, es, 2 * pair),
            K::Trn2 => get(if odd == 0 { n } else { m }, es, 2 * pair + 1),
            K::Zip1 => get(if odd == 0 { n } else { m }, es, pair),
            K::Zip2 => get(if odd == 0 { n } else { m }, es, el / 2 + pair),
        };
        set(&mut r, es, i, v);
    }
    cpu.v[a.d as usize] = trunc(r, width(a));
}
