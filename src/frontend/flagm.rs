//! FEAT_FlagM and FEAT_FlagM2: CFINV, RMIF, SETF8, SETF16 and AXFLAG,
//! XAFLAG (conversions between the Arm and an "external" flag format for
//! floating-point compares), as plain integer operations on the NZCV value:
//! CFINV, XAFLAG and AXFLAG look the new flags up in a 16-nibble constant
//! (built from [`flags`] for each old NZCV), RMIF rotates and masks Xn,
//! SETF8/SETF16 take N and Z from the flags of a logical result and V from
//! `Xn ^ (Xn >> 1)`.

use super::{Ctx, TResult};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::ir::{BinOp, FlagsOp, Val, Width};

const N: u64 = 1 << 31;
const Z: u64 = 1 << 30;
const C: u64 = 1 << 29;
const V: u64 = 1 << 28;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let nzcv = cx.b.get_nzcv();
    let r = match op {
        Op::CFINV | Op::XAFLAG | Op::AXFLAG => by_table(cx, nzcv, table(op)),
        Op::RMIF => rmif(cx, nzcv, f.u('n'), f.u('i'), u64::from(f.u('k'))),
        _ => setf(cx, nzcv, f.u('n'), if op == Op::SETF8 { 8 } else { 16 }),
    };
    cx.b.set_nzcv(r);
    Ok(())
}

/// The new NZCV nibbles of CFINV, XAFLAG or AXFLAG (`op`) for each old
/// one: nibble `i` of the result for the NZCV `i`.
fn table(op: Op) -> u64 {
    (0..16).fold(0, |t, i| t | (flags(i << 28, op) >> 28) << (4 * i))
}

/// The NZCV that `table` gives for the NZCV value `nzcv`: the nibble
/// `nzcv >> 28` of it, shifted into bits 31..28.
fn by_table(cx: &mut Ctx, nzcv: Val, table: u64) -> Val {
    let b = &mut cx.b;
    let (k26, k60, kt, k15, k28) = (
        b.konst(26),
        b.konst(0x3c),
        b.konst(table),
        b.konst(15),
        b.konst(28),
    );
    let at = b.bin(BinOp::Lshr, Width::W32, nzcv, k26);
    let at = b.and(Width::W32, at, k60);
    let r = b.bin(BinOp::Lshr, Width::W64, kt, at);
    let r = b.and(Width::W64, r, k15);
    b.bin(BinOp::Shl, Width::W32, r, k28)
}

/// RMIF: the flags of `mask` (N, Z, C, V in bits 3..0) taken from bits
/// 3..0 of `Xn` rotated right by `imm`, the others kept.
fn rmif(cx: &mut Ctx, nzcv: Val, n: u32, imm: u32, mask: u64) -> Val {
    let x = cx.x(n);
    let b = &mut cx.b;
    let rot = b.konst(u64::from(imm));
    let x = b.bin(BinOp::Ror, Width::W64, x, rot);
    let k28 = b.konst(28);
    let x = b.bin(BinOp::Shl, Width::W64, x, k28);
    let (set, keep) = (b.konst(mask << 28), b.konst(!(mask << 28) & 0xffff_ffff));
    let x = b.and(Width::W64, x, set);
    let old = b.and(Width::W32, nzcv, keep);
    b.or(Width::W32, old, x)
}

/// SETF8/SETF16 (`bits`): N the top bit of the low `bits` of `Xn`, Z
/// whether they are zero, V bit `bits` XOR bit `bits - 1`, C kept.
fn setf(cx: &mut Ctx, nzcv: Val, n: u32, bits: u32) -> Val {
    let x = cx.x(n);
    let b = &mut cx.b;
    // N and Z as those of the low bits moved to the top of a word.
    let up = b.konst(u64::from(32 - bits));
    let top = b.bin(BinOp::Shl, Width::W32, x, up);
    let zero = b.konst(0);
    let nz = b.flags(FlagsOp::Logic, Width::W32, top, zero, None);
    let (k_nz, k_v, k_c) = (b.konst(N | Z), b.konst(V), b.konst(C));
    let nz = b.and(Width::W32, nz, k_nz);
    // Bit bits - 1 of x ^ (x >> 1) moved to bit 28.
    let one = b.konst(1);
    let half = b.bin(BinOp::Lshr, Width::W64, x, one);
    let v = b.bin(BinOp::Xor, Width::W64, x, half);
    let to_v = b.konst(u64::from(29 - bits));
    let v = b.bin(BinOp::Shl, Width::W32, v, to_v);
    let v = b.and(Width::W32, v, k_v);
    let c = b.and(Width::W32, nzcv, k_c);
    let r = b.or(Width::W32, nz, v);
    b.or(Width::W32, r, c)
}

/// The new NZCV (bits 31..28) of CFINV, XAFLAG or AXFLAG (`op`) from the
/// old one.
fn flags(nzcv: u64, op: Op) -> u64 {
    let bit = |f: u64| nzcv & f != 0;
    let to = |f: u64, on: bool| if on { f } else { 0 };
    let (z, c, v) = (bit(Z), bit(C), bit(V));
    match op {
        Op::CFINV => nzcv ^ C,
        Op::XAFLAG => to(N, !c && !z) | to(Z, z && c) | to(C, c || z) | to(V, !c && z),
        _ => to(Z, z || v) | to(C, c && !v),
    }
}
