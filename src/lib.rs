//! emu: an AArch64 Linux user-mode binary translator for x86-64 hosts.
//!
//! Pipeline: [`arm64`] (encoding table, decoder) → [`frontend`] (arm64 → IR)
//! → [`ir`] → [`backend`] (IR → x86-64) → [`jit`] (code cache, dispatcher,
//! block linking) → [`linux`] (loader, syscalls, process model).

pub mod arm64;
pub mod backend;
pub mod cpu;
pub mod frontend;
pub mod gdb;
pub mod ir;
pub mod jit;
pub mod linux;
pub mod plugin;
pub mod runtime;
pub mod system;
