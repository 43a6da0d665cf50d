//! virtio devices on the virtio-mmio transport (virtio 1.2 §4.2, the
//! "modern" register layout, version 2): the transport in [`mmio`], split
//! virtqueues in [`queue`], and one module per device type.

pub mod blk;
pub mod console;
pub mod mmio;
pub mod net;
pub mod queue;
pub mod rng;

use crate::system::dma::Dma;
use queue::Queue;

/// VIRTIO_F_VERSION_1: the modern interface (the transport always offers
/// it; Linux requires it from version-2 transports).
pub const F_VERSION_1: u64 = 1 << 32;
/// VIRTIO_F_RING_INDIRECT_DESC: indirect descriptor tables.
pub const F_INDIRECT_DESC: u64 = 1 << 28;
/// VIRTIO_F_RING_EVENT_IDX: the `used_event` and `avail_event` fields.
pub const F_EVENT_IDX: u64 = 1 << 29;

/// What one device type adds to the transport.
pub trait VirtioDevice: Send {
    /// The virtio device ID (1 network, 2 block, 4 entropy, ...).
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
    /// Handles the buffers the driver made available on queue `q` of
    /// `queues` (all the device's queues); returns whether the driver
    /// should be interrupted.
    fn process(&mut self, q: usize, queues: &mut [Queue], mem: &Dma) -> bool;
    /// Work the device does by itself (input that arrived from the host),
    /// looked at whenever the CPU looks at its interrupt input; returns
    /// whether the driver should be interrupted.
    fn poll(&mut self, _queues: &mut [Queue], _mem: &Dma) -> bool {
        false
    }
    /// Whether [`VirtioDevice::poll`] may find work later by itself.
    fn may_interrupt(&self) -> bool {
        false
    }
    /// The CPU is idle: output held back can go out.
    fn idle(&mut self) {}
    /// The driver accepted `features` (Status got FEATURES_OK).
    fn activate(&mut self, _features: u64) {}
    /// The driver reset the device (Status written with 0).
    fn reset(&mut self) {}
}

#[cfg(test)]
mod console_tests;
#[cfg(test)]
mod event_idx_tests;
#[cfg(test)]
mod net_tests;
#[cfg(test)]
mod tests;
