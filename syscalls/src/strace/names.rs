//! Names of commands, ids and event bits: socket families, types and `MSG_*` flags
//! (from abi::socket_consts), fcntl commands (abi::flags), ioctl requests (abi::term
//! and abi::socket_consts), rlimit resources (abi::misc); clock ids, futex ops, wait
//! options and epoll bits, which the translation layer passes through unnamed, are
//! defined here once.

use super::flags::{bits, name_or};
use crate::abi::flags as fl;
use crate::abi::socket_consts::CONSTANTS as SOCK;
use std::fmt::Write;

/// Names from the socket constants table with a prefix (`AF_`, `SOCK_`, `MSG_`).
fn sock_names(prefix: &str) -> Vec<(&'static str, i64)> {
    SOCK.iter()
        .filter(|e| e.0.starts_with(prefix))
        .map(|e| (e.0, e.1 as i64))
        .collect()
}

pub fn sock_family(v: u64) -> String {
    name_or(v as i64, &sock_names("AF_"), "AF")
}

/// The socket type and its creation flags: `SOCK_STREAM|SOCK_CLOEXEC`.
pub fn sock_type(v: u64) -> String {
    use crate::abi::socket_consts::{SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK};
    let types = sock_names("SOCK_");
    let mut s = name_or((v & SOCK_TYPE_MASK as u64) as i64, &types, "SOCK");
    let t = [
        ("SOCK_CLOEXEC", SOCK_CLOEXEC as u64),
        ("SOCK_NONBLOCK", SOCK_NONBLOCK as u64),
    ];
    let rest = v & !(SOCK_TYPE_MASK as u64);
    if rest != 0 {
        s.push('|');
        s.push_str(&bits(rest, &t, "0"));
    }
    s
}

pub fn msg_flags(v: u64) -> String {
    let t: Vec<(&str, u64)> = sock_names("MSG_")
        .into_iter()
        .map(|(n, b)| (n, b as u64))
        .collect();
    bits(v, &t, "0")
}

pub fn fcntl_cmd(v: u64) -> String {
    let t: Vec<(&str, i64)> = fl::FCNTL_COMMANDS
        .iter()
        .map(|e| (e.0, e.1 as i64))
        .collect();
    name_or(v as i64, &t, "F")
}

pub fn ioctl_request(v: u64) -> String {
    match crate::abi::term::ioctl(v) {
        Some(e) => e.0.to_string(),
        None => format!("{v:#x}"),
    }
}

pub fn rlimit_resource(v: u64) -> String {
    let t: Vec<(&str, i64)> = crate::abi::misc::RLIMITS
        .iter()
        .map(|e| (e.0, e.1 as i64))
        .collect();
    name_or(v as i64, &t, "RLIMIT")
}

/// Clock ids (include/uapi/linux/time.h; architecture-independent, passed through).
pub fn clock_id(v: u64) -> String {
    const CLOCKS: &[(&str, i64)] = &[
        ("CLOCK_REALTIME", 0),
        ("CLOCK_MONOTONIC", 1),
        ("CLOCK_PROCESS_CPUTIME_ID", 2),
        ("CLOCK_THREAD_CPUTIME_ID", 3),
        ("CLOCK_MONOTONIC_RAW", 4),
        ("CLOCK_REALTIME_COARSE", 5),
        ("CLOCK_MONOTONIC_COARSE", 6),
        ("CLOCK_BOOTTIME", 7),
        ("CLOCK_REALTIME_ALARM", 8),
        ("CLOCK_BOOTTIME_ALARM", 9),
        ("CLOCK_TAI", 11),
    ];
    name_or(v as i32 as i64, CLOCKS, "")
}

