/* fib (BL/RET): recursive fib(35), computed 4 times so that a native run
 * is long enough to measure; n comes through a volatile so that no call
 * is folded away. */
#include "bench.h"

enum { TIMES = 4 };

KERNEL static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    volatile uint32_t n = 35;
    uint64_t t0 = now_ns();
    uint64_t sum = 0;
    for (int t = 0; t < TIMES; t++)
        sum += fib(n);
    uint64_t t1 = now_ns();
    report("fib", sum, t0, t1);
    return 0;
}
