//! The entry/exit trampoline between the dispatcher (Rust) and translated code.

use super::emit::Asm;
use super::regalloc::SPILL_SLOTS;
use dynasmrt::{dynasm, DynasmApi, VecAssembler};

/// Bytes the trampoline reserves below the saved registers: the spill slots
/// plus 8 to keep `rsp` 16-byte aligned inside translated code.
const FRAME: i32 = (SPILL_SLOTS * 8 + 8) as i32;

/// Machine code of the trampoline and the offset of its exit label.
pub struct Trampoline {
    pub code: Vec<u8>,
    /// Offset of the code that translated blocks jump to when they leave.
    pub exit_offset: usize,
}

/// Assembles the trampoline for base address `base`. The entry (offset 0)
/// has the C signature `fn(state: *mut CpuState, code: *const u8)`; it saves
/// the callee-saved registers, sets up `r15` and the spill frame, and jumps to
/// `code`. Translated code leaves through the exit label, which returns to the
/// caller of the entry.
pub fn build(base: u64) -> Trampoline {
    let mut a: Asm = VecAssembler::new(base as usize);
    dynasm!(a
        ; .arch x64
        ; push rbx
        ; push rbp
        ; push r12
        ; push r13
        ; push r14
        ; push r15
        ; sub rsp, FRAME
        ; mov r15, rdi
        ; jmp rsi
    );
    let exit_offset = a.offset().0;
    dynasm!(a
        ; .arch x64
        ; add rsp, FRAME
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbp
        ; pop rbx
        ; ret
    );
    Trampoline {
        code: a.finalize().expect("no labels"),
        exit_offset,
    }
}
