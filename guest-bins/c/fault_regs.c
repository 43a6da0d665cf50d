/*
 * The register state a signal handler sees for a fault in the middle of a
 * run of straight-line code: registers written (some of them twice) before
 * the faulting load or store, the NZCV flags of a compare before it and
 * vector registers written by scalar moves and vector operations before it
 * must all hold their values at the faulting instruction, and the
 * registers written after it their old values. The handler (SA_SIGINFO)
 * checks uc_mcontext (regs, pc, pstate) and the fpsimd_context, sets the
 * destination of the load and steps over it; the code after it then runs
 * on the state the handler returned. arm64 only (inline asm); other hosts
 * print the expected lines.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define FPSIMD_MAGIC_ 0x46508001u

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

/* What the handler saw. */
static volatile uint64_t seen_x[31], seen_pc, seen_nzcv;
static volatile __uint128_t seen_v[32];
static volatile int calls, have_v;

#ifdef __aarch64__
extern const char ldr_fault[], str_fault[];

struct fpsimd_ctx {
    uint32_t magic, size;
    uint32_t fpsr, fpcr;
    __uint128_t vregs[32];
};

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    calls++;
    if (calls > 2)
        _exit(91); /* stepping over did not work: do not loop */
    for (int i = 0; i < 31; i++)
        seen_x[i] = uc->uc_mcontext.regs[i];
    seen_pc = uc->uc_mcontext.pc;
    seen_nzcv = uc->uc_mcontext.pstate >> 28;
    have_v = 0;
    for (unsigned char *p = uc->uc_mcontext.__reserved;;) {
        struct fpsimd_ctx *h = (struct fpsimd_ctx *)p;
        if (h->magic == 0 || h->size == 0)
            break;
        if (h->magic == FPSIMD_MAGIC_) {
            for (int i = 0; i < 32; i++)
                seen_v[i] = h->vregs[i];
            have_v = 1;
            break;
        }
        p += h->size;
    }
    uc->uc_mcontext.regs[12] = 0x77; /* the "loaded" value */
    uc->uc_mcontext.pc += 4;
}

/* One straight-line run: writes, a faulting load, writes after it. */
static void load_case(long *good, long *bad, uint64_t out[6])
{
    register long *x1 __asm__("x1") = bad;
    register long *x2 __asm__("x2") = good;
    register uint64_t x9 __asm__("x9"), x10 __asm__("x10"), x11 __asm__("x11"),
        x12 __asm__("x12"), x13 __asm__("x13"), x14 __asm__("x14");
    __asm__ volatile("mov x12, #0x1212\n"
                     "mov x13, #0x1313\n"
                     "mov x9, #0x1111\n"
                     "add x10, x9, #1\n"
                     "ldr x14, [x2]\n" /* a load that does not fault */
                     "mov x9, #0x2222\n"  /* x9 written again */
                     "fmov d16, x10\n"
                     "add v17.2d, v16.2d, v16.2d\n"
                     "fmov x11, d17\n"
                     "eor x11, x11, x9\n"
                     "add x10, x10, x14\n"
                     "mov x9, #0x3333\n"  /* and a third time */
                     "cmp x10, x9\n"
                     ".globl ldr_fault\n"
                     "ldr_fault: ldr x12, [x1]\n"
                     "add x13, x12, #5\n"
                     "mov x9, #0x4444\n"
                     "cmp x9, x9\n"
                     : "=&r"(x9), "=&r"(x10), "=&r"(x11), "=&r"(x12), "=&r"(x13), "=&r"(x14)
                     : "r"(x1), "r"(x2)
                     : "v16", "v17", "memory", "cc");
    out[0] = x9;
    out[1] = x10;
    out[2] = x11;
    out[3] = x12;
    out[4] = x13;
    out[5] = x14;
}

