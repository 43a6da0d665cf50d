// Guest memory accesses that runtime helpers make, for the plugin tests
// (tests/plugins.rs): store-exclusives (a failed one makes no access),
// CASP of X pairs, and the Advanced SIMD structure loads and stores other
// than LD1/ST1 (multiple) and LD4 of 128-bit vectors. Every access is to
// `buf` (one page). The accesses, by kind and size in bytes:
//   loads:  4 x 8 (LDXR X, LDXP X twice, LDAXP W), 1 x 4 (LDXR W),
//           vector 32 (LD2 .4S), 12 (LD3 lane .S), 32 (LD4R .2D),
//           64 (LD4 .16B), 16 (LD1 .16B)
//   stores: 8 (STXR X), 4 (STLXR W), 16 (STXP X), 8 (STLXP W),
//           vector 24 (ST3 .8B), 64 (ST4 .16B), 4 (ST2 lane .H),
//           64 (DC ZVA at buf + 40: one store of the aligned block, buf)
//   load and store: 16 (CASP X)
// Prints "ok" and exits 0; 1 if a store-exclusive's status is wrong.
// Syscall numbers (asm-generic, used by arm64): write = 64, exit_group = 94.

    .arch armv8.1-a
    .text
    .global _start
_start:
    adrp    x1, buf
    add     x1, x1, :lo12:buf
    mov     x2, #5
    ldxr    x3, [x1]                        // load 8
    stxr    w4, x2, [x1]                    // store 8
    cbnz    w4, fail
    clrex
    stxr    w4, x2, [x1]                    // fails: no access
    cbz     w4, fail
    ldxr    w3, [x1]                        // load 4
    stlxr   w4, w2, [x1]                    // store 4
    cbnz    w4, fail
    ldxp    x3, x5, [x1]                    // load 8, load 8
    stxp    w4, x2, x2, [x1]                // store 16
    cbnz    w4, fail
    ldaxp   w3, w5, [x1]                    // load 8
    stlxp   w4, w2, w2, [x1]                // store 8
    cbnz    w4, fail
    mov     x6, #0
    mov     x7, #0
    mov     x10, #1
    mov     x11, #2
    casp    x6, x7, x10, x11, [x1]          // load and store 16
    ld2     {v0.4s, v1.4s}, [x1]            // vector load 32
    st3     {v0.8b, v1.8b, v2.8b}, [x1]     // vector store 24
    st4     {v0.16b, v1.16b, v2.16b, v3.16b}, [x1] // vector store 64
    ld3     {v0.s, v1.s, v2.s}[1], [x1]     // vector load 12
    ld4r    {v0.2d, v1.2d, v2.2d, v3.2d}, [x1] // vector load 32
    st2     {v0.h, v1.h}[3], [x1]           // vector store 4
    ld4     {v0.16b, v1.16b, v2.16b, v3.16b}, [x1] // vector load 64
    add     x9, x1, #40
    dc      zva, x9                         // store 64 at buf
    ld1     {v0.16b}, [x1]                  // vector load 16
    mov     x0, #1
    adr     x1, msg
    mov     x2, #msg_len
    mov     x8, #64
    svc     #0
    mov     x0, #0
    mov     x8, #94
    svc     #0
fail:
    mov     x0, #1
    mov     x8, #94
    svc     #0

msg:
    .ascii  "ok\n"
    .set    msg_len, . - msg

    .data
    .balign 64
buf:
    .zero   64
