//! Syscalls forwarded to the host unchanged.
//!
//! An entry belongs here only if every argument means the same to an x86-64 host kernel
//! as to an arm64 one: integers with asm-generic values, guest pointers (= host
//! addresses) to data whose layout is architecture-independent, and flag words whose bits
//! agree (checked per entry below). The host kernel truncates `int` arguments itself.

macro_rules! passthrough {
    ($($(#[$doc:meta])* $name:ident => $host:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(_: &mut $crate::thread::Task, a: [u64; 6]) -> $crate::SysResult {
                // SAFETY: the arguments mean the same to the host kernel (see the module
                // doc); it validates every pointer and reports EFAULT.
                $crate::host::check(unsafe {
                    $crate::host::raw($crate::host::nr::$host, [a[0], a[1], a[2], a[3], a[4], a[5]])
                })
            }
        )*
    };
}

/// Forwarded like [`passthrough!`], through the interruptible path for calls that block.
macro_rules! blocking_passthrough {
    ($($(#[$doc:meta])* $name:ident => $host:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(p: &mut $crate::thread::Task, a: [u64; 6]) -> $crate::SysResult {
                // The arguments mean the same to the host kernel (see the module doc);
                // it validates every pointer and reports EFAULT.
                p.blocking($crate::host::nr::$host, a)
            }
        )*
    };
}

pub(crate) use {blocking_passthrough, passthrough};

blocking_passthrough! {
    /// `struct pollfd` (8 bytes) and `fd_set` are the same; the sigset argument uses the
    /// shared 1..=64 numbering.
    ppoll => SYS_ppoll;
    pselect6 => SYS_pselect6;
    flock => SYS_flock;
    /// Vectored and spliced I/O: `struct iovec` is the same (abi::misc::Iovec); on
    /// 64-bit the low offset word carries the whole offset and the high one is
    /// ignored on both; RWF_* and SPLICE_F_* flags are generic.
    preadv => SYS_preadv;
    pwritev => SYS_pwritev;
    preadv2 => SYS_preadv2;
    pwritev2 => SYS_pwritev2;
    splice => SYS_splice;
    tee => SYS_tee;
    vmsplice => SYS_vmsplice;
    /// SysV message queues: `struct msgbuf` (long type + bytes) and the 64-bit
    /// `struct msqid64_ds` / `ipc64_perm` are asm-generic on both (x86-64's
    /// msgbuf.h differs only for x32); IPC_* flags and commands are generic.
    msgsnd => SYS_msgsnd;
    msgrcv => SYS_msgrcv;
    /// `struct futex_waitv` (24 bytes: u64 val, u64 uaddr, u32 flags, u32 reserved) is
    /// the same on every architecture; FUTEX2_* flags are generic.
    futex_waitv => SYS_futex_waitv;
}

