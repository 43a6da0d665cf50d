//! [`VecOp::HalfFp`](crate::ir::VecOp::HalfFp) inline with F16C and AVX2
//! (other hosts call the exact helper): the half-precision FRINTN/P/M/Z/
//! A/I/X, FCVTNS/PS/MS/ZS/AS and FCVTxU to 16-bit integers, and SCVTF/UCVTF
//! from 16-bit integers, vector (.4H, .8H) and scalar, and the
//! fixed-point FCVTZS/FCVTZU and SCVTF/UCVTF #fbits. Four lanes at a time
//! (`.8H` is two such steps) are converted to single precision
//! (`vcvtph2ps`, exact), computed with the single-lane code of
//! `emit_vec_fp`/`emit_vec_round` and brought back to 16 bits. FPCR must
//! select round to nearest with no flushing and no alternative half format
//! (RMode, FZ, FZ16, DN, AHP clear), else the helper runs; under that
//! environment each lane gives Arm's result and raises in MXCSR exactly the
//! flags Arm raises in FPSR, and the lanes where x86 differs go to the
//! helper after raising at most flags Arm raises for them too:
//!
//! * FRINT: NaN lanes (FRINTA: infinite ones too, whose ties-away steps
//!   would make NaNs) go to the helper before anything is computed;
//!   `roundps` as for single lanes (Inexact only for FRINTX), ties away
//!   built from truncations (see `emit_vec_round`). An integral value
//!   rounded from a half is a half (halves of magnitude 2^10 and above are
//!   integral already), so `vcvtps2ph` is exact and raises nothing.
//! * FCVTxS/FCVTxU: `roundps` in the instruction's mode (ties away: built
//!   exactly; infinite and NaN lanes to the helper first), then
//!   `cvttps2dq`, which raises Inexact exactly when rounding discarded
//!   bits; every half outside the 16-bit range is integral, so none was
//!   raised for a lane that saturates. The 32-bit integers are narrowed
//!   with saturation (`packssdw`/`packusdw`) and widened back: a lane that
//!   changed was out of range (or NaN or infinite, x86's integer
//!   indefinite, Invalid as on Arm) and the helper takes the instruction,
//!   saturating with Invalid alone. The unsigned forms send lanes with the
//!   sign bit set to the helper first (rounding a negative value raises
//!   Inexact where Arm saturates to zero with Invalid alone).
//! * SCVTF/UCVTF: each 16-bit integer widened (`pmovsxwd`/`pmovzxwd`) and
//!   converted exactly to single (`cvtdq2ps`), then rounded once to half
//!   (`vcvtps2ph`, ties to even), raising Inexact and, for the unsigned
//!   integers that round beyond the largest half, Overflow, as Arm does.
//!   No lane needs the helper.
//! * The fixed-point forms: the singles scaled by 2^fbits (2^-fbits for
//!   SCVTF/UCVTF) before the conversion, exactly (fbits <= 16; a scaled
//!   half of magnitude 2^15 or more is still integral, so a lane that
//!   saturates raised nothing before its Invalid; an integer times
//!   2^-fbits is a multiple of 2^-16, so a half-subnormal result is exact
//!   and underflow is never decided differently).
//!
//! Scratch: `xmm0`–`xmm4`, `rax`.

use super::emit::Emitter;
use super::emit_fp::FPCR_NOT_DEFAULT;
use super::emit_vec_round::TIES_AWAY;
use crate::ir::{HelperFn, VFpOp, VecOp};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// FPCR.FZ16, FPCR.DN and FPCR.AHP, which the inline forms need clear
/// besides [`FPCR_NOT_DEFAULT`].
const HALF_BITS: i32 = 1 << 19 | 1 << 25 | 1 << 26;

/// Whether [`VecOp::HalfFp`] runs inline on this host.
pub(super) fn inline_ok() -> bool {
    super::emit_half::has_f16c() && super::emit_vec::has_sse41()
}

impl Emitter {
    /// [`VecOp::HalfFp`] (see the module docs).
    pub(super) fn vec_half_fp(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::HalfFp { op, q, scalar } = op else {
            unreachable!("not a HalfFp: {op:?}")
        };
        if !inline_ok() {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n) = (Self::voff(vd), Self::voff(vn));
        let slow_path = self.a.new_dynamic_label();
        self.check_fpcr(slow_path, FPCR_NOT_DEFAULT | HALF_BITS);
        for step in 0..if q { 2 } else { 1 } {
            self.half_step_in(n, step, scalar);
            match op {
                VFpOp::Round { mode, exact } => self.half_round(mode, exact, slow_path),
                VFpOp::ToInt {
                    signed,
                    mode,
                    fbits,
                } => self.half_to_int((signed, mode, fbits), slow_path),
                VFpOp::FromInt { signed, fbits } => {
                    if signed {
                        dynasm!(self.a ; .arch x64 ; vpmovsxwd xmm0, xmm0);
                    } else {
                        dynasm!(self.a ; .arch x64 ; vpmovzxwd xmm0, xmm0);
                    }
                    dynasm!(self.a ; .arch x64 ; vcvtdq2ps xmm0, xmm0);
                    self.half_scale(-i32::from(fbits));
                    dynasm!(self.a ; .arch x64 ; vcvtps2ph xmm0, xmm0, 0);
                }
                _ => unreachable!("not a half conversion: {op:?}"),
            }
            if step == 0 {
                dynasm!(self.a ; .arch x64 ; vmovq xmm4, xmm0);
            } else {
                dynasm!(self.a ; .arch x64 ; vpunpcklqdq xmm4, xmm4, xmm0);
            }
        }
        if scalar {
            dynasm!(self.a ; .arch x64
                ; vpslldq xmm0, xmm4, 14
                ; vpsrldq xmm0, xmm0, 14);
        } else {
            dynasm!(self.a ; .arch x64 ; vmovdqa xmm0, xmm4);
        }
        self.store_v(d, true);
        self.vec_slow_path(slow_path, slow, arg);
    }

