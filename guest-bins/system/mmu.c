// The stage-1 MMU: an identity map of RAM (1 GiB block) and of the UART
// (2 MiB device block), the same tables through TTBR1 as a higher-half
// alias, 4 KiB pages with different rights, then translation, permission
// and access-flag faults on data and instruction fetch (ESR and FAR), and
// a descriptor change made visible by TLBI.
#include "lib.h"

#define TABLE 3UL
#define BLOCK 1UL
#define PAGE_DESC 3UL
#define AF (1UL << 10)
#define SH_INNER (3UL << 8)
#define ATTR(i) ((u64)(i) << 2)
#define AP_RO (2UL << 6)
#define PXN (1UL << 53)
#define UXN (1UL << 54)
#define NORMAL (AF | SH_INNER | ATTR(0))

#define VA_PAGES 0x10000000UL
#define HIGH 0xffff000000000000UL

static u64 l0[512] __attribute__((aligned(4096)));
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static u64 l3[512] __attribute__((aligned(4096)));
static u64 pages[4][512] __attribute__((aligned(4096)));
static volatile u64 shared_word;

static volatile u64 last_esr, last_far, faults;

void handle_exception(struct frame *f, u64 kind)
{
    u64 esr = read_sysreg(ESR_EL1);
    u64 ec = esr >> 26;
    last_esr = esr;
    last_far = read_sysreg(FAR_EL1);
    faults++;
    if (ec == 0x25) {
        f->elr += 4; // skip the access
    } else if (ec == 0x21) {
        f->x[0] = 0xfa17; // a fetch: return to the caller
        f->elr = f->x[30];
    } else {
        unexpected_exception(f);
    }
}

static void store(u64 va, u64 v)
{
    __asm__ volatile("str %1, [%0]" : : "r"(va), "r"(v) : "memory");
}

static u64 call(u64 va)
{
    u64 r;
    __asm__ volatile("blr %1\n mov %0, x0" : "=r"(r) : "r"(va) : "x0", "x30", "memory");
    return r;
}

static u64 forty_two(void)
{
    return 42;
}

static void fault_report(const char *what)
{
    print(what);
    print(": faults ");
    put_dec(faults);
    print(" ESR ");
    put_hex(last_esr);
    print(" FAR ");
    put_hex(last_far);
    putch('\n');
    faults = 0;
}

static void tlbi_all(void)
{
    __asm__ volatile("dsb ishst\n tlbi vmalle1\n dsb ish\n isb" : : : "memory");
}

int main(u64 dtb)
{
    l0[0] = (u64)l1 | TABLE;
    l1[0] = (u64)l2 | TABLE;
    l1[1] = 0x40000000UL | BLOCK | NORMAL;                             // RAM, EL1 RWX
    l2[0x09000000UL >> 21] = 0x09000000UL | BLOCK | AF | ATTR(1) | PXN | UXN; // UART
    l2[VA_PAGES >> 21] = (u64)l3 | TABLE;
    l3[0] = (u64)pages[0] | PAGE_DESC | NORMAL | PXN | UXN;         // RW data
    l3[1] = (u64)pages[1] | PAGE_DESC | NORMAL | AP_RO | PXN | UXN; // read-only
    l3[2] = 0;                                                      // invalid
    l3[3] = ((u64)pages[3] | PAGE_DESC | NORMAL) & ~AF;             // access flag clear
    pages[0][0] = 0x1111;
    pages[1][0] = 0x2222;
    pages[2][0] = 0x3333;

    write_sysreg(mair_el1, 0xffUL);                    // attr0 normal WB, attr1 device
    write_sysreg(tcr_el1, 16UL | 1UL << 8 | 1UL << 10 | 3UL << 12 // T0SZ 16, WB, inner sh.
                              | 16UL << 16 | 1UL << 24 | 1UL << 26 | 3UL << 28 // T1SZ 16
                              | 2UL << 30                          // TG1 4 KiB
                              | 2UL << 32);                        // IPS 40 bits
    write_sysreg(ttbr0_el1, (u64)l0);
    write_sysreg(ttbr1_el1, (u64)l0);
    isb();
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 1 | 1 << 2 | 1 << 12);
    isb();
    show("MMU on, SCTLR_EL1.M ", read_sysreg(sctlr_el1) & 1);

    show("page 0 via VA 0x10000000: ", load64(VA_PAGES));
    show("read-only page: ", load64(VA_PAGES + 0x1000));
    store(HIGH | (u64)&shared_word, 0xabcd);
    show("written through the higher half, read low: ", shared_word);
    show("code run from the higher half returns ", call(HIGH | (u64)forty_two));

    load64(VA_PAGES + 0x2010);
    fault_report("read of an invalid page");
    store(VA_PAGES + 0x1008, 5);
    fault_report("write to a read-only page");
    load64(VA_PAGES + 0x3008);
    fault_report("read with the access flag clear");
    load64(0x80000000UL);
    fault_report("read of an unmapped level-1 entry");
    show("fetch from an invalid page returns ", call(VA_PAGES + 0x2000));
    fault_report("fetch from an invalid page");
    show("fetch from a PXN page returns ", call(VA_PAGES));
    fault_report("fetch from a PXN page");

    // Point page 0 at another frame; TLBI makes the new mapping visible.
    l3[0] = (u64)pages[2] | PAGE_DESC | NORMAL | PXN | UXN;
    tlbi_all();
    show("page 0 after remap and TLBI: ", load64(VA_PAGES));
    l3[2] = (u64)pages[0] | PAGE_DESC | NORMAL | PXN | UXN;
    tlbi_all();
    show("page 2 after mapping it and TLBI: ", load64(VA_PAGES + 0x2000));
    print(faults ? "unexpected faults\n" : "no faults after TLBI\n");

    // AT S1E1R/W: address translation into PAR_EL1.
    __asm__ volatile("at s1e1r, %0\n isb" : : "r"(VA_PAGES + 0x1000) : "memory");
    show("AT S1E1R of the read-only page: PAR.F ", read_sysreg(par_el1) & 1);
    __asm__ volatile("at s1e1w, %0\n isb" : : "r"(VA_PAGES + 0x1000) : "memory");
    show("AT S1E1W of the read-only page: PAR ", read_sysreg(par_el1) & 0xfff);
    return 0;
}
