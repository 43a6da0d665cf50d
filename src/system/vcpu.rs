//! One virtual CPU of the machine: the core's [`CpuState`] first (what
//! translated code's state register points at), then what only system mode
//! has — the soft-TLBs, EL1 system registers and PSTATE fields beyond NZCV —
//! and the board it runs on. The user-mode `CpuState` does not grow: helpers
//! get from the state pointer to the `Vcpu` because the state is its first
//! field. With several CPUs the one running is on the `Vcpu` and the others
//! wait in [`super::smp`]'s contexts.

use super::bus::Bus;
use super::devices::gic::Gic;
use super::devices::pl061::Inputs;
use super::doorbell::Doorbell;
use super::mmu::{Access, Fault, Regime, Translation};
use super::monitor::Control;
use super::ram::Ram;
use super::smp::Smp;
use super::sysinsn::counter;
use super::timer::{TimerRegs, Waker, PHYS_IRQ, VIRT_IRQ};
use crate::arm64::sysreg_el1::El1Reg;
use crate::cpu::state::SP;
use crate::cpu::CpuState;
use crate::runtime::soft_tlb::SoftTlb;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// Why the machine stopped.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// PSCI SYSTEM_OFF.
    PowerOff,
    /// PSCI SYSTEM_RESET (emu-system does not restart the machine).
    Reset,
    /// PSCI CPU_OFF of the last CPU on: nothing is left to run.
    CpuOff,
    /// The monitor's `quit`.
    Quit,
    /// The monitor's `system_reset`: the machine starts again.
    HostReset,
}

/// A synchronous exception to take at the next instruction boundary.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    /// ESR_EL1 (EC, IL, ISS).
    pub esr: u64,
    /// FAR_EL1, for aborts.
    pub far: Option<u64>,
    /// The preferred return address (ELR_EL1).
    pub elr: u64,
}

/// The board: RAM, the MMIO devices, and the interrupt controller the CPU
/// also talks to directly.
pub struct Board {
    pub ram: Ram,
    pub bus: Bus,
    pub gic: Rc<RefCell<Gic>>,
    /// What host threads ring to get the CPU's attention.
    pub bell: Doorbell,
    /// The monitor's requests, with `-qmp`.
    pub monitor: Option<Arc<Control>>,
    /// The power button's GPIO input.
    pub gpio: Inputs,
}

/// The EL1 system registers and PSTATE fields the core does not hold.
#[derive(Default)]
pub struct SysRegs {
    /// Current exception level (0 or 1).
    pub el: u8,
    /// PSTATE.SP: 1 when EL1 uses SP_EL1.
    pub spsel: u8,
    /// PSTATE.{D,A,I,F} in their DAIF-register bit positions (9:6).
    pub daif: u64,
    /// The stack pointer not currently in `CpuState::x[31]`.
    pub sp_el0: u64,
    pub sp_el1: u64,
    pub regime: Regime,
    pub vbar: u64,
    pub esr: u64,
    pub far: u64,
    pub elr: u64,
    pub spsr: u64,
    /// Registers that only store what is written.
    pub plain: HashMap<El1Reg, u64>,
}

impl SysRegs {
    /// EL1h, DAIF masked, the MMU off.
    pub fn at_reset() -> SysRegs {
        let mut s = SysRegs {
            el: 1,
            spsel: 1,
            daif: 0xf << 6,
            ..SysRegs::default()
        };
        s.regime.sctlr = SCTLR_RESET;
        s
    }
}

/// SCTLR_EL1 at reset: the RES1 bits of ARMv8.0 (29, 28, 23, 22, 20, 11),
/// MMU and caches off.
pub const SCTLR_RESET: u64 = 0x30d0_0800;

#[repr(C)]
pub struct Vcpu {
    /// Must stay first (see the module comment).
    pub cpu: CpuState,
    /// Address of the soft-TLB of the current exception level; translated
    /// code reads it (see `TlbConfig::table_ptr_offset`).
    pub tlb_ptr: u64,
    /// Soft-TLBs for EL0 and EL1 accesses.
    pub tlbs: [SoftTlb; 2],
    /// An LDTR/STTR at EL1 is accessing memory (with EL0's soft-TLB and
    /// permissions).
    pub unprivileged: bool,
    pub sys: SysRegs,
    pub board: Board,
    /// An abort recorded by a memory slow path, taken when the block exits.
    pub pending: Option<Exception>,
    pub stop: Option<Stop>,
    /// Set when translations must be dropped (TLBI, translation regime or
    /// code change) before the next block runs.
    pub flush_code: bool,
    /// Physical pages whose translations must be dropped (IC IVAU) before
    /// the next block runs.
    pub code_inval: Vec<u64>,
    /// The EL1 physical (0) and virtual (1) timers.
    pub timers: [TimerRegs; 2],
    /// Wakes translated code (through `cpu.interrupt`) at timer deadlines.
    pub waker: Waker,
    /// The event register (WFE, SEV).
    pub event: bool,
    /// Set when another CPU's TLBI broadcast while this one was parked:
    /// its soft-TLBs are flushed when it runs again.
    pub tlb_stale: bool,
    /// The other CPUs and their power states (see [`super::smp`]).
    pub smp: Smp,
}

