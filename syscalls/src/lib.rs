//! The arm64 Linux syscall layer.
//!
//! The dispatcher of the translator calls [`Task::dispatch`] with the guest's syscall
//! number (x8) and arguments (x0..x5) and writes [`Outcome::Ret`] back to x0. This crate
//! knows nothing of the JIT or CPU state: it sees guest memory only as host addresses
//! (identity mapping) and copies guest structs through [`guest_mem`].
//!
//! Layout: [`table`] is the single list of syscalls (numbers, names, handlers, strace
//! formats); [`abi`] holds guest types and flag tables; handlers live by category in
//! `io`, `fs`, `mem`, `net`, `task`, `signal`, `time`, `info`; [`procfs`] renders
//! the /proc files that would otherwise describe emu, from the record of guest ranges
//! in [`guest_maps`].

pub mod abi;
mod aio;
mod denied;
mod epoll;
pub mod guest_access;
pub mod guest_maps;
pub mod guest_mem;
mod host;
mod process;
pub mod strace;
pub mod table;
mod tagged_addr;

pub mod clone;
pub mod exec;
mod fs;
mod fs_more;
mod info;
mod io;
mod ipc;
mod mem;
mod mem_more;
mod net;
mod overlay;
mod pass;
mod pass_sys;
mod path_calls;
mod prctl;
pub mod procfs;
pub mod signal;
pub mod signal_state;
pub mod spec_ctrl;
mod task;
mod thread;
pub mod time;
mod uffd;

pub use fs::{guest_file, GuestFile};
pub use overlay::host_path_in as sysroot_host_path;
pub use process::{Brk, Process, ProcessInit};
pub use procfs::{CpuIdent, ProcView};
pub use table::nr;
pub use thread::Task;

pub use host::exit_this_thread;
/// For the host signal handler: see `host::safe::rewind`.
pub use host::safe::rewind as rewind_blocking_syscall;

use abi::errno::Errno;

/// What the dispatcher does after a syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Value for x0: the result, or `-errno` as u64.
    Ret(u64),
    /// `exit`: end this guest thread with this status.
    Exit(i32),
    /// `exit_group`: end the whole guest process with this status.
    ExitGroup(i32),
    /// In the new child of a fork-style `clone`: x0 = 0, and the guest stack pointer
    /// becomes `sp` when the guest gave a new stack.
    Child { sp: Option<u64> },
    /// `rt_sigreturn`: restore the guest context saved in the signal frame at SP.
    SigReturn,
    /// `clone` of a thread (CLONE_VM | CLONE_THREAD): the dispatcher starts it.
    NewThread(clone::ThreadClone),
    /// `vfork` (CLONE_VM | CLONE_VFORK): the dispatcher runs the child in this address
    /// space while the calling thread waits for it to exec or exit.
    Vfork(clone::ThreadClone),
}

/// What a handler returns; errors become `Outcome::Ret(-errno)`.
pub type SysResult = Result<Outcome, Errno>;

/// The name of an arm64 syscall number, from the table.
pub fn name(nr: u64) -> Option<&'static str> {
    table::lookup(nr).map(|e| e.name)
}
