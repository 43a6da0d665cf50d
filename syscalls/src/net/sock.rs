//! Socket setup and addresses: socket, socketpair, bind, listen, accept, accept4,
//! connect, shutdown, getsockname, getpeername.
//!
//! Address families, protocols and SHUT_* values agree on both sides and socket
//! addresses have the same layout (abi::socket tests), so sockaddr and socklen
//! pointers pass through and the host kernel checks them. Only the SOCK_NONBLOCK /
//! SOCK_CLOEXEC creation flags are translated (they are O_* flags).

use super::unix_path;
use super::Wait::{Receive, Send};
use crate::abi::errno::Errno;
use crate::abi::socket_consts::{sock_flags_to_host, sock_type_to_host};
use crate::host::{check, int, ok, ptr};
use crate::overlay::Last;
use crate::thread::Task;
use crate::SysResult;

/// A guest socket type argument for the host, EINVAL for an unknown flag bit.
fn host_type(guest: u64) -> Result<i32, Errno> {
    sock_type_to_host(guest as u32).ok_or(Errno::EINVAL)
}

pub fn socket(_: &mut Task, a: [u64; 6]) -> SysResult {
    let ty = host_type(a[1])?;
    // SAFETY: plain integer arguments.
    check(unsafe { libc::socket(int(a[0]), ty, int(a[2])) } as i64)
}

pub fn socketpair(_: &mut Task, a: [u64; 6]) -> SysResult {
    let ty = host_type(a[1])?;
    // SAFETY: the int[2] result is a guest pointer the kernel checks.
    check(unsafe { libc::socketpair(int(a[0]), ty, int(a[2]), ptr(a[3])) } as i64)
}

pub fn bind(p: &mut Task, a: [u64; 6]) -> SysResult {
    let host = unix_path::host_addr(p, a[1], a[2], Last::Parent)?;
    let (addr, len) = host
        .as_ref()
        .map_or((a[1], a[2] as u32), |h| (h.ptr(), h.len()));
    // SAFETY: the sockaddr is `host`'s, alive across the call, or a guest pointer the
    // kernel checks.
    check(unsafe { libc::bind(int(a[0]), ptr(addr), len) } as i64)
}

pub fn listen(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: plain integer arguments.
    check(unsafe { libc::listen(int(a[0]), int(a[1])) } as i64)
}

pub fn accept(p: &mut Task, a: [u64; 6]) -> SysResult {
    let room = unix_path::room(a[1], a[2]);
    let r = super::blocking(
        p,
        Receive,
        crate::host::nr::SYS_accept,
        [a[0], a[1], a[2], 0, 0, 0],
    );
    unix_path::received_from(p, r, (a[1], a[2]), room)
}

pub fn accept4(p: &mut Task, a: [u64; 6]) -> SysResult {
    let flags = sock_flags_to_host(a[3] as u32).ok_or(Errno::EINVAL)?;
    let room = unix_path::room(a[1], a[2]);
    let r = super::blocking(
        p,
        Receive,
        crate::host::nr::SYS_accept4,
        [a[0], a[1], a[2], flags as u64, 0, 0],
    );
    unix_path::received_from(p, r, (a[1], a[2]), room)
}

pub fn connect(p: &mut Task, a: [u64; 6]) -> SysResult {
    let host = unix_path::host_addr(p, a[1], a[2], Last::Follow)?;
    let (addr, len) = host
        .as_ref()
        .map_or((a[1], a[2]), |h| (h.ptr(), h.len().into()));
    super::blocking(
        p,
        Send,
        crate::host::nr::SYS_connect,
        [a[0], addr, len, 0, 0, 0],
    )
}

pub fn shutdown(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: plain integer arguments.
    check(unsafe { libc::shutdown(int(a[0]), int(a[1])) } as i64)
}

pub fn getsockname(p: &mut Task, a: [u64; 6]) -> SysResult {
    let room = unix_path::room(a[1], a[2]);
    // SAFETY: sockaddr and socklen are guest pointers the kernel checks.
    check(unsafe { libc::getsockname(int(a[0]), ptr(a[1]), ptr(a[2])) } as i64)?;
    unix_path::to_guest_addr(p, a[1], a[2], room)?;
    ok(0)
}

pub fn getpeername(p: &mut Task, a: [u64; 6]) -> SysResult {
    let room = unix_path::room(a[1], a[2]);
    // SAFETY: sockaddr and socklen are guest pointers the kernel checks.
    check(unsafe { libc::getpeername(int(a[0]), ptr(a[1]), ptr(a[2])) } as i64)?;
    unix_path::to_guest_addr(p, a[1], a[2], room)?;
    ok(0)
}
