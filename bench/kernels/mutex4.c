/* 4-thread mutex/atomic mix: 4 pthreads (more threads than the 2-core
 * machines this suite was written on have cores), each 1,000,000 rounds of:
 * a relaxed atomic add to a shared counter, a mutex-protected update of a
 * shared two-word record, a compare-and-swap loop on a shared maximum, and
 * every 64th round a release store / acquire load hand-off flag.  The
 * checksum combines the counter, the record and the maximum; none of them
 * depends on the interleaving. */
#include <stdatomic.h>

#include "bench.h"

enum { THREADS = 4, ROUNDS = 1000000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t counter, maximum;
static _Atomic uint32_t flag;
static uint64_t rec_sum, rec_xor;

struct job {
    uint64_t step;
    uint32_t seed;
};

KERNEL static void *worker(void *arg)
{
    struct job *j = arg;
    uint32_t s = j->seed;
    for (int i = 0; i < ROUNDS; i++) {
        s = s * 1664525u + 1013904223u;
        atomic_fetch_add_explicit(&counter, j->step, memory_order_relaxed);
        pthread_mutex_lock(&lock);
        rec_sum += s;
        rec_xor ^= (uint64_t)s << (i & 31);
        pthread_mutex_unlock(&lock);
        uint64_t m = atomic_load_explicit(&maximum, memory_order_relaxed);
        while (s > m && !atomic_compare_exchange_weak_explicit(&maximum, &m, s, memory_order_relaxed,
                                                               memory_order_relaxed))
            ;
        if ((i & 63) == 0) {
            atomic_store_explicit(&flag, s, memory_order_release);
            (void)atomic_load_explicit(&flag, memory_order_acquire);
        }
    }
    return NULL;
}

int main(void)
{
    struct job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].step = lcg_next() | 1;
        jobs[i].seed = lcg_next();
    }
    uint64_t t0 = now_ns();
    run_threads("mutex4", THREADS, worker, jobs, sizeof jobs[0]);
    uint64_t t1 = now_ns();
    uint64_t sum = atomic_load(&counter) ^ rec_sum * 31 ^ rec_xor * 961 ^ atomic_load(&maximum) << 7;
    report("mutex4", sum, t0, t1);
    return 0;
}
