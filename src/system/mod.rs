//! System mode (`emu-system`): a whole arm64 machine modelled on the `virt`
//! board — one to eight CPUs at EL1/EL0 with the stage-1 MMU, exceptions and PSCI,
//! RAM and a PL011 UART — running on the same decoder, frontend, IR,
//! backend and code cache as user mode. Guest memory goes through the
//! backend's soft-TLB, whose misses [`memory`] serves.

pub mod board;
pub mod boot;
pub mod bus;
pub mod chardev;
pub mod console;
mod console_monitor;
pub mod devices;
pub mod dma;
pub mod doorbell;
mod exception;
mod exclusive;
pub mod fdt;
pub mod host_exit;
mod memory;
pub mod mmu;
pub mod monitor;
pub mod net;
pub mod options;
mod psci;
pub mod ram;
mod run;
pub mod smp;
mod sysinsn;
mod timer;
pub mod trace;
pub mod vcpu;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
pub use vcpu::Stop;

/// What `emu-system` was asked to run.
pub struct Config {
    pub kernel: PathBuf,
    /// RAM size in bytes.
    pub ram: u64,
    pub append: String,
    /// A device tree to pass instead of the generated one.
    pub dtb: Option<PathBuf>,
    /// An initial ramdisk (its place goes into the generated device tree).
    pub initrd: Option<PathBuf>,
    /// The virtio devices, in transport-slot order.
    pub virtio: Vec<options::VirtioSpec>,
    /// What the PL011 is connected to (`-serial`; None: nothing).
    pub serial: Option<chardev::Backend>,
    /// A QMP monitor socket (`-qmp`).
    pub qmp: Option<monitor::Spec>,
    /// The human monitor shares stdio (`-serial mon:stdio`, `-mon`).
    pub stdio_monitor: bool,
    /// stdio is multiplexed: the C-a keys act on a pipe too.
    pub stdio_mux: bool,
    /// Number of CPUs (`-smp`), 1..=8.
    pub cpus: usize,
}

/// Builds the machine, boots `config.kernel` and runs it until it stops;
/// the monitor's `system_reset` builds and boots it again. Errors are one
/// line, for the user.
pub fn run(config: &Config) -> Result<Stop, String> {
    let bell = doorbell::Doorbell::new();
    let control = if config.qmp.is_some() || config.stdio_monitor {
        let c = Arc::new(monitor::Control::new(bell.clone()));
        c.set_cpus(config.cpus);
        if let Some(spec) = &config.qmp {
            monitor::start(spec, c.clone())?;
        }
        c.set_vcpu_thread(0);
        let ev = c.clone();
        host_exit::set_hook(Some(Box::new(move |reason| ev.host_stopped(reason))));
        Some(c)
    } else {
        None
    };
    let terminal = console::RawTerminal::new();
    let input = console::spawn_reader(
        std::io::stdin(),
        bell.clone(),
        terminal.is_raw() || config.stdio_mux,
        control.clone().filter(|_| config.stdio_monitor),
    );
    let io = Io::open(config, input)?;
    loop {
        let stop = run_once(config, &bell, &io, control.clone());
        if let (Some(c), Ok(s @ (Stop::PowerOff | Stop::Reset))) = (&control, &stop) {
            c.guest_stopped(*s == Stop::Reset);
        }
        if stop != Ok(Stop::HostReset) {
            return stop;
        }
        if let Some(c) = &control {
            c.event(
                "RESET",
                Some(serde_json::json!({"guest": false, "reason": "host-qmp-system-reset"})),
            );
        }
    }
}

/// The host ends of the machine's character devices: the console's input
/// and the output files, opened once for every boot.
struct Io {
    input: console::Input,
    files: Vec<(PathBuf, std::fs::File)>,
}

