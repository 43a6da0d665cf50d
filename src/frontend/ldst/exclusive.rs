//! Load/store exclusive (LDXR/LDAXR/STXR/STLXR of B/H/W/X, LDXP/LDAXP/
//! STXP/STLXP of W/X pairs) and load-acquire/store-release (LDAR/STLR).
//!
//! The exclusive monitor lives in the CPU state: a load-exclusive records
//! the address, the size and the value it read; a store-exclusive succeeds
//! only when the monitor still covers the same address and size and memory
//! still holds the recorded value, which a runtime helper checks and
//! replaces in one host compare-and-swap. Either way the monitor is cleared
//! and the status register gets 0 on success, 1 on failure.
//!
//! Being value-based, the monitor does not notice another thread storing
//! the same value in between; the algorithms built on exclusives only care
//! about the value. Host x86-64 ordering (TSO) already gives acquire loads
//! and release-ordering among stores; a store-release adds a full fence so
//! it is not reordered with a later load-acquire.

use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};
use crate::ir::{BinOp, Fence, Val, Width};
use std::mem::offset_of;
use std::sync::atomic::{AtomicU16, AtomicU32, AtomicU64, AtomicU8, Ordering};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let (n, t) = (f.u('n'), f.u('t'));
    match op {
        Op::LDXR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.x_sp(n);
            let v = cx.b.load(w, false, addr);
            arm_monitor(cx, addr, w.bytes(), v, None);
            cx.set_x(t, v);
        }
        Op::STXR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.x_sp(n);
            let v = cx.xw(t, w);
            let size = cx.k(w.bytes() as u64);
            let status = cx.b.call(store_exclusive, &[addr, v, size]);
            cx.set_x(f.u('s'), status);
        }
        Op::LDXP => {
            let addr = cx.x_sp(n);
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
            let addr = cx.x_sp(n);
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
            cx.set_x(f.u('s'), status);
        }
        Op::LDAR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.x_sp(n);
            let v = cx.b.load(w, false, addr);
            cx.set_x(t, v);
        }
        Op::STLR => {
            let w = Width::from_log2(f.u('z'));
            let addr = cx.x_sp(n);
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

/// Clears the monitor; returns whether it covered `addr` with `size` bytes.
fn take_monitor(cpu: &mut CpuState, addr: u64, size: u64) -> bool {
    let hit = cpu.excl_addr == addr && cpu.excl_size == size;
    cpu.excl_addr = u64::MAX;
    cpu.excl_size = 0;
    hit
}

/// STXR/STLXR (and STXP/STLXP of W pairs, `size` 8): stores the low `size`
/// bytes of `val` at `addr` if the monitor allows; returns the status.
///
/// # Safety
/// `cpu` is the running thread's state; `addr` is a guest (= host) address.
unsafe extern "C" fn store_exclusive(
    cpu: *mut CpuState,
    addr: u64,
    val: u64,
    size: u64,
    _: u64,
) -> u64 {
    // SAFETY: translated code passes its own, live CPU state.
    let cpu = unsafe { &mut *cpu };
    let expected = cpu.excl_val;
    let ok = take_monitor(cpu, addr, size)
        // SAFETY: the monitor matched, so the guest just read `size` bytes
        // at `addr` with a load-exclusive.
        && unsafe { compare_and_swap(addr, size, expected, val) } == expected;
    u64::from(!ok)
}

/// STXP/STLXP of an X pair: 16 bytes, `lo` at `addr`, `hi` at `addr + 8`.
///
/// # Safety
/// As for [`store_exclusive`].
unsafe extern "C" fn store_exclusive_pair(
    cpu: *mut CpuState,
    addr: u64,
    lo: u64,
    hi: u64,
    _: u64,
) -> u64 {
    // SAFETY: translated code passes its own, live CPU state.
    let cpu = unsafe { &mut *cpu };
    let expected = u128::from(cpu.excl_val) | (u128::from(cpu.excl_val_hi) << 64);
    let new = u128::from(lo) | (u128::from(hi) << 64);
    let ok = take_monitor(cpu, addr, 16)
        // SAFETY: the monitor matched, so the guest just read 16 bytes at
        // `addr` with LDXP.
        && unsafe { compare_and_swap_128(addr, expected, new) } == expected;
    u64::from(!ok)
}

/// Atomically replaces the `size`-byte (1, 2, 4, 8) value at `addr` with the
/// low bytes of `new` if it equals the low bytes of `expected`; returns the
/// old value. A misaligned address (an alignment fault on the guest
/// architecture, not modelled yet) falls back to a non-atomic update.
///
/// # Safety
/// `addr` must be valid for reads and writes of `size` bytes.
pub(super) unsafe fn compare_and_swap(addr: u64, size: u64, expected: u64, new: u64) -> u64 {
    let ord = Ordering::SeqCst;
    if !addr.is_multiple_of(size) {
        // SAFETY: the caller guarantees the bytes are valid.
        return unsafe { compare_and_swap_plain(addr, size, expected, new) };
    }
    macro_rules! cas {
        ($atomic:ty, $int:ty) => {{
            // SAFETY: `addr` is valid per the caller and aligned to the
            // atomic's size (checked above); concurrent guest accesses to it
            // are host accesses of the same memory, which atomics tolerate.
            let a = unsafe { <$atomic>::from_ptr(addr as *mut $int) };
            let r = a.compare_exchange(expected as $int, new as $int, ord, ord);
            u64::from(r.unwrap_or_else(|v| v))
        }};
    }
    match size {
        1 => cas!(AtomicU8, u8),
        2 => cas!(AtomicU16, u16),
        4 => cas!(AtomicU32, u32),
        _ => cas!(AtomicU64, u64),
    }
}

/// Non-atomic compare-and-swap for misaligned addresses.
///
/// # Safety
/// `addr` must be valid for reads and writes of `size` bytes.
unsafe fn compare_and_swap_plain(addr: u64, size: u64, expected: u64, new: u64) -> u64 {
    let mut buf = [0u8; 8];
    let n = size as usize;
    // SAFETY: the caller guarantees `size` readable bytes at `addr`.
    unsafe { std::ptr::copy_nonoverlapping(addr as *const u8, buf.as_mut_ptr(), n) };
    let old = u64::from_le_bytes(buf);
    let mask = if n == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    };
    if old & mask == expected & mask {
        let bytes = new.to_le_bytes();
        // SAFETY: the caller guarantees `size` writable bytes at `addr`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as *mut u8, n) };
    }
    old & mask
}

