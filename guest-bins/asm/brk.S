// BRK raises a breakpoint exception, which Linux delivers as SIGTRAP (5).
#include "check.h"

    .text
    .global _start
_start:
    mov x0, #1
    adr x1, msg
    mov x2, #msg_len
    mov x8, #SYS_write
    svc #0
    brk #0x123
    mov x0, #0                  // not reached
    mov x8, #SYS_exit
    svc #0

msg:
    .ascii "before brk\n"
    .set msg_len, . - msg
