//! Every arm64 syscall has an answer: the table has no gaps,
//! and the deliberate answers (emu's own, not the host's) are the errnos their docs
//! name, whatever privileges the test runs with.

use emu_syscalls::table::TABLE;
mod common;

use common::{call, EFAULT, EINTR, EINVAL, ENOSYS, EPERM};
use emu_syscalls::{nr, ProcessInit, Task};

const ESRCH: i64 = -3;
const ENOSPC: i64 = -28;
const EOPNOTSUPP: i64 = -95;
/// Unmapped guest address.
const BAD: u64 = 0x10;

#[test]
fn no_row_is_left_unanswered() {
    let missing: Vec<_> = TABLE
        .iter()
        .filter(|e| e.handler.is_none())
        .map(|e| e.name)
        .collect();
    assert!(missing.is_empty(), "rows without a handler: {missing:?}");
}

#[test]
fn machine_administration_is_eperm_after_argument_checks() {
    let mut p = Task::new(ProcessInit::default());
    // reboot: EPERM before the magic check, even with bad magic.
    assert_eq!(call(&mut p, nr::REBOOT, &[1, 2, 3, 0]), EPERM);
    assert_eq!(call(&mut p, nr::KEXEC_LOAD, &[0, 0, 0, 0]), EPERM);
    assert_eq!(call(&mut p, nr::KEXEC_FILE_LOAD, &[0, 0, 0, 0, 0]), EPERM);
    assert_eq!(call(&mut p, nr::INIT_MODULE, &[0, 0, 0]), EPERM);
    assert_eq!(call(&mut p, nr::FINIT_MODULE, &[0, 0, 0]), EPERM);
    assert_eq!(call(&mut p, nr::DELETE_MODULE, &[0, 0]), EPERM);
    assert_eq!(call(&mut p, nr::SWAPOFF, &[0]), EPERM);
    assert_eq!(call(&mut p, nr::ACCT, &[0]), EPERM);
    // swapon: unknown flags first.
    assert_eq!(call(&mut p, nr::SWAPON, &[0, 1 << 20]), EINVAL);
    assert_eq!(call(&mut p, nr::SWAPON, &[0, 0]), EPERM);
}

#[test]
fn setting_the_clock_is_refused_reading_it_is_not() {
    let mut p = Task::new(ProcessInit::default());
    let good = [1_700_000_000i64, 5];
    let bad_usec = [1_700_000_000i64, 1_000_001];
    let tv = |v: &[i64; 2]| v.as_ptr() as u64;
    assert_eq!(call(&mut p, nr::SETTIMEOFDAY, &[tv(&good), 0]), EPERM);
    assert_eq!(call(&mut p, nr::SETTIMEOFDAY, &[tv(&bad_usec), 0]), EINVAL);
    assert_eq!(call(&mut p, nr::SETTIMEOFDAY, &[BAD, 0]), EFAULT);
    assert_eq!(call(&mut p, nr::SETTIMEOFDAY, &[0, 0]), EPERM);
    assert_eq!(call(&mut p, nr::CLOCK_SETTIME, &[0, tv(&good)]), EPERM);
    assert_eq!(call(&mut p, nr::CLOCK_SETTIME, &[1, tv(&good)]), EINVAL); // MONOTONIC
    let neg = [-1i64, 0];
    assert_eq!(call(&mut p, nr::CLOCK_SETTIME, &[0, tv(&neg)]), EINVAL);
    // adjtimex: a read returns the clock state (TIME_OK..TIME_ERROR), a change EPERM.
    let mut timex = [0u64; 26];
    let state = call(&mut p, nr::ADJTIMEX, &[timex.as_mut_ptr() as u64]);
    assert!((0..=5).contains(&state), "{state}");
    assert!(timex[3] > 0 || timex[2] != 0 || timex[1] != 0 || timex[6] != 0); // filled
    timex[0] = 0x0002; // ADJ_FREQUENCY
    assert_eq!(
        call(&mut p, nr::ADJTIMEX, &[timex.as_mut_ptr() as u64]),
        EPERM
    );
    assert_eq!(
        call(&mut p, nr::CLOCK_ADJTIME, &[0, timex.as_mut_ptr() as u64]),
        EPERM
    );
    timex[0] = 0;
    let r = call(&mut p, nr::CLOCK_ADJTIME, &[0, timex.as_mut_ptr() as u64]);
    assert!((0..=5).contains(&r), "{r}");
    assert_eq!(call(&mut p, nr::ADJTIMEX, &[BAD]), EFAULT);
}

