//! All-stop control of the guest threads under a debugger.
//!
//! Each guest thread has a [`Slot`]: where it is (running, parked at its
//! dispatcher, in a syscall), a copy of its registers while it is not
//! running, and what the debugger told it to do next. A thread parks when
//! it reports a stop (breakpoint, finished step, signal) or when the stub
//! asks every thread to halt; it leaves when the stub resumes it. A thread
//! blocked in a syscall counts as stopped (its registers are those of the
//! SVC); it parks as soon as the syscall returns.

use super::arch::Regs;
use crate::cpu::CpuState;
use crate::jit::dispatch::DebugHandle;
use crate::jit::exclusive::{InterruptWord, INTERRUPT};
use std::collections::{BTreeMap, VecDeque};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Why a thread stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Before the instruction of a breakpoint.
    Breakpoint,
    /// After the one instruction of a single step.
    Step,
    /// A signal (arm64 Linux number) is about to be delivered.
    Signal(u32),
}

/// How the process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Exited(i32),
    Killed(i32),
}

/// What a resumed thread does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Continue,
    Step,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Running,
    Parked,
    InSyscall,
}

struct Slot {
    interrupt: InterruptWord,
    /// Set while the thread must park at its next stop point.
    halt: Arc<AtomicBool>,
    place: Place,
    /// Valid while parked or in a syscall.
    cpu: CpuState,
    /// The debugger changed `cpu`.
    dirty: bool,
    /// Released from its park.
    go: bool,
    action: Action,
    /// Signal to deliver (the one it stopped for, if the debugger passes it).
    signal: Option<u32>,
}

#[derive(Default)]
struct State {
    threads: BTreeMap<u32, Slot>,
    /// Stops not yet reported to the debugger, oldest first.
    events: VecDeque<(u32, Stop)>,
    end: Option<End>,
    end_reported: bool,
    /// The debugger holds every thread (between a stop and a resume).
    stopped: bool,
    /// The last resume left the threads without an action halted
    /// (scheduler locking); new threads start halted too.
    locked: bool,
    detached: bool,
    /// Resume actions gathered from a vCont packet.
    actions: BTreeMap<u32, (Action, Option<u32>)>,
}

/// The debugger's side of the guest process.
pub struct Control {
    state: Mutex<State>,
    cond: Condvar,
    /// Written to wake the stub waiting for events (its poll reads the other end).
    wake_tx: OwnedFd,
    pub wake_rx: OwnedFd,
    /// The process the stub debugs (a forked child is not it).
    pub pid: i32,
    pub jit: DebugHandle,
    pub process: Arc<emu_syscalls::Process>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Control {
    pub fn new(jit: DebugHandle, process: Arc<emu_syscalls::Process>) -> std::io::Result<Control> {
        let (rx, tx) =
            nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC | nix::fcntl::OFlag::O_NONBLOCK)?;
        Ok(Control {
            state: Mutex::new(State {
                stopped: true,
                ..State::default()
            }),
            cond: Condvar::new(),
            wake_tx: tx,
            wake_rx: rx,
            // SAFETY: getpid has no preconditions.
            pid: unsafe { libc::getpid() },
            jit,
            process,
        })
    }

    fn wake(&self) {
        // SAFETY: one byte from a valid buffer to our own non-blocking pipe; a
        // full pipe already wakes the reader.
        unsafe { libc::write(self.wake_tx.as_raw_fd(), [1u8].as_ptr().cast(), 1) };
    }

    /// Adds the calling guest thread (`tid`); it starts halted while the
    /// debugger holds the others. Returns its halt flag.
    pub fn register(&self, tid: u32, interrupt: InterruptWord) -> Arc<AtomicBool> {
        let mut st = lock(&self.state);
        let halt = Arc::new(AtomicBool::new((st.stopped || st.locked) && !st.detached));
        st.threads.insert(
            tid,
            Slot {
                interrupt,
                halt: halt.clone(),
                place: Place::Running,
                cpu: CpuState::default(),
                dirty: false,
                go: false,
                action: Action::Continue,
                signal: None,
            },
        );
        halt
    }

    /// The thread `tid` is gone.
    pub fn unregister(&self, tid: u32) {
        let mut st = lock(&self.state);
        st.threads.remove(&tid);
        st.events.retain(|&(t, _)| t != tid);
        self.cond.notify_all();
    }

