// The first bare-metal program: prints over the PL011, checks the boot
// protocol (EL1, x0 = a device tree, interrupts masked, MMU off) and powers
// off through PSCI.
#include "lib.h"

void handle_exception(struct frame *f, u64 kind)
{
    print("unexpected exception\n");
    psci_system_off();
}

int main(u64 dtb)
{
    print("Hello from bare metal!\n");
    show("CurrentEL: ", read_sysreg(CurrentEL));
    // FDT magic 0xd00dfeed, big-endian in memory. emu-system follows the
    // Linux boot protocol for every image (x0 = DTB). QEMU deviation: it
    // sets x0 only for Linux images; a bare-metal ELF gets x0 = 0 and this
    // line reads 0x0 (flash) there.
    show("DTB magic: ", *(volatile u32 *)dtb);
    show("DAIF: ", read_sysreg(DAIF));
    show("SCTLR_EL1.M: ", read_sysreg(SCTLR_EL1) & 1);
    u64 v = psci_call(PSCI_VERSION, 0, 0, 0);
    print("PSCI major version: ");
    put_dec(v >> 16);
    print("\nSYSTEM_OFF supported: ");
    put_dec(psci_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0) == 0);
    print("\nbye\n");
    return 0;
}
