//! The CPU features emu announces to the guest (AT_HWCAP / AT_HWCAP2 and the
//! ID registers): exactly what the translator implements.

/// HWCAP_FP | HWCAP_ASIMD | HWCAP_ATOMICS | HWCAP_CPUID.
pub const HWCAP: u64 = (1 << 0) | (1 << 1) | (1 << 8) | (1 << 11);
/// No HWCAP2 features yet.
pub const HWCAP2: u64 = 0;
