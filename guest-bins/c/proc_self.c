/*
 * /proc/self as the guest sees it: /proc/self/cmdline is argv (NUL
 * separated, see proc_self.args); readlink(/proc/self/exe) names this
 * program (only the basename is printed: the directory depends on the
 * build); the /proc/self/maps line whose range holds main's code is r-x
 * and names the program; /proc/self/auxv holds the same AT_PAGESZ (and
 * other entries) as getauxval; /proc/self/stat's pid field is getpid()
 * and its state field is R (the reader is running).  qemu-aarch64 7.2
 * fakes /proc/self/stat with a state field of 0; the expected output is
 * the kernel's R.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t n;
    while (got < size && (n = read(fd, buf + got, size - got)) > 0)
        got += n;
    close(fd);
    return got;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* cmdline */
    static char cmd[65536];
    ssize_t n = read_file("/proc/self/cmdline", cmd, sizeof cmd);
    size_t want = 0;
    for (int i = 0; i < argc; i++)
        want += strlen(argv[i]) + 1;
    int same = n == (ssize_t)want;
    size_t off = 0;
    for (int i = 0; same && i < argc; i++) {
        same &= strcmp(cmd + off, argv[i]) == 0;
        off += strlen(argv[i]) + 1;
    }
    printf("argc %d; cmdline length matches argv %d\n", argc, n == (ssize_t)want);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    printf("cmdline argv[0] basename \"%s\"\n", n > 0 ? base(cmd) : "");
    check("/proc/self/cmdline equals argv", same);

    /* exe */
    char exe[4096];
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    printf("/proc/self/exe basename \"%s\", absolute %d\n", base(exe), exe[0] == '/');
    check("/proc/self/exe names this program", n > 0 && strcmp(base(exe), base(argv[0])) == 0);

    /* maps */
    static char maps[1 << 20];
    n = read_file("/proc/self/maps", maps, sizeof maps - 1);
    maps[n > 0 ? n : 0] = 0;
    uintptr_t pc = (uintptr_t)&main;
    int found = 0, rx = 0, named = 0, lines = 0;
    for (char *line = maps; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        lines++;
        uintptr_t lo, hi;
        char perms[8] = "";
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &hi, perms) == 3 && lo <= pc &&
            pc < hi) {
            found = 1;
            rx = strncmp(perms, "r-x", 3) == 0;
            char *path = strchr(line, '/');
            named = path && strcmp(base(path), base(exe)) == 0;
        }
        if (!end)
            break;
        line = end + 1;
    }
    printf("/proc/self/maps: main's mapping found %d, perms r-x %d, names the program %d\n",
           found, rx, named);
    check("/proc/self/maps", lines > 3 && found && rx && named);

    /* auxv */
    static uint64_t auxv[1024];
    n = read_file("/proc/self/auxv", (char *)auxv, sizeof auxv);
    uint64_t pagesz = 0, entry = 0, uid = ~0ull, random = 0;
    int entries = 0, terminated = 0;
    for (ssize_t i = 0; (i + 1) * 16 <= n; i++) {
        uint64_t type = auxv[2 * i], val = auxv[2 * i + 1];
        if (type == AT_NULL) {
            terminated = 1;
            break;
        }
        entries++;
        if (type == AT_PAGESZ)
            pagesz = val;
        if (type == AT_ENTRY)
            entry = val;
        if (type == AT_UID)
            uid = val;
        if (type == AT_RANDOM)
            random = val;
    }
    printf("/proc/self/auxv: terminated %d, more than 5 entries %d\n", terminated, entries > 5);
    printf("AT_PAGESZ: auxv equals getauxval %d, equals sysconf %d, power of two >= 4096 %d\n",
           pagesz == getauxval(AT_PAGESZ), pagesz == (uint64_t)sysconf(_SC_PAGESIZE),
           pagesz >= 4096 && (pagesz & (pagesz - 1)) == 0);
    check("AT_PAGESZ", pagesz != 0 && pagesz == getauxval(AT_PAGESZ) &&
                           pagesz == (uint64_t)sysconf(_SC_PAGESIZE));
    check("AT_ENTRY, AT_UID, AT_RANDOM match getauxval",
          entry == getauxval(AT_ENTRY) && uid == getauxval(AT_UID) && uid == getuid() &&
              random == getauxval(AT_RANDOM) && random != 0);

    /* stat */
    char stat[1024];
    n = read_file("/proc/self/stat", stat, sizeof stat - 1);
    stat[n > 0 ? n : 0] = 0;
    char *close_paren = strrchr(stat, ')');
    printf("/proc/self/stat: pid field %s, state field %s\n",
           atol(stat) == getpid() ? "is getpid()" : "WRONG",
           close_paren && close_paren[1] == ' ' && close_paren[2] == 'R' ? "R" : "WRONG");
    check("/proc/self/stat", atol(stat) == getpid());

    printf("failures: %d\n", failures);
    return failures != 0;
}
