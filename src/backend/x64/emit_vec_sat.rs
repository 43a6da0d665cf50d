//! [`VecOp::Same`](crate::ir::VecOp::Same) and
//! [`VecOp::Tbl`](crate::ir::VecOp::Tbl) inline: the saturating, halving,
//! absolute-difference and shift-by-register integer three-same forms
//! and TBL/TBX, on the V registers in the CPU state. All integer
//! arithmetic, exact by construction:
//!
//! * SQADD/UQADD/SQSUB/UQSUB: 8- and 16-bit lanes with the saturating SSE2
//!   adds and subtracts; a lane saturated exactly when the result differs
//!   from the wrapping one. 32- and 64-bit lanes from the wrapping result:
//!   signed overflow is the sign of `(n ^ r) & (m ^ r)` (add) or
//!   `(n ^ m) & (n ^ r)` (subtract), the saturated value `MAX ^ (n >> 63)`;
//!   unsigned carry (borrow) is `n > r` (`m > n`) compared with the sign
//!   bits flipped (`pcmpgtq`, SSE4.2, for 64-bit lanes), the result all
//!   ones (zero) there. FPSR.QC is ORed in when any lane the instruction
//!   writes saturated.
//! * SRHADD/URHADD: `pavgb`/`pavgw` (signed with the sign bits flipped
//!   before and after: `(n + m + 1) >> 1` moves by exactly half the bias);
//!   32-bit lanes `(n | m) - ((n ^ m) >> 1)`. SHADD/UHADD: `(n & m) + ((n ^
//!   m) >> 1)`, 8-bit lanes the rounding average minus `(n ^ m) & 1`.
//!   SHSUB/UHSUB: `(n - m) >> 1 = (n + NOT m + 1) >> 1`, the rounding
//!   average of `n` and `NOT m` (unsigned: with the lane's top bit flipped,
//!   as `NOT m` there is `m` biased by `2^esize`).
//! * SABD/UABD, SABA/UABA: `max(n, m) - min(n, m)`, modulo 2^esize.
//! * SSHL/USHL, SRSHL/URSHL on 16-, 32- and 64-bit lanes (AVX2): the variable
//!   shifts left by the count byte and right by its negation, blended by
//!   its sign (see `shl_reg`); 16-bit lanes widened to 32 (see
//!   `shl_reg16`). SQSHL/UQSHL, SQRSHL/UQRSHL on 16-, 32- and 64-bit lanes
//!   (64-bit: SSE4.1 `pcmpeqq` too): the same, the left shifts saturated
//!   where shifting the wrapping result back by the count does not give
//!   the lane (see `sat_left`). All four on 8-bit lanes: 16-bit multiplies
//!   by powers of two (`emit_vec_shl8`).
//! * TBL/TBX: one `pshufb` per table register with the indices less
//!   `16 * j`, saturated up by 0x70 so that exactly those in 0..16 keep
//!   bit 7 clear; TBX first keeps the destination's bytes whose index is
//!   `16 * regs` or more.
//!
//! Scratch: `xmm0`–`xmm5`, `rax`.

use super::emit::Emitter;
use super::emit_vec::by_lane_size;
use crate::cpu::CpuState;
use crate::ir::{HelperFn, SameOp, VecOp};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

const OFF_FPSR: i32 = offset_of!(CpuState, fpsr) as i32;
/// FPSR.QC.
const QC: i32 = 1 << 27;

/// Whether `op` (a [`VecOp::Same`] or [`VecOp::Tbl`]) has an inline form
/// on this host.
pub(super) fn inline_ok(op: VecOp) -> bool {
    match op {
        VecOp::Same {
            op: SameOp::Abd | SameOp::Aba,
            signed,
            esize,
            ..
        } => super::emit_vec::minmax_ok(esize, signed),
        VecOp::Same {
            op: SameOp::Qadd | SameOp::Qsub,
            signed: false,
            esize: 64,
            ..
        } => super::emit_vec::has_sse42(),
        VecOp::Same {
            op: SameOp::Shl | SameOp::Rshl | SameOp::Qshl | SameOp::Qrshl,
            esize: 8,
            ..
        } => super::emit_vec_shl8::inline_ok(),
        // pcmpeqq is SSE4.1.
        VecOp::Same {
            op: SameOp::Qshl | SameOp::Qrshl,
            esize: 64,
            ..
        } => super::emit_dot::has_avx2() && super::emit_vec::has_sse41(),
        VecOp::Same {
            op: SameOp::Shl | SameOp::Rshl | SameOp::Qshl | SameOp::Qrshl,
            ..
        } => super::emit_dot::has_avx2(),
        VecOp::Tbl { .. } => super::emit_vec_struct::has_ssse3(),
        _ => true,
    }
}

