//! Guest socket ABI: `msghdr`, `cmsghdr`, `mmsghdr`, `linger`, `ucred`, the socket
//! constants (address families, socket types and flags, levels, `SO_*`, `SCM_*`,
//! `MSG_*`) and the socket ioctls.
//!
//! Guest values: include/linux/socket.h, include/linux/net.h and
//! include/uapi/asm-generic/socket.h, sockios.h (arm64 has no overrides). The x86-64
//! host uses the same generic files, so every value in [`CONSTANTS`] and [`IOCTLS`]
//! is the same on both sides; the tests prove it against the host's `libc::` values
//! instead of assuming it. Socket addresses (`sockaddr_un`, `_in`, `_in6`, `_nl`) and
//! netlink messages use fixed-width fields only: their layout tests are below.

use super::guest_pod;
use super::term::{IoctlArg, IoctlEntry};
use super::time::{Timespec, Timeval};

/// `struct user_msghdr` on 64-bit, 56 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Msghdr {
    pub msg_name: u64,
    pub msg_namelen: u32,
    pub _pad0: u32,
    pub msg_iov: u64,
    pub msg_iovlen: u64,
    pub msg_control: u64,
    pub msg_controllen: u64,
    pub msg_flags: u32,
    pub _pad1: u32,
}

/// `struct cmsghdr`, 16 bytes; its data follows at [`CMSG_HDR`].
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Cmsghdr {
    pub cmsg_len: u64,
    pub cmsg_level: i32,
    pub cmsg_type: i32,
}

/// `struct mmsghdr`, 64 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Mmsghdr {
    pub msg_hdr: Msghdr,
    pub msg_len: u32,
    pub _pad: u32,
}

/// `struct linger`, 8 bytes (SO_LINGER).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Linger {
    pub l_onoff: i32,
    pub l_linger: i32,
}

/// `struct ucred`, 12 bytes (SO_PEERCRED, SCM_CREDENTIALS).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Ucred {
    pub pid: i32,
    pub uid: u32,
    pub gid: u32,
}

guest_pod!(Msghdr, Cmsghdr, Mmsghdr, Linger, Ucred);

/// Size of the guest `cmsghdr` (CMSG_LEN(0)).
pub const CMSG_HDR: usize = std::mem::size_of::<Cmsghdr>();

/// The guest's CMSG_ALIGN: a multiple of `sizeof(long)`, 8 on arm64.
pub const fn cmsg_align(len: usize) -> usize {
    (len + 7) & !7
}

/// A guest struct with a host counterpart of the same meaning, converted field by
/// field wherever the host kernel reads or writes one.
///
/// # Safety
/// `Host` must be a `#[repr(C)]` struct of integer fields with no padding, so that any
/// bytes of its size are a valid value and its bytes may be read.
pub unsafe trait HostPair: super::GuestPod {
    type Host: Copy;
    fn to_host(&self) -> Self::Host;
    fn from_host(h: &Self::Host) -> Self;
}

macro_rules! host_pair {
    ($($guest:ty => $host:path { $($field:ident),* $(,)? })*) => {$(
        // SAFETY: the host type is a libc integer struct without padding (its size is
        // checked against the guest type's in the tests).
        unsafe impl HostPair for $guest {
            type Host = $host;
            fn to_host(&self) -> $host {
                $host { $($field: self.$field as _),* }
            }
            fn from_host(h: &$host) -> Self {
                Self { $($field: h.$field as _),* }
            }
        }
    )*};
}

host_pair! {
    Timeval => libc::timeval { tv_sec, tv_usec }
    Timespec => libc::timespec { tv_sec, tv_nsec }
    Linger => libc::linger { l_onoff, l_linger }
    Ucred => libc::ucred { pid, uid, gid }
}

/// How the data of a control message or a socket option converts between the guest's
/// form and the host's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// Bytes or fixed-width fields that mean the same on both sides (ints, fd numbers,
    /// addresses, netlink and IP structs).
    Raw,
    /// `timeval`s (`__kernel_old_timeval`, and `__kernel_sock_timeval`: two s64s).
    Timeval,
    /// `timespec`s (`__kernel_timespec`; SO_TIMESTAMPING sends three).
    Timespec,
    Linger,
    Ucred,
}

impl Payload {
    /// The conversion of socket option `name` at `level` (get/setsockopt).
    pub fn of_option(level: i32, name: i32) -> Payload {
        if level != SOL_SOCKET {
            return Payload::Raw;
        }
        match name {
            SO_RCVTIMEO_OLD | SO_SNDTIMEO_OLD | SO_RCVTIMEO_NEW | SO_SNDTIMEO_NEW => {
                Payload::Timeval
            }
            SO_LINGER => Payload::Linger,
            SO_PEERCRED => Payload::Ucred,
            _ => Payload::Raw,
        }
    }