passthrough! {
    /// Integer fds / lengths.
    fsync => SYS_fsync;
    fdatasync => SYS_fdatasync;
    ftruncate => SYS_ftruncate;
    fallocate => SYS_fallocate;
    fadvise64 => SYS_fadvise64;
    sync => SYS_sync;
    syncfs => SYS_syncfs;
    fchmod => SYS_fchmod;
    fchown => SYS_fchown;
    close_range => SYS_close_range;
    /// Extended attributes of open files: NUL-terminated names, opaque value bytes
    /// and XATTR_CREATE/XATTR_REPLACE (1, 2) are the same on both (the path calls
    /// are in `crate::path_calls`).
    fsetxattr => SYS_fsetxattr;
    fgetxattr => SYS_fgetxattr;
    flistxattr => SYS_flistxattr;
    fremovexattr => SYS_fremovexattr;
    /// Byte offsets as `loff_t *`; SPLICE_F_* flags are generic.
    sendfile => SYS_sendfile;
    copy_file_range => SYS_copy_file_range;
    /// `struct pollfd` (8 bytes) and `fd_set` are the same; the sigset argument uses the
    /// shared 1..=64 numbering.
    /// MFD_* / EFD_* flags: EFD_CLOEXEC = O_CLOEXEC and EFD_NONBLOCK = O_NONBLOCK, whose
    /// values agree (abi::flags::OPEN_FLAGS).
    memfd_create => SYS_memfd_create;
    eventfd2 => SYS_eventfd2;
    /// Ids. The set*id calls change the calling thread's credentials only, as the raw
    /// syscalls do on arm64 (the guest's libc broadcasts them to its other threads
    /// itself, by signal), so they go to the host raw, not through the host libc's
    /// process-wide wrappers. uid_t/gid_t arrays are u32 on both.
    setuid => SYS_setuid;
    setgid => SYS_setgid;
    setreuid => SYS_setreuid;
    setregid => SYS_setregid;
    setresuid => SYS_setresuid;
    setresgid => SYS_setresgid;
    setfsuid => SYS_setfsuid;
    setfsgid => SYS_setfsgid;
    setgroups => SYS_setgroups;
    getresuid => SYS_getresuid;
    getresgid => SYS_getresgid;
    getgroups => SYS_getgroups;
    getpgid => SYS_getpgid;
    setpgid => SYS_setpgid;
    getsid => SYS_getsid;
    setsid => SYS_setsid;
    getpriority => SYS_getpriority;
    setpriority => SYS_setpriority;
    getcpu => SYS_getcpu;
    sched_setaffinity => SYS_sched_setaffinity;
    /// Scheduling policy: guest tids are host tids; `struct sched_param` (one int),
    /// `struct sched_attr` (size-versioned, fixed-width fields) and the SCHED_* policy
    /// numbers are generic; `struct timespec` is the same.
    sched_setparam => SYS_sched_setparam;
    sched_getparam => SYS_sched_getparam;
    sched_setscheduler => SYS_sched_setscheduler;
    sched_getscheduler => SYS_sched_getscheduler;
    sched_get_priority_max => SYS_sched_get_priority_max;
    sched_get_priority_min => SYS_sched_get_priority_min;
    sched_rr_get_interval => SYS_sched_rr_get_interval;
    sched_setattr => SYS_sched_setattr;
    sched_getattr => SYS_sched_getattr;
    /// Event descriptors: TFD_*, SFD_*, IN_* creation flags are O_CLOEXEC and
    /// O_NONBLOCK (the same values on both); `struct itimerspec` and
    /// `struct inotify_event` are the same; signalfd's 8-byte sigset uses the
    /// shared numbering and reads signals the guest blocked, which stay pending in
    /// the host kernel because the guest mask is the host mask.
    timerfd_create => SYS_timerfd_create;
    timerfd_settime => SYS_timerfd_settime;
    timerfd_gettime => SYS_timerfd_gettime;
    signalfd4 => SYS_signalfd4;
    inotify_init1 => SYS_inotify_init1;
    inotify_rm_watch => SYS_inotify_rm_watch;
    /// POSIX timers: `struct sigevent` (64 bytes) is generic; SIGEV_THREAD_ID names
    /// a guest tid, which is a host tid; timer ids are the kernel's ints.
    timer_create => SYS_timer_create;
    timer_settime => SYS_timer_settime;
    timer_gettime => SYS_timer_gettime;
    timer_getoverrun => SYS_timer_getoverrun;
    timer_delete => SYS_timer_delete;
    /// File hints and I/O priority: integer arguments, generic flag values.
    sync_file_range => SYS_sync_file_range;
    readahead => SYS_readahead;
    ioprio_set => SYS_ioprio_set;
    ioprio_get => SYS_ioprio_get;
    /// Locking emu's own pages too is harmless; MLOCK_ONFAULT and MCL_* are generic.
    mlock2 => SYS_mlock2;
    mlockall => SYS_mlockall;
    munlockall => SYS_munlockall;
    /// Other processes' memory: another guest's addresses are its host addresses.
    process_vm_readv => SYS_process_vm_readv;
    process_vm_writev => SYS_process_vm_writev;
    kcmp => SYS_kcmp;
    /// SysV message queues (see msgsnd above).
    msgget => SYS_msgget;
    msgctl => SYS_msgctl;
    /// Capabilities: `struct __user_cap_header_struct` / `__user_cap_data_struct`
    /// are u32 words on every architecture.
    capget => SYS_capget;
    capset => SYS_capset;
    /// pidfds: pids are host pids; PIDFD_NONBLOCK is O_NONBLOCK (0o4000 on both), and
    /// pidfd_send_signal's siginfo uses the generic 128-byte layout and signal numbers.
    pidfd_open => SYS_pidfd_open;
    pidfd_getfd => SYS_pidfd_getfd;
    pidfd_send_signal => SYS_pidfd_send_signal;
    /// Memory residency / sync on guest ranges (no change to mappings).
    msync => SYS_msync;
    mlock => SYS_mlock;
    munlock => SYS_munlock;
    mincore => SYS_mincore;
    membarrier => SYS_membarrier;
}
