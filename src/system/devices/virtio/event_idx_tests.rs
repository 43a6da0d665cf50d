//! VIRTIO_F_RING_EVENT_IDX on rings built by hand: the device's
//! interrupts follow the driver's `used_event`, its `avail_event` always
//! asks for the next notification, across the 16-bit wrap of the indices,
//! and the transport turns it on only when the driver accepts it.

use super::blk::Blk;
use super::mmio::VirtioMmio;
use super::queue::Queue;
use super::tests::{desc, driver_setup_with, offer, queue, ram, AVAIL, DATA, DESC, SIZE, USED};
use crate::system::bus::BusDevice;
use crate::system::dma::Dma;

/// The driver's `used_event`, after the available ring.
const USED_EVENT: u64 = AVAIL + 4 + 2 * SIZE as u64;
/// The device's `avail_event`, after the used ring.
const AVAIL_EVENT: u64 = USED + 4 + 8 * SIZE as u64;

/// The driver's test (virtio 1.2 §2.7.10.1, `vring_need_event`): whether
/// moving an index from `old` to `new` passes `event`.
fn need_event(event: u16, new: u16, old: u16) -> bool {
    new.wrapping_sub(event).wrapping_sub(1) < new.wrapping_sub(old)
}

/// Offers a one-buffer chain in avail slot `idx`, takes it and returns it:
/// whether the device interrupts.
fn round(q: &mut Queue, m: &Dma, idx: u16) -> bool {
    let head = idx % SIZE;
    desc(m, DESC, head, (DATA, 4, 2, 0));
    offer(m, idx, head);
    let c = q.pop(m).unwrap().unwrap();
    assert_eq!(c.head, head);
    q.push_used(m, c.head, 4)
}

#[test]
fn interrupts_follow_used_event() {
    let (_ram, m) = ram();
    let mut q = queue();
    q.event_idx = true;
    // NO_INTERRUPT is set too, and means nothing with the event index.
    m.write_u16(AVAIL, 1).unwrap();
    // An interrupt when the used index passes 2 (becomes 3).
    m.write_u16(USED_EVENT, 2).unwrap();
    let irqs: Vec<bool> = (0..5).map(|i| round(&mut q, &m, i)).collect();
    assert_eq!(irqs, [false, false, true, false, false]);
    for (i, &irq) in irqs.iter().enumerate() {
        assert_eq!(irq, need_event(2, i as u16 + 1, i as u16), "index {i}");
    }
    // Without the event index the flag rules again.
    q.event_idx = false;
    assert!(!round(&mut q, &m, 5));
    m.write_u16(AVAIL, 0).unwrap();
    assert!(round(&mut q, &m, 6));
}

#[test]
fn indices_wrap() {
    let (_ram, m) = ram();
    let mut q = queue();
    q.event_idx = true;
    // The driver's used_event stays behind: no interrupt on the way.
    m.write_u16(USED_EVENT, 0xffff).unwrap();
    let mut idx = 0u16;
    while idx != 0xfffe {
        assert!(!round(&mut q, &m, idx), "index {idx}");
        idx += 1;
    }
    assert_eq!(m.read_u16(AVAIL_EVENT), Some(0xfffe));
    // 0xfffe -> 0xffff does not pass 0xffff; 0xffff -> 0 does.
    assert!(!round(&mut q, &m, 0xfffe));
    assert!(round(&mut q, &m, 0xffff));
    assert_eq!(m.read_u16(USED + 2), Some(0));
    assert_eq!(m.read_u16(AVAIL_EVENT), Some(0));
    m.write_u16(USED_EVENT, 0).unwrap();
    assert!(round(&mut q, &m, 0));
}

#[test]
fn avail_event_asks_for_the_next_chain() {
    let (_ram, m) = ram();
    let mut q = queue();
    q.event_idx = true;
    assert!(q.pop(&m).is_none());
    assert_eq!(m.read_u16(AVAIL_EVENT), Some(0));
    // The driver makes three chains available at once: it notifies.
    for i in 0..3 {
        desc(&m, DESC, i, (DATA, 4, 2, 0));
        offer(&m, i, i);
    }
    assert!(need_event(m.read_u16(AVAIL_EVENT).unwrap(), 3, 0));
    // The device takes them all; the next one must be notified again.
    while let Some(c) = q.pop(&m) {
        q.push_used(&m, c.unwrap().head, 0);
    }
    let event = m.read_u16(AVAIL_EVENT).unwrap();
    assert_eq!(event, 3);
    assert!(need_event(event, 4, 3));
    // Taken one by one: after each, avail_event is the next index.
    offer(&m, 3, 0);
    offer(&m, 4, 1);
    q.pop(&m).unwrap().unwrap();
    assert_eq!(m.read_u16(AVAIL_EVENT), Some(4));
}

#[test]
fn transport_negotiates_it() {
    let (_ram, m) = ram();
    let path = std::env::temp_dir().join(format!("emu-virtio-evidx-{}", std::process::id()));
    std::fs::write(&path, vec![0u8; 4096]).unwrap();
    let blk = Blk::new(std::fs::File::open(&path).unwrap(), true, "").unwrap();
    std::fs::remove_file(&path).unwrap();
    let mut t = VirtioMmio::new(Box::new(blk), m.clone());
    t.write(0x014, 4, 0);
    assert_ne!(t.read(0x010, 4) & (1 << 29), 0, "offered");
    driver_setup_with(&mut t, 1 << 29);
    // A GET_ID request with used_event 1: no interrupt for the first.
    m.write(DATA, &8u32.to_le_bytes()).unwrap();
    desc(&m, DESC, 0, (DATA, 16, 1, 1));
    desc(&m, DESC, 1, (DATA + 0x100, 20, 3, 2));
    desc(&m, DESC, 2, (DATA + 0x200, 1, 2, 0));
    m.write_u16(USED_EVENT, 1).unwrap();
    offer(&m, 0, 0);
    t.write(0x050, 4, 0);
    assert_eq!(m.read_u16(USED + 2), Some(1), "served");
    assert!(!t.irq_level(), "suppressed by used_event");
    assert_eq!(m.read_u16(AVAIL_EVENT), Some(1));
    offer(&m, 1, 0);
    t.write(0x050, 4, 0);
    assert!(t.irq_level(), "used index passed used_event");
    // A driver that declines it gets the flag behaviour and no avail_event.
    t.write(0x070, 4, 0);
    m.write_u16(AVAIL_EVENT, 0x5555).unwrap();
    driver_setup_with(&mut t, 0);
    offer(&m, 0, 0);
    t.write(0x050, 4, 0);
    assert!(t.irq_level());
    assert_eq!(m.read_u16(AVAIL_EVENT), Some(0x5555));
}
