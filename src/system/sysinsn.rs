//! The instructions translated code leaves for in system mode (see
//! `frontend::Ctx::system`): MRS/MSR of EL1 state, MSR (immediate), SYS
//! (TLBI, IC, DC, AT), HVC/SMC (PSCI), ERET. Anything else arriving here is
//! undefined.

use super::exception::DFSC_EXTERNAL;
use super::mmu::Access;
use super::psci;
use super::trace;
use super::vcpu::{Exception, Vcpu};
use crate::arm64::cpu_model::Cpu;
use crate::arm64::decode;
use crate::arm64::encodings::{system::Op, Insn};
use crate::arm64::sysreg::{self, Enc, StateField, Value};
use crate::arm64::sysreg_el1::{self, El1Reg};
use crate::cpu::CpuState;

/// What executing the instruction led to.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Continue at the next instruction.
    Next,
    /// `pc` was set (ERET).
    Jumped,
    /// Take this exception.
    Raise(Exception),
}

const ERET: u32 = 0xd69f_03e0;

/// CLIDR_EL1: separate L1 instruction and data caches (Ctype1 = 0b011), a
/// unified L2 (Ctype2 = 0b100), LoC = 2, LoUU = LoUIS = 0 (no cleaning to
/// the point of unification is needed, which Linux reads as CTR_EL0.IDC).
/// The caches' geometry (CCSIDR_EL1) reads as zero: nothing depends on it.
const CLIDR: u64 = 0b011 | 0b100 << 3 | 2 << 24;

/// SCTLR_EL1 bits that open EL0 access: DZE (DC ZVA), UCT (CTR_EL0), UMA
/// (DAIF), UCI (cache maintenance by VA).
const SCTLR_DZE: u64 = 1 << 14;
const SCTLR_UCT: u64 = 1 << 15;
const SCTLR_UMA: u64 = 1 << 9;
const SCTLR_UCI: u64 = 1 << 26;

/// The ID register values of system mode: an ARMv8.0 CPU with what the
/// core implements (the values user mode's `max` announces), AArch64 only at
/// EL0 and EL1, no EL2/EL3, CSV2 and CSV3 set (no speculation side
/// channels to mitigate), a neutral MIDR that matches no errata entry.
fn id_value(name: &str) -> Option<u64> {
    Some(match name {
        "MIDR_EL1" => sysreg::MIDR,
        "MPIDR_EL1" => 1 << 31, // RES1; plus the CPU number (`mrs`)
        "REVIDR_EL1" => 0,
        // DIT (bits 51:48) left out: system mode keeps no PSTATE.DIT.
        "ID_AA64PFR0_EL1" => Cpu::MAX_IDS.pfr0 & !(0xf << 48) | 1 << 56 | 1 << 60,
        "ID_AA64DFR0_EL1" => 6,
        "ID_AA64ISAR0_EL1" => Cpu::MAX_IDS.isar0,
        "ID_AA64ISAR1_EL1" => Cpu::MAX_IDS.isar1,
        // PARange 48 bits, 8-bit ASIDs, 4 KiB granule only (TGran64 = 0xF,
        // TGran16 = 0).
        "ID_AA64MMFR0_EL1" => 0x0f00_0005,
        "CTR_EL0" => sysreg::CTR,
        "DCZID_EL0" => sysreg::DCZID,
        "CNTFRQ_EL0" => sysreg::CNTFRQ,
        _ => return None,
    })
}

