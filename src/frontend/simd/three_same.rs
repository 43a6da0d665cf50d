//! Advanced SIMD three same (vector and scalar): integer arithmetic,
//! comparisons, logic, shifts by register, pairwise and floating point.

use super::fpu::{self, Env, FBin, FCmp};
use super::lanes::{self, mask, qc, sat_s, sat_u, sx};
use super::{call, kinds, Args, Sizes};
use crate::arm64::encodings::simd_same::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{FpOp, HalfOp, LongAcc, PairOp, SameOp, VFpOp, VOp, VecOp};

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

/// The operation of each form and the element sizes it allows.
fn form(op: Op) -> (K, Sizes) {
    use Op::*;
    use Sizes::*;
    match op {
        SHADD_v | UHADD_v => (K::Hadd, Lt3),
        SQADD_v | UQADD_v => (K::Qadd, NotD1),
        SRHADD_v | URHADD_v => (K::Rhadd, Lt3),
        SHSUB_v | UHSUB_v => (K::Hsub, Lt3),
        SQSUB_v | UQSUB_v => (K::Qsub, NotD1),
        CMGT_v | CMHI_v => (K::Cmgt, NotD1),
        CMGE_v | CMHS_v => (K::Cmge, NotD1),
        SSHL_v | USHL_v => (K::Shl, NotD1),
        SQSHL_v | UQSHL_v => (K::Qshl, NotD1),
        SRSHL_v | URSHL_v => (K::Rshl, NotD1),
        SQRSHL_v | UQRSHL_v => (K::Qrshl, NotD1),
        SMAX_v | UMAX_v => (K::Max, Lt3),
        SMIN_v | UMIN_v => (K::Min, Lt3),
        SABD_v | UABD_v => (K::Abd, Lt3),
        SABA_v | UABA_v => (K::Aba, Lt3),
        ADD_v => (K::Add, NotD1),
        SUB_v => (K::Sub, NotD1),
        CMTST_v => (K::Cmtst, NotD1),
        CMEQ_v => (K::Cmeq, NotD1),
        MLA_v => (K::Mla, Lt3),
        MLS_v => (K::Mls, Lt3),
        MUL_v => (K::Mul, Lt3),
        PMUL_v => (K::Pmul, Eq0),
        SMAXP_v | UMAXP_v => (K::Maxp, Lt3),
        SMINP_v | UMINP_v => (K::Minp, Lt3),
        SQDMULH_v | SQDMULH_s => (K::Qdmulh, HS),
        SQRDMULH_v | SQRDMULH_s => (K::Qrdmulh, HS),
        ADDP_v => (K::Addp, NotD1),
        AND_v => (K::And, Fixed(3)),
        BIC_v => (K::Bic, Fixed(3)),
        ORR_v => (K::Orr, Fixed(3)),
        ORN_v => (K::Orn, Fixed(3)),
        EOR_v => (K::Eor, Fixed(3)),
        BSL_v => (K::Bsl, Fixed(3)),
        BIT_v => (K::Bit, Fixed(3)),
        BIF_v => (K::Bif, Fixed(3)),
        FMAXNM_v | FMAXNM_vh => (K::Fmaxnm, Float),
        FMLA_v | FMLA_vh => (K::Fmla, Float),
        FADD_v | FADD_vh => (K::Fadd, Float),
        FMULX_v | FMULX_vh | FMULX_s | FMULX_sh => (K::Fmulx, Float),
        FCMEQ_v | FCMEQ_vh | FCMEQ_s | FCMEQ_sh => (K::Fcmeq, Float),
        FMAX_v | FMAX_vh => (K::Fmax, Float),
        FRECPS_v | FRECPS_vh | FRECPS_s | FRECPS_sh => (K::Frecps, Float),
        FMINNM_v | FMINNM_vh => (K::Fminnm, Float),
        FMLS_v | FMLS_vh => (K::Fmls, Float),
        FSUB_v | FSUB_vh => (K::Fsub, Float),
        FMIN_v | FMIN_vh => (K::Fmin, Float),
        FRSQRTS_v | FRSQRTS_vh | FRSQRTS_s | FRSQRTS_sh => (K::Frsqrts, Float),
        FMAXNMP_v | FMAXNMP_vh => (K::Fmaxnmp, Float),
        FADDP_v | FADDP_vh => (K::Faddp, Float),
        FMUL_v | FMUL_vh => (K::Fmul, Float),
        FCMGE_v | FCMGE_vh | FCMGE_s | FCMGE_sh => (K::Fcmge, Float),
        FACGE_v | FACGE_vh | FACGE_s | FACGE_sh => (K::Facge, Float),
        FMAXP_v | FMAXP_vh => (K::Fmaxp, Float),
        FDIV_v | FDIV_vh => (K::Fdiv, Float),
        FMINNMP_v | FMINNMP_vh => (K::Fminnmp, Float),
        FABD_v | FABD_vh | FABD_s | FABD_sh => (K::Fabd, Float),
        FCMGT_v | FCMGT_vh | FCMGT_s | FCMGT_sh => (K::Fcmgt, Float),
        FACGT_v | FACGT_vh | FACGT_s | FACGT_sh => (K::Facgt, Float),
        FMINP_v | FMINP_vh => (K::Fminp, Float),
        SQADD_s | UQADD_s => (K::Qadd, Any),
        SQSUB_s | UQSUB_s => (K::Qsub, Any),
        CMGT_s | CMHI_s => (K::Cmgt, Eq3),
        CMGE_s | CMHS_s => (K::Cmge, Eq3),
        SSHL_s | USHL_s => (K::Shl, Eq3),
        SQSHL_s | UQSHL_s => (K::Qshl, Any),
        SRSHL_s | URSHL_s => (K::Rshl, Eq3),
        SQRSHL_s | UQRSHL_s => (K::Qrshl, Any),
        ADD_s => (K::Add, Eq3),
        SUB_s => (K::Sub, Eq3),
        CMTST_s => (K::Cmtst, Eq3),
        CMEQ_s => (K::Cmeq, Eq3),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let scalar = super::is_scalar(f);
    let q = scalar || f.b('Q');
    let (kind, sizes) = form(op);
    let size = sizes.of(f, q).ok_or(Undefined)?;
    emit(cx, f, scalar, q, kind, size)
}

fn emit(cx: &mut Ctx, f: &Fields, scalar: bool, q: bool, kind: K, size: u32) -> TResult {
    let u = super::u_bit(f);
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
    // FADDP on single and double lanes: one Op::FBin a result lane.
    if let (K::Faddp, false, 2..) = (kind, scalar, size) {
        let lanes = (args.d, args.n, args.m);
        super::fp_pairs::pairwise(cx, FpOp::Add, 8 << size, q, lanes);
        return Ok(());
    }
    if let (K::Fmla | K::Fmls, false, 2..) = (kind, scalar, size) {
        let lanes = (args.d, args.n, args.m);
        super::fp_lanes::fmla(cx, kind == K::Fmls, 8 << size, q, lanes, None);
        return Ok(());
    }
    // Single and double lanes of the maxima, minima, FABD, FMULX, FRECPS,
    // FRSQRTS and the compares (and their scalar forms): an Op::Vec the backend may run
    // inline.
    if let (Some(op), 2..) = (fp_vec_op(kind), size) {
        let op = VecOp::Fp {
            op,
            double: size == 3,
            q: q && !scalar,
            scalar,
            vm: args.m as u8,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    // Half-precision lanes (and the scalar forms, lane 0): an Op::Vec the
    // backend may run inline.
    let half = half_op(kind);
    if let (Some(op), 1) = (half, size) {
        let op = VecOp::Half {
            op,
            q,
            scalar,
            vm: args.m as u8,
            elem: None,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    if let Some(op) = qdmulh(kind, &args, None) {
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    // SSHL/USHL, SRSHL/URSHL, SQSHL/UQSHL, SQRSHL/UQRSHL on every lane
    // size.
    let shift = match kind {
        K::Shl => Some(SameOp::Shl),
        K::Rshl => Some(SameOp::Rshl),
        K::Qshl => Some(SameOp::Qshl),
        K::Qrshl => Some(SameOp::Qrshl),
        _ => None,
    };
    let same = same_op(kind).or(shift);
    if let Some(op) = same {
        let op = VecOp::Same {
            op,
            signed: !u,
            esize: args.esize() as u8,
            q,
            scalar,
            vm: args.m as u8,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    match inline_op(kind).or_else(|| signed_op(kind, u)) {
        Some(op) if !scalar => super::vbin(cx, op, &args, None, helper),
        // The scalar D forms (ADD, SUB, CMxx, CMTST) are the 64-bit vector
        // form of one 64-bit lane: lane 0, the upper half zeroed.
        Some(op) if size == 3 && scalar_d(op) => cx.b.vbin(crate::ir::Op::VBin {
            op,
            esize: 64,
            q: false,
            vd: args.d as u8,
            vn: args.n as u8,
            vm: args.m as u8,
            elem: None,
            slow: helper,
            arg: args.pack(),
        }),
        _ => {
            call(cx, helper, args, &[]);
        }
    }
    Ok(())
}

/// SQDMULH/SQRDMULH (vector, scalar; with `elem`, by element of
/// `args.m`) as the [`VecOp::Qdmulh`] the backend may run inline.
pub(super) fn qdmulh(k: K, args: &Args, elem: Option<u8>) -> Option<VecOp> {
    matches!(k, K::Qdmulh | K::Qrdmulh).then(|| VecOp::Qdmulh {
        esize: args.esize() as u8,
        q: args.q,
        scalar: args.scalar,
        round: k == K::Qrdmulh,
        acc: LongAcc::Set,
        vm: args.m as u8,
        elem,
    })
}

/// The single- and double-precision operations of [`VecOp::Fp`].
fn fp_vec_op(k: K) -> Option<VFpOp> {
    Some(match k {
        K::Fmax => VFpOp::Max,
        K::Fmin => VFpOp::Min,
        K::Fmaxnm => VFpOp::MaxNm,
        K::Fminnm => VFpOp::MinNm,
        K::Fabd => VFpOp::Abd,
        K::Fcmeq => VFpOp::Cmeq,
        K::Fcmge => VFpOp::Cmge,
        K::Fcmgt => VFpOp::Cmgt,
        K::Facge => VFpOp::Acge,
        K::Facgt => VFpOp::Acgt,
        K::Fmaxp => VFpOp::MaxP,
        K::Fminp => VFpOp::MinP,
        K::Fmaxnmp => VFpOp::MaxNmP,
        K::Fminnmp => VFpOp::MinNmP,
        K::Fmulx => VFpOp::Mulx,
        K::Frecps => VFpOp::Recps,
        K::Frsqrts => VFpOp::Rsqrts,
        _ => return None,
    })
}

/// The half-precision operations the backend can run inline.
pub(super) fn half_op(k: K) -> Option<HalfOp> {
    Some(match k {
        K::Fadd => HalfOp::Add,
        K::Fsub => HalfOp::Sub,
        K::Fmul => HalfOp::Mul,
        K::Fdiv => HalfOp::Div,
        K::Fmla => HalfOp::Mla,
        K::Fmls => HalfOp::Mls,
        K::Fabd => HalfOp::Abd,
        K::Fcmeq => HalfOp::Cmeq,
        K::Fcmge => HalfOp::Cmge,
        K::Fcmgt => HalfOp::Cmgt,
        K::Facge => HalfOp::Acge,
        K::Facgt => HalfOp::Acgt,
        K::Fmax | K::Fmaxnm => HalfOp::Max,
        K::Fmin | K::Fminnm => HalfOp::Min,
        K::Faddp => HalfOp::AddP,
        K::Fmaxp | K::Fmaxnmp => HalfOp::MaxP,
        K::Fminp | K::Fminnmp => HalfOp::MinP,
        K::Fmulx => HalfOp::Mulx,
        K::Frecps => HalfOp::Recps,
        K::Frsqrts => HalfOp::Rsqrts,
        _ => return None,
    })
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

/// The saturating, halving and absolute-difference operations the
/// backend can run inline (as a [`VecOp::Same`]).
fn same_op(k: K) -> Option<SameOp> {
    Some(match k {
        K::Qadd => SameOp::Qadd,
        K::Qsub => SameOp::Qsub,
        K::Hadd => SameOp::Hadd,
        K::Rhadd => SameOp::Rhadd,
        K::Hsub => SameOp::Hsub,
        K::Abd => SameOp::Abd,
        K::Aba => SameOp::Aba,
        _ => return None,
    })
}

/// Whether `op` has a scalar D form computed as one 64-bit lane.
fn scalar_d(op: VOp) -> bool {
    use VOp::*;
    matches!(op, Add | Sub | Cmeq | Cmgt | Cmge | Cmhi | Cmhs | Cmtst)
}

/// The further integer operations the backend can run inline, whose
/// meaning depends on the `U` bit.
fn signed_op(k: K, u: bool) -> Option<VOp> {
    let signed = !u;
    Some(match k {
        K::Cmgt if signed => VOp::Cmgt,
        K::Cmgt => VOp::Cmhi,
        K::Cmge if signed => VOp::Cmge,
        K::Cmge => VOp::Cmhs,
        K::Cmtst => VOp::Cmtst,
        K::Orn => VOp::Orn,
        K::Bsl => VOp::Bsl,
        K::Bit => VOp::Bit,
        K::Bif => VOp::Bif,
        K::Max => VOp::Max { signed },
        K::Min => VOp::Min { signed },
        K::Addp => VOp::Pairwise(PairOp::Add),
        K::Maxp => VOp::Pairwise(PairOp::Max { signed }),
        K::Minp => VOp::Pairwise(PairOp::Min { signed }),
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
