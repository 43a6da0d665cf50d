//! A select on a compare: a [`Op::CondCmp`] whose only use is the
//! [`Op::Select`] right after it (what CSEL, CSINC, CSINV and CSNEG on the
//! flags of a compare in the same block become) is emitted as the compare
//! and a `cmovcc`, instead of materialising the condition as 0 or 1
//! (`setcc`, `movzx`) and testing it again (`test`, `cmovz`).

use super::emit::{spill_offset, Emitter};
use super::emit_alu::*;
use super::regalloc::Loc;
use crate::ir::{Block, Op, Val};
use dynasmrt::{dynasm, DynasmApi};

/// Whether op `i` is a `CondCmp` to emit with the `Select` that follows
/// it (see the module doc); asked by the emitter as it reaches each
/// compare, so a block without one costs no walk. `extra` are the values the terminal (a fused
/// branch, a self-loop's back edge) reads beyond the block's own uses,
/// `skip` the index of a `CondCmp` the terminal emits itself, `body`
/// the index where a self-loop's body starts (the select must be whole
/// on either side of it); `host_nzcv` marks the values in host NZCV form,
/// whose selects are not plain selects of their operands.
pub(super) fn fuses_select(
    block: &Block,
    extra: &[Val],
    skip: Option<usize>,
    body: Option<usize>,
    host_nzcv: &[bool],
    i: usize,
) -> bool {
    let (Some(&Op::CondCmp { dst, cond, op, .. }), Some(&Op::Select { c, a, b, dst: sel })) =
        (block.ops.get(i), block.ops.get(i + 1))
    else {
        return false;
    };
    if host_nzcv.get(sel.0 as usize) == Some(&true) {
        return false;
    }
    if c != dst || a == c || b == c || skip == Some(i) || body == Some(i + 1) {
        return false;
    }
    if host_cc(op, cond).is_none() || extra.contains(&c) {
        return false;
    }
    let mut uses = 0;
    for o in &block.ops[i + 2..] {
        o.for_each_use(|v| uses += (v == c) as u32);
    }
    block.term.for_each_use(|v| uses += (v == c) as u32);
    uses == 0
}

impl Emitter {
    /// `dst = (a op b satisfies cond) ? x : y`, the compare issued here.
    pub(super) fn select_on_compare(&mut self, cmp: &Op, dst: Val, x: Val, y: Val) {
        let Op::CondCmp {
            cond, op, w, a, b, ..
        } = *cmp
        else {
            unreachable!("not a compare")
        };
        let cc = host_cc(op, cond).expect("a host condition");
        // rdx = y before the compare, which clobbers only rax and rcx.
        self.load(2, y);
        self.set_host_flags(op, w, a, b, None);
        // x into a register by moves, which keep the flags.
        let r = match self.locs[x.0 as usize] {
            Loc::Reg(r) => r,
            Loc::Stack(s) => {
                dynasm!(self.a ; .arch x64 ; mov rcx, QWORD [r15 + spill_offset(s)]);
                1
            }
            Loc::Imm(k) => {
                dynasm!(self.a ; .arch x64 ; mov rcx, QWORD k as i64);
                1
            }
            Loc::Dead => unreachable!("use of dead value {x:?}"),
        };
        self.cmov_rdx(cc, r);
        self.store(dst, 2);
    }

    /// `cmovcc rdx, r` for x86 condition code `cc`.
    fn cmov_rdx(&mut self, cc: u8, r: u8) {
        match cc {
            CC_O => dynasm!(self.a ; .arch x64 ; cmovo rdx, Rq(r)),
            CC_NO => dynasm!(self.a ; .arch x64 ; cmovno rdx, Rq(r)),
            CC_B => dynasm!(self.a ; .arch x64 ; cmovb rdx, Rq(r)),
            CC_AE => dynasm!(self.a ; .arch x64 ; cmovae rdx, Rq(r)),
            CC_E => dynasm!(self.a ; .arch x64 ; cmove rdx, Rq(r)),
            CC_NE => dynasm!(self.a ; .arch x64 ; cmovne rdx, Rq(r)),
            CC_BE => dynasm!(self.a ; .arch x64 ; cmovbe rdx, Rq(r)),
            CC_A => dynasm!(self.a ; .arch x64 ; cmova rdx, Rq(r)),
            CC_S => dynasm!(self.a ; .arch x64 ; cmovs rdx, Rq(r)),
            CC_NS => dynasm!(self.a ; .arch x64 ; cmovns rdx, Rq(r)),
            CC_L => dynasm!(self.a ; .arch x64 ; cmovl rdx, Rq(r)),
            CC_GE => dynasm!(self.a ; .arch x64 ; cmovge rdx, Rq(r)),
            CC_LE => dynasm!(self.a ; .arch x64 ; cmovle rdx, Rq(r)),
            _ => dynasm!(self.a ; .arch x64 ; cmovg rdx, Rq(r)),
        }
    }
}
