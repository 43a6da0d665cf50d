//! The intermediate representation between the arm64 frontend and host backends.

pub mod builder;
pub mod ops;
pub mod passes;

pub use builder::Builder;
pub use ops::*;
