//! [`VecOp::Qdmulh`](crate::ir::VecOp::Qdmulh) inline: SQDMULH, SQRDMULH,
//! SQRDMLAH and SQRDMLSH on 16-bit lanes with SSE2 and on 32-bit lanes
//! with SSE4.1 (else the exact helper). Integer arithmetic, exact by
//! construction: each lane's
//! `((d << esize) ± 2 * n * m + round) >> esize` is computed as
//! `s = (d << (esize - 1)) ± n * m + round / 2`, shifted right by
//! `esize - 1`, which is the same quotient and fits in `2 * esize` bits
//! (|d << 15| <= 2^30, |n * m| <= 2^30, and the sum's extremes are
//! -2^31 and 2^31 - 2^16 + 2^14; likewise for 32-bit lanes in 64 bits).
//! The result saturates exactly when bits `2 * esize - 1` and
//! `2 * esize - 2` of `s` differ; then it is the largest or smallest
//! value by the sign of `s`, and FPSR.QC is set when any lane the
//! instruction writes saturated (lanes beyond a 64-bit vector or a
//! scalar's lane 0 are computed but do not count).
//!
//! * 16-bit lanes: `pmullw`/`pmulhw` interleaved give the 32-bit
//!   products; `d << 15` is `d` in the high half of a dword shifted right
//!   arithmetically by one; `psrad` 15 and `packssdw` give the saturated
//!   lanes, and `packssdw` of `s ^ (s << 1)` their overflow signs for
//!   `pmovmskb`.
//! * 32-bit lanes: lanes sign-extended to 64 bits (`pmovsxdq`), `pmuldq`
//!   products, `psllq` 31 of `d`; bits 62..31 of `s` are the result
//!   (`psrlq` 31, `shufps` of the low dwords), the overflow mask and sign
//!   come from the high dwords.
//!
//! QC is an OR into the FPSR in the CPU state (its exception bits may be
//! pending in MXCSR, see `cpu::fpenv`; QC never is). Scratch: `xmm0`–`xmm4`,
//! `rax`.

use super::emit::Emitter;
use crate::ir::{HelperFn, LongAcc, VecOp};
use dynasmrt::{dynasm, DynasmApi};

/// Whether lanes of `esize` bits have an inline form on this host.
pub(super) fn inline_ok(esize: u8) -> bool {
    esize == 16 || super::emit_vec::has_sse41()
}

impl Emitter {
    /// [`VecOp::Qdmulh`] (see the module docs).
    pub(super) fn vec_qdmulh(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::Qdmulh {
            esize,
            q,
            scalar,
            round,
            acc,
            vm,
            elem,
        } = op
        else {
            unreachable!("not a Qdmulh: {op:?}")
        };
        if !inline_ok(esize) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        self.load_v(0, n);
        match (esize, elem) {
            (16, Some(i)) => self.splat_h(1, m, i),
            (_, Some(i)) => {
                let sel = (i & 3) * 0x55;
                self.pshufd_v(1, m, sel as i8);
            }
            (_, None) => self.load_v(1, m),
        }
        // Lanes that count: bits of the pmovmskb (16) or movmskps (32) mask.
        let lanes = if esize == 16 {
            self.qdmulh16(acc, round, d);
            match (scalar, q) {
                (true, _) => 0x0002,
                (false, true) => 0xAAAA,
                (false, false) => 0x00AA,
            }
        } else {
            self.qdmulh32(acc, round, d);
            match (scalar, q) {
                (true, _) => 0x1,
                (false, true) => 0xF,
                (false, false) => 0x3,
            }
        };
        self.qc_store(lanes, (esize, q, scalar), d);
    }

