/* 2-thread atomic add: 2 pthreads x 4,000,000 relaxed C11 atomic adds to
 * one counter.  The arm64 v8.0 build uses LDXR/STXR loops, the +LSE build
 * LDADD.  Each thread adds a different LCG-chosen step, so the checksum
 * depends on every add landing. */
#include <stdatomic.h>

#include "bench.h"

enum { THREADS = 2, ADDS = 4000000 };

static _Atomic uint64_t counter;

struct job {
    uint64_t step;
};

KERNEL static void *worker(void *arg)
{
    uint64_t step = ((struct job *)arg)->step;
    for (int i = 0; i < ADDS; i++)
        atomic_fetch_add_explicit(&counter, step, memory_order_relaxed);
    return NULL;
}

int main(void)
{
    struct job jobs[THREADS];
    for (int i = 0; i < THREADS; i++)
        jobs[i].step = lcg_next() | 1;
    uint64_t t0 = now_ns();
    run_threads("atomic", THREADS, worker, jobs, sizeof jobs[0]);
    uint64_t t1 = now_ns();
    report("atomic", atomic_load(&counter), t0, t1);
    return 0;
}