impl Io {
    fn open(config: &Config, input: console::Input) -> Result<Io, String> {
        let ports = config.virtio.iter().flat_map(|v| match v {
            options::VirtioSpec::Serial { ports, .. } => ports.iter().map(|p| &p.backend).collect(),
            _ => Vec::new(),
        });
        let mut files = Vec::new();
        for b in config.serial.iter().chain(ports) {
            if let chardev::Backend::File(p) = b {
                let f = std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()))?;
                files.push((p.clone(), f));
            }
        }
        Ok(Io { input, files })
    }

    /// A frontend's writer and input for `backend`.
    fn connect(
        &self,
        backend: Option<&chardev::Backend>,
    ) -> Result<(Box<dyn std::io::Write + Send>, Option<console::Input>), String> {
        use chardev::Backend;
        Ok(match backend {
            Some(Backend::Stdio) => (Box::new(std::io::stdout()), Some(self.input.clone())),
            Some(Backend::File(p)) => {
                let (_, f) = self.files.iter().find(|(q, _)| q == p).expect("opened");
                let f = f.try_clone().map_err(|e| format!("{}: {e}", p.display()))?;
                (Box::new(f), None)
            }
            Some(Backend::Null) | None => (Box::new(std::io::sink()), None),
        })
    }
}

/// One boot of the machine, until it stops.
fn run_once(
    config: &Config,
    bell: &doorbell::Doorbell,
    io: &Io,
    monitor: Option<Arc<monitor::Control>>,
) -> Result<Stop, String> {
    let virtio = virtio_devices(&config.virtio, io, bell)?;
    let mut ram = ram::Ram::new(board::RAM_BASE, config.ram)
        .map_err(|e| format!("cannot allocate {} bytes of RAM: {e}", config.ram))?;
    let name = config.kernel.display();
    let image = std::fs::read(&config.kernel).map_err(|e| format!("{name}: {e}"))?;
    let loaded = boot::load_kernel(&mut ram, &image).map_err(|e| format!("{name}: {e}"))?;
    let initrd = match &config.initrd {
        Some(p) => {
            let data = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Some(boot::place_initrd(&mut ram, &data, loaded.end)?)
        }
        None => None,
    };
    let dtb = match &config.dtb {
        Some(_) if initrd.is_some() => {
            return Err("-initrd needs the generated device tree (not -dtb)".into())
        }
        Some(p) => std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?,
        None => fdt::build(
            ram.base(),
            ram.size(),
            &config.append,
            initrd,
            virtio.len(),
            config.cpus,
        )
        .map_err(|e| format!("cannot build the device tree: {e}"))?,
    };
    let dtb_addr = boot::place_dtb(&mut ram, &dtb, loaded.end)?;
    let mut bus = bus::Bus::default();
    let (out, input) = io.connect(config.serial.as_ref())?;
    let uart = devices::pl011::Pl011::new(out, input);
    let uart_irq = board::SPI_BASE + board::PL011_SPI as usize;
    bus.add_with_irq(
        board::PL011_BASE,
        board::PL011_SIZE,
        uart_irq,
        Box::new(uart),
    );
    let rtc_irq = board::SPI_BASE + board::PL031_SPI as usize;
    let rtc = devices::pl031::Pl031::new();
    bus.add_with_irq(board::PL031_BASE, board::PL031_SIZE, rtc_irq, Box::new(rtc));
    let dma = ram
        .dma()
        .map_err(|e| format!("cannot map RAM for devices: {e}"))?;
    for (n, dev) in virtio.into_iter().enumerate() {
        let base = board::VIRTIO_BASE + n as u64 * board::VIRTIO_STRIDE;
        let irq = board::SPI_BASE + (board::VIRTIO_SPI as usize + n);
        let transport = devices::virtio::mmio::VirtioMmio::new(dev, dma.clone());
        bus.add_with_irq(base, board::VIRTIO_STRIDE, irq, Box::new(transport));
    }
    let gpio = devices::pl061::Inputs::new(bell.clone());
    let gpio_irq = board::SPI_BASE + board::PL061_SPI as usize;
    let pl061 = devices::pl061::Pl061::new(gpio.clone());
    bus.add_with_irq(
        board::PL061_BASE,
        board::PL061_SIZE,
        gpio_irq,
        Box::new(pl061),
    );
    // Each CPU has its own doorbell; the machine's rings them all. With
    // one CPU the machine's is the CPU's.
    let bells: Vec<doorbell::Doorbell> = if config.cpus == 1 {
        vec![bell.clone()]
    } else {
        let bells: Vec<_> = (0..config.cpus)
            .map(|_| doorbell::Doorbell::new())
            .collect();
        bell.fan_out(bells.clone());
        bells
    };
    let kick = bells.clone();
    let gic = Arc::new(Mutex::new(devices::gic::Gic::with_cpus(
        config.cpus,
        Some(Box::new(move |t| kick[t].ring())),
    )));
    let gic_mmio = devices::gic::GicMmio(gic.clone());
    bus.add(board::GIC_BASE, board::GIC_SIZE, Box::new(gic_mmio));
    let board = Arc::new(vcpu::Board {
        ram,
        bus: Mutex::new(bus),
        gic,
        bell: bell.clone(),
        monitor,
        gpio,
        smp: smp::Smp::new(bells),
    });
    let code = run::Code::new(&board).map_err(|e| format!("cannot create the code cache: {e}"))?;
    let mut machines: Vec<run::Machine> = (0..config.cpus)
        .map(|i| run::Machine::new(vcpu::Vcpu::new(board.clone(), i), code.clone()))
        .collect();
    machines[0].vcpu.cpu.pc = loaded.entry;
    machines[0].vcpu.cpu.x[0] = dtb_addr;
    // CPU 0 runs on this thread, each other CPU on its own.
    let mut threads = Vec::new();
    for (i, mut m) in machines.drain(1..).enumerate() {
        let t = std::thread::Builder::new()
            .name(format!("emu-cpu{}", i + 1))
            .stack_size(CPU_STACK)
            .spawn(move || m.run())
            .map_err(|e| format!("cannot start a CPU thread: {e}"))?;
        threads.push(t);
    }
    let stop = machines[0].run();
    for t in threads {
        let _ = t.join();
    }
    bell.fan_out(Vec::new());
    stop
}

