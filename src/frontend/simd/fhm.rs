//! FEAT_FHM: FMLAL, FMLAL2, FMLSL, FMLSL2 (vector, by element). Each
//! half-precision product is added to a single-precision lane with one
//! rounding (`FPMulAddH`): the half-precision inputs are widened exactly
//! (FP16→FP32 conversion, no FP16 arithmetic), NaNs are chosen in the
//! order addend, Vn, Vm and widened by `FPConvertNaN`.
//!
//! Implemented and tested, but not announced: the Arm ARM makes FEAT_FHM
//! depend on FEAT_FP16, which emu does not implement (see
//! `crate::linux::hwcap`).

use super::fpu::Env;
use super::lanes::{get, set, trunc, width};
use super::{call, kind_bits, Args};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::fp::float::{fpsr, Class, H, S};
use crate::frontend::fp::{cvt, ops};
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
    call(cx, helper, args, &[]);
    Ok(())
}

super::args_helper!();

/// `FPMulAddH(addend, op1, op2)`: single-precision `addend + op1 * op2`
/// with half-precision `op1`, `op2`, rounded once.
pub fn mul_add_h(env: &mut Env, addend: u64, op1: u64, op2: u64) -> u64 {
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

/// Executes one FMLAL/FMLAL2/FMLSL/FMLSL2.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let (n, m, d) = (
        cpu.v[a.n as usize],
        cpu.v[a.m as usize],
        cpu.v[a.d as usize],
    );
    let el = a.elements();
    // Vpart[., part] of half the data size: the upper half for the "2" forms.
    let base = if a.kind & UPPER != 0 { el } else { 0 };
    super::with_fp_env(cpu, |cpu, env| {
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
