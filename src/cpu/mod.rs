//! Guest CPU state shared by the translator, the Linux layer and (later) system mode.

pub mod fpenv;
pub mod huge_table;
pub mod jump_table;
pub mod state;

pub use state::{CpuState, ExitReason, SP};