/// The lane value `v` repeated over 64 bits.
fn rep(esize: u8, v: u64) -> u64 {
    let lane = u64::MAX >> (64 - esize as u32);
    (0..64 / esize as u32).fold(0, |p, i| p | (v & lane) << (i * esize as u32))
}

impl Emitter {
    /// [`VecOp::Same`] (see the module docs).
    pub(super) fn vec_same(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::Same {
            op: s,
            signed,
            esize,
            q,
            scalar,
            vm,
        } = op
        else {
            unreachable!("not a Same: {op:?}")
        };
        if !inline_ok(op) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        self.load_v(0, n);
        self.load_v(1, m);
        // The bits of eax that count for FPSR.QC.
        let mut lanes = 0;
        match s {
            SameOp::Qadd | SameOp::Qsub => {
                let bytes_per_bit = self.sat_add_sub(s == SameOp::Qsub, signed, esize);
                // The bits of the mask for the lanes written.
                let all = 16 / bytes_per_bit;
                let count = match (scalar, q) {
                    (true, _) => esize as u32 / 8 / bytes_per_bit,
                    (false, true) => all,
                    (false, false) => all / 2,
                };
                lanes = ((1u32 << count) - 1) as i32;
            }
            SameOp::Shl | SameOp::Rshl | SameOp::Qshl | SameOp::Qrshl if esize == 8 => {
                self.shl_reg8(s, signed, (n, m), q && !scalar);
                lanes = match (scalar, q) {
                    _ if matches!(s, SameOp::Shl | SameOp::Rshl) => 0,
                    (true, _) => 1,
                    (false, true) => 0xFFFF,
                    (false, false) => 0xFF,
                };
            }
            SameOp::Shl | SameOp::Rshl | SameOp::Qshl | SameOp::Qrshl if esize == 16 => {
                let halves = if q && !scalar { 2 } else { 1 };
                self.shl_reg16(s, signed, (n, m), halves);
                lanes = match (scalar, q) {
                    _ if matches!(s, SameOp::Shl | SameOp::Rshl) => 0,
                    (true, _) => 1,
                    (false, true) => 0xFF,
                    (false, false) => 0xF,
                };
            }
            SameOp::Shl => self.shl_reg(signed, false, esize),
            SameOp::Rshl => self.shl_reg(signed, true, esize),
            SameOp::Qshl | SameOp::Qrshl => {
                self.shl_reg(signed, s == SameOp::Qrshl, esize);
                self.sat_left(signed, esize == 64, (n, m));
                lanes = match (scalar, q, esize) {
                    (true, _, _) => 1,
                    (false, true, 64) => 0x3,
                    (false, true, _) => 0xF,
                    (false, false, _) => 0x3,
                };
            }
            SameOp::Rhadd => self.rhadd(signed, esize),
            SameOp::Hadd => self.hadd(signed, esize),
            SameOp::Hsub => {
                dynasm!(self.a ; .arch x64 ; pcmpeqd xmm2, xmm2 ; pxor xmm1, xmm2);
                self.rhadd(signed, esize);
                if !signed {
                    self.splat(2, rep(esize, 1 << (esize - 1)));
                    dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2);
                }
            }
            SameOp::Abd | SameOp::Aba => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                self.max_min(true, signed, esize, 0, 1);
                self.max_min(false, signed, esize, 2, 1);
                by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm0, xmm2);
                if s == SameOp::Aba {
                    self.load_v(2, d);
                    by_lane_size!(self.a, esize, paddb, paddw, paddd, paddq, xmm0, xmm2);
                }
            }
        }
        self.qc_store(lanes, (esize, q, scalar), d);
    }

    /// ORs FPSR.QC into the CPU state when `eax & lanes` is not zero
    /// (`lanes` 0: never), then stores xmm0 to the V register at `d`: with
    /// `scalar` its `esize`-bit lane 0 alone, else 64 bits (upper half
    /// zeroed) or, with `q`, 128.
    pub(super) fn qc_store(&mut self, lanes: i32, (esize, q, scalar): (u8, bool, bool), d: i32) {
        self.qc_or(lanes);
        if scalar {
            self.keep_lane0(esize);
        }
        self.store_v(d, q || scalar);
    }

    /// ORs FPSR.QC into the CPU state when `eax & lanes` is not zero
    /// (`lanes` 0: never).
    pub(super) fn qc_or(&mut self, lanes: i32) {
        if lanes != 0 {
            let done = self.a.new_dynamic_label();
            dynasm!(self.a ; .arch x64
                ; test eax, lanes
                ; jz =>done
                ; or DWORD [r15 + OFF_FPSR], QC
                ; =>done);
        }
    }

    /// xmm`x` = the 64-bit pattern `p` in both halves.
    pub(super) fn splat(&mut self, x: u8, p: u64) {
        dynasm!(self.a ; .arch x64
            ; mov rax, QWORD p as i64
            ; movq Rx(x), rax
            ; punpcklqdq Rx(x), Rx(x));
    }

    /// xmm0 = xmm0 ± xmm1 saturated; eax = a `movmsk` of the lanes that
    /// saturated, one bit per returned number of bytes.
    pub(super) fn sat_add_sub(&mut self, sub: bool, signed: bool, esize: u8) -> u32 {
        if esize <= 16 {
            dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
            match (sub, signed, esize) {
                (false, true, 8) => {
                    dynasm!(self.a ; .arch x64 ; paddsb xmm0, xmm1 ; paddb xmm2, xmm1)
                }
                (false, true, _) => {
                    dynasm!(self.a ; .arch x64 ; paddsw xmm0, xmm1 ; paddw xmm2, xmm1)
                }
                (false, false, 8) => {
                    dynasm!(self.a ; .arch x64 ; paddusb xmm0, xmm1 ; paddb xmm2, xmm1)
                }
                (false, false, _) => {
                    dynasm!(self.a ; .arch x64 ; paddusw xmm0, xmm1 ; paddw xmm2, xmm1)
                }
                (true, true, 8) => {
                    dynasm!(self.a ; .arch x64 ; psubsb xmm0, xmm1 ; psubb xmm2, xmm1)
                }
                (true, true, _) => {
                    dynasm!(self.a ; .arch x64 ; psubsw xmm0, xmm1 ; psubw xmm2, xmm1)
                }
                (true, false, 8) => {
                    dynasm!(self.a ; .arch x64 ; psubusb xmm0, xmm1 ; psubb xmm2, xmm1)
                }
                (true, false, _) => {
                    dynasm!(self.a ; .arch x64 ; psubusw xmm0, xmm1 ; psubw xmm2, xmm1)
                }
            }
            // Equal bytes: lanes that did not saturate.
            dynasm!(self.a ; .arch x64
                ; pcmpeqb xmm2, xmm0
                ; pmovmskb eax, xmm2
                ; xor eax, 0xFFFF);
            return 1;
        }
        let wide = esize == 64;
        if signed {
            dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; movdqa xmm3, xmm0);
            if sub {
                by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm2, xmm1);
                // (n ^ m) & (n ^ r)
                dynasm!(self.a ; .arch x64
                    ; pxor xmm3, xmm1
                    ; movdqa xmm4, xmm0
                    ; pxor xmm4, xmm2
                    ; pand xmm3, xmm4);
            } else {
                by_lane_size!(self.a, esize, paddb, paddw, paddd, paddq, xmm2, xmm1);
                // (n ^ r) & (m ^ r)
                dynasm!(self.a ; .arch x64
                    ; pxor xmm3, xmm2
                    ; movdqa xmm4, xmm1
                    ; pxor xmm4, xmm2
                    ; pand xmm3, xmm4);
            }
            // xmm3 = the overflow masks, xmm4 = MAX ^ (n's sign mask).
            dynasm!(self.a ; .arch x64
                ; movdqa xmm4, xmm0
                ; psrad xmm3, 31
                ; psrad xmm4, 31
                ; pcmpeqd xmm5, xmm5);
            self.movmsk(wide, 3);
            if wide {
                dynasm!(self.a ; .arch x64
                    ; pshufd xmm3, xmm3, 0xF5u8 as i8
                    ; pshufd xmm4, xmm4, 0xF5u8 as i8
                    ; psrlq xmm5, 1);
            } else {
                dynasm!(self.a ; .arch x64 ; psrld xmm5, 1);
            }
            dynasm!(self.a ; .arch x64
                ; pxor xmm4, xmm5
                ; pand xmm4, xmm3
                ; pandn xmm3, xmm2
                ; por xmm3, xmm4
                ; movdqa xmm0, xmm3);
        } else {
            // Signed compares of the values with their top bits flipped.
            self.splat(3, rep(esize, 1 << (esize - 1)));
            dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; movdqa xmm4, xmm1 ; pxor xmm2, xmm3);
            if sub {
                // Borrow: m > n; the result 0 there.
                by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm0, xmm1);
                dynasm!(self.a ; .arch x64 ; pxor xmm4, xmm3);
                by_lane_size!(self.a, esize, pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm4, xmm2);
                self.movmsk(wide, 4);
                dynasm!(self.a ; .arch x64 ; pandn xmm4, xmm0 ; movdqa xmm0, xmm4);
            } else {
                // Carry: n > r; the result all ones there.
                by_lane_size!(self.a, esize, paddb, paddw, paddd, paddq, xmm0, xmm1);
                dynasm!(self.a ; .arch x64 ; movdqa xmm4, xmm0 ; pxor xmm4, xmm3);
                by_lane_size!(self.a, esize, pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm2, xmm4);
                self.movmsk(wide, 2);
                dynasm!(self.a ; .arch x64 ; por xmm0, xmm2);
            }
        }
        if wide {
            8
        } else {
            4
        }
    }

    /// eax = the sign bits of the 64-bit (`wide`) or 32-bit lanes of xmm`x`.
    fn movmsk(&mut self, wide: bool, x: u8) {
        if wide {
            dynasm!(self.a ; .arch x64 ; movmskpd eax, Rx(x));
        } else {
            dynasm!(self.a ; .arch x64 ; movmskps eax, Rx(x));
        }
    }

    /// xmm0 = each lane of xmm0 shifted by the signed low byte `s` of the
    /// lane of xmm1 (32- or 64-bit lanes, AVX2): the left shift by `s` or,
    /// where `s < 0`, the right shift by `k = -s`, with `round` plus bit
    /// `k - 1` (the right shift by `NOT s`) of the lane. The variable
    /// shifts give 0 for counts of the lane size or more (negative ones
    /// too, as unsigned), `vpsravd` the sign; 64-bit lanes shift right
    /// arithmetically as `((x ^ t) >> k) ^ t`, `t` the sign mask of `x`.
    fn shl_reg(&mut self, signed: bool, round: bool, esize: u8) {
        let wide = esize == 64;
        if wide {
            self.count_byte64();
            dynasm!(self.a ; .arch x64 ; vpsllvq xmm3, xmm0, xmm1);
            if signed {
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm4, xmm0
                    ; psrad xmm4, 31
                    ; pshufd xmm4, xmm4, 0xF5u8 as i8
                    ; pxor xmm0, xmm4);
            }
        } else {
            dynasm!(self.a ; .arch x64
                ; pslld xmm1, 24
                ; psrad xmm1, 24
                ; vpsllvd xmm3, xmm0, xmm1);
        }
        if round {
            dynasm!(self.a ; .arch x64 ; pcmpeqd xmm5, xmm5 ; pxor xmm5, xmm1);
            self.shr_var(signed, wide, 5);
        }
        dynasm!(self.a ; .arch x64 ; pxor xmm2, xmm2);
        by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm2, xmm1);
        self.shr_var(signed, wide, 2);
        dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm2 ; pcmpeqd xmm2, xmm2);
        if round {
            if wide {
                dynasm!(self.a ; .arch x64 ; psrlq xmm2, 63 ; pand xmm5, xmm2 ; paddq xmm0, xmm5);
            } else {
                dynasm!(self.a ; .arch x64 ; psrld xmm2, 31 ; pand xmm5, xmm2 ; paddd xmm0, xmm5);
            }
        }
        dynasm!(self.a ; .arch x64 ; psrad xmm1, 31);
        if wide {
            dynasm!(self.a ; .arch x64 ; pshufd xmm1, xmm1, 0xF5u8 as i8);
        }
        // The right shift where s < 0, else the left one.
        dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1 ; pandn xmm1, xmm3 ; por xmm0, xmm1);
    }

    /// xmm1 = the low byte of each 64-bit lane of xmm1, sign-extended as
    /// `(b ^ 0x80) - 0x80`. Clobbers xmm4.
    fn count_byte64(&mut self) {
        self.splat(4, 0x80);
        dynasm!(self.a ; .arch x64
            ; psllq xmm1, 56
            ; psrlq xmm1, 56
            ; pxor xmm1, xmm4
            ; psubq xmm1, xmm4);
    }

    /// After [`Self::shl_reg`] on 32-bit (or, `wide`, 64-bit) lanes (xmm3
    /// the wrapping left shifts): saturates xmm0 where the count byte `s`
    /// of the lane of the V register at `m` is not negative and the left
    /// shift lost bits, the wrapping result shifted back by `s` differing
    /// from the lane of the V register at `n` (counts of the lane size or
    /// more shift to 0, so any non-zero lane saturates; 64-bit lanes shift
    /// back arithmetically as `((r ^ t) >> s) ^ t`, `t` the sign mask of
    /// `r`); the saturated value `MAX ^ (n >> (esize - 1))` (signed) or all
    /// ones. eax = the `movmskps` (`movmskpd`) of the saturated lanes.
    fn sat_left(&mut self, signed: bool, wide: bool, (n, m): (i32, i32)) {
        self.load_v(1, m);
        self.load_v(2, n);
        match (wide, signed) {
            (true, true) => {
                self.count_byte64();
                dynasm!(self.a ; .arch x64 ; movdqa xmm5, xmm3 ; movdqa xmm4, xmm3);
                self.sign_mask(5, true);
                dynasm!(self.a ; .arch x64
                    ; pxor xmm4, xmm5
                    ; vpsrlvq xmm4, xmm4, xmm1
                    ; pxor xmm4, xmm5);
            }
            (true, false) => {
                self.count_byte64();
                dynasm!(self.a ; .arch x64 ; vpsrlvq xmm4, xmm3, xmm1);
            }
            (false, true) => dynasm!(self.a ; .arch x64
                ; pslld xmm1, 24
                ; psrad xmm1, 24
                ; vpsravd xmm4, xmm3, xmm1),
            (false, false) => dynasm!(self.a ; .arch x64
                ; pslld xmm1, 24
                ; psrad xmm1, 24
                ; vpsrlvd xmm4, xmm3, xmm1),
        }
        // xmm4 = the lanes kept: shifted back exactly, or shifted right.
        if wide {
            dynasm!(self.a ; .arch x64 ; pcmpeqq xmm4, xmm2);
        } else {
            dynasm!(self.a ; .arch x64 ; pcmpeqd xmm4, xmm2);
        }
        self.sign_mask(1, wide);
        dynasm!(self.a ; .arch x64 ; por xmm4, xmm1);
        self.movmsk(wide, 4);
        let all = if wide { 0x3 } else { 0xF };
        dynasm!(self.a ; .arch x64 ; xor eax, all ; pcmpeqd xmm5, xmm5);
        if signed {
            if wide {
                dynasm!(self.a ; .arch x64 ; psrlq xmm5, 1);
            } else {
                dynasm!(self.a ; .arch x64 ; psrld xmm5, 1);
            }
            self.sign_mask(2, wide);
            dynasm!(self.a ; .arch x64 ; pxor xmm5, xmm2);
        }
        dynasm!(self.a ; .arch x64 ; pand xmm0, xmm4 ; pandn xmm4, xmm5 ; por xmm0, xmm4);
    }

    /// xmm`x` = the sign masks of its 32-bit (or, `wide`, 64-bit) lanes.
    fn sign_mask(&mut self, x: u8, wide: bool) {
        dynasm!(self.a ; .arch x64 ; psrad Rx(x), 31);
        if wide {
            dynasm!(self.a ; .arch x64 ; pshufd Rx(x), Rx(x), 0xF5u8 as i8);
        }
    }

    /// xmm0 = the shifts by register `s` of the 16-bit lanes of the V
    /// registers at `n` and `m`, the low four lanes or (`halves` 2) all
    /// eight: each four widened to 32-bit lanes, the count byte
    /// sign-extended and held to 16 at most (a non-zero lane shifted left
    /// by 16 leaves the 16-bit range as by more, and zero stays zero), then
    /// [`Self::shl_reg`], exact in 32 bits; narrowed by truncation or, the
    /// saturating forms, by clamping to the lane's range (eax = the lanes
    /// that changed, one bit each), then packing.
    fn shl_reg16(&mut self, s: SameOp, signed: bool, (n, m): (i32, i32), halves: u8) {
        let round = matches!(s, SameOp::Rshl | SameOp::Qrshl);
        let sat = matches!(s, SameOp::Qshl | SameOp::Qrshl);
        dynasm!(self.a ; .arch x64 ; sub rsp, 32 ; mov DWORD [rsp + 20], 0xF);
        for h in 0..halves {
            self.load_v(0, n);
            self.load_v(1, m);
            if h == 1 {
                dynasm!(self.a ; .arch x64 ; psrldq xmm0, 8 ; psrldq xmm1, 8);
            }
            self.splat(2, rep(16, 16));
            dynasm!(self.a ; .arch x64
                ; psllw xmm1, 8
                ; psraw xmm1, 8
                ; pminsw xmm1, xmm2
                ; pmovsxwd xmm1, xmm1);
            // The lanes sign- or zero-extended.
            match signed {
                true => dynasm!(self.a ; .arch x64 ; pmovsxwd xmm0, xmm0),
                false => dynasm!(self.a ; .arch x64 ; pmovzxwd xmm0, xmm0),
            }
            self.shl_reg(signed, round, 32);
            if sat {
                dynasm!(self.a ; .arch x64 ; movdqa xmm3, xmm0);
                if signed {
                    self.splat(2, rep(32, 0x7FFF));
                    dynasm!(self.a ; .arch x64 ; pminsd xmm3, xmm2);
                    self.splat(2, rep(32, 0xFFFF_8000));
                    dynasm!(self.a ; .arch x64 ; pmaxsd xmm3, xmm2);
                } else {
                    self.splat(2, rep(32, 0xFFFF));
                    dynasm!(self.a ; .arch x64 ; pminud xmm3, xmm2);
                }
                let at = 16 + 4 * h as i32;
                dynasm!(self.a ; .arch x64
                    ; pcmpeqd xmm0, xmm3
                    ; movmskps eax, xmm0
                    ; mov DWORD [rsp + at], eax
                    ; movdqa xmm0, xmm3);
            } else {
                dynasm!(self.a ; .arch x64 ; pslld xmm0, 16 ; psrad xmm0, 16);
            }
            if h == 0 {
                dynasm!(self.a ; .arch x64 ; movdqu [rsp], xmm0);
            }
        }
        dynasm!(self.a ; .arch x64
            ; movdqu xmm1, [rsp]
            ; mov eax, DWORD [rsp + 20]
            ; shl eax, 4
            ; or eax, DWORD [rsp + 16]
            ; xor eax, 0xFF
            ; add rsp, 32);
        if sat && !signed {
            dynasm!(self.a ; .arch x64 ; packusdw xmm1, xmm0 ; movdqa xmm0, xmm1);
        } else {
            dynasm!(self.a ; .arch x64 ; packssdw xmm1, xmm0 ; movdqa xmm0, xmm1);
        }
    }

    /// xmm`x` = xmm0 shifted right by the counts in xmm`x` (32- or, `wide`,
    /// 64-bit lanes), arithmetically when `signed` (64-bit lanes: xmm4
    /// holds the sign masks `t` of the value and xmm0 the value XOR `t`).
    fn shr_var(&mut self, signed: bool, wide: bool, x: u8) {
        match (signed, wide) {
            (true, true) => dynasm!(self.a ; .arch x64
                ; vpsrlvq Rx(x), xmm0, Rx(x)
                ; pxor Rx(x), xmm4),
            (false, true) => dynasm!(self.a ; .arch x64 ; vpsrlvq Rx(x), xmm0, Rx(x)),
            (true, false) => dynasm!(self.a ; .arch x64 ; vpsravd Rx(x), xmm0, Rx(x)),
            (false, false) => dynasm!(self.a ; .arch x64 ; vpsrlvd Rx(x), xmm0, Rx(x)),
        }
    }

    /// xmm0 = `(xmm0 + xmm1 + 1) >> 1` on `esize`-bit lanes (8, 16, 32).
    /// Clobbers xmm1–xmm3.
    fn rhadd(&mut self, signed: bool, esize: u8) {
        if esize == 32 {
            dynasm!(self.a ; .arch x64
                ; movdqa xmm2, xmm0
                ; pxor xmm2, xmm1
                ; por xmm0, xmm1);
            if signed {
                dynasm!(self.a ; .arch x64 ; psrad xmm2, 1);
            } else {
                dynasm!(self.a ; .arch x64 ; psrld xmm2, 1);
            }
            dynasm!(self.a ; .arch x64 ; psubd xmm0, xmm2);
            return;
        }
        if signed {
            self.splat(3, rep(esize, 1 << (esize - 1)));
            dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm3 ; pxor xmm1, xmm3);
        }
        if esize == 8 {
            dynasm!(self.a ; .arch x64 ; pavgb xmm0, xmm1);
        } else {
            dynasm!(self.a ; .arch x64 ; pavgw xmm0, xmm1);
        }
        if signed {
            dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm3);
        }
    }

    /// xmm0 = `(xmm0 + xmm1) >> 1` on `esize`-bit lanes (8, 16, 32).
    fn hadd(&mut self, signed: bool, esize: u8) {
        if esize == 8 {
            // The rounding average less the dropped half.
            dynasm!(self.a ; .arch x64 ; movdqa xmm4, xmm0 ; pxor xmm4, xmm1);
            self.rhadd(signed, esize);
            self.splat(2, rep(8, 1));
            dynasm!(self.a ; .arch x64 ; pand xmm4, xmm2 ; psubb xmm0, xmm4);
            return;
        }
        dynasm!(self.a ; .arch x64
            ; movdqa xmm2, xmm0
            ; pxor xmm2, xmm1
            ; pand xmm0, xmm1);
        match (signed, esize) {
            (true, 16) => dynasm!(self.a ; .arch x64 ; psraw xmm2, 1 ; paddw xmm0, xmm2),
            (false, 16) => dynasm!(self.a ; .arch x64 ; psrlw xmm2, 1 ; paddw xmm0, xmm2),
            (true, _) => dynasm!(self.a ; .arch x64 ; psrad xmm2, 1 ; paddd xmm0, xmm2),
            (false, _) => dynasm!(self.a ; .arch x64 ; psrld xmm2, 1 ; paddd xmm0, xmm2),
        }
    }

    /// [`VecOp::Tbl`] (see the module docs).
    pub(super) fn vec_tbl(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::Tbl { regs, tbx, q, vm } = op else {
            unreachable!("not a Tbl: {op:?}")
        };
        if !inline_ok(op) {
            self.vec_slow(slow, arg);
            return;
        }
        let d = Self::voff(vd);
        self.load_v(1, Self::voff(vm));
        if tbx {
            // Indices of 16 * regs or more get bit 7: keep those bytes of d.
            self.splat(3, rep(8, 0x80 - 16 * regs as u64));
            dynasm!(self.a ; .arch x64
                ; paddusb xmm3, xmm1
                ; pxor xmm2, xmm2
                ; pcmpgtb xmm2, xmm3);
            self.load_v(0, d);
            dynasm!(self.a ; .arch x64 ; pand xmm0, xmm2);
        } else {
            dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm0);
        }
        self.splat(4, rep(8, 0x70));
        if regs > 1 {
            self.splat(5, rep(8, 0x10));
        }
        for j in 0..regs {
            if j > 0 {
                // Indices less 16 * j (those below wrap to 0xD0 or more).
                dynasm!(self.a ; .arch x64 ; psubb xmm1, xmm5);
            }
            self.load_v(2, Self::voff((vn + j) % 32));
            dynasm!(self.a ; .arch x64
                ; movdqa xmm3, xmm1
                ; paddusb xmm3, xmm4
                ; pshufb xmm2, xmm3
                ; por xmm0, xmm2);
        }
        self.store_v(d, q);
    }
}
