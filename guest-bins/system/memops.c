// Memory instructions through the soft-TLB: exclusives (LDXR/STXR, a
// STXR after CLREX failing, LDXP/STXP), LSE atomics (LDADD, SWP, CAS,
// CASP), SIMD loads/stores (LDR/STR Q, LD4/ST4), page-crossing unaligned
// loads and stores, LDP/STP, sign-extending loads, DC ZVA, byte accesses
// to the UART. Run with the MMU off and again with it on.
#include "lib.h"

static u64 l0[512] __attribute__((aligned(4096)));
static u64 l1[512] __attribute__((aligned(4096)));
static u64 l2[512] __attribute__((aligned(4096)));
static unsigned char buf[3 * 4096] __attribute__((aligned(4096)));
static u64 word __attribute__((aligned(16)));
static u64 pair[2] __attribute__((aligned(16)));

void handle_exception(struct frame *f, u64 kind)
{
    show("unexpected exception, ESR ", read_sysreg(ESR_EL1));
    show("ELR ", f->elr);
    show("FAR ", read_sysreg(FAR_EL1));
    psci_system_off();
}

static u32 code[1024] __attribute__((aligned(4096)));

// Writes `mov x0, #imm; ret` at code[0], makes it visible to instruction
// fetch (DC CVAU, IC IVAU) and runs it.
static u64 patch_and_call(u32 imm)
{
    code[0] = 0xd2800000 | imm << 5; // movz x0, #imm
    code[1] = 0xd65f03c0;            // ret
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb" : : "r"(code) : "memory");
    u64 (*f)(void) = (u64 (*)(void))code;
    return f();
}

