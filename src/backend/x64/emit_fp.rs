//! Scalar floating point inline: when FPCR selects the host's default
//! environment (round to nearest, no flush-to-zero), `addsd`/`subsd`/
//! `mulsd`/`divsd` (or the single-precision forms) compute the result and
//! leave their exception flags pending in MXCSR for FPSR (see
//! `crate::cpu::fpenv`). Results where x86 and Arm differ go to the exact
//! runtime helper instead: NaNs (propagation and default-NaN rules) and a
//! result of exactly the smallest normal magnitude (Arm detects tininess
//! before rounding, x86 after).

use super::emit::Emitter;
use crate::cpu::CpuState;
use crate::ir::{FpOp, HelperFn, Val};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// FPCR.FZ and FPCR.RMode: the fast path needs them clear.
const FPCR_NOT_DEFAULT: i32 = 0x01C0_0000;

impl Emitter {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fbin(
        &mut self,
        op: FpOp,
        double: bool,
        dst: Val,
        a: Val,
        b: Val,
        slow: HelperFn,
        c0: u64,
        c1: u64,
    ) {
        let slow_path = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        let fpcr = offset_of!(CpuState, fpcr) as i32;
        dynasm!(self.a ; .arch x64
            ; test DWORD [r15 + fpcr], FPCR_NOT_DEFAULT
            ; jnz =>slow_path);
        self.load(0, a);
        dynasm!(self.a ; .arch x64 ; movq xmm0, rax);
        self.load(0, b);
        dynasm!(self.a ; .arch x64 ; movq xmm1, rax);
        if double {
            match op {
                FpOp::Add => dynasm!(self.a ; .arch x64 ; addsd xmm0, xmm1),
                FpOp::Sub => dynasm!(self.a ; .arch x64 ; subsd xmm0, xmm1),
                FpOp::Mul => dynasm!(self.a ; .arch x64 ; mulsd xmm0, xmm1),
                FpOp::Div => dynasm!(self.a ; .arch x64 ; divsd xmm0, xmm1),
            }
        } else {
            match op {
                FpOp::Add => dynasm!(self.a ; .arch x64 ; addss xmm0, xmm1),
                FpOp::Sub => dynasm!(self.a ; .arch x64 ; subss xmm0, xmm1),
                FpOp::Mul => dynasm!(self.a ; .arch x64 ; mulss xmm0, xmm1),
                FpOp::Div => dynasm!(self.a ; .arch x64 ; divss xmm0, xmm1),
            }
        }
        self.result_checks(double, slow_path);
        dynasm!(self.a ; .arch x64 ; jmp =>done ; =>slow_path);
        // The exact path: the helper recomputes (flags the attempt above
        // raised are ones the architecture raises too).
        self.load(6, a);
        self.load(2, b);
        dynasm!(self.a ; .arch x64
            ; mov rcx, QWORD c0 as i64
            ; mov r8, QWORD c1 as i64);
        self.slow_call(slow as usize as u64);
        dynasm!(self.a ; .arch x64 ; =>done);
        self.store(dst, 0);
    }
}

fn has_fma() -> bool {
    static FMA: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FMA.get_or_init(|| std::arch::is_x86_feature_detected!("fma"))
}

impl Emitter {
    /// Fused multiply-add inline with FMA3 under the same conditions as
    /// [`Emitter::fbin`]; hosts without FMA always use the helper.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fmuladd(
        &mut self,
        double: bool,
        (neg_addend, neg_op1): (bool, bool),
        dst: Val,
        (addend, op1, op2): (Val, Val, Val),
        slow: HelperFn,
        ctl: u64,
    ) {
        let slow_path = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        if has_fma() {
            let fpcr = offset_of!(CpuState, fpcr) as i32;
            dynasm!(self.a ; .arch x64
                ; test DWORD [r15 + fpcr], FPCR_NOT_DEFAULT
                ; jnz =>slow_path);
            self.load(0, addend);
            dynasm!(self.a ; .arch x64 ; movq xmm0, rax);
            self.load(0, op1);
            dynasm!(self.a ; .arch x64 ; movq xmm1, rax);
            self.load(0, op2);
            dynasm!(self.a ; .arch x64 ; movq xmm2, rax);
            // xmm0 = (±addend) + (±op1) * op2.
            match (double, neg_addend, neg_op1) {
                (true, false, false) => dynasm!(self.a ; .arch x64 ; vfmadd231sd xmm0, xmm1, xmm2),
                (true, false, true) => dynasm!(self.a ; .arch x64 ; vfnmadd231sd xmm0, xmm1, xmm2),
                (true, true, true) => dynasm!(self.a ; .arch x64 ; vfnmsub231sd xmm0, xmm1, xmm2),
                (true, true, false) => dynasm!(self.a ; .arch x64 ; vfmsub231sd xmm0, xmm1, xmm2),
                (false, false, false) => dynasm!(self.a ; .arch x64 ; vfmadd231ss xmm0, xmm1, xmm2),
                (false, false, true) => dynasm!(self.a ; .arch x64 ; vfnmadd231ss xmm0, xmm1, xmm2),
                (false, true, true) => dynasm!(self.a ; .arch x64 ; vfnmsub231ss xmm0, xmm1, xmm2),
                (false, true, false) => dynasm!(self.a ; .arch x64 ; vfmsub231ss xmm0, xmm1, xmm2),
            }
            self.result_checks(double, slow_path);
            dynasm!(self.a ; .arch x64 ; jmp =>done);
        }
        dynasm!(self.a ; .arch x64 ; =>slow_path);
        self.load(6, addend);
        self.load(2, op1);
        self.load(1, op2);
        dynasm!(self.a ; .arch x64 ; mov r8, QWORD ctl as i64);
        self.slow_call(slow as usize as u64);
        dynasm!(self.a ; .arch x64 ; =>done);
        self.store(dst, 0);
    }

    /// With the result in xmm0: to `slow_path` for a NaN or a magnitude of
    /// exactly the smallest normal, else the result bits in rax.
    fn result_checks(&mut self, double: bool, slow_path: dynasmrt::DynamicLabel) {
        if double {
            dynasm!(self.a ; .arch x64
                ; ucomisd xmm0, xmm0
                ; jp =>slow_path
                ; movq rax, xmm0
                ; mov rcx, rax
                ; btr rcx, 63
                ; mov rdx, QWORD 0x0010_0000_0000_0000
                ; cmp rcx, rdx
                ; je =>slow_path);
        } else {
            dynasm!(self.a ; .arch x64
                ; ucomiss xmm0, xmm0
                ; jp =>slow_path
                ; movd eax, xmm0
                ; mov ecx, eax
                ; and ecx, 0x7fff_ffff
                ; cmp ecx, 0x0080_0000
                ; je =>slow_path);
        }
    }
}
