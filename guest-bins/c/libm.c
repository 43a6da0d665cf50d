/*
 * libm over a fixed set of inputs, printed with %a (bit-exact), and the
 * floating-point environment: rounding modes (fesetround + rint, nearbyint,
 * lrint) and exception flags (division by zero, invalid, overflow,
 * underflow, inexact).
 *
 * The inputs are read through a volatile array so the compiler cannot fold
 * the calls at build time: every result comes from the guest's libm and
 * the guest's FP instructions.  Exact functions (sqrt, fma, floor, ceil,
 * round, trunc, fmod, remainder, rint) are correctly rounded by IEEE 754 on
 * every architecture; the others were cross-checked between a native
 * x86-64 build and qemu-aarch64.  Where they differ the arm64 result is
 * expected:
 * - NaNs produced by an invalid operation (log(-1), sqrt(-1), 0/0 inside
 *   fmod, ...) are the arm64 default NaN, sign bit clear ("nan"); x86-64's
 *   default NaN has the sign bit set ("-nan").
 * - cbrt(3), cbrt(0.1) and hypot(100.25, pi) differ in the last bit: the
 *   arm64 glibc is built with fused multiply-adds, x86-64 baseline is not.
 * - feraiseexcept(FE_OVERFLOW) on arm64 glibc raises it by an overflowing
 *   multiplication, which by IEEE 754 also raises inexact.
 * - GCC assumes the default rounding mode on x86-64 and moves rint across
 *   fesetround, so the native build prints wrong rint values in the
 *   directed modes; on arm64 rint is the FRINTX instruction, which uses
 *   FPCR.RMode as the architecture says.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

static volatile double inputs[] = {
    0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 3.0, -2.5, 0.1, 10.0, 100.25, 1e-300, 1e300,
    3.141592653589793, -7.75, 123456.789,
};
#define N_INPUTS (sizeof inputs / sizeof inputs[0])

typedef double (*fn1)(double);
typedef double (*fn2)(double, double);

static const struct {
    const char *name;
    fn1 f;
} unary[] = {
    {"sin", sin},     {"cos", cos},     {"tan", tan},   {"exp", exp},     {"log", log},
    {"sqrt", sqrt},   {"floor", floor}, {"ceil", ceil}, {"round", round}, {"trunc", trunc},
    {"cbrt", cbrt},   {"expm1", expm1}, {"log1p", log1p},
};

static const struct {
    const char *name;
    fn2 f;
} binary[] = {
    {"pow", pow}, {"atan2", atan2}, {"fmod", fmod}, {"remainder", remainder}, {"hypot", hypot},
};

/* Pairs for the two-argument functions: (inputs[i], inputs[(i + 3) % N]). */
static void math_table(void)
{
    for (size_t k = 0; k < sizeof unary / sizeof unary[0]; k++)
        for (size_t i = 0; i < N_INPUTS; i++) {
            double x = inputs[i];
            printf("%s(%a) = %a\n", unary[k].name, x, unary[k].f(x));
        }
    for (size_t k = 0; k < sizeof binary / sizeof binary[0]; k++)
        for (size_t i = 0; i < N_INPUTS; i++) {
            double x = inputs[i], y = inputs[(i + 3) % N_INPUTS];
            printf("%s(%a, %a) = %a\n", binary[k].name, x, y, binary[k].f(x, y));
        }
    for (size_t i = 0; i + 2 < N_INPUTS; i++) {
        double x = inputs[i], y = inputs[i + 1], z = inputs[i + 2];
        printf("fma(%a, %a, %a) = %a\n", x, y, z, fma(x, y, z));
    }
    /*
     * fma rounds once: (1 + 2^-52)^2 - (1 + 2^-51) is exactly 2^-104, while
     * the separately rounded product (stored through a volatile so it is
     * not contracted into an fma) loses that term.
     */
    volatile double e = 0x1.0000000000001p0, c = 0x1.0000000000002p0;
    volatile double product = e * e;
    printf("fma exact: %a, separate: %a\n", fma(e, e, -c), product - c);
    volatile float ef = 0x1.000002p0f, cf = 0x1.000004p0f;
    printf("fmaf exact: %a\n", (double)fmaf(ef, ef, -cf));
    printf("sqrtf(2) = %a\n", (double)sqrtf((float)inputs[5]));
}

