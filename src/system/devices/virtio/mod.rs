//! virtio devices on the virtio-mmio transport (virtio 1.2 §4.2, the
//! "modern" register layout, version 2): the transport in [`mmio`], split
//! virtqueues in [`queue`], and one module per device type.

pub mod blk;
pub mod mmio;
pub mod queue;
pub mod rng;

use crate::system::dma::Dma;
use queue::Queue;

/// VIRTIO_F_VERSION_1: the modern interface (the transport always offers
/// it; Linux requires it from version-2 transports).
pub const F_VERSION_1: u64 = 1 << 32;
/// VIRTIO_F_RING_INDIRECT_DESC: indirect descriptor tables.
pub const F_INDIRECT_DESC: u64 = 1 << 28;

/// What one device type adds to the transport.
pub trait VirtioDevice {
    /// The virtio device ID (2 block, 4 entropy, ...).
    fn device_id(&self) -> u32;
    /// Device-type feature bits (the transport adds its own).
    fn features(&self) -> u64;
    /// Number of virtqueues.
    fn queues(&self) -> usize;
    /// The device configuration space (read at offset 0x100 of the
    /// transport, little-endian).
    fn config(&self) -> Vec<u8> {
        Vec::new()
    }
    /// Handles the buffers the driver made available on queue `q`; returns
    /// whether the driver should be interrupted.
    fn process(&mut self, q: usize, queue: &mut Queue, mem: &Dma) -> bool;
}

#[cfg(test)]
mod tests;
