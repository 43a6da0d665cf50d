/* 2-thread mutex: 2 pthreads x 1,000,000 pthread_mutex_lock/unlock pairs
 * around a shared LCG update, so the threads contend and futex waits and
 * wakes happen.  The checksum is the final state, which depends on every
 * critical section running (the order of the two threads' sections does not
 * matter: each adds its own step). */
#include "bench.h"

enum { THREADS = 2, ROUNDS = 1000000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t shared;

struct job {
    uint64_t step;
};

KERNEL static void *worker(void *arg)
{
    uint64_t step = ((struct job *)arg)->step;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        shared += step;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void)
{
    struct job jobs[THREADS];
    for (int i = 0; i < THREADS; i++)
        jobs[i].step = lcg_next() | 1;
    uint64_t t0 = now_ns();
    run_threads("mutex", THREADS, worker, jobs, sizeof jobs[0]);
    uint64_t t1 = now_ns();
    report("mutex", shared, t0, t1);
    return 0;
}
