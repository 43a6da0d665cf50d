//! Guest structs as strace prints them (its default, abbreviated form): stat, statx,
//! timespec, rlimit, utsname, epoll_event, pollfd, iovec arrays, msghdr, int pairs and
//! wait statuses. Each reads the guest struct through guest_mem: `NULL` for a null
//! pointer, the address in hex if it cannot be read.

use super::flags::{bits, mode, signal};
use super::names::epoll_events;
use super::quote::buffer;
use crate::abi::event::EpollEvent;
use crate::abi::misc::{Iovec, Rlimit, Utsname};
use crate::abi::socket::Msghdr;
use crate::abi::stat::{Stat, Statx};
use crate::abi::time::{Timespec, Timeval};
use crate::abi::GuestPod;
use crate::guest_mem::{read_bytes, read_val};
use std::fmt::Write;

/// Most array elements shown before `...` (strace's default `-s`-like limit is 32).
const MAX_ELEMS: u64 = 32;

/// Reads a `T` at `addr` and formats it, or `NULL` / the address.
pub fn with<T: GuestPod>(addr: u64, f: impl FnOnce(&T) -> String) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match read_val::<T>(addr) {
        Ok(v) => f(&v),
        Err(_) => format!("{addr:#x}"),
    }
}

/// `[a, b, ...]` from `n` elements of `size` bytes from `addr`.
fn array<T: GuestPod>(addr: u64, n: u64, f: impl Fn(&T) -> String) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let size = std::mem::size_of::<T>() as u64;
    let mut parts = Vec::new();
    for i in 0..n.min(MAX_ELEMS) {
        match read_val::<T>(addr + i * size) {
            Ok(v) => parts.push(f(&v)),
            Err(_) if i == 0 => return format!("{addr:#x}"),
            Err(_) => break,
        }
    }
    if n > MAX_ELEMS {
        parts.push("...".to_string());
    }
    format!("[{}]", parts.join(", "))
}

fn makedev(dev: u64) -> String {
    let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff);
    let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0xff);
    format!("makedev({major:#x}, {minor:#x})")
}

/// `{st_mode=S_IFREG|0644, st_size=123, ...}`; devices show st_rdev instead of st_size.
pub fn stat(addr: u64) -> String {
    with::<Stat>(addr, |s| {
        let ty = s.st_mode & 0o170000;
        let size = if ty == 0o020000 || ty == 0o060000 {
            format!("st_rdev={}", makedev(s.st_rdev))
        } else {
            format!("st_size={}", s.st_size)
        };
        format!("{{st_mode={}, {size}, ...}}", mode(s.st_mode as u64))
    })
}

pub fn statx_mask(v: u64) -> String {
    const T: &[(&str, u64)] = &[
        ("STATX_ALL", 0xfff),
        ("STATX_BASIC_STATS", 0x7ff),
        ("STATX_TYPE", 0x1),
        ("STATX_MODE", 0x2),
        ("STATX_NLINK", 0x4),
        ("STATX_UID", 0x8),
        ("STATX_GID", 0x10),
        ("STATX_ATIME", 0x20),
        ("STATX_MTIME", 0x40),
        ("STATX_CTIME", 0x80),
        ("STATX_INO", 0x100),
        ("STATX_SIZE", 0x200),
        ("STATX_BLOCKS", 0x400),
        ("STATX_BTIME", 0x800),
        ("STATX_MNT_ID", 0x1000),
        ("STATX_DIOALIGN", 0x2000),
    ];
    bits(v, T, "0")
}

/// `{stx_mask=..., stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=123, ...}`.
pub fn statx(addr: u64) -> String {
    with::<Statx>(addr, |s| {
        format!(
            "{{stx_mask={}, stx_attributes={:#x}, stx_mode={}, stx_size={}, ...}}",
            statx_mask(s.stx_mask as u64),
            s.stx_attributes,
            mode(s.stx_mode as u64),
            s.stx_size
        )
    })
    .replace("stx_attributes=0x0,", "stx_attributes=0,")
}

pub fn timespec(addr: u64) -> String {
    with::<Timespec>(addr, |t| {
        format!("{{tv_sec={}, tv_nsec={}}}", t.tv_sec, t.tv_nsec)
    })
}

