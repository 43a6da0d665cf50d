//! Guest signal ABI: numbers, `struct sigaction`, `stack_t`, flags (arm64 uses
//! include/uapi/asm-generic/signal.h plus arch/arm64/include/uapi/asm/signal.h).

use super::guest_pod;

/// Highest guest signal number (`_NSIG`).
pub const NSIG: u64 = 64;
/// Bytes in the guest `sigset_t` the rt_sig* syscalls take (`_NSIG / 8`).
pub const SIGSET_SIZE: u64 = 8;

macro_rules! signals {
    ($($name:ident = $val:expr;)*) => {
        $(pub const $name: u32 = $val;)*
        /// The classic guest signals 1..=31 with their names.
        pub const CLASSIC: &[(&str, u32)] = &[$((stringify!($name), $val),)*];
    };
}

signals! {
    SIGHUP = 1; SIGINT = 2; SIGQUIT = 3; SIGILL = 4; SIGTRAP = 5; SIGABRT = 6;
    SIGBUS = 7; SIGFPE = 8; SIGKILL = 9; SIGUSR1 = 10; SIGSEGV = 11; SIGUSR2 = 12;
    SIGPIPE = 13; SIGALRM = 14; SIGTERM = 15; SIGSTKFLT = 16; SIGCHLD = 17;
    SIGCONT = 18; SIGSTOP = 19; SIGTSTP = 20; SIGTTIN = 21; SIGTTOU = 22;
    SIGURG = 23; SIGXCPU = 24; SIGXFSZ = 25; SIGVTALRM = 26; SIGPROF = 27;
    SIGWINCH = 28; SIGIO = 29; SIGPWR = 30; SIGSYS = 31;
}

/// `sa_flags` bits.
pub const SA_NOCLDSTOP: u64 = 0x1;
pub const SA_NOCLDWAIT: u64 = 0x2;
pub const SA_SIGINFO: u64 = 0x4;
pub const SA_RESTORER: u64 = 0x0400_0000;
pub const SA_ONSTACK: u64 = 0x0800_0000;
pub const SA_RESTART: u64 = 0x1000_0000;
pub const SA_NODEFER: u64 = 0x4000_0000;
pub const SA_RESETHAND: u64 = 0x8000_0000;
/// arm64: si_addr of a fault keeps the address tag (bits 63:56).
pub const SA_EXPOSE_TAGBITS: u64 = 0x800;

/// Special handler values.
pub const SIG_DFL: u64 = 0;
pub const SIG_IGN: u64 = 1;

/// rt_sigprocmask `how`.
pub const SIG_BLOCK: u64 = 0;
pub const SIG_UNBLOCK: u64 = 1;
pub const SIG_SETMASK: u64 = 2;

/// sigaltstack flags and sizes (arm64 overrides the generic MINSIGSTKSZ).
pub const SS_ONSTACK: i32 = 1;
pub const SS_DISABLE: i32 = 2;
pub const SS_AUTODISARM: i32 = 1 << 31;
pub const MINSIGSTKSZ: u64 = 5120;

/// The guest kernel `struct sigaction` as rt_sigaction passes it, 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Sigaction {
    pub handler: u64,
    pub flags: u64,
    pub restorer: u64,
    pub mask: u64,
}

/// Guest `stack_t` (sigaltstack), 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct StackT {
    pub ss_sp: u64,
    pub ss_flags: i32,
    pub pad: i32,
    pub ss_size: u64,
}

/// Guest `siginfo_t`, 128 bytes. arm64 and x86-64 both use the generic
/// 64-bit layout, so a host siginfo is a guest siginfo byte for byte.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Siginfo {
    pub signo: i32,
    pub errno: i32,
    pub code: i32,
    pub pad: i32,
    /// The union: si_addr (faults), si_pid/si_uid then si_value or
    /// si_status (kill, sigqueue, SIGCHLD), timer ids, ...
    pub fields: [u64; 14],
}

