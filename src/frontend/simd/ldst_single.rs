//! Advanced SIMD load/store single structure: LD1-LD4 / ST1-ST4 (single
//! lane) and LD1R-LD4R (load and replicate), with optional post-index.

use super::lanes::{get, set, trunc};
use super::ldst_multiple::{read_mem, write_mem, writeback};
use super::{call, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};

pub fn translate(cx: &mut Ctx, f: &Fields) -> TResult {
    let q = f.b('Q');
    let load = f.b('L');
    let post = f.b('p');
    let m = f.u('m');
    let opcode = f.u('o');
    let (s, size) = (f.u('S'), f.u('s'));
    let qv = q as u32;
    let selem = ((opcode & 1) << 1 | f.u('R')) + 1;
    let mut scale = opcode >> 1;
    let mut replicate = false;
    let index = match scale {
        3 => {
            if !load || s == 1 {
                return Err(Undefined);
            }
            scale = size;
            replicate = true;
            0
        }
        0 => qv << 3 | s << 2 | size,
        1 if size & 1 == 0 => qv << 2 | s << 1 | size >> 1,
        2 if size & 2 == 0 && size & 1 == 0 => qv << 1 | s,
        2 if size == 1 && s == 0 => {
            scale = 3;
            qv
        }
        _ => return Err(Undefined),
    };
    if !post && m != 0 {
        return Err(Undefined);
    }
    let n = f.u('n');
    let addr = cx.x_sp(n);
    let args = Args {
        d: f.u('d'),
        size: scale,
        q,
        imm: index | selem << 8 | (load as u32) << 12 | (replicate as u32) << 13,
        ..Args::default()
    };
    call(cx, helper, args, &[addr]);
    if post {
        writeback(cx, n, m, addr, (selem << scale) as u64);
    }
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, addr: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    // SAFETY: guest memory is identity-mapped; a guest address is a host
    // address and the guest instruction accesses exactly these bytes.
    unsafe { run(cpu, &Args::unpack(p), addr) };
    0
}

/// Executes one single-structure load/store or load-and-replicate.
///
/// # Safety
/// The transferred bytes at `addr` must be accessible.
pub unsafe fn run(cpu: &mut CpuState, a: &Args, addr: u64) {
    let index = (a.imm & 0xf) as usize;
    let selem = (a.imm >> 8 & 7) as usize;
    let load = a.imm >> 12 & 1 != 0;
    let replicate = a.imm >> 13 & 1 != 0;
    let es = a.esize();
    let eb = (es / 8) as usize;
    let bits = if a.q { 128 } else { 64 };
    for s in 0..selem {
        let t = (a.d as usize + s) % 32;
        let at = addr.wrapping_add((s * eb) as u64);
        if replicate {
            // SAFETY: see the function contract.
            let v = unsafe { read_mem(at, eb) };
            let mut r = 0u128;
            for e in 0..(bits / es) as usize {
                set(&mut r, es, e, v);
            }
            cpu.v[t] = trunc(r, bits);
        } else if load {
            // SAFETY: see the function contract.
            let v = unsafe { read_mem(at, eb) };
            set(&mut cpu.v[t], es, index, v);
        } else {
            // SAFETY: see the function contract.
            unsafe { write_mem(at, eb, get(cpu.v[t], es, index)) };
        }
    }
}
