/* Symlinks, "..", O_NOFOLLOW and AF_UNIX paths in a directory D, all named by
 * guest paths: absolute and relative links (an absolute target is read from the
 * guest's "/"), links to links, "lstat"/readlink of a link, trailing slashes,
 * AT_SYMLINK_NOFOLLOW, O_NOFOLLOW (ELOOP) and O_PATH|O_NOFOLLOW, loops (ELOOP),
 * the 40-link limit, ".." after a link and ".." clamped at "/", O_CREAT through a
 * dangling link, O_CREAT|O_EXCL on a link, AF_UNIX bind/connect/sendto/sendmsg/
 * sendmmsg with relative, absolute and linked paths, getsockname, recvfrom and
 * recvmmsg, and the process's /proc/self root, cwd, fd/N and exe links.
 *
 * D is argv[1], an existing empty directory, else a new one in /tmp. tests/guest.rs
 * also runs it as `emu-user -L ROOT overlay_paths /ovl` with ROOT/ovl only in ROOT:
 * there every link target is a path only the guest's root has and every ".." climb
 * passes ROOT's top, so each check holds only if emu walks paths as the kernel
 * walks them in a chroot. The output is the same natively, in /tmp and under
 * `unshare -r chroot ROOT /overlay_paths /ovl` (checked with an x86-64 build).
 * QEMU 7.2 deviates under -L: it hands the host ROOT/path only when that exists,
 * so it makes new files on the host (here "setup" fails: there is no host /ovl,
 * and every check after it) and the host follows ROOT's links to host paths and
 * climbs ".." out of ROOT (45 of the 50 checks fail). emu before its overlay
 * walked paths in guest terms failed 16 of these checks, and before its walk
 * went on through the guest's own /proc links and translated recvmmsg's
 * sender, 4 more (tests/guest.rs overlay_paths_in_a_root). The /proc checks
 * need /proc in the chroot: `unshare -rm` with the host's /proc bound there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char D[128];

static void check(const char *what, int ok) { printf("%s: %s\n", what, ok ? "ok" : "FAIL"); }

/* D/rel as a new string (leaks: a short-lived test). */
static char *in(const char *rel) {
    char *p = malloc(strlen(D) + strlen(rel) + 2);
    sprintf(p, "%s/%s", D, rel);
    return p;
}

static int reads_data(const char *path) {
    char buf[16] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n == 4 && strcmp(buf, "data") == 0;
}

static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int fails_with(int r, int err) { return r == -1 && errno == err; }

static int link_is(const char *path, const char *want) {
    char buf[256] = {0};
    return readlink(path, buf, sizeof buf - 1) == (ssize_t)strlen(want) && strcmp(buf, want) == 0;
}

