//! FMULX, FMULX by element, FRECPS and FRSQRTS ([`VFpOp::Mulx`],
//! [`VFpOp::MulxElem`], [`VFpOp::Recps`], [`VFpOp::Rsqrts`]) of [`VecOp::Fp`](crate::ir::VecOp::Fp) inline on
//! single and double lanes, under the default FPCR (checked by
//! `Emitter::vec_fp`); FRECPS and FRSQRTS need FMA3 (else the helper runs).
//!
//! * Lanes of either operand that are zero, subnormal, of magnitude below
//!   2^-125 (2^-1021), infinite or NaN go to the helper before anything is
//!   computed (so x86 never raises Invalid for `0 * inf`, which Arm
//!   defines as ±2.0, 2.0 or 1.5, and never sees a NaN).
//! * FMULX is `mulps`/`mulpd` (by element: of the element replicated
//!   by a `pshufd`, so it is checked as every lane of `m`); FRECPS `2 - n * m` one `vfnmadd` (the
//!   Arm ARM's fused FPRecipStepFused); FRSQRTS `1.5 - n * (m / 2)`, one
//!   `vfnmadd` with `m / 2` exact (m's exponent is at least two above the
//!   smallest), which is `(3 - n * m) / 2` rounded once, as
//!   FPRSqrtStepFused.
//! * Between such operands, round to nearest, x86 gives Arm's result and
//!   flags (Overflow and Inexact alike) except where the result is tiny:
//!   x86 detects tininess after rounding, Arm before. Lanes whose result
//!   is below 2^-125 (2^-1021; zero included) go to the helper; x86 raised
//!   at most Underflow and Inexact for them, which Arm raises too (tiny
//!   after rounding implies tiny before).
//!
//! Scratch: `xmm0`–`xmm3`, `rax`.

use super::emit::Emitter;
use crate::ir::VFpOp;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// Lane constants. The range checks look at single lanes, or at the high
/// 32 bits of double lanes.
#[repr(C, align(16))]
struct Consts {
    abs: [u32; 4],
    /// The encoding of 2^-125 (the high word of 2^-1021's).
    lo32: [u32; 4],
    lo64: [u32; 4],
    /// The largest finite encoding (its high word).
    hi32: [u32; 4],
    hi64: [u32; 4],
    two32: [f32; 4],
    two64: [f64; 2],
    half32: [f32; 4],
    half64: [f64; 2],
    three_halves32: [f32; 4],
    three_halves64: [f64; 2],
}

static CONSTS: Consts = Consts {
    abs: [0x7FFF_FFFF; 4],
    lo32: [0x0100_0000; 4],
    lo64: [0x0020_0000; 4],
    hi32: [0x7F7F_FFFF; 4],
    hi64: [0x7FEF_FFFF; 4],
    two32: [2.0; 4],
    two64: [2.0; 2],
    half32: [0.5; 4],
    half64: [0.5; 2],
    three_halves32: [1.5; 4],
    three_halves64: [1.5; 2],
};

/// Whether `op` runs inline on this host (given SSE4.1, see
/// `emit_vec_fp::inline_ok`).
pub(super) fn host_ok(op: VFpOp) -> bool {
    !matches!(op, VFpOp::Recps | VFpOp::Rsqrts) || super::emit_fp::has_fma()
}

