//! Threads and processes: exit, ids, tid address, robust list, rseq, futex, scheduling,
//! wait4, prctl.

use crate::abi::errno::Errno;
use crate::guest_mem;
use crate::host::{check, int, ok};
use crate::thread::Task;
use crate::{Outcome, SysResult};

/// Size of the 64-bit `struct robust_list_head` the guest must pass.
const ROBUST_LIST_HEAD_SIZE: u64 = 24;
/// prctl options passed through (include/uapi/linux/prctl.h).
/// seccomp through prctl (see `denied::seccomp`).
/// futex wake op (architecture-independent).
const FUTEX_WAKE: i32 = 1;

/// Does what the kernel does for CLONE_CHILD_CLEARTID on thread exit: zero the tid word
/// and wake one waiter.
fn clear_child_tid(p: &mut Task) {
    let addr = std::mem::take(&mut p.clear_child_tid);
    if addr != 0 && guest_mem::write_val(addr, &0u32).is_ok() {
        // SAFETY: futex wake on a guest word just written; the kernel checks the address.
        unsafe {
            crate::host::raw(
                crate::host::nr::SYS_futex,
                [addr as u64, FUTEX_WAKE as u64, 1, 0, 0, 0],
            )
        };
    }
}

pub fn exit(p: &mut Task, a: [u64; 6]) -> SysResult {
    clear_child_tid(p);
    Ok(Outcome::Exit(int(a[0])))
}

pub fn exit_group(p: &mut Task, a: [u64; 6]) -> SysResult {
    clear_child_tid(p);
    Ok(Outcome::ExitGroup(int(a[0])))
}

fn host_tid() -> u64 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() as u64 }
}

pub fn set_tid_address(p: &mut Task, a: [u64; 6]) -> SysResult {
    p.clear_child_tid = a[0];
    ok(host_tid())
}

pub fn set_robust_list(_: &mut Task, a: [u64; 6]) -> SysResult {
    if a[1] != ROBUST_LIST_HEAD_SIZE {
        return Err(Errno::EINVAL);
    }
    // struct robust_list_head has the same layout on both ABIs and guest addresses
    // are host addresses, so the host kernel walks the guest's list when the thread
    // exits, as the arm64 kernel would.
    // SAFETY: the kernel only records the pointer.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_set_robust_list,
            [a[0], a[1], 0, 0, 0, 0],
        )
    })
}

/// rseq is refused so that glibc falls back to not using it. A registered rseq area makes
/// the host kernel abort critical sections by jumping to an abort IP on preemption; the
/// guest's abort IPs are guest code addresses that only the translator can run, so the
/// host kernel must never see them.
pub fn rseq(_: &mut Task, _: [u64; 6]) -> SysResult {
    Err(Errno::ENOSYS)
}

pub fn futex(p: &mut Task, a: [u64; 6]) -> SysResult {
    // futex ops and the timeout timespec are architecture-independent and guest addresses
    // are host addresses, so the call passes through unchanged; the kernel validates
    // every pointer.
    p.blocking(crate::host::nr::SYS_futex, a)
}

pub fn getpid(_: &mut Task, _: [u64; 6]) -> SysResult {
    // SAFETY: no preconditions.
    ok(unsafe { libc::getpid() } as u64)
}

pub fn getppid(_: &mut Task, _: [u64; 6]) -> SysResult {
    // SAFETY: no preconditions.
    ok(unsafe { libc::getppid() } as u64)
}

pub fn gettid(_: &mut Task, _: [u64; 6]) -> SysResult {
    ok(host_tid())
}

pub fn getuid(_: &mut Task, _: [u64; 6]) -> SysResult {
    // SAFETY: no preconditions.
    ok(unsafe { libc::getuid() } as u64)
}

pub fn geteuid(_: &mut Task, _: [u64; 6]) -> SysResult {
    // SAFETY: no preconditions.
    ok(unsafe { libc::geteuid() } as u64)
}

pub fn getgid(_: &mut Task, _: [u64; 6]) -> SysResult {
    // SAFETY: no preconditions.
    ok(unsafe { libc::getgid() } as u64)
}

pub fn getegid(_: &mut Task, _: [u64; 6]) -> SysResult {
    // SAFETY: no preconditions.
    ok(unsafe { libc::getegid() } as u64)
}

pub fn sched_getaffinity(_: &mut Task, a: [u64; 6]) -> SysResult {
    // The CPU mask is a plain bit array; the raw syscall returns the bytes written.
    // SAFETY: the kernel checks the guest buffer.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_sched_getaffinity,
            [int(a[0]) as u64, a[1], a[2], 0, 0, 0],
        )
    })
}

pub fn sched_yield(_: &mut Task, _: [u64; 6]) -> SysResult {
    // SAFETY: no preconditions.
    check(unsafe { libc::sched_yield() } as i64)
}

pub fn wait4(p: &mut Task, a: [u64; 6]) -> SysResult {
    // Status word and struct rusage have the same layout (abi::time::Rusage); W* options
    // are the same on both; the kernel checks the guest pointers.
    p.blocking(crate::host::nr::SYS_wait4, a)
}

pub fn get_robust_list(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: the kernel checks the guest pointers.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_get_robust_list,
            [int(a[0]) as u64, a[1], a[2], 0, 0, 0],
        )
    })
}

pub fn waitid(_: &mut Task, a: [u64; 6]) -> SysResult {
    // idtype, options and the siginfo and rusage layouts are the same on both ABIs.
    // SAFETY: the kernel checks the guest pointers.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_waitid,
            [
                int(a[0]) as u64,
                int(a[1]) as u64,
                a[2],
                int(a[3]) as u64,
                a[4],
                0,
            ],
        )
    })
}
