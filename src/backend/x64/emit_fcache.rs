//! Scalar floating-point values kept in xmm registers within a block (user
//! mode). An inline `FBin`/`FMulAdd` computes its result in a cache
//! register and leaves it there; a later operation of the same block reads
//! its operands from there instead of moving them from general registers
//! (`movq`), so chains of FP operations stay in the vector domain. So do
//! the values a block loads from V registers for such operations
//! ([`Op::LoadState`] of a register's low half); a V register that a
//! 4- or 8-byte [`Op::LoadVec`] (LDR S/D) filled is loaded straight into a
//! cache register, so such a read takes no instruction (a V entry, dropped
//! when anything may write the register).
//!
//! The cache holds copies only: every value still has its own location
//! (register, spill slot), written as before, and the CPU state is written
//! as before. Entries are dropped when their value is dead, at labels a
//! jump can reach (the self-loop's body) and after an operation that may
//! call host code (which clobbers every xmm register); an exact slow path,
//! which calls its helper out of line, reloads the live entries from their
//! values' locations after the call, so that at its `done` label the cache
//! is as on the inline path.
//!
//! An entry's register holds the value in its low 64 bits (double
//! precision and loads) or, for a single-precision result, only its low 32
//! bits (the rest of the register is whatever the operation left there).
//! A clean entry also has its upper 64 bits zero (loads, and double
//! results computed from clean operands): a write of its value to a V
//! register, with the upper half zeroed as scalar results are, is then one
//! 16-byte store of the register.

use super::emit::Emitter;
use super::regalloc::may_call;
use crate::cpu::state::v_offset;
use crate::ir::{Block, Op, Val};
use dynasmrt::{dynasm, DynasmApi};

/// The cache registers when the V-register cache (xmm8–xmm15) is off; the
/// emitters use xmm0–xmm5 as scratch.
const POOL: [u8; 10] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
/// The cache registers beside the V-register cache.
const POOL_BESIDE_VCACHE: [u8; 2] = [6, 7];

/// How much of a cache register is exact.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Bits {
    /// The value's low 32 bits.
    Low32,
    /// The value's 64 bits.
    Low64,
    /// The value's 64 bits, and zero above them.
    Clean,
}

impl Bits {
    /// The entry of a result: `Clean` for double precision computed from a
    /// clean first operand, `Low64` otherwise, `Low32` for single.
    pub fn of_result(double: bool, first_clean: bool) -> Bits {
        match (double, first_clean) {
            (false, _) => Bits::Low32,
            (true, true) => Bits::Clean,
            (true, false) => Bits::Low64,
        }
    }
}

/// Where a slow path reloads a cache register from after its call.
#[derive(Copy, Clone, Debug)]
pub(super) enum Reload {
    /// The value's location.
    Val(Val),
    /// The 128 bits at this CPU-state offset.
    State(i32),
}

/// Which xmm register holds which value.
#[derive(Default)]
pub(super) struct FCache {
    on: bool,
    pool: &'static [u8],
    /// For each xmm register: the value it holds, and how much of the
    /// register is exact (see [`Bits`]).
    holds: [Option<(Val, Bits)>; 16],
    /// For each xmm register: the V register whose 128 bits it holds (a
    /// scalar load: upper 64 bits zero). A register may hold a value and a
    /// V register at once (the value was read from it).
    vholds: [Option<u8>; 16],
    /// The next pool index to take when no register is free.
    next: usize,
    /// For each value: the index of the last operation that reads it
    /// (`usize::MAX`: the terminal or the back edge).
    last_use: Vec<usize>,
    /// For each value: whether an inline FP operation reads it.
    fp_use: Vec<bool>,
}

/// Whether `block` has an operation the cache serves.
fn worth_it(block: &Block) -> bool {
    (block.ops.iter()).any(|o| matches!(o, Op::FBin { .. } | Op::FMulAdd { .. }))
}

impl FCache {
    /// Prepares the cache for `block`: on in user mode (`user`) for blocks
    /// with FP operations; `extra` are values the terminal's code reads.
    pub fn reset(&mut self, block: &Block, user: bool, vcache_on: bool, extra: &[Val]) {
        self.holds = [None; 16];
        self.vholds = [None; 16];
        self.next = 0;
        self.on = user && worth_it(block);
        self.pool = if vcache_on {
            &POOL_BESIDE_VCACHE
        } else {
            &POOL
        };
        if !self.on {
            return;
        }
        let n = block.n_vals as usize;
        crate::ir::passes::refill(&mut self.last_use, n, 0);
        crate::ir::passes::refill(&mut self.fp_use, n, false);
        for (i, op) in block.ops.iter().enumerate() {
            op.for_each_use(|v| self.last_use[v.0 as usize] = i);
            if matches!(op, Op::FBin { .. } | Op::FMulAdd { .. }) {
                op.for_each_use(|v| self.fp_use[v.0 as usize] = true);
            }
        }
        block
            .term
            .for_each_use(|v| self.last_use[v.0 as usize] = usize::MAX);
        for v in extra {
            self.last_use[v.0 as usize] = usize::MAX;
        }
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.holds = [None; 16];
        self.vholds = [None; 16];
    }

