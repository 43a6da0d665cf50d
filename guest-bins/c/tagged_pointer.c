/* Top-byte-ignore: arm64 Linux runs user space with TBI, so loads and
 * stores ignore bits 63:56 of the address (Documentation/arch/arm64/
 * tagged-pointers.rst). Syscalls accept tagged pointers to user memory only
 * once the thread enabled the tagged address ABI with
 * prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE)
 * (tagged-address-abi.rst); before that such a pointer gives EFAULT. A
 * fault's si_addr loses the tag unless the handler was installed with
 * SA_EXPOSE_TAGBITS; sigcontext.fault_address never has it. */
#ifndef __aarch64__
#error "arm64 only: no portable equivalent (check-expected.sh skips the native build)"
#endif
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef PR_SET_TAGGED_ADDR_CTRL
#define PR_SET_TAGGED_ADDR_CTRL 55
#define PR_GET_TAGGED_ADDR_CTRL 56
#define PR_TAGGED_ADDR_ENABLE (1UL << 0)
#endif
#ifndef SA_EXPOSE_TAGBITS
#define SA_EXPOSE_TAGBITS 0x800
#endif

static void *tag(void *p, uint64_t t) {
    return (void *)(((uintptr_t)p & ~(0xffull << 56)) | (t << 56));
}

static sigjmp_buf env;
static volatile uintptr_t seen_addr, seen_fault_address;
static volatile int seen_code;

static void on_segv(int sig, siginfo_t *si, void *ctx) {
    ucontext_t *uc = ctx;
    seen_addr = (uintptr_t)si->si_addr;
    seen_code = si->si_code;
    seen_fault_address = uc->uc_mcontext.fault_address;
    siglongjmp(env, 1);
}

/* Reads through `p` in a loop (so the access sits in a translated loop)
 * and returns the sum. */
static __attribute__((noinline)) long sum(volatile long *p, int n) {
    long s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}

static void fault_at(volatile char *p, int expose) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | (expose ? SA_EXPOSE_TAGBITS : 0);
    sigaction(SIGSEGV, &sa, 0);
    if (sigsetjmp(env, 1) == 0) {
        *p = 1;
        printf("no fault\n");
        return;
    }
    printf("SIGSEGV%s: code %d, si_addr %s, fault_address %s\n",
           expose ? " (SA_EXPOSE_TAGBITS)" : "", seen_code,
           seen_addr == (uintptr_t)p ? "tagged"
           : seen_addr == ((uintptr_t)p & ~(0xffull << 56)) ? "untagged" : "other",
           seen_fault_address == ((uintptr_t)p & ~(0xffull << 56)) ? "untagged" : "other");
}

int main(void) {
    long *heap = malloc(16 * sizeof(long));
    for (int i = 0; i < 16; i++)
        heap[i] = i + 1;
    long *t = tag(heap, 0x5a);
    /* Reads and writes through a tagged pointer. */
    printf("sum via tag 0x5a: %ld\n", sum(t, 16));
    t[3] = 100;
    volatile char *tb = tag(heap, 0xa5);
    tb[0] = 7;
    printf("heap[3] = %ld, heap[0] = %ld\n", heap[3], heap[0]);
    long *t2 = tag(heap, 0x01);
    __atomic_fetch_add(&t2[1], 40, __ATOMIC_SEQ_CST);
    printf("atomic via tag 0x01: %ld\n", heap[1]);
    /* A branch target keeps working: call through a tagged function pointer. */
    long (*fp)(volatile long *, int) = tag((void *)sum, 0x42);
    printf("call via tagged pointer: %ld\n", fp(heap, 2));

    /* Syscalls: EFAULT until the tagged address ABI is enabled. */
    static char msg[] = "write through a tagged pointer\n";
    char *tm = tag(msg, 0x33);
    static char root[] = "/";
    static struct stat st;
    fflush(stdout);
    long r = write(1, tm, strlen(msg));
    printf("write before prctl: %ld (%s)\n", r, r < 0 && errno == EFAULT ? "EFAULT" : "?");
    r = stat(tag(root, 0x21), tag(&st, 0x22));
    printf("stat before prctl: %ld (%s)\n", r, r < 0 && errno == EFAULT ? "EFAULT" : "?");
    /* Address-space management (mprotect, munmap, madvise, ...) takes
     * tagged addresses even before the prctl (tagged-address-abi.rst,
     * stage 1; the kernel untags them unconditionally); qemu-aarch64 7.2
     * fails both calls, which is wrong. */
    char *rw = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mprotect tagged: %d\n", mprotect(tag(rw, 0x44), 4096, PROT_READ));
    printf("munmap tagged: %d\n", munmap(tag(rw, 0x44), 4096));
    printf("get ctrl: %d\n", prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
    /* Bit 40 is no control bit (bits 1..18 are MTE's, valid only with MTE). */
    printf("bad ctrl: %d\n", prctl(PR_SET_TAGGED_ADDR_CTRL, 1UL << 40, 0, 0, 0) == -1 && errno == EINVAL);
    printf("set ctrl: %d\n", prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 0, 0, 0));
    printf("get ctrl: %d\n", prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0));
    fflush(stdout);
    r = write(1, tm, strlen(msg));
    printf("write after prctl: %ld\n", r);
    r = stat(tag(root, 0x21), tag(&st, 0x22));
    printf("stat after prctl: %ld, directory %d\n", r, S_ISDIR(st.st_mode));
    /* The kernel untags the buffers inside an iovec array too. */
    static char part1[] = "writev: tagged ", part2[] = "iovec buffers\n";
    struct iovec iov[2] = {{tag(part1, 0x10), strlen(part1)}, {tag(part2, 0x20), strlen(part2)}};
    fflush(stdout);
    r = writev(1, tag(iov, 0x30), 2);
    printf("writev after prctl: %ld\n", r);

    /* A tagged pointer to an unmapped page. With SA_EXPOSE_TAGBITS the
     * kernel keeps the tag in si_addr (arch_untagged_si_addr is skipped);
     * qemu-aarch64 7.2 drops it, which is wrong. */
    char *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page, 4096);
    fault_at(tag(page + 8, 0x77), 0);
    fault_at(tag(page + 8, 0x77), 1);
    return 0;
}
