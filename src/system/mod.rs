//! System mode (`emu-system`): a whole arm64 machine modelled on the `virt`
//! board — one CPU at EL1/EL0 with the stage-1 MMU, exceptions and PSCI,
//! RAM and a PL011 UART — running on the same decoder, frontend, IR,
//! backend and code cache as user mode. Guest memory goes through the
//! backend's soft-TLB, whose misses [`memory`] serves.

pub mod board;
pub mod boot;
pub mod bus;
pub mod devices;
mod exception;
mod exclusive;
pub mod fdt;
mod memory;
pub mod mmu;
mod psci;
pub mod ram;
mod run;
mod sysinsn;
mod timer;
pub mod trace;
pub mod vcpu;

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
pub use vcpu::Stop;

/// What `emu-system` was asked to run.
pub struct Config {
    pub kernel: PathBuf,
    /// RAM size in bytes.
    pub ram: u64,
    pub append: String,
    /// A device tree to pass instead of the generated one.
    pub dtb: Option<PathBuf>,
}

/// Builds the machine, boots `config.kernel` and runs it until it stops.
/// Errors are one line, for the user.
pub fn run(config: &Config) -> Result<Stop, String> {
    let mut ram = ram::Ram::new(board::RAM_BASE, config.ram)
        .map_err(|e| format!("cannot allocate {} bytes of RAM: {e}", config.ram))?;
    let name = config.kernel.display();
    let image = std::fs::read(&config.kernel).map_err(|e| format!("{name}: {e}"))?;
    let loaded = boot::load_kernel(&mut ram, &image).map_err(|e| format!("{name}: {e}"))?;
    let dtb = match &config.dtb {
        Some(p) => std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?,
        None => fdt::build(ram.base(), ram.size(), &config.append)
            .map_err(|e| format!("cannot build the device tree: {e}"))?,
    };
    let dtb_addr = boot::place_dtb(&mut ram, &dtb, loaded.end)?;
    let mut bus = bus::Bus::default();
    let uart = devices::pl011::Pl011::new(Box::new(std::io::stdout()));
    bus.add(board::PL011_BASE, board::PL011_SIZE, Box::new(uart));
    let gic = Rc::new(RefCell::new(devices::gic::Gic::new()));
    let gic_mmio = devices::gic::GicMmio(gic.clone());
    bus.add(board::GIC_BASE, board::GIC_SIZE, Box::new(gic_mmio));
    let mut vcpu = vcpu::Vcpu::new(vcpu::Board { ram, bus, gic });
    vcpu.cpu.pc = loaded.entry;
    vcpu.cpu.x[0] = dtb_addr;
    let mut m =
        run::Machine::new(vcpu).map_err(|e| format!("cannot create the code cache: {e}"))?;
    m.run()
}
