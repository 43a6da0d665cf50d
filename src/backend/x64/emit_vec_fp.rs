//! [`VecOp::Fp`](crate::ir::VecOp::Fp) inline with SSE4.1 on single and
//! double lanes (hosts without SSE4.1 call the exact helper): FMAX, FMIN,
//! FMAXNM, FMINNM and their pairwise forms FMAXP, FMINP, FMAXNMP,
//! FMINNMP (the even and odd lanes of `m:n` sorted apart first), FABD, the compares FCMEQ/FCMGE/FCMGT/FACGE/FACGT (by
//! register and with zero), FRINTN/P/M/Z/I/X, FCVTNS/PS/MS/ZS and the
//! unsigned FCVTxU, SCVTF and UCVTF (FMULX, FRECPS and FRSQRTS: see
//! `emit_vec_fmulx`). FPCR must select round to nearest and
//! no flushing (FPCR.FZ, FPCR.RMode clear; FRINT also FPCR.DN), else the
//! helper runs; under that environment each inline form gives Arm's
//! result and raises in MXCSR exactly the flags Arm raises in FPSR (left
//! pending, see `crate::cpu::fpenv`), and the cases where x86 differs go
//! to the helper after raising at most flags Arm raises for them too:
//!
//! * FMAX/FMIN (and the NM forms, which differ only in their NaN rules):
//!   any NaN lane (an unordered `cmpps`, quiet: Invalid only for a
//!   signalling NaN, as Arm) goes to the helper. Between numbers neither
//!   side raises anything and the result is an operand; x86 returns the
//!   second operand for equal ones, so with the operands both ways round
//!   AND (OR) gives Arm's +0 maximum (-0 minimum) of the two zeros.
//! * Compares: NaN lanes to the helper likewise (FCMEQ raises Invalid for
//!   a signalling NaN, the ordered ones for any: the helper does); between
//!   numbers `cmpps` EQ/LE/LT raise nothing, as Arm.
//! * FABD: `subps` then the sign cleared (FPAbs(FPSub)): a subtraction of
//!   small numbers is exact, so the tininess rules never differ; NaN
//!   results (x86 and Arm propagate NaNs differently) go to the helper,
//!   x86 having raised Invalid exactly where Arm does (signalling NaN,
//!   inf - inf).
//! * FRINT: `roundps`/`roundpd` with the precision exception suppressed
//!   but for FRINTX. A NaN comes out quieted with its payload and sign on
//!   both sides (Invalid for a signalling one), so with FPCR.DN clear no
//!   lane needs the helper. FRINTA and FCVTAS/FCVTAU (ties away, no x86
//!   mode) and FRINT32Z/X, FRINT64Z/X: see `emit_vec_round`; their own
//!   rounding modes need only FPCR.FZ clear (FRINT32X/FRINT64X: the
//!   default FPCR).
//! * FCVTxS: `roundps` (not suppressing Inexact) in the instruction's mode,
//!   then `cvttps2dq` (for double lanes `cvttsd2si` on each), which raises
//!   Inexact exactly when the rounding discarded bits. Out of range and
//!   NaN give x86's "integer indefinite" (the lane's smallest integer) and
//!   Invalid; such lanes go to the helper (which saturates, and raises
//!   Invalid without Inexact, as x86 did). A value whose rounding could
//!   carry out of range is integral already (2^23, 2^52), so `roundps`
//!   raised nothing for it. FCVTxU: negative lanes (their rounding could
//!   raise Inexact where Arm saturates to zero with Invalid alone), lanes
//!   at or above 2^31 (2^63; x86 would raise Invalid for them) and NaNs go
//!   to the helper before anything is computed; the rest convert as the
//!   signed forms do.
//! * FSQRT: `sqrtps`/`sqrtpd`, correctly rounded as Arm's, raising
//!   Inexact as Arm and nothing else for a positive operand (a square
//!   root is never tiny, a denormal operand is exact input without FZ);
//!   lanes with the sign bit set and NaNs go to the helper first.
//! * SCVTF: `cvtdq2ps` (double lanes: `cvtsi2sd` on each) rounds to
//!   nearest and raises Inexact as Arm. UCVTF on single lanes: the high
//!   and low 16 bits converted exactly, the high part scaled by 2^16
//!   (exact) and the two added (one rounding); on double lanes, lanes with
//!   the top bit set go to the helper.
//! * The fixed-point FCVTZS/FCVTZU and SCVTF/UCVTF #fbits: see
//!   `emit_vec_fixed`.
//!
//! Scratch: `xmm0`–`xmm3`, `rax`.

