//! Advanced SIMD three same (vector and scalar): integer arithmetic,
//! comparisons, logic, shifts by register, pairwise and floating point.

use super::fpu::{self, Env, FBin, FCmp};
use super::lanes::{self, mask, qc, sat_s, sat_u, sx};
use super::{call, kinds, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{FpOp, VOp};

kinds!(
    /// The operation of a three-same instruction. The `U` bit (signedness)
    /// travels in [`Args::imm`].
    K {
        Hadd, Qadd, Rhadd, And, Bic, Orr, Orn, Eor, Bsl, Bit, Bif, Hsub, Qsub,
        Cmgt, Cmge, Shl, Qshl, Rshl, Qrshl, Max, Min, Abd, Aba, Add, Sub, Cmtst,
        Cmeq, Mla, Mls, Mul, Pmul, Maxp, Minp, Qdmulh, Qrdmulh, Addp,
        Fmaxnm, Fmla, Fadd, Fmulx, Fcmeq, Fmax, Frecps, Fminnm, Fmls, Fsub, Fmin,
        Frsqrts, Fmaxnmp, Faddp, Fmul, Fcmge, Facge, Fmaxp, Fdiv, Fminnmp, Fabd,
        Fcmgt, Facgt, Fminp,
    }
);

/// Decodes (U, size, opcode) into a kind and the element size (log2 bytes).
fn decode(u: bool, size: u32, opc: u32, q: bool, scalar: bool) -> Option<(K, u32)> {
    use K::*;
    if opc >= 0b11000 {
        let a = size >> 1 != 0;
        let k = match (u, a, opc & 7) {
            (false, false, 0) => Fmaxnm,
            (false, false, 1) => Fmla,
            (false, false, 2) => Fadd,
            (false, false, 3) => Fmulx,
            (false, false, 4) => Fcmeq,
            (false, false, 6) => Fmax,
            (false, false, 7) => Frecps,
            (false, true, 0) => Fminnm,
            (false, true, 1) => Fmls,
            (false, true, 2) => Fsub,
            (false, true, 6) => Fmin,
            (false, true, 7) => Frsqrts,
            (true, false, 0) => Fmaxnmp,
            (true, false, 2) => Faddp,
            (true, false, 3) => Fmul,
            (true, false, 4) => Fcmge,
            (true, false, 5) => Facge,
            (true, false, 6) => Fmaxp,
            (true, false, 7) => Fdiv,
            (true, true, 0) => Fminnmp,
            (true, true, 2) => Fabd,
            (true, true, 4) => Fcmgt,
            (true, true, 5) => Facgt,
            (true, true, 6) => Fminp,
            _ => return None,
        };
        let sz = size & 1;
        if sz == 1 && !q && !scalar {
            return None;
        }
        if scalar
            && !matches!(
                k,
                Fmulx | Fcmeq | Frecps | Frsqrts | Fcmge | Facge | Fabd | Fcmgt | Facgt
            )
        {
            return None;
        }
        return Some((k, 2 + sz));
    }
    if opc == 0b00011 {
        if scalar {
            return None;
        }
        let k = [[And, Bic, Orr, Orn], [Eor, Bsl, Bit, Bif]][u as usize][size as usize];
        return Some((k, 3));
    }
    let k = match (opc, u) {
        (0b00000, _) => Hadd,
        (0b00001, _) => Qadd,
        (0b00010, _) => Rhadd,
        (0b00100, _) => Hsub,
        (0b00101, _) => Qsub,
        (0b00110, _) => Cmgt,
        (0b00111, _) => Cmge,
        (0b01000, _) => Shl,
        (0b01001, _) => Qshl,
        (0b01010, _) => Rshl,
        (0b01011, _) => Qrshl,
        (0b01100, _) => Max,
        (0b01101, _) => Min,
        (0b01110, _) => Abd,
        (0b01111, _) => Aba,
        (0b10000, false) => Add,
        (0b10000, true) => Sub,
        (0b10001, false) => Cmtst,
        (0b10001, true) => Cmeq,
        (0b10010, false) => Mla,
        (0b10010, true) => Mls,
        (0b10011, false) => Mul,
        (0b10011, true) => Pmul,
        (0b10100, _) => Maxp,
        (0b10101, _) => Minp,
        (0b10110, false) => Qdmulh,
        (0b10110, true) => Qrdmulh,
        (0b10111, false) => Addp,
        _ => return None,
    };
    let ok = if scalar {
        match k {
            Qadd | Qsub | Qshl | Qrshl => true,
            Cmgt | Cmge | Shl | Rshl | Add | Sub | Cmtst | Cmeq => size == 3,
            Qdmulh | Qrdmulh => size == 1 || size == 2,
            _ => false,
        }
    } else {
        match k {
            Mla | Mls | Mul | Hadd | Rhadd | Hsub | Max | Min | Abd | Aba | Maxp | Minp => {
                size != 3
            }
            Pmul => size == 0,
            Qdmulh | Qrdmulh => size == 1 || size == 2,
            _ => size != 3 || q,
        }
    };
    ok.then_some((k, size))
}

pub fn translate(cx: &mut Ctx, f: &Fields, scalar: bool) -> TResult {
    let q = scalar || f.b('Q');
    let u = f.b('U');
    let (kind, size) = decode(u, f.u('s'), f.u('o'), q, scalar).ok_or(Undefined)?;
    emit(cx, f, scalar, q, kind, size)
}

/// Three same (FP16) and scalar three same FP16: the (U, a, opcode)
/// assignments of the single/double floating-point rows, on half-precision
/// elements (any Q).
pub fn translate_h(cx: &mut Ctx, f: &Fields, scalar: bool) -> TResult {
    let q = scalar || f.b('Q');
    let size = u32::from(f.b('a')) << 1;
    let (kind, _) = decode(f.b('U'), size, 0b11000 | f.u('o'), true, scalar).ok_or(Undefined)?;
    emit(cx, f, scalar, q, kind, 1)
}

fn emit(cx: &mut Ctx, f: &Fields, scalar: bool, q: bool, kind: K, size: u32) -> TResult {
    let u = f.b('U');
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: f.u('m'),
        size,
        q,
        scalar,
        kind: kind as u32,
        imm: u as u32,
    };
    let fp = match kind {
        K::Fadd => Some(FpOp::Add),
        K::Fsub => Some(FpOp::Sub),
        K::Fmul => Some(FpOp::Mul),
        K::Fdiv => Some(FpOp::Div),
        _ => None,
    };
    // Single and double precision lanes (size 2 or 3); half precision
    // (size 1) stays with the helper.
    if let (Some(op), false, 2..) = (fp, scalar, size) {
        let lanes = (args.d, args.n, args.m);
        super::fp_lanes::translate(cx, op, 8 << size, q, lanes);
        return Ok(());
    }
    let cmgt = (kind == K::Cmgt && !u).then_some(VOp::Cmgt);
    match inline_op(kind).or(cmgt) {
        Some(op) if !scalar => super::vbin(cx, op, &args, None, helper),
        _ => {
            call(cx, helper, args, &[]);
        }
    }
    Ok(())
}

