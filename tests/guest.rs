//! Runs every program in `guest-bins/` under `emu-user` and compares its
//! stdout (byte for byte) and exit status with `NAME.stdout` and
//! `NAME.status`.
//!
//! The binaries come from `guest-bins/build.sh` (aarch64-linux-gnu-gcc and
//! -g++) in `guest-bins/out/{static,dynamic,asm}/NAME`; dynamic ones run with
//! `-L /usr/aarch64-linux-gnu`.  Environment:
//! - `EMU_SKIP_GUEST_BINS=1`: skip (no cross compiler); otherwise missing
//!   binaries fail the tests.
//! - `EMU_TEST_RUNNER`: command used instead of `emu-user`, e.g.
//!   `EMU_TEST_RUNNER=qemu-aarch64 cargo test --test guest` to check the
//!   programs and this harness against another emulator.
//! - `EMU_TEST_TIMEOUT`: seconds per guest run (default 60).
//! - `EMU_TEST_SYSROOT`: guest library root (default /usr/aarch64-linux-gnu).
//!
//! If `qemu-aarch64` is on PATH, `qemu_oracle` also runs every binary under
//! it and reports (never fails on) programs where it disagrees with the
//! expected files: QEMU is only an oracle for the expectations.

mod common;

use common::{discover, on_path, run_with_timeout, Kind, Program, Variant};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn timeout() -> Duration {
    let secs = std::env::var("EMU_TEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
}

fn sysroot() -> String {
    std::env::var("EMU_TEST_SYSROOT").unwrap_or_else(|_| "/usr/aarch64-linux-gnu".to_owned())
}

/// The emulator command: `EMU_TEST_RUNNER` (split on whitespace) or the
/// `emu-user` built with this test.
fn runner() -> Vec<String> {
    match std::env::var("EMU_TEST_RUNNER") {
        Ok(r) if !r.trim().is_empty() => r.split_whitespace().map(str::to_owned).collect(),
        _ => vec![env!("CARGO_BIN_EXE_emu-user").to_owned()],
    }
}

/// Host variables passed to the runner: diagnostics only, never ones that
/// change what the guest sees (`EMU_LD_PREFIX`, `EMU_SET_ENV`, ...).
const PASSED_ENV_PREFIXES: &[&str] = &["RUST_", "EMU_LOG", "EMU_TRACE", "EMU_DEBUG"];

/// The guest command line: `RUNNER [-L SYSROOT] BINARY ARGS...`, with a
/// clean environment holding the program's `.env` plus the diagnostic
/// variables of `PASSED_ENV_PREFIXES`.
fn command(runner: &[String], program: &Program, variant: Variant) -> Command {
    let root = (variant == Variant::Dynamic).then(|| PathBuf::from(sysroot()));
    command_in(runner, program, variant, root.as_deref(), &[])
}

/// [`command`] with sysroot `root` and `extra` arguments after the program's.
fn command_in(
    runner: &[String],
    program: &Program,
    variant: Variant,
    root: Option<&Path>,
    extra: &[&str],
) -> Command {
    let mut cmd = Command::new(&runner[0]);
    cmd.args(&runner[1..]);
    if let Some(root) = root {
        cmd.arg("-L").arg(root);
    }
    cmd.arg(program.binary(variant))
        .args(&program.args)
        .args(extra);
    cmd.env_clear();
    for (k, v) in std::env::vars_os() {
        let keep = k
            .to_str()
            .is_some_and(|k| PASSED_ENV_PREFIXES.iter().any(|p| k.starts_with(p)));
        if keep {
            cmd.env(k, v);
        }
    }
    cmd.envs(program.env.iter().map(|(k, v)| (k, v)));
    cmd
}

const BUILD_HINT: &str =
    "run guest-bins/build.sh (needs aarch64-linux-gnu-gcc; scripts/test.sh installs it), \
                          or set EMU_SKIP_GUEST_BINS=1 to skip the guest programs";

fn skipped() -> bool {
    std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1")
}

/// Checks that a variant's binary exists and is newer than its source.
fn binary_problem(program: &Program, variant: Variant) -> Option<String> {
    let bin = program.binary(variant);
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(&bin), modified(&program.source())) {
        (None, _) => Some(format!("{} is not built: {BUILD_HINT}", bin.display())),
        (Some(b), Some(s)) if b < s => Some(format!(
            "{} is older than its source: rerun guest-bins/build.sh",
            bin.display()
        )),
        _ => None,
    }
}

/// Runs every variant of one program under `runner`; returns the
/// mismatches, one string each.
fn run_all_variants(runner: &[String], program: &Program) -> Vec<String> {
    let mut problems = Vec::new();
    for &variant in program.kind.variants() {
        let label = format!(
            "{}/{} ({})",
            program.kind.dir(),
            program.name,
            variant.dir()
        );
        if let Some(p) = binary_problem(program, variant) {
            problems.push(format!("{label}: {p}"));
            continue;
        }
        match run_with_timeout(command(runner, program, variant), timeout()) {
            Ok(outcome) => {
                if let Some(p) = program.check(&outcome) {
                    problems.push(format!("{label} under {}:\n    {p}", runner.join(" ")));
                }
            }
            Err(e) => problems.push(format!("{label}: cannot run {}: {e}", runner.join(" "))),
        }
    }
    problems
}