static void tests(void)
{
    u64 v, status, old;

    word = 5;
    __asm__ volatile("1: ldxr %0, [%2]\n add %0, %0, #3\n stxr w9, %0, [%2]\n cbnz w9, 1b\n mov %1, x9"
                     : "=&r"(v), "=r"(status) : "r"(&word) : "x9", "memory");
    show("LDXR/STXR increment: ", word);
    __asm__ volatile("ldxr %0, [%2]\n clrex\n stxr w9, %0, [%2]\n mov %1, x9"
                     : "=&r"(v), "=r"(status) : "r"(&word) : "x9", "memory");
    show("STXR after CLREX: status ", status);
    pair[0] = 1;
    pair[1] = 2;
    __asm__ volatile("1: ldxp x10, x11, [%1]\n add x10, x10, #10\n add x11, x11, #20\n"
                     " stxp w9, x10, x11, [%1]\n cbnz w9, 1b\n mov %0, x9"
                     : "=r"(status) : "r"(pair) : "x9", "x10", "x11", "memory");
    print("LDXP/STXP: ");
    put_dec(pair[0]);
    putch(' ');
    put_dec(pair[1]);
    putch('\n');

    __asm__ volatile("ldadd %1, %0, [%2]" : "=&r"(old) : "r"(100UL), "r"(&word) : "memory");
    show("LDADD old ", old);
    show("LDADD new ", word);
    __asm__ volatile("swp %1, %0, [%2]" : "=&r"(old) : "r"(7UL), "r"(&word) : "memory");
    show("SWP old ", old);
    old = 7;
    __asm__ volatile("cas %0, %1, [%2]" : "+r"(old) : "r"(9UL), "r"(&word) : "memory");
    show("CAS old ", old);
    show("CAS new ", word);
    __asm__ volatile("mov x0, #11\n mov x1, #12\n mov x2, #21\n mov x3, #22\n casp x0, x1, x2, x3, [%1]\n"
                     "mov %0, x0" : "=r"(old) : "r"(pair) : "x0", "x1", "x2", "x3", "memory");
    __asm__ volatile("mov x0, #11\n mov x1, #22\n mov x2, #31\n mov x3, #32\n casp x0, x1, x2, x3, [%1]\n"
                     "mov %0, x0" : "=r"(old) : "r"(pair) : "x0", "x1", "x2", "x3", "memory");
    print("CASP: ");
    put_dec(pair[0]);
    putch(' ');
    put_dec(pair[1]);
    putch('\n');

    // Page-crossing accesses.
    for (int i = 0; i < 32; i++)
        buf[4096 - 16 + i] = (unsigned char)(0x10 + i);
    unsigned char *cross = buf + 4096 - 3;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(cross) : "memory");
    show("8-byte load across a page: ", v);
    __asm__ volatile("str %0, [%1]" : : "r"(0x1122334455667788UL), "r"(cross + 1) : "memory");
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(cross) : "memory");
    show("after an 8-byte store across the page: ", v);
    __asm__ volatile("ldrsh %0, [%1]" : "=r"(v) : "r"(buf + 4095) : "memory");
    show("LDRSH across the page: ", v);
    __asm__ volatile("ldrsb %w0, [%1]" : "=r"(v) : "r"(buf + 4095) : "memory");
    show("LDRSB into W: ", v);

    u64 a, b;
    __asm__ volatile("stp %2, %3, [%4]\n ldp %0, %1, [%4]"
                     : "=&r"(a), "=&r"(b) : "r"(0xaaUL), "r"(0xbbUL), "r"(buf + 4096 - 8) : "memory");
    show("STP/LDP across the page: ", a << 8 | b);

    // SIMD.
    __asm__ volatile("ldr q0, [%1]\n str q0, [%1, #32]\n ldr %0, [%1, #40]"
                     : "=r"(v) : "r"(buf + 4096 - 16) : "v0", "memory");
    show("LDR/STR Q: ", v);
    for (int i = 0; i < 64; i++)
        buf[8192 + i] = (unsigned char)i;
    __asm__ volatile("ld4 {v0.16b, v1.16b, v2.16b, v3.16b}, [%1]\n umov %0, v1.d[0]\n"
                     "st4 {v0.16b, v1.16b, v2.16b, v3.16b}, [%2]"
                     : "=r"(v) : "r"(buf + 8192), "r"(buf + 8192 + 64) : "v0", "v1", "v2", "v3", "memory");
    show("LD4 lane 1: ", v);
    show("ST4 round trip: ", *(volatile u64 *)(buf + 8192 + 64 + 56));

    // DC ZVA zeroes a 64-byte block.
    for (int i = 0; i < 128; i++)
        buf[4096 + i] = 0xff;
    __asm__ volatile("dc zva, %0" : : "r"(buf + 4096 + 64 + 5) : "memory");
    show("DC ZVA: before ", *(volatile u64 *)(buf + 4096 + 56));
    show("DC ZVA: inside ", *(volatile u64 *)(buf + 4096 + 64));
    show("DC ZVA: after ", *(volatile u64 *)(buf + 4096 + 128 - 8) >> 8);

    // Code written, announced with IC IVAU, run, rewritten, run again.
    show("patched code returns ", patch_and_call(1));
    show("re-patched code returns ", patch_and_call(2));

    // A byte read of the UART flag register.
    show("PL011 FR byte, TXFF: ", *(volatile unsigned char *)0x09000018UL >> 5 & 1);
}

int main(u64 dtb)
{
    write_sysreg(cpacr_el1, 3UL << 20); // FP/SIMD at EL0 and EL1
    isb();
    print("MMU off\n");
    tests();

    l0[0] = (u64)l1 | 3;
    l1[0] = (u64)l2 | 3;
    l1[1] = 0x40000000UL | 1 | 1 << 10 | 3 << 8;
    l2[0x09000000UL >> 21] = 0x09000000UL | 1 | 1 << 10 | 1 << 2;
    write_sysreg(mair_el1, 0xffUL);
    write_sysreg(tcr_el1, 16UL | 1UL << 8 | 1UL << 10 | 3UL << 12 | 1UL << 23 | 2UL << 32);
    write_sysreg(ttbr0_el1, (u64)l0);
    isb();
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 1 | 1 << 2 | 1 << 12);
    isb();
    print("MMU on\n");
    tests();
    return 0;
}
