//! Reassembly of the IPv4 datagrams the guest sends in fragments (RFC 791
//! §3.2, RFC 815): fragments are gathered per (source, destination,
//! protocol, identification) until the pieces cover the datagram from 0
//! to the end the last fragment (More Fragments clear) gives.
//!
//! Safety and bounds:
//! - a fragment that repeats bytes already received with the same content
//!   is a duplicate and ignored; any other overlap, a second different
//!   end, data past the end, or a datagram longer than 65535 bytes drops
//!   the whole datagram (as Linux does since 4.19, RFC 5722's rule for
//!   IPv6);
//! - fragments other than the last must carry a multiple of 8 bytes;
//! - an unfinished datagram is dropped [`TIMEOUT`] after its first
//!   fragment (RFC 791 suggests 15 s as the lower bound; Linux uses 30 s);
//! - at most [`MAX_DATAGRAMS`] datagrams and [`MAX_BYTES`] bytes are held,
//!   the oldest dropped to make room, and a datagram has at most
//!   [`MAX_PIECES`] separate pieces.

use super::ipv4::{Frag, Header, HEADER};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(30);
pub const MAX_DATAGRAMS: usize = 16;
pub const MAX_BYTES: usize = 1 << 19;
pub const MAX_PIECES: usize = 64;
/// The longest payload an IPv4 datagram can carry (with a bare header).
const MAX_PAYLOAD: usize = u16::MAX as usize - HEADER;

type Key = (Ipv4Addr, Ipv4Addr, u8, u16);

struct Partial {
    key: Key,
    header: Header,
    started: Instant,
    /// The payload so far, as long as the furthest piece.
    data: Vec<u8>,
    /// The byte ranges received, sorted, not touching each other.
    pieces: Vec<(usize, usize)>,
    /// The datagram's length, once its last fragment came.
    end: Option<usize>,
}

/// What a fragment does to its datagram.
enum Fit {
    Added,
    Duplicate,
    Broken,
}

impl Partial {
    fn add(&mut self, start: usize, more: bool, data: &[u8]) -> Fit {
        let end = start + data.len();
        for &(a, b) in &self.pieces {
            if start < b && a < end {
                let same = a <= start && end <= b && self.data[start..end] == *data;
                let same_end = more || self.end == Some(end);
                return if same && same_end {
                    Fit::Duplicate
                } else {
                    Fit::Broken
                };
            }
        }
        let furthest = self.pieces.last().map_or(0, |p| p.1);
        match (more, self.end) {
            (false, None) if furthest > end => return Fit::Broken,
            (false, Some(e)) if e != end => return Fit::Broken,
            (true, Some(e)) if end > e => return Fit::Broken,
            (false, _) => self.end = Some(end),
            _ => {}
        }
        if self.data.len() < end {
            self.data.resize(end, 0);
        }
        self.data[start..end].copy_from_slice(data);
        let at = self.pieces.partition_point(|p| p.0 < start);
        self.pieces.insert(at, (start, end));
        // Join pieces that touch.
        let mut joined: Vec<(usize, usize)> = Vec::with_capacity(self.pieces.len());
        for &(a, b) in &self.pieces {
            match joined.last_mut() {
                Some(last) if last.1 == a => last.1 = b,
                _ => joined.push((a, b)),
            }
        }
        self.pieces = joined;
        if self.pieces.len() > MAX_PIECES {
            return Fit::Broken;
        }
        Fit::Added
    }

    fn complete(&self) -> bool {
        self.end.is_some_and(|e| self.pieces == [(0, e)])
    }
}

#[derive(Default)]
pub struct Reassembly {
    partial: Vec<Partial>,
}

impl Reassembly {
    /// Takes fragment `f` (with header `h` and `payload`) at time `now`:
    /// the datagram's header and payload once it is whole.
    pub fn insert(
        &mut self,
        now: Instant,
        h: &Header,
        f: Frag,
        payload: &[u8],
    ) -> Option<(Header, Vec<u8>)> {
        self.partial
            .retain(|p| now.saturating_duration_since(p.started) < TIMEOUT);
        let end = f.offset + payload.len();
        if end > MAX_PAYLOAD || (f.more && (payload.is_empty() || !payload.len().is_multiple_of(8)))
        {
            return None;
        }
        let key = (h.src, h.dst, h.proto, f.id);
        let i = match self.partial.iter().position(|p| p.key == key) {
            Some(i) => i,
            None => {
                self.make_room(end);
                self.partial.push(Partial {
                    key,
                    header: *h,
                    started: now,
                    data: Vec::new(),
                    pieces: Vec::new(),
                    end: None,
                });
                self.partial.len() - 1
            }
        };
        match self.partial[i].add(f.offset, f.more, payload) {
            Fit::Duplicate => None,
            Fit::Broken => {
                self.partial.remove(i);
                None
            }
            Fit::Added if self.partial[i].complete() => {
                let p = self.partial.remove(i);
                Some((p.header, p.data))
            }
            Fit::Added => {
                if self.held() > MAX_BYTES {
                    self.partial.remove(i);
                }
                None
            }
        }
    }

    /// Drops the oldest datagrams until one more (`bytes` long so far)
    /// fits.
    fn make_room(&mut self, bytes: usize) {
        while !self.partial.is_empty()
            && (self.partial.len() >= MAX_DATAGRAMS || self.held() + bytes > MAX_BYTES)
        {
            self.partial.remove(0);
        }
    }

    /// The bytes held.
    fn held(&self) -> usize {
        self.partial.iter().map(|p| p.data.len()).sum()
    }

    /// Datagrams being put together.
    #[cfg(test)]
    pub fn pending(&self) -> usize {
        self.partial.len()
    }
}

#[cfg(test)]
#[path = "frag_tests.rs"]
mod tests;
