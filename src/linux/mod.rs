//! The Linux user-mode layer.

pub mod elf;
pub mod elf_error;
pub mod hwcap;
pub mod loader;
pub mod stack;
pub mod host_signals;
pub mod run;
