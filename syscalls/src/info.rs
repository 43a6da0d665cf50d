//! System and resource information: uname, sysinfo, getrusage, times, rlimits, getrandom.

use crate::abi::errno::Errno;
use crate::abi::misc::{rlimit_to_host, Rlimit, Sysinfo, Utsname, UTS_LEN};
use crate::abi::time::{Rusage, Timeval, Tms};
use crate::guest_mem;
use crate::host::{check, check_unit, int, ok, ptr};
use crate::thread::Task;
use crate::SysResult;

/// The machine name the guest sees.
const MACHINE: &[u8] = b"aarch64";

fn copy_field(dst: &mut [u8; UTS_LEN], src: &[libc::c_char]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s as u8;
    }
    dst[UTS_LEN - 1] = 0;
}

pub fn uname(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: all-zero is a valid libc::utsname.
    let mut h: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `h` is a valid out-buffer.
    check_unit(unsafe { libc::uname(&mut h) } as i64)?;
    let mut u = Utsname::default();
    copy_field(&mut u.sysname, &h.sysname);
    copy_field(&mut u.nodename, &h.nodename);
    copy_field(&mut u.release, &h.release);
    copy_field(&mut u.version, &h.version);
    copy_field(&mut u.domainname, &h.domainname);
    u.machine[..MACHINE.len()].copy_from_slice(MACHINE);
    guest_mem::write_val(a[0], &u)?;
    ok(0)
}

pub fn sysinfo(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: all-zero is a valid libc::sysinfo.
    let mut h: libc::sysinfo = unsafe { std::mem::zeroed() };
    // SAFETY: `h` is a valid out-buffer.
    check_unit(unsafe { libc::sysinfo(&mut h) } as i64)?;
    let g = Sysinfo {
        uptime: h.uptime,
        loads: h.loads,
        totalram: h.totalram,
        freeram: h.freeram,
        sharedram: h.sharedram,
        bufferram: h.bufferram,
        totalswap: h.totalswap,
        freeswap: h.freeswap,
        procs: h.procs,
        totalhigh: h.totalhigh,
        freehigh: h.freehigh,
        mem_unit: h.mem_unit,
        ..Sysinfo::default()
    };
    guest_mem::write_val(a[0], &g)?;
    ok(0)
}

fn timeval(t: &libc::timeval) -> Timeval {
    Timeval {
        tv_sec: t.tv_sec,
        tv_usec: t.tv_usec,
    }
}

pub fn getrusage(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: all-zero is a valid libc::rusage.
    let mut h: libc::rusage = unsafe { std::mem::zeroed() };
    // RUSAGE_SELF/CHILDREN/THREAD are the same on both.
    // SAFETY: `h` is a valid out-buffer.
    check_unit(unsafe { libc::getrusage(int(a[0]), &mut h) } as i64)?;
    let g = Rusage {
        ru_utime: timeval(&h.ru_utime),
        ru_stime: timeval(&h.ru_stime),
        ru_longs: [
            h.ru_maxrss,
            h.ru_ixrss,
            h.ru_idrss,
            h.ru_isrss,
            h.ru_minflt,
            h.ru_majflt,
            h.ru_nswap,
            h.ru_inblock,
            h.ru_oublock,
            h.ru_msgsnd,
            h.ru_msgrcv,
            h.ru_nsignals,
            h.ru_nvcsw,
            h.ru_nivcsw,
        ],
    };
    guest_mem::write_val(a[1], &g)?;
    ok(0)
}

pub fn times(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: all-zero is a valid libc::tms.
    let mut h: libc::tms = unsafe { std::mem::zeroed() };
    // SAFETY: `h` is a valid out-buffer; times returns clock ticks (may wrap).
    let r = unsafe { libc::times(&mut h) };
    if r == -1i64 as libc::clock_t {
        return Err(Errno::last());
    }
    if a[0] != 0 {
        let g = Tms {
            tms_utime: h.tms_utime,
            tms_stime: h.tms_stime,
            tms_cutime: h.tms_cutime,
            tms_cstime: h.tms_cstime,
        };
        guest_mem::write_val(a[0], &g)?;
    }
    ok(r as u64)
}

/// prlimit on the host with guest-typed limits.
fn host_prlimit(pid: i32, guest_res: u64, new: Option<Rlimit>) -> Result<Rlimit, Errno> {
    let res = rlimit_to_host(guest_res).ok_or(Errno::EINVAL)?;
    let new_h = new.map(|r| libc::rlimit64 {
        rlim_cur: r.rlim_cur,
        rlim_max: r.rlim_max,
    });
    let mut old_h = libc::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    let new_p = new_h
        .as_ref()
        .map_or(std::ptr::null(), |r| r as *const libc::rlimit64);
    // SAFETY: local, valid rlimit64 pointers (or null for "no new limit").
    check_unit(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_prlimit64,
            [
                pid as u64,
                res as u64,
                new_p as u64,
                std::ptr::addr_of_mut!(old_h) as u64,
                0,
                0,
            ],
        )
    })?;
    Ok(Rlimit {
        rlim_cur: old_h.rlim_cur,
        rlim_max: old_h.rlim_max,
    })
}

pub fn prlimit64(_: &mut Task, a: [u64; 6]) -> SysResult {
    let new = if a[2] != 0 {
        Some(guest_mem::read_val::<Rlimit>(a[2])?)
    } else {
        None
    };
    let old = host_prlimit(int(a[0]), a[1], new)?;
    if a[3] != 0 {
        guest_mem::write_val(a[3], &old)?;
    }
    ok(0)
}

pub fn getrlimit(_: &mut Task, a: [u64; 6]) -> SysResult {
    let old = host_prlimit(0, a[0], None)?;
    guest_mem::write_val(a[1], &old)?;
    ok(0)
}

pub fn setrlimit(_: &mut Task, a: [u64; 6]) -> SysResult {
    let new: Rlimit = guest_mem::read_val(a[1])?;
    host_prlimit(0, a[0], Some(new))?;
    ok(0)
}

pub fn getrandom(_: &mut Task, a: [u64; 6]) -> SysResult {
    // GRND_* flags are architecture-independent.
    // SAFETY: the kernel checks the guest buffer.
    check(unsafe { libc::getrandom(ptr(a[0]), a[1] as usize, a[2] as u32) } as i64)
}

/// personality(2)'s base personality for 32-bit Arm programs (include/uapi/linux/personality.h).
const PER_LINUX32: u64 = 0x0008;
/// personality(0xffffffff) only queries.
const PER_QUERY: u64 = 0xffff_ffff;

/// personality(persona): the execution domain flags are the host kernel's to keep
/// (ADDR_NO_RANDOMIZE and the like mean the same); PER_LINUX32 is refused as on an
/// arm64 kernel without 32-bit EL0, which is what emu runs (arch/arm64/kernel/sys.c).
pub fn personality(_: &mut Task, a: [u64; 6]) -> SysResult {
    let persona = a[0] & 0xffff_ffff;
    if persona != PER_QUERY && persona & 0xff == PER_LINUX32 {
        return Err(Errno::EINVAL);
    }
    // SAFETY: personality takes an integer and cannot fail for valid personas.
    check(unsafe { libc::personality(persona as libc::c_ulong) } as i64)
}
