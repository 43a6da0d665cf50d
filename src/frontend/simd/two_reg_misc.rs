//! Advanced SIMD two-register miscellaneous (vector and scalar): reversal,
//! counting, compare with zero, ABS/NEG, narrowing and lengthening moves,
//! pairwise long adds, and the floating-point unary operations,
//! conversions and estimates.

use super::fpu::{self, Env, FCmp, Rounding};
use super::lanes::{self, get, mask, qc, sat_s, sat_u, set, sx, trunc, width};
use super::{call, kinds, Args, Sizes};
use crate::arm64::encodings::simd_misc::Op;
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

/// The operation of each form: its kind, rounding mode index (see [`RND`])
/// and the element sizes it allows.
fn form(op: Op) -> (K, u32, Sizes) {
    use Op::*;
    use Sizes::*;
    match op {
        REV64_v => (K::Rev64, 0, Lt3),
        REV32_v => (K::Rev32, 0, Lt2),
        REV16_v => (K::Rev16, 0, Eq0),
        SADDLP_v | UADDLP_v => (K::Addlp, 0, Lt3),
        SUQADD_v | USQADD_v => (K::Sqadd, 0, NotD1),
        CLS_v => (K::Cls, 0, Lt3),
        CLZ_v => (K::Clz, 0, Lt3),
        CNT_v => (K::Cnt, 0, Eq0),
        NOT_v => (K::Not, 0, Fixed(3)),
        RBIT_v => (K::Rbit, 0, Fixed(0)),
        SADALP_v | UADALP_v => (K::Adalp, 0, Lt3),
        SQABS_v => (K::Sqabs, 0, NotD1),
        SQNEG_v => (K::Sqneg, 0, NotD1),
        CMGT_zero_v => (K::CmgtZ, 0, NotD1),
        CMGE_zero_v => (K::CmgeZ, 0, NotD1),
        CMEQ_zero_v => (K::CmeqZ, 0, NotD1),
        CMLE_zero_v => (K::CmleZ, 0, NotD1),
        CMLT_zero_v => (K::CmltZ, 0, NotD1),
        ABS_v => (K::Abs, 0, NotD1),
        NEG_v => (K::Neg, 0, NotD1),
        XTN_v => (K::Xtn, 0, Lt3),
        SQXTUN_v | SQXTUN_s => (K::Sqxtun, 0, Lt3),
        SHLL_v => (K::Shll, 0, Lt3),
        SQXTN_v | UQXTN_v | SQXTN_s | UQXTN_s => (K::Qxtn, 0, Lt3),
        FCVTN_v => (K::Fcvtn, 0, FpNarrow),
        FCVTXN_v | FCVTXN_s => (K::Fcvtxn, 0, Fixed(2)),
        FCVTL_v => (K::Fcvtl, 0, FpNarrow),
        FRINTN_v | FRINTN_vh => (K::Frint, 0, Float),
        FRINTM_v | FRINTM_vh => (K::Frint, 2, Float),
        FCVTNS_v | FCVTNU_v | FCVTNS_vh | FCVTNU_vh | FCVTNS_s | FCVTNU_s | FCVTNS_sh
        | FCVTNU_sh => (K::Fcvt, 0, Float),
        FCVTMS_v | FCVTMU_v | FCVTMS_vh | FCVTMU_vh | FCVTMS_s | FCVTMU_s | FCVTMS_sh
        | FCVTMU_sh => (K::Fcvt, 2, Float),
        FCVTAS_v | FCVTAU_v | FCVTAS_vh | FCVTAU_vh | FCVTAS_s | FCVTAU_s | FCVTAS_sh
        | FCVTAU_sh => (K::Fcvt, 4, Float),
        SCVTF_v | UCVTF_v | SCVTF_vh | UCVTF_vh | SCVTF_s | UCVTF_s | SCVTF_sh | UCVTF_sh => {
            (K::Cvtf, 0, Float)
        }
        FCMGT_zero_v | FCMGT_zero_vh | FCMGT_zero_s | FCMGT_zero_sh => (K::FcmgtZ, 0, Float),
        FCMEQ_zero_v | FCMEQ_zero_vh | FCMEQ_zero_s | FCMEQ_zero_sh => (K::FcmeqZ, 0, Float),
        FCMLT_zero_v | FCMLT_zero_vh | FCMLT_zero_s | FCMLT_zero_sh => (K::FcmltZ, 0, Float),
        FABS_v | FABS_vh => (K::Fabs, 0, Float),
        FRINTP_v | FRINTP_vh => (K::Frint, 1, Float),
        FRINTZ_v | FRINTZ_vh => (K::Frint, 3, Float),
        FCVTPS_v | FCVTPU_v | FCVTPS_vh | FCVTPU_vh | FCVTPS_s | FCVTPU_s | FCVTPS_sh
        | FCVTPU_sh => (K::Fcvt, 1, Float),
        FCVTZS_v | FCVTZU_v | FCVTZS_vh | FCVTZU_vh | FCVTZS_s | FCVTZU_s | FCVTZS_sh
        | FCVTZU_sh => (K::Fcvt, 3, Float),
        URECPE_v => (K::Urecpe, 0, Fixed(2)),
        FRECPE_v | FRECPE_vh | FRECPE_s | FRECPE_sh => (K::Frecpe, 0, Float),
        FRINTA_v | FRINTA_vh => (K::Frint, 4, Float),
        FRINTX_v | FRINTX_vh => (K::Frint, 6, Float),
        FCMGE_zero_v | FCMGE_zero_vh | FCMGE_zero_s | FCMGE_zero_sh => (K::FcmgeZ, 0, Float),
        FCMLE_zero_v | FCMLE_zero_vh | FCMLE_zero_s | FCMLE_zero_sh => (K::FcmleZ, 0, Float),
        FNEG_v | FNEG_vh => (K::Fneg, 0, Float),
        FRINTI_v | FRINTI_vh => (K::Frint, 5, Float),
        URSQRTE_v => (K::Ursqrte, 0, Fixed(2)),
        FRSQRTE_v | FRSQRTE_vh | FRSQRTE_s | FRSQRTE_sh => (K::Frsqrte, 0, Float),
        FSQRT_v | FSQRT_vh => (K::Fsqrt, 0, Float),
        SUQADD_s | USQADD_s => (K::Sqadd, 0, Any),
        SQABS_s => (K::Sqabs, 0, Any),
        SQNEG_s => (K::Sqneg, 0, Any),
        CMGT_zero_s => (K::CmgtZ, 0, Eq3),
        CMGE_zero_s => (K::CmgeZ, 0, Eq3),
        CMEQ_zero_s => (K::CmeqZ, 0, Eq3),
        CMLE_zero_s => (K::CmleZ, 0, Eq3),
        CMLT_zero_s => (K::CmltZ, 0, Eq3),
        ABS_s => (K::Abs, 0, Eq3),
        NEG_s => (K::Neg, 0, Eq3),
        FRECPX_s | FRECPX_sh => (K::Frecpx, 0, Float),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let scalar = super::is_scalar(f);
    let (kind, rnd, sizes) = form(op);
    let size = sizes.of(f, scalar || f.b('Q')).ok_or(Undefined)?;
    emit(cx, f, scalar, (kind, size, rnd))
}

fn emit(cx: &mut Ctx, f: &Fields, scalar: bool, (kind, size, rnd): (K, u32, u32)) -> TResult {
    let u = super::u_bit(f);
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
    use crate::ir::{MiscOp, VFpOp, VecOp};
    let (esize, upper) = (args.esize() as u8, args.q);
    // FCVTL, FCVTN and FCVTXN: one scalar Op::FBin conversion a lane.
    if kind == K::Fcvtl {
        super::fp_pairs::widen(cx, args.esize(), upper, (args.d, args.n));
        return Ok(());
    }
    if matches!(kind, K::Fcvtn | K::Fcvtxn) {
        let form = (kind == K::Fcvtxn, scalar, upper && !scalar);
        super::fp_pairs::narrow(cx, args.esize(), form, (args.d, args.n));
        return Ok(());
    }
    let inline = match kind {
        K::Xtn if !scalar => Some(VecOp::Narrow {
            esize,
            upper,
            sh: 0,
            round: false,
        }),
        K::Sqxtun | K::Qxtn => Some(VecOp::SatNarrow {
            signed_in: kind == K::Sqxtun || !u,
            signed_out: kind == K::Qxtn && !u,
            esize,
            upper: upper && !scalar,
            sh: 0,
            round: false,
            scalar,
        }),
        K::Addlp | K::Adalp => Some(VecOp::Misc {
            op: MiscOp::Addlp {
                signed: !u,
                acc: kind == K::Adalp,
            },
            esize,
            q: f.b('Q'),
            scalar: false,
        }),
        K::Sqadd | K::Cls | K::Clz | K::Sqabs | K::Sqneg => Some(VecOp::Misc {
            op: match kind {
                K::Sqadd => MiscOp::Sqadd { signed: !u },
                K::Cls => MiscOp::Cls,
                K::Clz => MiscOp::Clz,
                K::Sqabs => MiscOp::Sqabs,
                _ => MiscOp::Sqneg,
            },
            esize,
            q: !scalar && f.b('Q'),
            scalar,
        }),
        K::Shll => Some(VecOp::Widen {
            signed: false,
            esize,
            upper,
            sh: esize,
        }),
        K::Frecpe | K::Frsqrte | K::Frecpx | K::Urecpe | K::Ursqrte => {
            let (op, table) = estimate_op(kind);
            Some(VecOp::Estimate {
                op,
                esize,
                q: !scalar && f.b('Q'),
                scalar,
                table: crate::ir::EstTable(table),
            })
        }
        _ => match fp_op(kind, rnd, !u) {
            Some(op) if esize == 16 && half_op(op).is_some() => half_op(op).map(|op| VecOp::Half {
                op,
                q: !scalar && f.b('Q'),
                scalar,
                vm: 0,
                elem: None,
            }),
            Some(op) if esize >= 32 => Some(VecOp::Fp {
                op,
                double: esize == 64,
                q: !scalar && f.b('Q'),
                scalar,
                vm: 0,
            }),
            Some(op @ (VFpOp::Round { .. } | VFpOp::ToInt { .. } | VFpOp::FromInt { .. })) => {
                Some(VecOp::HalfFp {
                    op,
                    q: !scalar && f.b('Q'),
                    scalar,
                })
            }
            _ => unary_op(kind).map(|op| VecOp::Unary {
                op,
                esize,
                q: !scalar && f.b('Q'),
            }),
        },
    };
    match inline {
        Some(op) => super::vec_op(cx, op, &args, helper),
        None => {
            call(cx, helper, args, &[]);
        }
    }
    Ok(())
}

/// The integer operations the backend can run inline as a
/// [`VecOp::Unary`](crate::ir::VecOp::Unary).
fn unary_op(k: K) -> Option<crate::ir::VUnOp> {
    use crate::ir::VUnOp;
    Some(match k {
        K::CmeqZ => VUnOp::CmeqZ,
        K::CmgtZ => VUnOp::CmgtZ,
        K::CmgeZ => VUnOp::CmgeZ,
        K::CmleZ => VUnOp::CmleZ,
        K::CmltZ => VUnOp::CmltZ,
        K::Not => VUnOp::Not,
        K::Neg => VUnOp::Neg,
        K::Abs => VUnOp::Abs,
        K::Rev64 => VUnOp::Rev { container: 64 },
        K::Rev32 => VUnOp::Rev { container: 32 },
        K::Rev16 => VUnOp::Rev { container: 16 },
        K::Cnt => VUnOp::Cnt,
        K::Rbit => VUnOp::Rbit,
        K::Fabs => VUnOp::Fabs,
        K::Fneg => VUnOp::Fneg,
        _ => return None,
    })
}

/// The floating-point operations on single and double lanes the backend
/// can run inline as a [`VecOp::Fp`](crate::ir::VecOp::Fp), with `rnd` the
/// rounding index of [`form`] and `signed` the integer's kind.
fn fp_op(k: K, rnd: u32, signed: bool) -> Option<crate::ir::VFpOp> {
    use crate::ir::VFpOp;
    // The IR's modes: FPCR.RMode's encoding, 4 FPCR's own, 5 ties away.
    let mode = match rnd {
        4 => 5,
        5 | 6 => 4,
        i => i as u8,
    };
    Some(match k {
        K::FcmeqZ => VFpOp::CmeqZ,
        K::FcmgeZ => VFpOp::CmgeZ,
        K::FcmgtZ => VFpOp::CmgtZ,
        K::FcmleZ => VFpOp::CmleZ,
        K::FcmltZ => VFpOp::CmltZ,
        // Index 6 is FRINTX: FPCR's mode with Inexact.
        K::Frint => VFpOp::Round {
            mode,
            exact: rnd == 6,
        },
        K::Fcvt => VFpOp::ToInt {
            signed,
            mode,
            fbits: 0,
        },
        K::Cvtf => VFpOp::FromInt { signed, fbits: 0 },
        K::Fsqrt => VFpOp::Sqrt,
        _ => return None,
    })
}

/// The half-precision form of a [`VecOp::Fp`](crate::ir::VecOp::Fp)
/// operation, where [`VecOp::Half`](crate::ir::VecOp::Half) has one.
fn half_op(op: crate::ir::VFpOp) -> Option<crate::ir::HalfOp> {
    use crate::ir::{HalfOp, VFpOp};
    Some(match op {
        VFpOp::CmeqZ => HalfOp::CmeqZ,
        VFpOp::CmgeZ => HalfOp::CmgeZ,
        VFpOp::CmgtZ => HalfOp::CmgtZ,
        VFpOp::CmleZ => HalfOp::CmleZ,
        VFpOp::CmltZ => HalfOp::CmltZ,
        VFpOp::Sqrt => HalfOp::Sqrt,
        _ => return None,
    })
}

/// The [`VecOp::Estimate`](crate::ir::VecOp::Estimate) operation of an
/// estimate kind, and its table.
fn estimate_op(k: K) -> (crate::ir::EstOp, &'static [u8]) {
    use crate::ir::EstOp;
    match k {
        K::Frecpe => (EstOp::Recip, &estimate::RECIP_EST),
        K::Frsqrte => (EstOp::Rsqrt, &estimate::RSQRT_EST),
        K::Urecpe => (EstOp::URecip, &estimate::RECIP_EST),
        K::Ursqrte => (EstOp::URsqrt, &estimate::URSQRT_EST),
        _ => (EstOp::Recpx, &[]),
    }
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
