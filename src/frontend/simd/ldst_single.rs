//! Advanced SIMD load/store single structure: LD1-LD4 / ST1-ST4 (single
//! lane) and LD1R-LD4R (load and replicate), with optional post-index.

use super::copy::{extract, insert};
use super::lanes::{get, mask, set, trunc};
use super::ldst_multiple::{get_bytes, probe_write, transfer, writeback};
use super::Args;
use crate::arm64::encodings::simd_ldst::Op;
use crate::arm64::Fields;
use crate::cpu::state::v_offset;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};
use crate::ir::{BinOp, Val, Width};
use crate::runtime::guest_mem::GuestFault;
use crate::runtime::record_fault;

/// What a single-structure form transfers.
#[derive(Copy, Clone)]
enum Elem {
    /// One lane of 1 << n bytes.
    Lane(u32),
    /// One element replicated to every lane (LDnR), its size from `s`.
    Replicate,
}

/// The single-structure form of `op`: (load, elements per structure,
/// element).
fn form(op: Op) -> (bool, u32, Elem) {
    use Elem::*;
    use Op::*;
    match op {
        LD1_single_b | LD1_single_b_post => (true, 1, Lane(0)),
        LD1_single_h | LD1_single_h_post => (true, 1, Lane(1)),
        LD1_single_s | LD1_single_s_post => (true, 1, Lane(2)),
        LD1_single_d | LD1_single_d_post => (true, 1, Lane(3)),
        LD2_single_b | LD2_single_b_post => (true, 2, Lane(0)),
        LD2_single_h | LD2_single_h_post => (true, 2, Lane(1)),
        LD2_single_s | LD2_single_s_post => (true, 2, Lane(2)),
        LD2_single_d | LD2_single_d_post => (true, 2, Lane(3)),
        LD3_single_b | LD3_single_b_post => (true, 3, Lane(0)),
        LD3_single_h | LD3_single_h_post => (true, 3, Lane(1)),
        LD3_single_s | LD3_single_s_post => (true, 3, Lane(2)),
        LD3_single_d | LD3_single_d_post => (true, 3, Lane(3)),
        LD4_single_b | LD4_single_b_post => (true, 4, Lane(0)),
        LD4_single_h | LD4_single_h_post => (true, 4, Lane(1)),
        LD4_single_s | LD4_single_s_post => (true, 4, Lane(2)),
        LD4_single_d | LD4_single_d_post => (true, 4, Lane(3)),
        ST1_single_b | ST1_single_b_post => (false, 1, Lane(0)),
        ST1_single_h | ST1_single_h_post => (false, 1, Lane(1)),
        ST1_single_s | ST1_single_s_post => (false, 1, Lane(2)),
        ST1_single_d | ST1_single_d_post => (false, 1, Lane(3)),
        ST2_single_b | ST2_single_b_post => (false, 2, Lane(0)),
        ST2_single_h | ST2_single_h_post => (false, 2, Lane(1)),
        ST2_single_s | ST2_single_s_post => (false, 2, Lane(2)),
        ST2_single_d | ST2_single_d_post => (false, 2, Lane(3)),
        ST3_single_b | ST3_single_b_post => (false, 3, Lane(0)),
        ST3_single_h | ST3_single_h_post => (false, 3, Lane(1)),
        ST3_single_s | ST3_single_s_post => (false, 3, Lane(2)),
        ST3_single_d | ST3_single_d_post => (false, 3, Lane(3)),
        ST4_single_b | ST4_single_b_post => (false, 4, Lane(0)),
        ST4_single_h | ST4_single_h_post => (false, 4, Lane(1)),
        ST4_single_s | ST4_single_s_post => (false, 4, Lane(2)),
        ST4_single_d | ST4_single_d_post => (false, 4, Lane(3)),
        LD1R | LD1R_post => (true, 1, Replicate),
        LD2R | LD2R_post => (true, 2, Replicate),
        LD3R | LD3R_post => (true, 3, Replicate),
        LD4R | LD4R_post => (true, 4, Replicate),
        _ => unreachable!("{op:?} is a multiple-structures form"),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let q = f.b('Q');
    let (load, selem, elem) = form(op);
    // The post-indexed forms have the Rm field.
    let post = f.has('m');
    let m = if post { f.u('m') } else { 0 };
    // S (bit 12) and size (bits 11..10), which the lane forms fix in part,
    // give the lane index.
    let (s, size) = (f.word >> 12 & 1, f.word >> 10 & 3);
    let qv = q as u32;
    let (scale, replicate, index) = match elem {
        Elem::Replicate => (size, true, 0),
        Elem::Lane(0) => (0, false, qv << 3 | s << 2 | size),
        Elem::Lane(1) => (1, false, qv << 2 | s << 1 | size >> 1),
        Elem::Lane(2) => (2, false, qv << 1 | s),
        Elem::Lane(_) => (3, false, qv),
    };
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
    if load || selem == 1 {
        inline(cx, &args, selem, replicate, addr);
        if post {
            writeback(cx, n, m, base, (selem << scale) as u64);
        }
        return Ok(());
    }
    // ST2-ST4 of one lane: an Op::Structs of one element of each register.
    cx.b.push(crate::ir::Op::Structs {
        load: false,
        q,
        esize: args.esize() as u8,
        regs: selem as u8,
        vd: args.d as u8,
        lane: Some(index as u8),
        addr,
        slow: helper,
        arg: args.pack(),
    });
    cx.b.check_fault(cx.pc);
    if post {
        writeback(cx, n, m, base, (selem << scale) as u64);
    }
    Ok(())
}

/// A single-structure access as plain IR: one load or store per element
/// (for plugins, one vector access of all their bytes).
/// A load reads every element before it writes a register, so a fault
/// leaves the registers as they were; a store has one element (ST2-ST4 of
/// one lane, whose elements could be split by a fault, are an
/// [`Op::Structs`](crate::ir::Op::Structs), which checks a second page
/// writable first).
fn inline(cx: &mut Ctx, a: &Args, selem: u32, replicate: bool, addr: Val) {
    let es = a.esize();
    let w = Width::from_log2(a.size);
    let index = a.imm & 0xf;
    let load = a.imm >> 12 & 1 != 0;
    // Reported to plugins as one vector access of every element's bytes.
    cx.b.access_vec_in_parts(addr, selem * es / 8, load, selem as u8);
    if !load {
        let e = extract(cx, a.d, es, index);
        cx.b.store(w, addr, e);
        return;
    }
    let elems: Vec<Val> = (0..selem)
        .map(|s| {
            let at = if s == 0 {
                addr
            } else {
                cx.b.add_imm(addr, u64::from(s * es / 8))
            };
            cx.b.load(w, false, at)
        })
        .collect();
    for (s, x) in elems.into_iter().enumerate() {
        let t = (a.d + s as u32) % 32;
        if replicate {
            // The element times 0x0101... (for its size) fills 64 bits.
            let v = if es == 64 {
                x
            } else {
                let rep = cx.k(u64::MAX / mask(es));
                cx.b.bin(BinOp::Mul, Width::W64, x, rep)
            };
            let hi = if a.q { v } else { cx.k(0) };
            let d = v_offset(t as usize);
            cx.b.store_state(d, v);
            cx.b.store_state(d + 8, hi);
        } else {
            insert(cx, t, es, index, x);
        }
    }
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
/// reads every byte before it writes a register; a store that faults
/// writes no byte (a second page is checked writable first).
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
        // A store that faults writes no byte.
        // SAFETY: per the contract.
        unsafe { probe_write(addr, buf.len() as u64)? };
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
