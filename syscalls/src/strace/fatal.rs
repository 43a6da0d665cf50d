//! A signal the guest sends itself that kills it by its default action (abort's
//! `tgkill(pid, tid, SIGABRT)`): the host kernel ends the process inside the call, so
//! the trace says so before the call is made, as strace would after it:
//! `tgkill(...) = ?`, `--- SIGABRT {...} ---`, `+++ killed by SIGABRT +++`.

use super::{emit, killed, sig, Call};
use crate::abi::signal::{self as sg, sig_bit, Siginfo, SIG_DFL};
use crate::{nr, Outcome, Task};

/// Whether signal `s` with the default action ends the process (not ignored, not a stop).
fn default_kills(s: u32) -> bool {
    let harmless = [
        sg::SIGCHLD,
        sg::SIGCONT,
        sg::SIGURG,
        sg::SIGWINCH,
        sg::SIGSTOP,
        sg::SIGTSTP,
        sg::SIGTTIN,
        sg::SIGTTOU,
    ];
    (1..=sg::NSIG as u32).contains(&s) && !harmless.contains(&s)
}

/// The siginfo of a kill-family call `nr` that will end this process, if it is one.
fn self_kill(task: &Task, nr: u64, a: &[u64; 6]) -> Option<Siginfo> {
    // SAFETY: getpid, gettid and getuid have no preconditions.
    let (pid, tid, uid) = unsafe { (libc::getpid(), libc::gettid(), libc::getuid()) };
    let (sig, code) = match nr {
        nr::KILL if a[0] as i32 == pid => (a[1], sg::SI_USER),
        nr::TGKILL if a[0] as i32 == pid && a[1] as i32 == tid => (a[2], sg::SI_TKILL),
        nr::TKILL if a[0] as i32 == tid => (a[1], sg::SI_TKILL),
        _ => return None,
    };
    let s = sig as u32;
    if !default_kills(s) {
        return None;
    }
    let uncatchable = s == sg::SIGKILL;
    if !uncatchable && (task.sigmask & sig_bit(s) != 0 || task.proc.sigaction(s).handler != SIG_DFL)
    {
        return None;
    }
    let mut info = Siginfo {
        signo: s as i32,
        code,
        ..Siginfo::default()
    };
    info.fields[0] = ((uid as u64) << 32) | pid as u32 as u64;
    Some(info)
}

/// Writes the end of the process before a call that will kill it; true if it did.
pub fn before_self_kill(task: &Task, call: &Call) -> bool {
    let Some(info) = self_kill(task, call.nr, &call.args) else {
        return false;
    };
    call.write_end(Outcome::Exit(0));
    if info.signo != sg::SIGKILL as i32 {
        emit(&sig::delivered(&info));
    }
    killed(info.signo);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_defaults_kill() {
        assert!(default_kills(sg::SIGABRT));
        assert!(default_kills(sg::SIGTERM));
        assert!(default_kills(40));
        assert!(!default_kills(sg::SIGCHLD));
        assert!(!default_kills(sg::SIGSTOP));
        assert!(!default_kills(0));
    }
}
