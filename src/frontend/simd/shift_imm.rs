//! Advanced SIMD shift by immediate (vector and scalar): SSHR/USHR and the
//! accumulating and rounding forms, SHL, SLI/SRI, saturating shifts,
//! narrowing shifts (SHRN, SQSHRN, ...), SSHLL/USHLL and the fixed-point
//! conversions SCVTF/UCVTF/FCVTZS/FCVTZU.

use super::fpu::{self, Env, Rounding};
use super::lanes::{self, mask, qc, sat_s, sat_u, sx};
use super::{call, kinds, Args};
use crate::arm64::encodings::simd_shift::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{VFpOp, VShiftOp, VecOp};

kinds!(
    /// The operation; [`Args::imm`] is the shift (or fraction bits) in bits
    /// 0..8 and U in bit 8.
    K {
        Shr, Sra, Rshr, Rsra, Sri, Shl, Sli, Qshlu, Qshl, Shrn, Qshrun, Rshrn,
        Qrshrun, Qshrn, Qrshrn, Shll, Cvtf, Fcvtz,
    }
);

/// Shape of the operation, which decides the valid element sizes.
#[derive(PartialEq, Eq)]
enum Shape {
    Same,
    Narrow,
    Long,
    Fixed,
}

/// The operation of each form, its shape and whether it shifts left.
fn form(op: Op) -> (K, Shape, bool) {
    use Op::*;
    use Shape::*;
    use K::*;
    match op {
        SSHR_v | SSHR_s | USHR_v | USHR_s => (Shr, Same, false),
        SSRA_v | SSRA_s | USRA_v | USRA_s => (Sra, Same, false),
        SRSHR_v | SRSHR_s | URSHR_v | URSHR_s => (Rshr, Same, false),
        SRSRA_v | SRSRA_s | URSRA_v | URSRA_s => (Rsra, Same, false),
        SRI_v | SRI_s => (Sri, Same, false),
        SHL_v | SHL_s => (Shl, Same, true),
        SLI_v | SLI_s => (Sli, Same, true),
        SQSHLU_v | SQSHLU_s => (Qshlu, Same, true),
        SQSHL_imm_v | SQSHL_imm_s | UQSHL_imm_v | UQSHL_imm_s => (Qshl, Same, true),
        SHRN_v => (Shrn, Narrow, false),
        SQSHRUN_v | SQSHRUN_s => (Qshrun, Narrow, false),
        RSHRN_v => (Rshrn, Narrow, false),
        SQRSHRUN_v | SQRSHRUN_s => (Qrshrun, Narrow, false),
        SQSHRN_v | SQSHRN_s | UQSHRN_v | UQSHRN_s => (Qshrn, Narrow, false),
        SQRSHRN_v | SQRSHRN_s | UQRSHRN_v | UQRSHRN_s => (Qrshrn, Narrow, false),
        SSHLL_v | USHLL_v => (Shll, Long, true),
        SCVTF_fix_v | SCVTF_fix_s | UCVTF_fix_v | UCVTF_fix_s => (Cvtf, Fixed, false),
        FCVTZS_fix_v | FCVTZS_fix_s | FCVTZU_fix_v | FCVTZU_fix_s => (Fcvtz, Fixed, false),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let scalar = super::is_scalar(f);
    let immh = f.u('h');
    let u = super::u_bit(f);
    let q = scalar || f.b('Q');
    if immh == 0 {
        return Err(Undefined);
    }
    let (kind, shape, left) = form(op);
    let size = 31 - immh.leading_zeros();
    let esize = 8u32 << size;
    let immhb = immh << 3 | f.u('b');
    let ok = match shape {
        Shape::Same if scalar => size == 3 || matches!(kind, K::Qshlu | K::Qshl),
        Shape::Same => size < 3 || q,
        Shape::Narrow | Shape::Long => size < 3,
        // immh = 001x: half precision (FEAT_FP16).
        Shape::Fixed => size >= 1 && (size < 3 || q),
    };
    if !ok {
        return Err(Undefined);
    }
    let shift = if left {
        immhb - esize
    } else {
        2 * esize - immhb
    };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        size,
        q: if scalar { true } else { f.b('Q') },
        scalar,
        kind: kind as u32,
        imm: shift | (u as u32) << 8,
        ..Args::default()
    };
    match inline_op(kind, u, scalar, &args, shift) {
        Some(op) => super::vec_op(cx, op, &args, helper),
        None => {
            call(cx, helper, args, &[]);
        }
    }
    Ok(())
}