/// The integer operations the backend can run inline.
pub(super) fn inline_op(k: K) -> Option<VOp> {
    Some(match k {
        K::Add => VOp::Add,
        K::Sub => VOp::Sub,
        K::Mul => VOp::Mul,
        K::Mla => VOp::Mla,
        K::Mls => VOp::Mls,
        K::And => VOp::And,
        K::Orr => VOp::Orr,
        K::Eor => VOp::Eor,
        K::Bic => VOp::Bic,
        K::Cmeq => VOp::Cmeq,
        _ => return None,
    })
}

/// Shift `x` by the signed low byte of `s` (left when positive), with
/// optional rounding and saturation: (result, saturated).
pub fn shift_reg(x: u64, s: u64, es: u32, signed: bool, round: bool, sat: bool) -> (u64, bool) {
    let v: i128 = if signed { sx(x, es) as i128 } else { x as i128 };
    let sh = s as u8 as i8 as i32;
    let r: i128 = if sh >= 0 {
        if sh as u32 >= es {
            if sat && v != 0 {
                return if signed && v < 0 {
                    sat_s(i128::MIN, es)
                } else if signed {
                    sat_s(i128::MAX, es)
                } else {
                    sat_u(i128::MAX, es)
                };
            }
            0
        } else {
            v << sh
        }
    } else {
        let n = (-sh).min(66) as u32;
        let add = if round { 1i128 << (n - 1) } else { 0 };
        (v + add) >> n
    };
    if !sat {
        (r as u64 & mask(es), false)
    } else if signed {
        sat_s(r, es)
    } else {
        sat_u(r, es)
    }
}

