//! [`VecOp::Misc`](crate::ir::VecOp::Misc) inline: the integer
//! two-register miscellaneous forms, on the V registers in the CPU state.
//! All integer arithmetic, exact by construction:
//!
//! * SADDLP/UADDLP, SADALP/UADALP: bytes with SSSE3 `pmaddubsw` against a
//!   vector of ones (the lane as its unsigned operand for UADDLP, as its
//!   signed one for SADDLP); words with `pmaddwd` against ones (unsigned
//!   words first biased by 0x8000, the 2 * 0x8000 added back to each sum);
//!   32-bit lanes split into their quadwords' low and high halves and added
//!   as quadwords (signed: both biased by 2^31, 2^32 taken off the sum).
//!   The accumulating forms add `V[vd]`'s wide lanes.
//! * SUQADD/USQADD: with the top bit of each `d` lane flipped, a signed
//!   `d` becomes the unsigned `d + 2^(esize-1)` and an unsigned one the
//!   signed `d - 2^(esize-1)`; so SUQADD is the unsigned saturating add of
//!   the flipped `d` and `n`, USQADD the signed one, flipped back (the
//!   saturating adds and QC of `emit_vec_sat`).
//! * SQNEG: the signed saturating `0 - n`; SQABS: that where `n` is
//!   negative, else `n` (QC only where `n` is the most negative value,
//!   which both saturate alike).
//! * CLZ: an SSSE3 `pshufb` table of the leading zeros of each nibble, the
//!   low nibble's count added where the high nibble is zero; 16- and
//!   32-bit lanes from the counts of their halves the same way. CLS: CLZ of
//!   the lane XOR its sign mask, less one.
//!
//! Scratch: `xmm0`–`xmm5`, `rax`.

use super::emit::Emitter;
use super::emit_vec::by_lane_size;
use super::emit_vec_imm::rep;
use crate::ir::{HelperFn, MiscOp, VecOp};
use dynasmrt::{dynasm, DynasmApi};

/// Whether `op` (a [`VecOp::Misc`]) has an inline form on this host.
pub(super) fn inline_ok(op: VecOp) -> bool {
    match op {
        VecOp::Misc {
            op: MiscOp::Addlp { .. },
            esize: 8,
            ..
        }
        | VecOp::Misc {
            op: MiscOp::Cls | MiscOp::Clz,
            ..
        } => super::emit_vec_struct::has_ssse3(),
        // The unsigned 64-bit saturating add compares with pcmpgtq.
        VecOp::Misc {
            op: MiscOp::Sqadd { signed: true },
            esize: 64,
            ..
        } => super::emit_vec::has_sse42(),
        _ => true,
    }
}

/// The bits of the saturation mask `sat_add_sub` leaves in eax (one per
/// `bytes_per_bit` bytes) that belong to the lanes written.
fn written_lanes(bytes_per_bit: u32, (esize, q, scalar): (u8, bool, bool)) -> i32 {
    let count = match (scalar, q) {
        (true, _) => esize as u32 / 8 / bytes_per_bit,
        (false, true) => 16 / bytes_per_bit,
        (false, false) => 8 / bytes_per_bit,
    };
    ((1u32 << count) - 1) as i32
}

