//! The split virtqueue, device side (virtio 1.2 §2.7): a descriptor table,
//! the driver's available ring and the device's used ring, all in guest
//! RAM. Descriptor chains are gathered into [`Chain`]s (indirect tables
//! followed); the device reads what the driver wrote from the chain's
//! readable part, writes its answer into the writable part and returns the
//! chain with [`Queue::push_used`].
//!
//! With VIRTIO_F_RING_EVENT_IDX (§2.7.7, §2.7.10) the driver's `used_event`
//! (after the available ring) says at which used index it wants an
//! interrupt, replacing the NO_INTERRUPT flag, and the device's
//! `avail_event` (after the used ring) says at which available index it
//! wants a notification: the device always asks for the next one, as it
//! serves each notification at once and to the end of the ring.

use crate::system::dma::Dma;

/// Descriptor flags.
const F_NEXT: u16 = 1;
const F_WRITE: u16 = 2;
const F_INDIRECT: u16 = 4;
/// Available ring flag: the driver wants no interrupt.
const AVAIL_NO_INTERRUPT: u16 = 1;
/// Largest queue the transport offers (QueueNumMax).
pub const MAX_SIZE: u16 = 256;

/// One queue's registers as the driver set them, plus the device's place
/// in the available ring.
#[derive(Clone, Debug, Default)]
pub struct Queue {
    /// Queue size (QueueNum), a power of two up to [`MAX_SIZE`].
    pub size: u16,
    pub ready: bool,
    /// Descriptor table, available ("driver") and used ("device") rings.
    pub desc: u64,
    pub avail: u64,
    pub used: u64,
    /// The next available-ring index the device will look at.
    next_avail: u16,
    /// The used ring's index as the device last wrote it.
    next_used: u16,
    /// VIRTIO_F_RING_EVENT_IDX was negotiated.
    pub event_idx: bool,
}

/// One buffer of a chain.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Buf {
    pub addr: u64,
    pub len: u32,
    /// Device-writable (else device-readable).
    pub write: bool,
}

/// A descriptor chain taken from the available ring.
#[derive(Clone, Debug, Default)]
pub struct Chain {
    /// Index of the head descriptor (what goes back in the used ring).
    pub head: u16,
    pub bufs: Vec<Buf>,
}

/// A malformed chain: the driver broke the protocol (a loop, an address
/// outside RAM, a readable buffer after a writable one, ...).
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed;

impl Queue {
    /// Back to the reset state (Status written with 0).
    pub fn reset(&mut self) {
        *self = Queue::default();
    }

    /// Takes the next chain the driver made available, if any.
    pub fn pop(&mut self, mem: &Dma) -> Option<Result<Chain, Malformed>> {
        if !self.ready || self.size == 0 {
            return None;
        }
        let idx = mem.read_u16(self.avail + 2)?;
        if idx == self.next_avail {
            self.want_notification(mem);
            return None;
        }
        let slot = u64::from(self.next_avail % self.size);
        let head = mem.read_u16(self.avail + 4 + 2 * slot)?;
        self.next_avail = self.next_avail.wrapping_add(1);
        self.want_notification(mem);
        Some(self.gather(mem, head).map(|bufs| Chain { head, bufs }))
    }

    /// With the event index, asks to be notified when the driver makes
    /// the next chain past the ones taken available (`avail_event`).
    fn want_notification(&self, mem: &Dma) {
        if self.event_idx {
            let avail_event = self.used + 4 + 8 * u64::from(self.size);
            let _ = mem.write_u16(avail_event, self.next_avail);
        }
    }

