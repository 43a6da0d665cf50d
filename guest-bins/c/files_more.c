/* Newer file calls: openat2 (struct open_how with arm64's O_DIRECTORY and
 * O_NOFOLLOW values, RESOLVE_* flags, size versioning, /proc/self files),
 * fchmodat2, name_to_handle_at, cachestat, Linux AIO (its completion ring is
 * one of the program's mappings until io_destroy); and a few other recent
 * calls: futex_wake, landlock's ABI query, mseal.
 *
 * qemu-aarch64 7.2 as an oracle differs from the kernel, and the kernel wins:
 * it knows neither openat2 nor the calls numbered above 443 (ENOSYS for
 * openat2, landlock, cachestat, fchmodat2, futex_wake and mseal). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake 454
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif

static void show(const char *what, long r)
{
    int e = errno;
    printf("%s: %ld %s\n", what, r >= 0 ? 0 : r, r < 0 ? strerror(e) : "ok");
}

/* How many /proc/self/maps lines start at `start`. */
static int maps_starts(uintptr_t start)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int n = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long s;
        if (sscanf(line, "%lx-", &s) == 1 && s == start)
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

static void linux_aio(const char *file)
{
    aio_context_t ctx = 0;
    errno = 0;
    show("io_setup", syscall(SYS_io_setup, 8, &ctx));
    printf("  ring in maps: %d\n", maps_starts(ctx));
    int fd = open(file, O_RDONLY);
    char buf[16] = {0};
    struct iocb cb = {.aio_lio_opcode = IOCB_CMD_PREAD,
                      .aio_fildes = fd,
                      .aio_buf = (uintptr_t)buf,
                      .aio_nbytes = 8,
                      .aio_offset = 4096,
                      .aio_data = 42};
    struct iocb *list[1] = {&cb};
    printf("io_submit: %ld\n", syscall(SYS_io_submit, ctx, 1, list));
    struct io_event ev = {0};
    long n = syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL);
    printf("io_getevents: %ld, data %llu, res %lld, bytes \"%s\"\n", n,
           (unsigned long long)ev.data, (long long)ev.res, buf);
    struct timespec zero = {0, 0};
    printf("io_getevents, none left: %ld\n", syscall(SYS_io_getevents, ctx, 0, 1, &ev, &zero));
    show("io_destroy", syscall(SYS_io_destroy, ctx));
    printf("  ring in maps: %d\n", maps_starts(ctx));
    errno = 0;
    show("io_destroy again", syscall(SYS_io_destroy, ctx));
    close(fd);
}

static long openat2(int dir, const char *path, struct open_how *how, size_t size)
{
    errno = 0;
    long fd = syscall(SYS_openat2, dir, path, how, size);
    return fd;
}

