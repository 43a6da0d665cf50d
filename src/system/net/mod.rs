//! The user-mode network behind a virtio-net card: a small IPv4 stack that
//! plays the gateway (10.0.2.2), the DNS server (10.0.2.3) and the DHCP
//! server of a private network, and carries the guest's UDP and TCP over
//! ordinary host sockets — no privileges, no tap device. The guest's
//! frames come in through [`Stack::input`]; frames for the guest queue up
//! for [`Stack::pop`]. Host sockets are non-blocking; a thread
//! ([`host::Poller`]) only reports that one became ready, and
//! [`Stack::poll`] does the I/O on the caller's thread.
//!
//! Addresses: the gateway stands for the host itself (its 127.0.0.1), the
//! DNS address for the first nameserver of the host's /etc/resolv.conf,
//! other addresses off the network are reached as they are; the rest of
//! the network does not exist. ARP is answered for the gateway and the DNS
//! address, ICMP echo by them. The guest's fragmented datagrams are put
//! back together (`frag`) and datagrams larger than its MTU sent to it in
//! fragments. `hostfwd` listens on host TCP ports and
//! connects each accepted connection to the guest, from the gateway's
//! address; UDP forwards pass datagrams to a guest port and its answers
//! back (`udp_fwd`).

pub mod arp;
pub mod config;
pub mod dhcp;
pub mod eth;
mod frag;
pub mod host;
pub mod icmp;
pub mod ipv4;
pub mod tcp;
mod tcp_conn;
mod tcp_rto;
pub mod udp;
mod udp_flow;
mod udp_fwd;

#[cfg(test)]
mod tests;

use config::{NetConfig, Proto};
use eth::Mac;
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::os::fd::AsRawFd;
use tcp_conn::Conn;

/// The hardware address of the gateway and the DNS server.
pub const GATEWAY_MAC: Mac = [0x52, 0x55, 0x0a, 0x00, 0x02, 0x02];
/// DHCP lease time.
const LEASE_SECONDS: u32 = 86400;
/// First port of connections forwarded to the guest (as their source on
/// the gateway).
const FORWARD_PORTS: u16 = 49152;

/// Frames waiting for the guest.
pub struct Out {
    guest_mac: Mac,
    id: u16,
    pub frames: VecDeque<Vec<u8>>,
}

impl Out {
    /// Queues an IPv4 packet for the guest (in fragments when it is
    /// larger than the link's MTU).
    pub fn ip(&mut self, src: Ipv4Addr, dst: Ipv4Addr, proto: u8, payload: &[u8]) {
        self.ip_to(self.guest_mac, src, dst, proto, payload);
    }

    fn ip_to(&mut self, mac: Mac, src: Ipv4Addr, dst: Ipv4Addr, proto: u8, payload: &[u8]) {
        for p in ipv4::fragments(src, dst, proto, self.id, payload, ipv4::MTU) {
            self.frames
                .push_back(eth::build(mac, GATEWAY_MAC, eth::IPV4, &p));
        }
        self.id = self.id.wrapping_add(1);
    }
}

pub struct Stack {
    cfg: NetConfig,
    out: Out,
    /// Where DNS queries to `cfg.dns` go.
    resolver: Option<Ipv4Addr>,
    udp: udp_flow::Flows,
    tcp: Vec<Conn>,
    /// hostfwd: listening sockets and the guest address each goes to.
    listeners: Vec<(TcpListener, SocketAddrV4)>,
    /// hostfwd for UDP.
    udp_fwd: udp_fwd::Forwards,
    /// The guest's fragmented datagrams being put together.
    frags: frag::Reassembly,
    poller: host::Poller,
    next_port: u16,
    iss: u32,
}

/// The first IPv4 `nameserver` of a resolv.conf.
pub fn nameserver(conf: &str) -> Option<Ipv4Addr> {
    conf.lines().find_map(|l| {
        let mut w = l.split_whitespace();
        (w.next() == Some("nameserver"))
            .then(|| w.next()?.parse().ok())
            .flatten()
    })
}

