//! The gdbstub target: registers, memory, threads, resume actions and
//! breakpoints of the guest process.

use super::arch::{AArch64User, Regs};
use super::control::{Action, Control};
use super::files::Files;
use super::signals::from_gdb;
use gdbstub::common::{Pid, Signal, Tid};
use gdbstub::target::ext::base::multithread::{
    MultiThreadBase, MultiThreadResume, MultiThreadResumeOps, MultiThreadSchedulerLocking,
    MultiThreadSchedulerLockingOps, MultiThreadSingleStep, MultiThreadSingleStepOps,
};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, SwBreakpoint, SwBreakpointOps,
};
use gdbstub::target::ext::extended_mode::{
    Args, AttachKind, CurrentActivePid, CurrentActivePidOps, ExtendedMode, ExtendedModeOps,
    ShouldTerminate,
};
use gdbstub::target::{Target, TargetError, TargetResult};
use std::sync::Arc;

/// The guest process as gdbstub drives it.
pub struct EmuTarget {
    pub ctl: Arc<Control>,
    pub files: Files,
}

/// gdb's thread id of guest thread `tid`.
pub fn tid_of(tid: u32) -> Tid {
    Tid::new(tid as usize).unwrap_or(Tid::MIN)
}

/// EFAULT, gdb's answer for memory it cannot access.
const EFAULT: u8 = 14;
const PAGE: u64 = 4096;

impl EmuTarget {
    pub fn new(ctl: Arc<Control>) -> EmuTarget {
        EmuTarget {
            ctl,
            files: Files::default(),
        }
    }

    /// Whether the guest has `[addr, addr + len)` mapped (its own record of
    /// its mappings, which /proc/PID/maps shows).
    fn guest_owns(&self, addr: u64, len: u64) -> bool {
        let Some(end) = addr.checked_add(len) else {
            return false;
        };
        let maps = self
            .ctl
            .process
            .maps
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        maps.clip(addr, end)
            .iter()
            .map(|&(s, e)| e - s)
            .sum::<u64>()
            == len
    }

    /// Writes guest memory as ptrace does: also into read-only pages (the
    /// code gdb patches), through /proc/self/mem.
    fn poke(&self, addr: u64, data: &[u8]) -> bool {
        if emu_syscalls::guest_mem::write_bytes(addr, data).is_ok() {
            return true;
        }
        use std::os::unix::fs::FileExt;
        std::fs::OpenOptions::new()
            .write(true)
            .open("/proc/self/mem")
            .and_then(|f| f.write_all_at(data, addr))
            .is_ok()
    }
}

impl Target for EmuTarget {
    type Arch = AArch64User;
    type Error = std::convert::Infallible;

    fn base_ops(&mut self) -> BaseOps<'_, AArch64User, Self::Error> {
        BaseOps::MultiThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_extended_mode(&mut self) -> Option<ExtendedModeOps<'_, Self>> {
        Some(self)
    }

    fn support_auxv(&mut self) -> Option<gdbstub::target::ext::auxv::AuxvOps<'_, Self>> {
        Some(self)
    }

    fn support_exec_file(
        &mut self,
    ) -> Option<gdbstub::target::ext::exec_file::ExecFileOps<'_, Self>> {
        Some(self)
    }

    fn support_host_io(&mut self) -> Option<gdbstub::target::ext::host_io::HostIoOps<'_, Self>> {
        Some(self)
    }
}

impl MultiThreadBase for EmuTarget {
    fn read_registers(&mut self, regs: &mut Regs, tid: Tid) -> TargetResult<(), Self> {
        *regs = self
            .ctl
            .regs(tid.get() as u32)
            .ok_or(TargetError::NonFatal)?;
        Ok(())
    }

    fn write_registers(&mut self, regs: &Regs, tid: Tid) -> TargetResult<(), Self> {
        if self.ctl.set_regs(tid.get() as u32, regs) {
            Ok(())
        } else {
            Err(TargetError::NonFatal)
        }
    }

    fn read_addrs(&mut self, start: u64, data: &mut [u8], _tid: Tid) -> TargetResult<usize, Self> {
        // Page by page: a read that runs into an unmapped page returns what
        // lies before it.
        let mut done = 0;
        while done < data.len() {
            let addr = start.wrapping_add(done as u64);
            let n = ((PAGE - addr % PAGE) as usize).min(data.len() - done);
            let chunk = &mut data[done..done + n];
            if !self.guest_owns(addr, n as u64)
                || emu_syscalls::guest_mem::read_bytes(addr, chunk).is_err()
            {
                break;
            }
            done += n;
        }
        if done == 0 && !data.is_empty() {
            return Err(TargetError::Errno(EFAULT));
        }
        Ok(done)
    }

