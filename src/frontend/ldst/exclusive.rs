//! Load/store exclusive (LDXR/LDAXR/STXR/STLXR of B/H/W/X, LDXP/LDAXP/
//! STXP/STLXP of W/X pairs) and load-acquire/store-release (LDAR/STLR, and
//! FEAT_LOR's LDLAR/STLLR, which order the same with no LORegions).
//!
//! The exclusive monitor lives in the CPU state: a load-exclusive records
//! the address, the size and the value it read; a store-exclusive checks
//! and replaces it in one host compare-and-swap: STXR is an
//! [`Op::StoreExcl`](crate::ir::Op::StoreExcl), which the x86-64 backend
//! emits inline (`lock cmpxchg`), STXP a runtime helper
//! ([`crate::runtime::exclusive`]). A whole retry loop of W or X
//! exclusives (LDXR, an ADD/SUB/AND/ORR/EOR or nothing, STXR, CBNZ back)
//! is translated as one atomic read-modify-write instead
//! ([`super::excl_loop`]).
//!
//! Without FEAT_LSE2 (which emu does not announce) every one of these
//! accesses must be aligned to its whole size (both registers of a pair):
//! a misaligned address is an alignment fault before any memory effect
//! ([`check_aligned`]).
//!
//! Being value-based, the monitor does not notice another thread storing
//! the same value in between; the algorithms built on exclusives only care
//! about the value. Host x86-64 ordering (TSO) already gives acquire loads
//! and release-ordering among stores; a store-release adds a full fence so
//! it is not reordered with a later load-acquire.

use super::check_aligned;
use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};
use crate::ir::{BinOp, Fence, Val, Width};
use crate::runtime::exclusive::{store_exclusive, store_exclusive_pair};
use std::mem::offset_of;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let (n, t) = (f.u('n'), f.u('t'));
    match op {
        Op::LDXR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, w.bytes(), false);
            let v = cx.b.load(w, false, addr);
            arm_monitor(cx, addr, w.bytes(), v, None);
            cx.set_x(t, v);
        }
        Op::STXR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, w.bytes(), true);
            let v = cx.xw(t, w);
            let status = cx.b.store_excl(w, addr, v);
            cx.b.check_fault(cx.pc);
            cx.b.accessed(addr, w.bytes(), false, true, Some(status));
            cx.set_x(f.u('s'), status);
        }
        Op::LDXP => {
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, if f.b('z') { 16 } else { 8 }, false);
            let u = f.u('u');
            if f.b('z') {
                let lo = cx.b.load(Width::W64, false, addr);
                let addr_hi = cx.b.add_imm(addr, 8);
                let hi = cx.b.load(Width::W64, false, addr_hi);
                arm_monitor(cx, addr, 16, lo, Some(hi));
                cx.set_x(t, lo);
                cx.set_x(u, hi);
            } else {
                // One 64-bit access holding both words, first at the lower address.
                let v = cx.b.load(Width::W64, false, addr);
                arm_monitor(cx, addr, 8, v, None);
                let lo = cx.b.zext(v, 32);
                let k = cx.k(32);
                let hi = cx.b.bin(BinOp::Lshr, Width::W64, v, k);
                cx.set_x(t, lo);
                cx.set_x(u, hi);
            }
        }
        Op::STXP => {
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, if f.b('z') { 16 } else { 8 }, true);
            let status = if f.b('z') {
                let lo = cx.x(t);
                let hi = cx.x(f.u('u'));
                cx.b.call(store_exclusive_pair, &[addr, lo, hi])
            } else {
                let lo = cx.xw(t, Width::W32);
                let hi = cx.x(f.u('u'));
                let k = cx.k(32);
                let hi = cx.b.bin(BinOp::Shl, Width::W64, hi, k);
                let v = cx.b.or(Width::W64, lo, hi);
                let size = cx.k(8);
                cx.b.call(store_exclusive, &[addr, v, size])
            };
            cx.b.check_fault(cx.pc);
            let bytes = if f.b('z') { 16 } else { 8 };
            cx.b.accessed(addr, bytes, false, true, Some(status));
            cx.set_x(f.u('s'), status);
        }
        Op::LDAR | Op::LDLAR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, w.bytes(), false);
            let v = cx.b.load(w, false, addr);
            cx.set_x(t, v);
        }
        Op::STLR | Op::STLLR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.mem_base(n);
            check_aligned(cx, addr, w.bytes(), true);
            let v = cx.x(t);
            cx.b.store(w, addr, v);
            cx.b.fence(Fence::Full);
        }
        _ => unreachable!("{op:?} is not an exclusive or ordered load/store"),
    }
    Ok(())
}

/// Records a load-exclusive in the monitor.
fn arm_monitor(cx: &mut Ctx, addr: Val, bytes: u32, lo: Val, hi: Option<Val>) {
    cx.b.store_state(offset_of!(CpuState, excl_addr), addr);
    cx.b.store_state(offset_of!(CpuState, excl_val), lo);
    if let Some(hi) = hi {
        cx.b.store_state(offset_of!(CpuState, excl_val_hi), hi);
    }
    let k = cx.k(bytes as u64);
    cx.b.store_state(offset_of!(CpuState, excl_size), k);
}
