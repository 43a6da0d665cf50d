//! One TCP connection between the guest and a host socket: the stack
//! terminates the guest's TCP and carries the byte stream over a host
//! `TcpStream`.
//!
//! Bytes for the guest stay in a send buffer until it acknowledges them.
//! What it has not acknowledged — SYN, SYN-ACK, data, FIN — goes again
//! when the retransmission timer ([`Rto`], RFC 6298) expires: from the
//! oldest unacknowledged byte, one segment first, twice as much with each
//! acknowledgment after (slow start); three duplicate acknowledgments
//! resend the oldest segment at once. Frames still waiting for the guest
//! to take them hold the timer back (a guest that is not reading its
//! receive queue lost nothing). The guest's window bounds the bytes in
//! flight, scaled when its SYN carried the window scale option (RFC 7323;
//! the stack then sends a shift of 0); a zero window is probed on the
//! persist timer with a segment just before the window, which the guest
//! answers with its window. A connection gives up (RST) after 6 unanswered
//! SYNs or SYN-ACKs and 15 retransmissions of data.
//!
//! States: `Connecting` (the guest's SYN arrived, the host socket is still
//! connecting), `SynReceived` (SYN-ACK sent to the guest), `SynSent` (a
//! forwarded host connection: SYN sent to the guest), `Established`. The
//! close is tracked by flags: the guest's FIN shuts the host socket's
//! write side once everything before it is written; the host's end of
//! stream becomes a FIN to the guest after the data before it.

use super::tcp::{self, seq_le, seq_lt, Segment, ACK, FIN, PSH, RST, SYN};
use super::tcp_rto::Rto;
use super::Out;
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddrV4, TcpStream};
use std::time::{Duration, Instant};

