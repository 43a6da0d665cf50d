/* neon (Advanced SIMD): an int16 dot product (SMLAL/SMLAL2 into int32
 * lanes, SADDLV per 1024 elements) over 64 Ki elements, 400 passes, and a
 * byte count (CMEQ, SUB, UADDLV per 4080 bytes) over 1 MiB, 64 passes.
 * arm64 builds use the NEON intrinsics; the native build computes the same
 * integers in plain C. */
#include "bench.h"
#ifdef __aarch64__
#include <arm_neon.h>
#endif

enum { N16 = 1 << 16, DOT_PASSES = 400, LEN = 1 << 20, SCAN_PASSES = 64 };

KERNEL static int64_t dot16(const int16_t *a, const int16_t *b, size_t n)
{
    int64_t total = 0;
    for (size_t i = 0; i < n; i += 1024) {
#ifdef __aarch64__
        int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);
        for (size_t j = i; j < i + 1024; j += 8) {
            int16x8_t va = vld1q_s16(a + j), vb = vld1q_s16(b + j);
            lo = vmlal_s16(lo, vget_low_s16(va), vget_low_s16(vb));
            hi = vmlal_high_s16(hi, va, vb);
        }
        total += vaddlvq_s32(vaddq_s32(lo, hi));
#else
        for (size_t j = i; j < i + 1024; j++)
            total += (int32_t)a[j] * b[j];
#endif
    }
    return total;
}

KERNEL static uint64_t count_byte(const uint8_t *p, size_t n, uint8_t c)
{
    uint64_t total = 0;
    size_t i = 0;
#ifdef __aarch64__
    uint8x16_t vc = vdupq_n_u8(c);
    for (; i + 16 * 255 <= n; i += 16 * 255) {
        uint8x16_t acc = vdupq_n_u8(0);
        for (size_t j = i; j < i + 16 * 255; j += 16)
            acc = vsubq_u8(acc, vceqq_u8(vld1q_u8(p + j), vc));
        total += vaddlvq_u8(acc);
    }
#endif
    for (; i < n; i++)
        total += p[i] == c;
    return total;
}

int main(void)
{
    int16_t *a = xmalloc(N16 * sizeof *a), *b = xmalloc(N16 * sizeof *b);
    for (size_t i = 0; i < N16; i++) {
        a[i] = (int16_t)(lcg_next() >> 20) - 2048;
        b[i] = (int16_t)(lcg_next() >> 20) - 2048;
    }
    uint8_t *buf = xmalloc(LEN);
    for (size_t i = 0; i < LEN; i++)
        buf[i] = (uint8_t)(lcg_next() >> 28);
    uint64_t t0 = now_ns();
    uint64_t sum = 0;
    for (int pass = 0; pass < DOT_PASSES; pass++)
        sum = sum * 31 + (uint64_t)dot16(a, b, N16 - 1024 * (pass & 7));
    for (int pass = 0; pass < SCAN_PASSES; pass++)
        sum = sum * 31 + count_byte(buf + pass, LEN - 64, (uint8_t)pass);
    uint64_t t1 = now_ns();
    report("neon", sum, t0, t1);
    return 0;
}
