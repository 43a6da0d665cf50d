//! Runtime helpers of the exclusive and atomic instructions that are not a
//! single IR operation: store-exclusive (STXR/STLXR, STXP/STLXP) and the
//! X-pair compare-and-swap (CASP). Translated code has already checked the
//! alignment (a misaligned address is an alignment fault before these run),
//! so every access is one host atomic instruction through
//! [`guest_mem`](super::guest_mem); a fault is recorded in the CPU state for
//! the [`Op::CheckFault`](crate::ir::Op::CheckFault) that follows the call.
//!
//! The exclusive monitor lives in the CPU state: a load-exclusive records
//! the address, the size and the value it read; a store-exclusive succeeds
//! only when the monitor still covers the same address and size and memory
//! still holds the recorded value, which one host compare-and-swap checks
//! and replaces. Either way the monitor is cleared and the status is 0 on
//! success, 1 on failure.

use super::guest_mem;
use super::record_fault;
use crate::cpu::CpuState;

/// Clears the monitor; returns whether it covered `addr` with `size` bytes.
fn take_monitor(cpu: &mut CpuState, addr: u64, size: u64) -> bool {
    let hit = cpu.excl_addr == addr && cpu.excl_size == size;
    cpu.excl_addr = u64::MAX;
    cpu.excl_size = 0;
    hit
}

/// STXR/STLXR (and STXP/STLXP of W pairs, `size` 8): stores the low `size`
/// bytes of `val` at `addr` (a multiple of `size`) if the monitor allows;
/// returns the status.
///
/// # Safety
/// `cpu` is the running thread's state; `addr` is a guest address.
pub unsafe extern "C" fn store_exclusive(
    cpu: *mut CpuState,
    addr: u64,
    val: u64,
    size: u64,
    _: u64,
) -> u64 {
    // SAFETY: translated code passes its own, live CPU state.
    let cpu = unsafe { &mut *cpu };
    let expected = cpu.excl_val;
    if !take_monitor(cpu, addr, size) {
        return 1;
    }
    // SAFETY: a guest address, aligned (checked by translated code).
    match unsafe { guest_mem::cas(addr, size, expected, val) } {
        Ok(old) => u64::from(old != expected),
        Err(f) => {
            record_fault(cpu, f);
            1
        }
    }
}

/// STXP/STLXP of an X pair: 16 bytes, `lo` at `addr`, `hi` at `addr + 8`.
///
/// # Safety
/// As for [`store_exclusive`].
pub unsafe extern "C" fn store_exclusive_pair(
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
    if !take_monitor(cpu, addr, 16) {
        return 1;
    }
    // SAFETY: a guest address, 16-byte aligned (checked by translated code).
    match unsafe { guest_mem::cas128(addr, expected, new) } {
        Ok(old) => u64::from(old != expected),
        Err(f) => {
            record_fault(cpu, f);
            1
        }
    }
}

/// CASP/CASPA/CASPL/CASPAL of X pairs: compares the 16 bytes at `addr`
/// with X(s+1):X(s), stores X(t+1):X(t) if equal, and loads the old value
/// into X(s), X(s+1). Register 31 reads as zero and is not written.
///
/// # Safety
/// `cpu` is the running thread's state; `addr` is a 16-byte aligned guest
/// address.
pub unsafe extern "C" fn compare_and_swap_pair(
    cpu: *mut CpuState,
    addr: u64,
    s: u64,
    t: u64,
    _: u64,
) -> u64 {
    // SAFETY: translated code passes its own, live CPU state.
    let cpu = unsafe { &mut *cpu };
    let reg = |cpu: &CpuState, r: u64| if r == 31 { 0 } else { cpu.x[r as usize] };
    let pair =
        |cpu: &CpuState, r: u64| u128::from(reg(cpu, r)) | (u128::from(reg(cpu, r + 1)) << 64);
    let expected = pair(cpu, s);
    let new = pair(cpu, t);
    // SAFETY: a guest address, 16-byte aligned (checked by translated code).
    match unsafe { guest_mem::cas128(addr, expected, new) } {
        Ok(old) => {
            for (r, v) in [(s, old as u64), (s + 1, (old >> 64) as u64)] {
                if r != 31 {
                    cpu.x[r as usize] = v;
                }
            }
        }
        Err(f) => record_fault(cpu, f),
    }
    0
}
