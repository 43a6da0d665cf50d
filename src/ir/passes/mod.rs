//! IR optimisation passes, run on every block before code generation:
//! guest-state forwarding, then constant folding.

pub mod fold;
pub mod forward;

use super::Block;

/// Runs the pass pipeline.
pub fn optimize(block: &mut Block) {
    forward::run(block);
    fold::run(block);
}