    /// xmm0 = the four 16-bit lanes `4 * step ..` of the V register at
    /// `off` in its low 64 bits (with `scalar`, lane 0 alone), the rest
    /// zero; for the FP forms [`Emitter::half_round`] and
    /// [`Emitter::half_to_int`] convert them.
    fn half_step_in(&mut self, off: i32, step: i32, scalar: bool) {
        match (self.vcached(off), scalar) {
            (Some(c), true) => dynasm!(self.a ; .arch x64
                ; vpslldq xmm0, Rx(c), 14
                ; vpsrldq xmm0, xmm0, 14),
            (None, true) => dynasm!(self.a ; .arch x64
                ; movzx eax, WORD [r15 + off]
                ; vmovd xmm0, eax),
            (Some(c), false) if step == 0 => dynasm!(self.a ; .arch x64 ; vmovq xmm0, Rx(c)),
            (Some(c), false) => dynasm!(self.a ; .arch x64 ; vpsrldq xmm0, Rx(c), 8),
            (None, false) => dynasm!(self.a ; .arch x64 ; vmovq xmm0, QWORD [r15 + off + 8 * step]),
        }
    }

    /// FRINT of the four halves in xmm0 into its low 64 bits (see the
    /// module docs).
    fn half_round(&mut self, mode: u8, exact: bool, slow_path: DynamicLabel) {
        dynasm!(self.a ; .arch x64 ; vcvtph2ps xmm0, xmm0);
        if mode == TIES_AWAY {
            self.no_nonfinite_lanes(false, slow_path);
            self.round_away_lanes(false, false);
        } else {
            self.half_no_nan_lanes(slow_path);
            // Bit 3 suppresses Inexact; 4 selects MXCSR's mode (to nearest).
            let imm = match (exact, mode) {
                (true, _) => 4,
                (false, 1) => 2 | 8,
                (false, 2) => 1 | 8,
                (false, 3) => 3 | 8,
                (false, _) => 8,
            };
            dynasm!(self.a ; .arch x64 ; vroundps xmm0, xmm0, imm);
        }
        dynasm!(self.a ; .arch x64 ; vcvtps2ph xmm0, xmm0, 0);
    }

    /// FCVTxS/FCVTxU of the four halves in xmm0 into 16-bit integers in
    /// its low 64 bits (see the module docs).
    fn half_to_int(&mut self, (signed, mode, fbits): (bool, u8, u8), slow_path: DynamicLabel) {
        dynasm!(self.a ; .arch x64 ; vcvtph2ps xmm0, xmm0);
        if !signed {
            self.no_sign_lanes(false, 0, slow_path);
        }
        self.half_scale(i32::from(fbits));
        match mode {
            TIES_AWAY => {
                self.no_nonfinite_lanes(false, slow_path);
                self.round_away_lanes(false, true);
            }
            1 => dynasm!(self.a ; .arch x64 ; vroundps xmm0, xmm0, 2),
            2 => dynasm!(self.a ; .arch x64 ; vroundps xmm0, xmm0, 1),
            3 => (),
            _ => dynasm!(self.a ; .arch x64 ; vroundps xmm0, xmm0, 0),
        }
        dynasm!(self.a ; .arch x64 ; vcvttps2dq xmm0, xmm0);
        if signed {
            dynasm!(self.a ; .arch x64
                ; vpackssdw xmm1, xmm0, xmm0
                ; vpmovsxwd xmm2, xmm1);
        } else {
            dynasm!(self.a ; .arch x64
                ; vpackusdw xmm1, xmm0, xmm0
                ; vpmovzxwd xmm2, xmm1);
        }
        dynasm!(self.a ; .arch x64
            ; vpcmpeqd xmm2, xmm2, xmm0
            ; movmskps eax, xmm2
            ; cmp eax, 15
            ; jne =>slow_path
            ; vmovq xmm0, xmm1);
    }

    /// The single lanes of xmm0 times 2^`e` (|e| <= 16: exact for the
    /// singles of halves and 16-bit integers); nothing for `e` 0.
    fn half_scale(&mut self, e: i32) {
        if e != 0 {
            dynasm!(self.a ; .arch x64
                ; mov eax, (127 + e) << 23
                ; vmovd xmm3, eax
                ; vpbroadcastd xmm3, xmm3
                ; vmulps xmm0, xmm0, xmm3);
        }
    }

    /// To `slow_path` when a lane of xmm0 is a NaN (a quiet compare).
    fn half_no_nan_lanes(&mut self, slow_path: DynamicLabel) {
        dynasm!(self.a ; .arch x64
            ; vcmpunordps xmm1, xmm0, xmm0
            ; movmskps eax, xmm1
            ; test eax, eax
            ; jnz =>slow_path);
    }
}
