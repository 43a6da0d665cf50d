//! Signal syscalls. Guest actions live in the [`Process`](crate::Process), masks,
//! alternate stacks and pending signals in each [`Task`]. The host mirrors them: a
//! guest handler is a host handler (the emulator's, registered with
//! [`set_host_handler`]) that records the signal for the dispatcher; SIG_IGN and
//! SIG_DFL are the host's own, so the host kernel ignores, stops, kills and dumps core
//! exactly as the arm64 kernel would; and each thread's host mask is its guest mask, so
//! the host kernel picks the thread a process-directed signal goes to.

use crate::abi::errno::Errno;
use crate::abi::signal::{
    self as sig, sig_bit, unblockable, Sigaction, StackT, MINSIGSTKSZ, NSIG, SA_NOCLDSTOP,
    SA_NOCLDWAIT, SIGSET_SIZE, SIG_DFL, SIG_IGN, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK,
};
use crate::guest_mem;
use crate::host::{self, check, int, ok};
use crate::process::lock;
use crate::thread::Task;
use crate::SysResult;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The emulator's host handler for signals the guest handles.
static HOST_HANDLER: AtomicUsize = AtomicUsize::new(0);

/// Signals the emulator always handles itself on the host, because translated code
/// raises them for the guest's own faults: their guest action is kept here and applied
/// by the emulator.
pub const EMULATOR_OWNED: u64 = (1 << (4 - 1)) // SIGILL
    | (1 << (5 - 1)) // SIGTRAP
    | (1 << (7 - 1)) // SIGBUS
    | (1 << (8 - 1)) // SIGFPE
    | (1 << (11 - 1)); // SIGSEGV

/// Registers the host handler that records guest-handled signals (an SA_SIGINFO
/// handler address).
pub fn set_host_handler(handler: usize) {
    HOST_HANDLER.store(handler, Ordering::SeqCst);
}

/// Signals whose guest action is a handler (readable from a signal handler).
static HANDLED: AtomicU64 = AtomicU64::new(0);

/// Whether the guest has a handler for host signal `sig`. Async-signal-safe.
pub fn guest_handles(sig: i32) -> bool {
    (1..=NSIG as i32).contains(&sig) && HANDLED.load(Ordering::SeqCst) & sig_bit(sig as u32) != 0
}

/// Applies guest action `act` of `signo` to the host.
fn mirror(signo: u32, act: &Sigaction) {
    if act.handler > SIG_IGN {
        HANDLED.fetch_or(sig_bit(signo), Ordering::SeqCst);
    } else {
        HANDLED.fetch_and(!sig_bit(signo), Ordering::SeqCst);
    }
    if EMULATOR_OWNED & sig_bit(signo) != 0 {
        return;
    }
    let handler = match act.handler {
        SIG_DFL => 0,
        SIG_IGN => 1,
        _ => HOST_HANDLER.load(Ordering::SeqCst),
    };
    let flags = act.flags & (SA_NOCLDSTOP | SA_NOCLDWAIT)
        | if handler > 1 {
            (libc::SA_SIGINFO | libc::SA_ONSTACK) as u64
        } else {
            0
        };
    host::sig::set_action(signo as i32, handler, flags);
}

/// The host mask for guest mask `mask`: the signals the emulator owns stay deliverable.
pub fn host_mask(mask: u64) -> u64 {
    mask & !EMULATOR_OWNED
}

/// The guest's initial actions: what it inherited (an ignored signal stays ignored
/// across exec).
pub fn inherited_actions() -> [Sigaction; NSIG as usize] {
    std::array::from_fn(|i| {
        let s = i as i32 + 1;
        let ignored = s != libc::SIGKILL && s != libc::SIGSTOP && host::sig::action(s) == 1;
        Sigaction {
            handler: if ignored { SIG_IGN } else { SIG_DFL },
            ..Sigaction::default()
        }
    })
}

pub fn rt_sigaction(p: &mut Task, a: [u64; 6]) -> SysResult {
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
    let proc = p.proc.clone();
    let mut actions = lock(&proc.sigactions);
    let old = actions[idx];
    if let Some(mut n) = new {
        n.mask &= !unblockable();
        actions[idx] = n;
        mirror(signo as u32, &n);
        if n.handler == SIG_IGN {
            p.pending.discard(signo as u32);
        }
    }
    drop(actions);
    if oact != 0 {
        guest_mem::write_val(oact, &old)?;
    }
    ok(0)
}

/// Resets the handler of `signo` to SIG_DFL (SA_RESETHAND on delivery: the kernel
/// keeps the flags and mask).
pub fn reset_action(p: &Task, signo: u32) {
    let mut actions = lock(&p.proc.sigactions);
    let act = &mut actions[(signo - 1) as usize];
    act.handler = SIG_DFL;
    mirror(signo, act);
}

