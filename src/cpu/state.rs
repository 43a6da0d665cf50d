//! The architectural state of one guest thread.
//!
//! Translated code keeps a pointer to this struct in a pinned host register
//! and reaches every field through `offset_of!`, so the layout is `repr(C)`.

use std::mem::offset_of;

/// Index of the stack pointer in [`CpuState::x`]. Register number 31 means SP
/// or XZR depending on the instruction; the frontend resolves which.
pub const SP: usize = 31;

/// Why translated code returned to the dispatcher.
#[repr(u32)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// `pc` holds the next guest PC; look it up (and link it if asked).
    Lookup = 0,
    /// SVC #imm: `pc` is the instruction after the SVC.
    Svc = 1,
    /// BRK #imm: `pc` is the BRK itself, `exit_arg` the immediate.
    Brk = 2,
    /// Undefined or unimplemented instruction at `pc`; `exit_arg` is the word.
    Udf = 3,
    /// HLT / UDF family or other synchronous trap with `exit_arg`.
    Hlt = 4,
    /// IC IVAU or another event that asks to drop translations; `exit_arg` is the address.
    Invalidate = 5,
    /// An alignment fault: `exit_arg` is the misaligned address and
    /// `fault` says what was misaligned: 0 for the PC, [`ALIGN_DATA`] (with
    /// [`ALIGN_WRITE`] for a write) for a data access of the instruction
    /// at `pc`.
    Alignment = 6,
    /// Instruction fetch from an address that is not mapped executable.
    FetchFault = 7,
    /// Another party asked this thread to come back to the dispatcher (a
    /// signal arrived, or the code cache is being emptied); `pc` is the
    /// instruction boundary where the block polled (its start, or a later
    /// instruction, see [`crate::ir::Op::Poll`]), and the state is exact there.
    Interrupt = 8,
    /// A host fault on the guest's behalf, in translated code or in a
    /// helper's guest memory access: `pc` is the faulting guest
    /// instruction, `exit_arg` the fault address and `fault` the host
    /// signal number and si_code.
    Fault = 9,
    /// A debugger breakpoint: `pc` is the instruction it is set on, which
    /// has not run (see [`crate::gdb`]).
    Debug = 10,
    /// A block of the quick tier was entered as many times as it waits
    /// before being translated again at the full tier: `pc` is its start
    /// and none of it ran (see `backend::x64::Tier`). The dispatcher
    /// handles it; callers never see it.
    Promote = 11,
}

/// [`CpuState::fault`] of an [`ExitReason::Alignment`]: a data access was
/// misaligned (else the PC).
pub const ALIGN_DATA: u64 = 1;
/// With [`ALIGN_DATA`]: the access writes memory.
pub const ALIGN_WRITE: u64 = 2;

impl ExitReason {
    /// The reason stored in [`CpuState::exit_reason`].
    pub fn from_u32(r: u32) -> ExitReason {
        match r {
            0 => ExitReason::Lookup,
            1 => ExitReason::Svc,
            2 => ExitReason::Brk,
            3 => ExitReason::Udf,
            4 => ExitReason::Hlt,
            5 => ExitReason::Invalidate,
            6 => ExitReason::Alignment,
            7 => ExitReason::FetchFault,
            8 => ExitReason::Interrupt,
            10 => ExitReason::Debug,
            11 => ExitReason::Promote,
            _ => ExitReason::Fault,
        }
    }
}

