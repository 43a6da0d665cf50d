// Freestanding checks of loads and stores: sizes, sign/zero extension,
// addressing modes with writeback, pairs, unscaled, register and literal
// offsets, exclusives and byte order (little-endian).  Expected values
// follow from the Arm ARM descriptions.  Prints "loadstore ok".
#include "check.h"

    .text
    .global _start
_start:
    ADDR(x0, buf)

    // ---- Store sizes and little-endian layout
    ldr x1, =0x8877665544332211
    str x1, [x0]
    ldrb w2, [x0]
    CHECK_EQ(x2, 0x11)
    ldrb w2, [x0, #7]
    CHECK_EQ(x2, 0x88)
    ldrh w2, [x0, #2]
    CHECK_EQ(x2, 0x4433)
    ldr w2, [x0, #4]
    CHECK_EQ(x2, 0x88776655)
    mov x2, #-1
    ldr w2, [x0]                // a W load zeroes bits 63:32
    CHECK_EQ(x2, 0x44332211)

    // ---- Sign extension
    ldrsb x2, [x0, #7]
    CHECK_EQ(x2, 0xffffffffffffff88)
    ldrsb w2, [x0, #7]          // to 32 bits, upper half zero
    CHECK_EQ(x2, 0xffffff88)
    ldrsh x2, [x0, #6]
    CHECK_EQ(x2, 0xffffffffffff8877)
    ldrsw x2, [x0, #4]
    CHECK_EQ(x2, 0xffffffff88776655)
    ldrsb x2, [x0]              // 0x11 is positive
    CHECK_EQ(x2, 0x11)

    // ---- Narrow stores leave the neighbouring bytes alone
    mov w3, #0xaa
    strb w3, [x0, #1]           // 11 aa 33 44 55 66 77 88
    mov w3, #0xbbcc
    strh w3, [x0, #4]           // 11 aa 33 44 cc bb 77 88
    ldr x2, [x0]
    CHECK_EQ(x2, 0x8877bbcc4433aa11)
    ldr w3, =0x12345678
    str w3, [x0, #8]            // bytes 8..11: 78 56 34 12
    ldr x2, [x0, #8]
    CHECK_EQ(x2, 0x12345678)

    // ---- Unscaled and unaligned
    ldur x2, [x0, #1]           // bytes 1..8
    CHECK_EQ(x2, 0x788877bbcc4433aa)
    add x4, x0, #16
    ldur w2, [x4, #-9]          // bytes 7..10
    CHECK_EQ(x2, 0x34567888)
    mov x3, #0x5a5a
    stur x3, [x4, #-3]          // bytes 13..20: 5a 5a 00 ...
    ldr x2, [x0, #8]
    CHECK_EQ(x2, 0x005a5a0012345678)

    // ---- Register offsets with shift and extend
    mov x10, #1
    ldr x2, [x0, x10, lsl #3]   // bytes 8..15
    CHECK_EQ(x2, 0x005a5a0012345678)
    ldrb w2, [x0, w10, uxtw]
    CHECK_EQ(x2, 0xaa)
    add x12, x0, #8
    mov w11, #-1
    ldrb w2, [x12, w11, sxtw]   // byte 7
    CHECK_EQ(x2, 0x88)
    mov x11, #-2
    ldrh w2, [x12, x11, lsl #1] // bytes 4..5
    CHECK_EQ(x2, 0xbbcc)

    // ---- Pre- and post-index writeback
    mov x4, x0
    mov x5, #0x1111
    str x5, [x4, #24]!          // x4 = buf + 24
    add x6, x0, #24
    CHECK_REG(x4, x6)
    ldr x7, [x4], #8            // load buf+24, then x4 = buf + 32
    CHECK_EQ(x7, 0x1111)
    add x6, x0, #32
    CHECK_REG(x4, x6)
    ldr x7, [x4, #-8]!          // x4 = buf + 24
    CHECK_EQ(x7, 0x1111)
    sub x6, x6, #8
    CHECK_REG(x4, x6)
    strb w5, [x4], #-24         // byte 24 := 0x11, x4 = buf
    CHECK_REG(x4, x0)

    // ---- Pairs
    ldr x1, =0x0123456789abcdef
    stp x1, x5, [x0, #32]
    ldp x8, x9, [x0, #32]
    CHECK_REG(x8, x1)
    CHECK_EQ(x9, 0x1111)
    ldp w8, w9, [x0, #32]
    CHECK_EQ(x8, 0x89abcdef)
    CHECK_EQ(x9, 0x01234567)
    ldpsw x8, x9, [x0, #32]
    CHECK_EQ(x8, 0xffffffff89abcdef)
    CHECK_EQ(x9, 0x01234567)
    add x4, x0, #64
    stp x9, x8, [x4, #-16]!     // x4 = buf + 48
    add x6, x0, #48
    CHECK_REG(x4, x6)
    ldp x10, x11, [x4], #16     // x4 = buf + 64
    CHECK_EQ(x10, 0x01234567)
    CHECK_EQ(x11, 0xffffffff89abcdef)
    add x6, x0, #64
    CHECK_REG(x4, x6)

    // ---- The stack
    mov x6, sp
    stp x29, x30, [sp, #-16]!
    mov x29, #0x29
    str x29, [sp, #8]
    ldp x29, x30, [sp], #16
    CHECK_EQ(x30, 0x29)
    mov x7, sp
    CHECK_REG(x6, x7)

    // ---- PC-relative literals
    ldr x2, lit
    CHECK_EQ(x2, 0xfedcba9876543210)
    ldr w2, lit
    CHECK_EQ(x2, 0x76543210)
    ldrsw x2, lit + 4
    CHECK_EQ(x2, 0xfffffffffedcba98)

    // ---- Exclusives and acquire/release
    str xzr, [x0, #64]
    add x4, x0, #64
    mov x3, #3                  // three atomic increments
2:  ldxr x2, [x4]
    add x2, x2, #5
    stxr w13, x2, [x4]
    cbnz w13, 2b
    subs x3, x3, #1
    b.ne 2b
    ldr x2, [x4]
    CHECK_EQ(x2, 15)
2:  ldaxr w2, [x4]
    sub w2, w2, #16             // 15 - 16 as 32 bits
    stlxr w13, w2, [x4]
    cbnz w13, 2b
    ldr x2, [x4]
    CHECK_EQ(x2, 0xffffffff)
    mov x3, #0x77
    stlr x3, [x4]
    ldar x2, [x4]
    CHECK_EQ(x2, 0x77)

    PRINT_AND_EXIT(ok_msg, ok_len)

    .balign 8
lit:
    .quad 0xfedcba9876543210
ok_msg:
    .ascii "loadstore ok\n"
    .set ok_len, . - ok_msg
    .balign 8
    .ltorg

    .data
    .balign 16
buf:
    .zero 128
