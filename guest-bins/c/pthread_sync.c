/*
 * pthread synchronisation: a mutex contended by 16 threads (no lost
 * update), a condition-variable producer/consumer over a small ring, a
 * rwlock (readers together, writers alone), pthread_barrier, and
 * pthread_cancel of threads blocked in pthread_cond_wait and in sleep()
 * (cancellation points) with cleanup handlers.
 *
 * Deterministic: threads collect results, main prints them in order.
 * alarm(20) turns a hang (e.g. a futex wake lost) into a SIGALRM death.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

/* --- mutex --- */
#define MTHREADS 16
#define MITERS 20000
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter; /* protected by m; plain loads/stores */
static void *mutex_worker(void *arg)
{
    for (int i = 0; i < MITERS; i++) {
        pthread_mutex_lock(&m);
        long c = counter;
        if ((i & 255) == 0)
            sched_yield(); /* hold the lock across a reschedule now and then */
        counter = c + 1;
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

/* --- condvar producer/consumer --- */
#define RING 4
#define ITEMS 2000
#define CONSUMERS 3
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static int ring[RING], head, tail, count;
static int done_producing;
struct consumer_result {
    long sum;
    int items;
};
static void *producer(void *arg)
{
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qm);
        while (count == RING)
            pthread_cond_wait(&not_full, &qm);
        ring[tail] = i;
        tail = (tail + 1) % RING;
        count++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qm);
    }
    pthread_mutex_lock(&qm);
    done_producing = 1;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qm);
    return NULL;
}
static void *consumer(void *arg)
{
    struct consumer_result *r = arg;
    for (;;) {
        pthread_mutex_lock(&qm);
        while (count == 0 && !done_producing)
            pthread_cond_wait(&not_empty, &qm);
        if (count == 0) {
            pthread_mutex_unlock(&qm);
            return NULL;
        }
        int v = ring[head];
        head = (head + 1) % RING;
        count--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qm);
        r->sum += v;
        r->items++;
    }
}

