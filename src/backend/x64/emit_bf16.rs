//! [`VecOp::BfCvt`](crate::ir::VecOp::BfCvt) inline: BFCVT and
//! BFCVTN/BFCVTN2, single precision to BFloat16, in integer code (SSE2).
//! A BFloat16 is the top half of a single, so for a finite normal single
//! under round to nearest, ties to even, the result is the top half of
//! `x + 0x7FFF + (bit 16 of x)` (the addition carries into the exponent
//! exactly when the magnitude rounds up to the next binade), inexact when
//! the low 16 bits of `x` are not all zero: then FPSR.IXC is set, the only
//! exception such a conversion raises (its result is normal, so Arm, which
//! detects tininess before rounding, signals no Underflow). A zero converts
//! exactly to its top half. Everything else takes the exact helper:
//!
//! * FPCR.RMode or FPCR.FZ not zero (FPCR.DN only matters for NaNs);
//! * an infinite or NaN lane (NaN quieting and the default NaN);
//! * a denormal lane (Underflow, and flushing under FZ);
//! * a lane that rounds up to infinity (Overflow).
//!
//! Scratch: `xmm0`–`xmm4`, `rax`, `rcx`.

use super::emit::Emitter;
use super::emit_fp::FPCR_NOT_DEFAULT;
use crate::cpu::CpuState;
use crate::ir::HelperFn;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// The CPU-state offset of FPSR.
const OFF_FPSR: i32 = offset_of!(CpuState, fpsr) as i32;
/// FPSR.IXC.
const IXC: i32 = 1 << 4;

/// Lane constants the vector form reads, at [`EXP`], [`ABS`], [`ONE`] and
/// [`HALF`] bytes: the exponent field of a single, all its bits but the
/// sign, bit 0, and the rounding increment below a tie.
#[repr(C, align(16))]
struct Lanes([[u32; 4]; 4]);

static CONSTS: Lanes = Lanes([[0x7F80_0000; 4], [0x7FFF_FFFF; 4], [1; 4], [0x7FFF; 4]]);
const EXP: i32 = 0;
const ABS: i32 = 16;
const ONE: i32 = 32;
const HALF: i32 = 48;

impl Emitter {
    /// BFCVT (`scalar`) or BFCVTN/BFCVTN2 (`q`) from the V register at
    /// offset `n` into the one at `d` (see the module docs).
    pub(super) fn vec_bfcvt(
        &mut self,
        scalar: bool,
        q: bool,
        (d, n): (i32, i32),
        slow: HelperFn,
        arg: u64,
    ) {
        let slow_path = self.a.new_dynamic_label();
        self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
        if scalar {
            self.bfcvt_scalar(n, slow_path);
            self.store_v(d, true);
        } else {
            self.bfcvt_lanes(n, slow_path);
            if q {
                // The low half of V[vd] stays.
                self.load_v(1, d);
                dynasm!(self.a ; .arch x64
                    ; punpcklqdq xmm1, xmm0
                    ; movdqa xmm0, xmm1);
            }
            self.store_v(d, q);
        }
        self.vec_slow_path(slow_path, slow, arg);
    }

    /// xmm0 = lane 0 of the V register at `n` converted (the other bits
    /// zero).
    fn bfcvt_scalar(&mut self, n: i32, slow_path: dynasmrt::DynamicLabel) {
        let (zero_or_denormal, exact) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        self.load_v(0, n);
        dynasm!(self.a ; .arch x64
            ; movd eax, xmm0
            ; test eax, 0x7F80_0000
            ; jz =>zero_or_denormal
            ; mov ecx, eax
            ; not ecx
            ; test ecx, 0x7F80_0000
            ; jz =>slow_path
            ; test eax, 0xFFFF
            ; jz =>exact
            ; mov ecx, eax
            ; shr ecx, 16
            ; and ecx, 1
            ; lea eax, [rax + rcx + 0x7FFF]
            ; mov ecx, eax
            ; not ecx
            ; test ecx, 0x7F80_0000
            ; jz =>slow_path
            ; or DWORD [r15 + OFF_FPSR], IXC
            ; jmp =>exact
            ; =>zero_or_denormal
            ; test eax, 0x7FFF_FFFF
            ; jnz =>slow_path
            ; =>exact
            ; shr eax, 16
            ; movd xmm0, eax);
    }

    /// xmm0 = the four single lanes of the V register at `n` converted, in
    /// its low 64 bits (the high 64 bits zero).
    fn bfcvt_lanes(&mut self, n: i32, slow_path: dynasmrt::DynamicLabel) {
        let consts = &CONSTS as *const Lanes as i64;
        let (exp, abs, one, half) = (EXP, ABS, ONE, HALF);
        let exact = self.a.new_dynamic_label();
        self.load_v(0, n);
        dynasm!(self.a ; .arch x64
            ; mov rax, QWORD consts
            // xmm1 = infinite and NaN lanes.
            ; movdqa xmm1, xmm0
            ; pand xmm1, [rax + exp]
            ; movdqa xmm2, xmm1
            ; pcmpeqd xmm1, [rax + exp]
            // xmm2 = denormal lanes: exponent zero, not a zero.
            ; pxor xmm4, xmm4
            ; pcmpeqd xmm2, xmm4
            ; movdqa xmm3, xmm0
            ; pand xmm3, [rax + abs]
            ; pcmpeqd xmm3, xmm4
            ; pandn xmm3, xmm2
            ; por xmm1, xmm3
            // xmm2 = x + 0x7FFF + bit 16; lanes now infinite: overflow.
            ; movdqa xmm2, xmm0
            ; psrld xmm2, 16
            ; pand xmm2, [rax + one]
            ; paddd xmm2, xmm0
            ; paddd xmm2, [rax + half]
            ; movdqa xmm3, xmm2
            ; pand xmm3, [rax + exp]
            ; pcmpeqd xmm3, [rax + exp]
            ; por xmm1, xmm3
            ; movmskps ecx, xmm1
            ; test ecx, ecx
            ; jnz =>slow_path
            // Inexact unless the low 16 bits of every lane are zero.
            ; pslld xmm0, 16
            ; pcmpeqd xmm0, xmm4
            ; movmskps ecx, xmm0
            ; cmp ecx, 0xF
            ; je =>exact
            ; or DWORD [r15 + OFF_FPSR], IXC
            ; =>exact
            // The top halves (sign-extended, so packing keeps them).
            ; psrad xmm2, 16
            ; packssdw xmm2, xmm4
            ; movdqa xmm0, xmm2);
    }
}