static const struct {
    const char *name;
    int mode;
} modes[] = {
    {"FE_TONEAREST", FE_TONEAREST},
    {"FE_UPWARD", FE_UPWARD},
    {"FE_DOWNWARD", FE_DOWNWARD},
    {"FE_TOWARDZERO", FE_TOWARDZERO},
};

static volatile double round_inputs[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.7, -2.7, 1e16 + 1};

static void rounding_modes(void)
{
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        if (fesetround(modes[m].mode) != 0) {
            printf("fesetround(%s) failed\n", modes[m].name);
            continue;
        }
        printf("%s: fegetround matches: %s\n", modes[m].name,
               fegetround() == modes[m].mode ? "yes" : "no");
        for (size_t i = 0; i < sizeof round_inputs / sizeof round_inputs[0]; i++) {
            double x = round_inputs[i];
            printf("  x=%a rint=%a nearbyint=%a lrint=%ld\n", x, rint(x), nearbyint(x),
                   lrint(x));
        }
        /* The mode also rounds ordinary arithmetic: 1/3 and -1/3. */
        volatile double one = 1.0, three = 3.0;
        printf("  1/3=%a -1/3=%a\n", one / three, -one / three);
        volatile float onef = 1.0f, threef = 3.0f;
        printf("  1f/3f=%a\n", (double)(onef / threef));
    }
    fesetround(FE_TONEAREST);
}

static void show_flags(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%-14s:%s%s%s%s%s%s\n", what, f & FE_INVALID ? " invalid" : "",
           f & FE_DIVBYZERO ? " divbyzero" : "", f & FE_OVERFLOW ? " overflow" : "",
           f & FE_UNDERFLOW ? " underflow" : "", f & FE_INEXACT ? " inexact" : "",
           f == 0 ? " none" : "");
}

static void exception_flags(void)
{
    volatile double zero = 0.0, one = 1.0, big = DBL_MAX, tiny = DBL_MIN, r;

    feclearexcept(FE_ALL_EXCEPT);
    show_flags("cleared");
    r = one + one;
    show_flags("1+1");
    r = one / zero;
    printf("1/0 = %a\n", r);
    show_flags("1/0");
    feclearexcept(FE_ALL_EXCEPT);
    r = zero / zero;
    printf("0/0 is nan: %s\n", isnan(r) ? "yes" : "no");
    show_flags("0/0");
    feclearexcept(FE_ALL_EXCEPT);
    r = big * 2.0;
    printf("DBL_MAX*2 = %a\n", r);
    show_flags("DBL_MAX*2");
    feclearexcept(FE_ALL_EXCEPT);
    r = tiny * tiny;
    printf("DBL_MIN^2 = %a\n", r);
    show_flags("DBL_MIN^2");
    feclearexcept(FE_ALL_EXCEPT);
    r = one / 3.0;
    show_flags("1/3");
    feclearexcept(FE_ALL_EXCEPT);
    r = sqrt(-one);
    show_flags("sqrt(-1)");
    /* Flags accumulate until cleared. */
    feclearexcept(FE_ALL_EXCEPT);
    r = one / zero;
    r = zero / zero;
    show_flags("both");
    feclearexcept(FE_DIVBYZERO);
    show_flags("clear divbyzero");
    feraiseexcept(FE_OVERFLOW);
    show_flags("raise overflow");
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    show_flags("restored");
    feclearexcept(FE_ALL_EXCEPT);
    (void)r;
}

int main(void)
{
    math_table();
    rounding_modes();
    exception_flags();
    return 0;
}