/// The MSS the stack announces (a 1500-byte MTU).
pub const MSS: u16 = 1460;
/// The MSS assumed when the guest sends none (RFC 9293 §3.7.1).
const DEFAULT_MSS: u16 = 536;
/// Bytes from the guest the stack buffers for a slow host socket: the
/// window it announces (its window scale shift is 0).
const WINDOW: usize = 65535;
/// Most bytes read from the host socket ahead of the guest's
/// acknowledgments.
const SEND_BUFFER: usize = 1 << 20;
/// Retransmissions before the connection is given up.
const SYN_RETRIES: u32 = 6;
const DATA_RETRIES: u32 = 15;
/// Longest wait between zero-window probes.
const PROBE_MAX: Duration = Duration::from_secs(60);

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
    /// Our sequence space: oldest unacknowledged, next to send, highest
    /// sent.
    snd_una: u32,
    snd_nxt: u32,
    snd_max: u32,
    /// Bytes from `snd_una` on: sent and unacknowledged, then not sent.
    sndbuf: VecDeque<u8>,
    /// The guest's receive window (scaled) and its scale shift.
    snd_wnd: u32,
    snd_shift: u8,
    /// Whether our SYN or SYN-ACK carries the window scale option.
    offer_wscale: bool,
    mss: usize,
    /// The most bytes in flight after a timeout (slow start).
    cwnd: usize,
    dup_acks: u32,
    rto: Rto,
    /// When the retransmission or persist timer goes off.
    timer: Option<Instant>,
    persist: Option<Duration>,
    retries: u32,
    /// The next sequence number expected from the guest.
    rcv_nxt: u32,
    /// Guest bytes the host socket has not taken yet.
    to_host: Vec<u8>,
    /// The window in the last segment sent.
    advertised: u16,
    host_eof: bool,
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
            snd_max: iss,
            sndbuf: VecDeque::new(),
            snd_wnd: 0,
            snd_shift: 0,
            offer_wscale: false,
            mss: usize::from(DEFAULT_MSS),
            cwnd: usize::MAX,
            dup_acks: 0,
            rto: Rto::default(),
            timer: None,
            persist: None,
            retries: 0,
            rcv_nxt: 0,
            to_host: Vec::new(),
            advertised: 0,
            host_eof: false,
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
        c.offer_wscale = syn.wscale.is_some();
        c.snd_shift = syn.wscale.unwrap_or(0);
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
        c.offer_wscale = true;
        c.send(out, SYN, iss, &[], true);
        c.snd_nxt = iss.wrapping_add(1);
        c.snd_max = c.snd_nxt;
        c.timer = Some(Instant::now() + c.rto.get());
        c
    }

    /// Whether the connection is over (the stack forgets it and closes
    /// the host socket).
    pub fn done(&self) -> bool {
        self.closed || self.guest_fin && self.fin_acked && self.to_host.is_empty()
    }

    /// When [`Conn::on_timer`] wants to run.
    pub fn deadline(&self) -> Option<Instant> {
        self.timer.filter(|_| !self.closed)
    }

    fn window(&self) -> u16 {
        WINDOW.saturating_sub(self.to_host.len()) as u16
    }

    /// The sequence number after the buffered data.
    fn data_end(&self) -> u32 {
        self.snd_una.wrapping_add(self.sndbuf.len() as u32)
    }

    /// Sends a segment to the guest (with the MSS option, and the window
    /// scale if offered, when `syn_opts`).
    fn send(&mut self, out: &mut Out, flags: u8, seq: u32, data: &[u8], syn_opts: bool) {
        let seg = Segment {
            src_port: self.peer.port(),
            dst_port: self.guest.port(),
            seq,
            ack: if flags & ACK != 0 { self.rcv_nxt } else { 0 },
            flags,
            window: self.window(),
            mss: syn_opts.then_some(MSS),
            wscale: (syn_opts && self.offer_wscale).then_some(0),
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
                    self.snd_shift = seg.wscale.unwrap_or(0);
                    self.mss = usize::from(seg.mss.unwrap_or(DEFAULT_MSS).min(MSS));
                    self.established();
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
                self.snd_una = seg.ack;
                self.established();
            }
            State::SynReceived => return,
            State::Established => {}
        }
        if seg.has(ACK) {
            self.on_ack(seg, data.is_empty() && !seg.has(FIN), out);
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

    /// The handshake is over: the SYN's timer stops.
    fn established(&mut self) {
        self.state = State::Established;
        self.snd_max = self.snd_una;
        self.snd_nxt = self.snd_una;
        self.timer = None;
        self.retries = 0;
    }

    /// An acknowledgment from the guest (`bare`: it carries no data and
    /// no FIN).
    fn on_ack(&mut self, seg: &Segment, bare: bool, out: &mut Out) {
        let wnd = u32::from(seg.window) << self.snd_shift;
        let now = Instant::now();
        if seq_lt(self.snd_una, seg.ack) && seq_le(seg.ack, self.snd_max) {
            let acked = seg.ack.wrapping_sub(self.snd_una) as usize;
            let data = acked.min(self.sndbuf.len());
            self.sndbuf.drain(..data);
            // Beyond the data: the FIN.
            self.fin_acked |= acked > data;
            self.snd_una = seg.ack;
            if seq_lt(self.snd_nxt, seg.ack) {
                self.snd_nxt = seg.ack;
            }
            self.snd_wnd = wnd;
            self.rto.acked(seg.ack, now);
            self.cwnd = self.cwnd.saturating_mul(2);
            self.retries = 0;
            self.dup_acks = 0;
            // Restarted for what is still in flight (RFC 6298 §5.3).
            self.timer = (self.snd_una != self.snd_nxt).then(|| now + self.rto.get());
            self.persist = None;
        } else if seg.ack == self.snd_una {
            let in_flight = self.snd_una != self.snd_max;
            if bare && in_flight && wnd == self.snd_wnd {
                self.dup_acks += 1;
                if self.dup_acks == 3 {
                    self.resend_oldest(out);
                }
            }
            self.snd_wnd = wnd;
        }
    }

    /// Sends the oldest unacknowledged segment again.
    fn resend_oldest(&mut self, out: &mut Out) {
        let n = self.sndbuf.len().min(self.mss);
        if n > 0 {
            let data: Vec<u8> = self.sndbuf.range(..n).copied().collect();
            self.send(out, ACK | PSH, self.snd_una, &data, false);
        } else if self.host_eof && !self.fin_acked {
            self.send(out, FIN | ACK, self.snd_una, &[], false);
        }
    }

    /// A timer went off if its time is past `now`: sends again what the
    /// guest has not acknowledged, or probes its zero window.
    pub fn on_timer(&mut self, now: Instant, out: &mut Out) {
        match self.timer {
            Some(t) if t <= now && !self.closed => {}
            _ => return,
        }
        if let Some(wait) = self.persist {
            // A segment just before the window: the guest answers with an
            // acknowledgment carrying its window.
            self.send(out, ACK, self.snd_una.wrapping_sub(1), &[], false);
            let wait = (wait * 2).min(PROBE_MAX);
            self.persist = Some(wait);
            self.timer = Some(now + wait);
            return;
        }
        if !out.frames.is_empty() {
            // The guest has not taken what was sent yet: nothing is lost.
            self.timer = Some(now + self.rto.get());
            return;
        }
        self.retries += 1;
        let limit = if self.state == State::Established {
            DATA_RETRIES
        } else {
            SYN_RETRIES
        };
        if self.retries > limit {
            return self.abort(out);
        }
        self.rto.backoff();
        match self.state {
            State::Connecting => {}
            State::SynSent => self.send(out, SYN, self.snd_una, &[], true),
            State::SynReceived => self.send(out, SYN | ACK, self.snd_una, &[], true),
            State::Established => {
                // Go back to the oldest unacknowledged byte, one segment
                // at a time at first.
                self.snd_nxt = self.snd_una;
                self.cwnd = self.mss;
                self.dup_acks = 0;
                self.timer = None;
                self.pump(out);
            }
        }
        if self.timer.is_none() || self.state != State::Established {
            self.timer = Some(now + self.rto.get());
        }
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

    /// Reads what the host socket has into the send buffer, up to the
    /// guest's window (at least a segment, so that a closed window is
    /// probed only when there is something to send).
    fn fill(&mut self, out: &mut Out) {
        let limit = (self.snd_wnd as usize).max(self.mss).min(SEND_BUFFER);
        let mut buf = [0u8; 16384];
        while !self.host_eof && self.sndbuf.len() < limit {
            let want = (limit - self.sndbuf.len()).min(buf.len());
            match self.sock.read(&mut buf[..want]) {
                Ok(0) => self.host_eof = true,
                Ok(n) => self.sndbuf.extend(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return self.abort(out),
            }
        }
    }

    /// Sends what the send buffer has, as far as the guest's window lets,
    /// then the FIN after the host's end of stream; sets the timers.
    fn pump(&mut self, out: &mut Out) {
        if self.state != State::Established || self.closed {
            return;
        }
        self.fill(out);
        if self.closed {
            return;
        }
        let now = Instant::now();
        loop {
            let in_flight = self.snd_nxt.wrapping_sub(self.snd_una) as usize;
            let room = (self.snd_wnd as usize)
                .min(self.cwnd)
                .saturating_sub(in_flight);
            let unsent = self.sndbuf.len().saturating_sub(in_flight);
            let n = unsent.min(room).min(self.mss);
            if n == 0 {
                break;
            }
            let data: Vec<u8> = self
                .sndbuf
                .range(in_flight..in_flight + n)
                .copied()
                .collect();
            self.send(out, ACK | PSH, self.snd_nxt, &data, false);
            self.snd_nxt = self.snd_nxt.wrapping_add(n as u32);
            if seq_lt(self.snd_max, self.snd_nxt) {
                self.snd_max = self.snd_nxt;
                self.rto.sent(self.snd_nxt, now);
            }
        }
        if self.host_eof && self.snd_nxt == self.data_end() && !self.fin_acked {
            self.send(out, FIN | ACK, self.snd_nxt, &[], false);
            self.snd_nxt = self.snd_nxt.wrapping_add(1);
            if seq_lt(self.snd_max, self.snd_nxt) {
                self.snd_max = self.snd_nxt;
            }
        }
        if self.snd_nxt != self.snd_una {
            // Started when something goes out with none running (RFC
            // 6298 §5.1).
            if self.timer.is_none() || self.persist.is_some() {
                self.timer = Some(now + self.rto.get());
                self.persist = None;
            }
        } else if !self.sndbuf.is_empty() {
            // Data waits for a window the guest closed.
            if self.persist.is_none() {
                self.persist = Some(self.rto.get());
                self.timer = Some(now + self.rto.get());
            }
        } else {
            self.timer = None;
            self.persist = None;
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
                    self.snd_max = self.snd_nxt;
                    self.timer = Some(Instant::now() + self.rto.get());
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
