//! Syscalls forwarded to the host unchanged.
//!
//! An entry belongs here only if every argument means the same to an x86-64 host kernel
//! as to an arm64 one: integers with asm-generic values, guest pointers (= host
//! addresses) to data whose layout is architecture-independent, and flag words whose bits
//! agree (checked per entry below). The host kernel truncates `int` arguments itself.

use crate::host::check;
use crate::thread::Task;
use crate::SysResult;

macro_rules! passthrough {
    ($($(#[$doc:meta])* $name:ident => $host:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(_: &mut Task, a: [u64; 6]) -> SysResult {
                // SAFETY: the arguments mean the same to the host kernel (see the module
                // doc); it validates every pointer and reports EFAULT.
                check(unsafe { libc::syscall(libc::$host, a[0], a[1], a[2], a[3], a[4], a[5]) })
            }
        )*
    };
}

/// Forwarded like [`passthrough!`], through the interruptible path for calls that block.
macro_rules! blocking_passthrough {
    ($($(#[$doc:meta])* $name:ident => $host:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(p: &mut Task, a: [u64; 6]) -> SysResult {
                // The arguments mean the same to the host kernel (see the module doc);
                // it validates every pointer and reports EFAULT.
                p.blocking(libc::$host, a)
            }
        )*
    };
}

blocking_passthrough! {
    /// `struct pollfd` (8 bytes) and `fd_set` are the same; the sigset argument uses the
    /// shared 1..=64 numbering.
    ppoll => SYS_ppoll;
    pselect6 => SYS_pselect6;
    flock => SYS_flock;
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
    /// Paths and integer modes/ids; AT_* flags are asm-generic on both.
    truncate => SYS_truncate;
    fchmodat => SYS_fchmodat;
    fchownat => SYS_fchownat;
    symlinkat => SYS_symlinkat;
    linkat => SYS_linkat;
    mknodat => SYS_mknodat;
    /// Extended attributes: paths, NUL-terminated names, opaque value bytes and
    /// XATTR_CREATE/XATTR_REPLACE (1, 2) are the same on both.
    setxattr => SYS_setxattr;
    lsetxattr => SYS_lsetxattr;
    fsetxattr => SYS_fsetxattr;
    getxattr => SYS_getxattr;
    lgetxattr => SYS_lgetxattr;
    fgetxattr => SYS_fgetxattr;
    listxattr => SYS_listxattr;
    llistxattr => SYS_llistxattr;
    flistxattr => SYS_flistxattr;
    removexattr => SYS_removexattr;
    lremovexattr => SYS_lremovexattr;
    fremovexattr => SYS_fremovexattr;
    /// `struct timespec[2]`: same layout (abi::time::Timespec).
    utimensat => SYS_utimensat;
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
