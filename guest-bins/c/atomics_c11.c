/*
 * C11 atomics on 8/16/32/64-bit integers and a 128-bit pair, each through
 * three code paths on arm64:
 *   llsc    functions built with target("no-outline-atomics"): inline
 *           load/store-exclusive loops (ldaxr/stlxr, ldaxrb, ...);
 *   lse     functions built with target("arch=armv8.1-a"): the LSE
 *           instructions (ldaddal, casal, swpal, ldclral, ldsetal, ldeoral,
 *           and the b/h forms);
 *   outline the default build: calls to libgcc's __aarch64_*_acq_rel
 *           helpers, which pick LSE or exclusives at run time from
 *           AT_HWCAP.
 * 128-bit: gcc 12 compiles a 16-byte __atomic_compare_exchange_n into a
 * call to libatomic's __atomic_compare_exchange_16 (even for armv8.1-a),
 * which does not link as build.sh links -lm only; so the 128-bit paths
 * are inline asm: an ldaxp/stlxp loop and a caspal loop.  On other hosts every path is plain C11 (128-bit under a
 * mutex), computing the same results.
 *
 * Single-threaded checks of every operation's result, then 4 threads
 * hammering shared counters with fetch_add and CAS loops: no lost update.
 * alarm(30) turns a livelocked exclusive loop into a SIGALRM death.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#ifdef __aarch64__
#define ATTR_llsc __attribute__((noinline, target("no-outline-atomics")))
#define ATTR_lse __attribute__((noinline, target("arch=armv8.1-a")))
#else
#define ATTR_llsc __attribute__((noinline))
#define ATTR_lse __attribute__((noinline))
#endif
#define ATTR_outline __attribute__((noinline))

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

#define DEF_OPS(mode, T, W)                                                                    \
    ATTR_##mode static T mode##_add##W(_Atomic T *p, T v) { return atomic_fetch_add(p, v); }  \
    ATTR_##mode static T mode##_sub##W(_Atomic T *p, T v) { return atomic_fetch_sub(p, v); }  \
    ATTR_##mode static T mode##_or##W(_Atomic T *p, T v) { return atomic_fetch_or(p, v); }    \
    ATTR_##mode static T mode##_and##W(_Atomic T *p, T v) { return atomic_fetch_and(p, v); }  \
    ATTR_##mode static T mode##_xor##W(_Atomic T *p, T v) { return atomic_fetch_xor(p, v); }  \
    ATTR_##mode static T mode##_xchg##W(_Atomic T *p, T v) { return atomic_exchange(p, v); }  \
    ATTR_##mode static int mode##_cas##W(_Atomic T *p, T *e, T d)                             \
    {                                                                                          \
        return atomic_compare_exchange_strong(p, e, d);                                        \
    }                                                                                          \
    ATTR_##mode static void mode##_inc_cas##W(_Atomic T *p)                                    \
    {                                                                                          \
        T old = atomic_load_explicit(p, memory_order_relaxed);                                 \
        while (!atomic_compare_exchange_weak(p, &old, (T)(old + 1)))                           \
            ;                                                                                  \
    }                                                                                          \
    static void mode##_single##W(void)                                                         \
    {                                                                                          \
        _Atomic T x = (T)0x5a;                                                                 \
        int ok = 1;                                                                            \
        ok &= mode##_add##W(&x, (T)0x21) == (T)0x5a && x == (T)0x7b;                           \
        ok &= mode##_sub##W(&x, (T)0x7c) == (T)0x7b && x == (T)-1;                             \
        ok &= mode##_and##W(&x, (T)0x0f) == (T)-1 && x == (T)0x0f;                             \
        ok &= mode##_or##W(&x, (T)0x30) == (T)0x0f && x == (T)0x3f;                            \
        ok &= mode##_xor##W(&x, (T)0x11) == (T)0x3f && x == (T)0x2e;                           \
        ok &= mode##_xchg##W(&x, (T)0x99) == (T)0x2e && x == (T)0x99;                          \
        T e = 1;                                                                               \
        ok &= !mode##_cas##W(&x, &e, 5) && e == (T)0x99 && x == (T)0x99;                       \
        ok &= mode##_cas##W(&x, &e, 5) && e == (T)0x99 && x == (T)5;                           \
        /* high bits of the wide types */                                                      \
        T big = (T)((T)~(T)0 << (sizeof(T) * 8 - 4));                                          \
        x = big;                                                                               \
        ok &= mode##_add##W(&x, big) == big && x == (T)(big << 1);                             \
        check(#mode " " #W "-bit single-thread ops", ok);                                      \
    }

