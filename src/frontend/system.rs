//! Exception generation (SVC, BRK, HLT), hints, barriers, CLREX, PSTATE
//! moves, SYS (DC/IC) and system-register moves (MRS/MSR), at EL0 under
//! Linux. Which registers and SYS operations exist, and what they hold, comes
//! from [`crate::arm64::sysreg`]; anything not there is undefined (SIGILL),
//! as Linux's MRS emulation makes it on real hardware.
//!
//! IC IVAU leaves translated code with [`ExitReason::Invalidate`] and the
//! Xt address in `CpuState::exit_arg`, stored before the exit; the terminal's
//! own argument is 0 and the backend leaves `exit_arg` as stored for this
//! reason. The dispatcher drops the translations of the
//! [`sysreg::CACHE_LINE_BYTES`]-byte line holding that address and resumes
//! at `pc`, the next instruction.

use super::{Ctx, TResult, Undefined};
use crate::arm64::encodings::system::Op;
use crate::arm64::features::Feat;
use crate::arm64::sysreg::{self, Enc, StateField, SysOp, Value};
use crate::arm64::Fields;
use crate::cpu::{fpenv, CpuState, ExitReason};
use crate::ir::{Fence, Val, Width};
use std::mem::offset_of;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    if cx.system && !system_mode_inline(op, f) {
        let dc_zva = op == Op::SYS && (f.u('o'), f.u('n'), f.u('m'), f.u('p')) == (3, 7, 4, 1);
        return match cx.sys_inline {
            Some(helper) if op == Op::MRS || dc_zva => {
                let word = cx.k(u64::from(f.word));
                let xt = cx.x(f.u('d'));
                let v = cx.b.call(helper, &[word, xt]);
                cx.b.check_fault(cx.pc);
                if op == Op::MRS {
                    cx.set_x(f.u('d'), v);
                }
                Ok(())
            }
            _ => Err(Undefined),
        };
    }
    match op {
        Op::SVC => cx.b.exit(ExitReason::Svc, cx.next_pc(), f.u('i') as u64),
        Op::BRK => cx.b.exit(ExitReason::Brk, cx.pc, f.u('i') as u64),
        Op::HLT => cx.b.exit(ExitReason::Hlt, cx.pc, f.u('i') as u64),
        // NOP, YIELD, WFE, WFI, SEV, SEVL, DGH, ESB, CSDB, BTI, CLRBHB and
        // the pointer-authentication hints (PACIASP, AUTIASP, XPACLRI, ...):
        // emu does not announce PAC or BTI, so all of these are
        // architecturally NOPs, as is every unallocated hint.
        Op::HINT => {}
        Op::CLREX => {
            let none = cx.k(u64::MAX);
            cx.b.store_state(offset_of!(CpuState, excl_addr), none);
        }
        Op::DMB => cx.b.fence(barrier_kind(f.u('m'))),
        Op::DSB => {
            // CRm = 0000 is SSBB and 0100 PSSBB: speculation barriers with
            // no architectural ordering effect.
            let crm = f.u('m');
            if crm & 0b1011 != 0 {
                cx.b.fence(barrier_kind(crm));
            }
        }
        // Context synchronization and speculation barriers: emu executes
        // in order and sees code changes through IC IVAU.
        Op::ISB | Op::SB => {}
        // PSTATE fields writable at EL0: SSBS (op1 011, op2 001) and DIT
        // (op1 011, op2 010), whose feature rows make them undefined on a
        // CPU without them, take CRm<0>. TCO belongs to FEAT_MTE, which emu
        // does not implement; the others are privileged. (CFINV, XAFLAG and
        // AXFLAG share the encoding space but have rows of their own.)
        Op::MSR_imm => {
            let bit = match (f.u('o'), f.u('p')) {
                (3, 1) => sysreg::PSTATE_SSBS,
                (3, 2) => sysreg::PSTATE_DIT,
                _ => return Err(Undefined),
            };
            let v = cx.k(if f.u('m') & 1 != 0 { bit } else { 0 });
            write_pstate_bit(cx, bit, v);
        }
        Op::SYS => sys(cx, f)?,
        Op::MRS => {
            let v = sysreg::el0_read(Enc::from_key(f.u('s'))).ok_or(Undefined)?;
            let val = read(cx, v);
            cx.set_x(f.u('d'), val);
        }
        Op::MSR_reg => match sysreg::el0_write(Enc::from_key(f.u('s'))).ok_or(Undefined)? {
            Value::State(field, mask) => {
                // FPCR.FZ16 exists only with FEAT_FP16 (`-cpu ...,-fp16`).
                let mask = if field == StateField::Fpcr && !cx.cpu.has(Feat::Fp16) {
                    mask & !sysreg::FPCR_FZ16
                } else {
                    mask
                };
                let v = cx.x(f.u('d'));
                let v = masked(cx, v, mask);
                if field == StateField::Fpsr {
                    cx.b.call(write_fpsr, &[v]);
                } else if field == StateField::Pstate {
                    write_pstate_bit(cx, mask, v);
                } else {
                    cx.b.store_state(state_offset(field), v);
                }
            }
            Value::Const(_) | Value::VirtualCounter | Value::Midr | Value::Id(_) => {
                return Err(Undefined)
            }
        },
    }
    Ok(())
}

