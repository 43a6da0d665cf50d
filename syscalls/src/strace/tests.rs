//! Whole lines: arguments by the table's letters, results and errno names.

use super::*;
use crate::abi::signal as sg;

#[test]
fn openat_with_flags_and_errno() {
    let path = b"/tmp/x\0";
    let args = [
        (-100i64) as u64,
        path.as_ptr() as u64,
        0o2000000,
        0o644,
        0,
        0,
    ];
    let s = format(nr::OPENAT, &args, Outcome::Ret(Errno::ENOENT.to_ret()));
    assert_eq!(
        s,
        r#"openat(AT_FDCWD, "/tmp/x", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)"#
    );
    let args = [3, path.as_ptr() as u64, 0o101 | 0o1000, 0o644, 0, 0];
    let s = format(nr::OPENAT, &args, Outcome::Ret(4));
    assert_eq!(
        s,
        r#"openat(3, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4"#
    );
}

#[test]
fn exits_and_unknown_numbers() {
    let s = format(nr::EXIT_GROUP, &[3, 0, 0, 0, 0, 0], Outcome::ExitGroup(3));
    assert_eq!(s, "exit_group(3) = ?");
    let s = format(
        300,
        &[1, 2, 0, 0, 0, 0],
        Outcome::Ret(Errno::ENOSYS.to_ret()),
    );
    assert_eq!(
        s,
        "syscall_0x12c(0x1, 0x2, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)"
    );
}

#[test]
fn write_and_read_buffers() {
    let data = b"hello\n";
    let s = format(
        nr::WRITE,
        &[1, data.as_ptr() as u64, 6, 0, 0, 0],
        Outcome::Ret(6),
    );
    assert_eq!(s, r#"write(1, "hello\n", 6) = 6"#);
    let buf = *b"abcdef";
    let s = format(
        nr::READ,
        &[3, buf.as_ptr() as u64, 64, 0, 0, 0],
        Outcome::Ret(3),
    );
    assert_eq!(s, r#"read(3, "abc", 64) = 3"#);
    let s = format(
        nr::READ,
        &[9, buf.as_ptr() as u64, 64, 0, 0, 0],
        Outcome::Ret(Errno::EBADF.to_ret()),
    );
    assert_eq!(
        s,
        format!(
            "read(9, {:#x}, 64) = -1 EBADF (Bad file descriptor)",
            buf.as_ptr() as u64
        )
    );
}

#[test]
fn mmap_and_its_pointer_result() {
    let s = format(
        nr::MMAP,
        &[0, 4096, 3, 0x22, u64::MAX, 0],
        Outcome::Ret(0xffff_8000_0000),
    );
    assert_eq!(
        s,
        "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xffff80000000"
    );
}

#[test]
fn signals_and_sigsets() {
    let s = format(
        nr::KILL,
        &[42, sg::SIGUSR1 as u64, 0, 0, 0, 0],
        Outcome::Ret(0),
    );
    assert_eq!(s, "kill(42, SIGUSR1) = 0");
    let set = sg::sig_bit(sg::SIGINT) | sg::sig_bit(sg::SIGTERM);
    let old = 0u64;
    let args = [
        0,
        &set as *const u64 as u64,
        &old as *const u64 as u64,
        8,
        0,
        0,
    ];
    let s = format(nr::RT_SIGPROCMASK, &args, Outcome::Ret(0));
    assert_eq!(s, "rt_sigprocmask(SIG_BLOCK, [INT TERM], [], 8) = 0");
}

#[test]
fn pipe_and_socketpair_fds() {
    let fds: [i32; 2] = [3, 4];
    let p = fds.as_ptr() as u64;
    let s = format(nr::PIPE2, &[p, 0, 0, 0, 0, 0], Outcome::Ret(0));
    assert_eq!(s, "pipe2([3, 4], 0) = 0");
    let s = format(
        nr::SOCKETPAIR,
        &[1, 1 | 0o2000000, 0, p, 0, 0],
        Outcome::Ret(0),
    );
    assert_eq!(
        s,
        "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [3, 4]) = 0"
    );
}

#[test]
fn clock_gettime_timespec() {
    let ts = crate::abi::time::Timespec {
        tv_sec: 1,
        tv_nsec: 5,
    };
    let p = &ts as *const _ as u64;
    let s = format(nr::CLOCK_GETTIME, &[1, p, 0, 0, 0, 0], Outcome::Ret(0));
    assert_eq!(
        s,
        "clock_gettime(CLOCK_MONOTONIC, {tv_sec=1, tv_nsec=5}) = 0"
    );
}
