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
pub(super) const FIRST: u8 = 8;
pub(super) const COUNT: u8 = 8;

/// Which xmm register holds which V register.
#[derive(Clone, Debug, Default)]
pub(super) struct VCache {
    /// Off in system mode, whose soft-TLB miss paths call helpers from
    /// within memory operations.
    pub on: bool,
    /// For each V register: its xmm register, or 0.
    xmm: [u8; 32],
    /// For each cache register: when its entry was last read or written
    /// (a count of those events), so that a new entry takes the register
    /// used least recently.
    stamp: std::cell::Cell<[u32; COUNT as usize]>,
    clock: std::cell::Cell<u32>,
    /// Set when [`Emitter::vcache_store`] records the write of the
    /// operation being emitted.
    pub recorded: bool,
    /// Bit `v`: the upper 64 bits of V register `v` in the CPU state are
    /// known to be zero (a 64-bit result, a scalar write or a load of 8
    /// bytes or fewer since the last write of another kind).
    hi_zero: u32,
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
        self.hi_zero = 0;
    }

    /// Whether V register `v` has its upper 64 bits known to be zero.
    pub fn hi_zero(&self, v: u8) -> bool {
        self.hi_zero & 1 << (v % 32) != 0
    }

    /// Marks cache register `x` as just used.
    fn touch(&self, x: u8) {
        let t = self.clock.get().wrapping_add(1);
        self.clock.set(t);
        let mut s = self.stamp.get();
        s[(x - FIRST) as usize] = t;
        self.stamp.set(s);
    }

    /// Makes `entries` (V register, xmm register) the only entries.
    pub fn set_entries(&mut self, entries: &[(u8, u8)]) {
        self.clear();
        for &(v, x) in entries {
            self.xmm[v as usize % 32] = x;
            self.touch(x);
        }
    }

    fn forget(&mut self, v: u8) {
        self.xmm[v as usize % 32] = 0;
        self.hi_zero &= !(1 << (v % 32));
    }

    /// The cache register for a new value of V register `v`: its own, or
    /// a free one, or the one used least recently, whose V register loses
    /// its entry (the state keeps what it knows of its upper half).
    fn take(&mut self, v: u8) -> u8 {
        let mut x = self.xmm[v as usize % 32];
        if x == 0 {
            let stamp = self.stamp.get();
            let now = self.clock.get();
            let held = |x: u8| self.xmm.contains(&x);
            x = (FIRST..FIRST + COUNT)
                .find(|&x| !held(x))
                .or_else(|| {
                    (FIRST..FIRST + COUNT)
                        .max_by_key(|&x| now.wrapping_sub(stamp[(x - FIRST) as usize]))
                })
                .unwrap_or(FIRST);
            if let Some(old) = self.xmm.iter().position(|&o| o == x) {
                self.xmm[old] = 0;
            }
            self.xmm[v as usize % 32] = x;
        }
        self.touch(x);
        self.hi_zero &= !(1 << (v % 32));
        x
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
        let x = v_of(off)
            .map(|v| self.vcache.xmm[v as usize])
            .filter(|&x| x != 0)?;
        self.vcache.touch(x);
        Some(x)
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
        let x = c.take(v);
        dynasm!(self.a ; .arch x64 ; movdqa Rx(x), Rx(xmm));
    }

    /// The cache register to compute a new value of the V register at
    /// offset `off` in (the cache is on), recorded as its entry: the
    /// operation must store that register to `off` before it ends. Take
    /// the operands' registers before calling this, as it may reassign
    /// one of them.
    pub(super) fn vcache_dest(&mut self, off: i32) -> u8 {
        let v = v_of(off).expect("a V register");
        self.vcache.recorded = true;
        self.vcache.take(v)
    }

    /// Notes that the entry of the V register at `off`, just recorded, has
    /// its upper 64 bits zero.
    pub(super) fn vcache_hi_zero(&mut self, off: i32) {
        if let Some(v) = v_of(off) {
            if self.vcache.xmm[v as usize] != 0 {
                self.vcache.hi_zero |= 1 << v;
            }
        }
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
