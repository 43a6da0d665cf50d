//! One TCP connection between the guest and a host socket: the stack
//! terminates the guest's TCP and carries the byte stream over a host
//! `TcpStream`. The link to the guest is lossless and in order, so there
//! is no retransmission queue: bytes sent to the guest are counted in
//! flight until acknowledged, against the guest's window.
//!
//! States: `Connecting` (the guest's SYN arrived, the host socket is still
//! connecting), `SynReceived` (SYN-ACK sent to the guest), `SynSent` (a
//! forwarded host connection: SYN sent to the guest), `Established`. The
//! close is tracked by flags: the guest's FIN shuts the host socket's
//! write side once everything before it is written; the host's end of
//! stream becomes a FIN to the guest after the data before it.

use super::tcp::{self, seq_le, seq_lt, Segment, ACK, FIN, PSH, RST, SYN};
use super::Out;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddrV4, TcpStream};

/// The MSS the stack announces (a 1500-byte MTU).
pub const MSS: u16 = 1460;
/// The MSS assumed when the guest sends none (RFC 9293 §3.7.1).
const DEFAULT_MSS: u16 = 536;
/// Bytes from the guest the stack buffers for a slow host socket: the
/// window it announces (no window scaling offered).
const WINDOW: usize = 65535;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Connecting,
    SynReceived,
    SynSent,
    Established,
}

pub struct Conn {
    /// The guest's end.
    pub guest: SocketAddrV4,
    /// The other end as the guest sees it (a virtual address).
    pub peer: SocketAddrV4,
    sock: TcpStream,
    state: State,
    /// Our sequence space: oldest unacknowledged, next to send.
    snd_una: u32,
    snd_nxt: u32,
    /// The guest's receive window and MSS.
    snd_wnd: u32,
    mss: usize,
    /// The next sequence number expected from the guest.
    rcv_nxt: u32,
    /// Guest bytes the host socket has not taken yet.
    to_host: Vec<u8>,
    /// The window in the last segment sent.
    advertised: u16,
    host_eof: bool,
    fin_sent: bool,
    fin_acked: bool,
    guest_fin: bool,
    shut: bool,
    closed: bool,
}

impl Conn {
    fn new(guest: SocketAddrV4, peer: SocketAddrV4, sock: TcpStream, iss: u32) -> Conn {
        Conn {
            guest,
            peer,
            sock,
            state: State::Connecting,
            snd_una: iss,
            snd_nxt: iss,
            snd_wnd: 0,
            mss: usize::from(DEFAULT_MSS),
            rcv_nxt: 0,
            to_host: Vec::new(),
            advertised: 0,
            host_eof: false,
            fin_sent: false,
            fin_acked: false,
            guest_fin: false,
            shut: false,
            closed: false,
        }
    }

    /// A connection the guest opened with `syn`, whose host socket `sock`
    /// is connecting; our initial sequence number is `iss`.
    pub fn outbound(
        guest: SocketAddrV4,
        peer: SocketAddrV4,
        sock: TcpStream,
        syn: &Segment,
        iss: u32,
    ) -> Conn {
        let mut c = Conn::new(guest, peer, sock, iss);
        c.rcv_nxt = syn.seq.wrapping_add(1);
        c.snd_wnd = u32::from(syn.window);
        c.mss = usize::from(syn.mss.unwrap_or(DEFAULT_MSS).min(MSS));
        c
    }

    /// A host connection `sock` forwarded to the guest: sends the SYN.
    pub fn inbound(
        guest: SocketAddrV4,
        peer: SocketAddrV4,
        sock: TcpStream,
        iss: u32,
        out: &mut Out,
    ) -> Conn {
        let mut c = Conn::new(guest, peer, sock, iss);
        c.state = State::SynSent;
        c.send(out, SYN, iss, &[], true);
        c.snd_nxt = iss.wrapping_add(1);
        c
    }

    /// Whether the connection is over (the stack forgets it and closes
    /// the host socket).
    pub fn done(&self) -> bool {
        self.closed || self.guest_fin && self.fin_acked && self.to_host.is_empty()
    }

    fn window(&self) -> u16 {
        WINDOW.saturating_sub(self.to_host.len()) as u16
    }

    /// Sends a segment to the guest (with the MSS option when `syn_opts`).
    fn send(&mut self, out: &mut Out, flags: u8, seq: u32, data: &[u8], syn_opts: bool) {
        let seg = Segment {
            src_port: self.peer.port(),
            dst_port: self.guest.port(),
            seq,
            ack: if flags & ACK != 0 { self.rcv_nxt } else { 0 },
            flags,
            window: self.window(),
            mss: syn_opts.then_some(MSS),
        };
        self.advertised = seg.window;
        out.ip(
            *self.peer.ip(),
            *self.guest.ip(),
            super::ipv4::TCP,
            &tcp::build(&seg, *self.peer.ip(), *self.guest.ip(), data),
        );
    }

    fn ack(&mut self, out: &mut Out) {
        self.send(out, ACK, self.snd_nxt, &[], false);
    }

    /// Aborts: RST to the guest, the host socket closed.
    fn abort(&mut self, out: &mut Out) {
        self.send(out, RST | ACK, self.snd_nxt, &[], false);
        self.closed = true;
    }

