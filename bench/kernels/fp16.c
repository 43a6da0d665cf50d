/* fp16 (half precision, FEAT_FP16): an axpy y += a * x with the fused
 * FMLA .8H over 64 Ki halves, 300 passes, and a scalar normalise-and-max
 * (FSUB, FMUL on h registers) over 16 Ki halves, 100 passes. arm64
 * builds use the NEON intrinsics and plain C on _Float16; the native build
 * computes the same halves in plain C (the fused product-sum is exact in
 * double for these magnitudes, so one rounding to half is the FMLA's). */
#ifdef __aarch64__
#pragma GCC target("arch=armv8.2-a+fp16")
#include <arm_neon.h>
#endif
#include "bench.h"
#include <string.h>

enum { N = 1 << 16, AXPY_PASSES = 300, M = 1 << 14, NORM_PASSES = 100 };

/* y += a * x, fused, rounded once to half. */
KERNEL static void axpy(_Float16 *y, const _Float16 *x, _Float16 a, size_t n)
{
#ifdef __aarch64__
    float16x8_t va = vdupq_n_f16(a);
    for (size_t i = 0; i < n; i += 8)
        vst1q_f16((float16_t *)y + i,
                  vfmaq_f16(vld1q_f16((float16_t *)y + i), vld1q_f16((const float16_t *)x + i), va));
#else
    for (size_t i = 0; i < n; i++)
        y[i] = (_Float16)((double)a * (double)x[i] + (double)y[i]);
#endif
}

/* max over i of (x[i] - m) * s, each step rounded to half. */
KERNEL static _Float16 norm_max(const _Float16 *x, _Float16 m, _Float16 s, size_t n)
{
    _Float16 best = (_Float16)-65504.0f;
    for (size_t i = 0; i < n; i++) {
        _Float16 t = x[i] - m;
        t = t * s;
        best = t > best ? t : best;
    }
    return best;
}

static uint64_t bits_sum(const _Float16 *v, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t b;
        memcpy(&b, &v[i], 2);
        s = s * 31 + b;
    }
    return s;
}

int main(void)
{
    _Float16 *x = xmalloc(N * sizeof *x), *y = xmalloc(N * sizeof *y);
    /* Multiples of 1/64 in [-4, 4): products are multiples of 2^-12. */
    for (size_t i = 0; i < N; i++) {
        x[i] = (_Float16)((int)(lcg_next() >> 23) - 256) / (_Float16)64;
        y[i] = (_Float16)0;
    }
    uint64_t t0 = now_ns();
    uint64_t sum = 0;
    for (int pass = 0; pass < AXPY_PASSES; pass++) {
        _Float16 a = (_Float16)((pass % 13) - 6) / (_Float16)64;
        axpy(y, x, a, N);
        if (pass % 50 == 49) {
            sum = sum * 31 + bits_sum(y, N);
            memset(y, 0, N * sizeof *y);
        }
    }
    for (int pass = 0; pass < NORM_PASSES; pass++) {
        _Float16 m = (_Float16)(pass - 50) / (_Float16)16;
        _Float16 s = (_Float16)1.0f + (_Float16)pass / (_Float16)1024;
        _Float16 r = norm_max(x + pass, m, s, M);
        uint16_t b;
        memcpy(&b, &r, 2);
        sum = sum * 31 + b;
    }
    uint64_t t1 = now_ns();
    report("fp16", sum, t0, t1);
    return 0;
}
