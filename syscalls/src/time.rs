//! Clocks and sleeping. `timespec`/`timeval` have the same layout on the host (see the
//! abi::time tests) and clock ids are architecture-independent, so guest pointers pass
//! through and the host kernel reports EFAULT for bad ones.
//!
//! clock_gettime and gettimeofday read the clock through the host libc, which uses the
//! host's vDSO for the common clocks (no kernel entry), into a local value that is then
//! copied to the guest (a bad guest pointer is EFAULT, never a fault in emu).

use crate::abi::time::{Timespec, Timeval};
use crate::guest_mem;
use crate::host::{check, check_unit, int, ok};
use crate::thread::Task;
use crate::SysResult;

/// The host clock `id` through the host libc (vDSO where it can).
fn read_clock(id: i32) -> Result<libc::timespec, crate::abi::errno::Errno> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer; invalid clock ids come back as EINVAL.
    check_unit(unsafe { libc::clock_gettime(id, &mut ts) } as i64)?;
    Ok(ts)
}

/// What a vDSO function returns in x0: 0, or -errno (arm64's vDSO falls back to the
/// syscall and returns its raw result).
fn vdso_ret(r: SysResult) -> u64 {
    match r {
        Ok(crate::Outcome::Ret(v)) => v,
        Ok(_) => 0,
        Err(e) => e.to_ret(),
    }
}

/// `__kernel_clock_gettime(clock, ts)` of the guest vDSO, called from translated
/// code without a syscall exit (the kernel's vDSO does not enter the kernel either).
pub fn vdso_clock_gettime(clock: u64, ts: u64) -> u64 {
    vdso_ret(clock_gettime_into(clock, ts))
}

/// `__kernel_gettimeofday(tv, tz)` of the guest vDSO.
pub fn vdso_gettimeofday(tv: u64, tz: u64) -> u64 {
    vdso_ret(gettimeofday_into(tv, tz))
}

/// `__kernel_clock_getres(clock, res)` of the guest vDSO.
pub fn vdso_clock_getres(clock: u64, res: u64) -> u64 {
    vdso_ret(clock_getres_into(clock, res))
}

pub fn clock_gettime(_: &mut Task, a: [u64; 6]) -> SysResult {
    clock_gettime_into(a[0], a[1])
}

fn clock_gettime_into(clock: u64, ts: u64) -> SysResult {
    let now = read_clock(int(clock))?;
    let t = Timespec {
        tv_sec: now.tv_sec,
        tv_nsec: now.tv_nsec,
    };
    guest_mem::write_val(ts, &t)?;
    ok(0)
}

pub fn clock_getres(_: &mut Task, a: [u64; 6]) -> SysResult {
    clock_getres_into(a[0], a[1])
}

fn clock_getres_into(clock: u64, res: u64) -> SysResult {
    // SAFETY: the kernel checks the guest timespec pointer.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_clock_getres,
            [int(clock) as u64, res, 0, 0, 0, 0],
        )
    })
}

pub fn gettimeofday(_: &mut Task, a: [u64; 6]) -> SysResult {
    gettimeofday_into(a[0], a[1])
}

fn gettimeofday_into(tv: u64, tz: u64) -> SysResult {
    if tz != 0 {
        // The obsolete timezone is rarely asked for: the kernel's own call fills it.
        // SAFETY: the kernel checks the guest timeval/timezone pointers.
        return check(unsafe {
            crate::host::raw(crate::host::nr::SYS_gettimeofday, [tv, tz, 0, 0, 0, 0])
        });
    }
    if tv != 0 {
        let now = read_clock(libc::CLOCK_REALTIME)?;
        let t = Timeval {
            tv_sec: now.tv_sec,
            tv_usec: now.tv_nsec / 1000,
        };
        guest_mem::write_val(tv, &t)?;
    }
    ok(0)
}

pub fn nanosleep(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest timespec pointers.
    p.blocking(crate::host::nr::SYS_nanosleep, a)
}

pub fn clock_nanosleep(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest timespec pointers; TIMER_ABSTIME is the same.
    p.blocking(crate::host::nr::SYS_clock_nanosleep, a)
}

pub fn getitimer(_: &mut Task, a: [u64; 6]) -> SysResult {
    // struct itimerval is two timevals on both ABIs; timer ids are the same.
    // SAFETY: the kernel checks the guest pointer.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_getitimer,
            [int(a[0]) as u64, a[1], 0, 0, 0, 0],
        )
    })
}

pub fn setitimer(_: &mut Task, a: [u64; 6]) -> SysResult {
    // The host timer's signal (SIGALRM, SIGVTALRM, SIGPROF) is the guest's; it reaches
    // the guest's handler through the host one.
    // SAFETY: the kernel checks the guest pointers.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_setitimer,
            [int(a[0]) as u64, a[1], a[2], 0, 0, 0],
        )
    })
}
