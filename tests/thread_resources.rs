//! An exited guest thread gives back the emulator's host resources too (its
//! host thread's stack, its alternate signal stack, its translator state):
//! `guest-bins/c/thread_churn pause` stops after a warm-up and again after
//! 3000 more threads, and this test reads the emu-user process's own VmSize
//! (the host's view, emu's mappings included) at both points.
//!
//! Needs the guest programs (`guest-bins/build.sh`); `EMU_SKIP_GUEST_BINS=1`
//! skips it.

mod common;

use common::{Kind, Program, Variant};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// The host VmSize of process `pid`, in KiB.
fn host_vm_size(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmSize line")
}

#[test]
fn exited_threads_free_host_memory() {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        eprintln!("EMU_SKIP_GUEST_BINS=1: skipping");
        return;
    }
    let program = Program::load(Kind::C, "thread_churn").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_emu-user"))
        .arg(program.binary(Variant::Static))
        .arg("pause")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run emu-user");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut wait_for = |what: &str| loop {
        let line = lines.next().expect("guest output").unwrap();
        if line == what {
            break;
        }
    };
    wait_for("warm");
    let before = host_vm_size(pid);
    writeln!(stdin).unwrap();
    wait_for("churned");
    let after = host_vm_size(pid);
    writeln!(stdin).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "thread_churn: {status}");
    // A leaked 4 MiB host stack per thread would be 12 GiB, a leaked 64 KiB
    // alternate stack 188 MiB; an allocator arena appearing late is 64 MiB.
    let grown = after.saturating_sub(before);
    assert!(
        grown < 128 * 1024,
        "emu-user's VmSize grew by {grown} KiB over 3000 guest threads ({before} -> {after} KiB)"
    );
}