impl Vcpu {
    /// Executes the trapped instruction `word` at `pc`.
    pub fn exec_system(&mut self, word: u32, pc: u64) -> Outcome {
        let undef = Outcome::Raise(self.undefined(pc));
        let el1 = self.sys.el == 1;
        if word == ERET {
            if !el1 {
                return undef;
            }
            return if self.eret() { Outcome::Jumped } else { undef };
        }
        // HVC (…00010) and SMC (…00011) #imm16: PSCI from EL1.
        if word & 0xffe0_001e == 0xd400_0002 {
            if !el1 {
                return undef;
            }
            psci::call(self);
            return Outcome::Next;
        }
        let Some(f) = decode(word) else {
            return undef;
        };
        if let Some(o) = self.exec_exclusive(&f, pc) {
            return o;
        }
        let r = match f.entry.insn {
            Insn::System(Op::MRS) => self.mrs(Enc::from_key(f.u('s'))).map(|v| {
                if f.u('d') != 31 {
                    self.cpu.x[f.u('d') as usize] = v;
                }
            }),
            Insn::System(Op::MSR_reg) => {
                let rt = f.u('d');
                let v = if rt == 31 { 0 } else { self.cpu.x[rt as usize] };
                self.msr(Enc::from_key(f.u('s')), v)
            }
            Insn::System(Op::MSR_imm) => self.msr_imm(f.u('o'), f.u('p'), f.u('m')),
            Insn::System(Op::SYS) => {
                let rt = f.u('d');
                let xt = if rt == 31 { 0 } else { self.cpu.x[rt as usize] };
                return self.sys_insn((f.u('o'), f.u('n'), f.u('m'), f.u('p')), xt, pc);
            }
            _ => Err(()),
        };
        match r {
            Ok(()) => Outcome::Next,
            Err(()) => {
                if trace::on(trace::Class::Unimp) {
                    trace::line(format_args!("undefined {word:#010x} at {pc:#x}"));
                }
                undef
            }
        }
    }

    fn mrs(&mut self, enc: Enc) -> Result<u64, ()> {
        let el1 = self.sys.el == 1;
        if let Some(reg) = sysreg_el1::find(enc) {
            if !el1 && !self.el0_may(reg) {
                return Err(());
            }
            let s = &self.sys;
            return Ok(match reg {
                El1Reg::SPSR_EL1 => s.spsr,
                El1Reg::ELR_EL1 => s.elr,
                El1Reg::SP_EL0 => self.sp_el0(),
                El1Reg::SPSEL => u64::from(s.spsel),
                El1Reg::CURRENTEL => u64::from(s.el) << 2,
                El1Reg::DAIF => s.daif,
                El1Reg::SCTLR_EL1 => s.regime.sctlr,
                El1Reg::TTBR0_EL1 => s.regime.ttbr0,
                El1Reg::TTBR1_EL1 => s.regime.ttbr1,
                El1Reg::TCR_EL1 => s.regime.tcr,
                El1Reg::ESR_EL1 => s.esr,
                El1Reg::FAR_EL1 => s.far,
                El1Reg::VBAR_EL1 => s.vbar,
                El1Reg::CLIDR_EL1 => CLIDR,
                El1Reg::CCSIDR_EL1 => 0,
                El1Reg::CNTPCT_EL0 => counter(),
                El1Reg::CNTP_CTL_EL0 => self.timers[0].ctl_read(),
                El1Reg::CNTP_CVAL_EL0 => self.timers[0].cval,
                El1Reg::CNTP_TVAL_EL0 => self.timers[0].tval(),
                El1Reg::CNTV_CTL_EL0 => self.timers[1].ctl_read(),
                El1Reg::CNTV_CVAL_EL0 => self.timers[1].cval,
                El1Reg::CNTV_TVAL_EL0 => self.timers[1].tval(),
                // The OS lock: implemented (OSLM = 0b10), locked as OSLAR says.
                El1Reg::OSLSR_EL1 => {
                    0x8 | (s.plain.get(&El1Reg::OSLAR_EL1).copied().unwrap_or(1) & 1) << 1
                }
                El1Reg::OSLAR_EL1 => return Err(()),
                _ => s.plain.get(&reg).copied().unwrap_or(0),
            });
        }
        let row = sysreg::find(enc);
        if let Some(mut v) = row.and_then(|r| id_value(r.name)) {
            if row.is_some_and(|r| r.name == "MPIDR_EL1") {
                // Aff0: the CPU's number.
                v |= self.me as u64;
            }
            let el0_ok = match row.map(|r| r.name) {
                Some("CTR_EL0") => self.sys.regime.sctlr & SCTLR_UCT != 0,
                Some("DCZID_EL0") | Some("CNTFRQ_EL0") => true,
                _ => false,
            };
            return if el1 || el0_ok { Ok(v) } else { Err(()) };
        }
        if let Some(Value::State(StateField::TpidrroEl0, _)) = row.map(|r| r.value) {
            return Ok(self.cpu.tpidrro_el0);
        }
        // The rest of the ID space (AArch32 and unallocated ID registers)
        // reads as zero at EL1.
        if el1 && enc.op0 == 3 && enc.op1 == 0 && enc.crn == 0 && (1..=7).contains(&enc.crm) {
            return Ok(0);
        }
        Err(())
    }

