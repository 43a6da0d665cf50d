//! CPython's own regression tests (`python3.11 -m test MODULE`, from Debian's
//! libpython3.11-testsuite) run under emu-user: each module must end with
//! "Tests result: SUCCESS", as it does on arm64 hardware. Modules blocked by a
//! known emulator gap are skipped with the reason (unless `EMU_DEBIAN_GAPS=1`).

use super::{base_env, emu_diagnostics, fetched_root, guest_program, run, tail, TempDir};
use std::process::Command;
use std::time::Duration;

/// Seconds per module (the slowest, test_subprocess, takes about two minutes
/// under emu-user on a 2-core machine).
const MODULE_TIMEOUT: u64 = 900;

macro_rules! modules {
    ($($name:ident $(, gap = $gap:expr)? $(, ignore = $ignore:expr)?;)*) => {
        $(#[test] fn $name() {
            run_module(stringify!($name), opt!($($gap)?), opt!($($ignore)?));
        })*
    };
}

// The modules of issue 11's list that finish within a few minutes each;
// scripts/cpython-tests.sh runs these and the long ones (test_asyncio,
// test_socket, test_multiprocessing_fork, test_concurrent_futures), which
// take 3 to 20 minutes each under emu-user on a 2-core machine. Debian's
// libpython3.11-testsuite does not ship test_sqlite3.
modules! {
    test_bytes;
    test_collections;
    test_ctypes;
    test_datetime;
    test_decimal;
    test_exceptions;
    test_fcntl;
    test_float;
    test_gc;
    test_hashlib;
    test_io;
    test_itertools;
    test_json;
    test_math;
    test_mmap;
    test_os;
    test_pickle;
    test_posix;
    test_pty;
    test_re;
    test_select;
    test_shutil;
    test_signal;
    test_struct;
    test_subprocess;
    test_sys;
    test_tempfile;
    test_threading;
    test_time;
    test_unicode;
    test_zlib;
}

fn run_module(module: &str, gap: Option<&str>, ignore: Option<&str>) {
    let Some(root) = fetched_root(module, gap) else {
        return;
    };
    let dir = TempDir::new(module);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_emu-user"));
    base_env(&mut cmd, &dir.path);
    emu_diagnostics(&mut cmd);
    cmd.arg("-L")
        .arg(&root)
        .arg(guest_program(&root, "python3.11"))
        .args(["-m", "test", "-v", module]);
    if let Some(pattern) = ignore {
        cmd.args(["-i", pattern]);
    }
    let out = run(cmd, None, Duration::from_secs(MODULE_TIMEOUT));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failures: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("FAIL:") || l.starts_with("ERROR:"))
        .collect();
    assert!(
        stdout.contains("Tests result: SUCCESS"),
        "\n{module} under emu-user: {}\n    failing: {}\n    stdout:\n      {}\n    stderr:\n      {}\n",
        out.status.map_or("timed out".to_owned(), |s| s.to_string()),
        failures.join("\n      "),
        tail(&out.stdout),
        tail(&out.stderr),
    );
}
