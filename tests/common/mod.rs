//! Shared helpers for integration tests that run arm64 guest programs:
//! discovering the programs in `guest-bins/`, reading their expected
//! results, and running a command with a time limit.
#![allow(dead_code)] // each test crate uses a different subset

pub mod linux;

use std::fmt;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The repository root (where `Cargo.toml` and `guest-bins/` live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Held while a test runs guest code through [`jit_with_fault_handler`]:
/// the handler knows one code region per process, so tests of one binary
/// that run in parallel would take each other's faults for emu's own.
pub fn fault_handler_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A translator, with the host fault handler emu-user installs: guest
/// faults in compiled code and in the interpreter's accesses become fault
/// exits. Run its code under [`fault_handler_lock`].
pub fn jit_with_fault_handler() -> emu::jit::Jit {
    let jit = emu::jit::Jit::new().expect("code cache");
    emu::linux::host_signals::install();
    // The handler finds compiled code through the one registered region.
    emu::linux::host_signals::set_region(Box::leak(Box::new(jit.region().clone())));
    jit
}

/// `guest-bins/` in the repository.
pub fn guest_bins() -> PathBuf {
    repo_root().join("guest-bins")
}

/// How a guest process ended: `N` in a `.status` file is an exit status,
/// `signal:N` is death by signal N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Exit(i32),
    Signal(i32),
}

impl Status {
    /// Parses the contents of a `.status` file.
    pub fn parse(text: &str) -> Result<Status, String> {
        let t = text.trim();
        let parsed = match t.strip_prefix("signal:") {
            Some(sig) => sig.trim().parse().map(Status::Signal),
            None => t.parse().map(Status::Exit),
        };
        parsed.map_err(|e| format!("bad status {t:?}: {e}"))
    }

    /// The status of a finished host process.
    pub fn from_exit(status: ExitStatus) -> Status {
        match (status.code(), status.signal()) {
            (Some(code), _) => Status::Exit(code),
            (None, Some(sig)) => Status::Signal(sig),
            (None, None) => unreachable!("a Unix process ends by exit or by signal"),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Exit(code) => write!(f, "{code}"),
            Status::Signal(sig) => write!(f, "signal:{sig}"),
        }
    }
}

/// What a finished (or killed) command produced.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// `None` when the time limit was hit and the process was killed.
    pub status: Option<Status>,
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

fn wait_with_deadline(child: &mut Child, limit: Duration) -> std::io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            // The whole group, so that children holding the output pipes
            // die too.
            let group = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Runs `cmd` with stdin closed, capturing stdout and stderr, in a process
/// group of its own; kills the group after `limit`.
pub fn run_with_timeout(mut cmd: Command, limit: Duration) -> std::io::Result<Outcome> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn()?;
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let status = wait_with_deadline(&mut child, limit)?;
    Ok(Outcome {
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        status: status.map(Status::from_exit),
    })
}

/// Where a guest program's source lives, which decides how it is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `guest-bins/c/NAME.c`: built static and dynamic.
    C,
    /// `guest-bins/asm/NAME.S`: freestanding, static only.
    Asm,
    /// `guest-bins/cxx/NAME.cc`: C++, built static and dynamic like C.
    Cxx,
    /// `guest-bins/go/NAME/NAME.go`: a Go module built for GOARCH=arm64, static.
    Go,
}

/// One build of a program, as laid out by `guest-bins/build.sh`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Static,
    Dynamic,
    Asm,
    Go,
}

impl Variant {
    /// The directory under `guest-bins/out/`.
    pub fn dir(self) -> &'static str {
        match self {
            Variant::Static => "static",
            Variant::Dynamic => "dynamic",
            Variant::Asm => "asm",
            Variant::Go => "go",
        }
    }
}

impl Kind {
    /// The source directory under `guest-bins/`.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::C => "c",
            Kind::Asm => "asm",
            Kind::Cxx => "cxx",
            Kind::Go => "go",
        }
    }

    fn source_ext(self) -> &'static str {
        match self {
            Kind::C => "c",
            Kind::Asm => "S",
            Kind::Cxx => "cc",
            Kind::Go => "go",
        }
    }

    pub fn variants(self) -> &'static [Variant] {
        match self {
            Kind::C | Kind::Cxx => &[Variant::Static, Variant::Dynamic],
            Kind::Asm => &[Variant::Asm],
            Kind::Go => &[Variant::Go],
        }
    }
}

/// A guest program and its expectations (`NAME.stdout`, `NAME.status`,
/// optional `NAME.args` and `NAME.env`).
#[derive(Debug)]
pub struct Program {
    pub kind: Kind,
    pub name: String,
    pub expected_stdout: Vec<u8>,
    pub expected_status: Status,
    /// One guest argument per line of `NAME.args`.
    pub args: Vec<String>,
    /// `VAR=VAL` lines of `NAME.env`.
    pub env: Vec<(String, String)>,
}