impl Siginfo {
    /// A fault's siginfo: `addr` is si_addr.
    pub fn fault(signo: u32, code: i32, addr: u64) -> Siginfo {
        let mut i = Siginfo {
            signo: signo as i32,
            code,
            ..Siginfo::default()
        };
        i.fields[0] = addr;
        i
    }
}

/// si_code values (include/uapi/asm-generic/siginfo.h).
pub const SI_USER: i32 = 0;
pub const SI_TKILL: i32 = -6;
pub const SEGV_MAPERR: i32 = 1;
pub const SEGV_ACCERR: i32 = 2;
pub const BUS_ADRALN: i32 = 1;
pub const BUS_ADRERR: i32 = 2;
pub const ILL_ILLOPC: i32 = 1;
pub const TRAP_BRKPT: i32 = 1;

guest_pod!(Sigaction, StackT, Siginfo);

/// The bit for signal `sig` (1-based) in a guest sigset.
pub fn sig_bit(sig: u32) -> u64 {
    1u64 << (sig - 1)
}

/// Signals that can be neither caught nor blocked.
pub fn unblockable() -> u64 {
    sig_bit(SIGKILL) | sig_bit(SIGSTOP)
}

/// Converts a guest signal number to the host's. Numbers 1..=64 are identical on arm64
/// and x86-64 (both asm-generic; see the test against the host's libc values).
pub fn to_host(sig: u64) -> Option<i32> {
    (sig <= NSIG).then_some(sig as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn sigaction_layout() {
        assert_layout!(Sigaction, 32, { handler: 0, flags: 8, restorer: 16, mask: 24 });
    }

    #[test]
    fn siginfo_layout() {
        assert_layout!(Siginfo, 128, { signo: 0, errno: 4, code: 8, fields: 16 });
        assert_eq!(std::mem::size_of::<libc::siginfo_t>(), 128);
    }

    #[test]
    fn stack_t_layout() {
        assert_layout!(StackT, 24, { ss_sp: 0, ss_flags: 8, ss_size: 16 });
    }

    #[test]
    fn classic_signals_match_host() {
        // The pass-through in to_host relies on this.
        let host = [
            libc::SIGHUP,
            libc::SIGINT,
            libc::SIGQUIT,
            libc::SIGILL,
            libc::SIGTRAP,
            libc::SIGABRT,
            libc::SIGBUS,
            libc::SIGFPE,
            libc::SIGKILL,
            libc::SIGUSR1,
            libc::SIGSEGV,
            libc::SIGUSR2,
            libc::SIGPIPE,
            libc::SIGALRM,
            libc::SIGTERM,
            libc::SIGSTKFLT,
            libc::SIGCHLD,
            libc::SIGCONT,
            libc::SIGSTOP,
            libc::SIGTSTP,
            libc::SIGTTIN,
            libc::SIGTTOU,
            libc::SIGURG,
            libc::SIGXCPU,
            libc::SIGXFSZ,
            libc::SIGVTALRM,
            libc::SIGPROF,
            libc::SIGWINCH,
            libc::SIGIO,
            libc::SIGPWR,
            libc::SIGSYS,
        ];
        assert_eq!(CLASSIC.len(), host.len());
        for (i, ((_, g), h)) in CLASSIC.iter().zip(host).enumerate() {
            assert_eq!(*g as usize, i + 1);
            assert_eq!(*g as i32, h);
        }
    }

    #[test]
    fn to_host_rejects_out_of_range() {
        assert_eq!(to_host(6), Some(libc::SIGABRT));
        assert_eq!(to_host(64), Some(64));
        assert_eq!(to_host(65), None);
    }

    #[test]
    fn sigset_bits() {
        assert_eq!(sig_bit(SIGKILL), 1 << 8);
        assert_eq!(unblockable(), (1 << 8) | (1 << 18));
    }
}
