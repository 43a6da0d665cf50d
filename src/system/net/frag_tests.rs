use super::super::ipv4::{self, parse_any, UDP};
use super::*;

const A: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 15);
const B: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 2);

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(7) ^ seed).collect()
}

/// The fragments of a datagram of `payload` with identification `id`
/// (`mtu` 1500 unless smaller), as (header, frag, payload).
fn pieces(id: u16, payload: &[u8], mtu: usize) -> Vec<(Header, Frag, Vec<u8>)> {
    ipv4::fragments(A, B, UDP, id, payload, mtu)
        .iter()
        .map(|p| {
            let (h, f, d) = parse_any(p).unwrap();
            (h, f, d.to_vec())
        })
        .collect()
}

/// Feeds fragments in the order `order`; what came out whole.
fn feed(
    r: &mut Reassembly,
    now: Instant,
    frags: &[(Header, Frag, Vec<u8>)],
    order: &[usize],
) -> Vec<Vec<u8>> {
    order
        .iter()
        .filter_map(|&i| {
            let (h, f, d) = &frags[i];
            r.insert(now, h, *f, d)
        })
        .map(|(h, d)| {
            assert_eq!((h.src, h.dst, h.proto), (A, B, UDP));
            d
        })
        .collect()
}

#[test]
fn in_order_out_of_order_and_interleaved() {
    let now = Instant::now();
    let p = data(4008, 1);
    let f = pieces(1, &p, ipv4::MTU);
    assert_eq!(f.len(), 3);
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]] {
        let mut r = Reassembly::default();
        assert_eq!(feed(&mut r, now, &f, &order), vec![p.clone()], "{order:?}");
        assert_eq!(r.pending(), 0);
    }
    // Two datagrams (other identifications) at once, pieces alternating.
    let q = data(3000, 2);
    let g = pieces(2, &q, ipv4::MTU);
    let mut r = Reassembly::default();
    let mut got = Vec::new();
    for i in 0..3 {
        got.extend(feed(&mut r, now, &g, &[i.min(g.len() - 1)]));
        got.extend(feed(&mut r, now, &f, &[2 - i]));
    }
    assert_eq!(got, [q, p]);
}

#[test]
fn duplicates_are_ignored() {
    let now = Instant::now();
    let p = data(5000, 3);
    let f = pieces(9, &p, 600);
    assert_eq!(f.len(), 9);
    let mut r = Reassembly::default();
    let out = feed(&mut r, now, &f, &[8, 3, 3, 0, 8, 1, 2, 0, 4, 5, 6, 5]);
    assert!(out.is_empty());
    assert_eq!(feed(&mut r, now, &f, &[7]), [p]);
    assert_eq!(r.pending(), 0);
}

#[test]
fn missing_pieces_time_out() {
    let t0 = Instant::now();
    let p = data(4000, 4);
    let f = pieces(5, &p, ipv4::MTU);
    let mut r = Reassembly::default();
    assert!(feed(&mut r, t0, &f, &[0, 2]).is_empty());
    assert_eq!(r.pending(), 1);
    // Before the time-out the datagram is still completed.
    let mut r2 = Reassembly::default();
    feed(&mut r2, t0, &f, &[0, 2]);
    assert_eq!(feed(&mut r2, t0 + TIMEOUT / 2, &f, &[1]), vec![p]);
    // After it, the first pieces are gone: the middle one alone is held.
    assert!(feed(&mut r, t0 + TIMEOUT, &f, &[1]).is_empty());
    assert_eq!(r.pending(), 1);
}

