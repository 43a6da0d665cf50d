/* Pseudo-terminals and terminal ioctls: openpty (posix_openpt, grantpt,
 * unlockpt, ptsname: TIOCGPTN, TIOCSPTLCK), canonical and raw modes with
 * tcsetattr, echo, window size, a controlling terminal in a new session
 * (setsid, TIOCSCTTY, tcgetpgrp, TIOCGSID), FIONREAD, termios2.
 * qemu-aarch64 7.2 fails TCGETS2 and the controlling-terminal check (it does
 * not translate TCGETS2 and TIOCGSID); arm64 Linux answers as here. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Reads what is available on fd within about a second. */
static int drain(int fd, char *buf, int cap)
{
    int got = 0;
    for (int tries = 0; tries < 100 && got < cap - 1; tries++) {
        int avail = 0;
        ioctl(fd, FIONREAD, &avail);
        if (avail == 0) {
            if (got)
                break;
            usleep(10000);
            continue;
        }
        int n = read(fd, buf + got, cap - 1 - got);
        if (n <= 0)
            break;
        got += n;
    }
    buf[got] = 0;
    return got;
}

static void visible(const char *label, const char *s)
{
    printf("%s: \"", label);
    for (; *s; s++)
        if (*s == '\n')
            printf("\\n");
        else if (*s == '\r')
            printf("\\r");
        else if ((unsigned char)*s < 32)
            printf("^%c", *s + 64);
        else
            putchar(*s);
    printf("\"\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int m, s;
    char name[64];
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    if (openpty(&m, &s, name, NULL, &ws) != 0) {
        printf("openpty: %s\n", strerror(errno));
        return 1;
    }
    printf("openpty: slave is /dev/pts/N: %d, isatty %d\n", strncmp(name, "/dev/pts/", 9) == 0,
           isatty(s));
    struct winsize got = {0};
    ioctl(s, TIOCGWINSZ, &got);
    printf("window %dx%d\n", got.ws_col, got.ws_row);
    ws.ws_col = 132;
    ioctl(m, TIOCSWINSZ, &ws);
    ioctl(s, TIOCGWINSZ, &got);
    printf("resized to %d columns\n", got.ws_col);

    /* canonical mode with echo: a line is echoed and read back whole */
    char buf[256];
    write(m, "hello\n", 6);
    drain(m, buf, sizeof buf);
    visible("echo", buf);
    int n = read(s, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    visible("slave read (canonical)", buf);

    /* erase and kill characters are handled by the line discipline */
    write(m, "abX\177c\n", 6);
    drain(m, buf, sizeof buf);
    n = read(s, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    visible("after erase", buf);

    /* raw mode: no echo, bytes arrive one by one, no CR/NL mapping */
    struct termios t;
    tcgetattr(s, &t);
    printf("canonical %d echo %d icrnl %d\n", !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO),
           !!(t.c_iflag & ICRNL));
    cfmakeraw(&t);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    printf("tcsetattr raw: %d\n", tcsetattr(s, TCSANOW, &t));
    struct termios back;
    tcgetattr(s, &back);
    printf("raw read back: canonical %d echo %d opost %d\n", !!(back.c_lflag & ICANON),
           !!(back.c_lflag & ECHO), !!(back.c_oflag & OPOST));
    write(m, "x\r\003", 3);
    n = drain(s, buf, sizeof buf);
    printf("raw bytes: %d: %02x %02x %02x\n", n, (unsigned char)buf[0], (unsigned char)buf[1],
           (unsigned char)buf[2]);
    int echoed = drain(m, buf, sizeof buf);
    printf("echoed in raw mode: %d bytes\n", echoed);

    /* output from the slave in raw mode is not post-processed */
    write(s, "a\nb", 3);
    drain(m, buf, sizeof buf);
    visible("master sees", buf);

    /* termios2 round trip */
    struct termios2 {
        tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
        cc_t c_line, c_cc[19];
        speed_t c_ispeed, c_ospeed;
    } t2;
    printf("TCGETS2: %d\n", ioctl(s, 0x802C542A, &t2));

    /* a child in a new session takes the slave as its controlling terminal */
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int r = ioctl(s, TIOCSCTTY, 0);
        pid_t sid = 0;
        ioctl(s, TIOCGSID, &sid);
        int ok = r == 0 && sid == getpid() && tcgetpgrp(s) == getpid();
        _exit(ok ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child's controlling terminal: %s\n", WEXITSTATUS(st) == 0 ? "ok" : "wrong");
    errno = 0;
    int r = ioctl(m, TCGETS, &t);
    int saved = errno;
    printf("TCGETS on the master: %d\n", r);
    errno = saved;
    r = ioctl(0 + open("/dev/null", O_RDONLY), TCGETS, &t);
    printf("TCGETS on /dev/null: %d %s\n", r, strerror(errno));
    return 0;
}
