/* Event descriptors and timers: timerfd, signalfd (reading a signal the
 * thread blocked), inotify, POSIX timers (SIGEV_SIGNAL with a value,
 * SIGEV_THREAD_ID, SIGEV_NONE, overruns), vectored and spliced I/O
 * (preadv/pwritev/preadv2, splice, tee, vmsplice), SysV message queues, and
 * file hints (sync_file_range, readahead). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/msg.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

int main(void)
{
    /* timerfd: one expiry after 20 ms, then a 5 ms interval */
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec its = {.it_value = {0, 20000000}, .it_interval = {0, 5000000}};
    show("timerfd_settime", timerfd_settime(tfd, 0, &its, NULL));
    uint64_t exp = 0;
    show("timerfd read", read(tfd, &exp, sizeof exp));
    printf("  expirations >= 1: %d\n", exp >= 1);
    struct itimerspec cur;
    timerfd_gettime(tfd, &cur);
    printf("  interval kept: %ld ns\n", cur.it_interval.tv_nsec);
    its = (struct itimerspec){0};
    timerfd_settime(tfd, 0, &its, NULL);
    int fl = fcntl(tfd, F_GETFL);
    fcntl(tfd, F_SETFL, fl | O_NONBLOCK);
    errno = 0;
    show("disarmed timerfd read", read(tfd, &exp, sizeof exp));
    close(tfd);

    /* signalfd: SIGUSR1 blocked, raised, read back with its sender */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    kill(getpid(), SIGUSR1);
    union sigval sv = {.sival_int = 4242};
    sigqueue(getpid(), SIGUSR2, sv);
    struct signalfd_siginfo si[2];
    long n = read(sfd, si, sizeof si);
    printf("signalfd: %ld records\n", n / (long)sizeof si[0]);
    for (long i = 0; i < n / (long)sizeof si[0]; i++)
        printf("  signo %u, from self %d, code %s, int %d\n", si[i].ssi_signo,
               si[i].ssi_pid == (uint32_t)getpid(),
               si[i].ssi_code == SI_USER ? "SI_USER" : si[i].ssi_code == SI_QUEUE ? "SI_QUEUE" : "?",
               si[i].ssi_code == SI_QUEUE ? si[i].ssi_int : 0);
    errno = 0;
    show("signalfd empty", read(sfd, si, sizeof si));
    close(sfd);

    /* inotify on a fresh directory */
    char dir[] = "/tmp/emu-inotify-XXXXXX";
    mkdtemp(dir);
    int ifd = inotify_init1(IN_NONBLOCK);
    int wd = inotify_add_watch(ifd, dir, IN_CREATE | IN_DELETE);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/new.txt", dir);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    unlink(path);
    char buf[4096] __attribute__((aligned(8)));
    n = read(ifd, buf, sizeof buf);
    for (char *p = buf; p < buf + n;) {
        struct inotify_event *ev = (struct inotify_event *)p;
        printf("inotify: wd matches %d, %s %s\n", ev->wd == wd,
               ev->mask & IN_CREATE ? "IN_CREATE" : ev->mask & IN_DELETE ? "IN_DELETE" : "?",
               ev->len ? ev->name : "");
        p += sizeof *ev + ev->len;
    }
    show("inotify_rm_watch", inotify_rm_watch(ifd, wd));
    close(ifd);
    rmdir(dir);

    /* POSIX timer with SIGEV_SIGNAL and a value, taken with sigwaitinfo */
    struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
    sev.sigev_value.sival_int = 777;
    timer_t tid;
    show("timer_create", timer_create(CLOCK_MONOTONIC, &sev, &tid));
    struct itimerspec t1 = {.it_value = {0, 10000000}};
    timer_settime(tid, 0, &t1, NULL);
    siginfo_t info;
    int sig = sigwaitinfo(&set, &info);
    printf("  signal %d, SI_TIMER %d, value %d\n", sig, info.si_code == SI_TIMER,
           info.si_value.sival_int);
    show("timer_delete", timer_delete(tid));

    /* SIGEV_THREAD_ID to this thread, and SIGEV_NONE armed and read back */
    sev = (struct sigevent){.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR1};
    sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
    timer_create(CLOCK_MONOTONIC, &sev, &tid);
    timer_settime(tid, 0, &t1, NULL);
    sig = sigwaitinfo(&set, &info);
    printf("SIGEV_THREAD_ID: signal %d\n", sig);
    timer_delete(tid);
    sev = (struct sigevent){.sigev_notify = SIGEV_NONE};
    timer_create(CLOCK_MONOTONIC, &sev, &tid);
    struct itimerspec t2 = {.it_value = {100, 0}};
    timer_settime(tid, 0, &t2, NULL);
    timer_gettime(tid, &cur);
    printf("SIGEV_NONE: remaining between 99 and 100 s: %d, overrun %d\n",
           cur.it_value.tv_sec >= 99 && cur.it_value.tv_sec <= 100, timer_getoverrun(tid));
    timer_delete(tid);
    errno = 0;
    show("timer_delete again", timer_delete(tid));

    /* vectored I/O at offsets */
    char fname[] = "/tmp/emu-iov-XXXXXX";
    int fd = mkstemp(fname);
    unlink(fname);
    struct iovec w[2] = {{"hello ", 6}, {"vectors", 7}};
    show("pwritev at 4", pwritev(fd, w, 2, 4));
    char a[5] = {0}, b[9] = {0};
    struct iovec r[2] = {{a, 4}, {b, 8}};
    show("preadv at 5", preadv(fd, r, 2, 5));
    printf("  '%s' '%s'\n", a, b);
    show("preadv2 at the file position", preadv2(fd, r, 1, -1, 0));
    show("sync_file_range", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
    show("readahead", readahead(fd, 0, 4096));

    /* splice file -> pipe -> tee -> second pipe; vmsplice into a pipe */
    int p1[2], p2[2];
    pipe(p1);
    pipe(p2);
    loff_t off = 4;
    show("splice file->pipe", splice(fd, &off, p1[1], NULL, 13, 0));
    show("tee", tee(p1[0], p2[1], 13, 0));
    char c1[14] = {0}, c2[14] = {0};
    read(p1[0], c1, 13);
    read(p2[0], c2, 13);
    printf("  '%s' '%s' offset now %lld\n", c1, c2, (long long)off);
    struct iovec vm = {"gift", 4};
    show("vmsplice", vmsplice(p1[1], &vm, 1, 0));
    read(p1[0], c1, 4);
    printf("  '%.4s'\n", c1);

    /* SysV message queue */
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    struct {
        long type;
        char text[16];
    } m1 = {2, "second"}, m2 = {1, "first"}, got;
    msgsnd(q, &m1, sizeof m1.text, 0);
    msgsnd(q, &m2, sizeof m2.text, 0);
    struct msqid_ds ds;
    msgctl(q, IPC_STAT, &ds);
    printf("msg queue: %lu messages, mode %o\n", (unsigned long)ds.msg_qnum,
           ds.msg_perm.mode & 0777);
    show("msgrcv type 1", msgrcv(q, &got, sizeof got.text, 1, 0));
    printf("  '%s'\n", got.text);
    errno = 0;
    show("msgrcv type 3 IPC_NOWAIT", msgrcv(q, &got, sizeof got.text, 3, IPC_NOWAIT));
    show("msgctl IPC_RMID", msgctl(q, IPC_RMID, NULL));
    return 0;
}