/* The same for a faulting store. */
static void store_case(long *bad, uint64_t out[3])
{
    register long *x1 __asm__("x1") = bad;
    register uint64_t x9 __asm__("x9"), x10 __asm__("x10"), x11 __asm__("x11");
    __asm__ volatile("mov x9, #0x5555\n"
                     "mov x10, #0x10\n"
                     "subs x11, x10, x9\n" /* negative: N, borrow (C clear) */
                     "mov x9, #0x6666\n"
                     "fmov s18, w9\n"
                     ".globl str_fault\n"
                     "str_fault: str x9, [x1]\n"
                     "mov x10, #0x7777\n"
                     : "=&r"(x9), "=&r"(x10), "=&r"(x11)
                     : "r"(x1)
                     : "v18", "memory", "cc");
    out[0] = x9;
    out[1] = x10;
    out[2] = x11;
}
#endif

int main(void)
{
    alarm(10);
    setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef __aarch64__
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    long good = 0x100;
    long *bad = (long *)0x18;

    uint64_t out[6];
    load_case(&good, bad, out);
    printf("load: calls %d, pc %s, x9 %#llx x10 %#llx x11 %#llx x12 %#llx x13 %#llx x14 %#llx nzcv %#llx\n",
           calls, seen_pc == (uint64_t)ldr_fault ? "at ldr" : "WRONG",
           (unsigned long long)seen_x[9], (unsigned long long)seen_x[10],
           (unsigned long long)seen_x[11], (unsigned long long)seen_x[12],
           (unsigned long long)seen_x[13], (unsigned long long)seen_x[14],
           (unsigned long long)seen_nzcv);
    check("load: registers at the fault",
          seen_pc == (uint64_t)ldr_fault && seen_x[9] == 0x3333 && seen_x[10] == 0x1212 &&
              seen_x[11] == (0x2224 ^ 0x2222) && seen_x[12] == 0x1212 && seen_x[13] == 0x1313 &&
              seen_x[14] == 0x100 && seen_nzcv == 0x8 && seen_x[1] == 0x18);
    check("load: vector registers at the fault",
          have_v && seen_v[16] == 0x1112 && seen_v[17] == 0x2224);
    printf("load: after: x9 %#llx x10 %#llx x11 %#llx x12 %#llx x13 %#llx x14 %#llx\n",
           (unsigned long long)out[0], (unsigned long long)out[1], (unsigned long long)out[2],
           (unsigned long long)out[3], (unsigned long long)out[4], (unsigned long long)out[5]);
    check("load: state after the handler",
          out[0] == 0x4444 && out[1] == 0x1212 && out[3] == 0x77 && out[4] == 0x7c);

    uint64_t st[3];
    store_case(bad, st);
    printf("store: calls %d, pc %s, x9 %#llx x10 %#llx x11 %#llx nzcv %#llx\n", calls,
           seen_pc == (uint64_t)str_fault ? "at str" : "WRONG", (unsigned long long)seen_x[9],
           (unsigned long long)seen_x[10], (unsigned long long)seen_x[11],
           (unsigned long long)seen_nzcv);
    check("store: registers at the fault",
          seen_pc == (uint64_t)str_fault && seen_x[9] == 0x6666 && seen_x[10] == 0x10 &&
              seen_x[11] == (uint64_t)(0x10 - 0x5555) && seen_nzcv == 0x8);
    check("store: vector registers at the fault", have_v && seen_v[18] == 0x6666);
    check("store: state after the handler", st[0] == 0x6666 && st[1] == 0x7777);
#else
    printf("load: calls 1, pc at ldr, x9 0x3333 x10 0x1212 x11 0x6 x12 0x1212 x13 0x1313 x14 0x100 nzcv 0x8\n");
    check("load: registers at the fault", 1);
    check("load: vector registers at the fault", 1);
    printf("load: after: x9 0x4444 x10 0x1212 x11 0x6 x12 0x77 x13 0x7c x14 0x100\n");
    check("load: state after the handler", 1);
    printf("store: calls 2, pc at str, x9 0x6666 x10 0x10 x11 0xffffffffffffaabb nzcv 0x8\n");
    check("store: registers at the fault", 1);
    check("store: vector registers at the fault", 1);
    check("store: state after the handler", 1);
#endif
    printf("failures: %d\n", failures);
    return failures != 0;
}