    /// Follows the chain from descriptor `head`, through at most one
    /// indirect table.
    fn gather(&self, mem: &Dma, head: u16) -> Result<Vec<Buf>, Malformed> {
        let mut bufs = Vec::new();
        let (mut table, mut count) = (self.desc, self.size);
        let mut i = head;
        let mut steps = 0u32;
        let mut indirect = false;
        loop {
            if i >= count {
                return Err(Malformed);
            }
            let d = table + 16 * u64::from(i);
            let addr = mem.read_u64(d).ok_or(Malformed)?;
            let len = mem.read_u32(d + 8).ok_or(Malformed)?;
            let flags = mem.read_u16(d + 12).ok_or(Malformed)?;
            let next = mem.read_u16(d + 14).ok_or(Malformed)?;
            steps += 1;
            if steps > u32::from(count) + 1 {
                return Err(Malformed);
            }
            if flags & F_INDIRECT != 0 {
                // §2.7.5.3: only in the main table, alone (no NEXT), a
                // whole number of descriptors.
                if indirect || flags & F_NEXT != 0 || len % 16 != 0 || len == 0 {
                    return Err(Malformed);
                }
                indirect = true;
                table = addr;
                count = u16::try_from(len / 16).map_err(|_| Malformed)?;
                i = 0;
                steps = 0;
                continue;
            }
            let write = flags & F_WRITE != 0;
            if !write && bufs.last().is_some_and(|b: &Buf| b.write) {
                return Err(Malformed);
            }
            if !mem.contains(addr, u64::from(len)) {
                return Err(Malformed);
            }
            bufs.push(Buf { addr, len, write });
            if flags & F_NEXT == 0 {
                return Ok(bufs);
            }
            i = next;
        }
    }

    /// Returns chain `head` to the driver with `written` bytes written into
    /// its writable part. Returns whether the driver wants an interrupt.
    pub fn push_used(&mut self, mem: &Dma, head: u16, written: u32) -> bool {
        let slot = u64::from(self.next_used % self.size);
        let e = self.used + 4 + 8 * slot;
        let _ = mem.write_u32(e, u32::from(head));
        let _ = mem.write_u32(e + 4, written);
        self.next_used = self.next_used.wrapping_add(1);
        // The element is in place before the index moves (one thread: the
        // guest runs again only after this returns).
        let _ = mem.write_u16(self.used + 2, self.next_used);
        if self.event_idx {
            // The driver wants an interrupt once the used index moves past
            // `used_event`: here from next_used - 1 to next_used.
            let used_event = self.avail + 4 + 2 * u64::from(self.size);
            return mem
                .read_u16(used_event)
                .is_none_or(|e| e == self.next_used.wrapping_sub(1));
        }
        mem.read_u16(self.avail)
            .is_none_or(|f| f & AVAIL_NO_INTERRUPT == 0)
    }
}

impl Chain {
    /// Bytes in the device-readable buffers.
    pub fn readable_len(&self) -> u64 {
        self.bufs
            .iter()
            .filter(|b| !b.write)
            .map(|b| u64::from(b.len))
            .sum()
    }

    /// Bytes in the device-writable buffers.
    pub fn writable_len(&self) -> u64 {
        self.bufs
            .iter()
            .filter(|b| b.write)
            .map(|b| u64::from(b.len))
            .sum()
    }

    /// Copies the readable part from byte `offset` on into `out` (as much
    /// as fits); returns the number of bytes copied.
    pub fn read_at(&self, mem: &Dma, offset: u64, out: &mut [u8]) -> usize {
        self.copy(offset, out.len(), false, |addr, at, n| {
            mem.read(addr, &mut out[at..at + n]).is_some()
        })
    }

    /// Copies `data` into the writable part from byte `offset` on (as much
    /// as fits); returns the number of bytes copied.
    pub fn write_at(&self, mem: &Dma, offset: u64, data: &[u8]) -> usize {
        self.copy(offset, data.len(), true, |addr, at, n| {
            mem.write(addr, &data[at..at + n]).is_some()
        })
    }

    /// Walks the readable or writable buffers from byte `offset` of that
    /// part, calling `step(guest_addr, position, count)` for up to `want`
    /// bytes.
    fn copy(
        &self,
        mut offset: u64,
        want: usize,
        write: bool,
        mut step: impl FnMut(u64, usize, usize) -> bool,
    ) -> usize {
        let mut done = 0;
        for b in self.bufs.iter().filter(|b| b.write == write) {
            let len = u64::from(b.len);
            if offset >= len {
                offset -= len;
                continue;
            }
            let n = ((len - offset) as usize).min(want - done);
            if n > 0 && !step(b.addr + offset, done, n) {
                break;
            }
            done += n;
            offset = 0;
            if done == want {
                break;
            }
        }
        done
    }
}