    /// The conversion of a control message's data (SCM_TIMESTAMP* = SO_TIMESTAMP*).
    pub fn of_cmsg(level: i32, ty: i32) -> Payload {
        if level != SOL_SOCKET {
            return Payload::Raw;
        }
        match ty {
            SCM_CREDENTIALS => Payload::Ucred,
            SO_TIMESTAMP_OLD | SO_TIMESTAMP_NEW => Payload::Timeval,
            SO_TIMESTAMPNS_OLD | SO_TIMESTAMPNS_NEW => Payload::Timespec,
            SO_TIMESTAMPING_OLD | SO_TIMESTAMPING_NEW => Payload::Timespec,
            _ => Payload::Raw,
        }
    }

    /// The size of one guest struct of this kind (`None` for raw bytes).
    pub fn guest_size(self) -> Option<usize> {
        match self {
            Payload::Raw => None,
            Payload::Timeval => Some(std::mem::size_of::<Timeval>()),
            Payload::Timespec => Some(std::mem::size_of::<Timespec>()),
            Payload::Linger => Some(std::mem::size_of::<Linger>()),
            Payload::Ucred => Some(std::mem::size_of::<Ucred>()),
        }
    }

    /// Converts `data` (whole structs, then any partial tail as is) to the host's form
    /// (`to_host`) or the guest's.
    pub fn convert(self, data: &[u8], to_host: bool) -> Vec<u8> {
        match self {
            Payload::Raw => data.to_vec(),
            Payload::Timeval => convert_structs::<Timeval>(data, to_host),
            Payload::Timespec => convert_structs::<Timespec>(data, to_host),
            Payload::Linger => convert_structs::<Linger>(data, to_host),
            Payload::Ucred => convert_structs::<Ucred>(data, to_host),
        }
    }
}

/// Reads an `X` from the start of `b`.
///
/// # Safety
/// `b` holds at least `size_of::<X>()` bytes and every bit pattern is a valid `X`.
unsafe fn read_raw<X: Copy>(b: &[u8]) -> X {
    debug_assert!(b.len() >= std::mem::size_of::<X>());
    // SAFETY: the caller guarantees the length and validity; the read is unaligned.
    unsafe { std::ptr::read_unaligned(b.as_ptr().cast::<X>()) }
}

/// The bytes of `v`.
///
/// # Safety
/// `X` has no padding bytes.
unsafe fn raw_bytes<X: Copy>(v: &X) -> &[u8] {
    // SAFETY: `v` is a valid `X`; the caller guarantees it has no uninitialized padding.
    unsafe { std::slice::from_raw_parts((v as *const X).cast::<u8>(), std::mem::size_of::<X>()) }
}

fn convert_structs<T: HostPair>(data: &[u8], to_host: bool) -> Vec<u8> {
    let from = if to_host {
        std::mem::size_of::<T>()
    } else {
        std::mem::size_of::<T::Host>()
    };
    let mut out = Vec::with_capacity(data.len());
    let mut chunks = data.chunks_exact(from);
    for c in &mut chunks {
        // SAFETY: `c` is one whole struct; T is GuestPod and T::Host integer-only
        // without padding (HostPair's contract).
        unsafe {
            if to_host {
                out.extend_from_slice(raw_bytes(&read_raw::<T>(c).to_host()));
            } else {
                out.extend_from_slice(raw_bytes(&T::from_host(&read_raw::<T::Host>(c))));
            }
        }
    }
    out.extend_from_slice(chunks.remainder());
    out
}

