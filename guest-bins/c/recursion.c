/*
 * Deep non-tail recursion: 100000 nested calls, each doing work after the
 * call returns (so it cannot become a loop), plus a doubly recursive
 * Fibonacci.
 */
#include <inttypes.h>
#include <stdio.h>

__attribute__((noinline, noipa)) static uint64_t deep(uint32_t n)
{
    volatile uint32_t here = n; /* keeps a stack slot live across the call */
    if (n == 0)
        return 0x9e3779b97f4a7c15u;
    uint64_t r = deep(n - 1);
    r ^= here;
    r = (r << 7) | (r >> 57);
    return r * 0xff51afd7ed558ccdu;
}

__attribute__((noinline, noipa)) static uint32_t depth(uint32_t n)
{
    volatile uint32_t here = n;
    if (n == 0)
        return 0;
    return 1 + depth(here - 1) + (here & 0); /* uses here after the call */
}

__attribute__((noinline, noipa)) static uint64_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    printf("depth(100000) = %" PRIu32 "\n", depth(100000));
    printf("deep(100000) = 0x%016" PRIx64 "\n", deep(100000));
    printf("deep(1) = 0x%016" PRIx64 "\n", deep(1));
    printf("fib(25) = %" PRIu64 "\n", fib(25));
    return 0;
}
