//! The serial console on a terminal: `emu-system` runs with a
//! pseudo-terminal as its controlling terminal and stdin/stdout/stderr
//! (as in an interactive session), and the test types into the busybox
//! shell of the stock initramfs (`scripts/fetch-system-images.sh`;
//! without the images the test says it is skipped and passes):
//! a command and its output, line editing with backspace, Ctrl-C
//! interrupting `sleep 100` in the guest (emu-system keeps running),
//! Ctrl-Z reaching the guest's tty,
//! `C-a h` (help) and `C-a x` (exit, status 0, terminal restored).

mod common;

use common::linux::{check_clean, emu_system, read_chunks};
use common::openpty;
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Boot and session limit (the boot takes a few seconds; the slack is for
/// a loaded machine).
const LIMIT: Duration = Duration::from_secs(180);

/// The local-mode flags of the terminal `fd`.
fn lflag(fd: &OwnedFd) -> libc::tcflag_t {
    // SAFETY: tcgetattr fills the zeroed termios for the open `fd`.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(fd.as_raw_fd(), &mut t), 0);
        t.c_lflag
    }
}

struct Session {
    rx: mpsc::Receiver<Vec<u8>>,
    console: Vec<u8>,
    master: File,
    child: std::process::Child,
    deadline: Instant,
}

impl Session {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.console).into_owned()
    }

    /// Waits until the console output after byte `from` contains `what`;
    /// returns the offset just past it.
    fn wait_for(&mut self, what: &str, from: usize, limit: Instant) -> usize {
        loop {
            let tail =
                String::from_utf8_lossy(&self.console[from.min(self.console.len())..]).into_owned();
            if let Some(i) = tail.find(what) {
                // Lossy decoding keeps ASCII offsets for ASCII text.
                return from + i + what.len();
            }
            let left = limit
                .min(self.deadline)
                .saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(b) => self.console.extend(b),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no {what:?} on the console:\n{}", self.text());
                }
            }
        }
    }

    fn type_in(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).unwrap();
    }
}

#[test]
fn shell_on_a_terminal() {
    let Some(dir) = common::linux::images(&["Image", "busybox", "initramfs.cpio"]) else {
        return;
    };
    let (master, slave) = openpty();
    let mut cmd = emu_system(&dir, &dir.join("initramfs.cpio"));
    cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave.try_clone().unwrap()));
    // SAFETY: between fork and exec the child only calls setsid and ioctl,
    // both async-signal-safe: a new session whose controlling terminal is
    // the pty (stdin), so Ctrl-C would raise SIGINT if the terminal's
    // ISIG were left on.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let canonical = lflag(&slave);
    let child = cmd.spawn().expect("spawn emu-system");
    let rx = read_chunks(File::from(master.try_clone().unwrap()));
    let mut s = Session {
        rx,
        console: Vec::new(),
        master: File::from(master),
        child,
        deadline: Instant::now() + LIMIT,
    };
    let never = s.deadline;
    let at = s.wait_for("/ # ", 0, never);
    // Typing a command (Enter sends CR, as a terminal does).
    s.type_in(b"echo typed-$((6*7))\r");
    let at = s.wait_for("typed-42", at, never);
    let at = s.wait_for("/ # ", at, never);
    // Line editing: two wrong characters rubbed out with DEL.
    s.type_in(b"echo edit-ab\x7f\x7fok\r");
    let at = s.wait_for("\nedit-ok\r", at, never);
    assert!(!s.text().contains("edit-abok"), "{}", s.text());
    let at = s.wait_for("/ # ", at, never);
    // Ctrl-C interrupts the guest's sleep: the guest's tty echoes ^C and
    // the shell prompts again long before 100 s.
    s.type_in(b"sleep 100\r");
    let at = s.wait_for("sleep 100\r", at, never);
    std::thread::sleep(Duration::from_secs(1));
    let sent = Instant::now();
    s.type_in(b"\x03");
    let soon = sent + Duration::from_secs(30);
    let at = s.wait_for("^C", at, soon);
    let at = s.wait_for("/ # ", at, soon);
    s.type_in(b"echo after-$((1+1))\r");
    let at = s.wait_for("after-2", at, soon);
    let at = s.wait_for("/ # ", at, never);
    // Ctrl-Z reaches the guest's tty, which echoes it as ^Z (and stops
    // the sleep; this busybox's shell prompts no more, the same under
    // qemu-system-aarch64 7.2), and emu-system keeps running.
    s.type_in(b"sleep 100\r");
    let at = s.wait_for("sleep 100\r", at, never);
    std::thread::sleep(Duration::from_secs(1));
    s.type_in(b"\x1a");
    let at = s.wait_for("^Z", at, never);
    std::thread::sleep(Duration::from_millis(200));
    assert!(s.child.try_wait().unwrap().is_none(), "emu-system ended");
    // C-a h prints the keys; C-a x ends emu-system with status 0.
    s.type_in(b"\x01h");
    let at = s.wait_for("C-a x    exit emu-system", at, never);
    s.type_in(b"\x01x");
    s.wait_for("emu-system: terminated (C-a x)", at, never);
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < s.deadline, "emu-system still runs");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{}", s.text());
    // The terminal is as emu-system found it.
    assert_eq!(lflag(&slave), canonical);
    assert_ne!(canonical & libc::ICANON, 0);
    check_clean(&s.text());
}
