//! Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET.

use super::{Ctx, TResult};
use crate::arm64::encodings::branch::Op;
use crate::arm64::Fields;
use crate::ir::{BinOp, Flow, Val, Width};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let pc = cx.pc;
    let next = cx.next_pc();
    let rel = |bits_shift: i64| pc.wrapping_add(bits_shift as u64);
    match op {
        Op::B => {
            let target = rel(f.s('i') << 2);
            if cx.side_exits > 0 && target > pc && target - pc <= MAX_SKIP {
                cx.goto = Some(target);
            } else {
                cx.b.jump(target);
            }
        }
        Op::BL => {
            let ret = cx.k(next);
            cx.set_x(30, ret);
            cx.b.jump(rel(f.s('i') << 2));
            cx.b.set_flow(Flow::Call { ret: next });
        }
        Op::B_cond => {
            let cond = f.u('c');
            let target = rel(f.s('i') << 2);
            if cond >= 14 {
                cx.b.jump(target);
            } else {
                // Conditions come in pairs that differ in bit 0.
                conditional(cx, target, next, &mut |cx, neg| {
                    let nzcv = cx.b.get_nzcv();
                    cx.b.cond(cond ^ neg as u32, nzcv)
                });
            }
        }
        Op::CBZ | Op::CBNZ => {
            let w = Width::sf(f.b('z'));
            let d = f.u('d');
            conditional(cx, rel(f.s('i') << 2), next, &mut |cx, neg| {
                let v = cx.xw(d, w);
                let zero = cx.k(0);
                // c = (v == 0) computed as a condition on flags of v - 0.
                let flags =
                    cx.b.flags(crate::ir::FlagsOp::Logic, Width::W64, v, zero, None);
                let cond = if (op == Op::CBZ) != neg { 0 } else { 1 };
                cx.b.cond(cond, flags)
            });
        }
        Op::TBZ | Op::TBNZ => {
            let (bit, d) = (f.u('b'), f.u('d'));
            conditional(cx, rel(f.s('i') << 2), next, &mut |cx, neg| {
                let v = cx.x(d);
                let sh = cx.k(bit as u64);
                let shifted = cx.b.bin(BinOp::Lshr, Width::W64, v, sh);
                let bit = cx.b.zext(shifted, 1);
                if (op == Op::TBNZ) != neg {
                    bit
                } else {
                    let one = cx.k(1);
                    cx.b.bin(BinOp::Xor, Width::W64, bit, one)
                }
            });
        }
        Op::BR | Op::RET => {
            let t = cx.x(f.u('n'));
            cx.b.indirect(t);
            if op == Op::RET {
                cx.b.set_flow(Flow::Return);
            }
        }
        Op::BLR => {
            let t = cx.x(f.u('n'));
            let ret = cx.k(next);
            cx.set_x(30, ret);
            cx.b.indirect(t);
            cx.b.set_flow(Flow::Call { ret: next });
        }
    }
    Ok(())
}

/// How far forward a superblock follows a branch: the code it skips
/// counts as the block's for invalidation, like the code it translates.
const MAX_SKIP: u64 = 1024;

