//! The Linux user-mode layer.

pub mod binfmt;
pub mod elf;
pub mod elf_error;
pub mod host_signals;
pub mod hwcap;
pub mod loader;
pub mod proc_view;
pub mod run;
pub mod signal_frame;
pub mod stack;
pub mod thread;
pub mod vdso;
