/* prctl as arm64 Linux answers it: the name round trip, the parent-death
 * signal, dumpable, no_new_privs, timer slack, child subreaper, the tid
 * address, the auxiliary vector (PR_GET_AUXV), the speculation controls
 * arm64 has (store bypass) and has not (indirect branch), and options of
 * other architectures or of features this CPU lacks (SVE, SME, PAC, TSC,
 * unaligned access control).
 * Natively x86-64 has the TSC and indirect-branch controls. qemu-aarch64 7.2
 * emulates a CPU with SVE, SME and PAC and lacks PR_SET_CHILD_SUBREAPER,
 * PR_GET_TID_ADDRESS, PR_GET_AUXV and the speculation controls. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_GET_AUXV
#define PR_GET_AUXV 0x41555856 /* Linux 6.4 */
#endif

static void show(const char *what, long r)
{
    printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

int main(void)
{
    char name[16] = {0};
    show("PR_SET_NAME", prctl(PR_SET_NAME, "emu-prctl-name-too-long"));
    prctl(PR_GET_NAME, name);
    printf("  name now \"%s\"\n", name);

    int sig = -1;
    show("PR_SET_PDEATHSIG", prctl(PR_SET_PDEATHSIG, 10));
    prctl(PR_GET_PDEATHSIG, &sig);
    printf("  death signal %d\n", sig);
    printf("PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE));
    show("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    printf("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    show("PR_SET_TIMERSLACK 123456", prctl(PR_SET_TIMERSLACK, 123456));
    printf("PR_GET_TIMERSLACK: %d\n", prctl(PR_GET_TIMERSLACK));
    show("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1));
    int reaper = 0;
    prctl(PR_GET_CHILD_SUBREAPER, &reaper);
    printf("  subreaper %d\n", reaper);

    /* glibc registered the thread's tid word with set_tid_address at start */
    uint64_t tidaddr = 0;
    long r = prctl(PR_GET_TID_ADDRESS, &tidaddr);
    pid_t *tidp = (pid_t *)(uintptr_t)tidaddr;
    printf("PR_GET_TID_ADDRESS: %ld, points at our tid %d\n", r,
           r == 0 && tidp && *tidp == (pid_t)syscall(SYS_gettid));

    /* PR_GET_AUXV: the same vector getauxval reads */
    uint64_t auxv[128];
    long size = prctl(PR_GET_AUXV, auxv, sizeof auxv, 0, 0);
    int pagesz_ok = 0, hwcap_ok = 0, terminated = 0;
    for (long i = 0; i + 1 < size / 8; i += 2) {
        if (auxv[i] == AT_PAGESZ)
            pagesz_ok = auxv[i + 1] == getauxval(AT_PAGESZ);
        if (auxv[i] == AT_HWCAP)
            hwcap_ok = auxv[i + 1] == getauxval(AT_HWCAP);
        if (auxv[i] == AT_NULL)
            terminated = 1;
    }
    printf("PR_GET_AUXV: size multiple of 16 %d, AT_PAGESZ %d, AT_HWCAP %d, AT_NULL %d\n",
           size > 0 && size % 16 == 0, pagesz_ok, hwcap_ok, terminated);
    uint64_t small[2];
    printf("PR_GET_AUXV into 16 bytes returns the full size: %d\n",
           prctl(PR_GET_AUXV, small, sizeof small, 0, 0) == size);
    show("PR_GET_AUXV with a nonzero 4th argument", prctl(PR_GET_AUXV, auxv, sizeof auxv, 1, 0));

    r = prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0);
    printf("store bypass control known: %d\n", r >= 0);
    show("indirect branch control", prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, 0, 0, 0));

    /* not on arm64, or not on a CPU without SVE/SME/PAC */
    show("PR_GET_TSC", prctl(PR_GET_TSC, &sig));
    show("PR_GET_UNALIGN", prctl(PR_GET_UNALIGN, &sig));
    show("PR_GET_ENDIAN", prctl(PR_GET_ENDIAN, &sig));
    show("PR_SVE_GET_VL", prctl(50, 0, 0, 0, 0));
    show("PR_SME_GET_VL", prctl(64, 0, 0, 0, 0));
    show("PR_PAC_RESET_KEYS", prctl(54, 0, 0, 0, 0));
    show("PR_GET_FP_MODE", prctl(46, 0, 0, 0, 0));
    show("unknown option 9999", prctl(9999, 0, 0, 0, 0));
    return 0;
}
