/*
 * bench/timer: runs one command and reports its wall time and peak RSS.
 *
 *   timer [-t SECONDS] [-i STDIN] [-o STDOUT] [-e STDERR] -- CMD ARGS...
 *
 * Prints one line on its own stdout:  STATUS WALL_MS MAXRSS_KIB
 * where STATUS is the command's exit status, "sig:N" when a signal ended it
 * or "timeout" when it ran longer than SECONDS (then its process group is
 * killed).  WALL_MS runs from just before fork to the return of wait4;
 * MAXRSS_KIB is ru_maxrss of the command's rusage from wait4 (Linux: KiB).
 * The command's stdin, stdout and stderr are the given files (default
 * /dev/null).  Exit status: 0 when the command ran (whatever its status),
 * 2 on a usage or set-up error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
    kill(-child, SIGKILL);
}

static void redirect(const char *path, int fd, int flags)
{
    int f = open(path, flags, 0644);
    if (f < 0 || dup2(f, fd) < 0) {
        dprintf(2, "timer: %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    if (f != fd)
        close(f);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    const char *in = "/dev/null", *out = "/dev/null", *err = "/dev/null";
    unsigned timeout = 0;
    int opt;
    while ((opt = getopt(argc, argv, "+t:i:o:e:")) != -1) {
        switch (opt) {
        case 't': timeout = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'e': err = optarg; break;
        default:
            fprintf(stderr, "usage: timer [-t S] [-i IN] [-o OUT] [-e ERR] -- CMD ARGS...\n");
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "timer: no command\n");
        return 2;
    }
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    fflush(stdout);
    double t0 = now_ms();
    child = fork();
    if (child < 0) {
        perror("timer: fork");
        return 2;
    }
    if (child == 0) {
        setpgid(0, 0);
        redirect(in, 0, O_RDONLY);
        redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
        redirect(err, 2, O_WRONLY | O_CREAT | O_TRUNC);
        execvp(argv[optind], argv + optind);
        dprintf(2, "timer: %s: %s\n", argv[optind], strerror(errno));
        _exit(127);
    }
    setpgid(child, child);
    if (timeout)
        alarm(timeout);
    int status;
    struct rusage ru;
    while (wait4(child, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("timer: wait4");
            return 2;
        }
    }
    double t1 = now_ms();
    alarm(0);
    if (timed_out)
        printf("timeout");
    else if (WIFSIGNALED(status))
        printf("sig:%d", WTERMSIG(status));
    else
        printf("%d", WEXITSTATUS(status));
    printf(" %.3f %ld\n", t1 - t0, ru.ru_maxrss);
    return 0;
}
