//! Runtime helpers called from translated code (`ir::HelperFn`). Each reads
//! FPCR from the CPU state, runs one semantic function of [`super::ops`] or
//! [`super::cvt`] on register bits passed by value, accumulates the raised
//! exceptions into FPSR and returns the result bits (or NZCV for compares).
//! The translator writes the result to the destination register.
//!
//! Formats are passed as their `ftype` encoding; the small immediates each
//! helper takes are documented on it.

use super::cvt::{self, IntFmt};
use super::float::{Env, Fmt, Rounding};
use super::ops::{self, Arith};
use crate::cpu::CpuState;

/// Runs `f` in the guest's floating-point environment and records the
/// exceptions it raised in FPSR.
///
/// # Safety
/// `cpu` must point to a live `CpuState` not otherwise borrowed.
unsafe fn with_env(cpu: *mut CpuState, f: impl FnOnce(&mut Env) -> u64) -> u64 {
    // SAFETY: translated code passes its own, valid state pointer.
    let cpu = unsafe { &mut *cpu };
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = Env::new(cpu.fpcr);
    let r = f(&mut env);
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
    r
}

fn fmt(ftype: u64) -> Fmt {
    Fmt::from_ftype(ftype as u32).expect("translator passes a valid ftype")
}

/// Encoding of a rounding mode as a helper argument: 0..=3 as FPCR.RMode,
/// 4 = ties away, 5 = the mode in FPCR.
pub fn rounding_arg(mode: Option<Rounding>) -> u64 {
    match mode {
        Some(Rounding::TieEven) => 0,
        Some(Rounding::PosInf) => 1,
        Some(Rounding::NegInf) => 2,
        Some(Rounding::Zero) => 3,
        Some(Rounding::TieAway) => 4,
        None => 5,
    }
}

fn rounding(env: &Env, arg: u64) -> Rounding {
    match arg {
        4 => Rounding::TieAway,
        5 => env.fpcr.rounding(),
        m => Rounding::from_rmode(m as u32),
    }
}

/// Encoding of an integer/fixed-point format as a helper argument.
pub fn int_fmt_arg(i: IntFmt) -> u64 {
    u64::from(i.bits) | u64::from(i.signed) << 7 | u64::from(i.fbits) << 8
}

fn int_fmt(arg: u64) -> IntFmt {
    IntFmt {
        bits: (arg & 0x7F) as u32,
        signed: arg >> 7 & 1 != 0,
        fbits: (arg >> 8 & 0xFF) as u32,
    }
}

/// The `slow`, `c0` and `c1` of an [`crate::ir::Op::FBin`] computing `op`
/// in format `size`: [`fp_arith`] with the format and the operation's
/// index, or the conversion, square root or compare helper.
pub fn fbin_args(op: crate::ir::FpOp, size: crate::ir::FpSize) -> (crate::ir::HelperFn, u64, u64) {
    use crate::ir::{FpOp, FpSize};
    let fmt = match size {
        FpSize::Half => super::float::H,
        FpSize::Single => super::float::S,
        FpSize::Double => super::float::D,
    };
    let ftype = u64::from(fmt.ftype());
    let half = u64::from(super::float::H.ftype());
    let single = u64::from(super::float::S.ftype());
    let a = match op {
        FpOp::Add => Arith::Add,
        FpOp::Sub => Arith::Sub,
        FpOp::Mul => Arith::Mul,
        FpOp::Div => Arith::Div,
        FpOp::Sqrt => return (fp_sqrt_fbin, ftype, 0),
        FpOp::Cmp => return (fp_compare, ftype, 0),
        FpOp::CmpE => return (fp_compare, ftype, 1),
        FpOp::FromHalf => return (fp_convert_fbin, half, ftype),
        FpOp::ToHalf => return (fp_convert_fbin, ftype, half),
        FpOp::FromSingle => return (fp_convert_fbin, single, ftype),
        FpOp::ToSingle => return (fp_convert_fbin, ftype, single),
        FpOp::ToSingleOdd => return (fp_convert_odd_fbin, 0, 0),
        FpOp::JsCvt => return (super::jscvt::fp_jscvt_fbin, 0, 0),
        FpOp::FromInt { signed, x64 } => {
            let i = int_fmt_arg(IntFmt::of(signed, x64, 0));
            return (fp_from_fixed_fbin, ftype, i);
        }
        FpOp::FromFixed { signed, x64, fbits } => {
            let i = int_fmt_arg(IntFmt::of(signed, x64, fbits));
            return (fp_from_fixed_fbin, ftype, i);
        }
        FpOp::ToInt {
            signed,
            x64,
            mode,
            fbits,
        } => {
            let i = int_fmt_arg(IntFmt::of(signed, x64, fbits));
            return (fp_to_fixed_fbin, ftype, i | fp_round_arg(mode) << 16);
        }
        FpOp::Round { mode, exact } => {
            let ctl = fp_round_arg(mode) | u64::from(exact) << 8;
            return (fp_round_int_fbin, ftype, ctl);
        }
        FpOp::Max => Arith::Max,
        FpOp::Min => Arith::Min,
        FpOp::MaxNum => Arith::MaxNum,
        FpOp::MinNum => Arith::MinNum,
        FpOp::NMul => Arith::NMul,
    };
    let index = Arith::BY_OPCODE
        .iter()
        .position(|&x| x == a)
        .expect("listed") as u64;
    (fp_arith, ftype, index)
}

