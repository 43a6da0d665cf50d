//! [`VecOp::Permute`](crate::ir::VecOp::Permute) (ZIP1/ZIP2, UZP1/UZP2,
//! TRN1/TRN2) inline with SSE2 unpacks, packs and shifts, and the
//! byte-shuffle and sign-bit forms of [`VecOp::Unary`](crate::ir::VecOp::Unary):
//! REV16/REV32/REV64 (one SSSE3 pshufb), CNT (pshufb on a nibble table),
//! FABS/FNEG (pand/pxor of the sign bits). Scratch: `xmm0`–`xmm5`, `rax`.

use super::emit::Emitter;
use crate::ir::{PermOp, RedOp, VUnOp};
use dynasmrt::{dynasm, DynasmApi};

/// The lane value `v` repeated over 64 bits.
fn rep(esize: u8, v: u64) -> u64 {
    let lane_mask = u64::MAX >> (64 - esize as u32);
    (0..64 / esize as u32).fold(0, |p, i| p | (v & lane_mask) << (i * esize as u32))
}

/// The pshufb control of 64 bits that reverses the `esize`-bit lanes within
/// each container of `container` bits, for the half starting at byte `base`.
fn rev_control(esize: u8, container: u8, base: u8) -> u64 {
    let (eb, per) = (esize / 8, container / esize);
    (0..8u8).fold(0, |p, b| {
        let src = ((b / eb) ^ (per - 1)) * eb + b % eb;
        p | ((base + src) as u64) << (8 * b)
    })
}

/// Whether `op` runs inline (the pshufb forms and ABS need SSSE3).
pub(super) fn unary_inline_ok(op: VUnOp) -> bool {
    match op {
        VUnOp::Rev { .. } | VUnOp::Cnt | VUnOp::Rbit | VUnOp::Abs => {
            super::emit_vec_struct::has_ssse3()
        }
        _ => true,
    }
}

impl Emitter {
    /// xmm`x` = the 128-bit constant `hi:lo` (clobbers rax, xmm5).
    pub(super) fn const128(&mut self, x: u8, lo: u64, hi: u64) {
        dynasm!(self.a ; .arch x64 ; mov rax, QWORD lo as i64 ; movq Rx(x), rax);
        if lo == hi {
            dynasm!(self.a ; .arch x64 ; punpcklqdq Rx(x), Rx(x));
        } else {
            dynasm!(self.a ; .arch x64
                ; mov rax, QWORD hi as i64
                ; movq xmm5, rax
                ; punpcklqdq Rx(x), xmm5);
        }
    }

