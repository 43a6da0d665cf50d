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
