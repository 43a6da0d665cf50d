//! virtio-net (virtio 1.2 §5.1) with one receive and one transmit queue,
//! VIRTIO_NET_F_MAC (the MAC in the configuration space) and
//! VIRTIO_NET_F_STATUS (the link is up), no offloads: every frame carries
//! the 12-byte `struct virtio_net_hdr` (flags, gso_type, hdr_len,
//! gso_size, csum_start, csum_offset, num_buffers) first, all zero but
//! num_buffers = 1 on received frames. The frames go to and come from a
//! user-mode network [`Stack`].

use super::queue::Queue;
use super::VirtioDevice;
use crate::system::dma::Dma;
use crate::system::net::eth::Mac;
use crate::system::net::Stack;

/// Device ID of a network card.
const ID: u32 = 1;
/// Feature bits.
pub const F_MAC: u64 = 1 << 5;
pub const F_STATUS: u64 = 1 << 16;
/// `status` bit: the link is up.
const S_LINK_UP: u16 = 1;
/// Length of `struct virtio_net_hdr` with VIRTIO_F_VERSION_1.
pub const HDR: usize = 12;
/// Offset of `num_buffers` in the header.
const NUM_BUFFERS: usize = 10;
const RX: usize = 0;
const TX: usize = 1;
/// Most bytes taken from one transmit chain (no segmentation offload: a
/// frame is at most 1514 bytes, a jumbo frame 9018).
const MAX_TX: u64 = HDR as u64 + 65535;

pub struct Net {
    mac: Mac,
    stack: Stack,
}

impl Net {
    pub fn new(mac: Mac, stack: Stack) -> Net {
        Net { mac, stack }
    }

    /// Gives the guest's frames to the stack.
    fn transmit(&mut self, queue: &mut Queue, mem: &Dma) -> bool {
        let mut irq = false;
        while let Some(chain) = queue.pop(mem) {
            let Ok(chain) = chain else { continue };
            let mut buf = vec![0u8; chain.readable_len().min(MAX_TX) as usize];
            let n = chain.read_at(mem, 0, &mut buf);
            if n > HDR {
                self.stack.input(&buf[HDR..n]);
            }
            irq |= queue.push_used(mem, chain.head, 0);
        }
        irq
    }

    /// Moves the stack's frames into the guest's receive buffers while it
    /// has some.
    fn receive(&mut self, queue: &mut Queue, mem: &Dma) -> bool {
        let mut irq = false;
        while let Some(frame) = self.stack.pop() {
            let Some(chain) = queue.pop(mem) else {
                self.stack.unpop(frame);
                break;
            };
            let Ok(chain) = chain else { continue };
            let mut hdr = [0u8; HDR];
            hdr[NUM_BUFFERS] = 1;
            // A frame that does not fit is dropped (the buffer goes back
            // empty).
            let n = if chain.writable_len() >= (HDR + frame.len()) as u64 {
                chain.write_at(mem, 0, &hdr) + chain.write_at(mem, HDR as u64, &frame)
            } else {
                0
            };
            irq |= queue.push_used(mem, chain.head, n as u32);
        }
        irq
    }
}

impl VirtioDevice for Net {
    fn device_id(&self) -> u32 {
        ID
    }

    fn features(&self) -> u64 {
        F_MAC | F_STATUS
    }

    fn queues(&self) -> usize {
        2
    }

    /// `struct virtio_net_config`: mac, status.
    fn config(&self) -> Vec<u8> {
        let mut c = self.mac.to_vec();
        c.extend(S_LINK_UP.to_le_bytes());
        c
    }

    fn process(&mut self, q: usize, queues: &mut [Queue], mem: &Dma) -> bool {
        let mut irq = false;
        if q == TX {
            irq |= self.transmit(&mut queues[TX], mem);
        }
        irq | self.receive(&mut queues[RX], mem)
    }

    fn poll(&mut self, queues: &mut [Queue], mem: &Dma) -> bool {
        self.stack.poll();
        self.stack.has_output() && self.receive(&mut queues[RX], mem)
    }

    fn may_interrupt(&self) -> bool {
        true
    }

    fn reset(&mut self) {
        while self.stack.pop().is_some() {}
    }
}
