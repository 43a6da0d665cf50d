// Runs until it is stopped from outside (tests/system_qmp.rs drives it over
// the monitor): prints "tick N" about every 20 ms. Even ticks wait for the
// virtual timer in WFI, odd ticks spin on CNTVCT, so a pause requested by
// the monitor must both wake a sleeping CPU and stop a running one. The
// power button (PL061 GPIO line 3 at 0x09030000, interrupt SPI 7) is
// reported as "power button" and the program powers off.
#include "lib.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL
#define GPIO 0x09030000UL
#define REG(a) (*(volatile u32 *)(a))

static volatile int button;

void handle_exception(struct frame *f, u64 kind)
{
    if (kind != 5) {
        show("unexpected exception, ESR ", read_sysreg(ESR_EL1));
        psci_system_off();
    }
    u32 iar = REG(GICC + 0x0c);
    u32 id = iar & 0x3ff;
    if (id == 27) {
        write_sysreg(cntv_ctl_el0, 3); // masked until re-armed
    } else if (id == 32 + 7) {
        REG(GPIO + 0x41c) = 0xff; // GPIOIC
        button = 1;
    }
    if (id != 1023)
        REG(GICC + 0x10) = iar;
}

static void enable(u32 id)
{
    REG(GICD + 0x100 + id / 32 * 4) = 1u << (id % 32);
    REG(GICD + 0x800 + id) |= 1; // ITARGETSR byte: CPU 0
}

int main(u64 dtb)
{
    u64 period = read_sysreg(cntfrq_el0) / 50;
    REG(GICD) = 1;
    REG(GICC + 4) = 0xff;
    REG(GICC) = 1;
    enable(27);
    enable(32 + 7);
    REG(GPIO + 0x404) = 0;       // GPIOIS: edge
    REG(GPIO + 0x40c) = 1 << 3;  // GPIOIEV: rising
    REG(GPIO + 0x410) = 1 << 3;  // GPIOIE
    __asm__ volatile("msr daifclr, #2");
    for (u64 n = 0;; n++) {
        if (button) {
            print("power button\n");
            psci_system_off();
        }
        print("tick ");
        put_dec(n);
        print("\n");
        u64 until = read_sysreg(cntvct_el0) + period;
        if (n % 2 == 0) {
            write_sysreg(cntv_cval_el0, until);
            write_sysreg(cntv_ctl_el0, 1);
            isb();
            while (read_sysreg(cntvct_el0) < until && !button)
                __asm__ volatile("wfi");
        } else {
            while (read_sysreg(cntvct_el0) < until)
                ;
        }
    }
}
