/* clone3 (fork with a pidfd and a parent tid, CLEAR_SIGHAND, argument
 * checks), pidfd_open / pidfd_send_signal / waitid(P_PIDFD), execveat (a
 * path relative to a directory fd, and fexecve of /proc/self/exe's fd),
 * personality, the sched_* policy calls and per-thread set*id calls, as the
 * arm64 kernel answers them for an ordinary process.
 * Natively on x86-64 personality(PER_LINUX32) succeeds; an arm64 kernel
 * without 32-bit EL0 says EINVAL (arch/arm64/kernel/sys.c). qemu-aarch64 7.2
 * has neither clone3 nor execveat (ENOSYS). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* asm-generic numbers (arm64 and x86-64 agree from 424 on) */
#define NR_pidfd_send_signal 424
#define NR_clone3 435
#define NR_pidfd_open 434

struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};

static void show(const char *what, long r)
{
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int s) { got_usr1 = s; }

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1) {
        printf("exec'd child: argv[1]=%s\n", argv[1]);
        fflush(stdout);
        return 0;
    }

    /* clone3 as fork, with CLONE_PIDFD and CLONE_PARENT_SETTID */
    int pidfd = -1;
    pid_t ptid = 0;
    struct clone_args_v2 ca = {
        .flags = CLONE_PIDFD | CLONE_PARENT_SETTID,
        .pidfd = (uintptr_t)&pidfd,
        .parent_tid = (uintptr_t)&ptid,
        .exit_signal = SIGCHLD,
    };
    long pid = syscall(NR_clone3, &ca, sizeof ca);
    if (pid == 0) {
        pause(); /* until the parent's SIGTERM through the pidfd */
        _exit(3);
    }
    printf("clone3 fork: pid>0 %d, parent_tid matches %d, pidfd>=0 %d\n", pid > 0,
           ptid == pid, pidfd >= 0);
    show("pidfd_send_signal SIGTERM", syscall(NR_pidfd_send_signal, pidfd, SIGTERM, NULL, 0));
    siginfo_t si = {0};
    show("waitid P_PIDFD", waitid(P_PIDFD, pidfd, &si, WEXITED));
    printf("  child killed by signal %d, pid matches %d\n",
           si.si_code == CLD_KILLED ? si.si_status : -1, si.si_pid == pid);
    close(pidfd);

    /* CLONE_CLEAR_SIGHAND: handled signals are back at their default in the
     * child, ignored ones stay ignored */
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    struct clone_args_v2 cs = {.flags = 0x100000000ull, .exit_signal = SIGCHLD};
    pid = syscall(NR_clone3, &cs, sizeof cs);
    if (pid == 0) {
        struct sigaction a1, a2;
        sigaction(SIGUSR1, NULL, &a1);
        sigaction(SIGUSR2, NULL, &a2);
        _exit((a1.sa_handler == SIG_DFL) + 2 * (a2.sa_handler == SIG_IGN));
    }
    int st = 0;
    waitpid(pid, &st, 0);
    printf("CLONE_CLEAR_SIGHAND: USR1 default %d, USR2 still ignored %d\n",
           WEXITSTATUS(st) & 1, WEXITSTATUS(st) >> 1);
    raise(SIGUSR1);
    printf("parent keeps its handler: %d\n", got_usr1 == SIGUSR1);

    /* pidfd_open of a forked child: readable once it exits */
    pid = fork();
    if (pid == 0)
        _exit(5);
    int pfd = (int)syscall(NR_pidfd_open, pid, 0);
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    int n = poll(&p, 1, 10000);
    printf("pidfd_open: fd>=0 %d, poll %d revents POLLIN %d\n", pfd >= 0, n,
           (p.revents & POLLIN) != 0);
    waitpid(pid, &st, 0);
    printf("  exit status %d\n", WEXITSTATUS(st));
    close(pfd);
    errno = 0;
    show("pidfd_open(bad flags)", syscall(NR_pidfd_open, getpid(), 1));

    /* clone3's own argument checks */
    struct clone_args_v2 bad = {.exit_signal = SIGCHLD};
    show("clone3 size 32", syscall(NR_clone3, &bad, 32));
    bad.flags = SIGCHLD;
    show("clone3 signal in flags", syscall(NR_clone3, &bad, sizeof bad));
    bad.flags = 0;
    bad.stack = 0x10000;
    show("clone3 stack without size", syscall(NR_clone3, &bad, sizeof bad));
    show("clone3 bad pointer", syscall(NR_clone3, (void *)8, sizeof bad));

    /* execveat: relative to a directory fd, and of an open fd (fexecve) */
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    self[len] = 0;
    char *slash = strrchr(self, '/');
    *slash = 0;
    int dfd = open(self, O_RDONLY | O_DIRECTORY);
    pid = fork();
    if (pid == 0) {
        char *args[] = {"x", "relative", NULL};
        syscall(SYS_execveat, dfd, slash + 1, args, environ, 0);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    printf("execveat relative: status %d\n", WEXITSTATUS(st));
    *slash = '/';
    int efd = open(self, O_RDONLY | O_CLOEXEC);
    pid = fork();
    if (pid == 0) {
        char *args[] = {"x", "fexecve", NULL};
        syscall(SYS_execveat, efd, "", args, environ, AT_EMPTY_PATH);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    printf("execveat AT_EMPTY_PATH: status %d\n", WEXITSTATUS(st));
    show("execveat empty path without the flag",
         syscall(SYS_execveat, efd, "", (char *[]){"x", NULL}, environ, 0));
    show("execveat bad flags", syscall(SYS_execveat, efd, "", (char *[]){"x", NULL}, environ, AT_EMPTY_PATH | 1));

    /* personality: Linux, and no 32-bit execution domain on this CPU */
    printf("personality query: %#x\n", personality(0xffffffff) & 0xff);
    errno = 0;
    show("personality(PER_LINUX32)", personality(PER_LINUX32));

    /* scheduling policy */
    struct sched_param sp = {.sched_priority = 7};
    printf("sched_getscheduler: %d (SCHED_OTHER %d)\n", sched_getscheduler(0), SCHED_OTHER);
    printf("FIFO priorities: %d..%d\n", sched_get_priority_min(SCHED_FIFO),
           sched_get_priority_max(SCHED_FIFO));
    show("sched_getparam", sched_getparam(0, &sp));
    printf("  priority %d\n", sp.sched_priority);
    sp.sched_priority = 0;
    show("sched_setscheduler(SCHED_BATCH)", sched_setscheduler(0, SCHED_BATCH, &sp));
    printf("  now %d (SCHED_BATCH %d)\n", sched_getscheduler(0), SCHED_BATCH);
    struct timespec ts;
    show("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
    errno = 0;
    show("sched_getscheduler(no such pid)", sched_getscheduler(0x3fffffff));

    /* set*id to the ids the process already has always succeeds */
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    show("setresuid(same)", setresuid(r, e, s));
    show("setreuid(-1,-1)", setreuid(-1, -1));
    gid_t gr, ge, gs;
    getresgid(&gr, &ge, &gs);
    show("setresgid(same)", setresgid(gr, ge, gs));
    printf("setfsuid returns the old fsuid: %d\n", setfsuid(e) == (int)e);
    return 0;
}
