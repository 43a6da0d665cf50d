//! More than one CPU (`-smp N`): the CPUs take turns on the one [`Vcpu`]
//! whose state translated code runs on, all on the dispatcher's host
//! thread. The CPU on the `Vcpu` is [`Smp::current`]; each other CPU's
//! architectural state (registers, soft-TLBs, EL1 system registers,
//! generic timers, event register) waits in a [`Context`] and is swapped
//! in by [`Vcpu::switch_to`]. The dispatcher (`run.rs`) switches at block
//! boundaries only: when the running CPU waits (WFI, WFE without an
//! event, YIELD, CPU_OFF, CPU_SUSPEND), when the interrupt word rings (a
//! timer deadline, an SGI to another CPU, the end of a time slice) — and
//! picks the next CPU that can run in round-robin order.
//!
//! Memory needs no ordering argument: one host thread runs every CPU, so
//! plain accesses, barriers and atomics are sequentially consistent among
//! the CPUs, and LSE atomics and CAS (single host instructions, or a block
//! no switch interrupts) are atomic across them. Exclusive monitors: a CPU
//! switched out loses its reservation, so a store by any other CPU (which
//! can only run meanwhile) fails its next STXR — a superset of "a store to
//! the granule clears the other reservations" the architecture permits
//! (a local monitor may be cleared by any IMPLEMENTATION DEFINED event),
//! and LDXR/STXR loops still progress because slices are long.

use super::doorbell::Doorbell;
use super::timer::{TimerRegs, Waker, PHYS_IRQ, VIRT_IRQ};
use super::vcpu::{SysRegs, Vcpu};
use crate::cpu::CpuState;
use crate::runtime::soft_tlb::SoftTlb;
use std::time::Instant;

/// The most CPUs (a GICv2 serves eight).
pub const MAX_CPUS: usize = super::devices::gic::MAX_CPUS;

/// A CPU's PSCI power state and what it waits for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Power {
    Off,
    /// CPU_ON accepted: starts at `entry` with x0 = `arg` when it is next
    /// scheduled (AFFINITY_INFO says ON_PENDING until then).
    Starting {
        entry: u64,
        arg: u64,
    },
    On,
    /// In WFI or a standby CPU_SUSPEND: runs on when its IRQ line rises.
    Waiting,
    /// In a power-down CPU_SUSPEND: wakes like `Waiting`, at `entry`.
    Suspended {
        entry: u64,
        arg: u64,
    },
}

/// A CPU's state while another runs on the `Vcpu`.
pub struct Context {
    cpu: CpuState,
    tlbs: [SoftTlb; 2],
    sys: SysRegs,
    timers: [TimerRegs; 2],
    waker: Waker,
    event: bool,
    tlb_stale: bool,
}

/// The CPUs of the machine.
#[derive(Default)]
pub struct Smp {
    /// The CPU on the `Vcpu` (its MPIDR affinity 0 and GIC CPU interface).
    pub current: usize,
    pub power: Vec<Power>,
    /// The parked CPUs' state (`None` at `current`).
    parked: Vec<Option<Box<Context>>>,
    /// Set when the running CPU should give way at the next block boundary.
    pub resched: bool,
}

impl Smp {
    /// `cpus` CPUs, CPU 0 running (its state is the `Vcpu`'s, `cpu0`),
    /// the others off, with their own timer wakers ringing `bell`.
    pub fn new(cpus: usize, cpu0: &CpuState, bell: &Doorbell) -> Smp {
        let mut power = vec![Power::Off; cpus];
        power[0] = Power::On;
        let parked = (0..cpus)
            .map(|i| {
                (i != 0).then(|| {
                    let cpu = CpuState {
                        interrupt: cpu0.interrupt,
                        jump_table: cpu0.jump_table,
                        ..CpuState::default()
                    };
                    Box::new(Context {
                        cpu,
                        tlbs: [SoftTlb::default(), SoftTlb::default()],
                        sys: SysRegs::at_reset(),
                        timers: [TimerRegs::default(); 2],
                        waker: Waker::new(bell.clone()),
                        event: false,
                        tlb_stale: false,
                    })
                })
            })
            .collect();
        Smp {
            current: 0,
            power,
            parked,
            resched: false,
        }
    }