/// Address families, socket types and flags, option levels, options, control message
/// types and message flags: (name, arm64 guest value, x86-64 host value). All agree
/// (asm-generic on both; checked against `libc::` in the tests), so handlers pass
/// these numbers through; this table is the proof.
pub const CONSTANTS: &[(&str, i32, i32)] = &[
    ("AF_UNSPEC", 0, 0),
    ("AF_UNIX", 1, 1),
    ("AF_INET", 2, 2),
    ("AF_INET6", 10, 10),
    ("AF_NETLINK", 16, 16),
    ("AF_PACKET", 17, 17),
    ("SOCK_STREAM", 1, 1),
    ("SOCK_DGRAM", 2, 2),
    ("SOCK_RAW", 3, 3),
    ("SOCK_SEQPACKET", 5, 5),
    ("SOCK_NONBLOCK", SOCK_NONBLOCK as i32, SOCK_NONBLOCK as i32),
    ("SOCK_CLOEXEC", SOCK_CLOEXEC as i32, SOCK_CLOEXEC as i32),
    ("SOL_SOCKET", SOL_SOCKET, SOL_SOCKET),
    ("SOL_IP", 0, 0),
    ("SOL_TCP", 6, 6),
    ("SOL_UDP", 17, 17),
    ("SOL_IPV6", 41, 41),
    ("SOL_NETLINK", 270, 270),
    ("SO_DEBUG", 1, 1),
    ("SO_REUSEADDR", 2, 2),
    ("SO_TYPE", 3, 3),
    ("SO_ERROR", 4, 4),
    ("SO_DONTROUTE", 5, 5),
    ("SO_BROADCAST", 6, 6),
    ("SO_SNDBUF", 7, 7),
    ("SO_RCVBUF", 8, 8),
    ("SO_KEEPALIVE", 9, 9),
    ("SO_OOBINLINE", 10, 10),
    ("SO_NO_CHECK", 11, 11),
    ("SO_PRIORITY", 12, 12),
    ("SO_LINGER", SO_LINGER, SO_LINGER),
    ("SO_BSDCOMPAT", 14, 14),
    ("SO_REUSEPORT", 15, 15),
    ("SO_PASSCRED", 16, 16),
    ("SO_PEERCRED", SO_PEERCRED, SO_PEERCRED),
    ("SO_RCVLOWAT", 18, 18),
    ("SO_SNDLOWAT", 19, 19),
    ("SO_RCVTIMEO_OLD", SO_RCVTIMEO_OLD, SO_RCVTIMEO_OLD),
    ("SO_SNDTIMEO_OLD", SO_SNDTIMEO_OLD, SO_SNDTIMEO_OLD),
    ("SO_BINDTODEVICE", 25, 25),
    ("SO_ATTACH_FILTER", 26, 26),
    ("SO_DETACH_FILTER", 27, 27),
    ("SO_PEERNAME", 28, 28),
    ("SO_TIMESTAMP_OLD", SO_TIMESTAMP_OLD, SO_TIMESTAMP_OLD),
    ("SO_ACCEPTCONN", 30, 30),
    ("SO_PEERSEC", 31, 31),
    ("SO_SNDBUFFORCE", 32, 32),
    ("SO_RCVBUFFORCE", 33, 33),
    ("SO_PASSSEC", 34, 34),
    ("SO_TIMESTAMPNS_OLD", SO_TIMESTAMPNS_OLD, SO_TIMESTAMPNS_OLD),
    ("SO_MARK", 36, 36),
    (
        "SO_TIMESTAMPING_OLD",
        SO_TIMESTAMPING_OLD,
        SO_TIMESTAMPING_OLD,
    ),
    ("SO_PROTOCOL", 38, 38),
    ("SO_DOMAIN", 39, 39),
    ("SO_RXQ_OVFL", 40, 40),
    ("SO_PEEK_OFF", 42, 42),
    ("SO_BUSY_POLL", 46, 46),
    ("SO_INCOMING_CPU", 49, 49),
    ("SO_COOKIE", 57, 57),
    ("SO_PEERGROUPS", 59, 59),
    ("SO_ZEROCOPY", 60, 60),
    ("SO_TXTIME", 61, 61),
    ("SO_BINDTOIFINDEX", 62, 62),
    ("SO_TIMESTAMP_NEW", SO_TIMESTAMP_NEW, SO_TIMESTAMP_NEW),
    ("SO_TIMESTAMPNS_NEW", SO_TIMESTAMPNS_NEW, SO_TIMESTAMPNS_NEW),
    (
        "SO_TIMESTAMPING_NEW",
        SO_TIMESTAMPING_NEW,
        SO_TIMESTAMPING_NEW,
    ),
    ("SO_RCVTIMEO_NEW", SO_RCVTIMEO_NEW, SO_RCVTIMEO_NEW),
    ("SO_SNDTIMEO_NEW", SO_SNDTIMEO_NEW, SO_SNDTIMEO_NEW),
    ("SCM_RIGHTS", SCM_RIGHTS, SCM_RIGHTS),
    ("SCM_CREDENTIALS", SCM_CREDENTIALS, SCM_CREDENTIALS),
    ("MSG_OOB", 0x1, 0x1),
    ("MSG_PEEK", 0x2, 0x2),
    ("MSG_DONTROUTE", 0x4, 0x4),
    ("MSG_CTRUNC", MSG_CTRUNC as i32, MSG_CTRUNC as i32),
    ("MSG_TRUNC", 0x20, 0x20),
    ("MSG_DONTWAIT", 0x40, 0x40),
    ("MSG_EOR", 0x80, 0x80),
    ("MSG_WAITALL", 0x100, 0x100),
    ("MSG_CONFIRM", 0x800, 0x800),
    ("MSG_ERRQUEUE", 0x2000, 0x2000),
    ("MSG_NOSIGNAL", 0x4000, 0x4000),
    ("MSG_MORE", 0x8000, 0x8000),
    ("MSG_WAITFORONE", 0x10000, 0x10000),
    ("MSG_FASTOPEN", 0x2000_0000, 0x2000_0000),
    ("MSG_CMSG_CLOEXEC", 0x4000_0000, 0x4000_0000),
];

