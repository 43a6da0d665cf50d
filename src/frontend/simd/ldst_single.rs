//! Advanced SIMD load/store single structure: LD1-LD4 / ST1-ST4 (single
//! lane) and LD1R-LD4R (load and replicate), with optional post-index.

use super::lanes::{get, set, trunc};
use super::ldst_multiple::{get_bytes, transfer, writeback};
use super::{call, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::runtime::guest_mem::GuestFault;
use crate::runtime::record_fault;

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
    let base = cx.x_sp(n);
    let addr = cx.b.guest_addr(base);
    let args = Args {
        d: f.u('d'),
        size: scale,
        q,
        imm: index | selem << 8 | (load as u32) << 12 | (replicate as u32) << 13,
        ..Args::default()
    };
    let guest = addr;
    let addr = if cx.system {
        // Every structure element of one lane (or the replicated one).
        cx.b.host_addr(addr, (selem << scale) as u8, !load)
    } else {
        addr
    };
    call(cx, helper, args, &[addr]);
    cx.b.check_fault(cx.pc);
    cx.b.accessed_vec(guest, selem << scale, load);
    if post {
        writeback(cx, n, m, base, (selem << scale) as u64);
    }
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, addr: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    // SAFETY: guest memory is identity-mapped; a guest address is a host
    // address and the guest instruction accesses exactly these bytes.
    if let Err(f) = unsafe { run(cpu, &Args::unpack(p), addr) } {
        record_fault(cpu, f);
    }
    0
}

/// Executes one single-structure load/store or load-and-replicate. A load
/// reads every byte before it writes a register.
///
/// # Safety
/// `addr` is a guest address.
pub unsafe fn run(cpu: &mut CpuState, a: &Args, addr: u64) -> Result<(), GuestFault> {
    let index = (a.imm & 0xf) as usize;
    let selem = (a.imm >> 8 & 7) as usize;
    let load = a.imm >> 12 & 1 != 0;
    let replicate = a.imm >> 13 & 1 != 0;
    let es = a.esize();
    let eb = (es / 8) as usize;
    let bits = if a.q { 128 } else { 64 };
    let mut buf = [0u8; 32];
    let buf = &mut buf[..selem * eb];
    if !load {
        for s in 0..selem {
            let t = (a.d as usize + s) % 32;
            let v = get(cpu.v[t], es, index).to_le_bytes();
            buf[s * eb..(s + 1) * eb].copy_from_slice(&v[..eb]);
        }
    }
    // SAFETY: per the contract.
    unsafe { transfer(load, addr, buf)? };
    if !load {
        return Ok(());
    }
    for s in 0..selem {
        let t = (a.d as usize + s) % 32;
        let v = get_bytes(buf, s * eb, eb);
        if replicate {
            let mut r = 0u128;
            for e in 0..(bits / es) as usize {
                set(&mut r, es, e, v);
            }
            cpu.v[t] = trunc(r, bits);
        } else {
            set(&mut cpu.v[t], es, index, v);
        }
    }
    Ok(())
}
