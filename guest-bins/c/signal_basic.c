/*
 * Signal basics, single-threaded: sigaction handlers run by raise(); an
 * SA_SIGINFO handler's siginfo (raise gives SI_TKILL, sigqueue gives
 * SI_QUEUE and si_value); a blocked signal stays pending and its handler
 * runs exactly when sigprocmask unblocks it; SA_RESETHAND; the handler's
 * own signal blocked during the handler unless SA_NODEFER (nesting order);
 * a SIGUSR1 handler raising SIGUSR2 (nested at once, or deferred when
 * SIGUSR2 is in sa_mask); two pending signals unblocked together; a
 * standard signal raised three times while blocked is delivered once,
 * while a real-time signal queued three times is delivered three times
 * with its values in order.
 *
 * Handlers append to an event log which main prints.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

static char logbuf[256];
static volatile int loglen;

static void logs(const char *s)
{
    while (*s && loglen < (int)sizeof logbuf - 1)
        logbuf[loglen++] = *s++;
    logbuf[loglen] = 0;
}

static void log_reset(void)
{
    loglen = 0;
    logbuf[0] = 0;
}

static int is_blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

static void set_handler(int sig, void (*h)(int), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void set_action(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = flags | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* ---- handlers ---- */
static volatile sig_atomic_t usr1_count;
static volatile int usr1_self_blocked;
static void on_usr1(int sig)
{
    usr1_count++;
    usr1_self_blocked = is_blocked(SIGUSR1);
    logs("U");
}

static volatile int info_signo, info_code, info_value, info_pid_ok;
static void on_info(int sig, siginfo_t *si, void *uc)
{
    info_signo = si->si_signo;
    info_code = si->si_code;
    info_value = si->si_value.sival_int;
    info_pid_ok = si->si_pid == getpid() && si->si_uid == getuid();
}

static volatile int depth, entries;
static void on_nest(int sig)
{
    char s[3] = {'<', (char)('0' + depth), 0};
    depth++;
    logs(s);
    if (++entries == 1)
        raise(SIGUSR1); /* nested now (SA_NODEFER) or after return */
    logs(">");
    depth--;
}

static void on_outer(int sig)
{
    logs("[1");
    raise(SIGUSR2);
    logs("1]");
}
static void on_inner(int sig)
{
    logs("[2]");
}

static int rt_values[8];
static volatile int rt_count;
static void on_rt(int sig, siginfo_t *si, void *uc)
{
    if (rt_count < 8)
        rt_values[rt_count] = si->si_value.sival_int;
    rt_count++;
}

