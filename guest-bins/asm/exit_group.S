// exit_group(300): the parent sees the status modulo 256, 300 & 0xff = 44.
#include "check.h"

    .text
    .global _start
_start:
    mov x0, #300
    mov x8, #SYS_exit_group
    svc #0
    brk #0                      // not reached
