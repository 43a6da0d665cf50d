//! Advanced SIMD three different: long (xADDL, xMULL, xMLAL, xABDL, ...),
//! wide (xADDW, xSUBW) and narrow-high (ADDHN, SUBHN, and rounding) forms.
//! The "2" forms (Q=1) use the upper halves of the narrow operands. The
//! scalar forms (SQDMULL, SQDMLAL, SQDMLSL) take element 0 of Vn and Vm.

use super::crypto::clmul64 as clmul;
use super::lanes::{get, mask, qc, sat_s, set, sx};
use super::{call, kinds, Args, Sizes};
use crate::arm64::encodings::simd_diff::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{CryptoOp, LongAcc, LongOp, VecOp};

kinds!(K {
    Addl,
    Addw,
    Subl,
    Subw,
    Addhn,
    Raddhn,
    Abal,
    Subhn,
    Rsubhn,
    Abdl,
    Mlal,
    Qdmlal,
    Mlsl,
    Qdmlsl,
    Mull,
    Qdmull,
    Pmull,
});

/// The operation of each form and the element sizes it allows.
fn form(op: Op) -> (K, Sizes) {
    use Op::*;
    use Sizes::*;
    match op {
        SADDL_v | UADDL_v => (K::Addl, Lt3),
        SADDW_v | UADDW_v => (K::Addw, Lt3),
        SSUBL_v | USUBL_v => (K::Subl, Lt3),
        SSUBW_v | USUBW_v => (K::Subw, Lt3),
        ADDHN_v => (K::Addhn, Lt3),
        RADDHN_v => (K::Raddhn, Lt3),
        SABAL_v | UABAL_v => (K::Abal, Lt3),
        SUBHN_v => (K::Subhn, Lt3),
        RSUBHN_v => (K::Rsubhn, Lt3),
        SABDL_v | UABDL_v => (K::Abdl, Lt3),
        SMLAL_v | UMLAL_v => (K::Mlal, Lt3),
        SMLSL_v | UMLSL_v => (K::Mlsl, Lt3),
        SMULL_v | UMULL_v => (K::Mull, Lt3),
        SQDMLAL_v | SQDMLAL_s => (K::Qdmlal, HS),
        SQDMLSL_v | SQDMLSL_s => (K::Qdmlsl, HS),
        SQDMULL_v | SQDMULL_s => (K::Qdmull, HS),
        PMULL_v => (K::Pmull, Fixed(0)),
        PMULL_1q => (K::Pmull, Fixed(3)),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let scalar = super::is_scalar(f);
    let u = super::u_bit(f);
    let (kind, sizes) = form(op);
    let size = sizes.of(f, true).ok_or(Undefined)?;
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: f.u('m'),
        size,
        q: !scalar && f.b('Q'),
        scalar,
        kind: kind as u32,
        imm: u as u32,
    };
    if let Some(acc) = qdmull_acc(kind) {
        let op = VecOp::Qdmull {
            esize: args.esize() as u8,
            upper: args.q,
            scalar,
            acc,
            vm: args.m as u8,
            elem: None,
        };
        super::vec_op(cx, op, &args, helper);
        return Ok(());
    }
    let acc = long_acc(kind);
    match acc {
        None if kind == K::Pmull => {
            // PMULL/PMULL2 .1Q and .8H.
            let upper = args.q;
            let op = VecOp::Crypto {
                op: match size {
                    3 => CryptoOp::Pmull { upper },
                    _ => CryptoOp::Pmull8 { upper },
                },
                vm: args.m as u8,
            };
            super::vec_op(cx, op, &args, helper);
        }
        Some(acc) => {
            let op = VecOp::MulLong {
                signed: !u,
                esize: args.esize() as u8,
                upper: args.q,
                acc,
                vm: args.m as u8,
            };
            super::vec_op(cx, op, &args, helper);
        }
        None => match inline_op(kind, u, &args) {
            Some(op) => super::vec_op(cx, op, &args, helper),
            None => {
                call(cx, helper, args, &[]);
            }
        },
    }
    Ok(())
}

/// What the long multiplies do with the destination (None for the others).
pub fn long_acc(kind: K) -> Option<LongAcc> {
    match kind {
        K::Mull => Some(LongAcc::Set),
        K::Mlal => Some(LongAcc::Add),
        K::Mlsl => Some(LongAcc::Sub),
        _ => None,
    }
}

