// A freestanding program whose instruction, block, memory and syscall
// counts are known exactly, for the plugin tests (tests/plugins.rs):
// 61 instructions; four blocks: _start (8 instructions, once), loop (5,
// 9 times: its first pass is part of _start's block), the write (5, once)
// and the exit (3, once); 10 8-byte stores, 10 1-byte stores, 10 8-byte loads; then
// write(1, "ok\n", 3) and exit_group(3).
// Syscall numbers (asm-generic, used by arm64): write = 64, exit_group = 94.

    .text
    .global _start
_start:
    adrp    x1, buf             // 1
    add     x1, x1, :lo12:buf   // 2
    mov     x2, #10             // 3
loop:
    str     x2, [x1]            // 8-byte store
    strb    w2, [x1, #8]        // 1-byte store
    ldr     x3, [x1]            // 8-byte load
    subs    x2, x2, #1
    b.ne    loop                // 5 per iteration: 50
    mov     x0, #1              // fd = stdout
    adr     x1, msg             // buf
    mov     x2, #msg_len        // count
    mov     x8, #64             // __NR_write
    svc     #0                  // 5
    mov     x0, #3              // status
    mov     x8, #94             // __NR_exit_group
    svc     #0                  // 3: 61 in all

msg:
    .ascii  "ok\n"
    .set    msg_len, . - msg

    .data
    .balign 16
buf:
    .zero   16
