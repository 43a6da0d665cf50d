//! GICv2 distributor and CPU interfaces (Arm IHI 0048B) for up to eight
//! CPUs, 64 interrupt IDs (SGIs 0–15, PPIs 16–31, SPIs 32–63), one
//! security state. The state of IDs 0–31 (enables, pending, active,
//! group, priority) is banked per CPU, as is each CPU interface; SPIs are
//! shared and reach the CPUs their GICD_ITARGETSR byte names (in a
//! uniprocessor GIC all of them reach CPU 0). An SGI is pending per
//! (target, source) pair, and GICC_IAR reports its source in bits 12:10.
//! Level-sensitive inputs are driven with [`Gic::set_level`] (SPIs) and
//! [`Gic::set_ppi`] (a CPU's timer PPIs); the dispatcher asks
//! [`Gic::irq_pending`] whether a CPU's IRQ line is asserted. Register
//! accesses from the bus act for [`Gic::current`], which the CPU making
//! the access sets while it holds the bus (each CPU runs on its own host
//! thread; the GIC sits behind a mutex).

use crate::system::bus::BusDevice;
use std::sync::{Arc, Mutex};

pub const NUM_IRQS: usize = 64;
/// The most CPUs a GICv2 serves.
pub const MAX_CPUS: usize = 8;
/// GICC_IAR when nothing is pending.
pub const SPURIOUS: u32 = 1023;
/// The banked IDs (SGIs and PPIs) in a 64-bit interrupt bitmap.
const PRIVATE: u64 = 0xffff_ffff;

/// What one CPU has of its own: the banked distributor state of IDs 0–31
/// (bits 32 and up unused) and its CPU interface.
#[derive(Clone)]
struct Bank {
    enabled: u64,
    /// Latched pending state of the PPIs (software set).
    pending: u64,
    /// Input levels of the PPIs.
    level: u64,
    active: u64,
    group: u64,
    priority: [u8; 32],
    /// Per SGI, the CPUs whose copy of it is pending here.
    sgi_sources: [u8; 16],
    cpu_enabled: bool,
    pmr: u32,
    bpr: u32,
    /// The interrupts acknowledged and not yet ended, with priorities.
    running: Vec<(u32, u8)>,
}

impl Bank {
    fn new() -> Bank {
        Bank {
            // SGI enables are RAO/WI.
            enabled: 0xffff,
            pending: 0,
            level: 0,
            active: 0,
            group: 0,
            priority: [0; 32],
            sgi_sources: [0; 16],
            cpu_enabled: false,
            pmr: 0,
            bpr: 0,
            running: Vec::new(),
        }
    }

    fn sgi_pending(&self) -> u64 {
        (0..16).fold(0, |m, i| m | u64::from(self.sgi_sources[i] != 0) << i)
    }

    fn running_priority(&self) -> u32 {
        self.running.last().map_or(0x100, |&(_, p)| u32::from(p))
    }
}

/// The bitmap registers (one bit per ID).
#[derive(Copy, Clone)]
enum Bits {
    Enabled,
    Pending,
    Active,
    Group,
}

/// How the GIC gets a CPU's attention (see [`Gic::with_cpus`]).
pub type Kick = Box<dyn Fn(usize) + Send>;

pub struct Gic {
    dist_enabled: bool,
    banks: Vec<Bank>,
    /// The CPU whose register accesses the bus face performs.
    pub current: usize,
    /// SPI state (bits 32 and up; the low 32 are unused).
    enabled: u64,
    pending: u64,
    level: u64,
    active: u64,
    group: u64,
    /// Priorities and targets of the SPIs (entries 0–31 unused).
    priority: [u8; NUM_IRQS],
    targets: [u8; NUM_IRQS],
    /// Per CPU, the SPIs whose targets include it.
    reach: Vec<u64>,
    config: [u32; NUM_IRQS / 16],
    /// Called with each other CPU an SGI is sent to: rings that CPU's
    /// doorbell, so it leaves translated code or wakes from WFI.
    kick: Option<Kick>,
}

