/* fcntl commands beyond locks and flags: signal-driven I/O owner and
 * signal (F_SETOWN_EX, F_SETSIG), directory notification (F_NOTIFY with
 * DN_MULTISHOT, the 64-bit flag CPython's test_fcntl passes), leases,
 * write-life hints, and an unknown command (EINVAL). qemu-aarch64 7.2
 * does not know the write-life hint commands (EINVAL); Linux has them since
 * 4.13. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t notified_fd = -1, notified_sig;

static void on_notify(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    notified_sig = sig;
    notified_fd = si->si_fd;
}

static void show(const char *what, long r)
{
    int e = errno;
    if (r < 0)
        printf("%s: -1 (%s)\n", what, strerrorname_np(e));
    else
        printf("%s: %ld\n", what, r);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char dir[] = "/tmp/emu-fcntl-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    show("open dir", dfd >= 0 ? 0 : -1);

    struct sigaction sa = {0};
    sa.sa_sigaction = on_notify;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN + 2, &sa, NULL);
    show("F_SETSIG SIGRTMIN+2", fcntl(dfd, F_SETSIG, SIGRTMIN + 2));
    printf("F_GETSIG is SIGRTMIN+2: %d\n", fcntl(dfd, F_GETSIG) == SIGRTMIN + 2);
    show("F_NOTIFY DN_CREATE|DN_MULTISHOT",
         fcntl(dfd, F_NOTIFY, (unsigned long)(DN_CREATE | DN_MULTISHOT)));
    char path[64];
    snprintf(path, sizeof path, "%s/new", dir);
    int fd = open(path, O_CREAT | O_RDWR, 0600);
    for (int i = 0; i < 1000 && notified_fd < 0; i++)
        usleep(1000);
    printf("notified: signal is SIGRTMIN+2 %d, si_fd is the directory %d\n",
           notified_sig == SIGRTMIN + 2, notified_fd == dfd);

    struct f_owner_ex own = {F_OWNER_TID, gettid()}, got = {0};
    show("F_SETOWN_EX F_OWNER_TID", fcntl(fd, F_SETOWN_EX, &own));
    show("F_GETOWN_EX", fcntl(fd, F_GETOWN_EX, &got));
    printf("  type F_OWNER_TID %d, pid is this thread %d\n", got.type == F_OWNER_TID,
           got.pid == gettid());

    show("F_GETLEASE", fcntl(fd, F_GETLEASE));
    close(fd);
    fd = open(path, O_RDONLY);
    long r = fcntl(fd, F_SETLEASE, F_RDLCK);
    show("F_SETLEASE F_RDLCK", r);
    printf("F_GETLEASE is F_RDLCK: %d\n", fcntl(fd, F_GETLEASE) == F_RDLCK);
    show("F_SETLEASE F_UNLCK", fcntl(fd, F_SETLEASE, F_UNLCK));

    uint64_t hint = 2 /* RWH_WRITE_LIFE_SHORT */, back = 0;
    show("F_SET_RW_HINT", fcntl(fd, F_SET_RW_HINT, &hint));
    show("F_GET_RW_HINT", fcntl(fd, F_GET_RW_HINT, &back));
    printf("  hint %llu\n", (unsigned long long)back);
    hint = 99;
    show("F_SET_RW_HINT 99", fcntl(fd, F_SET_RW_HINT, &hint));
    show("F_SET_RW_HINT bad pointer", fcntl(fd, F_SET_RW_HINT, (void *)16));

    show("fcntl 9999", fcntl(fd, 9999, 0));
    close(fd);
    unlink(path);
    close(dfd);
    rmdir(dir);
    return 0;
}
