/*
 * /proc as the guest sees it: /proc/self/maps lists the program's own
 * mappings (its image, its libraries in a dynamic build, [stack], [heap],
 * its mmap regions) and nothing of whatever runs it; smaps agrees with it;
 * /proc/self/stat and /proc/self/status name the program and place its
 * stack, and they and statm add up its mappings; /proc/cpuinfo describes an
 * arm64 CPU.
 *
 * Every check prints a fixed line, so the output is the same for static and
 * dynamic builds and for any address layout.
 *
 * Built natively for x86-64 every check but the arm64 ones passes (x86
 * libraries count as foreign mappings, x86 has a [vsyscall] mapping past
 * the end of the rollup, and its cpuinfo is x86's).
 * qemu-aarch64 7.2 as an oracle differs from the kernel, and the kernel
 * wins: it labels no [heap] (so the fork and thread checks fail too),
 * passes the host's smaps, smaps_rollup, statm and status (Name:
 * qemu-aarch64; sizes of its own mappings too) through, fakes
 * /proc/self/stat with fewer than 52 fields, vsize and startcode/endcode 0,
 * and passes the host's x86 /proc/cpuinfo through.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

int main(int argc, char **argv);

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAIL");
    if (!ok)
        failures++;
}

/* Reads a whole file into a static buffer (no allocation, so reading does
 * not change the mappings it reads about). */
static char *slurp(const char *path, char *buf, size_t size)
{
    size_t got = 0;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        ssize_t n;
        while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
            got += n;
        close(fd);
    }
    buf[got] = 0;
    return buf;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

struct map {
    uintptr_t lo, hi;
    char perms[5];
    char name[512];
};

#define MAX_MAPS 512
static struct map maps[MAX_MAPS];
static int nmaps, bad_lines;
static char text[1 << 20];

/* Parses one maps line: "lo-hi perms offset major:minor inode [name]". */
static int parse_line(const char *line, struct map *m)
{
    unsigned long long off, inode;
    unsigned major, minor;
    int used = 0;
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s %llx %x:%x %llu%n", &m->lo, &m->hi, m->perms,
               &off, &major, &minor, &inode, &used) != 7)
        return 0;
    const char *rest = line + used;
    while (*rest == ' ')
        rest++;
    snprintf(m->name, sizeof m->name, "%s", rest);
    return m->lo < m->hi && strlen(m->perms) == 4;
}

static void load_maps(void)
{
    slurp("/proc/self/maps", text, sizeof text);
    nmaps = bad_lines = 0;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        if (nmaps < MAX_MAPS && parse_line(line, &maps[nmaps]))
            nmaps++;
        else
            bad_lines++;
        if (!end)
            break;
        line = end + 1;
    }
}

static const struct map *containing(uintptr_t addr)
{
    for (int i = 0; i < nmaps; i++)
        if (maps[i].lo <= addr && addr < maps[i].hi)
            return &maps[i];
    return NULL;
}

static int overlaps(uintptr_t lo, uintptr_t hi)
{
    for (int i = 0; i < nmaps; i++)
        if (maps[i].lo < hi && lo < maps[i].hi)
            return 1;
    return 0;
}

/* A name the guest may see: its program, an arm64 shared object, a
 * [pseudo] name, or none. */
static int guest_name(const char *name, const char *prog)
{
    if (!*name || name[0] == '[')
        return 1;
    if (strstr(name, "emu-user") || strstr(name, "x86_64") || strstr(name, "x86-64"))
        return 0;
    return strcmp(base(name), prog) == 0 || strstr(base(name), ".so") != NULL;
}

static void check_layout(const char *prog)
{
    load_maps();
    int sorted = 1, foreign = 0;
    for (int i = 0; i < nmaps; i++) {
        if (i > 0 && maps[i].lo < maps[i - 1].hi)
            sorted = 0;
        if (!guest_name(maps[i].name, prog)) {
            foreign++;
            printf("foreign mapping: %s\n", maps[i].name);
        }
    }
    check("every maps line parses", nmaps > 3 && bad_lines == 0);
    check("maps lines are sorted and disjoint", sorted);
    check("no mapping of the emulator", foreign == 0);

    const struct map *m = containing((uintptr_t)&main);
    printf("main: found %d, r-xp %d, names the program %d\n", m != NULL,
           m && strcmp(m->perms, "r-xp") == 0, m && strcmp(base(m->name), prog) == 0);
    check("main's mapping", m && strcmp(m->perms, "r-xp") == 0 && strcmp(base(m->name), prog) == 0);

    int local = 0;
    m = containing((uintptr_t)&local);
    check("a stack variable lies in [stack]", m && strcmp(m->name, "[stack]") == 0);
}

