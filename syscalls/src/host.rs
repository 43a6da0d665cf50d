//! Helpers for calling the host kernel and turning its results into [`SysResult`]s.

use crate::abi::errno::Errno;
use crate::{Outcome, SysResult};

/// A successful syscall returning `v` in x0.
pub fn ok(v: u64) -> SysResult {
    Ok(Outcome::Ret(v))
}

/// Converts a host libc-style result (`-1` and errno on failure) into a [`SysResult`].
pub fn check(r: i64) -> SysResult {
    if r < 0 {
        Err(Errno::last())
    } else {
        ok(r as u64)
    }
}

/// Converts a host result that returns 0 on success, discarding the value.
pub fn check_unit(r: i64) -> Result<(), Errno> {
    if r < 0 {
        Err(Errno::last())
    } else {
        Ok(())
    }
}

/// A guest pointer argument as a host pointer (identity mapping: same address).
pub fn ptr<T>(a: u64) -> *mut T {
    a as usize as *mut T
}

/// A guest `int` argument: the kernel uses the low 32 bits of the register.
pub fn int(a: u64) -> i32 {
    a as u32 as i32
}

/// Host signal calls made directly (not through glibc, which hides its own two
/// real-time signals from masks and refuses handlers for them; the guest's glibc needs
/// all of 32..=64).
pub mod sig {
    /// The host kernel's `struct sigaction` on x86-64.
    #[repr(C)]
    struct KernelSigaction {
        handler: usize,
        flags: u64,
        restorer: usize,
        mask: u64,
    }

    const SA_RESTORER: u64 = 0x0400_0000;

    std::arch::global_asm!(
        ".globl emu_host_sigreturn",
        ".p2align 4",
        "emu_host_sigreturn:",
        "mov eax, 15", // x86-64 rt_sigreturn
        "syscall",
        "ud2",
    );
    extern "C" {
        fn emu_host_sigreturn();
    }

    /// Sets the host disposition of `sig`: `handler` is SIG_DFL (0), SIG_IGN (1) or a
    /// `fn(i32, *mut siginfo_t, *mut c_void)` run with every signal blocked.
    pub fn set_action(sig: i32, handler: usize, flags: u64) -> i64 {
        let act = KernelSigaction {
            handler,
            flags: flags | SA_RESTORER,
            restorer: emu_host_sigreturn as *const () as usize,
            mask: if handler > 1 { u64::MAX } else { 0 },
        };
        // SAFETY: a valid kernel sigaction with a restorer that performs rt_sigreturn;
        // the old action is not read.
        unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, &act, 0usize, 8usize) }
    }

    /// The host disposition of `sig` (handler value), for the initial guest state.
    pub fn action(sig: i32) -> usize {
        let mut old = KernelSigaction {
            handler: 0,
            flags: 0,
            restorer: 0,
            mask: 0,
        };
        // SAFETY: reads the current action into a valid struct.
        unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, 0usize, &mut old, 8usize) };
        old.handler
    }

    /// Sets this thread's host signal mask; returns the old one.
    pub fn set_mask(mask: u64) -> u64 {
        let mut old = 0u64;
        // SAFETY: 8-byte sets, valid pointers.
        unsafe {
            libc::syscall(
                libc::SYS_rt_sigprocmask,
                libc::SIG_SETMASK,
                &mask,
                &mut old,
                8usize,
            )
        };
        old
    }

    /// This thread's host signal mask.
    pub fn mask() -> u64 {
        let mut old = 0u64;
        // SAFETY: a null new set only reads the mask.
        unsafe {
            libc::syscall(
                libc::SYS_rt_sigprocmask,
                libc::SIG_SETMASK,
                0usize,
                &mut old,
                8usize,
            )
        };
        old
    }

    /// Signals pending at the host for this thread or the process.
    pub fn pending() -> u64 {
        let mut set = 0u64;
        // SAFETY: writes 8 bytes into `set`.
        unsafe { libc::syscall(libc::SYS_rt_sigpending, &mut set, 8usize) };
        set
    }

    /// Waits with `mask` blocked until a host handler runs (always -EINTR).
    pub fn suspend(mask: u64) -> i64 {
        // SAFETY: an 8-byte set.
        unsafe { libc::syscall(libc::SYS_rt_sigsuspend, &mask, 8usize) }
    }

    /// rt_sigqueueinfo / rt_tgsigqueueinfo with a guest siginfo pointer.
    pub fn queueinfo(tgid: i32, tid: Option<i32>, sig: i32, info: u64) -> i64 {
        // SAFETY: plain integers and a guest pointer the kernel checks.
        unsafe {
            match tid {
                None => libc::syscall(libc::SYS_rt_sigqueueinfo, tgid, sig, info),
                Some(t) => libc::syscall(libc::SYS_rt_tgsigqueueinfo, tgid, t, sig, info),
            }
        }
    }
}

/// Blocking host syscalls that a guest signal must be able to interrupt.
///
/// The race: a signal that arrives after the dispatcher last looked for signals but
/// before the host call blocks would be recorded and then wait for the call to end,
/// possibly forever. So blocking calls go through `emu_safe_syscall`, which tests the
/// thread's "signal recorded" word right before its `syscall` instruction; the host
/// signal handler moves a thread interrupted between that test and the `syscall`
/// ([`rewind`]) to a return of -EINTR, and a thread already inside the call gets
/// -EINTR from the host kernel (the handler has no SA_RESTART). The dispatcher then
/// restarts the call or returns EINTR as the guest's SA_RESTART says.
pub mod safe {
    use std::sync::atomic::AtomicU32;