/// What the saturating doubling long multiplies (SQDMULL, SQDMLAL,
/// SQDMLSL) do with the destination (None for the others).
pub fn qdmull_acc(kind: K) -> Option<LongAcc> {
    match kind {
        K::Qdmull => Some(LongAcc::Set),
        K::Qdmlal => Some(LongAcc::Add),
        K::Qdmlsl => Some(LongAcc::Sub),
        _ => None,
    }
}

/// The inline form of the long, wide and narrow-high vector forms.
fn inline_op(kind: K, u: bool, a: &Args) -> Option<VecOp> {
    let (esize, upper, vm) = (a.esize() as u8, a.q, a.m as u8);
    let long = |op| {
        Some(VecOp::Long {
            op,
            signed: !u,
            esize,
            upper,
            vm,
        })
    };
    let narrow = |sub, round| {
        Some(VecOp::AddNarrow {
            sub,
            round,
            esize,
            upper,
            vm,
        })
    };
    match kind {
        K::Addl => long(LongOp::Add),
        K::Subl => long(LongOp::Sub),
        K::Addw => long(LongOp::Addw),
        K::Subw => long(LongOp::Subw),
        K::Abdl => long(LongOp::Abd),
        K::Abal => long(LongOp::Aba),
        K::Addhn => narrow(false, false),
        K::Raddhn => narrow(false, true),
        K::Subhn => narrow(true, false),
        K::Rsubhn => narrow(true, true),
        _ => None,
    }
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    let a = Args::unpack(p);
    let mv = cpu.v[a.m as usize];
    run(cpu, &a, mv);
    0
}

/// Executes one three-different instruction with `m` as the second
/// operand vector (Vm, or a replicated element for the by-element forms).
pub fn run(cpu: &mut CpuState, a: &Args, m: u128) {
    use K::*;
    let es = a.esize();
    let k = K::from_u32(a.kind);
    let (n, d) = (cpu.v[a.n as usize], cpu.v[a.d as usize]);
    let half = |v: u128| if a.q { v >> 64 } else { v };
    if k == Pmull && es == 64 {
        cpu.v[a.d as usize] = clmul(half(n) as u64, half(m) as u64);
        return;
    }
    let signed = a.imm & 1 == 0;
    let val = |x: u64, bits: u32| -> i128 {
        if signed {
            sx(x, bits) as i128
        } else {
            x as i128
        }
    };
    let el = if a.scalar { 1 } else { (64 / es) as usize };
    let mut sat = false;
    if matches!(k, Addhn | Raddhn | Subhn | Rsubhn) {
        let mut r = 0u128;
        for i in 0..el {
            let (x, y) = (get(n, 2 * es, i) as u128, get(m, 2 * es, i) as u128);
            let mut s = if matches!(k, Addhn | Raddhn) {
                x.wrapping_add(y)
            } else {
                x.wrapping_sub(y)
            };
            if matches!(k, Raddhn | Rsubhn) {
                s = s.wrapping_add(1 << (es - 1));
            }
            set(&mut r, es, i, (s >> es) as u64);
        }
        cpu.v[a.d as usize] = if a.q {
            (d & u64::MAX as u128) | r << 64
        } else {
            r
        };
        return;
    }
    let (hn, hm) = (half(n), half(m));
    let mut r = 0u128;
    for i in 0..el {
        let wide_n = matches!(k, Addw | Subw);
        let x = if wide_n {
            val(get(n, 2 * es, i), 2 * es)
        } else {
            val(get(hn, es, i), es)
        };
        let y = val(get(hm, es, i), es);
        let acc = val(get(d, 2 * es, i), 2 * es);
        let v: i128 = match k {
            Addl | Addw => x + y,
            Subl | Subw => x - y,
            Abal => acc + (x - y).abs(),
            Abdl => (x - y).abs(),
            Mlal => acc + x * y,
            Mlsl => acc - x * y,
            Mull => x * y,
            Pmull => clmul(get(hn, es, i), get(hm, es, i)) as i128,
            Qdmull | Qdmlal | Qdmlsl => {
                let (p, s1) = sat_s(2 * x * y, 2 * es);
                let p = sx(p, 2 * es) as i128;
                let (v, s2) = match k {
                    Qdmull => (p as u64, false),
                    Qdmlal => sat_s(acc + p, 2 * es),
                    _ => sat_s(acc - p, 2 * es),
                };
                sat |= s1 | s2;
                v as i128
            }
            _ => unreachable!("narrowing kinds handled above"),
        };
        set(&mut r, 2 * es, i, v as u64 & mask(2 * es));
    }
    cpu.v[a.d as usize] = r;
    qc(cpu, sat);
}
