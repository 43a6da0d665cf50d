//! Host signal handling for the emulator process itself: faults raised by
//! translated code on behalf of the guest, and dying the way the guest died.

use std::sync::atomic::{AtomicU64, Ordering};

/// The code cache's host address range, for telling guest faults from bugs
/// in emu itself inside the signal handler.
static CODE_START: AtomicU64 = AtomicU64::new(0);
static CODE_END: AtomicU64 = AtomicU64::new(0);

/// Records where translated code lives.
pub fn set_code_range(start: u64, end: u64) {
    CODE_START.store(start, Ordering::Relaxed);
    CODE_END.store(end, Ordering::Relaxed);
}

/// Ends the process by signal `sig` with the default action, so the parent
/// sees exactly the status the guest would have produced on arm64 Linux.
pub fn die_by_signal(sig: i32) -> ! {
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

extern "C" fn on_fault(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes valid siginfo and ucontext pointers to an
    // SA_SIGINFO handler.
    let (code, rip) = unsafe {
        let uc = ctx as *const libc::ucontext_t;
        (
            (*info).si_code,
            (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as u64,
        )
    };
    let in_jit =
        rip >= CODE_START.load(Ordering::Relaxed) && rip < CODE_END.load(Ordering::Relaxed);
    if code > 0 && !in_jit {
        let msg = b"emu-user: internal error: fault in the emulator itself\n";
        // SAFETY: write(2) is async-signal-safe; the buffer is valid.
        unsafe { libc::write(2, msg.as_ptr() as *const libc::c_void, msg.len()) };
    }
    // A guest memory fault (or a signal sent to us): the guest has no
    // handler mechanism yet, so take the default action. Returning re-runs
    // the faulting instruction with the default disposition in place.
    // SAFETY: signal() with SIG_DFL is async-signal-safe.
    unsafe { libc::signal(sig, libc::SIG_DFL) };
    if code <= 0 {
        die_by_signal(sig);
    }
}

/// Installs the fault handlers (SIGSEGV, SIGBUS, SIGFPE) on an alternate stack.
pub fn install() {
    const ALT_STACK: usize = 64 * 1024;
    let stack = Box::leak(vec![0u8; ALT_STACK].into_boxed_slice());
    let ss = libc::stack_t {
        ss_sp: stack.as_mut_ptr() as *mut libc::c_void,
        ss_flags: 0,
        ss_size: ALT_STACK,
    };
    // SAFETY: `ss` describes a leaked buffer that lives for the rest of the
    // process; the sigaction struct is zero-initialised and filled in
    // before use; the handler has the SA_SIGINFO signature.
    unsafe {
        libc::sigaltstack(&ss, std::ptr::null_mut());
        for sig in [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE] {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_fault as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}
