//! FEAT_FCMA: FCMLA (vector, by element) and FCADD, half (FEAT_FP16),
//! single and double precision. Per the Arm ARM, the rotation picks
//! which operand elements meet and which are negated (`FPNeg`, which flips
//! the sign of a NaN too) before each `FPMulAdd(d, n, m)` / `FPAdd(n, m)`,
//! each rounded on its own with the FPCR modes.
//!
//! Single and double precision are one scalar [`crate::ir::Op::FMulAdd`]
//! (FCMLA) or [`crate::ir::Op::FBin`] add (FCADD) per lane (`inline`), the
//! scalar FMADD/FADD with their exact helpers for the edge cases; half
//! precision calls [`run`].

use super::fpu::{self, FBin};
use super::lanes::{get, set, trunc, width};
use super::{call, Args};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};

/// [`Args::kind`] values.
const FCMLA: u32 = 0;
const FCMLA_ELEM: u32 = 1;
const FCADD: u32 = 2;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let q = f.b('Q');
    let size = f.u('s');
    let (kind, m, rot, index) = match op {
        Op::FCMLA_elem => {
            let m = f.u('M') << 4 | f.u('m');
            match size {
                // 4H/8H: index H:L, a pair inside the register's width.
                1 if q || !f.b('H') => (FCMLA_ELEM, m, f.u('r'), f.u('H') << 1 | f.u('L')),
                // Only the 4S form: one index bit, L must be zero.
                2 if q && !f.b('L') => (FCMLA_ELEM, m, f.u('r'), f.u('H')),
                _ => return Err(Undefined),
            }
        }
        _ => {
            if size == 0 || (size == 3 && !q) {
                return Err(Undefined);
            }
            let k = if op == Op::FCADD { FCADD } else { FCMLA };
            (k, f.u('m'), f.u('r'), 0)
        }
    };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m,
        size,
        q,
        scalar: false,
        kind,
        imm: rot | index << 4,
    };
    if size == 1 {
        call(cx, helper, args, &[]);
    } else {
        inline(cx, &args);
    }
    Ok(())
}

/// FCMLA/FCADD on single or double lanes: per lane the scalar
/// `FPMulAdd(d, n element, ±m element)` or `FPAdd(n element, ±m element)`
/// of [`run`], the negation an explicit sign flip of the `m` element
/// (`FPNeg`, a NaN's sign too) so the operand order of the NaN rules is
/// kept.
fn inline(cx: &mut Ctx, a: &Args) {
    use super::fp_lanes::{lane32, mul_add, pack32};
    use crate::cpu::state::v_offset;
    use crate::frontend::fbin_args;
    use crate::ir::{BinOp, FpOp, FpSize, Val, Width};
    let es = a.esize();
    let double = es == 64;
    let size = FpSize::of(double);
    let halves = |cx: &mut Ctx, r: u32| -> [Val; 2] {
        let off = v_offset(r as usize);
        [cx.b.load_state(off), cx.b.load_state(off + 8)]
    };
    // Every source is read before the destination is written.
    let (n, m, d) = (halves(cx, a.n), halves(cx, a.m), halves(cx, a.d));
    let at = |cx: &mut Ctx, v: [Val; 2], i: usize| -> Val {
        if double {
            v[i]
        } else {
            lane32(cx, v[i / 2], (i % 2 * 32) as u64)
        }
    };
    let neg = |cx: &mut Ctx, x: Val| -> Val {
        let k = cx.k(1 << (es - 1));
        cx.b.bin(BinOp::Xor, Width::W64, x, k)
    };
    let rot = a.imm & 3;
    let index = (a.imm >> 4) as usize;
    let mut out = Vec::new();
    for e in 0..a.elements() / 2 {
        let (re, im) = (2 * e, 2 * e + 1);
        let (n_re, n_im) = (at(cx, n, re), at(cx, n, im));
        let (mr, mi) = if a.kind == FCMLA_ELEM {
            (2 * index, 2 * index + 1)
        } else {
            (re, im)
        };
        let (m_re, m_im) = (at(cx, m, mr), at(cx, m, mi));
        if a.kind == FCADD {
            let (e1, e3) = if rot == 0 {
                (neg(cx, m_im), m_re)
            } else {
                (m_im, neg(cx, m_re))
            };
            let (slow, c0, c1) = fbin_args(FpOp::Add, size);
            out.push(cx.b.fbin(FpOp::Add, size, n_re, e1, slow, c0, c1));
            out.push(cx.b.fbin(FpOp::Add, size, n_im, e3, slow, c0, c1));
        } else {
            let (e1, e2, e3, e4) = match rot {
                0 => (m_re, n_re, m_im, n_re),
                1 => (neg(cx, m_im), n_im, m_re, n_im),
                2 => (neg(cx, m_re), n_re, neg(cx, m_im), n_re),
                _ => (m_im, n_im, neg(cx, m_re), n_im),
            };
            let (d_re, d_im) = (at(cx, d, re), at(cx, d, im));
            out.push(mul_add(cx, size, false, [d_re, e2, e1]));
            out.push(mul_add(cx, size, false, [d_im, e4, e3]));
        }
    }
    let words: Vec<Val> = if double {
        out
    } else {
        out.chunks(2).map(|p| pack32(cx, p[0], p[1])).collect()
    };
    let off = v_offset(a.d as usize);
    for h in 0..2 {
        let v = match words.get(h) {
            Some(&v) => v,
            None => cx.k(0),
        };
        cx.b.store_state(off + 8 * h, v);
    }
}

