//! Host signal handling for the emulator process: signals the guest handles are
//! recorded for the thread's dispatcher, faults raised by translated code on the
//! guest's behalf become guest faults at the exact guest instruction, and the
//! emulator dies the way the guest died.

use crate::cpu::{CpuState, ExitReason};
use crate::jit::code_cache::Region;
use crate::jit::dispatch::in_guest_code;
use crate::runtime::guest_mem;
use emu_syscalls::abi::signal::Siginfo;
use emu_syscalls::signal_state::Pending;
use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

/// The process's code region, for the fault handler.
static REGION: AtomicPtr<Region> = AtomicPtr::new(std::ptr::null_mut());

thread_local! {
    /// This thread's pending-signal slots and interrupt word (null before the thread
    /// runs guest code).
    static PENDING: Cell<*const Pending> = const { Cell::new(std::ptr::null()) };
    static INTERRUPT: Cell<*const AtomicU32> = const { Cell::new(std::ptr::null()) };
}

/// Records where translated code lives. `region` must live for the rest of the process.
pub fn set_region(region: &'static Region) {
    REGION.store(region as *const Region as *mut Region, Ordering::SeqCst);
}

/// Registers the calling thread's signal slots and interrupt word with the handler.
/// Both must outlive the thread's use of them (the caller keeps them alive until it
/// exits).
pub fn register_thread(pending: &Pending, interrupt: &AtomicU32) {
    PENDING.with(|p| p.set(pending));
    INTERRUPT.with(|i| i.set(interrupt));
}

/// Ends the process by signal `sig` with the default action, so the parent
/// sees exactly the status the guest would have produced on arm64 Linux.
pub fn die_by_signal(sig: i32) -> ! {
    emu_syscalls::strace::killed(sig);
    // SAFETY: resetting a disposition, unblocking and raising a signal are
    // async-signal-safe libc calls with valid arguments; the sigset is
    // initialised by sigemptyset before use.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(sig);
        // Signals whose default action is to ignore (or that were caught by
        // a stale handler) fall through: end with the shell's convention.
        libc::_exit(128 + sig);
    }
}

/// Records a signal for the guest on this thread and makes the thread come back
/// to its dispatcher: its interrupt word is set, and every host signal stays
/// blocked when the handler returns (the dispatcher restores the guest's mask).
///
/// # Safety
/// `info` and `ctx` are the pointers the kernel passed to an SA_SIGINFO handler.
unsafe fn record(info: *const libc::siginfo_t, ctx: *mut libc::c_void) -> bool {
    let pending = PENDING.with(|p| p.get());
    let interrupt = INTERRUPT.with(|i| i.get());
    if pending.is_null() || interrupt.is_null() {
        return false;
    }
    // SAFETY: the registered slots outlive the thread's guest execution; the
    // host siginfo is the guest's layout (see Siginfo), 128 bytes.
    unsafe {
        (*pending).record(&*(info as *const Siginfo));
        (*interrupt).store(1, Ordering::SeqCst);
        let uc = ctx as *mut libc::ucontext_t;
        libc::sigfillset(&mut (*uc).uc_sigmask);
        let rip = &mut (*uc).uc_mcontext.gregs[libc::REG_RIP as usize];
        if let Some(to) = emu_syscalls::rewind_blocking_syscall(*rip as u64) {
            *rip = to as i64;
        }
    }
    true
}

/// The host handler of signals the guest handles.
extern "C" fn on_signal(_sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel's handler arguments.
    unsafe { record(info, ctx) };
}

/// The address of [`on_signal`], for the syscall layer's rt_sigaction.
pub fn guest_signal_handler() -> usize {
    on_signal as *const () as usize
}

/// Faults bits of [`CpuState::fault`]: host signal (bits 0..8), si_code (8..16),
/// write access (bit 16).
pub const FAULT_WRITE: u64 = 1 << 16;

/// The [`CpuState::fault`] description of a host fault (never zero) and its address.
fn fault_word(sig: i32, code: i32, write: bool, addr: u64) -> (u64, u64) {
    let w = sig as u64 | ((code as u64 & 0xff) << 8) | if write { FAULT_WRITE } else { 0 };
    (w, addr)
}

