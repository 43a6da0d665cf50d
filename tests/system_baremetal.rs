//! Runs the bare-metal programs of `guest-bins/system/` under `emu-system`
//! and compares stdout (byte for byte) and exit status with `NAME.stdout`
//! and `NAME.status`; plus the CLI's answers to bad input.
//!
//! The ELFs come from `guest-bins/build.sh` (which calls
//! `guest-bins/system/build.sh`) in `guest-bins/out/system/NAME.elf`, and
//! `image.bin`, a raw arm64 Image;
//! `EMU_SKIP_GUEST_BINS=1` skips the programs. If `qemu-system-aarch64` is
//! on PATH, `qemu_oracle` runs each program under
//! `qemu-system-aarch64 -M virt -cpu cortex-a57` (`max` for the LSE atomics
//! of memops and smp; smp runs with `-smp 4` on both) and reports (never
//! fails on) differences from the expected
//! files: QEMU is only an oracle. Known difference: QEMU passes no DTB
//! address in x0 to a bare-metal ELF (see hello.c).

mod common;

use common::{guest_bins, on_path, run_with_timeout, Outcome, Status};
use std::process::Command;
use std::time::Duration;

const PROGRAMS: &[&str] = &[
    "exceptions",
    "hello",
    "image",
    "memops",
    "mmu",
    "race",
    "smp",
    "timer",
    "unpriv",
];

/// Options a program needs besides `-kernel` (for emu and QEMU alike).
fn machine_args(name: &str) -> &'static [&'static str] {
    if name == "smp" {
        &["-smp", "4"]
    } else if name == "race" {
        &["-smp", "2"]
    } else {
        &[]
    }
}

/// The QEMU CPU model for a program: cortex-a57, or `max` for programs
/// using the LSE atomics emu announces (an A57 has none).
fn qemu_cpu(name: &str) -> &'static str {
    if name == "memops" || name == "smp" || name == "race" {
        "max"
    } else {
        "cortex-a57"
    }
}

fn emu_system() -> Command {
    Command::new(env!("CARGO_BIN_EXE_emu-system"))
}

/// The kernel file of a program: `NAME.elf`, or the raw Image `image.bin`.
fn elf(name: &str) -> std::path::PathBuf {
    let file = if name == "image" {
        "image.bin".to_owned()
    } else {
        format!("{name}.elf")
    };
    guest_bins().join("out/system").join(file)
}

fn expected(name: &str) -> (Vec<u8>, Status) {
    let dir = guest_bins().join("system");
    let out = std::fs::read(dir.join(format!("{name}.stdout"))).expect("NAME.stdout");
    let status = std::fs::read_to_string(dir.join(format!("{name}.status"))).expect("NAME.status");
    (out, Status::parse(&status).unwrap())
}

fn skipped() -> bool {
    std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1")
}

fn run(mut cmd: Command) -> Outcome {
    cmd.env_clear();
    run_with_timeout(cmd, Duration::from_secs(30)).expect("spawn")
}

/// Differences between a run and the expectations, if any.
fn compare(name: &str, got: &Outcome) -> Option<String> {
    let (want_out, want_status) = expected(name);
    if got.stdout == want_out && got.status == Some(want_status) {
        return None;
    }
    Some(format!(
        "{name}: status {:?} (want {want_status})\n--- stdout\n{}\n--- expected\n{}\n--- stderr\n{}",
        got.status,
        String::from_utf8_lossy(&got.stdout),
        String::from_utf8_lossy(&want_out),
        String::from_utf8_lossy(&got.stderr),
    ))
}