/// Futex operations (include/uapi/linux/futex.h), with the PRIVATE/REALTIME bits
/// folded in as strace prints them.
pub fn futex_op(v: u64) -> String {
    const OPS: &[(&str, i64)] = &[
        ("FUTEX_WAIT", 0),
        ("FUTEX_WAKE", 1),
        ("FUTEX_FD", 2),
        ("FUTEX_REQUEUE", 3),
        ("FUTEX_CMP_REQUEUE", 4),
        ("FUTEX_WAKE_OP", 5),
        ("FUTEX_LOCK_PI", 6),
        ("FUTEX_UNLOCK_PI", 7),
        ("FUTEX_TRYLOCK_PI", 8),
        ("FUTEX_WAIT_BITSET", 9),
        ("FUTEX_WAKE_BITSET", 10),
        ("FUTEX_WAIT_REQUEUE_PI", 11),
        ("FUTEX_CMP_REQUEUE_PI", 12),
        ("FUTEX_LOCK_PI2", 13),
    ];
    const PRIVATE: u64 = 128;
    const REALTIME: u64 = 256;
    let mut s = name_or((v & 0x7f) as i64, OPS, "FUTEX");
    if v & PRIVATE != 0 {
        s.push_str("_PRIVATE");
    }
    if v & REALTIME != 0 {
        s.push_str("|FUTEX_CLOCK_REALTIME");
    }
    let rest = v & !(0x7f | PRIVATE | REALTIME);
    if rest != 0 {
        let _ = write!(s, "|{rest:#x}");
    }
    s
}

/// wait4/waitid options (include/uapi/linux/wait.h).
pub fn wait_options(v: u64) -> String {
    const T: &[(&str, u64)] = &[
        ("WNOHANG", 1),
        ("WUNTRACED", 2),
        ("WEXITED", 4),
        ("WCONTINUED", 8),
        ("WNOWAIT", 0x0100_0000),
        ("__WNOTHREAD", 0x2000_0000),
        ("__WALL", 0x4000_0000),
        ("__WCLONE", 0x8000_0000),
    ];
    bits(v, T, "0")
}

/// epoll event bits (include/uapi/linux/eventpoll.h; poll bits are the same numbers).
pub fn epoll_events(v: u64, prefix: &str) -> String {
    const T: &[(&str, u64)] = &[
        ("IN", 0x1),
        ("PRI", 0x2),
        ("OUT", 0x4),
        ("ERR", 0x8),
        ("HUP", 0x10),
        ("NVAL", 0x20),
        ("RDNORM", 0x40),
        ("RDBAND", 0x80),
        ("WRNORM", 0x100),
        ("WRBAND", 0x200),
        ("MSG", 0x400),
        ("RDHUP", 0x2000),
        ("EXCLUSIVE", 1 << 28),
        ("WAKEUP", 1 << 29),
        ("ONESHOT", 1 << 30),
        ("ET", 1 << 31),
    ];
    let names: Vec<(String, u64)> = T
        .iter()
        .map(|e| (format!("{prefix}{}", e.0), e.1))
        .collect();
    let refs: Vec<(&str, u64)> = names.iter().map(|e| (e.0.as_str(), e.1)).collect();
    bits(v, &refs, "0")
}

pub fn epoll_ctl_op(v: u64) -> String {
    const T: &[(&str, i64)] = &[
        ("EPOLL_CTL_ADD", 1),
        ("EPOLL_CTL_DEL", 2),
        ("EPOLL_CTL_MOD", 3),
    ];
    name_or(v as i64, T, "EPOLL_CTL")
}

/// lseek's whence (and flock's l_whence).
pub fn whence(v: u64) -> String {
    const T: &[(&str, i64)] = &[
        ("SEEK_SET", 0),
        ("SEEK_CUR", 1),
        ("SEEK_END", 2),
        ("SEEK_DATA", 3),
        ("SEEK_HOLE", 4),
    ];
    name_or(v as i64, T, "SEEK")
}

