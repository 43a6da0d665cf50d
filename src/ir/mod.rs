//! The intermediate representation between the arm64 frontend and host backends.

pub mod builder;
pub mod eval;
pub mod ops;
pub mod passes;

pub use builder::{recycle, Builder};
pub use ops::*;