/// CLONE_CLEAR_SIGHAND in a new child: every handled signal goes back to its default
/// action (flags and mask cleared); ignored signals stay ignored.
pub fn clear_handlers(p: &Task) {
    let mut actions = lock(&p.proc.sigactions);
    for (i, act) in actions.iter_mut().enumerate() {
        if act.handler > SIG_IGN {
            *act = Sigaction::default();
            mirror(i as u32 + 1, act);
        }
    }
}

impl Task {
    /// Sets the thread's guest signal mask (SIGKILL and SIGSTOP stay unblocked), and
    /// the host mask with it.
    pub fn set_sigmask(&mut self, mask: u64) {
        self.sigmask = mask & !unblockable();
        host::sig::set_mask(host_mask(self.sigmask));
    }
}

pub fn rt_sigprocmask(p: &mut Task, a: [u64; 6]) -> SysResult {
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
        p.set_sigmask(new);
    }
    if oset != 0 {
        guest_mem::write_val(oset, &old)?;
    }
    ok(0)
}

pub fn rt_sigpending(p: &mut Task, a: [u64; 6]) -> SysResult {
    if a[1] > SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set = (p.pending.bits() | host::sig::pending()) & p.sigmask;
    guest_mem::write_val(a[0], &set)?;
    ok(0)
}

/// rt_sigsuspend: waits with the given mask until a signal is delivered. The
/// dispatcher delivers it and restores the old mask on the handler's return
/// ([`Task::saved_sigmask`]).
pub fn rt_sigsuspend(p: &mut Task, a: [u64; 6]) -> SysResult {
    if a[1] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mask: u64 = guest_mem::read_val(a[0])?;
    let old = p.sigmask;
    p.sigmask = mask & !unblockable();
    while p.pending.bits() & !p.sigmask == 0 {
        host::sig::suspend(host_mask(p.sigmask));
    }
    p.saved_sigmask = Some(old);
    Err(Errno::EINTR)
}

pub fn rt_sigtimedwait(p: &mut Task, a: [u64; 6]) -> SysResult {
    if a[3] != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set: u64 = guest_mem::read_val(a[0])?;
    let set = set & !unblockable();
    // Already delivered to this thread by the host: take it from there.
    if let Some(info) = p.pending.take(!set) {
        if a[1] != 0 {
            guest_mem::write_val(a[1], &info)?;
        }
        return ok(info.signo as u64);
    }
    p.blocking(
        crate::host::nr::SYS_rt_sigtimedwait,
        [&set as *const u64 as u64, a[1], a[2], 8, 0, 0],
    )
}

pub fn rt_sigqueueinfo(_: &mut Task, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[1])?;
    check(host::sig::queueinfo(int(a[0]), None, s, a[2]))
}

pub fn rt_tgsigqueueinfo(_: &mut Task, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[2])?;
    check(host::sig::queueinfo(int(a[0]), Some(int(a[1])), s, a[3]))
}

pub fn sigaltstack(p: &mut Task, a: [u64; 6]) -> SysResult {
    let mut old = p.altstack;
    let on_stack = p.on_altstack(p.guest_sp);
    if on_stack {
        old.ss_flags = SS_ONSTACK | (old.ss_flags & SS_AUTODISARM);
    }
    if a[0] != 0 {
        let mut ss: StackT = guest_mem::read_val(a[0])?;
        if on_stack {
            return Err(Errno::EPERM);
        }
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

impl Task {
    /// Whether guest stack pointer `sp` lies on the thread's alternate stack.
    pub fn on_altstack(&self, sp: u64) -> bool {
        let s = &self.altstack;
        s.ss_flags & SS_DISABLE == 0 && s.ss_size != 0 && sp > s.ss_sp && sp - s.ss_sp <= s.ss_size
    }
}

fn host_sig(s: u64) -> Result<i32, Errno> {
    sig::to_host(s).ok_or(Errno::EINVAL)
}

pub fn kill(_: &mut Task, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[1])?;
    // SAFETY: plain integer arguments.
    check(unsafe { libc::kill(int(a[0]), s) } as i64)
}

pub fn tkill(_: &mut Task, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[1])?;
    // SAFETY: plain integer arguments.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_tkill,
            [int(a[0]) as u64, s as u64, 0, 0, 0, 0],
        )
    })
}

pub fn tgkill(_: &mut Task, a: [u64; 6]) -> SysResult {
    let s = host_sig(a[2])?;
    // SAFETY: plain integer arguments.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_tgkill,
            [int(a[0]) as u64, int(a[1]) as u64, s as u64, 0, 0, 0],
        )
    })
}

/// rt_sigreturn: the dispatcher restores the context from the guest frame.
pub fn rt_sigreturn(_: &mut Task, _: [u64; 6]) -> SysResult {
    Ok(crate::Outcome::SigReturn)
}

/// Blocks every host signal on this thread; returns the old host mask.
pub fn block_all_host() -> u64 {
    host::sig::set_mask(u64::MAX)
}

/// Puts back a host mask [`block_all_host`] returned.
pub fn restore_host_mask(mask: u64) {
    host::sig::set_mask(mask);
}
