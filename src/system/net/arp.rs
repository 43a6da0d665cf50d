//! ARP for IPv4 over Ethernet (RFC 826): the 28-byte packet — hardware
//! type 1, protocol type 0x0800, lengths 6 and 4, the operation, then
//! sender and target hardware and protocol addresses. The stack answers
//! requests for its own addresses.

use super::eth::Mac;
use super::ipv4::addr as ip;
use std::net::Ipv4Addr;

pub const REQUEST: u16 = 1;
pub const REPLY: u16 = 2;
/// Length of an ARP packet for Ethernet and IPv4.
pub const LEN: usize = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    pub op: u16,
    pub sender_mac: Mac,
    pub sender_ip: Ipv4Addr,
    pub target_mac: Mac,
    pub target_ip: Ipv4Addr,
}

impl Packet {
    /// Parses an Ethernet/IPv4 ARP packet (trailing padding ignored).
    pub fn parse(b: &[u8]) -> Option<Packet> {
        if b.len() < LEN || b[0..6] != [0, 1, 0x08, 0x00, 6, 4] {
            return None;
        }
        Some(Packet {
            op: u16::from_be_bytes([b[6], b[7]]),
            sender_mac: b[8..14].try_into().unwrap(),
            sender_ip: ip(&b[14..18]),
            target_mac: b[18..24].try_into().unwrap(),
            target_ip: ip(&b[24..28]),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(LEN);
        b.extend([0, 1, 0x08, 0x00, 6, 4]);
        b.extend(self.op.to_be_bytes());
        b.extend(self.sender_mac);
        b.extend(self.sender_ip.octets());
        b.extend(self.target_mac);
        b.extend(self.target_ip.octets());
        b
    }

    /// The reply to this packet when it asks for the address of one of
    /// `ours` (which all have hardware address `mac`).
    pub fn answer(&self, ours: &[Ipv4Addr], mac: Mac) -> Option<Packet> {
        (self.op == REQUEST && ours.contains(&self.target_ip)).then_some(Packet {
            op: REPLY,
            sender_mac: mac,
            sender_ip: self.target_ip,
            target_mac: self.sender_mac,
            target_ip: self.sender_ip,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUEST: Mac = [0x52, 0x54, 0, 0x12, 0x34, 0x56];
    const GW: Mac = [0x52, 0x55, 10, 0, 2, 2];

    #[test]
    fn request_and_reply_bytes() {
        // "who has 10.0.2.2? tell 10.0.2.15", as Linux sends it.
        let req: Vec<u8> = [
            &[0, 1, 8, 0, 6, 4, 0, 1][..],
            &GUEST,
            &[10, 0, 2, 15],
            &[0; 6],
            &[10, 0, 2, 2],
        ]
        .concat();
        let p = Packet::parse(&req).unwrap();
        assert_eq!(p.op, REQUEST);
        assert_eq!(p.to_bytes(), req);
        let ours = [Ipv4Addr::new(10, 0, 2, 2), Ipv4Addr::new(10, 0, 2, 3)];
        let r = p.answer(&ours, GW).unwrap();
        let want: Vec<u8> = [
            &[0, 1, 8, 0, 6, 4, 0, 2][..],
            &GW,
            &[10, 0, 2, 2],
            &GUEST,
            &[10, 0, 2, 15],
        ]
        .concat();
        assert_eq!(r.to_bytes(), want);
        // Not ours, or not a request: no answer.
        let mut other = p;
        other.target_ip = Ipv4Addr::new(10, 0, 2, 9);
        assert!(other.answer(&ours, GW).is_none());
        assert!(r.answer(&ours, GW).is_none());
        // Another protocol type.
        let mut bad = req.clone();
        bad[2] = 0x86;
        assert!(Packet::parse(&bad).is_none());
    }
}
