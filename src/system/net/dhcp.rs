//! A DHCP server for one client (RFC 2131, options RFC 2132): DISCOVER
//! gets an OFFER of the one lease, REQUEST an ACK (or a NAK for another
//! address). The BOOTP message: op, htype, hlen, hops, xid, secs, flags,
//! ciaddr, yiaddr, siaddr, giaddr, chaddr[16], sname[64], file[128], the
//! magic cookie 99.130.83.99, then the options.

use super::eth::Mac;
use super::ipv4::addr as ip;
use std::net::Ipv4Addr;

pub const SERVER_PORT: u16 = 67;
pub const CLIENT_PORT: u16 = 68;
/// Message types (option 53).
pub const DISCOVER: u8 = 1;
pub const OFFER: u8 = 2;
pub const REQUEST: u8 = 3;
pub const ACK: u8 = 5;
pub const NAK: u8 = 6;
/// Options.
const OPT_PAD: u8 = 0;
const OPT_SUBNET: u8 = 1;
const OPT_ROUTER: u8 = 3;
const OPT_DNS: u8 = 6;
const OPT_REQUESTED: u8 = 50;
const OPT_LEASE: u8 = 51;
const OPT_TYPE: u8 = 53;
const OPT_SERVER: u8 = 54;
const OPT_END: u8 = 255;
const COOKIE: [u8; 4] = [99, 130, 83, 99];
/// Offset of the options (after the fixed part and the cookie).
const OPTIONS: usize = 240;
/// Smallest BOOTP message (RFC 1542 §3.3): replies are padded to it.
const MIN_LEN: usize = 300;
/// Flags bit: the client wants broadcast replies.
pub const BROADCAST: u16 = 0x8000;

/// What a client sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub kind: u8,
    pub xid: u32,
    pub flags: u16,
    pub ciaddr: Ipv4Addr,
    pub chaddr: Mac,
    /// Option 50.
    pub requested: Option<Ipv4Addr>,
}

/// The one lease and the network's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    pub addr: Ipv4Addr,
    pub server: Ipv4Addr,
    pub mask: Ipv4Addr,
    pub router: Ipv4Addr,
    pub dns: Ipv4Addr,
    pub seconds: u32,
}

/// Parses a BOOTREQUEST from an Ethernet client with a message type.
pub fn parse(b: &[u8]) -> Option<Request> {
    if b.len() < OPTIONS || b[0] != 1 || b[1] != 1 || b[2] != 6 || b[236..240] != COOKIE {
        return None;
    }
    let (mut kind, mut requested) = (None, None);
    let mut i = OPTIONS;
    while i < b.len() {
        let code = b[i];
        if code == OPT_END {
            break;
        }
        if code == OPT_PAD {
            i += 1;
            continue;
        }
        let len = usize::from(*b.get(i + 1)?);
        let val = b.get(i + 2..i + 2 + len)?;
        match (code, len) {
            (OPT_TYPE, 1) => kind = Some(val[0]),
            (OPT_REQUESTED, 4) => requested = Some(ip(val)),
            _ => {}
        }
        i += 2 + len;
    }
    Some(Request {
        kind: kind?,
        xid: u32::from_be_bytes(b[4..8].try_into().unwrap()),
        flags: u16::from_be_bytes([b[10], b[11]]),
        ciaddr: ip(&b[12..16]),
        chaddr: b[28..34].try_into().unwrap(),
        requested,
    })
}