use super::emit::Emitter;
use super::emit_fp::{FPCR_FZ, FPCR_NOT_DEFAULT};
use super::emit_vec_round::TIES_AWAY;
use crate::ir::{HelperFn, VFpOp, VecOp};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// FPCR.DN.
const DN: i32 = 1 << 25;

/// Lane constants.
#[repr(C, align(16))]
struct Consts {
    abs32: [u32; 4],
    abs64: [u64; 2],
    sign32: [u32; 4],
    sign64: [u64; 2],
    low16: [u32; 4],
    two16: [f32; 4],
    /// 2^31 minus the encoding of 2^31 as a single, and 2^63 minus that
    /// of 2^63 as a double.
    u32_limit: [u32; 4],
    u64_limit: [u64; 2],
}

static CONSTS: Consts = Consts {
    abs32: [0x7FFF_FFFF; 4],
    abs64: [0x7FFF_FFFF_FFFF_FFFF; 2],
    sign32: [0x8000_0000; 4],
    sign64: [0x8000_0000_0000_0000; 2],
    low16: [0xFFFF; 4],
    two16: [65536.0; 4],
    u32_limit: [0x8000_0000 - 0x4F00_0000; 4],
    u64_limit: [0x8000_0000_0000_0000 - 0x43E0_0000_0000_0000; 2],
};

/// Whether [`VecOp::Fp`] runs inline on this host.
pub(super) fn inline_ok() -> bool {
    super::emit_vec::has_sse41()
}

/// The `roundps` immediate of an IR rounding mode (FPCR.RMode's encoding,
/// 4 for FPCR's own, which the inline path requires to be to nearest).
fn round_imm(mode: u8) -> i8 {
    match mode {
        1 => 2, // towards +inf
        2 => 1, // towards -inf
        3 => 3, // towards zero
        _ => 0, // to nearest, ties to even
    }
}