/// The interrupt word of a [`CpuState`] nobody interrupts (tests, and a
/// thread before its dispatcher installs its own).
static NEVER_INTERRUPTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Guest CPU state for one thread.
#[repr(C, align(16))]
#[derive(Clone, Debug)]
pub struct CpuState {
    /// X0..X30 and SP (index 31).
    pub x: [u64; 32],
    /// Program counter of the next instruction to execute.
    pub pc: u64,
    /// NZCV in the architectural layout: N=bit 31, Z=30, C=29, V=28.
    pub nzcv: u64,
    /// The 32 SIMD&FP registers, little-endian 128-bit each.
    pub v: [u128; 32],
    /// Floating-point control register.
    pub fpcr: u64,
    /// Floating-point status register (cumulative exception bits, QC).
    pub fpsr: u64,
    /// Software thread ID register (TLS pointer).
    pub tpidr_el0: u64,
    /// Read-only thread ID register.
    pub tpidrro_el0: u64,
    /// Exclusive monitor: address of the last LDXR (or `u64::MAX` when clear).
    pub excl_addr: u64,
    /// Exclusive monitor: value seen by the last LDXR (low half for pairs).
    pub excl_val: u64,
    /// Exclusive monitor: high value for LDXP.
    pub excl_val_hi: u64,
    /// Size in bytes of the monitored access (0 when clear).
    pub excl_size: u64,
    /// Why the last run of translated code returned (an [`ExitReason`]).
    pub exit_reason: u32,
    /// Padding to keep `exit_arg` aligned.
    pub _pad: u32,
    /// Argument of the exit (BRK immediate, undefined word, ...).
    pub exit_arg: u64,
    /// Host address of the jump to patch when `exit_reason == Lookup` came
    /// from a linkable direct branch, else 0.
    pub link_site: u64,
    /// What a fault exit describes: for [`ExitReason::Fault`] the host
    /// signal and si_code as the host fault handler encodes them, for
    /// [`ExitReason::Alignment`] the `ALIGN_*` bits. Zero whenever
    /// translated code is entered; a helper whose guest memory access
    /// faulted sets it (and `exit_arg`) for the [`Op::CheckFault`] after
    /// its call.
    ///
    /// [`Op::CheckFault`]: crate::ir::Op::CheckFault
    pub fault: u64,
    /// Address of this thread's indirect-branch table (see
    /// [`super::jump_table`]), which translated code probes inline.
    pub jump_table: u64,
    /// Address of an `AtomicU32` that translated code tests at every block
    /// entry and loop back edge; non-zero makes it leave with
    /// [`ExitReason::Interrupt`].
    pub interrupt: u64,
    /// The full (tagged) address of the last guest memory access made by an
    /// instruction translated with top-byte clearing (TBI, see
    /// [`crate::ir::Builder::guest_addr`]): the fault address the guest
    /// sees when that access faults.
    pub tagged_addr: u64,
    /// PSTATE.DIT (bit 24) and PSTATE.SSBS (bit 12), in their SPSR
    /// positions; every other bit is zero. Set by MSR (immediate and
    /// register), saved and restored by signal frames.
    pub pstate: u64,
    /// NZCV as translated code writes it after a flag-setting instruction,
    /// when non-zero: the x86 flags of the host instruction that computed
    /// them, as `lahf` (AH: SF bit 15, ZF bit 14, NOT the arm64 C bit 8,
    /// bit 9 always set) and `seto al` (OF bit 0) leave them in AX, with
    /// whatever bits 16 and up held before (readers mask them off).
    /// It then overrides [`CpuState::nzcv`]; translated code zeroes it when
    /// it writes `nzcv`, and folds it into `nzcv` (zeroing it) whenever it
    /// leaves, so it is zero wherever Rust code looks at the state.
    pub nzcv_host: u64,
    /// Host stack pointer of an empty return stack: translated code runs on
    /// the host stack with `rsp` at or below it, one 16-byte entry (guest
    /// return address above the host address of the caller's continuation)
    /// per predicted call in flight. Set by the trampoline at each entry.
    pub ret_stack_base: u64,
    /// The lowest `rsp` a call may push below (the return stack's depth
    /// limit); a call finding `rsp` there empties the stack first.
    pub ret_stack_limit: u64,
    /// Spill slots of translated code (values that get no host register
    /// within a block; nothing lives in them across blocks).
    pub spill: [u64; SPILL_SLOTS],
}

/// Number of [`CpuState::spill`] slots.
pub const SPILL_SLOTS: usize = 512;

impl Default for CpuState {
    fn default() -> Self {
        CpuState {
            x: [0; 32],
            pc: 0,
            nzcv: 0,
            v: [0; 32],
            fpcr: 0,
            fpsr: 0,
            tpidr_el0: 0,
            tpidrro_el0: 0,
            excl_addr: u64::MAX,
            excl_val: 0,
            excl_val_hi: 0,
            excl_size: 0,
            exit_reason: 0,
            _pad: 0,
            exit_arg: 0,
            link_site: 0,
            fault: 0,
            jump_table: super::jump_table::shared_empty(),
            interrupt: &NEVER_INTERRUPTED as *const _ as u64,
            tagged_addr: 0,
            pstate: 0,
            nzcv_host: 0,
            ret_stack_base: 0,
            ret_stack_limit: 0,
            spill: [0; SPILL_SLOTS],
        }
    }
}

/// Byte offset of X register `n` (31 = SP) inside [`CpuState`].
pub const fn x_offset(n: usize) -> usize {
    offset_of!(CpuState, x) + 8 * n
}

/// Byte offset of V register `n` inside [`CpuState`].
pub const fn v_offset(n: usize) -> usize {
    offset_of!(CpuState, v) + 16 * n
}

impl CpuState {
    /// Reads V register `n` as its low 64 bits.
    pub fn d(&self, n: usize) -> u64 {
        self.v[n] as u64
    }

    /// Writes the low 64 bits of V register `n` and clears the upper half, as
    /// scalar FP writes do.
    pub fn set_d(&mut self, n: usize, val: u64) {
        self.v[n] = val as u128;
    }

    /// Reads V register `n` as its low 32 bits.
    pub fn s(&self, n: usize) -> u32 {
        self.v[n] as u32
    }

    /// Writes the low 32 bits of V register `n`, clearing the rest.
    pub fn set_s(&mut self, n: usize, val: u32) {
        self.v[n] = val as u128;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_stable() {
        assert_eq!(x_offset(0), 0);
        assert_eq!(x_offset(SP), 248);
        assert_eq!(offset_of!(CpuState, pc), 256);
        assert_eq!(offset_of!(CpuState, v) % 16, 0);
        assert_eq!(v_offset(1) - v_offset(0), 16);
        assert_eq!(std::mem::align_of::<CpuState>(), 16);
    }
}
