//! The device tree emu-system hands the guest: what the board really has
//! (RAM, one CPU, PSCI over HVC, the GICv2, the generic timer, the PL011
//! and its clock, the PL031, the PL061 with its power button, the
//! virtio-mmio transports in use) and the command line.

use super::board::{
    GIC_BASE, PL011_BASE, PL011_SIZE, PL011_SPI, PL031_BASE, PL031_SIZE, PL031_SPI, PL061_BASE,
    PL061_SIZE, PL061_SPI, VIRTIO_BASE, VIRTIO_SPI, VIRTIO_STRIDE,
};
use super::devices::pl061::POWER_LINE;
use super::timer::{PHYS_IRQ, VIRT_IRQ};
use vm_fdt::{Error, FdtWriter};

/// Builds the DTB for `ram_size` bytes at `ram_base`, the kernel command
/// line `bootargs` and the initial ramdisk at `initrd` (start, end).
pub fn build(
    ram_base: u64,
    ram_size: u64,
    bootargs: &str,
    initrd: Option<(u64, u64)>,
    virtio: usize,
    cpus: usize,
) -> Result<Vec<u8>, Error> {
    let mut f = FdtWriter::new()?;
    let root = f.begin_node("")?;
    f.property_u32("#address-cells", 2)?;
    f.property_u32("#size-cells", 2)?;
    f.property_string("compatible", "linux,dummy-virt")?;
    f.property_string("model", "emu-system virt")?;
    const GIC: u32 = 2;
    f.property_u32("interrupt-parent", GIC)?;

    let mem = f.begin_node(&format!("memory@{ram_base:x}"))?;
    f.property_string("device_type", "memory")?;
    f.property_array_u64("reg", &[ram_base, ram_size])?;
    f.end_node(mem)?;

    let cpus_node = f.begin_node("cpus")?;
    f.property_u32("#address-cells", 1)?;
    f.property_u32("#size-cells", 0)?;
    // reg: the MPIDR affinity (Aff0 = the CPU's number); the others are
    // started with PSCI CPU_ON.
    for i in 0..cpus {
        let cpu = f.begin_node(&format!("cpu@{i}"))?;
        f.property_string("device_type", "cpu")?;
        f.property_string("compatible", "arm,armv8")?;
        f.property_u32("reg", i as u32)?;
        if cpus > 1 {
            f.property_string("enable-method", "psci")?;
        }
        f.end_node(cpu)?;
    }
    f.end_node(cpus_node)?;

    let psci = f.begin_node("psci")?;
    f.property_string_list(
        "compatible",
        vec!["arm,psci-1.0".into(), "arm,psci-0.2".into()],
    )?;
    f.property_string("method", "hvc")?;
    f.end_node(psci)?;

    let gic = f.begin_node(&format!("intc@{GIC_BASE:x}"))?;
    f.property_string("compatible", "arm,cortex-a15-gic")?;
    f.property_u32("#interrupt-cells", 3)?;
    f.property_null("interrupt-controller")?;
    f.property_array_u64("reg", &[GIC_BASE, 0x1_0000, GIC_BASE + 0x1_0000, 0x1_0000])?;
    f.property_phandle(GIC)?;
    f.end_node(gic)?;

    // PPIs (type 1) numbered from 16, level-high (4), with the mask of
    // the CPUs they exist on in bits 15:8: secure physical, non-secure
    // physical, virtual, hypervisor. Only the EL1 physical and virtual
    // timers exist; the other two lines never rise.
    let flags = ((1u32 << cpus) - 1) << 8 | 4;
    let ppi = |intid: usize| [1, (intid - 16) as u32, flags];
    let timer = f.begin_node("timer")?;
    f.property_string("compatible", "arm,armv8-timer")?;
    f.property_null("always-on")?;
    let cells: Vec<u32> = [29, PHYS_IRQ, VIRT_IRQ, 26]
        .into_iter()
        .flat_map(ppi)
        .collect();
    f.property_array_u32("interrupts", &cells)?;
    f.end_node(timer)?;

    const CLK: u32 = 1;
    let clk = f.begin_node("apb-pclk")?;
    f.property_string("compatible", "fixed-clock")?;
    f.property_u32("#clock-cells", 0)?;
    f.property_u32("clock-frequency", 24_000_000)?;
    f.property_string("clock-output-names", "clk24mhz")?;
    f.property_phandle(CLK)?;
    f.end_node(clk)?;

    let uart_name = primecell(
        &mut f,
        "pl011",
        (PL011_BASE, PL011_SIZE, PL011_SPI),
        &["uartclk", "apb_pclk"],
        CLK,
    )?;
    primecell(
        &mut f,
        "pl031",
        (PL031_BASE, PL031_SIZE, PL031_SPI),
        &["apb_pclk"],
        CLK,
    )?;
    power_button(&mut f, CLK)?;

    for n in 0..virtio {
        let base = VIRTIO_BASE + n as u64 * VIRTIO_STRIDE;
        let node = f.begin_node(&format!("virtio_mmio@{base:x}"))?;
        f.property_string("compatible", "virtio,mmio")?;
        f.property_array_u64("reg", &[base, VIRTIO_STRIDE])?;
        // Level-high: the line stays up until the driver acknowledges.
        f.property_array_u32("interrupts", &[0, VIRTIO_SPI + n as u32, 4])?;
        f.property_null("dma-coherent")?;
        f.end_node(node)?;
    }

    let chosen = f.begin_node("chosen")?;
    f.property_string("bootargs", bootargs)?;
    f.property_string("stdout-path", &format!("/{uart_name}"))?;
    if let Some((start, end)) = initrd {
        f.property_u64("linux,initrd-start", start)?;
        f.property_u64("linux,initrd-end", end)?;
    }
    f.end_node(chosen)?;

    f.end_node(root)?;
    f.finish()
}

