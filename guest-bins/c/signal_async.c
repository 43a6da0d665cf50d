/*
 * Asynchronous signals:
 *  - setitimer(ITIMER_REAL) ticking SIGALRM, waited for with sigsuspend
 *    (which returns -1/EINTR and restores the blocked mask);
 *  - a timer interrupting a read() blocked on an empty pipe: -1/EINTR
 *    without SA_RESTART; with SA_RESTART the read restarts and returns the
 *    byte that a later tick's handler writes into the pipe;
 *  - SIGCHLD with SA_SIGINFO when a forked child exits (CLD_EXITED,
 *    si_pid, si_status);
 *  - pthread_kill of a thread spinning in `while (!flag);` whose handler
 *    sets the flag (the emulator must interrupt a tight loop);
 *  - pthread_sigmask per thread: a kill() to the process reaches the one
 *    thread that unblocks the signal (in sigsuspend);
 *  - SIGPIPE ignored: write to a pipe without readers fails with EPIPE.
 *    (The default SIGPIPE death is sigpipe_default.)
 *
 * A watchdog thread (all signals blocked) exits with status 99 if the
 * program hangs; SIGALRM is used by the tests themselves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

static void *watchdog(void *arg)
{
    struct timespec ts = {20, 0};
    while (nanosleep(&ts, &ts) != 0)
        ;
    static const char msg[] = "watchdog: timed out\n";
    write(1, msg, sizeof msg - 1);
    _exit(99);
}

static void set_handler(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void timer_ms(int first_ms, int interval_ms)
{
    struct itimerval it = {
        .it_interval = {interval_ms / 1000, (interval_ms % 1000) * 1000},
        .it_value = {first_ms / 1000, (first_ms % 1000) * 1000},
    };
    setitimer(ITIMER_REAL, &it, NULL);
}

static long gettid_(void)
{
    return syscall(SYS_gettid);
}

/* ---- itimer + sigsuspend ---- */
static volatile sig_atomic_t ticks;
static void on_tick(int sig)
{
    ticks++;
}

/* ---- read() interrupted ---- */
static int pipefd[2];
static volatile sig_atomic_t write_on_tick; /* tick number that writes, 0 never */
static void on_tick_write(int sig)
{
    ticks++;
    if (ticks == write_on_tick) {
        char c = 'r';
        write(pipefd[1], &c, 1);
    }
}

/* ---- SIGCHLD ---- */
static volatile int chld_code, chld_status, chld_signo;
static volatile pid_t chld_pid;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
    chld_signo = si->si_signo;
    chld_code = si->si_code;
    chld_pid = si->si_pid;
    chld_status = si->si_status;
}

/* ---- pthread_kill to a spinning thread ---- */
static volatile sig_atomic_t spin_flag;
static volatile sig_atomic_t spinning;
static volatile long spin_handler_tid;
static void on_spin_signal(int sig)
{
    spin_handler_tid = gettid_();
    spin_flag = 1;
}
static void *spinner(void *arg)
{
    long *tid = arg;
    *tid = gettid_();
    spinning = 1;
    while (!spin_flag)
        ;
    return NULL;
}

