//! IPv4 (RFC 791): the 20-byte header without options on output (packets
//! larger than the link's MTU split into fragments), options skipped on
//! input, and the Internet checksum (RFC 1071) with the TCP/UDP
//! pseudo-header. Fragments are put back together in [`super::frag`].

use std::net::Ipv4Addr;

/// Protocol numbers.
pub const ICMP: u8 = 1;
pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
/// Length of a header without options.
pub const HEADER: usize = 20;
/// Time to live of the packets the stack sends.
const TTL: u8 = 64;
/// The link's MTU (the guest's Ethernet).
pub const MTU: usize = 1500;
/// The flags-and-offset field's More Fragments bit.
const MORE_FRAGMENTS: u16 = 0x2000;
/// Its fragment offset (in 8-byte units).
const OFFSET: u16 = 0x1fff;

/// Where a packet's payload goes in its datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frag {
    pub id: u16,
    /// The payload's offset in the datagram, in bytes.
    pub offset: usize,
    /// More fragments follow.
    pub more: bool,
}

impl Frag {
    /// The packet is a whole datagram.
    pub fn whole(&self) -> bool {
        self.offset == 0 && !self.more
    }
}

/// The fields of a header the stack uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: u8,
    pub ttl: u8,
}

/// The address in the first four bytes of `b`.
pub fn addr(b: &[u8]) -> Ipv4Addr {
    Ipv4Addr::new(b[0], b[1], b[2], b[3])
}

/// The one's-complement sum of `data` (big-endian 16-bit words, an odd
/// last byte padded with zero) added to `acc`, not folded.
pub fn sum(data: &[u8], mut acc: u32) -> u32 {
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        acc += u32::from(u16::from_be_bytes([w[0], w[1]]));
        // Folding early keeps the sum from overflowing on long data.
        acc = (acc & 0xffff) + (acc >> 16);
    }
    if let [last] = words.remainder() {
        acc += u32::from(*last) << 8;
    }
    acc
}

