/* memcpy (libc): memcpy of 64 MiB, 8 times, alternating direction between
 * two buffers; one byte changes before each copy so no copy is redundant. */
#include <string.h>

#include "bench.h"

enum { LEN = 64 << 20, TIMES = 8 };

KERNEL static void copy(void *dst, const void *src, size_t n)
{
    memcpy(dst, src, n);
}

int main(void)
{
    uint8_t *a = xmalloc(LEN);
    uint8_t *b = xmalloc(LEN);
    for (size_t i = 0; i < LEN; i += 4) {
        uint32_t r = lcg_next();
        memcpy(a + i, &r, 4);
    }
    memset(b, 0, LEN);
    uint64_t t0 = now_ns();
    for (int t = 0; t < TIMES; t++) {
        uint8_t *src = t & 1 ? b : a, *dst = t & 1 ? a : b;
        src[(size_t)t * 4099 % LEN] ^= (uint8_t)(t + 1);
        copy(dst, src, LEN);
    }
    uint64_t t1 = now_ns();
    /* TIMES is even: the last copy went b -> a. */
    uint64_t sum = 0;
    for (size_t i = 0; i < LEN; i += 8) {
        uint64_t w;
        memcpy(&w, a + i, 8);
        sum = sum * 31 + w;
    }
    report("memcpy", sum, t0, t1);
    return 0;
}
