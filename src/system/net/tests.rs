//! The stack against hand-built guest frames, with real host sockets on
//! 127.0.0.1 behind the gateway address.

use super::config::{HostFwd, NetConfig, Proto};
use super::tcp::{Segment, ACK, FIN, PSH, RST, SYN};
use super::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

const GUEST_MAC: Mac = [0x52, 0x54, 0, 0x12, 0x34, 0x56];
const GUEST: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 15);
const GW: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 2);

fn stack(cfg: &NetConfig) -> Stack {
    Stack::new(cfg, GUEST_MAC, Box::new(|| {})).unwrap()
}

fn ip_frame(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, payload: &[u8]) -> Vec<u8> {
    let p = ipv4::build(src, dst, proto, 7, payload);
    eth::build(GATEWAY_MAC, GUEST_MAC, eth::IPV4, &p)
}

/// A segment from the guest's port 40000 to the gateway's `port`.
fn guest_seg(port: u16, seq: u32, ack: u32, flags: u8, window: u16, data: &[u8]) -> Vec<u8> {
    guest_seg_opts(port, seq, ack, flags, window, None, data)
}

/// [`guest_seg`] with a window scale option `ws` on SYNs.
fn guest_seg_opts(
    port: u16,
    seq: u32,
    ack: u32,
    flags: u8,
    window: u16,
    ws: Option<u8>,
    data: &[u8],
) -> Vec<u8> {
    let syn = flags & SYN != 0;
    let seg = Segment {
        src_port: 40000,
        dst_port: port,
        seq,
        ack,
        flags,
        window,
        mss: syn.then_some(1460),
        wscale: ws.filter(|_| syn),
    };
    ip_frame(GUEST, GW, ipv4::TCP, &tcp::build(&seg, GUEST, GW, data))
}

/// The IPv4 packet of a frame for the guest, checked on the way.
fn unwrap_ip(frame: &[u8]) -> (eth::Header, ipv4::Header, Vec<u8>) {
    let (e, p) = eth::parse(frame).unwrap();
    assert_eq!(e.src, GATEWAY_MAC);
    assert_eq!(e.ethertype, eth::IPV4);
    let (ip, data) = ipv4::parse(p).expect("a good IPv4 header");
    (e, ip, data.to_vec())
}

fn tcp_out(frame: &[u8]) -> (Segment, Vec<u8>) {
    let (e, ip, data) = unwrap_ip(frame);
    assert_eq!(e.dst, GUEST_MAC);
    assert_eq!((ip.src, ip.dst, ip.proto), (GW, GUEST, ipv4::TCP));
    let (s, d) = tcp::parse(ip.src, ip.dst, &data).expect("a good TCP checksum");
    (s, d.to_vec())
}

/// Polls the host sockets until the stack has a frame for the guest.
fn next_frame(s: &mut Stack) -> Vec<u8> {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(f) = s.pop() {
            return f;
        }
        assert!(Instant::now() < end, "no frame for the guest");
        std::thread::sleep(Duration::from_millis(1));
        s.poll_all();
    }
}

#[test]
fn arp_for_the_gateway() {
    let mut s = stack(&NetConfig::default());
    let req = arp::Packet {
        op: arp::REQUEST,
        sender_mac: GUEST_MAC,
        sender_ip: GUEST,
        target_mac: [0; 6],
        target_ip: GW,
    };
    s.input(&eth::build(
        eth::BROADCAST,
        GUEST_MAC,
        eth::ARP,
        &req.to_bytes(),
    ));
    let f = s.pop().unwrap();
    let (e, p) = eth::parse(&f).unwrap();
    assert_eq!(
        (e.dst, e.src, e.ethertype),
        (GUEST_MAC, GATEWAY_MAC, eth::ARP)
    );
    let r = arp::Packet::parse(p).unwrap();
    assert_eq!(
        (r.op, r.sender_mac, r.sender_ip),
        (arp::REPLY, GATEWAY_MAC, GW)
    );
    assert_eq!((r.target_mac, r.target_ip), (GUEST_MAC, GUEST));
    // Nobody else is on the network.
    let other = arp::Packet {
        target_ip: Ipv4Addr::new(10, 0, 2, 9),
        ..req
    };
    s.input(&eth::build(
        eth::BROADCAST,
        GUEST_MAC,
        eth::ARP,
        &other.to_bytes(),
    ));
    assert!(s.pop().is_none());
}

