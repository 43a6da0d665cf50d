//! The memory instructions whose user-mode translation calls a runtime
//! helper on the guest address (STXR, STXP, 64-bit CASP): in system mode
//! they leave translated code and run here, on the address translated
//! through the MMU, with the same helpers on the host address.

use super::exception::{DFSC_ALIGNMENT, DFSC_EXTERNAL};
use super::mmu::Access;
use super::sysinsn::Outcome;
use super::vcpu::Vcpu;
use crate::arm64::encodings::{ldst::Op, Insn};
use crate::arm64::Fields;
use crate::cpu::state::SP;
use crate::runtime::exclusive::{compare_and_swap_pair, store_exclusive, store_exclusive_pair};

impl Vcpu {
    fn xr(&self, r: u32) -> u64 {
        if r == 31 {
            0
        } else {
            self.cpu.x[r as usize]
        }
    }

    /// Executes `f` if it is one of this module's instructions.
    pub fn exec_exclusive(&mut self, f: &Fields, pc: u64) -> Option<Outcome> {
        let op = match f.entry.insn {
            Insn::Ldst(op @ (Op::STXR | Op::STXP)) => op,
            Insn::Ldst(Op::CASP) if f.b('z') => Op::CASP,
            _ => return None,
        };
        let (n, t) = (f.u('n'), f.u('t'));
        let va = self.cpu.x[if n == 31 { SP } else { n as usize }];
        let bytes: u64 = match op {
            Op::STXR => 1 << f.u('z'),
            Op::STXP if f.b('z') => 16,
            Op::STXP => 8,
            _ => 16,
        };
        if !va.is_multiple_of(bytes) {
            return Some(Outcome::Raise(self.data_abort(
                pc,
                va,
                DFSC_ALIGNMENT,
                true,
            )));
        }
        let t_ = match self.translate(va, Access::Write) {
            Ok(t_) => t_,
            Err(e) => return Some(Outcome::Raise(self.data_abort(pc, va, e.status(), true))),
        };
        let Some(host) = self.board.ram.host(t_.pa, bytes) else {
            return Some(Outcome::Raise(self.data_abort(pc, va, DFSC_EXTERNAL, true)));
        };
        // The monitor holds the virtual address LDXR used.
        if self.cpu.excl_addr == va {
            self.cpu.excl_addr = host;
        }
        let cpu: *mut _ = &mut self.cpu;
        // SAFETY: `cpu` is this CPU's state; `host` is `bytes` bytes of
        // guest RAM, aligned to `bytes` (checked above).
        let status = unsafe {
            match op {
                Op::STXR => {
                    let v = self.xr(t) & (u64::MAX >> (64 - 8 * bytes));
                    store_exclusive(cpu, host, v, bytes, 0)
                }
                Op::STXP if bytes == 16 => {
                    store_exclusive_pair(cpu, host, self.xr(t), self.xr(f.u('u')), 0)
                }
                Op::STXP => {
                    let v = (self.xr(t) & 0xffff_ffff) | self.xr(f.u('u')) << 32;
                    store_exclusive(cpu, host, v, 8, 0)
                }
                _ => compare_and_swap_pair(cpu, host, u64::from(f.u('s')), u64::from(t), 0),
            }
        };
        if op != Op::CASP && f.u('s') != 31 {
            self.cpu.x[f.u('s') as usize] = status;
        }
        Some(Outcome::Next)
    }
}
