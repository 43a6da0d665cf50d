//! Advanced SIMD table lookup: TBL and TBX with one to four table registers,
//! as the [`VecOp::Tbl`] the backend may run inline.

use super::lanes::{get, set, trunc};
use super::{vec_op, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};
use crate::ir::VecOp;

/// TBL, or TBX when `tbx`.
pub fn translate(cx: &mut Ctx, f: &Fields, tbx: bool) -> TResult {
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: f.u('m'),
        q: f.b('Q'),
        // Table length in registers - 1, and TBX in bit 8.
        imm: f.u('l') | u32::from(tbx) << 8,
        ..Args::default()
    };
    let op = VecOp::Tbl {
        regs: (args.imm & 3) as u8 + 1,
        tbx,
        q: args.q,
        vm: args.m as u8,
    };
    vec_op(cx, op, &args, helper);
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Executes TBL/TBX: each index byte of Vm selects a byte of the table
/// Vn, Vn+1, ... (modulo 32); out of range gives 0 (TBL) or keeps Vd (TBX).
pub fn run(cpu: &mut CpuState, a: &Args) {
    let regs = (a.imm & 3) as usize + 1;
    let tbx = a.imm >> 8 & 1 != 0;
    let table: Vec<u128> = (0..regs).map(|i| cpu.v[(a.n as usize + i) % 32]).collect();
    let idx = cpu.v[a.m as usize];
    let mut r = cpu.v[a.d as usize];
    let bytes = if a.q { 16 } else { 8 };
    for i in 0..bytes {
        let x = get(idx, 8, i) as usize;
        if x < 16 * regs {
            set(&mut r, 8, i, get(table[x / 16], 8, x % 16));
        } else if !tbx {
            set(&mut r, 8, i, 0);
        }
    }
    cpu.v[a.d as usize] = trunc(r, 8 * bytes as u32);
}