#[test]
fn programs() {
    if skipped() {
        return;
    }
    let mut failures = Vec::new();
    for name in PROGRAMS {
        let path = elf(name);
        assert!(
            path.exists(),
            "{} missing: run guest-bins/build.sh",
            path.display()
        );
        let mut cmd = emu_system();
        cmd.args(machine_args(name))
            .arg("-kernel")
            .arg(&path)
            .arg("-nographic");
        failures.extend(compare(name, &run(cmd)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn qemu_oracle() {
    if skipped() || !on_path("qemu-system-aarch64") {
        return;
    }
    for name in PROGRAMS {
        let mut cmd = Command::new("qemu-system-aarch64");
        cmd.args([
            "-M",
            "virt",
            "-cpu",
            qemu_cpu(name),
            "-nographic",
            "-no-reboot",
        ])
        .args(machine_args(name))
        .arg("-kernel")
        .arg(elf(name));
        if let Some(diff) = compare(name, &run(cmd)) {
            eprintln!("qemu-system-aarch64 disagrees with the expectations:\n{diff}");
        }
    }
}

/// CPU time (user + system, in clock ticks) of each thread of process
/// `pid` now, by thread id, with the thread's name.
fn thread_times(pid: u32, into: &mut std::collections::HashMap<u32, (String, u64)>) {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return;
    };
    for e in dir.flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // "tid (comm) state ... utime stime ...": fields 14 and 15.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let tid: u32 = stat[..open].trim().parse().unwrap();
        let comm = stat[open + 1..close].to_owned();
        let f: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let ticks = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
        into.insert(tid, (comm, ticks));
    }
}

/// `race` with four CPUs: the exact counts, and every CPU busy on a host
/// thread of its own. The main thread runs CPU 0, threads `emu-cpuN` the
/// others; each CPU's share of the counting alone takes a few tenths of a
/// second of host CPU time, so each of the four threads must have used
/// at least 50 ms (5 ticks), however loaded the host is. With the CPUs
/// taking turns on one thread, there would be no other vCPU thread.
#[test]
fn race_runs_each_cpu_on_its_own_thread() {
    if skipped() {
        return;
    }
    let mut child = emu_system()
        .args(["-smp", "4", "-nographic", "-kernel"])
        .arg(elf("race"))
        .env_clear()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut times = std::collections::HashMap::new();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        thread_times(pid, &mut times);
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("race did not finish");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let (want, _) = expected("race");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&want),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cpus: Vec<(u32, &str, u64)> = times
        .iter()
        .filter(|(&tid, (comm, _))| tid == pid || comm.starts_with("emu-cpu"))
        .map(|(&tid, (comm, t))| (tid, comm.as_str(), *t))
        .collect();
    eprintln!("vCPU threads (tid, name, CPU ticks): {cpus:?}");
    assert_eq!(cpus.len(), 4, "{cpus:?}");
    assert!(
        cpus.iter().all(|c| c.2 >= 5),
        "a vCPU thread did little of the work: {cpus:?}"
    );
}

/// One line on stderr and status 1 for input emu-system cannot boot.
#[test]
fn bad_input() {
    let dir = std::env::temp_dir().join(format!("emu-system-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a kernel\n").unwrap();
    let elf32 = dir.join("x86.elf");
    // A 64-bit ELF header for x86-64 (e_machine 62).
    let mut h = vec![0u8; 64];
    h[..4].copy_from_slice(b"\x7fELF");
    h[4] = 2;
    h[5] = 1;
    h[6] = 1;
    h[18] = 62;
    std::fs::write(&elf32, &h).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["-kernel".into(), dir.join("missing").display().to_string()],
            "No such file",
        ),
        (
            vec!["-kernel".into(), text.display().to_string()],
            "not an ELF file or arm64 Image",
        ),
        (
            vec!["-kernel".into(), elf32.display().to_string()],
            "not an AArch64 ELF file",
        ),
    ];
    for (args, msg) in cases {
        let mut cmd = emu_system();
        cmd.args(&args);
        let got = run(cmd);
        let err = String::from_utf8_lossy(&got.stderr);
        assert_eq!(got.status, Some(Status::Exit(1)), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("emu-system: ") && err.contains(msg),
            "{args:?}: {err}"
        );
    }
    let mut cmd = emu_system();
    cmd.args(["-kernel", "x", "-m", "12Q"]);
    assert_eq!(
        run(cmd).status,
        Some(Status::Exit(2)),
        "clap rejects a bad -m"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
