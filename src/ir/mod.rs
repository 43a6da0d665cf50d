//! The intermediate representation between the arm64 frontend and host backends.

pub mod builder;
pub mod crc;
pub mod eval;
pub mod ops;
pub mod passes;
pub mod vec_ops;

pub use builder::{recycle, Builder};
pub use ops::*;
pub use vec_ops::*;
