/* The Armv8.1-8.6 Advanced SIMD extensions through arm_neon.h / arm_acle.h:
 * dot products (FEAT_DotProd, FEAT_I8MM), SQRDMLAH (FEAT_RDM), complex
 * FCMLA/FCADD (FEAT_FCMA), BFloat16 (FEAT_BF16), FRINT32Z/FRINT64X
 * (FEAT_FRINTTS), FJCVTZS (FEAT_JSCVT) and CFINV (FEAT_FlagM), printed as
 * exact bit patterns, plus the AT_HWCAP/AT_HWCAP2 bits that announce them.
 * Expected values follow the Arm ARM pseudocode (SDOT, MatMulAdd,
 * SQRDMLAH, FCMLA, FCADD, BFDotAdd with FPCR.EBF = 0, BFMulAdd,
 * FPConvertBF, FPRoundIntN, FPToFixedJS) and agree with qemu-aarch64
 * -cpu max. The target is enabled here only, not in the build flags. */
#ifndef __aarch64__
#error "arm64 only: no portable equivalent (check-expected.sh skips the native build)"
#endif
#pragma GCC target("arch=armv8.6-a+i8mm+bf16")
#include <arm_acle.h>
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

/* Hides a value from the compiler, which could fold constant operands. */
#define OPAQUE(v) __asm__ volatile("" : "+w"(v))

static void show4(const char *name, uint32x4_t v) {
    printf("%-12s %08x %08x %08x %08x\n", name, vgetq_lane_u32(v, 0), vgetq_lane_u32(v, 1),
           vgetq_lane_u32(v, 2), vgetq_lane_u32(v, 3));
}

static void show2d(const char *name, uint64x2_t v) {
    printf("%-12s %016llx %016llx\n", name, (unsigned long long)vgetq_lane_u64(v, 0),
           (unsigned long long)vgetq_lane_u64(v, 1));
}

static uint64_t fpsr(void) {
    uint64_t r;
    __asm__ volatile("mrs %0, fpsr" : "=r"(r));
    return r;
}

static void clear_fpsr(void) { __asm__ volatile("msr fpsr, xzr"); }

static uint16x8_t h8(uint16_t a, uint16_t b, uint16_t c, uint16_t d, uint16_t e, uint16_t f,
                     uint16_t g, uint16_t h) {
    uint16x8_t v = {a, b, c, d, e, f, g, h};
    OPAQUE(v);
    return v;
}

static void dot_products(void) {
    int8x16_t s = vdupq_n_s8(-128), t = vdupq_n_s8(-128);
    uint8x16_t u = vdupq_n_u8(255);
    OPAQUE(s);
    OPAQUE(t);
    OPAQUE(u);
    /* 4 * (-128)^2 = 0x10000, and the accumulator wraps. */
    int32x4_t acc = {0, 1, -1, 0x7fffffff};
    OPAQUE(acc);
    show4("sdot", vreinterpretq_u32_s32(vdotq_s32(acc, s, t)));
    /* 4 * 255^2 = 0x3f804. */
    show4("udot", vdotq_u32(vdupq_n_u32(0), u, u));
    /* Bytes of lane 3 of b (1, 2, 3, 4) against each group of a. */
    int8x16_t a = {1, 2, 3, 4, -1, -2, -3, -4, 10, 20, 30, 40, 0, 0, 0, 127};
    int8x16_t b = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
    OPAQUE(a);
    OPAQUE(b);
    show4("sdot_laneq", vreinterpretq_u32_s32(vdotq_laneq_s32(vdupq_n_s32(0), a, b, 3)));
    /* Unsigned 255 times signed -128: 4 * -32640. */
    show4("usdot", vreinterpretq_u32_s32(vusdotq_s32(vdupq_n_s32(0), u, s)));
    /* 2x8 by 2x8^T: rows (1..8, -1 x8) and (1 x8, 1..8): 36 204 -8 -36. */
    int8x16_t m1 = {1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, -1, -1, -1, -1};
    int8x16_t m2 = {1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8};
    OPAQUE(m1);
    OPAQUE(m2);
    show4("smmla", vreinterpretq_u32_s32(vmmlaq_s32(vdupq_n_s32(0), m1, m2)));
    show4("ummla", vmmlaq_u32(vdupq_n_u32(0), vreinterpretq_u8_s8(m1), vreinterpretq_u8_s8(m2)));
    show4("usmmla",
          vreinterpretq_u32_s32(vusmmlaq_s32(vdupq_n_s32(0), vreinterpretq_u8_s8(m1), m2)));
}

