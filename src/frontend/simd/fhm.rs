//! FEAT_FHM: FMLAL, FMLAL2, FMLSL, FMLSL2 (vector, by element). Each
//! half-precision product is added to a single-precision lane with one
//! rounding (`FPMulAddH`): the half-precision inputs are widened exactly
//! (FP16→FP32 conversion, no FP16 arithmetic), NaNs are chosen in the
//! order addend, Vn, Vm and widened by `FPConvertNaN`.
//!
//! The frontend emits one scalar single-precision [`crate::ir::Op::FMulAdd`]
//! per lane (the scalar FMADD/FMSUB, inline in the backend with its exact
//! helper for the edge cases) on the half-precision inputs widened in the
//! IR by integer operations (`widen`); [`run`] is the reference.

use super::{kind_bits, Args};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};

/// [`Args::kind`] bits.
const SUB: u32 = 1;
const UPPER: u32 = 2;
const BY_ELEMENT: u32 = 4;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    let sub = matches!(op, FMLSL_vec | FMLSL2_vec | FMLSL_elem | FMLSL2_elem);
    let upper = matches!(op, FMLAL2_vec | FMLSL2_vec | FMLAL2_elem | FMLSL2_elem);
    let elem = f.has('H');
    let index = if elem {
        f.u('H') << 2 | f.u('L') << 1 | f.u('M')
    } else {
        0
    };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: f.u('m'),
        size: 2,
        q: f.b('Q'),
        scalar: false,
        kind: kind_bits(&[(sub, SUB), (upper, UPPER), (elem, BY_ELEMENT)]),
        imm: index,
    };
    mlal(cx, &args, sub, upper, elem.then_some(index));
    Ok(())
}

/// FMLAL/FMLSL as one scalar single-precision `FMulAdd` a lane:
/// `FPMulAddH(V[d] lane, ±V[n] half, V[m] half)` is `FPMulAdd` of the
/// halves widened exactly to single precision (FPUnpack flushes a denormal
/// half to zero under FPCR.FZ16 with no exception; a NaN stays signalling,
/// so the single-precision NaN rules, in the same operand order, pick and
/// quieten the same NaN, which `FPConvertNaN` widens the same way), and
/// FMLSL negates the `V[n]` half first as FMSUB negates its first operand.
fn mlal(cx: &mut Ctx, a: &Args, sub: bool, upper: bool, elem: Option<u32>) {
    use crate::cpu::state::v_offset;
    use crate::ir::{FpSize, Val};
    use std::mem::offset_of;
    let halves = |cx: &mut Ctx, r: u32| -> [Val; 2] {
        let off = v_offset(r as usize);
        [cx.b.load_state(off), cx.b.load_state(off + 8)]
    };
    // Every source is read before the destination is written.
    let (n, m, d) = (halves(cx, a.n), halves(cx, a.m), halves(cx, a.d));
    let fpcr = cx.b.load_state(offset_of!(CpuState, fpcr));
    let k = cx.k(crate::frontend::fp::float::Fpcr::FZ16);
    let fz16 = cx.b.and(crate::ir::Width::W64, fpcr, k);
    let el = if a.q { 4 } else { 2 };
    let base = if upper { el } else { 0 };
    let by_elem = elem.map(|i| widen(cx, m[i as usize / 4], 16 * (i % 4), fz16));
    let mut r = [None; 2];
    for e in 0..el {
        let i = base + e;
        let op1 = widen(cx, n[i as usize / 4], 16 * (i % 4), fz16);
        let op2 = match by_elem {
            Some(v) => v,
            None => widen(cx, m[i as usize / 4], 16 * (i % 4), fz16),
        };
        let addend = super::fp_lanes::lane32(cx, d[e as usize / 2], u64::from(e % 2 * 32));
        let dst = super::fp_lanes::mul_add(cx, FpSize::Single, sub, [addend, op1, op2]);
        let h = e as usize / 2;
        r[h] = Some(match r[h] {
            None => dst,
            Some(lo) => super::fp_lanes::pack32(cx, lo, dst),
        });
    }
    let off = v_offset(a.d as usize);
    let zero = cx.k(0);
    for (h, v) in r.into_iter().enumerate() {
        cx.b.store_state(off + 8 * h, v.unwrap_or(zero));
    }
}