/// The PL061 and a `gpio-keys` node whose KEY_POWER is its line
/// `POWER_LINE`, active high.
fn power_button(f: &mut FdtWriter, clk: u32) -> Result<(), Error> {
    const GPIO: u32 = 3;
    const KEY_POWER: u32 = 116;
    primecell_with(
        f,
        "pl061",
        (PL061_BASE, PL061_SIZE, PL061_SPI),
        (&["apb_pclk"], clk),
        |f| {
            f.property_null("gpio-controller")?;
            f.property_u32("#gpio-cells", 2)?;
            f.property_phandle(GPIO)
        },
    )?;
    let keys = f.begin_node("gpio-keys")?;
    f.property_string("compatible", "gpio-keys")?;
    let key = f.begin_node("poweroff")?;
    f.property_string("label", "GPIO Key Poweroff")?;
    f.property_u32("linux,code", KEY_POWER)?;
    f.property_array_u32("gpios", &[GPIO, u32::from(POWER_LINE), 0])?;
    f.end_node(key)?;
    f.end_node(keys)
}

/// An AMBA PrimeCell device node: `arm,KIND` at (base, size) with its
/// level-high SPI and the clock `clk` under each of `clocks`' names.
/// Returns the node's name.
fn primecell(
    f: &mut FdtWriter,
    kind: &str,
    (base, size, spi): (u64, u64, u32),
    clocks: &[&str],
    clk: u32,
) -> Result<String, Error> {
    primecell_with(f, kind, (base, size, spi), (clocks, clk), |_| Ok(()))
}

/// [`primecell`] with more properties written by `extra`.
fn primecell_with(
    f: &mut FdtWriter,
    kind: &str,
    (base, size, spi): (u64, u64, u32),
    (clocks, clk): (&[&str], u32),
    extra: impl FnOnce(&mut FdtWriter) -> Result<(), Error>,
) -> Result<String, Error> {
    let name = format!("{kind}@{base:x}");
    let node = f.begin_node(&name)?;
    f.property_string_list(
        "compatible",
        vec![format!("arm,{kind}"), "arm,primecell".into()],
    )?;
    f.property_array_u64("reg", &[base, size])?;
    f.property_array_u32("interrupts", &[0, spi, 4])?;
    f.property_array_u32("clocks", &vec![clk; clocks.len()])?;
    f.property_string_list(
        "clock-names",
        clocks.iter().map(|c| c.to_string()).collect(),
    )?;
    extra(f)?;
    f.end_node(node)?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_a_flattened_device_tree() {
        let d = super::build(
            0x4000_0000,
            128 << 20,
            "console=ttyAMA0",
            Some((0x4700_0000, 0x4710_0000)),
            2,
            3,
        )
        .unwrap();
        assert_eq!(&d[..4], &[0xd0, 0x0d, 0xfe, 0xed], "FDT magic");
        let total = u32::from_be_bytes(d[4..8].try_into().unwrap()) as usize;
        assert_eq!(total, d.len());
        let text = String::from_utf8_lossy(&d);
        for s in [
            "pl011@9000000",
            "console=ttyAMA0",
            "arm,psci-0.2",
            "arm,cortex-a15-gic",
            "arm,armv8-timer",
            "memory@40000000",
            "linux,initrd-start",
            "arm,pl031",
            "virtio_mmio@a000000",
            "virtio_mmio@a000200",
            "virtio,mmio",
            "dma-coherent",
            "arm,pl061",
            "cpu@2",
            "enable-method",
            "gpio-keys",
        ] {
            assert!(text.contains(s), "{s}");
        }
    }
}
