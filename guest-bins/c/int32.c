/*
 * 32-bit integer torture (W registers on arm64): wrapping arithmetic,
 * overflow detection, division corner cases, 64-bit products, every shift
 * amount, bit counting and byte reversal.  Results are printed in hex plus
 * per-group checksums.
 *
 * Arm64-specific instructions are used through inline asm under
 * __aarch64__; the #else branch computes the architectural result in
 * portable C, so a native host build prints the reference output.
 * Architectural results (Arm ARM): SDIV/UDIV by zero give 0, SDIV of
 * INT32_MIN by -1 gives INT32_MIN; register-controlled shifts of W
 * registers use the amount modulo 32; RBIT reverses the bit order; REV16
 * swaps the bytes of each halfword.  Writing a W register zeroes bits 63:32.
 */
#include <inttypes.h>
#include <stdio.h>

typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;
typedef int64_t s64;

/* Hide a value from the optimiser so operations happen at run time. */
static inline u32 hide(u32 x)
{
    __asm__ volatile("" : "+r"(x));
    return x;
}

static u64 sum;
static void mix(u64 v)
{
    sum ^= v;
    sum *= 0x100000001b3u; /* FNV-1a style */
    sum ^= sum >> 29;
}

static u32 udiv32(u32 a, u32 b)
{
#ifdef __aarch64__
    u32 r;
    __asm__("udiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return b == 0 ? 0 : a / b;
#endif
}

static s32 sdiv32(s32 a, s32 b)
{
#ifdef __aarch64__
    s32 r;
    __asm__("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    if (b == 0)
        return 0;
    if (a == INT32_MIN && b == -1)
        return INT32_MIN;
    return a / b;
#endif
}

static u32 urem32(u32 a, u32 b) { return a - udiv32(a, b) * b; }
static s32 srem32(s32 a, s32 b) { return (s32)((u32)a - (u32)sdiv32(a, b) * (u32)b); }

/* The full 64-bit register after a W-register instruction: upper half 0. */
static u64 wreg_lslv(u32 a, u32 s)
{
#ifdef __aarch64__
    u64 r;
    __asm__("lslv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    return (u32)(a << (s & 31));
#endif
}

static u32 lsrv(u32 a, u32 s)
{
#ifdef __aarch64__
    u32 r;
    __asm__("lsrv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    return a >> (s & 31);
#endif
}

static u64 wreg_asrv(u32 a, u32 s)
{
#ifdef __aarch64__
    u64 r;
    __asm__("asrv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    s &= 31;
    return (u32)((a >> s) | ((a >> 31) && s ? ~(~(u32)0 >> s) : 0));
#endif
}

static u32 rorv(u32 a, u32 s)
{
#ifdef __aarch64__
    u32 r;
    __asm__("rorv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    s &= 31;
    return s ? (a >> s) | (a << (32 - s)) : a;
#endif
}

static u32 rbit32(u32 a)
{
#ifdef __aarch64__
    u32 r;
    __asm__("rbit %w0, %w1" : "=r"(r) : "r"(a));
    return r;
#else
    u32 r = 0;
    for (int i = 0; i < 32; i++)
        r |= ((a >> i) & 1) << (31 - i);
    return r;
#endif
}

static u32 rev16_32(u32 a)
{
#ifdef __aarch64__
    u32 r;
    __asm__("rev16 %w0, %w1" : "=r"(r) : "r"(a));
    return r;
#else
    return ((a & 0x00ff00ffu) << 8) | ((a >> 8) & 0x00ff00ffu);
#endif
}

static u32 clz32(u32 a) { return a ? (u32)__builtin_clz(a) : 32; }
static u32 ctz32(u32 a) { return a ? (u32)__builtin_ctz(a) : 32; }

#define NV 28
static u32 vals[NV] = {
    0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe,
    0x12345678, 0xfedcba98, 0x55555555, 0xaaaaaaaa, 0x00ff00ff, 10, 46341,
    /* the rest are filled from an LCG at run time */
};

int main(void)
{
    u32 seed = 12345;
    for (int i = 25; i < NV; i++) {
        seed = seed * 1664525u + 1013904223u;
        vals[i] = seed;
    }

    u32 one = hide(1);
    printf("wrap add: 0x%08" PRIx32 "\n", hide(0xffffffff) + one);
    printf("wrap sub: 0x%08" PRIx32 "\n", hide(0) - one);
    printf("wrap mul: 0x%08" PRIx32 "\n", hide(0x12345678) * hide(0x9abcdef0));
    printf("46341^2 as s32 bits: 0x%08" PRIx32 "\n", hide(46341) * hide(46341));
    printf("udiv by 0: 0x%08" PRIx32 "  urem by 0: 0x%08" PRIx32 "\n",
           udiv32(hide(12345), hide(0)), urem32(hide(12345), hide(0)));
    printf("sdiv by 0: 0x%08" PRIx32 "  srem by 0: 0x%08" PRIx32 "\n",
           (u32)sdiv32((s32)hide((u32)-12345), (s32)hide(0)), (u32)srem32((s32)hide((u32)-12345), (s32)hide(0)));
    printf("INT32_MIN / -1: 0x%08" PRIx32 "  %% -1: 0x%08" PRIx32 "\n",
           (u32)sdiv32((s32)hide(0x80000000), (s32)hide((u32)-1)),
           (u32)srem32((s32)hide(0x80000000), (s32)hide((u32)-1)));
    printf("-7 / 2 = %" PRId32 ", -7 %% 2 = %" PRId32 "\n",
           sdiv32((s32)hide((u32)-7), 2), srem32((s32)hide((u32)-7), 2));
    {
        u64 p = (u64)hide(0xffffffff) * hide(0xffffffff);
        s64 q = (s64)(s32)hide(0x80000000) * (s32)hide(0x80000000);
        s64 r = (s64)(s32)hide((u32)-3) * (s32)hide(0x7fffffff);
        printf("umull(~0, ~0) = 0x%016" PRIx64 "\n", p);
        printf("smull(MIN, MIN) = 0x%016" PRIx64 "\n", (u64)q);
        printf("smull(-3, MAX) = 0x%016" PRIx64 "\n", (u64)r);
    }
    {
        s32 r;
        int o;
        o = __builtin_add_overflow((s32)hide(INT32_MAX), (s32)hide(1), &r);
        printf("add overflow MAX+1: %d -> 0x%08" PRIx32 "\n", o, (u32)r);
        o = __builtin_sub_overflow((s32)hide(0x80000000), (s32)hide(1), &r);
        printf("sub overflow MIN-1: %d -> 0x%08" PRIx32 "\n", o, (u32)r);
        o = __builtin_mul_overflow((s32)hide(46341), (s32)hide(46341), &r);
        printf("mul overflow 46341^2: %d -> 0x%08" PRIx32 "\n", o, (u32)r);
        o = __builtin_mul_overflow((s32)hide(46340), (s32)hide(46340), &r);
        printf("mul overflow 46340^2: %d -> 0x%08" PRIx32 "\n", o, (u32)r);
    }
    u32 x = hide(0x80000001);
    for (u32 s = 0; s < 32; s += 10)
        printf("shift %2" PRIu32 ": lsl 0x%08" PRIx32 " lsr 0x%08" PRIx32 " asr 0x%08" PRIx32 " ror 0x%08" PRIx32 "\n",
               s, x << s, x >> s, (u32)((s32)x >> s), rorv(x, s));
    printf("lslv by 32: 0x%016" PRIx64 "  by 33: 0x%016" PRIx64 "  asrv by 63: 0x%016" PRIx64 "\n",
           wreg_lslv(x, hide(32)), wreg_lslv(x, hide(33)), wreg_asrv(x, hide(63)));
    u32 b = hide(0x00f00f00);
    printf("clz 0x%" PRIx32 " ctz 0x%" PRIx32 " popcount 0x%x clrsb %d\n",
           clz32(b), ctz32(b), __builtin_popcount(b), __builtin_clrsb((s32)b));
    printf("clz(0) %" PRIu32 " ctz(0) %" PRIu32 " clrsb(-1) %d clrsb(0x40000000) %d\n",
           clz32(hide(0)), ctz32(hide(0)), __builtin_clrsb((s32)hide(~0u)), __builtin_clrsb((s32)hide(0x40000000)));
    u32 y = hide(0x12345678);
    printf("rbit 0x%08" PRIx32 " bswap 0x%08" PRIx32 " rev16 0x%08" PRIx32 "\n",
           rbit32(y), __builtin_bswap32(y), rev16_32(y));
    printf("sext8 0x%08" PRIx32 " sext16 0x%08" PRIx32 " zext16 0x%08" PRIx32 "\n",
           (u32)(s32)(int8_t)hide(0x80), (u32)(s32)(int16_t)hide(0x8000), (u32)(uint16_t)hide(0xffff8000));

    sum = 0;
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            u32 a = hide(vals[i]), c = hide(vals[j]);
            mix(a + c);
            mix(a - c);
            mix(a * c);
            mix(a & c);
            mix(a | c);
            mix(a ^ c);
            mix(a & ~c);
            mix(a | ~c);
            mix(a ^ ~c);
            mix((a < c) | (u32)((s32)a < (s32)c) << 1 | (u32)(a == c) << 2);
            mix((u64)a * c);
            mix((u64)((s64)(s32)a * (s32)c));
            mix((u64)((s64)(s32)a * (s32)c + (s64)(s32)a));
        }
    printf("checksum alu:      0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            u32 a = hide(vals[i]), c = hide(vals[j]);
            s32 r;
            u32 ur;
            u64 o;
            o = __builtin_add_overflow((s32)a, (s32)c, &r);
            mix(o << 32 ^ (u32)r);
            o = __builtin_sub_overflow((s32)a, (s32)c, &r);
            mix(o << 32 ^ (u32)r);
            o = __builtin_mul_overflow((s32)a, (s32)c, &r);
            mix(o << 32 ^ (u32)r);
            o = __builtin_add_overflow(a, c, &ur);
            mix(o << 32 ^ ur);
            o = __builtin_sub_overflow(a, c, &ur);
            mix(o << 32 ^ ur);
            o = __builtin_mul_overflow(a, c, &ur);
            mix(o << 32 ^ ur);
        }
    printf("checksum overflow: 0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            u32 a = hide(vals[i]), c = hide(vals[j]);
            mix(udiv32(a, c));
            mix(urem32(a, c));
            mix((u32)sdiv32((s32)a, (s32)c));
            mix((u32)srem32((s32)a, (s32)c));
        }
    printf("checksum div:      0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++) {
        u32 a = hide(vals[i]);
        for (u32 s = 0; s < 32; s++) {
            u32 hs = hide(s);
            mix(a << hs);
            mix(a >> hs);
            mix((u32)((s32)a >> hs));
            mix(hs ? (a >> hs) | (a << (32 - hs)) : a);
            mix(rorv(a, hs));
        }
        for (u32 s = 0; s < 256; s += 3) {
            mix(wreg_lslv(a, s));
            mix(lsrv(a, s));
            mix(wreg_asrv(a, s));
            mix(rorv(a, s));
        }
    }
    printf("checksum shift:    0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++) {
        u32 a = hide(vals[i]);
        mix(clz32(a));
        mix(ctz32(a));
        mix((u64)__builtin_popcount(a));
        mix((u64)__builtin_clrsb((s32)a));
        mix(rbit32(a));
        mix(__builtin_bswap32(a));
        mix(__builtin_bswap16((uint16_t)a));
        mix(rev16_32(a));
        mix((u32)(s32)(int8_t)a);
        mix((u32)(s32)(int16_t)a);
        mix((u64)(s64)(s32)a);
        mix((uint8_t)a);
        mix((uint16_t)a);
    }
    printf("checksum bits:     0x%016" PRIx64 "\n", sum);
    return 0;
}