fn run_program(kind: Kind, name: &str) {
    if skipped() {
        eprintln!("EMU_SKIP_GUEST_BINS=1: skipping {name}");
        return;
    }
    let program = Program::load(kind, name).unwrap_or_else(|e| panic!("{e}"));
    let problems = run_all_variants(&runner(), &program);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// One test per program (`cargo test --test guest int64`); the list must
/// match the files, which `every_program_is_listed` checks.
macro_rules! guest_programs {
    ($module:ident, $kind:expr, [$($name:ident),* $(,)?]) => {
        mod $module {
            use super::Kind;

            pub const LISTED: &[&str] = &[$(stringify!($name)),*];
            $(
                #[test]
                fn $name() {
                    super::run_program($kind, stringify!($name));
                }
            )*
        }
    };
}

guest_programs!(
    c,
    Kind::C,
    [
        abort,
        argv_env,
        atomics_c11,
        bad_pointers,
        builtin_trap,
        call_return,
        cpu_features,
        crypto_intrinsics,
        cwd_paths,
        environ_list,
        epoll_events,
        events_timers,
        exit_code,
        fault_regs,
        fcntl_cmds,
        fileio,
        files_more,
        fp16_arith,
        gdb_target,
        getopt_long,
        hello,
        int32,
        int64,
        libm,
        libm_float_quad,
        memory,
        neon_dot_bf16,
        neon_estimates,
        net_echo,
        null_write,
        overlay_paths,
        posix_mq,
        prctl_opts,
        printf_strtod,
        privileged,
        proc_maps,
        proc_other,
        proc_self,
        process_clone3,
        process_exec,
        process_fork,
        pstate_bits,
        pthread_basic,
        pthread_sync,
        pty_term,
        qsort_bsearch,
        recursion,
        return_main,
        setjmp_longjmp,
        signal_align,
        signal_async,
        signal_basic,
        signal_context,
        signal_segv,
        sigpipe_default,
        smc,
        socket_inet,
        socket_netlink,
        socket_unix,
        spec_store_bypass,
        strace_demo,
        strings,
        struct_passing,
        sysv_ipc,
        tagged_pointer,
        thread_churn,
        time_random,
        udp_echo,
        underscore_exit,
        userfaultfd,
        varargs,
        vdso,
    ]
);
guest_programs!(
    asm,
    Kind::Asm,
    [
        alu_flags,
        brk,
        exec_data,
        exit_group,
        hello,
        loadstore,
        plugin_helpers,
        plugin_loop
    ]
);
guest_programs!(cxx, Kind::Cxx, [cxx_exceptions, cxx_terminate, cxx_threads]);
guest_programs!(go, Kind::Go, [gort, gotest]);

/// overlay_paths again, as `RUNNER -L ROOT overlay_paths /ovl` over a root made
/// here: ROOT/ovl (empty; the program makes its tree in it) and, for the
/// dynamic variant, ROOT/lib as an absolute link to the host's
/// `SYSROOT/lib`, which ROOT itself does not have. Every link the program
/// makes then points at paths only ROOT has, every ".." climb passes ROOT's
/// top, and the expected output is the one a kernel gives in a chroot.
#[test]
fn overlay_paths_in_a_root() {
    if skipped() {
        return;
    }
    let program = Program::load(Kind::C, "overlay_paths").unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    for &variant in Kind::C.variants() {
        if let Some(p) = binary_problem(&program, variant) {
            problems.push(p);
            continue;
        }
        let root = std::env::temp_dir().join(format!(
            "emu-overlay-root-{}-{}",
            variant.dir(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("ovl")).unwrap();
        if variant == Variant::Dynamic {
            std::os::unix::fs::symlink(Path::new(&sysroot()).join("lib"), root.join("lib"))
                .unwrap();
        }
        let cmd = command_in(&runner(), &program, variant, Some(&root), &["/ovl"]);
        match run_with_timeout(cmd, timeout()) {
            Ok(outcome) => problems.extend(
                program
                    .check(&outcome)
                    .map(|p| format!("{} in {}: {p}", variant.dir(), root.display())),
            ),
            Err(e) => problems.push(format!("cannot run: {e}")),
        }
        let left: Vec<_> = std::fs::read_dir(root.join("ovl")).unwrap().collect();
        if left.is_empty() {
            std::fs::remove_dir_all(&root).unwrap();
        } else {
            problems.push(format!(
                "{} left {} entries in ROOT/ovl",
                variant.dir(),
                left.len()
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn every_program_is_listed() {
    let listed: Vec<(Kind, String)> = c::LISTED
        .iter()
        .map(|n| (Kind::C, n.to_string()))
        .chain(asm::LISTED.iter().map(|n| (Kind::Asm, n.to_string())))
        .chain(cxx::LISTED.iter().map(|n| (Kind::Cxx, n.to_string())))
        .chain(go::LISTED.iter().map(|n| (Kind::Go, n.to_string())))
        .collect();
    let found = discover();
    assert_eq!(
        listed, found,
        "the guest_programs! lists in tests/guest.rs must name exactly the guest-bins/{{c,asm,cxx,go}}/*.stdout programs"
    );
    for (kind, name) in &found {
        let program = Program::load(*kind, name).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            program.source().is_file(),
            "{} has no source",
            program.source().display()
        );
    }
}

#[test]
fn qemu_oracle() {
    if skipped() || !on_path("qemu-aarch64") || !common::guest_bins().join("out").is_dir() {
        return;
    }
    let qemu = vec!["qemu-aarch64".to_owned()];
    let mut disagreements = Vec::new();
    for (kind, name) in discover() {
        let program = Program::load(kind, &name).unwrap_or_else(|e| panic!("{e}"));
        disagreements.extend(run_all_variants(&qemu, &program));
    }
    // Written straight to stderr so it shows even though the test passes.
    let mut err = std::io::stderr().lock();
    if disagreements.is_empty() {
        let _ = writeln!(
            err,
            "qemu_oracle: qemu-aarch64 agrees with every expected output"
        );
    } else {
        let _ = writeln!(
            err,
            "qemu_oracle: qemu-aarch64 disagrees with the expected files (informational only):\n{}",
            disagreements.join("\n")
        );
    }
}