    /// EL1 registers EL0 may also reach: the EL0 timer registers
    /// (CNTKCTL_EL1 is not enforced), and DAIF with SCTLR_EL1.UMA.
    fn el0_may(&self, reg: El1Reg) -> bool {
        match reg {
            El1Reg::DAIF => self.sys.regime.sctlr & SCTLR_UMA != 0,
            r => sysreg_el1::EL1_REGS
                .iter()
                .any(|&(x, e)| x == r && e.op0 == 3 && e.op1 == 3),
        }
    }

    fn msr(&mut self, enc: Enc, v: u64) -> Result<(), ()> {
        let el1 = self.sys.el == 1;
        if let Some(reg) = sysreg_el1::find(enc) {
            if !el1 && !self.el0_may(reg) {
                return Err(());
            }
            match reg {
                El1Reg::SPSR_EL1 => self.sys.spsr = v,
                El1Reg::ELR_EL1 => self.sys.elr = v,
                // SP_EL0 is not accessible while it is the current SP.
                El1Reg::SP_EL0 if self.sys.spsel == 0 => return Err(()),
                El1Reg::SP_EL0 => self.set_sp_el0(v),
                El1Reg::SPSEL => self.set_spsel(v & 1),
                El1Reg::DAIF => self.sys.daif = v & (0xf << 6),
                El1Reg::SCTLR_EL1 => {
                    self.sys.regime.sctlr = v;
                    self.flush_tlb();
                }
                El1Reg::TTBR0_EL1 => {
                    self.sys.regime.ttbr0 = v;
                    self.flush_tlb();
                }
                El1Reg::TTBR1_EL1 => {
                    self.sys.regime.ttbr1 = v;
                    self.flush_tlb();
                }
                El1Reg::TCR_EL1 => {
                    self.sys.regime.tcr = v;
                    self.flush_tlb();
                }
                El1Reg::ESR_EL1 => self.sys.esr = v,
                El1Reg::FAR_EL1 => self.sys.far = v,
                El1Reg::VBAR_EL1 => self.sys.vbar = v & !0x7ff,
                El1Reg::CURRENTEL
                | El1Reg::CCSIDR_EL1
                | El1Reg::CLIDR_EL1
                | El1Reg::CNTPCT_EL0
                | El1Reg::OSLSR_EL1 => return Err(()),
                El1Reg::CNTP_CTL_EL0
                | El1Reg::CNTP_CVAL_EL0
                | El1Reg::CNTP_TVAL_EL0
                | El1Reg::CNTV_CTL_EL0
                | El1Reg::CNTV_CVAL_EL0
                | El1Reg::CNTV_TVAL_EL0 => self.timer_write(reg, v),
                _ => {
                    self.sys.plain.insert(reg, v);
                }
            }
            return Ok(());
        }
        match sysreg::find(enc).map(|r| (r.name, r.value)) {
            // The highest implemented EL may write CNTFRQ; emu's counter
            // runs at its fixed rate whatever it says.
            Some(("CNTFRQ_EL0", _)) if el1 => Ok(()),
            Some((_, Value::State(StateField::TpidrroEl0, _))) if el1 => {
                self.cpu.tpidrro_el0 = v;
                Ok(())
            }
            _ => Err(()),
        }
    }

