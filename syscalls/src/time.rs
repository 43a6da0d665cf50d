//! Clocks and sleeping. `timespec`/`timeval` have the same layout on the host (see the
//! abi::time tests) and clock ids are architecture-independent, so guest pointers pass
//! through and the host kernel reports EFAULT for bad ones.

use crate::host::{check, int};
use crate::thread::Task;
use crate::SysResult;

pub fn clock_gettime(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: the kernel checks the guest timespec pointer.
    check(unsafe { libc::syscall(libc::SYS_clock_gettime, int(a[0]), a[1]) })
}

pub fn clock_getres(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: the kernel checks the guest timespec pointer.
    check(unsafe { libc::syscall(libc::SYS_clock_getres, int(a[0]), a[1]) })
}

pub fn gettimeofday(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: the kernel checks the guest timeval/timezone pointers.
    check(unsafe { libc::syscall(libc::SYS_gettimeofday, a[0], a[1]) })
}

pub fn nanosleep(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest timespec pointers.
    p.blocking(libc::SYS_nanosleep, a)
}

pub fn clock_nanosleep(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest timespec pointers; TIMER_ABSTIME is the same.
    p.blocking(libc::SYS_clock_nanosleep, a)
}

pub fn getitimer(_: &mut Task, a: [u64; 6]) -> SysResult {
    // struct itimerval is two timevals on both ABIs; timer ids are the same.
    // SAFETY: the kernel checks the guest pointer.
    check(unsafe { libc::syscall(libc::SYS_getitimer, int(a[0]), a[1]) })
}

pub fn setitimer(_: &mut Task, a: [u64; 6]) -> SysResult {
    // The host timer's signal (SIGALRM, SIGVTALRM, SIGPROF) is the guest's; it reaches
    // the guest's handler through the host one.
    // SAFETY: the kernel checks the guest pointers.
    check(unsafe { libc::syscall(libc::SYS_setitimer, int(a[0]), a[1], a[2]) })
}