    std::arch::global_asm!(
        ".globl emu_safe_syscall",
        ".globl emu_safe_syscall_start",
        ".globl emu_safe_syscall_end",
        ".globl emu_safe_syscall_interrupted",
        ".p2align 4",
        // i64 emu_safe_syscall(const u32 *flag, i64 nr, a1, a2, a3, a4, a5, a6)
        "emu_safe_syscall:",
        "mov r11, rdi",
        "mov rax, rsi",
        "mov rdi, rdx",
        "mov rsi, rcx",
        "mov rdx, r8",
        "mov r10, r9",
        "mov r8, [rsp + 8]",
        "mov r9, [rsp + 16]",
        "emu_safe_syscall_start:",
        "cmp dword ptr [r11], 0",
        "jne emu_safe_syscall_interrupted",
        "syscall",
        "emu_safe_syscall_end:",
        "ret",
        "emu_safe_syscall_interrupted:",
        "mov rax, -4", // -EINTR
        "ret",
    );
    extern "C" {
        fn emu_safe_syscall(
            flag: *const AtomicU32,
            nr: i64,
            a1: u64,
            a2: u64,
            a3: u64,
            a4: u64,
            a5: u64,
            a6: u64,
        ) -> i64;
        static emu_safe_syscall_start: u8;
        static emu_safe_syscall_end: u8;
        static emu_safe_syscall_interrupted: u8;
    }

    /// Host syscall `nr` that returns -EINTR at once if `flag` is (or becomes) set.
    /// Returns the raw kernel result (-errno on failure).
    pub fn call(flag: &AtomicU32, nr: i64, a: [u64; 6]) -> i64 {
        // SAFETY: the stub performs one raw syscall with these arguments; the caller's
        // handler validates nothing more than a libc::syscall would need.
        unsafe { emu_safe_syscall(flag, nr, a[0], a[1], a[2], a[3], a[4], a[5]) }
    }

    /// For the host signal handler: if `rip` lies between the stub's flag test and its
    /// `syscall`, the address to resume at instead (the -EINTR return).
    /// Async-signal-safe.
    pub fn rewind(rip: u64) -> Option<u64> {
        // SAFETY: taking the addresses of the stub's labels.
        let (s, e, i) = unsafe {
            (
                &emu_safe_syscall_start as *const u8 as u64,
                &emu_safe_syscall_end as *const u8 as u64,
                &emu_safe_syscall_interrupted as *const u8 as u64,
            )
        };
        (rip >= s && rip < e).then_some(i)
    }
}

/// Converts a raw kernel result (-errno) into a [`SysResult`].
pub fn check_raw(r: i64) -> SysResult {
    if (-4095..0).contains(&r) {
        Err(Errno::from_host(-r as i32))
    } else {
        ok(r as u64)
    }
}

/// Host clone3 for a fork-style child (no new stack: the child continues on a copy of
/// the caller's). `struct clone_args` is the same eleven u64 words on x86-64 as on
/// arm64. Returns the raw kernel result (0 in the child).
pub fn host_clone3(args: &crate::clone::GuestCloneArgs) -> i64 {
    // SAFETY: `args` is a valid clone_args of the size passed; without CLONE_VM the
    // child runs on its own copy of this stack, as after fork.
    unsafe {
        libc::syscall(
            libc::SYS_clone3,
            args as *const crate::clone::GuestCloneArgs,
            std::mem::size_of::<crate::clone::GuestCloneArgs>(),
        )
    }
}

/// Ends the calling host thread alone (the host `exit`, not `exit_group`).
pub fn exit_this_thread(code: i32) -> ! {
    // SAFETY: SYS_exit ends only this thread; nothing on its stack is used
    // afterwards. (Its host stack stays mapped: the thread library never learns
    // that the thread ended.)
    unsafe { libc::syscall(libc::SYS_exit, code) };
    unreachable!("exit returned")
}

/// Host (x86-64) syscall numbers for the passthrough macros: libc's, plus the calls
/// newer than the libc crate knows. From 424 on, every architecture shares one
/// numbering (asm-generic = x86-64), so these equal the arm64 table's numbers.
#[allow(non_upper_case_globals)]
pub mod sysno {
    pub use libc::*;
    /// x86-64's own number (arch/x86/entry/syscalls/syscall_64.tbl), older than 424.
    pub const SYS_io_pgetevents: c_long = 333;
    pub const SYS_cachestat: c_long = 451;
    pub const SYS_futex_wake: c_long = 454;
    pub const SYS_futex_wait: c_long = 455;
    pub const SYS_futex_requeue: c_long = 456;
    pub const SYS_statmount: c_long = 457;
    pub const SYS_listmount: c_long = 458;
    pub const SYS_lsm_get_self_attr: c_long = 459;
    pub const SYS_lsm_set_self_attr: c_long = 460;
    pub const SYS_lsm_list_modules: c_long = 461;
}