static void check_heap(void)
{
    /* Grow the break by 64 KiB: the top byte below it is heap. */
    if (sbrk(65536) == (void *)-1) {
        check("sbrk", 0);
        return;
    }
    uintptr_t top = (uintptr_t)sbrk(0) - 1;
    load_maps();
    const struct map *m = containing(top);
    printf("sbrk(0)-1: found %d, rw-p %d\n", m != NULL, m && strcmp(m->perms, "rw-p") == 0);
    check("sbrk(0)-1 lies in [heap]", m && strcmp(m->name, "[heap]") == 0);
}

static void check_mmap(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, 4 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        check("mmap", 0);
        return;
    }
    uintptr_t a = (uintptr_t)p;
    load_maps();
    const struct map *m = containing(a);
    check("an mmap region appears r--p", m && strcmp(m->perms, "r--p") == 0 && m->lo <= a &&
                                             a + 4 * page <= m->hi && m->name[0] == 0);

    /* MAP_FIXED over the second page splits the region in three. */
    void *q = mmap(p + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                   -1, 0);
    load_maps();
    const struct map *before = containing(a), *mid = containing(a + page),
                     *after = containing(a + 2 * page);
    int split = q == p + page && before && mid && after && strcmp(before->perms, "r--p") == 0 &&
                before->hi == a + page && strcmp(mid->perms, "rw-p") == 0 && mid->lo == a + page &&
                mid->hi == a + 2 * page && strcmp(after->perms, "r--p") == 0 &&
                after->lo == a + 2 * page && after->hi >= a + 4 * page;
    check("MAP_FIXED over part of it splits it", split);

    munmap(p, 4 * page);
    load_maps();
    check("after munmap no line covers it", !overlaps(a, a + 4 * page));
}

static char smaps_text[4 << 20];

static void check_smaps(void)
{
    load_maps();
    slurp("/proc/self/smaps", smaps_text, sizeof smaps_text);
    int headers = 0, sizes_ok = 0, same_ranges = 1;
    struct map m;
    uintptr_t want = 0;
    for (char *line = smaps_text; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        unsigned long kb;
        if (parse_line(line, &m)) {
            if (headers >= nmaps || maps[headers].lo != m.lo || maps[headers].hi != m.hi)
                same_ranges = 0;
            headers++;
            want = (m.hi - m.lo) / 1024;
        } else if (sscanf(line, "Size: %lu kB", &kb) == 1 && kb == want) {
            sizes_ok++;
        }
        if (!end)
            break;
        line = end + 1;
    }
    check("smaps has the mappings of maps", headers == nmaps && same_ranges);
    check("smaps has a Size line per mapping that matches it", sizes_ok == headers && headers > 3);

    /* smaps_rollup spans the mappings of maps (on arm64, which has no gate
     * mapping like x86's [vsyscall] after the last one). */
    slurp("/proc/self/smaps_rollup", smaps_text, sizeof smaps_text);
    char *nl = strchr(smaps_text, '\n');
    if (nl)
        *nl = 0;
    int rollup = parse_line(smaps_text, &m) && strcmp(m.name, "[rollup]") == 0 &&
                 m.lo == maps[0].lo && m.hi == maps[nmaps - 1].hi && nl && strncmp(nl + 1, "Rss: ", 5) == 0;
    check("smaps_rollup spans the mappings", rollup);
}

static char stat_text[4096];

