/*
 * Self-modifying code: machine code written into memory at run time,
 * made visible with __builtin___clear_cache (on arm64: DC CVAU + IC IVAU
 * over the range, as the architecture requires before executing modified
 * instructions), called, overwritten with different code, and called
 * again: every call must run the newest code.
 *
 * The arm64 words are MOVZ W0, #imm16 (0x52800000 | imm16 << 5), ADD W0,
 * W0, #imm12 (0x11000000 | imm12 << 10) and RET (0xd65f03c0).  The native
 * x86-64 build writes the equivalent x86-64 bytes so it prints the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("FAILED line %d: %s (errno %d)\n", __LINE__, #cond, errno);                 \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

typedef int (*fn0)(void);
typedef int (*fn1)(int);

/* Writes "return imm" at p; returns the number of bytes written. */
static size_t emit_const(unsigned char *p, unsigned imm)
{
#ifdef __aarch64__
    uint32_t w[2] = {0x52800000u | (imm & 0xffff) << 5, 0xd65f03c0u};
#else
    unsigned char w[6] = {0xb8, 0, 0, 0, 0, 0xc3}; /* mov eax, imm32; ret */
    uint32_t v = imm & 0xffff;
    memcpy(w + 1, &v, 4);
#endif
    memcpy(p, w, sizeof w);
    return sizeof w;
}

/* Writes "return arg + imm" (imm < 4096) at p. */
static size_t emit_add(unsigned char *p, unsigned imm)
{
#ifdef __aarch64__
    uint32_t w[2] = {0x11000000u | (imm & 0xfff) << 10, 0xd65f03c0u};
#else
    unsigned char w[7] = {0x8d, 0x87, 0, 0, 0, 0, 0xc3}; /* lea eax, [rdi + imm32]; ret */
    uint32_t v = imm & 0xfff;
    memcpy(w + 2, &v, 4);
#endif
    memcpy(p, w, sizeof w);
    return sizeof w;
}

static void sync_code(unsigned char *p, size_t n)
{
    __builtin___clear_cache((char *)p, (char *)p + n);
}

/* The call goes through a volatile pointer so it is a real indirect call
 * from the same call site every time. */
static int call0(unsigned char *p)
{
    fn0 volatile f = (fn0)(uintptr_t)p;
    return f();
}

static int call1(unsigned char *p, int x)
{
    fn1 volatile f = (fn1)(uintptr_t)p;
    return f(x);
}

static void rwx(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);

    size_t n = emit_const(code, 1234);
    sync_code(code, n);
    printf("rwx first: %d\n", call0(code));
    n = emit_const(code, 4321);
    sync_code(code, n);
    printf("rwx rewritten: %d\n", call0(code));

    /* Rewrite many times, calling each version twice (the second call may
     * come from a translation cache). */
    long sum = 0, expected = 0;
    int mismatches = 0;
    for (unsigned i = 0; i < 300; i++) {
        n = emit_const(code, i * 37 + 1);
        sync_code(code, n);
        for (int rep = 0; rep < 2; rep++) {
            int r = call0(code);
            sum += r;
            expected += i * 37 + 1;
            mismatches += r != (int)(i * 37 + 1);
        }
    }
    printf("300 rewrites: sum %ld (expected %ld), mismatches %d\n", sum, expected, mismatches);

    /* Two functions on the same page: changing one leaves the other. */
    unsigned char *other = code + 256;
    n = emit_add(other, 100);
    sync_code(other, n);
    n = emit_const(code, 7);
    sync_code(code, n);
    printf("neighbours: %d %d\n", call0(code), call1(other, 5));
    n = emit_const(code, 8);
    sync_code(code, n);
    printf("neighbours after rewriting the first: %d %d\n", call0(code), call1(other, 5));
    n = emit_add(other, 200);
    sync_code(other, n);
    printf("neighbours after rewriting the second: %d %d\n", call0(code), call1(other, 5));

    /* Replace a constant function by an adding one at the same address. */
    n = emit_add(code, 11);
    sync_code(code, n);
    printf("kind changed: %d\n", call1(code, 30));
    CHECK(munmap(code, page) == 0);
}

static void rw_then_rx(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *code =
        mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);
    /* The function on the second page. */
    unsigned char *f = code + page;
    size_t n = emit_add(f, 1);
    sync_code(f, n);
    CHECK(mprotect(code, 2 * page, PROT_READ | PROT_EXEC) == 0);
    int total = 0;
    for (int i = 0; i < 1000; i++)
        total = call1(f, total);
    printf("rx loop: %d\n", total);

    for (unsigned k = 2; k <= 4; k++) {
        CHECK(mprotect(code, 2 * page, PROT_READ | PROT_WRITE) == 0);
        n = emit_add(f, k);
        sync_code(f, n);
        CHECK(mprotect(code, 2 * page, PROT_READ | PROT_EXEC) == 0);
        total = 0;
        for (int i = 0; i < 1000; i++)
            total = call1(f, total);
        printf("rx loop after rewrite to +%u: %d\n", k, total);
    }

    /* Unmap and map again at (possibly) the same address: new code. */
    CHECK(munmap(code, 2 * page) == 0);
    unsigned char *again = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(again != MAP_FAILED);
    n = emit_const(again, 99);
    sync_code(again, n);
    printf("remapped: %d\n", call0(again));
    n = emit_const(again + page - 16, 77);
    sync_code(again + page - 16, n);
    printf("end of page: %d\n", call0(again + page - 16));
    CHECK(munmap(again, page) == 0);
}

#ifdef __aarch64__
/*
 * A function that patches one of its own later instructions and then runs
 * it: it stores w0 (an instruction word) over the MOVZ at label 1, makes
 * the store visible to instruction fetch (DC CVAU, DSB, IC IVAU, DSB,
 * ISB, as the architecture requires) and falls through into it.  The
 * patching store and the patched instruction are in the same straight-line
 * run of code.  Copied into an executable page before use.
 */
__asm__(".pushsection .rodata\n"
        ".balign 4\n"
        ".globl patch_self_template, patch_self_template_end\n"
        ".hidden patch_self_template, patch_self_template_end\n"
        "patch_self_template:\n"
        "    adr x2, 1f\n"
        "    str w0, [x2]\n"
        "    dc cvau, x2\n"
        "    dsb ish\n"
        "    ic ivau, x2\n"
        "    dsb ish\n"
        "    isb\n"
        "1:  movz w0, #111\n"
        "    ret\n"
        "patch_self_template_end:\n"
        ".popsection\n");
extern const unsigned char patch_self_template[], patch_self_template_end[];

static void patch_self(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(code != MAP_FAILED);
    size_t n = (size_t)(patch_self_template_end - patch_self_template);
    memcpy(code, patch_self_template, n);
    sync_code(code, n);
    for (unsigned v = 222; v <= 666; v += 111) {
        int r = call1(code, (int)(0x52800000u | v << 5)); /* MOVZ W0, #v */
        printf("patched itself to return %u: %d\n", v, r);
    }
    /* Called again with the last value already in place. */
    printf("again: %d\n", call1(code, (int)(0x52800000u | 666u << 5)));
    CHECK(munmap(code, page) == 0);
}
#else
/* The architectural results of patch_self on arm64. */
static void patch_self(void)
{
    for (unsigned v = 222; v <= 666; v += 111)
        printf("patched itself to return %u: %u\n", v, v);
    printf("again: %d\n", 666);
}
#endif

int main(void)
{
    rwx();
    rw_then_rx();
    patch_self();
    return 0;
}
