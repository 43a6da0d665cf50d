//! Building the driver and running a batch under emu-user and qemu-aarch64.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Assembles driver.S into `dir`.
pub fn build_driver(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff_random/driver.S");
    let exe = dir.join("driver");
    let out = Command::new("aarch64-linux-gnu-gcc")
        .args(["-nostdlib", "-static", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "assembling the driver failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// The output of one run, and its exit status.
pub struct Run {
    pub out: Vec<u8>,
    pub status: String,
}

fn run(cmd: &[&str], exe: &Path, input: &Path) -> Run {
    let out = Command::new(cmd[0])
        .args(&cmd[1..])
        .arg(exe)
        .stdin(Stdio::from(std::fs::File::open(input).unwrap()))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let mut status = format!("{}", out.status);
    if !out.stderr.is_empty() {
        let err = String::from_utf8_lossy(&out.stderr);
        status += &format!(" ({})", err.lines().next().unwrap_or(""));
    }
    Run {
        out: out.stdout,
        status,
    }
}

/// Runs the batch file under both, in parallel: (emu, qemu). Both run the
/// CPU model `EMU_DIFF_CPU` names (default max): e.g. `cortex-a53` checks
/// that both refuse the same extension encodings. emu-user compiles every
/// block before its first run when `compiled`, else interprets first runs.
pub fn run_both(emu: &str, compiled: bool, exe: &Path, input: &Path) -> (Run, Run) {
    let cpu = std::env::var("EMU_DIFF_CPU").unwrap_or_else(|_| "max".into());
    let first = if compiled { "nointerp" } else { "" };
    std::thread::scope(|s| {
        let q = s.spawn(|| run(&["qemu-aarch64", "-cpu", &cpu], exe, input));
        let e = run(&[emu, "-cpu", &cpu, "-d", first], exe, input);
        (e, q.join().unwrap())
    })
}
