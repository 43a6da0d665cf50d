//! Block terminals: linkable direct jumps, conditional branches (fused with
//! the compare that feeds them when possible), indirect branches through the
//! inline lookup table, and exits to the dispatcher.

use super::emit::{Emitter, OFF_ARG, OFF_JUMP_TABLE, OFF_RET_BASE, OFF_RET_LIMIT};
use super::emit_alu::*;
use crate::cpu::jump_table::{JUMP_TABLE_ENTRIES, WAY1_OFFSET};
use crate::cpu::ExitReason;
use crate::ir::{Block, FlagsOp, Flow, Op, Terminal, Val, Width};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};

/// The CS segment-override prefix, which pads patchable jumps.
pub(super) const CS_PREFIX: u8 = 0x2e;

/// A conditional branch on a [`Op::CondCmp`] used nowhere else whose
/// condition maps onto one x86 condition: the terminal issues the compare
/// itself and jumps on the host flags. Or a branch on an [`Op::Cond`] of
/// the NZCV loaded from the CPU state, which nothing changes before the
/// terminal: it restores the host flags from the state and jumps on them.
/// Or a branch on an [`Op::Cond`] of one flag (EQ/NE, CS/CC, MI/PL, VS/VC)
/// of any other NZCV value (FCMP's, say): `bt` of that bit, then `jc`/`jnc`.
#[derive(Copy, Clone, Debug)]
pub(super) struct FusedBranch {
    /// Index of the `CondCmp` or `Cond` op, which is then not emitted.
    pub cond_index: usize,
    /// x86 condition code (the low nibble of `Jcc`) for the taken edge.
    pub cc: u8,
    /// The compare to issue, or `None` for flags from the state or a bit.
    pub cmp: Option<(FlagsOp, Width, Val, Val)>,
    /// The NZCV value and the bit of it to test.
    pub bit: Option<(Val, i8)>,
}

impl FusedBranch {
    /// Values the fused terminal reads.
    pub fn operands(&self) -> Vec<Val> {
        match (self.cmp, self.bit) {
            (Some((_, _, a, b)), _) => vec![a, b],
            (None, Some((v, _))) => vec![v],
            (None, None) => Vec::new(),
        }
    }
}

/// The bit of an NZCV value that arm64 condition `cond` tests alone, and
/// the x86 condition that then holds after `bt` when `cond` does: `None`
/// for conditions of more than one flag.
fn one_flag(cond: u8) -> Option<(i8, u8)> {
    let bit = match cond >> 1 {
        0 => 30, // EQ/NE: Z
        1 => 29, // CS/CC: C
        2 => 31, // MI/PL: N
        3 => 28, // VS/VC: V
        _ => return None,
    };
    Some((bit, if cond & 1 == 0 { CC_B } else { CC_AE }))
}

/// Whether `v` is a load of NZCV from the state that nothing after op
/// `i` could make stale (a write of NZCV or a helper call).
fn nzcv_load_valid_after(block: &Block, v: Val, i: usize) -> bool {
    let nzcv = super::emit_nzcv::OFF_NZCV as u32;
    let loaded = (block.ops.iter())
        .any(|o| matches!(*o, Op::LoadState { dst, offset } if dst == v && offset == nzcv));
    loaded
        && !block.ops[i..].iter().any(|o| {
            matches!(*o, Op::StoreState { offset, .. } if offset == nzcv)
                || matches!(o, Op::Call { .. })
        })
}

