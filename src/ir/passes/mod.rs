//! IR optimisation passes, run on every block before code generation:
//! guest-state forwarding, constant folding, then dropping zero extensions
//! that only 32-bit operations read.

pub mod fold;
pub mod forward;
pub mod narrow;

use super::Block;

/// Runs the pass pipeline.
pub fn optimize(block: &mut Block) {
    forward::run(block);
    fold::run(block);
    narrow::run(block);
}
