/* What the CPU says it has and what it runs: the AT_HWCAP/AT_HWCAP2
 * feature names (the kernel's /proc/cpuinfo spelling), MIDR_EL1 through the
 * kernel's MRS emulation (HWCAP_CPUID), whether /proc/cpuinfo tells the
 * same story, then one instruction of each optional feature, run under a
 * SIGILL handler: "ok" or "SIGILL" (with si_code ILL_ILLOPC and si_addr at
 * the instruction, as the kernel reports an undefined instruction).
 *
 * The expected output is emu's default CPU (-cpu max); tests/cpu_models.rs
 * runs this program under the other CPU models. Under qemu-aarch64 -cpu max
 * the hwcap lines and the MIDR differ (QEMU's max has FP16, SVE, PAuth,
 * MTE, ...), and every probe runs. QEMU 7.2 also departs from Linux where
 * its own -cpu models are concerned: its SIGILL for an undefined instruction
 * carries si_code ILL_ILLOPN (the kernel's do_undefinstr sends ILL_ILLOPC),
 * its /proc/cpuinfo is the host's, and it refuses DC CVAP (SIGILL) under
 * max and neoverse-n1 although it announces dcpop (both have FEAT_DPB).
 *
 * Arguments: "raw-lse" runs an LSE LDADD without a handler (a CPU without
 * FEAT_LSE kills the process with SIGILL); "exec" re-runs this program
 * through execve, which must keep the CPU.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static const char *const hwcap_names[32] = {
    "fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",
    "atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc",
    "dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",
    "dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg",
};

static const char *const hwcap2_names[16] = {
    "dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4",
    "flagm2", "frint", "svei8mm", "svef32mm", "svef64mm", "svebf16", "i8mm",
    "bf16", "dgh",
};

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_sigill(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

static uint64_t buf[4] __attribute__((aligned(16)));

/* One instruction word at a known address, with x0 = buf. */
#define PROBE(label, word)                                                   \
    __attribute__((noinline, noipa)) static void label(void) {               \
        register uint64_t *p asm("x0") = buf;                                \
        asm volatile(".globl " #label "_insn\n" #label "_insn: .inst " #word \
                     : "+r"(p)                                               \
                     :                                                       \
                     : "x1", "x2", "v0", "v1", "v2", "memory", "cc");        \
    }                                                                        \
    extern char label##_insn[];

PROBE(p_ldadd, 0xf8210002)    /* ldadd x1, x2, [x0]       FEAT_LSE */
PROBE(p_cas, 0xc8a17c02)      /* cas x1, x2, [x0]         FEAT_LSE */
PROBE(p_crc32, 0x1ac24021)    /* crc32b w1, w1, w2        FEAT_CRC32 */
PROBE(p_aese, 0x4e284820)     /* aese v0.16b, v1.16b      FEAT_AES */
PROBE(p_pmull, 0x0ee1e000)    /* pmull v0.1q, v0.1d, v1.1d FEAT_PMULL */
PROBE(p_sha1h, 0x5e280820)    /* sha1h s0, s1             FEAT_SHA1 */
PROBE(p_sha256h, 0x5e024020)  /* sha256h q0, q1, v2.4s    FEAT_SHA256 */
PROBE(p_sha512h, 0xce628020)  /* sha512h q0, q1, v2.2d    FEAT_SHA512 */
PROBE(p_eor3, 0xce010800)     /* eor3 v0.16b, ...         FEAT_SHA3 */
PROBE(p_sqrdmlah, 0x6e828420) /* sqrdmlah v0.4s, ...      FEAT_RDM */
PROBE(p_sdot, 0x4e829420)     /* sdot v0.4s, v1.16b, v2.16b FEAT_DotProd */
PROBE(p_ldapr, 0xf8bfc001)    /* ldapr x1, [x0]           FEAT_LRCPC */
PROBE(p_ldapur, 0xd9400001)   /* ldapur x1, [x0]          FEAT_LRCPC2 */
PROBE(p_stllr, 0xc89f7c01)    /* stllr x1, [x0]           FEAT_LOR */
PROBE(p_dc_cvap, 0xd50b7c20)  /* dc cvap, x0              FEAT_DPB */
PROBE(p_fjcvtzs, 0x1e7e0001)  /* fjcvtzs w1, d0           FEAT_JSCVT */
PROBE(p_cfinv, 0xd500401f)    /* cfinv                    FEAT_FlagM */
PROBE(p_sb, 0xd50330ff)       /* sb                       FEAT_SB */
PROBE(p_fadd_h, 0x1ee22820)   /* fadd h0, h1, h2          FEAT_FP16 */
PROBE(p_fadd_8h, 0x4e421420)  /* fadd v0.8h, v1.8h, v2.8h FEAT_FP16 */
PROBE(p_fcvt_hs, 0x1e23c020)  /* fcvt h0, s1              Armv8.0 */
PROBE(p_fmlal, 0x0e22ec20)    /* fmlal v0.2s, v1.2h, v2.2h FEAT_FHM */
PROBE(p_mrs_dit, 0xd53b42a1)  /* mrs x1, dit              FEAT_DIT */
PROBE(p_mrs_ssbs, 0xd53b42c1) /* mrs x1, ssbs             FEAT_SSBS2 */

