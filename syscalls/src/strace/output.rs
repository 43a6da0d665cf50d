//! Where trace lines go: one file descriptor for the whole process, stderr or the
//! `-D` file, duplicated to a high number so that the guest's own fds (its stdout,
//! stderr, or a descriptor it reuses) never receive them. Each line is one write(2),
//! so lines of several threads never mix; once the process has more than one thread
//! (or has forked), every line starts with `[pid TID] ` as with `strace -f`.

use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The trace descriptor; -1 while tracing is off.
static FD: AtomicI32 = AtomicI32::new(-1);
/// Set once a second thread or process exists.
static MULTI: AtomicBool = AtomicBool::new(false);

/// Starts tracing to `fd` (the caller's descriptor is left open; a close-on-exec copy
/// at a high number is used). Returns false if it cannot be duplicated.
pub fn set_output(fd: i32) -> bool {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
    let high = if ok {
        lim.rlim_cur.saturating_sub(1).clamp(3, 1023) as i32
    } else {
        255
    };
    // SAFETY: F_DUPFD_CLOEXEC on a descriptor the caller owns; no memory is involved.
    let mut copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, high) };
    if copy < 0 {
        // Every number from `high` up is taken: any free one.
        // SAFETY: as above.
        copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    }
    if copy < 0 {
        return false;
    }
    FD.store(copy, Ordering::SeqCst);
    true
}

/// Starts tracing to `fd`, a descriptor inherited across exec (`--strace-fd`): used
/// as it is, made close-on-exec again.
pub fn adopt(fd: i32) -> bool {
    if !pass_on_exec(fd, false) {
        return false;
    }
    FD.store(fd, Ordering::SeqCst);
    true
}

/// The trace descriptor, while tracing.
pub fn fd() -> Option<i32> {
    let fd = FD.load(Ordering::Relaxed);
    (fd >= 0).then_some(fd)
}

/// Lets `fd` survive an exec (`keep`), or not. False if it is not open.
pub fn pass_on_exec(fd: i32, keep: bool) -> bool {
    let flags = if keep { 0 } else { libc::FD_CLOEXEC };
    // SAFETY: F_SETFD on a descriptor number; a closed one is EBADF.
    unsafe { libc::fcntl(fd, libc::F_SETFD, flags) == 0 }
}

/// Whether tracing is on.
pub fn enabled() -> bool {
    FD.load(Ordering::Relaxed) >= 0
}

/// Records that the process has (or came from) more than one thread of control.
pub fn set_multi() {
    MULTI.store(true, Ordering::Relaxed);
}

/// Whether lines carry `[pid TID]` prefixes.
pub fn is_multi() -> bool {
    MULTI.load(Ordering::Relaxed)
}

fn tid() -> i64 {
    // SAFETY: gettid has no preconditions.
    i64::from(unsafe { libc::gettid() })
}

/// Writes all of `bytes` to the trace descriptor; errors are ignored (tracing never
/// stops the guest). Async-signal-safe.
fn write_all(mut bytes: &[u8]) {
    let fd = FD.load(Ordering::Relaxed);
    while !bytes.is_empty() {
        // SAFETY: writes from a live slice.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            if n < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return;
        }
        bytes = &bytes[n as usize..];
    }
}

/// A fixed buffer for lines built without allocating (from a fatal-signal path).
struct Line {
    buf: [u8; 256],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// `[pid TID] ` once the process has more than one thread of control.
fn prefix(out: &mut impl Write) {
    if MULTI.load(Ordering::Relaxed) {
        let _ = write!(out, "[pid {:>5}] ", tid());
    }
}

/// Writes one trace line (`text` plus a newline) with one write(2).
pub fn emit(text: &str) {
    if !enabled() {
        return;
    }
    let mut s = String::with_capacity(text.len() + 16);
    prefix(&mut s);
    s.push_str(text);
    s.push('\n');
    write_all(s.as_bytes());
}

/// The column of a result's `=` (strace's default `-a 40`).
const RESULT_COLUMN: usize = 40;

/// Writes `head = result` as [`aligned`] lays it out.
pub fn emit_result(head: &str, result: &str) {
    if !enabled() {
        return;
    }
    let mut pre = String::new();
    prefix(&mut pre);
    write_all(aligned(&pre, head, result).as_bytes());
}

/// `prefix head = result\n` with the `=` at [`RESULT_COLUMN`] when the prefix and
/// head are shorter, one space after the head otherwise.
pub fn aligned(prefix: &str, head: &str, result: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + head.len() + result.len() + 48);
    s.push_str(prefix);
    s.push_str(head);
    s.push(' ');
    while s.len() < RESULT_COLUMN {
        s.push(' ');
    }
    s.push_str("= ");
    s.push_str(result);
    s.push('\n');
    s
}

/// A short line built in a fixed buffer, without allocating.
fn emit_short(text: std::fmt::Arguments) {
    if !enabled() {
        return;
    }
    let mut line = Line {
        buf: [0; 256],
        len: 0,
    };
    prefix(&mut line);
    let _ = line.write_fmt(text);
    let _ = line.write_str("\n");
    write_all(&line.buf[..line.len]);
}

/// `+++ exited with N +++`: the process ends with status `code`.
pub fn exited(code: i32) {
    emit_short(format_args!("+++ exited with {} +++", code & 0xff));
}

/// `+++ killed by SIGSEGV +++`: the process ends by signal `sig`. Does not allocate
/// (it may run in a host signal handler).
pub fn killed(sig: i32) {
    let name = crate::abi::signal::CLASSIC
        .iter()
        .find(|s| s.1 as i32 == sig)
        .map_or("SIG???", |s| s.0);
    emit_short(format_args!("+++ killed by {name} +++"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_align_at_column_40() {
        assert_eq!(
            aligned("", "getpid()", "7"),
            format!("getpid(){}= 7\n", " ".repeat(32))
        );
        assert_eq!(
            aligned("[pid  1234] ", "getpid()", "7"),
            format!("[pid  1234] getpid(){}= 7\n", " ".repeat(20))
        );
        let long = format!("write(1, \"{}\", 32)", "a".repeat(32));
        assert_eq!(aligned("", &long, "32"), format!("{long} = 32\n"));
    }
}
