/* libc-heavy work: per pass, formats 16,384 records with snprintf, parses
 * them back with strtoul/strchr, sorts them with qsort + strcmp, searches
 * them with strstr/strlen/memcmp and moves them around with memcpy/memmove
 * of short, varying lengths (the string functions and the sort are libc's,
 * the program only calls them). */
#include <string.h>

#include "bench.h"

enum { RECORDS = 16384, WIDTH = 48, PASSES = 8 };

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *const words[] = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
                                     "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa" };

KERNEL static uint64_t run(char *buf, char **ptrs, char *scratch, const uint32_t *seeds)
{
    uint64_t sum = 0;
    for (int p = 0; p < PASSES; p++) {
        for (int i = 0; i < RECORDS; i++) {
            uint32_t s = seeds[i] ^ (uint32_t)(p * 0x9E3779B9u);
            char *r = buf + (size_t)i * WIDTH;
            snprintf(r, WIDTH, "%s-%s:%u/%x", words[s & 15], words[(s >> 4) & 15], s >> 8, s & 0xfff);
            ptrs[i] = r;
        }
        for (int i = 0; i < RECORDS; i++) {
            const char *colon = strchr(ptrs[i], ':');
            char *end;
            unsigned long v = strtoul(colon + 1, &end, 10);
            unsigned long w = strtoul(end + 1, NULL, 16);
            sum += v ^ (w << 20);
        }
        qsort(ptrs, RECORDS, sizeof *ptrs, cmp_str);
        size_t off = 0;
        for (int i = 0; i < RECORDS; i++) {
            size_t len = strlen(ptrs[i]);
            sum += (strstr(ptrs[i], "ar") != NULL) + len;
            if (i > 0 && memcmp(ptrs[i - 1], ptrs[i], 5) == 0)
                sum += 3;
            if (off + len + 1 > (size_t)RECORDS * WIDTH)
                off = 0;
            memcpy(scratch + off, ptrs[i], len + 1);
            off += len + (i & 7);
        }
        for (int i = 0; i + 64 < RECORDS; i += 2) {
            size_t len = 16 + (size_t)(seeds[i] % 200);
            memmove(scratch + (size_t)i * 16 + 3, scratch + (size_t)i * 16, len);
        }
        for (size_t i = 0; i < (size_t)RECORDS * WIDTH; i += 4096)
            sum = sum * 31 + (uint8_t)scratch[i] + (uint8_t)ptrs[(i / 4096) % RECORDS][1];
    }
    return sum;
}

int main(void)
{
    char *buf = xmalloc((size_t)RECORDS * WIDTH);
    char *scratch = xmalloc((size_t)RECORDS * WIDTH + 4096);
    char **ptrs = xmalloc(RECORDS * sizeof *ptrs);
    uint32_t *seeds = xmalloc(RECORDS * sizeof *seeds);
    memset(scratch, 0, (size_t)RECORDS * WIDTH + 4096);
    for (int i = 0; i < RECORDS; i++)
        seeds[i] = lcg_next();
    uint64_t t0 = now_ns();
    uint64_t sum = run(buf, ptrs, scratch, seeds);
    uint64_t t1 = now_ns();
    report("libc", sum, t0, t1);
    return 0;
}
