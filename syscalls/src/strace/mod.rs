//! strace(1)-style trace of the guest's syscalls, from the table's format column:
//! `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`, errors as
//! `= -1 ENOENT (No such file or directory)`, delivered signals as
//! `--- SIGUSR1 {...} ---` and the end as `+++ exited with 3 +++`.
//!
//! A call is traced in two steps, as strace does: [`enter`] decodes the input
//! arguments before the handler runs (a buffer written, a path), [`Call::finish`]
//! the outputs and the result after it (a buffer read, a stat). The line is written
//! once, whole, by [`output::emit`].
//!
//! Files: `args` (one argument per format letter), `flags` (flag sets), `names`
//! (commands, ids, event bits), `special` (fcntl, futex and ioctl, by command), `quote` (strings), `structs` and `sockaddr` and `sig` (structs), `output`
//! (the trace descriptor).

pub(crate) mod args;
mod fatal;
mod flags;
mod names;
pub mod output;
mod quote;
mod sig;
mod sockaddr;
mod special;
mod structs;

use crate::abi::errno::Errno;
use crate::abi::signal::Siginfo;
use crate::{nr, table, Outcome};

pub use args::LETTERS;
pub use fatal::before_self_kill;
pub use output::{emit, enabled, exited, killed, set_output};

/// An argument as decoded at entry.
#[derive(Clone, Debug)]
enum Slot {
    Shown(String),
    /// Not printed (a mode without O_CREAT).
    Hidden,
    /// An output: decoded when the call has returned.
    Later,
    /// An in/out value (a socklen_t): as it was before the call, shown as `[a => b]`
    /// if the call changed it.
    Before(String),
}

/// A traced call between its start and its end.
#[derive(Clone, Debug)]
pub struct Call {
    nr: u64,
    args: [u64; 6],
    /// Each argument as decoded at entry.
    inputs: Vec<Slot>,
    /// The guest stack pointer (rt_sigreturn's frame).
    sp: u64,
    /// The start was written with `<unfinished ...>`: the end is `<... resumed>`.
    split: bool,
    /// A guest signal arrived during the call: an EINTR is the kernel's ERESTART*.
    interrupted: bool,
}

/// The format letters of `nr` and its result kind (`=p` hex pointer, `=o` octal).
fn format_of(nr: u64) -> Option<(&'static str, &'static str)> {
    let e = table::lookup(nr)?;
    Some(e.strace.split_once('=').unwrap_or((e.strace, "")))
}

/// Starts tracing syscall `nr`: decodes its input arguments now, while the guest's
/// memory holds what it passes.
pub fn enter(nr: u64, args: &[u64; 6], sp: u64) -> Call {
    let inputs = match format_of(nr) {
        Some((letters, _)) => letters
            .chars()
            .enumerate()
            .map(|(i, k)| match args::phase(k) {
                args::Phase::In => match args::decode(k, i, args, None) {
                    Some(s) => Slot::Shown(s),
                    None => Slot::Hidden,
                },
                args::Phase::Out if k == 'L' => Slot::Before(args::socklen_before(args[i])),
                args::Phase::Out => Slot::Later,
            })
            .collect(),
        None => Vec::new(),
    };
    Call {
        nr,
        args: *args,
        inputs,
        sp,
        split: false,
        interrupted: false,
    }
}

/// How strace shows a call a signal interrupted (the kernel's internal ERESTART*
/// codes, which the guest sees as a restart or EINTR after the handler).
fn restart_code(nr: u64) -> Option<&'static str> {
    match nr {
        nr::NANOSLEEP | nr::CLOCK_NANOSLEEP => {
            Some("? ERESTART_RESTARTBLOCK (Interrupted by signal)")
        }
        nr::PPOLL | nr::PSELECT6 | nr::EPOLL_PWAIT | nr::EPOLL_PWAIT2 | nr::RT_SIGSUSPEND => {
            Some("? ERESTARTNOHAND (To be restarted if no handler)")
        }
        nr::RT_SIGTIMEDWAIT | nr::IO_GETEVENTS | nr::IO_PGETEVENTS => None,
        _ => Some("? ERESTARTSYS (To be restarted if SA_RESTART is set)"),
    }
}

/// The name of errno `e` (`ENOENT`).
fn errno_name(e: i32) -> &'static str {
    crate::abi::errno::ALL
        .iter()
        .find(|n| n.1 == Errno(e))
        .map_or("E???", |n| n.0)
}

/// `-1 ENOENT (No such file or directory)`.
fn error(e: i32) -> String {
    let name = errno_name(e);
    let msg = std::io::Error::from_raw_os_error(e).to_string();
    let msg = msg.split(" (os error").next().unwrap_or("");
    format!("-1 {name} ({msg})")
}

impl Call {
    /// The start of a call that another thread's lines will follow (the parent of a
    /// vfork): `clone(..., flags=... <unfinished ...>`; [`Call::finish`] then gives
    /// `<... clone resumed>) = PID`.
    pub fn unfinished(&mut self) -> String {
        self.split = true;
        let name = table::lookup(self.nr).map_or("?", |e| e.name);
        let args = match self.nr {
            nr::CLONE => args::clone(&self.args, None),
            _ => self.arguments(None),
        };
        format!("{name}({args} <unfinished ...>")
    }

