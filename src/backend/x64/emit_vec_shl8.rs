//! [`VecOp::Same`](crate::ir::VecOp::Same) shifts by register on 8-bit
//! lanes inline (SSSE3 `pshufb`, SSE4.1 `pminuw`): SSHL/USHL, SRSHL/URSHL
//! and SQSHL/UQSHL, SQRSHL/UQRSHL. x86 has no byte shifts and no variable
//! 16-bit ones, so each byte is sign- or zero-extended to a 16-bit lane and
//! shifted by a multiply by a power of two looked up (`pshufb`) from its
//! count byte `c`, exact in 16 bits:
//!
//! * `c >= 0`: the left shift by `L = min(c, 8)` is `x * 2^L` (`pmullw`),
//!   at most `255 * 256` or `-128 * 256` in magnitude, so it holds the
//!   exact value for `L <= 8`; a non-zero byte shifted by 8 or more leaves
//!   the 8-bit range as any larger shift does, and its low byte is 0.
//! * `c < 0`: the right shift by `k = min(-c, 9)` is the high half of
//!   `(x << 7) * 2^(9 - k)` (`pmulhw`, `x << 7` fits a signed 16-bit lane
//!   either way), `x * 2^(16 - k)` with the division by 2^16 flooring as an
//!   arithmetic shift does; the rounding forms add bit 15 of the low half
//!   (`pmullw`), which is bit `k - 1` of `x`, the last bit shifted out.
//!   Shifts by 9 or more give what the shift by 9 gives: the sign (or 0),
//!   and 0 when rounding.
//!
//! The exponent `e` (0..=8) of the multiplier is `L` or `9 - k`, blended by
//! the sign of `c`; `pshufb` of a table of `2^e` (bytes 0..8, 256 being
//! byte 8 of the high-byte table) gives its two bytes, unpacked to words.
//! The lanes are then truncated or, the saturating forms, clamped to the
//! 8-bit range (`pminsw`/`pmaxsw`, `pminuw`; a right shift never leaves it)
//! and packed; eax gets one bit per byte that the clamp changed.
//!
//! Scratch: `xmm0`–`xmm5`, `rax`.

use super::emit::Emitter;
use crate::ir::SameOp;
use dynasmrt::{dynasm, DynasmApi};

/// Whether the byte shifts have an inline form on this host.
pub(super) fn inline_ok() -> bool {
    super::emit_vec_struct::has_ssse3() && super::emit_vec::has_sse41()
}

/// The 16-bit multipliers `2^e`, `e` 0..=8: their low bytes (index 8 and
/// above 0) and, [`HIGH`] shifted up by 8 bytes, their high bytes.
const LOW: u64 = 0x8040_2010_0804_0201;
const HIGH: u64 = 1;

