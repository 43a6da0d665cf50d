/* matmul i32: 256x256 int32 matrix multiply (wrapping arithmetic done in
 * uint32_t), 16 times, each time multiplying the previous product by B. */
#include "bench.h"

enum { N = 256, TIMES = 16 };

KERNEL static void matmul(uint32_t *restrict c, const uint32_t *restrict a,
                          const uint32_t *restrict b)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            uint32_t s = 0;
            for (int k = 0; k < N; k++)
                s += a[i * N + k] * b[k * N + j];
            c[i * N + j] = s;
        }
}

int main(void)
{
    uint32_t *a = xmalloc(N * N * sizeof *a);
    uint32_t *b = xmalloc(N * N * sizeof *b);
    uint32_t *c = xmalloc(N * N * sizeof *c);
    for (int i = 0; i < N * N; i++) {
        a[i] = lcg_next() & 0xffff;
        b[i] = lcg_next() & 0xffff;
    }
    uint64_t t0 = now_ns();
    for (int t = 0; t < TIMES; t++) {
        matmul(c, a, b);
        uint32_t *x = a;
        a = c;
        c = x;
    }
    uint64_t t1 = now_ns();
    uint64_t sum = 0;
    for (int i = 0; i < N * N; i++)
        sum = sum * 1000003 + a[i];
    report("matmul", sum, t0, t1);
    return 0;
}