fn read_lines(path: &Path) -> Vec<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => text.lines().map(str::to_owned).collect(),
        Err(_) => Vec::new(),
    }
}

impl Program {
    /// Loads `guest-bins/<kind>/<name>.*`.
    pub fn load(kind: Kind, name: &str) -> Result<Program, String> {
        let dir = guest_bins().join(kind.dir());
        let file = |ext: &str| dir.join(format!("{name}.{ext}"));
        let read = |ext: &str| {
            std::fs::read(file(ext)).map_err(|e| format!("{}: {e}", file(ext).display()))
        };
        let expected_stdout = read("stdout")?;
        let expected_status = Status::parse(&String::from_utf8_lossy(&read("status")?))?;
        let mut env = Vec::new();
        for line in read_lines(&file("env")) {
            let (k, v) = line.split_once('=').ok_or_else(|| {
                format!("{}: line {line:?} is not VAR=VAL", file("env").display())
            })?;
            env.push((k.to_owned(), v.to_owned()));
        }
        Ok(Program {
            kind,
            name: name.to_owned(),
            expected_stdout,
            expected_status,
            args: read_lines(&file("args")),
            env,
        })
    }

    /// The source file (for Go, the module's file named after it).
    pub fn source(&self) -> PathBuf {
        let dir = guest_bins().join(self.kind.dir());
        let dir = match self.kind {
            Kind::Go => dir.join(&self.name),
            _ => dir,
        };
        dir.join(format!("{}.{}", self.name, self.kind.source_ext()))
    }

    /// The built binary of one variant.
    pub fn binary(&self, variant: Variant) -> PathBuf {
        guest_bins()
            .join("out")
            .join(variant.dir())
            .join(&self.name)
    }

    /// Compares an outcome with the expectations; `None` when they match,
    /// otherwise a readable description of the difference.
    pub fn check(&self, outcome: &Outcome) -> Option<String> {
        let mut problems = Vec::new();
        match outcome.status {
            None => problems.push("timed out and was killed".to_owned()),
            Some(s) if s != self.expected_status => {
                problems.push(format!("status {s}, expected {}", self.expected_status))
            }
            Some(_) => {}
        }
        if outcome.stdout != self.expected_stdout {
            problems.push(describe_stdout_diff(&self.expected_stdout, &outcome.stdout));
        }
        if problems.is_empty() {
            return None;
        }
        let stderr = String::from_utf8_lossy(&outcome.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
        if !tail.is_empty() {
            let lines: Vec<&str> = tail.into_iter().rev().collect();
            problems.push(format!(
                "stderr (last lines):\n      {}",
                lines.join("\n      ")
            ));
        }
        Some(problems.join("\n    "))
    }
}

/// Names the first differing line of two outputs.
pub fn describe_stdout_diff(expected: &[u8], actual: &[u8]) -> String {
    let exp: Vec<&[u8]> = expected.split_inclusive(|&b| b == b'\n').collect();
    let act: Vec<&[u8]> = actual.split_inclusive(|&b| b == b'\n').collect();
    let line = exp.iter().zip(&act).take_while(|(a, b)| a == b).count();
    let show = |l: Option<&&[u8]>| match l {
        Some(l) => format!("{:?}", String::from_utf8_lossy(l)),
        None => "<end of output>".to_owned(),
    };
    format!(
        "stdout differs ({} bytes, expected {}) at line {}:\n      expected {}\n      actual   {}",
        actual.len(),
        expected.len(),
        line + 1,
        show(exp.get(line)),
        show(act.get(line)),
    )
}

/// Every program with a `.stdout` file, sorted by kind then name.
pub fn discover() -> Vec<(Kind, String)> {
    let mut found = Vec::new();
    for kind in [Kind::C, Kind::Asm, Kind::Cxx, Kind::Go] {
        let dir = guest_bins().join(kind.dir());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".stdout"))
                    .map(str::to_owned)
            })
            .collect();
        names.sort();
        found.extend(names.into_iter().map(|n| (kind, n)));
    }
    found
}

/// Whether an executable is on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// A new pseudo-terminal: (master, slave).
pub fn openpty() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    let (mut m, mut s) = (-1, -1);
    // SAFETY: openpty writes two new descriptors into `m` and `s`; the
    // name, termios and window-size arguments may be null.
    let r = unsafe {
        libc::openpty(
            &mut m,
            &mut s,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(r, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors are new and owned by nobody else.
    unsafe {
        (
            std::os::fd::FromRawFd::from_raw_fd(m),
            std::os::fd::FromRawFd::from_raw_fd(s),
        )
    }
}
