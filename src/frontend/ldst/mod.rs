//! Loads and stores: one file per Arm ARM encoding class, plus the
//! addressing and transfer pieces they share.
//!
//! Guest memory is identity-mapped, so a computed guest address is used
//! directly as the IR address. Base register 31 is always SP here; data
//! register 31 is XZR/WZR (or V31 for SIMD&FP forms).

mod atomic;
pub(super) mod excl_loop;
mod exclusive;
mod pair;
mod single;

use super::{Ctx, TResult};
use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;
use crate::ir::{Val, Width};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    // In system mode the runtime helpers of these instructions would see a
    // guest virtual address: the system layer executes them instead.
    if cx.system && (matches!(op, Op::STXR | Op::STXP) || (op == Op::CASP && f.b('z'))) {
        return Err(super::Undefined);
    }
    match op {
        Op::STXR | Op::LDXR | Op::STXP | Op::LDXP | Op::STLR | Op::LDAR | Op::STLLR | Op::LDLAR => {
            exclusive::translate(cx, op, f)
        }
        Op::CAS | Op::CASP | Op::LDOP | Op::SWP | Op::LDAPR => atomic::translate(cx, op, f),
        Op::LDSTNP
        | Op::LDSTP_post
        | Op::LDSTP_off
        | Op::LDSTP_pre
        | Op::LDSTNP_fp
        | Op::LDSTP_post_fp
        | Op::LDSTP_off_fp
        | Op::LDSTP_pre_fp => pair::translate(cx, op, f),
        Op::LDAPUR
        | Op::PRFM_lit
        | Op::LDR_lit
        | Op::LDR_lit_fp
        | Op::PRFUM
        | Op::LDST_unscaled
        | Op::LDST_unscaled_fp
        | Op::LDST_post
        | Op::LDST_post_fp
        | Op::LDST_unpriv
        | Op::LDST_pre
        | Op::LDST_pre_fp
        | Op::PRFM_reg
        | Op::LDST_reg
        | Op::LDST_reg_fp
        | Op::PRFM_uimm
        | Op::LDST_uimm
        | Op::LDST_uimm_fp => single::translate(cx, op, f),
    }
}

/// What one register transfer does.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Access {
    /// Store the low bytes of Xt.
    Store(Width),
    /// Load and zero-extend into Xt.
    Load(Width),
    /// Load and sign-extend to 64 bits (LDRSB/LDRSH/LDRSW Xt).
    LoadSx64(Width),
    /// Load and sign-extend to 32 bits, upper half zero (LDRSB/LDRSH Wt).
    LoadSx32(Width),
    /// Store the low `n` bytes of Vt (B/H/S/D/Q).
    StoreFp(u32),
    /// Load `n` bytes into Vt, zeroing the rest of the register.
    LoadFp(u32),
}

impl Access {
    /// log2 of the access size in bytes (the immediate scale).
    pub(super) fn scale(self) -> u32 {
        match self {
            Access::Store(w) | Access::Load(w) | Access::LoadSx64(w) | Access::LoadSx32(w) => {
                w.bytes().trailing_zeros()
            }
            Access::StoreFp(n) | Access::LoadFp(n) => n.trailing_zeros(),
        }
    }

    /// Whether the access writes memory.
    pub(super) fn is_store(self) -> bool {
        matches!(self, Access::Store(_) | Access::StoreFp(_))
    }
}

/// Performs `acc` between register `t` and memory at `addr`.
pub(super) fn transfer(cx: &mut Ctx, t: u32, acc: Access, addr: Val) {
    match acc {
        Access::Store(w) => {
            let v = cx.x(t);
            cx.b.store(w, addr, v);
        }
        Access::Load(w) => {
            let v = cx.b.load(w, false, addr);
            cx.set_x(t, v);
        }
        Access::LoadSx64(w) => {
            let v = cx.b.load(w, true, addr);
            cx.set_x(t, v);
        }
        Access::LoadSx32(w) => {
            let v = cx.b.load(w, true, addr);
            let v = cx.b.zext(v, 32);
            cx.set_x(t, v);
        }
        Access::StoreFp(n) => cx.b.store_vec(n, t, addr),
        Access::LoadFp(n) => cx.b.load_vec(n, t, addr),
    }
}

/// An access that must be aligned to its `bytes` (exclusives, acquire/
/// release, atomics): an alignment fault at this instruction otherwise.
pub(super) fn check_aligned(cx: &mut Ctx, addr: Val, bytes: u32, write: bool) {
    if bytes > 1 {
        cx.b.check_align(addr, bytes, write, cx.pc);
    }
}

/// How the immediate offset combines with the base register.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Index {
    /// Access at base + offset, no writeback.
    Offset,
    /// Access at base + offset, then base = base + offset.
    Pre,
    /// Access at base, then base = base + offset.
    Post,
}

/// Resolved addressing of an immediate-offset access: the address to access
/// and, for the writeback forms, the new base value.
pub(super) struct Addr {
    pub addr: Val,
    pub writeback: Option<Val>,
    /// When `addr` is Xn|SP plus a constant (no tag clearing): the two.
    pub sum: Option<(Val, u64)>,
}

impl Addr {
    /// The address `bytes` past `addr`. Made from the base register's value
    /// directly when it can be, so that both halves of a pair are a base plus
    /// a constant, which the backend folds into the accesses.
    pub fn plus(&self, cx: &mut Ctx, bytes: u64) -> Val {
        match self.sum {
            Some((base, at)) => cx.b.add_imm(base, at.wrapping_add(bytes)),
            None => cx.b.add_imm(self.addr, bytes),
        }
    }
}

/// Computes the access address from base Xn|SP and a byte offset.
pub(super) fn address(cx: &mut Ctx, n: u32, offset: i64, index: Index) -> Addr {
    let base = cx.x_sp(n);
    let moved = cx.b.add_imm(base, offset as u64);
    let (addr, writeback, at) = match index {
        Index::Offset => (moved, None, offset as u64),
        Index::Pre => (moved, Some(moved), offset as u64),
        Index::Post => (base, Some(moved), 0),
    };
    let guest = cx.b.guest_addr(addr);
    Addr {
        addr: guest,
        writeback,
        sum: (guest == addr).then_some((base, at)),
    }
}

/// Writes the new base back to Xn|SP, after the transfer: when the data
/// register is also the base of a load (CONSTRAINED UNPREDICTABLE), the
/// written-back address is what remains, as on common hardware.
pub(super) fn writeback(cx: &mut Ctx, n: u32, a: &Addr) {
    if let Some(v) = a.writeback {
        cx.set_x_sp(n, v);
    }
}
