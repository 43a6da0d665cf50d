//! Block terminals: linkable direct jumps, conditional branches (fused with
//! the compare that feeds them when possible), indirect branches through the
//! inline lookup table, and exits to the dispatcher.

use super::emit::{Emitter, Src, OFF_ARG, OFF_LINK, OFF_PC, OFF_REASON};
use crate::cpu::ExitReason;
use crate::ir::{Block, FlagsOp, Op, Terminal, Val, Width};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};

/// A conditional branch whose condition comes straight from a compare (or
/// test) in the same block: the terminal re-issues the compare and jumps on
/// the host flags instead of materialising the condition.
#[derive(Copy, Clone, Debug)]
pub(super) struct FusedBranch {
    /// Index of the `Cond` op, which is then not emitted.
    pub cond_index: usize,
    /// x86 condition code (the low nibble of `Jcc`) for the taken edge.
    pub cc: u8,
    pub w: Width,
    /// `cmp a, b` when `b` is some, else `test a, a`.
    pub a: Val,
    pub b: Option<Val>,
}

impl FusedBranch {
    /// Values the fused terminal reads.
    pub fn operands(&self) -> Vec<Val> {
        std::iter::once(self.a).chain(self.b).collect()
    }
}

/// x86 condition codes (`Jcc` = 0x0F 0x80+cc).
const CC_O: u8 = 0x0;
const CC_NO: u8 = 0x1;
const CC_B: u8 = 0x2;
const CC_AE: u8 = 0x3;
const CC_E: u8 = 0x4;
const CC_NE: u8 = 0x5;
const CC_BE: u8 = 0x6;
const CC_A: u8 = 0x7;
const CC_S: u8 = 0x8;
const CC_NS: u8 = 0x9;
const CC_L: u8 = 0xc;
const CC_GE: u8 = 0xd;
const CC_LE: u8 = 0xe;
const CC_G: u8 = 0xf;

/// The x86 condition after `cmp a, b` that matches arm64 condition `cond`
/// after `SUBS a, b` (arm64 C is NOT borrow, so HS is `ae`).
fn cc_after_sub(cond: u8) -> Option<u8> {
    Some(match cond {
        0 => CC_E,
        1 => CC_NE,
        2 => CC_AE,
        3 => CC_B,
        4 => CC_S,
        5 => CC_NS,
        6 => CC_O,
        7 => CC_NO,
        8 => CC_A,
        9 => CC_BE,
        10 => CC_GE,
        11 => CC_L,
        12 => CC_G,
        13 => CC_LE,
        _ => return None,
    })
}

/// The x86 condition after `test a, a` matching arm64 `cond` after a logical
/// flag-setting op (C = V = 0). Conditions that are constant then are not
/// fused.
fn cc_after_test(cond: u8) -> Option<u8> {
    Some(match cond {
        0 => CC_E,
        1 => CC_NE,
        4 => CC_S,
        5 => CC_NS,
        10 => CC_GE,
        11 => CC_L,
        12 => CC_G,
        13 => CC_LE,
        _ => return None,
    })
}

/// Finds a branch that can be fused with the compare feeding it: the
/// terminal branches on a `Cond` used nowhere else, whose NZCV comes from a
/// carry-less `Flags` of a subtraction or logical result.
pub(super) fn fuse_branch(block: &Block) -> Option<FusedBranch> {
    let Terminal::Branch { c, .. } = block.term else {
        return None;
    };
    let mut uses = 0;
    for op in &block.ops {
        op.for_each_use(|v| uses += (v == c) as u32);
    }
    if uses != 0 {
        return None;
    }
    let (cond_index, cond, nzcv) = block.ops.iter().enumerate().find_map(|(i, op)| match *op {
        Op::Cond { dst, cond, nzcv } if dst == c => Some((i, cond, nzcv)),
        _ => None,
    })?;
    block.ops[..cond_index]
        .iter()
        .rev()
        .find_map(|op| match *op {
            Op::Flags {
                op: FlagsOp::Sub,
                w,
                dst,
                a,
                b,
                c: None,
            } if dst == nzcv => Some(FusedBranch {
                cond_index,
                cc: cc_after_sub(cond)?,
                w,
                a,
                b: Some(b),
            }),
            Op::Flags {
                op: FlagsOp::Logic,
                w,
                dst,
                a,
                c: None,
                ..
            } if dst == nzcv => Some(FusedBranch {
                cond_index,
                cc: cc_after_test(cond)?,
                w,
                a,
                b: None,
            }),
            _ => None,
        })
}

