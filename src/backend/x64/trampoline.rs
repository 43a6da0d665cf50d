//! The entry/exit trampoline between the dispatcher (Rust) and translated code.

use super::emit::{Asm, OFF_LINK, OFF_PC, OFF_REASON, OFF_RET_BASE, OFF_RET_LIMIT};
use super::emit_nzcv::{ARCH_BITS, HOST_BITS, HOST_NOT_C, HOST_SPREAD, OFF_NZCV, OFF_NZCV_HOST};
use super::regalloc::PINNED;
use crate::cpu::state::x_offset;
use crate::cpu::ExitReason;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi, VecAssembler};

/// Bytes the trampoline reserves below the saved registers: the return
/// stack's sentinel entry (16 bytes) plus 8 to keep `rsp` 16-byte aligned
/// inside translated code.
const FRAME: i32 = 24;

/// Most return-stack entries in flight (16 bytes of host stack each, see
/// `emit_term`).
pub const RET_STACK_ENTRIES: i32 = 512;

/// Guest return address of the sentinel entry at the base of the return
/// stack: misaligned, so no return target equals it but one the
/// dispatcher rejects with an alignment fault, which its host address (an
/// exit asking the dispatcher to look the target up) leads to.
const SENTINEL: i32 = 1;

/// Where the shared exit stub starts, in bytes before the exit label. A
/// block leaves through it with the guest pc in rax, its link site in rcx
/// (0: none) and the exit reason in edx: the stub stores the three and
/// falls into the exit, so that each of a block's exits is a few bytes of
/// register loads and a jump, not three stores of its own.
pub const EXIT_STUB_BACK: u64 = 21;

/// Where the trampoline's two NZCV routines start, in bytes before the exit
/// label: `call`ed by quick-tier blocks, each converts the host flags after
/// an addition (0) or a subtraction (1) to the architectural NZCV in eax,
/// as `Emitter::nzcv_to_eax` does inline.
pub const NZCV_BACK: [u64; 2] = [
    EXIT_STUB_BACK + 2 * NZCV_ROUTINE,
    EXIT_STUB_BACK + NZCV_ROUTINE,
];

/// Length of one NZCV routine.
const NZCV_ROUTINE: u64 = 33;

/// Machine code of the trampoline and the offset of its exit label.
pub struct Trampoline {
    pub code: Vec<u8>,
    /// Offset of the code that translated blocks jump to when they leave.
    pub exit_offset: usize,
}

/// Assembles the trampoline for base address `base`. The entry (offset 0)
/// has the C signature `fn(state: *mut CpuState, code: *const u8)`; it saves
/// the callee-saved registers, sets up `r15`, loads the pinned guest
/// registers (`regalloc::PINNED`) and sets up an empty return stack
/// (`CpuState::ret_stack_base`), and jumps to `code`. Translated code leaves
/// through the exit label, which stores the pinned guest registers, drops
/// the return stack and returns to the caller of the entry, after folding
/// NZCV kept in host form (`CpuState::nzcv_host`) into `CpuState::nzcv`.
pub fn build(base: u64) -> Trampoline {
    let mut a: Asm = VecAssembler::new(base as usize);
    let sentinel = a.new_dynamic_label();
    let exit = a.new_dynamic_label();
    let stub = a.new_dynamic_label();
    let arch = a.new_dynamic_label();
    let depth = 16 * RET_STACK_ENTRIES;
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
    );
    for (g, h) in PINNED {
        let off = x_offset(g as usize) as i32;
        dynasm!(a ; .arch x64 ; mov Rq(h), QWORD [r15 + off]);
    }
    dynasm!(a
        ; .arch x64
        ; lea rax, [=>sentinel]
        ; mov QWORD [rsp], rax
        ; mov QWORD [rsp + 8], SENTINEL
        ; mov QWORD [r15 + OFF_RET_BASE], rsp
        ; lea rax, [rsp - depth]
        ; mov QWORD [r15 + OFF_RET_LIMIT], rax
        ; jmp rsi
    );
    let routines = a.offset().0;
    for sub in [false, true] {
        super::emit_alu::nzcv_to_eax_inline(&mut a, sub);
        dynasm!(a ; .arch x64 ; ret);
    }
    let stub_offset = a.offset().0;
    assert_eq!(
        (stub_offset - routines) as u64,
        2 * NZCV_ROUTINE,
        "the NZCV routines' length"
    );
    dynasm!(a
        ; .arch x64
        ; =>stub
        ; mov QWORD [r15 + OFF_PC], rax
        ; mov QWORD [r15 + OFF_LINK], rcx
        ; mov DWORD [r15 + OFF_REASON], edx
    );
    let exit_offset = a.offset().0;
    assert_eq!(
        (exit_offset - stub_offset) as u64,
        EXIT_STUB_BACK,
        "the exit stub's length"
    );
    dynasm!(a
        ; .arch x64
        ; =>exit
    );
    for (g, h) in PINNED {
        let off = x_offset(g as usize) as i32;
        dynasm!(a ; .arch x64 ; mov QWORD [r15 + off], Rq(h));
    }
    dynasm!(a
        ; .arch x64
        ; mov rax, QWORD [r15 + OFF_NZCV_HOST]
        ; test rax, rax
        ; jz =>arch
        ; xor eax, HOST_NOT_C
        ; and eax, HOST_BITS
        ; imul eax, eax, HOST_SPREAD
        ; and eax, ARCH_BITS
        ; mov QWORD [r15 + OFF_NZCV], rax
        ; mov QWORD [r15 + OFF_NZCV_HOST], 0
        ; =>arch
        ; mov rsp, QWORD [r15 + OFF_RET_BASE]
        ; add rsp, FRAME
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbp
        ; pop rbx
        ; ret
        // A return to the sentinel's guest address, which is then the
        // target (the return compared it in whatever register held it).
        ; =>sentinel
        ; mov eax, SENTINEL
        ; xor ecx, ecx
        ; mov edx, ExitReason::Lookup as i32
        ; jmp =>stub
    );
    Trampoline {
        code: a.finalize().expect("labels resolve"),
        exit_offset,
    }
}
