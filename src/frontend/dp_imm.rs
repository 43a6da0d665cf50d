//! Data processing — immediate: ADR/ADRP, ADD/SUB (immediate), logical
//! (immediate), move wide, bitfield, EXTR.

use super::{Ctx, TResult, Undefined};
use crate::arm64::bits::decode_logical_imm;
use crate::arm64::encodings::dp_imm::Op;
use crate::arm64::Fields;
use crate::ir::{BinOp, FlagsOp, Width};

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    match op {
        Op::ADR | Op::ADRP => {
            let imm = ((f.s('i') << 2) | f.u('l') as i64) as u64;
            let v = if op == Op::ADR {
                cx.pc.wrapping_add(imm)
            } else {
                (cx.pc & !0xfff).wrapping_add(imm << 12)
            };
            let k = cx.k(v);
            cx.set_x(f.u('d'), k);
        }
        Op::ADDSUB_imm => {
            let w = Width::sf(f.b('z'));
            let imm = (f.u('i') as u64) << (12 * f.u('h'));
            let setflags = f.b('S');
            let a = cx.x_sp(f.u('n'));
            let a = cx.zext_w(a, w);
            let k = cx.k(imm);
            let bop = if f.b('o') { BinOp::Sub } else { BinOp::Add };
            let r = cx.b.bin(bop, w, a, k);
            if setflags {
                let fop = if f.b('o') { FlagsOp::Sub } else { FlagsOp::Add };
                let fl = cx.b.flags(fop, w, a, k, None);
                cx.b.set_nzcv(fl);
                cx.set_x(f.u('d'), r);
            } else {
                cx.set_x_sp(f.u('d'), r);
            }
        }
        Op::LOGIC_imm => {
            let w = Width::sf(f.b('z'));
            let imm =
                decode_logical_imm(f.u('N'), f.u('s'), f.u('r'), w.bits()).ok_or(Undefined)?;
            let a = cx.x(f.u('n'));
            let k = cx.k(imm);
            let opc = f.u('o');
            let r = match opc {
                0 | 3 => cx.b.bin(BinOp::And, w, a, k),
                1 => cx.b.bin(BinOp::Or, w, a, k),
                _ => cx.b.bin(BinOp::Xor, w, a, k),
            };
            let r = cx.zext_w(r, w);
            if opc == 3 {
                let zero = cx.k(0);
                let fl = cx.b.flags(FlagsOp::Logic, w, r, zero, None);
                cx.b.set_nzcv(fl);
                cx.set_x(f.u('d'), r);
            } else {
                cx.set_x_sp(f.u('d'), r);
            }
        }
        Op::MOVW => {
            let sf = f.b('z');
            let hw = f.u('h');
            if !sf && hw >= 2 {
                return Err(Undefined);
            }
            let shift = 16 * hw;
            let imm = (f.u('i') as u64) << shift;
            let d = f.u('d');
            match f.u('o') {
                0 => {
                    let v = if sf { !imm } else { !imm & 0xffff_ffff };
                    let k = cx.k(v);
                    cx.set_x(d, k);
                }
                2 => {
                    let k = cx.k(imm);
                    cx.set_x(d, k);
                }
                3 => {
                    let old = cx.x(d);
                    let keep = !(0xffffu64 << shift) & if sf { u64::MAX } else { 0xffff_ffff };
                    let km = cx.k(keep);
                    let kept = cx.b.and(Width::W64, old, km);
                    let ki = cx.k(imm);
                    let r = cx.b.or(Width::W64, kept, ki);
                    cx.set_x(d, r);
                }
                _ => return Err(Undefined),
            }
        }
        Op::BITFIELD => bitfield(cx, f)?,
        Op::EXTR => {
            let sf = f.b('z');
            if f.b('N') != sf {
                return Err(Undefined);
            }
            let w = Width::sf(sf);
            let lsb = f.u('s');
            if !sf && lsb >= 32 {
                return Err(Undefined);
            }
            let n = cx.xw(f.u('n'), w);
            let m = cx.xw(f.u('m'), w);
            let r = if lsb == 0 {
                m
            } else if f.u('n') == f.u('m') {
                // ROR (immediate).
                let k = cx.k(lsb as u64);
                cx.b.bin(BinOp::Ror, w, m, k)
            } else {
                let k1 = cx.k(lsb as u64);
                let lo = cx.b.bin(BinOp::Lshr, w, m, k1);
                let k2 = cx.k((w.bits() - lsb) as u64);
                let hi = cx.b.bin(BinOp::Shl, w, n, k2);
                cx.b.or(w, lo, hi)
            };
            cx.set_x(f.u('d'), r);
        }
    }
    Ok(())
}

