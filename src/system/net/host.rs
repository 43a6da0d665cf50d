//! The host side of the user-mode network: non-blocking sockets and a
//! thread that waits for any of them to become ready (epoll, edge
//! triggered) and then says so — it sets a flag and calls a notifier (the
//! CPU's doorbell) — so the CPU's thread does all socket I/O itself,
//! without ever blocking. A timer (timerfd) in the same wait wakes it for
//! the stack's timeouts (TCP retransmission) the same way.

use std::io;
use std::net::{SocketAddrV4, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

pub struct Poller {
    epoll: OwnedFd,
    /// An eventfd that wakes the thread to stop.
    wake: OwnedFd,
    /// A timerfd for [`Poller::arm`], and when it is set to go off.
    timer: OwnedFd,
    armed: Option<Instant>,
    ready: Arc<AtomicBool>,
    quit: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// Adds `fd` to epoll instance `ep`.
fn watch(ep: RawFd, fd: RawFd, events: u32) -> io::Result<()> {
    let mut ev = libc::epoll_event {
        events,
        u64: fd as u64,
    };
    // SAFETY: `ev` is a valid event for the duration of the call.
    check(unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev) })?;
    Ok(())
}

impl Poller {
    /// Starts the thread; `notify` is called (on it) whenever a socket
    /// becomes ready.
    pub fn new(notify: Box<dyn Fn() + Send>) -> io::Result<Poller> {
        // SAFETY: epoll_create1 and eventfd take no pointers; the new
        // descriptors are owned from here on.
        let epoll =
            unsafe { OwnedFd::from_raw_fd(check(libc::epoll_create1(libc::EPOLL_CLOEXEC))?) };
        // SAFETY: as above.
        let wake = unsafe {
            OwnedFd::from_raw_fd(check(libc::eventfd(
                0,
                libc::EFD_CLOEXEC | libc::EFD_NONBLOCK,
            ))?)
        };
        watch(epoll.as_raw_fd(), wake.as_raw_fd(), libc::EPOLLIN as u32)?;
        // SAFETY: as above.
        let timer = unsafe {
            OwnedFd::from_raw_fd(check(libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_CLOEXEC | libc::TFD_NONBLOCK,
            ))?)
        };
        watch(epoll.as_raw_fd(), timer.as_raw_fd(), libc::EPOLLIN as u32)?;
        let tfd = timer.as_raw_fd();
        let ready = Arc::new(AtomicBool::new(false));
        let quit = Arc::new(AtomicBool::new(false));
        let ep = epoll.as_raw_fd();
        let (r, q) = (ready.clone(), quit.clone());
        let thread = std::thread::Builder::new()
            .name("emu-net".into())
            .spawn(move || {
                let mut events = [libc::epoll_event { events: 0, u64: 0 }; 16];
                loop {
                    // SAFETY: `events` has room for 16 entries; `ep` stays
                    // open until this thread is joined.
                    let n = unsafe { libc::epoll_wait(ep, events.as_mut_ptr(), 16, -1) };
                    if q.load(Ordering::SeqCst) {
                        break;
                    }
                    if n > 0 {
                        let fired = &events[..n as usize];
                        if fired.iter().any(|e| e.u64 == tfd as u64) {
                            let mut count = [0u8; 8];
                            // SAFETY: reads at most 8 bytes into `count`;
                            // `tfd` stays open until this thread is joined.
                            unsafe { libc::read(tfd, count.as_mut_ptr().cast(), 8) };
                        }
                        r.store(true, Ordering::SeqCst);
                        notify();
                    }
                }
            })?;
        Ok(Poller {
            epoll,
            wake,
            timer,
            armed: None,
            ready,
            quit,
            thread: Some(thread),
        })
    }

    /// Watches socket `fd` for input, output room, a connection finished
    /// or failed, or the peer closing. Closing `fd` ends the watch.
    pub fn add(&self, fd: RawFd) -> io::Result<()> {
        let ev = libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET;
        watch(self.epoll.as_raw_fd(), fd, ev as u32)
    }

    /// Makes the thread report readiness at `at` too (`None`: no timer).
    pub fn arm(&mut self, at: Option<Instant>) {
        if self.armed == at {
            return;
        }
        self.armed = at;
        let left = at.map(|t| t.saturating_duration_since(Instant::now()));
        // A zero value disarms the timer: a time already past is 1 ns.
        let left = left.map(|d| d.max(std::time::Duration::from_nanos(1)));
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: left.map_or(0, |d| d.as_secs() as libc::time_t),
                tv_nsec: left.map_or(0, |d| d.subsec_nanos() as libc::c_long),
            },
        };
        // SAFETY: `spec` is a valid itimerspec; the old value is not asked
        // for.
        unsafe { libc::timerfd_settime(self.timer.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
    }

    /// Whether some socket became ready since the last call.
    pub fn take_ready(&self) -> bool {
        self.ready.swap(false, Ordering::SeqCst)
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.quit.store(true, Ordering::SeqCst);
        let one = 1u64.to_ne_bytes();
        // SAFETY: writes 8 bytes from `one` to the eventfd.
        unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), 8) };
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts connecting a non-blocking TCP socket to `addr`.
pub fn connect(addr: SocketAddrV4) -> io::Result<TcpStream> {
    // SAFETY: socket takes no pointers.
    let fd = check(unsafe {
        libc::socket(
            libc::AF_INET,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    })?;
    // SAFETY: `fd` is a new socket nobody else owns.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    let sa = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: addr.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(addr.ip().octets()),
        },
        sin_zero: [0; 8],
    };
    // SAFETY: `sa` is a sockaddr_in of the length passed.
    let r = unsafe {
        libc::connect(
            fd,
            (&sa as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        )
    };
    if r < 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(e);
        }
    }
    Ok(stream)
}

/// Whether the connection `connect` started has finished: `None` while in
/// progress, else whether it succeeded.
pub fn connected(s: &TcpStream) -> Option<io::Result<()>> {
    let mut p = libc::pollfd {
        fd: s.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one pollfd, no waiting.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    if n <= 0 {
        return None;
    }
    Some(match s.take_error() {
        Ok(Some(e)) | Err(e) => Err(e),
        Ok(None) => s.peer_addr().map(|_| ()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpListener};
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn connect_and_notify() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let (tx, rx) = mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        let p = Poller::new(Box::new(move || {
            let _ = tx.lock().unwrap().send(());
        }))
        .unwrap();
        let s = connect(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).unwrap();
        p.add(s.as_raw_fd()).unwrap();
        rx.recv_timeout(Duration::from_secs(10)).expect("ready");
        assert!(p.take_ready());
        assert!(matches!(connected(&s), Some(Ok(()))));
        let (mut peer, _) = l.accept().unwrap();
        while rx.try_recv().is_ok() {}
        std::io::Write::write_all(&mut peer, b"x").unwrap();
        rx.recv_timeout(Duration::from_secs(10)).expect("input");
        // Nothing listens on the listener's port once it is closed.
        drop(l);
        let s = connect(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).unwrap();
        let mut r = connected(&s);
        for _ in 0..1000 {
            if r.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
            r = connected(&s);
        }
        assert!(matches!(r, Some(Err(_))), "{r:?}");
    }
}