impl Emitter {
    /// [`VecOp::Fp`] (see the module docs).
    pub(super) fn vec_fp(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::Fp {
            op,
            double,
            q,
            scalar,
            vm,
        } = op
        else {
            unreachable!("not an Fp: {op:?}")
        };
        if !inline_ok() || !super::emit_vec_fmulx::host_ok(op) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        // The bytes of the operands that count; the rest of each xmm is
        // zero, which no operation raises anything for.
        let bytes = match (scalar, double, q) {
            (true, false, _) => 4,
            (true, true, _) | (false, _, false) => 8,
            (false, _, true) => 16,
        };
        let slow_path = self.a.new_dynamic_label();
        let mask = match op {
            // Ties away and FRINT32Z/FRINT64Z: the instruction's own mode,
            // computed exactly (see `emit_vec_round`).
            VFpOp::Round {
                mode: TIES_AWAY, ..
            }
            | VFpOp::ToInt {
                mode: TIES_AWAY, ..
            }
            | VFpOp::RoundIntN { mode: 3, .. } => FPCR_FZ,
            VFpOp::Round { .. } => FPCR_NOT_DEFAULT | DN,
            _ => FPCR_NOT_DEFAULT,
        };
        self.check_fpcr(slow_path, mask);
        self.load_part(0, n, bytes);
        let (op, pairwise) = match op {
            VFpOp::MaxP => (VFpOp::Max, true),
            VFpOp::MinP => (VFpOp::Min, true),
            VFpOp::MaxNmP => (VFpOp::MaxNm, true),
            VFpOp::MinNmP => (VFpOp::MinNm, true),
            _ => (op, false),
        };
        match op {
            VFpOp::Max | VFpOp::Min | VFpOp::MaxNm | VFpOp::MinNm => {
                self.load_part(1, m, bytes);
                if pairwise {
                    self.evens_odds(double, bytes == 16);
                }
                self.no_nan_lanes(double, slow_path);
                let max = matches!(op, VFpOp::Max | VFpOp::MaxNm);
                match (double, max) {
                    (false, true) => dynasm!(self.a ; .arch x64
                        ; movaps xmm2, xmm1
                        ; maxps xmm2, xmm0
                        ; maxps xmm0, xmm1
                        ; andps xmm0, xmm2),
                    (false, false) => dynasm!(self.a ; .arch x64
                        ; movaps xmm2, xmm1
                        ; minps xmm2, xmm0
                        ; minps xmm0, xmm1
                        ; orps xmm0, xmm2),
                    (true, true) => dynasm!(self.a ; .arch x64
                        ; movapd xmm2, xmm1
                        ; maxpd xmm2, xmm0
                        ; maxpd xmm0, xmm1
                        ; andpd xmm0, xmm2),
                    (true, false) => dynasm!(self.a ; .arch x64
                        ; movapd xmm2, xmm1
                        ; minpd xmm2, xmm0
                        ; minpd xmm0, xmm1
                        ; orpd xmm0, xmm2),
                }
            }
            VFpOp::Abd => {
                self.load_part(1, m, bytes);
                let abs = self.consts_abs(double);
                if double {
                    dynasm!(self.a ; .arch x64 ; subpd xmm0, xmm1 ; andpd xmm0, [rax + abs]);
                } else {
                    dynasm!(self.a ; .arch x64 ; subps xmm0, xmm1 ; andps xmm0, [rax + abs]);
                }
                dynasm!(self.a ; .arch x64 ; movaps xmm1, xmm0);
                self.no_nan_lanes(double, slow_path);
            }
            VFpOp::Cmeq | VFpOp::Cmge | VFpOp::Cmgt | VFpOp::Acge | VFpOp::Acgt => {
                self.load_part(1, m, bytes);
                self.no_nan_lanes(double, slow_path);
                if matches!(op, VFpOp::Acge | VFpOp::Acgt) {
                    let abs = self.consts_abs(double);
                    dynasm!(self.a ; .arch x64
                        ; andps xmm0, [rax + abs]
                        ; andps xmm1, [rax + abs]);
                }
                // n == m, m <= n, m < n.
                let (x, y, pred) = match op {
                    VFpOp::Cmeq => (0, 1, 0),
                    VFpOp::Cmge | VFpOp::Acge => (1, 0, 2),
                    _ => (1, 0, 1),
                };
                self.cmp_lanes(double, (x, y), pred);
            }
            VFpOp::CmeqZ | VFpOp::CmgeZ | VFpOp::CmgtZ | VFpOp::CmleZ | VFpOp::CmltZ => {
                dynasm!(self.a ; .arch x64 ; xorps xmm1, xmm1);
                self.no_nan_lanes(double, slow_path);
                // n == 0, 0 <= n, 0 < n, n <= 0, n < 0.
                let (x, y, pred) = match op {
                    VFpOp::CmeqZ => (0, 1, 0),
                    VFpOp::CmgeZ => (1, 0, 2),
                    VFpOp::CmgtZ => (1, 0, 1),
                    VFpOp::CmleZ => (0, 1, 2),
                    _ => (0, 1, 1),
                };
                self.cmp_lanes(double, (x, y), pred);
            }
            VFpOp::Round {
                mode: TIES_AWAY, ..
            } => {
                self.no_nonfinite_lanes(double, slow_path);
                self.round_away_lanes(double, false);
            }
            VFpOp::RoundIntN { int64, mode } => {
                let imm = if mode == 3 { 3 } else { 4 };
                self.round_int_n_lanes((double, int64), imm, slow_path);
            }
            VFpOp::Round { mode, exact } => {
                // Bit 3 suppresses Inexact; 4 selects MXCSR's mode.
                let imm = if exact {
                    4
                } else if mode == 4 {
                    4 | 8
                } else {
                    round_imm(mode) | 8
                };
                if double {
                    dynasm!(self.a ; .arch x64 ; roundpd xmm0, xmm0, imm);
                } else {
                    dynasm!(self.a ; .arch x64 ; roundps xmm0, xmm0, imm);
                }
            }
            VFpOp::ToInt {
                signed,
                mode,
                fbits,
            } => self.vec_fp_to_int((double, bytes == 16), (signed, mode, fbits), slow_path),
            VFpOp::FromInt { signed, fbits } => {
                self.fp_from_int((double, bytes == 16), signed, slow_path);
                if fbits != 0 {
                    self.scale_lanes(double, -i32::from(fbits));
                }
            }
            VFpOp::Mulx | VFpOp::MulxElem { .. } | VFpOp::Recps | VFpOp::Rsqrts => {
                self.vec_fp_step(op, double, (m, bytes), slow_path)
            }
            VFpOp::Sqrt => {
                // Negative lanes (-0 too, rarely met) and NaNs: the helper.
                self.no_sign_lanes(double, 0, slow_path);
                dynasm!(self.a ; .arch x64 ; movaps xmm1, xmm0);
                self.no_nan_lanes(double, slow_path);
                if double {
                    dynasm!(self.a ; .arch x64 ; sqrtpd xmm0, xmm0);
                } else {
                    dynasm!(self.a ; .arch x64 ; sqrtps xmm0, xmm0);
                }
            }
            VFpOp::MaxP | VFpOp::MinP | VFpOp::MaxNmP | VFpOp::MinNmP => {
                unreachable!("unpaired above")
            }
        }
        if bytes == 4 {
            dynasm!(self.a ; .arch x64 ; pslldq xmm0, 12 ; psrldq xmm0, 12);
        }
        self.store_v(d, bytes == 16 || bytes == 4);
        self.vec_slow_path(slow_path, slow, arg);
    }

