// Instruction fetch from memory that is not mapped executable faults: the
// program copies a RET onto its (non-executable) stack and branches to it.
// On arm64 Linux the branch raises SIGSEGV before anything else is printed.
#include "check.h"

    .text
    .global _start
_start:
    // write(1, "before\n", 7)
    mov x0, #1
    adr x1, msg
    mov x2, #7
    mov x8, #SYS_write
    svc #0
    sub sp, sp, #16
    ldr w0, ret_insn
    str w0, [sp]
    mov x1, sp
    blr x1                      // SIGSEGV here: the stack is not executable
    // Reached only if the stack was executed: say so and exit 0.
    mov x0, #1
    adr x1, oops
    mov x2, #19
    mov x8, #SYS_write
    svc #0
    mov x0, #0
    mov x8, #SYS_exit_group
    svc #0

ret_insn:
    ret
msg:
    .ascii "before\n"
oops:
    .ascii "executed the stack\n"