/// In system mode, whether `op` is translated as at EL0 under Linux: every
/// instruction but the system-register moves and SYS, and of the moves only
/// those of registers every exception level reaches alike (NZCV, FPCR, FPSR,
/// TPIDR_EL0, reads of TPIDRRO_EL0 and of the virtual counter). The others,
/// and YIELD, WFE, WFI, SEV, SEVL, leave as undefined instructions for the
/// system layer.
fn system_mode_inline(op: Op, f: &Fields) -> bool {
    // PSTATE.DIT and SSBS live in the system layer's PSTATE there.
    let state = |v: Option<Value>| match v {
        Some(Value::State(field, _)) => {
            !matches!(field, StateField::TpidrroEl0 | StateField::Pstate)
        }
        _ => false,
    };
    match op {
        Op::MRS => match sysreg::el0_read(Enc::from_key(f.u('s'))) {
            Some(Value::State(StateField::Pstate, _)) => false,
            v => matches!(v, Some(Value::State(..) | Value::VirtualCounter)),
        },
        Op::MSR_reg => state(sysreg::el0_write(Enc::from_key(f.u('s')))),
        Op::MSR_imm | Op::SYS => false,
        // YIELD, WFE, WFI, SEV and SEVL (CRm 0, op2 1..=5) concern the
        // other CPUs and interrupts, which only the system layer knows of.
        Op::HINT => !(f.u('m') == 0 && (1..=5).contains(&f.u('o'))),
        _ => true,
    }
}

/// DMB/DSB ordering from the CRm types field (CRm<1:0>): loads-only (01)
/// and stores-only (10) barriers order nothing x86-64 reorders; "all" (11)
/// and the reserved 00 (which behaves as SY) order stores against later
/// loads. The shareability domain (CRm<3:2>) does not matter to one host.
fn barrier_kind(crm: u32) -> Fence {
    match crm & 3 {
        1 | 2 => Fence::Weak,
        _ => Fence::Full,
    }
}

/// DC and IC by address; every other SYS is undefined at EL0.
fn sys(cx: &mut Ctx, f: &Fields) -> TResult {
    let insn = sysreg::find_sys(f.u('o'), f.u('n'), f.u('m'), f.u('p')).ok_or(Undefined)?;
    match insn.op {
        SysOp::ZeroBlock => {
            let xt = cx.x(f.u('d'));
            let align = cx.k(!(sysreg::DC_ZVA_BYTES - 1));
            let base = cx.b.and(Width::W64, xt, align);
            let base = cx.b.guest_addr(base);
            let zero = cx.k(0);
            // One store of the whole block for instrumentation.
            let parts = (sysreg::DC_ZVA_BYTES / 8) as u8;
            cx.b.access_in_parts(base, sysreg::DC_ZVA_BYTES as u32, false, parts);
            for off in (0..sysreg::DC_ZVA_BYTES).step_by(8) {
                let a = cx.b.add_imm(base, off);
                cx.b.store(Width::W64, a, zero);
            }
        }
        SysOp::DataCacheMaintenance => {}
        SysOp::InvalidateInsnCache => {
            let xt = cx.x(f.u('d'));
            cx.b.store_state(offset_of!(CpuState, exit_arg), xt);
            cx.b.exit(ExitReason::Invalidate, cx.next_pc(), 0);
        }
    }
    Ok(())
}

