//! emu-user as a cross test runner: `go test -exec emu-user` builds the Go
//! package's test binary for GOARCH=arm64 and runs it under emu-user, as the
//! README's "Cross test runners" section shows.
//!
//! Needs Go (Debian's golang-go, installed by scripts/test.sh);
//! `EMU_SKIP_GUEST_BINS=1` skips it.

mod common;

use std::process::Command;

#[test]
fn go_test_exec_runs_the_arm64_test_binary() {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        eprintln!("EMU_SKIP_GUEST_BINS=1: skipping");
        return;
    }
    let dir = common::guest_bins().join("go/gotest");
    let out = Command::new("go")
        .args([
            "test",
            "-count=1",
            "-exec",
            env!("CARGO_BIN_EXE_emu-user"),
            ".",
        ])
        .current_dir(&dir)
        .env("GOARCH", "arm64")
        .env("CGO_ENABLED", "0")
        .env("GOFLAGS", "-buildvcs=false")
        .output()
        .expect("go is installed (apt-get install golang-go)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.starts_with("ok "),
        "go test -exec emu-user:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// cargo's own cross test runner: `cargo test --target
/// aarch64-unknown-linux-gnu` with emu-user as
/// CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER, on the small crate of
/// `guest-bins/rust/crosscheck`. It checks the passing run, a failing test
/// (exit status 101 and the panic message reach cargo) and a test binary
/// killed by SIGABRT (cargo reports the signal).
#[test]
fn cargo_runner_runs_the_arm64_tests() {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        eprintln!("EMU_SKIP_GUEST_BINS=1: skipping");
        return;
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("aarch64-unknown-linux-gnu"))
        .unwrap_or(false);
    if !installed {
        eprintln!(
            "SKIPPED: the Rust target aarch64-unknown-linux-gnu is not installed \
             (rustup target add aarch64-unknown-linux-gnu; scripts/test.sh does this)"
        );
        return;
    }
    let target_dir = common::repo_root().join("target/crosscheck");
    let cargo_test = |env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["test", "--target", "aarch64-unknown-linux-gnu"])
            .current_dir(common::guest_bins().join("rust/crosscheck"))
            .env("CARGO_TARGET_DIR", &target_dir)
            .env(
                "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER",
                "aarch64-linux-gnu-gcc",
            )
            .env(
                "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER",
                env!("CARGO_BIN_EXE_emu-user"),
            )
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("RUSTFLAGS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run cargo");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };

    let (code, text) = cargo_test(&[]);
    assert_eq!(code, Some(0), "cargo test under emu-user:\n{text}");
    assert!(
        text.contains("test result: ok. 7 passed") && text.contains("child_exit_status ... ok"),
        "{text}"
    );

    let (code, text) = cargo_test(&[("CROSSCHECK_FAIL", "1")]);
    assert_eq!(code, Some(101), "a failing test:\n{text}");
    assert!(
        text.contains("test tests::fails_when_asked ... FAILED")
            && text.contains("asked to fail")
            && text.contains("6 passed; 1 failed"),
        "{text}"
    );

    let (code, text) = cargo_test(&[("CROSSCHECK_ABORT", "1")]);
    assert_eq!(code, Some(101), "an aborting test binary:\n{text}");
    assert!(text.contains("signal: 6, SIGABRT"), "{text}");
}
