//! The virtqueue and the transport against rings built by hand in RAM, the
//! way a driver lays them out.

use super::blk::Blk;
use super::mmio::VirtioMmio;
use super::queue::{Buf, Malformed, Queue};
use crate::system::bus::BusDevice;
use crate::system::dma::Dma;
use crate::system::ram::Ram;

const BASE: u64 = 0x4000_0000;
pub(super) const DESC: u64 = BASE + 0x1000;
pub(super) const AVAIL: u64 = BASE + 0x2000;
pub(super) const USED: u64 = BASE + 0x3000;
const INDIRECT: u64 = BASE + 0x4000;
pub(super) const DATA: u64 = BASE + 0x8000;
pub(super) const SIZE: u16 = 8;

pub(super) fn ram() -> (Ram, Dma) {
    let ram = Ram::new(BASE, 1 << 20).unwrap();
    let dma = ram.dma().unwrap();
    (ram, dma)
}

/// Writes descriptor `i` of the table at `table`.
pub(super) fn desc(m: &Dma, table: u64, i: u16, (addr, len, flags, next): (u64, u32, u16, u16)) {
    let d = table + 16 * u64::from(i);
    m.write(d, &addr.to_le_bytes()).unwrap();
    m.write_u32(d + 8, len).unwrap();
    m.write_u16(d + 12, flags).unwrap();
    m.write_u16(d + 14, next).unwrap();
}

/// Makes chain `head` available in slot `idx` and publishes `idx + 1`.
pub(super) fn offer(m: &Dma, idx: u16, head: u16) {
    m.write_u16(AVAIL + 4 + 2 * u64::from(idx % SIZE), head)
        .unwrap();
    m.write_u16(AVAIL + 2, idx + 1).unwrap();
}

pub(super) fn queue() -> Queue {
    let mut q = Queue::default();
    q.size = SIZE;
    q.ready = true;
    q.desc = DESC;
    q.avail = AVAIL;
    q.used = USED;
    q
}

#[test]
fn chain_direct_and_indirect() {
    let (_ram, m) = ram();
    let mut q = queue();
    assert!(q.pop(&m).is_none(), "nothing offered yet");
    // Chain 0 -> 3: readable "hello", writable 4 bytes.
    m.write(DATA, b"hello").unwrap();
    desc(&m, DESC, 0, (DATA, 5, 1, 3));
    desc(&m, DESC, 3, (DATA + 0x100, 4, 2, 0));
    offer(&m, 0, 0);
    let c = q.pop(&m).unwrap().unwrap();
    assert_eq!(c.head, 0);
    assert_eq!(
        c.bufs,
        vec![
            Buf {
                addr: DATA,
                len: 5,
                write: false
            },
            Buf {
                addr: DATA + 0x100,
                len: 4,
                write: true
            },
        ]
    );
    let mut got = [0u8; 8];
    assert_eq!(c.read_at(&m, 1, &mut got), 4);
    assert_eq!(&got[..4], b"ello");
    assert_eq!(c.write_at(&m, 1, b"XYZW"), 3, "only 3 bytes fit");
    assert_eq!(
        m.read_u32(DATA + 0x100),
        Some(u32::from_le_bytes(*b"\0XYZ"))
    );
    assert!(q.push_used(&m, c.head, 3));
    assert_eq!(m.read_u16(USED + 2), Some(1));
    assert_eq!(m.read_u32(USED + 4), Some(0));
    assert_eq!(m.read_u32(USED + 8), Some(3));
    assert!(q.pop(&m).is_none(), "one chain only");

    // Chain 5: an indirect table of two descriptors, spanning the
    // writable bytes over two buffers.
    desc(&m, INDIRECT, 0, (DATA + 0x200, 2, 3, 1));
    desc(&m, INDIRECT, 1, (DATA + 0x300, 2, 2, 0));
    desc(&m, DESC, 5, (INDIRECT, 32, 4, 0));
    offer(&m, 1, 5);
    // The driver asks for no interrupt.
    m.write_u16(AVAIL, 1).unwrap();
    let c = q.pop(&m).unwrap().unwrap();
    assert_eq!(c.head, 5);
    assert_eq!(c.writable_len(), 4);
    assert_eq!(c.write_at(&m, 0, b"abcd"), 4);
    assert_eq!(m.read_u16(DATA + 0x200), Some(u16::from_le_bytes(*b"ab")));
    assert_eq!(m.read_u16(DATA + 0x300), Some(u16::from_le_bytes(*b"cd")));
    assert!(!q.push_used(&m, c.head, 4));
    assert_eq!(m.read_u16(USED + 2), Some(2));
    assert_eq!(m.read_u32(USED + 12), Some(5));
}