/// The host fault handler: a fault in translated code, or in a runtime
/// helper's guest memory accessor, is the guest's (it becomes a guest
/// signal at the guest instruction); one in a plugin's code is that
/// plugin's crash (one line, exit status 70); any other fault is a bug in
/// emu.
extern "C" fn on_fault(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes valid siginfo and ucontext pointers to an
    // SA_SIGINFO handler.
    let (code, rip, uc) = unsafe {
        let uc = ctx as *mut libc::ucontext_t;
        (
            (*info).si_code,
            (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as u64,
            uc,
        )
    };
    // SAFETY: the kernel's ucontext; REG_ERR holds the page-fault error code.
    let write = unsafe { (*uc).uc_mcontext.gregs[libc::REG_ERR as usize] } as u64 & 2 != 0;
    // SAFETY: the kernel's siginfo of a fault.
    let word = fault_word(sig, code, write, unsafe { (*info).si_addr() } as u64);
    // A guest memory accessor's fault (a runtime helper's or the syscall
    // layer's) is returned by the accessor.
    // SAFETY: the kernel's context of this synchronous fault.
    if code > 0 && unsafe { guest_mem::divert(uc, word.1, word.0) } {
        return;
    }
    // A fault in a plugin's code (one of its callbacks, or its install
    // function) is the plugin's crash, not the guest's; signals sent by
    // kill (code <= 0) are not faults.
    if code > 0 {
        if let Some(plugin) = crate::plugin::running_plugin() {
            crate::plugin::die_of_plugin_crash(plugin, sig, word.1);
        }
    }
    let region = REGION.load(Ordering::SeqCst);
    // SAFETY: the region, once set, lives for the rest of the process.
    let region = (!region.is_null()).then(|| unsafe { &*region });
    if code > 0 && in_guest_code() {
        if let Some(r) = region.filter(|r| r.contains(rip)) {
            if let Some(pc) = r.guest_pc_of(rip) {
                // SAFETY: translated code keeps the CpuState pointer in r15; the
                // trampoline's exit takes rsp back from the CpuState (return
                // stack entries and pushes are dropped), so resuming there is
                // sound.
                unsafe {
                    let g = &mut (*uc).uc_mcontext.gregs;
                    let cpu = g[libc::REG_R15 as usize] as *mut CpuState;
                    (*cpu).pc = pc;
                    (*cpu).exit_reason = ExitReason::Fault as u32;
                    (*cpu).exit_arg = word.1;
                    (*cpu).link_site = 0;
                    (*cpu).fault = word.0;
                    g[libc::REG_RIP as usize] = r.exit_addr() as i64;
                }
                return;
            }
        }
    }
    if code <= 0 {
        // Sent by kill/tgkill (the guest's raise, or another process): a guest
        // signal like any other if the guest handles it.
        // SAFETY: the kernel's handler arguments.
        if emu_syscalls::signal::guest_handles(sig) && unsafe { record(info, ctx) } {
            return;
        }
        die_by_signal(sig);
    }
    let msg = b"emu-user: internal error: fault in the emulator itself\n";
    // SAFETY: write(2) is async-signal-safe; the buffer is valid.
    unsafe { libc::write(2, msg.as_ptr() as *const libc::c_void, msg.len()) };
    die_by_signal(sig);
}

/// Gives the calling thread an alternate stack for the fault handler.
pub fn install_thread_altstack() {
    ALT_STACK.with(|a| {
        let mut stack = a.borrow_mut();
        let buf =
            stack.get_or_insert_with(|| AltStack(vec![0u8; ALT_STACK_SIZE].into_boxed_slice()));
        let ss = libc::stack_t {
            ss_sp: buf.0.as_mut_ptr() as *mut libc::c_void,
            ss_flags: 0,
            ss_size: ALT_STACK_SIZE,
        };
        // SAFETY: `ss` describes this thread's buffer, which stays allocated until the
        // thread's locals are destroyed, and `AltStack::drop` disables it first.
        unsafe { libc::sigaltstack(&ss, std::ptr::null_mut()) };
    });
}

const ALT_STACK_SIZE: usize = 64 * 1024;

/// A thread's alternate signal stack for the fault handler.
struct AltStack(Box<[u8]>);

impl Drop for AltStack {
    fn drop(&mut self) {
        let ss = libc::stack_t {
            ss_sp: std::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: 0,
        };
        // SAFETY: turns this thread's alternate stack off before its buffer is freed
        // (the thread is ending with every signal blocked).
        unsafe { libc::sigaltstack(&ss, std::ptr::null_mut()) };
    }
}

thread_local! {
    static ALT_STACK: std::cell::RefCell<Option<AltStack>> = const { std::cell::RefCell::new(None) };
}

/// Installs the fault handlers (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) on an
/// alternate stack, and the handler the syscall layer installs for guest handlers.
pub fn install() {
    install_thread_altstack();
    emu_syscalls::signal::set_host_handler(guest_signal_handler());
    // SAFETY: the sigaction struct is zero-initialised and filled in before use;
    // the handler has the SA_SIGINFO signature.
    unsafe {
        for sig in [
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGFPE,
            libc::SIGILL,
            libc::SIGTRAP,
        ] {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_fault as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigfillset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    // on_fault diverts faults in the guest memory accessors: the syscall layer
    // may now copy through them instead of through the kernel.
    guest_mem::set_fault_handler_installed();
}
