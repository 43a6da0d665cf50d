// Freestanding arm64 Linux program: write "Hello from arm64!\n" to stdout
// with the write syscall, then exit with status 0.
// Syscall numbers (asm-generic, used by arm64): write = 64, exit = 93.

    .text
    .global _start
_start:
    mov     x0, #1              // fd = stdout
    adr     x1, msg             // buf
    mov     x2, #msg_len        // count
    mov     x8, #64             // __NR_write
    svc     #0
    mov     x0, #0              // status
    mov     x8, #93             // __NR_exit
    svc     #0

msg:
    .ascii  "Hello from arm64!\n"
    .set    msg_len, . - msg
