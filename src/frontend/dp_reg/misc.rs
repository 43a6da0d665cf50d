//! Data processing (1 source, 2 source, 3 source): bit and byte reversal,
//! leading-bit counts, division, variable shifts, CRC32, multiply-add and
//! high multiplies.

use crate::arm64::Fields;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{BinOp, UnOp, Width};

/// UDIV/SDIV. The IR division yields 0 for a zero divisor and wraps
/// `INT_MIN / -1`, as the architecture requires.
pub(super) fn div(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let n = cx.x(f.u('n'));
    let m = cx.x(f.u('m'));
    let op = if f.b('o') { BinOp::SDiv } else { BinOp::UDiv };
    let r = cx.b.bin(op, w, n, m);
    cx.set_x(f.u('d'), r);
    Ok(())
}

/// LSLV/LSRV/ASRV/RORV: the shift amount is Xm modulo the width, which is
/// the IR's shift semantics.
pub(super) fn shiftv(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let n = cx.x(f.u('n'));
    let m = cx.x(f.u('m'));
    let op = match f.u('o') {
        0 => BinOp::Shl,
        1 => BinOp::Lshr,
        2 => BinOp::Ashr,
        _ => BinOp::Ror,
    };
    let r = cx.b.bin(op, w, n, m);
    cx.set_x(f.u('d'), r);
    Ok(())
}

/// CRC32B/H/W/X and CRC32CB/H/W/X: only the X forms use sf = 1.
pub(super) fn crc32(cx: &mut Ctx, f: &Fields) -> TResult {
    let sz = f.u('s');
    if f.b('z') != (sz == 3) {
        return Err(Undefined);
    }
    let acc = cx.x(f.u('n'));
    let val = cx.x(f.u('m'));
    let crc = BinOp::Crc {
        c: f.b('C'),
        bytes: 1 << sz,
    };
    let r = cx.b.bin(crc, Width::W64, acc, val);
    cx.set_x(f.u('d'), r);
    Ok(())
}

/// RBIT, REV16, REV32 / REV (32-bit), REV (64-bit), CLZ, CLS.
pub(super) fn dp1(cx: &mut Ctx, f: &Fields) -> TResult {
    let sf = f.b('z');
    let w = Width::sf(sf);
    let op = f.u('o');
    let r = match (op, sf) {
        (0, _) => un(cx, f, UnOp::Rbit, w),
        (1, _) => un(cx, f, UnOp::Rev16, w),
        (2, false) | (3, true) => un(cx, f, UnOp::Bswap, w),
        (2, true) => un(cx, f, UnOp::Rev32, w),
        (4, _) => un(cx, f, UnOp::Clz, w),
        (5, _) => {
            // CountLeadingSignBits(x) = CLZ(x<N-1:1> EOR x<N-2:0>), an
            // (N-1)-bit count: x EOR (x ASR 1) has a clear top bit and the
            // same lower bits, so CLS = CLZ(x EOR (x ASR 1)) - 1.
            let x = cx.x(f.u('n'));
            let one = cx.k(1);
            let sh = cx.b.bin(BinOp::Ashr, w, x, one);
            let y = cx.b.bin(BinOp::Xor, w, x, sh);
            let z = cx.b.un(UnOp::Clz, w, y);
            cx.b.sub(w, z, one)
        }
        _ => return Err(Undefined),
    };
    cx.set_x(f.u('d'), r);
    Ok(())
}

fn un(cx: &mut Ctx, f: &Fields, op: UnOp, w: Width) -> crate::ir::Val {
    let x = cx.x(f.u('n'));
    cx.b.un(op, w, x)
}

/// MADD/MSUB: Xd = Xa ± Xn * Xm.
pub(super) fn madd(cx: &mut Ctx, f: &Fields) -> TResult {
    let w = Width::sf(f.b('z'));
    let n = cx.x(f.u('n'));
    let m = cx.x(f.u('m'));
    let a = cx.x(f.u('a'));
    let p = cx.b.bin(BinOp::Mul, w, n, m);
    let op = if f.b('o') { BinOp::Sub } else { BinOp::Add };
    let r = cx.b.bin(op, w, a, p);
    cx.set_x(f.u('d'), r);
    Ok(())
}

/// SMADDL/SMSUBL/UMADDL/UMSUBL: Xd = Xa ± Wn * Wm with 32-bit operands
/// extended to 64 bits.
pub(super) fn maddl(cx: &mut Ctx, f: &Fields) -> TResult {
    let unsigned = f.b('u');
    let ext = |cx: &mut Ctx, r: u32| {
        let v = cx.x(r);
        if unsigned {
            cx.b.zext(v, 32)
        } else {
            cx.b.un(UnOp::Sext32, Width::W64, v)
        }
    };
    let n = ext(cx, f.u('n'));
    let m = ext(cx, f.u('m'));
    let a = cx.x(f.u('a'));
    let p = cx.b.bin(BinOp::Mul, Width::W64, n, m);
    let op = if f.b('o') { BinOp::Sub } else { BinOp::Add };
    let r = cx.b.bin(op, Width::W64, a, p);
    cx.set_x(f.u('d'), r);
    Ok(())
}

/// SMULH/UMULH: the high 64 bits of the 128-bit product.
pub(super) fn mulh(cx: &mut Ctx, f: &Fields) -> TResult {
    let n = cx.x(f.u('n'));
    let m = cx.x(f.u('m'));
    let op = if f.b('u') { BinOp::UMulH } else { BinOp::SMulH };
    let r = cx.b.bin(op, Width::W64, n, m);
    cx.set_x(f.u('d'), r);
    Ok(())
}
