//! Advanced SIMD load/store multiple structures: LD1-LD4 / ST1-ST4
//! (multiple structures), with optional post-index writeback.

use super::lanes::{get, set, trunc};
use super::Args;
use crate::arm64::encodings::simd_ldst::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::Val;
use crate::runtime::guest_mem::{self, GuestFault};
use crate::runtime::record_fault;

/// A multiple-structures form: (load, registers per structure group `rpt`,
/// elements per structure `selem`).
pub type Form = (bool, u32, u32);

/// The multiple-structures form of `op`, `None` for a single-structure one.
pub fn form(op: Op) -> Option<Form> {
    use Op::*;
    Some(match op {
        LD1_mult1 | LD1_mult1_post => (true, 1, 1),
        LD1_mult2 | LD1_mult2_post => (true, 2, 1),
        LD1_mult3 | LD1_mult3_post => (true, 3, 1),
        LD1_mult4 | LD1_mult4_post => (true, 4, 1),
        LD2_mult | LD2_mult_post => (true, 1, 2),
        LD3_mult | LD3_mult_post => (true, 1, 3),
        LD4_mult | LD4_mult_post => (true, 1, 4),
        ST1_mult1 | ST1_mult1_post => (false, 1, 1),
        ST1_mult2 | ST1_mult2_post => (false, 2, 1),
        ST1_mult3 | ST1_mult3_post => (false, 3, 1),
        ST1_mult4 | ST1_mult4_post => (false, 4, 1),
        ST2_mult | ST2_mult_post => (false, 1, 2),
        ST3_mult | ST3_mult_post => (false, 1, 3),
        ST4_mult | ST4_mult_post => (false, 1, 4),
        _ => return None,
    })
}

pub fn translate(cx: &mut Ctx, (load, rpt, selem): Form, f: &Fields) -> TResult {
    let q = f.b('Q');
    // The post-indexed forms have the Rm field.
    let post = f.has('m');
    let size = f.u('s');
    let m = if post { f.u('m') } else { 0 };
    if size == 3 && !q && selem != 1 {
        return Err(Undefined);
    }
    let n = f.u('n');
    let base = cx.x_sp(n);
    let addr = cx.b.guest_addr(base);
    if selem == 1 {
        inline_ld1_st1(cx, load, f.u('d'), rpt, q, addr);
    } else {
        let args = Args {
            d: f.u('d'),
            size,
            q,
            imm: rpt | selem << 4 | u32::from(load) << 8,
            ..Args::default()
        };
        cx.b.push(crate::ir::Op::Structs {
            load,
            q,
            esize: args.esize() as u8,
            regs: selem as u8,
            vd: args.d as u8,
            lane: None,
            addr,
            slow: helper,
            arg: args.pack(),
        });
        cx.b.check_fault(cx.pc);
    }
    if post {
        let total = (if q { 16 } else { 8 }) * rpt * selem;
        writeback(cx, n, m, base, total as u64);
    }
    Ok(())
}

/// LD1/ST1 of `rpt` consecutive registers from `d`: in little-endian
/// memory order they are plain 8- or 16-byte vector loads and stores. A
/// load of several registers first touches the first byte of its last page
/// (a no-op unless it crosses a page), so a fault comes before any register
/// is written and at the address the helper would report.
fn inline_ld1_st1(cx: &mut Ctx, load: bool, d: u32, rpt: u32, q: bool, addr: Val) {
    use crate::ir::{FlagsOp, Width};
    let bytes = if q { 16 } else { 8 };
    if load && rpt > 1 {
        let last = cx.b.add_imm(addr, (bytes * rpt - 1) as u64);
        let page = cx.k(!0xfff);
        let last_page = cx.b.and(Width::W64, last, page);
        let below = cx.b.flags(FlagsOp::Sub, Width::W64, addr, last_page, None);
        let crosses = cx.b.cond(0b0011, below); // LO: addr < last_page
        let probe = cx.b.select(crosses, last_page, addr);
        cx.b.load(Width::W8, false, probe);
    }
    for r in 0..rpt {
        let at = if r == 0 {
            addr
        } else {
            cx.b.add_imm(addr, (r * bytes) as u64)
        };
        let t = (d + r) % 32;
        if load {
            cx.b.load_vec(bytes, t, at);
        } else {
            cx.b.store_vec(bytes, t, at);
        }
    }
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
    if let Err(f) = unsafe { run(cpu, &Args::unpack(p), addr) } {
        record_fault(cpu, f);
    }
    0
}

