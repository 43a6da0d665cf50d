//! Load/store register pair: LDP/STP/LDPSW/LDNP/STNP (signed offset,
//! pre-index, post-index) of W/X and S/D/Q registers.

use super::{address, transfer, writeback, Access, Index};
use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::Width;

/// General-purpose pairs, indexed `[opc][L]`: W, LDPSW, X. STGP (opc 01,
/// L = 0) needs MTE and is unallocated here.
const GPR: [[Option<Access>; 2]; 4] = [
    [
        Some(Access::Store(Width::W32)),
        Some(Access::Load(Width::W32)),
    ],
    [None, Some(Access::LoadSx64(Width::W32))],
    [
        Some(Access::Store(Width::W64)),
        Some(Access::Load(Width::W64)),
    ],
    [None, None],
];

/// SIMD&FP pairs, indexed `[opc][L]`: S, D, Q.
const FP: [[Option<Access>; 2]; 4] = [
    [Some(Access::StoreFp(4)), Some(Access::LoadFp(4))],
    [Some(Access::StoreFp(8)), Some(Access::LoadFp(8))],
    [Some(Access::StoreFp(16)), Some(Access::LoadFp(16))],
    [None, None],
];

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let (is_fp, index, non_temporal) = match op {
        Op::LDSTNP => (false, Index::Offset, true),
        Op::LDSTP_post => (false, Index::Post, false),
        Op::LDSTP_off => (false, Index::Offset, false),
        Op::LDSTP_pre => (false, Index::Pre, false),
        Op::LDSTNP_fp => (true, Index::Offset, true),
        Op::LDSTP_post_fp => (true, Index::Post, false),
        Op::LDSTP_off_fp => (true, Index::Offset, false),
        Op::LDSTP_pre_fp => (true, Index::Pre, false),
        _ => unreachable!("{op:?} is not a register pair load/store"),
    };
    let opc = f.u('o') as usize;
    // LDNP/STNP have no sign-extending form.
    if non_temporal && !is_fp && opc == 1 {
        return Err(Undefined);
    }
    let table = if is_fp { &FP } else { &GPR };
    let acc = table[opc][f.u('L') as usize].ok_or(Undefined)?;
    let bytes = 1u64 << acc.scale();
    let n = f.u('n');
    let a = address(cx, n, f.s('i') << acc.scale(), index);
    // Both addresses come from the old base, so loading into the base
    // register does not move the second access; for loads into the same
    // register twice (CONSTRAINED UNPREDICTABLE) the second wins.
    let second = a.plus(cx, bytes);
    transfer(cx, f.u('t'), acc, a.addr);
    transfer(cx, f.u('u'), acc, second);
    writeback(cx, n, &a);
    Ok(())
}