/// Host stack of a CPU thread (translation and device emulation run on it).
const CPU_STACK: usize = 8 << 20;

/// Opens the virtio devices' backing files and starts their networks
/// (which ring `bell` when host sockets have something).
fn virtio_devices(
    specs: &[options::VirtioSpec],
    io: &Io,
    bell: &doorbell::Doorbell,
) -> Result<Vec<Box<dyn devices::virtio::VirtioDevice>>, String> {
    use devices::virtio::{blk::Blk, console, net::Net, rng::Rng};
    if specs.len() > board::VIRTIO_SLOTS {
        return Err(format!(
            "{} virtio devices: the board has {} slots",
            specs.len(),
            board::VIRTIO_SLOTS
        ));
    }
    let mut disks = 0;
    specs
        .iter()
        .map(
            |s| -> Result<Box<dyn devices::virtio::VirtioDevice>, String> {
                match s {
                    options::VirtioSpec::Rng => Ok(Box::new(Rng)),
                    options::VirtioSpec::Net { mac, net } => {
                        let mac = mac.unwrap_or(net::config::default_mac(0));
                        let bell = bell.clone();
                        let stack = net::Stack::new(net, mac, Box::new(move || bell.ring()))?;
                        Ok(Box::new(Net::new(mac, stack)))
                    }
                    options::VirtioSpec::Serial { max_ports, ports } => {
                        let ports = ports
                            .iter()
                            .map(|p| {
                                let (out, input) = io.connect(Some(&p.backend))?;
                                Ok(console::Port {
                                    nr: p.nr,
                                    console: p.console,
                                    name: p.name.clone(),
                                    out,
                                    input,
                                })
                            })
                            .collect::<Result<_, String>>()?;
                        Ok(Box::new(console::Console::new(*max_ports, ports)))
                    }
                    options::VirtioSpec::Blk { file, readonly } => {
                        let err = |e: std::io::Error| format!("{}: {e}", file.display());
                        let f = std::fs::OpenOptions::new()
                            .read(true)
                            .write(!readonly)
                            .open(file)
                            .map_err(err)?;
                        disks += 1;
                        Ok(Box::new(
                            Blk::new(f, *readonly, &format!("emu-disk{}", disks - 1))
                                .map_err(err)?,
                        ))
                    }
                }
            },
        )
        .collect()
}
