//! The soft-TLB of system mode: a per-CPU direct-mapped table from guest
//! virtual pages to host addresses, probed inline by translated code (see
//! `backend::x64::emit_mem_tlb`) and filled by a slow path the system layer
//! provides. User mode has none: there a guest address is the host address.
//!
//! An entry holds one comparator per access kind and the addend that turns
//! a guest virtual address of the page into a host address. A comparator is
//! the page's virtual address (all 64 bits, tag included) when the access is
//! allowed, else [`INVALID`], which no page address equals: pages that are
//! not RAM (MMIO) are never entered, so every access to them takes the slow
//! path, which performs it.

use crate::cpu::CpuState;

/// One table entry, 32 bytes; the layout is read by translated code.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TlbEntry {
    /// Page address when reads are allowed, else [`INVALID`].
    pub read: u64,
    /// Page address when writes are allowed, else [`INVALID`].
    pub write: u64,
    /// Page address when instruction fetch is allowed, else [`INVALID`].
    pub code: u64,
    /// Host address of the page minus its guest virtual address.
    pub addend: u64,
}

/// A comparator that never matches: page addresses have bits 11:0 clear.
pub const INVALID: u64 = u64::MAX;

/// log2 of the page size the table maps.
pub const PAGE_BITS: u32 = 12;
/// log2 of the number of entries.
pub const TLB_BITS: u32 = 8;
/// Entries per table.
pub const TLB_ENTRIES: usize = 1 << TLB_BITS;
/// log2 of `size_of::<TlbEntry>()`.
pub const ENTRY_BITS: u32 = 5;

const EMPTY: TlbEntry = TlbEntry {
    read: INVALID,
    write: INVALID,
    code: INVALID,
    addend: 0,
};

/// Bits of the `info` argument of a [`SlowPath`] call.
pub mod info {
    /// Bytes accessed (1..=64).
    pub const SIZE_MASK: u64 = 0xff;
    /// The access reads memory.
    pub const READ: u64 = 1 << 8;
    /// The access writes memory.
    pub const WRITE: u64 = 1 << 9;
    /// The slow path performs the access itself (a 1-, 2-, 4- or 8-byte
    /// load or store, possibly to MMIO) and returns the loaded value;
    /// without it, it returns the host address of the first byte.
    pub const ACCESS: u64 = 1 << 10;
    /// With [`ACCESS`] and [`READ`]: sign-extend the loaded value.
    pub const SIGNED: u64 = 1 << 11;
}

/// The out-of-line path of an access that missed the table:
/// `slow(cpu, guest virtual address, info, value to store)`. It fills the
/// entry (or not) and answers as [`info::ACCESS`] says. On a guest fault it
/// sets `CpuState::fault` (non-zero) and whatever the system layer needs to
/// raise the exception; the block then leaves with
/// [`crate::cpu::ExitReason::Fault`] at the faulting instruction.
pub type SlowPath = unsafe extern "C" fn(*mut CpuState, u64, u64, u64) -> u64;

/// How the backend reaches the soft-TLB, fixed when it is configured.
#[derive(Copy, Clone, Debug)]
pub struct TlbConfig {
    /// Offset from the `CpuState` pointer of a `u64` that holds the address
    /// of the current table (the system layer switches it with the
    /// exception level).
    pub table_ptr_offset: i32,
    /// The miss handler.
    pub slow: SlowPath,
}

/// One table.
pub struct SoftTlb {
    entries: Box<[TlbEntry]>,
}

impl Default for SoftTlb {
    fn default() -> Self {
        SoftTlb {
            entries: vec![EMPTY; TLB_ENTRIES].into_boxed_slice(),
        }
    }
}

impl SoftTlb {
    /// Address of the first entry (what translated code indexes).
    pub fn base(&self) -> u64 {
        self.entries.as_ptr() as u64
    }

    /// Index of the entry for virtual address `va`.
    pub fn index(va: u64) -> usize {
        (va >> PAGE_BITS) as usize & (TLB_ENTRIES - 1)
    }

    /// The entry `va` maps to.
    pub fn entry(&self, va: u64) -> &TlbEntry {
        &self.entries[Self::index(va)]
    }

    /// Maps the page of `va` to host page `host` with the given rights.
    pub fn fill(&mut self, va: u64, host: u64, read: bool, write: bool, code: bool) {
        let page = va & !((1 << PAGE_BITS) - 1);
        let tag = |ok: bool| if ok { page } else { INVALID };
        self.entries[Self::index(va)] = TlbEntry {
            read: tag(read),
            write: tag(write),
            code: tag(code),
            addend: (host & !((1 << PAGE_BITS) - 1)).wrapping_sub(page),
        };
    }

    /// Drops every entry.
    pub fn flush(&mut self) {
        self.entries.fill(EMPTY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn entry_layout() {
        assert_eq!(size_of::<TlbEntry>(), 1 << ENTRY_BITS);
        assert_eq!(offset_of!(TlbEntry, read), 0);
        assert_eq!(offset_of!(TlbEntry, write), 8);
        assert_eq!(offset_of!(TlbEntry, code), 16);
        assert_eq!(offset_of!(TlbEntry, addend), 24);
    }

    #[test]
    fn fill_and_flush() {
        let mut t = SoftTlb::default();
        t.fill(0xffff_0000_1234_5678, 0x7000_0000_0000, true, false, true);
        let e = *t.entry(0xffff_0000_1234_5000);
        assert_eq!(e.read, 0xffff_0000_1234_5000);
        assert_eq!(e.write, INVALID);
        assert_eq!(
            0xffff_0000_1234_5678u64.wrapping_add(e.addend),
            0x7000_0000_0678
        );
        t.flush();
        assert_eq!(t.entry(0xffff_0000_1234_5000).read, INVALID);
    }
}
