//! The fixed-point forms of the vector conversions on single and double
//! lanes (FCVTZS/FCVTZU and SCVTF/UCVTF #fbits, vector and scalar SIMD;
//! [`VFpOp::ToInt`](crate::ir::VFpOp::ToInt) and
//! [`VFpOp::FromInt`](crate::ir::VFpOp::FromInt) with `fbits`), around the
//! conversions of `emit_vec_fp`:
//!
//! * FCVTZS/FCVTZU: lanes of magnitude at or above 2^(31 - fbits)
//!   (2^(63 - fbits) for doubles), NaNs, infinities and, for the unsigned
//!   forms, lanes with the sign bit set go to the helper before anything is
//!   computed; the others are multiplied by 2^fbits, which is exact (a
//!   subnormal is shifted, nothing overflows) and raises nothing but x86's
//!   denormal-operand flag (no FPSR counterpart), then truncated as the
//!   integer forms are, Inexact exactly where bits were discarded.
//! * SCVTF/UCVTF: the integer converted (one rounding, as Arm), then
//!   multiplied by 2^-fbits, exact (a non-zero integer times 2^-64 at the
//!   least is a normal single or double).
//!
//! Scratch: `xmm1`–`xmm3`, `rax`.

use super::emit::Emitter;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

impl Emitter {
    /// xmm0 = xmm0 times 2^`k` lane-wise (`k` within the exponent range).
    pub(super) fn scale_lanes(&mut self, double: bool, k: i32) {
        if double {
            let bits = ((1023 + k) as u64) << 52;
            dynasm!(self.a ; .arch x64
                ; mov rax, QWORD bits as i64
                ; movq xmm3, rax
                ; punpcklqdq xmm3, xmm3
                ; mulpd xmm0, xmm3);
        } else {
            let bits = ((127 + k) as u32) << 23;
            dynasm!(self.a ; .arch x64
                ; mov eax, bits as i32
                ; movd xmm3, eax
                ; pshufd xmm3, xmm3, 0
                ; mulps xmm0, xmm3);
        }
    }

    /// To `slow_path` when a lane of xmm0 is a NaN or has a magnitude of
    /// 2^`k` or more (`k` within the exponent range) or, with `unsigned`,
    /// its sign bit set. Double lanes are judged by their high words.
    pub(super) fn lanes_below_pow2(
        &mut self,
        double: bool,
        k: i32,
        unsigned: bool,
        slow_path: DynamicLabel,
    ) {
        if unsigned {
            self.no_sign_lanes(double, 0, slow_path);
        }
        let limit = if double {
            dynasm!(self.a ; .arch x64 ; pshufd xmm1, xmm0, 0xDDu8 as i8);
            ((1023 + k) << 20) - 1
        } else {
            dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0);
            ((127 + k) << 23) - 1
        };
        dynasm!(self.a ; .arch x64
            ; mov eax, 0x7FFF_FFFF
            ; movd xmm2, eax
            ; pshufd xmm2, xmm2, 0
            ; pand xmm1, xmm2
            ; mov eax, limit
            ; movd xmm2, eax
            ; pshufd xmm2, xmm2, 0
            ; pcmpgtd xmm1, xmm2
            ; movmskps eax, xmm1
            ; test eax, eax
            ; jnz =>slow_path);
    }
}
