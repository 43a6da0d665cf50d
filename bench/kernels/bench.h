/*
 * Shared scaffolding of the benchmark kernels: a fixed-seed LCG for the
 * inputs, a monotonic clock, and the one-line report the runner parses:
 *
 *   <name> checksum=<16 hex digits> kernel_ms=<milliseconds>
 *
 * The checksum must be identical on every engine (native x86-64, emu-user,
 * qemu-aarch64); bench/run.sh compares it.  Only the kernel itself is inside
 * the clock_gettime window; input set-up and the checksum are outside it.
 */
#ifndef BENCH_H
#define BENCH_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* A kernel: never inlined and never analysed across the call, so the
 * compiler cannot fold a kernel's result into its caller. */
#define KERNEL __attribute__((noinline, noipa))

/* 64-bit LCG (Knuth's MMIX constants); the high half is the output. */
static uint64_t lcg_state = 0x2545F4914F6CDD1DULL;

static inline uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(lcg_state >> 32);
}

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void report(const char *name, uint64_t checksum, uint64_t t0, uint64_t t1)
{
    printf("%s checksum=%016llx kernel_ms=%.3f\n", name, (unsigned long long)checksum,
           (double)(t1 - t0) / 1e6);
}

/* malloc that exits on failure, so a kernel never runs on a null buffer. */
static inline void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(2);
    }
    return p;
}

/* Runs fn on n threads, the i-th with argument jobs + i * size, and joins
 * them; exits with status 3 when a thread cannot be created. */
static inline void run_threads(const char *name, int n, void *(*fn)(void *), void *jobs, size_t size)
{
    pthread_t tid[16];
    if (n > 16) {
        fprintf(stderr, "%s: at most 16 threads\n", name);
        exit(3);
    }
    for (int i = 0; i < n; i++)
        if (pthread_create(&tid[i], NULL, fn, (char *)jobs + (size_t)i * size) != 0) {
            fprintf(stderr, "%s: pthread_create failed\n", name);
            exit(3);
        }
    for (int i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
}

#endif
