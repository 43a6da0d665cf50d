/* Advanced SIMD estimates, half-precision conversions and the scalar
 * saturating doubling long multiplies, printed as exact bit patterns. The
 * values follow the Arm ARM pseudocode (FPRecipEstimate, FPRSqrtEstimate,
 * UnsignedRecipEstimate, UnsignedRSqrtEstimate, FPRecpX, FPConvert). */
#ifndef __aarch64__
#error "arm64 only: no portable equivalent (check-expected.sh skips the native build)"
#endif
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t bits32(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float from32(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void show4(const char *name, uint32x4_t v) {
    printf("%-8s %08x %08x %08x %08x\n", name, vgetq_lane_u32(v, 0), vgetq_lane_u32(v, 1),
           vgetq_lane_u32(v, 2), vgetq_lane_u32(v, 3));
}

static uint64_t fpsr(void) {
    uint64_t r;
    __asm__ volatile("mrs %0, fpsr" : "=r"(r));
    return r;
}

/* Hides a value from the compiler, which would otherwise fold the
 * conversions and multiplies of constants at compile time. */
#define OPAQUE(v) __asm__ volatile("" : "+w"(v))
#define OPAQUE_R(v) __asm__ volatile("" : "+r"(v))

static void clear_fpsr(void) { __asm__ volatile("msr fpsr, xzr"); }

static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" ::"r"(v)); }

int main(void) {
    /* 2.0, 3.0, -0.0 (division by zero), an sNaN with payload. */
    float32x4_t x = vreinterpretq_f32_u32(
        (uint32x4_t){0x40000000, 0x40400000, 0x80000000, 0x7f800123});
    OPAQUE(x);
    clear_fpsr();
    show4("frecpe", vreinterpretq_u32_f32(vrecpeq_f32(x)));
    printf("fpsr     %08llx\n", (unsigned long long)fpsr());
    /* 4.0, 2.0, the smallest denormal, -1.0 (invalid). */
    float32x4_t y = vreinterpretq_f32_u32(
        (uint32x4_t){0x40800000, 0x40000000, 0x00000001, 0xbf800000});
    OPAQUE(y);
    clear_fpsr();
    show4("frsqrte", vreinterpretq_u32_f32(vrsqrteq_f32(y)));
    printf("fpsr     %08llx\n", (unsigned long long)fpsr());
    /* FZ: a denormal input is flushed (division by zero, input denormal),
     * an estimate that would be denormal is flushed (underflow). */
    set_fpcr(1 << 24);
    clear_fpsr();
    uint32x4_t z = {0x00400000, 0x7e800000, 0x3f800000, 0x7f7fffff};
    OPAQUE(z);
    show4("frecpe.fz", vreinterpretq_u32_f32(vrecpeq_f32(vreinterpretq_f32_u32(z))));
    printf("fpsr     %08llx\n", (unsigned long long)fpsr());
    set_fpcr(0);

    /* Newton-Raphson: 1/3 and 1/sqrt(2) refined from the estimates. */
    float32x4_t d = vdupq_n_f32(3.0f);
    OPAQUE(d);
    float32x4_t r = vrecpeq_f32(d);
    r = vmulq_f32(r, vrecpsq_f32(d, r));
    r = vmulq_f32(r, vrecpsq_f32(d, r));
    float32x4_t s = vdupq_n_f32(2.0f);
    OPAQUE(s);
    float32x4_t q = vrsqrteq_f32(s);
    q = vmulq_f32(q, vrsqrtsq_f32(vmulq_f32(s, q), q));
    q = vmulq_f32(q, vrsqrtsq_f32(vmulq_f32(s, q), q));
    printf("newton   %08x %08x\n", vgetq_lane_u32(vreinterpretq_u32_f32(r), 0),
           vgetq_lane_u32(vreinterpretq_u32_f32(q), 0));

    /* Unsigned estimates. */
    uint32x2_t u = {0x80000000u, 0xc0000000u};
    OPAQUE(u);
    uint32x2_t ur = vrecpe_u32(u), us = vrsqrte_u32(u);
    printf("urecpe   %08x %08x\n", vget_lane_u32(ur, 0), vget_lane_u32(ur, 1));
    printf("ursqrte  %08x %08x\n", vget_lane_u32(us, 0), vget_lane_u32(us, 1));
    uint32x2_t small = {0x7fffffffu, 0x3fffffffu};
    OPAQUE(small);
    ur = vrecpe_u32(small);
    us = vrsqrte_u32(small);
    printf("small    %08x %08x\n", vget_lane_u32(ur, 0), vget_lane_u32(us, 1));

    /* FRECPX. */
    float in[4] = {3.0f, from32(0x00000001), -0.0f, from32(0xff800000)};
    printf("frecpx  ");
    for (int i = 0; i < 4; i++) {
        float o;
        __asm__("frecpx %s0, %s1" : "=w"(o) : "w"(in[i]));
        printf(" %08x", bits32(o));
    }
    printf("\n");
    double dd = 2.0, dr;
    __asm__("frecpx %d0, %d1" : "=w"(dr) : "w"(dd));
    uint64_t db;
    memcpy(&db, &dr, 8);
    printf("frecpx.d %016llx\n", (unsigned long long)db);

    /* Half precision: 1.0, -2.0, 65536 (overflows), an sNaN; then AHP. */
    float32x4_t h = vreinterpretq_f32_u32(
        (uint32x4_t){0x3f800000, 0xc0000000, 0x47800000, 0x7f800001});
    OPAQUE(h);
    clear_fpsr();
    uint16x4_t hv = vreinterpret_u16_f16(vcvt_f16_f32(h));
    printf("fcvtn    %04x %04x %04x %04x fpsr %08llx\n", vget_lane_u16(hv, 0),
           vget_lane_u16(hv, 1), vget_lane_u16(hv, 2), vget_lane_u16(hv, 3),
           (unsigned long long)fpsr());
    set_fpcr(1 << 26);
    clear_fpsr();
    OPAQUE(h);
    hv = vreinterpret_u16_f16(vcvt_f16_f32(h));
    printf("fcvtn.ahp %04x %04x %04x %04x fpsr %08llx\n", vget_lane_u16(hv, 0),
           vget_lane_u16(hv, 1), vget_lane_u16(hv, 2), vget_lane_u16(hv, 3),
           (unsigned long long)fpsr());
    uint16x4_t hin = {0x3c00, 0x7c00, 0x0001, 0x7d00};
    OPAQUE(hin);
    show4("fcvtl.ahp", vreinterpretq_u32_f32(vcvt_f32_f16(vreinterpret_f16_u16(hin))));
    set_fpcr(0);
    clear_fpsr();
    OPAQUE(hin);
    show4("fcvtl", vreinterpretq_u32_f32(vcvt_f32_f16(vreinterpret_f16_u16(hin))));
    printf("fpsr     %08llx\n", (unsigned long long)fpsr());

    /* FCVTXN: round to odd. */
    float64x2_t wide = {1.0 + 0x1p-30, 1.0 / 3.0};
    OPAQUE(wide);
    float32x2_t xn = vcvtx_f32_f64(wide);
    printf("fcvtxn   %08x %08x\n", vget_lane_u32(vreinterpret_u32_f32(xn), 0),
           vget_lane_u32(vreinterpret_u32_f32(xn), 1));

    /* Scalar saturating doubling long multiplies. */
    int16_t a16 = -32768, b16 = 300, c16 = -7, e16 = -1;
    int32_t a32 = 10, b32 = 4, c32 = -5, e32 = 2, acc1 = 1;
    int64_t acc64 = 100;
    OPAQUE_R(a16);
    OPAQUE_R(b16);
    OPAQUE_R(c16);
    OPAQUE_R(e16);
    OPAQUE_R(a32);
    OPAQUE_R(b32);
    OPAQUE_R(c32);
    OPAQUE_R(e32);
    OPAQUE_R(acc1);
    OPAQUE_R(acc64);
    clear_fpsr();
    int32_t m1 = vqdmullh_s16(a16, a16);
    printf("sqdmull  %08x qc %d\n", (uint32_t)m1, (int)(fpsr() >> 27 & 1));
    int32_t m2 = vqdmlalh_s16(a32, b16, c16);
    int64_t m3 = vqdmlsls_s32(acc64, b32, c32);
    int16x4_t lanes = {1, 2, 3, -4};
    OPAQUE(lanes);
    int32_t m4 = vqdmlalh_lane_s16(acc1, e16, lanes, 3);
    int32x2_t l32 = {5, 0x40000000};
    OPAQUE(l32);
    int64_t m5 = vqdmulls_lane_s32(e32, l32, 1);
    printf("sqdml    %08x %016llx %08x %016llx\n", (uint32_t)m2, (unsigned long long)m3,
           (uint32_t)m4, (unsigned long long)m5);
    return 0;
}
