//! ICMP echo (RFC 792): type 8 code 0 requests are answered with type 0
//! replies carrying the same identifier, sequence number and data.

use super::ipv4::checksum;

const ECHO_REPLY: u8 = 0;
const ECHO_REQUEST: u8 = 8;

/// The reply to the ICMP message `msg` if it is a well-formed echo
/// request (good checksum).
pub fn echo_reply(msg: &[u8]) -> Option<Vec<u8>> {
    if msg.len() < 8 || msg[0] != ECHO_REQUEST || msg[1] != 0 || checksum(msg) != 0 {
        return None;
    }
    let mut r = msg.to_vec();
    r[0] = ECHO_REPLY;
    r[2] = 0;
    r[3] = 0;
    let c = checksum(&r);
    r[2..4].copy_from_slice(&c.to_be_bytes());
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo() {
        // An echo request, id 0x1234, seq 1, data "abcd".
        let mut req = vec![8, 0, 0, 0, 0x12, 0x34, 0, 1, b'a', b'b', b'c', b'd'];
        let c = checksum(&req);
        req[2..4].copy_from_slice(&c.to_be_bytes());
        let r = echo_reply(&req).unwrap();
        assert_eq!(r[0], 0);
        assert_eq!(&r[4..], &req[4..]);
        assert_eq!(checksum(&r), 0);
        // Only the type changed: the checksum moves by 0x0800.
        let old = u16::from_be_bytes([req[2], req[3]]);
        assert_eq!(u16::from_be_bytes([r[2], r[3]]), old.wrapping_add(0x800));
        req[9] ^= 1;
        assert!(echo_reply(&req).is_none(), "bad checksum");
    }
}