impl Stack {
    /// A stack for a guest with hardware address `guest_mac`; `notify` is
    /// called (on another thread) when host sockets have something.
    /// Binds the forwarded ports.
    pub fn new(
        cfg: &NetConfig,
        guest_mac: Mac,
        notify: Box<dyn Fn() + Send>,
    ) -> Result<Stack, String> {
        let poller = host::Poller::new(notify).map_err(|e| format!("user network: {e}"))?;
        let mut listeners = Vec::new();
        for f in cfg.hostfwd.iter().filter(|f| f.proto == Proto::Tcp) {
            let l = TcpListener::bind(f.host)
                .and_then(|l| l.set_nonblocking(true).map(|_| l))
                .map_err(|e| format!("hostfwd tcp:{}: {e}", f.host))?;
            poller
                .add(l.as_raw_fd())
                .map_err(|e| format!("hostfwd: {e}"))?;
            listeners.push((l, f.guest));
        }
        let udp_fwd = udp_fwd::Forwards::bind(
            cfg.hostfwd.iter().filter(|f| f.proto == Proto::Udp),
            &poller,
        )?;
        let resolver = std::fs::read_to_string("/etc/resolv.conf")
            .ok()
            .and_then(|c| nameserver(&c));
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Ok(Stack {
            cfg: cfg.clone(),
            out: Out {
                guest_mac,
                id: 0,
                frames: VecDeque::new(),
            },
            resolver,
            udp: Default::default(),
            tcp: Vec::new(),
            listeners,
            udp_fwd,
            frags: Default::default(),
            poller,
            next_port: FORWARD_PORTS,
            iss: seed,
        })
    }

    /// The next frame for the guest.
    pub fn pop(&mut self) -> Option<Vec<u8>> {
        self.out.frames.pop_front()
    }

    /// Puts back a frame [`Stack::pop`] gave (the guest had no room).
    pub fn unpop(&mut self, frame: Vec<u8>) {
        self.out.frames.push_front(frame);
    }

