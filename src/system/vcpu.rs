//! One virtual CPU of the machine: the core's [`CpuState`] first (what
//! translated code's state register points at), then what only system mode
//! has — the soft-TLBs, EL1 system registers and PSTATE fields beyond NZCV —
//! and the board it runs on. The user-mode `CpuState` does not grow: helpers
//! get from the state pointer to the `Vcpu` because the state is its first
//! field. Each CPU has its own `Vcpu`, run by its own host thread; what
//! the CPUs share is the [`Board`] (see [`super::smp`]).

use super::bus::Bus;
use super::devices::gic::Gic;
use super::devices::pl061::Inputs;
use super::doorbell::Doorbell;
use super::mmu::{Access, Fault, Regime, Translation};
use super::monitor::Control;
use super::ram::Ram;
use super::smp::{lock, Smp};
use super::sysinsn::counter;
use super::timer::{TimerRegs, Waker, PHYS_IRQ, VIRT_IRQ};
use crate::arm64::sysreg_el1::El1Reg;
use crate::cpu::state::SP;
use crate::cpu::CpuState;
use crate::runtime::soft_tlb::SoftTlb;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

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

/// The board the CPUs share: RAM, the MMIO devices, and the interrupt
/// controller the CPUs also talk to directly. Lock order: `bus`, then
/// `gic`.
pub struct Board {
    pub ram: Ram,
    pub bus: Mutex<Bus>,
    pub gic: Arc<Mutex<Gic>>,
    /// What devices and host threads ring to get the CPUs' attention
    /// (it rings every CPU's own doorbell).
    pub bell: Doorbell,
    /// The monitor's requests, with `-qmp`.
    pub monitor: Option<Arc<Control>>,
    /// The power button's GPIO input.
    pub gpio: Inputs,
    /// The CPUs' links, power states and the machine's stop.
    pub smp: Smp,
}

/// What a CPU waits for after PSCI CPU_OFF or CPU_SUSPEND (the dispatcher
/// acts on it).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// CPU_OFF: until a CPU_ON.
    Off,
    /// A standby CPU_SUSPEND: until the IRQ line rises, then on.
    Standby,
    /// A power-down CPU_SUSPEND: until the IRQ line rises, then at `entry`
    /// with x0 = `arg`.
    PowerDown { entry: u64, arg: u64 },
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
    pub board: Arc<Board>,
    /// This CPU's number: MPIDR_EL1.Aff0, its GIC CPU interface.
    pub me: usize,
    /// This CPU's doorbell (`cpu.interrupt` is its word).
    pub bell: Doorbell,
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
    /// Set by PSCI CPU_OFF and CPU_SUSPEND.
    pub wait: Option<Wait>,
    /// Requests for the other CPUs (`smp::FLUSH_TLB`) the dispatcher
    /// broadcasts before going on.
    pub broadcast: u32,
}

impl Vcpu {
    /// CPU `me` of `board` at EL1h with interrupts masked and the MMU off,
    /// as the arm64 boot protocol wants CPU 0 (the others wait for CPU_ON).
    pub fn new(board: Arc<Board>, me: usize) -> Box<Vcpu> {
        let bell = board.smp.cpus[me].bell.clone();
        let waker = Waker::new(bell.clone());
        let mut v = Box::new(Vcpu {
            cpu: CpuState::default(),
            tlb_ptr: 0,
            tlbs: [SoftTlb::default(), SoftTlb::default()],
            unprivileged: false,
            sys: SysRegs::at_reset(),
            board,
            me,
            bell,
            pending: None,
            stop: None,
            flush_code: false,
            code_inval: Vec::new(),
            timers: [TimerRegs::default(); 2],
            waker,
            wait: None,
            broadcast: 0,
        });
        v.cpu.interrupt = Arc::as_ptr(v.bell.word()) as u64;
        v.set_el(1);
        v
    }

    /// The CPU starts afresh at `entry` with x0 = `arg`, as after CPU_ON:
    /// EL1h, DAIF masked, MMU off, timers disabled.
    pub fn boot_reset(&mut self, entry: u64, arg: u64) {
        let keep = (self.cpu.interrupt, self.cpu.jump_table);
        self.cpu = CpuState::default();
        (self.cpu.interrupt, self.cpu.jump_table) = keep;
        self.cpu.pc = entry;
        self.cpu.x[0] = arg;
        self.sys = SysRegs::at_reset();
        self.timers = [TimerRegs::default(); 2];
        self.timers_changed();
        self.board.smp.cpus[self.me]
            .event
            .store(false, Ordering::Relaxed);
        self.flush_tlb();
        self.set_el(1);
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

    /// Drives the timers' and the devices' interrupt lines into the GIC;
    /// returns the GIC, locked.
    pub fn sync_irqs(&mut self) -> MutexGuard<'_, Gic> {
        let now = counter();
        let mut bus = lock(&self.board.bus);
        let mut g = lock(&self.board.gic);
        g.set_ppi(self.me, PHYS_IRQ, self.timers[0].line(now));
        g.set_ppi(self.me, VIRT_IRQ, self.timers[1].line(now));
        bus.drive_irqs(|id, high| g.set_level(id, high));
        g
    }

    /// After a timer register changed: re-arm the wake-up.
    pub fn timers_changed(&mut self) {
        self.waker.set(Waker::next_instant(&self.timers));
    }

    /// Whether the CPU's IRQ input is asserted (masked by PSTATE.I or not).
    pub fn irq_line(&mut self) -> bool {
        let me = self.me;
        self.sync_irqs().irq_pending(me)
    }

    /// After a device register write, which may have raised an interrupt
    /// (a GIC enable, a device's completion): this CPU comes back to its
    /// dispatcher soon, and other CPUs with an interrupt pending are rung.
    pub fn device_written(&mut self) {
        self.bell.word().store(1, Ordering::SeqCst);
        if self.board.smp.count() > 1 {
            let me = self.me;
            let g = self.sync_irqs();
            let others: Vec<usize> = (0..g.cpus())
                .filter(|&j| j != me && g.irq_pending(j))
                .collect();
            drop(g);
            for j in others {
                self.board.smp.cpus[j].bell.ring();
            }
        }
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