/// Socket type bits; the rest of the `type` argument are creation flags.
pub const SOCK_TYPE_MASK: u32 = 0xf;
/// SOCK_NONBLOCK / SOCK_CLOEXEC are the guest's O_NONBLOCK / O_CLOEXEC
/// (include/linux/net.h), which `abi::flags::OPEN_FLAGS` translates.
pub const SOCK_NONBLOCK: u32 = 0o4000;
pub const SOCK_CLOEXEC: u32 = 0o2000000;

pub const SOL_SOCKET: i32 = 1;
pub const SO_LINGER: i32 = 13;
pub const SO_PEERCRED: i32 = 17;
pub const SO_RCVTIMEO_OLD: i32 = 20;
pub const SO_SNDTIMEO_OLD: i32 = 21;
pub const SO_TIMESTAMP_OLD: i32 = 29;
pub const SO_TIMESTAMPNS_OLD: i32 = 35;
pub const SO_TIMESTAMPING_OLD: i32 = 37;
pub const SO_TIMESTAMP_NEW: i32 = 63;
pub const SO_TIMESTAMPNS_NEW: i32 = 64;
pub const SO_TIMESTAMPING_NEW: i32 = 65;
pub const SO_RCVTIMEO_NEW: i32 = 66;
pub const SO_SNDTIMEO_NEW: i32 = 67;
pub const SCM_RIGHTS: i32 = 1;
pub const SCM_CREDENTIALS: i32 = 2;
pub const MSG_CTRUNC: u32 = 0x8;

/// Guest SOCK_NONBLOCK/SOCK_CLOEXEC flags (accept4, or the high bits of a socket
/// type) → host; `None` (EINVAL, as the kernel) for any other bit.
pub fn sock_flags_to_host(guest: u32) -> Option<i32> {
    if guest & !(SOCK_NONBLOCK | SOCK_CLOEXEC) != 0 {
        return None;
    }
    Some(super::flags::open_flags_to_host(guest) as i32)
}

/// A guest socket `type` argument (type | flags) → host.
pub fn sock_type_to_host(guest: u32) -> Option<i32> {
    let flags = sock_flags_to_host(guest & !SOCK_TYPE_MASK)?;
    Some((guest & SOCK_TYPE_MASK) as i32 | flags)
}