/// The IR value of an EL0 register read.
fn read(cx: &mut Ctx, v: Value) -> Val {
    match v {
        Value::Const(c) => cx.k(c),
        // FPSR: first collect exception flags still pending in the host.
        Value::State(StateField::Fpsr, mask) => {
            let raw = cx.b.call(read_fpsr, &[]);
            masked(cx, raw, mask)
        }
        Value::State(field, mask) => {
            let raw = cx.b.load_state(state_offset(field));
            masked(cx, raw, mask)
        }
        Value::VirtualCounter => cx.b.call(read_virtual_counter, &[]),
        Value::Midr => cx.k(cx.cpu.midr()),
        Value::Id(reg) => cx.k(cx.cpu.id_reg(reg)),
    }
}

/// Sets the PSTATE bit `bit` of `CpuState::pstate` to `v` (which is 0 or
/// `bit`), keeping the other bits.
fn write_pstate_bit(cx: &mut Ctx, bit: u64, v: Val) {
    let off = offset_of!(CpuState, pstate);
    let old = cx.b.load_state(off);
    let keep = cx.k(!bit);
    let rest = cx.b.and(Width::W64, old, keep);
    let new = cx.b.or(Width::W64, rest, v);
    cx.b.store_state(off, new);
}

/// `v & mask`, skipping the AND for a full mask.
fn masked(cx: &mut Ctx, v: Val, mask: u64) -> Val {
    if mask == u64::MAX {
        v
    } else {
        let k = cx.k(mask);
        cx.b.and(Width::W64, v, k)
    }
}

/// The `CpuState` offset of a register's backing field.
fn state_offset(field: StateField) -> usize {
    match field {
        StateField::Nzcv => offset_of!(CpuState, nzcv),
        StateField::Fpcr => offset_of!(CpuState, fpcr),
        StateField::Fpsr => offset_of!(CpuState, fpsr),
        StateField::TpidrEl0 => offset_of!(CpuState, tpidr_el0),
        StateField::TpidrroEl0 => offset_of!(CpuState, tpidrro_el0),
        StateField::Pstate => offset_of!(CpuState, pstate),
    }
}

/// Runtime helper for MRS FPSR: FPSR with the pending host flags merged.
unsafe extern "C" fn read_fpsr(cpu: *mut CpuState, _: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own, valid state.
    let cpu = unsafe { &mut *cpu };
    cpu.fpsr |= fpenv::take_pending();
    cpu.fpsr
}

/// Runtime helper for MSR FPSR: drops pending host flags, then writes.
unsafe extern "C" fn write_fpsr(cpu: *mut CpuState, v: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own, valid state.
    let cpu = unsafe { &mut *cpu };
    fpenv::clear_pending();
    cpu.fpsr = v;
    0
}

/// Runtime helper for CNTVCT_EL0: the host monotonic clock in ticks of
/// [`sysreg::CNTFRQ`]. Monotonic and shared by all guest threads.
extern "C" fn read_virtual_counter(_cpu: *mut CpuState, _: u64, _: u64, _: u64, _: u64) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    let ns = (ts.tv_sec as u64).wrapping_mul(1_000_000_000) + ts.tv_nsec as u64;
    ns / sysreg::NS_PER_TICK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_is_monotonic_and_ticks_at_cntfrq() {
        let a = read_virtual_counter(std::ptr::null_mut(), 0, 0, 0, 0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = read_virtual_counter(std::ptr::null_mut(), 0, 0, 0, 0);
        // 20 ms at 62.5 MHz is 1.25 million ticks; allow a slow machine.
        let ticks = b - a;
        assert!(ticks >= sysreg::CNTFRQ / 50, "{ticks}");
        assert!(ticks < sysreg::CNTFRQ * 5, "{ticks}");
    }

    #[test]
    fn barrier_types() {
        // DMB ISHLD (CRm=1001), DMB ISHST (1010), DMB ISH (1011), DMB SY (1111).
        assert_eq!(barrier_kind(0b1001), Fence::Weak);
        assert_eq!(barrier_kind(0b1010), Fence::Weak);
        assert_eq!(barrier_kind(0b1011), Fence::Full);
        assert_eq!(barrier_kind(0b1111), Fence::Full);
    }
}
