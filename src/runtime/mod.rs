//! What translated code calls at run time and that touches guest memory:
//! the guest memory accessors ([`guest_mem`]), whose faults the host fault
//! handler turns into guest faults, and the helpers built on them.
//!
//! Below the frontend (which names the helpers in the IR it emits) and the
//! Linux layer (whose fault handler recognises the accessors); it depends
//! only on [`crate::cpu`].

pub mod exclusive;
pub mod soft_tlb;
pub use emu_syscalls::guest_access as guest_mem;

use crate::cpu::CpuState;
use guest_mem::GuestFault;

/// Records a helper's guest memory fault in the CPU state, for the
/// [`Op::CheckFault`](crate::ir::Op::CheckFault) after the helper's call.
pub fn record_fault(cpu: &mut CpuState, f: GuestFault) {
    cpu.exit_arg = f.addr;
    cpu.fault = f.word;
}
