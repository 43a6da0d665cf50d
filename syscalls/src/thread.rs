//! Per-thread syscall state and the dispatch entry point.

use crate::abi::errno::Errno;
use crate::abi::signal::{StackT, SS_DISABLE};
use crate::process::{Process, ProcessInit, PAGE};
use crate::signal_state::Pending;
use crate::spec_ctrl::SsbCtrl;
use crate::{strace, table, Outcome};
use std::sync::Arc;

/// One guest thread as the syscall layer sees it. Handlers get `&mut Task`;
/// what the process shares is behind [`Task::proc`] (and `Deref`).
pub struct Task {
    pub proc: Arc<Process>,
    /// The thread's blocked-signal mask.
    pub sigmask: u64,
    /// The thread's alternate signal stack.
    pub altstack: StackT,
    /// Signals the host delivered to this thread that the guest has not taken yet.
    pub pending: Arc<Pending>,
    /// set_tid_address / CLONE_CHILD_CLEARTID: cleared and futex-woken when the thread exits.
    pub clear_child_tid: u64,
    /// The mask rt_sigsuspend replaced, restored when the handler it waited for returns.
    pub saved_sigmask: Option<u64>,
    /// The guest stack pointer at the current syscall (sigaltstack's EPERM check).
    pub guest_sp: u64,
    /// [start, end) ranges whose translations the dispatcher must drop; it drains this
    /// after each syscall.
    pub code_changed: Vec<(u64, u64)>,
    /// Set by a handler whose EINTR the kernel would never restart, whatever the
    /// handler's SA_RESTART (a socket call waiting with SO_RCVTIMEO/SO_SNDTIMEO); the
    /// dispatcher reads it after the call. Cleared before each syscall.
    pub no_restart: bool,
    /// seccomp strict mode (SECCOMP_SET_MODE_STRICT): only read, write, exit and
    /// rt_sigreturn are allowed; any other syscall kills the process.
    pub seccomp_strict: bool,
    /// The AArch64 tagged address ABI is enabled (see [`crate::tagged_addr`]).
    pub tagged_addr: bool,
    /// `--strace`: the call being traced (execve writes its line before the exec), then
    /// a clone that starts a thread or vfork child, whose result (the new thread's id)
    /// the dispatcher reports through [`Task::trace_clone_result`].
    pub traced: Option<strace::Call>,
    /// The thread's Spectre-v4 mitigation flags (see [`crate::spec_ctrl`]).
    pub ssb: SsbCtrl,
    /// PSTATE.SSBS the dispatcher gives the thread when this syscall returns (set by
    /// a PR_SET_SPECULATION_CTRL that changed it); it takes the value.
    pub pstate_ssbs: Option<bool>,
}

impl std::ops::Deref for Task {
    type Target = Process;
    fn deref(&self) -> &Process {
        &self.proc
    }
}

impl Task {
    /// The first thread of a new process.
    pub fn new(init: ProcessInit) -> Task {
        Task::in_process(Arc::new(Process::new(init)), 0)
    }

    /// The first thread of the emulated process itself: signal actions and mask as
    /// inherited from whoever started the emulator; the host thread takes the guest's
    /// process name, and the process the guest's argument and environment strings.
    pub fn new_inherited(init: ProcessInit) -> Task {
        crate::procfs::set_host_comm(&init.view.comm);
        crate::procfs::set_host_strings(&init.view);
        let mut p = Process::new(init);
        p.sigactions = std::sync::Mutex::new(crate::signal::inherited_actions());
        let mask = crate::host::sig::mask();
        Task::in_process(Arc::new(p), mask)
    }

    fn in_process(proc: Arc<Process>, sigmask: u64) -> Task {
        Task {
            proc,
            sigmask,
            altstack: StackT {
                ss_flags: SS_DISABLE,
                ..StackT::default()
            },
            pending: Arc::new(Pending::default()),
            clear_child_tid: 0,
            saved_sigmask: None,
            guest_sp: 0,
            code_changed: Vec::new(),
            no_restart: false,
            seccomp_strict: false,
            tagged_addr: false,
            traced: None,
            ssb: SsbCtrl::default(),
            pstate_ssbs: None,
        }
    }

