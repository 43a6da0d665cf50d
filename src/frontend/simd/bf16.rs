//! FEAT_BF16: BFCVT, BFCVTN/BFCVTN2, BFDOT (vector, by element), BFMMLA,
//! BFMLALB/BFMLALT (vector, by element).
//!
//! * BFCVT/BFCVTN: `FPConvertBF`, an IEEE conversion from single precision
//!   to BFloat16 with the FPCR rounding mode, FZ, DN and exceptions.
//! * BFMLALB/T: `BFMulAdd`, the single-precision `FPMulAdd` of the widened
//!   BFloat16 inputs (IEEE, FPCR modes and exceptions; FEAT_AFP is absent).
//! * BFDOT/BFMMLA: `BFDotAdd` with FPCR.EBF = 0 (FEAT_EBF16 is absent):
//!   `BFAdd(addend, BFAdd(BFMul(a0, b0), BFMul(a1, b1)))`, where every step
//!   ignores FPCR: denormal inputs are zeros, any NaN gives the default
//!   NaN, results round to odd (`BFRound`), tiny results flush to zero,
//!   overflow gives infinity, and no exception is recorded.
//!
//! BFCVT/BFCVTN and BFDOT/BFMMLA are [`crate::ir::Op::Vec`]s (`BfCvt`,
//! `BfDot`) the backend may run inline, [`run`] their exact fallback;
//! BFMLALB/T are four scalar single-precision `FMulAdd`s (`mlal`).

use super::fpu::Env;
use super::lanes::{get, narrow, set, trunc, width};
use super::{call, Args};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::fp::cvt;
use crate::frontend::fp::float::{Fmt, S};
use crate::frontend::{Ctx, TResult};

/// BFloat16: single precision's exponent, 7 fraction bits.
pub const BF: Fmt = Fmt { ebits: 8, fbits: 7 };

/// [`Args::kind`] values.
const DOT: u32 = 0;
const DOT_ELEM: u32 = 1;
const MLAL: u32 = 2;
const MLAL_ELEM: u32 = 3;
const MMLA: u32 = 4;
const CVTN: u32 = 5;
const CVT: u32 = 6;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    let (kind, m, index) = match op {
        BFDOT_vec => (DOT, f.u('m'), 0),
        BFDOT_elem => (DOT_ELEM, f.u('M') << 4 | f.u('m'), f.u('H') << 1 | f.u('L')),
        BFMLAL_vec => (MLAL, f.u('m'), 0),
        BFMLAL_elem => (
            MLAL_ELEM,
            f.u('m'),
            f.u('H') << 2 | f.u('L') << 1 | f.u('M'),
        ),
        BFMMLA => (MMLA, f.u('m'), 0),
        BFCVTN => (CVTN, 0, 0),
        _ => (CVT, 0, 0),
    };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m,
        // BFCVTN narrows to 16-bit elements.
        size: if kind == CVTN { 1 } else { 2 },
        q: (f.has('Q') && f.b('Q')) || kind == MMLA,
        scalar: false,
        kind,
        imm: index,
    };
    if matches!(kind, CVT | CVTN) {
        // An Op::Vec the backend may run inline, the helper its exact
        // fallback.
        let op = crate::ir::VecOp::BfCvt {
            scalar: kind == CVT,
            q: args.q,
        };
        super::vec_op(cx, op, &args, helper);
    } else if matches!(kind, DOT | DOT_ELEM | MMLA) {
        // An Op::Vec the backend may run inline (x64: emit_bf16_dot), the
        // helper its exact fallback.
        let op = crate::ir::VecOp::BfDot {
            mmla: kind == MMLA,
            q: args.q,
            vm: args.m as u8,
            elem: (kind == DOT_ELEM).then_some(index as u8),
        };
        super::vec_op(cx, op, &args, helper);
    } else if matches!(kind, MLAL | MLAL_ELEM) {
        mlal(cx, &args, (kind == MLAL_ELEM).then_some(index));
    } else {
        call(cx, helper, args, &[]);
    }
    Ok(())
}