static void rdm(void) {
    /* 0.5 + 0.5 * 0.5 = 0.75 (0x6000); (-1) * (-1) saturates (QC). */
    int16x8_t d = {0x4000, 0, 0, 0, 0, 0, 0, 0x7fff};
    int16x8_t n = {0x4000, -32768, 1, 1, 0, 0, 0, 0x7fff};
    int16x8_t m = {0x4000, -32768, 0x4000, 0x3fff, 0, 0, 0, 0x7fff};
    OPAQUE(d);
    OPAQUE(n);
    OPAQUE(m);
    clear_fpsr();
    int16x8_t r = vqrdmlahq_s16(d, n, m);
    uint64_t f = fpsr();
    show4("sqrdmlah", vreinterpretq_u32_s16(r));
    printf("fpsr.qc      %d\n", (int)(f >> 27 & 1));
}

static void complex_arith(void) {
    /* (1+2i, 3+4i), (5+6i, 7+8i), accumulators (100+200i, 300+400i). */
    float32x4_t n = {1, 2, 3, 4}, m = {5, 6, 7, 8}, d = {100, 200, 300, 400};
    OPAQUE(n);
    OPAQUE(m);
    OPAQUE(d);
    show4("fcmla_0", vreinterpretq_u32_f32(vcmlaq_f32(d, n, m)));
    show4("fcmla_90", vreinterpretq_u32_f32(vcmlaq_rot90_f32(d, n, m)));
    show4("fcmla_180", vreinterpretq_u32_f32(vcmlaq_rot180_f32(d, n, m)));
    show4("fcmla_270", vreinterpretq_u32_f32(vcmlaq_rot270_f32(d, n, m)));
    /* The full product (1+2i)(5+6i) = -7+16i: rotations 0 and 90. */
    float32x4_t p = vcmlaq_rot90_f32(vcmlaq_f32(vdupq_n_f32(0), n, m), n, m);
    show4("cmul", vreinterpretq_u32_f32(p));
    show4("fcadd_90", vreinterpretq_u32_f32(vcaddq_rot90_f32(n, m)));
    show4("fcadd_270", vreinterpretq_u32_f32(vcaddq_rot270_f32(n, m)));
}

static void bfloat16(void) {
    /* 1 + 1*3 + 2*0.5 = 5; 1 + 2^-24 rounds to odd (1 + 2^-23) in BFDOT;
     * a NaN gives the default NaN; a denormal input counts as zero. */
    float32x4_t acc = vdupq_n_f32(1.0f);
    bfloat16x8_t a = vreinterpretq_bf16_u16(
        h8(0x3f80, 0x4000, 0x3380, 0, 0x7f81, 0, 0x0001, 0x3f80));
    bfloat16x8_t b = vreinterpretq_bf16_u16(
        h8(0x4040, 0x3f00, 0x3f80, 0, 0x3f80, 0, 0x3f80, 0x3f80));
    show4("bfdot", vreinterpretq_u32_f32(vbfdotq_f32(acc, a, b)));
    /* Rows (1, 2, 3, 4), (1, 1, 1, 1) by rows (1 x4), (0.5 x4): 10 5 4 2. */
    bfloat16x8_t r1 = vreinterpretq_bf16_u16(
        h8(0x3f80, 0x4000, 0x4040, 0x4080, 0x3f80, 0x3f80, 0x3f80, 0x3f80));
    bfloat16x8_t r2 = vreinterpretq_bf16_u16(
        h8(0x3f80, 0x3f80, 0x3f80, 0x3f80, 0x3f00, 0x3f00, 0x3f00, 0x3f00));
    show4("bfmmla", vreinterpretq_u32_f32(vbfmmlaq_f32(vdupq_n_f32(0), r1, r2)));
    /* BFMLALB is IEEE: 1 + 2^-24 rounds to nearest even, 1.0. */
    show4("bfmlalb", vreinterpretq_u32_f32(vbfmlalbq_f32(acc, a, b)));
    show4("bfmlalt", vreinterpretq_u32_f32(vbfmlaltq_f32(acc, a, b)));
    /* BFCVT: ties to even (1 + 2^-8 -> 1.0, 1 + 3 * 2^-8 -> 0x3f82). */
    float x = 1.00390625f, y = 1.01171875f;
    __asm__ volatile("" : "+w"(x), "+w"(y));
    bfloat16_t bx = vcvth_bf16_f32(x), by = vcvth_bf16_f32(y);
    uint16_t ux, uy;
    memcpy(&ux, &bx, 2);
    memcpy(&uy, &by, 2);
    printf("bfcvt        %04x %04x\n", ux, uy);
    /* pi, -0, 3.4e38 (overflows to infinity), the smallest denormal. */
    float32x4_t w = {3.14159265f, -0.0f, 3.4e38f, 1.0e-45f};
    OPAQUE(w);
    clear_fpsr();
    bfloat16x4_t nw = vcvt_bf16_f32(w);
    uint64_t f = fpsr();
    uint16x4_t un = vreinterpret_u16_bf16(nw);
    printf("bfcvtn       %04x %04x %04x %04x fpsr %02llx\n", vget_lane_u16(un, 0),
           vget_lane_u16(un, 1), vget_lane_u16(un, 2), vget_lane_u16(un, 3),
           (unsigned long long)(f & 0x9f));
}

