//! A write-through cache of V registers in xmm8–xmm15 within a block (user
//! mode). Every write of a V register still goes to the CPU state, so the
//! state in memory stays exact at every instruction (faults, signals and
//! helpers see it as before); a cached register only lets a later vector
//! operation read the value from an xmm register instead of loading it
//! back from the store it has just made, which keeps chains of vector
//! operations off the store-forwarding latency.
//!
//! Invariant between operations: a V register with a cache entry holds in
//! the CPU state exactly the 128 bits of its xmm register. Operations that
//! write V registers otherwise, or may call host code (which clobbers every
//! xmm register), drop entries ([`Emitter::vcache_after`]); so does every
//! label a jump can reach (the self-loop's body). The cache is on only in
//! blocks with inline vector operations (the ones that read it): elsewhere
//! its copies would only cost instructions.

use super::emit::Emitter;
use super::regalloc::may_call;
use crate::cpu::state::v_offset;
use crate::ir::{Block, Op};
use dynasmrt::{dynasm, DynasmApi};

/// The xmm registers of the cache; the emitters use xmm0–xmm5 as scratch.
const FIRST: u8 = 8;
const COUNT: u8 = 8;

/// Which xmm register holds which V register.
#[derive(Clone, Debug, Default)]
pub(super) struct VCache {
    /// Off in system mode, whose soft-TLB miss paths call helpers from
    /// within memory operations.
    pub on: bool,
    /// For each V register: its xmm register, or 0.
    xmm: [u8; 32],
    /// The next xmm register to (re)assign, round robin.
    next: u8,
    /// Set when [`Emitter::vcache_store`] records the write of the
    /// operation being emitted.
    pub recorded: bool,
}

impl VCache {
    pub fn new(on: bool) -> VCache {
        VCache {
            on,
            ..VCache::default()
        }
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.xmm = [0; 32];
    }

    fn forget(&mut self, v: u8) {
        self.xmm[v as usize % 32] = 0;
    }
}

/// Whether `block` has an inline vector operation, which reads its
/// operands from the cache.
pub(super) fn worth_it(block: &Block) -> bool {
    (block.ops.iter()).any(|o| matches!(o, Op::VBin { .. } | Op::Vec { .. }) && !may_call(o))
}

/// The V register at CPU-state offset `off`, if `off` is one's start.
fn v_of(off: i32) -> Option<u8> {
    let rel = off.checked_sub(v_offset(0) as i32)?;
    (rel >= 0 && rel % 16 == 0 && rel < 32 * 16).then_some((rel / 16) as u8)
}

impl Emitter {
    /// The cache register of the V register that starts at offset `off`.
    pub(super) fn vcached(&self, off: i32) -> Option<u8> {
        v_of(off)
            .map(|v| self.vcache.xmm[v as usize])
            .filter(|&x| x != 0)
    }

    /// `xmm = V register at offset off`, from its cache register if it has one.
    pub(super) fn load_v(&mut self, xmm: u8, off: i32) {
        match self.vcached(off) {
            Some(c) => dynasm!(self.a ; .arch x64 ; movdqa Rx(xmm), Rx(c)),
            None => dynasm!(self.a ; .arch x64 ; movdqa Rx(xmm), [r15 + off]),
        }
    }

    /// `xmm = pshufd` of the V register at offset `off` with selector
    /// `sel`, from its cache register if it has one.
    pub(super) fn pshufd_v(&mut self, xmm: u8, off: i32, sel: i8) {
        match self.vcached(off) {
            Some(c) => dynasm!(self.a ; .arch x64 ; pshufd Rx(xmm), Rx(c), sel),
            None => dynasm!(self.a ; .arch x64 ; pshufd Rx(xmm), [r15 + off], sel),
        }
    }

    /// The cache entries: (xmm register, CPU-state offset of its V register).
    pub(super) fn vcache_entries(&self) -> Vec<(u8, i32)> {
        (0..32)
            .filter(|&v| self.vcache.xmm[v] != 0)
            .map(|v| (self.vcache.xmm[v], v_offset(v) as i32))
            .collect()
    }

    /// Records that the V register at offset `off` was just stored from
    /// `xmm` (all 128 bits), copying it to the register's cache register.
    pub(super) fn vcache_store(&mut self, off: i32, xmm: u8) {
        let Some(v) = v_of(off) else { return };
        let c = &mut self.vcache;
        c.recorded = true;
        if !c.on {
            return;
        }
        let mut x = c.xmm[v as usize];
        if x == 0 {
            x = FIRST + c.next;
            c.next = (c.next + 1) % COUNT;
            // The register's previous V register loses its entry.
            if let Some(old) = c.xmm.iter().position(|&o| o == x) {
                c.xmm[old] = 0;
            }
            c.xmm[v as usize] = x;
        }
        dynasm!(self.a ; .arch x64 ; movdqa Rx(x), Rx(xmm));
    }

    /// Keeps the invariant after `op` was emitted: drops the entries of the
    /// V registers it wrote without [`Emitter::vcache_store`], or all of
    /// them if it may have called host code.
    pub(super) fn vcache_after(&mut self, op: &Op) {
        let c = &mut self.vcache;
        let recorded = std::mem::take(&mut c.recorded);
        if !c.on {
            // No entries to drop.
            return;
        }
        match *op {
            Op::Nop
            | Op::InsnStart { .. }
            | Op::Const { .. }
            | Op::GetReg { .. }
            | Op::SetReg { .. }
            | Op::LoadState { .. }
            | Op::Bin { .. }
            | Op::Carry { .. }
            | Op::Flags { .. }
            | Op::Cond { .. }
            | Op::CondCmp { .. }
            | Op::Select { .. }
            | Op::Load { .. }
            | Op::Store { .. }
            | Op::StoreVec { .. }
            | Op::Rmw { .. }
            | Op::Cas { .. }
            | Op::StoreExcl { .. }
            | Op::Fence { .. }
            | Op::CheckAlign { .. }
            | Op::CheckFault { .. }
            | Op::Poll { .. } => {}
            Op::Un { .. } if !may_call(op) => {}
            Op::StoreState { offset, .. } => {
                // An 8-byte store into either half of a V register.
                if let Some(v) = v_of(offset as i32 & !15) {
                    c.forget(v);
                }
            }
            Op::VBin { vd, .. } | Op::Vec { vd, .. } if !may_call(op) => {
                if !recorded {
                    c.forget(vd);
                }
            }
            // Inline, a structure load records every register it writes.
            Op::Structs { .. } if !may_call(op) => {}
            Op::LoadVec { vreg, .. } => {
                if !recorded {
                    c.forget(vreg);
                }
            }
            _ => c.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_register_offsets() {
        let v0 = v_offset(0) as i32;
        assert_eq!(v_of(v0), Some(0));
        assert_eq!(v_of(v0 + 16 * 31), Some(31));
        assert_eq!(v_of(v0 + 8), None);
        assert_eq!(v_of(v0 + 16 * 32), None);
        assert_eq!(v_of(v0 - 16), None);
    }
}
