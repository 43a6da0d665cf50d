//! The translation engine: code cache, dispatcher and block linking.

pub mod addr_map;
pub mod block_index;
pub mod code_cache;
pub mod dispatch;
pub mod elf_symbols;
pub mod exclusive;
pub mod fetch;
pub mod first_run;
pub mod log;
pub mod perfmap;
pub mod tbi;
pub mod testing;
pub mod tier;

pub use dispatch::Jit;
