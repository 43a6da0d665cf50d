//! Deliberate answers: calls emu does not forward, answered with the errno an arm64
//! kernel gives in a situation the guest can meet there. Each says which and why.
//!
//! - Acting on the machine's kernel itself (reboot, kexec, modules, swap, process
//!   accounting, setting the clock): emu is a user program running an arm64 guest on
//!   an x86-64 kernel; an arm64 image or module means nothing to it, and emu does
//!   not administer the host for its guest. The answer is the one for a process
//!   without the capability (EPERM, after whatever argument checks the kernel makes
//!   first, so that invalid calls fail as they would for everyone).
//! - Facilities whose host version would act on emu's x86-64 view of things
//!   (ptrace of registers, perf counters, BPF programs, seccomp filters on syscall
//!   numbers, io_uring's unfiltered O_* flags): the answer of an arm64 kernel
//!   configured or restricted so that they are unavailable.
//! - Calls the arm64 kernel no longer has, or has only with hardware emu does not
//!   announce (nfsservctl, lookup_dcookie, map_shadow_stack).

use crate::abi::errno::Errno;
use crate::abi::time::{Timespec, Timeval, Timex};
use crate::guest_mem;
use crate::host::{check, int, ok};
use crate::thread::Task;
use crate::SysResult;

macro_rules! answer {
    ($($(#[$doc:meta])* $name:ident => $errno:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(_: &mut Task, _: [u64; 6]) -> SysResult {
                Err(Errno::$errno)
            }
        )*
    };
}

answer! {
    /// reboot: CAP_SYS_BOOT is checked before the magic numbers.
    reboot => EPERM;
    /// kexec_load / kexec_file_load: the permission check (CAP_SYS_BOOT) comes first.
    kexec_load => EPERM;
    kexec_file_load => EPERM;
    /// init_module / finit_module (may_init_module) and delete_module: CAP_SYS_MODULE
    /// first.
    init_module => EPERM;
    finit_module => EPERM;
    delete_module => EPERM;
    /// swapoff: CAP_SYS_ADMIN first.
    swapoff => EPERM;
    /// acct: CAP_SYS_PACCT first.
    acct => EPERM;
    /// bpf: every command, as with kernel.unprivileged_bpf_disabled for a process
    /// without CAP_BPF. The host would run tracing programs against x86-64 kernel
    /// structures and registers.
    bpf => EPERM;
    /// perf_event_open: ENOSYS, as a kernel built without CONFIG_PERF_EVENTS. Host
    /// counters would count emu's x86-64 events, with x86-64 raw encodings and
    /// sample registers: silently wrong numbers.
    perf_event_open => ENOSYS;
    /// io_uring: ENOSYS, as a kernel built without CONFIG_IO_URING. Submissions carry
    /// O_* flags, paths and structs the host kernel would read unconverted.
    io_uring_setup => ENOSYS;
    io_uring_enter => ENOSYS;
    io_uring_register => ENOSYS;
    /// nfsservctl: removed in Linux 3.1 (sys_ni_syscall in the arm64 table).
    nfsservctl => ENOSYS;
    /// lookup_dcookie: removed with oprofile's dcookies (sys_ni_syscall in the arm64
    /// table).
    lookup_dcookie => ENOSYS;
    /// map_shadow_stack: arm64's (arch/arm64/mm/gcs.c) answers EOPNOTSUPP first when
    /// the CPU has no GCS, and emu announces none.
    map_shadow_stack => EOPNOTSUPP;
    /// restart_syscall called by the guest itself: no restart block is pending, so
    /// the kernel's do_no_restart_syscall answers EINTR. (emu restarts interrupted
    /// calls itself, never through this entry.)
    restart_syscall => EINTR;
}

/// swapon(path, flags): unknown flag bits are EINVAL before the CAP_SYS_ADMIN check.
pub fn swapon(_: &mut Task, a: [u64; 6]) -> SysResult {
    /// SWAP_FLAGS_VALID: priority mask, PREFER, DISCARD, DISCARD_ONCE, DISCARD_PAGES.
    const SWAP_FLAGS_VALID: u64 = 0x7_ffff;
    if a[1] as u32 as u64 & !SWAP_FLAGS_VALID != 0 {
        return Err(Errno::EINVAL);
    }
    Err(Errno::EPERM)
}