/// [`fp_convert`] with the operands of an [`crate::ir::Op::FBin`]: `a`, an
/// unused second operand, then the source and destination formats.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_convert_fbin(
    cpu: *mut CpuState,
    a: u64,
    _: u64,
    from: u64,
    to: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { fp_convert(cpu, a, from, to, 0) }
}

/// FCVTXN's conversion of the double `a` to single precision, rounding
/// to odd, with the operands of an [`crate::ir::Op::FBin`].
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_convert_odd_fbin(
    cpu: *mut CpuState,
    a: u64,
    _: u64,
    _: u64,
    _: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { with_env(cpu, |env| cvt::convert_odd(env, a)) }
}

/// [`fp_from_fixed`] with the operands of an [`crate::ir::Op::FBin`]:
/// `x`, an unused second operand, then the format and the integer format.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_from_fixed_fbin(
    cpu: *mut CpuState,
    x: u64,
    _: u64,
    ftype: u64,
    from: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { fp_from_fixed(cpu, x, ftype, from, 0) }
}

/// [`rounding_arg`] of an IR rounding mode.
fn fp_round_arg(mode: crate::ir::FpRound) -> u64 {
    use crate::ir::FpRound;
    rounding_arg(match mode {
        FpRound::TieEven => Some(Rounding::TieEven),
        FpRound::PosInf => Some(Rounding::PosInf),
        FpRound::NegInf => Some(Rounding::NegInf),
        FpRound::Zero => Some(Rounding::Zero),
        FpRound::TieAway => Some(Rounding::TieAway),
        FpRound::Fpcr => None,
    })
}

/// [`fp_to_fixed`] with the operands of an [`crate::ir::Op::FBin`]: `a`,
/// an unused second operand, the source format, then the integer format
/// with the rounding mode ([`rounding_arg`]) shifted left by 16.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_to_fixed_fbin(
    cpu: *mut CpuState,
    a: u64,
    _: u64,
    ftype: u64,
    to: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { fp_to_fixed(cpu, a, ftype, to & 0xFFFF, to >> 16) }
}

/// [`fp_round_int`] with the operands of an [`crate::ir::Op::FBin`]: `a`,
/// an unused second operand, the format, then the rounding mode
/// ([`rounding_arg`]) with FRINTX's `exact` in bit 8.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_round_int_fbin(
    cpu: *mut CpuState,
    a: u64,
    _: u64,
    ftype: u64,
    ctl: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { fp_round_int(cpu, a, ftype, ctl & 0xFF, ctl >> 8) }
}

