//! Boots Debian's arm64 kernel under `emu-system` to a busybox initramfs
//! and powers off: the images come from `scripts/fetch-system-images.sh`
//! (`target/system-images/`, or `EMU_SYSTEM_IMAGES`); without them each
//! test says it is skipped and passes.
//!
//! - `init_runs_and_powers_off`: an `/init` script that prints what it
//!   computed and read from /proc and the time (from the PL031) and ends
//!   with `poweroff -f` (PSCI SYSTEM_OFF): exit status 0, no kernel oops
//!   or warning.
//! - `interactive_shell`: the stock initramfs's shell on the serial line,
//!   driven over stdin once its prompt shows (PL011 receive interrupts).

mod common;

use common::linux::{check_clean, emu_system, initramfs, ConsoleLog, APPEND};
use common::{repo_root, run_with_timeout, Status};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Boot, run and power-off limit: the boot takes a few seconds; the slack
/// is for a loaded machine.
const LIMIT: Duration = Duration::from_secs(180);

fn images() -> Option<PathBuf> {
    common::linux::images(&["Image", "busybox", "initramfs.cpio"])
}

#[test]
fn init_runs_and_powers_off() {
    let Some(dir) = images() else { return };
    let tmp = repo_root().join("target/tmp/system_linux");
    std::fs::create_dir_all(&tmp).unwrap();
    let init = tmp.join("init");
    std::fs::write(
        &init,
        "#!/bin/sh\n\
         mount -t proc proc /proc\n\
         echo \"init: sum $((6 * 7))\"\n\
         echo \"init: cmdline $(cat /proc/cmdline)\"\n\
         echo \"init: $(grep -c processor /proc/cpuinfo) cpu\"\n\
         echo \"init: epoch $(date +%s)\"\n\
         sleep 1\n\
         echo \"init: slept\"\n\
         poweroff -f\n",
    )
    .unwrap();
    let cpio = tmp.join("init.cpio");
    initramfs(&dir, &cpio, &init, &[]);
    let start = Instant::now();
    let out = run_with_timeout(emu_system(&dir, &cpio), LIMIT).expect("spawn emu-system");
    let console = String::from_utf8_lossy(&out.stdout);
    eprintln!("booted and powered off in {:?}", start.elapsed());
    assert_eq!(
        out.status,
        Some(Status::Exit(0)),
        "console:\n{console}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "Run /init as init process",
        "init: sum 42",
        &format!("init: cmdline {APPEND}"),
        "init: 1 cpu",
        "init: slept",
        "reboot: Power down",
        "rtc-pl031 9010000.pl031: registered as rtc0",
    ] {
        assert!(console.contains(want), "no {want:?} in:\n{console}");
    }
    // The PL031 gave the guest the host's time.
    let epoch: u64 = console
        .split("init: epoch ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no epoch in:\n{console}"));
    let host = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        host.abs_diff(epoch) < 600,
        "guest time {epoch}, host {host}"
    );
    check_clean(&console);
}

#[test]
fn interactive_shell() {
    let Some(dir) = images() else { return };
    let (mut child, mut stdin, mut console) =
        ConsoleLog::spawn(emu_system(&dir, &dir.join("initramfs.cpio")), LIMIT);
    console.wait_for("/ # ", &mut child);
    stdin.write_all(b"echo shell-$((6*7)); uname -m\n").unwrap();
    console.wait_for("shell-42", &mut child);
    console.wait_for("aarch64", &mut child);
    stdin.write_all(b"poweroff -f\n").unwrap();
    console.wait_for("reboot: Power down", &mut child);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    check_clean(&console.text());
}