static void run(const char *name, void (*f)(void), const char *insn) {
    fault_addr = 0;
    fault_code = 0;
    if (sigsetjmp(env, 1) == 0) {
        f();
        printf("%-9s ok\n", name);
    } else if (fault_code == ILL_ILLOPC && fault_addr == insn) {
        printf("%-9s SIGILL\n", name);
    } else {
        printf("%-9s SIGILL code %d at %+ld\n", name, fault_code,
               (long)((const char *)fault_addr - insn));
    }
}

/* The "Features" line of /proc/cpuinfo's first block, and its "CPU part". */
static void cpuinfo(char *features, size_t n, char *part, size_t m) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[1024];
    features[0] = part[0] = 0;
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!features[0] && strncmp(line, "Features\t: ", 11) == 0)
            snprintf(features, n, "%s", line + 11);
        if (!part[0] && strncmp(line, "CPU part\t: ", 11) == 0)
            snprintf(part, m, "%.20s", line + 11);
    }
    fclose(f);
}

/* The names of the bits set in `word`, space-separated, into `out`. */
static void name_bits(char *out, size_t size, unsigned long word,
                      const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (word & (1ul << i))
            snprintf(out + strlen(out), size - strlen(out), "%s%s",
                     out[0] ? " " : "", names[i]);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "raw-lse") == 0) {
        p_ldadd();
        puts("ldadd ran");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "exec") == 0) {
        fflush(stdout);
        char *args[] = {argv[0], NULL};
        execv("/proc/self/exe", args);
        perror("execv");
        return 1;
    }
    unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
    char names[1024] = "", names2[512] = "";
    name_bits(names, sizeof names, hwcap, hwcap_names, 32);
    name_bits(names2, sizeof names2, hwcap2, hwcap2_names, 16);
    printf("hwcap: %s\nhwcap2: %s\n", names, names2);
    if (hwcap & (1ul << 11)) {
        uint64_t midr;
        asm volatile("mrs %0, midr_el1" : "=r"(midr));
        printf("midr: 0x%08lx (part 0x%03lx)\n", (unsigned long)midr,
               (unsigned long)(midr >> 4 & 0xfff));
    }
    char features[1024], part[32];
    cpuinfo(features, sizeof features, part, sizeof part);
    /* The Features line lists HWCAP then HWCAP2 names. */
    char both[1600];
    snprintf(both, sizeof both, "%s%s%s", names, names2[0] ? " " : "", names2);
    printf("cpuinfo: part %s, features %s\n", part,
           strcmp(features, both) == 0 ? "as hwcap" : features);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigill;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    run("lse", p_ldadd, p_ldadd_insn);
    run("lse-cas", p_cas, p_cas_insn);
    run("crc", p_crc32, p_crc32_insn);
    run("aes", p_aese, p_aese_insn);
    run("pmull", p_pmull, p_pmull_insn);
    run("sha1", p_sha1h, p_sha1h_insn);
    run("sha2", p_sha256h, p_sha256h_insn);
    run("sha512", p_sha512h, p_sha512h_insn);
    run("sha3", p_eor3, p_eor3_insn);
    run("rdm", p_sqrdmlah, p_sqrdmlah_insn);
    run("dotprod", p_sdot, p_sdot_insn);
    run("lrcpc", p_ldapr, p_ldapr_insn);
    run("lrcpc2", p_ldapur, p_ldapur_insn);
    run("lor", p_stllr, p_stllr_insn);
    run("dpb", p_dc_cvap, p_dc_cvap_insn);
    run("jscvt", p_fjcvtzs, p_fjcvtzs_insn);
    run("flagm", p_cfinv, p_cfinv_insn);
    run("sb", p_sb, p_sb_insn);
    run("fp16", p_fadd_h, p_fadd_h_insn);
    run("fp16-vec", p_fadd_8h, p_fadd_8h_insn);
    run("fcvt-h", p_fcvt_hs, p_fcvt_hs_insn);
    run("fhm", p_fmlal, p_fmlal_insn);
    run("dit", p_mrs_dit, p_mrs_dit_insn);
    run("ssbs", p_mrs_ssbs, p_mrs_ssbs_insn);
    return 0;
}
