//! Single and double precision arithmetic on the host's SSE unit, run with
//! MXCSR set from the guest FPCR and its exception flags collected.
//!
//! Every operation is one inline-assembly block that saves MXCSR, loads the
//! guest's rounding mode, performs the instruction, reads the flags and
//! restores MXCSR, so compiled Rust code never observes a non-default
//! floating-point environment.

use super::float::{fpsr, Fpcr, Rounding};
use std::arch::asm;

/// MXCSR bits.
mod mxcsr {
    pub const IE: u32 = 1 << 0;
    pub const ZE: u32 = 1 << 2;
    pub const OE: u32 = 1 << 3;
    pub const UE: u32 = 1 << 4;
    pub const PE: u32 = 1 << 5;
    /// All exceptions masked.
    pub const MASKS: u32 = 0x3F << 7;
    pub const RC_SHIFT: u32 = 13;
    pub const FTZ: u32 = 1 << 15;
}

/// The MXCSR value that performs arithmetic as the guest FPCR asks
/// (rounding mode, flush-to-zero of results; inputs are flushed by the
/// caller), with every exception masked.
pub fn mxcsr_for(fpcr: Fpcr) -> u32 {
    let rc = match fpcr.rounding() {
        Rounding::TieEven | Rounding::TieAway => 0,
        Rounding::NegInf => 1,
        Rounding::PosInf => 2,
        Rounding::Zero => 3,
    };
    let ftz = if fpcr.fz() { mxcsr::FTZ } else { 0 };
    mxcsr::MASKS | rc << mxcsr::RC_SHIFT | ftz
}

/// Converts the MXCSR exception flags of one operation to FPSR bits. With
/// flush-to-zero, the architecture reports a flushed result as underflow
/// only (not inexact).
pub fn fpsr_from_mxcsr(st: u32, fz: bool) -> u32 {
    let mut out = 0;
    for (m, f) in [
        (mxcsr::IE, fpsr::IOC),
        (mxcsr::ZE, fpsr::DZC),
        (mxcsr::OE, fpsr::OFC),
        (mxcsr::UE, fpsr::UFC),
        (mxcsr::PE, fpsr::IXC),
    ] {
        if st & m != 0 {
            out |= f;
        }
    }
    if fz && st & mxcsr::UE != 0 {
        out &= !fpsr::IXC;
    }
    out
}

/// A two-operand SSE arithmetic operation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Op2 {
    Add,
    Sub,
    Mul,
    Div,
}

macro_rules! sse_binary {
    ($name:ident, $ty:ty, $insn:literal) => {
        fn $name(a: $ty, b: $ty, csr: u32) -> ($ty, u32) {
            let mut a = a;
            let mut save = 0u32;
            let mut st = 0u32;
            // SAFETY: the block only uses the named registers and the three
            // u32 locals it is given the addresses of, and restores MXCSR
            // before it ends.
            unsafe {
                asm!(
                    "stmxcsr [{save}]",
                    "ldmxcsr [{csr}]",
                    concat!($insn, " {a}, {b}"),
                    "stmxcsr [{st}]",
                    "ldmxcsr [{save}]",
                    a = inout(xmm_reg) a,
                    b = in(xmm_reg) b,
                    save = in(reg) &mut save as *mut u32,
                    csr = in(reg) &csr as *const u32,
                    st = in(reg) &mut st as *mut u32,
                    options(nostack),
                );
            }
            (a, st)
        }
    };
}

sse_binary!(addss, f32, "addss");
sse_binary!(subss, f32, "subss");
sse_binary!(mulss, f32, "mulss");
sse_binary!(divss, f32, "divss");
sse_binary!(sqrtss, f32, "sqrtss");
sse_binary!(addsd, f64, "addsd");
sse_binary!(subsd, f64, "subsd");
sse_binary!(mulsd, f64, "mulsd");
sse_binary!(divsd, f64, "divsd");
sse_binary!(sqrtsd, f64, "sqrtsd");

macro_rules! sse_fma {
    ($name:ident, $ty:ty, $insn:literal) => {
        /// `a * b + c` with a single rounding; needs the host FMA extension.
        fn $name(a: $ty, b: $ty, c: $ty, csr: u32) -> ($ty, u32) {
            let mut c = c;
            let mut save = 0u32;
            let mut st = 0u32;
            // SAFETY: as for the two-operand blocks; callers check that the
            // host supports FMA before using this one.
            unsafe {
                asm!(
                    "stmxcsr [{save}]",
                    "ldmxcsr [{csr}]",
                    concat!($insn, " {c}, {a}, {b}"),
                    "stmxcsr [{st}]",
                    "ldmxcsr [{save}]",
                    a = in(xmm_reg) a,
                    b = in(xmm_reg) b,
                    c = inout(xmm_reg) c,
                    save = in(reg) &mut save as *mut u32,
                    csr = in(reg) &csr as *const u32,
                    st = in(reg) &mut st as *mut u32,
                    options(nostack),
                );
            }
            (c, st)
        }
    };
}

