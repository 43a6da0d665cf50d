/*
 * glibc string functions (the optimised assembly versions, on arm64 often
 * SIMD) over lengths 0..300 and source/destination alignments 0..15,
 * compared against plain byte loops.  Every call is checked; the output is
 * a checksum of the results (offsets and signs only, never addresses) and
 * one "ok" line per function, so it is the same on every architecture.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEN 300
#define ALIGNS 16
#define PAD 64
#define BUFSZ (PAD + ALIGNS + MAXLEN + PAD)

typedef unsigned char uchar;

/* 64-byte aligned so that "alignment k" means address % 64 == k. */
static uchar src_buf[BUFSZ] __attribute__((aligned(64)));
static uchar dst_buf[BUFSZ] __attribute__((aligned(64)));
static uchar ref_buf[BUFSZ] __attribute__((aligned(64)));

static uint64_t sum;
static void mix(uint64_t v)
{
    sum ^= v;
    sum *= 0x100000001b3u;
    sum ^= sum >> 29;
}

static int failures;
static void fail(const char *fn, int len, int sa, int da, const char *what)
{
    if (failures++ < 20)
        printf("FAIL %s len=%d src_align=%d dst_align=%d: %s\n", fn, len, sa, da, what);
}

/* References.  Volatile accesses keep the compiler from turning these
 * loops back into calls of the functions under test. */
static void ref_copy(uchar *d, const uchar *s, size_t n)
{
    volatile uchar *vd = d;
    const volatile uchar *vs = s;
    for (size_t i = 0; i < n; i++)
        vd[i] = vs[i];
}

static void ref_move(uchar *d, const uchar *s, size_t n)
{
    volatile uchar *vd = d;
    const volatile uchar *vs = s;
    if (d < s)
        for (size_t i = 0; i < n; i++)
            vd[i] = vs[i];
    else
        for (size_t i = n; i-- > 0;)
            vd[i] = vs[i];
}

static size_t ref_strlen(const uchar *s)
{
    const volatile uchar *vs = s;
    size_t n = 0;
    while (vs[n])
        n++;
    return n;
}

static const uchar *ref_strchr(const uchar *s, uchar c)
{
    const volatile uchar *vs = s;
    for (size_t i = 0;; i++) {
        if (vs[i] == c)
            return s + i;
        if (vs[i] == 0)
            return NULL;
    }
}

static int sign(int x) { return (x > 0) - (x < 0); }

static int ref_memcmp(const uchar *a, const uchar *b, size_t n)
{
    const volatile uchar *va = a, *vb = b;
    for (size_t i = 0; i < n; i++)
        if (va[i] != vb[i])
            return va[i] < vb[i] ? -1 : 1;
    return 0;
}

static int ref_strncmp(const uchar *a, const uchar *b, size_t n)
{
    const volatile uchar *va = a, *vb = b;
    for (size_t i = 0; i < n; i++) {
        if (va[i] != vb[i])
            return va[i] < vb[i] ? -1 : 1;
        if (va[i] == 0)
            return 0;
    }
    return 0;
}

static uint32_t rng = 1;
static uchar rnd_byte(void)
{
    rng = rng * 1103515245u + 12345u;
    return (uchar)(rng >> 16);
}

/* Fill a buffer with pseudo-random non-zero bytes (high bytes included). */
static void fill(uchar *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uchar c = rnd_byte();
        b[i] = c ? c : 0x5a;
    }
}

/* Print "NAME ok" for each name in the '\n'-separated list, or "FAILED". */
static void report(const char *names, int failures_before)
{
    const char *verdict = failures == failures_before ? "ok" : "FAILED";
    for (const char *p = names; *p;) {
        const char *end = strchr(p, '\n');
        printf("%.*s %s\n", (int)(end - p), p, verdict);
        p = end + 1;
    }
}

static void check_buffers(const char *fn, int len, int sa, int da)
{
    if (ref_memcmp(dst_buf, ref_buf, BUFSZ) != 0)
        fail(fn, len, sa, da, "destination differs from reference");
}

