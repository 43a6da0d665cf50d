//! Taking synchronous exceptions to EL1 and returning with ERET (Arm ARM
//! D1.10, "Exception entry"; the syndrome values of D17.2.37, ESR_EL1).

use super::mmu::Fault;
use super::trace;
use super::vcpu::{Exception, Vcpu};

/// Exception classes (ESR_EL1.EC).
pub mod ec {
    pub const UNKNOWN: u64 = 0x00;
    pub const SVC: u64 = 0x15;
    pub const INSN_ABORT_LOWER: u64 = 0x20;
    pub const INSN_ABORT_SAME: u64 = 0x21;
    pub const PC_ALIGN: u64 = 0x22;
    pub const DATA_ABORT_LOWER: u64 = 0x24;
    pub const DATA_ABORT_SAME: u64 = 0x25;
    pub const BRK: u64 = 0x3c;
}

/// ESR.IL: the trapped instruction is 32 bits.
const IL: u64 = 1 << 25;
/// Data abort ISS: the access wrote memory.
const WNR: u64 = 1 << 6;
/// DFSC of an alignment fault.
pub const DFSC_ALIGNMENT: u64 = 0b10_0001;
/// DFSC of a synchronous external abort (not on a walk).
pub const DFSC_EXTERNAL: u64 = 0b01_0000;

/// ESR value for class `ec` with syndrome `iss` (32-bit instruction).
pub fn esr(ec: u64, iss: u64) -> u64 {
    ec << 26 | IL | iss
}

impl Vcpu {
    /// The exception for an undefined instruction at `pc`.
    pub fn undefined(&self, pc: u64) -> Exception {
        Exception {
            esr: esr(ec::UNKNOWN, 0),
            far: None,
            elr: pc,
        }
    }

    /// A data abort at `pc` for an access to `va` with status `dfsc`.
    pub fn data_abort(&self, pc: u64, va: u64, dfsc: u64, write: bool) -> Exception {
        let class = if self.sys.el == 0 {
            ec::DATA_ABORT_LOWER
        } else {
            ec::DATA_ABORT_SAME
        };
        let wnr = if write { WNR } else { 0 };
        Exception {
            esr: esr(class, dfsc | wnr),
            far: Some(va),
            elr: pc,
        }
    }

    /// An instruction abort fetching `pc`.
    pub fn insn_abort(&self, pc: u64, f: Fault) -> Exception {
        let class = if self.sys.el == 0 {
            ec::INSN_ABORT_LOWER
        } else {
            ec::INSN_ABORT_SAME
        };
        Exception {
            esr: esr(class, f.status()),
            far: Some(pc),
            elr: pc,
        }
    }

    /// Takes `e` to EL1: SPSR and ELR saved, ESR (and FAR) set, DAIF
    /// masked, SP_EL1 selected, PC at the synchronous vector for the
    /// exception's origin (current EL with SP_EL0 +0x000, with SP_ELx
    /// +0x200, lower EL in AArch64 +0x400). The exclusive monitor clears.
    pub fn take(&mut self, e: Exception) {
        if trace::on(trace::Class::Int) {
            trace::line(format_args!(
                "exception ESR {:#x} FAR {:#x?} ELR {:#x} from EL{}",
                e.esr, e.far, e.elr, self.sys.el
            ));
        }
        self.sys.esr = e.esr;
        if let Some(far) = e.far {
            self.sys.far = far;
        }
        self.enter(e.elr, 0);
    }

    /// Takes an IRQ before the instruction at `pc` (vector +0x080; ESR and
    /// FAR are not changed).
    pub fn take_irq(&mut self) {
        if trace::on(trace::Class::Int) {
            trace::line(format_args!(
                "IRQ at pc {:#x} EL{}",
                self.cpu.pc, self.sys.el
            ));
        }
        self.enter(self.cpu.pc, 0x80);
    }

    /// Exception entry with return address `elr` at vector offset `kind`
    /// (0 synchronous, 0x80 IRQ) of the origin's group.
    fn enter(&mut self, elr: u64, kind: u64) {
        let offset = kind
            + match (self.sys.el, self.sys.spsel) {
                (0, _) => 0x400,
                (_, 0) => 0x000,
                _ => 0x200,
            };
        self.sys.spsr = self.pstate();
        self.sys.elr = elr;
        self.save_sp();
        self.set_el(1);
        self.sys.spsel = 1;
        self.load_sp();
        self.sys.daif = 0xf << 6;
        self.cpu.excl_addr = u64::MAX;
        self.cpu.pc = self.sys.vbar.wrapping_add(offset);
    }

    /// ERET: PSTATE from SPSR_EL1, PC from ELR_EL1. Returns false, changing
    /// nothing, for a return to a mode that does not exist (EL2, EL3,
    /// AArch32): an illegal exception return, which the caller reports as an
    /// undefined instruction (PSTATE.IL is not modelled).
    pub fn eret(&mut self) -> bool {
        let spsr = self.sys.spsr;
        let m = spsr & 0x1f;
        let (el, spsel) = match m {
            0b00000 => (0, 0),
            0b00100 => (1, 0),
            0b00101 => (1, 1),
            _ => return false,
        };
        self.save_sp();
        self.set_el(el);
        self.sys.spsel = spsel;
        self.load_sp();
        self.cpu.nzcv = spsr & 0xf000_0000;
        self.sys.daif = spsr & (0xf << 6);
        self.cpu.excl_addr = u64::MAX;
        self.cpu.pc = self.sys.elr;
        true
    }
}
