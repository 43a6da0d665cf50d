//! Socket syscalls through `Task::dispatch`, in guest (arm64) terms: guest flag values,
//! guest msghdr/cmsghdr/mmsghdr offsets built and read as bytes, -errno results, and
//! EFAULT (never a crash) for every bad guest pointer.

use emu_syscalls::{nr, Outcome, ProcessInit, Task};

const EFAULT: i64 = -14;
const EINVAL: i64 = -22;
/// Unmapped guest address.
const BAD: u64 = 0x10;
/// arm64 values (asm-generic).
const AF_UNIX: u64 = 1;
const SOCK_STREAM: u64 = 1;
const SOCK_DGRAM: u64 = 2;
const SOCK_NONBLOCK: u64 = 0o4000;
const SOCK_CLOEXEC: u64 = 0o2000000;
const SOL_SOCKET: i32 = 1;
const SCM_RIGHTS: i32 = 1;
const SO_LINGER: u64 = 13;
const SO_RCVTIMEO: u64 = 20;
const MSG_DONTWAIT: u64 = 0x40;

fn task() -> Task {
    Task::new(ProcessInit::default())
}

fn call(p: &mut Task, nr: u64, a: &[u64]) -> i64 {
    let mut args = [0u64; 6];
    args[..a.len()].copy_from_slice(a);
    match p.dispatch(nr, args) {
        Outcome::Ret(v) => v as i64,
        other => panic!("unexpected {other:?}"),
    }
}

/// The guest address of a value the call only reads.
fn addr<T>(v: &T) -> u64 {
    v as *const T as u64
}

/// The guest address of a value the call writes.
fn out<T>(v: &mut T) -> u64 {
    v as *mut T as u64
}

/// A connected pair of guest sockets.
fn pair(p: &mut Task, ty: u64) -> [i32; 2] {
    let mut sv = [-1i32; 2];
    assert_eq!(call(p, nr::SOCKETPAIR, &[AF_UNIX, ty, 0, out(&mut sv)]), 0);
    sv
}

fn put_u64(b: &mut [u8], off: usize, v: u64) {
    b[off..off + 8].copy_from_slice(&v.to_ne_bytes());
}
fn put_i32(b: &mut [u8], off: usize, v: i32) {
    b[off..off + 4].copy_from_slice(&v.to_ne_bytes());
}
fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_ne_bytes(b[off..off + 8].try_into().unwrap())
}
fn i32_at(b: &[u8], off: usize) -> i32 {
    i32::from_ne_bytes(b[off..off + 4].try_into().unwrap())
}

/// An arm64 `struct msghdr` (56 bytes) as bytes.
fn msghdr(iov: u64, iovlen: u64, control: u64, controllen: u64) -> [u8; 56] {
    let mut m = [0u8; 56];
    put_u64(&mut m, 16, iov);
    put_u64(&mut m, 24, iovlen);
    put_u64(&mut m, 32, control);
    put_u64(&mut m, 40, controllen);
    m
}

