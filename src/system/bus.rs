//! The MMIO bus: devices behind one trait, found by physical address.

/// A memory-mapped device. `offset` is relative to the device's base;
/// `size` is 1, 2, 4 or 8 bytes.
pub trait BusDevice: Send {
    fn read(&mut self, offset: u64, size: u8) -> u64;
    fn write(&mut self, offset: u64, size: u8, value: u64);
    /// The level of the device's interrupt output.
    fn irq_level(&mut self) -> bool {
        false
    }
    /// Whether the device may raise its interrupt later without the CPU
    /// doing anything (input can still arrive and its interrupt is
    /// unmasked).
    fn may_interrupt(&self) -> bool {
        false
    }
    /// The CPU has nothing to do (WFI): output held back can go out.
    fn idle(&mut self) {}
    /// When the device will raise its interrupt by itself, if it knows
    /// (a clock's alarm): a waiting CPU wakes then.
    fn deadline(&self) -> Option<std::time::Instant> {
        None
    }
}

struct Mapping {
    base: u64,
    len: u64,
    dev: Box<dyn BusDevice>,
    /// The GIC interrupt ID the device's output is wired to.
    irq: Option<usize>,
}

/// Every device of the board.
#[derive(Default)]
pub struct Bus {
    devices: Vec<Mapping>,
}

impl Bus {
    /// Maps `dev` at `[base, base + len)`.
    pub fn add(&mut self, base: u64, len: u64, dev: Box<dyn BusDevice>) {
        self.devices.push(Mapping {
            base,
            len,
            dev,
            irq: None,
        });
    }

    /// Maps `dev` at `[base, base + len)` with its interrupt output wired
    /// to GIC interrupt ID `irq`.
    pub fn add_with_irq(&mut self, base: u64, len: u64, irq: usize, dev: Box<dyn BusDevice>) {
        self.devices.push(Mapping {
            base,
            len,
            dev,
            irq: Some(irq),
        });
    }

    /// Calls `set(id, level)` for every wired interrupt output.
    pub fn drive_irqs(&mut self, mut set: impl FnMut(usize, bool)) {
        for m in &mut self.devices {
            if let Some(id) = m.irq {
                set(id, m.dev.irq_level());
            }
        }
    }

    /// Whether some wired device may interrupt later by itself.
    pub fn may_interrupt(&self) -> bool {
        self.devices
            .iter()
            .any(|m| m.irq.is_some() && m.dev.may_interrupt())
    }

    /// The earliest deadline of the wired devices.
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.devices
            .iter()
            .filter(|m| m.irq.is_some())
            .filter_map(|m| m.dev.deadline())
            .min()
    }

    /// Tells every device the CPU is idle.
    pub fn idle(&mut self) {
        for m in &mut self.devices {
            m.dev.idle();
        }
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
