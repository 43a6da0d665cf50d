//! The MMIO bus: devices behind one trait, found by physical address.

/// A memory-mapped device. `offset` is relative to the device's base;
/// `size` is 1, 2, 4 or 8 bytes.
pub trait BusDevice {
    fn read(&mut self, offset: u64, size: u8) -> u64;
    fn write(&mut self, offset: u64, size: u8, value: u64);
}

struct Mapping {
    base: u64,
    len: u64,
    dev: Box<dyn BusDevice>,
}

/// Every device of the board.
#[derive(Default)]
pub struct Bus {
    devices: Vec<Mapping>,
}

impl Bus {
    /// Maps `dev` at `[base, base + len)`.
    pub fn add(&mut self, base: u64, len: u64, dev: Box<dyn BusDevice>) {
        self.devices.push(Mapping { base, len, dev });
    }

    fn find(&mut self, pa: u64, size: u8) -> Option<(&mut Mapping, u64)> {
        let m = self
            .devices
            .iter_mut()
            .find(|m| pa >= m.base && pa + u64::from(size) <= m.base + m.len)?;
        let off = pa - m.base;
        Some((m, off))
    }

    /// A read of `size` bytes at `pa`, or `None` when no device is there
    /// (an external abort for the guest).
    pub fn read(&mut self, pa: u64, size: u8) -> Option<u64> {
        let (m, off) = self.find(pa, size)?;
        Some(m.dev.read(off, size))
    }

    /// A write of `size` bytes at `pa`; `None` when no device is there.
    pub fn write(&mut self, pa: u64, size: u8, value: u64) -> Option<()> {
        let (m, off) = self.find(pa, size)?;
        m.dev.write(off, size, value);
        Some(())
    }
}
