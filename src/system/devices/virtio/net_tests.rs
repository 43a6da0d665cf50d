//! virtio-net against rings built by hand: the configuration space, a
//! transmitted ARP request (behind its 12-byte header) answered into a
//! receive buffer (header with num_buffers = 1, then the frame), frames
//! held until the driver offers receive buffers.

use super::net::{Net, F_MAC, F_STATUS, HDR};
use super::queue::Queue;
use super::tests::{desc, queue, ram, DATA, DESC, SIZE};
use super::VirtioDevice;
use crate::system::dma::Dma;
use crate::system::net::{arp, config::NetConfig, eth, Stack, GATEWAY_MAC};
use std::net::Ipv4Addr;

const MAC: eth::Mac = [0x52, 0x54, 0, 0x12, 0x34, 0x56];
/// The receive queue's rings (the transmit queue uses the shared ones).
const RX_DESC: u64 = DESC + 0x8000;
const RX_AVAIL: u64 = RX_DESC + 0x1000;
const RX_USED: u64 = RX_DESC + 0x2000;
const RX_BUF: u64 = DATA + 0x4000;

fn device() -> Net {
    let stack = Stack::new(&NetConfig::default(), MAC, Box::new(|| {})).unwrap();
    Net::new(MAC, stack)
}

fn rx_queue() -> Queue {
    let mut q = Queue::default();
    q.size = SIZE;
    q.ready = true;
    q.desc = RX_DESC;
    q.avail = RX_AVAIL;
    q.used = RX_USED;
    q
}

/// Makes chain `head` available in slot `idx` of the ring at `avail`.
fn offer_at(m: &Dma, avail: u64, idx: u16, head: u16) {
    m.write_u16(avail + 4 + 2 * u64::from(idx % SIZE), head)
        .unwrap();
    m.write_u16(avail + 2, idx + 1).unwrap();
}

fn arp_request() -> Vec<u8> {
    let p = arp::Packet {
        op: arp::REQUEST,
        sender_mac: MAC,
        sender_ip: Ipv4Addr::new(10, 0, 2, 15),
        target_mac: [0; 6],
        target_ip: Ipv4Addr::new(10, 0, 2, 2),
    };
    eth::build(eth::BROADCAST, MAC, eth::ARP, &p.to_bytes())
}

#[test]
fn config_and_features() {
    let d = device();
    assert_eq!(d.device_id(), 1);
    assert_eq!(d.features(), F_MAC | F_STATUS);
    assert_eq!(d.queues(), 2);
    // mac, then status = VIRTIO_NET_S_LINK_UP (little-endian).
    assert_eq!(d.config(), [0x52, 0x54, 0, 0x12, 0x34, 0x56, 1, 0]);
}

#[test]
fn transmit_then_receive() {
    let (_ram, m) = ram();
    let mut d = device();
    let mut queues = [rx_queue(), queue()];
    // Transmit: the header and the frame in two readable buffers.
    let frame = arp_request();
    m.write(DATA, &[0; HDR]).unwrap();
    m.write(DATA + 0x100, &frame).unwrap();
    desc(&m, DESC, 0, (DATA, HDR as u32, 1, 1));
    desc(&m, DESC, 1, (DATA + 0x100, frame.len() as u32, 0, 0));
    offer_at(&m, queues[1].avail, 0, 0);
    // No receive buffer yet: the reply waits.
    assert!(d.process(1, &mut queues, &m), "transmit buffer returned");
    assert_eq!(m.read_u16(RX_USED + 2), Some(0));
    // A receive buffer of 1526 bytes (as Linux's small buffers).
    m.write(RX_BUF, &[0xee; HDR]).unwrap();
    desc(&m, RX_DESC, 0, (RX_BUF, 1526, 2, 0));
    offer_at(&m, RX_AVAIL, 0, 0);
    assert!(d.process(0, &mut queues, &m));
    assert_eq!(m.read_u16(RX_USED + 2), Some(1));
    let len = m.read_u32(RX_USED + 8).unwrap() as usize;
    assert_eq!(len, HDR + eth::HEADER + arp::LEN);
    let mut got = vec![0u8; len];
    m.read(RX_BUF, &mut got).unwrap();
    // flags, gso_type, hdr_len, gso_size, csum_start, csum_offset zero;
    // num_buffers 1.
    assert_eq!(&got[..HDR], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    let (e, p) = eth::parse(&got[HDR..]).unwrap();
    assert_eq!((e.dst, e.src, e.ethertype), (MAC, GATEWAY_MAC, eth::ARP));
    assert_eq!(arp::Packet::parse(p).unwrap().op, arp::REPLY);
    // Nothing more to receive.
    assert!(!d.poll(&mut queues, &m));
}