/// Seconds from which settimeofday refuses a time (TIME_SETTOD_SEC_MAX: KTIME_SEC_MAX
/// less 30 years of uptime).
const SETTOD_SEC_MAX: i64 = 9_223_372_036 - 30 * 365 * 24 * 3600;

/// timespec64_valid_settod.
fn valid_settod(sec: i64, nsec: i64) -> bool {
    (0..SETTOD_SEC_MAX).contains(&sec) && (0..1_000_000_000).contains(&nsec)
}

/// settimeofday(tv, tz): the time is read and checked (EFAULT, EINVAL), the zone read,
/// then the CAP_SYS_TIME check answers EPERM.
pub fn settimeofday(_: &mut Task, a: [u64; 6]) -> SysResult {
    if a[0] != 0 {
        let tv: Timeval = guest_mem::read_val(a[0])?;
        if !(0..=1_000_000).contains(&tv.tv_usec) || !valid_settod(tv.tv_sec, tv.tv_usec * 1000) {
            return Err(Errno::EINVAL);
        }
    }
    if a[1] != 0 {
        guest_mem::read_val::<u64>(a[1])?; // struct timezone: two ints
    }
    Err(Errno::EPERM)
}

/// clock_settime(clock, tp): only CLOCK_REALTIME can be set (others are EINVAL before
/// the time is read); its time is checked, then CAP_SYS_TIME answers EPERM. Negative
/// ids (CPU-time clocks, which answer EPERM or ESRCH themselves, and fd-based clocks
/// such as PTP devices, governed by the device's permissions) go to the host.
pub fn clock_settime(_: &mut Task, a: [u64; 6]) -> SysResult {
    let clock = int(a[0]);
    if clock < 0 {
        // SAFETY: an integer id and a guest timespec pointer (same layout) the
        // kernel checks.
        return check(unsafe {
            crate::host::raw(
                crate::host::nr::SYS_clock_settime,
                [clock as u64, a[1], 0, 0, 0, 0],
            )
        });
    }
    if clock != libc::CLOCK_REALTIME {
        return Err(Errno::EINVAL);
    }
    let ts: Timespec = guest_mem::read_val(a[1])?;
    if !valid_settod(ts.tv_sec, ts.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    Err(Errno::EPERM)
}

/// ADJ_* mode bits that make an adjtimex call a read (include/uapi/linux/timex.h).
const ADJ_OFFSET_READONLY: u32 = 0x2000;
const ADJ_ADJTIME: u32 = 0x8000;

/// Whether `modes` only reads the clock state (timekeeping_validate_timex lets anyone
/// do that): no mode bits, or the old adjtime offset with ADJ_OFFSET_READONLY.
fn reads_only(modes: u32) -> bool {
    modes == 0 || (modes & ADJ_ADJTIME != 0 && modes & ADJ_OFFSET_READONLY != 0)
}

/// adjtimex(buf): reads pass to the host (`struct timex` is the same, abi::time);
/// changes are EPERM, the CAP_SYS_TIME answer that precedes every other check.
pub fn adjtimex(_: &mut Task, a: [u64; 6]) -> SysResult {
    let tx: Timex = guest_mem::read_val(a[0])?;
    if !reads_only(tx.modes) {
        return Err(Errno::EPERM);
    }
    // SAFETY: a guest struct timex pointer (same layout) the kernel checks.
    check(unsafe { crate::host::raw(crate::host::nr::SYS_adjtimex, [a[0], 0, 0, 0, 0, 0]) })
}

/// clock_adjtime(clock, buf): reads and fd/CPU clocks (negative ids) pass to the host;
/// a change to a clock the host would adjust is EPERM, otherwise the host's answer to
/// a read of that clock (EINVAL for no such clock, EOPNOTSUPP for one without
/// adjustment).
pub fn clock_adjtime(_: &mut Task, a: [u64; 6]) -> SysResult {
    let clock = int(a[0]);
    let tx: Timex = guest_mem::read_val(a[1])?;
    let host = |buf: u64| {
        // SAFETY: a struct timex pointer (guest or local, same layout) the kernel checks.
        check(unsafe {
            crate::host::raw(
                crate::host::nr::SYS_clock_adjtime,
                [clock as u64, buf, 0, 0, 0, 0],
            )
        })
    };
    if clock < 0 || reads_only(tx.modes) {
        return host(a[1]);
    }
    let mut probe = Timex::default();
    host(&mut probe as *mut Timex as u64)?;
    Err(Errno::EPERM)
}

/// ptrace requests (include/uapi/linux/ptrace.h).
const PTRACE_TRACEME: u64 = 0;
const PTRACE_ATTACH: u64 = 16;
const PTRACE_SEIZE: u64 = 0x4206;

/// ptrace: answered as under Yama's ptrace_scope 3 (no attach): PTRACE_TRACEME and
/// attaching are EPERM (ESRCH for a pid that does not exist), and every other request
/// is ESRCH because nothing is ever traced. A tracer would see emu's x86-64
/// registers and memory, and a traced emu would stop its tracer's view of arm64
/// state: silently wrong either way.
pub fn ptrace(_: &mut Task, a: [u64; 6]) -> SysResult {
    match a[0] {
        PTRACE_TRACEME => Err(Errno::EPERM),
        PTRACE_ATTACH | PTRACE_SEIZE => {
            // SAFETY: signal 0 only checks that the process exists.
            let gone = unsafe { libc::kill(int(a[1]), 0) } < 0 && Errno::last() == Errno::ESRCH;
            Err(if gone { Errno::ESRCH } else { Errno::EPERM })
        }
        _ => Err(Errno::ESRCH),
    }
}

/// seccomp operations (include/uapi/linux/seccomp.h).
const SECCOMP_SET_MODE_STRICT: u64 = 0;
const SECCOMP_SET_MODE_FILTER: u64 = 1;
const SECCOMP_GET_ACTION_AVAIL: u64 = 2;
const SECCOMP_GET_NOTIF_SIZES: u64 = 3;

/// The syscalls strict mode allows (arm64 numbers: read, write, exit, rt_sigreturn).
pub const STRICT_ALLOWED: [u64; 4] = [
    crate::nr::READ,
    crate::nr::WRITE,
    crate::nr::EXIT,
    crate::nr::RT_SIGRETURN,
];

/// seccomp(op, flags, args). Strict mode is emulated: from then on any other guest
/// syscall of the thread kills the process with SIGKILL (see `Task::dispatch`).
/// Filters are refused with EINVAL, the answer of a kernel built without
/// CONFIG_SECCOMP_FILTER: a BPF filter written for arm64 syscall numbers and
/// `struct seccomp_data` would be applied to emu's own x86-64 syscalls. The two
/// queries pass to the host (action values and notification struct sizes are
/// generic).
pub fn seccomp(p: &mut Task, a: [u64; 6]) -> SysResult {
    let flags = a[1] as u32;
    match a[0] {
        SECCOMP_SET_MODE_STRICT if flags == 0 && a[2] == 0 => {
            p.seccomp_strict = true;
            ok(0)
        }
        SECCOMP_GET_ACTION_AVAIL | SECCOMP_GET_NOTIF_SIZES if flags == 0 => {
            // SAFETY: a query with a guest pointer (u32 action, or three u16 sizes)
            // the kernel checks.
            check(unsafe {
                crate::host::raw(crate::host::nr::SYS_seccomp, [a[0], 0, a[2], 0, 0, 0])
            })
        }
        SECCOMP_SET_MODE_FILTER => Err(Errno::EINVAL),
        _ => Err(Errno::EINVAL),
    }
}

/// prctl(PR_SET_SECCOMP, mode, filter): SECCOMP_MODE_STRICT (1) and
/// SECCOMP_MODE_FILTER (2) become the seccomp operations, as the kernel's
/// prctl_set_seccomp does; other modes are EINVAL.
pub fn prctl_set_seccomp(p: &mut Task, mode: u64, filter: u64) -> SysResult {
    match mode {
        1 => seccomp(p, [SECCOMP_SET_MODE_STRICT, 0, 0, 0, 0, 0]),
        2 => seccomp(p, [SECCOMP_SET_MODE_FILTER, 0, filter, 0, 0, 0]),
        _ => Err(Errno::EINVAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settod_limits() {
        assert!(valid_settod(0, 0));
        assert!(valid_settod(1_700_000_000, 999_999_999));
        assert!(!valid_settod(-1, 0));
        assert!(!valid_settod(0, 1_000_000_000));
        assert!(!valid_settod(SETTOD_SEC_MAX, 0));
    }

    #[test]
    fn adjtimex_reads() {
        assert!(reads_only(0));
        assert!(reads_only(0xa001)); // ADJ_OFFSET_SS_READ
        assert!(!reads_only(0x8001)); // ADJ_OFFSET_SINGLESHOT
        assert!(!reads_only(1)); // ADJ_OFFSET
    }
}
