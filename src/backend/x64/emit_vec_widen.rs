//! The widening, narrowing and rounding-shift [`Op::Vec`](crate::ir::Op::Vec)s
//! inline with SSE2 (SSE4.2 `pcmpgtq` for saturating from 64-bit lanes,
//! else the exact helper). Integer arithmetic, exact by construction:
//!
//! * [`VecOp::Long`]: the narrow lanes sign- or zero-extended (`punpck`),
//!   then added or subtracted on the wide lanes. The absolute difference
//!   is `n - m` or `m - n` on the narrow lanes, chosen by a (signed, or
//!   sign-flipped unsigned) `pcmpgt`, then zero-extended: it always fits
//!   the narrow lane as an unsigned value.
//! * [`VecOp::AddNarrow`]: the wide sum (plus the rounding constant)
//!   modulo 2^(2 * esize), shifted right by `esize` and truncated.
//! * Rounding shifts: `(x + (1 << (sh - 1))) >> sh` is `(x >> sh)` plus
//!   bit `sh - 1` of `x`, for arithmetic and logical shifts alike, with no
//!   overflow (the shifted value has at least one spare bit).
//! * [`VecOp::SatNarrow`]: the (rounded) shift on the wide lanes, then
//!   each lane clamped to the signed or unsigned narrow range with
//!   `pcmpgt` masks (unsigned input compared with the sign bits flipped),
//!   then truncated; FPSR.QC is ORed in the CPU state when any clamp mask
//!   is set (all the wide lanes of `V[vn]` are written, so all count; the
//!   scalar forms count and keep lane 0 only).
//!
//! Scratch: `xmm0`–`xmm5`, `rax`.

use super::emit::Emitter;
use super::emit_vec::by_lane_size;
use super::emit_vec_imm::{rep, Sh};
use crate::cpu::CpuState;
use crate::ir::{HelperFn, LongOp, VecOp};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

const OFF_FPSR: i32 = offset_of!(CpuState, fpsr) as i32;
/// FPSR.QC.
const QC: i32 = 1 << 27;

/// Whether `op` (one of this module's) has an inline form on this host.
pub(super) fn inline_ok(op: VecOp) -> bool {
    match op {
        // Clamping 64-bit lanes needs pcmpgtq.
        VecOp::SatNarrow { esize: 32, .. } | VecOp::QShl { esize: 64, .. } => {
            super::emit_vec::has_sse42()
        }
        _ => true,
    }
}