/// Socket ioctls (include/uapi/linux/sockios.h; asm-generic sockios.h on both). Their
/// arguments are ints, `struct ifreq` (40 bytes), `struct ifconf` (16 bytes, a pointer
/// at 8), or a timeval / timespec, all with the same layout on both 64-bit ABIs (tests
/// below and in abi::time), so the pointer passes through. SIOCINQ and SIOCOUTQ are
/// the tty table's FIONREAD and TIOCOUTQ.
pub const IOCTLS: &[IoctlEntry] = &[
    ("FIOSETOWN", 0x8901, 0x8901, IoctlArg::IntPtr),
    ("SIOCSPGRP", 0x8902, 0x8902, IoctlArg::IntPtr),
    ("FIOGETOWN", 0x8903, 0x8903, IoctlArg::IntPtr),
    ("SIOCGPGRP", 0x8904, 0x8904, IoctlArg::IntPtr),
    ("SIOCATMARK", 0x8905, 0x8905, IoctlArg::IntPtr),
    // A timeval / timespec out (same layouts: abi::time and the tests below).
    ("SIOCGSTAMP_OLD", 0x8906, 0x8906, IoctlArg::SameLayout),
    ("SIOCGSTAMPNS_OLD", 0x8907, 0x8907, IoctlArg::SameLayout),
    ("SIOCGIFNAME", 0x8910, 0x8910, IoctlArg::SameLayout),
    ("SIOCGIFCONF", 0x8912, 0x8912, IoctlArg::SameLayout),
    ("SIOCGIFFLAGS", 0x8913, 0x8913, IoctlArg::SameLayout),
    ("SIOCGIFADDR", 0x8915, 0x8915, IoctlArg::SameLayout),
    ("SIOCGIFBRDADDR", 0x8919, 0x8919, IoctlArg::SameLayout),
    ("SIOCGIFNETMASK", 0x891b, 0x891b, IoctlArg::SameLayout),
    ("SIOCGIFMTU", 0x8921, 0x8921, IoctlArg::SameLayout),
    ("SIOCGIFHWADDR", 0x8927, 0x8927, IoctlArg::SameLayout),
    ("SIOCGIFINDEX", 0x8933, 0x8933, IoctlArg::SameLayout),
    ("SIOCOUTQNSD", 0x894b, 0x894b, IoctlArg::IntPtr),
    // _IO(7, 0xb9) on /dev/vsock (include/uapi/linux/vm_sockets.h): a u32 out.
    (
        "IOCTL_VM_SOCKETS_GET_LOCAL_CID",
        0x7b9,
        0x7b9,
        IoctlArg::IntPtr,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;
    use std::mem::{offset_of, size_of};

    #[test]
    fn msghdr_layouts_match_host() {
        assert_layout!(Msghdr, 56, {
            msg_name: 0, msg_namelen: 8, msg_iov: 16, msg_iovlen: 24, msg_control: 32,
            msg_controllen: 40, msg_flags: 48,
        });
        assert_layout!(Cmsghdr, 16, { cmsg_len: 0, cmsg_level: 8, cmsg_type: 12 });
        assert_layout!(Mmsghdr, 64, { msg_hdr: 0, msg_len: 56 });
        assert_eq!(size_of::<libc::msghdr>(), 56);
        assert_eq!(offset_of!(libc::msghdr, msg_controllen), 40);
        assert_eq!(size_of::<libc::cmsghdr>(), CMSG_HDR);
        assert_eq!(offset_of!(libc::cmsghdr, cmsg_level), 8);
        assert_eq!(offset_of!(libc::cmsghdr, cmsg_type), 12);
        assert_eq!(size_of::<libc::mmsghdr>(), 64);
        assert_eq!(offset_of!(libc::mmsghdr, msg_len), 56);
        // SAFETY: CMSG_LEN/CMSG_SPACE are arithmetic on their argument.
        let (len, space) = unsafe { (libc::CMSG_LEN(4), libc::CMSG_SPACE(4)) };
        assert_eq!(
            (len as usize, space as usize),
            (CMSG_HDR + 4, cmsg_align(CMSG_HDR + 4))
        );
    }

    #[test]
    fn option_struct_layouts_match_host() {
        assert_layout!(Linger, 8, { l_onoff: 0, l_linger: 4 });
        assert_layout!(Ucred, 12, { pid: 0, uid: 4, gid: 8 });
        assert_eq!(size_of::<libc::linger>(), size_of::<Linger>());
        assert_eq!(size_of::<libc::ucred>(), size_of::<Ucred>());
        assert_eq!(size_of::<libc::timeval>(), size_of::<Timeval>());
        assert_eq!(size_of::<libc::timespec>(), size_of::<Timespec>());
        let u = Ucred {
            pid: 1,
            uid: 2,
            gid: 3,
        };
        assert_eq!(Ucred::from_host(&u.to_host()), u);
        let t = Timeval {
            tv_sec: -5,
            tv_usec: 999_999,
        };
        assert_eq!(Timeval::from_host(&t.to_host()), t);
    }

    /// Socket addresses are passed through: the host layouts must be the arm64 ones.
    #[test]
    fn sockaddr_layouts_match_arm64() {
        assert_eq!(size_of::<libc::sockaddr>(), 16);
        assert_eq!(size_of::<libc::sockaddr_storage>(), 128);
        assert_eq!(size_of::<libc::sockaddr_un>(), 110);
        assert_eq!(offset_of!(libc::sockaddr_un, sun_path), 2);
        assert_eq!(size_of::<libc::sockaddr_in>(), 16);
        assert_eq!(offset_of!(libc::sockaddr_in, sin_port), 2);
        assert_eq!(offset_of!(libc::sockaddr_in, sin_addr), 4);
        assert_eq!(size_of::<libc::sockaddr_in6>(), 28);
        assert_eq!(offset_of!(libc::sockaddr_in6, sin6_flowinfo), 4);
        assert_eq!(offset_of!(libc::sockaddr_in6, sin6_addr), 8);
        assert_eq!(offset_of!(libc::sockaddr_in6, sin6_scope_id), 24);
        assert_eq!(size_of::<libc::sockaddr_nl>(), 12);
        assert_eq!(offset_of!(libc::sockaddr_nl, nl_pid), 4);
        assert_eq!(offset_of!(libc::sockaddr_nl, nl_groups), 8);
        assert_eq!(size_of::<libc::sockaddr_vm>(), 16);
        assert_eq!(offset_of!(libc::sockaddr_vm, svm_cid), 8);
    }

    /// Option values and control data other than [`Payload`]'s pass through: their
    /// host layouts must be the arm64 ones (fixed-width UAPI fields; pointers are 8
    /// bytes on both).
    #[test]
    fn raw_option_structs_match_arm64() {
        assert_eq!(size_of::<libc::ip_mreq>(), 8);
        assert_eq!(size_of::<libc::ip_mreqn>(), 12);
        assert_eq!(size_of::<libc::ipv6_mreq>(), 20);
        assert_eq!(offset_of!(libc::ipv6_mreq, ipv6mr_interface), 16);
        assert_eq!(size_of::<libc::in_pktinfo>(), 12);
        assert_eq!(size_of::<libc::in6_pktinfo>(), 20);
        assert_eq!(size_of::<libc::sock_filter>(), 8);
        assert_eq!(size_of::<libc::sock_fprog>(), 16);
        assert_eq!(offset_of!(libc::sock_fprog, filter), 8);
        assert_eq!(size_of::<libc::sockaddr_ll>(), 20);
        assert_eq!(offset_of!(libc::tcp_info, tcpi_rtt), 68);
        assert_eq!(size_of::<libc::sock_extended_err>(), 16);
    }

    /// Netlink messages pass through: their headers have fixed-width fields.
    #[test]
    fn netlink_layouts_match_arm64() {
        assert_eq!(size_of::<libc::nlmsghdr>(), 16);
        assert_eq!(offset_of!(libc::nlmsghdr, nlmsg_type), 4);
        assert_eq!(offset_of!(libc::nlmsghdr, nlmsg_seq), 8);
        assert_eq!(offset_of!(libc::nlmsghdr, nlmsg_pid), 12);
        assert_eq!(size_of::<libc::ifinfomsg>(), 16);
        assert_eq!(offset_of!(libc::ifinfomsg, ifi_index), 4);
        assert_eq!(size_of::<libc::ifaddrmsg>(), 8);
        assert_eq!(size_of::<libc::rtattr>(), 4);
        assert_eq!(size_of::<libc::nlmsgerr>(), 20);
    }

    #[test]
    fn ioctl_structs_match_arm64() {
        assert_eq!(size_of::<libc::ifreq>(), 40);
        assert_eq!(offset_of!(libc::ifreq, ifr_ifru), 16);
        assert_eq!(size_of::<libc::ifconf>(), 16);
        assert_eq!(offset_of!(libc::ifconf, ifc_ifcu), 8);
        let host = [
            // libc lacks these: asm-generic/sockios.h, which x86-64 uses too.
            ("FIOSETOWN", 0x8901),
            ("SIOCSPGRP", 0x8902),
            ("FIOGETOWN", 0x8903),
            ("SIOCGPGRP", 0x8904),
            ("SIOCATMARK", 0x8905),
            ("SIOCGSTAMP_OLD", 0x8906),
            ("SIOCGSTAMPNS_OLD", 0x8907),
            ("SIOCGIFNAME", libc::SIOCGIFNAME),
            ("SIOCGIFCONF", libc::SIOCGIFCONF),
            ("SIOCGIFFLAGS", libc::SIOCGIFFLAGS),
            ("SIOCGIFADDR", libc::SIOCGIFADDR),
            ("SIOCGIFBRDADDR", libc::SIOCGIFBRDADDR),
            ("SIOCGIFNETMASK", libc::SIOCGIFNETMASK),
            ("SIOCGIFMTU", libc::SIOCGIFMTU),
            ("SIOCGIFHWADDR", libc::SIOCGIFHWADDR),
            ("SIOCGIFINDEX", libc::SIOCGIFINDEX),
            ("SIOCOUTQNSD", libc::SIOCOUTQNSD),
            // libc lacks it: _IO(7, 0xb9), the same generic _IO encoding on both.
            ("IOCTL_VM_SOCKETS_GET_LOCAL_CID", 7 << 8 | 0xb9),
        ];
        assert_eq!(host.len(), IOCTLS.len());
        for (name, h) in host {
            let e = IOCTLS.iter().find(|e| e.0 == name).unwrap();
            assert_eq!((e.1, e.2), (h, h), "{name}");
        }
    }

    #[test]
    fn constants_equal_on_both_sides_and_match_libc() {
        let host = [
            ("AF_UNSPEC", libc::AF_UNSPEC),
            ("AF_UNIX", libc::AF_UNIX),
            ("AF_INET", libc::AF_INET),
            ("AF_INET6", libc::AF_INET6),
            ("AF_NETLINK", libc::AF_NETLINK),
            ("AF_PACKET", libc::AF_PACKET),
            ("SOCK_STREAM", libc::SOCK_STREAM),
            ("SOCK_DGRAM", libc::SOCK_DGRAM),
            ("SOCK_RAW", libc::SOCK_RAW),
            ("SOCK_SEQPACKET", libc::SOCK_SEQPACKET),
            ("SOCK_NONBLOCK", libc::SOCK_NONBLOCK),
            ("SOCK_CLOEXEC", libc::SOCK_CLOEXEC),
            ("SOL_SOCKET", libc::SOL_SOCKET),
            ("SOL_IP", libc::SOL_IP),
            ("SOL_TCP", libc::SOL_TCP),
            ("SOL_UDP", libc::SOL_UDP),
            ("SOL_IPV6", libc::SOL_IPV6),
            ("SOL_NETLINK", libc::SOL_NETLINK),
            ("SO_DEBUG", libc::SO_DEBUG),
            ("SO_REUSEADDR", libc::SO_REUSEADDR),
            ("SO_TYPE", libc::SO_TYPE),
            ("SO_ERROR", libc::SO_ERROR),
            ("SO_DONTROUTE", libc::SO_DONTROUTE),
            ("SO_BROADCAST", libc::SO_BROADCAST),
            ("SO_SNDBUF", libc::SO_SNDBUF),
            ("SO_RCVBUF", libc::SO_RCVBUF),
            ("SO_KEEPALIVE", libc::SO_KEEPALIVE),
            ("SO_OOBINLINE", libc::SO_OOBINLINE),
            ("SO_NO_CHECK", libc::SO_NO_CHECK),
            ("SO_PRIORITY", libc::SO_PRIORITY),
            ("SO_LINGER", libc::SO_LINGER),
            ("SO_BSDCOMPAT", libc::SO_BSDCOMPAT),
            ("SO_REUSEPORT", libc::SO_REUSEPORT),
            ("SO_PASSCRED", libc::SO_PASSCRED),
            ("SO_PEERCRED", libc::SO_PEERCRED),
            ("SO_RCVLOWAT", libc::SO_RCVLOWAT),
            ("SO_SNDLOWAT", libc::SO_SNDLOWAT),
            ("SO_RCVTIMEO_OLD", libc::SO_RCVTIMEO),
            ("SO_SNDTIMEO_OLD", libc::SO_SNDTIMEO),
            ("SO_BINDTODEVICE", libc::SO_BINDTODEVICE),
            ("SO_ATTACH_FILTER", libc::SO_ATTACH_FILTER),
            ("SO_DETACH_FILTER", libc::SO_DETACH_FILTER),
            ("SO_PEERNAME", libc::SO_PEERNAME),
            ("SO_TIMESTAMP_OLD", libc::SO_TIMESTAMP),
            ("SO_ACCEPTCONN", libc::SO_ACCEPTCONN),
            ("SO_PEERSEC", libc::SO_PEERSEC),
            ("SO_SNDBUFFORCE", libc::SO_SNDBUFFORCE),
            ("SO_RCVBUFFORCE", libc::SO_RCVBUFFORCE),
            ("SO_PASSSEC", libc::SO_PASSSEC),
            ("SO_TIMESTAMPNS_OLD", libc::SO_TIMESTAMPNS),
            ("SO_MARK", libc::SO_MARK),
            ("SO_TIMESTAMPING_OLD", libc::SO_TIMESTAMPING),
            ("SO_PROTOCOL", libc::SO_PROTOCOL),
            ("SO_DOMAIN", libc::SO_DOMAIN),
            ("SO_RXQ_OVFL", libc::SO_RXQ_OVFL),
            ("SO_PEEK_OFF", libc::SO_PEEK_OFF),
            ("SO_BUSY_POLL", libc::SO_BUSY_POLL),
            ("SO_INCOMING_CPU", libc::SO_INCOMING_CPU),
            ("SO_COOKIE", libc::SO_COOKIE),
            ("SO_PEERGROUPS", libc::SO_PEERGROUPS),
            ("SO_ZEROCOPY", libc::SO_ZEROCOPY),
            ("SO_TXTIME", libc::SO_TXTIME),
            ("SO_BINDTOIFINDEX", libc::SO_BINDTOIFINDEX),
            ("SO_TIMESTAMP_NEW", libc::SO_TIMESTAMP_NEW),
            ("SO_TIMESTAMPNS_NEW", libc::SO_TIMESTAMPNS_NEW),
            ("SO_TIMESTAMPING_NEW", libc::SO_TIMESTAMPING_NEW),
            ("SO_RCVTIMEO_NEW", libc::SO_RCVTIMEO_NEW),
            ("SO_SNDTIMEO_NEW", libc::SO_SNDTIMEO_NEW),
            ("SCM_RIGHTS", libc::SCM_RIGHTS),
            ("SCM_CREDENTIALS", libc::SCM_CREDENTIALS),
            ("MSG_OOB", libc::MSG_OOB),
            ("MSG_PEEK", libc::MSG_PEEK),
            ("MSG_DONTROUTE", libc::MSG_DONTROUTE),
            ("MSG_CTRUNC", libc::MSG_CTRUNC),
            ("MSG_TRUNC", libc::MSG_TRUNC),
            ("MSG_DONTWAIT", libc::MSG_DONTWAIT),
            ("MSG_EOR", libc::MSG_EOR),
            ("MSG_WAITALL", libc::MSG_WAITALL),
            ("MSG_CONFIRM", libc::MSG_CONFIRM),
            ("MSG_ERRQUEUE", libc::MSG_ERRQUEUE),
            ("MSG_NOSIGNAL", libc::MSG_NOSIGNAL),
            ("MSG_MORE", libc::MSG_MORE),
            ("MSG_WAITFORONE", libc::MSG_WAITFORONE),
            ("MSG_FASTOPEN", libc::MSG_FASTOPEN),
            ("MSG_CMSG_CLOEXEC", libc::MSG_CMSG_CLOEXEC),
        ];
        assert_eq!(host.len(), CONSTANTS.len());
        for ((name, g, h), (hname, libc_value)) in CONSTANTS.iter().zip(host) {
            assert_eq!(*name, hname);
            assert_eq!(g, h, "{name}: guest and host differ");
            assert_eq!(*h, libc_value, "{name}");
        }
    }

    #[test]
    fn payload_kinds_and_conversion() {
        assert_eq!(
            Payload::of_option(SOL_SOCKET, SO_RCVTIMEO_OLD),
            Payload::Timeval
        );
        assert_eq!(Payload::of_option(SOL_SOCKET, SO_LINGER), Payload::Linger);
        assert_eq!(Payload::of_option(6, SO_LINGER), Payload::Raw); // TCP_MAXSEG
                                                                    // Options that share a number with a control message type are ints.
        assert_eq!(
            Payload::of_option(SOL_SOCKET, SCM_CREDENTIALS),
            Payload::Raw
        ); // SO_REUSEADDR
        assert_eq!(
            Payload::of_option(SOL_SOCKET, SO_TIMESTAMP_OLD),
            Payload::Raw
        );
        assert_eq!(
            Payload::of_option(SOL_SOCKET, SO_TIMESTAMPING_OLD),
            Payload::Raw
        );
        assert_eq!(
            Payload::of_cmsg(SOL_SOCKET, SCM_CREDENTIALS),
            Payload::Ucred
        );
        assert_eq!(
            Payload::of_cmsg(SOL_SOCKET, SO_TIMESTAMPING_NEW),
            Payload::Timespec
        );
        assert_eq!(Payload::of_cmsg(SOL_SOCKET, SCM_RIGHTS), Payload::Raw);
        assert_eq!(Payload::of_cmsg(0, SCM_CREDENTIALS), Payload::Raw); // IP_TTL
        let l = Linger {
            l_onoff: 1,
            l_linger: 7,
        };
        let g = unsafe_bytes(&l);
        let h = Payload::Linger.convert(&g, true);
        let hl = libc::linger {
            l_onoff: 1,
            l_linger: 7,
        };
        // SAFETY: libc::linger is two ints.
        assert_eq!(h, unsafe { raw_bytes(&hl) });
        assert_eq!(Payload::Linger.convert(&h, false), g);
        // Three timespecs (SO_TIMESTAMPING), then a partial tail copied as is.
        let mut ts = Vec::new();
        for i in 0..3 {
            ts.extend(unsafe_bytes(&Timespec {
                tv_sec: i,
                tv_nsec: 10 * i,
            }));
        }
        ts.extend([1, 2, 3]);
        assert_eq!(Payload::Timespec.convert(&ts, true), ts);
        assert_eq!(Payload::Timespec.guest_size(), Some(16));
    }

    fn unsafe_bytes<T: crate::abi::GuestPod>(v: &T) -> Vec<u8> {
        // SAFETY: GuestPod types have no padding.
        unsafe { raw_bytes(v) }.to_vec()
    }

    #[test]
    fn sock_flags_are_open_flags() {
        use crate::abi::flags::OPEN_FLAGS;
        let guest = |n: &str| OPEN_FLAGS.iter().find(|f| f.0 == n).unwrap().1;
        assert_eq!(SOCK_NONBLOCK, guest("O_NONBLOCK"));
        assert_eq!(SOCK_CLOEXEC, guest("O_CLOEXEC"));
        let all = 1 | SOCK_NONBLOCK | SOCK_CLOEXEC;
        assert_eq!(
            sock_type_to_host(all),
            Some(libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC)
        );
        assert_eq!(sock_type_to_host(5), Some(libc::SOCK_SEQPACKET));
        assert_eq!(sock_flags_to_host(SOCK_CLOEXEC), Some(libc::SOCK_CLOEXEC));
        // The guest's O_DIRECTORY bit is no socket flag.
        assert_eq!(sock_type_to_host(1 | 0o40000), None);
        assert_eq!(sock_flags_to_host(1), None);
    }
}
