//! Boots Debian's arm64 kernel under `emu-system -smp N` (N = 2 and 4) to
//! a busybox `/init` that reports what the kernel sees of its CPUs, runs
//! N busy shell loops in the background and powers off. The images come
//! from `scripts/fetch-system-images.sh` (`target/system-images/`, or
//! `EMU_SYSTEM_IMAGES`); without them the test says it is skipped and
//! passes.
//!
//! Checked: every secondary CPU came up ("Brought up 1 node, N CPUs", no
//! "failed to come online"), /proc/cpuinfo lists N processors, `nproc` is
//! N, /sys/devices/system/cpu/online is `0-(N-1)`; the loops ran on more
//! than one CPU (user time in /proc/stat on at least two CPUs); every CPU
//! took its own timer interrupts and IPIs were delivered
//! (/proc/interrupts); CPU 1 goes offline (PSCI CPU_OFF) and online again
//! (CPU_ON); no oops, warning, BUG or RCU stall; exit status 0.

mod common;

use common::linux::{check_clean, emu_system, initramfs};
use common::{repo_root, run_with_timeout, Status};
use std::time::{Duration, Instant};

/// Boot, run and power-off limit: the boot and the loops take a few
/// seconds; the slack is for a loaded machine.
const LIMIT: Duration = Duration::from_secs(240);

/// The counts of the `/proc/interrupts` row whose name ends the line with
/// `name`, one per CPU.
fn interrupts(console: &str, name: &str, cpus: usize) -> Vec<u64> {
    let line = console
        .lines()
        .find(|l| l.trim_end().ends_with(name))
        .unwrap_or_else(|| panic!("no {name:?} row in:\n{console}"));
    line.split_whitespace()
        .skip(1)
        .take(cpus)
        .map(|n| n.parse().unwrap_or_else(|_| panic!("bad row {line:?}")))
        .collect()
}

fn boot(cpus: usize) {
    let Some(dir) = common::linux::images(&["Image", "busybox"]) else {
        return;
    };
    let tmp = repo_root().join(format!("target/tmp/system_smp{cpus}"));
    std::fs::create_dir_all(&tmp).unwrap();
    let loop_ = "(i=0; while [ $i -lt 15000 ]; do i=$((i+1)); done) &";
    let script = [
        "#!/bin/sh",
        "mount -t proc proc /proc",
        "mount -t sysfs sysfs /sys",
        "mount -t devtmpfs dev /dev",
        "echo \"init: nproc $(nproc)\"",
        "echo \"init: $(grep -c ^processor /proc/cpuinfo) processors\"",
        "echo \"init: online $(cat /sys/devices/system/cpu/online)\"",
        &format!("for k in $(seq {cpus}); do {loop_} done"),
        "wait",
        "echo init: loops done",
        "grep '^cpu[0-9]' /proc/stat",
        "cat /proc/interrupts",
        "echo 0 > /sys/devices/system/cpu/cpu1/online",
        "echo \"init: offline 1: $(cat /sys/devices/system/cpu/online)\"",
        "echo 1 > /sys/devices/system/cpu/cpu1/online",
        "echo \"init: online 1: $(cat /sys/devices/system/cpu/online)\"",
        "poweroff -f",
    ];
    let init = tmp.join("init");
    std::fs::write(&init, script.join("\n") + "\n").unwrap();
    let cpio = tmp.join("init.cpio");
    initramfs(&dir, &cpio, &init, &[]);
    let start = Instant::now();
    let mut cmd = emu_system(&dir, &cpio);
    cmd.args(["-smp", &cpus.to_string()]);
    let out = run_with_timeout(cmd, LIMIT).expect("spawn emu-system");
    let console = String::from_utf8_lossy(&out.stdout);
    eprintln!(
        "-smp {cpus}: booted, ran and powered off in {:?}",
        start.elapsed()
    );
    assert_eq!(
        out.status,
        Some(Status::Exit(0)),
        "console:\n{console}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let online = format!("init: online 0-{}", cpus - 1);
    let brought = format!("smp: Brought up 1 node, {cpus} CPUs");
    let nproc = format!("init: nproc {cpus}");
    let procs = format!("init: {cpus} processors");
    // CPU 1 unplugged (PSCI CPU_OFF, AFFINITY_INFO polled) and back.
    let offline = match cpus {
        2 => "init: offline 1: 0".to_owned(),
        n => format!("init: offline 1: 0,2-{}", n - 1),
    };
    let replugged = format!("init: online 1: 0-{}", cpus - 1);
    for want in [
        brought.as_str(),
        "psci: CPU1 killed",
        &offline,
        &replugged,
        &nproc,
        &procs,
        &online,
        "init: loops done",
        "reboot: Power down",
    ] {
        assert!(console.contains(want), "no {want:?} in:\n{console}");
    }
    for bad in ["failed to come online", "detected stall", "rcu: INFO"] {
        assert!(!console.contains(bad), "console shows {bad:?}:\n{console}");
    }
    check_clean(&console);
    // User time (the first field after the name) per CPU.
    let user: Vec<u64> = (0..cpus)
        .map(|c| {
            let row = format!("cpu{c} ");
            let line = console
                .lines()
                .find(|l| l.starts_with(&row))
                .unwrap_or_else(|| panic!("no {row:?} in:\n{console}"));
            line.split_whitespace().nth(1).unwrap().parse().unwrap()
        })
        .collect();
    assert!(
        user.iter().filter(|&&t| t > 0).count() >= 2,
        "user time per CPU {user:?}: the loops ran on one CPU"
    );
    let timer = interrupts(&console, "arch_timer", cpus);
    assert!(
        timer.iter().all(|&n| n > 0),
        "timer interrupts per CPU {timer:?}"
    );
    let resched = interrupts(&console, "Rescheduling interrupts", cpus);
    let calls = interrupts(&console, "Function call interrupts", cpus);
    let ipis: u64 = resched.iter().chain(&calls).sum();
    assert!(
        ipis > 0,
        "no IPIs: rescheduling {resched:?}, function call {calls:?}"
    );
    eprintln!("-smp {cpus}: user ticks {user:?}, timer {timer:?}, IPIs resched {resched:?} call {calls:?}");
}

#[test]
fn smp2_boots_and_runs_on_both_cpus() {
    boot(2);
}

#[test]
fn smp4_boots_and_runs_on_all_cpus() {
    boot(4);
}
