//! Sending and receiving: sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg.
//!
//! Data buffers, socket addresses and iovec arrays have the same layout on the host
//! (abi::socket and abi::misc tests) and pass through; the host kernel checks those
//! guest pointers. Each `msghdr` is rebuilt for the host around a translated control
//! chain ([`super::cmsg`]); the fields the kernel writes back (msg_namelen,
//! msg_controllen, msg_flags, mmsghdr.msg_len) are copied to the guest's. All six
//! may block: they go through [`super::blocking`].

use super::cmsg;
use super::unix_path;
use super::Wait::{Receive, Send};
use crate::abi::errno::Errno;
use crate::abi::socket::{Mmsghdr, Msghdr};
use crate::abi::socket_consts::MSG_CTRUNC;
use crate::guest_mem::{read_bytes, read_val, write_bytes, write_val};
use crate::overlay::Last;
use crate::process::Process;
use crate::thread::Task;
use crate::{Outcome, SysResult};

/// The largest control buffer taken from or given to the guest. sendmsg beyond it is
/// ENOBUFS, as the kernel says beyond its optmem_max (at most 128 KiB by default); a
/// larger receive buffer is only filled up to it (an SCM_RIGHTS message holds at most
/// 253 fds, about 1 KiB).
const CONTROL_MAX: u64 = 1 << 20;
/// The kernel's UIO_MAXIOV: sendmmsg/recvmmsg handle at most this many messages.
const UIO_MAXIOV: u64 = 1024;
/// The control bytes one sendmmsg/recvmmsg holds at once: the kernel handles the
/// messages one after the other, this layer hands the host the whole vector, so a
/// vector whose control buffers add up to more is cut short (both calls may move
/// fewer messages than asked; the caller goes on with the rest).
const VECTOR_CONTROL_MAX: usize = 4 << 20;
/// Where `mmsghdr.msg_len` sits in a guest entry.
const MSG_LEN_OFFSET: u64 = std::mem::offset_of!(Mmsghdr, msg_len) as u64;
/// Where `mmsghdr.msg_hdr.msg_namelen` sits in a guest entry.
const NAMELEN_OFFSET: u64 =
    (std::mem::offset_of!(Mmsghdr, msg_hdr) + std::mem::offset_of!(Msghdr, msg_namelen)) as u64;

/// A guest `msghdr` as the host kernel gets it.
struct HostMsg {
    hdr: libc::msghdr,
    /// The host control chain `hdr.msg_control` points to (a heap buffer: it does not
    /// move with the `HostMsg`).
    control: Vec<u8>,
    /// The host address `hdr.msg_name` points to when the sysroot places an AF_UNIX
    /// path elsewhere ([`unix_path`]).
    name: Option<unix_path::HostAddr>,
}

impl HostMsg {
    fn new(g: &Msghdr, control: Vec<u8>) -> HostMsg {
        // SAFETY: msghdr is integers and pointers, for which zero is valid.
        let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
        hdr.msg_name = g.msg_name as usize as *mut libc::c_void;
        hdr.msg_namelen = g.msg_namelen;
        hdr.msg_iov = g.msg_iov as usize as *mut libc::iovec;
        hdr.msg_iovlen = g.msg_iovlen as usize;
        hdr.msg_flags = g.msg_flags as i32;
        let mut m = HostMsg {
            hdr,
            control,
            name: None,
        };
        m.hdr.msg_controllen = m.control.len();
        if !m.control.is_empty() {
            m.hdr.msg_control = m.control.as_mut_ptr().cast();
        }
        m
    }

