/* The working directory and relative paths: chdir, getcwd, relative opens and
 * stats (also through ".." from a new directory), readlink of /proc/self/cwd and
 * /proc/self/fd/N, fchdir, *at calls on a directory fd, execve of a relative path.
 * On arm64 Linux every relative path names what the absolute path it spells names.
 * Under emu's sysroot overlay (-L ROOT, also the default /usr/aarch64-linux-gnu)
 * that still holds: chdir("/") reaches ROOT's directory as open("/") does.
 * QEMU 7.2 deviates: with -L it changes directory on the host ("/" is the host's
 * root while stat("/") is ROOT's) and fails the checks that compare the two, and
 * it runs the host's /proc/self/exe (itself) for the relative "proc/self/exe". */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *what, int ok) { printf("%s: %s\n", what, ok ? "ok" : "FAIL"); }

static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int cwd_is(const char *want) {
    char buf[4096];
    return getcwd(buf, sizeof buf) && strcmp(buf, want) == 0;
}

static int link_is(const char *path, const char *want) {
    char buf[4096];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0) return 0;
    buf[n] = 0;
    return strcmp(buf, want) == 0;
}

static int entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

int main(int argc, char **argv) {
    if (argc > 1) {
        printf("relative execve: %s\n", argv[1]);
        return 0;
    }
    char dir[] = "/tmp/emu-cwd-XXXXXX", path[256], sub[256], up[256];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/file", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);

    check("chdir to a new directory", chdir(dir) == 0);
    check("getcwd names it", cwd_is(dir));
    int fd = open("file", O_CREAT | O_WRONLY, 0600);
    check("relative create", fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
    check("relative and absolute name one file", same_file("file", path));
    check("relative symlink and readlink", symlink("file", "link") == 0 && link_is("link", "file"));
    check("relative mkdir", mkdir("sub", 0700) == 0);
    check("relative chdir", chdir("sub") == 0 && cwd_is(sub));
    check("parent-relative stat", same_file("../file", path));
    check("chdir ..", chdir("..") == 0 && cwd_is(dir));
    /* dir is /tmp/emu-cwd-X: two levels below the root. */
    check("../../lib is /lib", same_file("../../lib", "/lib"));
    check("../../.. is /", same_file("../../..", "/"));
    int home = open(".", O_RDONLY | O_DIRECTORY);
    snprintf(up, sizeof up, "/proc/self/fd/%d", home);
    check("readlink of a directory fd", home >= 0 && link_is(up, dir));

    check("chdir /", chdir("/") == 0);
    check("getcwd is /", cwd_is("/"));
    check("readlink /proc/self/cwd is /", link_is("/proc/self/cwd", "/"));
    check(". is /", same_file(".", "/"));
    check("lib is /lib", same_file("lib", "/lib"));
    check("listing . is listing /", entries(".") == entries("/") && entries(".") > 2);
    int root = open("/", O_RDONLY | O_DIRECTORY);
    struct stat at, abs;
    check("fstatat on a directory fd",
          fstatat(root, "lib", &at, 0) == 0 && stat("/lib", &abs) == 0 &&
              at.st_ino == abs.st_ino && at.st_dev == abs.st_dev);
    check("chdir lib", chdir("lib") == 0 && same_file(".", "/lib"));

    /* Flushed before the fork: the child's line must follow ours however
       soon it runs. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        chdir("/");
        execl("proc/self/exe", "cwd_paths", "child", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check("child exit", WIFEXITED(status) && WEXITSTATUS(status) == 0);

    check("fchdir back", fchdir(home) == 0 && cwd_is(dir));
    check("relative unlink", unlink("link") == 0 && unlink("file") == 0);
    check("relative rmdir", rmdir("sub") == 0);
    check("chdir / and rmdir", chdir("/") == 0 && rmdir(dir) == 0);
    return 0;
}