/* ---- per-thread masks ---- */
static volatile long usr2_handler_tid;
static volatile sig_atomic_t usr2_count;
static void on_usr2(int sig)
{
    usr2_handler_tid = gettid_();
    usr2_count++;
}
static volatile sig_atomic_t waiter_ready;
static void *usr2_waiter(void *arg)
{
    long *tid = arg;
    *tid = gettid_();
    /* SIGUSR2 is blocked here (inherited); wait with it unblocked. */
    sigset_t wait_mask;
    pthread_sigmask(SIG_BLOCK, NULL, &wait_mask);
    sigdelset(&wait_mask, SIGUSR2);
    waiter_ready = 1;
    while (usr2_count == 0)
        sigsuspend(&wait_mask);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    sigset_t all, none, old;
    sigfillset(&all);
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t wd;
    pthread_create(&wd, NULL, watchdog, NULL);
    pthread_detach(wd);
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    /* itimer + sigsuspend */
    set_handler(SIGALRM, on_tick, 0);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    ticks = 0;
    timer_ms(10, 10);
    int eintr = 0;
    while (ticks < 3) {
        int r = sigsuspend(&none);
        eintr += r == -1 && errno == EINTR;
    }
    timer_ms(0, 0);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("itimer: %d ticks, sigsuspend returned EINTR %d times, SIGALRM blocked after %d\n",
           (int)ticks, eintr, sigismember(&cur, SIGALRM));
    check("sigsuspend woken by each tick", ticks == 3 && eintr == 3 && sigismember(&cur, SIGALRM));
    struct itimerval itv;
    getitimer(ITIMER_REAL, &itv);
    check("timer disarmed", itv.it_value.tv_sec == 0 && itv.it_value.tv_usec == 0);
    /* a tick still pending from before the disarm is discarded here */
    set_handler(SIGALRM, SIG_IGN, 0);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);

    /* read() interrupted: no SA_RESTART */
    pipe(pipefd);
    ticks = 0;
    write_on_tick = 0;
    set_handler(SIGALRM, on_tick_write, 0);
    timer_ms(30, 30);
    char c = 0;
    errno = 0;
    ssize_t n = read(pipefd[0], &c, 1);
    int e = errno;
    timer_ms(0, 0);
    printf("read without SA_RESTART: returned %zd, %s\n", n, e == EINTR ? "EINTR" : strerror(e));
    check("read interrupted with EINTR", n == -1 && e == EINTR && ticks >= 1);

    /* read() with SA_RESTART: the third tick's handler writes a byte */
    ticks = 0;
    write_on_tick = 3;
    set_handler(SIGALRM, on_tick_write, SA_RESTART);
    timer_ms(30, 30);
    c = 0;
    errno = 0;
    n = read(pipefd[0], &c, 1);
    e = errno;
    timer_ms(0, 0);
    printf("read with SA_RESTART: returned %zd '%c' errno %d\n", n, n == 1 ? c : '?', e);
    check("read restarted and got the byte", n == 1 && c == 'r' && ticks >= 3);
    set_handler(SIGALRM, SIG_IGN, 0);
    close(pipefd[0]);
    close(pipefd[1]);

    /* SIGCHLD */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    while (chld_signo == 0)
        sigsuspend(&none);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    int status = 0;
    pid_t w = waitpid(pid, &status, 0);
    printf("SIGCHLD: signo %d code %s pid %s status %d; waitpid %s exit %d\n", chld_signo,
           chld_code == CLD_EXITED ? "CLD_EXITED" : "other", chld_pid == pid ? "matches" : "WRONG",
           chld_status, w == pid ? "ok" : "FAIL", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    check("SIGCHLD info", chld_signo == SIGCHLD && chld_code == CLD_EXITED && chld_pid == pid &&
                              chld_status == 7 && w == pid && WEXITSTATUS(status) == 7);
    signal(SIGCHLD, SIG_DFL);

    /* pthread_kill a thread spinning in a tight loop */
    set_handler(SIGUSR1, on_spin_signal, 0);
    long spin_tid = 0;
    pthread_t sp;
    pthread_create(&sp, NULL, spinner, &spin_tid);
    while (!spinning)
        sched_yield();
    pthread_kill(sp, SIGUSR1);
    pthread_join(sp, NULL);
    printf("pthread_kill to spinning thread: flag %d, handler ran in %s thread\n", (int)spin_flag,
           spin_handler_tid == spin_tid ? "the target" : "ANOTHER");
    check("spinning thread interrupted", spin_flag && spin_handler_tid == spin_tid);

    /* process-directed signal goes to the thread not blocking it */
    set_handler(SIGUSR2, on_usr2, 0);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &usr2, NULL);
    long waiter_tid = 0;
    pthread_t wt;
    pthread_create(&wt, NULL, usr2_waiter, &waiter_tid);
    while (!waiter_ready)
        sched_yield();
    kill(getpid(), SIGUSR2);
    pthread_join(wt, NULL);
    sigset_t pend;
    sigpending(&pend);
    printf("kill(getpid(), SIGUSR2) with main blocking it: handled %d time(s) in %s, main "
           "pending %d\n",
           (int)usr2_count,
           usr2_handler_tid == waiter_tid ? "the unblocking thread"
           : usr2_handler_tid == gettid_() ? "MAIN"
                                           : "ANOTHER",
           sigismember(&pend, SIGUSR2));
    check("delivered to the thread that unblocks it",
          usr2_count == 1 && usr2_handler_tid == waiter_tid && !sigismember(&pend, SIGUSR2));
    pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);

    /* SIGPIPE ignored: EPIPE */
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    pipe(p);
    close(p[0]);
    errno = 0;
    n = write(p[1], "x", 1);
    e = errno;
    printf("write to pipe without reader, SIGPIPE ignored: returned %zd, %s\n", n,
           e == EPIPE ? "EPIPE" : strerror(e));
    check("EPIPE", n == -1 && e == EPIPE);
    close(p[1]);

    printf("failures: %d\n", failures);
    return failures != 0;
}
