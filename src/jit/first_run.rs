//! Interpreted first runs: the first [`INTERPRETED_RUNS`] times the
//! dispatcher reaches a block it has not compiled, it runs the block's IR
//! in the IR interpreter ([`crate::backend::interp`]) instead of compiling
//! it; only a block reached more often is compiled (at the quick tier, see
//! [`super::tier`]). Most blocks of a start-up run once or a few times (the
//! loader's and libc's initialisation), and building IR and interpreting it
//! costs a fraction of compiling it: a block that runs once costs its IR
//! and one interpretation instead of a register allocation, emission and a
//! place in the code cache. The IR of the last [`KEPT`] blocks interpreted
//! is kept, so a block reached again soon is neither built again for its
//! next interpretation nor for its compilation.
//!
//! Interpreted blocks are never linked to or from and never enter the
//! indirect-branch table; each of their exits goes back to the dispatcher.
//! The interpreter gives the same guest-visible results as compiled code
//! (it is the IR's reference semantics, against which the x86-64 backend
//! is tested), including faults at the exact instruction.

use super::addr_map::AddrMap;
use crate::ir::Block;
use std::collections::VecDeque;

/// Runs of a block the interpreter makes before the block is compiled.
pub const INTERPRETED_RUNS: u8 = 3;

/// Interpreted blocks whose IR is kept at most (the most recently
/// interpreted): a block reached again soon is not built again.
const KEPT: usize = 64;

/// Which blocks are still to be interpreted, and the IR of the last ones
/// interpreted.
#[derive(Default)]
pub struct FirstRuns {
    /// Whether blocks get interpreted first runs at all: emu-user turns
    /// them on; the instruction tests, which test compiled code, do not.
    pub on: bool,
    /// Interpreted runs so far of blocks not yet compiled.
    runs: AddrMap<u8>,
    /// IR of interpreted blocks, by address.
    kept: AddrMap<Block>,
    /// Addresses in the order their IR was kept (some since taken).
    order: VecDeque<u64>,
    /// Bumped whenever IR built before may no longer be what the guest
    /// code translates to (see [`FirstRuns::code_changed`]).
    epoch: u64,
}

impl FirstRuns {
    /// Whether the block at `pc`, which is not compiled, is to be
    /// interpreted this time; counts the run if so. Forgets the block
    /// once it has had its interpreted runs (it is compiled next).
    pub fn take(&mut self, pc: u64) -> bool {
        if !self.on {
            return false;
        }
        let runs = self.runs.entry(pc).or_insert(0);
        if *runs < INTERPRETED_RUNS {
            *runs += 1;
            return true;
        }
        self.runs.remove(&pc);
        false
    }

    /// How many times the block at `pc` has been interpreted (0 to
    /// `INTERPRETED_RUNS`; 0 once compiled).
    pub fn runs(&self, pc: u64) -> u32 {
        self.runs.get(&pc).map_or(0, |&r| r as u32)
    }

    /// The current IR epoch: IR built now may be kept (see
    /// [`FirstRuns::keep`]) while it lasts.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Keeps the IR of a block just interpreted, built in `epoch`, for its
    /// next run; gives back what is not kept (the block itself if built
    /// before the guest code or how it is translated changed, else the
    /// oldest block kept if there are too many).
    pub fn keep(&mut self, block: Block, epoch: u64) -> Option<Block> {
        if epoch != self.epoch {
            return Some(block);
        }
        self.order.push_back(block.start_pc);
        if let Some(old) = self.kept.insert(block.start_pc, block) {
            return Some(old);
        }
        while self.kept.len() > KEPT {
            let pc = self.order.pop_front()?;
            if let Some(old) = self.kept.remove(&pc) {
                return Some(old);
            }
        }
        None
    }

    /// The kept IR of the block at `pc`, if any.
    pub fn take_kept(&mut self, pc: u64) -> Option<Block> {
        let b = self.kept.remove(&pc)?;
        if self.order.len() > 4 * KEPT {
            // Addresses whose IR was taken: drop them now and then.
            let kept = &self.kept;
            self.order.retain(|a| kept.contains_key(a));
        }
        Some(b)
    }

    /// Guest code changed, or how it is translated: IR built before is
    /// neither kept nor used. Gives back the IR dropped.
    pub fn code_changed(&mut self) -> impl Iterator<Item = Block> + '_ {
        self.epoch += 1;
        self.order.clear();
        self.kept.drain().map(|(_, b)| b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interprets_the_first_runs_then_compiles() {
        let mut f = FirstRuns::default();
        assert!(!f.take(0x1000), "off by default");
        f.on = true;
        for _ in 0..INTERPRETED_RUNS {
            assert!(f.take(0x1000));
        }
        assert!(f.take(0x2000), "counted per block");
        assert!(!f.take(0x1000));
        assert!(!f.runs.contains_key(&0x1000), "forgotten once compiled");
    }

    fn block(pc: u64) -> Block {
        let mut b = crate::ir::builder::Builder::new(pc);
        b.insn_start(pc);
        b.finish(pc + 4)
    }

    #[test]
    fn kept_ir_is_taken_once_bounded_and_dropped_when_code_changes() {
        let mut f = FirstRuns::default();
        let e = f.epoch();
        assert!(f.keep(block(0x1000), e).is_none());
        assert!(f.take_kept(0x2000).is_none());
        assert_eq!(f.take_kept(0x1000).map(|b| b.start_pc), Some(0x1000));
        assert!(f.take_kept(0x1000).is_none(), "taken once");
        for i in 0..KEPT as u64 {
            assert!(f.keep(block(0x1000 + 4 * i), e).is_none());
        }
        // One more: the oldest goes.
        let next = 0x1000 + 4 * KEPT as u64;
        assert_eq!(f.keep(block(next), e).map(|b| b.start_pc), Some(0x1000));
        assert!(f.take_kept(0x1000).is_none());
        assert!(f.take_kept(next).is_some());
        assert_eq!(f.code_changed().count(), KEPT - 1);
        assert!(f.take_kept(0x1004).is_none());
        // IR built before the change is not kept.
        assert!(f.keep(block(0x1000), e).is_some());
        assert!(f.take_kept(0x1000).is_none());
    }
}
