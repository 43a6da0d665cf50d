//! Advanced SIMD extract: EXT.

use super::lanes::trunc;
use super::Args;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};

pub fn translate(cx: &mut Ctx, f: &Fields) -> TResult {
    let q = f.b('Q');
    let pos = f.u('i');
    if !q && pos >= 8 {
        return Err(Undefined);
    }
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: f.u('m'),
        q,
        imm: pos,
        ..Args::default()
    };
    let op = crate::ir::VecOp::Ext {
        q,
        vm: args.m as u8,
        imm: pos as u8,
    };
    super::vec_op(cx, op, &args, helper);
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Vd = bytes `pos..pos + datasize/8` of the concatenation Vm:Vn.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let bits = if a.q { 128 } else { 64 };
    let (n, m) = (
        trunc(cpu.v[a.n as usize], bits),
        trunc(cpu.v[a.m as usize], bits),
    );
    let sh = 8 * a.imm;
    let r = if sh == 0 {
        n
    } else {
        (n >> sh) | (m << (bits - sh))
    };
    cpu.v[a.d as usize] = trunc(r, bits);
}