int main(void)
{
    alarm(10);
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* plain handler via raise */
    set_handler(SIGUSR1, on_usr1, 0, NULL);
    raise(SIGUSR1);
    printf("raise: handler ran %d time(s), SIGUSR1 blocked inside handler %d, after %d\n",
           usr1_count, usr1_self_blocked, is_blocked(SIGUSR1));
    check("handler ran once", usr1_count == 1);

    /* SA_SIGINFO */
    set_action(SIGUSR2, on_info, 0);
    raise(SIGUSR2);
    printf("raise siginfo: signo %d code %d (SI_TKILL %d) pid/uid ok %d\n", info_signo, info_code,
           SI_TKILL, info_pid_ok);
    check("raise gives SI_TKILL", info_signo == SIGUSR2 && info_code == SI_TKILL && info_pid_ok);
    union sigval v = {.sival_int = 4242};
    sigqueue(getpid(), SIGUSR2, v);
    printf("sigqueue siginfo: signo %d code %d (SI_QUEUE %d) value %d pid/uid ok %d\n", info_signo,
           info_code, SI_QUEUE, info_value, info_pid_ok);
    check("sigqueue gives SI_QUEUE and the value",
          info_code == SI_QUEUE && info_value == 4242 && info_pid_ok);
    kill(getpid(), SIGUSR2);
    printf("kill siginfo: code %d (SI_USER %d)\n", info_code, SI_USER);
    check("kill gives SI_USER", info_code == SI_USER);

    /* blocked, pending, delivered on unblock */
    usr1_count = 0;
    block(SIGUSR1);
    raise(SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    int pending_before = sigismember(&pend, SIGUSR1);
    int count_blocked = usr1_count;
    unblock(SIGUSR1);
    int count_after = usr1_count;
    sigpending(&pend);
    printf("blocked: pending %d, count while blocked %d, after unblock %d, pending after %d\n",
           pending_before, count_blocked, count_after, sigismember(&pend, SIGUSR1));
    check("delivered exactly at unblock", pending_before == 1 && count_blocked == 0 &&
                                              count_after == 1 && !sigismember(&pend, SIGUSR1));

    /* standard signals do not queue */
    usr1_count = 0;
    block(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    unblock(SIGUSR1);
    printf("standard signal raised 3 times while blocked: delivered %d time(s)\n", usr1_count);
    check("standard signal delivered once", usr1_count == 1);

    /* SIG_IGN discards; a pending ignored signal is dropped */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    check("SIG_IGN: raise returns", 1);

    /* SA_RESETHAND */
    usr1_count = 0;
    set_handler(SIGUSR1, on_usr1, SA_RESETHAND, NULL);
    raise(SIGUSR1);
    struct sigaction cur;
    sigaction(SIGUSR1, NULL, &cur);
    printf("SA_RESETHAND: ran %d, disposition now %s, flag kept %d\n", usr1_count,
           cur.sa_handler == SIG_DFL ? "SIG_DFL" : "handler", !!(cur.sa_flags & SA_RESETHAND));
    check("SA_RESETHAND resets to SIG_DFL", usr1_count == 1 && cur.sa_handler == SIG_DFL);

    /* nesting: default defers the raise inside the handler, SA_NODEFER nests */
    log_reset();
    entries = 0;
    set_handler(SIGUSR1, on_nest, 0, NULL);
    raise(SIGUSR1);
    printf("default nesting: %s\n", logbuf);
    check("default: self signal deferred", strcmp(logbuf, "<0><0>") == 0);
    log_reset();
    entries = 0;
    set_handler(SIGUSR1, on_nest, SA_NODEFER, NULL);
    raise(SIGUSR1);
    printf("SA_NODEFER nesting: %s\n", logbuf);
    check("SA_NODEFER: self signal nested", strcmp(logbuf, "<0<1>>") == 0);

    /* SIGUSR1 handler raising SIGUSR2 */
    log_reset();
    set_handler(SIGUSR2, on_inner, 0, NULL);
    set_handler(SIGUSR1, on_outer, 0, NULL);
    raise(SIGUSR1);
    printf("USR1 handler raises USR2: %s\n", logbuf);
    check("USR2 nested inside USR1 handler", strcmp(logbuf, "[1[2]1]") == 0);
    log_reset();
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    set_handler(SIGUSR1, on_outer, 0, &m);
    raise(SIGUSR1);
    printf("same with SIGUSR2 in sa_mask: %s\n", logbuf);
    check("USR2 deferred by sa_mask", strcmp(logbuf, "[11][2]") == 0);
    check("mask restored after handler", !is_blocked(SIGUSR2) && !is_blocked(SIGUSR1));

    /* two pending signals unblocked at once: the kernel picks the lower
     * number (SIGUSR1) first and sets up its frame, then, SIGUSR2 still
     * being deliverable, stacks SIGUSR2's frame on top, so SIGUSR2's
     * handler runs first and returns into SIGUSR1's. */
    log_reset();
    set_handler(SIGUSR1, on_inner, 0, NULL); /* logs [2] ... */
    set_handler(SIGUSR2, on_usr1, 0, NULL);  /* logs U */
    sigset_t both, old;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    sigprocmask(SIG_BLOCK, &both, &old);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("USR1 and USR2 unblocked together: %s\n", logbuf);
    check("both delivered", loglen == 4);

    /* real-time signals queue, with values, in order */
    set_action(SIGRTMIN + 1, on_rt, 0);
    block(SIGRTMIN + 1);
    for (int i = 0; i < 3; i++) {
        union sigval rv = {.sival_int = 100 + i * 11};
        sigqueue(getpid(), SIGRTMIN + 1, rv);
    }
    sigpending(&pend);
    int rt_pending = sigismember(&pend, SIGRTMIN + 1);
    int rt_before = rt_count;
    unblock(SIGRTMIN + 1);
    printf("SIGRTMIN+1 queued 3 times: pending %d, before unblock %d, delivered %d:", rt_pending,
           rt_before, rt_count);
    for (int i = 0; i < rt_count && i < 8; i++)
        printf(" %d", rt_values[i]);
    printf("\n");
    check("real-time signals queued in order", rt_pending == 1 && rt_before == 0 &&
                                                   rt_count == 3 && rt_values[0] == 100 &&
                                                   rt_values[1] == 111 && rt_values[2] == 122);

    printf("failures: %d\n", failures);
    return failures != 0;
}
