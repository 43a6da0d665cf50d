//! IR → x86-64. Register conventions inside translated code:
//!
//! * `r15` — pointer to the guest [`CpuState`];
//! * `rbx, rbp, r12, r13, r14` — IR values ([`super::regalloc::POOL`]);
//! * `rax, rcx, rdx, rsi, rdi, r8–r11` — scratch, clobbered by helper calls;
//! * `rsp` — the dispatcher's frame: spill slots at `[rsp + 8 * n]`, 16-byte
//!   aligned so helpers can be called directly.

use super::regalloc::{allocate, Loc};
use crate::cpu::state::{v_offset, x_offset, CpuState};
use crate::cpu::ExitReason;
use crate::ir::{Block, Op, Terminal, Val};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi, VecAssembler};
use std::mem::offset_of;

pub(super) type Asm = VecAssembler<X64Relocation>;

/// Addresses the generated code refers to.
#[derive(Copy, Clone, Debug)]
pub struct Env {
    /// The dispatcher's exit trampoline.
    pub exit: u64,
    /// The indirect-branch lookup table: `mask + 1` entries of
    /// `[guest_pc, host_addr]` indexed by `(pc >> 2) & mask`.
    pub jump_cache: u64,
    pub jump_cache_mask: u64,
}

/// Host code for one block, assembled for a fixed base address.
pub struct Compiled {
    pub code: Vec<u8>,
    /// (offset of the first host byte, guest pc) for each guest instruction.
    pub pc_map: Vec<(u32, u64)>,
}

pub(super) const OFF_PC: i32 = offset_of!(CpuState, pc) as i32;
pub(super) const OFF_REASON: i32 = offset_of!(CpuState, exit_reason) as i32;
pub(super) const OFF_ARG: i32 = offset_of!(CpuState, exit_arg) as i32;
pub(super) const OFF_LINK: i32 = offset_of!(CpuState, link_site) as i32;

pub(super) struct Emitter {
    pub a: Asm,
    pub locs: Vec<Loc>,
    pub env: Env,
}

/// Compiles `block` for execution at host address `base`.
pub fn compile(block: &Block, base: u64, env: &Env) -> Compiled {
    let locs = allocate(block);
    let mut e = Emitter {
        a: VecAssembler::new(base as usize),
        locs,
        env: *env,
    };
    let mut pc_map = Vec::new();
    for op in &block.ops {
        if let Op::InsnStart { pc } = *op {
            pc_map.push((e.a.offset().0 as u32, pc));
            continue;
        }
        if op.is_pure() && op.dst().is_some_and(|d| e.locs[d.0 as usize] == Loc::Dead) {
            continue;
        }
        e.op(op);
    }
    e.terminal(&block.term);
    let code = e.a.finalize().expect("dynamic labels resolve");
    Compiled { code, pc_map }
}

impl Emitter {
    /// Loads value `v` into host register `r`.
    pub fn load(&mut self, r: u8, v: Val) {
        match self.locs[v.0 as usize] {
            Loc::Dead => unreachable!("use of dead value {v:?}"),
            Loc::Imm(imm) => {
                if imm == 0 {
                    dynasm!(self.a ; .arch x64 ; xor Rd(r), Rd(r));
                } else if imm <= u32::MAX as u64 {
                    dynasm!(self.a ; .arch x64 ; mov Rd(r), imm as i32);
                } else if (imm as i64) >= i32::MIN as i64 && (imm as i64) < 0 {
                    dynasm!(self.a ; .arch x64 ; mov Rq(r), imm as i32);
                } else {
                    dynasm!(self.a ; .arch x64 ; mov Rq(r), QWORD imm as i64);
                }
            }
            Loc::Reg(s) => {
                if s != r {
                    dynasm!(self.a ; .arch x64 ; mov Rq(r), Rq(s));
                }
            }
            Loc::Stack(s) => dynasm!(self.a ; .arch x64 ; mov Rq(r), QWORD [rsp + 8 * s as i32]),
        }
    }

    /// Stores host register `r` into the location of `v`.
    pub fn store(&mut self, v: Val, r: u8) {
        match self.locs[v.0 as usize] {
            Loc::Dead | Loc::Imm(_) => {}
            Loc::Reg(d) => {
                if d != r {
                    dynasm!(self.a ; .arch x64 ; mov Rq(d), Rq(r));
                }
            }
            Loc::Stack(s) => dynasm!(self.a ; .arch x64 ; mov QWORD [rsp + 8 * s as i32], Rq(r)),
        }
    }