    /// Drops the V entry of V register `n`.
    fn forget_v(&mut self, n: u8) {
        for h in &mut self.vholds {
            if *h == Some(n) {
                *h = None;
            }
        }
    }

    /// The register of V register `n`'s V entry.
    fn of_v(&self, n: u8) -> Option<u8> {
        (0..16u8).find(|&x| self.vholds[x as usize] == Some(n))
    }

    /// The register holding `v` with its low 64 bits (`full`) or at least
    /// its low 32.
    pub fn of(&self, v: Val, full: bool) -> Option<u8> {
        if !self.on {
            return None;
        }
        let need = if full { Bits::Low64 } else { Bits::Low32 };
        (0..16u8).find(|&x| matches!(self.holds[x as usize], Some((h, b)) if h == v && b >= need))
    }

    /// The register holding `v` clean (see [`Bits::Clean`]).
    pub fn clean(&self, v: Val) -> Option<u8> {
        if !self.on {
            return None;
        }
        (0..16u8).find(|&x| self.holds[x as usize] == Some((v, Bits::Clean)))
    }

    /// Whether `v` is read after operation `i`.
    fn live_after(&self, v: Val, i: usize) -> bool {
        self.last_use[v.0 as usize] > i
    }

    /// A register for a new entry, not one of `avoid`: a free one, else
    /// one taken from its entry (round robin). `None` when the cache is off
    /// or every register is to be avoided.
    pub fn take(&mut self, avoid: &[u8]) -> Option<u8> {
        if !self.on {
            return None;
        }
        let pool = self.pool;
        let free = |x: u8| self.holds[x as usize].is_none() && self.vholds[x as usize].is_none();
        if let Some(&x) = (pool.iter()).find(|&&x| free(x) && !avoid.contains(&x)) {
            return Some(x);
        }
        for _ in 0..pool.len() {
            let x = pool[self.next % pool.len()];
            self.next = (self.next + 1) % pool.len();
            if !avoid.contains(&x) {
                self.holds[x as usize] = None;
                self.vholds[x as usize] = None;
                return Some(x);
            }
        }
        None
    }

    /// Records that `x` now holds `v` (as `bits` tell).
    pub fn define(&mut self, x: u8, v: Val, bits: Bits) {
        self.holds[x as usize] = Some((v, bits));
    }

    /// The entries, each register once: (xmm register, where to reload it
    /// from).
    pub fn entries(&self) -> impl Iterator<Item = (u8, Reload)> + '_ {
        (0..16u8).filter_map(
            |x| match (self.holds[x as usize], self.vholds[x as usize]) {
                (Some((v, _)), _) => Some((x, Reload::Val(v))),
                (None, Some(n)) => Some((x, Reload::State(v_offset(n as usize) as i32))),
                (None, None) => None,
            },
        )
    }

    /// Whether a [`Op::LoadState`] of `dst` at `offset` should also load
    /// into a cache register: a V register's low half that an FP
    /// operation reads later.
    pub fn wants_load(&self, dst: Val, offset: i32) -> bool {
        let v0 = v_offset(0) as i32;
        self.on
            && self.fp_use[dst.0 as usize]
            && (v0..v_offset(32) as i32).contains(&offset)
            && (offset - v0) % 16 == 0
    }
}

impl Emitter {
    /// Keeps the cache exact after operation `i` (`op`) was emitted.
    pub(super) fn fcache_after(&mut self, op: &Op, i: usize) {
        let c = &mut self.fcache;
        if !c.on {
            return;
        }
        if may_call(op) {
            c.clear();
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
            | Op::Un { .. }
            | Op::Carry { .. }
            | Op::Flags { .. }
            | Op::Cond { .. }
            | Op::CondCmp { .. }
            | Op::Select { .. }
            | Op::Load { .. }
            | Op::Store { .. }
            | Op::StoreVec { .. }
            | Op::Fence { .. }
            | Op::CheckAlign { .. }
            | Op::CheckFault { .. }
            | Op::Accessed { .. }
            | Op::FBin { .. }
            | Op::FMulAdd { .. }
            // `load_vec` keeps the entries itself.
            | Op::LoadVec { .. } => {}
            Op::StoreState { offset, .. } => {
                // An 8-byte store into either half of a V register.
                let v0 = v_offset(0) as u32;
                if (v0..v_offset(32) as u32).contains(&offset) {
                    c.forget_v(((offset - v0) / 16) as u8);
                }
            }
            // Anything else may write V registers.
            _ => c.vholds = [None; 16],
        }
        for x in 0..16 {
            if let Some((v, _)) = c.holds[x] {
                if !c.live_after(v, i) {
                    c.holds[x] = None;
                }
            }
        }
    }