    /// xmm0 = the even lanes of the concatenation `xmm1:xmm0` of two
    /// vectors of 128 (`wide`) or 64 bits, xmm1 = the odd ones (lanes
    /// beyond them copies of those, or zero).
    fn evens_odds(&mut self, double: bool, wide: bool) {
        match (double, wide) {
            (true, _) => dynasm!(self.a ; .arch x64
                ; movapd xmm2, xmm0
                ; unpcklpd xmm0, xmm1
                ; unpckhpd xmm2, xmm1
                ; movapd xmm1, xmm2),
            (false, true) => dynasm!(self.a ; .arch x64
                ; movaps xmm2, xmm0
                ; shufps xmm0, xmm1, 0x88u8 as i8
                ; shufps xmm2, xmm1, 0xDDu8 as i8
                ; movaps xmm1, xmm2),
            (false, false) => dynasm!(self.a ; .arch x64
                ; unpcklpd xmm0, xmm1
                ; movaps xmm1, xmm0
                ; shufps xmm0, xmm0, 0x88u8 as i8
                ; shufps xmm1, xmm1, 0xDDu8 as i8),
        }
    }

    /// xmm`x` = the low `bytes` (4, 8 or 16) bytes of the V register at
    /// `off`, the rest zero.
    pub(super) fn load_part(&mut self, x: u8, off: i32, bytes: u8) {
        match (bytes, self.vcached(off)) {
            (16, _) => self.load_v(x, off),
            (8, Some(c)) => dynasm!(self.a ; .arch x64 ; movq Rx(x), Rx(c)),
            (8, None) => dynasm!(self.a ; .arch x64 ; movq Rx(x), QWORD [r15 + off]),
            (_, Some(c)) => dynasm!(self.a ; .arch x64
                ; movdqa Rx(x), Rx(c)
                ; pslldq Rx(x), 12
                ; psrldq Rx(x), 12),
            (_, None) => dynasm!(self.a ; .arch x64 ; movd Rx(x), DWORD [r15 + off]),
        }
    }

    /// rax = [`CONSTS`]; the offset there of the lanes' absolute-value mask.
    fn consts_abs(&mut self, double: bool) -> i32 {
        self.consts();
        if double {
            offset_of!(Consts, abs64) as i32
        } else {
            offset_of!(Consts, abs32) as i32
        }
    }

    /// rax = [`CONSTS`].
    fn consts(&mut self) {
        let consts = &CONSTS as *const Consts as i64;
        dynasm!(self.a ; .arch x64 ; mov rax, QWORD consts);
    }

    /// To `slow_path` when the sign bit of a lane of xmm`x` is set.
    pub(super) fn no_sign_lanes(&mut self, double: bool, x: u8, slow_path: DynamicLabel) {
        if double {
            dynasm!(self.a ; .arch x64 ; movmskpd eax, Rx(x));
        } else {
            dynasm!(self.a ; .arch x64 ; movmskps eax, Rx(x));
        }
        dynasm!(self.a ; .arch x64 ; test eax, eax ; jnz =>slow_path);
    }