impl Emitter {
    /// `cmp`/`test` then `jcc taken; jmp not_taken`, both linkable.
    pub(super) fn fused_branch(&mut self, f: &FusedBranch, t: &Terminal) {
        let Terminal::Branch {
            taken, not_taken, ..
        } = *t
        else {
            unreachable!("fusion only applies to branches")
        };
        let w64 = f.w == Width::W64;
        let a = match self.reg_of(f.a) {
            Some(r) => r,
            None => {
                self.load(0, f.a);
                0
            }
        };
        match f.b.map(|b| self.src(b, w64, 1)) {
            Some(Src::R(r)) if w64 => dynasm!(self.a ; .arch x64 ; cmp Rq(a), Rq(r)),
            Some(Src::R(r)) => dynasm!(self.a ; .arch x64 ; cmp Rd(a), Rd(r)),
            Some(Src::I(i)) if w64 => dynasm!(self.a ; .arch x64 ; cmp Rq(a), i),
            Some(Src::I(i)) => dynasm!(self.a ; .arch x64 ; cmp Rd(a), i),
            Some(Src::M(m)) if w64 => dynasm!(self.a ; .arch x64 ; cmp Rq(a), QWORD [rsp + m]),
            Some(Src::M(m)) => dynasm!(self.a ; .arch x64 ; cmp Rd(a), DWORD [rsp + m]),
            None if w64 => dynasm!(self.a ; .arch x64 ; test Rq(a), Rq(a)),
            None => dynasm!(self.a ; .arch x64 ; test Rd(a), Rd(a)),
        }
        let stub_taken = self.a.new_dynamic_label();
        let site_taken = self.a.new_dynamic_label();
        self.jcc(f.cc, stub_taken);
        dynasm!(self.a ; .arch x64 ; =>site_taken);
        self.linkable_exit(not_taken);
        dynasm!(self.a ; .arch x64 ; =>stub_taken);
        self.lookup_exit(taken, site_taken);
    }

    /// `jcc label` with a 32-bit displacement (patchable for linking).
    fn jcc(&mut self, cc: u8, label: dynasmrt::DynamicLabel) {
        match cc {
            CC_O => dynasm!(self.a ; .arch x64 ; jo =>label),
            CC_NO => dynasm!(self.a ; .arch x64 ; jno =>label),
            CC_B => dynasm!(self.a ; .arch x64 ; jb =>label),
            CC_AE => dynasm!(self.a ; .arch x64 ; jae =>label),
            CC_E => dynasm!(self.a ; .arch x64 ; je =>label),
            CC_NE => dynasm!(self.a ; .arch x64 ; jne =>label),
            CC_BE => dynasm!(self.a ; .arch x64 ; jbe =>label),
            CC_A => dynasm!(self.a ; .arch x64 ; ja =>label),
            CC_S => dynasm!(self.a ; .arch x64 ; js =>label),
            CC_NS => dynasm!(self.a ; .arch x64 ; jns =>label),
            CC_L => dynasm!(self.a ; .arch x64 ; jl =>label),
            CC_GE => dynasm!(self.a ; .arch x64 ; jge =>label),
            CC_LE => dynasm!(self.a ; .arch x64 ; jle =>label),
            _ => dynasm!(self.a ; .arch x64 ; jg =>label),
        }
    }

    /// The stub a linkable jump points at until it is linked: records the
    /// guest target and the patch site, then exits to the dispatcher.
    fn lookup_exit(&mut self, pc: u64, site: dynasmrt::DynamicLabel) {
        let exit = self.env.exit as usize;
        dynasm!(self.a
            ; .arch x64
            ; mov rax, QWORD pc as i64
            ; mov QWORD [r15 + OFF_PC], rax
            ; lea rax, [=>site]
            ; mov QWORD [r15 + OFF_LINK], rax
            ; mov DWORD [r15 + OFF_REASON], ExitReason::Lookup as i32
            ; jmp extern exit
        );
    }

    pub(super) fn terminal(&mut self, t: &Terminal) {
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
    pub(super) fn linkable_exit(&mut self, pc: u64) {
        let stub = self.a.new_dynamic_label();
        let site = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64 ; jmp =>stub ; =>site ; =>stub);
        self.lookup_exit(pc, site);
    }
}