#[test]
fn dhcp_discover_gets_an_offer() {
    let mut s = stack(&NetConfig::default());
    let mut m = vec![0u8; 240];
    m[..4].copy_from_slice(&[1, 1, 6, 0]);
    m[4..8].copy_from_slice(&[1, 2, 3, 4]);
    m[28..34].copy_from_slice(&GUEST_MAC);
    m[236..240].copy_from_slice(&[99, 130, 83, 99]);
    m.extend([53, 1, dhcp::DISCOVER, 255]);
    let any = Ipv4Addr::UNSPECIFIED;
    let d = udp::build(any, 68, Ipv4Addr::BROADCAST, 67, &m);
    s.input(&eth::build(
        eth::BROADCAST,
        GUEST_MAC,
        eth::IPV4,
        &ipv4::build(any, Ipv4Addr::BROADCAST, ipv4::UDP, 1, &d),
    ));
    let (e, ip, data) = unwrap_ip(&s.pop().unwrap());
    // No broadcast flag: to the client's MAC.
    assert_eq!(e.dst, GUEST_MAC);
    assert_eq!((ip.src, ip.dst), (GW, Ipv4Addr::BROADCAST));
    let (u, msg) = udp::parse(ip.src, ip.dst, &data).unwrap();
    assert_eq!((u.src_port, u.dst_port), (67, 68));
    assert_eq!(&msg[4..8], &[1, 2, 3, 4]);
    assert_eq!(&msg[16..20], &[10, 0, 2, 15]);
    assert_eq!(&msg[240..243], &[53, 1, dhcp::OFFER]);
}

#[test]
fn ping_the_gateway() {
    let mut s = stack(&NetConfig::default());
    let mut req = vec![8, 0, 0, 0, 0, 9, 0, 1, 1, 2, 3];
    let c = ipv4::checksum(&req);
    req[2..4].copy_from_slice(&c.to_be_bytes());
    s.input(&ip_frame(GUEST, GW, ipv4::ICMP, &req));
    let (_, ip, data) = unwrap_ip(&s.pop().unwrap());
    assert_eq!((ip.src, ip.dst, ip.proto), (GW, GUEST, ipv4::ICMP));
    assert_eq!(data[0], 0, "echo reply");
    assert_eq!(&data[4..], &req[4..]);
    // Another address on the network does not answer.
    s.input(&ip_frame(
        GUEST,
        Ipv4Addr::new(10, 0, 2, 9),
        ipv4::ICMP,
        &req,
    ));
    assert!(s.pop().is_none());
}

#[test]
fn udp_through_a_host_socket() {
    let mut s = stack(&NetConfig::default());
    let host = UdpSocket::bind("127.0.0.1:0").unwrap();
    host.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let port = host.local_addr().unwrap().port();
    let d = udp::build(GUEST, 5000, GW, port, b"ping");
    s.input(&ip_frame(GUEST, GW, ipv4::UDP, &d));
    let mut buf = [0u8; 16];
    let (n, from) = host.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ping");
    host.send_to(b"pong!", from).unwrap();
    let (_, ip, data) = unwrap_ip(&next_frame(&mut s));
    assert_eq!((ip.src, ip.dst, ip.proto), (GW, GUEST, ipv4::UDP));
    let (u, payload) = udp::parse(ip.src, ip.dst, &data).unwrap();
    assert_eq!(
        (u.src_port, u.dst_port, payload),
        (port, 5000, &b"pong!"[..])
    );
    // 6000 bytes each way: the guest's fragments (last first) go out as
    // one datagram; the answer comes back in fragments.
    let big: Vec<u8> = (0..6000u32).map(|i| (i % 251) as u8).collect();
    let d = udp::build(GUEST, 5000, GW, port, &big);
    input_fragments_last_first(&mut s, ipv4::UDP, 3, &d);
    let mut buf = vec![0u8; 8192];
    let (n, from) = host.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], &big[..]);
    host.send_to(&big[..5999], from).unwrap();
    let (_, data) = reassemble(&mut s);
    assert_eq!(udp::parse(GW, GUEST, &data).unwrap().1, &big[..5999]);
}

