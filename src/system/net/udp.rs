//! UDP (RFC 768): the 8-byte header — source port, destination port,
//! length, checksum over the pseudo-header (zero: none sent, RFC 768; a
//! computed zero goes out as 0xffff).

use super::ipv4::{transport_checksum, UDP};
use std::net::Ipv4Addr;

pub const HEADER: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub src_port: u16,
    pub dst_port: u16,
}

/// Splits a datagram carried from `src` to `dst` into its ports and
/// payload: `None` when it is cut short or its checksum is wrong.
pub fn parse(src: Ipv4Addr, dst: Ipv4Addr, d: &[u8]) -> Option<(Header, &[u8])> {
    if d.len() < HEADER {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([d[4], d[5]]));
    if len < HEADER || len > d.len() {
        return None;
    }
    let d = &d[..len];
    if u16::from_be_bytes([d[6], d[7]]) != 0 && transport_checksum(src, dst, UDP, d) != 0 {
        return None;
    }
    let h = Header {
        src_port: u16::from_be_bytes([d[0], d[1]]),
        dst_port: u16::from_be_bytes([d[2], d[3]]),
    };
    Some((h, &d[HEADER..]))
}

/// A datagram of `payload` from `src:src_port` to `dst:dst_port`.
pub fn build(
    src: Ipv4Addr,
    src_port: u16,
    dst: Ipv4Addr,
    dst_port: u16,
    payload: &[u8],
) -> Vec<u8> {
    let len = (HEADER + payload.len()) as u16;
    let mut d = Vec::with_capacity(usize::from(len));
    d.extend(src_port.to_be_bytes());
    d.extend(dst_port.to_be_bytes());
    d.extend(len.to_be_bytes());
    d.extend([0, 0]);
    d.extend(payload);
    let c = match transport_checksum(src, dst, UDP, &d) {
        0 => 0xffff,
        c => c,
    };
    d[6..8].copy_from_slice(&c.to_be_bytes());
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_checksum() {
        let (a, b) = (Ipv4Addr::new(10, 0, 2, 15), Ipv4Addr::new(10, 0, 2, 2));
        let d = build(a, 1234, b, 53, b"query");
        assert_eq!(&d[..6], &[0x04, 0xd2, 0, 53, 0, 13]);
        // Pseudo-header 0a00 020f 0a00 0202 0011 000d, header 04d2 0035
        // 000d, data 7175 6572 7900, summed separately: 0x16d2a ->
        // 0x6d2b; complement 0x92d4.
        assert_eq!(&d[6..8], &[0x92, 0xd4]);
        let (h, p) = parse(a, b, &d).unwrap();
        assert_eq!((h.src_port, h.dst_port, p), (1234, 53, &b"query"[..]));
        // Checked against the addresses: another destination fails.
        assert!(parse(a, Ipv4Addr::new(10, 0, 2, 3), &d).is_none());
        // No checksum (zero) is accepted.
        let mut none = d.clone();
        none[6..8].copy_from_slice(&[0, 0]);
        none[8] ^= 0xff;
        assert!(parse(a, b, &none).is_some());
        assert!(parse(a, b, &d[..7]).is_none());
    }
}