#[test]
fn unavailable_facilities() {
    let mut p = Task::new(ProcessInit::default());
    assert_eq!(
        call(&mut p, nr::PERF_EVENT_OPEN, &[0, 0, u64::MAX, u64::MAX, 0]),
        ENOSYS
    );
    assert_eq!(call(&mut p, nr::IO_URING_SETUP, &[8, 0]), ENOSYS);
    assert_eq!(
        call(&mut p, nr::IO_URING_ENTER, &[0, 0, 0, 0, 0, 0]),
        ENOSYS
    );
    assert_eq!(call(&mut p, nr::IO_URING_REGISTER, &[0, 0, 0, 0]), ENOSYS);
    assert_eq!(call(&mut p, nr::BPF, &[0, 0, 0]), EPERM);
    assert_eq!(call(&mut p, nr::NFSSERVCTL, &[0, 0, 0]), ENOSYS);
    assert_eq!(call(&mut p, nr::LOOKUP_DCOOKIE, &[0, 0, 0]), ENOSYS);
    assert_eq!(
        call(&mut p, nr::MAP_SHADOW_STACK, &[0, 4096, 0]),
        EOPNOTSUPP
    );
    assert_eq!(call(&mut p, nr::RESTART_SYSCALL, &[]), EINTR);
}

#[test]
fn ptrace_as_under_yama_no_attach() {
    let mut p = Task::new(ProcessInit::default());
    assert_eq!(call(&mut p, nr::PTRACE, &[0, 0, 0, 0]), EPERM); // TRACEME
    let parent = std::os::unix::process::parent_id() as u64;
    assert_eq!(call(&mut p, nr::PTRACE, &[16, parent, 0, 0]), EPERM); // ATTACH
    assert_eq!(call(&mut p, nr::PTRACE, &[0x4206, parent, 0, 0]), EPERM); // SEIZE
    assert_eq!(call(&mut p, nr::PTRACE, &[16, 0x3fff_fff0, 0, 0]), ESRCH);
    assert_eq!(call(&mut p, nr::PTRACE, &[2, parent, 0, 0]), ESRCH); // PEEKDATA
}

#[test]
fn seccomp_filters_refused_queries_answered() {
    let mut p = Task::new(ProcessInit::default());
    // A (null) filter program: refused before it is read.
    assert_eq!(call(&mut p, nr::SECCOMP, &[1, 0, 0]), EINVAL);
    let allow: u32 = 0x7fff_0000; // SECCOMP_RET_ALLOW
    let a = &allow as *const u32 as u64;
    assert_eq!(call(&mut p, nr::SECCOMP, &[2, 0, a]), 0);
    assert_eq!(call(&mut p, nr::SECCOMP, &[2, 1, a]), EINVAL);
    let mut sizes = [0u16; 3];
    assert_eq!(
        call(&mut p, nr::SECCOMP, &[3, 0, sizes.as_mut_ptr() as u64]),
        0
    );
    assert_eq!(sizes, [80, 24, 64]); // seccomp_notif, _resp, seccomp_data
                                     // Strict mode with arguments is EINVAL (entering it would end this test).
    assert_eq!(call(&mut p, nr::SECCOMP, &[0, 0, 1]), EINVAL);
    assert_eq!(call(&mut p, nr::SECCOMP, &[9, 0, 0]), EINVAL);
}

#[test]
fn protection_keys_as_arm64_without_poe() {
    let mut p = Task::new(ProcessInit::default());
    assert_eq!(call(&mut p, nr::PKEY_ALLOC, &[0, 0]), ENOSPC);
    assert_eq!(call(&mut p, nr::PKEY_ALLOC, &[0, 0xf]), ENOSPC);
    assert_eq!(call(&mut p, nr::PKEY_ALLOC, &[0, 0x10]), EINVAL);
    assert_eq!(call(&mut p, nr::PKEY_ALLOC, &[1, 0]), EINVAL);
    assert_eq!(call(&mut p, nr::PKEY_FREE, &[1]), EINVAL);
    let page = call(&mut p, nr::MMAP, &[0, 4096, 3, 0x22, u64::MAX, 0]) as u64;
    assert_eq!(call(&mut p, nr::PKEY_MPROTECT, &[page, 4096, 1, 0]), 0);
    assert_eq!(
        call(&mut p, nr::PKEY_MPROTECT, &[page, 4096, 3, u64::MAX]),
        0
    );
    assert_eq!(call(&mut p, nr::PKEY_MPROTECT, &[page, 4096, 3, 1]), EINVAL);
    assert_eq!(
        call(&mut p, nr::PKEY_MPROTECT, &[page + 1, 4096, 3, 1]),
        EINVAL
    );
    assert_eq!(call(&mut p, nr::PKEY_MPROTECT, &[page, 0, 3, 1]), 0);
    // Key 0 is reserved for every address space and can be freed once.
    assert_eq!(call(&mut p, nr::PKEY_FREE, &[0]), 0);
    assert_eq!(call(&mut p, nr::PKEY_FREE, &[0]), EINVAL);
    assert_eq!(call(&mut p, nr::PKEY_MPROTECT, &[page, 4096, 3, 0]), EINVAL);
    assert_eq!(call(&mut p, nr::MUNMAP, &[page, 4096]), 0);
}