/// The half at bit `p` of the 64 bits `x` as the bits of the single of
/// the same value (zero-extended): exact for every class, a signalling NaN
/// kept signalling with its payload, a denormal flushed to a signed zero
/// when `fz16` is nonzero.
fn widen(cx: &mut Ctx, x: crate::ir::Val, p: u32, fz16: crate::ir::Val) -> crate::ir::Val {
    use crate::ir::{BinOp, UnOp, Width::W64};
    let h = if p == 0 {
        x
    } else {
        let k = cx.k(u64::from(p));
        cx.b.bin(BinOp::Lshr, W64, x, k)
    };
    let k = cx.k(0x8000);
    let sign = cx.b.and(W64, h, k);
    let k = cx.k(16);
    let sign = cx.b.bin(BinOp::Shl, W64, sign, k);
    let k = cx.k(0x7FFF);
    let mag = cx.b.and(W64, h, k);
    // Normal: the exponent rebiased by 127 - 15; infinity or NaN: all ones.
    let k = cx.k(13);
    let m13 = cx.b.bin(BinOp::Shl, W64, mag, k);
    let k = cx.k(112 << 23);
    let normal = cx.b.add(W64, m13, k);
    let k = cx.k(0x7F80_0000);
    let special = cx.b.or(W64, m13, k);
    let k = cx.k(0x400);
    let top = cx.b.add(W64, mag, k);
    let k = cx.k(0x8000);
    let top = cx.b.and(W64, top, k);
    let wide = cx.b.select(top, special, normal);
    // Denormal `f * 2^-24`: the leading one of `f` at bit 31 - lz becomes
    // the implicit bit (bit 23), the exponent 103 + (31 - lz).
    let lz = cx.b.un(UnOp::Clz, crate::ir::Width::W32, mag);
    let k = cx.k(8);
    let sh = cx.b.sub(W64, lz, k);
    let frac = cx.b.bin(BinOp::Shl, W64, mag, sh);
    let k = cx.k(133);
    let exp = cx.b.sub(W64, k, lz);
    let k = cx.k(23);
    let exp = cx.b.bin(BinOp::Shl, W64, exp, k);
    let den = cx.b.add(W64, frac, exp);
    // Zero, or flushed under FZ16.
    let zero = cx.k(0);
    let keep = cx.b.select(fz16, zero, mag);
    let den = cx.b.select(keep, den, zero);
    let k = cx.k(0x7C00);
    let e = cx.b.and(W64, mag, k);
    let r = cx.b.select(e, wide, den);
    cx.b.or(W64, r, sign)
}

#[cfg(test)]
mod tests {
    use super::super::fpu::Env;
    use super::super::lanes::{get, set, trunc, width};
    use super::*;
    use crate::frontend::fp::float::{fpsr, Class, H, S};
    use crate::frontend::fp::{cvt, ops};

    /// `FPMulAddH(addend, op1, op2)`, the reference for the translation (the
    /// tests below): single-precision `addend + op1 * op2`
    /// with half-precision `op1`, `op2`, rounded once.
    fn mul_add_h(env: &mut Env, addend: u64, op1: u64, op2: u64) -> u64 {
        let (ca, addend) = env.unpack(S, addend);
        let (c1, op1) = env.unpack(H, op1);
        let (c2, op2) = env.unpack(H, op2);
        // `FPConvertNaN(FPProcessNaN(..))`: sign and payload kept (FPCR.AHP
        // plays no part).
        let widen_nan = |env: &mut Env, c: Class, x: u64| {
            let q = env.process_nan(H, c, x);
            S.inf(H.sign(q)) | (q & H.frac_mask()) << (S.fbits - H.fbits)
        };
        let nan = if ca == Class::SNaN {
            Some(env.process_nan(S, ca, addend))
        } else if c1 == Class::SNaN {
            Some(widen_nan(env, c1, op1))
        } else if c2 == Class::SNaN {
            Some(widen_nan(env, c2, op2))
        } else if ca == Class::QNaN {
            Some(env.process_nan(S, ca, addend))
        } else if c1 == Class::QNaN {
            Some(widen_nan(env, c1, op1))
        } else if c2 == Class::QNaN {
            Some(widen_nan(env, c2, op2))
        } else {
            None
        };
        let inf_times_zero =
            (c1 == Class::Inf && c2 == Class::Zero) || (c1 == Class::Zero && c2 == Class::Inf);
        if ca == Class::QNaN && inf_times_zero {
            env.raise(fpsr::IOC);
            return S.default_nan();
        }
        if let Some(n) = nan {
            return n;
        }
        // Widening half precision to single is exact and never yields a
        // single-precision denormal, so the single-precision FPMulAdd sees the
        // same values, signs and exceptions.
        let mut exact = Env::new(0);
        let (a, b) = (
            cvt::convert(&mut exact, H, S, op1),
            cvt::convert(&mut exact, H, S, op2),
        );
        ops::mul_add(env, S, addend, a, b)
    }