super::args_helper!();

/// Executes one FCMLA or FCADD.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let es = a.esize();
    let (n, m, d) = (
        cpu.v[a.n as usize],
        cpu.v[a.m as usize],
        cpu.v[a.d as usize],
    );
    let rot = a.imm & 3;
    let index = (a.imm >> 4) as usize;
    super::with_fp_env(cpu, |cpu, env| {
        let neg = |x: u64| fpu::neg(es, x);
        let mut r = 0u128;
        for e in 0..a.elements() / 2 {
            let (re, im) = (2 * e, 2 * e + 1);
            let (n_re, n_im) = (get(n, es, re), get(n, es, im));
            let (mr, mi) = if a.kind == FCMLA_ELEM {
                (2 * index, 2 * index + 1)
            } else {
                (re, im)
            };
            let (m_re, m_im) = (get(m, es, mr), get(m, es, mi));
            let (x, y) = if a.kind == FCADD {
                // rot 0: #90, rot 1: #270.
                let (e1, e3) = if rot == 0 {
                    (neg(m_im), m_re)
                } else {
                    (m_im, neg(m_re))
                };
                (
                    fpu::bin(env, es, FBin::Add, n_re, e1),
                    fpu::bin(env, es, FBin::Add, n_im, e3),
                )
            } else {
                // (element1, element2, element3, element4) of the pseudocode:
                // d.re += e2 * e1, d.im += e4 * e3.
                let (e1, e2, e3, e4) = match rot {
                    0 => (m_re, n_re, m_im, n_re),
                    1 => (neg(m_im), n_im, m_re, n_im),
                    2 => (neg(m_re), n_re, neg(m_im), n_re),
                    _ => (m_im, n_im, neg(m_re), n_im),
                };
                (
                    fpu::fma(env, es, get(d, es, re), e2, e1),
                    fpu::fma(env, es, get(d, es, im), e4, e3),
                )
            };
            set(&mut r, es, re, x);
            set(&mut r, es, im, y);
        }
        cpu.v[a.d as usize] = trunc(r, width(a));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (word, d, n, m, size, q, kind, rot, pair index), from
    /// aarch64-linux-gnu-as -march=armv8.3-a; aliasing included.
    type Form = (u32, u32, u32, u32, u32, bool, u32, u32, u32);
    const FORMS: [Form; 14] = [
        (0x6e83c441, 1, 2, 3, 2, true, FCMLA, 0, 0), // fcmla v1.4s, v2.4s, v3.4s, #0
        (0x2e83cc41, 1, 2, 3, 2, false, FCMLA, 1, 0), // fcmla v1.2s, v2.2s, v3.2s, #90
        (0x6ec3d441, 1, 2, 3, 3, true, FCMLA, 2, 0), // fcmla v1.2d, v2.2d, v3.2d, #180
        (0x6e83dc41, 1, 2, 3, 2, true, FCMLA, 3, 0), // fcmla v1.4s, v2.4s, v3.4s, #270
        (0x6ec3cc42, 2, 2, 3, 3, true, FCMLA, 1, 0), // fcmla v2.2d, v2.2d, v3.2d, #90
        (0x6f831041, 1, 2, 3, 2, true, FCMLA_ELEM, 0, 0), // fcmla v1.4s, v2.4s, v3.s[0], #0
        (0x6f833841, 1, 2, 3, 2, true, FCMLA_ELEM, 1, 1), // fcmla v1.4s, v2.4s, v3.s[1], #90
        (0x6f935841, 1, 2, 19, 2, true, FCMLA_ELEM, 2, 1), // fcmla v1.4s, v2.4s, v19.s[1], #180
        (0x6f837043, 3, 2, 3, 2, true, FCMLA_ELEM, 3, 0), // fcmla v3.4s, v2.4s, v3.s[0], #270
        (0x6e83e441, 1, 2, 3, 2, true, FCADD, 0, 0), // fcadd v1.4s, v2.4s, v3.4s, #90
        (0x2e83f441, 1, 2, 3, 2, false, FCADD, 1, 0), // fcadd v1.2s, v2.2s, v3.2s, #270
        (0x6ec3e441, 1, 2, 3, 3, true, FCADD, 0, 0), // fcadd v1.2d, v2.2d, v3.2d, #90
        (0x6ec3f443, 3, 2, 3, 3, true, FCADD, 1, 0), // fcadd v3.2d, v2.2d, v3.2d, #270
        (0x2e81d421, 1, 1, 1, 2, false, FCMLA, 2, 0), // fcmla v1.2s, v1.2s, v1.2s, #180
    ];

    /// Lanes of random width biased to ±0, denormals, infinities, NaNs,
    /// the extremes of the range and values near 1 (as singles and as
    /// doubles: the top 32 bits of a double lane are a single's pattern).
    fn vector(next: &mut dyn FnMut() -> u64) -> u128 {
        const SPECIAL: [u32; 12] = [
            0x0000_0000,
            0x8000_0000,
            0x0000_0001,
            0x807F_FFFF,
            0x7F7F_FFFF,
            0x0080_0000,
            0x7F80_0000,
            0xFF80_0000,
            0x7FC0_0000,
            0xFFC1_2345,
            0x7F80_0001,
            0xFFA0_8000,
        ];
        (0..4).fold(0u128, |v, l| {
            let r = next();
            let x = match r % 4 {
                0 => SPECIAL[(r >> 8) as usize % SPECIAL.len()],
                1 => (r >> 8) as u32,
                _ => (r >> 8) as u32 & 0x807F_FFFF | (0x3C + (r >> 40) as u32 % 8) << 24,
            };
            let x = if r >> 60 == 0 { x & 0xFFFF_0000 } else { x };
            v | u128::from(x) << (32 * l)
        })
    }

    /// The IR the frontend emits for single and double precision, run by
    /// the interpreter, against [`run`].
    #[test]
    fn translation_matches_the_reference() {
        let forms: Vec<(u32, Args)> = FORMS
            .iter()
            .map(|&(w, d, n, m, size, q, kind, rot, index)| {
                let args = Args {
                    d,
                    n,
                    m,
                    size,
                    q,
                    scalar: false,
                    kind,
                    imm: rot | index << 4,
                };
                (w, args)
            })
            .collect();
        super::super::check_inline(&forms, run, vector, 40000);
    }
}
