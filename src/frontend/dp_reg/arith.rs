//! Add/subtract (shifted register, extended register, with carry) and
//! logical (shifted register).

use super::shift_reg;
use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{BinOp, FlagsOp, UnOp, Width};

/// AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register).
pub(super) fn logical(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let b = shift_reg(cx, f.u('m'), w, f.u('h'), f.u('i'))?;
    let b = if f.b('N') {
        cx.b.un(UnOp::Not, w, b)
    } else {
        b
    };
    let a = cx.x(f.u('n'));
    let opc = f.u('o');
    let op = match opc {
        0 | 3 => BinOp::And,
        1 => BinOp::Or,
        _ => BinOp::Xor,
    };
    let r = cx.b.bin(op, w, a, b);
    if opc == 3 {
        let zero = cx.k(0);
        let fl = cx.b.flags(FlagsOp::Logic, w, r, zero, None);
        cx.b.set_nzcv(fl);
    }
    cx.set_x(f.u('d'), r);
    Ok(())
}

/// The IR operation and flags computation for the `op` bit of add/subtract.
fn add_or_sub(sub: bool) -> (BinOp, FlagsOp) {
    if sub {
        (BinOp::Sub, FlagsOp::Sub)
    } else {
        (BinOp::Add, FlagsOp::Add)
    }
}

/// ADD/ADDS/SUB/SUBS (shifted register). Rn and Rd are XZR-based.
pub(super) fn addsub_shift(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let shift = f.u('h');
    if shift == 3 {
        return Err(Undefined);
    }
    let b = shift_reg(cx, f.u('m'), w, shift, f.u('i'))?;
    let a = cx.x(f.u('n'));
    let (bop, fop) = add_or_sub(f.b('o'));
    let r = cx.b.bin(bop, w, a, b);
    if f.b('S') {
        let fl = cx.b.flags(fop, w, a, b, None);
        cx.b.set_nzcv(fl);
    }
    cx.set_x(f.u('d'), r);
    Ok(())
}

/// ADD/ADDS/SUB/SUBS (extended register): `ExtendReg(m, option, imm3)`.
/// Rn is SP-based; Rd is SP-based unless the flags are set.
pub(super) fn addsub_ext(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let shift = f.u('i');
    if shift > 4 {
        return Err(Undefined);
    }
    let option = f.u('x');
    let m = cx.x(f.u('m'));
    // option<2> = signed, option<1:0> = log2 of the source size in bytes.
    let src_bits = 8u32 << (option & 3);
    let ext = if src_bits >= w.bits() {
        m
    } else if option & 4 == 0 {
        cx.b.zext(m, src_bits)
    } else {
        let op = match src_bits {
            8 => UnOp::Sext8,
            16 => UnOp::Sext16,
            _ => UnOp::Sext32,
        };
        cx.b.un(op, w, m)
    };
    let b = if shift == 0 {
        ext
    } else {
        let k = cx.k(u64::from(shift));
        cx.b.bin(BinOp::Shl, w, ext, k)
    };
    let a = cx.x_sp(f.u('n'));
    let (bop, fop) = add_or_sub(f.b('o'));
    let r = cx.b.bin(bop, w, a, b);
    if f.b('S') {
        let fl = cx.b.flags(fop, w, a, b, None);
        cx.b.set_nzcv(fl);
        cx.set_x(f.u('d'), r);
    } else {
        cx.set_x_sp(f.u('d'), r);
    }
    Ok(())
}

/// ADC/ADCS/SBC/SBCS: `AddWithCarry(Xn, Xm or NOT(Xm), PSTATE.C)`.
pub(super) fn adc(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let a = cx.x(f.u('n'));
    let b = cx.x(f.u('m'));
    let nzcv = cx.b.get_nzcv();
    let (_, fop) = add_or_sub(f.b('o'));
    let r = cx.b.carry(fop, w, a, b, nzcv);
    if f.b('S') {
        let fl = cx.b.flags(fop, w, a, b, Some(nzcv));
        cx.b.set_nzcv(fl);
    }
    cx.set_x(f.u('d'), r);
    Ok(())
}
