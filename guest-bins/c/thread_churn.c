/* Thousands of short-lived threads, one after another and in waves: every
 * one runs and is joined, detached threads finish, and the address space
 * does not grow with the number of threads that have come and gone (an
 * exited thread's stack is reused or freed, as glibc and the kernel do).
 * The bound leaves room for an allocator arena (64 MiB reserved) appearing
 * late, and catches any per-thread leak of 44 KiB or more. tests/
 * thread_resources.rs runs the same churn and measures the emulator's own
 * host VmSize from outside. (qemu-aarch64 7.2 prints "no" here: it keeps every exited
 * thread's CPU state.) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long ran;

static void *work(void *arg)
{
    atomic_fetch_add(&ran, (long)arg);
    return arg;
}

/* VmSize from /proc/self/status, in kB. */
static long vm_size(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmSize:", 7) == 0)
            sscanf(line + 7, "%ld", &kb);
    if (f)
        fclose(f);
    return kb;
}

/* With the argument "pause", stops after the warm-up and after the 3000
 * threads, each time printing a line and waiting for one on stdin, so that a
 * test can measure the emulator's own host memory from outside. */
static void checkpoint(int pause, const char *what)
{
    char line[16];
    if (!pause)
        return;
    printf("%s\n", what);
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        exit(1);
}

int main(int argc, char **argv)
{
    int pause = argc > 1 && strcmp(argv[1], "pause") == 0;
    long sum = 0;
    for (long i = 1; i <= 200; i++) {
        pthread_t t;
        void *r;
        pthread_create(&t, NULL, work, (void *)i);
        pthread_join(t, &r);
        sum += (long)r;
    }
    /* warm up: the thread library's stack cache and the allocator's arenas */
    for (long i = 1; i <= 1000; i++) {
        pthread_t t;
        pthread_create(&t, NULL, work, (void *)0);
        pthread_join(t, NULL);
    }
    checkpoint(pause, "warm");
    long before = vm_size();
    for (long i = 1; i <= 3000; i++) {
        pthread_t t;
        pthread_create(&t, NULL, work, (void *)1);
        pthread_join(t, NULL);
    }
    long after = vm_size();
    checkpoint(pause, "churned");
    printf("sequential: joined sum %ld, ran %ld\n", sum, atomic_load(&ran));
    /* 3000 leaked 64 KiB buffers would be 188 MiB */
    printf("3000 more threads grew VmSize by under 128 MiB: %s\n",
           after - before < 128 * 1024 ? "yes" : "no");

    /* waves of 16 concurrent threads */
    atomic_store(&ran, 0);
    for (int w = 0; w < 100; w++) {
        pthread_t t[16];
        for (int i = 0; i < 16; i++)
            pthread_create(&t[i], NULL, work, (void *)1);
        for (int i = 0; i < 16; i++)
            pthread_join(t[i], NULL);
    }
    printf("waves: ran %ld\n", atomic_load(&ran));

    /* detached threads */
    atomic_store(&ran, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 500; i++) {
        pthread_t t;
        while (pthread_create(&t, &attr, work, (void *)1) != 0)
            usleep(100);
    }
    while (atomic_load(&ran) < 500)
        usleep(1000);
    printf("detached: ran %ld\n", atomic_load(&ran));
    return 0;
}
