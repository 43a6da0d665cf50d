//! FJCVTZS ([`crate::ir::FpOp::JsCvt`]) inline: operands of magnitude below
//! 2^31 (biased exponent below 1023 + 31, tested on the bits before
//! anything raises a flag), and denormals only with FPCR.FZ clear, are
//! truncated by `cvttsd2si` into a 64-bit register, which raises Inexact
//! exactly when it drops a fraction, as Arm does (a denormal gives 0 with
//! Inexact on both). Z is set when converting the integer back with
//! `cvtsi2sd` (exact below 2^31) gives the operand's bits: that is the
//! exact conversions, and not -0.0 (which comes back as +0.0). NaNs,
//! infinities, magnitudes from 2^31 up (out of range, or -2^31, or
//! reduced modulo 2^32) and zeros or denormals under FPCR.FZ take the
//! exact helper.

use super::emit::Emitter;
use super::emit_fp::FPCR_FZ;
use crate::cpu::CpuState;
use crate::ir::{HelperFn, Val};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// The biased exponent from which the helper converts: 2^31.
const EXP_LIMIT: i32 = 1023 + 31;

impl Emitter {
    /// [`crate::ir::FpOp::JsCvt`] of the double `a` into `dst`: the
    /// integer in bits 31..0, Z in bit 62.
    pub(super) fn jscvt(&mut self, dst: Val, a: Val, slow: HelperFn, c: (u64, u64)) {
        let slow_path = self.a.new_dynamic_label();
        let convert = self.a.new_dynamic_label();
        let fpcr = offset_of!(CpuState, fpcr) as i32;
        self.fp_first(0, a, true);
        dynasm!(self.a ; .arch x64
            ; movq rcx, xmm0
            ; lea rdx, [rcx + rcx]
            ; shr rdx, 53
            ; cmp edx, EXP_LIMIT
            ; jae =>slow_path
            ; test edx, edx
            ; jnz =>convert
            ; test DWORD [r15 + fpcr], FPCR_FZ
            ; jnz =>slow_path
            ; =>convert
            ; cvttsd2si rax, xmm0
            ; cvtsi2sd xmm1, rax
            ; movq rdx, xmm1
            ; cmp rdx, rcx
            ; sete dl
            ; movzx edx, dl
            ; shl rdx, 62
            ; mov eax, eax
            ; or rax, rdx
        );
        self.fbin_slow(slow_path, dst, (a, a), slow, c);
    }
}
