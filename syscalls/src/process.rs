//! Per-process syscall state and the dispatch entry point.

use crate::abi::errno::Errno;
use crate::abi::signal::{Sigaction, StackT, NSIG, SS_DISABLE};
use crate::{strace, table, Outcome};
use std::collections::HashSet;
use std::path::PathBuf;

/// What the loader knows when the process starts.
pub struct ProcessInit {
    /// The guest executable, as reported for /proc/self/exe (made absolute).
    pub exe_path: PathBuf,
    /// The initial program break (end of the loaded image's bss).
    pub brk_start: u64,
    /// argv[0] of the guest.
    pub argv0: String,
}

/// The emulated program break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Brk {
    /// Lowest value the break may take.
    pub start: u64,
    /// The current break.
    pub cur: u64,
    /// End of the pages reserved for the heap so far (page aligned, >= start).
    pub mapped_end: u64,
}

/// The guest process as the syscall layer sees it.
pub struct Process {
    pub exe_path: PathBuf,
    pub argv0: String,
    pub brk: Brk,
    /// Guest signal actions, index = signal number - 1 (recorded only).
    pub sigactions: [Sigaction; NSIG as usize],
    /// The guest's blocked-signal mask (recorded only).
    pub sigmask: u64,
    /// The guest's alternate signal stack (recorded only).
    pub altstack: StackT,
    /// set_tid_address: cleared and futex-woken when the thread exits.
    pub clear_child_tid: u64,
    /// set_robust_list: (head, len).
    pub robust_list: (u64, u64),
    /// [start, end) ranges whose translations the dispatcher must drop; it drains this
    /// after each syscall.
    pub code_changed: Vec<(u64, u64)>,
    /// Print each syscall to stderr.
    pub strace: bool,
    warned: HashSet<u64>,
}

/// Page size of the guest ABI as far as this layer rounds (brk, ranges).
pub const PAGE: u64 = 4096;

impl Process {
    pub fn new(init: ProcessInit) -> Process {
        let exe_path = std::path::absolute(&init.exe_path).unwrap_or(init.exe_path);
        let mapped_end = init.brk_start.next_multiple_of(PAGE);
        Process {
            exe_path,
            argv0: init.argv0,
            brk: Brk {
                start: init.brk_start,
                cur: init.brk_start,
                mapped_end,
            },
            sigactions: [Sigaction::default(); NSIG as usize],
            sigmask: 0,
            altstack: StackT {
                ss_flags: SS_DISABLE,
                ..StackT::default()
            },
            clear_child_tid: 0,
            robust_list: (0, 0),
            code_changed: Vec::new(),
            strace: false,
            warned: HashSet::new(),
        }
    }

    /// Runs guest syscall `nr` with arguments x0..x5.
    pub fn dispatch(&mut self, nr: u64, args: [u64; 6]) -> Outcome {
        let entry = table::lookup(nr);
        let out = match entry.and_then(|e| e.handler) {
            Some(h) => h(self, args).unwrap_or_else(|e| Outcome::Ret(e.to_ret())),
            None => {
                self.warn_unimplemented(nr);
                Outcome::Ret(Errno::ENOSYS.to_ret())
            }
        };
        if self.strace {
            eprintln!("{}", strace::format(nr, &args, out));
        }
        out
    }

    fn warn_unimplemented(&mut self, nr: u64) {
        if self.warned.insert(nr) {
            let name = crate::name(nr).unwrap_or("unknown");
            eprintln!("emu: unimplemented syscall {nr} ({name}), returning ENOSYS");
        }
    }

    /// Records that translations for [start, start+len) must be dropped.
    pub(crate) fn invalidate(&mut self, start: u64, len: u64) {
        if len != 0 {
            let end = start.saturating_add(len.next_multiple_of(PAGE));
            self.code_changed.push((start, end));
        }
    }
}
