//! FEAT_FCMA: FCMLA (vector, by element) and FCADD, half (FEAT_FP16),
//! single and double precision. Per the Arm ARM, the rotation picks
//! which operand elements meet and which are negated (`FPNeg`, which flips
//! the sign of a NaN too) before each `FPMulAdd(d, n, m)` / `FPAdd(n, m)`,
//! each rounded on its own with the FPCR modes.

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
    call(cx, helper, args, &[]);
    Ok(())
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
