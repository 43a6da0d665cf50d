/* Bad guest pointers get EFAULT from every kind of syscall and the process
 * keeps running: unmapped addresses, read-only memory given as an output
 * buffer, and structs that run off the end of a mapping. An unknown syscall
 * number gets ENOSYS. The native x86-64 build prints the same; qemu-aarch64
 * 7.2 answers EINVAL for nanosleep's unmapped timespec. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    printf("%-40s %ld %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

#define BAD ((void *)16)

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int p[2];
    pipe(p);
    write(p[1], "data", 4);

    /* one read-write page followed by an inaccessible one */
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(page + 4096, 4096, PROT_NONE);
    char *edge = page + 4096 - 8; /* 8 bytes before the hole */
    const char *ro = "read-only string";

    show("read into unmapped", syscall(SYS_read, p[0], BAD, 4));
    show("read into read-only", syscall(SYS_read, p[0], (void *)ro, 4));
    show("read still has the data", syscall(SYS_read, p[0], page, 4));
    show("write from unmapped", syscall(SYS_write, p[1], BAD, 4));
    show("write across the end of a mapping", syscall(SYS_write, p[1], edge, 16));
    show("openat unmapped path", syscall(SYS_openat, AT_FDCWD, BAD, O_RDONLY));
    strcpy(page + 4096 - 4, "abc");
    page[4095] = 'd'; /* no NUL before the hole */
    show("openat path running into the hole", syscall(SYS_openat, AT_FDCWD, page + 4092, 0));
    show("fstat into unmapped", syscall(SYS_fstat, 0, BAD));
    show("newfstatat struct across the hole", syscall(SYS_newfstatat, AT_FDCWD, "/", edge, 0));
    show("getcwd into read-only", syscall(SYS_getcwd, ro, 64));
    show("readlinkat into unmapped", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", BAD, 64));
    show("clock_gettime into unmapped", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD));
    show("clock_gettime across the hole", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, edge));
    show("uname into unmapped", syscall(SYS_uname, BAD));
    show("sysinfo into read-only", syscall(SYS_sysinfo, ro));
    show("getrusage into unmapped", syscall(SYS_getrusage, RUSAGE_SELF, BAD));
    show("nanosleep from unmapped", syscall(SYS_nanosleep, BAD, NULL));
    show("rt_sigaction from unmapped", syscall(SYS_rt_sigaction, SIGUSR1, BAD, NULL, 8));
    show("rt_sigprocmask old into unmapped", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, BAD, 8));
    show("pipe2 into read-only", syscall(SYS_pipe2, ro, 0));
    show("ppoll with unmapped fds", syscall(SYS_ppoll, BAD, 1, NULL, NULL, 8));
    show("writev with unmapped iovec array", syscall(SYS_writev, p[1], BAD, 1));
    struct iovec iov = {BAD, 4};
    show("writev with an unmapped buffer", syscall(SYS_writev, p[1], &iov, 1));
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    show("sendmsg with unmapped msghdr", syscall(SYS_sendmsg, sv[0], BAD, 0));
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    show("sendmsg with an unmapped buffer", syscall(SYS_sendmsg, sv[0], &mh, 0));
    show("socketpair into unmapped", syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, BAD));
    show("execve of an unmapped path", syscall(SYS_execve, BAD, NULL, NULL));
    show("unknown syscall 999", syscall(999));
    show("unknown syscall 4096", syscall(4096));
    printf("still running\n");
    return 0;
}