impl Gic {
    /// A GIC for one CPU.
    pub fn new() -> Gic {
        Gic::with_cpus(1, None)
    }

    /// A GIC serving `cpus` CPUs (1..=8); `kick(t)` is called when an SGI
    /// targets CPU `t`, another CPU than the sender.
    pub fn with_cpus(cpus: usize, kick: Option<Kick>) -> Gic {
        assert!((1..=MAX_CPUS).contains(&cpus));
        Gic {
            dist_enabled: false,
            banks: vec![Bank::new(); cpus],
            current: 0,
            enabled: 0,
            pending: 0,
            level: 0,
            active: 0,
            group: 0,
            priority: [0; NUM_IRQS],
            targets: [0; NUM_IRQS],
            reach: vec![if cpus == 1 { !PRIVATE } else { 0 }; cpus],
            // SGIs are edge-triggered (ICFGR0 is read-only), PPIs level.
            config: [0xaaaa_aaaa, 0x5555_5555, 0, 0],
            kick,
        }
    }

    pub fn cpus(&self) -> usize {
        self.banks.len()
    }

    /// Drives the input of SPI `id` (an interrupt ID, 32 and up) high or low.
    pub fn set_level(&mut self, id: usize, high: bool) {
        set_bit(&mut self.level, id, high);
    }

    /// Drives the input of PPI `id` of CPU `cpu` high or low.
    pub fn set_ppi(&mut self, cpu: usize, id: usize, high: bool) {
        set_bit(&mut self.banks[cpu].level, id, high);
    }

    fn enabled(&self, c: usize) -> u64 {
        (self.banks[c].enabled & PRIVATE) | (self.enabled & !PRIVATE)
    }

    fn active(&self, c: usize) -> u64 {
        (self.banks[c].active & PRIVATE) | (self.active & !PRIVATE)
    }

    /// Pending and not active, as CPU `c` sees it: its own SGIs and PPIs,
    /// and the SPIs that target it.
    fn pending_set(&self, c: usize) -> u64 {
        let b = &self.banks[c];
        let private = (b.pending | b.level | b.sgi_pending()) & !b.active & PRIVATE;
        let shared = (self.pending | self.level) & !self.active & self.reach[c];
        private | shared
    }

    fn priority_of(&self, c: usize, i: usize) -> u8 {
        if i < 32 {
            self.banks[c].priority[i]
        } else {
            self.priority[i]
        }
    }

