//! arm64 Linux signal numbers and the numbers gdb's remote protocol uses for
//! them (gdb's own, target-independent list, `include/gdb/signals.def`).

use gdbstub::common::Signal;

/// (arm64 Linux signal, gdb signal) for the signals 1–31.
const TABLE: &[(u32, Signal)] = &[
    (1, Signal::SIGHUP),
    (2, Signal::SIGINT),
    (3, Signal::SIGQUIT),
    (4, Signal::SIGILL),
    (5, Signal::SIGTRAP),
    (6, Signal::SIGABRT),
    (7, Signal::SIGBUS),
    (8, Signal::SIGFPE),
    (9, Signal::SIGKILL),
    (10, Signal::SIGUSR1),
    (11, Signal::SIGSEGV),
    (12, Signal::SIGUSR2),
    (13, Signal::SIGPIPE),
    (14, Signal::SIGALRM),
    (15, Signal::SIGTERM),
    (17, Signal::SIGCHLD),
    (18, Signal::SIGCONT),
    (19, Signal::SIGSTOP),
    (20, Signal::SIGTSTP),
    (21, Signal::SIGTTIN),
    (22, Signal::SIGTTOU),
    (23, Signal::SIGURG),
    (24, Signal::SIGXCPU),
    (25, Signal::SIGXFSZ),
    (26, Signal::SIGVTALRM),
    (27, Signal::SIGPROF),
    (28, Signal::SIGWINCH),
    (29, Signal::SIGIO),
    (30, Signal::SIGPWR),
    (31, Signal::SIGSYS),
];

/// gdb's "unknown signal" (for SIGSTKFLT, which gdb does not name).
const UNKNOWN: Signal = Signal(143);

/// The gdb number of arm64 Linux signal `sig`.
pub fn to_gdb(sig: u32) -> Signal {
    match sig {
        32 => Signal::SIG32,
        33..=63 => Signal((sig - 33 + Signal::SIG33.0 as u32) as u8),
        64 => Signal::SIG64,
        _ => TABLE
            .iter()
            .find(|&&(l, _)| l == sig)
            .map_or(UNKNOWN, |&(_, g)| g),
    }
}

/// The arm64 Linux signal of gdb signal `sig`, if it has one.
pub fn from_gdb(sig: Signal) -> Option<u32> {
    match sig {
        Signal::SIG32 => Some(32),
        Signal::SIG64 => Some(64),
        s if (Signal::SIG33.0..=Signal::SIG63.0).contains(&s.0) => {
            Some((s.0 - Signal::SIG33.0) as u32 + 33)
        }
        s => TABLE.iter().find(|&&(_, g)| g == s).map(|&(l, _)| l),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_linux_signal_round_trips() {
        for sig in (1..=64).filter(|&s| s != 16) {
            assert_eq!(from_gdb(to_gdb(sig)), Some(sig), "{sig}");
        }
        assert_eq!(to_gdb(11), Signal(11));
        assert_eq!(to_gdb(7), Signal(10));
        assert_eq!(to_gdb(10), Signal(30));
        assert_eq!(to_gdb(34), Signal(46));
        assert_eq!(from_gdb(Signal::SIGEMT), None);
    }
}
