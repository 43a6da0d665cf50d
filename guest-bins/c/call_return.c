/* Calls and returns that do not pair up: the cases a return predictor must
 * get right.  longjmp and siglongjmp out of recursion deeper than any
 * return stack, a function that changes x30 before RET, RET through
 * another register, a tail call, coroutines switching stacks in assembly,
 * a callee rewriting its caller's continuation (IC IVAU), function pointers,
 * signal handlers in the middle of deep recursion, and threads.  Every
 * result is checked against a value computed without calls. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* Functions in assembly (AAPCS64 otherwise). */
long ret_elsewhere(long x);        /* returns x * 3 through a changed x30 */
long ret_via_x1(long x);           /* returns x + 7 with RET x1 */
long tail_caller(long x);          /* B to tail_target: returns x ^ 0x77 */
struct ctx {
    uint64_t regs[12]; /* x19..x30 */
    uint64_t sp;
};
void co_switch(struct ctx *from, struct ctx *to);
void co_start(void); /* x19 = argument, x20 = function */

__asm__(".text\n"
        ".global ret_elsewhere\n"
        "ret_elsewhere:\n"
        "    mov x9, x30\n"
        "    adr x30, 1f\n"
        "    ret\n" /* to 1: below, not to the caller */
        "    brk #1\n"
        "1:  add x0, x0, x0, lsl #1\n"
        "    mov x30, x9\n"
        "    ret\n"
        ".global ret_via_x1\n"
        "ret_via_x1:\n"
        "    add x0, x0, #7\n"
        "    mov x1, x30\n"
        "    mov x30, xzr\n"
        "    ret x1\n"
        ".global tail_caller\n"
        "tail_caller:\n"
        "    eor x0, x0, #0x70\n"
        "    b tail_target\n"
        "tail_target:\n"
        "    eor x0, x0, #0x07\n"
        "    ret\n"
        ".global co_switch\n"
        "co_switch:\n"
        "    stp x19, x20, [x0, #0]\n"
        "    stp x21, x22, [x0, #16]\n"
        "    stp x23, x24, [x0, #32]\n"
        "    stp x25, x26, [x0, #48]\n"
        "    stp x27, x28, [x0, #64]\n"
        "    stp x29, x30, [x0, #80]\n"
        "    mov x9, sp\n"
        "    str x9, [x0, #96]\n"
        "    ldp x19, x20, [x1, #0]\n"
        "    ldp x21, x22, [x1, #16]\n"
        "    ldp x23, x24, [x1, #32]\n"
        "    ldp x25, x26, [x1, #48]\n"
        "    ldp x27, x28, [x1, #64]\n"
        "    ldp x29, x30, [x1, #80]\n"
        "    ldr x9, [x1, #96]\n"
        "    mov sp, x9\n"
        "    ret\n"
        ".global co_start\n"
        "co_start:\n"
        "    mov x0, x19\n"
        "    blr x20\n"
        "    brk #2\n");

static int fails;

/* Keeps a recursive call from becoming a loop (GCC turns `f(n - 1) + k`
 * into one). */
#define OPAQUE(x) __asm__ volatile("" : "+r"(x))

static void check(const char *what, long got, long want)
{
    printf("%-28s %ld%s\n", what, got, got == want ? "" : "  WRONG");
    if (got != want)
        fails++;
}

/* ---- longjmp out of deep recursion ------------------------------------ */

static jmp_buf jb;

__attribute__((noinline)) static long dive(long depth, long stop)
{
    if (depth >= stop) {
        if (stop >= 0)
            longjmp(jb, (int)depth);
        return 0;
    }
    long r = dive(depth + 1, stop);
    OPAQUE(r);
    return r + 1;
}

/* The depth dive(0, stop) reached when it jumped back. */
__attribute__((noinline)) static int dive_and_jump(long stop)
{
    int r = setjmp(jb);
    if (r == 0)
        dive(0, stop);
    return r;
}

static void longjmp_out(void)
{
    long sum = 0;
    /* Depths around and beyond any return-stack size, many times over. */
    static const long stops[] = {1, 3, 31, 33, 500, 511, 512, 513, 1500, 5000};
    for (int round = 0; round < 20; round++)
        for (unsigned i = 0; i < sizeof stops / sizeof stops[0]; i++)
            sum += dive_and_jump(stops[i]);
    long want = 0;
    for (unsigned i = 0; i < sizeof stops / sizeof stops[0]; i++)
        want += stops[i];
    check("longjmp from recursion", sum, 20 * want);
}

