//! The gdb stub of emu-user (`-g PORT`): gdb-multiarch attaches over TCP and
//! debugs the guest as it would an arm64 Linux process through gdbserver.
//!
//! * [`control`]: all-stop control of the guest threads (park, resume).
//! * [`target`]: the gdbstub target: registers, memory, threads, resume
//!   actions, breakpoints; [`files`]: auxv, the executable and host I/O
//!   (`info proc mappings` reads the guest's /proc/PID/maps through it).
//! * [`conn`]: the listening socket and the stub's event loop.
//!
//! Breakpoints live in the translator: a block stops before an instruction
//! that has one ([`crate::cpu::ExitReason::Debug`]); single steps run
//! one-instruction blocks ([`crate::jit::Jit::step`]). Changing a breakpoint
//! drops every translation.

pub mod arch;
mod conn;
pub mod control;
mod files;
pub mod signals;
mod target;

use crate::cpu::{CpuState, ExitReason};
use crate::jit::Jit;
use control::{Action, Control, End, Stop};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The debugger of this process, once `-g` started one.
static CONTROL: OnceLock<Arc<Control>> = OnceLock::new();

/// The debugger, if one debugs the calling process (not a forked or vfork
/// child, which no debugger follows).
fn control() -> Option<&'static Arc<Control>> {
    let c = CONTROL.get()?;
    // SAFETY: getpid has no preconditions.
    (unsafe { libc::getpid() } == c.pid).then_some(c)
}

/// Waits on `port` (0: any free port; the port is printed on stderr) for
/// gdb, then starts the stub on its own host thread. The guest's first
/// thread, which calls this, stays halted before its first instruction
/// until gdb resumes it.
pub fn start(port: u16, jit: &Jit, process: Arc<emu_syscalls::Process>) -> Result<(), String> {
    let stream = conn::accept(port)?;
    let ctl = Arc::new(Control::new(jit.debug_handle(), process).map_err(|e| e.to_string())?);
    ctl.jit.start();
    ctl.register(gettid(), jit.interrupt_word().clone());
    let _ = CONTROL.set(ctl.clone());
    conn::spawn_stub(ctl, stream)
}

fn gettid() -> u32 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() as u32 }
}

/// A guest thread under the debugger.
pub struct ThreadHandle {
    ctl: Arc<Control>,
    tid: u32,
    halt: Arc<AtomicBool>,
    action: Cell<Action>,
    /// A single step ended in a syscall: the step is done once it returns.
    step_done: Cell<bool>,
}

/// Puts the calling guest thread under the debugger, if there is one.
pub fn attach_thread(jit: &Jit) -> Option<ThreadHandle> {
    let ctl = control()?.clone();
    let tid = gettid();
    let halt = ctl.register(tid, jit.interrupt_word().clone());
    Some(ThreadHandle {
        ctl,
        tid,
        halt,
        action: Cell::new(Action::Continue),
        step_done: Cell::new(false),
    })
}

impl Drop for ThreadHandle {
    fn drop(&mut self) {
        self.ctl.unregister(self.tid);
    }
}

impl ThreadHandle {
    fn park(&self, cpu: &mut CpuState, stop: Option<Stop>) -> Option<u32> {
        let (action, signal) = self.ctl.park(self.tid, cpu, stop);
        self.action.set(action);
        signal
    }

    /// Runs guest code as the debugger directs: stops at breakpoints and
    /// after single steps, halts when asked; returns the exits the run loop
    /// handles (syscalls, faults, interrupts).
    pub fn run(&self, jit: &mut Jit, cpu: &mut CpuState) -> ExitReason {
        loop {
            if self.step_done.take() {
                self.park(cpu, Some(Stop::Step));
            } else if self.halt.load(Ordering::SeqCst) {
                self.park(cpu, None);
            }
            if self.action.get() == Action::Step {
                match jit.step(cpu) {
                    ExitReason::Lookup => self.step_done.set(true),
                    ExitReason::Svc => {
                        self.step_done.set(true);
                        return ExitReason::Svc;
                    }
                    other => return other,
                }
            } else {
                match jit.run(cpu) {
                    ExitReason::Debug => {
                        self.park(cpu, Some(Stop::Breakpoint));
                    }
                    other => return other,
                }
            }
        }
    }

    /// A signal `sig` is about to be delivered to this thread: the debugger
    /// sees it first. Returns whether to deliver it.
    pub fn signal(&self, cpu: &mut CpuState, sig: i32) -> bool {
        self.step_done.set(false);
        self.park(cpu, Some(Stop::Signal(sig as u32))).is_some()
    }

    /// The thread enters a syscall (it counts as stopped meanwhile).
    pub fn enter_syscall(&self, cpu: &CpuState) {
        self.ctl.enter_syscall(self.tid, cpu);
    }

    /// The thread is back from its syscall. A step the debugger asked for
    /// meanwhile ends here, after the syscall, as under ptrace.
    pub fn leave_syscall(&self) {
        if let Some((action, _signal)) = self.ctl.leave_syscall(self.tid) {
            self.action.set(action);
            if action == Action::Step {
                self.step_done.set(true);
            }
        }
    }
}

/// The process is about to exit with `code`: the debugger is told first.
pub fn process_exits(code: i32) {
    if let Some(c) = control() {
        c.end(End::Exited(code));
    }
}

/// The process is about to die by signal `sig`: the debugger is told first.
pub fn process_killed(sig: i32) {
    if let Some(c) = control() {
        c.end(End::Killed(sig));
    }
}

/// In a forked child: no debugger follows it, so its translations lose the
/// breakpoints.
pub fn forked_child(jit: &Jit) {
    if CONTROL.get().is_some() {
        jit.debug_handle().stop();
    }
}