/// BFMLALB/BFMLALT as four scalar single-precision [`Op::FMulAdd`]s
/// (`crate::ir::Op::FMulAdd`): `BFMulAdd` is `FPMulAdd` of the BFloat16
/// lanes widened to singles (the top half of a single), lane by lane under
/// one FPCR with the union of the lanes' exceptions, which is what the
/// scalar FMADD computes, so its inline form (and its exact helper for the
/// edge cases) serves BFMLALB/T too. `elem`: the index of the BFloat16 of
/// `V[m]` every lane multiplies by.
fn mlal(cx: &mut Ctx, a: &Args, elem: Option<u32>) {
    use crate::cpu::state::v_offset;
    use crate::ir::{BinOp, FpSize, Val, Width};
    let halves = |cx: &mut Ctx, r: u32| -> [Val; 2] {
        let off = v_offset(r as usize);
        [cx.b.load_state(off), cx.b.load_state(off + 8)]
    };
    // Every source is read before the destination is written.
    let (n, m, d) = (halves(cx, a.n), halves(cx, a.m), halves(cx, a.d));
    // The 16-bit field at bit `p` of the 128 bits `v`, as the top half of a
    // zero-extended single.
    let widen = |cx: &mut Ctx, v: [Val; 2], p: u32| -> Val {
        let (x, p) = (v[p as usize / 64], p % 64);
        let x = match p {
            16 => x,
            0 => {
                let k = cx.k(16);
                cx.b.bin(BinOp::Shl, Width::W64, x, k)
            }
            _ => {
                let k = cx.k(u64::from(p - 16));
                cx.b.bin(BinOp::Lshr, Width::W64, x, k)
            }
        };
        let k = cx.k(0xFFFF_0000);
        cx.b.and(Width::W64, x, k)
    };
    // BFMLALB (Q = 0): the even BFloat16 lanes; BFMLALT (Q = 1): the odd.
    let sel = u32::from(a.q);
    let mut r = [None; 2];
    for e in 0..4u32 {
        let op1 = widen(cx, n, 32 * e + 16 * sel);
        let op2 = match elem {
            Some(i) => widen(cx, m, 16 * i),
            None => widen(cx, m, 32 * e + 16 * sel),
        };
        let addend = super::fp_lanes::lane32(cx, d[e as usize / 2], u64::from(e % 2 * 32));
        let dst = super::fp_lanes::mul_add(cx, FpSize::Single, false, [addend, op1, op2]);
        let h = e as usize / 2;
        r[h] = Some(match r[h] {
            None => dst,
            Some(lo) => super::fp_lanes::pack32(cx, lo, dst),
        });
    }
    let off = v_offset(a.d as usize);
    for (h, v) in r.into_iter().enumerate() {
        cx.b.store_state(off + 8 * h, v.expect("two lanes a half"));
    }
}

super::args_helper!();

/// `FPConvertBF`: single precision to BFloat16 under FPCR.
pub fn convert_bf(env: &mut Env, x: u64) -> u64 {
    cvt::convert(env, S, BF, x)
}

/// A `BFUnpack`ed operand: denormals are zeros and every NaN is quiet.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Bf {
    Zero(bool),
    Inf(bool),
    NaN,
    /// `(-1)^sign * m * 2^e`.
    Num(bool, u128, i32),
}

/// `BFUnpack` of a single-precision value (a BFloat16 one is its top half).
fn unpack(x: u32) -> Bf {
    let sign = x >> 31 != 0;
    let exp = (x >> 23 & 0xff) as i32;
    let frac = x & 0x7f_ffff;
    match exp {
        0 => Bf::Zero(sign),
        0xff if frac == 0 => Bf::Inf(sign),
        0xff => Bf::NaN,
        _ => Bf::Num(sign, u128::from(frac | 1 << 23), exp - 127 - 23),
    }
}

const DEFAULT_NAN: u32 = 0x7fc0_0000;

/// `BFRound`: rounds the exact nonzero value to single precision, to odd;
/// values below the normal range flush to zero, overflow is infinity.
fn round(sign: bool, m: u128, e: i32) -> u32 {
    let s = u32::from(sign) << 31;
    let msb = 127 - m.leading_zeros() as i32;
    let exp = msb + e;
    if exp < -126 {
        return s;
    }
    let shift = msb - 23;
    let mant = if shift > 0 {
        let sticky = m & ((1u128 << shift) - 1) != 0;
        (m >> shift) as u32 | u32::from(sticky)
    } else {
        (m << -shift) as u32
    };
    let biased = exp + 127;
    if biased >= 255 {
        return s | 0x7f80_0000;
    }
    s | (biased as u32) << 23 | mant & 0x7f_ffff
}

/// `BFMul` of two BFloat16 values (in the low 16 bits).
fn mul(a: u64, b: u64) -> u32 {
    let (x, y) = (unpack((a as u32) << 16), unpack((b as u32) << 16));
    let sign = |v: Bf| match v {
        Bf::Zero(s) | Bf::Inf(s) | Bf::Num(s, ..) => s,
        Bf::NaN => false,
    };
    let s = u32::from(sign(x) ^ sign(y)) << 31;
    match (x, y) {
        (Bf::NaN, _) | (_, Bf::NaN) => DEFAULT_NAN,
        (Bf::Inf(_), Bf::Zero(_)) | (Bf::Zero(_), Bf::Inf(_)) => DEFAULT_NAN,
        (Bf::Inf(_), _) | (_, Bf::Inf(_)) => s | 0x7f80_0000,
        (Bf::Zero(_), _) | (_, Bf::Zero(_)) => s,
        (Bf::Num(s1, m1, e1), Bf::Num(s2, m2, e2)) => round(s1 ^ s2, m1 * m2, e1 + e2),
    }
}

