/*
 * Clocks and randomness, printing only facts that hold on any run:
 * CLOCK_MONOTONIC never goes back, nanosleep(10 ms) takes at least 10 ms
 * by the monotonic clock, time() and gettimeofday() agree with
 * CLOCK_REALTIME and are after 2020, clock_getres, CLOCK_PROCESS_CPUTIME_ID
 * advances with work, getrandom fills the requested bytes (and two draws
 * differ), and a relative clock_nanosleep.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

static int64_t ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t now(clockid_t c)
{
    struct timespec t;
    if (clock_gettime(c, &t) != 0)
        return -1;
    return ns(&t);
}

static const char *yesno(int b)
{
    return b ? "yes" : "no";
}

int main(void)
{
    /* Monotonic: many reads, never decreasing. */
    int64_t prev = now(CLOCK_MONOTONIC), first = prev;
    int back = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t t = now(CLOCK_MONOTONIC);
        back += t < prev;
        prev = t;
    }
    printf("monotonic never decreases: %s, positive: %s\n", yesno(back == 0), yesno(first > 0));

    struct timespec res;
    printf("clock_getres(MONOTONIC) ok and <= 1 ms: %s\n",
           yesno(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 &&
              res.tv_nsec <= 1000000));

    struct timespec req = {0, 10 * 1000 * 1000}, rem = {7, 7};
    int64_t a = now(CLOCK_MONOTONIC);
    int r = nanosleep(&req, &rem);
    int64_t b = now(CLOCK_MONOTONIC);
    printf("nanosleep(10 ms) returned 0: %s, slept >= 10 ms: %s, < 5 s: %s\n", yesno(r == 0),
           yesno(b - a >= 10000000), yesno(b - a < 5000000000LL));

    req.tv_nsec = 5 * 1000 * 1000;
    a = now(CLOCK_MONOTONIC);
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    b = now(CLOCK_MONOTONIC);
    printf("clock_nanosleep(5 ms) returned 0: %s, slept >= 5 ms: %s\n", yesno(r == 0),
           yesno(b - a >= 5000000));

    struct timespec abs_t;
    clock_gettime(CLOCK_MONOTONIC, &abs_t);
    abs_t.tv_nsec += 3000000;
    if (abs_t.tv_nsec >= 1000000000) {
        abs_t.tv_sec++;
        abs_t.tv_nsec -= 1000000000;
    }
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs_t, NULL);
    printf("clock_nanosleep(TIMER_ABSTIME) returned 0: %s, now past deadline: %s\n", yesno(r == 0),
           yesno(now(CLOCK_MONOTONIC) >= ns(&abs_t)));

    req.tv_nsec = 1000000000; /* invalid */
    errno = 0;
    printf("nanosleep(tv_nsec = 1e9) fails with EINVAL: %s\n",
           yesno(nanosleep(&req, NULL) == -1 && errno == EINVAL));

    /* Wall clock: time(), gettimeofday() and CLOCK_REALTIME agree. */
    time_t t0 = time(NULL);
    struct timeval tv;
    int g = gettimeofday(&tv, NULL);
    int64_t rt = now(CLOCK_REALTIME);
    time_t t1 = time(NULL);
    printf("time() after 2020-01-01: %s, before 2200: %s\n", yesno(t0 > 1577836800),
           yesno(t0 < 7258118400LL));
    printf("gettimeofday ok: %s, usec in range: %s, within 2 s of time(): %s\n", yesno(g == 0),
           yesno(tv.tv_usec >= 0 && tv.tv_usec < 1000000), yesno(tv.tv_sec >= t0 - 1 && tv.tv_sec <= t1 + 1));
    printf("CLOCK_REALTIME within 2 s of time(): %s\n",
           yesno(rt / 1000000000 >= t0 - 1 && rt / 1000000000 <= t1 + 1));
    time_t tp;
    printf("time(&t) stores the result: %s\n", yesno(time(&tp) == tp));

    /* CPU time advances with work. */
    int64_t c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    volatile uint64_t x = 1;
    int64_t m0 = now(CLOCK_MONOTONIC);
    while (now(CLOCK_MONOTONIC) - m0 < 20000000)
        for (int i = 0; i < 1000; i++)
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    printf("process CPU time readable: %s, advances with work: %s\n", yesno(c0 >= 0), yesno(c1 > c0));

    /* getrandom: the requested count, and two 32-byte draws differ. */
    unsigned char buf1[32], buf2[32], big[1000];
    memset(buf1, 0, sizeof buf1);
    memset(buf2, 0, sizeof buf2);
    ssize_t n1 = getrandom(buf1, sizeof buf1, 0);
    ssize_t n2 = getrandom(buf2, sizeof buf2, GRND_NONBLOCK);
    ssize_t n3 = getrandom(big, sizeof big, 0);
    printf("getrandom returned 32 32 1000: %s\n", yesno(n1 == 32 && n2 == 32 && n3 == 1000));
    printf("two draws differ: %s\n", yesno(memcmp(buf1, buf2, sizeof buf1) != 0));
    int seen[256] = {0}, distinct = 0;
    for (size_t i = 0; i < sizeof big; i++)
        distinct += !seen[big[i]]++;
    printf("1000 random bytes have > 200 distinct values: %s\n", yesno(distinct > 200));
    printf("getrandom(0 bytes) returns 0: %s\n", yesno(getrandom(buf1, 0, 0) == 0));
    return 0;
}
