//! The guest ISA: the A64 encoding table, the decoder and helpers for
//! architectural computations that do not depend on the host.

pub mod bits;
pub mod cpu_model;
pub mod decode;
pub mod disasm;
pub mod encodings;
pub mod features;
pub mod sysreg;
pub mod sysreg_el1;

pub use decode::{decode, Fields};
pub use encodings::Insn;
