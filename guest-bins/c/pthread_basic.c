/*
 * pthreads, the basics: create/join 8 threads returning values, a detached
 * thread, pthread_once from several threads, __thread TLS (initialised and
 * zero-initialised), pthread_key_create with destructors run at thread
 * exit, a thread with a custom stack size running a deep-ish recursion,
 * and pthread_exit from a thread while others are still running.
 *
 * Deterministic: threads store their results, main prints them in order.
 * alarm(10) turns a hang into a SIGALRM death.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

/* --- create/join with return values --- */
static void *square(void *arg)
{
    uintptr_t n = (uintptr_t)arg;
    return (void *)(n * n + 1);
}

/* --- TLS --- */
static __thread int tls_init = 17;
static __thread long tls_zero;
static __thread char tls_buf[64];

struct tls_result {
    int init_seen;
    long zero_seen;
    int after;
    int buf_ok;
};

static void *tls_worker(void *arg)
{
    struct tls_result *r = arg;
    r->init_seen = tls_init;
    r->zero_seen = tls_zero;
    tls_init += 100;
    tls_zero = (long)(uintptr_t)r;
    snprintf(tls_buf, sizeof tls_buf, "%p", (void *)r);
    sched_yield();
    r->after = tls_init;
    char expect[64];
    snprintf(expect, sizeof expect, "%p", (void *)r);
    r->buf_ok = strcmp(tls_buf, expect) == 0 && tls_zero == (long)(uintptr_t)r;
    return NULL;
}

/* --- pthread_once --- */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_calls;
static void once_init(void)
{
    once_calls++;
}
static void *once_worker(void *arg)
{
    pthread_once(&once, once_init);
    return NULL;
}

/* --- keys with destructors --- */
static pthread_key_t key;
static pthread_mutex_t dtor_lock = PTHREAD_MUTEX_INITIALIZER;
static int dtor_sum;
static int dtor_calls;
static void key_dtor(void *v)
{
    pthread_mutex_lock(&dtor_lock);
    dtor_sum += *(int *)v;
    dtor_calls++;
    pthread_mutex_unlock(&dtor_lock);
    free(v);
}
static void *key_worker(void *arg)
{
    int *p = malloc(sizeof *p);
    *p = (int)(uintptr_t)arg;
    pthread_setspecific(key, p);
    return (void *)(uintptr_t)(pthread_getspecific(key) == p);
}

/* --- detached thread --- */
static sem_t detached_done;
static volatile int detached_value;
static void *detached_worker(void *arg)
{
    detached_value = 1234;
    sem_post(&detached_done);
    return NULL;
}

/* --- custom stack size and recursion --- */
static int recurse(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    if (n == 0)
        return 0;
    return recurse(n - 1) + 1 + (pad[0] - (char)n);
}
struct stack_result {
    size_t attr_size;
    int depth;
    int on_stack;
};
static void *stack_worker(void *arg)
{
    struct stack_result *r = arg;
    pthread_attr_t a;
    pthread_getattr_np(pthread_self(), &a);
    void *addr;
    size_t size;
    pthread_attr_getstack(&a, &addr, &size);
    pthread_attr_destroy(&a);
    r->attr_size = size;
    char local;
    r->on_stack = (uintptr_t)&local >= (uintptr_t)addr && (uintptr_t)&local < (uintptr_t)addr + size;
    r->depth = recurse(10000); /* about 2.7 MB of frames */
    return NULL;
}

/* --- pthread_exit while others run --- */
static sem_t exit_go;
static volatile int spinner_stop;
static void *exiter(void *arg)
{
    sem_wait(&exit_go);
    pthread_exit((void *)77);
    return (void *)1; /* not reached */
}
static void *spinner(void *arg)
{
    unsigned long spins = 0;
    while (!spinner_stop && spins < 4000000000UL)
        spins++;
    return (void *)88;
}

