//! The virtio-mmio transport, version 2 (virtio 1.2 §4.2.2): one 0x200-byte
//! register window per device, the device configuration space at 0x100, an
//! interrupt line held high while InterruptStatus has a bit set. Queue
//! notifications are served at once, on the CPU's thread.

use super::queue::{Queue, MAX_SIZE};
use super::{VirtioDevice, F_EVENT_IDX, F_INDIRECT_DESC, F_VERSION_1};
use crate::system::bus::BusDevice;
use crate::system::dma::Dma;

const MAGIC: u64 = 0x000;
const VERSION: u64 = 0x004;
const DEVICE_ID: u64 = 0x008;
const VENDOR_ID: u64 = 0x00c;
const DEVICE_FEATURES: u64 = 0x010;
const DEVICE_FEATURES_SEL: u64 = 0x014;
const DRIVER_FEATURES: u64 = 0x020;
const DRIVER_FEATURES_SEL: u64 = 0x024;
const QUEUE_SEL: u64 = 0x030;
const QUEUE_NUM_MAX: u64 = 0x034;
const QUEUE_NUM: u64 = 0x038;
const QUEUE_READY: u64 = 0x044;
const QUEUE_NOTIFY: u64 = 0x050;
const INTERRUPT_STATUS: u64 = 0x060;
const INTERRUPT_ACK: u64 = 0x064;
const STATUS: u64 = 0x070;
const QUEUE_DESC_LOW: u64 = 0x080;
const QUEUE_DESC_HIGH: u64 = 0x084;
const QUEUE_DRIVER_LOW: u64 = 0x090;
const QUEUE_DRIVER_HIGH: u64 = 0x094;
const QUEUE_DEVICE_LOW: u64 = 0x0a0;
const QUEUE_DEVICE_HIGH: u64 = 0x0a4;
const CONFIG_GENERATION: u64 = 0x0fc;
const CONFIG: u64 = 0x100;
/// Size of one transport's register window.
pub const WINDOW: u64 = 0x200;

/// "virt" in little-endian ASCII.
const MAGIC_VALUE: u32 = 0x7472_6976;
/// The vendor ID emu's devices report ("emu" in little-endian ASCII).
const VENDOR: u32 = 0x0075_6d65;
/// InterruptStatus bit: a used ring was updated.
const INT_VRING: u32 = 1;
/// Device status bits: the driver is ready; it accepted the features.
const S_DRIVER_OK: u32 = 4;
const S_FEATURES_OK: u32 = 8;

/// A virtio device behind its virtio-mmio registers.
pub struct VirtioMmio {
    dev: Box<dyn VirtioDevice>,
    mem: Dma,
    queues: Vec<Queue>,
    device_features_sel: u32,
    driver_features_sel: u32,
    driver_features: u64,
    queue_sel: u32,
    interrupt_status: u32,
    status: u32,
}

impl VirtioMmio {
    pub fn new(dev: Box<dyn VirtioDevice>, mem: Dma) -> VirtioMmio {
        let queues = vec![Queue::default(); dev.queues()];
        VirtioMmio {
            dev,
            mem,
            queues,
            device_features_sel: 0,
            driver_features_sel: 0,
            driver_features: 0,
            queue_sel: 0,
            interrupt_status: 0,
            status: 0,
        }
    }

    fn features(&self) -> u64 {
        self.dev.features() | F_VERSION_1 | F_INDIRECT_DESC | F_EVENT_IDX
    }

    fn reset(&mut self) {
        self.queues.iter_mut().for_each(Queue::reset);
        self.device_features_sel = 0;
        self.driver_features_sel = 0;
        self.driver_features = 0;
        self.queue_sel = 0;
        self.interrupt_status = 0;
        self.status = 0;
    }

    fn queue(&mut self) -> Option<&mut Queue> {
        self.queues.get_mut(self.queue_sel as usize)
    }

    /// Sets the low or high half of a 64-bit queue address.
    fn set_half(field: &mut u64, high: bool, v: u32) {
        let v = u64::from(v);
        *field = if high {
            (*field & 0xffff_ffff) | (v << 32)
        } else {
            (*field & !0xffff_ffff) | v
        };
    }