/* --- rwlock --- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_a, shared_b; /* writers keep a == b */
static int rw_inconsistent;
static pthread_mutex_t rwstat = PTHREAD_MUTEX_INITIALIZER;
static void *rw_reader(void *arg)
{
    int bad = 0;
    for (int i = 0; i < 5000; i++) {
        pthread_rwlock_rdlock(&rw);
        if (shared_a != shared_b)
            bad++;
        pthread_rwlock_unlock(&rw);
    }
    pthread_mutex_lock(&rwstat);
    rw_inconsistent += bad;
    pthread_mutex_unlock(&rwstat);
    return NULL;
}
static void *rw_writer(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_wrlock(&rw);
        shared_a++;
        if ((i & 127) == 0)
            sched_yield();
        shared_b++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

/* --- barrier --- */
#define BTHREADS 6
#define ROUNDS 20
static pthread_barrier_t bar;
static int phase_counts[ROUNDS];
static pthread_mutex_t bm = PTHREAD_MUTEX_INITIALIZER;
static int barrier_bad;
static int serial_count;
static void *barrier_worker(void *arg)
{
    for (int r = 0; r < ROUNDS; r++) {
        pthread_mutex_lock(&bm);
        phase_counts[r]++;
        pthread_mutex_unlock(&bm);
        int s = pthread_barrier_wait(&bar);
        if (s == PTHREAD_BARRIER_SERIAL_THREAD) {
            pthread_mutex_lock(&bm);
            serial_count++;
            pthread_mutex_unlock(&bm);
        } else if (s != 0) {
            barrier_bad++;
        }
        /* everyone has arrived for round r before anyone leaves it */
        pthread_mutex_lock(&bm);
        if (phase_counts[r] != BTHREADS)
            barrier_bad++;
        pthread_mutex_unlock(&bm);
    }
    return NULL;
}

/* --- cancellation --- */
static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;
static int waiting_ready, sleeping_ready;
static int cleanup_cond, cleanup_sleep, cleanup_had_mutex;
static void cond_cleanup(void *arg)
{
    cleanup_cond = (int)(uintptr_t)arg;
    /* pthread_cond_wait reacquires the mutex before running handlers */
    cleanup_had_mutex = pthread_mutex_trylock(&cm) == EBUSY;
    pthread_mutex_unlock(&cm);
}
static void *cond_waiter(void *arg)
{
    pthread_mutex_lock(&cm);
    pthread_cleanup_push(cond_cleanup, (void *)11);
    waiting_ready = 1;
    pthread_cond_broadcast(&ready_cv);
    for (;;)
        pthread_cond_wait(&never, &cm);
    pthread_cleanup_pop(0);
    return NULL;
}
static void sleep_cleanup(void *arg)
{
    cleanup_sleep = (int)(uintptr_t)arg;
}
static void *sleeper(void *arg)
{
    pthread_cleanup_push(sleep_cleanup, (void *)22);
    pthread_mutex_lock(&cm);
    sleeping_ready = 1;
    pthread_cond_broadcast(&ready_cv);
    pthread_mutex_unlock(&cm);
    for (int i = 0; i < 100; i++)
        sleep(1); /* cancellation point; the alarm bounds the whole program */
    pthread_cleanup_pop(0);
    return NULL;
}

int main(void)
{
    alarm(20);
    setvbuf(stdout, NULL, _IOLBF, 0);

    pthread_t t[MTHREADS];
    for (int i = 0; i < MTHREADS; i++)
        pthread_create(&t[i], NULL, mutex_worker, NULL);
    for (int i = 0; i < MTHREADS; i++)
        pthread_join(t[i], NULL);
    printf("mutex counter %ld (expected %d)\n", counter, MTHREADS * MITERS);
    check("mutex: no lost update", counter == MTHREADS * MITERS);
    check("trylock on free mutex", pthread_mutex_trylock(&m) == 0);
    check("trylock on held mutex is EBUSY", pthread_mutex_trylock(&m) == EBUSY);
    pthread_mutex_unlock(&m);

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rec;
    pthread_mutex_init(&rec, &ma);
    check("recursive mutex locked twice",
          pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0);
    pthread_mutex_unlock(&rec);
    pthread_mutex_unlock(&rec);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t ec;
    pthread_mutex_init(&ec, &ma);
    pthread_mutex_lock(&ec);
    check("errorcheck relock is EDEADLK", pthread_mutex_lock(&ec) == EDEADLK);
    pthread_mutex_unlock(&ec);

    struct consumer_result cr[CONSUMERS];
    memset(cr, 0, sizeof cr);
    pthread_t prod, cons[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&cons[i], NULL, consumer, &cr[i]);
    pthread_create(&prod, NULL, producer, NULL);
    pthread_join(prod, NULL);
    long total = 0;
    int items = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        pthread_join(cons[i], NULL);
        total += cr[i].sum;
        items += cr[i].items;
    }
    printf("condvar: %d items consumed, sum %ld\n", items, total);
    check("condvar: every item once", items == ITEMS && total == (long)ITEMS * (ITEMS + 1) / 2);

    pthread_t rd[4], wr[2];
    for (int i = 0; i < 4; i++)
        pthread_create(&rd[i], NULL, rw_reader, NULL);
    for (int i = 0; i < 2; i++)
        pthread_create(&wr[i], NULL, rw_writer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(rd[i], NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(wr[i], NULL);
    printf("rwlock: a=%d b=%d inconsistent reads %d\n", shared_a, shared_b, rw_inconsistent);
    check("rwlock", shared_a == 4000 && shared_b == 4000 && rw_inconsistent == 0);
    pthread_rwlock_rdlock(&rw);
    check("second rdlock while read-locked", pthread_rwlock_tryrdlock(&rw) == 0);
    check("trywrlock while read-locked is EBUSY", pthread_rwlock_trywrlock(&rw) == EBUSY);
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_unlock(&rw);

    pthread_barrier_init(&bar, NULL, BTHREADS);
    pthread_t bt[BTHREADS];
    for (int i = 0; i < BTHREADS; i++)
        pthread_create(&bt[i], NULL, barrier_worker, NULL);
    for (int i = 0; i < BTHREADS; i++)
        pthread_join(bt[i], NULL);
    pthread_barrier_destroy(&bar);
    printf("barrier: %d serial threads over %d rounds, %d early leavers\n", serial_count, ROUNDS,
           barrier_bad);
    check("barrier", serial_count == ROUNDS && barrier_bad == 0);

    pthread_t cw, sl;
    pthread_create(&cw, NULL, cond_waiter, NULL);
    pthread_create(&sl, NULL, sleeper, NULL);
    pthread_mutex_lock(&cm);
    while (!waiting_ready || !sleeping_ready)
        pthread_cond_wait(&ready_cv, &cm);
    pthread_mutex_unlock(&cm); /* the waiter now sits in pthread_cond_wait */
    check("cancel cond waiter", pthread_cancel(cw) == 0);
    check("cancel sleeper", pthread_cancel(sl) == 0);
    void *r1, *r2;
    pthread_join(cw, &r1);
    pthread_join(sl, &r2);
    check("cond waiter result is PTHREAD_CANCELED", r1 == PTHREAD_CANCELED);
    check("sleeper result is PTHREAD_CANCELED", r2 == PTHREAD_CANCELED);
    printf("cleanup handlers: cond %d (mutex held %d), sleep %d\n", cleanup_cond,
           cleanup_had_mutex, cleanup_sleep);
    check("mutex free after cancelled waiter", pthread_mutex_trylock(&cm) == 0);
    pthread_mutex_unlock(&cm);

    printf("failures: %d\n", failures);
    return failures != 0;
}