static void test_memcpy_memmove(void)
{
    int before = failures;
    for (int len = 0; len <= MAXLEN; len++)
        for (int sa = 0; sa < ALIGNS; sa++)
            for (int da = 0; da < ALIGNS; da++) {
                fill(src_buf, BUFSZ);
                fill(dst_buf, BUFSZ);
                ref_copy(ref_buf, dst_buf, BUFSZ);
                uchar *d = dst_buf + PAD + da;
                const uchar *s = src_buf + PAD + sa;
                ref_copy(ref_buf + PAD + da, s, (size_t)len);
                if (memcpy(d, s, (size_t)len) != d)
                    fail("memcpy", len, sa, da, "return value");
                check_buffers("memcpy", len, sa, da);
                mix(dst_buf[PAD + da + len / 2]);

                /* memmove within one buffer: overlap in both directions. */
                int shift = (sa - da) ? (sa - da) : 1;
                ref_copy(ref_buf, dst_buf, BUFSZ);
                uchar *ms = dst_buf + PAD + sa;
                uchar *md = ms + shift;
                ref_move(ref_buf + PAD + sa + shift, ref_buf + PAD + sa, (size_t)len);
                if (memmove(md, ms, (size_t)len) != md)
                    fail("memmove", len, sa, da, "return value");
                check_buffers("memmove", len, sa, da);
                mix(dst_buf[PAD + sa + len / 3]);
            }
    report("memcpy\nmemmove\n", before);
}

static void test_memset(void)
{
    int before = failures;
    for (int len = 0; len <= MAXLEN; len++)
        for (int da = 0; da < ALIGNS; da++) {
            int c = (len * 7 + da) & 0xff;
            fill(dst_buf, BUFSZ);
            ref_copy(ref_buf, dst_buf, BUFSZ);
            for (int i = 0; i < len; i++)
                ((volatile uchar *)ref_buf)[PAD + da + i] = (uchar)c;
            uchar *d = dst_buf + PAD + da;
            if (memset(d, c | 0x100, (size_t)len) != d) /* only the low byte counts */
                fail("memset", len, 0, da, "return value");
            check_buffers("memset", len, 0, da);
            mix(dst_buf[PAD + da]);
        }
    report("memset\n", before);
}

static void test_strlen_strchr(void)
{
    int before = failures;
    for (int len = 0; len <= MAXLEN; len++)
        for (int sa = 0; sa < ALIGNS; sa++) {
            uchar *s = src_buf + PAD + sa;
            fill(src_buf, BUFSZ);
            s[len] = 0;
            size_t n = strlen((char *)s);
            if (n != ref_strlen(s) || n != (size_t)len)
                fail("strlen", len, sa, 0, "length");
            mix(n);

            /* A byte that occurs first at len/2 and last at len*3/4
             * (positions chosen so both are distinct for len > 3). */
            uchar c = 0x01; /* make it occur exactly there */
            for (int i = 0; i < len; i++)
                if (s[i] == c)
                    s[i] = 0x02;
            int first = len / 2, last = len * 3 / 4;
            if (len > 0) {
                s[first] = c;
                s[last] = c;
            }
            char *p = strchr((char *)s, c);
            char *q = strrchr((char *)s, c);
            if (len > 0) {
                if (p != (char *)s + first)
                    fail("strchr", len, sa, 0, "found wrong position");
                if (q != (char *)s + last)
                    fail("strrchr", len, sa, 0, "found wrong position");
            } else if (p != NULL || q != NULL) {
                fail("strchr", len, sa, 0, "found in empty string");
            }
            mix(p ? (uint64_t)(p - (char *)s) : 999);
            mix(q ? (uint64_t)(q - (char *)s) : 999);
            /* Another byte, present or not, and the terminator itself. */
            if (strchr((char *)s, 0x03) != (char *)ref_strchr(s, 0x03))
                fail("strchr", len, sa, 0, "byte 0x03");
            if (strchr((char *)s, 0) != (char *)s + len || strrchr((char *)s, 0) != (char *)s + len)
                fail("strchr", len, sa, 0, "terminator");

            /* memchr limited to the first half must not see the bytes
             * beyond it. */
            const uchar *m = memchr(s, c, (size_t)first);
            if (m != NULL)
                fail("memchr", len, sa, 0, "found beyond limit");
            m = memchr(s, c, (size_t)len);
            if (len > 0 && m != s + first)
                fail("memchr", len, sa, 0, "found wrong position");
            mix(m ? (uint64_t)(m - s) : 999);
        }
    report("strlen\nstrchr\nstrrchr\nmemchr\n", before);
}