/* ---- ordinary recursion deeper than any return stack ------------------ */

__attribute__((noinline)) static long deep(long n)
{
    if (n == 0)
        return 0;
    long r = deep(n - 1);
    OPAQUE(r);
    return r + (n & 7);
}

static void deep_recursion(void)
{
    long got = 0, want = 0;
    for (long n = 1; n <= 6000; n += 997) {
        got += deep(n);
        for (long k = 1; k <= n; k++)
            want += k & 7;
    }
    check("deep recursion", got, want);
}

/* ---- changed return registers and tail calls -------------------------- */

static void odd_returns(void)
{
    long a = 0, b = 0, c = 0;
    for (long i = 0; i < 1000; i++) {
        a += ret_elsewhere(i);
        b += ret_via_x1(i);
        c += tail_caller(i);
    }
    long wa = 0, wb = 0, wc = 0;
    for (long i = 0; i < 1000; i++) {
        wa += i * 3;
        wb += i + 7;
        wc += i ^ 0x77;
    }
    check("x30 changed before RET", a, wa);
    check("RET x1", b, wb);
    check("tail call", c, wc);
}

/* ---- function pointers ------------------------------------------------ */

typedef long (*op_fn)(long, int);
static long op_add(long x, int d);
static long op_mul(long x, int d);
static long op_sub(long x, int d);
static const op_fn ops[3] = {op_add, op_mul, op_sub};

__attribute__((noinline)) static long op_add(long x, int d)
{
    return d ? ops[(x + d) % 3](x + 1, d - 1) + 1 : x;
}
__attribute__((noinline)) static long op_mul(long x, int d)
{
    return d ? ops[(x * 7 + d) % 3](x + 2, d - 1) * 3 % 1000003 : x;
}
__attribute__((noinline)) static long op_sub(long x, int d)
{
    return d ? ops[(x + 2 * d) % 3](x + 3, d - 1) - 5 : x;
}

/* The same recursion with an explicit stack of pending operations. */
static long ops_iterative(long x, int d)
{
    int kind[64];
    int n = 0;
    int k = 0; /* op_add first */
    while (d) {
        kind[n++] = k;
        long nx;
        switch (k) {
        case 0: k = (int)((x + d) % 3); nx = x + 1; break;
        case 1: k = (int)((x * 7 + d) % 3); nx = x + 2; break;
        default: k = (int)((x + 2 * d) % 3); nx = x + 3; break;
        }
        x = nx;
        d--;
    }
    long r = x;
    while (n--)
        r = kind[n] == 0 ? r + 1 : kind[n] == 1 ? r * 3 % 1000003 : r - 5;
    return r;
}

static void function_pointers(void)
{
    long got = 0, want = 0;
    for (long x = 0; x < 2000; x++) {
        got += op_add(x, (int)(x % 40));
        want += ops_iterative(x, (int)(x % 40));
    }
    check("calls through pointers", got, want);
}

/* ---- coroutines on their own stacks ----------------------------------- */

static struct ctx main_ctx, gen_ctx;
static long yielded;
static char gen_stack[256 * 1024] __attribute__((aligned(16)));

static void yield(long v)
{
    yielded = v;
    co_switch(&gen_ctx, &main_ctx);
}

/* Yields the keys of a complete binary tree in order, from varying depths. */
__attribute__((noinline)) static void walk(long node, long limit)
{
    if (node >= limit)
        return;
    walk(2 * node + 1, limit);
    yield(node);
    walk(2 * node + 2, limit);
}

static void generator(long limit)
{
    walk(0, limit);
    yield(-1);
    for (;;)
        yield(-1);
}

static void coroutines(void)
{
    const long limit = 4095;
    memset(&gen_ctx, 0, sizeof gen_ctx);
    gen_ctx.regs[0] = (uint64_t)limit;             /* x19 */
    gen_ctx.regs[1] = (uint64_t)(uintptr_t)generator; /* x20 */
    gen_ctx.regs[11] = (uint64_t)(uintptr_t)co_start; /* x30 */
    gen_ctx.sp = (uint64_t)(uintptr_t)(gen_stack + sizeof gen_stack);
    long sum = 0, count = 0, prev = -1, ordered = 1;
    for (;;) {
        co_switch(&main_ctx, &gen_ctx);
        if (yielded < 0)
            break;
        /* In-order keys of a heap-numbered tree are not sorted; checksum
         * them in order. */
        sum = sum * 31 + yielded;
        sum %= 1000000007;
        if (yielded == prev)
            ordered = 0;
        prev = yielded;
        count++;
    }
    /* The same walk without coroutines. */
    long want = 0;
    long stack[64], sp = 0, node = 0;
    for (;;) {
        while (node < limit) {
            stack[sp++] = node;
            node = 2 * node + 1;
        }
        if (!sp)
            break;
        node = stack[--sp];
        want = (want * 31 + node) % 1000000007;
        node = 2 * node + 2;
    }
    check("coroutine yields", count, limit);
    check("coroutine order", sum, want);
    check("coroutine distinct", ordered, 1);
}

