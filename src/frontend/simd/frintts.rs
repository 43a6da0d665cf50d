//! FEAT_FRINTTS: FRINT32Z, FRINT32X, FRINT64Z, FRINT64X (scalar and vector),
//! `FPRoundIntN`: round to an integral value that fits a 32- or 64-bit
//! integer; NaN, infinity and out-of-range values give the most negative
//! integer with Invalid Operation (and no Inexact). The Z forms round
//! towards zero, the X forms with FPCR.RMode; both raise Inexact.
//!
//! FEAT_JSCVT: FJCVTZS translates to [`FpOp::JsCvt`] (semantics in
//! [`crate::frontend::fp::jscvt`]).

use super::fpu::{fmt, Env, Rounding};
use super::lanes::{map1, trunc};
use super::{kind_bits, Args};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::state::v_offset;
use crate::cpu::CpuState;
use crate::frontend::fbin_args;
use crate::frontend::fp::float::{fpsr, Class, S};
use crate::frontend::fp::ops::round_f64;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{BinOp, FpOp, FpSize, Width};

/// [`Args::kind`] bits.
const INT64: u32 = 1;
const FPCR_MODE: u32 = 2;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    let scalar = f.has('t');
    let double = if scalar { f.b('t') } else { f.b('z') };
    let q = scalar || f.b('Q');
    if double && !q {
        return Err(Undefined);
    }
    let int64 = matches!(op, FRINT64Z | FRINT64X | FRINT64Z_vec | FRINT64X_vec);
    let x = matches!(op, FRINT32X | FRINT64X | FRINT32X_vec | FRINT64X_vec);
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: 0,
        size: 2 + u32::from(double),
        q,
        scalar,
        kind: kind_bits(&[(int64, INT64), (x, FPCR_MODE)]),
        imm: 0,
    };
    let op = crate::ir::VecOp::Fp {
        op: crate::ir::VFpOp::RoundIntN {
            int64,
            mode: if x { 4 } else { 3 },
        },
        double,
        q: !scalar && q,
        scalar,
        vm: 0,
    };
    super::vec_op(cx, op, &args, helper);
    Ok(())
}

super::args_helper!();

/// `FPRoundIntN` of the `es`-bit value `a` to an `intsize`-bit range.
pub fn round_int_n(env: &mut Env, es: u32, intsize: u32, mode: Rounding, a: u64) -> u64 {
    let f = fmt(es);
    let (c, a) = env.unpack(f, a);
    // -2^(intsize-1): sign, exponent bias + intsize - 1, zero fraction.
    let min_int = f.sign_bit() | ((f.bias() as u64 + u64::from(intsize) - 1) << f.fbits);
    match c {
        Class::QNaN | Class::SNaN | Class::Inf => {
            env.raise(fpsr::IOC);
            return min_int;
        }
        Class::Zero => return a,
        _ => {}
    }
    let x = f.to_f64(a);
    let r = round_f64(x, mode);
    let limit = 2f64.powi(intsize as i32 - 1);
    if r >= limit || r < -limit {
        env.raise(fpsr::IOC);
        return min_int;
    }
    if r != x {
        env.raise(fpsr::IXC);
    }
    // Integral values below 2^63 are exact in either format; a zero keeps
    // the operand's sign.
    if f == S {
        u64::from((r as f32).to_bits())
    } else {
        r.to_bits()
    }
}

/// Executes one FRINT32*/FRINT64*.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let es = a.esize();
    let intsize = if a.kind & INT64 != 0 { 64 } else { 32 };
    super::with_fp_env(cpu, |cpu, env| {
        let mode = if a.kind & FPCR_MODE != 0 {
            env.fpcr.rounding()
        } else {
            Rounding::Zero
        };
        map1(cpu, a, |x, _| round_int_n(env, es, intsize, mode, x));
        let w = super::lanes::width(a);
        cpu.v[a.d as usize] = trunc(cpu.v[a.d as usize], w);
    });
}

/// FJCVTZS Wd, Dn: an [`crate::ir::Op::FBin`] ([`FpOp::JsCvt`]) of the
/// low 64 bits of Vn, whose result holds Wd in bits 31..0 and NZCV (0Z00)
/// in bits 63..32.
pub fn translate_jscvt(cx: &mut Ctx, f: &Fields) -> TResult {
    let v = cx.b.load_state(v_offset(f.u('n') as usize));
    let (slow, c0, c1) = fbin_args(FpOp::JsCvt, FpSize::Double);
    let r = cx.b.fbin(FpOp::JsCvt, FpSize::Double, v, v, slow, c0, c1);
    let w = cx.b.zext(r, 32);
    cx.set_x(f.u('d'), w);
    let sh = cx.k(32);
    let nzcv = cx.b.bin(BinOp::Lshr, Width::W64, r, sh);
    cx.b.set_nzcv(nzcv);
    Ok(())
}
