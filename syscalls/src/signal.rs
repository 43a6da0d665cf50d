//! Signals: guest signal actions, mask and alternate stack are recorded in the Process
//! (no host handlers are installed here); kill/tkill/tgkill pass through.

use crate::abi::errno::Errno;
use crate::abi::signal::{
    self as sig, unblockable, Sigaction, StackT, MINSIGSTKSZ, NSIG, SIGSET_SIZE, SS_AUTODISARM,
    SS_DISABLE, SS_ONSTACK,
};
use crate::guest_mem;
use crate::host::{check, int, ok};
use crate::process::Process;
use crate::SysResult;

pub fn rt_sigaction(p: &mut Process, a: [u64; 6]) -> SysResult {
    let (signo, act, oact) = (a[0], a[1], a[2]);
    if a[3] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let new: Option<Sigaction> = if act != 0 {
        Some(guest_mem::read_val(act)?)
    } else {
        None
    };
    if !(1..=NSIG).contains(&signo) {
        return Err(Errno::EINVAL);
    }
    let idx = (signo - 1) as usize;
    if new.is_some() && (signo == sig::SIGKILL as u64 || signo == sig::SIGSTOP as u64) {
        return Err(Errno::EINVAL);
    }
    let old = p.sigactions[idx];
    if let Some(mut n) = new {
        n.mask &= !unblockable();
        p.sigactions[idx] = n;
    }
    if oact != 0 {
        guest_mem::write_val(oact, &old)?;
    }
    ok(0)
}

pub fn rt_sigprocmask(p: &mut Process, a: [u64; 6]) -> SysResult {
    let (how, set, oset) = (a[0], a[1], a[2]);
    if a[3] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let old = p.sigmask;
    if set != 0 {
        let s: u64 = guest_mem::read_val(set)?;
        let new = match how {
            sig::SIG_BLOCK => old | s,
            sig::SIG_UNBLOCK => old & !s,
            sig::SIG_SETMASK => s,
            _ => return Err(Errno::EINVAL),
        };
        p.sigmask = new & !unblockable();
    }
    if oset != 0 {
        guest_mem::write_val(oset, &old)?;
    }
    ok(0)
}

pub fn sigaltstack(p: &mut Process, a: [u64; 6]) -> SysResult {
    let old = p.altstack;
    if a[0] != 0 {
        let mut ss: StackT = guest_mem::read_val(a[0])?;
        let mode = ss.ss_flags & !SS_AUTODISARM;
        if mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK {
            return Err(Errno::EINVAL);
        }
        if mode == SS_DISABLE {
            ss = StackT {
                ss_flags: SS_DISABLE,
                ..StackT::default()
            };
        } else if ss.ss_size < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        } else {
            ss.ss_flags &= SS_AUTODISARM;
        }
        p.altstack = ss;
    }
    if a[1] != 0 {
        guest_mem::write_val(a[1], &old)?;
    }
    ok(0)
}

fn host_sig(s: u64) -> Result<i32, Errno> {
    sig::to_host(s).ok_or(Errno::EINVAL)
}

pub fn kill(_: &mut Process, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[1])?;
    // SAFETY: plain integer arguments.
    check(unsafe { libc::kill(int(a[0]), s) } as i64)
}

pub fn tkill(_: &mut Process, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[1])?;
    // SAFETY: plain integer arguments.
    check(unsafe { libc::syscall(libc::SYS_tkill, int(a[0]), s) })
}

pub fn tgkill(_: &mut Process, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[2])?;
    // SAFETY: plain integer arguments. A signal to ourselves is delivered for real (glibc's
    // abort() relies on SIGABRT killing the process).
    check(unsafe { libc::syscall(libc::SYS_tgkill, int(a[0]), int(a[1]), s) })
}
