//! The rounding forms of [`VecOp::Fp`](crate::ir::VecOp::Fp) on single and
//! double lanes that have no single x86 instruction (called by
//! `Emitter::vec_fp`, which has checked FPCR and loaded the operand into
//! xmm0, the lanes beyond it zero):
//!
//! * Ties away from zero (FRINTA, FCVTAS, FCVTAU: [`VFpOp::Round`](crate::ir::VFpOp::Round)(crate::ir::VFpOp::Round) and
//!   [`VFpOp::ToInt`](crate::ir::VFpOp::ToInt)(crate::ir::VFpOp::ToInt) with mode 5), built exactly from truncations, lane
//!   by lane as the scalar forms do (`Emitter::round_in`): `t = trunc(x)`
//!   (`roundps` toward zero; Inexact, for the conversions, exactly when `x`
//!   is not integral), `g = t - x` (exact, below 1 in magnitude), `r =
//!   trunc(2g)` (±1 when `|x - t| >= 0.5`, the sign opposite to `x`'s, else
//!   a zero) and the result `t - r`, exact, which keeps `x`'s sign for a
//!   zero result. None of it depends on MXCSR's rounding mode; a
//!   subnormal operand raises only x86's denormal-operand flag, which has
//!   no FPSR counterpart. FRINTA sends infinite and NaN lanes to the helper
//!   before anything is computed (`inf - inf` would raise Invalid); for the
//!   conversions they raise Invalid, as Arm does, and then go to the
//!   helper as every out-of-range lane does.
//! * FRINT32Z/FRINT32X/FRINT64Z/FRINT64X ([`VFpOp::RoundIntN`](crate::ir::VFpOp::RoundIntN)(crate::ir::VFpOp::RoundIntN)): `roundps`
//!   in the instruction's mode with Inexact suppressed; a lane of the
//!   result not in `[-2^(n-1), 2^(n-1))` (NaN included: ordered compares,
//!   which raise Invalid for a NaN, as Arm does) sends the whole operation
//!   to the helper, before Inexact could be raised for it (Arm raises
//!   Invalid alone there); otherwise the rounding is done again, raising
//!   Inexact exactly where the value changed.
//!
//! Scratch: `xmm1`–`xmm3`, `rax`.

use super::emit::Emitter;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// The IR's rounding mode "to nearest, ties away from zero" in
/// [`VFpOp::Round`](crate::ir::VFpOp::Round)(crate::ir::VFpOp::Round) and [`VFpOp::ToInt`](crate::ir::VFpOp::ToInt)(crate::ir::VFpOp::ToInt).
pub(super) const TIES_AWAY: u8 = 5;

/// Lane constants.
#[repr(C, align(16))]
struct Consts {
    abs32: [u32; 4],
    abs64: [u64; 2],
    /// The largest finite single; for double lanes the high word of the
    /// largest finite double, the low words the largest signed integer (so
    /// that a signed compare of the low words never finds them above).
    max32: [u32; 4],
    max64: [u32; 4],
    /// ±2^31 and ±2^63 in each format.
    lim32_s: [f32; 4],
    neg32_s: [f32; 4],
    lim64_s: [f32; 4],
    neg64_s: [f32; 4],
    lim32_d: [f64; 2],
    neg32_d: [f64; 2],
    lim64_d: [f64; 2],
    neg64_d: [f64; 2],
}

static CONSTS: Consts = Consts {
    abs32: [0x7FFF_FFFF; 4],
    abs64: [0x7FFF_FFFF_FFFF_FFFF; 2],
    max32: [0x7F7F_FFFF; 4],
    max64: [0x7FFF_FFFF, 0x7FEF_FFFF, 0x7FFF_FFFF, 0x7FEF_FFFF],
    lim32_s: [2_147_483_648.0; 4],
    neg32_s: [-2_147_483_648.0; 4],
    lim64_s: [9_223_372_036_854_775_808.0; 4],
    neg64_s: [-9_223_372_036_854_775_808.0; 4],
    lim32_d: [2_147_483_648.0; 2],
    neg32_d: [-2_147_483_648.0; 2],
    lim64_d: [9_223_372_036_854_775_808.0; 2],
    neg64_d: [-9_223_372_036_854_775_808.0; 2],
};

