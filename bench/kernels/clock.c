/* clock (syscall cost): 2,000,000 clock_gettime(CLOCK_MONOTONIC) calls, the
 * call programs make most often; natively it never enters the kernel (vDSO).
 * The checksum counts calls whose time did not go backwards. */
#include "bench.h"

enum { CALLS = 2000000 };

KERNEL static uint64_t clock_loop(int calls)
{
    struct timespec prev = {0, 0}, t;
    uint64_t monotonic = 0;
    for (int i = 0; i < calls; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        monotonic += t.tv_sec > prev.tv_sec ||
                     (t.tv_sec == prev.tv_sec && t.tv_nsec >= prev.tv_nsec);
        prev = t;
    }
    return monotonic;
}

int main(void)
{
    volatile int calls = CALLS;
    uint64_t t0 = now_ns();
    uint64_t sum = clock_loop(calls);
    uint64_t t1 = now_ns();
    report("clock", sum, t0, t1);
    return 0;
}