/// Finds a branch that can be fused with the compare feeding it.
pub(super) fn fuse_branch(block: &Block) -> Option<FusedBranch> {
    let Terminal::Branch { c, .. } = block.term else {
        return None;
    };
    // Values are SSA: `c` has one definition, and only what follows it
    // can read it.
    let i = block.ops.iter().rposition(|op| op.dst() == Some(c))?;
    let mut uses = 0;
    for op in &block.ops[i + 1..] {
        op.for_each_use(|v| uses += (v == c) as u32);
    }
    if uses != 0 {
        return None;
    }
    match block.ops[i] {
        Op::CondCmp {
            dst,
            cond,
            op,
            w,
            a,
            b,
        } if dst == c => Some(FusedBranch {
            cond_index: i,
            cc: host_cc(op, cond)?,
            cmp: Some((op, w, a, b)),
            bit: None,
        }),
        Op::Cond { dst, cond, nzcv } if dst == c && nzcv_load_valid_after(block, nzcv, i) => {
            Some(FusedBranch {
                cond_index: i,
                cc: super::emit_nzcv::state_cc(cond)?,
                cmp: None,
                bit: None,
            })
        }
        Op::Cond { dst, cond, nzcv } if dst == c => {
            let (bit, cc) = one_flag(cond)?;
            Some(FusedBranch {
                cond_index: i,
                cc,
                cmp: None,
                bit: Some((nzcv, bit)),
            })
        }
        _ => None,
    }
}

impl Emitter {
    /// The compare, then `jcc taken; jmp not_taken`, both linkable. A
    /// self-loop closed by the taken side instead falls through to its back
    /// edge (`jncc exit; back edge; exit: jmp not_taken`), so a pass of the
    /// loop takes one branch, the back edge's jump.
    pub(super) fn fused_branch(&mut self, f: &FusedBranch, t: &Terminal) {
        let Terminal::Branch {
            taken, not_taken, ..
        } = *t
        else {
            unreachable!("fusion only applies to branches")
        };
        match (f.cmp, f.bit) {
            // The flags of that very compare are still on the host.
            (c @ Some(_), _) if c == self.host_flags => {}
            (Some((op, w, a, b)), _) => self.set_host_flags(op, w, a, b, None),
            (None, Some((v, bit))) => {
                let r = self.reg_of(v).unwrap_or_else(|| {
                    self.load(0, v);
                    0
                });
                dynasm!(self.a ; .arch x64 ; bt Rd(r), bit);
            }
            (None, None) => self.restore_state_flags(),
        }
        if taken != not_taken && self.back.as_ref().is_some_and(|(l, _)| l.start_pc == taken) {
            let exit = self.a.new_dynamic_label();
            // x86 condition codes come in pairs that differ in bit 0.
            self.jcc(f.cc ^ 1, exit);
            self.loop_edge(taken);
            dynasm!(self.a ; .arch x64 ; =>exit);
            return self.linked_jump(not_taken);
        }
        let stub_taken = self.a.new_dynamic_label();
        let site_taken = self.a.new_dynamic_label();
        self.align_patch_site(2);
        self.jcc(f.cc, stub_taken);
        dynasm!(self.a ; .arch x64 ; =>site_taken);
        self.linkable_exit(not_taken);
        dynasm!(self.a ; .arch x64 ; =>stub_taken);
        if !self.loop_edge(taken) {
            self.lookup_exit(taken, site_taken);
        }
    }

    /// Emits the back edge instead of an exit when `pc` starts this
    /// self-looping block; says whether it did.
    fn loop_edge(&mut self, pc: u64) -> bool {
        match self.back.clone() {
            Some((l, body)) if l.start_pc == pc => {
                self.back_edge(&l, body);
                true
            }
            _ => false,
        }
    }

