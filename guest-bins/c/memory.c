/*
 * Memory management: malloc/free of many sizes (small bins up to a 200 MB
 * block that glibc serves with mmap), realloc growth keeping the contents,
 * calloc zeroing (also of recycled memory), anonymous mmap/munmap, mprotect
 * to read-only then reading, mremap growth and moving, brk through sbrk,
 * and posix_memalign/aligned_alloc alignments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("FAILED line %d: %s (errno %d)\n", __LINE__, #cond, errno);                 \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

/* A pattern byte for offset i of block k. */
static unsigned char pat(size_t k, size_t i)
{
    return (unsigned char)(k * 31 + i * 7 + (i >> 8));
}

static void many_sizes(void)
{
    enum { N = 64 };
    unsigned char *blocks[N];
    size_t sizes[N];
    size_t total = 0;
    for (size_t k = 0; k < N; k++) {
        sizes[k] = (k * k * 37 + 1) % 70000 + (k % 3 ? 0 : k * 4096);
        blocks[k] = malloc(sizes[k]);
        CHECK(blocks[k] != NULL);
        for (size_t i = 0; i < sizes[k]; i++)
            blocks[k][i] = pat(k, i);
        total += sizes[k];
    }
    /* Free every other block, allocate again, then check the survivors. */
    for (size_t k = 0; k < N; k += 2)
        free(blocks[k]);
    for (size_t k = 0; k < N; k += 2) {
        blocks[k] = malloc(sizes[k]);
        CHECK(blocks[k] != NULL);
        memset(blocks[k], 0xee, sizes[k]);
    }
    size_t bad = 0;
    for (size_t k = 1; k < N; k += 2)
        for (size_t i = 0; i < sizes[k]; i++)
            bad += blocks[k][i] != pat(k, i);
    printf("many sizes: %d blocks, %zu bytes, corrupted bytes %zu\n", N, total, bad);
    for (size_t k = 0; k < N; k++)
        free(blocks[k]);
}

static void huge(void)
{
    size_t size = 200u << 20;
    unsigned char *p = malloc(size);
    CHECK(p != NULL);
    /* Touch one byte per page, and check that fresh memory is zero. */
    size_t nonzero = 0;
    for (size_t i = 0; i < size; i += 4096) {
        nonzero += p[i] != 0;
        p[i] = (unsigned char)(i >> 12);
    }
    size_t bad = 0;
    for (size_t i = 0; i < size; i += 4096)
        bad += p[i] != (unsigned char)(i >> 12);
    p[size - 1] = 0x5a;
    printf("200 MB malloc: nonzero fresh pages %zu, bad %zu, last byte %#x\n", nonzero, bad,
           p[size - 1]);
    free(p);
}

static void realloc_growth(void)
{
    size_t n = 16;
    unsigned *a = malloc(n * sizeof *a);
    CHECK(a != NULL);
    for (size_t i = 0; i < n; i++)
        a[i] = (unsigned)(i * 2654435761u);
    int steps = 0;
    while (n < (4u << 20)) {
        size_t m = n * 3;
        unsigned *b = realloc(a, m * sizeof *b);
        CHECK(b != NULL);
        for (size_t i = n; i < m; i++)
            b[i] = (unsigned)(i * 2654435761u);
        a = b;
        n = m;
        steps++;
    }
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += a[i] != (unsigned)(i * 2654435761u);
    a = realloc(a, 10 * sizeof *a); /* shrink keeps the prefix */
    CHECK(a != NULL);
    for (size_t i = 0; i < 10; i++)
        bad += a[i] != (unsigned)(i * 2654435761u);
    printf("realloc: %d growth steps to %zu elements, bad %zu\n", steps, n, bad);
    free(a);
}

static void calloc_zero(void)
{
    /* Dirty some memory, free it, then calloc the same sizes. */
    for (int round = 0; round < 2; round++) {
        size_t nonzero = 0;
        for (size_t sz = 8; sz <= (1u << 22); sz *= 4) {
            unsigned char *d = malloc(sz);
            CHECK(d != NULL);
            memset(d, 0xff, sz);
            free(d);
            unsigned char *c = calloc(sz, 1);
            CHECK(c != NULL);
            for (size_t i = 0; i < sz; i++)
                nonzero += c[i] != 0;
            free(c);
        }
        printf("calloc round %d: nonzero bytes %zu\n", round, nonzero);
    }
    errno = 0;
    volatile size_t half = SIZE_MAX / 2; /* hidden from the compiler's size checks */
    void *overflow = calloc(half, 4);
    printf("calloc overflow: %s, ENOMEM %d\n", overflow ? "non-NULL" : "NULL", errno == ENOMEM);
}

