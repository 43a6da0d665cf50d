//! epoll: `struct epoll_event` is 16 bytes on arm64 and packed to 12 on x86-64, so
//! every event crosses through [`EpollEvent`] / [`HostEpollEvent`]. The EPOLL* flag
//! bits and the epoll_create1 flag (O_CLOEXEC, 0o2000000) agree on both.

use crate::abi::event::{EpollEvent, HostEpollEvent};
use crate::guest_mem::{read_val, write_val};
use crate::host::{check, int};
use crate::thread::Task;
use crate::{Outcome, SysResult};

/// The kernel's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event).
const EP_MAX_EVENTS: i32 = i32::MAX / 16;
/// Events fetched from the host per call; a larger guest buffer simply gets at most
/// this many, which epoll allows (the rest stay ready for the next wait). Programs
/// that wait on many fds expect them all at once (CPython's test_selectors waits on
/// 9984), so the limit is far above common fd limits; the host buffer is only as
/// large as the guest's maxevents.
const BATCH: usize = 1 << 16;

pub fn epoll_create1(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: plain integer argument.
    check(unsafe { libc::epoll_create1(int(a[0])) } as i64)
}

pub fn epoll_ctl(_: &mut Task, a: [u64; 6]) -> SysResult {
    let (epfd, op, fd) = (int(a[0]), int(a[1]), int(a[2]));
    // EPOLL_CTL_DEL ignores the event (and may pass NULL); the others read it, and a
    // bad pointer is EFAULT as on the kernel.
    let mut host = if op == libc::EPOLL_CTL_DEL && a[3] == 0 {
        HostEpollEvent::default()
    } else {
        HostEpollEvent::from(read_val::<EpollEvent>(a[3])?)
    };
    // SAFETY: `host` is a valid packed host epoll_event for the duration of the call.
    let r = unsafe {
        libc::epoll_ctl(
            epfd,
            op,
            fd,
            std::ptr::addr_of_mut!(host).cast::<libc::epoll_event>(),
        )
    };
    check(r as i64)
}

/// epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize).
pub fn epoll_pwait(p: &mut Task, a: [u64; 6]) -> SysResult {
    wait(p, crate::host::nr::SYS_epoll_pwait, a)
}

/// epoll_pwait2(epfd, events, maxevents, timeout (struct timespec, same layout),
/// sigmask, sigsetsize).
pub fn epoll_pwait2(p: &mut Task, a: [u64; 6]) -> SysResult {
    wait(p, crate::host::nr::SYS_epoll_pwait2, a)
}

fn wait(p: &mut Task, host_nr: crate::host::HostNr, a: [u64; 6]) -> SysResult {
    let max = int(a[2]);
    if max <= 0 || max > EP_MAX_EVENTS {
        return Err(crate::abi::errno::Errno::EINVAL);
    }
    let n = (max as usize).min(BATCH);
    let mut buf = vec![HostEpollEvent::default(); n];
    let args = [a[0], buf.as_mut_ptr() as u64, n as u64, a[3], a[4], a[5]];
    let r = p.blocking(host_nr, args)?;
    if let Outcome::Ret(k) = r {
        for (i, ev) in buf.iter().take(k as usize).enumerate() {
            write_val(a[1] + 16 * i as u64, &EpollEvent::from(*ev))?;
        }
    }
    Ok(r)
}
