//! TCP segments (RFC 9293 §3.1): source and destination ports, sequence
//! and acknowledgment numbers, the data offset, the flags, the window, the
//! checksum over the pseudo-header, the urgent pointer, then options; the
//! options read and sent are the MSS (kind 2, length 4) and the window
//! scale (RFC 7323 §2: kind 3, length 3, a shift count).

use super::ipv4::{transport_checksum, TCP};
use std::net::Ipv4Addr;

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;
pub const HEADER: usize = 20;
const OPT_END: u8 = 0;
const OPT_NOP: u8 = 1;
const OPT_MSS: u8 = 2;
const OPT_WSCALE: u8 = 3;
/// The largest window scale shift (RFC 7323 §2.3).
pub const MAX_WSCALE: u8 = 14;

/// A segment's header fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub window: u16,
    /// The MSS option (only meaningful on SYN segments).
    pub mss: Option<u16>,
    /// The window scale option's shift (only on SYN segments).
    pub wscale: Option<u8>,
}

impl Segment {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// Sequence space the segment takes: its data plus SYN and FIN.
    pub fn len(&self, data: usize) -> u32 {
        data as u32 + u32::from(self.has(SYN)) + u32::from(self.has(FIN))
    }
}

/// Parses a segment carried from `src` to `dst`: `None` when it is cut
/// short or its checksum is wrong.
pub fn parse(src: Ipv4Addr, dst: Ipv4Addr, b: &[u8]) -> Option<(Segment, &[u8])> {
    if b.len() < HEADER || transport_checksum(src, dst, TCP, b) != 0 {
        return None;
    }
    let off = usize::from(b[12] >> 4) * 4;
    if off < HEADER || off > b.len() {
        return None;
    }
    let (mut mss, mut wscale) = (None, None);
    let mut opts = &b[HEADER..off];
    while let Some(&kind) = opts.first() {
        match kind {
            OPT_END => break,
            OPT_NOP => opts = &opts[1..],
            _ => {
                let len = usize::from(*opts.get(1)?);
                if len < 2 || len > opts.len() {
                    return None;
                }
                if kind == OPT_MSS && len == 4 {
                    mss = Some(u16::from_be_bytes([opts[2], opts[3]]));
                }
                if kind == OPT_WSCALE && len == 3 {
                    wscale = Some(opts[2].min(MAX_WSCALE));
                }
                opts = &opts[len..];
            }
        }
    }
    let s = Segment {
        src_port: u16::from_be_bytes([b[0], b[1]]),
        dst_port: u16::from_be_bytes([b[2], b[3]]),
        seq: u32::from_be_bytes(b[4..8].try_into().unwrap()),
        ack: u32::from_be_bytes(b[8..12].try_into().unwrap()),
        flags: b[13] & 0x3f,
        window: u16::from_be_bytes([b[14], b[15]]),
        mss,
        wscale,
    };
    Some((s, &b[off..]))
}

/// The bytes of `seg` with `data`, from `src` to `dst` (the MSS option
/// included when `seg.mss` is set, NOP and the window scale when
/// `seg.wscale` is).
pub fn build(seg: &Segment, src: Ipv4Addr, dst: Ipv4Addr, data: &[u8]) -> Vec<u8> {
    let opts = 4 * (usize::from(seg.mss.is_some()) + usize::from(seg.wscale.is_some()));
    let mut b = Vec::with_capacity(HEADER + opts + data.len());
    b.extend(seg.src_port.to_be_bytes());
    b.extend(seg.dst_port.to_be_bytes());
    b.extend(seg.seq.to_be_bytes());
    b.extend(seg.ack.to_be_bytes());
    b.push((((HEADER + opts) / 4) as u8) << 4);
    b.push(seg.flags);
    b.extend(seg.window.to_be_bytes());
    b.extend([0, 0, 0, 0]);
    if let Some(mss) = seg.mss {
        b.extend([OPT_MSS, 4]);
        b.extend(mss.to_be_bytes());
    }
    if let Some(shift) = seg.wscale {
        b.extend([OPT_NOP, OPT_WSCALE, 3, shift]);
    }
    b.extend(data);
    let c = transport_checksum(src, dst, TCP, &b);
    b[16..18].copy_from_slice(&c.to_be_bytes());
    b
}

/// Sequence-number comparisons modulo 2^32 (RFC 9293 §3.4).
pub fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

pub fn seq_le(a: u32, b: u32) -> bool {
    !seq_lt(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syn_with_options() {
        let (g, h) = (Ipv4Addr::new(10, 0, 2, 15), Ipv4Addr::new(10, 0, 2, 2));
        // A Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window
        // scale 7 (40-byte header).
        let mut b = vec![0x9c, 0x40, 0x00, 0x50, 0, 0, 0x10, 0, 0, 0, 0, 0, 0xa0, SYN];
        b.extend([0xfa, 0xf0, 0, 0, 0, 0]);
        b.extend([
            2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7,
        ]);
        let c = transport_checksum(g, h, TCP, &b);
        b[16..18].copy_from_slice(&c.to_be_bytes());
        let (s, data) = parse(g, h, &b).unwrap();
        assert_eq!(
            s,
            Segment {
                src_port: 40000,
                dst_port: 80,
                seq: 0x1000,
                ack: 0,
                flags: SYN,
                window: 64240,
                mss: Some(1460),
                wscale: Some(7),
            }
        );
        assert!(data.is_empty());
        assert_eq!(s.len(0), 1);
        let other = Ipv4Addr::new(10, 0, 2, 3);
        assert!(
            parse(g, other, &b).is_none(),
            "checksum covers the addresses"
        );
        // Built back: a 28-byte header with the MSS and the window scale.
        let out = build(&s, g, h, b"hi");
        assert_eq!(out[12], 0x70);
        assert_eq!(&out[20..28], &[2, 4, 0x05, 0xb4, 1, 3, 3, 7]);
        assert_eq!(parse(g, h, &out).unwrap(), (s, &b"hi"[..]));
        // Without the scale: 24 bytes.
        let s = Segment { wscale: None, ..s };
        let out = build(&s, g, h, &[]);
        assert_eq!(out[12], 0x60);
        assert_eq!(parse(g, h, &out).unwrap(), (s, &[][..]));
    }

    #[test]
    fn sequence_order() {
        assert!(seq_lt(0xffff_fff0, 0x10));
        assert!(!seq_lt(0x10, 0xffff_fff0));
        assert!(seq_le(5, 5));
        assert!(!seq_lt(5, 5));
    }
}