    fn timer_write(&mut self, reg: El1Reg, v: u64) {
        if trace::on(trace::Class::Timer) {
            trace::line(format_args!("{reg:?} <- {v:#x} (count {:#x})", counter()));
        }
        let t = match reg {
            El1Reg::CNTP_CTL_EL0 | El1Reg::CNTP_CVAL_EL0 | El1Reg::CNTP_TVAL_EL0 => {
                &mut self.timers[0]
            }
            _ => &mut self.timers[1],
        };
        match reg {
            El1Reg::CNTP_CTL_EL0 | El1Reg::CNTV_CTL_EL0 => t.ctl = v & 3,
            El1Reg::CNTP_CVAL_EL0 | El1Reg::CNTV_CVAL_EL0 => t.cval = v,
            _ => t.set_tval(v),
        }
        // The output may have fallen (masked, disabled, a later CVAL): the
        // GIC sees the new level at once, not at the next interrupt check.
        drop(self.sync_irqs());
        self.timers_changed();
    }

    fn set_spsel(&mut self, spsel: u64) {
        self.save_sp();
        self.sys.spsel = spsel as u8;
        self.load_sp();
    }

    /// MSR (immediate): SPSel, DAIFSet, DAIFClr; other PSTATE fields belong
    /// to features emu does not announce.
    fn msr_imm(&mut self, op1: u32, op2: u32, crm: u32) -> Result<(), ()> {
        let el1 = self.sys.el == 1;
        let uma = self.sys.regime.sctlr & SCTLR_UMA != 0;
        match (op1, op2) {
            (0, 5) if el1 => self.set_spsel(u64::from(crm & 1)),
            (3, 6) if el1 || uma => self.sys.daif |= u64::from(crm) << 6,
            (3, 7) if el1 || uma => self.sys.daif &= !(u64::from(crm) << 6),
            _ => return Err(()),
        }
        Ok(())
    }

    /// SYS: TLB maintenance, cache maintenance, address translation.
    fn sys_insn(
        &mut self,
        (op1, crn, crm, op2): (u32, u32, u32, u32),
        xt: u64,
        pc: u64,
    ) -> Outcome {
        let el1 = self.sys.el == 1;
        let sctlr = self.sys.regime.sctlr;
        let ok = match (op1, crn, crm, op2) {
            // TLBI: every form drops the whole soft-TLB; the Inner
            // Shareable forms (CRm 3) those of the other CPUs too, before
            // the dispatcher goes on (see `smp`).
            (0, 8, _, _) if el1 => {
                self.flush_tlb();
                if crm == 3 {
                    self.broadcast |= super::smp::FLUSH_TLB;
                }
                true
            }
            // IC IALLUIS, IC IALLU.
            (0, 7, 1 | 5, 0) if el1 => {
                self.flush_code = true;
                true
            }
            // IC IVAU: the translations of the line's physical page go.
            (3, 7, 5, 1) if el1 || sctlr & SCTLR_UCI != 0 => {
                if let Ok(t) = self.translate(xt, Access::Read) {
                    let page = t.pa & !0xfff;
                    if self.code_inval.last() != Some(&page) {
                        self.code_inval.push(page);
                    }
                }
                true
            }
            // DC ZVA.
            (3, 7, 4, 1) if el1 || sctlr & SCTLR_DZE != 0 => return self.dc_zva(xt, pc),
            // DC CVAC, CVAU, CVAP, CVADP, CIVAC: no caches to maintain.
            (3, 7, 10..=14, 1) if el1 || sctlr & SCTLR_UCI != 0 => true,
            // DC IVAC and the set/way operations.
            (0, 7, 6, 1) | (0, 7, 6 | 10 | 14, 2) if el1 => true,
            // AT S1E1R, S1E1W, S1E0R, S1E0W.
            (0, 7, 8, 0..=3) if el1 => {
                self.at(xt, op2);
                true
            }
            _ => false,
        };
        if ok {
            Outcome::Next
        } else {
            Outcome::Raise(self.undefined(pc))
        }
    }

