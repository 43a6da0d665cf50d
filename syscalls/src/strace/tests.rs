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

#[test]
fn socklen_in_and_out() {
    let mut addr = [0u8; 16];
    addr[..2].copy_from_slice(&1u16.to_ne_bytes());
    addr[2..7].copy_from_slice(b"/s\0\0\0");
    let mut len: u32 = 128;
    let args = [
        3,
        addr.as_ptr() as u64,
        &mut len as *mut u32 as u64,
        0,
        0,
        0,
    ];
    let call = enter(nr::ACCEPT, &args, 0);
    len = 5;
    let s = call.finish(Outcome::Ret(4));
    assert_eq!(len, 5);
    assert_eq!(
        s,
        r#"accept(3, {sa_family=AF_UNIX, sun_path="/s"}, [128 => 5]) = 4"#
    );
    // A failed call leaves the length as it was: strace shows the value passed.
    let call = enter(nr::GETPEERNAME, &args, 0);
    let s = call.finish(Outcome::Ret(Errno::ENOTCONN.to_ret()));
    assert_eq!(
        s,
        format!(
            "getpeername(3, {:#x}, [5]) = -1 ENOTCONN (Transport endpoint is not connected)",
            addr.as_ptr() as u64
        )
    );
}

#[test]
fn fcntl_and_futex_follow_their_command() {
    let s = format(nr::FCNTL, &[3, 3, 0, 0, 0, 0], Outcome::Ret(0o2));
    assert_eq!(s, "fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)");
    let s = format(nr::FUTEX, &[0x1000, 129, 1, 0, 0, 0], Outcome::Ret(0));
    assert_eq!(s, "futex(0x1000, FUTEX_WAKE_PRIVATE, 1) = 0");
}

#[test]
fn ppoll_shows_what_is_ready() {
    // struct pollfd {int fd; short events; short revents;}
    let fds: [u64; 2] = [3 | (1 << 32) | (1 << 48), 4 | (1 << 32)];
    let s = format(
        nr::PPOLL,
        &[fds.as_ptr() as u64, 2, 0, 0, 8, 0],
        Outcome::Ret(1),
    );
    assert_eq!(
        s,
        "ppoll([{fd=3, events=POLLIN}, {fd=4, events=POLLIN}], 2, NULL, NULL, 8) = 1 ([{fd=3, revents=POLLIN}])"
    );
}

#[test]
fn interrupted_calls_show_the_kernel_restart_code() {
    let mut call = enter(nr::READ, &[0, 0x1000, 64, 0, 0, 0], 0);
    call.set_interrupted(true);
    assert_eq!(
        call.finish(Outcome::Ret(Errno::EINTR.to_ret())),
        "read(0, 0x1000, 64) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)"
    );
    let mut call = enter(nr::NANOSLEEP, &[0, 0, 0, 0, 0, 0], 0);
    call.set_interrupted(true);
    assert_eq!(
        call.finish(Outcome::Ret(Errno::EINTR.to_ret())),
        "nanosleep(NULL, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)"
    );
    let call = enter(nr::READ, &[0, 0x1000, 64, 0, 0, 0], 0);
    assert_eq!(
        call.finish(Outcome::Ret(Errno::EINTR.to_ret())),
        "read(0, 0x1000, 64) = -1 EINTR (Interrupted system call)"
    );
}

#[test]
fn ioctl_arguments_by_request() {
    let ws: [u16; 4] = [24, 80, 0, 0];
    let s = format(
        nr::IOCTL,
        &[4, 0x5414, ws.as_ptr() as u64, 0, 0, 0],
        Outcome::Ret(0),
    );
    assert_eq!(
        s,
        "ioctl(4, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0"
    );
    let n: i32 = 3;
    let p = &n as *const i32 as u64;
    let s = format(nr::IOCTL, &[3, 0x8004_5430, p, 0, 0, 0], Outcome::Ret(0));
    assert_eq!(s, "ioctl(3, TIOCGPTN, [3]) = 0");
    let s = format(nr::IOCTL, &[3, 0x5451, 0, 0, 0, 0], Outcome::Ret(0));
    assert_eq!(s, "ioctl(3, FIOCLEX) = 0");
}

#[test]
fn timers_access_modes_and_mremap() {
    let it: [i64; 4] = [0, 0, 10, 0];
    let p = it.as_ptr() as u64;
    let s = format(nr::SETITIMER, &[0, p, 0, 0, 0, 0], Outcome::Ret(0));
    assert_eq!(
        s,
        "setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=10, tv_usec=0}}, NULL) = 0"
    );
    let path = b"/x\0";
    let args = [(-100i64) as u64, path.as_ptr() as u64, 6, 0, 0, 0];
    let s = format(nr::FACCESSAT, &args, Outcome::Ret(0));
    assert_eq!(s, r#"faccessat(AT_FDCWD, "/x", R_OK|W_OK) = 0"#);
    let s = format(
        nr::MREMAP,
        &[0x1000, 4096, 8192, 1, 0, 0],
        Outcome::Ret(0x2000),
    );
    assert_eq!(s, "mremap(0x1000, 4096, 8192, MREMAP_MAYMOVE) = 0x2000");
    let s = format(
        nr::MREMAP,
        &[0x1000, 4096, 8192, 3, 0x5000, 0],
        Outcome::Ret(0x5000),
    );
    assert_eq!(
        s,
        "mremap(0x1000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x5000) = 0x5000"
    );
}

#[test]
fn queued_signal_info() {
    let mut i = Siginfo {
        signo: sg::SIGUSR2 as i32,
        code: -1,
        ..Siginfo::default()
    };
    i.fields[0] = 42;
    i.fields[1] = 7;
    let s = format(
        nr::RT_SIGQUEUEINFO,
        &[42, sg::SIGUSR2 as u64, &i as *const _ as u64, 0, 0, 0],
        Outcome::Ret(0),
    );
    assert_eq!(
        s,
        "rt_sigqueueinfo(42, SIGUSR2, {si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=42, si_uid=0, si_int=7, si_ptr=0x7}) = 0"
    );
}