    /// The highest-priority pending enabled interrupt of CPU `c`.
    fn best(&self, c: usize) -> Option<usize> {
        if !self.dist_enabled {
            return None;
        }
        let mut cand = self.pending_set(c) & self.enabled(c);
        let mut best: Option<(u8, usize)> = None;
        while cand != 0 {
            let i = cand.trailing_zeros() as usize;
            cand &= cand - 1;
            let p = self.priority_of(c, i);
            if best.is_none_or(|(bp, _)| p < bp) {
                best = Some((p, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// Whether CPU `c`'s IRQ line is asserted.
    pub fn irq_pending(&self, c: usize) -> bool {
        let b = &self.banks[c];
        b.cpu_enabled
            && self.best(c).is_some_and(|i| {
                let p = u32::from(self.priority_of(c, i));
                p < b.pmr && p < b.running_priority()
            })
    }

    /// Whether anything is pending and enabled for CPU `c` at all,
    /// whatever its priority mask says.
    pub fn any_pending(&self, c: usize) -> bool {
        self.pending_set(c) & self.enabled(c) != 0
    }

    fn ack(&mut self, c: usize) -> u32 {
        if !self.irq_pending(c) {
            return SPURIOUS;
        }
        let i = self.best(c).expect("pending");
        let prio = self.priority_of(c, i);
        let b = &mut self.banks[c];
        let mut iar = i as u32;
        if i < 16 {
            let src = b.sgi_sources[i].trailing_zeros();
            b.sgi_sources[i] &= !(1 << src);
            iar |= src << 10;
        }
        if i < 32 {
            b.pending &= !(1 << i);
            b.active |= 1 << i;
        } else {
            self.pending &= !(1 << i);
            self.active |= 1 << i;
        }
        self.banks[c].running.push((i as u32, prio));
        iar
    }

    fn eoi(&mut self, c: usize, id: u32) {
        let b = &mut self.banks[c];
        if let Some(pos) = b.running.iter().rposition(|&(i, _)| i == id) {
            b.running.remove(pos);
        }
        match id as usize {
            i @ 0..32 => b.active &= !(1 << i),
            i @ 32..NUM_IRQS => self.active &= !(1 << i),
            _ => {}
        }
    }

    /// The word of bitmap `r` that holds bit `bit` for CPU `c`: the bank's
    /// below 32, the shared SPI word above.
    fn bitmap(&mut self, r: Bits, c: usize, bit: u64) -> &mut u64 {
        if bit < 32 {
            let b = &mut self.banks[c];
            match r {
                Bits::Enabled => &mut b.enabled,
                Bits::Pending => &mut b.pending,
                Bits::Active => &mut b.active,
                Bits::Group => &mut b.group,
            }
        } else {
            match r {
                Bits::Enabled => &mut self.enabled,
                Bits::Pending => &mut self.pending,
                Bits::Active => &mut self.active,
                Bits::Group => &mut self.group,
            }
        }
    }

    /// Word `off / 4` of a 64-bit bitmap register view.
    fn bits_read(v: u64, off: u64) -> u64 {
        match off {
            0 => v & 0xffff_ffff,
            4 => v >> 32,
            _ => 0,
        }
    }

    /// Priorities (`targets` false) or targets as CPU `c` reads them.
    fn byte_view(&self, c: usize, targets: bool) -> [u8; NUM_IRQS] {
        if targets {
            let mut t = self.targets;
            // SGIs and PPIs target the reading CPU only.
            t[..32].fill(1 << c);
            t
        } else {
            let mut p = self.priority;
            p[..32].copy_from_slice(&self.banks[c].priority);
            p
        }
    }

    fn dist_read(&self, off: u64) -> u64 {
        let c = self.current;
        let view = |r: u64| match r {
            0x080 => (self.banks[c].group & PRIVATE) | (self.group & !PRIVATE),
            0x100 | 0x180 => self.enabled(c),
            0x200 | 0x280 => self.pending_set(c),
            _ => self.active(c),
        };
        match off {
            0x000 => u64::from(self.dist_enabled),
            // ITLinesNumber = 1 (64 IDs), CPUNumber = CPUs - 1.
            0x004 => 1 | ((self.cpus() as u64 - 1) << 5),
            0x008 => 0x0200_143b,
            0x080..=0x084
            | 0x100..=0x104
            | 0x180..=0x184
            | 0x200..=0x204
            | 0x280..=0x284
            | 0x300..=0x304
            | 0x380..=0x384 => Self::bits_read(view(off & !0x7f), off & 0x7f),
            0x400..=0x43f => bytes(&self.byte_view(c, false), off - 0x400),
            0x800..=0x83f => bytes(&self.byte_view(c, true), off - 0x800),
            0xc00..=0xc0f => u64::from(self.config[(off - 0xc00) as usize / 4]),
            0xf10..=0xf1f => {
                let s = &self.banks[c].sgi_sources;
                let o = (off as usize - 0xf10) & !3;
                u64::from(u32::from_le_bytes([s[o], s[o + 1], s[o + 2], s[o + 3]]))
            }
            0xfe8 => 0x20, // ICPIDR2: GICv2
            _ => 0,
        }
    }

    fn dist_write(&mut self, off: u64, size: u8, v: u64) {
        let c = self.current;
        // Bitmap register word `off` (relative to its base) as a 64-bit mask.
        let word = |o: u64| (v & 0xffff_ffff) << (32 * (o / 4));
        let bit = |o: u64| 32 * (o / 4);
        match off {
            0x000 => self.dist_enabled = v & 1 != 0,
            0x080..=0x084 => {
                let (m, o) = (word(off - 0x080), off - 0x080);
                let g = self.bitmap(Bits::Group, c, bit(o));
                *g = (*g & !(0xffff_ffff << bit(o))) | m;
            }
            0x100..=0x104 => *self.bitmap(Bits::Enabled, c, bit(off - 0x100)) |= word(off - 0x100),
            // SGIs are always enabled (their enable bits are RAO/WI).
            0x180..=0x184 => {
                let m = word(off - 0x180) & !0xffff;
                *self.bitmap(Bits::Enabled, c, bit(off - 0x180)) &= !m;
            }
            // SGI pending bits are WI here (GICD_SPENDSGIR sets them).
            0x200..=0x204 => {
                let m = word(off - 0x200) & !0xffff;
                *self.bitmap(Bits::Pending, c, bit(off - 0x200)) |= m;
            }
            0x280..=0x284 => {
                let m = word(off - 0x280) & !0xffff;
                *self.bitmap(Bits::Pending, c, bit(off - 0x280)) &= !m;
            }
            0x300..=0x304 => *self.bitmap(Bits::Active, c, bit(off - 0x300)) |= word(off - 0x300),
            0x380..=0x384 => *self.bitmap(Bits::Active, c, bit(off - 0x380)) &= !word(off - 0x380),
            0x400..=0x43f => {
                let mut p = self.byte_view(c, false);
                set_bytes(&mut p, off - 0x400, size, v);
                self.banks[c].priority.copy_from_slice(&p[..32]);
                self.priority[32..].copy_from_slice(&p[32..]);
            }
            // Targets of SPIs only.
            0x820..=0x83f => {
                set_bytes(&mut self.targets, off - 0x800, size, v);
                self.retarget();
            }
            0xc04..=0xc0f => self.config[(off - 0xc00) as usize / 4] = v as u32,
            0xf00 => self.sgi(c, v),
            0xf10..=0xf2f => {
                let set = off < 0xf20;
                let first = (off as usize - 0xf10) % 16;
                for k in 0..usize::from(size) {
                    if let Some(s) = self.banks[c].sgi_sources.get_mut(first + k) {
                        let m = (v >> (8 * k)) as u8;
                        *s = if set { *s | m } else { *s & !m };
                    }
                }
            }
            _ => {}
        }
    }

    /// GICD_SGIR written by CPU `c`: SGI ID in bits 3:0, the target list
    /// in 23:16 used as TargetListFilter (25:24) says — 0 the list, 1 all
    /// CPUs but `c`, 2 `c` only.
    fn sgi(&mut self, c: usize, v: u64) {
        let all = (1u32 << self.cpus()) - 1;
        let list = match v >> 24 & 3 {
            0 => (v >> 16) as u32 & 0xff,
            1 => all & !(1 << c),
            2 => 1 << c,
            _ => 0,
        } & all;
        let id = (v & 15) as usize;
        for t in 0..self.cpus() {
            if list >> t & 1 == 1 {
                self.banks[t].sgi_sources[id] |= 1 << c;
            }
        }
        if let Some(k) = &self.kick {
            for t in (0..self.cpus()).filter(|&t| t != c && list >> t & 1 == 1) {
                k(t);
            }
        }
    }

    /// Recomputes which SPIs reach which CPU after a targets write.
    fn retarget(&mut self) {
        if self.cpus() == 1 {
            return;
        }
        for (c, r) in self.reach.iter_mut().enumerate() {
            *r = (32..NUM_IRQS)
                .filter(|&i| self.targets[i] >> c & 1 == 1)
                .fold(0, |m, i| m | 1 << i);
        }
    }

    fn cpu_read(&mut self, off: u64) -> u64 {
        let c = self.current;
        let b = &self.banks[c];
        match off {
            0x00 => u64::from(b.cpu_enabled),
            0x04 => u64::from(b.pmr),
            0x08 => u64::from(b.bpr),
            0x0c => u64::from(self.ack(c)),
            0x14 => u64::from(b.running_priority().min(0xff)),
            0x18 => self.best(c).map_or(u64::from(SPURIOUS), |i| {
                let src = if i < 16 {
                    u64::from(b.sgi_sources[i].trailing_zeros()) << 10
                } else {
                    0
                };
                i as u64 | src
            }),
            0xfc => 0x0202_143b,
            _ => 0,
        }
    }

    fn cpu_write(&mut self, off: u64, v: u64) {
        let c = self.current;
        let b = &mut self.banks[c];
        match off {
            0x00 => b.cpu_enabled = v & 1 != 0,
            0x04 => b.pmr = v as u32 & 0xff,
            0x08 => b.bpr = v as u32 & 7,
            0x10 => self.eoi(c, v as u32 & 0x3ff),
            _ => {}
        }
    }
}

fn set_bit(word: &mut u64, id: usize, high: bool) {
    if high {
        *word |= 1 << id;
    } else {
        *word &= !(1 << id);
    }
}

/// The 32-bit register at byte `off` of a byte-per-ID array.
fn bytes(a: &[u8; NUM_IRQS], off: u64) -> u64 {
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

impl Default for Gic {
    fn default() -> Self {
        Gic::new()
    }
}

/// Offset of the CPU interface from the distributor in the bus window.
pub const CPU_IF_OFFSET: u64 = 0x1_0000;

/// The bus face of a shared [`Gic`]: distributor at offset 0, CPU
/// interface at [`CPU_IF_OFFSET`].
pub struct GicMmio(pub Arc<Mutex<Gic>>);

impl BusDevice for GicMmio {
    fn read(&mut self, offset: u64, _size: u8) -> u64 {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if offset >= CPU_IF_OFFSET {
            g.cpu_read(offset - CPU_IF_OFFSET)
        } else {
            g.dist_read(offset)
        }
    }

    fn write(&mut self, offset: u64, size: u8, value: u64) {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
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

    fn enable(g: &mut Gic, c: usize) {
        g.current = c;
        g.dist_write(0x000, 4, 1);
        g.cpu_write(0x00, 1);
        g.cpu_write(0x04, 0xf0);
    }

    #[test]
    fn level_interrupt_acknowledged_and_ended() {
        let mut g = Gic::new();
        enable(&mut g, 0);
        g.dist_write(0x100, 4, 1 << 27);
        assert!(!g.irq_pending(0));
        g.set_ppi(0, 27, true);
        assert!(g.irq_pending(0));
        assert_eq!(g.cpu_read(0x0c), 27);
        assert!(!g.irq_pending(0), "active: not signalled again");
        assert_eq!(g.cpu_read(0x0c), u64::from(SPURIOUS));
        g.set_ppi(0, 27, false);
        g.cpu_write(0x10, 27);
        assert!(!g.irq_pending(0));
        g.dist_write(0x180, 4, 1 << 27);
        g.set_ppi(0, 27, true);
        assert!(!g.irq_pending(0), "disabled");
        assert!(!g.any_pending(0));
    }

    #[test]
    fn uniprocessor_spis_reach_cpu0_whatever_the_targets() {
        let mut g = Gic::new();
        enable(&mut g, 0);
        g.dist_write(0x104, 4, 1 << 1);
        g.set_level(33, true);
        assert!(g.irq_pending(0));
        assert_eq!(g.dist_read(0x004) >> 5 & 7, 0, "CPUNumber");
    }

    #[test]
    fn ppis_and_enables_are_banked() {
        let mut g = Gic::with_cpus(2, None);
        enable(&mut g, 0);
        enable(&mut g, 1);
        assert_eq!(g.dist_read(0x004) >> 5 & 7, 1, "CPUNumber");
        g.current = 0;
        g.dist_write(0x100, 4, 1 << 30);
        g.set_ppi(0, 30, true);
        g.set_ppi(1, 30, true);
        assert!(g.irq_pending(0));
        assert!(!g.irq_pending(1), "CPU 1 has not enabled its PPI 30");
        g.current = 1;
        assert_eq!(g.dist_read(0x100) >> 30 & 1, 0);
        assert_eq!(
            g.dist_read(0x800),
            0x0202_0202,
            "ITARGETSR0 names the reader"
        );
        g.dist_write(0x100, 4, 1 << 30);
        assert!(g.irq_pending(1));
        assert_eq!(g.cpu_read(0x0c), 30);
        assert!(g.irq_pending(0), "CPU 0's copy is its own");
    }

    #[test]
    fn sgi_targets_sources_and_filters() {
        use std::sync::atomic::{AtomicU32, Ordering};
        // Bit t: CPU t was kicked.
        let kick = Arc::new(AtomicU32::new(0));
        let k = kick.clone();
        let mut g = Gic::with_cpus(
            4,
            Some(Box::new(move |t| {
                k.fetch_or(1 << t, Ordering::SeqCst);
            })),
        );
        for c in 0..4 {
            enable(&mut g, c);
        }
        // CPU 2 sends SGI 5 to CPUs 0 and 3 (target list).
        g.current = 2;
        g.dist_write(0xf00, 4, 0b1001 << 16 | 5);
        assert_eq!(kick.swap(0, Ordering::SeqCst), 0b1001);
        assert!(g.irq_pending(0) && g.irq_pending(3));
        assert!(!g.irq_pending(1) && !g.irq_pending(2));
        g.current = 3;
        assert_eq!(g.cpu_read(0x0c), 2 << 10 | 5, "source CPU in IAR[12:10]");
        g.cpu_write(0x10, 2 << 10 | 5);
        assert!(!g.irq_pending(3));
        // CPU 1: all but self.
        g.current = 1;
        g.dist_write(0xf00, 4, 1 << 24 | 3);
        assert!(g.irq_pending(2) && g.irq_pending(3) && !g.irq_pending(1));
        assert_eq!(kick.swap(0, Ordering::SeqCst), 0b1101);
        // CPU 1 to itself: no kick.
        g.dist_write(0xf00, 4, 2 << 24 | 4);
        assert_eq!(kick.load(Ordering::SeqCst), 0, "self only");
        assert!(g.irq_pending(1));
        // CPU 0 has SGI 5 from CPU 2 and SGI 3 from CPU 1: lowest ID first
        // at equal priority.
        g.current = 0;
        assert_eq!(
            g.dist_read(0xf14) & 0xff00,
            0x0400,
            "SPENDSGIR1: SGI 5 from CPU 2"
        );
        assert_eq!(g.cpu_read(0x0c), 1 << 10 | 3);
    }

    #[test]
    fn spis_follow_their_targets() {
        let mut g = Gic::with_cpus(2, None);
        enable(&mut g, 0);
        enable(&mut g, 1);
        g.dist_write(0x104, 4, 1 << 1);
        g.set_level(33, true);
        assert!(!g.irq_pending(0) && !g.irq_pending(1), "no target yet");
        g.dist_write(0x821, 1, 0b10);
        assert!(!g.irq_pending(0) && g.irq_pending(1));
        g.dist_write(0x821, 1, 0b11);
        g.current = 0;
        assert_eq!(g.cpu_read(0x0c), 33);
        assert!(!g.irq_pending(1), "active once one CPU took it");
        g.cpu_write(0x10, 33);
        assert!(g.irq_pending(1), "still asserted");
    }
}
