/* PSTATE.DIT (FEAT_DIT) and PSTATE.SSBS (FEAT_SSBS2) at EL0 under Linux:
 * what AT_HWCAP and the ID registers announce, their values at exec, the
 * MSR (immediate), MSR (register) and MRS forms, and how signal delivery
 * and rt_sigreturn treat them (arch/arm64/kernel/signal.c: the frame's
 * pstate holds them, DIT at bit 24 and SSBS at bit 12; the handler runs
 * with the interrupted values; rt_sigreturn restores the frame's, and a
 * frame whose pstate is not EL0 AArch64 with D, A, I, F clear is a bad
 * frame: SIGSEGV).
 *
 * Every access runs under a SIGILL handler, so on a CPU without a feature
 * (-cpu cortex-a53, -cpu max,-dit) its lines read "SIGILL" and its frame
 * bit stays 0; tests/cpu_models.rs runs it under such models.
 *
 * The expected output is that of Linux on a CPU with both features (emu
 * -cpu max). Linux starts a program with SSBS set (the default dynamic
 * Spectre-v4 mitigation: spectre_v4_enable_task_mitigation at exec).
 * QEMU 7.2 (-cpu max) differs in two places: it starts programs with
 * SSBS clear ("initial" prints ssbs 0x0), and its rt_sigreturn accepts
 * a pstate with the D bit set ("bad pstate" prints "returned").
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* HWCAP_CPUID (bit 11), HWCAP_DIT (24), HWCAP_SSBS (28): <sys/auxv.h>. */
#define PSR_DIT (1ul << 24)
#define PSR_SSBS (1ul << 12)
#define PSR_D (1ul << 9)

static sigjmp_buf env;
static volatile int sigill_code;
static uint64_t in, out;

static void on_sigill(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    sigill_code = si->si_code;
    siglongjmp(env, 1);
}

/* One access: reads into `out`, writes from `in`. */
#define OP(name, text)                                                   \
    __attribute__((noinline)) static void name(void) {                  \
        uint64_t v = in;                                                 \
        asm volatile(text : "+r"(v) : : "memory");                       \
        out = v;                                                         \
    }

OP(rd_dit, "mrs %0, s3_3_c4_c2_5")   /* mrs x, dit */
OP(rd_ssbs, "mrs %0, s3_3_c4_c2_6")  /* mrs x, ssbs */
OP(wr_dit, "msr s3_3_c4_c2_5, %0")   /* msr dit, x */
OP(wr_ssbs, "msr s3_3_c4_c2_6, %0")  /* msr ssbs, x */
OP(dit_imm0, ".inst 0xd503405f")     /* msr dit, #0 */
OP(dit_imm1, ".inst 0xd503415f")     /* msr dit, #1 */
OP(dit_crm2, ".inst 0xd503425f")     /* msr dit, #2: CRm<0> = 0 */
OP(dit_crm3, ".inst 0xd503435f")     /* msr dit, #3: CRm<0> = 1 */
OP(ssbs_imm0, ".inst 0xd503403f")    /* msr ssbs, #0 */
OP(ssbs_imm1, ".inst 0xd503413f")    /* msr ssbs, #1 */
OP(ssbs_crmf, ".inst 0xd5034f3f")    /* msr ssbs, #15: CRm<0> = 1 */
OP(ssbs_crme, ".inst 0xd5034e3f")    /* msr ssbs, #14: CRm<0> = 0 */
/* msr nzcv, x; msr dit, x; mrs x, nzcv */
OP(nzcv_dit, "msr nzcv, %0\n\tmsr s3_3_c4_c2_5, %0\n\tmrs %0, nzcv")

/* Runs `f`; false when it raised SIGILL. */
static int try(void (*f)(void)) {
    if (sigsetjmp(env, 1) == 0) {
        f();
        return 1;
    }
    return 0;
}

/* The DIT and SSBS values as "dit 0x... ssbs 0x..." (or SIGILL). */
static void show(const char *what) {
    char d[32], s[32];
    if (try(rd_dit))
        snprintf(d, sizeof d, "%#lx", (unsigned long)out);
    else
        snprintf(d, sizeof d, "SIGILL");
    if (try(rd_ssbs))
        snprintf(s, sizeof s, "%#lx", (unsigned long)out);
    else
        snprintf(s, sizeof s, "SIGILL");
    printf("%-22s dit %s ssbs %s\n", what, d, s);
}