impl Emitter {
    /// xmm0 = the shifts by register `s` (Shl, Rshl, Qshl, Qrshl) of the
    /// bytes of the V register at `n` by the signed bytes of the one at
    /// `m`: the low 8 or, with `q`, all 16 (see the module docs); with the
    /// saturating forms eax = one bit per byte that saturated.
    pub(super) fn shl_reg8(&mut self, s: SameOp, signed: bool, (n, m): (i32, i32), q: bool) {
        let round = matches!(s, SameOp::Rshl | SameOp::Qrshl);
        let sat = matches!(s, SameOp::Qshl | SameOp::Qrshl);
        // xmm2 = e: min(c, 8) where c >= 0, 9 - min(-c, 9) (unsigned)
        // where c < 0.
        self.load_v(5, m);
        dynasm!(self.a ; .arch x64
            ; mov eax, 0x0808_0808
            ; movd xmm2, eax
            ; pshufd xmm2, xmm2, 0
            ; movdqa xmm4, xmm5
            ; pminub xmm4, xmm2
            ; pxor xmm3, xmm3
            ; psubb xmm3, xmm5
            ; mov eax, 0x0909_0909
            ; movd xmm2, eax
            ; pshufd xmm2, xmm2, 0
            ; pminub xmm3, xmm2
            ; psubb xmm2, xmm3
            ; pxor xmm3, xmm3
            ; pcmpgtb xmm3, xmm5
            ; pand xmm2, xmm3
            ; pandn xmm3, xmm4
            ; por xmm2, xmm3
            // xmm2, xmm3 = the multipliers of bytes 0..8 and 8..16.
            ; mov rax, QWORD LOW as i64
            ; movq xmm3, rax
            ; pshufb xmm3, xmm2
            ; mov eax, HIGH as i32
            ; movq xmm4, rax
            ; pslldq xmm4, 8
            ; pshufb xmm4, xmm2
            ; movdqa xmm2, xmm3
            ; punpcklbw xmm2, xmm4
            ; punpckhbw xmm3, xmm4);
        for half in 0..1 + q as u8 {
            let mul = 2 + half;
            self.load_v(0, n);
            // The lanes extended.
            match (signed, half) {
                (true, 0) => dynasm!(self.a ; .arch x64 ; punpcklbw xmm0, xmm0 ; psraw xmm0, 8),
                (true, _) => dynasm!(self.a ; .arch x64 ; punpckhbw xmm0, xmm0 ; psraw xmm0, 8),
                (false, 0) => dynasm!(self.a ; .arch x64 ; pxor xmm4, xmm4 ; punpcklbw xmm0, xmm4),
                (false, _) => dynasm!(self.a ; .arch x64 ; pxor xmm4, xmm4 ; punpckhbw xmm0, xmm4),
            }
            // xmm1 = the left shifts, xmm0 the right ones.
            dynasm!(self.a ; .arch x64
                ; movdqa xmm1, xmm0
                ; pmullw xmm1, Rx(mul)
                ; psllw xmm0, 7
                ; movdqa xmm4, xmm0
                ; pmulhw xmm0, Rx(mul));
            if round {
                dynasm!(self.a ; .arch x64
                    ; pmullw xmm4, Rx(mul)
                    ; psrlw xmm4, 15
                    ; paddw xmm0, xmm4);
            }
            // xmm4 = the signs of the counts: the right shift there.
            self.load_v(4, m);
            if half == 0 {
                dynasm!(self.a ; .arch x64 ; punpcklbw xmm4, xmm4);
            } else {
                dynasm!(self.a ; .arch x64 ; punpckhbw xmm4, xmm4);
            }
            dynasm!(self.a ; .arch x64
                ; psraw xmm4, 15
                ; pand xmm0, xmm4
                ; pandn xmm4, xmm1
                ; por xmm0, xmm4);
            // xmm4 = the lanes the clamp keeps.
            if !sat {
                dynasm!(self.a ; .arch x64 ; psllw xmm0, 8 ; psrlw xmm0, 8);
            } else if signed {
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm4, xmm0
                    ; pcmpeqw xmm1, xmm1
                    ; psrlw xmm1, 9
                    ; pminsw xmm0, xmm1
                    ; pcmpeqw xmm1, xmm1
                    ; psllw xmm1, 7
                    ; pmaxsw xmm0, xmm1
                    ; pcmpeqw xmm4, xmm0);
            } else {
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm4, xmm0
                    ; pcmpeqw xmm1, xmm1
                    ; psrlw xmm1, 8
                    ; pminuw xmm0, xmm1
                    ; pcmpeqw xmm4, xmm0);
            }
            if half == 0 {
                // Kept: the low lanes in xmm2, their clamp masks in xmm5.
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0 ; movdqa xmm5, xmm4);
            }
        }
        if !q {
            dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm2 ; movdqa xmm4, xmm5);
        }
        if sat {
            dynasm!(self.a ; .arch x64
                ; packsswb xmm5, xmm4
                ; pmovmskb eax, xmm5
                ; xor eax, 0xFFFF);
        }
        // In range by now: either pack is exact.
        if sat && signed {
            dynasm!(self.a ; .arch x64 ; packsswb xmm2, xmm0 ; movdqa xmm0, xmm2);
        } else {
            dynasm!(self.a ; .arch x64 ; packuswb xmm2, xmm0 ; movdqa xmm0, xmm2);
        }
    }
}