#define DEF_MODE(mode)                                                                         \
    DEF_OPS(mode, uint8_t, 8)                                                                  \
    DEF_OPS(mode, uint16_t, 16)                                                                \
    DEF_OPS(mode, uint32_t, 32)                                                                \
    DEF_OPS(mode, uint64_t, 64)

DEF_MODE(llsc)
DEF_MODE(lse)
DEF_MODE(outline)

/* ---- 128-bit: two 64-bit halves updated together ---- */
typedef struct {
    _Alignas(16) uint64_t lo;
    uint64_t hi;
} pair;

#ifdef __aarch64__
/* Add (dlo, dhi) to *p with an exclusive pair loop; returns the old value. */
ATTR_llsc static pair llsc_add128(pair *p, uint64_t dlo, uint64_t dhi)
{
    uint64_t lo, hi, nlo, nhi;
    uint32_t fail;
    __asm__ volatile("1: ldaxp %0, %1, [%5]\n"
                     "   add %2, %0, %6\n"
                     "   add %3, %1, %7\n"
                     "   stlxp %w4, %2, %3, [%5]\n"
                     "   cbnz %w4, 1b\n"
                     : "=&r"(lo), "=&r"(hi), "=&r"(nlo), "=&r"(nhi), "=&r"(fail)
                     : "r"(p), "r"(dlo), "r"(dhi)
                     : "memory");
    return (pair){lo, hi};
}

/* CASPAL: compare (*e) with *p, store d if equal; *e gets the old value. */
ATTR_lse static int lse_cas128(pair *p, pair *e, pair d)
{
    register uint64_t x0 __asm__("x0") = e->lo;
    register uint64_t x1 __asm__("x1") = e->hi;
    register uint64_t x2 __asm__("x2") = d.lo;
    register uint64_t x3 __asm__("x3") = d.hi;
    __asm__ volatile("caspal x0, x1, x2, x3, [%4]"
                     : "+r"(x0), "+r"(x1)
                     : "r"(x2), "r"(x3), "r"(p)
                     : "memory");
    int ok = x0 == e->lo && x1 == e->hi;
    e->lo = x0;
    e->hi = x1;
    return ok;
}
#else
static pthread_mutex_t pair_lock = PTHREAD_MUTEX_INITIALIZER;
static pair llsc_add128(pair *p, uint64_t dlo, uint64_t dhi)
{
    pthread_mutex_lock(&pair_lock);
    pair old = *p;
    p->lo += dlo;
    p->hi += dhi;
    pthread_mutex_unlock(&pair_lock);
    return old;
}
static int lse_cas128(pair *p, pair *e, pair d)
{
    pthread_mutex_lock(&pair_lock);
    pair old = *p;
    int ok = old.lo == e->lo && old.hi == e->hi;
    if (ok)
        *p = d;
    *e = old;
    pthread_mutex_unlock(&pair_lock);
    return ok;
}
#endif

static void lse_inc128(pair *p)
{
    pair e = {0, 0}; /* a wrong guess is fine: the failed CAS returns the value */
    while (!lse_cas128(p, &e, (pair){e.lo + 1, e.hi + 3}))
        ;
}

static void single128(void)
{
    pair x = {0xffffffffffffffffull, 0x0123456789abcdefull};
    pair old = llsc_add128(&x, 2, 0x10);
    check("llsc 128-bit add",
          old.lo == 0xffffffffffffffffull && old.hi == 0x0123456789abcdefull && x.lo == 1 &&
              x.hi == 0x0123456789abcdffull);
    pair e = {1, 0x0123456789abcdefull}; /* hi wrong */
    int r1 = lse_cas128(&x, &e, (pair){7, 8});
    int ok1 = !r1 && e.lo == 1 && e.hi == 0x0123456789abcdffull && x.lo == 1;
    int r2 = lse_cas128(&x, &e, (pair){7, 8});
    int ok2 = r2 && x.lo == 7 && x.hi == 8;
    check("lse 128-bit cas fails on a mismatched half", ok1);
    check("lse 128-bit cas succeeds", ok2);
}