#[test]
fn tcp_handshake_data_window_and_close() {
    let mut s = stack(&NetConfig::default());
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    // SYN -> SYN-ACK once the host socket is connected.
    s.input(&guest_seg(port, 1000, 0, SYN, 65535, &[]));
    let (syn_ack, _) = tcp_out(&next_frame(&mut s));
    assert_eq!(syn_ack.flags, SYN | ACK);
    assert_eq!((syn_ack.src_port, syn_ack.dst_port), (port, 40000));
    assert_eq!((syn_ack.ack, syn_ack.mss), (1001, Some(1460)));
    let iss = syn_ack.seq;
    let (mut host, _) = l.accept().unwrap();
    host.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // ACK: established, nothing to say.
    s.input(&guest_seg(port, 1001, iss + 1, ACK, 65535, &[]));
    assert!(s.pop().is_none());
    // Data from the guest reaches the host and is acknowledged.
    s.input(&guest_seg(port, 1001, iss + 1, ACK | PSH, 65535, b"GET"));
    let (a, d) = tcp_out(&s.pop().unwrap());
    assert_eq!((a.flags, a.seq, a.ack, d.len()), (ACK, iss + 1, 1004, 0));
    let mut buf = [0u8; 3];
    host.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"GET");
    // A retransmission of it is acknowledged again, not passed on.
    s.input(&guest_seg(port, 1001, iss + 1, ACK | PSH, 65535, b"GET"));
    assert_eq!(tcp_out(&s.pop().unwrap()).0.ack, 1004);
    // The guest's window is 4 bytes: the host's 8 go in two segments.
    s.input(&guest_seg(port, 1004, iss + 1, ACK, 4, &[]));
    host.write_all(b"response").unwrap();
    let (a, d) = tcp_out(&next_frame(&mut s));
    assert_eq!(
        (a.flags, a.seq, a.ack, &d[..]),
        (ACK | PSH, iss + 1, 1004, &b"resp"[..])
    );
    s.poll_all();
    assert!(s.pop().is_none(), "the window is full");
    s.input(&guest_seg(port, 1004, iss + 5, ACK, 4, &[]));
    let (a, d) = tcp_out(&s.pop().unwrap());
    assert_eq!((a.seq, &d[..]), (iss + 5, &b"onse"[..]));
    s.input(&guest_seg(port, 1004, iss + 9, ACK, 65535, &[]));
    // The host closes: FIN after the data.
    drop(host);
    let (f, _) = tcp_out(&next_frame(&mut s));
    assert_eq!((f.flags, f.seq, f.ack), (FIN | ACK, iss + 9, 1004));
    // The guest acknowledges it and closes too: its FIN is acknowledged
    // and the connection is gone.
    s.input(&guest_seg(port, 1004, iss + 10, FIN | ACK, 65535, &[]));
    let (a, _) = tcp_out(&s.pop().unwrap());
    assert_eq!((a.flags, a.seq, a.ack), (ACK, iss + 10, 1005));
    assert!(s.tcp.is_empty());
    // A segment for it now gets a reset.
    s.input(&guest_seg(port, 1005, iss + 10, ACK, 65535, b"late"));
    let (r, _) = tcp_out(&s.pop().unwrap());
    assert_eq!((r.flags, r.seq), (RST, iss + 10));
}

#[test]
fn tcp_refused_and_guest_half_close() {
    let mut s = stack(&NetConfig::default());
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    s.input(&guest_seg(port, 77, 0, SYN, 65535, &[]));
    let (r, _) = tcp_out(&next_frame(&mut s));
    assert_eq!((r.flags, r.ack), (RST | ACK, 78));
    assert!(s.tcp.is_empty());

    // The guest sends its request and FIN; the host sees the end of
    // stream, answers, closes.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    s.input(&guest_seg(port, 5, 0, SYN, 65535, &[]));
    let iss = tcp_out(&next_frame(&mut s)).0.seq;
    let (mut host, _) = l.accept().unwrap();
    host.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    s.input(&guest_seg(port, 6, iss + 1, ACK | PSH | FIN, 65535, b"q"));
    let (a, _) = tcp_out(&s.pop().unwrap());
    assert_eq!(a.ack, 8, "data and FIN");
    let mut got = Vec::new();
    host.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"q");
    host.write_all(b"a").unwrap();
    drop(host);
    let (d, data) = tcp_out(&next_frame(&mut s));
    assert_eq!((d.seq, &data[..]), (iss + 1, &b"a"[..]));
    let (f, _) = tcp_out(&next_frame(&mut s));
    assert_eq!((f.flags, f.seq), (FIN | ACK, iss + 2));
    s.input(&guest_seg(port, 8, iss + 3, ACK, 65535, &[]));
    assert!(s.tcp.is_empty());
}

