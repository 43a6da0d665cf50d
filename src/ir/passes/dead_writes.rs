//! Dead guest-register writes: a `SetReg` that a later `SetReg` of the same
//! register overwrites, with nothing in between that could observe the CPU
//! state in memory, is dropped. Observers are everything but pure
//! computation: memory accesses (a fault reports the state at its
//! instruction), checks, polls, helper calls and state reads. So the state
//! in memory is still exact wherever anything can look at it.

use crate::ir::{Block, Op};

/// Whether `op` can neither look at the CPU state in memory nor leave the
/// block.
fn blind(op: &Op) -> bool {
    match op {
        Op::LoadState { .. } => false,
        Op::Nop | Op::InsnStart { .. } | Op::Fence { .. } => true,
        _ => op.is_pure(),
    }
}

pub fn run(block: &mut Block) {
    // The last write of each register nothing has observed yet.
    let mut pending: [Option<usize>; 32] = [None; 32];
    for i in 0..block.ops.len() {
        match block.ops[i] {
            Op::SetReg { reg, .. } => {
                if let Some(j) = pending[reg as usize].replace(i) {
                    block.ops[j] = Op::Nop;
                }
            }
            Op::GetReg { reg, .. } => pending[reg as usize] = None,
            ref op if blind(op) => {}
            _ => pending = [None; 32],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Builder, Width};

    #[test]
    fn drops_only_unobserved_overwritten_writes() {
        let mut b = Builder::new(0);
        let one = b.konst(1);
        b.set_reg(3, one); // dead: overwritten before anything looks
        let two = b.add(Width::W64, one, one);
        b.set_reg(3, two); // observed by the load below
        let _ = b.load(Width::W64, false, two);
        b.set_reg(3, one); // last write: kept
        b.jump(4);
        let mut block = b.finish(4);
        run(&mut block);
        let sets: Vec<usize> = (block.ops.iter().enumerate())
            .filter(|(_, o)| matches!(o, Op::SetReg { .. }))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(sets.len(), 2, "{:?}", block.ops);
        assert!(matches!(block.ops[1], Op::Nop), "{:?}", block.ops);
    }
}