    fn notify(&mut self, q: usize) {
        if q < self.queues.len() && self.dev.process(q, &mut self.queues, &self.mem) {
            self.interrupt_status |= INT_VRING;
        }
    }
}

impl BusDevice for VirtioMmio {
    fn read(&mut self, offset: u64, size: u8) -> u64 {
        if offset >= CONFIG {
            let cfg = self.dev.config();
            let at = (offset - CONFIG) as usize;
            let mut b = [0u8; 8];
            for (i, byte) in b.iter_mut().take(size as usize).enumerate() {
                *byte = cfg.get(at + i).copied().unwrap_or(0);
            }
            return u64::from_le_bytes(b);
        }
        if size != 4 {
            return 0;
        }
        let q = self.queues.get(self.queue_sel as usize);
        let v = match offset {
            MAGIC => MAGIC_VALUE,
            VERSION => 2,
            DEVICE_ID => self.dev.device_id(),
            VENDOR_ID => VENDOR,
            DEVICE_FEATURES => match self.device_features_sel {
                0 => self.features() as u32,
                1 => (self.features() >> 32) as u32,
                _ => 0,
            },
            QUEUE_NUM_MAX => q.map_or(0, |_| u32::from(MAX_SIZE)),
            QUEUE_READY => q.map_or(0, |q| u32::from(q.ready)),
            INTERRUPT_STATUS => self.interrupt_status,
            STATUS => self.status,
            // The configuration space never changes under the driver.
            CONFIG_GENERATION => 0,
            _ => 0,
        };
        u64::from(v)
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        if offset >= CONFIG || size != 4 {
            // Every device's configuration space is read-only here.
            return;
        }
        let v = value as u32;
        match offset {
            DEVICE_FEATURES_SEL => self.device_features_sel = v,
            DRIVER_FEATURES_SEL => self.driver_features_sel = v,
            DRIVER_FEATURES => {
                let offered = self.features();
                match self.driver_features_sel {
                    0 => Self::set_half(&mut self.driver_features, false, v),
                    1 => Self::set_half(&mut self.driver_features, true, v),
                    _ => {}
                }
                self.driver_features &= offered;
            }
            QUEUE_SEL => self.queue_sel = v,
            QUEUE_NUM => {
                if let Some(q) = self.queue() {
                    if v.is_power_of_two() && v <= u32::from(MAX_SIZE) {
                        q.size = v as u16;
                    }
                }
            }
            QUEUE_READY => {
                let event_idx = self.driver_features & F_EVENT_IDX != 0;
                if let Some(q) = self.queue() {
                    q.ready = v & 1 != 0;
                    q.event_idx = event_idx;
                }
            }
            QUEUE_DESC_LOW | QUEUE_DESC_HIGH => {
                if let Some(q) = self.queue() {
                    Self::set_half(&mut q.desc, offset == QUEUE_DESC_HIGH, v);
                }
            }
            QUEUE_DRIVER_LOW | QUEUE_DRIVER_HIGH => {
                if let Some(q) = self.queue() {
                    Self::set_half(&mut q.avail, offset == QUEUE_DRIVER_HIGH, v);
                }
            }
            QUEUE_DEVICE_LOW | QUEUE_DEVICE_HIGH => {
                if let Some(q) = self.queue() {
                    Self::set_half(&mut q.used, offset == QUEUE_DEVICE_HIGH, v);
                }
            }
            QUEUE_NOTIFY => self.notify(v as usize),
            INTERRUPT_ACK => self.interrupt_status &= !v,
            STATUS => {
                if v == 0 {
                    self.reset();
                    self.dev.reset();
                } else {
                    if v & S_FEATURES_OK != 0 && self.status & S_FEATURES_OK == 0 {
                        self.dev.activate(self.driver_features);
                    }
                    self.status = v;
                }
            }
            _ => {}
        }
    }

    fn irq_level(&mut self) -> bool {
        if self.status & S_DRIVER_OK != 0 && self.dev.poll(&mut self.queues, &self.mem) {
            self.interrupt_status |= INT_VRING;
        }
        self.interrupt_status != 0
    }

    fn may_interrupt(&self) -> bool {
        self.status & S_DRIVER_OK != 0 && self.dev.may_interrupt()
    }

    fn idle(&mut self) {
        self.dev.idle();
    }
}