/// The server's answer to `req`, when it has one: its message type and
/// the message.
pub fn reply(req: &Request, lease: &Lease) -> Option<(u8, Vec<u8>)> {
    let kind = match req.kind {
        DISCOVER => OFFER,
        REQUEST => {
            let asked = req.requested.unwrap_or(req.ciaddr);
            if asked == lease.addr {
                ACK
            } else {
                NAK
            }
        }
        _ => return None,
    };
    let mut m = vec![0u8; OPTIONS];
    m[0] = 2; // BOOTREPLY
    m[1] = 1;
    m[2] = 6;
    m[4..8].copy_from_slice(&req.xid.to_be_bytes());
    m[10..12].copy_from_slice(&req.flags.to_be_bytes());
    if kind != NAK {
        m[16..20].copy_from_slice(&lease.addr.octets());
        m[20..24].copy_from_slice(&lease.server.octets());
    }
    m[28..34].copy_from_slice(&req.chaddr);
    m[236..240].copy_from_slice(&COOKIE);
    m.extend([OPT_TYPE, 1, kind]);
    m.extend([OPT_SERVER, 4]);
    m.extend(lease.server.octets());
    if kind != NAK {
        m.extend([OPT_LEASE, 4]);
        m.extend(lease.seconds.to_be_bytes());
        m.extend([OPT_SUBNET, 4]);
        m.extend(lease.mask.octets());
        m.extend([OPT_ROUTER, 4]);
        m.extend(lease.router.octets());
        m.extend([OPT_DNS, 4]);
        m.extend(lease.dns.octets());
    }
    m.push(OPT_END);
    m.resize(m.len().max(MIN_LEN), 0);
    Some((kind, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: Mac = [0x52, 0x54, 0, 0x12, 0x34, 0x56];

    fn lease() -> Lease {
        Lease {
            addr: Ipv4Addr::new(10, 0, 2, 15),
            server: Ipv4Addr::new(10, 0, 2, 2),
            mask: Ipv4Addr::new(255, 255, 255, 0),
            router: Ipv4Addr::new(10, 0, 2, 2),
            dns: Ipv4Addr::new(10, 0, 2, 3),
            seconds: 86400,
        }
    }

    /// A client message as udhcpc lays it out: type, then `extra` options.
    fn client(kind: u8, extra: &[u8]) -> Vec<u8> {
        let mut m = vec![0u8; OPTIONS];
        m[..4].copy_from_slice(&[1, 1, 6, 0]);
        m[4..8].copy_from_slice(&0xdead_beefu32.to_be_bytes());
        m[10] = 0x80;
        m[28..34].copy_from_slice(&MAC);
        m[236..240].copy_from_slice(&COOKIE);
        m.extend([OPT_TYPE, 1, kind, OPT_PAD]);
        m.extend(extra);
        m.extend([55, 3, 1, 3, 6, OPT_END]);
        m
    }

    /// The options of a reply, as (code, value) pairs.
    fn options(m: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut v = Vec::new();
        let mut i = OPTIONS;
        while m[i] != OPT_END {
            let len = usize::from(m[i + 1]);
            v.push((m[i], m[i + 2..i + 2 + len].to_vec()));
            i += 2 + len;
        }
        v
    }

    #[test]
    fn discover_gets_offer() {
        let req = parse(&client(DISCOVER, &[])).unwrap();
        assert_eq!(req.kind, DISCOVER);
        assert_eq!(req.xid, 0xdead_beef);
        assert_eq!(req.flags, BROADCAST);
        assert_eq!(req.chaddr, MAC);
        let (kind, m) = reply(&req, &lease()).unwrap();
        assert_eq!(kind, OFFER);
        assert_eq!(m.len(), MIN_LEN);
        assert_eq!(&m[..4], &[2, 1, 6, 0]);
        assert_eq!(&m[4..8], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(&m[16..20], &[10, 0, 2, 15], "yiaddr");
        assert_eq!(&m[20..24], &[10, 0, 2, 2], "siaddr");
        assert_eq!(&m[28..34], &MAC);
        assert_eq!(&m[236..240], &COOKIE);
        assert_eq!(
            options(&m),
            vec![
                (53, vec![2]),
                (54, vec![10, 0, 2, 2]),
                (51, vec![0, 1, 0x51, 0x80]),
                (1, vec![255, 255, 255, 0]),
                (3, vec![10, 0, 2, 2]),
                (6, vec![10, 0, 2, 3]),
            ]
        );
    }

    #[test]
    fn request_gets_ack_or_nak() {
        let req = parse(&client(REQUEST, &[50, 4, 10, 0, 2, 15, 54, 4, 10, 0, 2, 2])).unwrap();
        assert_eq!(req.requested, Some(Ipv4Addr::new(10, 0, 2, 15)));
        let (kind, m) = reply(&req, &lease()).unwrap();
        assert_eq!(kind, ACK);
        assert_eq!(options(&m)[0], (53, vec![ACK]));
        assert_eq!(&m[16..20], &[10, 0, 2, 15]);
        // Another address: NAK, no address in it.
        let req = parse(&client(REQUEST, &[50, 4, 10, 0, 2, 99])).unwrap();
        let (kind, m) = reply(&req, &lease()).unwrap();
        assert_eq!(kind, NAK);
        assert_eq!(&m[16..20], &[0; 4]);
        assert_eq!(options(&m), vec![(53, vec![NAK]), (54, vec![10, 0, 2, 2])]);
        // A renewal names its address in ciaddr.
        let mut renew = client(REQUEST, &[]);
        renew[12..16].copy_from_slice(&[10, 0, 2, 15]);
        assert_eq!(reply(&parse(&renew).unwrap(), &lease()).unwrap().0, ACK);
        // RELEASE (7): nothing to say.
        assert!(reply(&parse(&client(7, &[])).unwrap(), &lease()).is_none());
        // Not a request, or no cookie.
        let mut bad = client(DISCOVER, &[]);
        bad[0] = 2;
        assert!(parse(&bad).is_none());
        let mut bad = client(DISCOVER, &[]);
        bad[236] = 0;
        assert!(parse(&bad).is_none());
    }
}
