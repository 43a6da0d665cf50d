//! binfmt_misc: `emu-user --binfmt install` registers emu-user for arm64 ELF
//! programs so they run directly (`./prog`, and from a host shell), with the P
//! flag's argv[0] and the O flag's already-open binary (an execute-only file);
//! `--binfmt uninstall` removes it. The test runs in a private user and mount
//! namespace with its own binfmt_misc instance (Linux 6.7+), so nothing outside
//! it sees the registration; where that is not possible it says why and passes.

mod common;

use common::{Kind, Program, Variant};
use std::process::Command;

#[test]
fn install_run_and_uninstall_in_a_private_namespace() {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        eprintln!("EMU_SKIP_GUEST_BINS=1: skipping");
        return;
    }
    let probe = Command::new("unshare")
        .args(["-Urm", "sh", "-c"])
        .arg("mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && test -e /proc/sys/fs/binfmt_misc/register")
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: no private binfmt_misc here (needs unshare -Urm and Linux 6.7+)");
        return;
    }
    let emu = env!("CARGO_BIN_EXE_emu-user");
    let hello = Program::load(Kind::C, "hello")
        .unwrap()
        .binary(Variant::Static);
    let argv = Program::load(Kind::C, "argv_env")
        .unwrap()
        .binary(Variant::Static);
    // An arm64 shell started directly, which execs an arm64 child: the
    // Debian root's static busybox when scripts/build-sysroot.sh has made it.
    let root = std::env::var_os("EMU_SYSROOT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::repo_root().join("target/arm64-sysroot"));
    let busybox = root.join("bin/busybox");
    let guest_shell = if busybox.is_file() {
        format!(
            "echo \"guest shell: $({} sh -c '{} && echo child $?')\"",
            busybox.display(),
            hello.display()
        )
    } else {
        eprintln!(
            "no {}: the guest-shell case is skipped (scripts/build-sysroot.sh makes it)",
            busybox.display()
        );
        String::new()
    };
    let dir = std::env::temp_dir().join(format!("emu-binfmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exec_only = dir.join("hello-x");
    std::fs::copy(&hello, &exec_only).unwrap();
    let script = format!(
        r#"set -e
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
{emu} --binfmt install --binfmt-name emu-test
grep -x 'flags: POCF' /proc/sys/fs/binfmt_misc/emu-test
echo "direct: $({hello})"
echo "host shell: $(sh -c '{hello}')"
{guest_shell}
echo "argv0: $(bash -c 'exec -a custom-name {argv} x' | grep 'argv\[0\]')"
chmod 111 {exec_only}
echo "execute-only: $({exec_only})"
{emu} --binfmt uninstall --binfmt-name emu-test
if {hello} 2>/dev/null; then echo "still runs"; else echo "after uninstall: $?"; fi
"#,
        hello = hello.display(),
        argv = argv.display(),
        exec_only = exec_only.display(),
    );
    let out = Command::new("unshare")
        .args(["-Urm", "bash", "-c", &script])
        .output()
        .expect("run unshare");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let mut expected = vec![
        "registered {} for arm64 ELF programs as emu-test (POCF)".replace("{}", emu),
        "flags: POCF".to_owned(),
        "direct: hello, world".to_owned(),
        "host shell: hello, world".to_owned(),
    ];
    if busybox.is_file() {
        // `$(...)` keeps the newline between the child's line and the echo.
        expected.push("guest shell: hello, world".to_owned());
        expected.push("child 0".to_owned());
    }
    expected.extend(
        [
            "argv0: argv[0] basename=[custom-name]",
            "execute-only: hello, world",
            "removed emu-test",
            "after uninstall: 126",
        ]
        .map(str::to_owned),
    );
    assert_eq!(lines, expected, "stderr: {stderr}");
}