impl Emitter {
    /// [`VecOp::Misc`] (see the module docs).
    pub(super) fn vec_misc(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::Misc {
            op: m,
            esize,
            q,
            scalar,
        } = op
        else {
            unreachable!("not a Misc: {op:?}")
        };
        if !inline_ok(op) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n) = (Self::voff(vd), Self::voff(vn));
        let shape = (esize, q, scalar);
        match m {
            MiscOp::Addlp { signed, acc } => {
                self.load_v(0, n);
                self.addlp(signed, esize);
                if acc {
                    self.load_v(1, d);
                    by_lane_size!(self.a, 2 * esize, paddb, paddw, paddd, paddq, xmm0, xmm1);
                }
                self.store_v(d, q);
            }
            MiscOp::Cls | MiscOp::Clz => {
                self.load_v(0, n);
                if m == MiscOp::Cls {
                    self.lane_signs(esize, 1, 0);
                    dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
                }
                self.clz(esize);
                if m == MiscOp::Cls {
                    self.splat(1, rep(esize, 1));
                    by_lane_size!(self.a, esize, psubb, psubw, psubd, psubq, xmm0, xmm1);
                }
                self.store_v(d, q);
            }
            MiscOp::Sqadd { signed } => {
                let top = rep(esize, 1 << (esize - 1));
                self.load_v(0, d);
                self.load_v(1, n);
                self.splat(2, top);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2);
                let per = self.sat_add_sub(false, !signed, esize);
                self.qc_or(written_lanes(per, shape));
                self.splat(2, top);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2);
                self.qc_store(0, shape, d);
            }
            MiscOp::Sqabs | MiscOp::Sqneg => {
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm0);
                self.load_v(1, n);
                let per = self.sat_add_sub(true, true, esize);
                if m == MiscOp::Sqabs {
                    // The negation where n < 0, else n.
                    self.load_v(1, n);
                    self.lane_signs(esize, 2, 1);
                    dynasm!(self.a ; .arch x64
                        ; pand xmm0, xmm2
                        ; pandn xmm2, xmm1
                        ; por xmm0, xmm2);
                }
                self.qc_store(written_lanes(per, shape), shape, d);
            }
        }
    }

    /// xmm`dst` = all ones in the `esize`-bit lanes of xmm`src` that are
    /// negative, else zero (`dst` != `src`).
    fn lane_signs(&mut self, esize: u8, dst: u8, src: u8) {
        match esize {
            8 => dynasm!(self.a ; .arch x64 ; pxor Rx(dst), Rx(dst) ; pcmpgtb Rx(dst), Rx(src)),
            16 => dynasm!(self.a ; .arch x64 ; movdqa Rx(dst), Rx(src) ; psraw Rx(dst), 15),
            32 => dynasm!(self.a ; .arch x64 ; movdqa Rx(dst), Rx(src) ; psrad Rx(dst), 31),
            _ => dynasm!(self.a ; .arch x64
                ; movdqa Rx(dst), Rx(src)
                ; psrad Rx(dst), 31
                ; pshufd Rx(dst), Rx(dst), 0xF5u8 as i8),
        }
    }

    /// xmm0 = the sums of adjacent pairs of its `esize`-bit lanes, signed
    /// or unsigned, as `2 * esize`-bit lanes (clobbers xmm1, xmm2, rax).
    fn addlp(&mut self, signed: bool, esize: u8) {
        match esize {
            8 => {
                self.splat(1, rep(8, 1));
                if signed {
                    dynasm!(self.a ; .arch x64 ; pmaddubsw xmm1, xmm0 ; movdqa xmm0, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64 ; pmaddubsw xmm0, xmm1);
                }
            }
            16 => {
                self.splat(1, rep(16, 1));
                if !signed {
                    self.splat(2, rep(16, 0x8000));
                    dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2);
                }
                dynasm!(self.a ; .arch x64 ; pmaddwd xmm0, xmm1);
                if !signed {
                    self.splat(2, rep(32, 0x1_0000));
                    dynasm!(self.a ; .arch x64 ; paddd xmm0, xmm2);
                }
            }
            _ => {
                if signed {
                    self.splat(2, rep(32, 0x8000_0000));
                    dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2);
                }
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm1, xmm0
                    ; psrlq xmm1, 32
                    ; psllq xmm0, 32
                    ; psrlq xmm0, 32
                    ; paddq xmm0, xmm1);
                if signed {
                    self.splat(2, 1 << 32);
                    dynasm!(self.a ; .arch x64 ; psubq xmm0, xmm2);
                }
            }
        }
    }

    /// xmm0 = the leading zero bits of each of its `esize`-bit lanes (8,
    /// 16 or 32; clobbers xmm1–xmm5, rax).
    fn clz(&mut self, esize: u8) {
        // Bytes 0..16 hold the leading zeros of the nibbles 0..16.
        self.const128(2, 0x0101_0101_0202_0304, 0);
        self.splat(3, rep(8, 0x0f));
        dynasm!(self.a ; .arch x64
            ; movdqa xmm1, xmm0
            ; psrlw xmm1, 4
            ; pand xmm1, xmm3
            ; pand xmm0, xmm3
            ; movdqa xmm4, xmm2
            ; pshufb xmm4, xmm1
            ; pshufb xmm2, xmm0
            ; pxor xmm3, xmm3
            ; pcmpeqb xmm1, xmm3
            ; pand xmm2, xmm1
            ; paddb xmm4, xmm2
            ; movdqa xmm0, xmm4);
        if esize >= 16 {
            self.clz_halves(16);
        }
        if esize == 32 {
            self.clz_halves(32);
        }
    }

    /// xmm0 = the leading zeros of each `esize`-bit lane (16 or 32), from
    /// the counts in xmm0 of its two halves: the high half's, plus the low
    /// half's where the high half's is `esize / 2` (clobbers xmm1, xmm2,
    /// rax).
    fn clz_halves(&mut self, esize: u8) {
        let h = esize as i8 / 2;
        self.splat(2, rep(esize, h as u64));
        dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0);
        if esize == 16 {
            dynasm!(self.a ; .arch x64
                ; psrlw xmm1, h
                ; psllw xmm0, h
                ; psrlw xmm0, h
                ; pcmpeqw xmm2, xmm1);
        } else {
            dynasm!(self.a ; .arch x64
                ; psrld xmm1, h
                ; pslld xmm0, h
                ; psrld xmm0, h
                ; pcmpeqd xmm2, xmm1);
        }
        dynasm!(self.a ; .arch x64 ; pand xmm0, xmm2);
        by_lane_size!(self.a, esize, paddb, paddw, paddd, paddq, xmm0, xmm1);
    }
}
