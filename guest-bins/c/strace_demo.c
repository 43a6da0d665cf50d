/* A fixed sequence of syscalls for the decoded --strace test (tests/strace.rs
 * compares emu's trace with strace_demo.strace): a failing openat, writes to
 * stdout and stderr, a pipe written and read, an anonymous mmap/munmap, a SIGUSR1 handler
 * and a kill to self, a socketpair, clock_gettime, exit_group(3).
 *
 * clock_gettime goes through syscall(2): with a vDSO (real arm64 Linux) the
 * libc call would make no syscall at all. */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig) { got = sig; }

int main(void)
{
    if (open("/nonexistent/strace_demo", O_RDONLY | O_CLOEXEC) != -1)
        return 1;
    write(1, "hello\n", 6);
    write(2, "to stderr\n", 10);

    int p[2];
    char buf[64];
    if (pipe(p) != 0)
        return 1;
    write(p[1], "ping\tpong\n\0\x01\xff", 13);
    if (read(p[0], buf, sizeof buf) != 13)
        return 1;

    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 1;
    munmap(m, 4096);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    if (got != SIGUSR1)
        return 1;

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return 1;

    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    _exit(3);
}
