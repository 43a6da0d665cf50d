/* The vDSO the kernel maps into every arm64 process: AT_SYSINFO_EHDR names an
 * ELF shared object whose dynamic symbols, looked up as a dynamic linker or
 * Go's runtime does (DT_HASH, DT_SYMTAB, DT_STRTAB, DT_VERSYM, DT_VERDEF),
 * include __kernel_clock_gettime, __kernel_gettimeofday,
 * __kernel_clock_getres and __kernel_rt_sigreturn under LINUX_2.6.39; the
 * functions work when called; /proc/self/maps shows it as [vdso]; and a
 * handler installed without SA_RESTORER returns through it. qemu-aarch64 7.2
 * maps no vDSO for arm64 guests (AT_SYSINFO_EHDR is absent). */
#define _GNU_SOURCE
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static uintptr_t base;
static const Elf64_Sym *symtab;
static const char *strtab;
static const Elf64_Half *versym;
static const Elf64_Verdef *verdef;
static uint32_t nsyms;

static void *dyn_ptr(const Elf64_Dyn *d, Elf64_Sxword tag)
{
    for (; d->d_tag != DT_NULL; d++)
        if (d->d_tag == tag)
            return (void *)(base + d->d_un.d_ptr);
    return NULL;
}

static const char *version_name(int ndx)
{
    for (const Elf64_Verdef *v = verdef; v;
         v = v->vd_next ? (const void *)((const char *)v + v->vd_next) : NULL)
        if (v->vd_ndx == ndx) {
            const Elf64_Verdaux *a = (const void *)((const char *)v + v->vd_aux);
            return strtab + a->vda_name;
        }
    return "?";
}

static void *lookup(const char *name)
{
    for (uint32_t i = 1; i < nsyms; i++)
        if (strcmp(strtab + symtab[i].st_name, name) == 0 && symtab[i].st_shndx != SHN_UNDEF) {
            printf("  %s: version %s, type %s\n", name, version_name(versym[i] & 0x7fff),
                   ELF64_ST_TYPE(symtab[i].st_info) == STT_FUNC ? "FUNC" : "?");
            return (void *)(base + symtab[i].st_value);
        }
    printf("  %s: missing\n", name);
    return NULL;
}

static volatile int handled;
static void on_usr1(int sig) { handled = sig; }

int main(void)
{
    base = getauxval(AT_SYSINFO_EHDR);
    printf("AT_SYSINFO_EHDR set: %d\n", base != 0);
    if (!base)
        return 1; /* qemu-aarch64 7.2 maps no vDSO for arm64 guests */
    const Elf64_Ehdr *eh = (const void *)base;
    printf("ELF shared object for AArch64: %d\n",
           memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_type == ET_DYN &&
               eh->e_machine == EM_AARCH64);
    const Elf64_Phdr *ph = (const void *)(base + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const void *)(base + ph[i].p_offset);
    symtab = dyn_ptr(dyn, DT_SYMTAB);
    strtab = dyn_ptr(dyn, DT_STRTAB);
    versym = dyn_ptr(dyn, DT_VERSYM);
    verdef = dyn_ptr(dyn, DT_VERDEF);
    const uint32_t *hash = dyn_ptr(dyn, DT_HASH);
    nsyms = hash ? hash[1] : 0;
    printf("symbols:\n");
    int (*cg)(clockid_t, struct timespec *) = lookup("__kernel_clock_gettime");
    int (*gtod)(struct timeval *, void *) = lookup("__kernel_gettimeofday");
    int (*cres)(clockid_t, struct timespec *) = lookup("__kernel_clock_getres");
    void *sigret = lookup("__kernel_rt_sigreturn");

    struct timespec a, b, res;
    cg(CLOCK_MONOTONIC, &a);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
    printf("__kernel_clock_gettime agrees with the syscall: %d\n",
           a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec));
    struct timeval tv;
    printf("__kernel_gettimeofday: %d, after 2020: %d\n", gtod(&tv, NULL), tv.tv_sec > 1577836800);
    printf("__kernel_clock_getres(MONOTONIC): %d, %ld ns\n", cres(CLOCK_MONOTONIC, &res), res.tv_nsec);
    printf("__kernel_clock_gettime(bad clock): %d\n", cg(12345, &a));
    printf("__kernel_clock_gettime(bad pointer): %d\n", cg(CLOCK_REALTIME, (void *)16));
    /* a tight loop of calls through the vDSO stays monotonic */
    int ok = 1;
    for (int i = 0; i < 100000; i++) {
        cg(CLOCK_MONOTONIC, &b);
        ok &= b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec) || i == 0;
        a = b;
    }
    printf("100000 calls monotonic: %d\n", ok);

    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strstr(line, "[vdso]")) {
            unsigned long lo;
            char perms[8];
            sscanf(line, "%lx-%*x %7s", &lo, perms);
            printf("maps: [vdso] %s at AT_SYSINFO_EHDR: %d\n", perms, lo == base);
        }
    fclose(f);

    /* rt_sigaction without SA_RESTORER: the kernel returns through the vDSO */
    struct {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
    } act = {on_usr1, 0, NULL, 0};
    syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 8);
    raise(SIGUSR1);
    printf("handler without SA_RESTORER ran and returned: %d\n", handled == SIGUSR1);
    printf("sigreturn trampoline inside the vDSO: %d\n",
           (uintptr_t)sigret > base && (uintptr_t)sigret < base + 4096);
    return 0;
}