    /// Records that a guest signal arrived while the call ran.
    pub fn set_interrupted(&mut self, yes: bool) {
        self.interrupted = yes;
    }

    /// The whole line once the call returned `out`, unaligned: `name(args) = result`.
    pub fn finish(&self, out: Outcome) -> String {
        let (head, result) = self.parts(out);
        format!("{head} = {result}")
    }

    /// Writes the line of the call that returned `out`, its `=` in column 40 as
    /// strace aligns it.
    pub fn write_end(&self, out: Outcome) {
        if enabled() {
            let (head, result) = self.parts(out);
            output::emit_result(&head, &result);
        }
    }

    /// `name(args)` and the result.
    fn parts(&self, out: Outcome) -> (String, String) {
        if self.split {
            let name = table::lookup(self.nr).map_or("?", |e| e.name);
            return (format!("<... {name} resumed>)"), self.result(out));
        }
        let ret = match out {
            Outcome::Ret(v) if (v as i64) < 0 && (v as i64) > -4096 => None,
            Outcome::Ret(v) => Some(v),
            Outcome::Child { .. } => Some(0),
            _ => None,
        };
        let mut sigreturn_ret = None;
        let (name, argtext) = match table::lookup(self.nr) {
            Some(e) if self.nr == nr::CLONE => (e.name, args::clone(&self.args, ret)),
            Some(e) if self.nr == nr::FCNTL => (e.name, special::fcntl(&self.args, ret)),
            Some(e) if self.nr == nr::FUTEX => (e.name, special::futex(&self.args)),
            Some(e) if self.nr == nr::IOCTL => (e.name, special::ioctl(&self.args, ret)),
            Some(e) if self.nr == nr::RT_SIGRETURN => {
                let (arg, x0) = sig::sigreturn_frame(self.sp);
                sigreturn_ret = x0;
                (e.name, arg)
            }
            Some(e) => (e.name, self.arguments(ret)),
            None => {
                let all: Vec<String> = self.args.iter().map(|&v| args::hex(v)).collect();
                let name = format!("syscall_{:#x}", self.nr);
                return (format!("{name}({})", all.join(", ")), self.result(out));
            }
        };
        let result = match (out, sigreturn_ret) {
            (Outcome::SigReturn, Some(x0)) => self.result(Outcome::Ret(x0)),
            _ => self.result(out),
        };
        (format!("{name}({argtext})"), result)
    }

    fn arguments(&self, ret: Option<u64>) -> String {
        let (letters, _) = format_of(self.nr).unwrap_or(("", ""));
        let shown: Vec<String> = letters
            .chars()
            .enumerate()
            .filter_map(|(i, k)| match self.inputs.get(i) {
                Some(Slot::Shown(s)) => Some(s.clone()),
                Some(Slot::Hidden) => None,
                Some(Slot::Before(old)) if ret.is_none() => Some(old.clone()),
                Some(Slot::Before(old)) => {
                    let new = args::decode(k, i, &self.args, ret)?;
                    match (old.strip_suffix(']'), new.strip_prefix('[')) {
                        (Some(a), Some(b)) if old != &new => Some(format!("{a} => {b}")),
                        _ => Some(new),
                    }
                }
                _ => args::decode(k, i, &self.args, ret),
            })
            .collect();
        shown.join(", ")
    }

    fn result(&self, out: Outcome) -> String {
        let kind = format_of(self.nr).map_or("", |f| f.1);
        const EINTR: u64 = Errno::EINTR.0.wrapping_neg() as u64;
        match out {
            Outcome::Ret(EINTR) if self.interrupted => match restart_code(self.nr) {
                Some(code) => code.to_string(),
                None => error(Errno::EINTR.0),
            },
            Outcome::Ret(v) if (v as i64) < 0 && (v as i64) > -4096 => error(-(v as i64) as i32),
            Outcome::Ret(v) if self.nr == nr::FCNTL && special::fcntl_hex_result(&self.args) => {
                format!("{}{}", args::hex(v), special::fcntl_note(&self.args, v))
            }
            Outcome::Ret(v) if self.nr == nr::PPOLL && v > 0 => {
                format!("{v}{}", structs::poll_revents(self.args[0], self.args[1]))
            }
            Outcome::Ret(v) if self.nr == nr::RT_SIGRETURN => (v as i64).to_string(),
            Outcome::Ret(v) => match kind {
                "p" => format!("{v:#x}"),
                "o" => flags::octal(v),
                _ => (v as i64).to_string(),
            },
            Outcome::Child { .. } => "0".to_string(),
            _ => "?".to_string(),
        }
    }
}

/// The whole line of a call, for tests: `name(args) = result`.
pub fn format(nr: u64, args: &[u64; 6], out: Outcome) -> String {
    enter(nr, args, 0).finish(out)
}

/// Traces a signal about to be delivered to the guest.
pub fn signal(info: &Siginfo) {
    if enabled() {
        emit(&sig::delivered(info));
    }
}

#[cfg(test)]
mod tests;
