/* qsort (indirect call + return): libc qsort of 1 Mi LCG uint32_t. */
#include "bench.h"

enum { N = 1 << 20 };

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

KERNEL static void sort(uint32_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_u32);
}

int main(void)
{
    uint32_t *v = xmalloc(N * sizeof *v);
    for (size_t i = 0; i < N; i++)
        v[i] = lcg_next();
    uint64_t t0 = now_ns();
    sort(v, N);
    uint64_t t1 = now_ns();
    uint64_t sum = 0;
    for (size_t i = 0; i < N; i++) {
        if (i > 0 && v[i - 1] > v[i]) {
            fprintf(stderr, "qsort: not sorted at %zu\n", i);
            return 1;
        }
        sum = sum * 31 + v[i];
    }
    report("qsort", sum, t0, t1);
    return 0;
}
