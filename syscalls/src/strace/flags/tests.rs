use super::*;
use crate::strace::names::*;

#[test]
fn open_flags_use_arm64_values() {
    assert_eq!(open_flags(0), "O_RDONLY");
    assert_eq!(open_flags(0o2000000), "O_RDONLY|O_CLOEXEC");
    assert_eq!(open_flags(0o101 | 0o1000), "O_WRONLY|O_CREAT|O_TRUNC");
    // arm64: O_DIRECTORY 0o40000, O_NOFOLLOW 0o100000, O_LARGEFILE 0o400000.
    assert_eq!(
        open_flags(0o40000 | 0o100000 | 0o400000),
        "O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_LARGEFILE"
    );
    assert_eq!(open_flags(0o4010002), "O_RDWR|O_SYNC");
    assert_eq!(open_flags(0o2 | 0x8000_0000), "O_RDWR|0x80000000");
}

#[test]
fn modes_are_octal() {
    assert_eq!(octal(0), "000");
    assert_eq!(octal(0o22), "022");
    assert_eq!(octal(0o644), "0644");
    assert_eq!(octal(0o4755), "04755");
    assert_eq!(mode(0o100644), "S_IFREG|0644");
    assert_eq!(mode(0o40755), "S_IFDIR|0755");
}

#[test]
fn mmap_names() {
    assert_eq!(prot(0), "PROT_NONE");
    assert_eq!(prot(3), "PROT_READ|PROT_WRITE");
    assert_eq!(map_flags(0x22), "MAP_PRIVATE|MAP_ANONYMOUS");
    assert_eq!(map_flags(0x12), "MAP_PRIVATE|MAP_FIXED");
    assert_eq!(map_flags(0x1), "MAP_SHARED");
}

#[test]
fn signals_and_sets() {
    assert_eq!(signal(10), "SIGUSR1");
    assert_eq!(signal(32), "SIGRTMIN");
    assert_eq!(signal(34), "SIGRT_2");
    assert_eq!(signal(0), "0");
    assert_eq!(sigset(0), "[]");
    assert_eq!(sigset((1 << 1) | (1 << 14)), "[INT TERM]");
    assert_eq!(sigset(!((1 << 8) | (1 << 18))), "~[KILL STOP]");
    assert_eq!(sigprocmask_how(2), "SIG_SETMASK");
    assert_eq!(sa_flags(0x0400_0004), "SA_RESTORER|SA_SIGINFO");
}

#[test]
fn clone_flags_end_with_the_signal() {
    use crate::clone::clone_flags::*;
    let v = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    assert_eq!(
        clone_flags(v),
        "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM"
    );
    assert_eq!(
        clone_flags(CLONE_VM | CLONE_VFORK | 17),
        "CLONE_VM|CLONE_VFORK|SIGCHLD"
    );
    assert_eq!(clone_flags(0), "0");
}

#[test]
fn sockets() {
    assert_eq!(sock_family(2), "AF_INET");
    assert_eq!(sock_family(10), "AF_INET6");
    assert_eq!(sock_type(1), "SOCK_STREAM");
    assert_eq!(
        sock_type(2 | 0o2000000 | 0o4000),
        "SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK"
    );
    assert_eq!(msg_flags(0x40 | 0x4000), "MSG_DONTWAIT|MSG_NOSIGNAL");
}

#[test]
fn commands_and_ids() {
    assert_eq!(fcntl_cmd(1030), "F_DUPFD_CLOEXEC");
    assert_eq!(fcntl_cmd(2), "F_SETFD");
    assert_eq!(futex_op(128), "FUTEX_WAIT_PRIVATE");
    assert_eq!(futex_op(129), "FUTEX_WAKE_PRIVATE");
    assert_eq!(
        futex_op(9 | 128 | 256),
        "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"
    );
    assert_eq!(ioctl_request(0x5401), "TCGETS");
    assert_eq!(ioctl_request(0x8905), "SIOCATMARK");
    assert_eq!(ioctl_request(0x1234), "0x1234");
    assert_eq!(clock_id(1), "CLOCK_MONOTONIC");
    assert_eq!(wait_options(1 | 0x4000_0000), "WNOHANG|__WALL");
    assert_eq!(rlimit_resource(3), "RLIMIT_STACK");
    assert_eq!(dirfd((-100i64) as u64), "AT_FDCWD");
    assert_eq!(at_flags(0x100), "AT_SYMLINK_NOFOLLOW");
    assert_eq!(epoll_events(0x1 | 0x4, "EPOLL"), "EPOLLIN|EPOLLOUT");
    assert_eq!(epoll_ctl_op(1), "EPOLL_CTL_ADD");
}

#[test]
fn protocols_and_family_flags() {
    assert_eq!(sock_protocol(2, 0), "IPPROTO_IP");
    assert_eq!(sock_protocol(10, 6), "IPPROTO_TCP");
    assert_eq!(sock_protocol(16, 0), "NETLINK_ROUTE");
    assert_eq!(sock_protocol(1, 0), "0");
    assert_eq!(cloexec_flags(0o2000000, "EPOLL"), "EPOLL_CLOEXEC");
    assert_eq!(
        cloexec_flags(0o4000 | 1, "EFD"),
        "EFD_NONBLOCK|EFD_SEMAPHORE"
    );
    assert_eq!(sockopt_name(6, 1), "TCP_NODELAY");
    assert_eq!(sockopt_name(1, 2), "SO_REUSEADDR");
}

#[test]
fn unknown_bits_name_their_family() {
    assert_eq!(sock_flags(0x4000), "0x4000 /* SOCK_??? */");
    assert_eq!(sock_type(1 | 0x4000), "SOCK_STREAM|0x4000 /* SOCK_??? */");
    assert_eq!(open_flags(0x8000_0000), "O_RDONLY|0x80000000");
}