    /// The xmm register holding the FP operand `v` (double precision with
    /// `full`): its cache register, else `scratch` loaded with it.
    pub(super) fn fp_operand(&mut self, v: Val, scratch: u8, full: bool) -> u8 {
        match self.fcache.of(v, full) {
            Some(x) => x,
            None => {
                self.load_xmm(scratch, v);
                scratch
            }
        }
    }

    /// The register to compute the result `dst` of an FP operation in:
    /// the cache register of `first` (the operand the result overwrites)
    /// when `first` dies here, else a new cache register that is none of
    /// `avoid` (the other operands' registers), else xmm0. `first` is then
    /// copied there (see [`Emitter::fp_first`]).
    pub(super) fn fp_result_reg(&mut self, dst: Val, first: Val, full: bool, avoid: &[u8]) -> u8 {
        if !self.fcache.on || !self.fcache.live_after(dst, self.op_index) {
            return 0;
        }
        if let Some(x) = self.fcache.of(first, full) {
            let c = &self.fcache;
            if !c.live_after(first, self.op_index) && c.vholds[x as usize].is_none() {
                return x;
            }
        }
        let mut avoid_all = [0u8; 4];
        avoid_all[..avoid.len()].copy_from_slice(avoid);
        if let Some(x) = self.fcache.of(first, false) {
            avoid_all[avoid.len()] = x;
        }
        self.fcache.take(&avoid_all[..avoid.len() + 1]).unwrap_or(0)
    }

    /// `d = first`, from its cache register or its location; whether the
    /// upper 64 bits of `d` are then zero.
    pub(super) fn fp_first(&mut self, d: u8, first: Val, full: bool) -> bool {
        match self.fcache.of(first, full) {
            Some(x) => {
                if x != d {
                    dynasm!(self.a ; .arch x64 ; movaps Rx(d), Rx(x));
                }
                self.fcache.holds[x as usize].is_some_and(|(_, b)| b == Bits::Clean)
            }
            None => {
                self.load_xmm(d, first);
                true
            }
        }
    }

    /// After an FP operation computed `dst` in `d` (both paths joined):
    /// records the entry.
    pub(super) fn fp_defined(&mut self, d: u8, dst: Val, bits: Bits) {
        if d != 0 {
            for x in 0..16 {
                if matches!(self.fcache.holds[x], Some((v, _)) if v == dst) {
                    self.fcache.holds[x] = None;
                }
            }
            self.fcache.define(d, dst, bits);
        }
    }

    /// A [`Op::LoadState`] of `dst` at `off` that an FP operation reads:
    /// loads it into a cache register as well.
    pub(super) fn fcache_load(&mut self, dst: Val, off: i32) {
        if !self.fcache.wants_load(dst, off) || !self.fcache.live_after(dst, self.op_index) {
            return;
        }
        let n = ((off - v_offset(0) as i32) / 16) as u8;
        if let Some(x) = self.fcache.of_v(n) {
            // Filled by a scalar load in this block: already there.
            self.fcache.define(x, dst, Bits::Clean);
            return;
        }
        let Some(x) = self.fcache.take(&[]) else {
            return;
        };
        match self.vcached(off) {
            Some(c) => dynasm!(self.a ; .arch x64 ; movq Rx(x), Rx(c)),
            None => dynasm!(self.a ; .arch x64 ; movq Rx(x), QWORD [r15 + off]),
        }
        self.fcache.define(x, dst, Bits::Clean);
    }
}

impl Emitter {
    /// A 4- or 8-byte [`Op::LoadVec`] into V register `n`: the xmm register
    /// to load into (and keep as `n`'s V entry, see [`Emitter::fcache_loaded`]),
    /// or xmm0. Drops `n`'s previous entry either way.
    pub(super) fn fcache_load_vec(&mut self, n: u8, scalar: bool) -> u8 {
        self.fcache.forget_v(n);
        if !scalar {
            return 0;
        }
        self.fcache.take(&[]).unwrap_or(0)
    }

    /// Records that xmm `x` (not 0) now holds all of V register `n`.
    pub(super) fn fcache_loaded(&mut self, x: u8, n: u8) {
        if x != 0 {
            self.fcache.vholds[x as usize] = Some(n);
        }
    }
}