#[test]
fn malformed_chains() {
    let (_ram, m) = ram();
    let mut q = queue();
    // A loop 0 -> 1 -> 0.
    desc(&m, DESC, 0, (DATA, 1, 1, 1));
    desc(&m, DESC, 1, (DATA, 1, 1, 0));
    offer(&m, 0, 0);
    assert_eq!(q.pop(&m).unwrap().unwrap_err(), Malformed);
    // A buffer outside RAM.
    desc(&m, DESC, 2, (BASE + (1 << 20) - 2, 4, 0, 0));
    offer(&m, 1, 2);
    assert_eq!(q.pop(&m).unwrap().unwrap_err(), Malformed);
    // Readable after writable.
    desc(&m, DESC, 3, (DATA, 1, 3, 4));
    desc(&m, DESC, 4, (DATA, 1, 0, 0));
    offer(&m, 2, 3);
    assert_eq!(q.pop(&m).unwrap().unwrap_err(), Malformed);
    // A next index past the table.
    desc(&m, DESC, 6, (DATA, 1, 1, SIZE));
    offer(&m, 3, 6);
    assert_eq!(q.pop(&m).unwrap().unwrap_err(), Malformed);
}

/// Register offsets used by a driver.
const STATUS: u64 = 0x70;

fn w(t: &mut VirtioMmio, off: u64, v: u32) {
    t.write(off, 4, u64::from(v));
}

fn r(t: &mut VirtioMmio, off: u64) -> u32 {
    t.read(off, 4) as u32
}

/// Offers chain 0 in avail slot `idx`, notifies queue 0 and returns the
/// status byte the device wrote at `status`.
fn submit(t: &mut VirtioMmio, m: &Dma, idx: u16, status: u64) -> u8 {
    offer(m, idx, 0);
    w(t, 0x050, 0);
    m.read_u16(status).unwrap() as u8
}

/// Probes and sets up a transport the way Linux's virtio_mmio does, with
/// queue 0 at DESC/AVAIL/USED.
fn driver_setup(t: &mut VirtioMmio) {
    driver_setup_with(t, 0);
}

/// [`driver_setup`] accepting the feature bits `low` of the low word
/// besides VIRTIO_F_VERSION_1.
pub(super) fn driver_setup_with(t: &mut VirtioMmio, low: u32) {
    assert_eq!(r(t, 0x000), 0x7472_6976, "magic");
    assert_eq!(r(t, 0x004), 2, "version");
    w(t, STATUS, 0);
    w(t, STATUS, 1 | 2);
    w(t, 0x014, 1);
    assert_eq!(r(t, 0x010) & 1, 1, "VIRTIO_F_VERSION_1");
    w(t, 0x024, 1);
    w(t, 0x020, 1);
    w(t, 0x024, 0);
    w(t, 0x020, low);
    w(t, STATUS, 1 | 2 | 8);
    assert_eq!(r(t, STATUS), 1 | 2 | 8);
    w(t, 0x030, 0);
    assert_eq!(r(t, 0x044), 0, "queue not ready");
    assert!(r(t, 0x034) >= u32::from(SIZE));
    w(t, 0x038, u32::from(SIZE));
    for (off, addr) in [(0x080, DESC), (0x090, AVAIL), (0x0a0, USED)] {
        w(t, off, addr as u32);
        w(t, off + 4, (addr >> 32) as u32);
    }
    w(t, 0x044, 1);
    w(t, STATUS, 1 | 2 | 8 | 4);
}

