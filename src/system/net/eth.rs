//! Ethernet II framing (IEEE 802.3 with an EtherType): destination MAC,
//! source MAC, a big-endian EtherType, then the payload. No VLAN tags and
//! no frame check sequence (virtio-net carries frames without it).

/// A MAC address.
pub type Mac = [u8; 6];

pub const BROADCAST: Mac = [0xff; 6];
/// EtherTypes.
pub const IPV4: u16 = 0x0800;
pub const ARP: u16 = 0x0806;
/// Header length.
pub const HEADER: usize = 14;

/// The header fields of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub dst: Mac,
    pub src: Mac,
    pub ethertype: u16,
}

/// Splits `frame` into its header and payload.
pub fn parse(frame: &[u8]) -> Option<(Header, &[u8])> {
    if frame.len() < HEADER {
        return None;
    }
    let h = Header {
        dst: frame[0..6].try_into().unwrap(),
        src: frame[6..12].try_into().unwrap(),
        ethertype: u16::from_be_bytes([frame[12], frame[13]]),
    };
    Some((h, &frame[HEADER..]))
}

/// A frame of `payload` from `src` to `dst`.
pub fn build(dst: Mac, src: Mac, ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(HEADER + payload.len());
    f.extend(dst);
    f.extend(src);
    f.extend(ethertype.to_be_bytes());
    f.extend(payload);
    f
}

/// Parses `aa:bb:cc:dd:ee:ff`.
pub fn parse_mac(s: &str) -> Option<Mac> {
    let mut mac = [0u8; 6];
    let mut parts = s.split(':');
    for b in &mut mac {
        let p = parts.next()?;
        if p.len() != 2 {
            return None;
        }
        *b = u8::from_str_radix(p, 16).ok()?;
    }
    parts.next().is_none().then_some(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let f = build([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], IPV4, b"xy");
        assert_eq!(
            f,
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00, b'x', b'y']
        );
        let (h, p) = parse(&f).unwrap();
        assert_eq!(h.dst, [1, 2, 3, 4, 5, 6]);
        assert_eq!(h.src, [7, 8, 9, 10, 11, 12]);
        assert_eq!(h.ethertype, IPV4);
        assert_eq!(p, b"xy");
        assert!(parse(&f[..13]).is_none());
    }

    #[test]
    fn macs() {
        assert_eq!(
            parse_mac("52:54:00:12:34:5f"),
            Some([0x52, 0x54, 0, 0x12, 0x34, 0x5f])
        );
        for bad in [
            "52:54:00:12:34",
            "52:54:00:12:34:56:78",
            "5:54:00:12:34:56",
            "zz:54:00:12:34:56",
        ] {
            assert_eq!(parse_mac(bad), None, "{bad}");
        }
    }
}
