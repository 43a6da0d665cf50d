//! Flag optimisations:
//!
//! * a condition on flags computed in the same block becomes a
//!   [`Op::CondCmp`], which the backend emits as a host compare and
//!   condition, so the NZCV value is only materialised if something else
//!   needs it;
//! * a write of NZCV that a later write in the block overwrites is dropped,
//!   and so is the last one when the block's successors overwrite NZCV
//!   before reading it ([`Block::nzcv_dead_at_end`]);
//! * so that an interrupted block still leaves the exact NZCV in the CPU
//!   state (a signal handler sees it in its frame), the interrupt poll of
//!   a block that may be entered with a stale NZCV moves past its first
//!   NZCV write, near its end ([`place_poll`]).
//!
//! Anything that may observe NZCV in the CPU state counts as a read: a load
//! of it, a helper call, every memory access and every check that may leave
//! the block (a fault must see the state of its own instruction).

use crate::cpu::CpuState;
use crate::ir::{Block, Op, PollNzcv, Terminal, Val, Width};
use std::mem::offset_of;

const NZCV: u32 = offset_of!(CpuState, nzcv) as u32;

/// Whether `op` may observe the NZCV stored in the CPU state.
fn observes_nzcv(op: &Op) -> bool {
    match *op {
        Op::LoadState { offset, .. } => offset == NZCV,
        Op::ExitIf { nzcv_dead, .. } => !nzcv_dead,
        Op::Call { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::LoadVec { .. }
        | Op::Structs { .. }
        | Op::StoreVec { .. }
        | Op::Rmw { .. }
        | Op::Cas { .. }
        | Op::StoreExcl { .. }
        | Op::CheckAlign { .. }
        | Op::CheckFault { .. } => true,
        _ => false,
    }
}

fn stores_nzcv(op: &Op) -> bool {
    matches!(*op, Op::StoreState { offset, .. } if offset == NZCV)
}

/// Whether `block` writes NZCV at all: only then does it matter whether
/// its successors overwrite it ([`Block::nzcv_dead_at_end`]).
pub fn writes_nzcv(block: &Block) -> bool {
    block.ops.iter().any(stores_nzcv)
}

/// Whether `op` decides [`kills_nzcv`] for a block it occurs in: the
/// operations after the first such one do not matter.
pub fn decides_nzcv(op: &Op) -> bool {
    stores_nzcv(op) || observes_nzcv(op)
}

/// Whether a block (as translated from a successor's address) writes NZCV
/// before anything could observe it.
pub fn kills_nzcv(block: &Block) -> bool {
    for op in &block.ops {
        if stores_nzcv(op) {
            return true;
        }
        if observes_nzcv(op) {
            return false;
        }
    }
    false
}

/// For a `Select { c, a, b }` (as CCMP makes) with `c` a condition (0 or
/// 1), `a` the result of `Flags` without carry-in and `b` a constant
/// NZCV: (c, that `Flags`, the constant).
fn ccmp_of(defs: &[Option<Op>], v: Val) -> Option<(Val, Op, u64)> {
    let Some(Op::Select { c, a, b, .. }) = defs[v.0 as usize] else {
        return None;
    };
    let flags = defs[a.0 as usize].filter(|o| matches!(o, Op::Flags { c: None, .. }))?;
    let Some(Op::Const { imm, .. }) = defs[b.0 as usize] else {
        return None;
    };
    let bool_c = matches!(
        defs[c.0 as usize],
        Some(Op::Cond { .. } | Op::CondCmp { .. })
    );
    (bool_c && imm & !0xf000_0000 == 0).then_some((c, flags, imm))
}

/// Rewrites the `Cond { dst, cond, nzcv }` at `i`, whose `nzcv` is a
/// CCMP's choice ([`ccmp_of`]), as `c ? cond(flags) : cond(constant)`: a
/// `CondCmp` on the compare itself and an AND with `c` (or a `Select` of
/// 1), so that the condition needs neither the NZCV value nor its
/// architectural layout; the NZCV value is then only stored.
fn split_ccmp_cond(block: &mut Block, defs: &[Option<Op>], i: usize) {
    let Op::Cond { dst, cond, nzcv } = block.ops[i] else {
        unreachable!("not a condition")
    };
    let (c, flags, k) = ccmp_of(defs, nzcv).expect("a CCMP choice");
    let Op::Flags { op, w, a, b, .. } = flags else {
        unreachable!("not flags")
    };
    let mut new_val = || {
        block.n_vals += 1;
        Val(block.n_vals - 1)
    };
    let t = new_val();
    let cmp = Op::CondCmp {
        dst: t,
        cond,
        op,
        w,
        a,
        b,
    };
    if crate::ir::eval::cond_holds(cond, k) {
        let one = new_val();
        block.ops[i] = Op::Const { dst: one, imm: 1 };
        block.ops.insert(i + 1, cmp);
        let sel = Op::Select {
            dst,
            c,
            a: t,
            b: one,
        };
        block.ops.insert(i + 2, sel);
    } else {
        block.ops[i] = cmp;
        let and = Op::Bin {
            op: crate::ir::BinOp::And,
            w: Width::W64,
            dst,
            a: c,
            b: t,
        };
        block.ops.insert(i + 1, and);
    }
}

thread_local! {
    /// [`run`]'s buffers, reused from block to block.
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
}

pub fn run(block: &mut Block) {
    SCRATCH.with(|s| run_with(block, &mut s.borrow_mut()));
}

type Scratch = (Vec<Option<Op>>, Vec<(usize, Val)>);

fn run_with(block: &mut Block, (flags_of, writes): &mut Scratch) {
    // Conditions on flags computed here (and, for CCMP, the ops that choose
    // between such flags and a constant).
    super::refill(flags_of, block.n_vals as usize, None);
    // CCMP's conditions to split (see `split_ccmp_cond`).
    let mut splits: [usize; 4] = [0; 4];
    let mut n_splits = 0;
    for (i, op) in block.ops.iter_mut().enumerate() {
        match *op {
            Op::Flags { dst, c: None, .. }
            | Op::Const { dst, .. }
            | Op::CondCmp { dst, .. }
            | Op::Select { dst, .. } => flags_of[dst.0 as usize] = Some(*op),
            Op::Cond { nzcv, .. }
                if n_splits < splits.len() && ccmp_of(flags_of, nzcv).is_some() =>
            {
                splits[n_splits] = i;
                n_splits += 1;
            }
            Op::Cond { dst, cond, nzcv } => {
                if let Some(Op::Flags {
                    op: fop, w, a, b, ..
                }) = flags_of[nzcv.0 as usize]
                {
                    *op = Op::CondCmp {
                        dst,
                        cond,
                        op: fop,
                        w,
                        a,
                        b,
                    };
                }
                flags_of[dst.0 as usize] = Some(*op);
            }
            _ => {}
        }
    }
    for &i in splits[..n_splits].iter().rev() {
        split_ccmp_cond(block, flags_of, i);
    }
    let kills = kills_nzcv(block);
    writes.clear();
    writes.extend(
        (block.ops.iter().enumerate()).filter_map(|(i, op)| match *op {
            Op::StoreState { offset, src } if offset == NZCV => Some((i, src)),
            _ => None,
        }),
    );
    // Dead NZCV writes.
    let mut pending: Option<usize> = None;
    for i in 0..block.ops.len() {
        let op = block.ops[i];
        if observes_nzcv(&op) {
            pending = None;
        } else if stores_nzcv(&op) {
            if let Some(p) = pending {
                block.ops[p] = Op::Nop;
            }
            pending = Some(i);
        }
    }
    let exits_to_dispatcher_only =
        matches!(block.term, Terminal::Jump { .. } | Terminal::Branch { .. });
    if let (Some(p), true, true) = (pending, block.nzcv_dead_at_end, exits_to_dispatcher_only) {
        block.ops[p] = Op::Nop;
    }
    if kills {
        place_poll(block, writes);
    }
}

/// A block that kills NZCV may be entered with a stale NZCV in the CPU
/// state: its predecessors drop their last NZCV write when every successor
/// kills it ([`Block::nzcv_dead_at_end`]), and so does the block itself at
/// its own back edge. Its interrupt poll therefore moves from the block
/// entry to the start of its last instruction (or to its end, when the
/// first NZCV write is in the last instruction), after that first write:
/// there the architectural NZCV is the value of the last write before the
/// poll, which the poll's exit stores (or recomputes) if the write was
/// dropped. In a branch-ended block that is just before the branch, the
/// cheapest place in a loop. `writes` are the block's NZCV writes (index
/// and value) before the dead ones were dropped.
fn place_poll(block: &mut Block, writes: &[(usize, Val)]) {
    let Some(at) = block.ops.iter().position(|o| matches!(o, Op::Poll { .. })) else {
        return;
    };
    let Some(&(first, _)) = writes.first() else {
        return;
    };
    if at > first {
        return;
    }
    let last_insn = (block.ops.iter()).rposition(|o| matches!(o, Op::InsnStart { .. }));
    let (to, pc) = match last_insn.map(|i| (i, block.ops[i])) {
        Some((i, Op::InsnStart { pc })) if i > first => (i, pc),
        // After the last instruction only if the block falls through to
        // `end_pc` (the instructions that end blocks otherwise, branches
        // and exits, write no NZCV).
        _ if matches!(block.term, Terminal::Jump { pc } if pc == block.end_pc) => {
            (block.ops.len(), block.end_pc)
        }
        _ => return,
    };
    let Some(&(w, src)) = writes.iter().rev().find(|&&(i, _)| i < to) else {
        return;
    };
    let nzcv = if stores_nzcv(&block.ops[w]) {
        PollNzcv::InState
    } else {
        match block.ops.iter().find(|o| o.dst() == Some(src)) {
            Some(&Op::Flags { op, w, a, b, c, .. }) => PollNzcv::Flags { op, w, a, b, c },
            _ => PollNzcv::Value(src),
        }
    };
    let (to, nzcv) = before_flags(block, to, src).unwrap_or((to, nzcv));
    block.ops[at] = Op::Nop;
    block.ops.insert(to, Op::Poll { pc, nzcv });
}

/// Where the poll placed at `to` may go instead: just before the
/// flag-setting operation that computes `src`, the NZCV last written
/// before `to`, when nothing between has an effect but storing `src` to
/// NZCV. Its exit then computes that NZCV itself, and the host flags of
/// the compare are left to a branch on the same compare, which need not
/// compare again. Not in a self-loop, whose poll goes to its back edge
/// (`backend::x64::emit_loop`).
fn before_flags(block: &Block, to: usize, src: Val) -> Option<(usize, PollNzcv)> {
    let self_loop = match block.term {
        Terminal::Jump { pc } => pc == block.start_pc,
        Terminal::Branch {
            taken, not_taken, ..
        } => taken == block.start_pc || not_taken == block.start_pc,
        _ => false,
    };
    if self_loop {
        return None;
    }
    let d = block.ops[..to].iter().rposition(|o| o.dst() == Some(src))?;
    let Op::Flags { op, w, a, b, c, .. } = block.ops[d] else {
        return None;
    };
    let inert = |o: &Op| {
        o.is_pure()
            || matches!(*o, Op::Nop | Op::InsnStart { .. })
            || matches!(*o, Op::StoreState { offset, src: s } if offset == NZCV && s == src)
    };
    block.ops[d..to]
        .iter()
        .all(inert)
        .then_some((d, PollNzcv::Flags { op, w, a, b, c }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Builder, FlagsOp, Val, Width};

    /// The value a block leaves in NZCV, if it writes one.
    fn final_nzcv(block: &Block) -> Option<Val> {
        block.ops.iter().rev().find_map(|op| match *op {
            Op::StoreState { offset, src } if offset == NZCV => Some(src),
            _ => None,
        })
    }

    fn cmp_and_branch(b: &mut Builder) -> Val {
        let x = b.get_reg(0);
        let one = b.konst(1);
        let f = b.flags(FlagsOp::Sub, Width::W64, x, one, None);
        b.set_nzcv(f);
        b.cond(0, f)
    }

    #[test]
    fn conditions_on_local_flags_become_compares() {
        let mut b = Builder::new(0);
        let c = cmp_and_branch(&mut b);
        b.branch(c, 8, 4);
        let mut block = b.finish(4);
        run(&mut block);
        assert!(block
            .ops
            .iter()
            .any(|o| matches!(o, Op::CondCmp { cond: 0, .. })));
        // The NZCV write stays: nothing says the successors overwrite it.
        assert!(final_nzcv(&block).is_some());
    }

    #[test]
    fn overwritten_flags_are_not_stored() {
        let mut b = Builder::new(0);
        let _ = cmp_and_branch(&mut b);
        let c = cmp_and_branch(&mut b);
        b.branch(c, 8, 4);
        let mut block = b.finish(4);
        run(&mut block);
        let stores = block.ops.iter().filter(|o| stores_nzcv(o)).count();
        assert_eq!(stores, 1);
        block.nzcv_dead_at_end = true;
        run(&mut block);
        assert!(final_nzcv(&block).is_none());
    }

    #[test]
    fn memory_accesses_keep_flags_observable() {
        let mut b = Builder::new(0);
        let _ = cmp_and_branch(&mut b);
        let a = b.get_reg(1);
        let _ = b.load(Width::W8, false, a);
        let c = cmp_and_branch(&mut b);
        b.branch(c, 8, 4);
        let mut block = b.finish(4);
        run(&mut block);
        assert_eq!(block.ops.iter().filter(|o| stores_nzcv(o)).count(), 2);
        // It writes NZCV first: a predecessor's NZCV is dead here.
        assert!(kills_nzcv(&block));
        // A block that loads before it compares may fault with the
        // predecessor's NZCV in place.
        let mut b = Builder::new(0);
        let a = b.get_reg(1);
        let _ = b.load(Width::W8, false, a);
        let c = cmp_and_branch(&mut b);
        b.branch(c, 8, 4);
        assert!(!kills_nzcv(&b.finish(4)));
    }

    #[test]
    fn a_side_exit_observes_nzcv_unless_its_target_overwrites_it() {
        // cmp; b.eq (side exit); cmp; b.eq: the first NZCV write stays for
        // the side exit unless its target kills NZCV.
        for dead in [false, true] {
            let mut b = Builder::new(0);
            let c = cmp_and_branch(&mut b);
            b.push(Op::ExitIf {
                c,
                pc: 0x40,
                nzcv_dead: dead,
            });
            let c = cmp_and_branch(&mut b);
            b.branch(c, 8, 4);
            let mut block = b.finish(4);
            run(&mut block);
            let writes = block.ops.iter().filter(|o| stores_nzcv(o)).count();
            assert_eq!(writes, if dead { 1 } else { 2 }, "nzcv_dead {dead}");
        }
    }

    fn poll_of(block: &Block) -> (usize, u64, PollNzcv) {
        block
            .ops
            .iter()
            .enumerate()
            .find_map(|(i, o)| match *o {
                Op::Poll { pc, nzcv } => Some((i, pc, nzcv)),
                _ => None,
            })
            .expect("one poll")
    }

    /// `first; cmp; b.eq` with a poll at entry and its successors killing
    /// NZCV, after the pass.
    fn first_then_cmp(first: impl FnOnce(&mut Builder)) -> Block {
        let mut b = Builder::new(0);
        b.poll(0);
        b.insn_start(0);
        first(&mut b);
        b.insn_start(4);
        let c = cmp_and_branch(&mut b);
        b.insn_start(8);
        b.branch(c, 16, 12);
        let mut block = b.finish(12);
        block.nzcv_dead_at_end = true;
        run(&mut block);
        block
    }

    #[test]
    fn poll_moves_past_the_first_flag_write_only_when_the_block_kills_nzcv() {
        // ldr; cmp; b.eq: NZCV is exact at entry, the poll stays there.
        let block = first_then_cmp(|b| {
            let a = b.get_reg(1);
            let _ = b.load(Width::W8, false, a);
        });
        assert_eq!(poll_of(&block), (0, 0, PollNzcv::InState));
        // cmp; cmp; b.eq with both writes dropped: the poll goes before the
        // second compare (nothing but it lies before the branch) and
        // recomputes its flags.
        let block = first_then_cmp(|b| {
            let _ = cmp_and_branch(b);
        });
        assert!(final_nzcv(&block).is_none());
        let (i, pc, nzcv) = poll_of(&block);
        assert_eq!(pc, 8);
        assert!(matches!(block.ops[i + 1], Op::Flags { .. }));
        let second = (block.ops.iter()).rposition(|o| matches!(o, Op::InsnStart { pc: 4 }));
        assert!(second < Some(i));
        assert!(matches!(
            nzcv,
            PollNzcv::Flags {
                op: FlagsOp::Sub,
                ..
            }
        ));
        // cmp; b.eq with its write kept: the poll goes before the compare
        // and its store, and recomputes the flags (the host flags of the
        // compare then reach the branch).
        let cmp_first = |effect: bool| {
            let mut b = Builder::new(0);
            b.poll(0);
            b.insn_start(0);
            let c = cmp_and_branch(&mut b);
            if effect {
                let x = b.get_reg(0);
                b.set_reg(3, x);
            }
            b.insn_start(4);
            b.branch(c, 16, 8);
            let mut block = b.finish(8);
            run(&mut block);
            block
        };
        let block = cmp_first(false);
        let (i, pc, nzcv) = poll_of(&block);
        assert_eq!(pc, 4);
        assert!(matches!(block.ops[i + 1], Op::Flags { .. }));
        assert!(matches!(nzcv, PollNzcv::Flags { .. }));
        assert!(final_nzcv(&block).is_some());
        // A register write after the compare keeps it after both.
        let block = cmp_first(true);
        let (i, pc, nzcv) = poll_of(&block);
        assert_eq!((pc, nzcv), (4, PollNzcv::InState));
        assert!(matches!(block.ops[i + 1], Op::InsnStart { pc: 4 }));
    }
}
