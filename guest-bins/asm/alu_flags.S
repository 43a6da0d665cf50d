// Freestanding checks of integer data processing and the condition flags.
// Every expected value comes from the Arm ARM instruction descriptions; a
// failed check executes BRK (see check.h).  Prints "alu_flags ok".
#include "check.h"

// Evaluate condition COND for all 16 NZCV values, with CSET and with a
// conditional branch, and compare the 16-bit truth masks with MASK.
#define COND_MASK(cond, mask)                                                  \
    mov x2, #0;                                                                \
    mov x6, #0;                                                                \
    mov x3, #0;                                                                \
2:  lsl x4, x3, #28;                                                           \
    msr nzcv, x4;                                                              \
    cset x5, cond;                                                             \
    lsl x5, x5, x3;                                                            \
    orr x2, x2, x5;                                                            \
    msr nzcv, x4;                                                              \
    b.cond 3f;                                                                 \
    b 4f;                                                                      \
3:  mov x5, #1;                                                                \
    lsl x5, x5, x3;                                                            \
    orr x6, x6, x5;                                                            \
4:  add x3, x3, #1;                                                            \
    cmp x3, #16;                                                               \
    b.ne 2b;                                                                   \
    CHECK_EQ(x2, mask);                                                        \
    CHECK_EQ(x6, mask)

    .text
    .global _start
