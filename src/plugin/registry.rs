//! The callbacks plugins registered, and the run loop's hooks that call them.
//!
//! Registration takes a lock; the hooks copy the callbacks they call out of
//! it first, so a callback may register more callbacks.

use super::abi::{AtexitCb, BlockTransCb, PluginId, SyscallCb, SyscallRetCb, VcpuCb};
use super::crash::{name, InPlugin};
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Everything registered, by kind, in registration order.
#[derive(Default)]
pub struct Callbacks {
    pub block_trans: Vec<(PluginId, BlockTransCb)>,
    pub syscall: Vec<(PluginId, SyscallCb)>,
    pub syscall_ret: Vec<(PluginId, SyscallRetCb)>,
    pub thread_start: Vec<(PluginId, VcpuCb)>,
    pub thread_exit: Vec<(PluginId, VcpuCb)>,
    pub atexit: Vec<(PluginId, AtexitCb, Udata)>,
}

/// A plugin's opaque pointer, handed back to it unchanged.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Udata(pub *mut c_void);

// SAFETY: emu never dereferences the pointer; the plugin's header makes it
// responsible for whatever it points to being usable from any thread.
unsafe impl Send for Udata {}
// SAFETY: as for Send.
unsafe impl Sync for Udata {}

static CALLBACKS: Mutex<Callbacks> = Mutex::new(Callbacks {
    block_trans: Vec::new(),
    syscall: Vec::new(),
    syscall_ret: Vec::new(),
    thread_start: Vec::new(),
    thread_exit: Vec::new(),
    atexit: Vec::new(),
});

/// Set once a plugin is loaded: the hooks do nothing before.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Set once any block-translation callback exists: blocks are instrumented.
static INSTRUMENTS: AtomicBool = AtomicBool::new(false);
/// Set when the atexit callbacks have run.
static EXITED: AtomicBool = AtomicBool::new(false);
/// The next vcpu index.
static NEXT_VCPU: AtomicU32 = AtomicU32::new(0);

thread_local! {
    /// This thread's vcpu index, given on first use.
    static VCPU: Cell<Option<u32>> = const { Cell::new(None) };
}

/// The registered callbacks.
pub fn callbacks() -> MutexGuard<'static, Callbacks> {
    CALLBACKS.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn set_active() {
    ACTIVE.store(true, Ordering::Release);
}

pub(super) fn set_instrumenting() {
    INSTRUMENTS.store(true, Ordering::Release);
    // Memory callbacks see the accesses runtime helpers make too.
    crate::ir::builder::report_helper_accesses();
}

/// Whether any plugin is loaded.
pub fn active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// Whether translated blocks get plugin instrumentation.
pub fn instruments() -> bool {
    INSTRUMENTS.load(Ordering::Relaxed)
}

/// The calling thread's vcpu index.
pub fn vcpu() -> u32 {
    VCPU.with(|v| match v.get() {
        Some(i) => i,
        None => {
            let i = NEXT_VCPU.fetch_add(1, Ordering::Relaxed);
            v.set(Some(i));
            i
        }
    })
}

/// A guest thread starts running (the main thread included).
pub fn thread_start() {
    vcpu_event(|c| &c.thread_start);
}

/// A guest thread has exited (not called for the thread ending the process).
pub fn thread_exit() {
    vcpu_event(|c| &c.thread_exit);
}

/// Calls the thread callbacks `pick` selects with this thread's vcpu index.
fn vcpu_event(pick: fn(&Callbacks) -> &Vec<(PluginId, VcpuCb)>) {
    if !active() {
        return;
    }
    let cbs = pick(&callbacks()).clone();
    let vcpu = vcpu();
    for (id, cb) in cbs {
        let _in = InPlugin::enter(name(id));
        // SAFETY: a callback the plugin registered, with the arguments its
        // header type promises.
        unsafe { cb(id, vcpu) };
    }
}

/// The guest is about to make syscall `nr` with `args` (x0..x5).
pub fn syscall_entry(nr: u64, args: &[u64; 6]) {
    if !active() {
        return;
    }
    let cbs = callbacks().syscall.clone();
    let vcpu = vcpu();
    for (id, cb) in cbs {
        let _in = InPlugin::enter(name(id));
        // SAFETY: as in vcpu_event; `args` points to six values.
        unsafe { cb(id, vcpu, nr as i64, args.as_ptr()) };
    }
}

/// Syscall `nr` returned `ret` (the guest's new x0).
pub fn syscall_exit(nr: u64, ret: u64) {
    if !active() {
        return;
    }
    let cbs = callbacks().syscall_ret.clone();
    let vcpu = vcpu();
    for (id, cb) in cbs {
        let _in = InPlugin::enter(name(id));
        // SAFETY: as in vcpu_event.
        unsafe { cb(id, vcpu, nr as i64, ret as i64) };
    }
}

/// The process is about to end with the guest's exit `status` (0..255), or
/// `-signal` when a signal kills it. Runs the atexit callbacks once.
pub fn process_exit(status: i32) {
    if !active() || EXITED.swap(true, Ordering::AcqRel) {
        return;
    }
    let cbs = callbacks().atexit.clone();
    run_atexit(cbs, status);
}

fn run_atexit(cbs: Vec<(PluginId, AtexitCb, Udata)>, status: i32) {
    for (id, cb, udata) in cbs {
        let _in = InPlugin::enter(name(id));
        // SAFETY: as in vcpu_event, with the plugin's own udata.
        unsafe { cb(id, status, udata.0) };
    }
}
