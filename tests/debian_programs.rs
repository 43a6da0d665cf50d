//! Runs real Debian arm64 programs (busybox, bash, coreutils, grep, sed,
//! gawk, tar, gzip, bzip2, xz, zstd, diffutils, findutils, perl, lua5.4,
//! sqlite3, python3.11, nodejs; dash is the guest's /bin/sh) under
//! `emu-user` and compares stdout and exit status with an oracle; `cpython`
//! runs CPython's own regression tests.
//!
//! The programs come from the self-contained Debian bookworm arm64 root that
//! `scripts/build-sysroot.sh` builds (Debian's own libc included), so the
//! guest runs as `emu-user -L ROOT ROOT/usr/bin/PROG ARGS...`.
//!
//! Oracles, per case (see [`Oracle`]):
//! - the host's native x86-64 command of the same Debian version on the same
//!   input (most cases);
//! - `qemu-aarch64 -L ROOT` running the same arm64 binary, for programs the
//!   host lacks (gawk, lua5.4, busybox applets whose output format differs
//!   from coreutils).
//!
//! Every case runs in a fresh directory holding generated inputs
//! (`words.txt`, `nums.txt`, `big.txt`, `data.bin`, `seq.txt`, `lsdir/`)
//! and the scripts of `guest-bins/debian/`; an optional `prep` shell command
//! (run natively) makes further inputs, e.g. compressed files.
//!
//! Cases blocked by a known emulator gap carry `gap = "reason"`: they are
//! skipped with the reason printed, unless `EMU_DEBIAN_GAPS=1` (to check
//! whether a gap has closed).
//!
//! Environment:
//! - `EMU_SKIP_DEBIAN=1`: skip everything (no packages fetched); otherwise a
//!   missing root fails every case.
//! - `EMU_SYSROOT`: the root (default `target/arm64-sysroot`).
//! - `EMU_TEST_TIMEOUT`: seconds per run (default 120).

mod common;
mod support;

use common::{describe_stdout_diff, on_path, Status};
use std::fs::File;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use support::TempDir;

/// What a guest run is compared with.
#[derive(Clone, Copy, Debug)]
enum Oracle {
    /// The host command with the same argv (program found on the host PATH).
    Same,
    /// This host argv.
    Native(&'static [&'static str]),
    /// `qemu-aarch64 -L ROOT` running the same guest command.
    Qemu,
}

/// One guest command and how to check it.
struct Case {
    name: &'static str,
    /// argv; argv[0] is looked up in the root's bin directories.
    argv: &'static [&'static str],
    oracle: Oracle,
    /// A file of the case directory given as stdin (else stdin is empty).
    stdin: Option<&'static str>,
    /// A shell command run natively in the case directory first.
    prep: Option<&'static str>,
    /// A known emulator gap that makes this case fail: skipped, reason shown.
    gap: Option<&'static str>,
}

macro_rules! opt {
    () => {
        None
    };
    ($e:expr) => {
        Some($e)
    };
}

