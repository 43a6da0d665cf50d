/*
 * 64-bit integer torture: wrapping arithmetic, overflow detection, division
 * corner cases, 128-bit products, every shift amount, bit counting and byte
 * reversal.  Results are printed in hex plus per-group checksums.
 *
 * Arm64-specific instructions are used through inline asm under
 * __aarch64__; the #else branch computes the architectural result in
 * portable C, so a native host build prints the reference output.
 * Architectural results (Arm ARM): SDIV/UDIV by zero give 0, SDIV of
 * INT64_MIN by -1 gives INT64_MIN; register-controlled shifts use the
 * amount modulo 64; RBIT reverses the bit order; REV16 swaps the bytes of
 * each halfword; REV32 swaps the bytes of each word.
 */
#include <inttypes.h>
#include <stdio.h>

typedef uint64_t u64;
typedef int64_t s64;
typedef unsigned __int128 u128;
typedef __int128 s128;

/* Hide a value from the optimiser so operations happen at run time. */
static inline u64 hide(u64 x)
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

static u64 udiv64(u64 a, u64 b)
{
#ifdef __aarch64__
    u64 r;
    __asm__("udiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return b == 0 ? 0 : a / b;
#endif
}

static s64 sdiv64(s64 a, s64 b)
{
#ifdef __aarch64__
    s64 r;
    __asm__("sdiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    if (b == 0)
        return 0;
    if (a == INT64_MIN && b == -1)
        return INT64_MIN;
    return a / b;
#endif
}

/* Remainders as the compiler builds them on arm64: a - (a / b) * b. */
static u64 urem64(u64 a, u64 b) { return a - udiv64(a, b) * b; }
static s64 srem64(s64 a, s64 b) { return (s64)((u64)a - (u64)sdiv64(a, b) * (u64)b); }

static u64 lslv(u64 a, u64 s)
{
#ifdef __aarch64__
    u64 r;
    __asm__("lslv %0, %1, %2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    return a << (s & 63);
#endif
}

static u64 lsrv(u64 a, u64 s)
{
#ifdef __aarch64__
    u64 r;
    __asm__("lsrv %0, %1, %2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    return a >> (s & 63);
#endif
}

static u64 asrv(u64 a, u64 s)
{
#ifdef __aarch64__
    u64 r;
    __asm__("asrv %0, %1, %2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    s &= 63;
    return (a >> s) | ((a >> 63) && s ? ~(~(u64)0 >> s) : 0);
#endif
}

static u64 rorv(u64 a, u64 s)
{
#ifdef __aarch64__
    u64 r;
    __asm__("rorv %0, %1, %2" : "=r"(r) : "r"(a), "r"(s));
    return r;
#else
    s &= 63;
    return s ? (a >> s) | (a << (64 - s)) : a;
#endif
}

static u64 rbit64(u64 a)
{
#ifdef __aarch64__
    u64 r;
    __asm__("rbit %0, %1" : "=r"(r) : "r"(a));
    return r;
#else
    u64 r = 0;
    for (int i = 0; i < 64; i++)
        r |= ((a >> i) & 1) << (63 - i);
    return r;
#endif
}

static u64 rev16_64(u64 a)
{
#ifdef __aarch64__
    u64 r;
    __asm__("rev16 %0, %1" : "=r"(r) : "r"(a));
    return r;
#else
    return ((a & 0x00ff00ff00ff00ffu) << 8) | ((a >> 8) & 0x00ff00ff00ff00ffu);
#endif
}

static u64 rev32_64(u64 a)
{
#ifdef __aarch64__
    u64 r;
    __asm__("rev32 %0, %1" : "=r"(r) : "r"(a));
    return r;
#else
    return ((u64)__builtin_bswap32((uint32_t)a)) | ((u64)__builtin_bswap32((uint32_t)(a >> 32)) << 32);
#endif
}

static u64 clz64(u64 a) { return a ? (u64)__builtin_clzll(a) : 64; }
static u64 ctz64(u64 a) { return a ? (u64)__builtin_ctzll(a) : 64; }

#define NV 32
static u64 vals[NV] = {
    0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xffffffffffffffff,
    0xfffffffffffffffe, 0x123456789abcdef0, 0xfedcba9876543210, 0x5555555555555555,
    0xaaaaaaaaaaaaaaaa, 0x0000ffff0000ffff, 10, 1000000007,
    /* the rest are filled from an LCG at run time */
};

int main(void)
{
    u64 seed = 0x2545f4914f6cdd1du;
    for (int i = 28; i < NV; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        vals[i] = seed;
    }

    /* A few readable lines first. */
    u64 m = hide(0xffffffffffffffff), one = hide(1);
    printf("wrap add: 0x%016" PRIx64 "\n", m + one);
    printf("wrap sub: 0x%016" PRIx64 "\n", hide(0) - one);
    printf("wrap mul: 0x%016" PRIx64 "\n", hide(0x123456789abcdef0) * hide(0xfedcba9876543210));
    printf("udiv by 0: 0x%016" PRIx64 "  urem by 0: 0x%016" PRIx64 "\n",
           udiv64(hide(12345), hide(0)), urem64(hide(12345), hide(0)));
    printf("sdiv by 0: 0x%016" PRIx64 "  srem by 0: 0x%016" PRIx64 "\n",
           (u64)sdiv64((s64)hide(-12345), (s64)hide(0)), (u64)srem64((s64)hide(-12345), (s64)hide(0)));
    printf("INT64_MIN / -1: 0x%016" PRIx64 "  %% -1: 0x%016" PRIx64 "\n",
           (u64)sdiv64((s64)hide(0x8000000000000000), (s64)hide(-1)),
           (u64)srem64((s64)hide(0x8000000000000000), (s64)hide(-1)));
    printf("-7 / 2 = %" PRId64 ", -7 %% 2 = %" PRId64 ", 7 / -2 = %" PRId64 ", 7 %% -2 = %" PRId64 "\n",
           sdiv64((s64)hide(-7), 2), srem64((s64)hide(-7), 2), sdiv64(7, (s64)hide(-2)), srem64(7, (s64)hide(-2)));
    {
        u128 p = (u128)hide(0xffffffffffffffff) * hide(0xffffffffffffffff);
        s128 q = (s128)(s64)hide(0x8000000000000000) * (s64)hide(0x8000000000000000);
        s128 r = (s128)(s64)hide(-3) * (s64)hide(0x7fffffffffffffff);
        printf("umul128(~0, ~0) = 0x%016" PRIx64 "_%016" PRIx64 "\n", (u64)(p >> 64), (u64)p);
        printf("smul128(MIN, MIN) = 0x%016" PRIx64 "_%016" PRIx64 "\n", (u64)((u128)q >> 64), (u64)q);
        printf("smul128(-3, MAX) = 0x%016" PRIx64 "_%016" PRIx64 "\n", (u64)((u128)r >> 64), (u64)r);
        u128 big = ((u128)hide(0x0123456789abcdef) << 64) | hide(0xfedcba9876543210);
        printf("u128 / 1000000007 = 0x%016" PRIx64 "_%016" PRIx64 " rem %" PRIu64 "\n",
               (u64)((big / hide(1000000007)) >> 64), (u64)(big / hide(1000000007)), (u64)(big % hide(1000000007)));
    }
    {
        s64 r;
        printf("add overflow MAX+1: %d\n", __builtin_add_overflow((s64)hide(INT64_MAX), (s64)hide(1), &r));
        printf("sub overflow MIN-1: %d\n", __builtin_sub_overflow((s64)hide((u64)INT64_MIN), (s64)hide(1), &r));
        printf("mul overflow 2^32*2^31: %d\n", __builtin_mul_overflow((s64)hide(1ull << 32), (s64)hide(1ull << 31), &r));
        int o = __builtin_mul_overflow((s64)hide(1ull << 32), (s64)hide(1ull << 30), &r);
        printf("mul overflow 2^32*2^30: %d -> 0x%016" PRIx64 "\n", o, (u64)r);
    }
    u64 x = hide(0x8000000000000001);
    for (u64 s = 0; s < 64; s += 21)
        printf("shift %2" PRIu64 ": lsl 0x%016" PRIx64 " lsr 0x%016" PRIx64 " asr 0x%016" PRIx64 " ror 0x%016" PRIx64 "\n",
               s, x << s, x >> s, (u64)((s64)x >> s), rorv(x, s));
    printf("lslv by 64: 0x%016" PRIx64 "  by 65: 0x%016" PRIx64 "  asrv by 127: 0x%016" PRIx64 "\n",
           lslv(x, hide(64)), lslv(x, hide(65)), asrv(x, hide(127)));
    u64 b = hide(0x00f0000000000f00);
    printf("clz 0x%" PRIx64 " ctz 0x%" PRIx64 " popcount 0x%x clrsb %d\n",
           clz64(b), ctz64(b), __builtin_popcountll(b), __builtin_clrsbll((s64)b));
    printf("clz(0) %" PRIu64 " ctz(0) %" PRIu64 " clrsb(-1) %d clrsb(0) %d\n",
           clz64(hide(0)), ctz64(hide(0)), __builtin_clrsbll((s64)hide(~0ull)), __builtin_clrsbll((s64)hide(0)));
    u64 y = hide(0x0123456789abcdef);
    printf("rbit  0x%016" PRIx64 "\n", rbit64(y));
    printf("bswap 0x%016" PRIx64 " rev16 0x%016" PRIx64 " rev32 0x%016" PRIx64 "\n",
           __builtin_bswap64(y), rev16_64(y), rev32_64(y));
    printf("bswap16 0x%04x bswap32 0x%08" PRIx32 "\n",
           __builtin_bswap16((uint16_t)y), __builtin_bswap32((uint32_t)y));
    printf("sext8 0x%016" PRIx64 " sext16 0x%016" PRIx64 " sext32 0x%016" PRIx64 "\n",
           (u64)(s64)(int8_t)hide(0x80), (u64)(s64)(int16_t)hide(0x8000), (u64)(s64)(int32_t)hide(0x80000000));

    /* Exhaustive pairs, one checksum per group. */
    sum = 0;
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            u64 a = hide(vals[i]), c = hide(vals[j]);
            mix(a + c);
            mix(a - c);
            mix(a * c);
            mix(a & c);
            mix(a | c);
            mix(a ^ c);
            mix(a & ~c);
            mix(a | ~c);
            mix(a ^ ~c);
            mix((a < c) | (u64)((s64)a < (s64)c) << 1 | (u64)(a == c) << 2);
        }
    printf("checksum alu:      0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            u64 a = hide(vals[i]), c = hide(vals[j]);
            s64 r;
            u64 ur, o;
            o = __builtin_add_overflow((s64)a, (s64)c, &r);
            mix(o << 32 ^ (u64)r);
            o = __builtin_sub_overflow((s64)a, (s64)c, &r);
            mix(o << 32 ^ (u64)r);
            o = __builtin_mul_overflow((s64)a, (s64)c, &r);
            mix(o << 32 ^ (u64)r);
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
            u64 a = hide(vals[i]), c = hide(vals[j]);
            mix(udiv64(a, c));
            mix(urem64(a, c));
            mix((u64)sdiv64((s64)a, (s64)c));
            mix((u64)srem64((s64)a, (s64)c));
        }
    printf("checksum div:      0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            u64 a = hide(vals[i]), c = hide(vals[j]);
            u128 p = (u128)a * c;
            s128 q = (s128)(s64)a * (s64)c;
            mix((u64)(p >> 64));
            mix((u64)p);
            mix((u64)((u128)q >> 64));
            mix((u64)q);
            if (c != 0) {
                u128 n = p + a;
                mix((u64)(n / c));
                mix((u64)(n % c));
            }
        }
    printf("checksum mul128:   0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++) {
        u64 a = hide(vals[i]);
        for (u64 s = 0; s < 64; s++) {
            u64 hs = hide(s);
            mix(a << hs);
            mix(a >> hs);
            mix((u64)((s64)a >> hs));
            mix(hs ? (a >> hs) | (a << (64 - hs)) : a);
            mix(rorv(a, hs));
        }
        for (u64 s = 0; s < 256; s += 3) {
            mix(lslv(a, s));
            mix(lsrv(a, s));
            mix(asrv(a, s));
            mix(rorv(a, s));
        }
    }
    printf("checksum shift:    0x%016" PRIx64 "\n", sum);

    sum = 0;
    for (int i = 0; i < NV; i++) {
        u64 a = hide(vals[i]);
        mix(clz64(a));
        mix(ctz64(a));
        mix((u64)__builtin_popcountll(a));
        mix((u64)__builtin_clrsbll((s64)a));
        mix(rbit64(a));
        mix(__builtin_bswap64(a));
        mix(__builtin_bswap32((uint32_t)a));
        mix(__builtin_bswap16((uint16_t)a));
        mix(rev16_64(a));
        mix(rev32_64(a));
        mix((u64)(s64)(int8_t)a);
        mix((u64)(s64)(int16_t)a);
        mix((u64)(s64)(int32_t)a);
        mix((uint8_t)a);
        mix((uint16_t)a);
        mix((uint32_t)a);
    }
    printf("checksum bits:     0x%016" PRIx64 "\n", sum);
    return 0;
}
