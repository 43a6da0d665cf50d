// Synchronous exceptions at EL1 and from EL0: SVC, BRK, an undefined
// instruction, HVC from EL0 (undefined there), a system-register access
// from EL0, an external abort on a load from an address with nothing
// behind it. Each handler prints the vector, ESR_EL1 and whether ELR_EL1 is
// the architected return address, then resumes.
#include "lib.h"

static volatile u64 expected_elr;
static volatile int from_el0_done;

// EL0 code: runs with SP_EL0, returns to EL1 through SVC #1.
extern void el0_code(void);
__asm__(".text\n"
        ".balign 4\n"
        "el0_code:\n"
        "    mrs x0, sctlr_el1\n"   // undefined at EL0
        "    hvc #0\n"              // undefined at EL0
        "    svc #0x11\n"
        "1:  b 1b\n");

static void report(struct frame *f, u64 kind)
{
    u64 esr = read_sysreg(ESR_EL1);
    print("  vector ");
    put_hex(kind * 0x80);
    print(" EC ");
    put_hex(esr >> 26);
    print(" ESR ");
    put_hex(esr);
    print(f->elr == expected_elr ? " ELR ok" : " ELR wrong");
    print(" SPSR ");
    put_hex(f->spsr);
    putch('\n');
}

void handle_exception(struct frame *f, u64 kind)
{
    u64 esr = read_sysreg(ESR_EL1);
    u64 ec = esr >> 26;
    report(f, kind);
    if (ec == 0x25 || ec == 0x24)
        show("  FAR ", read_sysreg(FAR_EL1));
    if (ec == 0x15 && (esr & 0xffff) == 0x11) {
        // Back from EL0: resume at EL1h after the eret in main.
        from_el0_done = 1;
        f->elr = f->x[30];
        f->spsr = 0x3c5;
        return;
    }
    if (kind >= 8) {
        // From EL0: skip the undefined instruction. The next exception's
        // ELR is the next instruction, or the one after it for an SVC.
        f->elr += 4;
        expected_elr = f->elr;
        if ((*(u32 *)f->elr & 0xffe0001f) == 0xd4000001)
            expected_elr += 4;
        return;
    }
    if (ec != 0x15)
        f->elr += 4; // skip the faulting instruction (SVC already returns past it)
}

static u64 el0_stack[256] __attribute__((aligned(16)));

int main(u64 dtb)
{
    // Each exception below is taken with NZCV set to a known value, which
    // SPSR_EL1 must hold (NZCV is UNKNOWN at reset).
    print("SVC #0x42:\n");
    __asm__ volatile("adr x9, 1f\n str x9, %0\n mov x9, #0x60000000\n msr nzcv, x9\n svc #0x42\n 1:\n"
                     : "=m"(expected_elr) : : "x9", "memory", "cc");

    print("BRK #7:\n");
    __asm__ volatile("adr x9, 1f\n str x9, %0\n mov x9, #0x90000000\n msr nzcv, x9\n 1: brk #7\n"
                     : "=m"(expected_elr) : : "x9", "memory", "cc");

    print("undefined instruction:\n");
    __asm__ volatile("adr x9, 1f\n str x9, %0\n cmp x9, x9\n 1: .word 0x00000000\n"
                     : "=m"(expected_elr) : : "x9", "memory", "cc");

    print("load from 0x50000000 (nothing there):\n");
    __asm__ volatile("adr x9, 1f\n str x9, %0\n mov x10, #0x50000000\n cmn x10, #0\n 1: ldr x11, [x10]\n"
                     : "=m"(expected_elr) : : "x9", "x10", "x11", "memory", "cc");

    print("to EL0 and back:\n");
    expected_elr = (u64)el0_code;
    write_sysreg(sp_el0, (u64)(el0_stack + 256));
    write_sysreg(elr_el1, (u64)el0_code);
    write_sysreg(spsr_el1, 0); // EL0t, interrupts unmasked
    __asm__ volatile("bl 1f\n b 2f\n 1: eret\n 2:\n" : : : "x30", "memory");
    show("back at EL1, CurrentEL ", read_sysreg(CurrentEL));
    show("SPSel ", read_sysreg(SPSel));
    print(from_el0_done ? "EL0 round trip ok\n" : "EL0 round trip failed\n");
    return 0;
}
