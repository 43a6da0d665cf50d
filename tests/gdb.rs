//! Debugs guest programs with gdb-multiarch through `emu-user -g 0` (the stub
//! picks a free loopback port and prints it): breakpoints, registers (X, PC,
//! V0 as a 128-bit vector, FPSR/FPCR), memory reads and writes, bad
//! addresses, single steps, threads, `info proc mappings`, signals and the
//! process's end, all checked on gdb's own output and on the program's.
//!
//! The program is `guest-bins/c/gdb_target.c` (also an ordinary guest
//! program in tests/guest.rs). Skipped with a message when gdb-multiarch is
//! not installed (scripts/test.sh installs it) or with EMU_SKIP_GUEST_BINS=1.

mod common;

use common::{on_path, run_with_timeout, Status};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const GDB: &str = "gdb-multiarch";
const LIMIT: Duration = Duration::from_secs(60);
/// The host's (and arm64's) SIGSEGV: emu-user dies by the guest's signal.
const SIGSEGV: i32 = 11;
const SIGKILL: i32 = 9;

/// The gdb_target binary of `variant` ("static" or "dynamic"), or `None` when
/// the test is skipped.
fn target(variant: &str) -> Option<PathBuf> {
    if std::env::var_os("EMU_SKIP_GUEST_BINS").is_some_and(|v| v == "1") {
        eprintln!("skipped: EMU_SKIP_GUEST_BINS=1");
        return None;
    }
    if !on_path(GDB) {
        eprintln!("skipped: {GDB} is not installed (scripts/test.sh installs it with apt-get)");
        return None;
    }
    let bin = common::guest_bins()
        .join("out")
        .join(variant)
        .join("gdb_target");
    assert!(
        bin.exists(),
        "{} missing: run guest-bins/build.sh",
        bin.display()
    );
    Some(bin)
}

/// What one debugging session produced.
struct Session {
    /// gdb's stdout and stderr.
    gdb: String,
    /// The guest's stdout.
    guest: String,
    status: Status,
}

/// Starts `emu-user -g 0 [-L sysroot] BIN ARGS`, runs gdb in batch mode on it
/// with `commands`, and collects both ends.
fn debug(bin: &Path, dynamic: bool, args: &[&str], commands: &[&str]) -> Session {
    let (mut emu, port, guest) = start_emu(bin, dynamic, args);
    let gdb = gdb_command(bin, port, commands);
    let ran = run_with_timeout(gdb, LIMIT).expect("run gdb-multiarch");
    let mut text = String::from_utf8_lossy(&ran.stdout).into_owned();
    text += &String::from_utf8_lossy(&ran.stderr);
    assert!(ran.status.is_some(), "gdb timed out:\n{text}");
    let status = wait(&mut emu);
    Session {
        gdb: text,
        guest: guest.join().unwrap_or_default(),
        status,
    }
}

/// `emu-user -g 0 [-L sysroot] BIN ARGS` waiting for gdb: the process, its
/// port and the reader of its stdout.
fn start_emu(
    bin: &Path,
    dynamic: bool,
    args: &[&str],
) -> (Child, u16, std::thread::JoinHandle<String>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_emu-user"));
    cmd.arg("-g").arg("0");
    if dynamic {
        cmd.arg("-L").arg("/usr/aarch64-linux-gnu");
    }
    let mut emu = cmd
        .arg(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start emu-user");
    let port = announced_port(&mut emu);
    let out = emu.stdout.take().unwrap();
    let guest = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = BufReader::new(out).read_to_string(&mut s);
        s
    });
    (emu, port, guest)
}

/// gdb in batch mode on `bin`, connected to `port`, then `commands`.
fn gdb_command(bin: &Path, port: u16, commands: &[&str]) -> Command {
    let mut gdb = Command::new(GDB);
    gdb.args(["-batch", "-nx", "-ex", "set pagination off", "-ex"])
        .arg(format!("file {}", bin.display()))
        .arg("-ex")
        .arg(format!("target remote 127.0.0.1:{port}"));
    for c in commands {
        gdb.arg("-ex").arg(c);
    }
    gdb
}

