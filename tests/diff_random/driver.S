// Batch driver of the random differential tester (tests/diff_random).
// Built once per run; each batch is a binary file on stdin (layout in
// layout.rs, which must agree with the offsets below): the driver maps a
// fixed region, reads the file into it, runs every case's slot (the case's
// instruction with a prologue and two exits) and writes one 1024-byte state
// record per case to stdout. A signal in a slot is recorded (signo, si_code,
// si_addr) and the case resumes at its dump, so faults never end the batch.
//
// Region at SEC (fixed, so addresses match under emu-user and qemu):
//   +0x0000 exit stubs (copied from .text, then read-only)
//   +0x1000 guard page, +0x2000 scratch page, +0x3000 guard page
//   +0x8000 batch file (at most 48 MiB), +0x3000000 signal stack (16 KiB,
//   out of reach of scratch-relative addresses: its contents differ between
//   emulators), +0x4000000 output
.equ SEC,      0x1000000000
.equ SCRATCH,  SEC + 0x2000
.equ FILE,     SEC + 0x8000
.equ OUT,      SEC + 0x4000000
.equ SIZE,     0x8000000
.equ REC,      792
// vars (.bss): +0 idx, +8 n, +16 signo, +24 si_code, +32 si_addr,
// +40 taken, +48 record base, +56 slot base, +64 flushed up to,
// +72 output cursor, +80 a case is live (signals belong to it),
// +88 PSTATE bits the CPU has (bit 0 DIT, bit 1 SSBS with its register).
//
// The NZCV word of the input and output records carries PSTATE.DIT (bit
// 24) and PSTATE.SSBS (bit 12) too when the ID registers announce them
// (ID_AA64PFR0_EL1.DIT >= 1, ID_AA64PFR1_EL1.SSBS >= 2): every case starts
// from its input's values and its record shows what it left.