    /// 16-bit lanes of xmm0 (n) and xmm1 (m) into xmm0; eax = the
    /// `pmovmskb` of the overflow signs (bit 2i + 1 for lane i).
    fn qdmulh16(&mut self, acc: LongAcc, round: bool, d: i32) {
        dynasm!(self.a ; .arch x64
            ; movdqa xmm2, xmm0
            ; pmullw xmm0, xmm1
            ; pmulhw xmm2, xmm1
            ; movdqa xmm1, xmm0
            ; punpcklwd xmm0, xmm2 // products of lanes 0-3
            ; punpckhwd xmm1, xmm2 // and 4-7
        );
        if acc != LongAcc::Set {
            self.load_v(2, d);
            dynasm!(self.a ; .arch x64
                ; pxor xmm3, xmm3
                ; punpcklwd xmm3, xmm2
                ; psrad xmm3, 1
                ; pxor xmm4, xmm4
                ; punpckhwd xmm4, xmm2
                ; psrad xmm4, 1);
            if acc == LongAcc::Add {
                dynasm!(self.a ; .arch x64 ; paddd xmm0, xmm3 ; paddd xmm1, xmm4);
            } else {
                dynasm!(self.a ; .arch x64
                    ; psubd xmm3, xmm0
                    ; psubd xmm4, xmm1
                    ; movdqa xmm0, xmm3
                    ; movdqa xmm1, xmm4);
            }
        }
        if round {
            dynasm!(self.a ; .arch x64
                ; mov eax, 0x4000
                ; movd xmm2, eax
                ; pshufd xmm2, xmm2, 0
                ; paddd xmm0, xmm2
                ; paddd xmm1, xmm2);
        }
        dynasm!(self.a ; .arch x64
            ; movdqa xmm2, xmm0
            ; pslld xmm2, 1
            ; pxor xmm2, xmm0
            ; movdqa xmm3, xmm1
            ; pslld xmm3, 1
            ; pxor xmm3, xmm1
            ; packssdw xmm2, xmm3
            ; pmovmskb eax, xmm2
            ; psrad xmm0, 15
            ; psrad xmm1, 15
            ; packssdw xmm0, xmm1);
    }

    /// 32-bit lanes of xmm0 (n) and xmm1 (m) into xmm0; eax = the
    /// `movmskps` of the overflow masks (bit i for lane i).
    fn qdmulh32(&mut self, acc: LongAcc, round: bool, d: i32) {
        dynasm!(self.a ; .arch x64
            ; pmovsxdq xmm2, xmm0
            ; psrldq xmm0, 8
            ; pmovsxdq xmm0, xmm0
            ; pmovsxdq xmm3, xmm1
            ; psrldq xmm1, 8
            ; pmovsxdq xmm1, xmm1
            ; pmuldq xmm2, xmm3 // products of lanes 0, 1
            ; pmuldq xmm0, xmm1 // and 2, 3
        );
        if acc == LongAcc::Set {
            dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; movdqa xmm0, xmm2);
        } else {
            self.load_v(1, d);
            dynasm!(self.a ; .arch x64
                ; pmovsxdq xmm3, xmm1
                ; psrldq xmm1, 8
                ; pmovsxdq xmm4, xmm1
                ; psllq xmm3, 31
                ; psllq xmm4, 31);
            if acc == LongAcc::Add {
                dynasm!(self.a ; .arch x64 ; paddq xmm3, xmm2 ; paddq xmm4, xmm0);
            } else {
                dynasm!(self.a ; .arch x64 ; psubq xmm3, xmm2 ; psubq xmm4, xmm0);
            }
            dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm3 ; movdqa xmm1, xmm4);
        }
        if round {
            dynasm!(self.a ; .arch x64
                ; mov eax, 0x4000_0000
                ; movq xmm2, rax
                ; punpcklqdq xmm2, xmm2
                ; paddq xmm0, xmm2
                ; paddq xmm1, xmm2);
        }
        dynasm!(self.a ; .arch x64
            // Overflow: bit 63 differs from bit 62.
            ; movdqa xmm2, xmm0
            ; psllq xmm2, 1
            ; pxor xmm2, xmm0
            ; movdqa xmm3, xmm1
            ; psllq xmm3, 1
            ; pxor xmm3, xmm1
            ; shufps xmm2, xmm3, 0xDDu8 as i8
            ; psrad xmm2, 31
            ; movmskps eax, xmm2
            // The saturated values: 0x7FFFFFFF, or 0x80000000 for a
            // negative s.
            ; movdqa xmm3, xmm0
            ; shufps xmm3, xmm1, 0xDDu8 as i8
            ; psrad xmm3, 31
            ; pcmpeqd xmm4, xmm4
            ; psrld xmm4, 1
            ; pxor xmm3, xmm4
            // Bits 62..31 of s.
            ; psrlq xmm0, 31
            ; psrlq xmm1, 31
            ; shufps xmm0, xmm1, 0x88u8 as i8
            ; pand xmm3, xmm2
            ; pandn xmm2, xmm0
            ; por xmm2, xmm3
            ; movdqa xmm0, xmm2);
    }
}