/// The port emu-user prints before it waits for gdb.
fn announced_port(emu: &mut Child) -> u16 {
    let err = emu.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(err).lines();
        for line in lines.by_ref().map_while(Result::ok) {
            if let Some(p) = line.strip_prefix("emu-user: waiting for gdb on 127.0.0.1:") {
                let _ = tx.send(p.trim().parse::<u16>().ok());
                break;
            }
        }
        // Keep draining so emu never blocks on a full pipe.
        lines.for_each(drop);
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Some(port)) => port,
        other => {
            let _ = emu.kill();
            panic!("emu-user did not announce its gdb port: {other:?}");
        }
    }
}

/// Waits (bounded) for emu-user to end.
fn wait(emu: &mut Child) -> Status {
    let deadline = std::time::Instant::now() + LIMIT;
    loop {
        if let Some(st) = emu.try_wait().expect("wait for emu-user") {
            return Status::from_exit(st);
        }
        if std::time::Instant::now() > deadline {
            let _ = emu.kill();
            panic!("emu-user still runs after gdb ended");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// gdb's output between the `echo @NAME` marker and the next marker.
fn section<'a>(out: &'a str, name: &str) -> &'a str {
    let marker = format!("@{name}\n");
    let start = out
        .find(&marker)
        .unwrap_or_else(|| panic!("no section {name} in gdb output:\n{out}"))
        + marker.len();
    let rest = &out[start..];
    &rest[..rest.find("\n@").map_or(rest.len(), |i| i + 1)]
}

#[test]
fn breakpoint_registers_memory_step_threads_and_exit() {
    let Some(bin) = target("static") else { return };
    let s = debug(
        &bin,
        false,
        &[],
        &[
            "break checkpoint",
            "continue",
            "echo @x0\\n",
            "info registers x0",
            "echo @pc\\n",
            "p $pc",
            "echo @v0\\n",
            "p/x $v0.b.u",
            "p/x $v0.d.u",
            "echo @fp\\n",
            "p/x $fpsr",
            "p/x $fpcr",
            "echo @words\\n",
            "x/4xw &words",
            "echo @bad\\n",
            "x/4x 0",
            "echo @write\\n",
            "set var *(int*)&counter = 100",
            "set var $x0 = 9",
            "p *(int*)&counter",
            "echo @stepi\\n",
            "stepi",
            "p $pc",
            "echo @threads\\n",
            "info threads",
            "echo @maps\\n",
            "info proc mappings",
            "echo @end\\n",
            "continue",
        ],
    );
    let out = &s.gdb;
    assert!(
        out.contains("Breakpoint 1, 0x") && out.contains(" in checkpoint ()"),
        "{out}"
    );
    let x0 = section(out, "x0");
    assert!(
        x0.trim_start().starts_with("x0") && x0.contains("0x5 "),
        "{x0}"
    );
    assert!(section(out, "pc").contains("<checkpoint>"), "{out}");
    let v0 = section(out, "v0");
    assert!(
        v0.contains("{0x0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}"),
        "{v0}"
    );
    assert!(
        v0.contains("{0x7766554433221100, 0xffeeddccbbaa9988}"),
        "{v0}"
    );
    let fp = section(out, "fp");
    assert_eq!(fp.matches(" = 0x0").count(), 2, "{fp}");
    let words = section(out, "words");
    assert!(
        words.contains("0xdeadbeef\t0x12345678\t0xcafef00d\t0x0badc0de"),
        "{words}"
    );
    // gdb prints the error on stderr, which comes after stdout here.
    assert!(
        section(out, "bad").starts_with("0x0:\t@write")
            && out.contains("Cannot access memory at address 0x0"),
        "{out}"
    );
    assert!(section(out, "write").contains(" = 100"), "{out}");
    assert!(section(out, "stepi").contains("<checkpoint+4>"), "{out}");
    let threads = section(out, "threads");
    assert_eq!(threads.matches(" Thread ").count(), 2, "{threads}");
    let maps = section(out, "maps");
    assert!(maps.contains("process "), "{maps}");
    assert!(
        maps.contains("[stack]") && maps.contains("gdb_target"),
        "{maps}"
    );
    assert!(section(out, "end").contains("exited with code 03"), "{out}");
    // counter and x0 (the argument) as gdb set them: 9 + 100.
    assert_eq!(s.guest, "counter=100 r=109 words[1]=0x12345678\n");
    assert_eq!(s.status, Status::Exit(3));
}

#[test]
fn signal_stops_then_kills_the_program() {
    let Some(bin) = target("static") else { return };
    let s = debug(
        &bin,
        false,
        &["segv"],
        &[
            "continue",
            "echo @pc\\n",
            "p $pc",
            "echo @end\\n",
            "continue",
        ],
    );
    let out = &s.gdb;
    assert!(
        out.contains("Program received signal SIGSEGV, Segmentation fault."),
        "{out}"
    );
    assert!(section(out, "pc").contains("<main+"), "{out}");
    assert!(
        section(out, "end").contains("Program terminated with signal SIGSEGV"),
        "{out}"
    );
    assert_eq!(s.guest, "counter=7 r=12 words[1]=0x12345678\n");
    assert_eq!(s.status, Status::Signal(SIGSEGV));
}

#[test]
fn dynamic_program_reads_libraries_through_the_stub() {
    let Some(bin) = target("dynamic") else { return };
    let s = debug(
        &bin,
        true,
        &[],
        &[
            "break checkpoint",
            "continue",
            "echo @bt\\n",
            "bt",
            "echo @libs\\n",
            "info sharedlibrary",
            "echo @end\\n",
            "continue",
        ],
    );
    let out = &s.gdb;
    assert!(section(out, "bt").contains(" in main ()"), "{out}");
    assert!(section(out, "libs").contains("libc.so.6"), "{out}");
    assert!(section(out, "end").contains("exited with code 03"), "{out}");
    assert_eq!(s.guest, "counter=7 r=12 words[1]=0x12345678\n");
    assert_eq!(s.status, Status::Exit(3));
}

#[test]
fn detach_lets_the_program_run_on() {
    let Some(bin) = target("static") else { return };
    let s = debug(
        &bin,
        false,
        &[],
        &["break checkpoint", "continue", "detach"],
    );
    assert!(s.gdb.contains("Breakpoint 1, "), "{}", s.gdb);
    assert_eq!(s.guest, "counter=7 r=12 words[1]=0x12345678\n");
    assert_eq!(s.status, Status::Exit(3));
}

#[test]
fn ctrl_c_stops_a_spinning_program() {
    let Some(bin) = target("static") else { return };
    let (mut emu, port, guest) = start_emu(&bin, false, &["spin"]);
    let mut gdb = gdb_command(&bin, port, &["continue", "p spins"]);
    let mut gdb = gdb
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gdb-multiarch");
    let out = gdb.stdout.take().unwrap();
    let text = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = BufReader::new(out).read_to_string(&mut s);
        s
    });
    // Once the guest spins, Ctrl-C: gdb sends the interrupt to the stub.
    std::thread::sleep(Duration::from_secs(2));
    // SAFETY: a signal to our own child, which has not been waited for.
    unsafe { libc::kill(gdb.id() as i32, libc::SIGINT) };
    let deadline = std::time::Instant::now() + LIMIT;
    while gdb.try_wait().expect("wait for gdb").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = gdb.kill();
            let _ = emu.kill();
            panic!("gdb did not stop the program");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = text.join().unwrap_or_default();
    assert!(
        out.contains("Program received signal SIGINT, Interrupt."),
        "{out}"
    );
    // gdb kills the program as it quits.
    assert_eq!(wait(&mut emu), Status::Signal(SIGKILL));
    assert_eq!(guest.join().unwrap_or_default(), "");
}
