//! Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET.

use super::{Ctx, TResult};
use crate::arm64::encodings::branch::Op;
use crate::arm64::Fields;
use crate::ir::{BinOp, Flow, Width};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let pc = cx.pc;
    let next = cx.next_pc();
    let rel = |bits_shift: i64| pc.wrapping_add(bits_shift as u64);
    match op {
        Op::B => cx.b.jump(rel(f.s('i') << 2)),
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
                let nzcv = cx.b.get_nzcv();
                let c = cx.b.cond(cond, nzcv);
                conditional(cx, c, target, next);
            }
        }
        Op::CBZ | Op::CBNZ => {
            let w = Width::sf(f.b('z'));
            let v = cx.xw(f.u('d'), w);
            let zero = cx.k(0);
            // c = (v == 0) computed as a condition on flags of v - 0.
            let flags =
                cx.b.flags(crate::ir::FlagsOp::Logic, Width::W64, v, zero, None);
            let cond = if op == Op::CBZ { 0 } else { 1 };
            let c = cx.b.cond(cond, flags);
            conditional(cx, c, rel(f.s('i') << 2), next);
        }
        Op::TBZ | Op::TBNZ => {
            let bit = f.u('b');
            let v = cx.x(f.u('d'));
            let sh = cx.k(bit as u64);
            let shifted = cx.b.bin(BinOp::Lshr, Width::W64, v, sh);
            let bit = cx.b.zext(shifted, 1);
            let c = if op == Op::TBNZ {
                bit
            } else {
                let one = cx.k(1);
                cx.b.bin(BinOp::Xor, Width::W64, bit, one)
            };
            conditional(cx, c, rel(f.s('i') << 2), next);
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

/// A conditional branch to `target` if `c`, else to `next`: the block's
/// terminal, or, forwards where the block may go on ([`Ctx::side_exits`]),
/// a side exit, the block going on at `next`.
fn conditional(cx: &mut Ctx, c: crate::ir::Val, target: u64, next: u64) {
    let likely = |f: &dyn Fn(u64, u64) -> bool| f(target, next);
    if cx.side_exits > 0 && target > next && cx.falls_through.is_some_and(likely) {
        cx.side_exits -= 1;
        cx.b.exit_if(c, target);
    } else {
        cx.b.branch(c, target, next);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{translate_block_debug, DebugShape};
    use crate::arm64::cpu_model::Cpu;
    use crate::ir::{Block, Op, Terminal};

    /// The block at 0x1000 of `words`, with up to `side_exits` side exits
    /// where `falls` says so.
    fn block(words: &[u32], side_exits: usize, falls: &dyn Fn(u64, u64) -> bool) -> Block {
        let mut fetch = |a: u64| {
            let i = a.checked_sub(0x1000)? / 4;
            words.get(i as usize).copied()
        };
        let shape = DebugShape {
            max_insns: 64,
            breakpoint: None,
            side_exits,
            falls_through: Some(falls),
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
        let b = block(&CODE, 8, &|_, _| true);
        // The backward b.ne ends the block.
        assert_eq!(exits(&b), [0x1010, 0x1010, 0x1010]);
        assert!(matches!(
            b.term,
            Terminal::Branch {
                taken: 0x1000,
                not_taken: 0x1010,
                ..
            }
        ));
        // Only as many as allowed; the next ends the block.
        let b = block(&CODE, 1, &|_, _| true);
        assert_eq!(exits(&b), [0x1010]);
        assert!(matches!(
            b.term,
            Terminal::Branch {
                taken: 0x1010,
                not_taken: 0x1008,
                ..
            }
        ));
        // Not where the target is the likely path.
        let b = block(&CODE, 8, &|target, next| {
            !(target == 0x1010 && next == 0x1004)
        });
        assert!(exits(&b).is_empty());
        assert!(matches!(
            b.term,
            Terminal::Branch {
                taken: 0x1010,
                not_taken: 0x1004,
                ..
            }
        ));
    }
}
