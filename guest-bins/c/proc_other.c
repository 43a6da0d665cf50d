/*
 * Another process's /proc entries, as ps, pgrep -f, pidof and test
 * harnesses read them: the parent execs a child of this program with its
 * own argv and environment, then reads the child's /proc/PID/cmdline,
 * environ and comm, finds PID in a listing of /proc, and sees the argv the
 * child rewrites in place (as setproctitle does).  Under an arm64 kernel
 * these are the child's own strings; an x86-64 build prints the same.
 * qemu-aarch64 7.2 cannot run this: the child is an arm64 program that it
 * can only exec through binfmt_misc.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads /proc/PID/NAME and prints it with each NUL shown as '|'. */
static void show(pid_t pid, const char *name)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: open failed\n", name);
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0)
        n = 0;
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = '|';
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    printf("%s: %s\n", name, buf);
}

static int listed(pid_t pid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)))
        found |= atoi(e->d_name) == pid;
    closedir(d);
    return found;
}

static void child(char **argv, int to_parent, int from_parent)
{
    char c = 'r';
    if (write(to_parent, &c, 1) != 1 || read(from_parent, &c, 1) != 1)
        _exit(3);
    /* Rewrite argv in place: "child" becomes "CHILD", "x y" becomes "z". */
    memcpy(argv[1], "CHILD", 5);
    strcpy(argv[2], "z");
    if (write(to_parent, &c, 1) != 1)
        _exit(3);
    pause();
    _exit(4);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "child") == 0)
        child(argv, atoi(argv[3]), atoi(argv[4]));
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len < 0)
        return 1;
    self[len] = '\0';
    int up[2], down[2];
    if (pipe(up) || pipe(down))
        return 1;
    char wfd[16], rfd[16];
    snprintf(wfd, sizeof wfd, "%d", up[1]);
    snprintf(rfd, sizeof rfd, "%d", down[0]);
    pid_t pid = fork();
    if (pid == 0) {
        char *args[] = {"proc_other", "child", "x y", wfd, rfd, NULL};
        char *env[] = {"A=1", "B=two words", NULL};
        execve(self, args, env);
        _exit(2);
    }
    char c;
    if (read(up[0], &c, 1) != 1)
        return 1;
    printf("child listed in /proc: %s\n", listed(pid) ? "yes" : "no");
    show(pid, "comm");
    show(pid, "environ");
    /* The descriptor numbers vary: print argv up to them. */
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    for (int round = 0; round < 2; round++) {
        int fd = open(path, O_RDONLY);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
        if (fd >= 0)
            close(fd);
        int strings = 0;
        printf("cmdline:");
        for (ssize_t i = 0, start = 0; i < n && strings < 3; i++)
            if (buf[i] == '\0') {
                printf(" [%s]", buf + start);
                start = i + 1;
                strings++;
            }
        printf("\n");
        if (round == 0 && (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1))
            return 1;
    }
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    printf("child: %s %d\n", WIFSIGNALED(status) ? "signal" : "exit",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return 0;
}