/// [`fp_sqrt`] with the operands of an [`crate::ir::Op::FBin`]: `a`, an
/// unused second operand, then the format.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_sqrt_fbin(
    cpu: *mut CpuState,
    a: u64,
    _: u64,
    ftype: u64,
    _: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { fp_sqrt(cpu, a, ftype, 0, 0) }
}

/// The `slow` and `ctl` of an [`crate::ir::Op::FMulAdd`].
pub fn fmuladd_args(
    size: crate::ir::FpSize,
    neg_addend: bool,
    neg_op1: bool,
) -> (crate::ir::HelperFn, u64) {
    let fmt = match size {
        crate::ir::FpSize::Half => super::float::H,
        crate::ir::FpSize::Single => super::float::S,
        crate::ir::FpSize::Double => super::float::D,
    };
    let ctl = u64::from(fmt.ftype()) | u64::from(neg_addend) << 8 | u64::from(neg_op1) << 9;
    (fp_mul_add, ctl)
}

/// `a op b`; `op` indexes [`Arith::BY_OPCODE`].
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_arith(cpu: *mut CpuState, a: u64, b: u64, ftype: u64, op: u64) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe {
        with_env(cpu, |env| {
            ops::arith(env, fmt(ftype), Arith::BY_OPCODE[op as usize], a, b)
        })
    }
}

/// `addend + op1 * op2` fused. `ctl` = ftype | negate addend << 8 |
/// negate op1 << 9 (FMSUB negates op1, FNMADD both, FNMSUB the addend).
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_mul_add(
    cpu: *mut CpuState,
    addend: u64,
    op1: u64,
    op2: u64,
    ctl: u64,
) -> u64 {
    let f = fmt(ctl & 3);
    let addend = if ctl >> 8 & 1 != 0 {
        addend ^ f.sign_bit()
    } else {
        addend
    };
    let op1 = if ctl >> 9 & 1 != 0 {
        op1 ^ f.sign_bit()
    } else {
        op1
    };
    // SAFETY: forwarded caller contract.
    unsafe { with_env(cpu, |env| ops::mul_add(env, f, addend, op1, op2)) }
}

/// FSQRT.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_sqrt(cpu: *mut CpuState, a: u64, ftype: u64, _: u64, _: u64) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { with_env(cpu, |env| ops::sqrt(env, fmt(ftype), a)) }
}

/// FRINT*: `mode` as [`rounding_arg`], `exact` for FRINTX.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_round_int(
    cpu: *mut CpuState,
    a: u64,
    ftype: u64,
    mode: u64,
    exact: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe {
        with_env(cpu, |env| {
            let m = rounding(env, mode);
            ops::round_int(env, fmt(ftype), a, m, exact != 0)
        })
    }
}

/// FCVT from format `from` to format `to`.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_convert(cpu: *mut CpuState, a: u64, from: u64, to: u64, _: u64) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { with_env(cpu, |env| cvt::convert(env, fmt(from), fmt(to), a)) }
}

/// FCMP/FCMPE: returns NZCV in bits 31..28.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_compare(
    cpu: *mut CpuState,
    a: u64,
    b: u64,
    ftype: u64,
    signal: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe { with_env(cpu, |env| ops::compare(env, fmt(ftype), a, b, signal != 0)) }
}

/// FCVT*S/U (integer and fixed point): `to` as [`int_fmt_arg`], `mode` as
/// [`rounding_arg`].
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_to_fixed(
    cpu: *mut CpuState,
    a: u64,
    ftype: u64,
    to: u64,
    mode: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe {
        with_env(cpu, |env| {
            let m = rounding(env, mode);
            cvt::to_fixed(env, fmt(ftype), a, int_fmt(to), m)
        })
    }
}

/// SCVTF/UCVTF (integer and fixed point): `from` as [`int_fmt_arg`].
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_from_fixed(
    cpu: *mut CpuState,
    x: u64,
    ftype: u64,
    from: u64,
    _: u64,
) -> u64 {
    // SAFETY: forwarded caller contract.
    unsafe {
        with_env(cpu, |env| {
            cvt::from_fixed(env, fmt(ftype), x, int_fmt(from))
        })
    }
}
