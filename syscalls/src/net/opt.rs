//! Socket options: getsockopt, setsockopt.
//!
//! Levels and option names agree on both sides (abi::socket_consts::CONSTANTS). Values whose
//! struct the guest and host declare separately (timeval for SO_RCVTIMEO/SO_SNDTIMEO,
//! linger, ucred: [`Payload`]) are converted through the guest types; every other
//! value is ints, bytes or fixed-width UAPI structs, and its pointer passes through
//! for the host kernel to check.

use crate::abi::errno::Errno;
use crate::abi::socket::Payload;
use crate::guest_mem::{read_bytes, read_val, write_bytes, write_val};
use crate::host::{check, int, ok, ptr};
use crate::thread::Task;
use crate::SysResult;

/// setsockopt(fd, level, name, value, len).
pub fn setsockopt(_: &mut Task, a: [u64; 6]) -> SysResult {
    let (fd, level, name, len) = (int(a[0]), int(a[1]), int(a[2]), int(a[4]));
    let payload = Payload::of_option(level, name);
    let Some(size) = payload.guest_size().filter(|_| len >= 0) else {
        // SAFETY: the value is a guest pointer the kernel checks.
        return check(unsafe { libc::setsockopt(fd, level, name, ptr(a[3]), len as u32) } as i64);
    };
    // The kernel reads one struct; a shorter value stays short (and is EINVAL there).
    let mut guest = vec![0u8; size.min(len as usize)];
    read_bytes(a[3], &mut guest)?;
    let host = payload.convert(&guest, true);
    // SAFETY: `host` is a local buffer of the length passed.
    let r = unsafe { libc::setsockopt(fd, level, name, host.as_ptr().cast(), host.len() as u32) };
    check(r as i64)
}

/// getsockopt(fd, level, name, value, len).
pub fn getsockopt(_: &mut Task, a: [u64; 6]) -> SysResult {
    let (fd, level, name) = (int(a[0]), int(a[1]), int(a[2]));
    let payload = Payload::of_option(level, name);
    let Some(size) = payload.guest_size() else {
        // SAFETY: value and length are guest pointers the kernel checks.
        return check(unsafe { libc::getsockopt(fd, level, name, ptr(a[3]), ptr(a[4])) } as i64);
    };
    let len: i32 = read_val(a[4])?;
    if len < 0 {
        return Err(Errno::EINVAL);
    }
    // The kernel fills at most one struct, cut to the caller's length.
    let mut host = vec![0u8; size];
    let mut host_len = size.min(len as usize) as u32;
    // SAFETY: `host` is a local buffer of at least `host_len` bytes.
    let r = unsafe { libc::getsockopt(fd, level, name, host.as_mut_ptr().cast(), &mut host_len) };
    check(r as i64)?;
    let guest = payload.convert(&host[..(host_len as usize).min(size)], false);
    write_bytes(a[3], &guest)?;
    write_val(a[4], &(guest.len() as u32))?;
    ok(0)
}
