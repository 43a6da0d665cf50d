//! IR optimisation passes, run on every block before code generation:
//! guest-state forwarding, constant folding, dropping zero extensions that
//! only 32-bit operations read, then the flag optimisations and dropping
//! guest-register writes nothing observes before they are overwritten.

pub mod dead_writes;
pub mod flags;
pub mod fold;
pub mod forward;
pub mod narrow;
pub mod poll;

use super::Block;

/// Clears `v` and fills it with `n` copies of `x`, keeping its buffer (the
/// passes and the backend reuse per-thread buffers from block to block).
pub fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

/// Runs the pass pipeline.
pub fn optimize(block: &mut Block) {
    forward::run(block);
    fold::run(block);
    narrow::run(block);
    flags::run(block);
    dead_writes::run(block);
}