/// Folds a sum to 16 bits and complements it: the checksum field.
pub fn finish(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The Internet checksum of `data`.
pub fn checksum(data: &[u8]) -> u16 {
    finish(sum(data, 0))
}

/// The sum of the TCP/UDP pseudo-header: source, destination, zero,
/// protocol, length.
pub fn pseudo(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, len: usize) -> u32 {
    let mut p = [0u8; 12];
    p[0..4].copy_from_slice(&src.octets());
    p[4..8].copy_from_slice(&dst.octets());
    p[9] = proto;
    p[10..12].copy_from_slice(&(len as u16).to_be_bytes());
    sum(&p, 0)
}

/// The checksum of a TCP segment or UDP datagram `data` (its own checksum
/// field zero) between `src` and `dst`.
pub fn transport_checksum(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, data: &[u8]) -> u16 {
    finish(sum(data, pseudo(src, dst, proto, data.len())))
}

/// Splits `packet` into its header and payload: `None` for what is not a
/// whole, unfragmented IPv4 packet with a good header checksum.
pub fn parse(packet: &[u8]) -> Option<(Header, &[u8])> {
    parse_any(packet).and_then(|(h, f, p)| f.whole().then_some((h, p)))
}

/// Splits an IPv4 packet with a good header checksum, a fragment or not,
/// into its header, its place in its datagram and its payload.
pub fn parse_any(packet: &[u8]) -> Option<(Header, Frag, &[u8])> {
    if packet.len() < HEADER || packet[0] >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(packet[0] & 0xf) * 4;
    let total = usize::from(u16::from_be_bytes([packet[2], packet[3]]));
    if ihl < HEADER || total < ihl || total > packet.len() {
        return None;
    }
    if checksum(&packet[..ihl]) != 0 {
        return None;
    }
    let flags = u16::from_be_bytes([packet[6], packet[7]]);
    let frag = Frag {
        id: u16::from_be_bytes([packet[4], packet[5]]),
        offset: usize::from(flags & OFFSET) * 8,
        more: flags & MORE_FRAGMENTS != 0,
    };
    let h = Header {
        ttl: packet[8],
        proto: packet[9],
        src: addr(&packet[12..16]),
        dst: addr(&packet[16..20]),
    };
    Some((h, frag, &packet[ihl..total]))
}

/// A packet of `payload` from `src` to `dst` with identification `id`.
pub fn build(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, id: u16, payload: &[u8]) -> Vec<u8> {
    packet(src, dst, proto, 0, id, payload)
}

/// The packets carrying a datagram of `payload` over a link of `mtu`
/// bytes: the datagram itself if it fits, else fragments of the largest
/// multiple of 8 bytes that fits (RFC 791 §3.2), all with identification
/// `id`. A payload longer than an IPv4 datagram can be is not sent.
pub fn fragments(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    id: u16,
    payload: &[u8],
    mtu: usize,
) -> Vec<Vec<u8>> {
    if HEADER + payload.len() <= mtu {
        return vec![build(src, dst, proto, id, payload)];
    }
    if HEADER + payload.len() > usize::from(u16::MAX) {
        return Vec::new();
    }
    let step = (mtu - HEADER) / 8 * 8;
    let pieces = payload.chunks(step);
    let last = pieces.len() - 1;
    pieces
        .enumerate()
        .map(|(i, piece)| {
            let mut flags = (i * step / 8) as u16;
            if i != last {
                flags |= MORE_FRAGMENTS;
            }
            packet(src, dst, proto, flags, id, piece)
        })
        .collect()
}

/// A packet with flags-and-offset field `flags`.
fn packet(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, flags: u16, id: u16, payload: &[u8]) -> Vec<u8> {
    let total = (HEADER + payload.len()) as u16;
    let mut p = Vec::with_capacity(HEADER + payload.len());
    p.extend([0x45, 0]);
    p.extend(total.to_be_bytes());
    p.extend(id.to_be_bytes());
    p.extend(flags.to_be_bytes());
    p.extend([TTL, proto, 0, 0]);
    p.extend(src.octets());
    p.extend(dst.octets());
    let c = checksum(&p);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend(payload);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded).
        let d = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&d), !0xddf2);
        // An odd byte counts as the high half of a word.
        assert_eq!(checksum(&[0x12]), !0x1200);
    }

    #[test]
    fn header_round_trip() {
        let (a, b) = (Ipv4Addr::new(10, 0, 2, 2), Ipv4Addr::new(10, 0, 2, 15));
        let p = build(a, b, UDP, 0x1234, b"data");
        // The header checksum worked out separately (one's-complement sum
        // of the ten words, folded, complemented).
        assert_eq!(
            &p[..12],
            &[0x45, 0, 0, 24, 0x12, 0x34, 0, 0, 64, 17, 0x50, 0x91]
        );
        let (h, payload) = parse(&p).unwrap();
        assert_eq!((h.src, h.dst, h.proto, h.ttl), (a, b, UDP, 64));
        assert_eq!(payload, b"data");
        let mut bad = p.clone();
        bad[8] = 63;
        assert!(parse(&bad).is_none(), "bad checksum");
        let mut frag = p.clone();
        frag[6] = 0x20; // more fragments
        let c = checksum(&{
            let mut h = frag[..20].to_vec();
            h[10] = 0;
            h[11] = 0;
            h
        });
        frag[10..12].copy_from_slice(&c.to_be_bytes());
        assert!(parse(&frag).is_none(), "fragment");
        let (_, f, _) = parse_any(&frag).unwrap();
        assert_eq!(
            f,
            Frag {
                id: 0x1234,
                offset: 0,
                more: true
            }
        );
        // Ethernet padding after the packet is not payload.
        let mut padded = p.clone();
        padded.extend([0; 6]);
        assert_eq!(parse(&padded).unwrap().1, b"data");
    }

    #[test]
    fn fragments_of_a_large_datagram() {
        let (a, b) = (Ipv4Addr::new(10, 0, 2, 2), Ipv4Addr::new(10, 0, 2, 15));
        let payload: Vec<u8> = (0..4008u32).map(|i| i as u8).collect();
        let f = fragments(a, b, UDP, 7, &payload, MTU);
        // 1480 + 1480 + 1048 bytes, offsets 0, 185, 370 (8-byte units).
        let lens: Vec<usize> = f.iter().map(Vec::len).collect();
        assert_eq!(lens, [1500, 1500, 1068]);
        let mut back = Vec::new();
        for (i, p) in f.iter().enumerate() {
            let (h, fr, data) = parse_any(p).unwrap();
            assert_eq!((h.src, h.dst, h.proto), (a, b, UDP));
            assert_eq!(
                fr,
                Frag {
                    id: 7,
                    offset: i * 1480,
                    more: i < 2
                }
            );
            assert_eq!(&p[6..8], &[[0x20, 0], [0x20, 185], [1, 0x72]][i]);
            back.extend_from_slice(data);
        }
        assert_eq!(back, payload);
        // What fits goes whole; what no datagram can hold, not at all.
        assert_eq!(fragments(a, b, UDP, 1, &payload[..1480], MTU).len(), 1);
        assert_eq!(fragments(a, b, UDP, 1, &payload[..1481], MTU).len(), 2);
        assert!(fragments(a, b, UDP, 1, &vec![0; 65516], MTU).is_empty());
        assert_eq!(fragments(a, b, UDP, 1, &vec![0; 65515], MTU).len(), 45);
    }
}