    /// For sendmsg: the guest's control chain read and translated (EFAULT, or ENOBUFS
    /// beyond [`CONTROL_MAX`]).
    fn to_send(p: &Process, g: &Msghdr) -> Result<HostMsg, Errno> {
        if g.msg_controllen > CONTROL_MAX {
            return Err(Errno::ENOBUFS);
        }
        let mut raw = vec![0u8; g.msg_controllen as usize];
        read_bytes(g.msg_control, &mut raw)?;
        let mut m = HostMsg::new(g, cmsg::to_host(&raw));
        m.name = unix_path::host_addr(p, g.msg_name, g.msg_namelen.into(), Last::Follow)?;
        if let Some(h) = &m.name {
            m.hdr.msg_name = h.ptr() as usize as *mut libc::c_void;
            m.hdr.msg_namelen = h.len();
        }
        Ok(m)
    }

    /// For recvmsg: a host control buffer as large as the guest's.
    fn to_receive(g: &Msghdr) -> HostMsg {
        HostMsg::new(g, vec![0u8; g.msg_controllen.min(CONTROL_MAX) as usize])
    }

    /// After a receive: gives the guest the control chain and returns its `msghdr`
    /// with the fields the kernel writes.
    fn received(&self, g: &Msghdr) -> Msghdr {
        let used = &self.control[..self.hdr.msg_controllen.min(self.control.len())];
        let r = cmsg::to_guest(used, self.control.len());
        let mut flags = self.hdr.msg_flags as u32;
        if r.truncated {
            flags |= MSG_CTRUNC;
        }
        // Like the kernel's put_cmsg, an unwritable control buffer does not fail the
        // receive: no message is delivered and fds passed along are not installed.
        let controllen = match write_bytes(g.msg_control, &r.bytes) {
            Ok(()) => r.bytes.len() as u64,
            Err(_) => {
                for fd in cmsg::received_fds(used) {
                    // SAFETY: closing an fd the host kernel just installed for us.
                    unsafe { libc::close(fd) };
                }
                0
            }
        };
        Msghdr {
            msg_namelen: self.hdr.msg_namelen,
            msg_controllen: controllen,
            msg_flags: flags,
            ..*g
        }
    }
}

pub fn sendto(p: &mut Task, mut a: [u64; 6]) -> SysResult {
    // Buffer and sockaddr pass through, but for an AF_UNIX path the sysroot places;
    // MSG_* flags agree (abi::socket_consts::CONSTANTS).
    let host = unix_path::host_addr(p, a[4], a[5], Last::Follow)?;
    if let Some(h) = &host {
        (a[4], a[5]) = (h.ptr(), h.len().into());
    }
    super::blocking(p, Send, crate::host::nr::SYS_sendto, a)
}

pub fn recvfrom(p: &mut Task, a: [u64; 6]) -> SysResult {
    // Buffer, sockaddr and socklen pointers pass through; MSG_* flags agree.
    let room = unix_path::room(a[4], a[5]);
    let r = super::blocking(p, Receive, crate::host::nr::SYS_recvfrom, a);
    unix_path::received_from(p, r, (a[4], a[5]), room)
}

pub fn sendmsg(p: &mut Task, a: [u64; 6]) -> SysResult {
    let m = HostMsg::to_send(p, &read_val::<Msghdr>(a[1])?)?;
    let host = [a[0], &m.hdr as *const _ as u64, a[2], 0, 0, 0];
    super::blocking(p, Send, crate::host::nr::SYS_sendmsg, host)
}

pub fn recvmsg(p: &mut Task, a: [u64; 6]) -> SysResult {
    let g = read_val::<Msghdr>(a[1])?;
    let mut m = HostMsg::to_receive(&g);
    let host = [a[0], &mut m.hdr as *mut _ as u64, a[2], 0, 0, 0];
    let r = super::blocking(p, Receive, crate::host::nr::SYS_recvmsg, host)?;
    write_val(a[1], &m.received(&g))?;
    let namelen = a[1] + std::mem::offset_of!(Msghdr, msg_namelen) as u64;
    let room = if g.msg_name == 0 { 0 } else { g.msg_namelen };
    unix_path::received_from(p, Ok(r), (g.msg_name, namelen), room)
}

