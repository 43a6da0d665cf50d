// CPUs racing on shared counters (run with -smp 2 and -smp 4): CPU 0
// starts the others with PSCI CPU_ON, releases them all at once through a
// flag, and every CPU adds 1 to three counters ROUNDS times, with
// LDXR/STXR, with LDADD and with a CAS loop, then a phase of plain
// (non-atomic) loads and stores to one per-CPU slot each, interleaved with
// the same LDADD. The atomic counters must come out exact whatever the
// interleaving; the per-CPU slots must hold exactly ROUNDS (no CPU's
// store lands in another's slot). The work is long enough (each CPU runs
// for about a second) for the host to see every vCPU thread busy. Then
// cross-modified code: CPU 0 rewrites a function (`movz x0, #round; ret`)
// PATCHES times, each time announced with DC CVAU, IC IVAU and DSB ISH
// before it publishes the round number, while the other CPUs call the
// function in a loop: after reading round r and an ISB, a call must
// return r or a later round, never older code. Last, remapping: every CPU
// turns the MMU on with the same tables, and CPU 0 points one page at
// another frame PATCHES times, each holding its round number, each time
// with TLBI VMALLE1IS and DSB ISH before it publishes the round, while
// the others read through the page: after reading round r, a read must
// see round r's frame or a later one (another CPU's TLB entry must not
// survive the broadcast TLBI).
#include "lib.h"

#define CPU_ON 0xc4000003UL
#define MAXCPU 8
#define ROUNDS 4000000
#define PATCHES 200

extern char secondary_start[];
static char stacks[MAXCPU][8192] __attribute__((aligned(16)));

static volatile u64 go, up;
static volatile u64 finished;
static volatile u64 counter_x, counter_lse, counter_cas;
// One slot per CPU, each on its own 64-byte line.
static volatile u64 slot[MAXCPU][8] __attribute__((aligned(64)));
static u32 code[1024] __attribute__((aligned(4096)));
static volatile u64 round_no, stale, checked;

#define TABLE 3UL
#define BLOCK 1UL
#define PAGE_DESC 3UL
#define AF (1UL << 10)
#define SH_INNER (3UL << 8)
#define NORMAL (AF | SH_INNER) // MAIR attribute 0
#define XN (3UL << 53)         // PXN, UXN
#define VA_PAGE 0x10000000UL

static u64 l0[512] __attribute__((aligned(4096)));
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));
static u64 frames[2][512] __attribute__((aligned(4096)));
static volatile u64 mmu_go, map_round, map_stale, map_checked;

static void add_lse(volatile u64 *p);

// Identity maps of RAM (1 GiB block) and the UART (2 MiB device block),
// and VA_PAGE through a level-3 table.
static void build_tables(void)
{
    l0[0] = (u64)l1 | TABLE;
    l1[0] = (u64)l2 | TABLE;
    l1[1] = 0x40000000UL | BLOCK | NORMAL;
    l2[0x09000000UL >> 21] = 0x09000000UL | BLOCK | AF | 1UL << 2 | XN;
    l2[VA_PAGE >> 21] = (u64)l3 | TABLE;
    l3[0] = (u64)frames[0] | PAGE_DESC | NORMAL | XN;
}

static void mmu_on(void)
{
    write_sysreg(mair_el1, 0xffUL); // attr0 normal write-back, attr1 device
    write_sysreg(tcr_el1, 16UL | 1UL << 8 | 1UL << 10 | 3UL << 12 | 1UL << 23 // T0SZ 16, EPD1
                              | 2UL << 30 | 2UL << 32);                        // TG1 4 KiB, IPS 40 bits
    write_sysreg(ttbr0_el1, (u64)l0);
    isb();
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 1 | 1 << 2 | 1 << 12);
    isb();
}

// CPU 0: round `r`'s frame holds r; the page points at it, and the TLBs
// of every CPU forget the old mapping before the round is published.
static void remap(u64 r)
{
    frames[r % 2][0] = r;
    // The frame's new contents before the descriptor that maps it.
    __asm__ volatile("dmb ishst" : : : "memory");
    l3[0] = (u64)frames[r % 2] | PAGE_DESC | NORMAL | XN;
    __asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" : : : "memory");
    __asm__ volatile("stlr %0, [%1]" : : "r"(r), "r"(&map_round) : "memory");
}

// The other CPUs' side: read through the page until the last round.
static void read_remapped(void)
{
    while (!mmu_go)
        ;
    mmu_on();
    for (;;) {
        u64 r;
        __asm__ volatile("ldar %0, [%1]" : "=r"(r) : "r"(&map_round) : "memory");
        if (load64(VA_PAGE) < r)
            add_lse(&map_stale);
        if (r == PATCHES)
            break;
    }
    add_lse(&map_checked);
}