#[test]
fn blk_over_the_transport() {
    let (_ram, m) = ram();
    let dir = std::env::temp_dir().join(format!("emu-virtio-blk-{}", std::process::id()));
    let mut disk = vec![0u8; 4096];
    disk[1024..1028].copy_from_slice(b"SEC2");
    std::fs::write(&dir, &disk).unwrap();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&dir)
        .unwrap();
    let blk = Blk::new(file, false, "serial-1").unwrap();
    let mut t = VirtioMmio::new(Box::new(blk), m.clone());
    assert_eq!(r(&mut t, 0x008), 2, "block device");
    driver_setup(&mut t);
    assert_eq!(t.read(0x100, 8), 8, "capacity in sectors");

    // IN: sector 2, 512 bytes, then the status byte.
    let hdr = |kind: u32, sector: u64| {
        let mut h = [0u8; 16];
        h[..4].copy_from_slice(&kind.to_le_bytes());
        h[8..].copy_from_slice(&sector.to_le_bytes());
        h
    };
    m.write(DATA, &hdr(0, 2)).unwrap();
    desc(&m, DESC, 0, (DATA, 16, 1, 1));
    desc(&m, DESC, 1, (DATA + 0x1000, 512, 3, 2));
    desc(&m, DESC, 2, (DATA + 0x2000, 1, 2, 0));
    m.write(DATA + 0x2000, &[0xff]).unwrap();
    offer(&m, 0, 0);
    assert!(!t.irq_level());
    w(&mut t, 0x050, 0);
    assert!(t.irq_level(), "used-buffer interrupt");
    assert_eq!(r(&mut t, 0x060), 1);
    w(&mut t, 0x064, 1);
    assert!(!t.irq_level(), "acknowledged");
    assert_eq!(
        m.read_u32(DATA + 0x1000),
        Some(u32::from_le_bytes(*b"SEC2"))
    );
    assert_eq!(m.read_u16(DATA + 0x2000).map(|v| v as u8), Some(0), "S_OK");
    assert_eq!(m.read_u32(USED + 8), Some(513), "data + status written");

    // OUT: sector 7 gets 512 bytes of 'w'.
    m.write(DATA, &hdr(1, 7)).unwrap();
    m.write(DATA + 0x1000, &[b'w'; 512]).unwrap();
    desc(&m, DESC, 1, (DATA + 0x1000, 512, 1, 2));
    assert_eq!(submit(&mut t, &m, 1, DATA + 0x2000), 0);
    // Past the end: an I/O error.
    m.write(DATA, &hdr(1, 8)).unwrap();
    assert_eq!(submit(&mut t, &m, 2, DATA + 0x2000), 1);
    // GET_ID.
    m.write(DATA, &hdr(8, 0)).unwrap();
    desc(&m, DESC, 1, (DATA + 0x1000, 20, 3, 2));
    offer(&m, 3, 0);
    w(&mut t, 0x050, 0);
    let mut id = [0u8; 9];
    m.read(DATA + 0x1000, &mut id).unwrap();
    assert_eq!(&id, b"serial-1\0");
    assert_eq!(m.read_u16(USED + 2), Some(4));

    let disk = std::fs::read(&dir).unwrap();
    std::fs::remove_file(&dir).unwrap();
    assert!(disk[7 * 512..8 * 512].iter().all(|&b| b == b'w'));
    assert_eq!(disk.len(), 4096, "no write past the end");

    // Reset clears the queue and the interrupt.
    w(&mut t, STATUS, 0);
    assert_eq!(r(&mut t, STATUS), 0);
    assert_eq!(r(&mut t, 0x044), 0);
}

#[test]
fn blk_large_request_over_several_buffers() {
    let (_ram, m) = ram();
    let path = std::env::temp_dir().join(format!("emu-virtio-blk-big-{}", std::process::id()));
    // 600 KiB, more than one bounce chunk; byte i is i * 7 mod 251.
    let disk: Vec<u8> = (0..600u32 << 10).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &disk).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let blk = Blk::new(file, true, "").unwrap();
    let mut t = VirtioMmio::new(Box::new(blk), m.clone());
    assert_eq!(r(&mut t, 0x010) & (1 << 5), 1 << 5, "VIRTIO_BLK_F_RO");
    assert_eq!(r(&mut t, 0x010) & (1 << 2), 1 << 2, "VIRTIO_BLK_F_SEG_MAX");
    assert_eq!(t.read(0x10c, 4), 254, "seg_max");
    driver_setup(&mut t);
    // IN of the whole disk into three 200 KiB buffers from 0x4001_0000.
    let buf = BASE + 0x1_0000;
    m.write(DATA, &[0u8; 16]).unwrap();
    desc(&m, DESC, 0, (DATA, 16, 1, 1));
    for i in 0..3u16 {
        let addr = buf + u64::from(i) * (200 << 10);
        desc(&m, DESC, 1 + i, (addr, 200 << 10, 3, 2 + i));
    }
    desc(&m, DESC, 4, (DATA + 0x100, 1, 2, 0));
    offer(&m, 0, 0);
    w(&mut t, 0x050, 0);
    let mut got = vec![0u8; disk.len()];
    m.read(buf, &mut got).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(got == disk, "data differs");
    assert_eq!(m.read_u16(DATA + 0x100).map(|v| v as u8), Some(0), "S_OK");
    assert_eq!(m.read_u32(USED + 8), Some((600 << 10) + 1));
    // A write to the read-only disk fails.
    m.write(DATA, &1u32.to_le_bytes()).unwrap();
    desc(&m, DESC, 1, (buf, 512, 1, 4));
    assert_eq!(submit(&mut t, &m, 1, DATA + 0x100), 1);
}
