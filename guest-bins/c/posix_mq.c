/* POSIX message queues: mq_open with attributes and O_CREAT|O_EXCL,
 * mq_getattr/mq_setattr (O_NONBLOCK), priority order, timeouts, a blocked
 * receive interrupted by a signal, mq_notify with SIGEV_SIGNAL, mq_unlink.
 *
 * qemu-aarch64 7.2 as an oracle differs from the kernel, and the kernel wins:
 * it answers mq_notify with ENOSYS (so no notification signal arrives). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    int e = errno;
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(e) : "ok");
}

static void on_alarm(int sig)
{
    (void)sig;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char name[64];
    snprintf(name, sizeof name, "/emu-posix-mq-%d", (int)getpid());
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
    printf("mq_open: %s\n", q != (mqd_t)-1 ? "ok" : strerror(errno));
    printf("  FD_CLOEXEC: %d\n", (fcntl(q, F_GETFD) & FD_CLOEXEC) != 0);
    errno = 0;
    show("mq_open O_EXCL again", mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));

    struct mq_attr got;
    mq_getattr(q, &got);
    printf("  attr: flags %ld maxmsg %ld msgsize %ld curmsgs %ld\n", got.mq_flags,
           got.mq_maxmsg, got.mq_msgsize, got.mq_curmsgs);

    show("mq_send low", mq_send(q, "low", 4, 1));
    show("mq_send high", mq_send(q, "high", 5, 9));
    show("mq_send mid", mq_send(q, "mid", 4, 5));
    errno = 0;
    char big[128] = {0};
    show("mq_send too big", mq_send(q, big, sizeof big, 0));
    mq_getattr(q, &got);
    printf("  curmsgs: %ld\n", got.mq_curmsgs);
    for (int i = 0; i < 3; i++) {
        char buf[64];
        unsigned prio = 0;
        ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
        printf("  received %zd bytes \"%s\" prio %u\n", n, n > 0 ? buf : "", prio);
    }
    errno = 0;
    char small[8];
    show("mq_receive small buffer", mq_receive(q, small, sizeof small, NULL));

    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += 20 * 1000 * 1000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    char buf[64];
    errno = 0;
    show("mq_timedreceive empty", mq_timedreceive(q, buf, sizeof buf, NULL, &dl));

    /* A blocked receive, interrupted by a signal whose handler has no SA_RESTART. */
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {.it_value = {0, 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
    errno = 0;
    show("mq_receive interrupted", mq_receive(q, buf, sizeof buf, NULL));

    struct mq_attr nb = {.mq_flags = O_NONBLOCK}, old;
    show("mq_setattr O_NONBLOCK", mq_setattr(q, &nb, &old));
    printf("  old flags: %ld\n", old.mq_flags);
    mq_getattr(q, &got);
    printf("  flags now O_NONBLOCK: %d\n", got.mq_flags == O_NONBLOCK);
    errno = 0;
    show("mq_receive nonblocking", mq_receive(q, buf, sizeof buf, NULL));

    /* mq_notify: a signal with our value when a message arrives in the empty queue. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    ev.sigev_value.sival_int = 77;
    show("mq_notify", mq_notify(q, &ev));
    errno = 0;
    show("mq_notify again", mq_notify(q, &ev));
    show("mq_send", mq_send(q, "ping", 5, 0));
    siginfo_t si = {0};
    struct timespec wait = {2, 0};
    int sig = sigtimedwait(&set, &si, &wait);
    printf("  signal %s, code SI_MESGQ: %d, value %d, pid is ours: %d\n",
           sig == SIGUSR1 ? "SIGUSR1" : "other", si.si_code == SI_MESGQ,
           si.si_value.sival_int, si.si_pid == getpid());
    show("mq_receive", mq_receive(q, buf, sizeof buf, NULL));

    show("mq_close", mq_close(q));
    show("mq_unlink", mq_unlink(name));
    errno = 0;
    show("mq_unlink again", mq_unlink(name));
    errno = 0;
    show("mq_open removed", mq_open(name, O_RDONLY));
    return 0;
}
