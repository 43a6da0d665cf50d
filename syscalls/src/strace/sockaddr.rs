//! Socket addresses as strace prints them: `{sa_family=AF_INET, sin_port=htons(80),
//! sin_addr=inet_addr("127.0.0.1")}`, AF_UNIX paths (`@` for the abstract namespace),
//! AF_INET6, AF_NETLINK, and the raw `sa_data` of other families.

use super::names::sock_family;
use super::quote::quote;
use super::structs::bytes;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Largest address read (`struct sockaddr_storage`).
const MAX_LEN: u64 = 128;

/// The address of `len` bytes at `addr`.
pub fn sockaddr(addr: u64, len: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    let n = len.min(MAX_LEN) as usize;
    match bytes(addr, n) {
        Some(b) if n >= 2 => decode(&b),
        Some(_) => "{}".to_string(),
        None => format!("{addr:#x}"),
    }
}

fn u16be(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn u32ne(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Decodes a whole address (`b` holds the bytes the caller gave, at least 2).
pub fn decode(b: &[u8]) -> String {
    let family = u16::from_ne_bytes([b[0], b[1]]) as u64;
    let fam = sock_family(family);
    let body = match family {
        1 => unix(&b[2..]),
        2 if b.len() >= 8 => Some(format!(
            "sin_port=htons({}), sin_addr=inet_addr(\"{}\")",
            u16be(b, 2),
            Ipv4Addr::new(b[4], b[5], b[6], b[7])
        )),
        10 if b.len() >= 28 => {
            let a: [u8; 16] = b[8..24].try_into().unwrap_or([0; 16]);
            Some(format!(
                "sin6_port=htons({}), sin6_flowinfo=htonl({}), inet_pton(AF_INET6, \"{}\", &sin6_addr), sin6_scope_id={}",
                u16be(b, 2),
                u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
                Ipv6Addr::from(a),
                u32ne(b, 24)
            ))
        }
        16 if b.len() >= 12 => Some(format!(
            "nl_pid={}, nl_groups={:08x}",
            u32ne(b, 4),
            u32ne(b, 8)
        )),
        _ => Some(format!("sa_data={}", quote(&b[2..], false))),
    };
    match body {
        Some(body) => format!("{{sa_family={fam}, {body}}}"),
        None => format!("{{sa_family={fam}}}"),
    }
}

/// `sun_path="/tmp/s"`, `sun_path=@"abstract"`, or nothing for an unnamed socket.
fn unix(path: &[u8]) -> Option<String> {
    match path.first() {
        None => None,
        Some(0) => Some(format!("sun_path=@{}", quote(&path[1..], false))),
        Some(_) => {
            let n = path.iter().position(|&c| c == 0).unwrap_or(path.len());
            Some(format!("sun_path={}", quote(&path[..n], false)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(family: u16, rest: &[u8]) -> Vec<u8> {
        let mut b = family.to_ne_bytes().to_vec();
        b.extend_from_slice(rest);
        b
    }

    #[test]
    fn inet() {
        let b = bytes_of(2, &[0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            sockaddr(b.as_ptr() as u64, 16),
            r#"{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}"#
        );
    }

    #[test]
    fn inet6() {
        let mut rest = vec![0x1f, 0x90, 0, 0, 0, 0];
        let mut a = [0u8; 16];
        a[15] = 1;
        rest.extend_from_slice(&a);
        rest.extend_from_slice(&0u32.to_ne_bytes());
        let b = bytes_of(10, &rest);
        assert_eq!(
            decode(&b),
            r#"{sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}"#
        );
    }

    #[test]
    fn unix_paths() {
        let b = bytes_of(1, b"/tmp/sock\0\0\0");
        assert_eq!(decode(&b), r#"{sa_family=AF_UNIX, sun_path="/tmp/sock"}"#);
        let b = bytes_of(1, b"\0name");
        assert_eq!(decode(&b), r#"{sa_family=AF_UNIX, sun_path=@"name"}"#);
        assert_eq!(decode(&bytes_of(1, b"")), "{sa_family=AF_UNIX}");
        assert_eq!(sockaddr(0, 16), "NULL");
    }

    #[test]
    fn other_families() {
        let b = bytes_of(16, &[0, 0, 5, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(
            decode(&b),
            "{sa_family=AF_NETLINK, nl_pid=5, nl_groups=00000001}"
        );
        let b = bytes_of(17, b"ab");
        assert_eq!(decode(&b), r#"{sa_family=AF_PACKET, sa_data="ab"}"#);
    }
}
