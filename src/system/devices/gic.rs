//! GICv2 distributor and CPU interface (Arm IHI 0048B) for one CPU, 64
//! interrupt IDs (SGIs 0–15, PPIs 16–31, SPIs 32–63), one security state.
//! Level-sensitive inputs (the timer PPIs) are driven with
//! [`Gic::set_level`]; the CPU asks [`Gic::irq_pending`] whether its IRQ
//! line is asserted.

use crate::system::bus::BusDevice;
use std::cell::RefCell;
use std::rc::Rc;

pub const NUM_IRQS: usize = 64;
/// GICC_IAR when nothing is pending.
pub const SPURIOUS: u32 = 1023;

pub struct Gic {
    dist_enabled: bool,
    cpu_enabled: bool,
    enabled: u64,
    /// Latched pending state (edge, SGIs, software set).
    pending: u64,
    /// Input levels of level-sensitive interrupts.
    level: u64,
    active: u64,
    group: u64,
    priority: [u8; NUM_IRQS],
    targets: [u8; NUM_IRQS],
    config: [u32; NUM_IRQS / 16],
    pmr: u32,
    bpr: u32,
    /// Priorities of the interrupts acknowledged and not yet ended.
    running: Vec<(u32, u8)>,
}

impl Gic {
    pub fn new() -> Gic {
        Gic {
            dist_enabled: false,
            cpu_enabled: false,
            enabled: 0xffff,
            pending: 0,
            level: 0,
            active: 0,
            group: 0,
            priority: [0; NUM_IRQS],
            targets: [0; NUM_IRQS],
            // SGIs are edge-triggered (ICFGR0 is read-only), PPIs level.
            config: [0xaaaa_aaaa, 0x5555_5555, 0, 0],
            pmr: 0,
            bpr: 0,
            running: Vec::new(),
        }
    }

    /// Drives the input of interrupt `id` high or low.
    pub fn set_level(&mut self, id: usize, high: bool) {
        if high {
            self.level |= 1 << id;
        } else {
            self.level &= !(1 << id);
        }
    }

    fn pending_set(&self) -> u64 {
        (self.pending | self.level) & !self.active
    }

    fn running_priority(&self) -> u32 {
        self.running.last().map_or(0x100, |&(_, p)| u32::from(p))
    }

    /// The highest-priority pending enabled interrupt that may preempt.
    fn best(&self) -> Option<usize> {
        if !self.dist_enabled {
            return None;
        }
        let cand = self.pending_set() & self.enabled;
        (0..NUM_IRQS)
            .filter(|&i| cand >> i & 1 == 1)
            .min_by_key(|&i| (self.priority[i], i))
    }

    /// Whether the CPU's IRQ line is asserted.
    pub fn irq_pending(&self) -> bool {
        self.cpu_enabled
            && self.best().is_some_and(|i| {
                let p = u32::from(self.priority[i]);
                p < self.pmr && p < self.running_priority()
            })
    }

    /// Whether anything is pending and enabled at all (what wakes WFI,
    /// whatever PSTATE and the priority mask say).
    pub fn any_pending(&self) -> bool {
        self.pending_set() & self.enabled != 0
    }

    fn ack(&mut self) -> u32 {
        if !self.irq_pending() {
            return SPURIOUS;
        }
        let i = self.best().expect("pending");
        self.pending &= !(1 << i);
        self.active |= 1 << i;
        self.running.push((i as u32, self.priority[i]));
        i as u32
    }

    fn eoi(&mut self, id: u32) {
        if let Some(pos) = self.running.iter().rposition(|&(i, _)| i == id) {
            self.running.remove(pos);
        }
        if (id as usize) < NUM_IRQS {
            self.active &= !(1 << id);
        }
    }

    fn bits_read(&self, v: u64, off: u64) -> u64 {
        match off {
            0 => v & 0xffff_ffff,
            4 => v >> 32,
            _ => 0,
        }
    }

    fn dist_read(&self, off: u64) -> u64 {
        match off {
            0x000 => u64::from(self.dist_enabled),
            // ITLinesNumber = 1 (64 IDs), one CPU.
            0x004 => 1,
            0x008 => 0x0200_143b,
            0x080..=0x084 => self.bits_read(self.group, off - 0x080),
            0x100..=0x104 => self.bits_read(self.enabled, off - 0x100),
            0x180..=0x184 => self.bits_read(self.enabled, off - 0x180),
            0x200..=0x204 => self.bits_read(self.pending_set(), off - 0x200),
            0x280..=0x284 => self.bits_read(self.pending_set(), off - 0x280),
            0x300..=0x304 => self.bits_read(self.active, off - 0x300),
            0x380..=0x384 => self.bits_read(self.active, off - 0x380),
            0x400..=0x43f => self.bytes(&self.priority, off - 0x400),
            0x800..=0x83f => {
                // SGIs and PPIs target this CPU only.
                let mut t = self.targets;
                t[..32].fill(1);
                self.bytes(&t, off - 0x800)
            }
            0xc00..=0xc0f => u64::from(self.config[(off - 0xc00) as usize / 4]),
            0xfe8 => 0x20, // ICPIDR2: GICv2
            _ => 0,
        }
    }