    /// Handles a segment from the guest.
    pub fn input(&mut self, seg: &Segment, mut data: &[u8], out: &mut Out) {
        if seg.has(RST) {
            self.closed = true;
            return;
        }
        match self.state {
            State::Connecting => return,
            State::SynSent => {
                if seg.has(SYN) && seg.has(ACK) && seg.ack == self.snd_nxt {
                    self.rcv_nxt = seg.seq.wrapping_add(1);
                    self.snd_una = seg.ack;
                    self.snd_wnd = u32::from(seg.window);
                    self.mss = usize::from(seg.mss.unwrap_or(DEFAULT_MSS).min(MSS));
                    self.state = State::Established;
                    self.ack(out);
                    self.pump(out);
                } else if seg.has(ACK) {
                    self.abort(out);
                }
                return;
            }
            State::SynReceived if seg.has(SYN) => {
                // The guest sent its SYN again: the SYN-ACK once more.
                self.send(out, SYN | ACK, self.snd_una, &[], true);
                return;
            }
            State::SynReceived if seg.has(ACK) && seg.ack == self.snd_nxt => {
                self.state = State::Established;
                self.snd_una = seg.ack;
            }
            State::SynReceived => return,
            State::Established => {}
        }
        if seg.has(ACK) && seq_le(self.snd_una, seg.ack) && seq_le(seg.ack, self.snd_nxt) {
            self.snd_una = seg.ack;
            self.snd_wnd = u32::from(seg.window);
            if self.fin_sent && self.snd_una == self.snd_nxt {
                self.fin_acked = true;
            }
        }
        if !data.is_empty() || seg.has(FIN) {
            // Bytes before `rcv_nxt` were received already (a
            // retransmission); a segment past it would mean a lost one.
            let fin = usize::from(seg.has(FIN));
            let dup = if seq_lt(seg.seq, self.rcv_nxt) {
                self.rcv_nxt.wrapping_sub(seg.seq) as usize
            } else {
                0
            };
            let in_order = seq_le(seg.seq, self.rcv_nxt);
            if in_order && dup < data.len() + fin && !self.guest_fin {
                data = &data[dup.min(data.len())..];
                self.to_host.extend_from_slice(data);
                self.rcv_nxt = self.rcv_nxt.wrapping_add(data.len() as u32);
                if fin == 1 {
                    self.rcv_nxt = self.rcv_nxt.wrapping_add(1);
                    self.guest_fin = true;
                }
                self.flush(out);
            }
            if !self.closed {
                self.ack(out);
            }
        }
        self.pump(out);
    }

    /// Moves buffered guest bytes to the host socket; after the guest's
    /// FIN, shuts its write side.
    fn flush(&mut self, out: &mut Out) {
        while !self.to_host.is_empty() {
            match self.sock.write(&self.to_host) {
                Ok(n) => {
                    self.to_host.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return self.abort(out),
            }
        }
        if self.guest_fin && self.to_host.is_empty() && !self.shut {
            self.shut = true;
            let _ = self.sock.shutdown(Shutdown::Write);
        }
    }

    /// Sends what the host socket has, as far as the guest's window lets,
    /// then the FIN after the host's end of stream.
    fn pump(&mut self, out: &mut Out) {
        if self.state != State::Established || self.closed {
            return;
        }
        let mut buf = vec![0u8; self.mss];
        while !self.host_eof {
            let in_flight = self.snd_nxt.wrapping_sub(self.snd_una);
            let room = (self.snd_wnd.saturating_sub(in_flight) as usize).min(self.mss);
            if room == 0 {
                break;
            }
            match self.sock.read(&mut buf[..room]) {
                Ok(0) => self.host_eof = true,
                Ok(n) => {
                    self.send(out, ACK | PSH, self.snd_nxt, &buf[..n], false);
                    self.snd_nxt = self.snd_nxt.wrapping_add(n as u32);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return self.abort(out),
            }
        }
        if self.host_eof && !self.fin_sent {
            self.send(out, FIN | ACK, self.snd_nxt, &[], false);
            self.snd_nxt = self.snd_nxt.wrapping_add(1);
            self.fin_sent = true;
        }
    }

    /// Host-side progress: a connection finished, output room, input.
    pub fn poll(&mut self, out: &mut Out) {
        if self.state == State::Connecting {
            match super::host::connected(&self.sock) {
                None => return,
                Some(Ok(())) => {
                    self.state = State::SynReceived;
                    self.send(out, SYN | ACK, self.snd_nxt, &[], true);
                    self.snd_nxt = self.snd_nxt.wrapping_add(1);
                }
                Some(Err(_)) => return self.abort(out),
            }
            return;
        }
        let before = self.advertised;
        self.flush(out);
        // The window opened again after the host socket caught up.
        if usize::from(before) < WINDOW / 2 && usize::from(self.window()) >= WINDOW / 2 {
            self.ack(out);
        }
        self.pump(out);
    }
}

/// The RST answering `seg` (carrying `data` bytes) from the guest for a
/// connection that does not exist (RFC 9293 §3.10.7.1).
pub fn refuse(seg: &Segment, data: usize, from: SocketAddrV4, to: SocketAddrV4, out: &mut Out) {
    if seg.has(RST) {
        return;
    }
    let reply = if seg.has(ACK) {
        Segment {
            seq: seg.ack,
            flags: RST,
            ..Default::default()
        }
    } else {
        Segment {
            ack: seg.seq.wrapping_add(seg.len(data)),
            flags: RST | ACK,
            ..Default::default()
        }
    };
    let reply = Segment {
        src_port: from.port(),
        dst_port: to.port(),
        ..reply
    };
    out.ip(
        *from.ip(),
        *to.ip(),
        super::ipv4::TCP,
        &tcp::build(&reply, *from.ip(), *to.ip(), &[]),
    );
}
