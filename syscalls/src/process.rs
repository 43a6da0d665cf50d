//! Per-process syscall state, shared by every thread of the guest process.

use crate::abi::signal::{Sigaction, NSIG};
use crate::guest_maps::RangeSet;
use crate::procfs::ProcView;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// What the loader and the command line say when the process starts.
#[derive(Default)]
pub struct ProcessInit {
    /// The guest executable, as reported for /proc/self/exe (made absolute).
    pub exe_path: PathBuf,
    /// The initial program break (end of the loaded image's bss).
    pub brk_start: u64,
    /// argv[0] of the guest.
    pub argv0: String,
    /// Guest sysroot (`-L`).
    pub sysroot: Option<PathBuf>,
    /// Print each syscall to stderr.
    pub strace: bool,
    /// See [`Process::exec_prefix`].
    pub exec_prefix: Vec<std::ffi::OsString>,
    /// See [`Process::cmdline`].
    pub cmdline: Vec<u8>,
    /// See [`Process::auxv`].
    pub auxv: Vec<u8>,
    /// See [`Process::view`].
    pub view: ProcView,
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

/// The guest process as the syscall layer sees it: what its threads share.
/// Locks here are held only for a few instructions, never across a
/// blocking host call.
pub struct Process {
    pub exe_path: PathBuf,
    pub argv0: String,
    pub brk: Mutex<Brk>,
    /// Guest signal actions, index = signal number - 1.
    pub sigactions: Mutex<[Sigaction; NSIG as usize]>,
    /// Print each syscall to stderr.
    pub strace: bool,
    /// Guest sysroot (`-L`): absolute guest paths that exist under it are opened there.
    pub sysroot: Option<PathBuf>,
    /// The host command that runs a guest program (the emulator and its options, e.g.
    /// `[emu-user, -L, ROOT]`); `execve` appends `-0ARGV0 PROGRAM ARGS...`. Empty: execve
    /// fails with ENOSYS.
    pub exec_prefix: Vec<std::ffi::OsString>,
    /// /proc/self/cmdline: the guest's argv, each string NUL-terminated.
    pub cmdline: Vec<u8>,
    /// /proc/self/auxv: the guest's auxiliary vector, AT_NULL pair included.
    pub auxv: Vec<u8>,
    /// Guest threads alive; the last one to exit ends the process.
    pub live_threads: AtomicUsize,
    /// The address ranges that belong to the guest (/proc/self/maps shows only these).
    /// Shared with a vfork child, which runs in the same address space.
    pub maps: Arc<Mutex<RangeSet>>,
    /// SysV shared memory the guest attached: address → length (page multiple), so
    /// that shmdt can drop the range from `maps`. Shared like `maps`.
    pub shm_attached: Arc<Mutex<BTreeMap<u64, u64>>>,
    /// Whether protection key 0 is still allocated (arm64 reserves it for every new
    /// address space; pkey_free can release it).
    pub pkey0_allocated: AtomicBool,
    /// What /proc shows of the guest's layout and CPU.
    pub view: ProcView,
    warned: Mutex<HashSet<u64>>,
    warned_about: Mutex<HashSet<&'static str>>,
}

/// Page size of the guest ABI as far as this layer rounds (brk, ranges).
pub const PAGE: u64 = 4096;

/// Locks `m`; a poisoned lock (a panic aborts the process anyway) still
/// holds consistent data.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The page-aligned end of `[start, start + len)`, if it is not empty and fits.
fn page_end(start: u64, len: u64) -> Option<u64> {
    start
        .checked_add(len)
        .and_then(|e| e.checked_next_multiple_of(PAGE))
        .filter(|_| len != 0)
}

impl Process {
    pub fn new(init: ProcessInit) -> Process {
        let exe_path = std::path::absolute(&init.exe_path).unwrap_or(init.exe_path);
        let mapped_end = init.brk_start.next_multiple_of(PAGE);
        Process {
            exe_path,
            argv0: init.argv0,
            brk: Mutex::new(Brk {
                start: init.brk_start,
                cur: init.brk_start,
                mapped_end,
            }),
            sigactions: Mutex::new([Sigaction::default(); NSIG as usize]),
            strace: init.strace,
            // Canonical, as the host reports directories (see crate::overlay).
            sysroot: init.sysroot.map(|r| std::fs::canonicalize(&r).unwrap_or(r)),
            exec_prefix: init.exec_prefix,
            cmdline: init.cmdline,
            auxv: init.auxv,
            live_threads: AtomicUsize::new(1),
            maps: Arc::new(Mutex::new(crate::procfs::initial_ranges(&init.view))),
            shm_attached: Arc::default(),
            pkey0_allocated: AtomicBool::new(true),
            view: init.view,
            warned: Mutex::new(HashSet::new()),
            warned_about: Mutex::new(HashSet::new()),
        }
    }

    /// The guest's action for signal `sig` (1..=64).
    pub fn sigaction(&self, sig: u32) -> Sigaction {
        lock(&self.sigactions)[(sig - 1) as usize]
    }

    pub(crate) fn warn_unimplemented(&self, nr: u64) {
        if lock(&self.warned).insert(nr) {
            let name = crate::name(nr).unwrap_or("unknown");
            eprintln!("emu-user: unimplemented syscall {nr} ({name}), returning ENOSYS");
        }
    }

    /// Prints `msg` on stderr the first time `what` happens.
    pub(crate) fn warn_once(&self, what: &'static str, msg: &str) {
        if lock(&self.warned_about).insert(what) {
            eprintln!("{msg}");
        }
    }

    /// In a forked child: only the forking thread exists.
    pub fn forked_child(&self) {
        self.live_threads.store(1, Ordering::SeqCst);
    }

    /// A copy for a vfork child, which is a process of its own with one thread.
    pub fn duplicate(&self) -> Process {
        Process {
            exe_path: self.exe_path.clone(),
            argv0: self.argv0.clone(),
            brk: Mutex::new(*lock(&self.brk)),
            sigactions: Mutex::new(*lock(&self.sigactions)),
            strace: self.strace,
            sysroot: self.sysroot.clone(),
            exec_prefix: self.exec_prefix.clone(),
            cmdline: self.cmdline.clone(),
            auxv: self.auxv.clone(),
            live_threads: AtomicUsize::new(1),
            maps: self.maps.clone(),
            shm_attached: self.shm_attached.clone(),
            pkey0_allocated: AtomicBool::new(self.pkey0_allocated.load(Ordering::SeqCst)),
            view: self.view.clone(),
            warned: Mutex::new(lock(&self.warned).clone()),
            warned_about: Mutex::new(lock(&self.warned_about).clone()),
        }
    }

    /// Records that the guest mapped `[start, start + len)` (rounded to pages).
    pub fn guest_mapped(&self, start: u64, len: u64) {
        if let Some(end) = page_end(start, len) {
            lock(&self.maps).insert(start & !(PAGE - 1), end);
        }
    }

    /// Records that the guest unmapped `[start, start + len)` (rounded to pages).
    pub fn guest_unmapped(&self, start: u64, len: u64) {
        if let Some(end) = page_end(start, len) {
            lock(&self.maps).remove(start & !(PAGE - 1), end);
        }
    }

    /// Counts a new guest thread.
    pub fn thread_started(&self) {
        self.live_threads.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a guest thread out; true if it was the last one.
    pub fn thread_exited(&self) -> bool {
        self.live_threads.fetch_sub(1, Ordering::SeqCst) == 1
    }
}
