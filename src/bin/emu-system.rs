//! `emu-system`: runs a bare-metal arm64 program or kernel on an emulated
//! `virt`-style machine. QEMU-style single-dash options are accepted.

use clap::Parser;
use emu::system::{board, run, Config, Stop};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "emu-system",
    version,
    about = "arm64 system emulator (virt-style board)"
)]
struct Args {
    /// Kernel: a bare-metal AArch64 ELF or an arm64 Linux Image.
    #[arg(long, value_name = "FILE")]
    kernel: PathBuf,
    /// RAM size (k/M/G suffix; a plain number is MiB).
    #[arg(short = 'm', long = "m", value_name = "SIZE", default_value = "128M", value_parser = parse_size)]
    mem: u64,
    /// Kernel command line (the DTB's /chosen/bootargs).
    #[arg(long, value_name = "CMDLINE", default_value = "")]
    append: String,
    /// Pass this device tree instead of the generated one.
    #[arg(long, value_name = "FILE")]
    dtb: Option<PathBuf>,
    /// Initial ramdisk (e.g. a cpio archive), placed below the device tree.
    #[arg(long, value_name = "FILE")]
    initrd: Option<PathBuf>,
    /// A raw disk image: file=IMG[,format=raw][,readonly=on][,if=virtio|none][,id=ID].
    #[arg(long, value_name = "OPTS")]
    drive: Vec<String>,
    /// A device: virtio-blk-device,drive=ID, virtio-rng-device,
    /// virtio-serial-device[,max_ports=N], and its ports
    /// virtconsole,chardev=ID[,name=NAME][,nr=N] and
    /// virtserialport,chardev=ID[,name=NAME][,nr=N],
    /// virtio-net-device,netdev=ID[,mac=MAC].
    #[arg(long, value_name = "DEV")]
    device: Vec<String>,
    /// A user-mode network for a virtio-net-device: user,id=ID[,net=ADDR/MASK]
    /// [,host=ADDR][,dns=ADDR][,dhcpstart=ADDR][,hostfwd=tcp:[HADDR]:HPORT-[GADDR]:GPORT].
    #[arg(long, value_name = "OPTS")]
    netdev: Vec<String>,
    /// A virtio-net card with its user-mode network: user[,mac=MAC][,-netdev options].
    #[arg(long, value_name = "OPTS")]
    nic: Vec<String>,
    /// A character backend: stdio,id=ID, null,id=ID or file,id=ID,path=FILE.
    #[arg(long, value_name = "OPTS")]
    chardev: Vec<String>,
    /// What the PL011 is connected to: stdio (default), mon:stdio (with
    /// the human monitor, C-a c), none, null, file:PATH or chardev:ID.
    #[arg(long, value_name = "DEV")]
    serial: Option<String>,
    /// The human monitor on a multiplexed stdio chardev:
    /// chardev=ID[,mode=readline] (-chardev stdio,id=ID,mux=on).
    #[arg(long, value_name = "OPTS")]
    mon: Vec<String>,
    /// Accepted for compatibility: there is no display; stdio is the
    /// console (on a terminal, C-a h lists the console keys).
    #[arg(long)]
    nographic: bool,
    /// QMP monitor: unix:PATH,server or tcp:127.0.0.1:PORT,server, plus
    /// ,wait=off (or ,nowait) to start without waiting for a client.
    #[arg(long, value_name = "SOCKET")]
    qmp: Option<emu::system::monitor::Spec>,
    /// Number of CPUs, 1..8: N or cpus=N.
    #[arg(long, value_name = "N", default_value = "1", value_parser = parse_smp)]
    smp: usize,
    /// Trace machine events on stderr: a comma list of int, mmio, timer, unimp.
    #[arg(short = 'd', value_name = "LIST")]
    trace: Option<String>,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix in '{s}'")),
            };
            (&s[..i], m)
        }
        _ => (s, 1 << 20),
    };
    let n: u64 = num.parse().map_err(|_| format!("invalid size '{s}'"))?;
    let bytes = n.checked_mul(mult).ok_or(format!("size '{s}' too large"))?;
    if !(4 << 20..=board::MAX_RAM).contains(&bytes) || !bytes.is_multiple_of(4096) {
        return Err(format!(
            "RAM size '{s}' out of range (4M..{}G, page multiple)",
            board::MAX_RAM >> 30
        ));
    }
    Ok(bytes)
}

/// `-smp N` or `-smp cpus=N` (QEMU's spellings), 1..=8: the GICv2 serves
/// eight CPUs.
fn parse_smp(s: &str) -> Result<usize, String> {
    let n = s.strip_prefix("cpus=").unwrap_or(s);
    match n.parse::<usize>() {
        Ok(n) if (1..=emu::system::smp::MAX_CPUS).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{s}': expected a CPU count from 1 to {}",
            emu::system::smp::MAX_CPUS
        )),
    }
}

/// `-kernel` → `--kernel` for the multi-letter options (QEMU spelling).
fn normalise(arg: String) -> String {
    const LONG: [&str; 16] = [
        "-drive",
        "-netdev",
        "-nic",
        "-device",
        "-chardev",
        "-serial",
        "-kernel",
        "-initrd",
        "-append",
        "-dtb",
        "-nographic",
        "-qmp",
        "-mon",
        "-smp",
        "-help",
        "-version",
    ];
    if LONG.contains(&arg.as_str()) {
        format!("-{arg}")
    } else {
        arg
    }
}

fn main() -> ExitCode {
    let args = Args::parse_from(std::env::args().map(normalise));
    // Before any thread starts: they all inherit the blocked signals.
    if let Err(e) = emu::system::host_exit::catch_signals() {
        eprintln!("emu-system: {e}");
        return ExitCode::from(2);
    }
    let _ = args.nographic;
    if let Some(list) = &args.trace {
        if let Err(e) = emu::system::trace::enable(list) {
            eprintln!("emu-system: {e}");
            return ExitCode::from(2);
        }
    }
    let devices = emu::system::chardev::Chardevs::new(&args.chardev).and_then(|mut c| {
        let serial = c.serial(args.serial.as_deref())?;
        for m in &args.mon {
            c.monitor(m)?;
        }
        let virtio = emu::system::options::virtio_devices(
            &args.drive,
            &args.device,
            &mut c,
            &args.netdev,
            &args.nic,
        )?;
        Ok((serial, virtio, c.stdio_monitor, c.stdio_mux))
    });
    let (serial, virtio, stdio_monitor, stdio_mux) = match devices {
        Ok(v) => v,
        Err(e) => {
            eprintln!("emu-system: {e}");
            return ExitCode::from(2);
        }
    };
    let config = Config {
        virtio,
        serial,
        kernel: args.kernel,
        ram: args.mem,
        append: args.append,
        dtb: args.dtb,
        initrd: args.initrd,
        qmp: args.qmp,
        stdio_monitor,
        stdio_mux,
        cpus: args.smp,
    };
    match run(&config) {
        Ok(Stop::PowerOff | Stop::Reset | Stop::CpuOff | Stop::Quit | Stop::HostReset) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("emu-system: {e}");
            ExitCode::from(1)
        }
    }
}
