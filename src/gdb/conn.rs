//! The stub's connection: the listening socket, the stub's host thread and
//! its event loop, which waits for either a byte from gdb or a stop of the
//! guest.

use super::control::{Control, End, Stop};
use super::signals::to_gdb;
use super::target::{tid_of, EmuTarget};
use gdbstub::common::Signal;
use gdbstub::stub::run_blocking::{BlockingEventLoop, Event, WaitForStopReasonError};
use gdbstub::stub::{DisconnectReason, GdbStub, MultiThreadStopReason};
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::Arc;

/// Listens on loopback `port` and waits for gdb to connect.
pub fn accept(port: u16) -> Result<TcpStream, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen for gdb on port {port}: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    eprintln!("emu-user: waiting for gdb on 127.0.0.1:{port}");
    let (stream, _) = listener
        .accept()
        .map_err(|e| format!("waiting for gdb: {e}"))?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// Starts the stub on a host thread of its own, which takes no guest signals.
pub fn spawn_stub(ctl: Arc<Control>, stream: TcpStream) -> Result<(), String> {
    let old = emu_syscalls::signal::block_all_host();
    let r = std::thread::Builder::new()
        .name("gdb-stub".into())
        .spawn(move || serve(ctl, stream));
    emu_syscalls::signal::restore_host_mask(old);
    r.map(drop)
        .map_err(|e| format!("cannot start the gdb stub: {e}"))
}

fn serve(ctl: Arc<Control>, stream: TcpStream) {
    crate::linux::host_signals::install_thread_altstack();
    // Faults of the guest memory accessors come back as errors on this thread too.
    unblock_faults();
    ctl.stop_all();
    let mut target = EmuTarget::new(ctl.clone());
    let stub = GdbStub::new(stream);
    let result = stub.run_blocking::<EventLoop>(&mut target);
    match result {
        Ok(DisconnectReason::TargetExited(_) | DisconnectReason::TargetTerminated(_)) => {
            ctl.end_reported();
        }
        Ok(DisconnectReason::Kill) => {
            // SAFETY: ends this process, as gdb's kill asks.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
        }
        Ok(DisconnectReason::Disconnect) | Err(_) => {
            if let Err(e) = &result {
                eprintln!("emu-user: gdb connection lost ({e}); the program runs on");
            }
            ctl.jit.stop();
            ctl.detach();
        }
    }
}

fn unblock_faults() {
    // SAFETY: a sigset built by sigemptyset/sigaddset and passed to
    // pthread_sigmask for this thread only.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

/// The stop packet for thread `tid` stopping with `stop`.
fn stop_reason(tid: u32, stop: Stop) -> MultiThreadStopReason<u64> {
    let tid = tid_of(tid);
    match stop {
        Stop::Breakpoint => MultiThreadStopReason::SwBreak(tid),
        Stop::Step => MultiThreadStopReason::SignalWithThread {
            tid,
            signal: Signal::SIGTRAP,
        },
        Stop::Signal(sig) => MultiThreadStopReason::SignalWithThread {
            tid,
            signal: to_gdb(sig),
        },
    }
}

/// The W or X packet of the process's end.
fn end_reason(end: End) -> MultiThreadStopReason<u64> {
    match end {
        End::Exited(code) => MultiThreadStopReason::Exited(code as u8),
        End::Killed(sig) => MultiThreadStopReason::Terminated(to_gdb(sig as u32)),
    }
}

enum EventLoop {}

impl BlockingEventLoop for EventLoop {
    type Target = EmuTarget;
    type Connection = TcpStream;
    type StopReason = MultiThreadStopReason<u64>;

    fn wait_for_stop_reason(
        target: &mut EmuTarget,
        conn: &mut TcpStream,
    ) -> Result<
        Event<Self::StopReason>,
        WaitForStopReasonError<std::convert::Infallible, std::io::Error>,
    > {
        let ctl = target.ctl.clone();
        loop {
            if let Some(end) = ctl.ended() {
                return Ok(Event::TargetStopped(end_reason(end)));
            }
            if let Some((tid, stop)) = ctl.next_event() {
                ctl.stop_all();
                if let Some(end) = ctl.ended() {
                    return Ok(Event::TargetStopped(end_reason(end)));
                }
                return Ok(Event::TargetStopped(stop_reason(tid, stop)));
            }
            let mut fds = [
                libc::pollfd {
                    fd: conn.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: ctl.wake_rx.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // SAFETY: two valid pollfd entries; a timeout bounds the wait so a
            // missed wake-up costs at most that long.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, 200) };
            if n < 0 {
                continue;
            }
            if fds[1].revents != 0 {
                let mut buf = [0u8; 64];
                // SAFETY: reads into a valid buffer from our non-blocking pipe.
                while unsafe { libc::read(fds[1].fd, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
            }
            if fds[0].revents != 0 {
                let mut byte = [0u8];
                return match conn.read(&mut byte) {
                    Ok(1) => Ok(Event::IncomingData(byte[0])),
                    Ok(_) => Err(WaitForStopReasonError::Connection(
                        std::io::ErrorKind::UnexpectedEof.into(),
                    )),
                    Err(e) => Err(WaitForStopReasonError::Connection(e)),
                };
            }
        }
    }

    fn on_interrupt(
        target: &mut EmuTarget,
    ) -> Result<Option<Self::StopReason>, std::convert::Infallible> {
        target.ctl.stop_all();
        if let Some(end) = target.ctl.ended() {
            return Ok(Some(end_reason(end)));
        }
        let tid = target
            .ctl
            .tids()
            .first()
            .copied()
            .unwrap_or(target.ctl.pid as u32);
        Ok(Some(MultiThreadStopReason::SignalWithThread {
            tid: tid_of(tid),
            signal: Signal::SIGINT,
        }))
    }
}
