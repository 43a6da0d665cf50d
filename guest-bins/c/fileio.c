/*
 * Files and directories: mkstemp, stdio fwrite/fread/fseek/ftell, fstat,
 * pread/pwrite, rename, unlink, a temporary directory listed with
 * opendir/readdir (names sorted, since readdir order is unspecified),
 * access(), getcwd/chdir, readlink("/proc/self/exe") (the program's own
 * path, not the emulator's), and errno values with
 * strerror for ENOENT, EISDIR, ENOTDIR, EEXIST and ENOTEMPTY.
 *
 * Temporary names are random: only facts about them are printed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            printf("FAILED line %d: %s (errno %d %s)\n", __LINE__, #cond, errno,               \
                   strerror(errno));                                                           \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

static const char *errno_name(int e)
{
    switch (e) {
    case ENOENT:
        return "ENOENT";
    case EISDIR:
        return "EISDIR";
    case ENOTDIR:
        return "ENOTDIR";
    case EEXIST:
        return "EEXIST";
    case ENOTEMPTY:
        return "ENOTEMPTY";
    case EBADF:
        return "EBADF";
    case 0:
        return "0";
    default:
        return "other";
    }
}

static void expect_error(const char *what, int r)
{
    int e = errno;
    printf("%s: returned %d, %s (%s)\n", what, r, errno_name(e), strerror(e));
    errno = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    char *names[32];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 32)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    printf("listing (%d entries):", n);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void stdio_file(void)
{
    char path[] = "/tmp/emu-fileio-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    printf("mkstemp: name keeps prefix: %s, length %zu\n",
           strncmp(path, "/tmp/emu-fileio-", 16) == 0 ? "yes" : "no", strlen(path));
    FILE *f = fdopen(fd, "w+");
    CHECK(f != NULL);
    int data[1000];
    for (int i = 0; i < 1000; i++)
        data[i] = i * i - 500;
    CHECK(fwrite(data, sizeof data[0], 1000, f) == 1000);
    CHECK(fputs("tail text\n", f) >= 0);
    printf("ftell after write: %ld\n", ftell(f));
    CHECK(fseek(f, 4 * 500, SEEK_SET) == 0);
    int v[3];
    CHECK(fread(v, sizeof v[0], 3, f) == 3);
    printf("fread at 500: %d %d %d, ftell %ld\n", v[0], v[1], v[2], ftell(f));
    CHECK(fseek(f, -10, SEEK_END) == 0);
    char line[32];
    CHECK(fgets(line, sizeof line, f) != NULL);
    printf("fgets at end-10: [%.*s]\n", (int)strcspn(line, "\n"), line);
    CHECK(fflush(f) == 0);

    struct stat st;
    CHECK(fstat(fileno(f), &st) == 0);
    printf("fstat: size %lld regular %d mode %o\n", (long long)st.st_size, S_ISREG(st.st_mode),
           (unsigned)(st.st_mode & 0777));

    /* pread/pwrite do not move the file offset. */
    long before = ftell(f);
    CHECK(pwrite(fileno(f), "XY", 2, 8) == 2);
    char two[2];
    CHECK(pread(fileno(f), two, 2, 8) == 2);
    printf("pread after pwrite: %c%c, offset unchanged: %s\n", two[0], two[1],
           lseek(fileno(f), 0, SEEK_CUR) == before ? "yes" : "no");
    CHECK(fclose(f) == 0);

    char moved[64];
    snprintf(moved, sizeof moved, "%s.moved", path);
    CHECK(rename(path, moved) == 0);
    printf("after rename: old exists %d, new exists %d\n", access(path, F_OK) == 0,
           access(moved, F_OK) == 0);
    printf("access R_OK|W_OK: %d, X_OK: %d\n", access(moved, R_OK | W_OK), access(moved, X_OK));
    CHECK(unlink(moved) == 0);
    printf("after unlink: exists %d\n", access(moved, F_OK) == 0);
}

static void directories(void)
{
    char dir[] = "/tmp/emu-dir-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char real_dir[4096];
    CHECK(realpath(dir, real_dir) != NULL);
    char path[4200];
    const char *files[] = {"zeta", "alpha", "mid.txt", "Beta"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
        CHECK(fd >= 0);
        CHECK(write(fd, files[i], strlen(files[i])) == (ssize_t)strlen(files[i]));
        close(fd);
    }
    snprintf(path, sizeof path, "%s/subdir", dir);
    CHECK(mkdir(path, 0755) == 0);
    list_dir(dir);

    struct stat st;
    CHECK(stat(path, &st) == 0);
    printf("stat subdir: dir %d\n", S_ISDIR(st.st_mode));
    snprintf(path, sizeof path, "%s/mid.txt", dir);
    CHECK(stat(path, &st) == 0);
    printf("stat mid.txt: size %lld\n", (long long)st.st_size);

    /* errno values. */
    snprintf(path, sizeof path, "%s/missing", dir);
    expect_error("open missing", open(path, O_RDONLY));
    snprintf(path, sizeof path, "%s/subdir", dir);
    expect_error("open dir for writing", open(path, O_WRONLY));
    snprintf(path, sizeof path, "%s/alpha/x", dir);
    expect_error("open file/x", open(path, O_RDONLY));
    snprintf(path, sizeof path, "%s/subdir", dir);
    expect_error("mkdir existing", mkdir(path, 0755));
    expect_error("rmdir non-empty", rmdir(dir));
    expect_error("unlink missing", unlink("/tmp/emu-fileio-definitely/missing"));
    expect_error("close(-1)", close(-1));
    errno = 0;
    FILE *f = fopen("/nonexistent-emu-dir/file", "r");
    printf("fopen missing: %s, %s\n", f == NULL ? "NULL" : "non-NULL", errno_name(errno));

    /* getcwd/chdir. */
    char old[4096], cwd[4096];
    CHECK(getcwd(old, sizeof old) != NULL);
    CHECK(chdir(dir) == 0);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    printf("getcwd after chdir matches: %s\n", strcmp(cwd, real_dir) == 0 ? "yes" : "no");
    printf("relative access(\"zeta\"): %d\n", access("zeta", F_OK));
    CHECK(chdir("subdir") == 0);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    printf("getcwd ends with /subdir: %s\n",
           strlen(cwd) > 7 && strcmp(cwd + strlen(cwd) - 7, "/subdir") == 0 ? "yes" : "no");
    CHECK(chdir("..") == 0);
    CHECK(rename("zeta", "omega") == 0);
    CHECK(chdir(old) == 0);
    list_dir(dir);

    /* Clean up. */
    const char *left[] = {"omega", "alpha", "mid.txt", "Beta"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, left[i]);
        CHECK(unlink(path) == 0);
    }
    snprintf(path, sizeof path, "%s/subdir", dir);
    CHECK(rmdir(path) == 0);
    CHECK(rmdir(dir) == 0);
    printf("temp dir removed: %s\n", access(dir, F_OK) != 0 && errno == ENOENT ? "yes" : "no");
}

int main(int argc, char **argv)
{
    stdio_file();
    directories();

    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0);
    exe[n] = 0;
    /* The link names the guest program (not an emulator), so it ends with
     * the last component of argv[0]. */
    const char *base = strrchr(argv[0], '/');
    base = base ? base : argv[0];
    size_t bl = strlen(base);
    printf("/proc/self/exe ends with the program name: %s\n",
           argc > 0 && (size_t)n > bl && strcmp(exe + n - bl, base) == 0 ? "yes" : "no");
    printf("/proc/self/exe is absolute: %s\n", exe[0] == '/' ? "yes" : "no");
    return 0;
}
