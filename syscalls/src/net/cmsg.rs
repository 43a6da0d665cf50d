//! Control messages: a guest `msg_control` chain of `cmsghdr`s rebuilt for the host
//! (sendmsg) and back (recvmsg).
//!
//! The host's `cmsghdr` and CMSG_ALIGN are the guest's (abi::socket tests), so one
//! encoder writes both chains; each message's data converts by
//! [`Payload`] (SCM_CREDENTIALS' ucred, SO_TIMESTAMP*'s timevals and timespecs; fd
//! numbers of SCM_RIGHTS are the same on both sides).

use crate::abi::errno::Errno;
use crate::abi::socket::{cmsg_align, Cmsghdr, Payload, CMSG_HDR};
use crate::abi::socket_consts::{SCM_RIGHTS, SOL_SOCKET};

/// One control message: level, type and data.
struct Cmsg<'a> {
    level: i32,
    ty: i32,
    data: &'a [u8],
}

/// The first `N` bytes of `b` (which holds at least `N`).
fn bytes<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&b[..N]);
    a
}

/// The header at the start of `b` (which holds at least [`CMSG_HDR`] bytes).
fn header(b: &[u8]) -> Cmsghdr {
    Cmsghdr {
        cmsg_len: u64::from_ne_bytes(bytes(b)),
        cmsg_level: i32::from_ne_bytes(bytes(&b[8..])),
        cmsg_type: i32::from_ne_bytes(bytes(&b[12..])),
    }
}

/// Walks a chain as the kernel's CMSG_FIRSTHDR/CMSG_NXTHDR do: a header must fit in
/// what is left; a message whose length is below the header or beyond the buffer is
/// malformed (the kernel's CMSG_OK: EINVAL).
fn parse(buf: &[u8]) -> Result<Vec<Cmsg<'_>>, Errno> {
    let mut out = Vec::new();
    let mut off = 0;
    while buf.len() - off >= CMSG_HDR {
        let h = header(&buf[off..]);
        let left = (buf.len() - off) as u64;
        if h.cmsg_len < CMSG_HDR as u64 || h.cmsg_len > left {
            return Err(Errno::EINVAL);
        }
        let len = h.cmsg_len as usize;
        out.push(Cmsg {
            level: h.cmsg_level,
            ty: h.cmsg_type,
            data: &buf[off + CMSG_HDR..off + len],
        });
        off = (off + cmsg_align(len)).min(buf.len());
    }
    Ok(out)
}

/// Appends one message with `data` cut to `room` bytes in all (header included), as
/// the kernel's put_cmsg does, then its padding (within `room`). Returns whether the
/// message was cut.
fn push(out: &mut Vec<u8>, level: i32, ty: i32, data: &[u8], room: usize) -> bool {
    let len = CMSG_HDR + data.len();
    let take = len.min(room);
    out.extend_from_slice(&(take as u64).to_ne_bytes());
    out.extend_from_slice(&level.to_ne_bytes());
    out.extend_from_slice(&ty.to_ne_bytes());
    out.extend_from_slice(&data[..take - CMSG_HDR]);
    let pad = cmsg_align(len).min(room) - take;
    out.resize(out.len() + pad, 0);
    take < len
}

/// The guest's control chain for sendmsg → the host's. A malformed chain goes to
/// the host as it is (the layouts agree): the host kernel then answers as the guest's
/// would, EINVAL from the protocols that parse control messages.
pub fn to_host(guest: &[u8]) -> Vec<u8> {
    let Ok(msgs) = parse(guest) else {
        return guest.to_vec();
    };
    let mut out = Vec::with_capacity(guest.len());
    for m in msgs {
        let data = Payload::of_cmsg(m.level, m.ty).convert(m.data, true);
        push(&mut out, m.level, m.ty, &data, usize::MAX);
    }
    out
}

/// A received chain in the guest's form.
pub struct Received {
    /// The guest chain: its length is the guest's new msg_controllen.
    pub bytes: Vec<u8>,
    /// Something did not fit in the guest's buffer (MSG_CTRUNC).
    pub truncated: bool,
}

/// The host's received chain (`msg_controllen` bytes) → the guest's, within the
/// guest's `cap` bytes.
pub fn to_guest(host: &[u8], cap: usize) -> Received {
    let mut r = Received {
        bytes: Vec::new(),
        truncated: false,
    };
    // The kernel wrote this chain: a malformed one cannot happen, and is dropped.
    for m in parse(host).unwrap_or_default() {
        let room = cap - r.bytes.len();
        if room < CMSG_HDR {
            r.truncated = true;
            break;
        }
        let data = Payload::of_cmsg(m.level, m.ty).convert(m.data, false);
        if push(&mut r.bytes, m.level, m.ty, &data, room) {
            r.truncated = true;
            break;
        }
    }
    r
}

