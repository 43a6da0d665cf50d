//! Advanced SIMD load/store multiple structures: LD1-LD4 / ST1-ST4
//! (multiple structures), with optional post-index writeback.

use super::lanes::{get, set, trunc};
use super::{call, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::Val;

/// (opcode, registers per structure group `rpt`, elements per structure `selem`).
const LAYOUTS: [(u32, u32, u32); 7] = [
    (0b0000, 1, 4),
    (0b0010, 4, 1),
    (0b0100, 1, 3),
    (0b0110, 3, 1),
    (0b0111, 1, 1),
    (0b1000, 1, 2),
    (0b1010, 2, 1),
];

pub fn translate(cx: &mut Ctx, f: &Fields) -> TResult {
    let q = f.b('Q');
    let size = f.u('s');
    let post = f.b('p');
    let m = f.u('m');
    let &(_, rpt, selem) = LAYOUTS.iter().find(|l| l.0 == f.u('o')).ok_or(Undefined)?;
    if (size == 3 && !q && selem != 1) || (!post && m != 0) {
        return Err(Undefined);
    }
    let n = f.u('n');
    let addr = cx.x_sp(n);
    let args = Args {
        d: f.u('d'),
        size,
        q,
        imm: rpt | selem << 4 | (f.u('L')) << 8,
        ..Args::default()
    };
    call(cx, helper, args, &[addr]);
    if post {
        let total = (if q { 16 } else { 8 }) * rpt * selem;
        writeback(cx, n, m, addr, total as u64);
    }
    Ok(())
}

/// Post-index writeback: Xn = addr + (Rm == 31 ? total : Xm).
pub fn writeback(cx: &mut Ctx, n: u32, m: u32, addr: Val, total: u64) {
    let off = if m == 31 { cx.k(total) } else { cx.x(m) };
    let new = cx.b.add(crate::ir::Width::W64, addr, off);
    cx.set_x_sp(n, new);
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, addr: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    // SAFETY: guest memory is identity-mapped; a guest address is a host
    // address and the guest instruction accesses exactly these bytes.
    unsafe { run(cpu, &Args::unpack(p), addr) };
    0
}

/// Reads `bytes` (1..=8) little-endian bytes at `addr`.
///
/// # Safety
/// `addr..addr + bytes` must be readable.
pub unsafe fn read_mem(addr: u64, bytes: usize) -> u64 {
    let mut buf = [0u8; 8];
    // SAFETY: the caller guarantees the source is readable; `buf` holds 8 bytes.
    unsafe { std::ptr::copy_nonoverlapping(addr as *const u8, buf.as_mut_ptr(), bytes) };
    u64::from_le_bytes(buf)
}

/// Writes the low `bytes` (1..=8) of `v` little-endian at `addr`.
///
/// # Safety
/// `addr..addr + bytes` must be writable.
pub unsafe fn write_mem(addr: u64, bytes: usize, v: u64) {
    let buf = v.to_le_bytes();
    // SAFETY: the caller guarantees the destination is writable.
    unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), addr as *mut u8, bytes) };
}

/// Executes one multiple-structure load or store at `addr`.
///
/// # Safety
/// The transferred bytes at `addr` must be accessible.
pub unsafe fn run(cpu: &mut CpuState, a: &Args, addr: u64) {
    let rpt = (a.imm & 0xf) as usize;
    let selem = (a.imm >> 4 & 0xf) as usize;
    let load = a.imm >> 8 & 1 != 0;
    let es = a.esize();
    let eb = (es / 8) as usize;
    let bits = if a.q { 128 } else { 64 };
    let elements = (bits / es) as usize;
    let mut off = 0u64;
    for r in 0..rpt {
        for e in 0..elements {
            for s in 0..selem {
                let t = (a.d as usize + r + s) % 32;
                let at = addr.wrapping_add(off);
                if load {
                    // SAFETY: see the function contract.
                    let v = unsafe { read_mem(at, eb) };
                    set(&mut cpu.v[t], es, e, v);
                } else {
                    // SAFETY: see the function contract.
                    unsafe { write_mem(at, eb, get(cpu.v[t], es, e)) };
                }
                off += eb as u64;
            }
        }
    }
    if load {
        for i in 0..rpt * selem {
            let t = (a.d as usize + i) % 32;
            cpu.v[t] = trunc(cpu.v[t], bits);
        }
    }
}