static void rounding(void) {
    float32x4_t x = {1.5f, -2.7f, 3e9f, -2147483648.0f};
    OPAQUE(x);
    clear_fpsr();
    float32x4_t r = vrnd32zq_f32(x);
    uint64_t f = fpsr();
    show4("frint32z", vreinterpretq_u32_f32(r));
    printf("fpsr         %02llx\n", (unsigned long long)(f & 0x9f));
    float64x2_t y = {2.5, -9.3e18};
    OPAQUE(y);
    show2d("frint64x", vreinterpretq_u64_f64(vrnd64xq_f64(y)));
    double js[] = {1.0, -1.5, 4294967301.0, -0.0, 1e20, 2147483647.0};
    for (unsigned i = 0; i < sizeof js / sizeof js[0]; i++) {
        double v = js[i];
        __asm__ volatile("" : "+w"(v));
        clear_fpsr();
        int32_t j = __jcvt(v);
        uint64_t f = fpsr();
        /* FJCVTZS sets Z when the conversion is exact (__jcvt drops it). */
        int32_t k;
        uint64_t nzcv;
        __asm__ volatile("fjcvtzs %w0, %d2\n\tmrs %1, nzcv" : "=r"(k), "=r"(nzcv) : "w"(v));
        printf("fjcvtzs      %08x %08x z=%d fpsr %02llx\n", (uint32_t)j, (uint32_t)k,
               (int)(nzcv >> 30 & 1), (unsigned long long)(f & 0x9f));
    }
}

static void flags(void) {
    uint64_t nzcv;
    /* cmp 1, 1: Z and C; cfinv clears C. */
    __asm__ volatile("cmp %1, %1\n\tcfinv\n\tmrs %0, nzcv" : "=r"(nzcv) : "r"(1L) : "cc");
    printf("cfinv        %08llx\n", (unsigned long long)nzcv);
}

#ifndef HWCAP_ASIMDRDM
#define HWCAP_ASIMDRDM (1 << 12)
#endif
#ifndef HWCAP_JSCVT
#define HWCAP_JSCVT (1 << 13)
#endif
#ifndef HWCAP_FCMA
#define HWCAP_FCMA (1 << 14)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP_ASIMDFHM
#define HWCAP_ASIMDFHM (1 << 23)
#endif
#ifndef HWCAP_ASIMDHP
#define HWCAP_ASIMDHP (1 << 10)
#endif
#ifndef HWCAP_FLAGM
#define HWCAP_FLAGM (1 << 27)
#endif
#ifndef HWCAP2_FLAGM2
#define HWCAP2_FLAGM2 (1 << 7)
#endif
#ifndef HWCAP2_FRINT
#define HWCAP2_FRINT (1 << 8)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif
#ifndef HWCAP2_BF16
#define HWCAP2_BF16 (1 << 14)
#endif

static void hwcaps(void) {
    unsigned long h = getauxval(AT_HWCAP), h2 = getauxval(AT_HWCAP2);
    printf("hwcap asimdrdm %d jscvt %d fcma %d asimddp %d flagm %d\n", !!(h & HWCAP_ASIMDRDM),
           !!(h & HWCAP_JSCVT), !!(h & HWCAP_FCMA), !!(h & HWCAP_ASIMDDP), !!(h & HWCAP_FLAGM));
    printf("hwcap2 flagm2 %d frint %d i8mm %d bf16 %d\n", !!(h2 & HWCAP2_FLAGM2),
           !!(h2 & HWCAP2_FRINT), !!(h2 & HWCAP2_I8MM), !!(h2 & HWCAP2_BF16));
    /* FEAT_FHM requires FEAT_FP16: asimdfhm only ever comes with asimdhp. */
    printf("asimdfhm implies asimdhp %d\n", !(h & HWCAP_ASIMDFHM) || !!(h & HWCAP_ASIMDHP));
}

int main(void) {
    dot_products();
    rdm();
    complex_arith();
    bfloat16();
    rounding();
    flags();
    hwcaps();
    return 0;
}
