//! Single-register loads and stores: LDR/STR and friends with unsigned
//! offset, unscaled (LDUR/STUR), pre/post-index, unprivileged (LDTR/STTR),
//! register offset and literal addressing, for general-purpose and SIMD&FP
//! registers; LDAPUR/STLUR; PRFM/PRFUM (no-ops).

use super::{address, check_aligned, transfer, writeback, Access, Index};
use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{Fence, UnOp, Width};

use Access::{Load, LoadSx32, LoadSx64, Store};
use Width::{W16, W32, W64, W8};

/// General-purpose register accesses, indexed `[size][opc]` (Arm ARM
/// "Load/store register" tables). `None` is unallocated; size 11 / opc 10
/// is PRFM, which has its own table rows.
const GPR: [[Option<Access>; 4]; 4] = [
    // STRB, LDRB, LDRSB Xt, LDRSB Wt
    [
        Some(Store(W8)),
        Some(Load(W8)),
        Some(LoadSx64(W8)),
        Some(LoadSx32(W8)),
    ],
    // STRH, LDRH, LDRSH Xt, LDRSH Wt
    [
        Some(Store(W16)),
        Some(Load(W16)),
        Some(LoadSx64(W16)),
        Some(LoadSx32(W16)),
    ],
    // STR Wt, LDR Wt, LDRSW
    [Some(Store(W32)), Some(Load(W32)), Some(LoadSx64(W32)), None],
    // STR Xt, LDR Xt
    [Some(Store(W64)), Some(Load(W64)), None, None],
];

/// The access of a general-purpose form.
fn gpr(f: &Fields) -> Result<Access, Undefined> {
    GPR[f.u('z') as usize][f.u('o') as usize].ok_or(Undefined)
}

/// The access of a SIMD&FP form: size:opc<1> gives the register size
/// (B, H, S, D, Q), opc<0> says load.
fn fp(f: &Fields) -> Result<Access, Undefined> {
    let (size, opc) = (f.u('z'), f.u('o'));
    let log2 = match (opc >> 1, size) {
        (0, s) => s,
        (1, 0) => 4,
        _ => return Err(Undefined),
    };
    let bytes = 1 << log2;
    Ok(if opc & 1 != 0 {
        Access::LoadFp(bytes)
    } else {
        Access::StoreFp(bytes)
    })
}

/// Literal loads, indexed by opc: LDR Wt, LDR Xt, LDRSW (11 is PRFM).
const LIT_GPR: [Option<Access>; 4] = [Some(Load(W32)), Some(Load(W64)), Some(LoadSx64(W32)), None];

/// SIMD&FP literal loads, indexed by opc: S, D, Q.
const LIT_FP: [Option<Access>; 4] = [
    Some(Access::LoadFp(4)),
    Some(Access::LoadFp(8)),
    Some(Access::LoadFp(16)),
    None,
];

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let t = f.u('t');
    match op {
        // Prefetch hints: no architectural effect, never fault.
        Op::PRFM_lit | Op::PRFUM | Op::PRFM_uimm => {}
        // The register form shares the extend rule: option<1> = 0 is unallocated.
        Op::PRFM_reg if f.u('x') & 2 == 0 => return Err(Undefined),
        Op::PRFM_reg => {}
        Op::LDR_lit | Op::LDR_lit_fp => {
            let table = if op == Op::LDR_lit { &LIT_GPR } else { &LIT_FP };
            let acc = table[f.u('o') as usize].ok_or(Undefined)?;
            let addr = cx.pc.wrapping_add((f.s('i') << 2) as u64);
            let addr = cx.k(addr);
            // Untagged (the PC is), but in untag mode every access records
            // its address for the fault report.
            let addr = cx.b.guest_addr(addr);
            transfer(cx, t, acc, addr);
        }
        Op::LDST_uimm | Op::LDST_uimm_fp => {
            let acc = if op == Op::LDST_uimm { gpr(f)? } else { fp(f)? };
            let off = (f.u('i') as i64) << acc.scale();
            imm_form(cx, f, acc, off, Index::Offset);
        }
        Op::LDST_unpriv if cx.sys_inline.is_some() => {
            // System mode: the system layer switches to EL0's view of
            // memory around the access (see `Ctx::sys_inline`).
            let helper = cx.sys_inline.expect("system mode");
            let acc = gpr(f)?;
            let word = cx.k(u64::from(f.word));
            let on = cx.k(1);
            cx.b.call(helper, &[word, on]);
            imm_form(cx, f, acc, f.s('i'), Index::Offset);
            let off = cx.k(0);
            cx.b.call(helper, &[word, off]);
        }
        Op::LDST_unscaled | Op::LDST_unpriv | Op::LDST_unscaled_fp => {
            let acc = if op == Op::LDST_unscaled_fp {
                fp(f)?
            } else {
                gpr(f)?
            };
            imm_form(cx, f, acc, f.s('i'), Index::Offset);
        }
        Op::LDST_post | Op::LDST_post_fp | Op::LDST_pre | Op::LDST_pre_fp => {
            let acc = if matches!(op, Op::LDST_post | Op::LDST_pre) {
                gpr(f)?
            } else {
                fp(f)?
            };
            let index = if matches!(op, Op::LDST_post | Op::LDST_post_fp) {
                Index::Post
            } else {
                Index::Pre
            };
            imm_form(cx, f, acc, f.s('i'), index);
        }
        Op::LDST_reg | Op::LDST_reg_fp => {
            let acc = if op == Op::LDST_reg { gpr(f)? } else { fp(f)? };
            let shift = if f.b('S') { acc.scale() } else { 0 };
            let offset = extended_index(cx, f, shift)?;
            let base = cx.x_sp(f.u('n'));
            let addr = cx.b.add(W64, base, offset);
            let addr = cx.b.guest_addr(addr);
            transfer(cx, t, acc, addr);
        }
        Op::LDAPUR => {
            // Same size/opc table as the plain forms; stores are releases.
            // Ordered accesses must be aligned (no FEAT_LSE2).
            let acc = gpr(f)?;
            let a = address(cx, f.u('n'), f.s('i'), Index::Offset);
            check_aligned(cx, a.addr, 1 << acc.scale(), acc.is_store());
            transfer(cx, t, acc, a.addr);
            if acc.is_store() {
                cx.b.fence(Fence::Full);
            }
        }
        _ => unreachable!("{op:?} is not a single-register load/store"),
    }
    Ok(())
}

/// An immediate-offset form: access, then write back the base if indexed.
fn imm_form(cx: &mut Ctx, f: &Fields, acc: Access, offset: i64, index: Index) {
    let n = f.u('n');
    let a = address(cx, n, offset, index);
    transfer(cx, f.u('t'), acc, a.addr);
    writeback(cx, n, &a);
}

/// The register offset `ExtendReg(m, option, shift)`: UXTW (010), LSL/UXTX
/// (011), SXTW (110), SXTX (111); option<1> = 0 is unallocated.
fn extended_index(cx: &mut Ctx, f: &Fields, shift: u32) -> Result<crate::ir::Val, Undefined> {
    let option = f.u('x');
    if option & 2 == 0 {
        return Err(Undefined);
    }
    let m = cx.x(f.u('m'));
    let v = match option {
        0b010 => cx.b.zext(m, 32),
        0b110 => cx.b.un(UnOp::Sext32, W64, m),
        _ => m,
    };
    Ok(if shift == 0 {
        v
    } else {
        let k = cx.k(shift as u64);
        cx.b.bin(crate::ir::BinOp::Shl, W64, v, k)
    })
}
