use super::*;

fn addr<T>(v: &T) -> u64 {
    v as *const T as u64
}

#[test]
fn stat_regular_file_and_device() {
    let s = Stat {
        st_mode: 0o100644,
        st_size: 123,
        ..Stat::default()
    };
    assert_eq!(stat(addr(&s)), "{st_mode=S_IFREG|0644, st_size=123, ...}");
    let s = Stat {
        st_mode: 0o20620,
        st_rdev: (136 << 8) | 3,
        ..Stat::default()
    };
    assert_eq!(
        stat(addr(&s)),
        "{st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x3), ...}"
    );
    assert_eq!(stat(0), "NULL");
}

#[test]
fn statx_brief() {
    let s = Statx {
        stx_mask: 0x7ff,
        stx_mode: 0o40755,
        stx_size: 4096,
        ..Statx::default()
    };
    assert_eq!(
        statx(addr(&s)),
        "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFDIR|0755, stx_size=4096, ...}"
    );
}

#[test]
fn timespec_rlimit_utsname() {
    let t = Timespec {
        tv_sec: 1,
        tv_nsec: 0,
    };
    assert_eq!(timespec(addr(&t)), "{tv_sec=1, tv_nsec=0}");
    let r = Rlimit {
        rlim_cur: 8 << 20,
        rlim_max: u64::MAX,
    };
    assert_eq!(
        rlimit(addr(&r)),
        "{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}"
    );
    let mut u = Utsname::default();
    u.sysname[..5].copy_from_slice(b"Linux");
    u.nodename[..1].copy_from_slice(b"h");
    assert_eq!(utsname(addr(&u)), r#"{sysname="Linux", nodename="h", ...}"#);
}

#[test]
fn arrays() {
    let e = [EpollEvent {
        events: 1,
        _pad: 0,
        data: 5,
    }];
    assert_eq!(
        epoll_events_out(e.as_ptr() as u64, 1),
        "[{events=EPOLLIN, data={u32=5, u64=5}}]"
    );
    let p = [Pollfd {
        fd: 3,
        events: 1,
        revents: 0,
    }];
    assert_eq!(pollfds(p.as_ptr() as u64, 1), "[{fd=3, events=POLLIN}]");
    let (a, b) = (b"hello", b"world");
    let v = [
        Iovec {
            iov_base: a.as_ptr() as u64,
            iov_len: 5,
        },
        Iovec {
            iov_base: b.as_ptr() as u64,
            iov_len: 5,
        },
    ];
    assert_eq!(
        iovecs(v.as_ptr() as u64, 2, Some(7)),
        r#"[{iov_base="hello", iov_len=5}, {iov_base="wo", iov_len=5}]"#
    );
    let m = Msghdr {
        msg_iov: v.as_ptr() as u64,
        msg_iovlen: 1,
        ..Msghdr::default()
    };
    assert_eq!(
        msghdr(addr(&m), None),
        r#"{msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hello", iov_len=5}], msg_iovlen=1, msg_controllen=0, msg_flags=0}"#
    );
}

#[test]
fn ints_and_wait_status() {
    let fds: [i32; 2] = [5, 6];
    assert_eq!(int_pair(fds.as_ptr() as u64), "[5, 6]");
    assert_eq!(
        wait_status(addr(&(3i32 << 8))),
        "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]"
    );
    assert_eq!(
        wait_status(addr(&9i32)),
        "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]"
    );
    assert_eq!(
        wait_status(addr(&(0x80i32 | 11))),
        "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]"
    );
}

#[test]
fn open_how_flags_mode_resolve() {
    use crate::abi::open::OpenHow;
    let h = OpenHow {
        flags: 0o2000000,
        mode: 0,
        resolve: 0x8,
    };
    assert_eq!(
        open_how(addr(&h)),
        "{flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH}"
    );
    let h = OpenHow {
        flags: 0o101,
        mode: 0o600,
        resolve: 0,
    };
    assert_eq!(
        open_how(addr(&h)),
        "{flags=O_WRONLY|O_CREAT, mode=0600, resolve=0}"
    );
}