/* ---- a callee rewrites the code its caller returns to ----------------- */

static uint32_t *code;
static int next_value;

static void patcher(void)
{
    /* mov w0, #next_value at code[2], the instruction after the BLR. */
    code[2] = 0x52800000u | ((uint32_t)next_value << 5);
    __builtin___clear_cache((char *)&code[2], (char *)&code[3]);
}

static void rewritten_continuation(void)
{
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                0);
    if (code == MAP_FAILED) {
        puts("mmap failed");
        fails++;
        return;
    }
    static const uint32_t words[] = {
        0xa9bf7bfd, /* stp x29, x30, [sp, #-16]! */
        0xd63f0020, /* blr x1 */
        0x52800000, /* mov w0, #0 (rewritten by the callee) */
        0xa8c17bfd, /* ldp x29, x30, [sp], #16 */
        0xd65f03c0, /* ret */
    };
    memcpy(code, words, sizeof words);
    __builtin___clear_cache((char *)code, (char *)(code + 5));
    int (*f)(long, void (*)(void)) = (int (*)(long, void (*)(void)))(uintptr_t)code;
    long got = 0, want = 0;
    for (int i = 1; i <= 50; i++) {
        next_value = i;
        got = (got * 7 + f(0, patcher)) % 1000003;
        want = (want * 7 + i) % 1000003;
    }
    check("rewritten continuation", got, want);
    munmap(code, 4096);
}

/* ---- signals in the middle of recursion ------------------------------- */

static sigjmp_buf sjb;
static volatile long handler_sum;
static volatile int jump_from_handler;

static void on_usr1(int sig)
{
    handler_sum += deep(100);
    if (jump_from_handler)
        siglongjmp(sjb, 1);
}

__attribute__((noinline)) static long dive_signal(long n, long at)
{
    if (n == at)
        raise(SIGUSR1);
    if (n == 0)
        return 0;
    long r = dive_signal(n - 1, at);
    OPAQUE(r);
    return r + 1;
}

/* dive_signal's result, or -1 when the handler jumped out of it. */
__attribute__((noinline)) static long dive_or_jump(int i)
{
    if (sigsetjmp(sjb, 1) == 0)
        return dive_signal(700 + i, 350 + i);
    return -1;
}

static void signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    long got = 0, jumps = 0;
    for (int i = 0; i < 40; i++) {
        jump_from_handler = i & 1;
        long r = dive_or_jump(i);
        if (r < 0)
            jumps++;
        else
            got += r;
    }
    long want = 0;
    for (int i = 0; i < 40; i += 2)
        want += 700 + i;
    check("recursion around handlers", got, want);
    check("siglongjmp from handler", jumps, 20);
    long per_handler = 0;
    for (long k = 1; k <= 100; k++)
        per_handler += k & 7;
    check("handler work", handler_sum, 40 * per_handler);
}

/* ---- threads ---------------------------------------------------------- */

__attribute__((noinline)) static long fib(long n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static void *thread_main(void *arg)
{
    long id = (long)(intptr_t)arg;
    long r = 0;
    for (int i = 0; i < 20; i++) {
        r += fib(18 + id) + deep(600 + id);
        jmp_buf local;
        if (setjmp(local) == 0)
            r += 1;
    }
    return (void *)(intptr_t)r;
}

static void threads(void)
{
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)i);
    long got = 0, want = 0;
    for (long i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        got += (long)(intptr_t)r;
        long fa = 0, fb = 1;
        for (long k = 0; k < 18 + i; k++) {
            long s = fa + fb;
            fa = fb;
            fb = s;
        }
        long d = 0;
        for (long k = 1; k <= 600 + i; k++)
            d += k & 7;
        want += 20 * (fa + d + 1);
    }
    check("threads", got, want);
}

int main(void)
{
    longjmp_out();
    deep_recursion();
    odd_returns();
    function_pointers();
    coroutines();
    rewritten_continuation();
    signals();
    threads();
    printf("%s\n", fails ? "FAILED" : "all ok");
    return fails != 0;
}