/// Polynomial (carry-less) multiply of two bytes, low 8 bits.
fn pmul8(a: u64, b: u64) -> u64 {
    (0..8)
        .filter(|i| b >> i & 1 != 0)
        .fold(0, |acc, i| acc ^ (a << i))
        & 0xff
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    let a = Args::unpack(p);
    let mv = cpu.v[a.m as usize];
    run(cpu, &a, mv);
    0
}

/// Executes one three-same instruction with `mv` as the second operand
/// vector (Vm, or a replicated element for the by-element forms).
pub fn run(cpu: &mut CpuState, a: &Args, mv: u128) {
    use K::*;
    let es = a.esize();
    let signed = a.imm & 1 == 0;
    let k = K::from_u32(a.kind);
    let val = |x: u64| -> i128 {
        if signed {
            sx(x, es) as i128
        } else {
            x as i128
        }
    };
    let ones = |c: bool| if c { mask(es) } else { 0 };
    let mut sat = false;
    match k {
        Hadd => lanes::map3(cpu, a, mv, |x, y, _| ((val(x) + val(y)) >> 1) as u64),
        Rhadd => lanes::map3(cpu, a, mv, |x, y, _| ((val(x) + val(y) + 1) >> 1) as u64),
        Hsub => lanes::map3(cpu, a, mv, |x, y, _| ((val(x) - val(y)) >> 1) as u64),
        Qadd | Qsub => lanes::map3(cpu, a, mv, |x, y, _| {
            let r = if k == Qadd {
                val(x) + val(y)
            } else {
                val(x) - val(y)
            };
            let (v, s) = if signed { sat_s(r, es) } else { sat_u(r, es) };
            sat |= s;
            v
        }),
        And => lanes::map3(cpu, a, mv, |x, y, _| x & y),
        Bic => lanes::map3(cpu, a, mv, |x, y, _| x & !y),
        Orr => lanes::map3(cpu, a, mv, |x, y, _| x | y),
        Orn => lanes::map3(cpu, a, mv, |x, y, _| x | !y),
        Eor => lanes::map3(cpu, a, mv, |x, y, _| x ^ y),
        Bsl => lanes::map3(cpu, a, mv, |x, y, d| (x & d) | (y & !d)),
        Bit => lanes::map3(cpu, a, mv, |x, y, d| (d & !y) | (x & y)),
        Bif => lanes::map3(cpu, a, mv, |x, y, d| (d & y) | (x & !y)),
        Cmgt => lanes::map3(cpu, a, mv, |x, y, _| ones(val(x) > val(y))),
        Cmge => lanes::map3(cpu, a, mv, |x, y, _| ones(val(x) >= val(y))),
        Shl | Rshl | Qshl | Qrshl => lanes::map3(cpu, a, mv, |x, y, _| {
            let round = matches!(k, Rshl | Qrshl);
            let (v, s) = shift_reg(x, y, es, signed, round, matches!(k, Qshl | Qrshl));
            sat |= s;
            v
        }),
        Max => lanes::map3(cpu, a, mv, |x, y, _| if val(x) >= val(y) { x } else { y }),
        Min => lanes::map3(cpu, a, mv, |x, y, _| if val(x) <= val(y) { x } else { y }),
        Abd => lanes::map3(cpu, a, mv, |x, y, _| {
            (val(x) - val(y)).unsigned_abs() as u64
        }),
        Aba => lanes::map3(cpu, a, mv, |x, y, d| {
            d.wrapping_add((val(x) - val(y)).unsigned_abs() as u64)
        }),
        Add => lanes::map3(cpu, a, mv, |x, y, _| x.wrapping_add(y)),
        Sub => lanes::map3(cpu, a, mv, |x, y, _| x.wrapping_sub(y)),
        Cmtst => lanes::map3(cpu, a, mv, |x, y, _| ones(x & y != 0)),
        Cmeq => lanes::map3(cpu, a, mv, |x, y, _| ones(x == y)),
        Mla => lanes::map3(cpu, a, mv, |x, y, d| d.wrapping_add(x.wrapping_mul(y))),
        Mls => lanes::map3(cpu, a, mv, |x, y, d| d.wrapping_sub(x.wrapping_mul(y))),
        Mul => lanes::map3(cpu, a, mv, |x, y, _| x.wrapping_mul(y)),
        Pmul => lanes::map3(cpu, a, mv, |x, y, _| pmul8(x, y)),
        Maxp => lanes::pairwise(cpu, a, |x, y| if val(x) >= val(y) { x } else { y }),
        Minp => lanes::pairwise(cpu, a, |x, y| if val(x) <= val(y) { x } else { y }),
        Addp => lanes::pairwise(cpu, a, |x, y| x.wrapping_add(y)),
        Qdmulh | Qrdmulh => lanes::map3(cpu, a, mv, |x, y, _| {
            let round = if k == Qrdmulh { 1i128 << (es - 1) } else { 0 };
            let p = 2 * (sx(x, es) as i128) * (sx(y, es) as i128) + round;
            let (v, s) = sat_s(p >> es, es);
            sat |= s;
            v
        }),
        _ => run_fp(cpu, a, mv, k),
    }
    qc(cpu, sat);
}

