/*
 * The float and long double sides of libm, printed with %a: the float
 * functions (sinf, expf, logf, powf, ... single-precision code paths and
 * instructions), and long double, which on arm64 is IEEE binary128:
 * arithmetic and conversions go through libgcc's soft-float routines
 * (__addtf3, __multf3, __divtf3, __floatditf, __fixtfdi, ...) and libm's
 * ldbl-128 code.  The native x86-64 build has an 80-bit long double, so
 * its long double lines differ; the expected output is the arm64 one from
 * qemu-aarch64, checked by hand for the exact results:
 * - sqrtl(2) = 0x1.6a09e667f3bcc908b2fb1366ea95p+0: sqrt 2 scaled by
 *   2^112 is ...ea95 plus 0.489, so it rounds down;
 * - -(2^53 + 1) is exact in binary128 and converts back unchanged, but to
 *   double it rounds to even, -2^53;
 * - 2^100 + 1 keeps its low bit (113-bit significand), so converting it to
 *   a 128-bit integer leaves 1 in the low 64 bits;
 * - %.25Lg of 0.1L is "0.1": binary128 0.1 differs from 1/10 only after
 *   the 34th digit.
 * Float results: the x86-64 and arm64 glibc share the float code and agree
 * bit for bit for these inputs, except that NaNs from invalid operations
 * (logf(-1.5), sqrtf(-1.5)) are the arm64 default NaN, sign bit clear
 * ("nan"), where x86-64 prints "-nan".
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static volatile float finputs[] = {0.0f, 0.5f, 1.0f, -1.5f, 2.0f, 3.14159265f, 10.0f, 1e-30f, 88.0f};
#define NF (sizeof finputs / sizeof finputs[0])

static volatile long double linputs[] = {0.5L, 1.0L, 2.0L, 3.0L, 0.1L, 100.0L, -7.25L, 1e100L};
#define NL (sizeof linputs / sizeof linputs[0])

static const struct {
    const char *name;
    float (*f)(float);
} funary[] = {
    {"sinf", sinf}, {"cosf", cosf}, {"tanf", tanf}, {"expf", expf}, {"logf", logf},
    {"sqrtf", sqrtf}, {"cbrtf", cbrtf}, {"floorf", floorf}, {"roundf", roundf}, {"atanf", atanf},
};

static const struct {
    const char *name;
    long double (*f)(long double);
} lunary[] = {
    {"sqrtl", sqrtl}, {"expl", expl}, {"logl", logl}, {"sinl", sinl}, {"cosl", cosl},
    {"floorl", floorl}, {"ceill", ceill}, {"truncl", truncl}, {"cbrtl", cbrtl},
};

int main(void)
{
    for (size_t k = 0; k < sizeof funary / sizeof funary[0]; k++)
        for (size_t i = 0; i < NF; i++) {
            float x = finputs[i];
            printf("%s(%a) = %a\n", funary[k].name, (double)x, (double)funary[k].f(x));
        }
    for (size_t i = 0; i + 1 < NF; i++) {
        float x = finputs[i], y = finputs[i + 1];
        printf("powf(%a, %a) = %a  atan2f = %a  fmodf = %a\n", (double)x, (double)y,
               (double)powf(x, y), (double)atan2f(x, y), (double)fmodf(y, x == 0 ? 1 : x));
    }

    for (size_t k = 0; k < sizeof lunary / sizeof lunary[0]; k++)
        for (size_t i = 0; i < NL; i++) {
            long double x = linputs[i];
            printf("%s(%La) = %La\n", lunary[k].name, x, lunary[k].f(x));
        }
    for (size_t i = 0; i + 1 < NL; i++) {
        long double x = linputs[i], y = linputs[i + 1];
        printf("%La %La: + %La  - %La  * %La  / %La  powl %La\n", x, y, x + y, x - y, x * y,
               x / y, powl(fabsl(x), y / 8));
    }

    /* Conversions between binary128 and integers / binary64. */
    volatile int64_t i64 = -9007199254740993LL; /* 2^53 + 1: exact in binary128 only */
    volatile uint64_t u64 = 18446744073709551615ULL;
    long double a = (long double)i64, b = (long double)u64;
    printf("(long double)%lld = %La, back %lld\n", (long long)i64, a, (long long)(int64_t)a);
    printf("(long double)%llu = %La, back %llu\n", (unsigned long long)u64, b,
           (unsigned long long)(uint64_t)b);
    printf("to double rounds: %a\n", (double)a);
    volatile long double big = 0x1p100L;
    long double big1 = big + 1;
    printf("2^100 + 1 = %La, minus 2^100 = %La\n", big1, big1 - big);
    printf("(__int128)(2^100 + 1) low 64 bits = %llu\n",
           (unsigned long long)(unsigned __int128)big1);
    volatile double d = 0.1;
    printf("(long double)0.1 = %La\n", (long double)d);
    printf("(float)(1/3.0L) = %a\n", (double)(float)(1.0L / linputs[3]));
    printf("compare: %d %d %d\n", linputs[0] < linputs[1], linputs[2] == 2.0L,
           linputs[6] > linputs[5]);
    printf("%%.25Lg of 0.1L: %.25Lg\n", linputs[4]);
    return 0;
}