    /// The state of a new thread this one creates (clone with CLONE_THREAD): the same
    /// process and signal mask, no alternate stack, nothing pending.
    pub fn new_thread(&self) -> Task {
        let mut t = Task::in_process(self.proc.clone(), self.sigmask);
        t.seccomp_strict = self.seccomp_strict;
        t.tagged_addr = self.tagged_addr;
        t.ssb = self.ssb;
        t
    }

    /// The state of a vfork child: a copy of the process (it shares the memory, not
    /// the process), the same mask and alternate stack, nothing pending.
    pub fn vfork_child(&self) -> Task {
        let mut t = Task::in_process(Arc::new(self.proc.duplicate()), self.sigmask);
        t.altstack = self.altstack;
        t.seccomp_strict = self.seccomp_strict;
        t.tagged_addr = self.tagged_addr;
        t.ssb = self.ssb;
        t
    }

    /// Runs guest syscall `nr` with arguments x0..x5.
    pub fn dispatch(&mut self, nr: u64, args: [u64; 6]) -> Outcome {
        if self.seccomp_strict && !crate::denied::STRICT_ALLOWED.contains(&nr) {
            // The kernel ends the thread with SIGKILL; emu ends the whole process
            // (the same for the single-threaded programs that use strict mode).
            // SAFETY: sends SIGKILL to this process.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
        }
        let entry = table::lookup(nr);
        self.no_restart = false;
        self.traced = self
            .proc
            .strace
            .then(|| strace::enter(nr, &args, self.guest_sp));
        if let Some(call) = &self.traced {
            if strace::before_self_kill(self, call) {
                self.traced = None;
            }
        }
        let out = match entry.and_then(|e| e.handler) {
            Some(h) => h(self, crate::tagged_addr::enter(self, nr, args))
                .unwrap_or_else(|e| Outcome::Ret(e.to_ret())),
            None => {
                self.proc.warn_unimplemented(nr);
                Outcome::Ret(Errno::ENOSYS.to_ret())
            }
        };
        if let Some(call) = self.traced.take() {
            self.trace_end(call, nr, out);
        }
        out
    }

    /// Writes the trace line of a call that returned `out` (a thread-starting clone
    /// waits for its thread id).
    fn trace_end(&mut self, mut call: strace::Call, nr: u64, out: Outcome) {
        call.set_interrupted(self.pending.is_fresh());
        let forked = matches!(out, Outcome::Child { .. })
            || (nr == table::nr::CLONE || nr == table::nr::CLONE3)
                && matches!(out, Outcome::Ret(v) if (v as i64) > 0);
        if forked {
            strace::output::set_multi();
        }
        match out {
            // The child of a fork: strace shows the clone once, in the parent.
            Outcome::Child { .. } => {}
            Outcome::NewThread(_) => {
                strace::output::set_multi();
                self.traced = Some(call);
            }
            // The parent waits while the child runs: `clone(... <unfinished ...>`
            // now, `<... clone resumed>) = PID` when it is back.
            Outcome::Vfork(_) => {
                strace::output::set_multi();
                strace::emit(&call.unfinished());
                self.traced = Some(call);
            }
            _ => call.write_end(out),
        }
    }

    /// Completes the trace line of a clone that started a thread or vfork child
    /// (`v`: the result the guest gets).
    pub fn trace_clone_result(&mut self, v: u64) {
        if let Some(call) = self.traced.take() {
            call.write_end(Outcome::Ret(v));
        }
    }

    /// Runs a host syscall that may block, interruptible by guest signals (see
    /// [`crate::host::safe`]).
    pub(crate) fn blocking(&self, nr: crate::host::HostNr, a: [u64; 6]) -> crate::SysResult {
        crate::host::check_raw(crate::host::safe::call(self.pending.fresh_word(), nr, a))
    }

    /// Records that translations for [start, start+len) must be dropped.
    pub(crate) fn invalidate(&mut self, start: u64, len: u64) {
        if len != 0 {
            let end = start.saturating_add(len.next_multiple_of(PAGE));
            self.code_changed.push((start, end));
        }
    }
}
