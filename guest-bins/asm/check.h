// Assertion macros for the freestanding arm64 test programs (C
// preprocessor, included by asm/*.S).  A failed check writes
// "FILE:LINE: check failed" to stderr, leaves the line in x17 and executes
// BRK, so the program dies by SIGTRAP (signal 5) instead of exiting 0.
// x16 and x17 are scratch; the failure path also clobbers x0-x2 and x8.
//
// Syscall numbers (asm-generic, used by arm64): write = 64, exit = 93,
// exit_group = 94.
#define SYS_write 64
#define SYS_exit 93
#define SYS_exit_group 94

#define STR_(x) #x
#define STR(x) STR_(x)
#ifndef __FILE_NAME__
#define __FILE_NAME__ __FILE__
#endif

#define FAIL                                                                   \
    mov x0, #2;                                                                \
    adr x1, 9f;                                                                \
    mov x2, #(8f - 9f);                                                        \
    mov x8, #SYS_write;                                                        \
    svc #0;                                                                    \
    mov x17, #__LINE__;                                                        \
    brk #1;                                                                    \
    9 : .ascii __FILE_NAME__ ":" STR(__LINE__) ": check failed\n";              \
    8 : .balign 4

// Fail unless 64-bit register REG equals VALUE.  Leaves NZCV alone.
#define CHECK_EQ(reg, value)                                                   \
    ldr x16, =(value);                                                         \
    sub x16, reg, x16;                                                         \
    cbz x16, 1f;                                                               \
    FAIL;                                                                      \
    1:

// Fail unless 64-bit registers A and B are equal.  Leaves NZCV alone.
#define CHECK_REG(a, b)                                                        \
    sub x16, a, b;                                                             \
    cbz x16, 1f;                                                               \
    FAIL;                                                                      \
    1:

// REG := address of SYM (anywhere within 4 GiB).
#define ADDR(reg, sym)                                                         \
    adrp reg, sym;                                                             \
    add reg, reg, :lo12:sym

// Fail unless NZCV holds FLAGS (a 4-bit value: N=8, Z=4, C=2, V=1).
// Clobbers x16 and x17 but leaves NZCV alone.
#define CHECK_NZCV(flags)                                                      \
    mrs x16, nzcv;                                                             \
    lsr x16, x16, #28;                                                         \
    mov x17, #(flags);                                                         \
    sub x16, x16, x17;                                                         \
    cbz x16, 1f;                                                               \
    FAIL;                                                                      \
    1:

// Set NZCV to FLAGS (4-bit value as above).
#define SET_NZCV(flags)                                                        \
    mov x16, #((flags) << 28);                                                 \
    msr nzcv, x16

// Write the string at LABEL (length LEN) to stdout, then exit(0).
#define PRINT_AND_EXIT(label, len)                                             \
    mov x0, #1;                                                                \
    adr x1, label;                                                             \
    mov x2, #(len);                                                            \
    mov x8, #SYS_write;                                                        \
    svc #0;                                                                    \
    mov x0, #0;                                                                \
    mov x8, #SYS_exit;                                                         \
    svc #0
