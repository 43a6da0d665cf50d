//! The intermediate representation between the arm64 frontend and host backends.

pub mod builder;
pub mod ops;

pub use builder::Builder;
pub use ops::*;