int main(void)
{
    alarm(10);
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* create/join */
    pthread_t t[8];
    for (uintptr_t i = 0; i < 8; i++)
        if (pthread_create(&t[i], NULL, square, (void *)i) != 0)
            check("pthread_create", 0);
    for (int i = 0; i < 8; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        printf("thread %d returned %lu\n", i, (unsigned long)(uintptr_t)ret);
    }
    check("pthread_self differs from joined threads", !pthread_equal(pthread_self(), t[0]));

    /* detach */
    sem_init(&detached_done, 0, 0);
    pthread_t d;
    pthread_create(&d, NULL, detached_worker, NULL);
    check("pthread_detach", pthread_detach(d) == 0);
    sem_wait(&detached_done);
    check("detached thread ran", detached_value == 1234);

    /* once */
    pthread_t o[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&o[i], NULL, once_worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(o[i], NULL);
    pthread_once(&once, once_init);
    printf("pthread_once: init ran %d time(s)\n", once_calls);

    /* TLS */
    struct tls_result tr[4];
    memset(tr, 0, sizeof tr);
    pthread_t tt[4];
    tls_init = 5; /* main's copy only */
    for (int i = 0; i < 4; i++)
        pthread_create(&tt[i], NULL, tls_worker, &tr[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(tt[i], NULL);
    for (int i = 0; i < 4; i++)
        printf("tls thread %d: init=%d zero=%ld after=%d buf=%s\n", i, tr[i].init_seen,
               tr[i].zero_seen, tr[i].after, tr[i].buf_ok ? "ok" : "FAIL");
    for (int i = 0; i < 4; i++)
        if (tr[i].init_seen != 17 || tr[i].zero_seen != 0 || tr[i].after != 117 || !tr[i].buf_ok)
            failures++;
    printf("main tls after threads: %d %ld\n", tls_init, tls_zero);
    check("main tls untouched", tls_init == 5 && tls_zero == 0);

    /* keys */
    check("pthread_key_create", pthread_key_create(&key, key_dtor) == 0);
    pthread_t k[5];
    for (uintptr_t i = 0; i < 5; i++)
        pthread_create(&k[i], NULL, key_worker, (void *)(i + 1) /* 1..5 */);
    int get_ok = 1;
    for (int i = 0; i < 5; i++) {
        void *ret;
        pthread_join(k[i], &ret);
        get_ok &= ret == (void *)1;
    }
    check("pthread_getspecific in threads", get_ok);
    printf("key destructors: %d calls, sum %d\n", dtor_calls, dtor_sum);
    check("main key value is NULL", pthread_getspecific(key) == NULL);
    pthread_key_delete(key);

    /* stack size */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    check("pthread_attr_setstacksize 4 MiB", pthread_attr_setstacksize(&attr, 4 << 20) == 0);
    size_t got;
    pthread_attr_getstacksize(&attr, &got);
    printf("attr stack size %zu\n", got);
    struct stack_result sr = {0};
    pthread_t s;
    check("create with 4 MiB stack", pthread_create(&s, &attr, stack_worker, &sr) == 0);
    pthread_join(s, NULL);
    pthread_attr_destroy(&attr);
    check("thread stack >= 4 MiB", sr.attr_size >= (4u << 20));
    check("local variable on thread stack", sr.on_stack);
    printf("recursion depth %d\n", sr.depth);

    /* pthread_exit while another thread runs */
    sem_init(&exit_go, 0, 0);
    pthread_t ex, sp;
    pthread_create(&sp, NULL, spinner, NULL);
    pthread_create(&ex, NULL, exiter, NULL);
    sem_post(&exit_go);
    void *exret, *spret;
    pthread_join(ex, &exret);
    spinner_stop = 1;
    pthread_join(sp, &spret);
    printf("pthread_exit value %lu, spinner returned %lu\n", (unsigned long)(uintptr_t)exret,
           (unsigned long)(uintptr_t)spret);

    printf("failures: %d\n", failures);
    return failures != 0;
}