    /// Executes one FMLAL/FMLAL2/FMLSL/FMLSL2 (the reference).
    fn run(cpu: &mut CpuState, a: &Args) {
        let (n, m, d) = (
            cpu.v[a.n as usize],
            cpu.v[a.m as usize],
            cpu.v[a.d as usize],
        );
        let el = a.elements();
        // Vpart[., part] of half the data size: the upper half for the "2" forms.
        let base = if a.kind & UPPER != 0 { el } else { 0 };
        super::super::with_fp_env(cpu, |cpu, env| {
            let mut r = 0u128;
            for e in 0..el {
                let mut x = get(n, 16, base + e);
                if a.kind & SUB != 0 {
                    x ^= H.sign_bit();
                }
                let y = if a.kind & BY_ELEMENT != 0 {
                    get(m, 16, a.imm as usize)
                } else {
                    get(m, 16, base + e)
                };
                set(&mut r, 32, e, mul_add_h(env, get(d, 32, e), x, y));
            }
            cpu.v[a.d as usize] = trunc(r, width(a));
        });
    }

    const SPECIAL: [u16; 14] = [
        0x0000, 0x8000, 0x0001, 0x83FF, 0x0200, 0x0400, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00,
        0xFE01, 0x7C01, 0xFD55,
    ];

    /// Halves biased to special values, denormals and values near 1.
    fn vector(next: &mut dyn FnMut() -> u64) -> u128 {
        (0..8).fold(0u128, |v, l| {
            let r = next();
            let h = match r % 4 {
                0 => SPECIAL[(r >> 8) as usize % SPECIAL.len()],
                1 => (r >> 8) as u16,
                _ => (r >> 8) as u16 & 0x83FF | (0x3800 + (r >> 40) as u16 % 0x1000),
            };
            v | u128::from(h) << (16 * l)
        })
    }

    /// The IR the frontend emits, run by the interpreter, against [`run`].
    #[test]
    fn translation_matches_the_reference() {
        // Every form (Q, "2", FMLSL, vector or every element index), each
        // with a few register choices, aliasing included; the words
        // assembled from the Arm ARM encodings.
        let regs = [
            (1, 2, 3),
            (2, 2, 2),
            (5, 7, 15),
            (3, 2, 3),
            (4, 4, 9),
            (1, 2, 19),
        ];
        let mut forms = Vec::new();
        for bits in 0..8u32 {
            let (q, upper, sub) = (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
            for elem in std::iter::once(None).chain((0..8).map(Some)) {
                for &(d, n, m) in &regs {
                    let b = |x: bool, at: u32| u32::from(x) << at;
                    let (w, m) = match elem {
                        None => (
                            0x0e20ec00 ^ b(upper, 13) | b(upper, 29) | b(sub, 23) | m << 16,
                            m,
                        ),
                        Some(i) => (
                            0x0f800000
                                | b(upper, 29)
                                | b(upper, 15)
                                | b(sub, 14)
                                | (i & 1) << 20
                                | (i >> 1 & 1) << 21
                                | (i >> 2) << 11
                                | (m & 15) << 16,
                            m & 15,
                        ),
                    };
                    let kind =
                        kind_bits(&[(sub, SUB), (upper, UPPER), (elem.is_some(), BY_ELEMENT)]);
                    let args = Args {
                        d,
                        n,
                        m,
                        size: 2,
                        q,
                        scalar: false,
                        kind,
                        imm: elem.unwrap_or(0),
                    };
                    forms.push((w | b(q, 30) | n << 5 | d, args));
                }
            }
        }
        super::super::check_inline(&forms, run, vector, 40000);
    }
}