fn rlim(v: u64) -> String {
    match v {
        u64::MAX => "RLIM64_INFINITY".to_string(),
        v if v > 0 && v % 1024 == 0 => format!("{}*1024", v / 1024),
        v => v.to_string(),
    }
}

pub fn rlimit(addr: u64) -> String {
    with::<Rlimit>(addr, |r| {
        format!(
            "{{rlim_cur={}, rlim_max={}}}",
            rlim(r.rlim_cur),
            rlim(r.rlim_max)
        )
    })
}

pub fn utsname(addr: u64) -> String {
    with::<Utsname>(addr, |u| {
        let field = |f: &[u8]| {
            let n = f.iter().position(|&c| c == 0).unwrap_or(f.len());
            super::quote::quote(&f[..n], false)
        };
        format!(
            "{{sysname={}, nodename={}, ...}}",
            field(&u.sysname),
            field(&u.nodename)
        )
    })
}

fn epoll_event(e: &EpollEvent) -> String {
    format!(
        "{{events={}, data={{u32={}, u64={}}}}}",
        epoll_events(e.events as u64, "EPOLL"),
        e.data as u32,
        e.data
    )
}

pub fn epoll_event_in(addr: u64) -> String {
    with::<EpollEvent>(addr, epoll_event)
}

/// The first `n` events epoll_wait filled.
pub fn epoll_events_out(addr: u64, n: u64) -> String {
    array::<EpollEvent>(addr, n, epoll_event)
}

/// `struct pollfd`: int fd, short events, short revents.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Pollfd {
    pub fd: i32,
    pub events: i16,
    pub revents: i16,
}
crate::abi::guest_pod!(Pollfd);

pub fn pollfds(addr: u64, n: u64) -> String {
    array::<Pollfd>(addr, n, |p| {
        format!(
            "{{fd={}, events={}}}",
            p.fd,
            epoll_events(p.events as u16 as u64, "POLL")
        )
    })
}