static void mmap_tests(void)
{
    long page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);
    size_t len = 16 * (size_t)page;
    unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    size_t nonzero = 0;
    for (size_t i = 0; i < len; i++)
        nonzero += m[i] != 0;
    for (size_t i = 0; i < len; i++)
        m[i] = (unsigned char)(i ^ (i >> 9));
    printf("mmap: aligned %d, nonzero fresh %zu\n", ((uintptr_t)m % (uintptr_t)page) == 0,
           nonzero);

    CHECK(mprotect(m, len, PROT_READ) == 0);
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += m[i];
    printf("read after PROT_READ: sum %u\n", sum);
    CHECK(mprotect(m, len, PROT_READ | PROT_WRITE) == 0);
    m[0] = 0xab;
    printf("write after PROT_READ|PROT_WRITE: %#x\n", m[0]);

    /* Unmap a page in the middle; the rest stays usable. */
    CHECK(munmap(m + 4 * page, (size_t)page) == 0);
    m[3 * page] = 1;
    m[5 * page] = 2;
    printf("partial munmap: neighbours %d %d\n", m[3 * page], m[5 * page]);
    CHECK(munmap(m, len) == 0);

    /* mremap: grow in place or moved; contents must follow. */
    unsigned char *r = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                            -1, 0);
    CHECK(r != MAP_FAILED);
    for (long i = 0; i < 2 * page; i++)
        r[i] = (unsigned char)(i * 13);
    unsigned char *g = mremap(r, 2 * page, 64 * page, MREMAP_MAYMOVE);
    CHECK(g != MAP_FAILED);
    size_t bad = 0;
    for (long i = 0; i < 2 * page; i++)
        bad += g[i] != (unsigned char)(i * 13);
    nonzero = 0;
    for (long i = 2 * page; i < 64 * page; i++)
        nonzero += g[i] != 0;
    g[64 * page - 1] = 9;
    printf("mremap grow: bad %zu, new part nonzero %zu, last %d\n", bad, nonzero,
           g[64 * page - 1]);
    unsigned char *s = mremap(g, 64 * page, page, 0);
    CHECK(s == g);
    printf("mremap shrink in place: same address %d, byte %d\n", s == g, s[page - 1]);
    CHECK(munmap(s, (size_t)page) == 0);

    errno = 0;
    void *bad_map = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap length 0: %s EINVAL %d\n", bad_map == MAP_FAILED ? "MAP_FAILED" : "mapped",
           errno == EINVAL);
}

static void brk_tests(void)
{
    char *start = sbrk(0);
    CHECK(start != (void *)-1);
    char *old = sbrk(100000);
    CHECK(old != (void *)-1);
    char *end = sbrk(0);
    printf("sbrk(100000): returned old break %d, moved by %ld\n", old == start,
           (long)(end - start));
    memset(old, 0x77, 100000);
    printf("brk memory writable: %d\n", old[99999] == 0x77);
    CHECK(sbrk(-50000) != (void *)-1);
    printf("sbrk(-50000): break now start+%ld\n", (long)((char *)sbrk(0) - start));
}

static void alignment(void)
{
    size_t aligns[] = {8, 16, 64, 256, 4096, 65536, 1 << 20};
    for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        void *p = NULL;
        int r = posix_memalign(&p, aligns[i], 1000 + i);
        CHECK(r == 0 && p != NULL);
        memset(p, 1, 1000 + i);
        printf("posix_memalign(%zu): aligned %d\n", aligns[i], ((uintptr_t)p % aligns[i]) == 0);
        free(p);
    }
    void *p = NULL;
    printf("posix_memalign(24) EINVAL: %d\n", posix_memalign(&p, 24, 10) == EINVAL);
    void *q = aligned_alloc(128, 1024);
    CHECK(q != NULL);
    printf("aligned_alloc(128): aligned %d\n", ((uintptr_t)q % 128) == 0);
    free(q);
}

int main(void)
{
    many_sizes();
    huge();
    realloc_growth();
    calloc_zero();
    mmap_tests();
    brk_tests();
    alignment();
    return 0;
}