/* ---- contended counters ---- */
#define THREADS 4
#define ITERS 20000
static _Atomic uint8_t c8[3][2];
static _Atomic uint16_t c16[3][2];
static _Atomic uint32_t c32[3][2];
static _Atomic uint64_t c64[3][2];
static pair p_llsc, p_lse;
static atomic_int start;

static void *worker(void *arg)
{
    atomic_fetch_add(&start, 1);
    while (atomic_load(&start) < THREADS) /* start together for contention */
        ;
    for (int i = 0; i < ITERS; i++) {
        llsc_add8(&c8[0][0], 1);
        llsc_inc_cas8(&c8[0][1]);
        lse_add8(&c8[1][0], 1);
        lse_inc_cas8(&c8[1][1]);
        outline_add8(&c8[2][0], 1);
        outline_inc_cas8(&c8[2][1]);
        llsc_add16(&c16[0][0], 1);
        llsc_inc_cas16(&c16[0][1]);
        lse_add16(&c16[1][0], 1);
        lse_inc_cas16(&c16[1][1]);
        outline_add16(&c16[2][0], 1);
        outline_inc_cas16(&c16[2][1]);
        llsc_add32(&c32[0][0], 1);
        llsc_inc_cas32(&c32[0][1]);
        lse_add32(&c32[1][0], 1);
        lse_inc_cas32(&c32[1][1]);
        outline_add32(&c32[2][0], 1);
        outline_inc_cas32(&c32[2][1]);
        llsc_add64(&c64[0][0], 1);
        llsc_inc_cas64(&c64[0][1]);
        lse_add64(&c64[1][0], 1);
        lse_inc_cas64(&c64[1][1]);
        outline_add64(&c64[2][0], 1);
        outline_inc_cas64(&c64[2][1]);
        llsc_add128(&p_llsc, 1, 2);
        lse_inc128(&p_lse);
    }
    return NULL;
}

int main(void)
{
    alarm(30);
    setvbuf(stdout, NULL, _IOLBF, 0);
    llsc_single8();
    llsc_single16();
    llsc_single32();
    llsc_single64();
    lse_single8();
    lse_single16();
    lse_single32();
    lse_single64();
    outline_single8();
    outline_single16();
    outline_single32();
    outline_single64();
    single128();

    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);

    const uint64_t n = (uint64_t)THREADS * ITERS;
    static const char *const modes[3] = {"llsc", "lse", "outline"};
    static const char *const ops[2] = {"fetch_add", "cas loop"};
    for (int m = 0; m < 3; m++)
        for (int o = 0; o < 2; o++) {
            printf("%s %s: 8-bit %u 16-bit %u 32-bit %u 64-bit %llu\n", modes[m], ops[o],
                   (unsigned)c8[m][o], (unsigned)c16[m][o], (unsigned)c32[m][o],
                   (unsigned long long)c64[m][o]);
            int ok = c8[m][o] == (uint8_t)n && c16[m][o] == (uint16_t)n && c32[m][o] == n &&
                     c64[m][o] == n;
            char what[64];
            snprintf(what, sizeof what, "%s %s no lost update", modes[m], ops[o]);
            check(what, ok);
        }
    printf("llsc 128-bit: lo %llu hi %llu\n", (unsigned long long)p_llsc.lo,
           (unsigned long long)p_llsc.hi);
    check("llsc 128-bit no lost update", p_llsc.lo == n && p_llsc.hi == 2 * n);
    printf("lse 128-bit: lo %llu hi %llu\n", (unsigned long long)p_lse.lo,
           (unsigned long long)p_lse.hi);
    check("lse 128-bit no lost update", p_lse.lo == n && p_lse.hi == 3 * n);

    printf("failures: %d\n", failures);
    return failures != 0;
}
