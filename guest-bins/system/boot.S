// Start-up and exception vectors shared by the bare-metal test programs.
// _start: stack, VBAR_EL1, then main(dtb); returning from main powers off.
// Every vector saves x0-x30, ELR_EL1 and SPSR_EL1 in a struct frame on the
// SP_EL1 stack, calls handle_exception(frame, vector offset / 0x80) and
// returns with ERET, using the (possibly changed) ELR and SPSR of the frame.
// secondary_start is a PSCI CPU_ON entry point: x0 (the context ID) is
// its stack top; it sets VBAR_EL1 and calls secondary_main().

    .section .text.boot, "ax"
    .global _start
_start:
    ldr x1, =stack_top
    mov sp, x1
    adr x1, vectors
    msr vbar_el1, x1
    isb
    bl main
    bl psci_system_off
1:  b 1b

    .text
    .balign 2048
    .global vectors
vectors:
    .irp kind, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    .balign 0x80
    sub sp, sp, #(34 * 8)
    stp x0, x1, [sp]
    mov x0, #\kind
    b exception_common
    .endr

exception_common:
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    mrs x2, elr_el1
    mrs x3, spsr_el1
    stp x30, x2, [sp, #240]
    str x3, [sp, #256]
    mov x1, x0
    mov x0, sp
    bl handle_exception
    ldp x30, x2, [sp, #240]
    ldr x3, [sp, #256]
    msr elr_el1, x2
    msr spsr_el1, x3
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldp x0, x1, [sp]
    add sp, sp, #(34 * 8)
    eret

    .global secondary_start
    .weak secondary_main
secondary_start:
    mov sp, x0
    adr x1, vectors
    msr vbar_el1, x1
    isb
    bl secondary_main
1:  b 1b

    // x0 = PSCI function ID, x1-x3 arguments; result in x0.
    .global psci_call
psci_call:
    hvc #0
    ret
