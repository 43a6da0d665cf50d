/* epoll: the 64-bit data word comes back intact (arm64's struct epoll_event
 * is 16 bytes with data at offset 8), several ready fds in one wait,
 * level- and edge-triggered readiness, EPOLL_CTL_MOD/DEL, epoll_pwait with
 * a signal mask, epoll_pwait2 with a timespec, and the kernel's errors.
 * The first line differs natively: x86-64 packs the struct to 12 bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Prints a call's result and errno, evaluated in that order. */
static void show(const char *what, int r)
{
    printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

static int ready(int ep, struct epoll_event *evs, int max, int timeout)
{
    int n = epoll_wait(ep, evs, max, timeout);
    if (n < 0)
        printf("epoll_wait: %s\n", strerror(errno));
    return n;
}

int main(void)
{
    printf("sizeof(struct epoll_event)=%zu offsetof(data)=%zu\n",
           sizeof(struct epoll_event), __builtin_offsetof(struct epoll_event, data));

    int ep = epoll_create1(EPOLL_CLOEXEC);
    int p1[2], p2[2];
    if (ep < 0 || pipe(p1) || pipe(p2))
        return 1;

    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
    printf("add p1: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, p1[0], &ev));
    ev.data.u64 = 0xfedcba9876543210ull;
    printf("add p2: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, p2[0], &ev));
    show("add p2 again", epoll_ctl(ep, EPOLL_CTL_ADD, p2[0], &ev));

    struct epoll_event out[8];
    memset(out, 0xa5, sizeof out);
    printf("nothing ready: %d\n", ready(ep, out, 8, 0));

    write(p1[1], "x", 1);
    write(p2[1], "yy", 2);
    int n = ready(ep, out, 8, 1000);
    printf("both ready: n=%d\n", n);
    uint64_t seen = 0;
    for (int i = 0; i < n; i++)
        seen ^= out[i].data.u64 ^ out[i].events;
    printf("  xor of data^events: %016llx\n", (unsigned long long)seen);
    printf("  entry after the last untouched: %s\n",
           out[n].data.u64 == 0xa5a5a5a5a5a5a5a5ull ? "yes" : "no");

    /* maxevents=1 hands out one at a time; level-triggered stays ready */
    n = ready(ep, out, 1, 0);
    printf("maxevents=1: n=%d\n", n);

    /* MOD p1 to edge-triggered with a new data word */
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 42;
    printf("mod p1 ET: %d\n", epoll_ctl(ep, EPOLL_CTL_MOD, p1[0], &ev));
    printf("del p2: %d\n", epoll_ctl(ep, EPOLL_CTL_DEL, p2[0], NULL));
    n = ready(ep, out, 8, 0);
    printf("after mod: n=%d data=%llu\n", n, n > 0 ? (unsigned long long)out[0].data.u64 : 0ull);
    n = ready(ep, out, 8, 0);
    printf("edge consumed: n=%d\n", n);
    write(p1[1], "z", 1);
    n = ready(ep, out, 8, 0);
    printf("new edge: n=%d data=%llu\n", n, n > 0 ? (unsigned long long)out[0].data.u64 : 0ull);

    /* eventfd, EPOLLOUT and data.fd */
    int efd = eventfd(0, EFD_NONBLOCK);
    ev.events = EPOLLOUT;
    ev.data.u64 = 0;
    ev.data.fd = efd;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    epoll_ctl(ep, EPOLL_CTL_DEL, p1[0], NULL);
    n = ready(ep, out, 8, 0);
    printf("eventfd writable: n=%d fd matches=%d events=%#x\n", n,
           n > 0 && out[0].data.fd == efd, n > 0 ? out[0].events : 0);

    /* epoll_pwait with a mask that blocks SIGUSR1, raised meanwhile */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL);
    n = epoll_pwait(ep, out, 8, 20, &block);
    printf("epoll_pwait timeout with SIGUSR1 blocked: %d\n", n);
    sigset_t pend;
    sigpending(&pend);
    printf("SIGUSR1 still pending: %d\n", sigismember(&pend, SIGUSR1));

    /* epoll_pwait2 is 441 in the asm-generic table (Linux 5.11; qemu-aarch64
     * 7.2 answers ENOSYS, the arm64 kernel runs it) */
    struct timespec ts = {0, 10 * 1000 * 1000};
    show("epoll_pwait2 10ms", (int)syscall(441, ep, out, 8, &ts, NULL, 8));

    /* errors */
    show("maxevents=0", epoll_wait(ep, out, 0, 0));
    show("bad epfd", epoll_wait(p1[0], out, 1, 0));
    show("ctl bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, p2[0], (struct epoll_event *)8));
    show("ctl on itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
    return 0;
}
