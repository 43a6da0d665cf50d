//! Interpreted first runs: the first time the dispatcher reaches a block it
//! has not compiled, it builds the block's IR and runs it in the IR
//! interpreter ([`crate::backend::interp`]) instead of compiling it; only a
//! block reached again is compiled (at the quick tier, see
//! [`super::tier`]). Most blocks of a start-up run once (the loader's and
//! libc's initialisation), and building IR costs a fraction of compiling
//! it, so a block that runs once costs its IR and one interpretation
//! instead of a register allocation, emission and a place in the code
//! cache.
//!
//! Interpreted blocks are never linked to or from and never enter the
//! indirect-branch table; each of their exits goes back to the dispatcher.
//! The interpreter gives the same guest-visible results as compiled code
//! (it is the IR's reference semantics, against which the x86-64 backend
//! is tested), including faults at the exact instruction.

use super::addr_map::AddrMap;

/// Runs of a block the interpreter makes before the block is compiled.
pub const INTERPRETED_RUNS: u8 = 1;

/// Which blocks are still to be interpreted.
#[derive(Default)]
pub struct FirstRuns {
    /// Whether blocks get interpreted first runs at all: emu-user turns
    /// them on; the instruction tests, which test compiled code, do not.
    pub on: bool,
    /// Interpreted runs so far of blocks not yet compiled.
    runs: AddrMap<u8>,
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
}