/// madvise advice (include/uapi/asm-generic/mman-common.h).
pub fn madvise_advice(v: u64) -> String {
    const T: &[(&str, i64)] = &[
        ("MADV_NORMAL", 0),
        ("MADV_RANDOM", 1),
        ("MADV_SEQUENTIAL", 2),
        ("MADV_WILLNEED", 3),
        ("MADV_DONTNEED", 4),
        ("MADV_FREE", 8),
        ("MADV_REMOVE", 9),
        ("MADV_DONTFORK", 10),
        ("MADV_DOFORK", 11),
        ("MADV_MERGEABLE", 12),
        ("MADV_UNMERGEABLE", 13),
        ("MADV_HUGEPAGE", 14),
        ("MADV_NOHUGEPAGE", 15),
        ("MADV_DONTDUMP", 16),
        ("MADV_DODUMP", 17),
        ("MADV_WIPEONFORK", 18),
        ("MADV_KEEPONFORK", 19),
        ("MADV_COLD", 20),
        ("MADV_PAGEOUT", 21),
        ("MADV_POPULATE_READ", 22),
        ("MADV_POPULATE_WRITE", 23),
        ("MADV_DONTNEED_LOCKED", 24),
        ("MADV_COLLAPSE", 25),
        ("MADV_HWPOISON", 100),
        ("MADV_SOFT_OFFLINE", 101),
    ];
    name_or(v as i64, T, "MADV")
}

/// getrandom flags (include/uapi/linux/random.h).
pub fn getrandom_flags(v: u64) -> String {
    const T: &[(&str, u64)] = &[
        ("GRND_NONBLOCK", 1),
        ("GRND_RANDOM", 2),
        ("GRND_INSECURE", 4),
    ];
    bits(v, T, "0")
}

/// mremap flags (include/uapi/linux/mman.h).
pub fn mremap_flags(v: u64) -> String {
    const T: &[(&str, u64)] = &[
        ("MREMAP_MAYMOVE", 1),
        ("MREMAP_FIXED", 2),
        ("MREMAP_DONTUNMAP", 4),
    ];
    bits(v, T, "0")
}

/// shutdown's how.
pub fn shutdown_how(v: u64) -> String {
    const T: &[(&str, i64)] = &[("SHUT_RD", 0), ("SHUT_WR", 1), ("SHUT_RDWR", 2)];
    name_or(v as i64, T, "SHUT")
}

/// statx's flags: the sync type (`AT_STATX_SYNC_AS_STAT` is 0) and `AT_*` flags.
pub fn statx_flags(v: u64) -> String {
    let sync = match v & 0x6000 {
        0x2000 => "AT_STATX_FORCE_SYNC",
        0x4000 => "AT_STATX_DONT_SYNC",
        _ => "AT_STATX_SYNC_AS_STAT",
    };
    match v & !0x6000 {
        0 => sync.to_string(),
        rest => format!("{sync}|{}", super::flags::at_flags(rest)),
    }
}

/// prctl's option, from prctl's own table.
pub fn prctl_option(v: u64) -> String {
    match crate::prctl::option_name(v) {
        Some(n) => n.to_string(),
        None => format!("{v:#x} /* PR_??? */"),
    }
}

/// A socket option level (`SOL_SOCKET`, ...).
pub fn sockopt_level(v: u64) -> String {
    name_or(v as i32 as i64, &sock_names("SOL_"), "SOL")
}

/// A socket option name: `SO_*` at SOL_SOCKET, `TCP_*` at SOL_TCP, the number at
/// other levels.
pub fn sockopt_name(level: u64, v: u64) -> String {
    /// include/uapi/linux/tcp.h.
    const TCP: &[(&str, i64)] = &[
        ("TCP_NODELAY", 1),
        ("TCP_MAXSEG", 2),
        ("TCP_CORK", 3),
        ("TCP_KEEPIDLE", 4),
        ("TCP_KEEPINTVL", 5),
        ("TCP_KEEPCNT", 6),
        ("TCP_SYNCNT", 7),
        ("TCP_LINGER2", 8),
        ("TCP_DEFER_ACCEPT", 9),
        ("TCP_WINDOW_CLAMP", 10),
        ("TCP_INFO", 11),
        ("TCP_QUICKACK", 12),
        ("TCP_CONGESTION", 13),
        ("TCP_USER_TIMEOUT", 18),
        ("TCP_FASTOPEN", 23),
    ];
    match level as i32 {
        crate::abi::socket_consts::SOL_SOCKET => name_or(v as i64, &sock_names("SO_"), "SO"),
        6 => name_or(v as i64, TCP, "TCP"),
        _ => v.to_string(),
    }
}