/// The inline form of the common shapes (of the scalar forms: 64-bit
/// lanes, the saturating shifts and narrows).
fn inline_op(kind: K, u: bool, scalar: bool, a: &Args, sh: u32) -> Option<VecOp> {
    let (esize, sh) = (a.esize() as u8, sh as u8);
    let q = a.q && !scalar;
    let shift = |op| Some(VecOp::Shift { op, esize, q, sh });
    match kind {
        K::Shr => shift(if u { VShiftOp::Ushr } else { VShiftOp::Sshr }),
        K::Sra => shift(if u { VShiftOp::Usra } else { VShiftOp::Ssra }),
        K::Sri => shift(VShiftOp::Sri),
        K::Shl => shift(VShiftOp::Shl),
        K::Sli => shift(VShiftOp::Sli),
        K::Shll => Some(VecOp::Widen {
            signed: !u,
            esize,
            upper: a.q,
            sh,
        }),
        K::Rshr | K::Rsra => Some(VecOp::RoundShift {
            signed: !u,
            acc: kind == K::Rsra,
            esize,
            q,
            sh,
        }),
        K::Qshl | K::Qshlu => Some(VecOp::QShl {
            signed_in: !u || kind == K::Qshlu,
            signed_out: !u,
            esize,
            q,
            sh,
            scalar,
        }),
        K::Qshrn | K::Qrshrn | K::Qshrun | K::Qrshrun => Some(VecOp::SatNarrow {
            signed_in: !u || matches!(kind, K::Qshrun | K::Qrshrun),
            signed_out: !u && matches!(kind, K::Qshrn | K::Qrshrn),
            esize,
            upper: a.q && !scalar,
            sh,
            round: matches!(kind, K::Qrshrn | K::Qrshrun),
            scalar,
        }),
        K::Shrn | K::Rshrn => Some(VecOp::Narrow {
            esize,
            upper: a.q,
            sh,
            round: kind == K::Rshrn,
        }),
        // The fixed-point conversions: single and double lanes, and halves.
        K::Fcvtz | K::Cvtf => {
            let op = if kind == K::Fcvtz {
                VFpOp::ToInt {
                    signed: !u,
                    mode: 3,
                    fbits: sh,
                }
            } else {
                VFpOp::FromInt {
                    signed: !u,
                    fbits: sh,
                }
            };
            Some(if esize == 16 {
                VecOp::HalfFp { op, q, scalar }
            } else {
                VecOp::Fp {
                    op,
                    double: esize == 64,
                    q,
                    scalar,
                    vm: 0,
                }
            })
        }
    }
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Executes one shift-by-immediate instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    use K::*;
    let es = a.esize();
    let sh = a.imm & 0xff;
    let unsigned = a.imm >> 8 & 1 != 0;
    let k = K::from_u32(a.kind);
    let val = |x: u64, bits: u32| -> i128 {
        if unsigned {
            x as i128
        } else {
            sx(x, bits) as i128
        }
    };
    let round = |v: i128| {
        if matches!(k, Rshr | Rsra | Rshrn | Qrshrun | Qrshrn) {
            v + (1i128 << (sh - 1))
        } else {
            v
        }
    };
    let mut sat = false;
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = Env::new(cpu.fpcr);
    match k {
        Shr | Rshr => lanes::map1(cpu, a, |x, _| (round(val(x, es)) >> sh) as u64),
        Sra | Rsra => lanes::map1(cpu, a, |x, d| {
            d.wrapping_add((round(val(x, es)) >> sh) as u64)
        }),
        Sri => lanes::map1(cpu, a, |x, d| {
            let m = if sh >= 64 { 0 } else { mask(es) >> sh };
            let v = if sh >= 64 { 0 } else { x >> sh };
            (d & !m) | (v & m)
        }),
        Shl => lanes::map1(cpu, a, |x, _| x << sh),
        Sli => lanes::map1(cpu, a, |x, d| {
            let m = mask(es) << sh;
            (d & !m) | ((x << sh) & m)
        }),
        Qshlu | Qshl => lanes::map1(cpu, a, |x, _| {
            let v = if k == Qshlu {
                sx(x, es) as i128
            } else {
                val(x, es)
            } << sh;
            let (r, s) = if unsigned { sat_u(v, es) } else { sat_s(v, es) };
            sat |= s;
            r
        }),
        Shrn | Rshrn => lanes::narrow(cpu, a, |x| (round(x as i128) >> sh) as u64),
        Qshrun | Qrshrun => lanes::narrow(cpu, a, |x| {
            let (r, s) = sat_u(round(sx(x, 2 * es) as i128) >> sh, es);
            sat |= s;
            r
        }),
        Qshrn | Qrshrn => lanes::narrow(cpu, a, |x| {
            let v = round(val(x, 2 * es)) >> sh;
            let (r, s) = if unsigned { sat_u(v, es) } else { sat_s(v, es) };
            sat |= s;
            r
        }),
        Shll => lanes::widen(cpu, a, |x| (val(x, es) << sh) as u64),
        Cvtf => lanes::map1(cpu, a, |x, _| fpu::from_int(&mut env, es, !unsigned, sh, x)),
        Fcvtz => lanes::map1(cpu, a, |x, _| {
            fpu::to_int(&mut env, es, Rounding::Zero, !unsigned, sh, x)
        }),
    }
    qc(cpu, sat);
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
}
