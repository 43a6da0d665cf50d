// Several CPUs (run with -smp 4): PSCI CPU_ON, AFFINITY_INFO, CPU_OFF and
// their errors; each secondary starts at secondary_start (boot.S) with its
// stack in the context ID, takes its own generic-timer interrupt (PPI 27,
// banked in the GIC), and reports its MPIDR in a mailbox. SGIs between
// CPUs through GICD_SGIR (a target list, "all but self"), with the
// sender's number in GICC_IAR[12:10]. All CPUs increment two shared
// counters, with LDXR/STXR and with LDADD; a store by another CPU between
// LDXR and STXR makes the STXR fail (a store of another value: emu, as
// qemu-system-aarch64, implements STXR as a compare-and-swap of the value
// LDXR read, so a store of the same value would go unnoticed). A CPU
// turned off is turned on again. CPU 0 suspends (CPU_SUSPEND, standby)
// until its timer fires.
// Only CPU 0 prints. qemu-system-aarch64 7.2 differs: it does not check
// CPU_ON's entry point (0x1000 is its flash; emu's board has no memory
// there, so INVALID_ADDRESS), which starts CPU 1 there and changes the
// next answer.
#include "lib.h"

#define GICD 0x08000000UL
#define GICC 0x08010000UL
#define REG(a) (*(volatile u32 *)(a))

#define CPU_ON 0xc4000003UL
#define CPU_OFF 0x84000002UL
#define AFFINITY_INFO 0xc4000004UL
#define CPU_SUSPEND 0xc4000001UL
#define NCPU 4
#define ROUNDS 20000

extern char secondary_start[];
static char stacks[NCPU][8192] __attribute__((aligned(16)));

static volatile u64 mailbox[NCPU];
static volatile u64 timer_irqs[NCPU];
static volatile u64 sgi_count[NCPU];
static volatile u64 sgi_iar[NCPU];
static volatile u64 cmd[NCPU];
static volatile u64 done[NCPU];
static volatile u64 counter_x, counter_lse;
static volatile u64 excl_var = 5;

#define wfe() __asm__ volatile("wfe" : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")
#define sev() __asm__ volatile("dsb ish; sev" : : : "memory")

// Waits in WFI until *p is non-zero, with IRQs masked around the test (an
// IRQ between the test and the WFI would otherwise be missed) and taken
// after each wake-up.
static void wait_irq(volatile u64 *p)
{
    __asm__ volatile("msr daifset, #2" : : : "memory");
    while (!*p) {
        wfi();
        __asm__ volatile("msr daifclr, #2\n\tisb\n\tmsr daifset, #2" : : : "memory");
    }
    __asm__ volatile("msr daifclr, #2" : : : "memory");
}

static u64 me(void)
{
    return read_sysreg(mpidr_el1) & 0xff;
}

static void gic_cpu_on(void)
{
    REG(GICC + 0x004) = 0xf0; // priority mask
    REG(GICC + 0x000) = 1;    // CPU interface on
}

void handle_exception(struct frame *f, u64 kind)
{
    u64 cpu = me();
    if (kind != 5) {
        show("unexpected exception, ESR ", read_sysreg(ESR_EL1));
        show("on CPU ", cpu);
        psci_system_off();
    }
    u32 iar = REG(GICC + 0x0c);
    u32 id = iar & 0x3ff;
    if (id == 27) {
        write_sysreg(cntv_ctl_el0, 0);
        timer_irqs[cpu]++;
    } else if (id < 16) {
        sgi_iar[cpu] = iar;
        sgi_count[cpu]++;
        if (id == 3)
            REG(GICD + 0xf00) = 1 << 16 | 4; // answer CPU 0 with SGI 4
    }
    REG(GICC + 0x10) = iar;
}

static void count(void)
{
    for (int i = 0; i < ROUNDS; i++) {
        u64 v;
        u32 fail;
        do {
            __asm__ volatile("ldxr %0, [%2]\n\tadd %0, %0, #1\n\tstxr %w1, %0, [%2]"
                             : "=&r"(v), "=&r"(fail)
                             : "r"(&counter_x)
                             : "memory");
        } while (fail);
        __asm__ volatile("ldadd %1, %0, [%2]" : "=r"(v) : "r"(1UL), "r"(&counter_lse) : "memory");
    }
}

void secondary_main(void)
{
    u64 cpu = me();
    gic_cpu_on();
    REG(GICD + 0x100) = 1 << 27; // this CPU's PPI 27
    write_sysreg(cntv_tval_el0, read_sysreg(cntfrq_el0) / 1000);
    write_sysreg(cntv_ctl_el0, 1);
    wait_irq(&timer_irqs[cpu]);
    mailbox[cpu] = read_sysreg(mpidr_el1);
    sev();
    for (;;) {
        u64 c;
        while (!(c = cmd[cpu]))
            wfe();
        cmd[cpu] = 0;
        if (c == 1) {
            count();
        } else if (c == 2) {
            excl_var = 7; // CPU 0's LDXR read 5
        } else if (c == 3) {
            done[cpu] = 0;
            psci_call(CPU_OFF, 0, 0, 0);
            print("CPU_OFF returned\n");
        }
        done[cpu] = c;
        sev();
    }
}

static long start(u64 cpu)
{
    return (long)psci_call(CPU_ON, cpu, (u64)secondary_start, (u64)(stacks[cpu] + sizeof stacks[cpu]));
}

