//! Socket constants: address families, socket types and creation flags, option
//! levels, `SO_*` options, `SCM_*` control message types, `MSG_*` flags and the socket
//! ioctls, each as (name, arm64 guest value, x86-64 host value).
//!
//! Guest values: include/linux/socket.h, include/linux/net.h and
//! include/uapi/asm-generic/socket.h, sockios.h (arm64 has no overrides). The x86-64
//! host uses the same generic files, so every value here is the same on both sides;
//! the tests prove it against the host's `libc::` values instead of assuming it.

use super::term::{IoctlArg, IoctlEntry};

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
    use std::mem::{offset_of, size_of};

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