/// rax = [`CONSTS`].
fn consts(e: &mut Emitter) {
    let p = &CONSTS as *const Consts as i64;
    dynasm!(e.a ; .arch x64 ; mov rax, QWORD p);
}

impl Emitter {
    /// To `slow_path` when a lane of xmm0 is infinite or NaN.
    pub(super) fn no_nonfinite_lanes(&mut self, double: bool, slow_path: DynamicLabel) {
        consts(self);
        let (abs, max) = if double {
            (offset_of!(Consts, abs64), offset_of!(Consts, max64))
        } else {
            (offset_of!(Consts, abs32), offset_of!(Consts, max32))
        };
        let (abs, max) = (abs as i32, max as i32);
        dynasm!(self.a ; .arch x64
            ; movdqa xmm1, xmm0
            ; pand xmm1, [rax + abs]
            ; pcmpgtd xmm1, [rax + max]
            ; movmskps eax, xmm1
            ; test eax, eax
            ; jnz =>slow_path);
    }

    /// xmm0 rounded to integral values lane-wise, ties away from zero
    /// (finite lanes; see the module docs), raising Inexact for the lanes
    /// that are not integral when `inexact` asks, else nothing.
    pub(super) fn round_away_lanes(&mut self, double: bool, inexact: bool) {
        let imm = if inexact { 3 } else { 3 | 8 };
        if double {
            dynasm!(self.a ; .arch x64
                ; movapd xmm1, xmm0
                ; roundpd xmm0, xmm0, imm
                ; movapd xmm2, xmm0
                ; subpd xmm2, xmm1
                ; addpd xmm2, xmm2
                ; roundpd xmm2, xmm2, 3 | 8
                ; subpd xmm0, xmm2);
        } else {
            dynasm!(self.a ; .arch x64
                ; movaps xmm1, xmm0
                ; roundps xmm0, xmm0, imm
                ; movaps xmm2, xmm0
                ; subps xmm2, xmm1
                ; addps xmm2, xmm2
                ; roundps xmm2, xmm2, 3 | 8
                ; subps xmm0, xmm2);
        }
    }

    /// FRINT32*/FRINT64* ([`VFpOp::RoundIntN`](crate::ir::VFpOp::RoundIntN)(crate::ir::VFpOp::RoundIntN)) of xmm0 into xmm0, `imm`
    /// the `roundps` mode (3 toward zero, 4 MXCSR's, to nearest).
    pub(super) fn round_int_n_lanes(
        &mut self,
        (double, int64): (bool, bool),
        imm: i8,
        slow_path: DynamicLabel,
    ) {
        consts(self);
        let (lim, neg) = match (double, int64) {
            (false, false) => (offset_of!(Consts, lim32_s), offset_of!(Consts, neg32_s)),
            (false, true) => (offset_of!(Consts, lim64_s), offset_of!(Consts, neg64_s)),
            (true, false) => (offset_of!(Consts, lim32_d), offset_of!(Consts, neg32_d)),
            (true, true) => (offset_of!(Consts, lim64_d), offset_of!(Consts, neg64_d)),
        };
        let (lim, neg) = (lim as i32, neg as i32);
        // r < 2^(n-1) and -2^(n-1) <= r on every lane (the zero lanes
        // beyond the operand pass).
        if double {
            dynasm!(self.a ; .arch x64
                ; movapd xmm1, xmm0
                ; roundpd xmm1, xmm1, imm | 8
                ; movapd xmm2, xmm1
                ; cmpltpd xmm2, [rax + lim]
                ; movapd xmm3, [rax + neg]
                ; cmplepd xmm3, xmm1
                ; andpd xmm2, xmm3
                ; movmskpd eax, xmm2
                ; cmp eax, 3
                ; jne =>slow_path
                ; roundpd xmm0, xmm0, imm);
        } else {
            dynasm!(self.a ; .arch x64
                ; movaps xmm1, xmm0
                ; roundps xmm1, xmm1, imm | 8
                ; movaps xmm2, xmm1
                ; cmpltps xmm2, [rax + lim]
                ; movaps xmm3, [rax + neg]
                ; cmpleps xmm3, xmm1
                ; andps xmm2, xmm3
                ; movmskps eax, xmm2
                ; cmp eax, 15
                ; jne =>slow_path
                ; roundps xmm0, xmm0, imm);
        }
    }
}