/// SBFM/UBFM as two shifts: the field `src<s:r>` (when `s >= r`, the
/// SBFX/UBFX/ASR/LSR/SXT*/UXT* aliases) or `src<s:0>` moved to bit
/// `datasize - r` (when `s < r`, SBFIZ/UBFIZ/LSL): shift the field's top bit
/// to the top, then shift right (arithmetically for SBFM) so the field's
/// bottom bit lands at its destination; the bits below it are zero.
fn extract(cx: &mut Ctx, n: u32, w: Width, s: u32, r: u32, signed: bool) -> crate::ir::Val {
    let bits = w.bits();
    let (top, dest) = if s >= r { (s, 0) } else { (s, bits - r) };
    let width = if s >= r { s - r + 1 } else { s + 1 };
    let src = cx.x(n);
    let up = bits - 1 - top;
    let down = bits - width - dest;
    let ku = cx.k(up as u64);
    let v = cx.b.bin(BinOp::Shl, w, src, ku);
    let kd = cx.k(down as u64);
    let op = if signed { BinOp::Ashr } else { BinOp::Lshr };
    cx.b.bin(op, w, v, kd)
}

/// SBFM / BFM / UBFM, following the Arm ARM pseudocode with
/// `DecodeBitMasks(N, imms, immr, FALSE)`.
fn bitfield(cx: &mut Ctx, f: &Fields) -> TResult {
    let sf = f.b('z');
    let opc = f.u('o');
    if opc == 3 || f.b('N') != sf {
        return Err(Undefined);
    }
    let w = Width::sf(sf);
    let bits = w.bits();
    let (r, s) = (f.u('r'), f.u('s'));
    if !sf && (r >= 32 || s >= 32) {
        return Err(Undefined);
    }
    if opc != 1 {
        // SBFM/UBFM (the shift, extract and extend aliases): two shifts.
        let res = extract(cx, f.u('n'), w, s, r, opc == 0);
        cx.set_x(f.u('d'), res);
        return Ok(());
    }
    let ones = |n: u32| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let datamask = ones(bits);
    let ror = |v: u64, r: u32| {
        if r == 0 {
            v
        } else {
            ((v >> r) | (v << (bits - r))) & datamask
        }
    };
    // wmask = ROR(Ones(s+1) replicated..., r) with element size = datasize
    // (immediate=false), tmask = Ones(s - r + 1) style via d = s - r.
    let welem = ones(s + 1);
    let wmask = ror(welem, r);
    let d = s.wrapping_sub(r) & (bits - 1);
    let tmask = ones(d + 1);
    let src = cx.xw(f.u('n'), w);
    // bot = (dst AND NOT wmask) OR (ROR(src, r) AND wmask)
    let rot = if r == 0 {
        src
    } else {
        let k = cx.k(r as u64);
        cx.b.bin(BinOp::Ror, w, src, k)
    };
    let kw = cx.k(wmask);
    let rot_w = cx.b.and(w, rot, kw);
    let bot = if opc == 1 {
        let dst = cx.xw(f.u('d'), w);
        let knw = cx.k(!wmask & datamask);
        let keep = cx.b.and(w, dst, knw);
        cx.b.or(w, keep, rot_w)
    } else {
        rot_w
    };
    let kt = cx.k(tmask);
    let res = match opc {
        // SBFM: top = Replicate(src<s>); result = (top AND NOT tmask) OR (bot AND tmask)
        0 => {
            let ks = cx.k((63 - s) as u64);
            let up = cx.b.bin(BinOp::Shl, Width::W64, src, ks);
            let k63 = cx.k(63);
            let top = cx.b.bin(BinOp::Ashr, Width::W64, up, k63);
            let knt = cx.k(!tmask & datamask);
            let t = cx.b.and(w, top, knt);
            let bt = cx.b.and(w, bot, kt);
            cx.b.or(w, t, bt)
        }
        // BFM: top = dst
        1 => {
            let dst = cx.xw(f.u('d'), w);
            let knt = cx.k(!tmask & datamask);
            let t = cx.b.and(w, dst, knt);
            let bt = cx.b.and(w, bot, kt);
            cx.b.or(w, t, bt)
        }
        // UBFM: top = 0
        _ => cx.b.and(w, bot, kt),
    };
    cx.set_x(f.u('d'), res);
    Ok(())
}
