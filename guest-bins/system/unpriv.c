// Unprivileged loads and stores (LDTR/STTR and their sizes) at EL1 are
// checked against EL0's permissions: pages mapped for EL1 only (AP 00,
// 10) fault for them although LDR/STR at EL1 may access them, EL0
// read-only pages (AP 11) take LDTR but not STTR, EL0 read-write pages
// (AP 01) take both. A permission fault at level 3 (DFSC 0x0f, WnR for a
// store) is taken to EL1 from EL1 (EC 0x25) with FAR the address. The
// soft-TLB of the privileged accesses never lets an unprivileged one
// through, nor the other way round, and accesses after a faulting LDTR are
// privileged again. No PAN (not announced).
#include "lib.h"

#define TABLE 3UL
#define BLOCK 1UL
#define PAGE_DESC 3UL
#define AF (1UL << 10)
#define SH_INNER (3UL << 8)
#define NORMAL (AF | SH_INNER)
#define AP(n) ((u64)(n) << 6)
#define XN (3UL << 53)

#define VA 0x10000000UL

static u64 l0[512] __attribute__((aligned(4096)));
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));
static u64 pages[4][512] __attribute__((aligned(4096)));

static volatile u64 last_esr, last_far, faults;

void handle_exception(struct frame *f, u64 kind)
{
    u64 esr = read_sysreg(ESR_EL1);
    last_esr = esr;
    last_far = read_sysreg(FAR_EL1);
    faults++;
    if (esr >> 26 == 0x25) {
        f->elr += 4; // skip the access
    } else {
        unexpected_exception(f);
    }
}

static u64 ldtr(u64 va)
{
    u64 v = 0xdead;
    __asm__ volatile("ldtr %0, [%1, #8]" : "+r"(v) : "r"(va - 8) : "memory");
    return v;
}

static u64 ldtrb(u64 va)
{
    u64 v = 0xdead;
    __asm__ volatile("ldtrb %w0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static void sttr(u64 va, u64 v)
{
    __asm__ volatile("sttr %1, [%0]" : : "r"(va), "r"(v) : "memory");
}

static void sttrh(u64 va, u64 v)
{
    __asm__ volatile("sttrh %w1, [%0]" : : "r"(va), "r"(v) : "memory");
}

// Prints the faults since the last report.
static void report(const char *what, u64 value)
{
    print(what);
    print(": ");
    put_hex(value);
    print(", faults ");
    put_dec(faults);
    if (faults) {
        print(" ESR ");
        put_hex(last_esr);
        print(" FAR ");
        put_hex(last_far);
    }
    putch('\n');
    faults = 0;
}

int main(u64 dtb)
{
    l0[0] = (u64)l1 | TABLE;
    l1[0] = (u64)l2 | TABLE;
    l1[1] = 0x40000000UL | BLOCK | NORMAL;                        // RAM, EL1 RWX
    l2[0x09000000UL >> 21] = 0x09000000UL | BLOCK | AF | 1UL << 2 | XN; // UART
    l2[VA >> 21] = (u64)l3 | TABLE;
    for (u64 i = 0; i < 4; i++) {
        l3[i] = (u64)pages[i] | PAGE_DESC | NORMAL | AP(i) | XN;
        pages[i][0] = 0x1000 * (i + 1) + 0x11;
    }
    write_sysreg(mair_el1, 0xffUL);
    write_sysreg(tcr_el1, 16UL | 1UL << 8 | 1UL << 10 | 3UL << 12 | 1UL << 23 // EPD1
                              | 2UL << 30 | 2UL << 32);
    write_sysreg(ttbr0_el1, (u64)l0);
    isb();
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 1 | 1 << 2 | 1 << 12);
    isb();

    // AP 00: EL1 read-write, no EL0 access.
    report("LDR of the EL1-only page", load64(VA));
    report("LDTR of the EL1-only page", ldtr(VA));
    report("LDTRB of the EL1-only page", ldtrb(VA));
    sttr(VA, 1);
    report("STTR to the EL1-only page", pages[0][0]);
    report("LDR of the EL1-only page after them", load64(VA));
    // AP 01: read-write at both levels.
    report("LDTR of the EL0 read-write page", ldtr(VA + 0x1000));
    sttr(VA + 0x1000, 0x55);
    report("STTR to the EL0 read-write page", ldtr(VA + 0x1000));
    sttrh(VA + 0x1002, 0x7777);
    report("STTRH to the EL0 read-write page", load64(VA + 0x1000));
    // AP 10: EL1 read-only, no EL0 access.
    report("LDR of the EL1 read-only page", load64(VA + 0x2000));
    report("LDTR of the EL1 read-only page", ldtr(VA + 0x2000));
    // AP 11: read-only at both levels.
    report("LDTR of the EL0 read-only page", ldtr(VA + 0x3000));
    sttr(VA + 0x3008, 2);
    report("STTR to the EL0 read-only page", pages[3][1]);
    report("LDTR of the EL0 read-only page again", ldtr(VA + 0x3000));
    return 0;
}