static void check_stat(const char *prog)
{
    load_maps();
    slurp("/proc/self/stat", stat_text, sizeof stat_text);
    char *open_paren = strchr(stat_text, '('), *close_paren = strrchr(stat_text, ')');
    char comm[64] = "";
    if (open_paren && close_paren && close_paren > open_paren &&
        close_paren - open_paren - 1 < (long)sizeof comm)
        memcpy(comm, open_paren + 1, close_paren - open_paren - 1);
    char want[16];
    snprintf(want, sizeof want, "%s", prog); /* the kernel keeps 15 bytes */
    printf("stat comm is the program name %d\n", strcmp(comm, want) == 0);
    check("/proc/self/stat comm", strcmp(comm, want) == 0);

    /* Fields 3.. follow the ')': the state letter, then numbers. */
    unsigned long long field[53] = {0};
    int n = 0;
    char *s = close_paren ? close_paren + 2 : stat_text;
    if (*s) {
        n = 1;
        s++;
    }
    for (int i = 4; i <= 52; i++, n++) {
        char *next;
        field[i] = strtoull(s, &next, 10);
        if (next == s)
            break;
        s = next;
    }
    const struct map *st = containing(field[28]);
    check("stat startstack lies in [stack]", st && strcmp(st->name, "[stack]") == 0);
    check("stat startcode <= main < endcode",
          field[26] <= (uintptr_t)&main && (uintptr_t)&main < field[27]);
    check("stat has 52 fields", n == 50);

    static char status[8192];
    slurp("/proc/self/status", status, sizeof status);
    char name_line[64];
    snprintf(name_line, sizeof name_line, "Name:\t%s\n", want);
    check("/proc/self/status Name", strncmp(status, name_line, strlen(name_line)) == 0);

    /* The sizes agree with maps (x86's [vsyscall] is no mapping of the
     * process's own, and counts nowhere). */
    unsigned long long total = 0, statm_size = 0, vmsize = 0;
    for (int i = 0; i < nmaps; i++)
        if (strcmp(maps[i].name, "[vsyscall]") != 0)
            total += maps[i].hi - maps[i].lo;
    static char statm[256];
    slurp("/proc/self/statm", statm, sizeof statm);
    sscanf(statm, "%llu", &statm_size);
    char *vm = strstr(status, "\nVmSize:");
    if (vm)
        sscanf(vm + 8, "%llu", &vmsize);
    long page = sysconf(_SC_PAGESIZE);
    check("statm size is the total of maps", statm_size * page == total);
    check("status VmSize is the total of maps", vmsize * 1024 == total);
    check("stat vsize is the total of maps", field[23] == total);
}

/* The checks of a forked child and of a second thread: the same program,
 * stack and heap mappings. Returns the number of failed checks. */
static int layout_again(const char *maps_path, const char *prog, uintptr_t stack_var)
{
    static char buf[1 << 20];
    slurp(maps_path, buf, sizeof buf);
    int main_ok = 0, stack_ok = 0, heap_ok = 0;
    uintptr_t heap_top = (uintptr_t)sbrk(0) - 1;
    struct map m;
    for (char *line = buf; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        if (parse_line(line, &m)) {
            if (m.lo <= (uintptr_t)&main && (uintptr_t)&main < m.hi)
                main_ok = strcmp(m.perms, "r-xp") == 0 && strcmp(base(m.name), prog) == 0;
            if (m.lo <= stack_var && stack_var < m.hi)
                stack_ok = strcmp(m.perms, "rw-p") == 0;
            if (m.lo <= heap_top && heap_top < m.hi)
                heap_ok = strcmp(m.name, "[heap]") == 0;
        }
        if (!end)
            break;
        line = end + 1;
    }
    return !main_ok + !stack_ok + !heap_ok;
}

static const char *thread_prog;

static void *thread_main(void *arg)
{
    int local = 0;
    *(int *)arg = layout_again("/proc/thread-self/maps", thread_prog, (uintptr_t)&local);
    return NULL;
}

static void check_fork_and_thread(const char *prog)
{
    int local = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(layout_again("/proc/self/maps", prog, (uintptr_t)&local));
    int status = -1;
    waitpid(pid, &status, 0);
    check("a forked child sees the same program, stack and heap",
          WIFEXITED(status) && WEXITSTATUS(status) == 0);

    pthread_t t;
    int thread_failures = -1;
    thread_prog = prog;
    if (pthread_create(&t, NULL, thread_main, &thread_failures) == 0)
        pthread_join(t, NULL);
    check("a thread sees its stack, the program and the heap in /proc/thread-self/maps",
          thread_failures == 0);
}

static char cpuinfo[1 << 16];

static void check_cpuinfo(void)
{
    slurp("/proc/cpuinfo", cpuinfo, sizeof cpuinfo);
    check("/proc/cpuinfo has a Features line", strstr(cpuinfo, "\nFeatures\t: ") != NULL);
    check("/proc/cpuinfo says CPU architecture: 8",
          strstr(cpuinfo, "\nCPU architecture: 8\n") != NULL);
    check("/proc/cpuinfo starts with processor 0", strncmp(cpuinfo, "processor\t: 0\n", 14) == 0);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *prog = base(argv[0]);
    check_layout(prog);
    check_heap();
    check_mmap();
    check_smaps();
    check_stat(prog);
    check_cpuinfo();
    check_fork_and_thread(prog);
    printf("failures: %d\n", failures);
    return failures != 0;
}