/// `BFAdd` of two single-precision values.
fn add(a: u32, b: u32) -> u32 {
    match (unpack(a), unpack(b)) {
        (Bf::NaN, _) | (_, Bf::NaN) => DEFAULT_NAN,
        (Bf::Inf(s1), Bf::Inf(s2)) if s1 != s2 => DEFAULT_NAN,
        (Bf::Inf(s), _) | (_, Bf::Inf(s)) => u32::from(s) << 31 | 0x7f80_0000,
        (Bf::Zero(s1), Bf::Zero(s2)) => u32::from(s1 && s2) << 31,
        (Bf::Zero(_), Bf::Num(s, m, e)) | (Bf::Num(s, m, e), Bf::Zero(_)) => round(s, m, e),
        (Bf::Num(s1, m1, e1), Bf::Num(s2, m2, e2)) => {
            // Exact sum at the smaller exponent; an operand far below the
            // other's last bit only matters as a sticky nonzero of its sign,
            // so it is replaced by one.
            let ((s1, m1, e1), (s2, m2, e2)) = if e1 >= e2 {
                ((s1, m1, e1), (s2, m2, e2))
            } else {
                ((s2, m2, e2), (s1, m1, e1))
            };
            let (m2, e2) = if e1 - e2 > 64 { (1, e1 - 64) } else { (m2, e2) };
            let big = m1 << (e1 - e2);
            let v = if s1 { -(big as i128) } else { big as i128 }
                + if s2 { -(m2 as i128) } else { m2 as i128 };
            if v == 0 {
                0
            } else {
                round(v < 0, v.unsigned_abs(), e2)
            }
        }
    }
}

/// `BFDotAdd` (FPCR.EBF = 0): `addend + a0*b0 + a1*b1` for the BFloat16
/// pairs in the low 32 bits of `a` and `b`.
pub fn dot_add(addend: u64, a: u64, b: u64) -> u64 {
    let p = add(
        mul(a & 0xffff, b & 0xffff),
        mul(a >> 16 & 0xffff, b >> 16 & 0xffff),
    );
    u64::from(add(addend as u32, p))
}

/// Executes one BF16 instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let (n, m, d) = (
        cpu.v[a.n as usize],
        cpu.v[a.m as usize],
        cpu.v[a.d as usize],
    );
    super::with_fp_env(cpu, |cpu, env| {
        match a.kind {
            CVTN => narrow(cpu, a, |x| convert_bf(env, x)),
            CVT => cpu.v[a.d as usize] = u128::from(convert_bf(env, get(n, 32, 0))),
            _ => {
                let mut r = 0u128;
                let el = if a.kind == DOT || a.kind == DOT_ELEM {
                    a.elements()
                } else {
                    4
                };
                for e in 0..el {
                    let acc = get(d, 32, e);
                    let x = match a.kind {
                        DOT => dot_add(acc, get(n, 32, e), get(m, 32, e)),
                        DOT_ELEM => dot_add(acc, get(n, 32, e), get(m, 32, a.imm as usize)),
                        MMLA => {
                            // Vn, Vm: 2x4 row-major; Vd(2x2) += Vn * Vm^T.
                            let (i, j) = (e / 2, e % 2);
                            let s = dot_add(acc, get(n, 32, 2 * i), get(m, 32, 2 * j));
                            dot_add(s, get(n, 32, 2 * i + 1), get(m, 32, 2 * j + 1))
                        }
                        _ => {
                            // BFMLALB (Q = 0) / BFMLALT (Q = 1): even or odd halves.
                            let sel = usize::from(a.q);
                            let y = if a.kind == MLAL_ELEM {
                                get(m, 16, a.imm as usize)
                            } else {
                                get(m, 16, 2 * e + sel)
                            };
                            let x = get(n, 16, 2 * e + sel);
                            crate::frontend::fp::ops::mul_add(env, S, acc, x << 16, y << 16)
                        }
                    };
                    set(&mut r, 32, e, x);
                }
                let q = a.q || (a.kind != DOT && a.kind != DOT_ELEM);
                cpu.v[a.d as usize] = trunc(r, if q { 128 } else { width(a) });
            }
        }
    });
}