#[test]
fn hostfwd_connects_to_the_guest() {
    let cfg = NetConfig {
        hostfwd: vec![HostFwd {
            proto: Proto::Tcp,
            host: "127.0.0.1:0".parse().unwrap(),
            guest: SocketAddrV4::new(GUEST, 80),
        }],
        ..NetConfig::default()
    };
    let mut s = stack(&cfg);
    let addr = s.forwarded()[0];
    let mut client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (e, ip, data) = unwrap_ip(&next_frame(&mut s));
    assert_eq!((e.dst, ip.src, ip.dst), (GUEST_MAC, GW, GUEST));
    let (syn, _) = tcp::parse(ip.src, ip.dst, &data).unwrap();
    assert_eq!(
        (syn.flags, syn.dst_port, syn.mss, syn.wscale),
        (SYN, 80, Some(1460), Some(0))
    );
    // Not answered: the SYN again after the timeout.
    let (again, _) = next_frame_woken(&mut s);
    let (again, _) = tcp_out(&again);
    assert_eq!((again.flags, again.seq), (SYN, syn.seq));
    let from = syn.src_port;
    // The guest's SYN-ACK, from port 80 to the gateway's port.
    let reply = |seq, ack, flags, data: &[u8]| {
        let seg = Segment {
            src_port: 80,
            dst_port: from,
            seq,
            ack,
            flags,
            window: 65535,
            mss: (flags & SYN != 0).then_some(1400),
            wscale: None,
        };
        ip_frame(GUEST, GW, ipv4::TCP, &tcp::build(&seg, GUEST, GW, data))
    };
    s.input(&reply(9000, syn.seq + 1, SYN | ACK, &[]));
    let (a, _) = tcp_out(&s.pop().unwrap());
    assert_eq!((a.flags, a.ack), (ACK, 9001));
    s.input(&reply(9001, syn.seq + 1, ACK | PSH, b"hello"));
    assert_eq!(tcp_out(&s.pop().unwrap()).0.ack, 9006);
    let mut buf = [0u8; 5];
    client.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hello");
    client.write_all(b"hi").unwrap();
    let (d, data) = tcp_out(&next_frame(&mut s));
    assert_eq!((d.seq, &data[..]), (syn.seq + 1, &b"hi"[..]));
    // The guest resets: the host client sees the connection end.
    s.input(&reply(9006, syn.seq + 3, RST, &[]));
    assert!(s.tcp.is_empty());
    assert_eq!(client.read(&mut buf).unwrap_or(0), 0);
}

#[test]
fn resolv_conf() {
    let conf =
        "# comment\nsearch example\nnameserver fe80::1\nnameserver 10.1.2.3\nnameserver 9.9.9.9\n";
    assert_eq!(nameserver(conf), Some(Ipv4Addr::new(10, 1, 2, 3)));
    assert_eq!(nameserver("options ndots:1\n"), None);
}

/// A connection from the guest's port 40000 (its ISN 0) to a new host
/// listener, established: the port, our ISN, the host's end.
fn open(s: &mut Stack) -> (u16, u32, TcpStream) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    s.input(&guest_seg(port, 0, 0, SYN, 65535, &[]));
    let iss = tcp_out(&next_frame(s)).0.seq;
    let (host, _) = l.accept().unwrap();
    s.input(&guest_seg(port, 1, iss + 1, ACK, 65535, &[]));
    (port, iss, host)
}