    /// xmm0 = `op` (one of the forms of this module) of the `esize`-bit
    /// lanes of xmm0.
    pub(super) fn vec_unary_bits(&mut self, op: VUnOp, esize: u8) {
        match op {
            VUnOp::Rev { container } => {
                let (lo, hi) = (
                    rev_control(esize, container, 0),
                    rev_control(esize, container, 8),
                );
                self.const128(1, lo, hi);
                dynasm!(self.a ; .arch x64 ; pshufb xmm0, xmm1);
            }
            VUnOp::Cnt => {
                // Bytes 0..16 hold the bit counts of 0..16.
                self.const128(2, 0x0302_0201_0201_0100, 0x0403_0302_0302_0201);
                self.const128(3, rep(8, 0x0f), rep(8, 0x0f));
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm1, xmm0
                    ; psrlw xmm1, 4
                    ; pand xmm0, xmm3
                    ; pand xmm1, xmm3
                    ; movdqa xmm4, xmm2
                    ; pshufb xmm2, xmm0
                    ; pshufb xmm4, xmm1
                    ; paddb xmm2, xmm4
                    ; movdqa xmm0, xmm2);
            }
            VUnOp::Rbit => {
                // Each nibble reversed by a table: the low one into the
                // high half of the byte, the high one into the low half.
                self.const128(2, 0xE060_A020_C040_8000, 0xF070_B030_D050_9010);
                self.const128(3, rep(8, 0x0f), rep(8, 0x0f));
                self.const128(4, 0x0E06_0A02_0C04_0800, 0x0F07_0B03_0D05_0901);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm1, xmm0
                    ; psrlw xmm1, 4
                    ; pand xmm0, xmm3
                    ; pand xmm1, xmm3
                    ; pshufb xmm2, xmm0
                    ; pshufb xmm4, xmm1
                    ; por xmm2, xmm4
                    ; movdqa xmm0, xmm2);
            }
            VUnOp::Fabs => {
                let m = rep(esize, u64::MAX >> (65 - esize as u32));
                self.const128(1, m, m);
                dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1);
            }
            VUnOp::Fneg => {
                let m = rep(esize, 1 << (esize - 1));
                self.const128(1, m, m);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
            }
            _ => unreachable!("{op:?} is not a bit-pattern unary op"),
        }
    }

    /// xmm0 = `op` over the `esize`-bit lanes of the low 64 (with `q`,
    /// 128) bits of xmm0, in its low lane, the rest zero (clobbers rax,
    /// xmm1–xmm2, xmm5).
    pub(super) fn vec_reduce(&mut self, op: RedOp, esize: u8, q: bool) {
        let count = (if q { 128 } else { 64 }) / esize as i32;
        match op {
            RedOp::Max { signed } | RedOp::Min { signed } => {
                // Fold the upper part onto the lower, halving each time.
                let max = matches!(op, RedOp::Max { .. });
                let mut k = if q { 8 } else { 4 };
                while k >= esize as i8 / 8 {
                    dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0 ; psrldq xmm1, k);
                    self.max_min(max, signed, esize, 0, 1);
                    k /= 2;
                }
            }
            RedOp::Add if esize == 64 => {
                dynasm!(self.a ; .arch x64
                    ; pshufd xmm1, xmm0, 0x4e
                    ; paddq xmm0, xmm1
                    ; movq xmm0, xmm0);
                return;
            }
            RedOp::Add | RedOp::AddLong { .. } => {
                // Biased lanes: unsigned words (for pmaddwd) and signed
                // bytes (for psadbw) become the other kind.
                let bias = match (op, esize) {
                    (RedOp::AddLong { signed: true }, 8) => 0x80,
                    (RedOp::AddLong { signed: false }, 16) => 0x8000,
                    _ => 0,
                };
                if bias != 0 {
                    let m = rep(esize, bias);
                    self.const128(1, m, m);
                    dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
                }
                if !q {
                    dynasm!(self.a ; .arch x64 ; movq xmm0, xmm0);
                }
                match esize {
                    8 => dynasm!(self.a ; .arch x64
                        ; pxor xmm1, xmm1
                        ; psadbw xmm0, xmm1),
                    16 => {
                        self.const128(1, rep(16, 1), rep(16, 1));
                        dynasm!(self.a ; .arch x64 ; pmaddwd xmm0, xmm1);
                    }
                    _ => {}
                }
                match (op, esize) {
                    (RedOp::AddLong { signed }, 32) => {
                        // Extend the four lanes to 64 bits and add those.
                        dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0);
                        if signed {
                            dynasm!(self.a ; .arch x64 ; psrad xmm1, 31);
                        } else {
                            dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
                        }
                        dynasm!(self.a ; .arch x64
                            ; movdqa xmm2, xmm0
                            ; punpckldq xmm0, xmm1
                            ; punpckhdq xmm2, xmm1
                            ; paddq xmm0, xmm2
                            ; pshufd xmm1, xmm0, 0x4e
                            ; paddq xmm0, xmm1
                            ; movq xmm0, xmm0);
                        return;
                    }
                    (_, 8) => dynasm!(self.a ; .arch x64
                        ; pshufd xmm1, xmm0, 0x4e
                        ; paddq xmm0, xmm1),
                    _ => dynasm!(self.a ; .arch x64
                        ; pshufd xmm1, xmm0, 0x4e
                        ; paddd xmm0, xmm1
                        ; pshufd xmm1, xmm0, 0xb1u8 as i8
                        ; paddd xmm0, xmm1),
                }
                if (op, esize) == (RedOp::Add, 32) {
                    // The low lane alone, without a trip through rax.
                    dynasm!(self.a ; .arch x64 ; pslldq xmm0, 12 ; psrldq xmm0, 12);
                    return;
                }
                dynasm!(self.a ; .arch x64 ; movd eax, xmm0);
                if bias != 0 {
                    // Undo the bias of every lane.
                    let fix = bias as i32 * count;
                    if esize == 8 {
                        dynasm!(self.a ; .arch x64 ; sub eax, fix);
                    } else {
                        dynasm!(self.a ; .arch x64 ; add eax, fix);
                    }
                }
                if op == RedOp::Add || esize == 8 {
                    // ADDV keeps esize bits, xADDLV of bytes 16.
                    let bits = if op == RedOp::Add { esize } else { 16 };
                    let m = (u64::MAX >> (64 - bits as u32)) as i32;
                    dynasm!(self.a ; .arch x64 ; and eax, m);
                }
                dynasm!(self.a ; .arch x64 ; movd xmm0, eax);
                return;
            }
        }
        // The low lane of a max or min.
        dynasm!(self.a ; .arch x64 ; movd eax, xmm0);
        match esize {
            8 => dynasm!(self.a ; .arch x64 ; movzx eax, al),
            16 => dynasm!(self.a ; .arch x64 ; movzx eax, ax),
            _ => {}
        }
        dynasm!(self.a ; .arch x64 ; movd xmm0, eax);
    }

    /// Shifts the `2 * esize`-bit lanes of xmm`x` left (or logically
    /// right) by `esize` (8, 16 or 32).
    fn shift_pairs(&mut self, left: bool, esize: u8, x: u8) {
        match (left, esize) {
            (true, 8) => dynasm!(self.a ; .arch x64 ; psllw Rx(x), 8),
            (true, 16) => dynasm!(self.a ; .arch x64 ; pslld Rx(x), 16),
            (true, _) => dynasm!(self.a ; .arch x64 ; psllq Rx(x), 32),
            (false, 8) => dynasm!(self.a ; .arch x64 ; psrlw Rx(x), 8),
            (false, 16) => dynasm!(self.a ; .arch x64 ; psrld Rx(x), 16),
            (false, _) => dynasm!(self.a ; .arch x64 ; psrlq Rx(x), 32),
        }
    }

    /// `V[vd] = op(V[vn], V[vm])` on `esize`-bit lanes (see
    /// [`PermOp`]), 64 bits (upper half zeroed) or, with `q`, 128.
    pub(super) fn vec_permute(
        &mut self,
        op: PermOp,
        esize: u8,
        q: bool,
        (d, n, m): (i32, i32, i32),
    ) {
        self.load_v(0, n);
        self.load_v(1, m);
        let unpack_low = |e: &mut Emitter| match esize {
            8 => dynasm!(e.a ; .arch x64 ; punpcklbw xmm0, xmm1),
            16 => dynasm!(e.a ; .arch x64 ; punpcklwd xmm0, xmm1),
            32 => dynasm!(e.a ; .arch x64 ; punpckldq xmm0, xmm1),
            _ => dynasm!(e.a ; .arch x64 ; punpcklqdq xmm0, xmm1),
        };
        match op {
            PermOp::Zip1 => unpack_low(self),
            PermOp::Zip2 if !q => {
                // The upper half of the interleaved low halves.
                unpack_low(self);
                dynasm!(self.a ; .arch x64 ; psrldq xmm0, 8);
            }
            PermOp::Zip2 => match esize {
                8 => dynasm!(self.a ; .arch x64 ; punpckhbw xmm0, xmm1),
                16 => dynasm!(self.a ; .arch x64 ; punpckhwd xmm0, xmm1),
                32 => dynasm!(self.a ; .arch x64 ; punpckhdq xmm0, xmm1),
                _ => dynasm!(self.a ; .arch x64 ; punpckhqdq xmm0, xmm1),
            },
            PermOp::Uzp1 | PermOp::Uzp2 => {
                if !q {
                    // m:n of 64-bit halves as one 128-bit vector; its even
                    // (odd) lanes land in the low 64 bits.
                    dynasm!(self.a ; .arch x64 ; punpcklqdq xmm0, xmm1 ; movdqa xmm1, xmm0);
                }
                self.split_pairs(esize);
                if op == PermOp::Uzp1 {
                    dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm3);
                }
            }
            PermOp::Trn1 if esize == 64 => unpack_low(self),
            PermOp::Trn2 if esize == 64 => {
                dynasm!(self.a ; .arch x64 ; punpckhqdq xmm0, xmm1)
            }
            PermOp::Trn1 => {
                // Even lanes of n stay, those of m move up one lane.
                self.shift_pairs(true, esize, 0);
                self.shift_pairs(false, esize, 0);
                self.shift_pairs(true, esize, 1);
                dynasm!(self.a ; .arch x64 ; por xmm0, xmm1);
            }
            PermOp::Trn2 => {
                // Odd lanes of n move down one lane, those of m stay.
                self.shift_pairs(false, esize, 0);
                self.shift_pairs(false, esize, 1);
                self.shift_pairs(true, esize, 1);
                dynasm!(self.a ; .arch x64 ; por xmm0, xmm1);
            }
        }
        self.store_v(d, q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rev_controls() {
        // REV64 .8B, REV16 .16B (high half), REV32 .4H.
        assert_eq!(rev_control(8, 64, 0), 0x0001_0203_0405_0607);
        assert_eq!(rev_control(8, 16, 8), 0x0e0f_0c0d_0a0b_0809);
        assert_eq!(rev_control(16, 32, 0), 0x0504_0706_0100_0302);
    }
}