static void wait_done(u64 cpu, u64 c)
{
    while (done[cpu] != c)
        wfe();
    done[cpu] = 0;
}

int main(u64 dtb)
{
    show("MPIDR_EL1: ", read_sysreg(mpidr_el1));
    show("GICD_TYPER.CPUNumber: ", REG(GICD + 0x004) >> 5 & 7);
    REG(GICD + 0x000) = 1;
    gic_cpu_on();
    show("AFFINITY_INFO(1): ", psci_call(AFFINITY_INFO, 1, 0, 0));
    show("AFFINITY_INFO(0): ", psci_call(AFFINITY_INFO, 0, 0, 0));
    show("AFFINITY_INFO(9): ", psci_call(AFFINITY_INFO, 9, 0, 0));
    show("CPU_ON(0): ", start(0));
    show("CPU_ON(8): ", psci_call(CPU_ON, 8, (u64)secondary_start, 0));
    show("CPU_ON(1, bad entry): ", psci_call(CPU_ON, 1, 0x1000, 0));
    show("CPU_ON(1): ", start(1));
    long again = start(1);
    print(again == -4 || again == -5 ? "CPU_ON(1) again: ALREADY_ON or ON_PENDING\n" : "CPU_ON(1) again: ?\n");
    for (u64 c = 2; c < NCPU; c++)
        start(c);
    for (u64 c = 1; c < NCPU; c++) {
        while (!mailbox[c])
            wfe();
        print("CPU ");
        put_dec(c);
        show(" up, MPIDR ", mailbox[c]);
    }
    for (u64 c = 1; c < NCPU; c++)
        if (psci_call(AFFINITY_INFO, c, 0, 0) != 0)
            print("a running CPU is not ON\n");

    // SGI 3 to CPU 2 (target list), which answers with SGI 4.
    REG(GICD + 0xf00) = 1 << 18 | 3;
    wait_irq(&sgi_count[0]);
    show("CPU 2 got GICC_IAR ", sgi_iar[2]);
    show("CPU 0 got GICC_IAR ", sgi_iar[0]);
    show("SGIs on CPUs 1 and 3: ", sgi_count[1] + sgi_count[3]);
    // SGI 6 to all but self.
    REG(GICD + 0xf00) = 1 << 24 | 6;
    for (u64 c = 1; c < NCPU; c++)
        while (sgi_count[c] != (c == 2 ? 2 : 1))
            wfe();
    show("after SGI 6 to the others, CPU 0 has ", sgi_count[0]);
    show("CPU 3 got GICC_IAR ", sgi_iar[3]);

    // Counting on every CPU.
    for (u64 c = 1; c < NCPU; c++)
        cmd[c] = 1;
    sev();
    count();
    for (u64 c = 1; c < NCPU; c++)
        wait_done(c, 1);
    show("LDXR/STXR counter: ", counter_x);
    show("LDADD counter: ", counter_lse);

    // The exclusive monitor.
    u64 v;
    u32 status;
    __asm__ volatile("ldxr %0, [%2]\n\tstxr %w1, %0, [%2]" : "=&r"(v), "=&r"(status) : "r"(&excl_var) : "memory");
    show("STXR alone: ", status);
    __asm__ volatile("ldxr %0, [%1]" : "=&r"(v) : "r"(&excl_var) : "memory");
    cmd[1] = 2;
    sev();
    wait_done(1, 2);
    __asm__ volatile("stxr %w0, %1, [%2]" : "=&r"(status) : "r"(v + 1), "r"(&excl_var) : "memory");
    show("STXR after CPU 1 stored: ", status);
    show("value: ", excl_var);

    // CPU 1 off, then on again.
    cmd[1] = 3;
    sev();
    int polls = 0;
    while (psci_call(AFFINITY_INFO, 1, 0, 0) != 1 && polls < 1000000) {
        __asm__ volatile("yield");
        polls++;
    }
    show("AFFINITY_INFO(1) after CPU_OFF: ", psci_call(AFFINITY_INFO, 1, 0, 0));
    mailbox[1] = 0;
    timer_irqs[1] = 0;
    show("CPU_ON(1) after CPU_OFF: ", start(1));
    while (!mailbox[1])
        wfe();
    show("CPU 1 up again, MPIDR ", mailbox[1]);

    // CPU 0 suspends to a standby state with IRQs masked: its timer's
    // interrupt (pending, not taken) ends the suspension.
    __asm__ volatile("msr daifset, #2" : : : "memory");
    REG(GICD + 0x100) = 1 << 27;
    u64 freq = read_sysreg(cntfrq_el0), t0 = read_sysreg(cntvct_el0);
    write_sysreg(cntv_tval_el0, freq / 200); // 5 ms
    write_sysreg(cntv_ctl_el0, 1);
    isb();
    show("CPU_SUSPEND(standby): ", psci_call(CPU_SUSPEND, 0, 0, 0));
    print(read_sysreg(cntvct_el0) - t0 >= freq / 200 ? "returned after the timer fired\n"
                                                      : "returned before the timer fired\n");
    show("timer IRQs taken meanwhile on CPU 0: ", timer_irqs[0]);
    __asm__ volatile("msr daifclr, #2\n\tisb" : : : "memory");
    show("after unmasking: ", timer_irqs[0]);
    return 0;
}