    /// `jcc label` with a 32-bit displacement (patchable for linking).
    pub(super) fn jcc(&mut self, cc: u8, label: dynasmrt::DynamicLabel) {
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
    pub(super) fn lookup_exit(&mut self, pc: u64, site: dynasmrt::DynamicLabel) {
        let stub = self.exit_stub();
        dynasm!(self.a
            ; .arch x64
            ; mov rax, QWORD pc as i64
            ; lea rcx, [=>site]
            ; xor edx, edx
            ; jmp extern stub
        );
        const { assert!(ExitReason::Lookup as i32 == 0) };
    }

    /// The trampoline's exit stub (see [`super::trampoline::EXIT_STUB_BACK`]).
    fn exit_stub(&self) -> usize {
        (self.env.exit - super::trampoline::EXIT_STUB_BACK) as usize
    }

    pub(super) fn terminal(&mut self, t: &Terminal, flow: Flow) {
        match *t {
            // A direct call (BL) is a plain linked jump: see `push_return`.
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
                // The target where it is (x30 stays in its pinned register),
                // unless that is a register the probe clobbers.
                let t = match self.locs[target.0 as usize] {
                    super::regalloc::Loc::Reg(r) if r > 2 => r,
                    _ => {
                        self.load(0, target);
                        0
                    }
                };
                match flow {
                    Flow::Call { ret } if self.predicts_returns() => self.call_indirect(ret, t),
                    Flow::Return if self.predicts_returns() => self.predicted_return(t),
                    _ => self.indirect_lookup(t),
                }
            }
            Terminal::Exit { reason, pc, arg } => {
                // IC IVAU leaves its address in exit_arg itself.
                if !(reason == ExitReason::Invalidate && arg == 0) {
                    dynasm!(self.a
                        ; .arch x64
                        ; mov rax, QWORD arg as i64
                        ; mov QWORD [r15 + OFF_ARG], rax
                    );
                }
                self.exit_with(reason, pc);
            }
        }
    }

    /// Whether calls push return-stack entries and returns use them: in
    /// user mode (system mode leaves translated code on every change of
    /// translation regime, but its blocks also depend on the page tables).
    fn predicts_returns(&self) -> bool {
        self.env.tlb.is_none()
    }

    /// The inline probe of the indirect-branch table for the guest pc in
    /// host register `t` (not rcx or rdx, which it clobbers; see
    /// [`crate::cpu::jump_table`]): a hit in either way jumps to the block,
    /// a miss exits to the dispatcher (with the pc in rax). The second way
    /// is looked at only behind a target in the first (a host address that
    /// is not 0), so that a fresh table's second way is never read.
    fn indirect_lookup(&mut self, t: u8) {
        let (way1, miss) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        // The byte offset of entry (pc >> 2) & (entries - 1), 16 bytes
        // each: bits 2.. of pc, moved up two places.
        let offsets = ((JUMP_TABLE_ENTRIES - 1) << 4) as i32;
        let stub = self.exit_stub();
        dynasm!(self.a
            ; .arch x64
            ; lea ecx, [Rq(t) * 4]
            ; and ecx, offsets
            ; mov rdx, QWORD [r15 + OFF_JUMP_TABLE]
            ; cmp QWORD [rdx + rcx], Rq(t)
            ; jne =>way1
            ; jmp QWORD [rdx + rcx + 8]
            ; =>way1
            ; cmp QWORD [rdx + rcx + 8], 0
            ; je =>miss
            ; cmp QWORD [rdx + rcx + WAY1_OFFSET], Rq(t)
            ; jne =>miss
            ; jmp QWORD [rdx + rcx + WAY1_OFFSET + 8]
            ; =>miss
        );
        if t != 0 {
            dynasm!(self.a ; .arch x64 ; mov rax, Rq(t));
        }
        dynasm!(self.a
            ; .arch x64
            ; xor ecx, ecx
            ; mov edx, ExitReason::Lookup as i32
            ; jmp extern stub
        );
    }