    fn op(&mut self, op: &Op) {
        match *op {
            Op::Nop | Op::InsnStart { .. } => {}
            Op::Const { .. } => {}
            Op::GetReg { dst, reg } => {
                let off = x_offset(reg as usize) as i32;
                dynasm!(self.a ; .arch x64 ; mov rax, QWORD [r15 + off]);
                self.store(dst, 0);
            }
            Op::SetReg { reg, src } => {
                let off = x_offset(reg as usize) as i32;
                self.load(0, src);
                dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + off], rax);
            }
            Op::LoadState { dst, offset } => {
                dynasm!(self.a ; .arch x64 ; mov rax, QWORD [r15 + offset as i32]);
                self.store(dst, 0);
            }
            Op::StoreState { offset, src } => {
                self.load(0, src);
                dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + offset as i32], rax);
            }
            Op::Bin { op, w, dst, a, b } => self.bin(op, w, dst, a, b),
            Op::Un { op, w, dst, a } => self.un(op, w, dst, a),
            Op::Carry {
                op,
                w,
                dst,
                a,
                b,
                c,
            } => self.carry(op, w, dst, a, b, c),
            Op::Flags {
                op,
                w,
                dst,
                a,
                b,
                c,
            } => self.flags(op, w, dst, a, b, c),
            Op::Cond { dst, cond, nzcv } => self.cond(dst, cond, nzcv),
            Op::Select { dst, c, a, b } => {
                self.load(0, a);
                self.load(1, b);
                self.load(2, c);
                dynasm!(self.a ; .arch x64 ; test rdx, rdx ; cmovz rax, rcx);
                self.store(dst, 0);
            }
            Op::Load {
                w,
                signed,
                dst,
                addr,
            } => self.load_mem(w, signed, dst, addr),
            Op::Store { w, addr, src } => self.store_mem(w, addr, src),
            Op::LoadVec { bytes, vreg, addr } => self.load_vec(bytes, vreg, addr),
            Op::StoreVec { bytes, vreg, addr } => self.store_vec(bytes, vreg, addr),
            Op::Rmw {
                op,
                w,
                dst,
                addr,
                src,
            } => self.rmw(op, w, dst, addr, src),
            Op::Cas {
                w,
                dst,
                addr,
                expected,
                new,
            } => self.cas(w, dst, addr, expected, new),
            Op::Fence { kind } => {
                if kind == crate::ir::Fence::Full {
                    dynasm!(self.a ; .arch x64 ; mfence);
                }
            }
            Op::Call { f, dst, args } => {
                // rdi = state, rsi/rdx/rcx/r8 = args. Sources live in
                // callee-saved registers, spill slots or immediates, so the
                // loads cannot clobber each other.
                self.load(6, args[0]);
                self.load(2, args[1]);
                self.load(1, args[2]);
                self.load(8, args[3]);
                dynasm!(self.a
                    ; .arch x64
                    ; mov rdi, r15
                    ; mov rax, QWORD f as usize as i64
                    ; call rax
                );
                self.store(dst, 0);
            }
        }
    }

    /// Byte offset of V register `n`.
    pub fn voff(n: u8) -> i32 {
        v_offset(n as usize) as i32
    }

    fn terminal(&mut self, t: &Terminal) {
        match *t {
            Terminal::Jump { pc } => self.linkable_exit(pc),
            Terminal::Branch {
                c,
                taken,
                not_taken,
            } => {
                let skip = self.a.new_dynamic_label();
                self.load(0, c);
                dynasm!(self.a ; .arch x64 ; test rax, rax ; jz =>skip);
                self.linkable_exit(taken);
                dynasm!(self.a ; .arch x64 ; =>skip);
                self.linkable_exit(not_taken);
            }
            Terminal::Indirect { target } => {
                self.load(0, target);
                let miss = self.a.new_dynamic_label();
                let table = self.env.jump_cache as i64;
                let mask = self.env.jump_cache_mask as i32;
                let exit = self.env.exit as usize;
                dynasm!(self.a
                    ; .arch x64
                    ; mov QWORD [r15 + OFF_PC], rax
                    ; mov ecx, eax
                    ; shr ecx, 2
                    ; and ecx, mask
                    ; shl rcx, 4
                    ; mov rdx, QWORD table
                    ; cmp QWORD [rdx + rcx], rax
                    ; jne =>miss
                    ; jmp QWORD [rdx + rcx + 8]
                    ; =>miss
                    ; mov QWORD [r15 + OFF_LINK], 0
                    ; mov DWORD [r15 + OFF_REASON], ExitReason::Lookup as i32
                    ; jmp extern exit
                );
            }
            Terminal::Exit { reason, pc, arg } => {
                let exit = self.env.exit as usize;
                dynasm!(self.a
                    ; .arch x64
                    ; mov rax, QWORD pc as i64
                    ; mov QWORD [r15 + OFF_PC], rax
                    ; mov QWORD [r15 + OFF_LINK], 0
                    ; mov DWORD [r15 + OFF_REASON], reason as i32
                );
                // IC IVAU leaves its address in exit_arg itself.
                if !(reason == ExitReason::Invalidate && arg == 0) {
                    dynasm!(self.a
                        ; .arch x64
                        ; mov rax, QWORD arg as i64
                        ; mov QWORD [r15 + OFF_ARG], rax
                    );
                }
                dynasm!(self.a ; .arch x64 ; jmp extern exit);
            }
        }
    }

    /// A direct jump to guest `pc`: a `jmp rel32` that first points at a stub
    /// asking the dispatcher to look `pc` up; the dispatcher then patches the
    /// rel32 to the target block (block linking).
    fn linkable_exit(&mut self, pc: u64) {
        let stub = self.a.new_dynamic_label();
        let site = self.a.new_dynamic_label();
        let exit = self.env.exit as usize;
        dynasm!(self.a
            ; .arch x64
            ; jmp =>stub
            ; =>site
            ; =>stub
            ; mov rax, QWORD pc as i64
            ; mov QWORD [r15 + OFF_PC], rax
            ; lea rax, [=>site]
            ; mov QWORD [r15 + OFF_LINK], rax
            ; mov DWORD [r15 + OFF_REASON], ExitReason::Lookup as i32
            ; jmp extern exit
        );
    }
}
