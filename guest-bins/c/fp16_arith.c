/* Half-precision floating point (FEAT_FP16) through _Float16, arm_fp16.h
 * and arm_neon.h float16x8_t intrinsics: scalar arithmetic, fused
 * multiply-add, square root, rounding, conversions to and from integers
 * and fixed point, compares, the vector three-same, two-register,
 * by-element and across-lanes forms, the estimates, FMLAL (FEAT_FHM), and
 * FPCR.FZ16 / FPCR.AHP, printed as exact bit patterns with the FPSR flags
 * they raise; plus the AT_HWCAP bits that announce FP16 and FHM.
 * Expected values follow the Arm ARM pseudocode for N = 16 (FPAdd, FPMul,
 * FPDiv, FPMulAdd, FPSqrt, FPRoundInt, FPToFixed, FixedToFP,
 * FPRecipEstimate, FPRSqrtEstimate, FPMulAddH, FPRound with FZ16, FPConvert
 * with AHP) and agree with qemu-aarch64 -cpu max. The target is enabled here
 * only, not in the build flags. */
#ifndef __aarch64__
#error "arm64 only: no portable equivalent (check-expected.sh skips the native build)"
#endif
#pragma GCC target("arch=armv8.2-a+fp16+fp16fml")
#include <arm_fp16.h>
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

static uint16_t bits(float16_t x)
{
    uint16_t b;
    memcpy(&b, &x, 2);
    return b;
}

static float16_t half(uint16_t b)
{
    float16_t x;
    memcpy(&x, &b, 2);
    return x;
}

static uint64_t get_fpsr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpsr" : "=r"(v));
    return v;
}

static void set_fpsr(uint64_t v) { __asm__ volatile("msr fpsr, %0" ::"r"(v)); }

static uint64_t get_fpcr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpcr" : "=r"(v));
    return v;
}

static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" ::"r"(v)); }

/* The FPSR exception flags since the last call, as letters. Not inlined,
 * so every result stored (volatile) before the call is computed first. */
__attribute__((noinline)) static const char *flags(void)
{
    static char s[8];
    uint64_t f = get_fpsr();
    set_fpsr(0);
    snprintf(s, sizeof s, "%c%c%c%c%c", f & 1 ? 'I' : '-', f & 2 ? 'Z' : '-', f & 4 ? 'O' : '-',
             f & 8 ? 'U' : '-', f & 16 ? 'X' : '-');
    return s;
}

__attribute__((noinline)) static void vec8(const char *name, float16x8_t v)
{
    uint16_t b[8];
    vst1q_u16(b, vreinterpretq_u16_f16(v));
    printf("%s", name);
    for (int i = 0; i < 8; i++)
        printf(" %04x", b[i]);
    printf(" %s\n", flags());
}

/* Prints a half result, then the flags its computation raised (the result
 * is computed first: argument evaluation order is unspecified). */
#define SHOW(name, expr)                                                                           \
    do {                                                                                           \
        volatile uint16_t r_ = bits(expr);                                                                  \
        printf("%s %04x %s\n", name, r_, flags());                                                 \
    } while (0)