    /// The host addresses the `hostfwd` ports listen on: TCP's, then
    /// UDP's.
    pub fn forwarded(&self) -> Vec<std::net::SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|(l, _)| l.local_addr().ok())
            .chain(self.udp_fwd.addrs())
            .collect()
    }

    pub fn has_output(&self) -> bool {
        !self.out.frames.is_empty()
    }

    fn next_iss(&mut self) -> u32 {
        self.iss = self.iss.wrapping_mul(1_103_515_245).wrapping_add(12345);
        self.iss
    }

    /// Where a guest packet for `dst` goes on the host, if anywhere.
    fn host_addr(&self, dst: SocketAddrV4) -> Option<SocketAddrV4> {
        let ip = *dst.ip();
        if ip == self.cfg.host {
            Some(SocketAddrV4::new(Ipv4Addr::LOCALHOST, dst.port()))
        } else if ip == self.cfg.dns {
            Some(SocketAddrV4::new(self.resolver?, dst.port()))
        } else if self.cfg.contains(ip)
            || ip.is_broadcast()
            || ip.is_multicast()
            || ip.is_unspecified()
            || ip.is_loopback()
        {
            None
        } else {
            Some(dst)
        }
    }

    /// Takes a frame the guest sent.
    pub fn input(&mut self, frame: &[u8]) {
        let Some((h, payload)) = eth::parse(frame) else {
            return;
        };
        match h.ethertype {
            eth::ARP => {
                let ours = [self.cfg.host, self.cfg.dns];
                if let Some(r) =
                    arp::Packet::parse(payload).and_then(|p| p.answer(&ours, GATEWAY_MAC))
                {
                    let f = eth::build(h.src, GATEWAY_MAC, eth::ARP, &r.to_bytes());
                    self.out.frames.push_back(f);
                }
            }
            eth::IPV4 => {
                let Some((ip, f, data)) = ipv4::parse_any(payload) else {
                    return;
                };
                if f.whole() {
                    self.ipv4(&ip, data);
                } else if let Some((ip, data)) =
                    self.frags.insert(std::time::Instant::now(), &ip, f, data)
                {
                    self.ipv4(&ip, &data);
                }
            }
            // IPv6 and the rest: not on this network.
            _ => {}
        }
    }

    fn ipv4(&mut self, ip: &ipv4::Header, data: &[u8]) {
        match ip.proto {
            ipv4::ICMP if ip.dst == self.cfg.host || ip.dst == self.cfg.dns => {
                if let Some(r) = icmp::echo_reply(data) {
                    self.out.ip(ip.dst, ip.src, ipv4::ICMP, &r);
                }
            }
            ipv4::UDP => {
                if let Some((u, payload)) = udp::parse(ip.src, ip.dst, data) {
                    self.udp_in(ip, &u, payload);
                }
            }
            ipv4::TCP => {
                if let Some((seg, payload)) = tcp::parse(ip.src, ip.dst, data) {
                    self.tcp_in(ip, &seg, payload);
                }
            }
            _ => {}
        }
    }

    fn udp_in(&mut self, ip: &ipv4::Header, u: &udp::Header, payload: &[u8]) {
        if u.dst_port == dhcp::SERVER_PORT {
            return self.dhcp(payload);
        }
        let guest = SocketAddrV4::new(ip.src, u.src_port);
        let peer = SocketAddrV4::new(ip.dst, u.dst_port);
        if self.udp_fwd.answer(guest, peer, payload) {
            return;
        }
        if let Some(host) = self.host_addr(peer) {
            // A datagram that cannot be sent is lost, as on a network.
            let _ = self.udp.send(guest, peer, host, payload, &self.poller);
        }
    }

    fn dhcp(&mut self, payload: &[u8]) {
        let Some(req) = dhcp::parse(payload) else {
            return;
        };
        let lease = dhcp::Lease {
            addr: self.cfg.dhcp_start,
            server: self.cfg.host,
            mask: self.cfg.mask,
            router: self.cfg.host,
            dns: self.cfg.dns,
            seconds: LEASE_SECONDS,
        };
        let Some((_, msg)) = dhcp::reply(&req, &lease) else {
            return;
        };
        let mac = if req.flags & dhcp::BROADCAST != 0 {
            eth::BROADCAST
        } else {
            req.chaddr
        };
        let (src, dst) = (self.cfg.host, Ipv4Addr::BROADCAST);
        let d = udp::build(src, dhcp::SERVER_PORT, dst, dhcp::CLIENT_PORT, &msg);
        self.out.ip_to(mac, src, dst, ipv4::UDP, &d);
    }

    fn tcp_in(&mut self, ip: &ipv4::Header, seg: &tcp::Segment, payload: &[u8]) {
        let guest = SocketAddrV4::new(ip.src, seg.src_port);
        let peer = SocketAddrV4::new(ip.dst, seg.dst_port);
        if let Some(c) = self
            .tcp
            .iter_mut()
            .find(|c| c.guest == guest && c.peer == peer)
        {
            c.input(seg, payload, &mut self.out);
            self.tcp.retain(|c| !c.done());
            return self.arm_timer();
        }
        let opening = seg.has(tcp::SYN) && !seg.has(tcp::ACK) && !seg.has(tcp::RST);
        let sock = match self.host_addr(peer) {
            Some(host) if opening => host::connect(host).and_then(|s| {
                self.poller.add(s.as_raw_fd())?;
                Ok(s)
            }),
            _ => Err(std::io::ErrorKind::NotFound.into()),
        };
        match sock {
            Ok(sock) => {
                let iss = self.next_iss();
                let mut c = Conn::outbound(guest, peer, sock, seg, iss);
                // Connecting to 127.0.0.1 may be done already.
                c.poll(&mut self.out);
                if !c.done() {
                    self.tcp.push(c);
                }
                self.arm_timer();
            }
            Err(_) => tcp_conn::refuse(seg, payload.len(), peer, guest, &mut self.out),
        }
    }

    /// Sets the poller's timer for the earliest TCP timeout.
    fn arm_timer(&mut self) {
        let next = self.tcp.iter().filter_map(|c| c.deadline()).min();
        self.poller.arm(next);
    }

    /// The earliest time a TCP timer wants [`Stack::poll_all`].
    #[cfg(test)]
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.tcp.iter().filter_map(|c| c.deadline()).min()
    }

    /// Does the host sockets' I/O (and the TCP timers) if the poller saw
    /// one become ready or its timer go off.
    pub fn poll(&mut self) {
        if self.poller.take_ready() {
            self.poll_all();
        }
    }

    /// Does every host socket's pending I/O and the TCP timers due.
    pub fn poll_all(&mut self) {
        for (l, guest) in &self.listeners {
            while let Ok((s, _)) = l.accept() {
                if s.set_nonblocking(true).is_err() || self.poller.add(s.as_raw_fd()).is_err() {
                    continue;
                }
                let peer = SocketAddrV4::new(self.cfg.host, self.next_port);
                self.next_port = self.next_port.checked_add(1).unwrap_or(FORWARD_PORTS);
                self.iss = self.iss.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let c = Conn::inbound(*guest, peer, s, self.iss, &mut self.out);
                self.tcp.push(c);
            }
        }
        let now = std::time::Instant::now();
        for c in &mut self.tcp {
            c.poll(&mut self.out);
            c.on_timer(now, &mut self.out);
        }
        self.tcp.retain(|c| !c.done());
        self.arm_timer();
        self.udp.poll(&mut self.out);
        self.udp_fwd.poll(self.cfg.host, &mut self.out);
    }
}
