/*
 * SIGPIPE with the default disposition: writing to a pipe whose read end
 * is closed kills the process with SIGPIPE (status signal:13) before
 * write() returns.  (The SIG_IGN/EPIPE case is in signal_async.)
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    signal(SIGPIPE, SIG_DFL); /* whatever the runner left us */
    sigset_t s;
    sigemptyset(&s);
    sigprocmask(SIG_SETMASK, &s, NULL);
    int p[2];
    if (pipe(p) != 0)
        return 2;
    close(p[0]);
    printf("writing to a pipe without a reader\n");
    fflush(stdout);
    ssize_t n = write(p[1], "x", 1);
    printf("not reached: write returned %zd\n", n);
    return 1;
}