/// The case table: `name: [argv...] => oracle, key = value...;`, and one
/// `#[test]` per case.
macro_rules! cases {
    ($($name:ident: [$($arg:expr),+ $(,)?] => $oracle:expr
        $(, stdin = $stdin:expr)? $(, prep = $prep:expr)? $(, gap = $gap:expr)?;)*) => {
        static CASES: &[Case] = &[$(Case {
            name: stringify!($name),
            argv: &[$($arg),+],
            oracle: $oracle,
            stdin: opt!($($stdin)?),
            prep: opt!($($prep)?),
            gap: opt!($($gap)?),
        },)*];
        mod case {
            $(#[test] fn $name() { super::run_case(stringify!($name)); })*
        }
    };
}

use Oracle::{Native, Qemu, Same};

include!("debian_programs/cases.rs");

#[path = "debian_programs/cpython.rs"]
mod cpython;

fn timeout() -> Duration {
    let secs = std::env::var("EMU_TEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    Duration::from_secs(secs)
}

fn root() -> PathBuf {
    std::env::var_os("EMU_SYSROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo_root().join("target/arm64-sysroot"))
}

/// The guest path of a program: the first of the root's bin directories
/// that has it.
fn guest_program(root: &Path, name: &str) -> PathBuf {
    for dir in ["bin", "usr/bin", "sbin", "usr/sbin"] {
        let p = root.join(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!(
        "{name} is not in {} (rerun scripts/build-sysroot.sh --force)",
        root.display()
    );
}

/// The environment every run gets (guest and oracle alike).
fn base_env(cmd: &mut Command, dir: &Path) {
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .env("HOME", dir)
        .current_dir(dir);
}

/// Diagnostic variables passed to emu-user only (`-U` keeps them from the guest).
fn emu_diagnostics(cmd: &mut Command) {
    for (k, v) in std::env::vars_os() {
        let Some(name) = k.to_str() else { continue };
        if ["RUST_", "EMU_LOG", "EMU_STRACE", "EMU_DEBUG"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            cmd.arg("-U").arg(name);
            cmd.env(&k, v);
        }
    }
}

fn guest_command(emulator: &str, root: &Path, case: &Case, dir: &Path) -> Command {
    let mut cmd = Command::new(emulator);
    base_env(&mut cmd, dir);
    if emulator != "qemu-aarch64" {
        emu_diagnostics(&mut cmd);
    }
    cmd.arg("-L")
        .arg(root)
        .arg(guest_program(root, case.argv[0]));
    cmd.args(&case.argv[1..]);
    cmd
}

fn oracle_command(root: &Path, case: &Case, dir: &Path) -> Command {
    let argv: &[&str] = match case.oracle {
        Same => case.argv,
        Native(argv) => argv,
        Qemu => {
            assert!(
                on_path("qemu-aarch64"),
                "{}: the oracle is qemu-aarch64, which is not installed (apt-get install qemu-user)",
                case.name
            );
            return guest_command("qemu-aarch64", root, case, dir);
        }
    };
    let mut cmd = Command::new(argv[0]);
    base_env(&mut cmd, dir);
    cmd.args(&argv[1..]);
    cmd
}

struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// `None` when the time limit was hit.
    status: Option<Status>,
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Runs `cmd` with stdin from `stdin` (or empty), in its own process group,
/// killed with the group after `limit`.
fn run(mut cmd: Command, stdin: Option<&Path>, limit: Duration) -> Outcome {
    let input = match stdin {
        Some(p) => Stdio::from(File::open(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))),
        None => Stdio::null(),
    };
    cmd.stdin(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(Status::from_exit(s));
        }
        if Instant::now() >= deadline {
            let group = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(5));
    };
    Outcome {
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        status,
    }
}

fn show_status(s: Option<Status>) -> String {
    s.map_or_else(|| "timed out".to_owned(), |s| s.to_string())
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(12)..].join("\n      ")
}

/// A small deterministic generator for the inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const VOCABULARY: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "buzz", "fizz", "emulator", "arm",
];

fn words(rng: &mut Rng, lines: usize, max_words: u64) -> String {
    let mut s = String::new();
    for _ in 0..lines {
        let n = 1 + rng.below(max_words);
        let line: Vec<&str> = (0..n)
            .map(|_| VOCABULARY[rng.below(VOCABULARY.len() as u64) as usize])
            .collect();
        s.push_str(&line.join(" "));
        s.push('\n');
    }
    s
}

/// Writes the inputs every case can use into `dir`.
fn make_inputs(dir: &TempDir) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    dir.write("words.txt", words(&mut rng, 1000, 4).as_bytes());
    dir.write("words2.txt", words(&mut rng, 1000, 4).as_bytes());
    dir.write("big.txt", words(&mut rng, 40_000, 8).as_bytes());
    let mut nums = String::new();
    for i in 0..600 {
        let v = rng.next() as i64 % 100_000;
        match i % 3 {
            0 => nums.push_str(&format!("{v}\n")),
            1 => nums.push_str(&format!("{}.{:03}\n", v / 7, rng.below(1000))),
            _ => nums.push_str(&format!("{:e}\n", v as f64 * 1.5e-3)),
        }
    }
    dir.write("nums.txt", nums.as_bytes());
    let seq: String = (1..=100_000).map(|i| format!("{i}\n")).collect();
    dir.write("seq.txt", seq.as_bytes());
    // Compressible binary: runs and repeated blocks mixed with noise.
    let mut data = Vec::with_capacity(256 * 1024);
    while data.len() < 256 * 1024 {
        match rng.below(3) {
            0 => data.extend(std::iter::repeat_n(
                rng.next() as u8,
                rng.below(64) as usize,
            )),
            1 => data.extend((0..rng.below(64)).map(|_| rng.next() as u8)),
            _ => {
                let back = rng.below(data.len().min(4096) as u64 + 1) as usize;
                let start = data.len() - back;
                let take = back.min(rng.below(128) as usize);
                data.extend_from_within(start..start + take);
            }
        }
    }
    dir.write("data.bin", &data);
    // A directory with fixed sizes, modes and times for ls/stat/find.
    let when = std::time::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    for (i, name) in ["a.txt", "b.txt", "c.dat", "sub/d.txt", "sub/deeper/e.bin"]
        .iter()
        .enumerate()
    {
        let path = dir.write(&format!("lsdir/{name}"), &data[..i * 1000 + 17]);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
    std::os::unix::fs::symlink("a.txt", dir.join("lsdir/link")).unwrap();
    for sub in ["lsdir/sub/deeper", "lsdir/sub", "lsdir"] {
        File::open(dir.join(sub))
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
    let scripts = common::guest_bins().join("debian");
    for entry in std::fs::read_dir(&scripts).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
}

fn skipped() -> bool {
    std::env::var("EMU_SKIP_DEBIAN").is_ok_and(|v| v == "1")
}

/// The Debian root for test `name`, or None when the test is skipped (everything
/// with EMU_SKIP_DEBIAN=1; a known `gap` unless EMU_DEBIAN_GAPS=1), saying why.
fn fetched_root(name: &str, gap: Option<&str>) -> Option<PathBuf> {
    if skipped() {
        eprintln!("EMU_SKIP_DEBIAN=1: skipping {name}");
        return None;
    }
    if let Some(gap) = gap {
        if !std::env::var("EMU_DEBIAN_GAPS").is_ok_and(|v| v == "1") {
            eprintln!("SKIPPED {name} (known gap): {gap}");
            println!("SKIPPED {name} (known gap): {gap}");
            return None;
        }
    }
    let root = root();
    assert!(
        root.join(".emu-sysroot").exists(),
        "{} is missing: run scripts/build-sysroot.sh (or set EMU_SKIP_DEBIAN=1)",
        root.display()
    );
    Some(root)
}

fn run_case(name: &str) {
    let case = CASES
        .iter()
        .find(|c| c.name == name)
        .expect("case in table");
    let Some(root) = fetched_root(name, case.gap) else {
        return;
    };
    let dir = TempDir::new(name);
    make_inputs(&dir);
    if let Some(prep) = case.prep {
        let mut cmd = Command::new("sh");
        base_env(&mut cmd, &dir.path);
        let st = cmd.arg("-c").arg(prep).status().expect("run prep");
        assert!(st.success(), "{name}: prep `{prep}` failed: {st}");
    }
    let stdin = case.stdin.map(|f| dir.join(f));
    let expected = run(
        oracle_command(&root, case, &dir.path),
        stdin.as_deref(),
        timeout(),
    );
    assert!(
        expected.status.is_some(),
        "{name}: the oracle ({:?}) timed out",
        case.oracle
    );
    let cmd = guest_command(env!("CARGO_BIN_EXE_emu-user"), &root, case, &dir.path);
    let actual = run(cmd, stdin.as_deref(), timeout());
    // Gaps that did not change the result stay visible in the test log.
    for line in String::from_utf8_lossy(&actual.stderr).lines() {
        if line.contains("unimplemented") || line.contains("not supported") {
            eprintln!("{name}: note: {line}");
        }
    }
    let mut problems = Vec::new();
    if actual.status != expected.status {
        problems.push(format!(
            "status {}, expected {}",
            show_status(actual.status),
            show_status(expected.status)
        ));
    }
    if actual.stdout != expected.stdout {
        let diff = describe_stdout_diff(&expected.stdout, &actual.stdout);
        // Binary outputs make one huge "line": keep the report readable.
        let short: Vec<String> = diff
            .lines()
            .map(|l| l.chars().take(160).collect())
            .collect();
        problems.push(short.join("\n"));
    }
    assert!(
        problems.is_empty(),
        "\n{name}: {:?} under emu-user vs {:?}:\n    {}\n    emu stderr:\n      {}\n    oracle stderr:\n      {}\n",
        case.argv,
        case.oracle,
        problems.join("\n    "),
        tail(&actual.stderr),
        tail(&expected.stderr),
    );
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let n = names.len();
    names.dedup();
    assert_eq!(n, names.len());
}

#[test]
fn guest_scripts_are_present() {
    for f in [
        "script.sql",
        "script.sh",
        "report.awk",
        "edit.sed",
        "tables.lua",
        "py_threads.py",
        "py_process.py",
        "py_stdlib.py",
        "py_asyncio.py",
    ] {
        assert!(common::guest_bins().join("debian").join(f).is_file(), "{f}");
    }
}
