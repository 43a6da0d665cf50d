//! FEAT_JSCVT: FJCVTZS, `FPToFixedJS`: a double to a 32-bit integer modulo
//! 2^32, rounding towards zero whatever FPCR.RMode says, Z set when the
//! conversion was exact and in range (and the operand not -0.0). As an
//! [`crate::ir::Op::FBin`] ([`crate::ir::FpOp::JsCvt`]) the result holds
//! the integer in bits 31..0 and NZCV (0Z00) in bits 63..32.

use super::float::{fpsr, Class, Env, D};
use crate::cpu::CpuState;

/// `FPToFixedJS(op, FPCR, TRUE)`: (result, Z).
pub fn to_fixed_js(env: &mut Env, op: u64) -> (u32, bool) {
    let (c, a) = env.unpack(D, op);
    match c {
        Class::QNaN | Class::SNaN | Class::Inf => {
            env.raise(fpsr::IOC);
            return (0, false);
        }
        // -0, and a denormal flushed to zero, are not exact.
        Class::Zero => return (0, op & !D.sign_bit() == 0 && !D.sign(op)),
        _ => {}
    }
    let (sign, m, e) = D.decompose(a);
    // Truncated magnitude modulo 2^64 (enough for the low 32 bits and the
    // range check) and whether a fraction was dropped.
    let (int, frac, big) = if e >= 0 {
        let big = e >= 64 || (m << e) >> 64 != 0;
        let int = if e >= 64 { 0 } else { (m << e) as u64 };
        (int, false, big)
    } else if e <= -64 {
        (0, true, false)
    } else {
        let int = m >> -e;
        (int as u64, int << -e != m, false)
    };
    let in_range = !big && if sign { int <= 1 << 31 } else { int < 1 << 31 };
    let result = if sign { int.wrapping_neg() } else { int } as u32;
    if !in_range {
        env.raise(fpsr::IOC);
        (result, false)
    } else if frac {
        env.raise(fpsr::IXC);
        (result, false)
    } else {
        (result, true)
    }
}

/// [`to_fixed_js`] with the operands of an [`crate::ir::Op::FBin`]: the
/// double `x` and three unused arguments; the result in bits 31..0 and
/// NZCV (Z in bit 62) above.
///
/// # Safety
/// Called by translated code with its CPU state.
pub unsafe extern "C" fn fp_jscvt_fbin(cpu: *mut CpuState, x: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: translated code passes its own, valid state pointer.
    let cpu = unsafe { &mut *cpu };
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = Env::new(cpu.fpcr);
    let (r, z) = to_fixed_js(&mut env, x);
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
    u64::from(r) | u64::from(z) << 62
}
