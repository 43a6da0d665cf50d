//! The host floating-point environment as seen by the guest.
//!
//! Translated code runs SSE arithmetic directly when the guest's FPCR asks
//! for the host's default environment (round to nearest, no flushing), and
//! leaves the IEEE exception flags it raises pending in MXCSR instead of
//! adding them to FPSR after every operation. While translated code runs,
//! MXCSR's flags belong to the guest:
//!
//! * [`clear_pending`] drops flags emu's own code raised, before translated
//!   code starts;
//! * [`take_pending`] moves them into FPSR when translated code stops, and
//!   whenever the guest reads or writes FPSR;
//! * a runtime helper that computes in Rust brackets its work with
//!   [`HelperScope`], so flags its own computations raise (beyond those the
//!   guest operation legitimately raised) do not leak into the guest's.

use std::arch::asm;

/// MXCSR exception flag bits: IE, DE, ZE, OE, UE, PE.
pub const FLAGS: u32 = 0x3F;

/// Reads MXCSR.
pub fn get_mxcsr() -> u32 {
    let mut v = 0u32;
    // SAFETY: stores MXCSR into a local.
    unsafe { asm!("stmxcsr [{p}]", p = in(reg) &mut v as *mut u32, options(nostack)) };
    v
}

/// Writes MXCSR's exception flags, keeping its control bits.
fn set_flags(flags: u32) {
    let v = (get_mxcsr() & !FLAGS) | (flags & FLAGS);
    // SAFETY: loads MXCSR from a local; only the exception flags change, so
    // the rounding mode and masks compiled code relies on stay.
    unsafe { asm!("ldmxcsr [{p}]", p = in(reg) &v as *const u32, options(nostack)) };
}

/// FPSR exception bits (IOC, DZC, OFC, UFC, IXC) for MXCSR flags; the
/// denormal-operand flag has no FPSR counterpart.
pub fn fpsr_bits(mxcsr: u32) -> u64 {
    let bit = |m: u32, f: u64| if mxcsr & m != 0 { f } else { 0 };
    bit(1 << 0, 1)
        | bit(1 << 2, 1 << 1)
        | bit(1 << 3, 1 << 2)
        | bit(1 << 4, 1 << 3)
        | bit(1 << 5, 1 << 4)
}

/// MXCSR flags for FPSR exception bits.
pub fn mxcsr_bits(fpsr: u64) -> u32 {
    let bit = |f: u64, m: u32| if fpsr & f != 0 { m } else { 0 };
    bit(1, 1)
        | bit(1 << 1, 1 << 2)
        | bit(1 << 2, 1 << 3)
        | bit(1 << 3, 1 << 4)
        | bit(1 << 4, 1 << 5)
}

/// Removes the pending flags from MXCSR and returns them as FPSR bits.
pub fn take_pending() -> u64 {
    let st = get_mxcsr();
    if st & FLAGS == 0 {
        return 0;
    }
    set_flags(0);
    fpsr_bits(st)
}

/// Drops whatever flags MXCSR holds.
pub fn clear_pending() {
    if get_mxcsr() & FLAGS != 0 {
        set_flags(0);
    }
}

/// Brackets a runtime helper's Rust computations (see the module docs).
pub struct HelperScope {
    entry: u32,
}

impl HelperScope {
    pub fn enter() -> HelperScope {
        HelperScope {
            entry: get_mxcsr() & FLAGS,
        }
    }

    /// Leaves MXCSR holding the flags it held on entry plus `raised` (the
    /// FPSR bits the helper's operation raised), dropping any others.
    pub fn finish(self, raised: u64) {
        let want = self.entry | mxcsr_bits(raised);
        let now = get_mxcsr() & FLAGS;
        if now & !want != 0 {
            set_flags(now & want);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inexact_division_is_pending_then_taken() {
        clear_pending();
        let x = std::hint::black_box(1.0f64) / std::hint::black_box(3.0f64);
        assert!(x > 0.0);
        assert_eq!(take_pending(), 1 << 4); // IXC
        assert_eq!(take_pending(), 0);
    }

    #[test]
    fn helper_scope_drops_flags_it_did_not_report() {
        clear_pending();
        let s = HelperScope::enter();
        let x = std::hint::black_box(1.0f64) / std::hint::black_box(3.0f64);
        assert!(x > 0.0);
        s.finish(0);
        assert_eq!(take_pending(), 0);
        let s = HelperScope::enter();
        std::hint::black_box(std::hint::black_box(1.0f64) / std::hint::black_box(3.0f64));
        s.finish(1 << 4);
        assert_eq!(take_pending(), 1 << 4);
    }

    #[test]
    fn bit_maps_are_inverse() {
        for f in [1u64, 2, 4, 8, 16, 31] {
            assert_eq!(fpsr_bits(mxcsr_bits(f)), f);
        }
    }
}