/* Runs a write and shows the result. */
static void write_and_show(const char *what, void (*f)(void), uint64_t v) {
    in = v;
    if (try(f))
        show(what);
    else
        printf("%-22s SIGILL (si_code %d)\n", what, sigill_code);
}

/* The handler's view and what it does to the interrupted context. */
static volatile int mode;
static uint64_t seen_dit, seen_ssbs, seen_frame;

static void on_usr1(int sig, siginfo_t *si, void *p) {
    (void)sig;
    (void)si;
    ucontext_t *uc = p;
    in = 0;
    seen_dit = try(rd_dit) ? out : ~0ul;
    seen_ssbs = try(rd_ssbs) ? out : ~0ul;
    seen_frame = uc->uc_mcontext.pstate & (PSR_DIT | PSR_SSBS | 0xf0000000ul);
    /* The handler's own changes end with it. */
    in = ~0ul;
    try(wr_dit);
    in = 0;
    try(wr_ssbs);
    if (mode == 1)
        uc->uc_mcontext.pstate ^= PSR_DIT | PSR_SSBS;
    if (mode == 2)
        uc->uc_mcontext.pstate |= PSR_D;
}

static void signal_round(const char *what, int m) {
    mode = m;
    raise(SIGUSR1);
    printf("%-22s handler dit %#lx ssbs %#lx frame pstate %#lx\n", what,
           (unsigned long)seen_dit, (unsigned long)seen_ssbs,
           (unsigned long)seen_frame);
    show("  after sigreturn");
}

int main(void) {
    /* Read before anything else runs: the values at exec. */
    uint64_t hwcap = getauxval(AT_HWCAP);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigill;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    show("initial");
    printf("hwcap dit %d ssbs %d\n", !!(hwcap & HWCAP_DIT),
           !!(hwcap & HWCAP_SSBS));
    if (hwcap & HWCAP_CPUID) {
        uint64_t pfr0, pfr1;
        asm volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
        asm volatile("mrs %0, id_aa64pfr1_el1" : "=r"(pfr1));
        printf("ID_AA64PFR0_EL1.DIT %lu ID_AA64PFR1_EL1.SSBS %lu\n",
               (unsigned long)(pfr0 >> 48 & 0xf),
               (unsigned long)(pfr1 >> 4 & 0xf));
    }
    write_and_show("msr dit, #1", dit_imm1, 0);
    write_and_show("msr ssbs, #0", ssbs_imm0, 0);
    write_and_show("msr dit, #0", dit_imm0, 0);
    write_and_show("msr ssbs, #1", ssbs_imm1, 0);
    write_and_show("msr dit, #3", dit_crm3, 0);
    write_and_show("msr dit, #2", dit_crm2, 0);
    write_and_show("msr ssbs, #14", ssbs_crme, 0);
    write_and_show("msr ssbs, #15", ssbs_crmf, 0);
    write_and_show("msr dit, ~0", wr_dit, ~0ul);
    write_and_show("msr ssbs, ~bit12", wr_ssbs, ~PSR_SSBS);
    write_and_show("msr ssbs, bit12", wr_ssbs, PSR_SSBS);
    write_and_show("msr dit, ~bit24", wr_dit, ~PSR_DIT);

    /* NZCV is its own: writing DIT leaves it. */
    in = 0x90000000ul | PSR_DIT;
    if (try(nzcv_dit))
        printf("nzcv after msr dit     %#lx\n", (unsigned long)out);
    else
        printf("nzcv after msr dit     SIGILL\n");
    asm volatile("msr nzcv, xzr" ::: "cc");
    show("after msr nzcv, xzr");

    /* Signals: the handler inherits; rt_sigreturn restores the frame's. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    in = ~0ul;
    try(wr_dit);
    in = 0;
    try(wr_ssbs);
    signal_round("signal, dit 1 ssbs 0", 0);
    in = 0;
    try(wr_dit);
    in = ~0ul;
    try(wr_ssbs);
    signal_round("signal, dit 0 ssbs 1", 0);
    signal_round("signal, frame flipped", 1);

    /* A frame pstate with D set: rt_sigreturn fails with SIGSEGV. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        mode = 2;
        raise(SIGUSR1);
        printf("bad pstate: returned\n");
        return 0;
    }
    int status;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        printf("bad pstate: %s\n", WTERMSIG(status) == SIGSEGV ? "SIGSEGV" : "other signal");
    return 0;
}
