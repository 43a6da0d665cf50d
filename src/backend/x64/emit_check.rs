//! Conditional exits inside a block: the alignment check of an access that
//! must be aligned ([`Op::CheckAlign`]), the check for a guest memory
//! fault a helper recorded ([`Op::CheckFault`]) and the interrupt poll
//! ([`Op::Poll`]). The hot path is one test and a not-taken branch; the
//! exits themselves are out of line, after the block's terminal, so
//! straight-line code stays compact.
//!
//! [`Op::CheckAlign`]: crate::ir::Op::CheckAlign
//! [`Op::CheckFault`]: crate::ir::Op::CheckFault
//! [`Op::Poll`]: crate::ir::Op::Poll

use super::emit::{Emitter, OFF_ARG, OFF_FAULT, OFF_INTERRUPT};
use super::emit_alu::CC_NE;
use super::emit_nzcv::OFF_NZCV_HOST;
use crate::cpu::state::{ALIGN_DATA, ALIGN_WRITE};
use crate::cpu::ExitReason;
use crate::ir::{PollNzcv, Val};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// An out-of-line exit, emitted after the terminal.
#[derive(Copy, Clone, Debug)]
pub(super) enum ColdExit {
    /// Misaligned access: host register `addr` holds the address.
    Align {
        label: DynamicLabel,
        addr: u8,
        write: bool,
        pc: u64,
    },
    /// A helper recorded a fault (`fault` and `exit_arg` are set).
    Fault { label: DynamicLabel, pc: u64 },
    /// The interrupt word is set: store NZCV as `nzcv` says, then leave.
    Poll {
        label: DynamicLabel,
        pc: u64,
        nzcv: PollNzcv,
    },
    /// A side exit ([`crate::ir::Op::ExitIf`]) taken: the lookup stub of
    /// its `jcc`, whose rel32 ends at `site` (linking points it at the
    /// target block).
    Side {
        label: DynamicLabel,
        site: DynamicLabel,
        pc: u64,
    },
}

impl Emitter {
    /// `test addr, bytes - 1 ; jnz cold`.
    pub(super) fn check_align(&mut self, addr: Val, bytes: u8, write: bool, pc: u64) {
        let a = self.reg_of(addr).unwrap_or_else(|| {
            self.load(0, addr);
            0
        });
        let label = self.a.new_dynamic_label();
        let mask = i32::from(bytes) - 1;
        dynasm!(self.a ; .arch x64 ; test Rd(a), mask ; jnz =>label);
        self.cold.push(ColdExit::Align {
            label,
            addr: a,
            write,
            pc,
        });
    }

    /// `cmp qword [r15 + fault], 0 ; jne cold`.
    pub(super) fn check_fault(&mut self, pc: u64) {
        let label = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64 ; cmp QWORD [r15 + OFF_FAULT], 0 ; jne =>label);
        self.cold.push(ColdExit::Fault { label, pc });
    }

    /// The interrupt poll: `mov rax, [r15 + interrupt] ; cmp dword [rax], 0 ;
    /// jne cold`.
    pub(super) fn poll(&mut self, pc: u64, nzcv: PollNzcv) {
        let label = self.a.new_dynamic_label();
        dynasm!(self.a
            ; .arch x64
            ; mov rax, QWORD [r15 + OFF_INTERRUPT]
            ; cmp DWORD [rax], 0
            ; jne =>label
        );
        self.cold.push(ColdExit::Poll { label, pc, nzcv });
    }

    /// A side exit: a linkable `jcc` to guest `pc` on the condition `c`
    /// (the state in memory is exact here): on the host flags of the
    /// compare that computes `c` when they are fused (see
    /// `emit::fused_exits`), else `test c ; jnz`. Until it is linked, the
    /// `jcc` goes to a lookup stub out of line.
    pub(super) fn exit_if(&mut self, c: Val, pc: u64) {
        let cc = match self.fused_exits.iter().find(|f| f.c == c).copied() {
            Some(f) => {
                // The compare, made again if the host flags lost it.
                let (op, w, a, b) = f.cmp;
                if self.host_flags != Some(f.cmp) {
                    self.set_host_flags(op, w, a, b, None);
                }
                Some(f.cc)
            }
            None => {
                self.host_flags = None;
                match self.imm_of(c) {
                    Some(0) => return,
                    Some(_) => None,
                    None => {
                        let r = match self.reg_of(c) {
                            Some(r) => r,
                            None => {
                                self.load(0, c);
                                0
                            }
                        };
                        dynasm!(self.a ; .arch x64 ; test Rq(r), Rq(r));
                        Some(CC_NE)
                    }
                }
            }
        };
        let (label, site) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        match cc {
            Some(cc) => {
                self.align_patch_site(2);
                self.jcc(cc, label);
            }
            None => {
                self.align_patch_site(1);
                dynasm!(self.a ; .arch x64 ; jmp =>label);
            }
        }
        dynasm!(self.a ; .arch x64 ; =>site);
        self.cold.push(ColdExit::Side { label, site, pc });
    }

    /// Emits every pending out-of-line exit.
    pub(super) fn cold_exits(&mut self) {
        // The buffer goes back to the emitter, to be reused (see `emit::Buffers`).
        let mut cold = std::mem::take(&mut self.cold);
        for c in cold.drain(..) {
            let (label, pc, reason) = match c {
                ColdExit::Align {
                    label,
                    addr,
                    write,
                    pc,
                } => {
                    let what = (ALIGN_DATA | if write { ALIGN_WRITE } else { 0 }) as i32;
                    dynasm!(self.a
                        ; .arch x64
                        ; =>label
                        ; mov QWORD [r15 + OFF_ARG], Rq(addr)
                        ; mov QWORD [r15 + OFF_FAULT], what
                    );
                    (None, pc, ExitReason::Alignment)
                }
                ColdExit::Fault { label, pc } => (Some(label), pc, ExitReason::Fault),
                ColdExit::Poll { label, pc, nzcv } => {
                    dynasm!(self.a ; .arch x64 ; =>label);
                    self.store_nzcv(nzcv);
                    (None, pc, ExitReason::Interrupt)
                }
                ColdExit::Side { label, site, pc } => {
                    dynasm!(self.a ; .arch x64 ; =>label);
                    self.lookup_exit(pc, site);
                    continue;
                }
            };
            if let Some(label) = label {
                dynasm!(self.a ; .arch x64 ; =>label);
            }
            self.exit_with(reason, pc);
        }
        debug_assert!(self.cold.is_empty(), "queued while emitting the queue");
        self.cold = cold;
    }

    /// Stores the NZCV a poll's exit owes the CPU state (the values it
    /// reads are live at the poll, and nothing ran since).
    fn store_nzcv(&mut self, nzcv: PollNzcv) {
        match nzcv {
            PollNzcv::InState => {}
            PollNzcv::Flags { op, w, a, b, c } => {
                self.set_host_flags(op, w, a, b, c);
                self.host_flags_to_rax(op);
                dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + OFF_NZCV_HOST], rax);
            }
            PollNzcv::Value(v) => self.store_nzcv_val(v),
        }
    }
}