/* Shows an openat2 result and closes the descriptor. */
static void try_open(const char *what, int dir, const char *path, uint64_t flags,
                     uint64_t resolve)
{
    struct open_how how = {.flags = flags, .resolve = resolve};
    long fd = openat2(dir, path, &how, sizeof how);
    show(what, fd);
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[] = "/tmp/emu-files-more-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char file[128], link[128], sub[128];
    snprintf(file, sizeof file, "%s/file", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    int fd = open(file, O_CREAT | O_WRONLY, 0644);
    char page[4096];
    memset(page, 'x', sizeof page);
    for (int i = 0; i < 3; i++)
        write(fd, page, sizeof page);
    close(fd);
    symlink(file, link);
    mkdir(sub, 0755);
    int dfd = open(dir, O_DIRECTORY | O_RDONLY);

    try_open("openat2 file", AT_FDCWD, file, O_RDONLY, 0);
    try_open("openat2 O_DIRECTORY on a file", AT_FDCWD, file, O_DIRECTORY, 0);
    try_open("openat2 O_DIRECTORY on a directory", AT_FDCWD, dir, O_DIRECTORY, 0);
    try_open("openat2 O_NOFOLLOW on a symlink", AT_FDCWD, link, O_NOFOLLOW, 0);
    try_open("openat2 O_NOFOLLOW|O_PATH on a symlink", AT_FDCWD, link, O_NOFOLLOW | O_PATH,
             0);
    try_open("openat2 RESOLVE_BENEATH relative", dfd, "file", 0, RESOLVE_BENEATH);
    try_open("openat2 RESOLVE_BENEATH absolute", dfd, file, 0, RESOLVE_BENEATH);
    try_open("openat2 RESOLVE_BENEATH dot-dot", dfd, "sub/../../x", 0, RESOLVE_BENEATH);
    try_open("openat2 RESOLVE_IN_ROOT", dfd, "/file", 0, RESOLVE_IN_ROOT);
    try_open("openat2 RESOLVE_NO_SYMLINKS", dfd, "link", 0, RESOLVE_NO_SYMLINKS);
    try_open("openat2 unknown RESOLVE bit", dfd, "file", 0, 1u << 30);
    try_open("openat2 unknown O_ bit", dfd, "file", 1ull << 40, 0);

    struct open_how mode_only = {.flags = O_RDONLY, .mode = 0644};
    show("openat2 mode without O_CREAT", openat2(dfd, "file", &mode_only, sizeof mode_only));
    struct open_how create = {.flags = O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, .mode = 0600};
    fd = openat2(dfd, "new", &create, sizeof create);
    show("openat2 O_CREAT|O_EXCL", fd);
    struct stat st;
    fstat(fd, &st);
    printf("  mode %o, FD_CLOEXEC %d\n", st.st_mode & 0777, (fcntl(fd, F_GETFD) & 1) != 0);
    printf("  F_GETFL has O_WRONLY: %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
    close(fd);

    /* Size versioning: too small, a larger struct with a zero tail, a non-zero tail. */
    struct {
        struct open_how how;
        uint64_t extra;
    } big = {{.flags = O_RDONLY}, 0};
    show("openat2 size 16", openat2(dfd, "file", &big.how, 16));
    fd = openat2(dfd, "file", &big.how, sizeof big);
    show("openat2 size 32, zero tail", fd);
    close(fd);
    big.extra = 1;
    show("openat2 size 32, non-zero tail", openat2(dfd, "file", &big.how, sizeof big));
    show("openat2 size 8192", openat2(dfd, "file", &big.how, 8192));

    /* /proc/self/maps opened through openat2 describes this program. */
    struct open_how ro = {.flags = O_RDONLY};
    fd = openat2(AT_FDCWD, "/proc/self/maps", &ro, sizeof ro);
    char maps[65536];
    ssize_t n = 0, r;
    while (fd >= 0 && n < (ssize_t)sizeof maps - 1 &&
           (r = read(fd, maps + n, sizeof maps - 1 - n)) > 0)
        n += r;
    maps[n > 0 ? n : 0] = 0;
    close(fd);
    printf("openat2 /proc/self/maps: %s, no emulator lines: %d\n", n > 0 ? "read" : "empty",
           !strstr(maps, "emu-user") && !strstr(maps, "qemu"));

    /* fchmodat2 (Linux 6.6). */
    errno = 0;
    show("fchmodat2", syscall(SYS_fchmodat2, dfd, "file", 0600, 0));
    stat(file, &st);
    printf("  mode now %o\n", st.st_mode & 0777);
    errno = 0;
    show("fchmodat2 AT_SYMLINK_NOFOLLOW on a symlink",
         syscall(SYS_fchmodat2, dfd, "link", 0600, AT_SYMLINK_NOFOLLOW));
    errno = 0;
    show("fchmodat2 bad flags", syscall(SYS_fchmodat2, dfd, "file", 0600, 0x8));

    /* name_to_handle_at: too small a buffer reports the size it needs. */
    struct file_handle *fh = malloc(sizeof *fh + MAX_HANDLE_SZ);
    fh->handle_bytes = 0;
    int mount_id = -1;
    errno = 0;
    long h = name_to_handle_at(dfd, "file", fh, &mount_id, 0);
    int e = errno;
    printf("name_to_handle_at size 0: %ld %s, needs > 0: %d\n", h, strerror(e),
           fh->handle_bytes > 0);
    h = name_to_handle_at(dfd, "file", fh, &mount_id, 0);
    printf("name_to_handle_at: %ld, mount id >= 0: %d\n", h, mount_id >= 0);

    /* cachestat: the three pages just written are in the page cache. */
    struct {
        uint64_t off, len;
    } range = {0, 0};
    uint64_t cs[5] = {0};
    fd = open(file, O_RDONLY);
    errno = 0;
    show("cachestat", syscall(SYS_cachestat, fd, &range, cs, 0));
    printf("  cached pages: %llu\n", (unsigned long long)cs[0]);
    errno = 0;
    show("cachestat bad flags", syscall(SYS_cachestat, fd, &range, cs, 1));
    close(fd);

    linux_aio(file);

    /* futex_wake with nobody waiting; landlock's ABI version; mseal. */
    uint32_t word = 0;
    errno = 0;
    show("futex_wake, nobody waiting",
         syscall(SYS_futex_wake, &word, 0xffffffffUL, 1, 2 /* FUTEX2_SIZE_U32 */));
    errno = 0;
    show("futex_wake, mask wider than the word",
         syscall(SYS_futex_wake, &word, ~0UL, 1, 2 /* FUTEX2_SIZE_U32 */));
    errno = 0;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* _VERSION */);
    printf("landlock ABI version > 0: %d\n", abi > 0);
    void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = 0;
    show("mseal", syscall(SYS_mseal, p, 4096, 0));
    errno = 0;
    show("munmap sealed", munmap(p, 4096));

    unlinkat(dfd, "new", 0);
    unlink(link);
    unlink(file);
    rmdir(sub);
    close(dfd);
    rmdir(dir);
    return 0;
}