    fn write_addrs(&mut self, start: u64, data: &[u8], _tid: Tid) -> TargetResult<(), Self> {
        if !self.guest_owns(start, data.len() as u64) || !self.poke(start, data) {
            return Err(TargetError::Errno(EFAULT));
        }
        self.ctl.jit.invalidate(start, start + data.len() as u64);
        Ok(())
    }

    fn list_active_threads(
        &mut self,
        thread_is_active: &mut dyn FnMut(Tid),
    ) -> Result<(), Self::Error> {
        for tid in self.ctl.tids() {
            thread_is_active(tid_of(tid));
        }
        Ok(())
    }

    fn is_thread_alive(&mut self, tid: Tid) -> Result<bool, Self::Error> {
        Ok(self.ctl.tids().contains(&(tid.get() as u32)))
    }

    fn support_resume(&mut self) -> Option<MultiThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

/// The arm64 signal gdb asks to deliver (a signal gdb names but arm64 Linux
/// lacks is dropped).
fn linux_signal(signal: Option<Signal>) -> Option<u32> {
    signal.and_then(from_gdb)
}

impl MultiThreadResume for EmuTarget {
    fn resume(&mut self) -> Result<(), Self::Error> {
        self.ctl.resume();
        Ok(())
    }

    fn clear_resume_actions(&mut self) -> Result<(), Self::Error> {
        self.ctl.clear_actions();
        Ok(())
    }

    fn set_resume_action_continue(
        &mut self,
        tid: Tid,
        signal: Option<Signal>,
    ) -> Result<(), Self::Error> {
        let sig = linux_signal(signal);
        self.ctl.set_action(tid.get() as u32, Action::Continue, sig);
        Ok(())
    }

    fn support_single_step(&mut self) -> Option<MultiThreadSingleStepOps<'_, Self>> {
        Some(self)
    }

    fn support_scheduler_locking(&mut self) -> Option<MultiThreadSchedulerLockingOps<'_, Self>> {
        Some(self)
    }
}

impl MultiThreadSingleStep for EmuTarget {
    fn set_resume_action_step(
        &mut self,
        tid: Tid,
        signal: Option<Signal>,
    ) -> Result<(), Self::Error> {
        let sig = linux_signal(signal);
        self.ctl.set_action(tid.get() as u32, Action::Step, sig);
        Ok(())
    }
}

impl MultiThreadSchedulerLocking for EmuTarget {
    fn set_resume_action_scheduler_lock(&mut self) -> Result<(), Self::Error> {
        self.ctl.lock_scheduler();
        Ok(())
    }
}

impl Breakpoints for EmuTarget {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }
}

impl SwBreakpoint for EmuTarget {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        if !addr.is_multiple_of(4) {
            return Ok(false);
        }
        self.ctl.jit.set_breakpoint(addr, true);
        Ok(true)
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        self.ctl.jit.set_breakpoint(addr, false);
        Ok(true)
    }
}

/// Extended mode only for the process id: gdb names the process by it
/// (`info proc` opens /proc/PID/...). emu runs one program, given on its
/// command line: gdb cannot start or attach to another.
impl ExtendedMode for EmuTarget {
    fn run(&mut self, _filename: Option<&[u8]>, _args: Args<'_, '_>) -> TargetResult<Pid, Self> {
        Err(TargetError::NonFatal)
    }

    fn attach(&mut self, _pid: Pid) -> TargetResult<(), Self> {
        Err(TargetError::NonFatal)
    }

    fn query_if_attached(&mut self, _pid: Pid) -> TargetResult<AttachKind, Self> {
        // gdb started with the program: quitting gdb kills it.
        Ok(AttachKind::Run)
    }

    fn kill(&mut self, _pid: Option<Pid>) -> TargetResult<ShouldTerminate, Self> {
        Ok(ShouldTerminate::Yes)
    }

    fn restart(&mut self) -> Result<(), Self::Error> {
        // gdb sends `R` only to rerun a program it started with vRun, which
        // is refused above: nothing to restart.
        Ok(())
    }

    fn support_current_active_pid(&mut self) -> Option<CurrentActivePidOps<'_, Self>> {
        Some(self)
    }
}

impl CurrentActivePid for EmuTarget {
    fn current_active_pid(&mut self) -> Result<Pid, Self::Error> {
        Ok(Pid::new(self.ctl.pid as usize).unwrap_or(Pid::MIN))
    }
}