/// The floating-point kinds of [`run`].
fn run_fp(cpu: &mut CpuState, a: &Args, mv: u128, k: K) {
    use K::*;
    let es = a.esize();
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = Env::new(cpu.fpcr);
    let bin = match k {
        Fmaxnm => Some(FBin::MaxNm),
        Fminnm => Some(FBin::MinNm),
        Fadd => Some(FBin::Add),
        Fsub => Some(FBin::Sub),
        Fmul => Some(FBin::Mul),
        Fdiv => Some(FBin::Div),
        Fmulx => Some(FBin::Mulx),
        Fmax => Some(FBin::Max),
        Fmin => Some(FBin::Min),
        Fabd => Some(FBin::Abd),
        Frecps => Some(FBin::Recps),
        Frsqrts => Some(FBin::Rsqrts),
        _ => None,
    };
    let pair = match k {
        Faddp => Some(FBin::Add),
        Fmaxp => Some(FBin::Max),
        Fminp => Some(FBin::Min),
        Fmaxnmp => Some(FBin::MaxNm),
        Fminnmp => Some(FBin::MinNm),
        _ => None,
    };
    let cmp = match k {
        Fcmeq => Some(FCmp::Eq),
        Fcmge => Some(FCmp::Ge),
        Fcmgt => Some(FCmp::Gt),
        Facge => Some(FCmp::AbsGe),
        Facgt => Some(FCmp::AbsGt),
        _ => None,
    };
    if let Some(op) = bin {
        lanes::map3(cpu, a, mv, |x, y, _| fpu::bin(&mut env, es, op, x, y));
    } else if let Some(op) = pair {
        lanes::pairwise(cpu, a, |x, y| fpu::bin(&mut env, es, op, x, y));
    } else if let Some(c) = cmp {
        lanes::map3(cpu, a, mv, |x, y, _| fpu::cmp(&mut env, es, c, x, y));
    } else if k == Fmla {
        lanes::map3(cpu, a, mv, |x, y, d| fpu::fma(&mut env, es, d, x, y));
    } else if k == Fmls {
        lanes::map3(cpu, a, mv, |x, y, d| {
            fpu::fma(&mut env, es, d, fpu::neg(es, x), y)
        });
    } else {
        unreachable!("integer kind {k:?} reached run_fp");
    }
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
}