/// A conditional branch to `target`, else to `next`, on the condition
/// `cond` makes (negated if asked): the block's terminal, or, forwards
/// where the block may go on ([`Ctx::side_exits`]) and the guest has
/// mostly gone one way ([`Ctx::likely`]), a side exit to the other way,
/// the block going on along that one.
fn conditional(cx: &mut Ctx, target: u64, next: u64, cond: &mut dyn FnMut(&mut Ctx, bool) -> Val) {
    let way = match cx.likely {
        Some(likely) if cx.side_exits > 0 && target > next => likely(target, next),
        _ => None,
    };
    match way {
        Some(false) => {
            cx.side_exits -= 1;
            let c = cond(cx, false);
            cx.b.exit_if(c, target);
        }
        Some(true) if target - cx.pc <= MAX_SKIP => {
            cx.side_exits -= 1;
            let c = cond(cx, true);
            cx.b.exit_if(c, next);
            cx.goto = Some(target);
        }
        _ => {
            let c = cond(cx, false);
            cx.b.branch(c, target, next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{translate_block_debug, DebugShape};
    use crate::arm64::cpu_model::Cpu;
    use crate::ir::{Block, Op, Terminal};

    /// The block at 0x1000 of `words`, with up to `side_exits` side exits
    /// the way `likely` says.
    fn block(words: &[u32], side_exits: usize, likely: &dyn Fn(u64, u64) -> Option<bool>) -> Block {
        let mut fetch = |a: u64| {
            let i = a.checked_sub(0x1000)? / 4;
            words.get(i as usize).copied()
        };
        let shape = DebugShape {
            max_insns: 64,
            breakpoint: None,
            side_exits,
            likely: Some(likely),
        };
        translate_block_debug(&Cpu::MAX, 0x1000, &mut fetch, None, shape)
    }

    fn exits(b: &Block) -> Vec<u64> {
        (b.ops.iter())
            .filter_map(|o| match *o {
                Op::ExitIf { pc, .. } => Some(pc),
                _ => None,
            })
            .collect()
    }

    /// The targets of the block's terminal branch, taken and not.
    fn branch_targets(b: &Block) -> Option<(u64, u64)> {
        match b.term {
            Terminal::Branch {
                taken, not_taken, ..
            } => Some((taken, not_taken)),
            _ => None,
        }
    }

    /// The addresses of the instructions the block translated.
    fn insns(b: &Block) -> Vec<u64> {
        (b.ops.iter())
            .filter_map(|o| match *o {
                Op::InsnStart { pc } => Some(pc),
                _ => None,
            })
            .collect()
    }

    // b.eq +16; cbz x1, +12; tbnz x2, #3, +8; b.ne -12; add x0, x0, #1
    const CODE: [u32; 5] = [
        0x5400_0080,
        0xb400_0061,
        0x3718_0042,
        0x54ff_ffa1,
        0x9100_0400,
    ];

    #[test]
    fn forward_branches_the_guest_falls_through_become_side_exits() {
        let b = block(&CODE, 8, &|_, _| Some(false));
        // The backward b.ne ends the block.
        assert_eq!(exits(&b), [0x1010, 0x1010, 0x1010]);
        assert_eq!(branch_targets(&b), Some((0x1000, 0x1010)));
        // Only as many as allowed; the next ends the block.
        let b = block(&CODE, 1, &|_, _| Some(false));
        assert_eq!(exits(&b), [0x1010]);
        assert_eq!(branch_targets(&b), Some((0x1010, 0x1008)));
        // Not where neither way is clearly the likely one.
        let b = block(&CODE, 8, &|target, next| {
            (target == 0x1010 && next == 0x1004).then_some(false)
        });
        assert_eq!(exits(&b), [0x1010]);
        assert_eq!(branch_targets(&b), Some((0x1010, 0x1008)));
    }

    #[test]
    fn a_superblock_follows_a_likely_taken_branch_and_a_forward_b() {
        // The b.eq at 0x1000 is mostly taken: a side exit to 0x1004 on ne,
        // then the add at 0x1010, then the end of the code (a fetch fault
        // at 0x1014). The block's range covers what it skipped.
        let b = block(&CODE, 8, &|_, _| Some(true));
        assert_eq!(exits(&b), [0x1004]);
        assert_eq!(insns(&b), [0x1000, 0x1010, 0x1014]);
        assert!(matches!(
            b.term,
            Terminal::Exit {
                reason: crate::cpu::ExitReason::FetchFault,
                pc: 0x1014,
                ..
            }
        ));
        assert_eq!((b.start_pc, b.end_pc), (0x1000, 0x1014));
        // b +8; (skipped); add x0, x0, #1; b -12 (backward: ends the block).
        let code = [0x1400_0002, 0xd420_0000, 0x9100_0400, 0x17ff_fffd];
        let b = block(&code, 8, &|_, _| None);
        assert_eq!(insns(&b), [0x1000, 0x1008, 0x100c]);
        assert!(matches!(b.term, Terminal::Jump { pc: 0x1000 }));
        // Without side exits allowed, the b ends the block.
        let b = block(&code, 0, &|_, _| None);
        assert_eq!(insns(&b), [0x1000]);
    }
}