/// The guest's mmsghdr array rebuilt for the host, up to the first entry that cannot
/// be (the kernel, too, handles the entries before a bad one and returns their
/// count) or that would go beyond [`VECTOR_CONTROL_MAX`]. The error is returned when
/// not even the first entry could be built.
fn host_msgs(
    a: [u64; 6],
    build: impl Fn(&Msghdr) -> Result<HostMsg, Errno>,
) -> Result<(Vec<Mmsghdr>, Vec<HostMsg>), Errno> {
    let vlen = (a[2] as u32 as u64).min(UIO_MAXIOV);
    let (mut guest, mut host) = (Vec::new(), Vec::new());
    let mut control = 0;
    for i in 0..vlen {
        let built =
            read_val::<Mmsghdr>(entry(a[1], i as usize)).and_then(|g| Ok((g, build(&g.msg_hdr)?)));
        match built {
            Ok((_, h)) if i > 0 && control + h.control.len() > VECTOR_CONTROL_MAX => break,
            Ok((g, h)) => {
                control += h.control.len();
                guest.push(g);
                host.push(h);
            }
            Err(e) if i == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok((guest, host))
}

fn entry(base: u64, i: usize) -> u64 {
    base.wrapping_add((i * std::mem::size_of::<Mmsghdr>()) as u64)
}

/// The host `mmsghdr` array for `msgs`.
fn host_array(msgs: &[HostMsg]) -> Vec<libc::mmsghdr> {
    msgs.iter()
        .map(|m| libc::mmsghdr {
            msg_hdr: m.hdr,
            msg_len: 0,
        })
        .collect()
}

/// sendmmsg(fd, msgvec, vlen, flags).
pub fn sendmmsg(p: &mut Task, a: [u64; 6]) -> SysResult {
    let (_, msgs) = host_msgs(a, |g| HostMsg::to_send(p, g))?;
    let mut arr = host_array(&msgs);
    let host = [a[0], arr.as_mut_ptr() as u64, arr.len() as u64, a[3], 0, 0];
    let r = super::blocking(p, Send, crate::host::nr::SYS_sendmmsg, host)?;
    if let Outcome::Ret(n) = r {
        for (i, h) in arr.iter().take(n as usize).enumerate() {
            write_val(entry(a[1], i) + MSG_LEN_OFFSET, &h.msg_len)?;
        }
    }
    Ok(r)
}

/// recvmmsg(fd, msgvec, vlen, flags, timeout): the timeout is a `__kernel_timespec`
/// (same layout, abi::time) that the host kernel reads and updates in place. AF_UNIX
/// source names are guest paths ([`unix_path`]).
pub fn recvmmsg(p: &mut Task, a: [u64; 6]) -> SysResult {
    let (guest, mut msgs) = host_msgs(a, |g| Ok(HostMsg::to_receive(g)))?;
    let mut arr = host_array(&msgs);
    let host = [
        a[0],
        arr.as_mut_ptr() as u64,
        arr.len() as u64,
        a[3],
        a[4],
        0,
    ];
    let r = super::blocking(p, Receive, crate::host::nr::SYS_recvmmsg, host)?;
    if let Outcome::Ret(n) = r {
        for (i, h) in arr.iter().take(n as usize).enumerate() {
            // The host kernel updated its array's copy of each header.
            msgs[i].hdr = h.msg_hdr;
            let g = Mmsghdr {
                msg_hdr: msgs[i].received(&guest[i].msg_hdr),
                msg_len: h.msg_len,
                ..guest[i]
            };
            write_val(entry(a[1], i), &g)?;
            // An AF_UNIX sender in the sysroot is named by its guest path, as recvmsg does.
            let hdr = &guest[i].msg_hdr;
            if hdr.msg_name != 0 && hdr.msg_namelen != 0 {
                let namelen = entry(a[1], i) + NAMELEN_OFFSET;
                unix_path::to_guest_addr(p, hdr.msg_name, namelen, hdr.msg_namelen)?;
            }
        }
    }
    Ok(r)
}
