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
        unsafe {
            libc::syscall(
                crate::host::nr::SYS_rt_sigaction.0,
                sig,
                &act,
                0usize,
                8usize,
            )
        }
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
        unsafe {
            libc::syscall(
                crate::host::nr::SYS_rt_sigaction.0,
                sig,
                0usize,
                &mut old,
                8usize,
            )
        };
        old.handler
    }

    /// Sets this thread's host signal mask; returns the old one.
    pub fn set_mask(mask: u64) -> u64 {
        let mut old = 0u64;
        // SAFETY: 8-byte sets, valid pointers.
        unsafe {
            libc::syscall(
                crate::host::nr::SYS_rt_sigprocmask.0,
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
                crate::host::nr::SYS_rt_sigprocmask.0,
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
        unsafe { libc::syscall(crate::host::nr::SYS_rt_sigpending.0, &mut set, 8usize) };
        set
    }

    /// Waits with `mask` blocked until a host handler runs (always -EINTR).
    pub fn suspend(mask: u64) -> i64 {
        // SAFETY: an 8-byte set.
        unsafe { libc::syscall(crate::host::nr::SYS_rt_sigsuspend.0, &mask, 8usize) }
    }

    /// rt_sigqueueinfo / rt_tgsigqueueinfo with a guest siginfo pointer.
    pub fn queueinfo(tgid: i32, tid: Option<i32>, sig: i32, info: u64) -> i64 {
        // SAFETY: plain integers and a guest pointer the kernel checks.
        unsafe {
            match tid {
                None => libc::syscall(crate::host::nr::SYS_rt_sigqueueinfo.0, tgid, sig, info),
                Some(t) => {
                    libc::syscall(crate::host::nr::SYS_rt_tgsigqueueinfo.0, tgid, t, sig, info)
                }
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
    pub fn call(flag: &AtomicU32, nr: super::HostNr, a: [u64; 6]) -> i64 {
        // SAFETY: the stub performs one raw syscall with these arguments; the caller's
        // handler validates nothing more than a libc::syscall would need.
        unsafe { emu_safe_syscall(flag, nr.get(), a[0], a[1], a[2], a[3], a[4], a[5]) }
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
            crate::host::nr::SYS_clone3.0,
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
    unsafe { libc::syscall(crate::host::nr::SYS_exit.0, code) };
    unreachable!("exit returned")
}

/// Host (x86-64) syscall numbers for the passthrough macros: libc's, plus the calls
/// newer than the libc crate knows. From 424 on, every architecture shares one
/// numbering (asm-generic = x86-64), so these equal the arm64 table's numbers.
#[allow(non_upper_case_globals)]
/// The host (x86-64) syscalls emu makes by number: the one place host syscall
/// numbers are named. A [`HostNr`] cannot be confused with a guest (arm64) number,
/// which is a plain `u64` from [`crate::nr`].
pub mod nr {
    use super::HostNr;

    macro_rules! host_numbers {
        ($($name:ident,)*) => {
            $(pub const $name: HostNr = HostNr(libc::$name);)*
        };
    }

    host_numbers! {
        SYS_accept,
        SYS_accept4,
        SYS_add_key,
        SYS_adjtimex,
        SYS_capget,
        SYS_capset,
        SYS_chroot,
        SYS_clock_adjtime,
        SYS_clock_getres,
        SYS_clock_nanosleep,
        SYS_clock_settime,
        SYS_clone3,
        SYS_close_range,
        SYS_connect,
        SYS_copy_file_range,
        SYS_epoll_pwait,
        SYS_epoll_pwait2,
        SYS_eventfd2,
        SYS_exit,
        SYS_faccessat,
        SYS_faccessat2,
        SYS_fadvise64,
        SYS_fallocate,
        SYS_fanotify_init,
        SYS_fanotify_mark,
        SYS_fchmod,
        SYS_fchmodat,
        SYS_fchmodat2,
        SYS_fchown,
        SYS_fchownat,
        SYS_fdatasync,
        SYS_fgetxattr,
        SYS_flistxattr,
        SYS_flock,
        SYS_fremovexattr,
        SYS_fsconfig,
        SYS_fsetxattr,
        SYS_fsmount,
        SYS_fsopen,
        SYS_fspick,
        SYS_fsync,
        SYS_ftruncate,
        SYS_futex,
        SYS_futex_waitv,
        SYS_get_mempolicy,
        SYS_get_robust_list,
        SYS_getcpu,
        SYS_getcwd,
        SYS_getdents64,
        SYS_getgroups,
        SYS_getitimer,
        SYS_getpgid,
        SYS_getpriority,
        SYS_getresgid,
        SYS_getresuid,
        SYS_getsid,
        SYS_gettimeofday,
        SYS_getxattr,
        SYS_inotify_add_watch,
        SYS_inotify_init1,
        SYS_inotify_rm_watch,
        SYS_io_cancel,
        SYS_io_destroy,
        SYS_io_getevents,
        SYS_io_setup,
        SYS_io_submit,
        SYS_ioprio_get,
        SYS_ioprio_set,
        SYS_kcmp,
        SYS_keyctl,
        SYS_landlock_add_rule,
        SYS_landlock_create_ruleset,
        SYS_landlock_restrict_self,
        SYS_lgetxattr,
        SYS_linkat,
        SYS_listxattr,
        SYS_llistxattr,
        SYS_lremovexattr,
        SYS_lsetxattr,
        SYS_mbind,
        SYS_membarrier,
        SYS_memfd_create,
        SYS_memfd_secret,
        SYS_migrate_pages,
        SYS_mincore,
        SYS_mknodat,
        SYS_mlock,
        SYS_mlock2,
        SYS_mlockall,
        SYS_mount,
        SYS_mount_setattr,
        SYS_move_mount,
        SYS_move_pages,
        SYS_mq_getsetattr,
        SYS_mq_notify,
        SYS_mq_open,
        SYS_mq_timedreceive,
        SYS_mq_timedsend,
        SYS_mq_unlink,
        SYS_mremap,
        SYS_mseal,
        SYS_msgctl,
        SYS_msgget,
        SYS_msgrcv,
        SYS_msgsnd,
        SYS_msync,
        SYS_munlock,
        SYS_munlockall,
        SYS_name_to_handle_at,
        SYS_nanosleep,
        SYS_open_by_handle_at,
        SYS_open_tree,
        SYS_openat2,
        SYS_pidfd_getfd,
        SYS_pidfd_open,
        SYS_pidfd_send_signal,
        SYS_pivot_root,
        SYS_ppoll,
        SYS_prctl,
        SYS_pread64,
        SYS_preadv,
        SYS_preadv2,
        SYS_prlimit64,
        SYS_process_madvise,
        SYS_process_mrelease,
        SYS_process_vm_readv,
        SYS_process_vm_writev,
        SYS_pselect6,
        SYS_pwrite64,
        SYS_pwritev,
        SYS_pwritev2,
        SYS_quotactl,
        SYS_quotactl_fd,
        SYS_read,
        SYS_readahead,
        SYS_readv,
        SYS_recvfrom,
        SYS_recvmmsg,
        SYS_recvmsg,
        SYS_remap_file_pages,
        SYS_removexattr,
        SYS_renameat2,
        SYS_request_key,
        SYS_rt_sigaction,
        SYS_rt_sigpending,
        SYS_rt_sigprocmask,
        SYS_rt_sigqueueinfo,
        SYS_rt_sigsuspend,
        SYS_rt_sigtimedwait,
        SYS_rt_tgsigqueueinfo,
        SYS_sched_get_priority_max,
        SYS_sched_get_priority_min,
        SYS_sched_getaffinity,
        SYS_sched_getattr,
        SYS_sched_getparam,
        SYS_sched_getscheduler,
        SYS_sched_rr_get_interval,
        SYS_sched_setaffinity,
        SYS_sched_setattr,
        SYS_sched_setparam,
        SYS_sched_setscheduler,
        SYS_seccomp,
        SYS_semctl,
        SYS_semget,
        SYS_semop,
        SYS_semtimedop,
        SYS_sendfile,
        SYS_sendmmsg,
        SYS_sendmsg,
        SYS_sendto,
        SYS_set_mempolicy,
        SYS_set_mempolicy_home_node,
        SYS_set_robust_list,
        SYS_setdomainname,
        SYS_setfsgid,
        SYS_setfsuid,
        SYS_setgid,
        SYS_setgroups,
        SYS_sethostname,
        SYS_setitimer,
        SYS_setns,
        SYS_setpgid,
        SYS_setpriority,
        SYS_setregid,
        SYS_setresgid,
        SYS_setresuid,
        SYS_setreuid,
        SYS_setsid,
        SYS_setuid,
        SYS_setxattr,
        SYS_shmat,
        SYS_shmctl,
        SYS_shmdt,
        SYS_shmget,
        SYS_signalfd4,
        SYS_splice,
        SYS_statx,
        SYS_symlinkat,
        SYS_sync,
        SYS_sync_file_range,
        SYS_syncfs,
        SYS_syslog,
        SYS_tee,
        SYS_tgkill,
        SYS_timer_create,
        SYS_timer_delete,
        SYS_timer_getoverrun,
        SYS_timer_gettime,
        SYS_timer_settime,
        SYS_timerfd_create,
        SYS_timerfd_gettime,
        SYS_timerfd_settime,
        SYS_tkill,
        SYS_truncate,
        SYS_umount2,
        SYS_unshare,
        SYS_userfaultfd,
        SYS_utimensat,
        SYS_vhangup,
        SYS_vmsplice,
        SYS_wait4,
        SYS_waitid,
        SYS_write,
        SYS_writev,
    }

    // Calls the libc crate has no number for; x86-64's own table
    // (arch/x86/entry/syscalls/syscall_64.tbl), shared by every architecture from 424 on.
    pub const SYS_io_pgetevents: HostNr = HostNr(333);
    pub const SYS_cachestat: HostNr = HostNr(451);
    pub const SYS_futex_wake: HostNr = HostNr(454);
    pub const SYS_futex_wait: HostNr = HostNr(455);
    pub const SYS_futex_requeue: HostNr = HostNr(456);
    pub const SYS_statmount: HostNr = HostNr(457);
    pub const SYS_listmount: HostNr = HostNr(458);
    pub const SYS_lsm_get_self_attr: HostNr = HostNr(459);
    pub const SYS_lsm_set_self_attr: HostNr = HostNr(460);
    pub const SYS_lsm_list_modules: HostNr = HostNr(461);
}

/// A host syscall number (see [`nr`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostNr(libc::c_long);

impl HostNr {
    /// The number itself, for the interruptible stub.
    pub fn get(self) -> libc::c_long {
        self.0
    }
}

/// Host syscall `nr` with raw register arguments; returns the libc-style result
/// (-1 and errno on failure).
///
/// # Safety
/// The arguments must be what the host kernel expects for `nr`: any pointer among them
/// valid for the access the call makes, or a guest pointer the kernel checks itself.
pub unsafe fn raw(nr: HostNr, a: [u64; 6]) -> i64 {
    // SAFETY: per this function's contract.
    unsafe { libc::syscall(nr.0, a[0], a[1], a[2], a[3], a[4], a[5]) }
}