#[test]
fn tcp_window_closes_and_opens_for_a_slow_host() {
    let mut s = stack(&NetConfig::default());
    let (port, iss, mut host) = open(&mut s);
    // The host does not read: the guest's data piles up in the host's
    // socket buffers, then in the stack, whose window closes.
    let chunk = vec![0x5a; 60_000];
    let mut seq = 1u32;
    let mut window = 65535;
    while window > 0 {
        assert!(seq < 64 << 20, "the window never closed");
        s.input(&guest_seg(port, seq, iss + 1, ACK | PSH, 65535, &chunk));
        seq += chunk.len() as u32;
        let (a, _) = tcp_out(&s.pop().unwrap());
        assert_eq!(a.ack, seq);
        window = a.window;
    }
    let sent = (seq - 1) as usize;
    // The host reads everything: the stack passes the rest on and says
    // its window is open again.
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut n = 0;
        while n < sent {
            let k = host.read(&mut buf).unwrap();
            assert!(k > 0 && buf[..k].iter().all(|&b| b == 0x5a));
            n += k;
        }
        n
    });
    let (a, _) = tcp_out(&next_frame(&mut s));
    assert_eq!((a.flags, a.ack), (ACK, seq));
    assert!(a.window >= 65535 / 2, "{}", a.window);
    let end = Instant::now() + Duration::from_secs(10);
    while !reader.is_finished() {
        assert!(Instant::now() < end, "the host did not get everything");
        std::thread::sleep(Duration::from_millis(1));
        s.poll_all();
    }
    assert_eq!(reader.join().unwrap(), sent);
}

#[test]
fn udp_hostfwd_to_the_guest_and_back() {
    let cfg = NetConfig {
        hostfwd: vec![HostFwd {
            proto: Proto::Udp,
            host: "127.0.0.1:0".parse().unwrap(),
            guest: SocketAddrV4::new(GUEST, 7000),
        }],
        ..NetConfig::default()
    };
    let mut s = stack(&cfg);
    let addr = s.forwarded()[0];
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let cport = client.local_addr().unwrap().port();
    client.send_to(b"question", addr).unwrap();
    // To the guest's port, from the gateway and the sender's port.
    let (_, ip, data) = unwrap_ip(&next_frame(&mut s));
    assert_eq!((ip.src, ip.dst, ip.proto), (GW, GUEST, ipv4::UDP));
    let (u, payload) = udp::parse(ip.src, ip.dst, &data).unwrap();
    assert_eq!(
        (u.src_port, u.dst_port, payload),
        (cport, 7000, &b"question"[..])
    );
    // The guest answers: the sender gets it from the forwarded port.
    let d = udp::build(GUEST, 7000, GW, cport, b"answer");
    s.input(&ip_frame(GUEST, GW, ipv4::UDP, &d));
    let mut buf = [0u8; 16];
    let (n, from) = client.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"answer"[..], addr));
    // A second sender is told apart by its port.
    let other = UdpSocket::bind("127.0.0.1:0").unwrap();
    other
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let oport = other.local_addr().unwrap().port();
    other.send_to(b"q2", addr).unwrap();
    let (_, ip, data) = unwrap_ip(&next_frame(&mut s));
    let (u, _) = udp::parse(ip.src, ip.dst, &data).unwrap();
    assert_eq!(u.src_port, oport);
    s.input(&ip_frame(
        GUEST,
        GW,
        ipv4::UDP,
        &udp::build(GUEST, 7000, GW, oport, b"a2"),
    ));
    let (n, _) = other.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"a2");
    // A datagram larger than the link's MTU reaches the guest in
    // fragments, and the guest's own fragments reach the sender whole.
    let big: Vec<u8> = (0..4000u32).map(|i| (i * 13) as u8).collect();
    client.send_to(&big, addr).unwrap();
    let (ip, data) = reassemble(&mut s);
    let (u, payload) = udp::parse(ip.src, ip.dst, &data).unwrap();
    assert_eq!((u.src_port, u.dst_port), (cport, 7000));
    assert_eq!(payload, &big[..]);
    let answer: Vec<u8> = big.iter().rev().copied().collect();
    let d = udp::build(GUEST, 7000, GW, cport, &answer);
    input_fragments_last_first(&mut s, ipv4::UDP, 99, &d);
    let mut buf = vec![0u8; 8192];
    let (n, _) = client.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], &answer[..]);
}

/// The guest sends `d` (protocol `proto`) to the gateway in fragments,
/// the last first.
fn input_fragments_last_first(s: &mut Stack, proto: u8, id: u16, d: &[u8]) {
    for p in ipv4::fragments(GUEST, GW, proto, id, d, ipv4::MTU)
        .iter()
        .rev()
    {
        s.input(&eth::build(GATEWAY_MAC, GUEST_MAC, eth::IPV4, p));
    }
}