impl Emitter {
    /// FMULX, FRECPS or FRSQRTS of xmm0 (`n`, its low `bytes` bytes, the
    /// rest zero) and the V register at `m` into xmm0 (see the module docs).
    pub(super) fn vec_fp_step(
        &mut self,
        op: VFpOp,
        double: bool,
        (m, bytes): (i32, u8),
        slow_path: DynamicLabel,
    ) {
        if let VFpOp::MulxElem { elem } = op {
            // Lane `elem` of the whole register, in every lane.
            self.load_v(1, m);
            let sel = if double {
                0x44 + 0xAA * elem
            } else {
                0x55 * elem
            };
            dynasm!(self.a ; .arch x64 ; pshufd xmm1, xmm1, sel as i8);
        } else {
            self.load_part(1, m, bytes);
        }
        let lanes = (1i32 << (bytes / if double { 8 } else { 4 })) - 1;
        self.step_lanes_in_range(double, (0, lanes), true, slow_path);
        self.step_lanes_in_range(double, (1, lanes), true, slow_path);
        step_consts(self);
        let k = |o: usize| o as i32;
        match (op, double) {
            (VFpOp::Mulx | VFpOp::MulxElem { .. }, false) => {
                dynasm!(self.a ; .arch x64 ; mulps xmm0, xmm1)
            }
            (VFpOp::Mulx | VFpOp::MulxElem { .. }, true) => {
                dynasm!(self.a ; .arch x64 ; mulpd xmm0, xmm1)
            }
            (VFpOp::Recps, false) => dynasm!(self.a ; .arch x64
                ; vfnmadd213ps xmm0, xmm1, [rax + k(offset_of!(Consts, two32))]),
            (VFpOp::Recps, true) => {
                dynasm!(self.a ; .arch x64 ; movapd xmm2, [rax + k(offset_of!(Consts, two64))]);
                self.vfnmadd213pd_xmm0_xmm1_xmm2();
            }
            (VFpOp::Rsqrts, false) => dynasm!(self.a ; .arch x64
                ; mulps xmm1, [rax + k(offset_of!(Consts, half32))]
                ; vfnmadd213ps xmm0, xmm1, [rax + k(offset_of!(Consts, three_halves32))]),
            (VFpOp::Rsqrts, true) => {
                dynasm!(self.a ; .arch x64
                    ; mulpd xmm1, [rax + k(offset_of!(Consts, half64))]
                    ; movapd xmm2, [rax + k(offset_of!(Consts, three_halves64))]);
                self.vfnmadd213pd_xmm0_xmm1_xmm2();
            }
            _ => unreachable!("not a step: {op:?}"),
        }
        self.step_lanes_in_range(double, (0, lanes), false, slow_path);
    }

    /// `vfnmadd213pd xmm0, xmm1, xmm2` (xmm0 = xmm2 - xmm0 * xmm1), encoded
    /// here: the assembler's packed double forms of the FMA3 instructions
    /// lack VEX.W and would come out as the single ones.
    fn vfnmadd213pd_xmm0_xmm1_xmm2(&mut self) {
        // VEX3: R X B set (no extension), map 0F38; W1, vvvv = ~1, L0, pp 66;
        // opcode AC; ModRM register form, reg xmm0, rm xmm2.
        self.a.extend([0xC4, 0xE2, 0xF1, 0xAC, 0xC2]);
    }

    /// To `slow_path` when a lane in the mask `lanes` of xmm`x` is below
    /// 2^-125 (2^-1021) in magnitude or, with `finite`, infinite or NaN.
    /// Clobbers xmm2, xmm3, rax.
    fn step_lanes_in_range(
        &mut self,
        double: bool,
        (x, lanes): (u8, i32),
        finite: bool,
        slow_path: DynamicLabel,
    ) {
        step_consts(self);
        let (lo, hi) = if double {
            dynasm!(self.a ; .arch x64 ; pshufd xmm2, Rx(x), 0xDDu8 as i8);
            (offset_of!(Consts, lo64), offset_of!(Consts, hi64))
        } else {
            dynasm!(self.a ; .arch x64 ; movdqa xmm2, Rx(x));
            (offset_of!(Consts, lo32), offset_of!(Consts, hi32))
        };
        let abs = offset_of!(Consts, abs) as i32;
        dynasm!(self.a ; .arch x64
            ; pand xmm2, [rax + abs]
            ; movdqa xmm3, [rax + lo as i32]
            ; pcmpgtd xmm3, xmm2);
        if finite {
            dynasm!(self.a ; .arch x64
                ; pcmpgtd xmm2, [rax + hi as i32]
                ; por xmm3, xmm2);
        }
        dynasm!(self.a ; .arch x64
            ; movmskps eax, xmm3
            ; test eax, lanes
            ; jnz =>slow_path);
    }
}

/// rax = [`CONSTS`].
fn step_consts(e: &mut Emitter) {
    let consts = &CONSTS as *const Consts as i64;
    dynasm!(e.a ; .arch x64 ; mov rax, QWORD consts);
}