static void scalar(void)
{
    /* volatile: keep the operations at run time. */
    volatile float16_t one = 1.0f16, three = 3.0f16, big = 65504.0f16, tiny = half(0x0001);
    volatile float16_t a = half(0x3c01), b = half(0x3bfe), m1 = -1.0f16, two5 = 2.5f16;
    volatile float16_t qnan = half(0x7e00), two = 2.0f16, four = 4.0f16, x175 = 1.75f16;
    volatile int32_t k_3 = -3, k24 = 24;
    volatile uint32_t k70000 = 70000;
    flags();
    SHOW("add", vaddh_f16(one, three));
    SHOW("div", vdivh_f16(one, three));
    SHOW("mul-overflow", vmulh_f16(big, three));
    SHOW("sub-zero", vsubh_f16(one, one));
    SHOW("tiny*0.75", vmulh_f16(tiny, 0.75f16));
    /* -1 + (1 + 2^-10)(1 - 2^-10) = -2^-20, one rounding. */
    SHOW("fma", vfmah_f16(m1, a, b));
    SHOW("sqrt2", vsqrth_f16(two));
    SHOW("sqrt-1", vsqrth_f16(m1));
    SHOW("rndn", vrndnh_f16(two5));
    SHOW("rnda", vrndah_f16(two5));
    SHOW("rndm", vrndmh_f16(-two5));
    SHOW("rndx", vrndxh_f16(two5));
    SHOW("max", vmaxh_f16(m1, three));
    SHOW("minnm", vminnmh_f16(qnan, three));
    volatile int32_t s32 = vcvth_s32_f16(-two5);
    printf("cvt s32 %d %s\n", s32, flags());
    volatile uint32_t u32 = vcvtah_u32_f16(two5);
    printf("cvt u32 %u %s\n", u32, flags());
    volatile int64_t s64 = vcvtnh_s64_f16(big);
    printf("cvt s64 %lld %s\n", (long long)s64, flags());
    volatile int16_t s16 = vcvth_s16_f16(big);
    printf("cvt s16 %d %s\n", s16, flags());
    SHOW("from s32", vcvth_f16_s32(k_3));
    SHOW("from u32", vcvth_f16_u32(k70000));
    SHOW("from fixed", vcvth_n_f16_s32(k24, 4));
    volatile int32_t fx = vcvth_n_s32_f16(x175, 2);
    printf("to fixed %d %s\n", fx, flags());
    SHOW("recpe", vrecpeh_f16(two));
    SHOW("rsqrte", vrsqrteh_f16(four));
    SHOW("recpx", vrecpxh_f16(three));
    volatile uint16_t ge = vcgeh_f16(one, one);
    printf("cmp ge %04x %s\n", ge, flags());
    volatile uint16_t gt = vcgth_f16(qnan, one);
    printf("cmp gt nan %04x %s\n", gt, flags());
    volatile uint16_t lt0 = vcltzh_f16(m1);
    printf("cmp lt0 %04x %s\n", lt0, flags());
    /* _Float16 in plain C: FMUL, FDIV, FADD on h registers. */
    volatile _Float16 x = 1.5f16, y = -0.375f16;
    SHOW("c", x * y + x / y);
}

