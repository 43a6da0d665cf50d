//! Guest socket structs: `msghdr`, `cmsghdr`, `mmsghdr`, `linger`, `ucred`, and how
//! option values and control message data convert to the host's ([`Payload`]).
//! The constants are in `abi::socket_consts`.
//!
//! Socket addresses (`sockaddr_un`, `_in`, `_in6`, `_nl`, `_vm`), netlink messages
//! and the other option structs use fixed-width fields only and pass through: their
//! layout tests are below.

use super::guest_pod;
use super::socket_consts::{
    SCM_CREDENTIALS, SOL_SOCKET, SO_LINGER, SO_PEERCRED, SO_RCVTIMEO_NEW, SO_RCVTIMEO_OLD,
    SO_SNDTIMEO_NEW, SO_SNDTIMEO_OLD, SO_TIMESTAMPING_NEW, SO_TIMESTAMPING_OLD, SO_TIMESTAMPNS_NEW,
    SO_TIMESTAMPNS_OLD, SO_TIMESTAMP_NEW, SO_TIMESTAMP_OLD,
};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;
    use crate::abi::socket_consts::SCM_RIGHTS;
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
}