static u64 me(void)
{
    return read_sysreg(mpidr_el1) & 0xff;
}

static void add_ldxr(volatile u64 *p)
{
    u64 v;
    u32 fail;
    do {
        __asm__ volatile("ldxr %0, [%2]\n\tadd %0, %0, #1\n\tstxr %w1, %0, [%2]"
                         : "=&r"(v), "=&r"(fail)
                         : "r"(p)
                         : "memory");
    } while (fail);
}

static void add_lse(volatile u64 *p)
{
    u64 old;
    __asm__ volatile("ldadd %1, %0, [%2]" : "=r"(old) : "r"(1UL), "r"(p) : "memory");
}

static void add_cas(volatile u64 *p)
{
    u64 seen = *p;
    for (;;) {
        u64 expect = seen;
        __asm__ volatile("cas %0, %2, [%1]" : "+r"(seen) : "r"(p), "r"(expect + 1) : "memory");
        if (seen == expect)
            return;
    }
}

static void work(void)
{
    u64 cpu = me();
    add_lse(&up);
    while (!go)
        ;
    for (int i = 0; i < ROUNDS; i++) {
        add_ldxr(&counter_x);
        add_lse(&counter_lse);
        add_cas(&counter_cas);
    }
    for (int i = 0; i < ROUNDS; i++) {
        slot[cpu][0] = slot[cpu][0] + 1;
        add_lse(&counter_lse);
    }
    add_lse(&finished);
}

// Prints "LABEL: exact", or the value and the one expected.
static void check(const char *label, u64 got, u64 want)
{
    print(label);
    if (got == want) {
        print(": exact\n");
        return;
    }
    show(": WRONG ", got);
    show("expected ", want);
}

void handle_exception(struct frame *f, u64 kind)
{
    show("unexpected exception, ESR ", read_sysreg(ESR_EL1));
    psci_system_off();
}

static u64 call_code(void)
{
    u64 (*f)(void) = (u64(*)(void))code;
    return f();
}

// Writes round `r`'s code and announces it (the sequence of Arm ARM
// "Concurrent modification and execution of instructions").
static void patch(u64 r)
{
    code[0] = 0xd2800000 | r << 5; // movz x0, #r
    code[1] = 0xd65f03c0;          // ret
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish" : : "r"(code) : "memory");
    __asm__ volatile("stlr %0, [%1]" : : "r"(r), "r"(&round_no) : "memory");
}

// The other CPUs' side: call the code until the last round is seen.
static void run_patched(void)
{
    for (;;) {
        u64 r;
        __asm__ volatile("ldar %0, [%1]" : "=r"(r) : "r"(&round_no) : "memory");
        isb();
        u64 v = call_code();
        if (v < r)
            add_lse(&stale);
        if (r == PATCHES)
            break;
    }
    add_lse(&checked);
}

void secondary_main(void)
{
    work();
    run_patched();
    read_remapped();
    for (;;)
        __asm__ volatile("wfi");
}

int main(u64 dtb)
{
    patch(0);
    // The number of CPUs: CPU_ON answers INVALID_PARAMETERS (-2) past the
    // last one.
    u64 n = 1;
    while (n < MAXCPU && (long)psci_call(CPU_ON, n, (u64)secondary_start, (u64)stacks[n] + sizeof stacks[n]) == 0)
        n++;
    while (up != n - 1)
        ;
    go = 1;
    work();
    while (finished != n)
        ;
    for (u64 r = 1; r <= PATCHES; r++)
        patch(r);
    while (checked != n - 1)
        ;
    build_tables();
    mmu_on();
    __asm__ volatile("stlr %0, [%1]" : : "r"(1UL), "r"(&mmu_go) : "memory");
    for (u64 r = 1; r <= PATCHES; r++)
        remap(r);
    while (map_checked != n - 1)
        ;
    print(n > 1 ? "several CPUs\n" : "one CPU\n");
    check("LDXR/STXR counter", counter_x, n * ROUNDS);
    check("LDADD counter", counter_lse, 2 * n * ROUNDS);
    check("CAS counter", counter_cas, n * ROUNDS);
    u64 exact = 0;
    for (u64 c = 0; c < n; c++)
        exact += slot[c][0] == ROUNDS;
    check("per-CPU slots holding ROUNDS", exact, n);
    check("calls running older code than announced", stale, 0);
    check("reads through an older mapping than announced", map_stale, 0);
    return 0;
}
