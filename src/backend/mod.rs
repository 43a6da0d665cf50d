//! Host code generators. Backends see only IR and CPU-state offsets, never
//! arm64 encodings.

pub mod interp;
pub mod x64;