/// A socket's protocol, named for the family before it (`IPPROTO_TCP`,
/// `NETLINK_ROUTE`); a number for other families.
pub fn sock_protocol(family: u64, v: u64) -> String {
    /// include/uapi/linux/in.h.
    const IP: &[(&str, i64)] = &[
        ("IPPROTO_IP", 0),
        ("IPPROTO_ICMP", 1),
        ("IPPROTO_TCP", 6),
        ("IPPROTO_UDP", 17),
        ("IPPROTO_IPV6", 41),
        ("IPPROTO_ICMPV6", 58),
        ("IPPROTO_SCTP", 132),
        ("IPPROTO_UDPLITE", 136),
        ("IPPROTO_RAW", 255),
    ];
    /// include/uapi/linux/netlink.h.
    const NETLINK: &[(&str, i64)] = &[
        ("NETLINK_ROUTE", 0),
        ("NETLINK_USERSOCK", 2),
        ("NETLINK_SOCK_DIAG", 4),
        ("NETLINK_NFLOG", 5),
        ("NETLINK_XFRM", 6),
        ("NETLINK_SELINUX", 7),
        ("NETLINK_AUDIT", 9),
        ("NETLINK_NETFILTER", 12),
        ("NETLINK_KOBJECT_UEVENT", 15),
        ("NETLINK_GENERIC", 16),
    ];
    match family {
        2 | 10 => name_or(v as i64, IP, "IPPROTO"),
        16 => name_or(v as i64, NETLINK, "NETLINK"),
        _ => (v as i32).to_string(),
    }
}

/// Creation flags that are O_CLOEXEC / O_NONBLOCK under another family's names
/// (`EPOLL_CLOEXEC`, `EFD_CLOEXEC|EFD_NONBLOCK`, `EFD_SEMAPHORE`).
pub fn cloexec_flags(v: u64, family: &str) -> String {
    let cloexec = format!("{family}_CLOEXEC");
    let nonblock = format!("{family}_NONBLOCK");
    let semaphore = format!("{family}_SEMAPHORE");
    let mut t = vec![
        (cloexec.as_str(), fl::O_CLOEXEC as u64),
        (nonblock.as_str(), 0o4000),
    ];
    if family == "EFD" {
        t.push((semaphore.as_str(), 1));
    }
    bits(v, &t, "0")
}

/// socket/accept4 creation flags alone (`SOCK_CLOEXEC|SOCK_NONBLOCK`).
pub fn sock_flags(v: u64) -> String {
    use crate::abi::socket_consts::{SOCK_CLOEXEC, SOCK_NONBLOCK};
    let t = [
        ("SOCK_CLOEXEC", SOCK_CLOEXEC as u64),
        ("SOCK_NONBLOCK", SOCK_NONBLOCK as u64),
    ];
    bits(v, &t, "0")
}

/// access/faccessat modes: `F_OK`, `R_OK|W_OK`.
pub fn access_mode(v: u64) -> String {
    const T: &[(&str, u64)] = &[("R_OK", 4), ("W_OK", 2), ("X_OK", 1)];
    bits(v, T, "F_OK")
}

/// getitimer/setitimer's timer.
pub fn itimer_which(v: u64) -> String {
    const T: &[(&str, i64)] = &[
        ("ITIMER_REAL", 0),
        ("ITIMER_VIRTUAL", 1),
        ("ITIMER_PROF", 2),
    ];
    name_or(v as i64, T, "ITIMER")
}
