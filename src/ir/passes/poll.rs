//! Dropping interrupt polls no cycle of blocks needs (user mode).
//!
//! Every cycle of blocks contains an edge from a block to one that starts
//! at or below its own start (start addresses cannot rise all the way
//! around a cycle). So when every block that has such an edge, or an edge
//! the translator cannot see (an indirect branch, an exit), polls, every
//! cycle polls, and a thread whose interrupt word is set comes back to its
//! dispatcher within one pass around whatever loop it runs. A block whose
//! every successor is a direct jump or branch to a higher address need not
//! poll.

use crate::ir::{Block, Op, Terminal};

/// Removes `block`'s [`Op::Poll`] when all its successors start above it.
/// A block polls at most once, at its start (the translator's first
/// operation), so the search stops at the first poll.
pub fn drop_forward_poll(block: &mut Block) {
    let start = block.start_pc;
    let forward = match block.term {
        Terminal::Jump { pc } => pc > start,
        Terminal::Branch {
            taken, not_taken, ..
        } => taken > start && not_taken > start,
        Terminal::Indirect { .. } | Terminal::Exit { .. } => false,
    };
    if !forward {
        return;
    }
    if let Some(at) = block.ops.iter().position(|o| matches!(o, Op::Poll { .. })) {
        block.ops.remove(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Builder;

    fn polls(b: &Block) -> usize {
        b.ops
            .iter()
            .filter(|o| matches!(o, Op::Poll { .. }))
            .count()
    }

    #[test]
    fn only_blocks_with_forward_successors_lose_their_poll() {
        let block = |to: u64| {
            let mut b = Builder::new(0x1000);
            b.poll(0x1000);
            b.insn_start(0x1000);
            b.jump(to);
            b.finish(0x1004)
        };
        let mut fwd = block(0x1004);
        drop_forward_poll(&mut fwd);
        assert_eq!(polls(&fwd), 0);
        for to in [0x1000, 0xffc] {
            let mut back = block(to);
            drop_forward_poll(&mut back);
            assert_eq!(polls(&back), 1, "jump to {to:#x}");
        }
        for (taken, not_taken, left) in [(0x1008, 0x1004, 0), (0x1008, 0xff0, 1)] {
            let mut b = Builder::new(0x1000);
            b.poll(0x1000);
            b.insn_start(0x1000);
            let c = b.get_reg(0);
            b.branch(c, taken, not_taken);
            let mut br = b.finish(0x1004);
            drop_forward_poll(&mut br);
            assert_eq!(polls(&br), left, "branch to {taken:#x} or {not_taken:#x}");
        }
        let mut b = Builder::new(0x1000);
        b.poll(0x1000);
        b.insn_start(0x1000);
        let t = b.get_reg(30);
        b.indirect(t);
        let mut ind = b.finish(0x1004);
        drop_forward_poll(&mut ind);
        assert_eq!(polls(&ind), 1);
    }
}
