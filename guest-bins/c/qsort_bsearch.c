/*
 * qsort 10000 pseudo-random numbers (an LCG, so the input is the same
 * everywhere), verify the order, then bsearch every element (hits) and
 * values known to be absent (misses).  Also sorts strings and doubles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 10000

static uint32_t lcg_state = 2463534242u;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint32_t nums[N];
static double dbl[N];
static char words[1000][12];
static char *wordp[1000];

int main(void)
{
    uint64_t in_sum = 0;
    for (int i = 0; i < N; i++) {
        /* Even values only, so every odd value is a guaranteed miss. */
        nums[i] = (lcg() >> 4) & ~1u;
        in_sum += nums[i];
    }
    qsort(nums, N, sizeof nums[0], cmp_u32);

    int sorted = 1;
    uint64_t out_sum = 0, weighted = 0;
    for (int i = 0; i < N; i++) {
        if (i > 0 && nums[i - 1] > nums[i])
            sorted = 0;
        out_sum += nums[i];
        weighted = weighted * 31 + nums[i];
    }
    printf("sorted: %s\n", sorted ? "yes" : "no");
    printf("sum before 0x%" PRIx64 " after 0x%" PRIx64 "\n", in_sum, out_sum);
    printf("weighted checksum 0x%016" PRIx64 "\n", weighted);
    printf("min 0x%08" PRIx32 " median 0x%08" PRIx32 " max 0x%08" PRIx32 "\n", nums[0], nums[N / 2], nums[N - 1]);

    int hits = 0, misses = 0, wrong = 0;
    for (int i = 0; i < N; i++) {
        uint32_t *p = bsearch(&nums[i], nums, N, sizeof nums[0], cmp_u32);
        if (p && *p == nums[i])
            hits++;
        else
            wrong++;
        uint32_t odd = nums[i] | 1;
        if (bsearch(&odd, nums, N, sizeof nums[0], cmp_u32) == NULL)
            misses++;
        else
            wrong++;
    }
    uint32_t below = 1, above = 0xffffffff;
    misses += bsearch(&below, nums, N, sizeof nums[0], cmp_u32) == NULL;
    misses += bsearch(&above, nums, N, sizeof nums[0], cmp_u32) == NULL;
    printf("bsearch hits %d misses %d wrong %d\n", hits, misses, wrong);

    for (int i = 0; i < N; i++)
        dbl[i] = (double)(int32_t)lcg() / 65536.0;
    qsort(dbl, N, sizeof dbl[0], cmp_double_desc);
    int dsorted = 1;
    double dsum = 0;
    for (int i = 0; i < N; i++) {
        if (i > 0 && dbl[i - 1] < dbl[i])
            dsorted = 0;
        dsum += dbl[i] * (i % 7);
    }
    printf("doubles sorted descending: %s first %.6f last %.6f weighted %.6f\n",
           dsorted ? "yes" : "no", dbl[0], dbl[N - 1], dsum);

    for (int i = 0; i < 1000; i++) {
        int len = 1 + (int)(lcg() >> 16) % 10;
        for (int j = 0; j < len; j++)
            words[i][j] = (char)('a' + (lcg() >> 16) % 26);
        words[i][len] = 0;
        wordp[i] = words[i];
    }
    qsort(wordp, 1000, sizeof wordp[0], cmp_str);
    int ssorted = 1;
    uint64_t h = 0;
    for (int i = 0; i < 1000; i++) {
        if (i > 0 && strcmp(wordp[i - 1], wordp[i]) > 0)
            ssorted = 0;
        for (const char *p = wordp[i]; *p; p++)
            h = h * 131 + (unsigned char)*p;
    }
    printf("strings sorted: %s first \"%s\" last \"%s\" hash 0x%016" PRIx64 "\n",
           ssorted ? "yes" : "no", wordp[0], wordp[999], h);
    char *key = wordp[500];
    char **found = bsearch(&key, wordp, 1000, sizeof wordp[0], cmp_str);
    printf("bsearch \"%s\": %s\n", key, found && strcmp(*found, key) == 0 ? "found" : "missing");
    return 0;
}