/// Reads `buf.len()` bytes of guest memory at `addr` for a load, or writes
/// them for a store, through the fault-reporting accessors.
///
/// # Safety
/// `addr` is a guest address.
pub unsafe fn transfer(load: bool, addr: u64, buf: &mut [u8]) -> Result<(), GuestFault> {
    if load {
        // SAFETY: per the contract.
        unsafe { guest_mem::read(addr, buf) }
    } else {
        // SAFETY: per the contract.
        unsafe { guest_mem::write(addr, buf) }
    }
}

/// The `n`-byte little-endian value at `buf[at..]`.
pub fn get_bytes(buf: &[u8], at: usize, n: usize) -> u64 {
    let mut b = [0u8; 8];
    b[..n].copy_from_slice(&buf[at..at + n]);
    u64::from_le_bytes(b)
}

/// Executes one multiple-structure load or store at `addr`. A load reads
/// every byte before it writes a register, so a faulting load leaves the
/// registers as they were.
///
/// # Safety
/// `addr` is a guest address.
pub unsafe fn run(cpu: &mut CpuState, a: &Args, addr: u64) -> Result<(), GuestFault> {
    let rpt = (a.imm & 0xf) as usize;
    let selem = (a.imm >> 4 & 0xf) as usize;
    let load = a.imm >> 8 & 1 != 0;
    let es = a.esize();
    let eb = (es / 8) as usize;
    let bits = if a.q { 128 } else { 64 };
    let elements = (bits / es) as usize;
    let mut buf = [0u8; 64];
    let buf = &mut buf[..rpt * selem * elements * eb];
    // (register, element, byte offset) of every element, in memory order.
    let each =
        (0..rpt).flat_map(|r| (0..elements).flat_map(move |e| (0..selem).map(move |s| (r, e, s))));
    let slots = each
        .enumerate()
        .map(|(i, (r, e, s))| ((a.d as usize + r + s) % 32, e, i * eb));
    if load {
        // SAFETY: per the contract.
        unsafe { transfer(true, addr, buf)? };
        for (t, e, at) in slots {
            set(&mut cpu.v[t], es, e, get_bytes(buf, at, eb));
        }
        for i in 0..rpt * selem {
            let t = (a.d as usize + i) % 32;
            cpu.v[t] = trunc(cpu.v[t], bits);
        }
        Ok(())
    } else {
        for (t, e, at) in slots {
            buf[at..at + eb].copy_from_slice(&get(cpu.v[t], es, e).to_le_bytes()[..eb]);
        }
        // SAFETY: per the contract.
        unsafe { probe_write(addr, buf.len() as u64)? };
        // SAFETY: per the contract.
        unsafe { transfer(false, addr, buf) }
    }
}

/// Checks that the page holding the last of the `len` bytes at `addr` is
/// writable when they cross into it, without changing it (a compare-exchange
/// of a byte with itself writes it back unchanged), so that a store which
/// faults writes no byte, as the inline code of
/// [`Op::Structs`](crate::ir::Op::Structs) does.
///
/// # Safety
/// `addr` is a guest address.
pub unsafe fn probe_write(addr: u64, len: u64) -> Result<(), GuestFault> {
    let last = addr.wrapping_add(len - 1);
    if (addr ^ last) & !0xfff == 0 {
        return Ok(());
    }
    let page = last & !0xfff;
    // SAFETY: per the contract; a byte is always aligned.
    unsafe { guest_mem::cas(page, 1, 0, 0) }.map(|_| ())
}