#[test]
fn overlaps_with_other_bytes_drop_the_datagram() {
    let now = Instant::now();
    let p = data(4000, 5);
    let f = pieces(6, &p, ipv4::MTU);
    let mut r = Reassembly::default();
    feed(&mut r, now, &f, &[0]);
    // A fragment over the end of the first with different bytes.
    let (h, _, _) = &f[0];
    let evil = Frag {
        id: 6,
        offset: 1472,
        more: true,
    };
    assert!(r.insert(now, h, evil, &[0xee; 16]).is_none());
    assert_eq!(r.pending(), 0, "dropped");
    assert!(feed(&mut r, now, &f, &[1, 2]).is_empty(), "no datagram");
    // Two different ends.
    let mut r = Reassembly::default();
    feed(&mut r, now, &f, &[2]);
    let (h, last, d) = &f[2];
    let shorter = Frag {
        offset: last.offset + 8,
        ..*last
    };
    assert!(r.insert(now, h, shorter, &d[..8]).is_none());
    assert_eq!(r.pending(), 0);
    // A non-last fragment past the end, and a last one before data.
    let mut r = Reassembly::default();
    feed(&mut r, now, &f, &[1]);
    let early_end = Frag {
        id: 6,
        offset: 0,
        more: false,
    };
    assert!(r.insert(now, h, early_end, &[0; 8]).is_none());
    assert_eq!(r.pending(), 0);
}

#[test]
fn bad_and_oversize_fragments_are_refused() {
    let now = Instant::now();
    let f = pieces(7, &data(3000, 6), ipv4::MTU);
    let (h, _, _) = &f[0];
    let mut r = Reassembly::default();
    // Past 65535 bytes in all (the "ping of death").
    let last = Frag {
        id: 7,
        offset: 65528,
        more: false,
    };
    assert!(r.insert(now, h, last, &[0; 8]).is_none());
    let middle = Frag {
        id: 7,
        offset: 65000,
        more: true,
    };
    assert!(r.insert(now, h, middle, &[0; 520]).is_none());
    // A middle fragment that is not a multiple of 8 bytes, or empty.
    let odd = Frag {
        id: 7,
        offset: 0,
        more: true,
    };
    assert!(r.insert(now, h, odd, &[0; 12]).is_none());
    assert!(r.insert(now, h, odd, &[]).is_none());
    assert_eq!(r.pending(), 0);
    // The largest datagram goes through.
    let big = data(65515, 7);
    let g = pieces(8, &big, ipv4::MTU);
    let order: Vec<usize> = (0..g.len()).rev().collect();
    assert_eq!(feed(&mut r, now, &g, &order), [big]);
}

#[test]
fn memory_is_bounded() {
    let now = Instant::now();
    let mut r = Reassembly::default();
    // Many unfinished datagrams: only the newest MAX_DATAGRAMS stay.
    let p = data(3000, 8);
    let all: Vec<_> = (0..40u16).map(|id| pieces(id, &p, ipv4::MTU)).collect();
    for f in &all {
        feed(&mut r, now, f, &[0]);
    }
    assert_eq!(r.pending(), MAX_DATAGRAMS);
    assert!(r.held() <= MAX_BYTES);
    assert!(feed(&mut r, now, &all[0], &[1, 2]).is_empty(), "evicted");
    assert_eq!(feed(&mut r, now, &all[39], &[1, 2]), vec![p]);
    // Unfinished large datagrams: held bytes stay under MAX_BYTES.
    let mut r = Reassembly::default();
    for id in 0..MAX_DATAGRAMS as u16 {
        let head = Frag {
            id,
            offset: 0,
            more: true,
        };
        let tail = Frag {
            id,
            offset: 65000,
            more: false,
        };
        let h = &all[0][0].0;
        r.insert(now, h, tail, &[1; 8]);
        r.insert(now, h, head, &[1; 8]);
        assert!(r.held() <= MAX_BYTES);
    }
    assert!(r.pending() < MAX_DATAGRAMS);
    // Too many separate pieces drop the datagram.
    let small = pieces(99, &data(8 * 200, 9), 28);
    let mut r = Reassembly::default();
    let every_other: Vec<usize> = (0..small.len()).step_by(2).take(MAX_PIECES + 1).collect();
    feed(&mut r, now, &small, &every_other);
    assert_eq!(r.pending(), 0, "{} pieces", every_other.len());
}