#[test]
fn socket_flags_are_translated() {
    let mut p = task();
    let fd = call(
        &mut p,
        nr::SOCKET,
        &[AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0],
    );
    assert!(fd >= 0);
    // SAFETY: fcntl on the fd just created.
    let (fdfl, fl) = unsafe {
        (
            libc::fcntl(fd as i32, libc::F_GETFD),
            libc::fcntl(fd as i32, libc::F_GETFL),
        )
    };
    assert_eq!(fdfl & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
    assert_eq!(fl & libc::O_NONBLOCK, libc::O_NONBLOCK);
    call(&mut p, nr::CLOSE, &[fd as u64]);
    // arm64's O_DIRECTORY bit is no socket flag.
    assert_eq!(
        call(&mut p, nr::SOCKET, &[AF_UNIX, SOCK_STREAM | 0o40000, 0]),
        EINVAL
    );
    let sv = [0i32; 2];
    assert_eq!(call(&mut p, nr::ACCEPT4, &[0, 0, 0, 0o40000]), EINVAL);
    assert_eq!(
        call(
            &mut p,
            nr::SOCKETPAIR,
            &[AF_UNIX, SOCK_STREAM | 0o200000, 0, addr(&sv)]
        ),
        EINVAL
    );
}

#[test]
fn scm_rights_in_guest_layout() {
    let mut p = task();
    let sv = pair(&mut p, SOCK_DGRAM);
    let (tx, rx) = (sv[0] as u64, sv[1] as u64);
    // One SCM_RIGHTS message with two fds: cmsg_len 24 at 0, level at 8, type at 12.
    let mut control = [0u8; 24];
    put_u64(&mut control, 0, 24);
    put_i32(&mut control, 8, SOL_SOCKET);
    put_i32(&mut control, 12, SCM_RIGHTS);
    put_i32(&mut control, 16, 0);
    put_i32(&mut control, 20, 1);
    let data = *b"fds";
    let iov = [addr(&data), 3u64];
    let m = msghdr(addr(&iov), 1, addr(&control), 24);
    assert_eq!(call(&mut p, nr::SENDMSG, &[tx, addr(&m), 0]), 3);

    let mut buf = [0u8; 8];
    let riov = [out(&mut buf), 8u64];
    let mut rcontrol = [0xa5u8; 64];
    let mut rm = msghdr(addr(&riov), 1, out(&mut rcontrol), 64);
    assert_eq!(call(&mut p, nr::RECVMSG, &[rx, out(&mut rm), 0]), 3);
    assert_eq!(&buf[..3], b"fds");
    assert_eq!(u64_at(&rm, 40), 24, "msg_controllen");
    assert_eq!(i32_at(&rm, 48), 0, "msg_flags");
    assert_eq!(u64_at(&rcontrol, 0), 24);
    assert_eq!(
        (i32_at(&rcontrol, 8), i32_at(&rcontrol, 12)),
        (SOL_SOCKET, SCM_RIGHTS)
    );
    let (a, b) = (i32_at(&rcontrol, 16), i32_at(&rcontrol, 20));
    assert!(a > 2 && b > 2 && a != b);
    assert_eq!(rcontrol[24], 0xa5, "nothing written past msg_controllen");
    for fd in [a, b, sv[0], sv[1]] {
        call(&mut p, nr::CLOSE, &[fd as u64]);
    }
}

/// setsockopt(fd, SOL_SOCKET, name, value, len).
fn setopt<T>(p: &mut Task, fd: u64, name: u64, value: &T, len: u64) -> i64 {
    call(p, nr::SETSOCKOPT, &[fd, 1, name, addr(value), len])
}

/// getsockopt(fd, SOL_SOCKET, name, ...) into `value` with length `len`: the result,
/// the value and the length written back.
fn getopt<T>(p: &mut Task, fd: u64, name: u64, mut value: T, mut len: u32) -> (i64, T, u32) {
    let r = call(
        p,
        nr::GETSOCKOPT,
        &[fd, 1, name, out(&mut value), out(&mut len)],
    );
    (r, value, len)
}

#[test]
fn struct_options_in_guest_layout() {
    let mut p = task();
    let sv = pair(&mut p, SOCK_STREAM);
    let fd = sv[0] as u64;
    // struct timeval {1, 500000} (whole jiffies at any HZ): tv_sec at 0, tv_usec at 8.
    let tv = [1i64, 500_000];
    assert_eq!(setopt(&mut p, fd, SO_RCVTIMEO, &tv, 16), 0);
    assert_eq!(
        getopt(&mut p, fd, SO_RCVTIMEO, [0i64; 2], 16),
        (0, [1, 500_000], 16)
    );
    assert_eq!(setopt(&mut p, fd, SO_RCVTIMEO, &tv, 8), EINVAL);
    // struct linger {1, 9}, read back with a 4-byte length: only l_onoff is written.
    assert_eq!(setopt(&mut p, fd, SO_LINGER, &[1i32, 9], 8), 0);
    assert_eq!(
        getopt(&mut p, fd, SO_LINGER, [0i32, -1], 4),
        (0, [1, -1], 4)
    );
    call(&mut p, nr::CLOSE, &[sv[0] as u64]);
    call(&mut p, nr::CLOSE, &[sv[1] as u64]);
}

#[test]
fn bad_pointers_are_efault() {
    let mut p = task();
    let sv = pair(&mut p, SOCK_DGRAM);
    let (tx, rx) = (sv[0] as u64, sv[1] as u64);
    let byte = [0u8; 1];
    let iov = [addr(&byte), 1u64];
    let good = msghdr(addr(&iov), 1, 0, 0);
    let bad_iov = msghdr(BAD, 1, 0, 0);
    let bad_control = msghdr(addr(&iov), 1, BAD, 32);
    let mut len = 16u32;
    let (bi, bc, ok, l) = (
        addr(&bad_iov),
        addr(&bad_control),
        addr(&good),
        out(&mut len),
    );
    let (b, dw) = (addr(&byte), MSG_DONTWAIT);
    // (name, syscall, arguments, whether a datagram must be queued first)
    let cases: &[(&str, u64, &[u64], bool)] = &[
        (
            "socketpair",
            nr::SOCKETPAIR,
            &[AF_UNIX, SOCK_STREAM, 0, BAD],
            false,
        ),
        ("bind", nr::BIND, &[tx, BAD, 16], false),
        ("connect", nr::CONNECT, &[tx, BAD, 16], false),
        ("getsockname", nr::GETSOCKNAME, &[tx, BAD, l], false),
        ("getsockname len", nr::GETSOCKNAME, &[tx, b, BAD], false),
        ("getpeername", nr::GETPEERNAME, &[tx, b, BAD], false),
        ("sendto", nr::SENDTO, &[tx, BAD, 1], false),
        ("recvfrom", nr::RECVFROM, &[rx, BAD, 1, dw], true),
        ("sendmsg", nr::SENDMSG, &[tx, BAD, 0], false),
        ("sendmsg iov", nr::SENDMSG, &[tx, bi, 0], false),
        ("sendmsg control", nr::SENDMSG, &[tx, bc, 0], false),
        ("recvmsg", nr::RECVMSG, &[rx, BAD, dw], false),
        ("recvmsg iov", nr::RECVMSG, &[rx, bi, dw], true),
        ("sendmmsg", nr::SENDMMSG, &[tx, BAD, 1, 0], false),
        ("recvmmsg", nr::RECVMMSG, &[rx, BAD, 1, dw], false),
        (
            "recvmmsg timeout",
            nr::RECVMMSG,
            &[rx, ok, 1, dw, BAD],
            false,
        ),
        ("setsockopt int", nr::SETSOCKOPT, &[tx, 1, 7, BAD, 4], false),
        (
            "setsockopt timeval",
            nr::SETSOCKOPT,
            &[tx, 1, SO_RCVTIMEO, BAD, 16],
            false,
        ),
        ("getsockopt int", nr::GETSOCKOPT, &[tx, 1, 7, BAD, l], false),
        (
            "getsockopt timeval",
            nr::GETSOCKOPT,
            &[tx, 1, SO_RCVTIMEO, BAD, l],
            false,
        ),
        (
            "getsockopt len",
            nr::GETSOCKOPT,
            &[tx, 1, SO_LINGER, ok, BAD],
            false,
        ),
    ];
    for &(what, nr, a, needs_data) in cases {
        if needs_data {
            assert_eq!(call(&mut p, nr::SENDTO, &[tx, b, 1, 0, 0, 0]), 1);
        }
        assert_eq!(call(&mut p, nr, a), EFAULT, "{what}");
    }
    call(&mut p, nr::CLOSE, &[tx]);
    call(&mut p, nr::CLOSE, &[rx]);
}

/// recvmmsg with control buffers adding up to more than the layer holds at once
/// (4 MiB): fewer messages than asked, the rest stay queued.
#[test]
fn mmsg_control_budget_cuts_the_vector_short() {
    let mut p = task();
    let sv = pair(&mut p, SOCK_DGRAM);
    let (tx, rx) = (sv[0] as u64, sv[1] as u64);
    let byte = [7u8; 1];
    for _ in 0..8 {
        assert_eq!(call(&mut p, nr::SENDTO, &[tx, addr(&byte), 1, 0, 0, 0]), 1);
    }
    let mut control = vec![0u8; 1 << 20];
    let mut buf = [0u8; 8];
    let iov = [out(&mut buf), 8u64];
    let mut vec = vec![0u8; 64 * 8];
    for e in vec.chunks_mut(64) {
        e[..56].copy_from_slice(&msghdr(addr(&iov), 1, out(&mut control[0]), 1 << 20));
    }
    let r = call(
        &mut p,
        nr::RECVMMSG,
        &[rx, out(&mut vec[0]), 8, MSG_DONTWAIT, 0],
    );
    assert_eq!(r, 4);
    let r = call(
        &mut p,
        nr::RECVMMSG,
        &[rx, out(&mut vec[0]), 8, MSG_DONTWAIT, 0],
    );
    assert_eq!(r, 4);
    call(&mut p, nr::CLOSE, &[tx]);
    call(&mut p, nr::CLOSE, &[rx]);
}