impl Emitter {
    /// [`VecOp::Long`], [`VecOp::AddNarrow`], [`VecOp::SatNarrow`] and
    /// [`VecOp::RoundShift`] (see the module docs).
    pub(super) fn vec_widen(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        if !inline_ok(op) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n) = (Self::voff(vd), Self::voff(vn));
        match op {
            VecOp::Long {
                op,
                signed,
                esize,
                upper,
                vm,
            } => self.long(op, (signed, esize, upper), (d, n, Self::voff(vm))),
            VecOp::AddNarrow {
                sub,
                round,
                esize,
                upper,
                vm,
            } => {
                let wide = 2 * esize;
                self.load_v(0, n);
                self.load_v(2, Self::voff(vm));
                if sub {
                    self.sub_lanes(wide);
                } else {
                    self.add_lanes(wide);
                }
                if round {
                    self.splat2(rep(wide, 1 << (esize - 1)));
                    self.add_lanes(wide);
                }
                self.sse_shift(Sh::Logical, wide, esize);
                self.narrow(esize);
                self.store_narrow(d, upper);
            }
            VecOp::SatNarrow {
                signed_in,
                signed_out,
                esize,
                upper,
                sh,
                round,
                scalar,
            } => {
                let wide = 2 * esize;
                self.load_v(0, n);
                let kind = if signed_in { Sh::Arith } else { Sh::Logical };
                if round && sh > 0 {
                    self.round_shift(kind, wide, sh);
                } else if sh > 0 {
                    self.shift_any(kind, wide, sh);
                }
                // The pmovmskb bytes of the wide lanes written.
                let bytes = if scalar {
                    (1 << (wide / 8)) - 1
                } else {
                    0xffff
                };
                self.saturate(signed_in, signed_out, esize, bytes);
                self.narrow(esize);
                if scalar {
                    self.keep_lane0(esize);
                    self.store_v(d, true);
                } else {
                    self.store_narrow(d, upper);
                }
            }
            VecOp::RoundShift {
                signed,
                acc,
                esize,
                q,
                sh,
            } => {
                self.load_v(0, n);
                let kind = if signed { Sh::Arith } else { Sh::Logical };
                self.round_shift(kind, esize, sh);
                if acc {
                    dynasm!(self.a ; .arch x64 ; movdqa xmm2, [r15 + d]);
                    self.add_lanes(esize);
                }
                self.store_v(d, q);
            }
            VecOp::QShl {
                signed_in,
                signed_out,
                esize,
                q,
                sh,
                scalar,
            } => {
                self.load_v(0, n);
                let bytes = match (scalar, q) {
                    (true, _) => (1 << (esize / 8)) - 1,
                    (false, true) => 0xffff,
                    (false, false) => 0x00ff,
                };
                self.sat_shl((signed_in, signed_out), esize, sh, bytes);
                if scalar {
                    self.keep_lane0(esize);
                }
                self.store_v(d, q || scalar);
            }
            _ => unreachable!("not a widening or narrowing op: {op:?}"),
        }
    }

    /// xmm0 = xmm0 - xmm2 on `esize`-bit lanes.
    fn sub_lanes(&mut self, esize: u8) {
        by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm0, xmm2);
    }

    /// xmm0 = the rounding right shift by `sh` (1..=esize) of the
    /// `esize`-bit lanes of xmm0: the shift plus bit `sh - 1`.
    fn round_shift(&mut self, kind: Sh, esize: u8, sh: u8) {
        dynasm!(self.a ; .arch x64 ; movdqa xmm3, xmm0);
        self.shift_any(kind, esize, sh);
        dynasm!(self.a ; .arch x64 ; movdqa xmm4, xmm0 ; movdqa xmm0, xmm3);
        self.shift_any(Sh::Logical, esize, sh - 1);
        self.splat2(rep(esize, 1));
        dynasm!(self.a ; .arch x64 ; pand xmm0, xmm2 ; movdqa xmm2, xmm4);
        self.add_lanes(esize);
    }

    /// The `2 * esize`-bit lanes of xmm0 (signed or not) clamped to the
    /// signed or unsigned `esize`-bit range; FPSR.QC set when any in the
    /// `pmovmskb` bytes `qc_bytes` was out of it.
    fn saturate(&mut self, signed_in: bool, signed_out: bool, esize: u8, qc_bytes: i32) {
        let hi = if signed_out {
            (1u64 << (esize - 1)) - 1
        } else {
            (1u64 << esize) - 1
        };
        // The most negative value or 0.
        let lo = if signed_out { !0u64 << (esize - 1) } else { 0 };
        let lo = signed_in.then_some((lo, lo));
        self.clamp((signed_in, 2 * esize), (hi, hi), lo, 0, qc_bytes);
    }

    /// SQSHL/UQSHL/SQSHLU by immediate on the `esize`-bit lanes of xmm0:
    /// the lanes whose shift by `sh` leaves the signed or unsigned range
    /// are its bound; QC counts the lanes in the `pmovmskb` bytes
    /// `qc_bytes`.
    fn sat_shl(&mut self, (signed_in, signed_out): (bool, bool), esize: u8, sh: u8, qc_bytes: i32) {
        let smax = u64::MAX >> (65 - esize);
        let smin = (i64::MIN >> (64 - esize) >> sh) as u64;
        let umax = u64::MAX >> (64 - esize);
        let (hi, lo) = match (signed_in, signed_out) {
            (true, true) => ((smax >> sh, smax), Some((smin, !smax))),
            // SQSHLU: the signed compare needs a positive threshold.
            (true, false) => (((umax >> sh).min(smax), umax), Some((0, 0))),
            _ => ((umax >> sh, umax), None),
        };
        self.clamp((signed_in, esize), hi, lo, sh, qc_bytes);
    }

    /// The `lanes`-bit lanes of xmm0, compared as signed or unsigned
    /// values: those above `hi.0` become `hi.1` and those below `lo.0`
    /// `lo.1`, the others are shifted left by `shl`; FPSR.QC is set when
    /// any lane in the `pmovmskb` bytes `qc_bytes` was clamped.
    fn clamp(
        &mut self,
        (signed, lanes): (bool, u8),
        hi: (u64, u64),
        lo: Option<(u64, u64)>,
        shl: u8,
        qc_bytes: i32,
    ) {
        macro_rules! gt {
            ($x:ident, $y:ident) => {
                by_lane_size!(self.a, lanes, pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, $x, $y)
            };
        }
        // xmm5 = the lanes above hi.0, xmm4 those below lo.0.
        dynasm!(self.a ; .arch x64 ; movdqa xmm5, xmm0);
        if signed {
            self.splat2(rep(lanes, hi.0));
        } else {
            let sign = rep(lanes, 1 << (lanes - 1));
            self.splat2(sign);
            dynasm!(self.a ; .arch x64 ; pxor xmm5, xmm2);
            self.splat2(rep(lanes, hi.0) ^ sign);
        }
        gt!(xmm5, xmm2);
        if let Some((thr, _)) = lo {
            self.splat2(rep(lanes, thr));
            dynasm!(self.a ; .arch x64 ; movdqa xmm4, xmm2);
            gt!(xmm4, xmm0);
        }
        self.shift_any(Sh::Left, lanes, shl);
        dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm5);
        self.splat2(rep(lanes, hi.1));
        self.blend_bound();
        if let Some((_, v)) = lo {
            dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm4 ; por xmm5, xmm4);
            self.splat2(rep(lanes, v));
            self.blend_bound();
        }
        let done = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; pmovmskb eax, xmm5
            ; test eax, qc_bytes
            ; jz =>done
            ; or DWORD [r15 + OFF_FPSR], QC
            ; =>done);
    }

    /// xmm0 = its `esize`-bit lane 0, the rest zeroed.
    pub(super) fn keep_lane0(&mut self, esize: u8) {
        let keep = 16 - esize as i8 / 8;
        dynasm!(self.a ; .arch x64
            ; pslldq xmm0, keep
            ; psrldq xmm0, keep);
    }

    /// xmm0 = xmm2 where the mask xmm1 is set, else xmm0 (xmm2 clobbered).
    fn blend_bound(&mut self) {
        dynasm!(self.a ; .arch x64
            ; pxor xmm2, xmm0
            ; pand xmm2, xmm1
            ; pxor xmm0, xmm2);
    }

    /// Writes the low 64 bits of xmm0 to the low half of the V register
    /// at `d` (upper half zeroed) or, with `upper`, to its high half.
    pub(super) fn store_narrow(&mut self, d: i32, upper: bool) {
        if upper {
            self.load_v(1, d);
            dynasm!(self.a ; .arch x64
                ; punpcklqdq xmm1, xmm0
                ; movdqa xmm0, xmm1);
        }
        self.store_v(d, upper);
    }

    /// The long and wide forms (see [`VecOp::Long`]).
    fn long(
        &mut self,
        op: LongOp,
        (signed, esize, upper): (bool, u8, bool),
        (d, n, m): (i32, i32, i32),
    ) {
        let half = if upper { 8 } else { 0 };
        let wide = 2 * esize;
        match op {
            LongOp::Add | LongOp::Sub | LongOp::Addw | LongOp::Subw => {
                dynasm!(self.a ; .arch x64 ; movq xmm0, QWORD [r15 + m + half]);
                self.widen(signed, esize);
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                if matches!(op, LongOp::Addw | LongOp::Subw) {
                    self.load_v(0, n);
                } else {
                    // widen keeps xmm2.
                    dynasm!(self.a ; .arch x64 ; movq xmm0, QWORD [r15 + n + half]);
                    self.widen(signed, esize);
                }
                if matches!(op, LongOp::Add | LongOp::Addw) {
                    self.add_lanes(wide);
                } else {
                    self.sub_lanes(wide);
                }
            }
            LongOp::Abd | LongOp::Aba => {
                dynasm!(self.a ; .arch x64
                    ; movq xmm0, QWORD [r15 + n + half]
                    ; movq xmm1, QWORD [r15 + m + half]
                    ; movdqa xmm3, xmm0
                    ; movdqa xmm4, xmm1);
                if !signed {
                    self.splat2(rep(esize, 1 << (esize - 1)));
                    dynasm!(self.a ; .arch x64 ; pxor xmm3, xmm2 ; pxor xmm4, xmm2);
                }
                // xmm3 = n > m; xmm0 = n - m there, else m - n.
                by_lane_size!(self.a, esize, pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm3, xmm4);
                dynasm!(self.a ; .arch x64 ; movdqa xmm4, xmm0);
                by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm0, xmm1);
                by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm1, xmm4);
                dynasm!(self.a ; .arch x64
                    ; pand xmm0, xmm3
                    ; pandn xmm3, xmm1
                    ; por xmm0, xmm3);
                self.widen(false, esize);
                if op == LongOp::Aba {
                    dynasm!(self.a ; .arch x64 ; movdqa xmm2, [r15 + d]);
                    self.add_lanes(wide);
                }
            }
        }
        self.store_v(d, true);
    }
}
