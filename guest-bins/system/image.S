// A raw arm64 Linux-style Image (booting.rst header, position
// independent): prints whether x0 points at a device tree, then powers off
// through PSCI. Built into out/system/image.bin by build.sh.
    .text
_head:
    b start                 // code0
    .long 0                 // code1
    .quad 0                 // text_offset
    .quad _end - _head      // image_size
    .quad 0xa               // flags: little-endian, 4 KiB pages, anywhere
    .quad 0, 0, 0           // res2-res4
    .ascii "ARM\x64"        // magic
    .long 0                 // res5
start:
    mov x19, x0
    adr x1, hello
    bl print
    ldr w2, [x19]
    movz w3, #0x0dd0
    movk w3, #0xedfe, lsl #16 // 0xd00dfeed, big-endian in memory
    adr x1, no_dtb
    cmp w2, w3
    b.ne 1f
    adr x1, dtb
1:  bl print
    movz x0, #0x0008
    movk x0, #0x8400, lsl #16 // PSCI SYSTEM_OFF
    hvc #0
2:  b 2b

// x1 = NUL-terminated string; clobbers x2, x4
print:
    movz x2, #0x0900, lsl #16
3:  ldrb w4, [x1], #1
    cbz w4, 4f
    str w4, [x2]
    b 3b
4:  ret

hello:  .asciz "Hello from a raw Image\n"
dtb:    .asciz "x0 points at a device tree\n"
no_dtb: .asciz "x0 does not point at a device tree\n"
    .balign 8
_end:
