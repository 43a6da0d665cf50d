//! Advanced SIMD across lanes (ADDV, SADDLV/UADDLV, SMAXV.., FMAXV..) and
//! scalar pairwise (ADDP, FADDP, FMAXP.. on two elements of Vn).

use super::fpu::{self, Env, FBin};
use super::lanes::{get, sx};
use super::{call, kinds, Args, Sizes};
use crate::arm64::encodings::simd_across::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{FpOp, HalfOp, RedOp, VecOp};

kinds!(K {
    Addlv,
    Maxv,
    Minv,
    Addv,
    Fmaxnm,
    Fminnm,
    Fmax,
    Fmin,
    Fadd
});

/// The operation of each form and the element sizes it allows.
fn form(op: Op) -> (K, Sizes) {
    use Op::*;
    use Sizes::*;
    match op {
        SADDLV | UADDLV => (K::Addlv, Across),
        SMAXV | UMAXV => (K::Maxv, Across),
        SMINV | UMINV => (K::Minv, Across),
        ADDV => (K::Addv, Across),
        ADDP_s => (K::Addv, Fixed(3)),
        FMAXNMV_h | FMAXNMP_sh => (K::Fmaxnm, Fixed(1)),
        FMINNMV_h | FMINNMP_sh => (K::Fminnm, Fixed(1)),
        FMAXV_h | FMAXP_sh => (K::Fmax, Fixed(1)),
        FMINV_h | FMINP_sh => (K::Fmin, Fixed(1)),
        FADDP_sh => (K::Fadd, Fixed(1)),
        FMAXNMV => (K::Fmaxnm, Fixed(2)),
        FMINNMV => (K::Fminnm, Fixed(2)),
        FMAXV => (K::Fmax, Fixed(2)),
        FMINV => (K::Fmin, Fixed(2)),
        FMAXNMP_s => (K::Fmaxnm, Float),
        FMINNMP_s => (K::Fminnm, Float),
        FADDP_s => (K::Fadd, Float),
        FMAXP_s => (K::Fmax, Float),
        FMINP_s => (K::Fmin, Float),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let pair = super::is_scalar(f);
    let u = super::u_bit(f);
    let q = super::q_bit(f);
    let (kind, sizes) = form(op);
    let size = sizes.of(f, q).ok_or(Undefined)?;
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        size,
        q,
        scalar: pair,
        kind: kind as u32,
        imm: u as u32,
        ..Args::default()
    };
    // The half-precision scalar pairwise forms and reductions: an Op::Vec
    // the backend may run inline.
    let half = match kind {
        K::Fadd => Some(HalfOp::AddP),
        K::Fmax | K::Fmaxnm => Some(HalfOp::MaxP),
        K::Fmin | K::Fminnm => Some(HalfOp::MinP),
        _ => None,
    };
    // FMAXV, FMAXNMV, FMINV and FMINNMV on halves too.
    let half = match (half, pair) {
        (Some(HalfOp::MaxP), false) => Some(HalfOp::MaxV),
        (Some(HalfOp::MinP), false) => Some(HalfOp::MinV),
        (h, true) => h,
        _ => None,
    };
    if let (Some(op), 1) = (half, size) {
        let op = VecOp::Half {
            op,
            q: q && !pair,
            scalar: pair,
            vm: 0,
            elem: None,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    // The single- and double-precision reductions and scalar pairwise
    // forms: one Op::FBin a combining step.
    let fp = match kind {
        K::Fadd => Some(FpOp::Add),
        K::Fmax => Some(FpOp::Max),
        K::Fmin => Some(FpOp::Min),
        K::Fmaxnm => Some(FpOp::MaxNum),
        K::Fminnm => Some(FpOp::MinNum),
        _ => None,
    };
    if let (Some(op), 2..) = (fp, size) {
        let count = if pair { 2 } else { 128 >> (3 + size) };
        super::fp_pairs::reduce(cx, op, 8 << size, count, (args.d, args.n));
        return Ok(());
    }
    // The integer reductions: an Op::Vec the backend may run inline.
    let signed = !u;
    let red = match kind {
        K::Addv => Some(RedOp::Add),
        K::Addlv => Some(RedOp::AddLong { signed }),
        K::Maxv => Some(RedOp::Max { signed }),
        K::Minv => Some(RedOp::Min { signed }),
        _ => None,
    };
    // ADDP (scalar) is the sum of the two 64-bit lanes.
    if let (Some(op), false) | (Some(op @ RedOp::Add), true) = (red, pair) {
        let op = VecOp::Reduce {
            op,
            esize: args.esize() as u8,
            q: q || pair,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    call(cx, helper, args, &[]);
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Arm `Reduce`: combines the two halves of `e` recursively.
fn reduce(e: &[u64], f: &mut impl FnMut(u64, u64) -> u64) -> u64 {
    if e.len() == 1 {
        e[0]
    } else {
        let (lo, hi) = e.split_at(e.len() / 2);
        let (l, h) = (reduce(lo, f), reduce(hi, f));
        f(l, h)
    }
}

/// Executes one across-lanes or scalar pairwise instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    use K::*;
    let es = a.esize();
    let count = if a.scalar {
        2
    } else {
        (if a.q { 128 } else { 64 } / es) as usize
    };
    let n = cpu.v[a.n as usize];
    let e: Vec<u64> = (0..count).map(|i| get(n, es, i)).collect();
    let signed = a.imm == 0;
    let val = |x: u64| -> i128 {
        if signed {
            sx(x, es) as i128
        } else {
            x as i128
        }
    };
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = Env::new(cpu.fpcr);
    let mut fb = |op: FBin| reduce(&e, &mut |x, y| fpu::bin(&mut env, es, op, x, y));
    let (r, bits) = match K::from_u32(a.kind) {
        Addlv => (e.iter().map(|&x| val(x)).sum::<i128>() as u64, 2 * es),
        Addv => (e.iter().fold(0u64, |s, &x| s.wrapping_add(x)), es),
        Maxv => (e.iter().copied().max_by_key(|&x| val(x)).unwrap_or(0), es),
        Minv => (e.iter().copied().min_by_key(|&x| val(x)).unwrap_or(0), es),
        Fmaxnm => (fb(FBin::MaxNm), es),
        Fminnm => (fb(FBin::MinNm), es),
        Fmax => (fb(FBin::Max), es),
        Fmin => (fb(FBin::Min), es),
        Fadd => (fb(FBin::Add), es),
    };
    cpu.v[a.d as usize] = super::lanes::trunc(r as u128, bits);
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
}