/// The fds an SCM_RIGHTS message of a host chain installed (to close them when the
/// guest cannot be given them).
pub fn received_fds(host: &[u8]) -> Vec<i32> {
    parse(host)
        .unwrap_or_default()
        .iter()
        .filter(|m| m.level == SOL_SOCKET && m.ty == SCM_RIGHTS)
        .flat_map(|m| m.data.chunks_exact(4))
        .map(|c| i32::from_ne_bytes(bytes(c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::socket_consts::{SCM_CREDENTIALS, SO_TIMESTAMPNS_OLD};

    fn msg(level: i32, ty: i32, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        push(&mut v, level, ty, data, usize::MAX);
        v
    }

    /// Builds a chain with the host libc's CMSG_* macros.
    fn host_chain(msgs: &[(i32, i32, &[u8])]) -> Vec<u8> {
        let space: usize = msgs
            .iter()
            // SAFETY: CMSG_SPACE is arithmetic.
            .map(|m| unsafe { libc::CMSG_SPACE(m.2.len() as u32) } as usize)
            .sum();
        let mut buf = vec![0u8; space];
        // SAFETY: a zeroed msghdr pointing at `buf`; the CMSG_* macros stay inside it.
        unsafe {
            let mut mh: libc::msghdr = std::mem::zeroed();
            mh.msg_control = buf.as_mut_ptr().cast();
            mh.msg_controllen = space;
            let mut c = libc::CMSG_FIRSTHDR(&mh);
            for (level, ty, data) in msgs {
                (*c).cmsg_len = libc::CMSG_LEN(data.len() as u32) as usize;
                (*c).cmsg_level = *level;
                (*c).cmsg_type = *ty;
                let d = libc::CMSG_DATA(c);
                std::ptr::copy_nonoverlapping(data.as_ptr(), d, data.len());
                c = libc::CMSG_NXTHDR(&mh, c);
            }
        }
        buf
    }

    #[test]
    fn guest_chain_equals_host_macros() {
        let fds = [3i32, 4, 5].map(i32::to_ne_bytes).concat();
        let cred = [1u8; 12];
        let mut g = msg(SOL_SOCKET, SCM_RIGHTS, &fds);
        g.extend(msg(SOL_SOCKET, SCM_CREDENTIALS, &cred));
        let h = host_chain(&[
            (SOL_SOCKET, SCM_RIGHTS, &fds),
            (SOL_SOCKET, SCM_CREDENTIALS, &cred),
        ]);
        assert_eq!(to_host(&g), h);
        let back = to_guest(&h, h.len());
        assert_eq!(back.bytes, g);
        assert!(!back.truncated);
        assert_eq!(received_fds(&h), vec![3, 4, 5]);
    }

    #[test]
    fn malformed_chains_pass_unchanged() {
        let mut g = msg(SOL_SOCKET, SCM_RIGHTS, &[0; 4]);
        g[0] = 8; // cmsg_len below the header
        assert_eq!(parse(&g).err(), Some(Errno::EINVAL));
        assert_eq!(to_host(&g), g);
        let mut g = msg(SOL_SOCKET, SCM_RIGHTS, &[0; 4]);
        g[0] = 200; // beyond the buffer
        assert_eq!(parse(&g).err(), Some(Errno::EINVAL));
        assert_eq!(to_host(&g), g);
        // Fewer bytes than a header: no message at all.
        assert_eq!(to_host(&[0; 15]), Vec::<u8>::new());
    }

    #[test]
    fn unpadded_last_message_is_accepted() {
        let g = msg(SOL_SOCKET, SCM_RIGHTS, &[7, 0, 0, 0]);
        assert_eq!(g.len(), 24);
        let h = to_host(&g[..20]);
        assert_eq!(h, g);
    }

    #[test]
    fn truncation_sets_ctrunc_like_put_cmsg() {
        let ts = [9u8; 16];
        let h = host_chain(&[(SOL_SOCKET, SO_TIMESTAMPNS_OLD, &ts)]);
        // Room for the header and 4 data bytes: cut, cmsg_len says 20.
        let r = to_guest(&h, 20);
        assert!(r.truncated);
        assert_eq!(r.bytes.len(), 20);
        assert_eq!(header(&r.bytes).cmsg_len, 20);
        // Less than a header: nothing written.
        let r = to_guest(&h, 10);
        assert!(r.truncated);
        assert!(r.bytes.is_empty());
        // Exactly CMSG_LEN (no room for padding): whole, not cut.
        let r = to_guest(&h, 32);
        assert!(!r.truncated);
        assert_eq!(r.bytes.len(), 32);
    }
}
