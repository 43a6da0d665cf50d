/*
 * printf of integers in all common formats, doubles with %f %e %g %a at
 * many precisions, and strtod/strtol of tricky inputs (shortest and
 * longest doubles, subnormals, hex floats, infinities, NaN, rounding to
 * even, partial parses), printed with %a and %.17g.
 * Only double is used (long double differs between x86-64 and arm64).
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ints(void)
{
    int v[] = {0, 1, -1, 42, -42, 255, 4096, 65535, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        int x = v[i];
        printf("[%d] [%i] [%u] [%x] [%X] [%o] [%#x] [%#o] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%*d] [%-*d]\n",
               x, x, (unsigned)x, (unsigned)x, (unsigned)x, (unsigned)x, (unsigned)x, (unsigned)x,
               x, x, x, x, x, x, 8, x, 8, x);
    }
    long long big[] = {0, LLONG_MAX, LLONG_MIN, 1234567890123456789LL, -9876543210LL};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        printf("[%lld] [%llu] [%llx] [%#llo] [%22lld] [%-22lld|]\n", big[i], (unsigned long long)big[i],
               (unsigned long long)big[i], (unsigned long long)big[i], big[i], big[i]);
    printf("[%hhd] [%hhu] [%hd] [%hu] [%ld] [%lu] [%zu] [%zd] [%jd] [%td]\n",
           (signed char)-128, (unsigned char)200, (short)-32768, (unsigned short)65535,
           LONG_MIN, ULONG_MAX, (size_t)123456789, (ptrdiff_t)-5, INTMAX_MIN, (ptrdiff_t)77);
    printf("[%c] [%5c] [%-5c] [%s] [%10s] [%-10s] [%.3s] [%10.4s] [%%] [%p]\n",
           'x', 'y', 'z', "str", "right", "left", "truncate", "precision", (void *)0);
    printf("[%" PRId8 "] [%" PRIu16 "] [%" PRIx32 "] [%" PRIX64 "] [%#.0x] [%#.0o] [%.0d]\n",
           (int8_t)-8, (uint16_t)65535, (uint32_t)0xdeadbeef, (uint64_t)0xcafef00dd00dfeed, 0u, 0u, 0);
    /* Volatile inputs: the compiler must not compute these at build time. */
    static const char *volatile word = "truncated";
    static volatile int num = 12345;
    static volatile double pi = -3.14159;
    char small[8];
    int n = snprintf(small, sizeof small, "%s-%d", word, num);
    printf("snprintf -> %d [%s]\n", n, small);
    n = snprintf(NULL, 0, "%08.3f", pi);
    printf("snprintf(NULL, 0) -> %d\n", n);
}

static void doubles(void)
{
    double v[] = {
        0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, -2.5, 1.0 / 3.0, 2.0 / 3.0, 123456789.125,
        9.999999, 0.000123456, 1e21, 1e-7, 1e300, 1e-300, 4.9406564584124654e-324,
        DBL_MIN, DBL_MAX, DBL_EPSILON, 6.02214076e23, -273.15, 3.141592653589793,
        (double)INFINITY, -(double)INFINITY, __builtin_nan(""), -__builtin_nan(""),
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x = v[i];
        printf("%%a [%a] [%A] %%f [%f] %%e [%e] %%g [%g] [%#g] [%+.3e] [%12.4f] [%-12.2e|] [%012.3f]\n",
               x, x, x, x, x, x, x, x, x, x);
        if (isfinite(x) && fabs(x) < 1e22) {
            printf("   ");
            for (int p = 0; p <= 17; p += 1)
                printf(" %.*f", p, x);
            printf("\n");
        }
        printf("   ");
        for (int p = 0; p <= 17; p += 2)
            printf(" %.*e", p, x);
        printf("\n   ");
        for (int p = 0; p <= 17; p += 2)
            printf(" %.*g", p, x);
        printf("\n   ");
        for (int p = 0; p <= 13; p += 3)
            printf(" %.*a", p, x);
        printf("\n");
    }
}

static void parse_double(const char *s)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    int e = errno;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    printf("strtod(\"%s\") = %a = %.17g bits 0x%016" PRIx64 " used %d%s\n",
           s, d, d, bits, (int)(end - s), e == ERANGE ? " ERANGE" : "");
}

static void parse_long(const char *s, int base)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, base);
    int e = errno;
    errno = 0;
    unsigned long u = strtoul(s, NULL, base);
    int eu = errno;
    printf("strtol(\"%s\", %d) = %ld used %d%s; strtoul = %lu%s\n", s, base, v, (int)(end - s),
           e == ERANGE ? " ERANGE" : "", u, eu == ERANGE ? " ERANGE" : "");
}

int main(void)
{
    ints();
    doubles();
    static const char *const dbl_inputs[] = {
        "0.1", "0.2", "0.3", "0.30000000000000004", "1e308", "1.7976931348623157e308",
        "1.7976931348623158e308", "1e309", "4.9e-324", "2.4703282292062328e-324",
        "2.4703282292062327e-324", "1e-400", "2.2250738585072011e-308",
        "2.2250738585072012e-308", "2.2250738585072014e-308", "9007199254740993",
        "9007199254740995", "123456789012345678901234567890", "inf", "-INFINITY", "infinity",
        "nan", "-nan", "NaN(123)", "0x1p-1074", "0x1.8p1", "0x1.fffffffffffffp1023", "0X.8P+2",
        "0x1.00000000000008p0", "0x", "0", "-0", "+0.0e-5", "  -12.5e2xyz", "1e", "1e+", ".5",
        "5.", ".", "abc", "", "1.0000000000000002", "3.14159265358979323846264338327950288",
    };
    for (size_t i = 0; i < sizeof dbl_inputs / sizeof dbl_inputs[0]; i++)
        parse_double(dbl_inputs[i]);

    parse_long("9223372036854775807", 10);
    parse_long("9223372036854775808", 10);
    parse_long("-9223372036854775808", 10);
    parse_long("-9223372036854775809", 10);
    parse_long("18446744073709551615", 10);
    parse_long("18446744073709551616", 10);
    parse_long("0x7fffffff", 0);
    parse_long("0777", 0);
    parse_long("  -42abc", 10);
    parse_long("zz", 36);
    parse_long("101", 2);
    parse_long("-1", 10);
    return 0;
}
