//! `hostfwd=udp:...`: datagrams sent to a host UDP port go to a guest
//! port, and the guest's answers go back to each sender through the same
//! host socket. The guest sees a sender on the host's loopback as the
//! gateway (its port kept), a sender elsewhere as itself; each sender is
//! remembered while it is in use, so that a datagram from the guest's
//! forwarded port to that address is an answer.

use super::config::HostFwd;
use super::host::Poller;
use super::udp_flow::{BACKLOG, IDLE, MAX};
use super::{ipv4, udp, Out};
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::Instant;

struct Forward {
    sock: UdpSocket,
    guest: SocketAddrV4,
}

/// A host sender as the guest sees it.
struct Sender {
    fwd: usize,
    /// Its address on the guest's side.
    seen_as: SocketAddrV4,
    host: SocketAddrV4,
    used: Instant,
}

#[derive(Default)]
pub struct Forwards {
    fwds: Vec<Forward>,
    senders: Vec<Sender>,
}

impl Forwards {
    /// Binds the host socket of each forward.
    pub fn bind<'a>(
        fwds: impl Iterator<Item = &'a HostFwd>,
        poller: &Poller,
    ) -> Result<Forwards, String> {
        let mut f = Forwards::default();
        for fwd in fwds {
            let sock = UdpSocket::bind(fwd.host)
                .and_then(|s| s.set_nonblocking(true).map(|_| s))
                .map_err(|e| format!("hostfwd udp:{}: {e}", fwd.host))?;
            poller
                .add(sock.as_raw_fd())
                .map_err(|e| format!("hostfwd: {e}"))?;
            f.fwds.push(Forward {
                sock,
                guest: fwd.guest,
            });
        }
        Ok(f)
    }

    /// The host addresses the forwards are bound to.
    pub fn addrs(&self) -> impl Iterator<Item = SocketAddr> + '_ {
        self.fwds.iter().filter_map(|f| f.sock.local_addr().ok())
    }

    /// A datagram the guest sent from `guest` to `peer`: when it answers a
    /// forwarded sender, it goes back to it and this says so.
    pub fn answer(&mut self, guest: SocketAddrV4, peer: SocketAddrV4, data: &[u8]) -> bool {
        let fwds = &self.fwds;
        let Some(s) = self
            .senders
            .iter_mut()
            .find(|s| s.seen_as == peer && fwds[s.fwd].guest == guest)
        else {
            return false;
        };
        s.used = Instant::now();
        // A full socket buffer loses the datagram, as a network may.
        let _ = fwds[s.fwd].sock.send_to(data, s.host);
        true
    }

    /// Passes the datagrams the forwarded ports received to the guest,
    /// from `gateway` for senders on the host's loopback; forgets idle
    /// senders.
    pub fn poll(&mut self, gateway: Ipv4Addr, out: &mut Out) {
        // Room for a datagram too big for IPv4, which is dropped.
        let mut buf = vec![0u8; 65536];
        let now = Instant::now();
        for (i, f) in self.fwds.iter().enumerate() {
            loop {
                let (n, from) = match f.sock.recv_from(&mut buf) {
                    Ok((n, SocketAddr::V4(from))) => (n, from),
                    Ok(_) => continue,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    // An ICMP error for an earlier answer.
                    Err(e) if e.kind() == ErrorKind::ConnectionRefused => continue,
                    Err(_) => break,
                };
                if n > MAX || out.frames.len() >= BACKLOG {
                    continue;
                }
                let ip = if from.ip().is_loopback() {
                    gateway
                } else {
                    *from.ip()
                };
                let seen_as = SocketAddrV4::new(ip, from.port());
                match self
                    .senders
                    .iter_mut()
                    .find(|s| s.fwd == i && s.seen_as == seen_as)
                {
                    Some(s) => {
                        s.host = from;
                        s.used = now;
                    }
                    None => self.senders.push(Sender {
                        fwd: i,
                        seen_as,
                        host: from,
                        used: now,
                    }),
                }
                let (dst, dport) = (*f.guest.ip(), f.guest.port());
                let d = udp::build(ip, from.port(), dst, dport, &buf[..n]);
                out.ip(ip, dst, ipv4::UDP, &d);
            }
        }
        self.senders.retain(|s| now.duration_since(s.used) < IDLE);
    }
}
