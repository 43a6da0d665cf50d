/*
 * Variadic functions: va_arg over mixed int/long/double/long double/pointer
 * arguments (on arm64 the general and SIMD register save areas plus the
 * stack overflow area), va_copy, forwarding a va_list to vprintf and
 * vsnprintf, and printf of long double.
 *
 * long double is IEEE binary128 on arm64 (passed in q registers, formatted
 * by glibc's printf through libgcc's soft-float quad code); on x86-64 it is
 * the 80-bit x87 format, so the native build prints different digits for
 * the long double lines.  The expected output is the binary128 one,
 * checked by hand:
 * - 1/3 = 0x1.5555...p-2 with 112 fraction bits (28 hex digits of 5; the
 *   next bits 0101... round down);
 * - 2/3 = 0x1.5555...p-1, same fraction, one more in the exponent;
 * - %.30Lf of 1/3: binary128 has 113 significant bits (~34 decimal
 *   digits), so all 30 printed digits are 3;
 * - 1e4000L is finite (binary128 reaches 1.19e4932);
 * - 0.1L = 0x1.999999999999999999999999999ap-4 (fraction bits 1001...
 *   rounded up at bit 112).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Fmt letters: i int, l long, d double, L long double, p pointer, s string. */
static void show(const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'i':
            printf(" i=%d", va_arg(ap, int));
            break;
        case 'l':
            printf(" l=%ld", va_arg(ap, long));
            break;
        case 'd':
            printf(" d=%a", va_arg(ap, double));
            break;
        case 'L':
            printf(" L=%.6Lf", va_arg(ap, long double));
            break;
        case 'p': {
            void *p = va_arg(ap, void *);
            printf(" p=%s", p == (void *)&show ? "&show" : p == NULL ? "NULL" : "other");
            break;
        }
        case 's':
            printf(" s=%s", va_arg(ap, const char *));
            break;
        }
    }
    printf("\n");
    /* The copy walks the same arguments again: sum the integers. */
    long sum = 0;
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'i':
            sum += va_arg(copy, int);
            break;
        case 'l':
            sum += va_arg(copy, long);
            break;
        case 'd':
            sum += (long)va_arg(copy, double);
            break;
        case 'L':
            sum += (long)va_arg(copy, long double);
            break;
        case 'p':
        case 's':
            (void)va_arg(copy, void *);
            break;
        }
    }
    printf("  integer parts sum %ld\n", sum);
    va_end(copy);
    va_end(ap);
}

static int forward(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    printf("vprintf: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    return r;
}

static long double sum_ld(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    long double s = 0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, long double);
    va_end(ap);
    return s;
}

int main(void)
{
    show("idi", 1, 2.5, 3);
    show("llllllllll", 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L); /* > 8 GPR args */
    show("dddddddddd", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0); /* > 8 FP args */
    show("iLdLp", -4, 1.5L, -2.25, 1e3L, (void *)&show);
    show("sLsLsLsLsLsL", "a", 1.0L, "b", 2.0L, "c", 3.0L, "d", 4.0L, "e", 5.0L, "f", 6.0L);
    show("pipdps", (void *)NULL, 7, (void *)&show, 0.125, (void *)&show, "end");

    char buf[64];
    int r = forward(buf, sizeof buf, "%d|%5.2f|%s|%c|%ld|%x|%Lg", 42, 3.14159, "str", 'Z',
                    -1234567890123L, 0xbeefU, 0.5L);
    printf("vsnprintf -> %d [%s]\n", r, buf);
    r = forward(buf, 8, "%s-%d", "truncated", 123456);
    printf("vsnprintf(8) -> %d [%s] len %zu\n", r, buf, strlen(buf));

    volatile long double third = 1.0L, three = 3.0L;
    long double t = third / three;
    printf("1/3 = %La\n", t);
    printf("2/3 = %La\n", t * 2);
    printf("1/3 = %.30Lf\n", t);
    printf("1/3 = %.20Le\n", t);
    volatile long double tenth = 0.1L;
    printf("0.1L = %La\n", tenth);
    volatile long double big = 1e4000L;
    printf("1e4000L = %.5Le\n", big);
    printf("sizeof(long double) = %zu\n", sizeof(long double));
    printf("sum_ld = %.3Lf\n", sum_ld(12, 1.0L, 2.0L, 3.0L, 4.0L, 5.0L, 6.0L, 7.0L, 8.0L, 9.0L,
                                    10.0L, 11.0L, 0.125L));
    return 0;
}
