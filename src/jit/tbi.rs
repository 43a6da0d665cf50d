//! Top-byte-ignore (TBI) for guest data accesses and branch targets.
//!
//! Linux runs EL0 with TCR_EL1.TBI0 set (and TBID0 clear): a load or store
//! ignores bits 63:56 of its virtual address, and a branch to a tagged
//! address continues at the address with its top byte replaced by copies of
//! bit 55 (`AArch64.BranchAddr`). Translated code accesses memory at the
//! guest address itself, so untagged code pays nothing; on x86-64 a tagged
//! address is non-canonical and its access raises #GP, which the host
//! reports as SIGSEGV (SIGBUS for #SS, an rsp- or rbp-based address) with
//! si_code SI_KERNEL and no address. The dispatcher
//! takes such a fault as the sign that the code around the instruction uses
//! tagged pointers: it records a window of guest code ([`Untag`]), drops
//! the translations and runs the instruction again, now translated with
//! explicit tag clearing ([`crate::ir::Builder::guest_addr`]). After
//! [`MAX_WINDOWS`] windows every access clears the tag.

use crate::cpu::CpuState;
use crate::frontend::MAX_BLOCK_INSNS;
use crate::ir::builder::TAG_CLEAR;

/// Guest code on each side of a faulting instruction translated with tag
/// clearing: the whole of any block containing it.
const WINDOW: u64 = 4 * MAX_BLOCK_INSNS as u64;

/// Windows recorded before every access clears the tag (each new window
/// empties the code cache once).
pub const MAX_WINDOWS: usize = 64;

/// si_code of a fault the kernel raised without a fault address (x86 #GP).
const SI_KERNEL: u64 = 0x80;
/// si_code SEGV_MAPERR.
const SEGV_MAPERR: u64 = 1;

/// The guest code whose memory accesses clear the address tag.
#[derive(Clone, Debug, Default)]
pub struct Untag {
    windows: Vec<(u64, u64)>,
    all: bool,
}

impl Untag {
    /// Whether the accesses of the instruction at `pc` clear the tag.
    pub fn covers(&self, pc: u64) -> bool {
        self.all || self.windows.iter().any(|&(s, e)| s <= pc && pc < e)
    }

    /// Whether no code clears the tag (the common case: nothing to ask per
    /// instruction).
    pub fn is_empty(&self) -> bool {
        !self.all && self.windows.is_empty()
    }

    /// Records that the access at `pc` met a non-canonical address. Returns
    /// the guest range whose translations must be dropped, or `None` when
    /// `pc` already clears the tag (the address is bad even untagged).
    pub fn add(&mut self, pc: u64) -> Option<(u64, u64)> {
        if self.covers(pc) {
            return None;
        }
        if self.windows.len() >= MAX_WINDOWS {
            self.all = true;
            return Some((0, u64::MAX));
        }
        let w = (pc.saturating_sub(WINDOW), pc.saturating_add(WINDOW));
        self.windows.push(w);
        Some(w)
    }
}

/// Whether a fault exit is an access to a non-canonical address: a host
/// #GP (SIGSEGV) or, when the address is based on rsp or rbp, #SS
/// (SIGBUS), both with si_code SI_KERNEL.
pub fn non_canonical(cpu: &CpuState) -> bool {
    let sig = (cpu.fault & 0xff) as i32;
    (sig == libc::SIGSEGV || sig == libc::SIGBUS) && (cpu.fault >> 8) & 0xff == SI_KERNEL
}

/// Completes the fault exit of an instruction that clears the tag: its full
/// address is in `cpu.tagged_addr`. A #GP means the address is bad even
/// without its tag (beyond the host's address space): a translation fault
/// at that address, as arm64 Linux reports for an unmapped user address.
/// Any other fault keeps the host's fault address with the tag put back.
pub fn complete_fault(cpu: &mut CpuState) {
    if non_canonical(cpu) {
        cpu.fault = (cpu.fault & !0xffff) | SEGV_MAPERR << 8 | libc::SIGSEGV as u64;
        cpu.exit_arg = cpu.tagged_addr;
    } else {
        retag(cpu);
    }
}

/// Puts the tag of the access of an instruction that clears it back on the
/// fault (or misaligned) address in `cpu.exit_arg`.
pub fn retag(cpu: &mut CpuState) {
    cpu.exit_arg = (cpu.tagged_addr & !TAG_CLEAR) | (cpu.exit_arg & TAG_CLEAR);
}

/// `untagged_addr` of the arm64 kernel: bits 63:56 replaced by copies of
/// bit 55.
pub fn untagged(addr: u64) -> u64 {
    (((addr << 8) as i64) >> 8) as u64
}

/// The PC a branch to `target` continues at (`AArch64.BranchAddr` at EL0
/// with TBI applying to instruction addresses).
pub fn branch_addr(target: u64) -> u64 {
    untagged(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_addresses() {
        let mut u = Untag::default();
        assert!(!u.covers(0x1000));
        assert_eq!(u.add(0x1000), Some((0x1000 - WINDOW, 0x1000 + WINDOW)));
        assert!(u.covers(0x1000 + WINDOW - 4));
        assert_eq!(u.add(0x1004), None);
        for i in 1..MAX_WINDOWS as u64 {
            assert!(u.add(i << 20).is_some());
        }
        assert_eq!(u.add(1 << 40), Some((0, u64::MAX)));
        assert!(u.covers(12345 << 20));
        assert_eq!(untagged(0x5a00_0000_1234_5678), 0x1234_5678);
        assert_eq!(untagged(0x5a80_0000_0000_0000), 0xff80_0000_0000_0000);
        assert_eq!(branch_addr(0x0000_ffff_0000_0000), 0x0000_ffff_0000_0000);
    }
}