/// The next datagram for the guest, from its fragments (each frame no
/// larger than the MTU allows): its header and payload.
fn reassemble(s: &mut Stack) -> (ipv4::Header, Vec<u8>) {
    let mut data = Vec::new();
    loop {
        let f = next_frame(s);
        assert!(f.len() <= eth::HEADER + ipv4::MTU, "{} bytes", f.len());
        let (_, p) = eth::parse(&f).unwrap();
        let (ip, frag, payload) = ipv4::parse_any(p).expect("a good IPv4 header");
        assert_eq!(frag.offset, data.len(), "fragments in order");
        data.extend_from_slice(payload);
        if !frag.more {
            return (ip, data);
        }
    }
}

#[test]
fn large_ping_in_fragments() {
    let mut s = stack(&NetConfig::default());
    let mut req = vec![8, 0, 0, 0, 0x12, 0x34, 0, 1];
    req.extend((0..3000u32).map(|i| i as u8));
    let c = ipv4::checksum(&req);
    req[2..4].copy_from_slice(&c.to_be_bytes());
    let frags = ipv4::fragments(GUEST, GW, ipv4::ICMP, 5, &req, ipv4::MTU);
    assert_eq!(frags.len(), 3);
    for i in [1, 0, 1, 2] {
        s.input(&eth::build(GATEWAY_MAC, GUEST_MAC, eth::IPV4, &frags[i]));
    }
    let (ip, reply) = reassemble(&mut s);
    assert_eq!((ip.src, ip.dst, ip.proto), (GW, GUEST, ipv4::ICMP));
    assert_eq!(reply[0], 0, "echo reply");
    assert_eq!(reply[4..], req[4..]);
    assert!(s.pop().is_none(), "one reply");
}