/// What ppoll reported: ` ([{fd=3, revents=POLLIN}])`, the entries with events.
pub fn poll_revents(addr: u64, n: u64) -> String {
    let mut ready = Vec::new();
    for i in 0..n.min(MAX_ELEMS) {
        match read_val::<Pollfd>(addr + 8 * i) {
            Ok(p) if p.revents != 0 => ready.push(format!(
                "{{fd={}, revents={}}}",
                p.fd,
                epoll_events(p.revents as u16 as u64, "POLL")
            )),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    format!(" ([{}])", ready.join(", "))
}

/// `[{iov_base="...", iov_len=5}, ...]`; `data` bounds the bytes shown in all (the
/// result of readv), `None` for every element's whole length.
pub fn iovecs(addr: u64, n: u64, data: Option<u64>) -> String {
    let left = std::cell::Cell::new(data.unwrap_or(u64::MAX));
    array::<Iovec>(addr, n, |v| {
        let shown = v.iov_len.min(left.get());
        left.set(left.get() - shown);
        format!(
            "{{iov_base={}, iov_len={}}}",
            buffer(v.iov_base, shown),
            v.iov_len
        )
    })
}

/// `{msg_name=..., msg_namelen=.., msg_iov=[...], msg_iovlen=.., msg_controllen=..,
/// msg_flags=..}` (strace's form without decoding control messages).
pub fn msghdr(addr: u64, data: Option<u64>) -> String {
    with::<Msghdr>(addr, |m| {
        let name = if m.msg_name == 0 {
            "NULL".to_string()
        } else {
            super::sockaddr::sockaddr(m.msg_name, m.msg_namelen as u64)
        };
        let mut s = format!("{{msg_name={name}, msg_namelen={}", m.msg_namelen);
        let _ = write!(
            s,
            ", msg_iov={}, msg_iovlen={}",
            iovecs(m.msg_iov, m.msg_iovlen, data),
            m.msg_iovlen
        );
        if m.msg_controllen != 0 {
            let _ = write!(s, ", msg_control={:#x}", m.msg_control);
        }
        let _ = write!(
            s,
            ", msg_controllen={}, msg_flags={}}}",
            m.msg_controllen,
            super::names::msg_flags(m.msg_flags as u64)
        );
        s
    })
}

/// `[3, 4]`: the two fds of pipe2 and socketpair.
pub fn int_pair(addr: u64) -> String {
    with::<u64>(addr, |&p| {
        format!("[{}, {}]", p as u32 as i32, (p >> 32) as u32 as i32)
    })
}

/// `[5]`: an int (or socklen_t) the call wrote.
pub fn int_out(addr: u64) -> String {
    with::<i32>(addr, |v| format!("[{v}]"))
}

/// A wait status: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`.
pub fn wait_status(addr: u64) -> String {
    with::<i32>(addr, |&st| {
        let sig = (st & 0x7f) as u64;
        let inner = if sig == 0 {
            format!("WIFEXITED(s) && WEXITSTATUS(s) == {}", (st >> 8) & 0xff)
        } else if sig == 0x7f {
            format!(
                "WIFSTOPPED(s) && WSTOPSIG(s) == {}",
                signal(((st >> 8) & 0xff) as u64)
            )
        } else if st & 0x80 != 0 {
            format!(
                "WIFSIGNALED(s) && WTERMSIG(s) == {} && WCOREDUMP(s)",
                signal(sig)
            )
        } else {
            format!("WIFSIGNALED(s) && WTERMSIG(s) == {}", signal(sig))
        };
        format!("[{{{inner}}}]")
    })
}

/// `{ss_sp=0x..., ss_flags=0, ss_size=8192}`.
pub fn stack_t(addr: u64) -> String {
    use crate::abi::signal::StackT;
    with::<StackT>(addr, |s| {
        const T: &[(&str, u64)] = &[
            ("SS_ONSTACK", 1),
            ("SS_DISABLE", 2),
            ("SS_AUTODISARM", 1 << 31),
        ];
        format!(
            "{{ss_sp={}, ss_flags={}, ss_size={}}}",
            super::args::ptr(s.ss_sp),
            bits(s.ss_flags as u32 as u64, T, "0"),
            s.ss_size
        )
    })
}

/// getdents64's buffer, as strace abbreviates it: `0x... /* 5 entries */`.
pub fn dirents(addr: u64, len: u64) -> String {
    use crate::abi::misc::Dirent64;
    let mut n = 0;
    let mut off = 0;
    while off < len {
        match read_val::<Dirent64>(addr + off) {
            Ok(d) if d.d_reclen > 0 => {
                n += 1;
                off += d.d_reclen as u64;
            }
            _ => break,
        }
    }
    format!("{addr:#x} /* {n} entries */")
}

/// openat2's `struct open_how`: `{flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH}`,
/// with `mode=` when the flags create a file.
pub fn open_how(addr: u64) -> String {
    use crate::abi::open::OpenHow;
    with::<OpenHow>(addr, |h| {
        const RESOLVE: &[(&str, u64)] = &[
            ("RESOLVE_NO_XDEV", 0x1),
            ("RESOLVE_NO_MAGICLINKS", 0x2),
            ("RESOLVE_NO_SYMLINKS", 0x4),
            ("RESOLVE_BENEATH", 0x8),
            ("RESOLVE_IN_ROOT", 0x10),
            ("RESOLVE_CACHED", 0x20),
        ];
        let mode = if h.flags & (0o100 | 0o20000000) != 0 || h.mode != 0 {
            format!(", mode={}", super::flags::octal(h.mode))
        } else {
            String::new()
        };
        format!(
            "{{flags={}{mode}, resolve={}}}",
            super::flags::open_flags(h.flags),
            bits(h.resolve, RESOLVE, "0")
        )
    })
}

/// `{it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, tv_usec=0}}`.
pub fn itimerval(addr: u64) -> String {
    with::<Itimerval>(addr, |t| {
        let tv = |v: &Timeval| format!("{{tv_sec={}, tv_usec={}}}", v.tv_sec, v.tv_usec);
        format!(
            "{{it_interval={}, it_value={}}}",
            tv(&t.interval),
            tv(&t.value)
        )
    })
}

/// `struct itimerval`: two timevals, 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Itimerval {
    pub interval: Timeval,
    pub value: Timeval,
}
crate::abi::guest_pod!(Itimerval);

/// Reads raw bytes (for sockaddr and the signal frame).
pub fn bytes(addr: u64, len: usize) -> Option<Vec<u8>> {
    let mut b = vec![0u8; len];
    read_bytes(addr, &mut b).ok().map(|_| b)
}

#[cfg(test)]
mod tests;