sse_fma!(fmadd_ss, f32, "vfmadd231ss");
sse_fma!(fmadd_sd, f64, "vfmadd231sd");

fn host_has_fma() -> bool {
    use std::sync::OnceLock;
    static FMA: OnceLock<bool> = OnceLock::new();
    *FMA.get_or_init(|| std::arch::is_x86_feature_detected!("fma"))
}

/// Reads MXCSR.
fn get_mxcsr() -> u32 {
    let mut v = 0u32;
    // SAFETY: stores MXCSR into a local.
    unsafe { asm!("stmxcsr [{p}]", p = in(reg) &mut v as *mut u32, options(nostack)) };
    v
}

/// Writes MXCSR.
///
/// # Safety
/// Compiled Rust code assumes the default environment: the caller must
/// restore the previous value before doing anything but the one operation
/// it guards.
unsafe fn set_mxcsr(v: u32) {
    // SAFETY: loads MXCSR from a local; the caller restores it.
    unsafe { asm!("ldmxcsr [{p}]", p = in(reg) &v as *const u32, options(nostack)) };
}

/// Fused multiply-add through the C library's correctly rounded `fma`,
/// used on hosts without the FMA extension. The operands and result go
/// through `black_box` so the computation stays between the MXCSR writes.
fn soft_fma<T: Copy>(a: T, b: T, c: T, csr: u32, f: fn(T, T, T) -> T) -> (T, u32) {
    use std::hint::black_box;
    let save = get_mxcsr();
    // SAFETY: restored below, right after the guarded operation.
    unsafe { set_mxcsr(csr & !0x3F) };
    let r = black_box(f(black_box(a), black_box(b), black_box(c)));
    let st = get_mxcsr();
    // SAFETY: restores the saved environment.
    unsafe { set_mxcsr(save) };
    (r, st)
}

/// `a op b` in single precision; returns the result and MXCSR flags.
pub fn op2_s(op: Op2, a: f32, b: f32, csr: u32) -> (f32, u32) {
    match op {
        Op2::Add => addss(a, b, csr),
        Op2::Sub => subss(a, b, csr),
        Op2::Mul => mulss(a, b, csr),
        Op2::Div => divss(a, b, csr),
    }
}

/// `a op b` in double precision; returns the result and MXCSR flags.
pub fn op2_d(op: Op2, a: f64, b: f64, csr: u32) -> (f64, u32) {
    match op {
        Op2::Add => addsd(a, b, csr),
        Op2::Sub => subsd(a, b, csr),
        Op2::Mul => mulsd(a, b, csr),
        Op2::Div => divsd(a, b, csr),
    }
}

/// Square root in single precision.
pub fn sqrt_s(a: f32, csr: u32) -> (f32, u32) {
    sqrtss(a, a, csr)
}

/// Square root in double precision.
pub fn sqrt_d(a: f64, csr: u32) -> (f64, u32) {
    sqrtsd(a, a, csr)
}

/// `a * b + c` rounded once, single precision.
pub fn fma_s(a: f32, b: f32, c: f32, csr: u32) -> (f32, u32) {
    if host_has_fma() {
        fmadd_ss(a, b, c, csr)
    } else {
        soft_fma(a, b, c, csr, f32::mul_add)
    }
}

/// `a * b + c` rounded once, double precision.
pub fn fma_d(a: f64, b: f64, c: f64, csr: u32) -> (f64, u32) {
    if host_has_fma() {
        fmadd_sd(a, b, c, csr)
    } else {
        soft_fma(a, b, c, csr, f64::mul_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_modes_reach_the_host() {
        let third = |rmode: u64| op2_d(Op2::Div, 1.0, 3.0, mxcsr_for(Fpcr(rmode << 22))).0;
        let rn = third(0);
        assert_eq!(rn, 1.0 / 3.0);
        assert_eq!(third(1), rn.next_up());
        assert_eq!(third(2), rn);
        assert_eq!(third(3), rn);
        let (r, st) = op2_s(Op2::Add, 1.0, 2f32.powi(-30), mxcsr_for(Fpcr(1 << 22)));
        assert_eq!(r, 1.0f32.next_up());
        assert_eq!(fpsr_from_mxcsr(st, false), fpsr::IXC);
    }

    #[test]
    fn fma_is_fused() {
        // (1 + 2^-30)^2 - 1 needs the unrounded product.
        let a = 1.0 + 2f64.powi(-30);
        let (r, _) = fma_d(a, a, -1.0, mxcsr_for(Fpcr(0)));
        assert_eq!(r, 2f64.powi(-29) + 2f64.powi(-60));
        let soft = soft_fma(a, a, -1.0, mxcsr_for(Fpcr(0)), f64::mul_add).0;
        assert_eq!(soft, r);
    }

    #[test]
    fn environment_is_restored() {
        let before = get_mxcsr();
        let _ = op2_d(Op2::Div, 1.0, 0.0, mxcsr_for(Fpcr(3 << 22 | Fpcr::FZ)));
        assert_eq!(get_mxcsr(), before);
    }
}
