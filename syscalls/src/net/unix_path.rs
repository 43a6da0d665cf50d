//! AF_UNIX socket paths under a sysroot: the `sun_path` of bind, connect, sendto,
//! sendmsg and sendmmsg names a file as any guest path does (`crate::overlay`: ROOT first, symlinks
//! in the guest's terms, relative to the guest's working directory), and the names
//! getsockname, getpeername, accept, recvfrom, recvmsg and recvmmsg report are
//! guest paths again.
//!
//! A path the host finds as given passes unchanged (so the kernel keeps the name the
//! guest bound, relative or not); another one goes as its host path, relative to the
//! working directory when under it, else absolute, else (longer than `sun_path`) as
//! /proc/self/fd/N/NAME of its directory opened for the call.

use crate::abi::errno::Errno;
use crate::abi::flags::AT_FDCWD;
use crate::fs::host_at;
use crate::guest_mem::{read_bytes, read_val, write_bytes, write_val};
use crate::overlay::{self, Last};
use crate::process::Process;
use crate::{Outcome, SysResult};
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

/// AF_UNIX (generic).
const AF_UNIX: u16 = 1;
/// `sizeof(struct sockaddr_un)`: the family and 108 path bytes (generic).
const SOCKADDR_UN_LEN: usize = 110;
const SUN_PATH_OFFSET: usize = 2;

/// A `struct sockaddr_un` for the host call (on the heap: its address stays as the
/// value moves), with the directory it may name through /proc/self/fd.
pub(super) struct HostAddr {
    bytes: Box<[u8; SOCKADDR_UN_LEN]>,
    len: u32,
    _dir: Option<OwnedFd>,
}

impl HostAddr {
    pub(super) fn ptr(&self) -> u64 {
        self.bytes.as_ptr() as u64
    }

    pub(super) fn len(&self) -> u32 {
        self.len
    }
}

/// The host address for guest sockaddr `(addr, len)` when it is an AF_UNIX path the
/// sysroot places elsewhere than the host would; `None`: pass the guest's as it is.
/// `last`: bind makes the name ([`Last::Parent`]), connect and send follow it.
pub(super) fn host_addr(
    p: &Process,
    addr: u64,
    len: u64,
    last: Last,
) -> Result<Option<HostAddr>, Errno> {
    if p.sysroot.is_none() || addr == 0 || len <= SUN_PATH_OFFSET as u64 {
        return Ok(None);
    }
    if len > SOCKADDR_UN_LEN as u64 {
        return Ok(None); // EINVAL from the host
    }
    let mut guest = vec![0u8; len as usize];
    read_bytes(addr, &mut guest)?;
    if u16::from_ne_bytes([guest[0], guest[1]]) != AF_UNIX || guest[SUN_PATH_OFFSET] == 0 {
        return Ok(None); // another family, or an abstract name
    }
    let sun = &guest[SUN_PATH_OFFSET..];
    let raw = sun[..sun.iter().position(|&b| b == 0).unwrap_or(sun.len())].to_vec();
    let host = host_at(p, AT_FDCWD, raw.clone(), last)?.path.into_bytes();
    let host = match overlay::host_cwd() {
        Some(mut cwd) if !raw.starts_with(b"/") => {
            cwd.push(b'/');
            host.strip_prefix(cwd.as_slice())
                .map_or(host.clone(), <[u8]>::to_vec)
        }
        _ => host,
    };
    if host == raw {
        return Ok(None);
    }
    let (path, dir) = if host.len() < SOCKADDR_UN_LEN - SUN_PATH_OFFSET {
        (host, None)
    } else {
        by_directory(&host)?
    };
    let mut bytes = Box::new([0u8; SOCKADDR_UN_LEN]);
    bytes[..SUN_PATH_OFFSET].copy_from_slice(&AF_UNIX.to_ne_bytes());
    bytes[SUN_PATH_OFFSET..SUN_PATH_OFFSET + path.len()].copy_from_slice(&path);
    Ok(Some(HostAddr {
        bytes,
        len: (SUN_PATH_OFFSET + path.len() + 1) as u32,
        _dir: dir,
    }))
}

/// A host path too long for `sun_path` as /proc/self/fd/N/NAME, N its directory.
fn by_directory(host: &[u8]) -> Result<(Vec<u8>, Option<OwnedFd>), Errno> {
    let cut = host
        .iter()
        .rposition(|&b| b == b'/')
        .ok_or(Errno::ENAMETOOLONG)?;
    let dir = CString::new(&host[..cut.max(1)]).map_err(|_| Errno::EINVAL)?;
    // SAFETY: a valid C string; open returns a new descriptor or -1.
    let fd = unsafe {
        libc::open(
            dir.as_ptr(),
            libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(Errno::last());
    }
    // SAFETY: `fd` was just opened and is owned here alone.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut path = format!("/proc/self/fd/{}", fd.as_raw_fd()).into_bytes();
    path.extend_from_slice(&host[cut..]);
    if path.len() >= SOCKADDR_UN_LEN - SUN_PATH_OFFSET {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok((path, Some(fd)))
}

/// The size of the guest's address buffer `(addr, lenp)` before a call fills it: 0
/// without one (or an unreadable length, which the kernel reports).
pub(super) fn room(addr: u64, lenp: u64) -> u32 {
    if addr == 0 || lenp == 0 {
        return 0;
    }
    read_val(lenp).unwrap_or(0)
}

/// After a call returned `r` and, on success, wrote an address to guest `(addr,
/// lenp)`: [`to_guest_addr`].
pub(super) fn received_from(
    p: &Process,
    r: SysResult,
    (addr, lenp): (u64, u64),
    room: u32,
) -> SysResult {
    if room != 0 && matches!(r, Ok(Outcome::Ret(_))) {
        to_guest_addr(p, addr, lenp, room)?;
    }
    r
}

/// After getsockname, getpeername, accept or a receive wrote an address to guest `(addr, lenp)` (the
/// guest's buffer `room` bytes long): an AF_UNIX path in the sysroot becomes its
/// guest path, with the length the kernel would give it.
pub(super) fn to_guest_addr(p: &Process, addr: u64, lenp: u64, room: u32) -> Result<(), Errno> {
    let Some(root) = p.sysroot.as_ref() else {
        return Ok(());
    };
    if room == 0 {
        return Ok(());
    }
    let len: u32 = read_val(lenp)?;
    let seen = (len.min(room) as usize).min(SOCKADDR_UN_LEN);
    if seen <= SUN_PATH_OFFSET {
        return Ok(());
    }
    let mut bytes = vec![0u8; seen];
    read_bytes(addr, &mut bytes)?;
    if u16::from_ne_bytes([bytes[0], bytes[1]]) != AF_UNIX || len as usize > seen {
        return Ok(()); // another family, or a name the guest did not get whole
    }
    let sun = &bytes[SUN_PATH_OFFSET..];
    let path = &sun[..sun.iter().position(|&b| b == 0).unwrap_or(sun.len())];
    let root = root.as_os_str().as_bytes();
    if !path.starts_with(root) || path.get(root.len()) != Some(&b'/') {
        return Ok(());
    }
    let mut out = AF_UNIX.to_ne_bytes().to_vec();
    out.extend_from_slice(&path[root.len()..]);
    out.push(0);
    let full = out.len() as u32;
    write_bytes(addr, &out[..out.len().min(room as usize)])?;
    write_val(lenp, &full)
}
