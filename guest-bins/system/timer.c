// Interrupts: the GICv2 and the generic timer. The virtual timer fires
// once through the GIC (IRQ vector, GICC_IAR = 27, EOI) while the CPU
// waits in WFI; a masked timer (IMASK) shows ISTATUS without interrupting;
// a software-generated interrupt (GICD_SGIR) to this CPU arrives as ID 5.
// Last, a handler like Linux's gic_handle_irq: it reads GICC_IAR until it
// says spurious (1023), and the timer is re-armed in the future from inside
// the handler, which lowers the line at once: the GIC must not present ID
// 27 again.
#include "lib.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL
#define REG(a) (*(volatile u32 *)(a))

static volatile int irqs;
static volatile u64 last_iar;
static volatile int linux_style;
static volatile int loop_acks;

// Acknowledges until spurious (at most 5 times), re-arming the timer 1 s
// ahead.
static void handle_like_linux(void)
{
    for (int n = 0; n < 5; n++) {
        u32 iar = REG(GICC + 0x0c);
        if ((iar & 0x3ff) == 1023)
            return;
        if ((iar & 0x3ff) == 27)
            write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0));
        REG(GICC + 0x10) = iar;
        last_iar = iar;
        loop_acks++;
    }
}

void handle_exception(struct frame *f, u64 kind)
{
    if (kind != 5) { // IRQ from the current EL with SP_EL1
        show("unexpected exception, ESR ", read_sysreg(ESR_EL1));
        show("vector ", kind * 0x80);
        psci_system_off();
    }
    if (linux_style) {
        handle_like_linux();
        irqs++;
        return;
    }
    u64 iar = REG(GICC + 0x0c);
    last_iar = iar;
    if ((iar & 0x3ff) == 27)
        write_sysreg(cntv_ctl_el0, 0); // stop the timer: its line falls
    REG(GICC + 0x10) = (u32)iar;       // EOI
    irqs++;
}

int main(u64 dtb)
{
    print(REG(GICD + 0x004) & 0x1f ? "GICD_TYPER: 64 or more interrupt IDs\n" : "GICD_TYPER: 32 IDs\n");
    REG(GICD + 0x000) = 1;                      // distributor on
    REG(GICD + 0x100) = 1 << 27 | 1 << 5;      // enable PPI 11 (ID 27), SGI 5
    *(volatile unsigned char *)(GICD + 0x400 + 27) = 0x80;
    *(volatile unsigned char *)(GICD + 0x400 + 5) = 0x40;
    REG(GICC + 0x004) = 0xf0;                   // priority mask
    REG(GICC + 0x000) = 1;                      // CPU interface on
    show("GICD_ISENABLER0: ", REG(GICD + 0x100));

    u64 freq = read_sysreg(cntfrq_el0);
    show("CNTFRQ_EL0: ", freq);
    u64 start = read_sysreg(cntvct_el0);
    write_sysreg(cntv_tval_el0, freq / 100);    // 10 ms
    write_sysreg(cntv_ctl_el0, 1);              // enable, not masked
    isb();
    show("CNTV_CTL before the deadline: ", read_sysreg(cntv_ctl_el0));
    __asm__ volatile("msr daifclr, #2" : : : "memory"); // unmask IRQs
    while (!irqs)
        __asm__ volatile("wfi" : : : "memory");
    u64 elapsed = read_sysreg(cntvct_el0) - start;
    show("IRQs taken: ", irqs);
    show("GICC_IAR was: ", last_iar);
    print(elapsed >= freq / 100 ? "not before the deadline\n" : "too early\n");
    show("CNTV_CTL after the handler: ", read_sysreg(cntv_ctl_el0));

    // Masked: the condition shows in ISTATUS, no interrupt.
    write_sysreg(cntv_tval_el0, 0);
    write_sysreg(cntv_ctl_el0, 3); // enable + IMASK
    isb();
    for (volatile int i = 0; i < 100000; i++)
        ;
    show("masked timer, CNTV_CTL: ", read_sysreg(cntv_ctl_el0));
    show("IRQs taken: ", irqs);
    write_sysreg(cntv_ctl_el0, 0);

    // SGI 5 to this CPU ("self" filter).
    REG(GICD + 0xf00) = 2 << 24 | 5;
    for (volatile int i = 0; i < 1000 && irqs < 2; i++)
        ;
    show("IRQs taken: ", irqs);
    show("GICC_IAR was: ", last_iar);

    // Linux-style handler: the timer fires once, re-armed 1 s ahead.
    linux_style = 1;
    write_sysreg(cntv_tval_el0, freq / 1000);
    write_sysreg(cntv_ctl_el0, 1);
    isb();
    while (irqs < 3)
        __asm__ volatile("wfi" : : : "memory");
    write_sysreg(cntv_ctl_el0, 0);
    show("acknowledged in one handler run: ", loop_acks);
    show("GICC_IAR was: ", last_iar);
    __asm__ volatile("msr daifset, #2" : : : "memory");
    return 0;
}