_start:
    // ---- ADDS / SUBS flags (N=8 Z=4 C=2 V=1)
    mov x0, #-1
    adds x1, x0, #1             // 0xffff_ffff_ffff_ffff + 1 = 0, carry out
    CHECK_NZCV(0b0110)
    CHECK_EQ(x1, 0)

    mov x0, #0x7fffffffffffffff
    adds x1, x0, #1             // signed overflow into the sign bit
    CHECK_NZCV(0b1001)
    CHECK_EQ(x1, 0x8000000000000000)

    mov x0, #0
    subs x1, x0, #1             // borrow: C clear
    CHECK_NZCV(0b1000)
    CHECK_EQ(x1, -1)

    mov x0, #5
    subs x1, x0, #5             // equal: Z and C set
    CHECK_NZCV(0b0110)

    mov x0, #0x8000000000000000
    subs x1, x0, #1             // INT64_MIN - 1 overflows
    CHECK_NZCV(0b0011)
    CHECK_EQ(x1, 0x7fffffffffffffff)

    mov x0, #3
    cmn x0, #3                  // 3 + 3: nothing set
    CHECK_NZCV(0b0000)
    mov x0, #-3
    cmn x0, #3                  // -3 + 3 = 0 with carry
    CHECK_NZCV(0b0110)

    // ---- 32-bit forms: flags from bit 31, upper half of Xd zeroed
    mov x1, #-1
    mov w0, #0xffffffff
    adds w1, w0, #1
    CHECK_NZCV(0b0110)
    CHECK_EQ(x1, 0)
    mov w0, #0x7fffffff
    adds w1, w0, #1
    CHECK_NZCV(0b1001)
    CHECK_EQ(x1, 0x80000000)
    mov x0, #0xffffffff00000000
    subs w1, w0, #1             // W view of x0 is 0: borrow
    CHECK_NZCV(0b1000)
    CHECK_EQ(x1, 0xffffffff)

    // ---- ADC / SBC use the carry in
    SET_NZCV(0b0010)
    adcs x1, xzr, xzr           // 0 + 0 + C
    CHECK_NZCV(0b0000)
    CHECK_EQ(x1, 1)
    SET_NZCV(0b0000)
    sbcs x1, xzr, xzr           // 0 - 0 - !C = -1
    CHECK_NZCV(0b1000)
    CHECK_EQ(x1, -1)
    SET_NZCV(0b0010)
    mov x0, #-1
    adcs x1, x0, x0             // 2^64-1 + 2^64-1 + 1 = 2^65-1
    CHECK_NZCV(0b1010)
    CHECK_EQ(x1, -1)
    SET_NZCV(0b0010)
    mov w0, #0x7fffffff
    adc w1, w0, wzr             // ADC leaves flags alone
    CHECK_NZCV(0b0010)
    CHECK_EQ(x1, 0x80000000)

    // ---- Logical ops with flags clear C and V
    SET_NZCV(0b0011)
    mov x0, #0x8000000000000000
    ands x1, x0, x0
    CHECK_NZCV(0b1000)
    SET_NZCV(0b0111)
    tst x0, #1
    CHECK_NZCV(0b0100)
    bics x1, x0, x0
    CHECK_NZCV(0b0100)
    CHECK_EQ(x1, 0)

    // ---- CCMP / CCMN
    mov x0, #7
    cmp x0, x0                  // Z=1, so "ne" is false: flags := #imm
    ccmp x0, #3, #0b1001, ne
    CHECK_NZCV(0b1001)
    cmp x0, #1                  // ne true: compare 7 with 7
    ccmp x0, #7, #0b0000, ne
    CHECK_NZCV(0b0110)
    cmp x0, #1
    ccmn x0, #7, #0b0000, ne    // 7 + 7
    CHECK_NZCV(0b0000)

    // ---- Conditional select family
    mov x0, #10
    mov x1, #20
    cmp x0, x1                  // 10 < 20: lt, cc, ne true
    csel x2, x0, x1, lt
    CHECK_EQ(x2, 10)
    csel x2, x0, x1, ge
    CHECK_EQ(x2, 20)
    csinc x2, x0, x1, eq
    CHECK_EQ(x2, 21)
    csinv x2, x0, x1, eq
    CHECK_EQ(x2, ~20)
    csneg x2, x0, x1, eq
    CHECK_EQ(x2, -20)
    cset x2, cc
    CHECK_EQ(x2, 1)
    csetm x2, hi
    CHECK_EQ(x2, 0)
    cinc x2, x0, ne
    CHECK_EQ(x2, 11)

    // ---- Every condition against every NZCV value (Arm ARM condition
    // table; bit f of the mask is the condition's value for NZCV == f)
    COND_MASK(eq, 0xf0f0)
    COND_MASK(ne, 0x0f0f)
    COND_MASK(cs, 0xcccc)
    COND_MASK(cc, 0x3333)
    COND_MASK(mi, 0xff00)
    COND_MASK(pl, 0x00ff)
    COND_MASK(vs, 0xaaaa)
    COND_MASK(vc, 0x5555)
    COND_MASK(hi, 0x0c0c)
    COND_MASK(ls, 0xf3f3)
    COND_MASK(ge, 0xaa55)
    COND_MASK(lt, 0x55aa)
    COND_MASK(gt, 0x0a05)
    COND_MASK(le, 0xf5fa)

    // ---- Shifted and extended register operands
    mov x2, #0x10
    mov x3, #-2
    add x1, x2, x3, lsl #4      // 0x10 + (-32)
    CHECK_EQ(x1, -16)
    add x1, x2, x3, asr #1      // 0x10 + (-1)
    CHECK_EQ(x1, 15)
    mov x3, #0x80
    add x1, x2, w3, sxtb #2     // 0x10 + (-128 << 2)
    CHECK_EQ(x1, 0x10 - 512)
    add x1, x2, w3, uxtb #3
    CHECK_EQ(x1, 0x10 + 0x400)
    mov x3, #0x80000000
    sub x1, x2, w3, sxtw        // 0x10 - (-2^31)
    CHECK_EQ(x1, 0x80000010)
    eor x1, x2, x3, ror #4      // ror 0x80000000 by 4 = 0x08000000
    CHECK_EQ(x1, 0x08000010)

    // ---- Move wide
    movz x1, #0x1234, lsl #48
    movk x1, #0x5678, lsl #16
    CHECK_EQ(x1, 0x1234000056780000)
    movn x1, #0xff, lsl #16
    CHECK_EQ(x1, 0xffffffffff00ffff)
    movn w1, #0
    CHECK_EQ(x1, 0xffffffff)

    // ---- Bitfield moves
    mov x0, #0xabcd
    ubfx x1, x0, #4, #8
    CHECK_EQ(x1, 0xbc)
    sbfx x1, x0, #8, #8         // 0xab sign-extended
    CHECK_EQ(x1, -0x55)
    mov x1, #-1
    bfi x1, x0, #16, #8         // insert 0xcd at bits 23:16
    CHECK_EQ(x1, 0xffffffffffcdffff)
    bfxil x1, x0, #8, #4        // bits 3:0 := 0xb
    CHECK_EQ(x1, 0xffffffffffcdfffb)
    ldr x2, =0x0123456789abcdef
    extr x1, x2, x0, #16        // (x2:x0) >> 16
    CHECK_EQ(x1, 0xcdef000000000000) // x0 >> 16 is 0
    sxtw x1, w2
    CHECK_EQ(x1, 0xffffffff89abcdef)
    uxth w1, w2
    CHECK_EQ(x1, 0xcdef)

    // ---- Multiply and divide
    mov x0, #-1
    mov x2, #3
    mul x1, x0, x2
    CHECK_EQ(x1, -3)
    umulh x1, x0, x2            // (2^64-1)*3 >> 64
    CHECK_EQ(x1, 2)
    smulh x1, x0, x2            // -3 >> 64
    CHECK_EQ(x1, -1)
    madd x1, x2, x2, x2         // 3*3 + 3
    CHECK_EQ(x1, 12)
    msub x1, x2, x2, x2         // 3 - 3*3
    CHECK_EQ(x1, -6)
    smull x1, w0, w2            // -1 * 3 (32 -> 64)
    CHECK_EQ(x1, -3)
    umull x1, w0, w2            // 0xffffffff * 3
    CHECK_EQ(x1, 0x2fffffffd)
    udiv x1, x2, xzr            // division by zero gives 0
    CHECK_EQ(x1, 0)
    mov x0, #0x8000000000000000
    mov x3, #-1
    sdiv x1, x0, x3             // INT64_MIN / -1 = INT64_MIN
    CHECK_EQ(x1, 0x8000000000000000)
    mov x0, #-7
    mov x3, #2
    sdiv x1, x0, x3             // rounds toward zero
    CHECK_EQ(x1, -3)

    PRINT_AND_EXIT(ok_msg, ok_len)

ok_msg:
    .ascii "alu_flags ok\n"
    .set ok_len, . - ok_msg
    .balign 8
    .ltorg