/// Atomically replaces the 16 bytes at `addr` with `new` if they equal
/// `expected` (host `lock cmpxchg16b`); returns the old value. Misaligned
/// addresses (an alignment fault on the guest) fall back to a non-atomic
/// update.
///
/// # Safety
/// `addr` must be valid for reads and writes of 16 bytes.
pub(super) unsafe fn compare_and_swap_128(addr: u64, expected: u128, new: u128) -> u128 {
    if !addr.is_multiple_of(16) {
        // SAFETY: the caller guarantees 16 valid bytes at `addr`.
        return unsafe { swap_128_plain(addr, expected, new) };
    }
    let mut lo = expected as u64;
    let mut hi = (expected >> 64) as u64;
    // SAFETY: `addr` is 16-byte aligned and valid per the caller; every
    // x86-64 CPU this runs on has CMPXCHG16B. RBX is reserved by the
    // compiler, so the new low half goes through a scratch register and RBX
    // is restored afterwards.
    unsafe {
        std::arch::asm!(
            "xchg {new_lo}, rbx",
            "lock cmpxchg16b xmmword ptr [{p}]",
            "mov rbx, {new_lo}",
            p = in(reg) addr,
            new_lo = inout(reg) new as u64 => _,
            in("rcx") (new >> 64) as u64,
            inout("rax") lo,
            inout("rdx") hi,
            options(nostack),
        );
    }
    u128::from(lo) | (u128::from(hi) << 64)
}

/// Non-atomic 16-byte compare-and-swap for misaligned addresses.
///
/// # Safety
/// `addr` must be valid for reads and writes of 16 bytes.
unsafe fn swap_128_plain(addr: u64, expected: u128, new: u128) -> u128 {
    // SAFETY: the caller guarantees 16 valid bytes; unaligned access is used.
    let old = unsafe { (addr as *const u128).read_unaligned() };
    if old == expected {
        // SAFETY: as above.
        unsafe { (addr as *mut u128).write_unaligned(new) };
    }
    old
}