static void test_compare(void)
{
    int before = failures;
    for (int len = 0; len <= MAXLEN; len++)
        for (int sa = 0; sa < ALIGNS; sa++) {
            int da = (sa * 5 + len) % ALIGNS;
            uchar *a = src_buf + PAD + sa;
            uchar *b = dst_buf + PAD + da;
            fill(src_buf, BUFSZ);
            a[len] = 0;
            ref_copy(b, a, (size_t)len + 1);
            b[len + 1] = rnd_byte(); /* beyond the terminators: ignored */

            int r = memcmp(a, b, (size_t)len);
            int s = strcmp((char *)a, (char *)b);
            int t = strncmp((char *)a, (char *)b, (size_t)len + 5);
            if (r != 0 || s != 0 || t != 0)
                fail("memcmp/strcmp/strncmp", len, sa, da, "equal strings compare unequal");
            mix((uint64_t)(sign(r) + 1) * 9 + (uint64_t)(sign(s) + 1) * 3 + (uint64_t)(sign(t) + 1));

            if (len == 0)
                continue;
            /* One difference at k; bytes above 0x7f must compare as
             * unsigned. */
            int k = (len * 13 + sa) % len;
            uchar old = b[k];
            b[k] = (uchar)(a[k] ^ 0x80);
            if (b[k] == 0)
                b[k] = 0x80;
            int want = ref_memcmp(a, b, (size_t)len);
            r = memcmp(a, b, (size_t)len);
            s = strcmp((char *)a, (char *)b);
            t = strncmp((char *)a, (char *)b, (size_t)len);
            int u = strncmp((char *)a, (char *)b, (size_t)k); /* stops before k */
            int v = memcmp(b, a, (size_t)len);
            if (sign(r) != want)
                fail("memcmp", len, sa, da, "sign");
            if (sign(v) != -want)
                fail("memcmp", len, sa, da, "sign (swapped)");
            if (sign(s) != want)
                fail("strcmp", len, sa, da, "sign");
            if (sign(t) != ref_strncmp(a, b, (size_t)len))
                fail("strncmp", len, sa, da, "sign");
            if (u != 0)
                fail("strncmp", len, sa, da, "compared past n");
            mix((uint64_t)(want + 1) * 7 + (uint64_t)k);
            b[k] = old;

            /* Shorter string: b ends at k. */
            b[k] = 0;
            s = strcmp((char *)a, (char *)b);
            if (sign(s) != 1)
                fail("strcmp", len, sa, da, "prefix must compare greater");
            b[k] = old;
        }
    report("memcmp\nstrcmp\nstrncmp\n", before);
}

static void test_strcpy(void)
{
    int before = failures;
    for (int len = 0; len <= MAXLEN; len++)
        for (int sa = 0; sa < ALIGNS; sa++)
            for (int da = 0; da < ALIGNS; da += 3) {
                uchar *s = src_buf + PAD + sa;
                uchar *d = dst_buf + PAD + da;
                fill(src_buf, BUFSZ);
                s[len] = 0;
                fill(dst_buf, BUFSZ);
                ref_copy(ref_buf, dst_buf, BUFSZ);
                ref_copy(ref_buf + PAD + da, s, (size_t)len + 1);
                if (strcpy((char *)d, (char *)s) != (char *)d)
                    fail("strcpy", len, sa, da, "return value");
                check_buffers("strcpy", len, sa, da);
                mix(ref_strlen(d));
            }
    report("strcpy\n", before);
}

int main(void)
{
    test_memcpy_memmove();
    test_memset();
    test_strlen_strchr();
    test_compare();
    test_strcpy();
    printf("checksum 0x%016" PRIx64 "\n", sum);
    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}
