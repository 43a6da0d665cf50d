//! Sockets: the socket syscalls of the arm64 table, by concern: [`sock`] (creating,
//! naming, connecting), [`msg`] (sending and receiving), [`cmsg`] (control message
//! translation), [`opt`] (socket options), `unix_path` (AF_UNIX paths under a
//! sysroot).
//!
//! The guest ABI types are in `abi::socket`, the constant tables that prove guest and
//! host values agree in `abi::socket_consts`. Families: AF_UNIX, AF_INET, AF_INET6 and
//! AF_NETLINK (whose messages are fixed-width and architecture-independent: they pass
//! through) are handled the same way; any other family the host supports works as far
//! as its addresses and options are fixed-width.

mod cmsg;
pub mod msg;
pub mod opt;
pub mod sock;
mod unix_path;

use crate::abi::errno::Errno;
use crate::abi::socket_consts::{SOL_SOCKET, SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD};
use crate::host::int;
use crate::thread::Task;
use crate::SysResult;

/// The timeout a blocking socket call waits with: SO_RCVTIMEO (accept, recv*) or
/// SO_SNDTIMEO (connect, send*).
#[derive(Clone, Copy)]
enum Wait {
    Receive,
    Send,
}

/// Runs a blocking socket call on the interruptible path. A signal interrupts a wait
/// with a socket timeout with EINTR even under SA_RESTART (the kernel's
/// sock_intr_errno: -ERESTARTSYS only for an unbounded wait), so such an EINTR is
/// marked not restartable.
fn blocking(p: &mut Task, wait: Wait, nr: crate::host::HostNr, a: [u64; 6]) -> SysResult {
    let r = p.blocking(nr, a);
    if r == Err(Errno::EINTR) && has_timeout(int(a[0]), wait) {
        p.no_restart = true;
    }
    r
}

fn has_timeout(fd: i32, wait: Wait) -> bool {
    let name = match wait {
        Wait::Receive => SO_RCVTIMEO_OLD,
        Wait::Send => SO_SNDTIMEO_OLD,
    };
    let mut tv = libc::timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    let mut len = std::mem::size_of::<libc::timeval>() as u32;
    // SAFETY: a local timeval and its length.
    let r = unsafe {
        libc::getsockopt(
            fd,
            SOL_SOCKET,
            name,
            (&mut tv as *mut libc::timeval).cast(),
            &mut len,
        )
    };
    r == 0 && (tv.tv_sec != 0 || tv.tv_usec != 0)
}