    pub fn cpus(&self) -> usize {
        self.power.len()
    }

    /// The CPU with MPIDR affinity `mpidr` (Aff0 = index, the other
    /// affinity fields zero), if there is one.
    pub fn by_mpidr(&self, mpidr: u64) -> Option<usize> {
        let i = (mpidr & 0xff) as usize;
        (mpidr & 0xff_00ff_ff00 == 0 && i < self.cpus()).then_some(i)
    }
}

impl Vcpu {
    /// Puts CPU `to` on the `Vcpu`, parking the one running. The parked
    /// CPU's exclusive reservation ends (others may store meanwhile).
    pub fn switch_to(&mut self, to: usize) {
        let from = self.smp.current;
        if from == to {
            return;
        }
        let mut c = self.smp.parked[to].take().expect("a parked CPU");
        self.cpu.excl_addr = u64::MAX;
        std::mem::swap(&mut self.cpu, &mut c.cpu);
        std::mem::swap(&mut self.tlbs, &mut c.tlbs);
        std::mem::swap(&mut self.sys, &mut c.sys);
        std::mem::swap(&mut self.timers, &mut c.timers);
        std::mem::swap(&mut self.waker, &mut c.waker);
        std::mem::swap(&mut self.event, &mut c.event);
        std::mem::swap(&mut self.tlb_stale, &mut c.tlb_stale);
        self.smp.parked[from] = Some(c);
        self.smp.current = to;
        self.board.gic.borrow_mut().current = to;
        if std::mem::take(&mut self.tlb_stale) {
            self.flush_tlb();
        }
        self.set_el(self.sys.el);
    }

    /// The running CPU starts afresh at `entry` with x0 = `arg`, as after
    /// CPU_ON: EL1h, DAIF masked, MMU off, timers disabled.
    pub fn boot_reset(&mut self, entry: u64, arg: u64) {
        let keep = (self.cpu.interrupt, self.cpu.jump_table);
        self.cpu = CpuState::default();
        (self.cpu.interrupt, self.cpu.jump_table) = keep;
        self.cpu.pc = entry;
        self.cpu.x[0] = arg;
        self.sys = SysRegs::at_reset();
        self.timers = [TimerRegs::default(); 2];
        self.timers_changed();
        self.event = false;
        self.flush_tlb();
        self.set_el(1);
    }

    /// Whether CPU `i`'s IRQ line is asserted (its timers and the devices
    /// driven into the GIC first).
    pub fn irq_line_of(&mut self, i: usize) -> bool {
        let Some(c) = self.smp.parked[i].as_ref() else {
            return self.irq_line();
        };
        let now = super::sysinsn::counter();
        let mut g = self.board.gic.borrow_mut();
        g.set_ppi(i, PHYS_IRQ, c.timers[0].line(now));
        g.set_ppi(i, VIRT_IRQ, c.timers[1].line(now));
        self.board.bus.drive_irqs(|id, high| g.set_level(id, high));
        g.irq_pending(i)
    }

    /// SEV: every CPU's event register is set.
    pub fn send_event(&mut self) {
        self.event = true;
        for c in self.smp.parked.iter_mut().flatten() {
            c.event = true;
        }
    }

    /// A TLBI broadcast to the Inner Shareable domain: the other CPUs'
    /// soft-TLBs are flushed before they run again.
    pub fn tlbi_broadcast(&mut self) {
        for c in self.smp.parked.iter_mut().flatten() {
            c.tlb_stale = true;
        }
    }

    /// The earliest timer deadline of any CPU that is not off.
    pub fn next_timer(&self) -> Option<Instant> {
        let mut t = if self.smp.power[self.smp.current] == Power::Off {
            None
        } else {
            Waker::next_instant(&self.timers)
        };
        for (i, c) in self.smp.parked.iter().enumerate() {
            if let Some(c) = c.as_ref().filter(|_| self.smp.power[i] != Power::Off) {
                if let Some(d) = Waker::next_instant(&c.timers) {
                    t = Some(t.map_or(d, |t: Instant| t.min(d)));
                }
            }
        }
        t
    }
}