/// A stack whose poller counts its notifications.
fn counting_stack() -> (Stack, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = n.clone();
    let notify = Box::new(move || {
        c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    (
        Stack::new(&NetConfig::default(), GUEST_MAC, notify).unwrap(),
        n,
    )
}

/// The next frame for the guest, the stack polled only when its poller
/// says so (a socket or the timer); how long it took.
fn next_frame_woken(s: &mut Stack) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    loop {
        if let Some(f) = s.pop() {
            return (f, start.elapsed());
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no frame");
        std::thread::sleep(Duration::from_millis(1));
        s.poll();
    }
}

#[test]
fn tcp_resends_what_the_guest_did_not_acknowledge() {
    let (mut s, woken) = counting_stack();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    // The SYN-ACK is lost: it comes again after the initial timeout (1 s),
    // the poller's timer waking the stack.
    s.input(&guest_seg(port, 1000, 0, SYN, 65535, &[]));
    let (first, _) = tcp_out(&next_frame(&mut s));
    assert_eq!(first.flags, SYN | ACK);
    let before = woken.load(std::sync::atomic::Ordering::SeqCst);
    let (again, after) = next_frame_woken(&mut s);
    let (again, _) = tcp_out(&again);
    assert_eq!(
        (again.flags, again.seq, again.ack),
        (SYN | ACK, first.seq, 1001)
    );
    assert!(after >= Duration::from_millis(900), "{after:?}");
    assert!(woken.load(std::sync::atomic::Ordering::SeqCst) > before);
    let iss = first.seq;
    let (mut host, _) = l.accept().unwrap();
    s.input(&guest_seg(port, 1001, iss + 1, ACK, 65535, &[]));
    assert!(s.pop().is_none());
    assert_eq!(s.deadline(), None, "nothing in flight, no timer");
    // Two segments of data; the first is lost, the guest acknowledges
    // nothing: both come again, from the oldest byte, the first alone
    // until it is acknowledged (slow start).
    host.write_all(&[b'a'; 1460]).unwrap();
    let (d1, p1) = tcp_out(&next_frame(&mut s));
    host.write_all(b"tail").unwrap();
    let (d2, p2) = tcp_out(&next_frame(&mut s));
    assert_eq!(
        (d1.seq, p1.len(), d2.seq, &p2[..]),
        (iss + 1, 1460, iss + 1461, &b"tail"[..])
    );
    let (r1, _) = next_frame_woken(&mut s);
    let (r1, q1) = tcp_out(&r1);
    assert_eq!((r1.seq, q1), (iss + 1, p1));
    s.poll_all();
    assert!(s.pop().is_none(), "one segment after a timeout");
    s.input(&guest_seg(port, 1001, iss + 1461, ACK, 65535, &[]));
    let (r2, q2) = tcp_out(&s.pop().unwrap());
    assert_eq!((r2.seq, &q2[..]), (iss + 1461, &b"tail"[..]));
    s.input(&guest_seg(port, 1001, iss + 1465, ACK, 65535, &[]));
    assert!(s.pop().is_none());
    // The FIN is lost and sent again.
    drop(host);
    let (f, _) = tcp_out(&next_frame(&mut s));
    assert_eq!((f.flags, f.seq), (FIN | ACK, iss + 1465));
    let (f2, _) = tcp_out(&next_frame_woken(&mut s).0);
    assert_eq!((f2.flags, f2.seq), (FIN | ACK, iss + 1465));
    s.input(&guest_seg(port, 1001, iss + 1466, FIN | ACK, 65535, &[]));
    let (a, _) = tcp_out(&s.pop().unwrap());
    assert_eq!((a.flags, a.ack), (ACK, 1002));
    assert!(s.tcp.is_empty());
}

#[test]
fn tcp_fast_retransmit_on_three_duplicate_acks() {
    let mut s = stack(&NetConfig::default());
    let (port, iss, mut host) = open(&mut s);
    host.write_all(&[7u8; 4 * 1460]).unwrap();
    let mut segs = Vec::new();
    while segs.len() < 4 {
        segs.push(tcp_out(&next_frame(&mut s)));
    }
    // The first is lost: the guest acknowledges its SYN-ACK three more
    // times, once for each later segment.
    for _ in 0..2 {
        s.input(&guest_seg(port, 1, iss + 1, ACK, 65535, &[]));
        assert!(s.pop().is_none());
    }
    s.input(&guest_seg(port, 1, iss + 1, ACK, 65535, &[]));
    let (r, d) = tcp_out(&s.pop().unwrap());
    assert_eq!((r.seq, d), (iss + 1, segs[0].1.clone()));
    s.input(&guest_seg(port, 1, iss + 1 + 4 * 1460, ACK, 65535, &[]));
    assert_eq!(s.deadline(), None);
}

#[test]
fn tcp_scaled_window_and_zero_window_probe() {
    let mut s = stack(&NetConfig::default());
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    // The guest offers a shift of 2: the SYN-ACK answers with 0.
    s.input(&guest_seg_opts(port, 0, 0, SYN, 100, Some(2), &[]));
    let (sa, _) = tcp_out(&next_frame(&mut s));
    assert_eq!(
        (sa.flags, sa.wscale, sa.mss),
        (SYN | ACK, Some(0), Some(1460))
    );
    let iss = sa.seq;
    let (mut host, _) = l.accept().unwrap();
    // Window 1000 << 2: 4000 bytes go out of the host's 10000.
    s.input(&guest_seg(port, 1, iss + 1, ACK, 1000, &[]));
    host.write_all(&[1u8; 10000]).unwrap();
    let mut sent = 0;
    let end = Instant::now() + Duration::from_secs(10);
    while sent < 4000 {
        assert!(Instant::now() < end, "sent {sent}");
        s.poll_all();
        while let Some(f) = s.pop() {
            let (seg, d) = tcp_out(&f);
            assert_eq!(seg.seq, iss + 1 + sent);
            sent += d.len() as u32;
        }
    }
    assert_eq!(sent, 4000);
    s.poll_all();
    assert!(s.pop().is_none(), "the window is full");
    // All acknowledged, the window closed: after a timeout, a probe just
    // before the window, then again later; the window opens to 250 << 2.
    s.input(&guest_seg(port, 1, iss + 4001, ACK, 0, &[]));
    assert!(s.pop().is_none());
    let (probe, d) = tcp_out(&next_frame(&mut s));
    assert_eq!((probe.flags, probe.seq, d.len()), (ACK, iss + 4000, 0));
    s.input(&guest_seg(port, 1, iss + 4001, ACK, 0, &[]));
    assert!(s.pop().is_none());
    s.input(&guest_seg(port, 1, iss + 4001, ACK, 250, &[]));
    let mut more = 0;
    while let Some(f) = s.pop() {
        more += tcp_out(&f).1.len();
    }
    assert_eq!(more, 1000);
}