    /// FCVTxS/FCVTxU of xmm0 (`wide`: two double lanes, else one; four
    /// single lanes, zeros beyond the operand's) into xmm0; with `fbits`,
    /// to fixed point (see `emit_vec_fixed`).
    fn vec_fp_to_int(
        &mut self,
        (double, wide): (bool, bool),
        (signed, mode, fbits): (bool, u8, u8),
        slow_path: DynamicLabel,
    ) {
        if fbits != 0 {
            // Below 2^31 (2^63) once scaled, and for the unsigned forms not
            // negative: see `emit_vec_fixed`.
            let bits = if double { 63 } else { 31 };
            self.lanes_below_pow2(double, bits - i32::from(fbits), !signed, slow_path);
            self.scale_lanes(double, i32::from(fbits));
        } else if !signed {
            // Negative lanes, and lanes at or above 2^31 (2^63) or NaN: the
            // encodings of non-negative numbers are ordered as integers, and
            // adding 2^31 - 2^31's encoding (for doubles, with 63) sets the
            // top bit of exactly those.
            self.no_sign_lanes(double, 0, slow_path);
            self.consts();
            if double {
                let k = offset_of!(Consts, u64_limit) as i32;
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; paddq xmm1, [rax + k]);
            } else {
                let k = offset_of!(Consts, u32_limit) as i32;
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; paddd xmm1, [rax + k]);
            }
            self.no_sign_lanes(double, 1, slow_path);
        }
        let imm = round_imm(mode);
        if mode == TIES_AWAY {
            self.round_away_lanes(double, true);
        } else if imm != 3 {
            if double {
                dynasm!(self.a ; .arch x64 ; roundpd xmm0, xmm0, imm);
            } else {
                dynasm!(self.a ; .arch x64 ; roundps xmm0, xmm0, imm);
            }
        }
        if double {
            dynasm!(self.a ; .arch x64
                ; cvttsd2si rax, xmm0
                ; movq xmm2, rax);
            if wide {
                dynasm!(self.a ; .arch x64
                    ; movhlps xmm1, xmm0
                    ; cvttsd2si rax, xmm1
                    ; movq xmm3, rax
                    ; punpcklqdq xmm2, xmm3);
            }
            dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm2);
        } else {
            dynasm!(self.a ; .arch x64 ; cvttps2dq xmm0, xmm0);
        }
        // Lanes out of range (or NaN): x86's integer indefinite, the
        // smallest signed integer (unsigned lanes are in range).
        if signed {
            self.consts();
            if double {
                let sign = offset_of!(Consts, sign64) as i32;
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm1, xmm0
                    ; pcmpeqq xmm1, [rax + sign]);
            } else {
                let sign = offset_of!(Consts, sign32) as i32;
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm1, xmm0
                    ; pcmpeqd xmm1, [rax + sign]);
            }
            self.no_sign_lanes(double, 1, slow_path);
        }
    }

    /// SCVTF/UCVTF of xmm0 (`wide` as for [`Emitter::fp_to_int`]) into
    /// xmm0.
    fn fp_from_int(&mut self, (double, wide): (bool, bool), signed: bool, slow_path: DynamicLabel) {
        match (double, signed) {
            (false, true) => dynasm!(self.a ; .arch x64 ; cvtdq2ps xmm0, xmm0),
            (false, false) => {
                self.consts();
                let low16 = offset_of!(Consts, low16) as i32;
                let two16 = offset_of!(Consts, two16) as i32;
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm1, xmm0
                    ; psrld xmm1, 16
                    ; pand xmm0, [rax + low16]
                    ; cvtdq2ps xmm1, xmm1
                    ; mulps xmm1, [rax + two16]
                    ; cvtdq2ps xmm0, xmm0
                    ; addps xmm0, xmm1);
            }
            (true, _) => {
                if !signed {
                    self.no_sign_lanes(true, 0, slow_path);
                }
                dynasm!(self.a ; .arch x64
                    ; movq rax, xmm0
                    ; xorps xmm2, xmm2
                    ; cvtsi2sd xmm2, rax);
                if wide {
                    dynasm!(self.a ; .arch x64
                        ; pextrq rax, xmm0, 1
                        ; xorps xmm3, xmm3
                        ; cvtsi2sd xmm3, rax
                        ; unpcklpd xmm2, xmm3);
                }
                dynasm!(self.a ; .arch x64 ; movapd xmm0, xmm2);
            }
        }
    }

    /// To `slow_path` when a lane of xmm0 or xmm1 is a NaN (a quiet
    /// compare: Invalid only for a signalling NaN). Clobbers xmm2, rax.
    fn no_nan_lanes(&mut self, double: bool, slow_path: DynamicLabel) {
        if double {
            dynasm!(self.a ; .arch x64
                ; movapd xmm2, xmm0
                ; cmpunordpd xmm2, xmm1
                ; movmskpd eax, xmm2);
        } else {
            dynasm!(self.a ; .arch x64
                ; movaps xmm2, xmm0
                ; cmpunordps xmm2, xmm1
                ; movmskps eax, xmm2);
        }
        dynasm!(self.a ; .arch x64 ; test eax, eax ; jnz =>slow_path);
    }

    /// xmm0 = the mask of xmm`x` `pred` xmm`y` (`cmpps` predicate: 0 EQ,
    /// 1 LT, 2 LE) on the lanes.
    fn cmp_lanes(&mut self, double: bool, (x, y): (u8, u8), pred: i8) {
        if double {
            dynasm!(self.a ; .arch x64 ; cmppd Rx(x), Rx(y), pred);
        } else {
            dynasm!(self.a ; .arch x64 ; cmpps Rx(x), Rx(y), pred);
        }
        if x != 0 {
            dynasm!(self.a ; .arch x64 ; movaps xmm0, Rx(x));
        }
    }
}