    /// Return prediction. A call through a register (BLR) pushes a
    /// return-stack entry on the host stack: the guest return address
    /// `ret`, then, by a host `call` into the table lookup, the host address
    /// of the continuation that follows it, a linkable jump to `ret`'s
    /// block. A return (RET) whose target equals the top entry's guest
    /// address leaves by `ret`, which the host's own return predictor
    /// foresees; any other target probes the indirect-branch table and
    /// leaves the stack as it is (an outer entry may still match). Entries
    /// are matched by value, so a stale one (after longjmp, a stack switch,
    /// a changed return register) only costs a lookup. The stack lives only
    /// while translated code runs: the trampoline starts it empty (with a
    /// sentinel entry at its base) and every exit drops it, so an entry
    /// never outlives the blocks it points into (the cache is emptied only
    /// while no thread runs translated code). Its depth is bounded: a call
    /// at the limit empties it first.
    ///
    /// A direct call (BL) pushes nothing and stays a linked jump: its
    /// return's table lookup ends in a per-site indirect jump the host
    /// predicts well when the callee returns to few places, and the host
    /// call, return and continuation jump cost more than that lookup
    /// (fib(35) took 4% more CPU time with BL pushing too, with no gain on
    /// qsort, intmix or libc; calls through pointers gain a third).
    fn push_return(&mut self, ret: u64) {
        // A branch, not a cmov: rsp must not wait for loads.
        let room = self.a.new_dynamic_label();
        dynasm!(self.a
            ; .arch x64
            ; cmp rsp, QWORD [r15 + OFF_RET_LIMIT]
            ; ja =>room
            ; mov rsp, QWORD [r15 + OFF_RET_BASE]
            ; =>room
        );
        if ret < 0x8000_0000 {
            dynasm!(self.a ; .arch x64 ; push ret as i32);
        } else {
            dynasm!(self.a ; .arch x64 ; mov rcx, QWORD ret as i64 ; push rcx);
        }
    }

    /// BLR with the target in host register `t`: push the return entry and
    /// `call` the table lookup; the continuation follows.
    fn call_indirect(&mut self, ret: u64, t: u8) {
        self.push_return(ret);
        let lookup = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64 ; call =>lookup);
        // The continuation, where a predicted return lands: its `ret`
        // popped the host address, `pop` drops the guest one. Never a loop
        // edge: no value lives in host registers here.
        dynasm!(self.a ; .arch x64 ; pop rcx);
        self.linked_jump(ret);
        dynasm!(self.a ; .arch x64 ; =>lookup);
        self.indirect_lookup(t);
    }

    /// RET with the target in host register `t` (see
    /// [`Emitter::push_return`]).
    fn predicted_return(&mut self, t: u8) {
        let miss = self.a.new_dynamic_label();
        dynasm!(self.a
            ; .arch x64
            ; cmp QWORD [rsp + 8], Rq(t)
            ; jne =>miss
            ; ret
            ; =>miss
        );
        self.indirect_lookup(t);
    }

    /// A direct jump to guest `pc`: a `jmp rel32` that first points at a stub
    /// asking the dispatcher to look `pc` up; the dispatcher then patches the
    /// rel32 to the target block (block linking).
    pub(super) fn linkable_exit(&mut self, pc: u64) {
        if self.loop_edge(pc) {
            return;
        }
        self.linked_jump(pc);
    }

    /// The `jmp rel32` to guest `pc` and its lookup stub.
    fn linked_jump(&mut self, pc: u64) {
        let stub = self.a.new_dynamic_label();
        let site = self.a.new_dynamic_label();
        self.align_patch_site(1);
        dynasm!(self.a ; .arch x64 ; jmp =>stub ; =>site ; =>stub);
        self.lookup_exit(pc, site);
    }

    /// Pads so that the rel32 of a jump whose opcode takes `opcode_len`
    /// bytes and is emitted next is 4-byte aligned: linking then patches it
    /// with one atomic store while other threads may run it. The padding is
    /// CS segment-override prefixes of that jump (which a near jump ignores
    /// in 64-bit mode; assemblers pad branches the same way), not NOPs, so
    /// it costs no instruction of its own: sqlite3's bench script ran about
    /// one NOP for every block it entered.
    pub(super) fn align_patch_site(&mut self, opcode_len: usize) {
        for _ in 0..(4 - (self.a.offset().0 + opcode_len) % 4) % 4 {
            dynasm!(self.a ; .arch x64 ; .bytes [CS_PREFIX]);
        }
    }

    /// An unlinkable exit to the dispatcher at guest `pc` for `reason`,
    /// through the trampoline's exit stub.
    pub(super) fn exit_with(&mut self, reason: ExitReason, pc: u64) {
        let stub = self.exit_stub();
        dynasm!(self.a
            ; .arch x64
            ; mov rax, QWORD pc as i64
            ; xor ecx, ecx
            ; mov edx, reason as i32
            ; jmp extern stub
        );
    }
}
