//! `--strace`: the decoded trace of `guest-bins/c/strace_demo.c` against the reviewed
//! `strace_demo.strace`, and where the trace goes (stderr, or the `-D` file and never
//! the guest's own stderr).
//!
//! Needs `guest-bins/out/static/strace_demo` (guest-bins/build.sh);
//! `EMU_SKIP_GUEST_BINS=1` skips these tests like the other guest tests.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

/// `guest-bins/out/static/NAME`, or `None` when guest programs are skipped.
fn guest(name: &str) -> Option<PathBuf> {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        return None;
    }
    let p = common::guest_bins().join("out/static").join(name);
    assert!(
        p.exists(),
        "{} missing: run guest-bins/build.sh",
        p.display()
    );
    Some(p)
}

fn demo() -> Option<PathBuf> {
    guest("strace_demo")
}

/// Runs `emu-user --strace -D FILE PROGRAM`: its output, pid and trace.
fn traced_to_file(program: &std::path::Path) -> (Output, u32, String) {
    let dir = std::env::temp_dir().join(format!(
        "emu-strace-{}-{}",
        std::process::id(),
        program.file_name().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trace");
    let (out, pid) = run(emu().arg("--strace").arg("-D").arg(&file).arg(program));
    let trace = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (out, pid, trace)
}

fn emu() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_emu-user"));
    c.env_remove("EMU_STRACE").env_remove("EMU_LOG_FILENAME");
    c
}

/// Replaces the run's variable parts: `0x…` for every hex number, `PID` for the
/// process id, `N` for the numbers after `tv_sec=`, `tv_nsec=` and `si_uid=`.
fn mask(text: &str, pid: u32) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(hex) = rest.strip_prefix("0x") {
            let n = hex
                .find(|c: char| !c.is_ascii_hexdigit())
                .unwrap_or(hex.len());
            if n > 0 {
                out.push_str("0x…");
                rest = &hex[n..];
                continue;
            }
        }
        if c.is_ascii_digit() && !out.ends_with(|p: char| p.is_ascii_alphanumeric() || p == '_') {
            let n = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let num = &rest[..n];
            let varies = ["tv_sec=", "tv_nsec=", "si_uid="]
                .iter()
                .any(|k| out.ends_with(k));
            if num == pid.to_string() {
                out.push_str("PID");
            } else if varies {
                out.push('N');
            } else {
                out.push_str(num);
            }
            rest = &rest[n..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `text` with strace's alignment padding before each result's `=` taken out.
fn unaligned(text: &str) -> String {
    let mut s = text.to_string();
    while s.contains("  =") {
        s = s.replace("  =", " =");
    }
    s
}

/// The trace from the first line of the fixed sequence on (the C library's start-up
/// calls before it vary with its version).
fn from_demo_start(trace: &str) -> String {
    let start = trace
        .find("openat(AT_FDCWD, \"/nonexistent/strace_demo\"")
        .expect("the demo's first call is in the trace");
    trace[start..].to_string()
}

fn run(cmd: &mut Command) -> (Output, u32) {
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    (child.wait_with_output().unwrap(), pid)
}

#[test]
fn demo_trace_matches_the_reviewed_one() {
    let Some(demo) = demo() else { return };
    let (out, pid, trace) = traced_to_file(&demo);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(out.stdout, b"hello\n");
    // The guest's stderr has its own output only: the trace went to the file.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "to stderr\n");
    let got = unaligned(&mask(&from_demo_start(&trace), pid));
    let expected_file = common::guest_bins().join("c/strace_demo.strace");
    let expected: String = std::fs::read_to_string(expected_file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected = unaligned(&expected);
    assert_eq!(got, expected, "trace:\n{trace}");
}

#[test]
fn trace_goes_to_stderr_without_d() {
    let Some(demo) = demo() else { return };
    for via_env in [false, true] {
        let mut cmd = emu();
        if via_env {
            cmd.env("EMU_STRACE", "1");
        } else {
            cmd.arg("--strace");
        }
        let (out, _) = run(cmd.arg(&demo));
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, b"hello\n", "the trace never goes to stdout");
        let err = String::from_utf8_lossy(&out.stderr);
        // strace's alignment: the `=` in column 40.
        let write = format!("write(1, \"hello\\n\", 6){}= 6\n", " ".repeat(18));
        assert!(err.contains(&write), "{err}");
        assert!(err.contains("to stderr\n"), "{err}");
        assert!(
            unaligned(&err).ends_with("exit_group(3) = ?\n+++ exited with 3 +++\n"),
            "{err}"
        );
    }
}

#[test]
fn no_trace_without_the_option() {
    let Some(demo) = demo() else { return };
    let (out, _) = run(emu().arg(&demo));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "to stderr\n");
}

#[test]
fn deaths_by_signal_end_the_trace() {
    let Some(null_write) = guest("null_write") else {
        return;
    };
    let (_, _, trace) = traced_to_file(&null_write);
    assert!(
        trace.ends_with(
            "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---\n+++ killed by SIGSEGV +++\n"
        ),
        "{trace}"
    );
    // abort(): the host kernel ends the process inside tgkill.
    let Some(abort) = guest("abort") else { return };
    let (_, pid, trace) = traced_to_file(&abort);
    let tail = format!(
        "tgkill({pid}, {pid}, SIGABRT) = ?\n--- SIGABRT {{si_signo=SIGABRT, si_code=SI_TKILL, si_pid={pid}, si_uid="
    );
    assert!(unaligned(&trace).contains(&tail), "{trace}");
    assert!(
        trace.ends_with("} ---\n+++ killed by SIGABRT +++\n"),
        "{trace}"
    );
}

#[test]
fn threads_get_pid_prefixes_and_whole_lines() {
    let Some(prog) = guest("pthread_basic") else {
        return;
    };
    let (out, pid, trace) = traced_to_file(&prog);
    assert!(out.status.success());
    // Once a thread exists (its first line may come before the parent's clone line),
    // every line has a prefix.
    let threaded = &trace[trace.find("[pid ").expect("prefixed lines")..];
    assert!(trace.find("clone(") > trace.find("[pid "), "{trace}");
    for line in threaded.lines() {
        let rest = line
            .strip_prefix("[pid ")
            .unwrap_or_else(|| panic!("no prefix: {line:?}"));
        let (tid, call) = rest.split_once("] ").unwrap();
        tid.trim().parse::<u32>().unwrap();
        assert!(!call.contains("[pid "), "two lines mixed: {line:?}");
        let complete = call.contains(" = ")
            || call.starts_with("--- ")
            || call.starts_with("+++ ")
            || call.ends_with(" <unfinished ...>");
        assert!(complete, "{line:?}");
    }
    assert!(trace.ends_with("+++ exited with 0 +++\n"), "{trace}");
    assert!(trace.contains(&format!("[pid {pid:>5}] clone(")), "{trace}");
}

/// `--stats` counts the system calls of every thread, not only of the one that
/// prints: as many as the trace of the same run shows, plus at most one per
/// thread still inside a call when the process ended (counted on entry, never
/// traced).
#[test]
fn stats_count_the_syscalls_of_every_thread() {
    let Some(prog) = guest("pthread_basic") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("emu-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trace");
    let (out, pid) = run(emu()
        .args(["--stats", "--strace", "-D"])
        .arg(&file)
        .arg(&prog));
    let trace = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let stats: usize = err
        .split(" syscalls")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no syscall count: {err}"));
    let tid = |line: &str| {
        line.strip_prefix("[pid ")
            .and_then(|r| r.split_once(']'))
            .map_or(pid, |(t, _)| t.trim().parse().unwrap())
    };
    let calls: Vec<&str> = trace
        .lines()
        .filter(|l| !l.contains("+++ ") && !l.contains("--- ") && !l.contains(" resumed>"))
        .collect();
    let mut tids: Vec<u32> = trace.lines().map(tid).collect();
    tids.sort_unstable();
    tids.dedup();
    let ended = |t: &u32| {
        trace
            .lines()
            .any(|l| tid(l) == *t && l.contains("+++ exited"))
    };
    let alive = tids.iter().filter(|t| !ended(t)).count();
    let main_calls = calls.iter().filter(|l| tid(l) == pid).count();
    assert!(tids.len() > 2, "{trace}");
    assert!(
        calls.len() <= stats && stats <= calls.len() + alive,
        "{stats} counted, {} traced, {alive} threads alive at the end",
        calls.len()
    );
    assert!(
        stats > main_calls,
        "{stats} vs the main thread's {main_calls}"
    );
}

#[test]
fn an_exec_keeps_tracing_into_the_file() {
    let Some(prog) = guest("process_exec") else {
        return;
    };
    let (out, _, trace) = traced_to_file(&prog);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("execve(") && !err.contains("+++"), "{err}");
    // The program re-executes itself with "exec-child", which exits with 22.
    assert!(trace.contains("\"exec-child\"], "), "{trace}");
    assert!(trace.contains("+++ exited with 22 +++\n"), "{trace}");
}

#[test]
fn masking() {
    assert_eq!(
        mask(
            "kill(123, SIGUSR1) = 0 0x7f00 {tv_sec=5, tv_nsec=9} si_uid=1000 1234",
            123
        ),
        "kill(PID, SIGUSR1) = 0 0x… {tv_sec=N, tv_nsec=N} si_uid=N 1234"
    );
}