.text
.global _start
_start:
    ldr x0, =SEC
    ldr x1, =SIZE
    mov x2, #3
    mov x3, #0x22
    mov x4, #-1
    mov x5, #0
    mov x8, #222
    svc #0
    ldr x1, =SEC
    cmp x0, x1
    b.ne fail
    adr x1, stubs
    ldp q0, q1, [x1]
    stp q0, q1, [x0]
    ldp q0, q1, [x1, #32]
    stp q0, q1, [x0, #32]
    ldp q0, q1, [x1, #64]
    stp q0, q1, [x0, #64]
    ldp q0, q1, [x1, #96]
    stp q0, q1, [x0, #96]
    ldr x0, =SEC
    mov x1, #0x1000
    mov x2, #5
    bl protect
    ldr x0, =SEC + 0x1000
    mov x1, #0x1000
    mov x2, #0
    bl protect
    ldr x0, =SEC + 0x3000
    mov x1, #0x1000
    mov x2, #0
    bl protect
    sub sp, sp, #64
    ldr x0, =SEC + 0x3000000
    str x0, [sp]
    str xzr, [sp, #8]
    mov x0, #0x4000
    str x0, [sp, #16]
    mov x0, sp
    mov x1, #0
    mov x8, #132
    svc #0
    cbnz x0, fail
    adr x0, handler
    str x0, [sp]
    ldr x0, =0x0c000004          // SA_SIGINFO | SA_RESTORER | SA_ONSTACK
    str x0, [sp, #8]
    adr x0, restorer
    str x0, [sp, #16]
    str xzr, [sp, #24]
    mov x0, #4                    // SIGILL
    bl catch
    mov x0, #5                    // SIGTRAP
    bl catch
    mov x0, #7                    // SIGBUS
    bl catch
    mov x0, #8                    // SIGFPE
    bl catch
    mov x0, #11                   // SIGSEGV
    bl catch
    ldr x20, =FILE
    ldr x21, =SEC + 0x3000000
1:  mov x0, #0
    mov x1, x20
    sub x2, x21, x20
    mov x8, #63
    svc #0
    cmp x0, #0
    b.lt fail
    b.eq 2f
    add x20, x20, x0
    b 1b
2:  ldr x0, =FILE                 // the batch file becomes read-only code
    sub x1, x20, x0
    add x1, x1, #4095
    and x1, x1, #~4095
    mov x2, #5
    bl protect
    ldr x19, =FILE
    ldr x9, =vars
    mrs x0, id_aa64pfr0_el1
    ubfx x0, x0, #48, #4
    cmp x0, #0
    cset x2, ne                   // DIT
    mrs x0, id_aa64pfr1_el1
    ubfx x0, x0, #4, #4
    cmp x0, #2
    cset x0, hs                   // SSBS with MRS/MSR SSBS
    orr x2, x2, x0, lsl #1
    str x2, [x9, #88]
    ldr x1, [x19]
    stp xzr, x1, [x9]
    add x2, x19, #64
    add x2, x2, #4096             // slots
    add x3, x2, x1, lsl #5        // records
    stp x3, x2, [x9, #48]
    ldr x0, =OUT
    stp x0, x0, [x9, #64]
    add x1, x19, #64              // pristine scratch contents
    ldr x2, =SCRATCH
    mov x3, #0
3:  ldr q0, [x1, x3]
    str q0, [x2, x3]
    add x3, x3, #16
    cmp x3, #4096
    b.lo 3b

next:
    ldr x9, =vars
    ldp x0, x1, [x9]
    cmp x0, x1
    b.hs finish
    stp xzr, xzr, [x9, #16]
    stp xzr, xzr, [x9, #32]
    ldp x3, x2, [x9, #48]
    add x2, x2, x0, lsl #5        // this case's slot
    mov x4, #REC
    madd x30, x0, x4, x3          // and its input record
    mov x4, #1
    str x4, [x9, #80]
    msr tpidr_el0, x2             // no state from the previous case
    clrex
    ldp q0, q1, [x30, #0]
    ldp q2, q3, [x30, #32]
    ldp q4, q5, [x30, #64]
    ldp q6, q7, [x30, #96]
    ldp q8, q9, [x30, #128]
    ldp q10, q11, [x30, #160]
    ldp q12, q13, [x30, #192]
    ldp q14, q15, [x30, #224]
    ldp q16, q17, [x30, #256]
    ldp q18, q19, [x30, #288]
    ldp q20, q21, [x30, #320]
    ldp q22, q23, [x30, #352]
    ldp q24, q25, [x30, #384]
    ldp q26, q27, [x30, #416]
    ldp q28, q29, [x30, #448]
    ldp q30, q31, [x30, #480]
    add x30, x30, #512
    ldp x0, x1, [x30]
    ldr x3, =vars
    ldr x3, [x3, #88]
    tbz x3, #0, 20f
    msr s3_3_c4_c2_5, x0          // msr dit, x0: the input's bit 24
20: tbz x3, #1, 21f
    msr s3_3_c4_c2_6, x0          // msr ssbs, x0: the input's bit 12
21: msr nzcv, x0
    mov sp, x1
    ldr x0, [x30, #16]
    msr fpcr, x0
    msr fpsr, xzr
    add x30, x30, #32
    ldp x0, x1, [x30, #0]
    ldp x2, x3, [x30, #16]
    ldp x4, x5, [x30, #32]
    ldp x6, x7, [x30, #48]
    ldp x8, x9, [x30, #64]
    ldp x10, x11, [x30, #80]
    ldp x12, x13, [x30, #96]
    ldp x14, x15, [x30, #112]
    ldp x16, x17, [x30, #128]
    ldp x18, x19, [x30, #144]
    ldp x20, x21, [x30, #160]
    ldp x22, x23, [x30, #176]
    ldp x24, x25, [x30, #192]
    ldp x26, x27, [x30, #208]
    ldp x28, x29, [x30, #224]
    ldr x30, [x30, #240]
    br x30

// Entered from a slot's exit stub (or a signal handler's resume) with the
// case's x0 in TPIDR_EL0 and every other register as the case left it.
dump:
    ldr x0, =vars
    str xzr, [x0, #80]
    ldr x0, [x0, #72]
    stp x1, x2, [x0, #8]
    stp x3, x4, [x0, #24]
    stp x5, x6, [x0, #40]
    stp x7, x8, [x0, #56]
    stp x9, x10, [x0, #72]
    stp x11, x12, [x0, #88]
    stp x13, x14, [x0, #104]
    stp x15, x16, [x0, #120]
    stp x17, x18, [x0, #136]
    stp x19, x20, [x0, #152]
    stp x21, x22, [x0, #168]
    stp x23, x24, [x0, #184]
    stp x25, x26, [x0, #200]
    stp x27, x28, [x0, #216]
    stp x29, x30, [x0, #232]
    mrs x1, tpidr_el0
    str x1, [x0]
    mov x1, sp
    str x1, [x0, #248]
    mrs x1, nzcv
    ldr x2, =vars
    ldr x2, [x2, #88]
    tbz x2, #0, 22f
    mrs x3, s3_3_c4_c2_5          // mrs x3, dit
    orr x1, x1, x3
22: tbz x2, #1, 23f
    mrs x3, s3_3_c4_c2_6          // mrs x3, ssbs
    orr x1, x1, x3
23: str x1, [x0, #256]
    mrs x1, fpsr
    str x1, [x0, #264]
    add x1, x0, #272
    stp q0, q1, [x1, #0]
    stp q2, q3, [x1, #32]
    stp q4, q5, [x1, #64]
    stp q6, q7, [x1, #96]
    stp q8, q9, [x1, #128]
    stp q10, q11, [x1, #160]
    stp q12, q13, [x1, #192]
    stp q14, q15, [x1, #224]
    stp q16, q17, [x1, #256]
    stp q18, q19, [x1, #288]
    stp q20, q21, [x1, #320]
    stp q22, q23, [x1, #352]
    stp q24, q25, [x1, #384]
    stp q26, q27, [x1, #416]
    stp q28, q29, [x1, #448]
    stp q30, q31, [x1, #480]
    msr fpcr, xzr
    msr fpsr, xzr
    ldr x9, =vars
    ldp x2, x3, [x9, #16]
    str x2, [x0, #784]
    str x3, [x0, #792]
    ldp x2, x3, [x9, #32]
    str x2, [x0, #800]
    str x3, [x0, #808]
    str xzr, [x0, #816]
    ldp x1, x2, [x9]
    ldr x3, [x9, #48]
    mov x4, #REC
    madd x3, x1, x4, x3
    ldr x4, [x3, #536]            // case flags: bit 0 = compare the scratch page
    tbz x4, #0, 5f
    ldr x5, =SCRATCH
    ldr x6, =FILE + 64
    mov x7, #0
    mov x10, #0
4:  add x13, x5, x7
    ldp x11, x12, [x13]
    add x14, x6, x7
    ldp x15, x16, [x14]
    cmp x11, x15
    ccmp x12, x16, #0, eq
    b.eq 6f
    cmp x10, #8
    b.hs 7f
    mov x17, #24
    madd x17, x10, x17, x0
    add x17, x17, #824
    str x7, [x17]
    stp x11, x12, [x17, #8]
7:  add x10, x10, #1
    stp x15, x16, [x13]           // restore the pristine contents
6:  add x7, x7, #16
    cmp x7, #4096
    b.lo 4b
    str x10, [x0, #816]
5:  add x0, x0, #1024
    str x0, [x9, #72]
    add x1, x1, #1
    str x1, [x9]
    tst x1, #63
    b.ne next
    bl flush
    b next

finish:
    bl flush
    mov x0, #0
    mov x8, #93
    svc #0

// write(1, output[flushed..cursor]); leaf, keeps nothing.
flush:
    ldr x9, =vars
    ldp x1, x2, [x9, #64]
8:  cmp x1, x2
    b.hs 9f
    mov x0, #1
    sub x2, x2, x1
    mov x8, #64
    svc #0
    cmp x0, #0
    b.le fail
    ldp x1, x2, [x9, #64]
    add x1, x1, x0
    str x1, [x9, #64]
    b 8b
9:  ret

protect:
    mov x8, #226
    svc #0
    cbnz x0, fail
    ret

catch:
    mov x1, sp
    mov x2, #0
    mov x3, #8
    mov x8, #134
    svc #0
    cbnz x0, fail
    ret

fail:
    mov x0, #3
    mov x8, #93
    svc #0

// Signal handler: record the signal and resume at the case's dump. A
// signal while no case is live is the driver's own: exit 4.
handler:
    ldr x3, =vars
    ldr x4, [x3, #80]
    cbz x4, 10f
    str x0, [x3, #16]
    ldrsw x4, [x1, #8]
    str x4, [x3, #24]
    ldr x4, [x1, #16]
    str x4, [x3, #32]
    ldr x4, =SEC
    str x4, [x2, #440]
    ret
10: mov x0, #4
    mov x8, #93
    svc #0

restorer:
    mov x8, #139
    svc #0

// The two exits every slot branches to, copied to SEC: +0 not taken (or a
// signal's resume), +32 taken (sets VARS.taken).
.balign 64
stubs:
    msr tpidr_el0, x0
    ldr x0, 11f
    br x0
    nop
11: .quad dump
    .balign 32
    msr tpidr_el0, x0
    ldr x0, 13f
    str x0, [x0, #40]
    ldr x0, 12f
    br x0
    nop
12: .quad dump
13: .quad vars
.ltorg

.bss
.balign 64
vars: .skip 128
