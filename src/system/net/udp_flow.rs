//! UDP from the guest through host sockets: one connected, non-blocking
//! host socket per (guest port, destination), kept while it is used;
//! datagrams the host socket receives go back to the guest from the
//! destination it wrote to.

use super::host::Poller;
use super::{ipv4, udp, Out};
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// How long a flow lives without traffic.
pub(super) const IDLE: Duration = Duration::from_secs(120);
/// Frames waiting for the guest past which received datagrams are
/// dropped (the guest is not taking its input).
pub(super) const BACKLOG: usize = 512;
/// Largest datagram taken from a host socket: what one IPv4 datagram
/// holds (it reaches the guest in fragments).
pub(super) const MAX: usize = u16::MAX as usize - ipv4::HEADER - udp::HEADER;

struct Flow {
    guest: SocketAddrV4,
    /// The destination as the guest addressed it.
    peer: SocketAddrV4,
    sock: UdpSocket,
    used: Instant,
}

#[derive(Default)]
pub struct Flows {
    flows: Vec<Flow>,
}

impl Flows {
    /// Sends `data` from the guest's `guest` to `peer`, which is `host` on
    /// the host.
    pub fn send(
        &mut self,
        guest: SocketAddrV4,
        peer: SocketAddrV4,
        host: SocketAddrV4,
        data: &[u8],
        poller: &Poller,
    ) -> std::io::Result<()> {
        let i = match self
            .flows
            .iter()
            .position(|f| f.guest == guest && f.peer == peer)
        {
            Some(i) => i,
            None => {
                let sock = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
                sock.set_nonblocking(true)?;
                sock.connect(host)?;
                poller.add(sock.as_raw_fd())?;
                self.flows.push(Flow {
                    guest,
                    peer,
                    sock,
                    used: Instant::now(),
                });
                self.flows.len() - 1
            }
        };
        let f = &mut self.flows[i];
        f.used = Instant::now();
        // A full host socket buffer drops the datagram, as a network may.
        match f.sock.send(data) {
            Err(e) if e.kind() != ErrorKind::WouldBlock => Err(e),
            _ => Ok(()),
        }
    }

    /// Passes what the host sockets received to the guest; forgets idle
    /// flows.
    pub fn poll(&mut self, out: &mut Out) {
        let mut buf = vec![0u8; MAX];
        let now = Instant::now();
        for f in &mut self.flows {
            loop {
                match f.sock.recv(&mut buf) {
                    Ok(_) if out.frames.len() >= BACKLOG => {}
                    Ok(n) => {
                        f.used = now;
                        let (src, dst) = (*f.peer.ip(), *f.guest.ip());
                        let d = udp::build(src, f.peer.port(), dst, f.guest.port(), &buf[..n]);
                        out.ip(src, dst, ipv4::UDP, &d);
                    }
                    // An ICMP error from the peer (port unreachable) is
                    // reported once; datagrams after it may be waiting.
                    Err(e)
                        if matches!(
                            e.kind(),
                            ErrorKind::Interrupted | ErrorKind::ConnectionRefused
                        ) => {}
                    // Nothing more.
                    Err(_) => break,
                }
            }
        }
        self.flows.retain(|f| now.duration_since(f.used) < IDLE);
    }
}