static void vector(void)
{
    const uint16_t nb[8] = {0x3c00, 0x3e00, 0xc000, 0x7bff, 0x7c00, 0x7e01, 0x7c01, 0x0001};
    const uint16_t mb[8] = {0x3c00, 0x4080, 0x4000, 0x5000, 0xfc00, 0x3c00, 0x3c00, 0x0001};
    float16x8_t n = vreinterpretq_f16_u16(vld1q_u16(nb));
    float16x8_t m = vreinterpretq_f16_u16(vld1q_u16(mb));
    flags();
    vec8("vadd", vaddq_f16(n, m));
    vec8("vmul", vmulq_f16(n, m));
    vec8("vdiv", vdivq_f16(m, n));
    vec8("vfma", vfmaq_f16(vdupq_n_f16(-1.0f16), vdupq_n_f16(half(0x3c01)),
                           vdupq_n_f16(half(0x3bfe))));
    vec8("vfma-lane", vfmaq_laneq_f16(n, m, m, 1));
    vec8("vmulx", vmulxq_f16(vdupq_n_f16(0.0f16), m));
    vec8("vabd", vabdq_f16(n, m));
    vec8("vmaxnm", vmaxnmq_f16(n, m));
    vec8("vpadd", vpaddq_f16(n, m));
    vec8("vrecps", vrecpsq_f16(n, m));
    vec8("vrsqrts", vrsqrtsq_f16(n, m));
    vec8("vsqrt", vsqrtq_f16(vabsq_f16(n)));
    vec8("vrndn", vrndnq_f16(vmulq_n_f16(n, 2.25f16)));
    vec8("vrecpe", vrecpeq_f16(n));
    vec8("vrsqrte", vrsqrteq_f16(n));
    vec8("vceq", vreinterpretq_f16_u16(vceqq_f16(n, m)));
    vec8("vcge", vreinterpretq_f16_u16(vcgeq_f16(n, m)));
    vec8("vcagt", vreinterpretq_f16_u16(vcagtq_f16(n, m)));
    vec8("vcltz", vreinterpretq_f16_u16(vcltzq_f16(n)));
    vec8("vcvt-s16", vreinterpretq_f16_s16(vcvtq_s16_f16(vmulq_n_f16(n, 100.0f16))));
    vec8("vcvt-f16", vcvtq_f16_s16(vld1q_s16((const int16_t *)nb)));
    vec8("vcvt-n", vcvtq_n_f16_u16(vld1q_u16(mb), 12));
    SHOW("vmaxnmv", vmaxnmvq_f16(m));
    SHOW("vminv", vminvq_f16(n));
    SHOW("vmaxv", vmaxvq_f16(m));
    vec8("vmov-imm", vdupq_n_f16(-1.5f16));
    /* FMLAL/FMLAL2 (FEAT_FHM): single-precision sums of half products. */
    float32x4_t acc = vfmlalq_low_f16(vdupq_n_f32(1.0f), n, m);
    acc = vfmlalq_high_f16(acc, n, m);
    uint32_t r[4];
    vst1q_u32(r, vreinterpretq_u32_f32(acc));
    printf("fmlal %08x %08x %08x %08x %s\n", r[0], r[1], r[2], r[3], flags());
}

static void modes(void)
{
    uint64_t fpcr = get_fpcr();
    volatile float16_t min_normal = half(0x0400), halfv = 0.5f16, den = half(0x0001);
    flags();
    /* FZ16: a denormal result is flushed (UFC), a denormal input is zero
     * without IDC; FZ alone leaves half precision alone. */
    set_fpcr(fpcr | 1 << 19);
    printf("fz16 fpcr %llx\n", (unsigned long long)(get_fpcr() & (1 << 19)));
    SHOW("fz16 mul", vmulh_f16(min_normal, halfv));
    volatile uint16_t sum = bits(vaddh_f16(den, den));
    printf("fz16 add %04x idc %d\n", sum, (int)(get_fpsr() >> 7 & 1));
    flags();
    vec8("fz16 vadd", vaddq_f16(vdupq_n_f16(den), vdupq_n_f16(min_normal)));
    /* FCVT ignores FZ16: the denormal widens exactly. */
    volatile float wide = (float)den;
    uint32_t wb;
    memcpy(&wb, (const void *)&wide, 4);
    printf("fz16 fcvt %08x %s\n", wb, flags());
    set_fpcr(fpcr | 1 << 24);
    SHOW("fz add", vaddh_f16(den, den));
    /* Round towards zero: overflow gives the largest normal. */
    set_fpcr(fpcr | 3 << 22);
    volatile float16_t max = 65504.0f16;
    SHOW("rz", vaddh_f16(max, 32.0f16));
    /* AHP: FCVT to half uses the alternative format (no infinities). */
    set_fpcr(fpcr | 1 << 26);
    volatile float f = 70000.0f;
    __fp16 alt = (__fp16)0;
    uint16_t ab;
    __asm__ volatile("fcvt %h0, %s1" : "=w"(alt) : "w"(f));
    memcpy(&ab, &alt, 2);
    printf("ahp %04x %s\n", ab, flags());
    set_fpcr(fpcr);
}

static void hwcaps(void)
{
    unsigned long h = getauxval(AT_HWCAP);
    printf("hwcap fphp %d asimdhp %d asimdfhm %d\n", !!(h & (1 << 9)), !!(h & (1 << 10)),
           !!(h & (1 << 23)));
}

int main(void)
{
    scalar();
    vector();
    modes();
    hwcaps();
    return 0;
}