impl Vcpu {
    /// CPU 0 of `cpus` at EL1h with interrupts masked and the MMU off, as
    /// the arm64 boot protocol wants it; the others are off.
    pub fn new(board: Board, cpus: usize) -> Box<Vcpu> {
        let waker = Waker::new(board.bell.clone());
        let mut v = Box::new(Vcpu {
            cpu: CpuState::default(),
            tlb_ptr: 0,
            tlbs: [SoftTlb::default(), SoftTlb::default()],
            unprivileged: false,
            sys: SysRegs::at_reset(),
            board,
            pending: None,
            stop: None,
            flush_code: false,
            code_inval: Vec::new(),
            timers: [TimerRegs::default(); 2],
            waker,
            event: false,
            tlb_stale: false,
            smp: Smp::default(),
        });
        v.cpu.interrupt = Arc::as_ptr(v.board.bell.word()) as u64;
        v.set_el(1);
        v.smp = Smp::new(cpus, &v.cpu, &v.board.bell);
        v
    }

    /// Recovers the `Vcpu` from the state pointer translated code passes.
    ///
    /// # Safety
    /// `cpu` must be the `cpu` field of a live `Vcpu`, with no other
    /// reference to that `Vcpu` in use.
    pub unsafe fn from_cpu<'a>(cpu: *mut CpuState) -> &'a mut Vcpu {
        // SAFETY: `cpu` is the first field of a repr(C) Vcpu (caller's
        // contract), so the pointers are equal.
        unsafe { &mut *(cpu as *mut Vcpu) }
    }

    /// Switches to exception level `el` (the soft-TLB follows).
    pub fn set_el(&mut self, el: u8) {
        self.sys.el = el;
        self.unprivileged = false;
        self.tlb_ptr = self.tlbs[usize::from(el)].base();
    }

    /// Where the stack pointer of the current EL/SPSel lives when it is not
    /// in `x[31]`.
    fn banked_sp(&mut self) -> &mut u64 {
        if self.sys.el == 0 || self.sys.spsel == 0 {
            &mut self.sys.sp_el0
        } else {
            &mut self.sys.sp_el1
        }
    }

    /// Saves SP before PSTATE.EL or PSTATE.SP changes…
    pub fn save_sp(&mut self) {
        let sp = self.cpu.x[SP];
        *self.banked_sp() = sp;
    }

    /// …and loads the new one after.
    pub fn load_sp(&mut self) {
        self.cpu.x[SP] = *self.banked_sp();
    }

    /// SP_EL0 as MRS/MSR see it (in `x[31]` while EL0 or SPSel = 0).
    pub fn sp_el0(&self) -> u64 {
        if self.sys.el == 0 || self.sys.spsel == 0 {
            self.cpu.x[SP]
        } else {
            self.sys.sp_el0
        }
    }

    pub fn set_sp_el0(&mut self, v: u64) {
        if self.sys.el == 0 || self.sys.spsel == 0 {
            self.cpu.x[SP] = v;
        } else {
            self.sys.sp_el0 = v;
        }
    }

    /// PSTATE as SPSR_EL1 stores it: NZCV, DAIF, M[3:0] (EL and SP).
    pub fn pstate(&self) -> u64 {
        let m = (u64::from(self.sys.el) << 2) | u64::from(self.sys.el != 0 && self.sys.spsel == 1);
        (self.cpu.nzcv & 0xf000_0000) | self.sys.daif | m
    }

    /// Drops every soft-TLB entry (translated code is keyed by physical
    /// page and stays).
    pub fn flush_tlb(&mut self) {
        for t in &mut self.tlbs {
            t.flush();
        }
    }

    /// Drives the timers' and the devices' interrupt lines into the GIC.
    pub fn sync_irqs(&mut self) {
        let now = counter();
        let c = self.smp.current;
        let mut g = self.board.gic.borrow_mut();
        g.set_ppi(c, PHYS_IRQ, self.timers[0].line(now));
        g.set_ppi(c, VIRT_IRQ, self.timers[1].line(now));
        self.board.bus.drive_irqs(|id, high| g.set_level(id, high));
    }

    /// After a timer register changed: re-arm the wake-up.
    pub fn timers_changed(&mut self) {
        self.waker.set(Waker::next_instant(&self.timers));
    }

    /// Whether the CPU's IRQ input is asserted (masked by PSTATE.I or not).
    pub fn irq_line(&mut self) -> bool {
        self.sync_irqs();
        self.board.gic.borrow().irq_pending(self.smp.current)
    }

    /// Translates `va` for `access` at the current EL.
    pub fn translate(&self, va: u64, access: Access) -> Result<Translation, Fault> {
        self.sys
            .regime
            .translate(&self.board.ram, va, access, self.sys.el)
    }

    /// The instruction word at `va` (current EL), or `None` when it cannot
    /// be fetched.
    pub fn fetch_word(&self, va: u64) -> Option<u32> {
        let t = self.translate(va, Access::Fetch).ok()?;
        self.board.ram.read_u32(t.pa)
    }
}