    /// DC ZVA: zeroes the 64-byte block holding `xt` (a write for the MMU).
    fn dc_zva(&mut self, xt: u64, pc: u64) -> Outcome {
        let va = xt & !(sysreg::DC_ZVA_BYTES - 1);
        // A page the soft-TLB maps for writing at this EL is RAM the
        // block's stores reach directly: no table walk.
        let e = *self.tlbs[usize::from(self.sys.el)].entry(va);
        if e.write == va & !0xfff {
            let host = va.wrapping_add(e.addend);
            // SAFETY: the entry maps the whole 4 KiB page to guest RAM at
            // `host`'s page, and the 64-byte block lies inside the page.
            unsafe { std::ptr::write_bytes(host as *mut u8, 0, sysreg::DC_ZVA_BYTES as usize) };
            return Outcome::Next;
        }
        match self.translate(va, Access::Write) {
            Err(f) => Outcome::Raise(self.data_abort(pc, xt, f.status(), true)),
            Ok(t) => match self.board.ram.host(t.pa, sysreg::DC_ZVA_BYTES) {
                Some(host) => {
                    // SAFETY: `host` is the 64-byte block inside guest RAM.
                    unsafe {
                        std::ptr::write_bytes(host as *mut u8, 0, sysreg::DC_ZVA_BYTES as usize)
                    };
                    Outcome::Next
                }
                None => Outcome::Raise(self.data_abort(pc, xt, DFSC_EXTERNAL, true)),
            },
        }
    }

    /// AT S1E{0,1}{R,W}: the stage-1 result in PAR_EL1 (PA, or F = 1 with
    /// the fault status in FST; bit 11 is RES1 in both formats). Memory
    /// attributes and shareability are not modelled and read as zero.
    fn at(&mut self, va: u64, op2: u32) {
        let access = if op2 & 1 == 0 {
            Access::Read
        } else {
            Access::Write
        };
        let el = if op2 >= 2 { 0 } else { 1 };
        let r = self.sys.regime.translate(&self.board.ram, va, access, el);
        let par = match r {
            Ok(t) => t.pa & 0x0000_ffff_ffff_f000 | 1 << 11,
            Err(f) => 1 | f.status() << 1 | 1 << 11,
        };
        self.sys.plain.insert(El1Reg::PAR_EL1, par);
    }
}

/// [`crate::frontend::Ctx::sys_inline`] of system mode: MRS and DC ZVA
/// performed from translated code, and the start (Xt argument 1) and end
/// (0) of an LDTR/STTR-family access ([`Vcpu::set_unprivileged`]); an
/// exception is recorded for the block's fault exit.
///
/// # Safety
/// Called by translated code with the `cpu` field of the running `Vcpu`.
pub unsafe extern "C" fn sys_inline(cpu: *mut CpuState, word: u64, xt: u64, _: u64, _: u64) -> u64 {
    // SAFETY: the dispatcher runs translated code on a Vcpu's state and
    // holds no reference to the Vcpu meanwhile.
    let v = unsafe { Vcpu::from_cpu(cpu) };
    let word = word as u32;
    if crate::frontend::is_unprivileged_ldst(word) {
        v.set_unprivileged(xt != 0);
        return 0;
    }
    // ELR is the instruction's pc, which the fault exit sets.
    let r = if word & 0xfff0_0000 == 0xd530_0000 {
        // MRS: the register's encoding is bits 19..5.
        v.mrs(Enc::from_key((word >> 5) & 0x7fff))
            .map_err(|()| v.undefined(0))
    } else if v.sys.el == 1 || v.sys.regime.sctlr & SCTLR_DZE != 0 {
        match v.dc_zva(xt, 0) {
            Outcome::Raise(e) => Err(e),
            _ => Ok(0),
        }
    } else {
        Err(v.undefined(0))
    };
    r.unwrap_or_else(|e| {
        if trace::on(trace::Class::Unimp) && e.esr >> 26 == 0 {
            trace::line(format_args!("undefined {word:#010x}"));
        }
        v.pending = Some(e);
        v.cpu.fault = 1;
        0
    })
}

/// The system counter: host monotonic time in ticks of CNTFRQ.
pub fn counter() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64) / sysreg::NS_PER_TICK
}