    fn bytes(&self, a: &[u8; NUM_IRQS], off: u64) -> u64 {
        let o = off as usize & !3;
        u64::from(u32::from_le_bytes([a[o], a[o + 1], a[o + 2], a[o + 3]]))
    }

    fn set_bytes(a: &mut [u8; NUM_IRQS], off: u64, size: u8, v: u64) {
        for i in 0..usize::from(size) {
            if let Some(b) = a.get_mut(off as usize + i) {
                *b = (v >> (8 * i)) as u8;
            }
        }
    }

    fn dist_write(&mut self, off: u64, size: u8, v: u64) {
        let word = |off: u64, base: u64| (v & 0xffff_ffff) << (32 * ((off - base) / 4));
        match off {
            0x000 => self.dist_enabled = v & 1 != 0,
            0x080..=0x084 => {
                let sh = 32 * ((off - 0x080) / 4);
                self.group = (self.group & !(0xffff_ffff << sh)) | word(off, 0x080);
            }
            0x100..=0x104 => self.enabled |= word(off, 0x100),
            // SGIs are always enabled (their enable bits are RAO/WI).
            0x180..=0x184 => self.enabled &= !(word(off, 0x180) & !0xffff),
            0x200..=0x204 => self.pending |= word(off, 0x200) & !0xffff,
            0x280..=0x284 => self.pending &= !word(off, 0x280),
            0x300..=0x304 => self.active |= word(off, 0x300),
            0x380..=0x384 => self.active &= !word(off, 0x380),
            0x400..=0x43f => Self::set_bytes(&mut self.priority, off - 0x400, size, v),
            // Targets of SPIs only (one CPU: any non-zero value reaches it).
            0x820..=0x83f => Self::set_bytes(&mut self.targets, off - 0x800, size, v),
            0xc04..=0xc0f => self.config[(off - 0xc00) as usize / 4] = v as u32,
            0xf00 => {
                // GICD_SGIR: TargetListFilter 0 with CPU 0, or "self".
                let filter = v >> 24 & 3;
                if (filter == 0 && v >> 16 & 1 == 1) || filter == 2 {
                    self.pending |= 1 << (v & 15);
                }
            }
            _ => {}
        }
    }

    fn cpu_read(&mut self, off: u64) -> u64 {
        match off {
            0x00 => u64::from(self.cpu_enabled),
            0x04 => u64::from(self.pmr),
            0x08 => u64::from(self.bpr),
            0x0c => u64::from(self.ack()),
            0x14 => u64::from(self.running_priority().min(0xff)),
            0x18 => self.best().map_or(u64::from(SPURIOUS), |i| i as u64),
            0xfc => 0x0202_143b,
            _ => 0,
        }
    }

    fn cpu_write(&mut self, off: u64, v: u64) {
        match off {
            0x00 => self.cpu_enabled = v & 1 != 0,
            0x04 => self.pmr = v as u32 & 0xff,
            0x08 => self.bpr = v as u32 & 7,
            0x10 => self.eoi(v as u32 & 0x3ff),
            _ => {}
        }
    }
}

impl Default for Gic {
    fn default() -> Self {
        Gic::new()
    }
}

/// Offset of the CPU interface from the distributor in the bus window.
pub const CPU_IF_OFFSET: u64 = 0x1_0000;

/// The bus face of a shared [`Gic`]: distributor at offset 0, CPU
/// interface at [`CPU_IF_OFFSET`].
pub struct GicMmio(pub Rc<RefCell<Gic>>);

impl BusDevice for GicMmio {
    fn read(&mut self, offset: u64, _size: u8) -> u64 {
        let mut g = self.0.borrow_mut();
        if offset >= CPU_IF_OFFSET {
            g.cpu_read(offset - CPU_IF_OFFSET)
        } else {
            g.dist_read(offset)
        }
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        let mut g = self.0.borrow_mut();
        if offset >= CPU_IF_OFFSET {
            g.cpu_write(offset - CPU_IF_OFFSET, value)
        } else {
            g.dist_write(offset, size, value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_interrupt_acknowledged_and_ended() {
        let mut g = Gic::new();
        g.dist_write(0x000, 4, 1);
        g.cpu_write(0x00, 1);
        g.cpu_write(0x04, 0xf0);
        g.dist_write(0x100, 4, 1 << 27);
        assert!(!g.irq_pending());
        g.set_level(27, true);
        assert!(g.irq_pending());
        assert_eq!(g.cpu_read(0x0c), 27);
        assert!(!g.irq_pending(), "active: not signalled again");
        assert_eq!(g.cpu_read(0x0c), u64::from(SPURIOUS));
        g.set_level(27, false);
        g.cpu_write(0x10, 27);
        assert!(!g.irq_pending());
        g.dist_write(0x180, 4, 1 << 27);
        g.set_level(27, true);
        assert!(!g.irq_pending(), "disabled");
        assert!(!g.any_pending());
    }
}