static socklen_t unix_addr(struct sockaddr_un *a, const char *path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static int unix_socket(int type, const char *bound) {
    struct sockaddr_un a;
    int s = socket(AF_UNIX, type, 0);
    if (s < 0) return -1;
    if (bound && bind(s, (struct sockaddr *)&a, unix_addr(&a, bound)) != 0) return -1;
    return s;
}

static int connects(const char *path) {
    struct sockaddr_un a;
    int c = unix_socket(SOCK_STREAM, NULL);
    int r = connect(c, (struct sockaddr *)&a, unix_addr(&a, path));
    close(c);
    return r == 0;
}

static int name_is(int s, const char *want) {
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    return getsockname(s, (struct sockaddr *)&a, &len) == 0 && strcmp(a.sun_path, want) == 0 &&
           len == offsetof(struct sockaddr_un, sun_path) + strlen(want) + 1;
}

static int exe_is_named(void) {
    char name[512] = {0};
    ssize_t n = readlink("/proc/self/exe", name, sizeof name - 1);
    return n > 0 && name[0] == '/' && same_file(name, "/proc/self/exe");
}

/* The process's own /proc links name places in its file name space. */
static void proc_links(void) {
    char path[512], cwd[256];
    check("readlink /proc/self/root is /", link_is("/proc/self/root", "/"));
    snprintf(path, sizeof path, "/proc/self/root%s/abs/f", D);
    check("a path through /proc/self/root", reads_data(path) && same_file("/proc/self/root", "/"));
    check("readlink /proc/self/exe names the program", exe_is_named());
    chdir(in("sub"));
    check("getcwd and /proc/self/cwd", getcwd(cwd, sizeof cwd) == cwd && strcmp(cwd, in("sub")) == 0 &&
                                           link_is("/proc/self/cwd", in("sub")));
    check("a path through /proc/self/cwd", reads_data("/proc/self/cwd/../abs/f"));
    int dir = open(D, O_RDONLY | O_DIRECTORY);
    snprintf(path, sizeof path, "/proc/self/fd/%d/relabs", dir);
    check("a path through /proc/self/fd/N", dir >= 0 && reads_data(path));
    close(dir);
    chdir("/");
}

static void sockets(void) {
    chdir(in("sub"));
    int s = unix_socket(SOCK_STREAM, "sock");
    check("relative bind", s >= 0 && listen(s, 4) == 0);
    struct stat st;
    check("the socket is where its absolute name is",
          stat(in("sub/sock"), &st) == 0 && S_ISSOCK(st.st_mode));
    check("getsockname of a relative bind", name_is(s, "sock"));
    check("relative connect", connects("sock"));
    check("absolute connect", connects(in("sub/sock")));
    check("connect through a link", connects(in("sublink/sock")));
    check("connect through ..", connects("../sub/sock"));
    check("connect to a missing name is ENOENT", !connects("nothere") && errno == ENOENT);
    close(s);

    int a = unix_socket(SOCK_STREAM, in("sub/sock2"));
    check("absolute bind", a >= 0);
    check("getsockname of an absolute bind", name_is(a, in("sub/sock2")));
    close(a);

    int d = unix_socket(SOCK_DGRAM, "dgram"), c = unix_socket(SOCK_DGRAM, NULL);
    struct sockaddr_un to;
    char buf[8] = {0};
    check("sendto an absolute name",
          d >= 0 && c >= 0 &&
              sendto(c, "hi", 2, 0, (struct sockaddr *)&to, unix_addr(&to, in("sub/dgram"))) == 2 &&
              recv(d, buf, sizeof buf, 0) == 2 && strcmp(buf, "hi") == 0);
    struct iovec iov = {.iov_base = "yo", .iov_len = 2};
    struct mmsghdr mm = {.msg_hdr = {.msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1}};
    mm.msg_hdr.msg_namelen = unix_addr(&to, in("sublink/dgram"));
    memset(buf, 0, sizeof buf);
    check("sendmsg and sendmmsg through a link",
          sendmsg(c, &mm.msg_hdr, 0) == 2 && recv(d, buf, sizeof buf, 0) == 2 &&
              sendmmsg(c, &mm, 1, 0) == 1 && recv(d, buf, sizeof buf, 0) == 2 &&
              strcmp(buf, "yo") == 0);
    struct sockaddr_un from;
    socklen_t fromlen = sizeof from;
    int named = unix_socket(SOCK_DGRAM, in("sub/snd"));
    check("recvfrom names an absolute sender",
          named >= 0 && sendto(named, "x", 1, 0, (struct sockaddr *)&to, unix_addr(&to, "dgram")) == 1 &&
              recvfrom(d, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen) == 1 &&
              strcmp(from.sun_path, in("sub/snd")) == 0 &&
              fromlen == offsetof(struct sockaddr_un, sun_path) + strlen(in("sub/snd")) + 1);
    close(named);
    named = unix_socket(SOCK_DGRAM, in("sub/snd2"));
    memset(&from, 0, sizeof from);
    struct mmsghdr got = {.msg_hdr = {.msg_name = &from, .msg_namelen = sizeof from,
                                      .msg_iov = &iov, .msg_iovlen = 1}};
    iov.iov_base = buf;
    iov.iov_len = sizeof buf;
    check("recvmmsg names an absolute sender",
          named >= 0 && sendto(named, "z", 1, 0, (struct sockaddr *)&to, unix_addr(&to, "dgram")) == 1 &&
              recvmmsg(d, &got, 1, 0, NULL) == 1 && got.msg_len == 1 &&
              strcmp(from.sun_path, in("sub/snd2")) == 0 &&
              got.msg_hdr.msg_namelen == offsetof(struct sockaddr_un, sun_path) + strlen(in("sub/snd2")) + 1);
    close(named);
    unlink("snd2");
    close(d);
    close(c);
    unlink("snd");
    unlink("sock");
    unlink("sock2");
    unlink("dgram");
}

int main(int argc, char **argv) {
    if (argc > 1) {
        snprintf(D, sizeof D, "%s", argv[1]);
    } else {
        strcpy(D, "/tmp/emu-ovl-XXXXXX");
        if (!mkdtemp(D)) return 1;
    }
    int fd;
    char target[160];
    mkdir(in("etc"), 0755);
    mkdir(in("sub"), 0755);
    fd = open(in("etc/f"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    check("setup", fd >= 0 && write(fd, "data", 4) == 4 && close(fd) == 0 &&
                       symlink(in("etc"), in("abs")) == 0 && symlink("../etc/f", in("sub/rel")) == 0 &&
                       symlink("abs/f", in("relabs")) == 0 && symlink(in("sub"), in("sublink")) == 0 &&
                       symlink(in("l2"), in("l1")) == 0 && symlink("l1", in("l2")) == 0);
    for (int i = 0; i <= 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        snprintf(target, sizeof target, "c%d", i + 1);
        symlink(target, in(name));
    }
    close(open(in("c41"), O_CREAT | O_WRONLY, 0644));

    check("absolute link", reads_data(in("abs/f")));
    check("relative link", reads_data(in("sub/rel")));
    check("relative link to an absolute link", reads_data(in("relabs")));
    check("stat through a link is the file", same_file(in("abs/f"), in("etc/f")));
    struct stat st;
    check("lstat of a link",
          lstat(in("abs"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == (off_t)strlen(in("etc")));
    check("readlink gives the target as written", link_is(in("abs"), in("etc")));
    check("lstat with a trailing slash follows", lstat(in("abs/"), &st) == 0 && S_ISDIR(st.st_mode));
    check("AT_SYMLINK_NOFOLLOW", fstatat(AT_FDCWD, in("sub/rel"), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                                     S_ISLNK(st.st_mode));
    check("O_NOFOLLOW on a link is ELOOP", fails_with(open(in("abs"), O_RDONLY | O_NOFOLLOW), ELOOP));
    check("O_NOFOLLOW on a file opens it", (fd = open(in("etc/f"), O_RDONLY | O_NOFOLLOW)) >= 0 &&
                                               close(fd) == 0);
    fd = open(in("abs"), O_PATH | O_NOFOLLOW);
    check("O_PATH|O_NOFOLLOW opens the link itself",
          fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode) && close(fd) == 0);
    check("a link loop is ELOOP", fails_with(open(in("l1"), O_RDONLY), ELOOP) &&
                                      fails_with(stat(in("l2/x"), &st), ELOOP));
    check("lstat of a loop's link", lstat(in("l1"), &st) == 0 && S_ISLNK(st.st_mode));
    check("40 links resolve", stat(in("c1"), &st) == 0 && S_ISREG(st.st_mode));
    check("41 links are ELOOP", fails_with(stat(in("c0"), &st), ELOOP));
    check("a file as a directory is ENOTDIR", fails_with(stat(in("etc/f/x"), &st), ENOTDIR) &&
                                                  fails_with(stat(in("sub/rel/"), &st), ENOTDIR));

    char path[512];
    check(".. after a link is its target's parent", same_file(in("abs/.."), D));
    check(".. after a directory", reads_data(in("sub/../etc/f")));
    check("/.. is /", same_file("/..", "/") && same_file("/../../..", "/"));
    snprintf(path, sizeof path, "/../..%s/etc/f", D);
    check("/../.. then down", reads_data(path));
    chdir(in("sub"));
    char *up = path;
    for (int i = 0; i < 20; i++) up += sprintf(up, "../");
    check("climbing .. stops at /", same_file(path, "/"));
    sprintf(up, "%s/etc/f", D + 1);
    check("and goes down from there", reads_data(path));
    check("relative link from the working directory", reads_data("rel"));
    check("chdir through a link", chdir(in("abs")) == 0 && reads_data("f"));
    chdir("/");
    proc_links();

    check("O_CREAT through a dangling link makes its target",
          symlink(in("made"), in("dangling")) == 0 &&
              (fd = open(in("dangling"), O_CREAT | O_WRONLY, 0644)) >= 0 && close(fd) == 0 &&
              lstat(in("made"), &st) == 0 && S_ISREG(st.st_mode));
    check("O_CREAT|O_EXCL on a link is EEXIST",
          symlink(in("nothere"), in("dangling2")) == 0 &&
              fails_with(open(in("dangling2"), O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST) &&
              fails_with(lstat(in("nothere"), &st), ENOENT));
    check("unlink removes the link, not its target",
          unlink(in("dangling")) == 0 && lstat(in("made"), &st) == 0);
    check("rename moves the link", rename(in("dangling2"), in("moved")) == 0 &&
                                       link_is(in("moved"), in("nothere")));
    check("rmdir of a link to a directory is ENOTDIR", fails_with(rmdir(in("abs/")), ENOTDIR) &&
                                                           lstat(in("etc"), &st) == 0);

    sockets();

    const char *names[] = {"abs", "sub/rel", "relabs", "sublink", "l1", "l2", "made", "moved",
                           "etc/f", "c41"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) unlink(in(names[i]));
    for (int i = 0; i <= 40; i++) {
        snprintf(target, sizeof target, "c%d", i);
        unlink(in(target));
    }
    rmdir(in("etc"));
    rmdir(in("sub"));
    if (argc == 1) rmdir(D);
    return 0;
}