    /// Parks thread `tid` with its state `cpu`, reporting `stop`; returns
    /// when the debugger resumes it, with the registers it may have changed,
    /// what to do and the signal to deliver.
    pub fn park(&self, tid: u32, cpu: &mut CpuState, stop: Option<Stop>) -> (Action, Option<u32>) {
        let mut st = lock(&self.state);
        if st.detached {
            return (Action::Continue, stop.and_then(signal_of));
        }
        let Some(slot) = st.threads.get_mut(&tid) else {
            return (Action::Continue, None);
        };
        slot.cpu = cpu.clone();
        slot.place = Place::Parked;
        slot.go = false;
        if let Some(s) = stop {
            st.events.push_back((tid, s));
            self.wake();
        }
        self.cond.notify_all();
        loop {
            if st.detached {
                return (Action::Continue, stop.and_then(signal_of));
            }
            let slot = st
                .threads
                .get_mut(&tid)
                .expect("parked thread is registered");
            // A resume that a new halt overtook before this thread woke up
            // is void: it stays parked.
            if slot.go && slot.halt.load(Ordering::SeqCst) {
                slot.go = false;
            }
            if slot.go {
                slot.go = false;
                slot.place = Place::Running;
                if std::mem::take(&mut slot.dirty) {
                    let regs = Regs::of(&slot.cpu);
                    regs.store(cpu);
                }
                return (slot.action, slot.signal.take());
            }
            st = self.cond.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Thread `tid` enters a syscall in state `cpu`.
    pub fn enter_syscall(&self, tid: u32, cpu: &CpuState) {
        let mut st = lock(&self.state);
        if let Some(slot) = st.threads.get_mut(&tid) {
            slot.cpu = cpu.clone();
            slot.place = Place::InSyscall;
        }
    }

    /// Thread `tid` is back from its syscall (it parks at its next stop
    /// point if halted). Returns what the debugger told it to do if it
    /// resumed the thread meanwhile.
    pub fn leave_syscall(&self, tid: u32) -> Option<(Action, Option<u32>)> {
        let mut st = lock(&self.state);
        let slot = st.threads.get_mut(&tid)?;
        slot.place = Place::Running;
        let resumed = std::mem::take(&mut slot.go) && !slot.halt.load(Ordering::SeqCst);
        resumed.then(|| (slot.action, slot.signal.take()))
    }

    /// The process ends: the stub reports it, then this returns (at once
    /// when no debugger listens any more).
    pub fn end(&self, end: End) {
        let mut st = lock(&self.state);
        if st.end.is_none() {
            st.end = Some(end);
        }
        self.wake();
        while !st.end_reported && !st.detached {
            st = self.cond.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }

    // ---- the stub's side ----

    /// The end of the process, once known.
    pub fn ended(&self) -> Option<End> {
        lock(&self.state).end
    }

    /// The debugger has been told how the process ended.
    pub fn end_reported(&self) {
        lock(&self.state).end_reported = true;
        self.cond.notify_all();
    }

    /// The next unreported stop.
    pub fn next_event(&self) -> Option<(u32, Stop)> {
        lock(&self.state).events.pop_front()
    }

    /// Halts every thread and waits until none runs guest code.
    pub fn stop_all(&self) {
        let mut st = lock(&self.state);
        st.stopped = true;
        loop {
            let mut running = false;
            for slot in st.threads.values() {
                slot.halt.store(true, Ordering::SeqCst);
                if slot.place == Place::Running {
                    slot.interrupt.fetch_or(INTERRUPT, Ordering::SeqCst);
                    running = true;
                }
            }
            if !running || st.end.is_some() {
                return;
            }
            st = self
                .cond
                .wait_timeout(st, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Forgets the actions of the last vCont.
    pub fn clear_actions(&self) {
        let mut st = lock(&self.state);
        st.actions.clear();
        st.locked = false;
    }

    /// Thread `tid` will do `action`, delivering `signal`.
    pub fn set_action(&self, tid: u32, action: Action, signal: Option<u32>) {
        lock(&self.state).actions.insert(tid, (action, signal));
    }

    /// Threads without an action of their own stay halted.
    pub fn lock_scheduler(&self) {
        lock(&self.state).locked = true;
    }

    /// Resumes the threads as the gathered actions say. A signal stop not
    /// reported yet is reported first instead (the threads stay halted); an
    /// unreported breakpoint or step is dropped, as the thread's next run
    /// meets the breakpoint again.
    pub fn resume(&self) {
        let mut st = lock(&self.state);
        st.events.retain(|&(_, s)| matches!(s, Stop::Signal(_)));
        if !st.events.is_empty() {
            self.wake();
            return;
        }
        let State {
            threads,
            actions,
            locked,
            ..
        } = &mut *st;
        for (tid, slot) in threads.iter_mut() {
            let (action, signal) = match actions.get(tid) {
                Some(&a) => a,
                None if *locked => continue,
                None => (Action::Continue, None),
            };
            slot.action = action;
            slot.signal = signal;
            slot.halt.store(false, Ordering::SeqCst);
            slot.go = true;
        }
        st.stopped = false;
        self.cond.notify_all();
    }

    /// The debugger left: every thread runs on freely.
    pub fn detach(&self) {
        let mut st = lock(&self.state);
        st.detached = true;
        st.stopped = false;
        st.locked = false;
        for slot in st.threads.values() {
            slot.halt.store(false, Ordering::SeqCst);
        }
        self.cond.notify_all();
    }

    /// The threads' ids.
    pub fn tids(&self) -> Vec<u32> {
        lock(&self.state).threads.keys().copied().collect()
    }

    /// The registers of stopped thread `tid`.
    pub fn regs(&self, tid: u32) -> Option<Regs> {
        let st = lock(&self.state);
        let slot = st.threads.get(&tid)?;
        (slot.place != Place::Running).then(|| Regs::of(&slot.cpu))
    }

    /// Sets the registers of parked thread `tid` (not of one in a syscall,
    /// whose return would overwrite them).
    pub fn set_regs(&self, tid: u32, regs: &Regs) -> bool {
        let mut st = lock(&self.state);
        match st.threads.get_mut(&tid) {
            Some(slot) if slot.place == Place::Parked => {
                regs.store(&mut slot.cpu);
                slot.dirty = true;
                true
            }
            _ => false,
        }
    }
}

fn signal_of(stop: Stop) -> Option<u32> {
    match stop {
        Stop::Signal(s) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::Jit;
    use std::sync::atomic::AtomicU32;

    fn control() -> (Arc<Control>, Jit) {
        let jit = Jit::with_cache(crate::jit::code_cache::CodeCache::with_size(1 << 16).unwrap())
            .unwrap();
        let process = Arc::new(emu_syscalls::Process::new(Default::default()));
        (
            Arc::new(Control::new(jit.debug_handle(), process).unwrap()),
            jit,
        )
    }

    /// A guest thread stand-in: parks as its dispatcher would (at once,
    /// reporting `stop` if given), "steps" by moving pc on 4 and reporting the
    /// step, and ends when told to continue; returns the pcs it resumed at.
    fn thread(
        ctl: Arc<Control>,
        tid: u32,
        stop: Option<Stop>,
    ) -> std::thread::JoinHandle<Vec<u64>> {
        ctl.register(tid, Arc::new(AtomicU32::new(0)));
        std::thread::spawn(move || {
            let mut cpu = CpuState {
                pc: 0x1000 * tid as u64,
                ..CpuState::default()
            };
            let mut seen = Vec::new();
            let mut stop = stop;
            loop {
                let (action, _) = ctl.park(tid, &mut cpu, stop.take());
                seen.push(cpu.pc);
                if action == Action::Continue {
                    break;
                }
                cpu.pc += 4;
                stop = Some(Stop::Step);
            }
            ctl.unregister(tid);
            seen
        })
    }

    fn next_event(ctl: &Control) -> (u32, Stop) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(e) = ctl.next_event() {
                return e;
            }
            assert!(std::time::Instant::now() < deadline, "no stop reported");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn threads_start_halted_and_resume_with_the_registers_gdb_wrote() {
        let (ctl, _jit) = control();
        let t = thread(ctl.clone(), 7, None);
        ctl.stop_all();
        assert_eq!(ctl.tids(), vec![7]);
        let mut regs = ctl.regs(7).expect("parked thread has registers");
        assert_eq!(regs.pc, 0x7000);
        regs.pc = 0x7777;
        assert!(ctl.set_regs(7, &regs));
        ctl.clear_actions();
        ctl.resume();
        assert_eq!(t.join().unwrap(), vec![0x7777]);
    }

    #[test]
    fn a_stop_is_reported_and_scheduler_locking_resumes_one_thread() {
        let (ctl, _jit) = control();
        let a = thread(ctl.clone(), 1, None);
        let b = thread(ctl.clone(), 2, None);
        ctl.stop_all();
        // Step thread 1 alone: thread 2 stays parked.
        ctl.clear_actions();
        ctl.set_action(1, Action::Step, None);
        ctl.lock_scheduler();
        ctl.resume();
        assert_eq!(next_event(&ctl), (1, Stop::Step));
        ctl.stop_all();
        assert_eq!(ctl.regs(1).unwrap().pc, 0x1004);
        assert_eq!(ctl.regs(2).unwrap().pc, 0x2000);
        ctl.clear_actions();
        ctl.resume();
        assert_eq!(a.join().unwrap(), vec![0x1000, 0x1004]);
        assert_eq!(b.join().unwrap(), vec![0x2000]);
        assert!(ctl.tids().is_empty());
        // A breakpoint stop of a new thread.
        let c = thread(ctl.clone(), 3, Some(Stop::Breakpoint));
        assert_eq!(next_event(&ctl), (3, Stop::Breakpoint));
        ctl.stop_all();
        ctl.clear_actions();
        ctl.resume();
        assert_eq!(c.join().unwrap(), vec![0x3000]);
    }

    #[test]
    fn an_unreported_signal_stop_is_reported_before_anything_resumes() {
        let (ctl, _jit) = control();
        let t = thread(ctl.clone(), 5, Some(Stop::Signal(10)));
        // As if another thread's stop had been reported first: the signal
        // stays queued.
        let event = next_event(&ctl);
        ctl.stop_all();
        lock(&ctl.state).events.push_back(event);
        ctl.clear_actions();
        ctl.resume();
        assert_eq!(ctl.next_event(), Some((5, Stop::Signal(10))));
        ctl.clear_actions();
        ctl.resume();
        assert_eq!(t.join().unwrap(), vec![0x5000]);
    }
}
