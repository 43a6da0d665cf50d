//! Advanced SIMD two-register miscellaneous (vector and scalar): reversal,
//! counting, compare with zero, ABS/NEG, narrowing and lengthening moves,
//! pairwise long adds, and the floating-point unary operations,
//! conversions and estimates.

use super::fpu::{self, Env, FCmp, Rounding};
use super::lanes::{self, get, mask, qc, sat_s, sat_u, set, sx, trunc, width};
use super::{call, kinds, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::fp::estimate;
use crate::frontend::{Ctx, TResult, Undefined};

kinds!(
    /// The operation; [`Args::imm`] carries U in bit 0 and a [`Rnd`] index
    /// in bits 4.. for rounding operations.
    K {
        Rev64, Rev32, Rev16, Addlp, Sqadd, Cls, Clz, Cnt, Not, Rbit, Adalp, Sqabs,
        Sqneg, CmgtZ, CmgeZ, CmeqZ, CmleZ, CmltZ, Abs, Neg, Xtn, Sqxtun, Qxtn, Shll,
        Fcvtn, Fcvtxn, Fcvtl, Frint, Fcvt, Cvtf, FcmgtZ, FcmgeZ, FcmeqZ, FcmleZ,
        FcmltZ, Fabs, Fneg, Fsqrt, Frecpe, Frsqrte, Urecpe, Ursqrte, Frecpx,
    }
);

/// Rounding modes by index; 5 is FPCR's mode and 6 FPCR's mode with the
/// inexact exception (FRINTX).
const RND: [Rounding; 5] = [
    Rounding::TieEven,
    Rounding::PosInf,
    Rounding::NegInf,
    Rounding::Zero,
    Rounding::TieAway,
];

/// Decodes (U, size, opcode): the kind, element size (log2 bytes; the
/// narrow size for narrowing/lengthening ops) and rounding mode index
/// (see [`RND`]).
fn decode(u: bool, size: u32, opc: u32, q: bool, scalar: bool) -> Option<(K, u32, u32)> {
    use K::*;
    let vec_ok = size != 3 || q;
    let int = |k: K, ok: bool| ok.then_some((k, size, 0));
    if opc >= 0b01100 && (opc >= 0b11000 || size >> 1 != 0) && !matches!(opc, 0b10010..=0b10111) {
        // Floating point: size<1> is part of the opcode, size<0> is sz.
        let sz = size & 1;
        if sz == 1 && !q {
            return None;
        }
        let a = size >> 1 != 0;
        // (kind, rounding index: 0..4 named, 5 = FPCR)
        let (k, r) = match (u, a, opc) {
            (false, false, 0b11000) => (Frint, 0),
            (false, false, 0b11001) => (Frint, 2),
            (false, false, 0b11010) => (Fcvt, 0),
            (false, false, 0b11011) => (Fcvt, 2),
            (false, false, 0b11100) => (Fcvt, 4),
            (false, false, 0b11101) => (Cvtf, 0),
            (false, true, 0b01100) => (FcmgtZ, 0),
            (false, true, 0b01101) => (FcmeqZ, 0),
            (false, true, 0b01110) => (FcmltZ, 0),
            (false, true, 0b01111) => (Fabs, 0),
            (false, true, 0b11000) => (Frint, 1),
            (false, true, 0b11001) => (Frint, 3),
            (false, true, 0b11010) => (Fcvt, 1),
            (false, true, 0b11011) => (Fcvt, 3),
            (false, true, 0b11100) if sz == 0 => (Urecpe, 0),
            (false, true, 0b11101) => (Frecpe, 0),
            (false, true, 0b11111) => (Frecpx, 0),
            (true, false, 0b11000) => (Frint, 4),
            (true, false, 0b11001) => (Frint, 6),
            (true, false, 0b11010) => (Fcvt, 0),
            (true, false, 0b11011) => (Fcvt, 2),
            (true, false, 0b11100) => (Fcvt, 4),
            (true, false, 0b11101) => (Cvtf, 0),
            (true, true, 0b01100) => (FcmgeZ, 0),
            (true, true, 0b01101) => (FcmleZ, 0),
            (true, true, 0b01111) => (Fneg, 0),
            (true, true, 0b11001) => (Frint, 5),
            (true, true, 0b11010) => (Fcvt, 1),
            (true, true, 0b11011) => (Fcvt, 3),
            (true, true, 0b11100) if sz == 0 => (Ursqrte, 0),
            (true, true, 0b11101) => (Frsqrte, 0),
            (true, true, 0b11111) => (Fsqrt, 0),
            _ => return None,
        };
        if scalar && matches!(k, Frint | Fabs | Fneg | Fsqrt | Urecpe | Ursqrte) {
            return None;
        }
        if !scalar && k == Frecpx {
            return None;
        }
        return Some((k, 2 + sz, r));
    }
    match (u, opc) {
        (false, 0b00000) => int(Rev64, !scalar && size < 3),
        (true, 0b00000) => int(Rev32, !scalar && size < 2),
        (false, 0b00001) => int(Rev16, !scalar && size == 0),
        (_, 0b00010) => int(Addlp, !scalar && size < 3),
        (_, 0b00011) => int(Sqadd, vec_ok),
        (false, 0b00100) => int(Cls, !scalar && size < 3),
        (true, 0b00100) => int(Clz, !scalar && size < 3),
        (false, 0b00101) => int(Cnt, !scalar && size == 0),
        (true, 0b00101) if !scalar && size == 0 => Some((Not, 3, 0)),
        (true, 0b00101) => int(Rbit, !scalar && size == 1).map(|(k, _, r)| (k, 0, r)),
        (_, 0b00110) => int(Adalp, !scalar && size < 3),
        (false, 0b00111) => int(Sqabs, vec_ok),
        (true, 0b00111) => int(Sqneg, vec_ok),
        (false, 0b01000) => int(CmgtZ, if scalar { size == 3 } else { vec_ok }),
        (true, 0b01000) => int(CmgeZ, if scalar { size == 3 } else { vec_ok }),
        (false, 0b01001) => int(CmeqZ, if scalar { size == 3 } else { vec_ok }),
        (true, 0b01001) => int(CmleZ, if scalar { size == 3 } else { vec_ok }),
        (false, 0b01010) => int(CmltZ, if scalar { size == 3 } else { vec_ok }),
        (false, 0b01011) => int(Abs, if scalar { size == 3 } else { vec_ok }),
        (true, 0b01011) => int(Neg, if scalar { size == 3 } else { vec_ok }),
        (false, 0b10010) => int(Xtn, !scalar && size < 3),
        (true, 0b10010) => int(Sqxtun, size < 3),
        (true, 0b10011) => int(Shll, !scalar && size < 3),
        (_, 0b10100) => int(Qxtn, size < 3),
        // size<0> selects single -> half (0) or double -> single (1); the
        // size given is that of the narrow elements.
        (false, 0b10110) if size < 2 && !scalar => Some((Fcvtn, size + 1, 0)),
        (true, 0b10110) if size == 1 => Some((Fcvtxn, 2, 0)),
        (false, 0b10111) if size < 2 && !scalar => Some((Fcvtl, size + 1, 0)),
        _ => None,
    }
}

pub fn translate(cx: &mut Ctx, f: &Fields, scalar: bool) -> TResult {
    let q = scalar || f.b('Q');
    let u = f.b('U');
    let (kind, size, rnd) = decode(u, f.u('s'), f.u('o'), q, scalar).ok_or(Undefined)?;
    emit(cx, f, scalar, (kind, size, rnd))
}

/// Two-register miscellaneous (FP16) and its scalar form: the (U, a,
/// opcode) assignments of the single/double floating-point rows on
/// half-precision elements (any Q), without URECPE/URSQRTE.
pub fn translate_h(cx: &mut Ctx, f: &Fields, scalar: bool) -> TResult {
    let opc = f.u('o');
    let a = f.b('a');
    let fp_row = opc >= 0b11000 || (a && (0b01100..=0b01111).contains(&opc));
    if !fp_row {
        return Err(Undefined);
    }
    let (kind, _, rnd) = decode(f.b('U'), u32::from(a) << 1, opc, true, scalar).ok_or(Undefined)?;
    if matches!(kind, K::Urecpe | K::Ursqrte) {
        return Err(Undefined);
    }
    emit(cx, f, scalar, (kind, 1, rnd))
}

fn emit(cx: &mut Ctx, f: &Fields, scalar: bool, (kind, size, rnd): (K, u32, u32)) -> TResult {
    let u = f.b('U');
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        size,
        q: if scalar { true } else { f.b('Q') },
        scalar,
        kind: kind as u32,
        imm: u as u32 | rnd << 4,
        ..Args::default()
    };
    use crate::ir::VecOp;
    let (esize, upper) = (args.esize() as u8, args.q);
    let inline = match kind {
        K::Xtn if !scalar => Some(VecOp::Narrow {
            esize,
            upper,
            sh: 0,
            round: false,
        }),
        K::Shll => Some(VecOp::Widen {
            signed: false,
            esize,
            upper,
            sh: esize,
        }),
        _ => None,
    };
    match inline {
        Some(op) => super::vec_op(cx, op, &args, helper),
        None => {
            call(cx, helper, args, &[]);
        }
    }
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Reverses the elements of size `es` within each container of `c` bits.
fn rev(v: u128, es: u32, c: u32, bits: u32) -> u128 {
    let per = (c / es) as usize;
    let mut r = 0u128;
    for i in 0..(bits / es) as usize {
        set(&mut r, es, i, get(v, es, i ^ (per - 1)));
    }
    r
}

/// Executes one two-register-misc instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    use K::*;
    let es = a.esize();
    let unsigned = a.imm & 1 != 0;
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = Env::new(cpu.fpcr);
    let exact = a.imm >> 4 == 6;
    let rnd = match (a.imm >> 4) as usize {
        5 | 6 => env.fpcr.rounding(),
        i => RND[i],
    };
    let ones = |c: bool| if c { mask(es) } else { 0 };
    let s = |x: u64| sx(x, es);
    let mut sat = false;
    let k = K::from_u32(a.kind);
    match k {
        Rev64 | Rev32 | Rev16 => {
            let c = match k {
                Rev64 => 64,
                Rev32 => 32,
                _ => 16,
            };
            let v = rev(cpu.v[a.n as usize], es, c, width(a));
            cpu.v[a.d as usize] = trunc(v, width(a));
        }
        Addlp | Adalp => {
            let n = cpu.v[a.n as usize];
            let d = cpu.v[a.d as usize];
            let mut r = 0u128;
            for i in 0..(width(a) / (2 * es)) as usize {
                let (x, y) = (get(n, es, 2 * i), get(n, es, 2 * i + 1));
                let sum = if unsigned {
                    x + y
                } else {
                    (s(x) + s(y)) as u64
                };
                let acc = if k == Adalp { get(d, 2 * es, i) } else { 0 };
                set(&mut r, 2 * es, i, sum.wrapping_add(acc));
            }
            cpu.v[a.d as usize] = trunc(r, width(a));
        }
        Sqadd => lanes::map1(cpu, a, |x, d| {
            // SUQADD: signed d + unsigned x; USQADD: unsigned d + signed x.
            let (v, st) = if unsigned {
                sat_u(d as i128 + s(x) as i128, es)
            } else {
                sat_s(s(d) as i128 + x as i128, es)
            };
            sat |= st;
            v
        }),
        Cls => lanes::map1(cpu, a, |x, _| {
            let v = s(x);
            let t = if v < 0 { !v } else { v };
            (t.leading_zeros() - (64 - es + 1)) as u64
        }),
        Clz => lanes::map1(cpu, a, |x, _| (x.leading_zeros() - (64 - es)) as u64),
        Cnt => lanes::map1(cpu, a, |x, _| x.count_ones() as u64),
        Not => lanes::map1(cpu, a, |x, _| !x),
        Rbit => lanes::map1(cpu, a, |x, _| (x as u8).reverse_bits() as u64),
        Sqabs | Sqneg => lanes::map1(cpu, a, |x, _| {
            let v = s(x) as i128;
            let (r, st) = sat_s(if k == Sqabs { v.abs() } else { -v }, es);
            sat |= st;
            r
        }),
        CmgtZ => lanes::map1(cpu, a, |x, _| ones(s(x) > 0)),
        CmgeZ => lanes::map1(cpu, a, |x, _| ones(s(x) >= 0)),
        CmeqZ => lanes::map1(cpu, a, |x, _| ones(x == 0)),
        CmleZ => lanes::map1(cpu, a, |x, _| ones(s(x) <= 0)),
        CmltZ => lanes::map1(cpu, a, |x, _| ones(s(x) < 0)),
        Abs => lanes::map1(cpu, a, |x, _| s(x).unsigned_abs()),
        Neg => lanes::map1(cpu, a, |x, _| x.wrapping_neg()),
        Xtn => lanes::narrow(cpu, a, |x| x),
        Sqxtun => lanes::narrow(cpu, a, |x| {
            let (v, st) = sat_u(sx(x, 2 * es) as i128, es);
            sat |= st;
            v
        }),
        Qxtn => lanes::narrow(cpu, a, |x| {
            let (v, st) = if unsigned {
                sat_u(x as i128, es)
            } else {
                sat_s(sx(x, 2 * es) as i128, es)
            };
            sat |= st;
            v
        }),
        Shll => lanes::widen(cpu, a, |x| x << es),
        Fcvtn => lanes::narrow(cpu, a, |x| fpu::convert(&mut env, 2 * es, es, x)),
        Fcvtxn => lanes::narrow(cpu, a, |x| fpu::convert_odd(&mut env, x)),
        Fcvtl => lanes::widen(cpu, a, |x| fpu::convert(&mut env, es, 2 * es, x)),
        Frint => lanes::map1(cpu, a, |x, _| fpu::round_int(&mut env, es, rnd, exact, x)),
        Fcvt => lanes::map1(cpu, a, |x, _| {
            fpu::to_int(&mut env, es, rnd, !unsigned, 0, x)
        }),
        Cvtf => lanes::map1(cpu, a, |x, _| fpu::from_int(&mut env, es, !unsigned, 0, x)),
        FcmgtZ => lanes::map1(cpu, a, |x, _| fpu::cmp(&mut env, es, FCmp::Gt, x, 0)),
        FcmgeZ => lanes::map1(cpu, a, |x, _| fpu::cmp(&mut env, es, FCmp::Ge, x, 0)),
        FcmeqZ => lanes::map1(cpu, a, |x, _| fpu::cmp(&mut env, es, FCmp::Eq, x, 0)),
        FcmleZ => lanes::map1(cpu, a, |x, _| fpu::cmp(&mut env, es, FCmp::Ge, 0, x)),
        FcmltZ => lanes::map1(cpu, a, |x, _| fpu::cmp(&mut env, es, FCmp::Gt, 0, x)),
        Fabs => lanes::map1(cpu, a, |x, _| fpu::abs(es, x)),
        Fneg => lanes::map1(cpu, a, |x, _| fpu::neg(es, x)),
        Fsqrt => lanes::map1(cpu, a, |x, _| fpu::sqrt(&mut env, es, x)),
        Frecpe => lanes::map1(cpu, a, |x, _| estimate::recip(&mut env, fpu::fmt(es), x)),
        Frsqrte => lanes::map1(cpu, a, |x, _| estimate::rsqrt(&mut env, fpu::fmt(es), x)),
        Frecpx => lanes::map1(cpu, a, |x, _| estimate::recpx(&mut env, fpu::fmt(es), x)),
        Urecpe => lanes::map1(cpu, a, |x, _| u64::from(estimate::urecip(x as u32))),
        Ursqrte => lanes::map1(cpu, a, |x, _| u64::from(estimate::ursqrt(x as u32))),
    }
    qc(cpu, sat);
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
}
