//! Scalar floating point inline: when FPCR selects the host's default
//! environment (round to nearest, no flush-to-zero), `addsd`/`subsd`/
//! `mulsd`/`divsd`/`sqrtsd` (or the single-precision forms) compute the
//! result and leave their exception flags pending in MXCSR for FPSR (see
//! `crate::cpu::fpenv`), and `ucomisd`/`ucomiss` compute FCMP's NZCV.
//! Results where x86 and Arm differ go to the exact runtime helper instead:
//! NaNs (propagation and default-NaN rules; an unordered compare) and a
//! result of exactly the smallest normal magnitude (Arm detects tininess
//! before rounding, x86 after). Half precision has its own inline forms
//! (`emit_half`).

use super::emit::{Emitter, Src};
use crate::cpu::CpuState;
use crate::ir::{FpOp, FpSize, HelperFn, Val};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// FPCR.FZ and FPCR.RMode: the fast path needs them clear.
pub(super) const FPCR_NOT_DEFAULT: i32 = 0x01C0_0000;

/// An exact slow path, emitted out of line after the block's terminal: it
/// loads the helper's arguments, calls it and continues at `done` with the
/// result in rax. Values keep their host locations over a whole block and
/// nothing runs between the branch here and the path itself, so the
/// arguments are where the operation saw them.
pub(super) struct SlowPath {
    label: DynamicLabel,
    done: DynamicLabel,
    /// Argument registers (rsi, rdx, rcx, r8) with a value or a constant.
    args: [(u8, Arg); 4],
    f: u64,
    /// Set by a vector form that ran 256-bit AVX code: `vzeroupper` before
    /// the call.
    pub vzeroupper: bool,
    /// V-register cache entries (xmm, state offset) reloaded after the call
    /// (which clobbers every xmm register), so that the cache is at `done`
    /// as on the inline path.
    pub reload: Vec<(u8, i32)>,
}

#[derive(Copy, Clone)]
pub(super) enum Arg {
    V(Val),
    K(u64),
}

impl Emitter {
    /// Loads `v` into `xmm`: straight from its register or spill slot.
    pub(super) fn load_xmm(&mut self, xmm: u8, v: Val) {
        match self.src(v, true, 0) {
            Src::R(r) => dynasm!(self.a ; .arch x64 ; movq Rx(xmm), Rq(r)),
            Src::M(off) => dynasm!(self.a ; .arch x64 ; movq Rx(xmm), QWORD [r15 + off]),
            Src::I(_) => {
                self.load(0, v);
                dynasm!(self.a ; .arch x64 ; movq Rx(xmm), rax);
            }
        }
    }

    /// `test fpcr, mask ; jnz slow`: the inline forms need the FPCR bits
    /// of `mask` (a default environment) clear.
    pub(super) fn check_fpcr(&mut self, slow_path: DynamicLabel, mask: i32) {
        let fpcr = offset_of!(CpuState, fpcr) as i32;
        dynasm!(self.a ; .arch x64
            ; test DWORD [r15 + fpcr], mask
            ; jnz =>slow_path);
    }

    /// Queues the slow path at `label` and binds `done` here, where the
    /// result is in rax.
    pub(super) fn slow_path(
        &mut self,
        label: DynamicLabel,
        args: [(u8, Arg); 4],
        f: HelperFn,
    ) -> &mut SlowPath {
        let done = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64 ; =>done);
        self.slow_paths.push(SlowPath {
            label,
            done,
            args,
            f: f as usize as u64,
            vzeroupper: false,
            reload: Vec::new(),
        });
        self.slow_paths.last_mut().expect("just pushed")
    }

    /// Emits every queued slow path.
    pub(super) fn cold_slow_paths(&mut self) {
        // The buffer goes back to the emitter, to be reused (see `emit::Buffers`).
        let mut slow_paths = std::mem::take(&mut self.slow_paths);
        for p in slow_paths.drain(..) {
            dynasm!(self.a ; .arch x64 ; =>p.label);
            if p.vzeroupper {
                dynasm!(self.a ; .arch x64 ; vzeroupper);
            }
            for (r, arg) in p.args {
                match arg {
                    Arg::V(v) => self.load(r, v),
                    Arg::K(k) => dynasm!(self.a ; .arch x64 ; mov Rq(r), QWORD k as i64),
                }
            }
            self.slow_call(p.f);
            for (x, off) in p.reload {
                dynasm!(self.a ; .arch x64 ; movdqa Rx(x), [r15 + off]);
            }
            dynasm!(self.a ; .arch x64 ; jmp =>p.done);
        }
        debug_assert!(
            self.slow_paths.is_empty(),
            "queued while emitting the queue"
        );
        self.slow_paths = slow_paths;
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn fbin(
        &mut self,
        op: FpOp,
        size: FpSize,
        dst: Val,
        a: Val,
        b: Val,
        slow: HelperFn,
        c0: u64,
        c1: u64,
    ) {
        if size == FpSize::Half || matches!(op, FpOp::FromHalf | FpOp::ToHalf) {
            self.fbin_half(op, size, dst, (a, b), slow, (c0, c1));
            return;
        }
        let double = size == FpSize::Double;
        let slow_path = self.a.new_dynamic_label();
        self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
        self.load_xmm(0, a);
        if op != FpOp::Sqrt {
            self.load_xmm(1, b);
        }
        if matches!(op, FpOp::Cmp | FpOp::CmpE) {
            self.compare(double, slow_path);
        } else {
            self.arith(op, double);
            self.result_checks(double, slow_path);
        }
        self.fbin_slow(slow_path, dst, (a, b), slow, (c0, c1));
    }

    /// The exact path of an [`crate::ir::Op::FBin`] at `slow_path`: the
    /// helper recomputes (flags the attempt inline raised are ones the
    /// architecture raises too); `dst` is stored from rax either way.
    pub(super) fn fbin_slow(
        &mut self,
        slow_path: DynamicLabel,
        dst: Val,
        (a, b): (Val, Val),
        slow: HelperFn,
        (c0, c1): (u64, u64),
    ) {
        let args = [
            (6, Arg::V(a)),
            (2, Arg::V(b)),
            (1, Arg::K(c0)),
            (8, Arg::K(c1)),
        ];
        self.slow_path(slow_path, args, slow);
        self.store(dst, 0);
    }
}

impl Emitter {
    /// xmm0 = xmm0 op xmm1 (square root: of xmm0).
    pub(super) fn arith(&mut self, op: FpOp, double: bool) {
        match (op, double) {
            (FpOp::Add, true) => dynasm!(self.a ; .arch x64 ; addsd xmm0, xmm1),
            (FpOp::Sub, true) => dynasm!(self.a ; .arch x64 ; subsd xmm0, xmm1),
            (FpOp::Mul, true) => dynasm!(self.a ; .arch x64 ; mulsd xmm0, xmm1),
            (FpOp::Div, true) => dynasm!(self.a ; .arch x64 ; divsd xmm0, xmm1),
            (FpOp::Sqrt, true) => dynasm!(self.a ; .arch x64 ; sqrtsd xmm0, xmm0),
            (FpOp::Add, false) => dynasm!(self.a ; .arch x64 ; addss xmm0, xmm1),
            (FpOp::Sub, false) => dynasm!(self.a ; .arch x64 ; subss xmm0, xmm1),
            (FpOp::Mul, false) => dynasm!(self.a ; .arch x64 ; mulss xmm0, xmm1),
            (FpOp::Div, false) => dynasm!(self.a ; .arch x64 ; divss xmm0, xmm1),
            (FpOp::Sqrt, false) => dynasm!(self.a ; .arch x64 ; sqrtss xmm0, xmm0),
            (FpOp::Cmp | FpOp::CmpE, _) => unreachable!("compares go to compare"),
            (FpOp::FromHalf | FpOp::ToHalf, _) => unreachable!("conversions go to emit_half"),
        }
    }

    /// NZCV (bits 31:28) of comparing xmm0 with xmm1 into rax; unordered
    /// operands go to `slow_path`, which raises Invalid as FCMP/FCMPE
    /// require. Ordered, `ucomis*` sets ZF for equal and CF for less, and
    /// raises nothing FPSR records (only the denormal-operand flag): N = CF,
    /// Z = ZF, C = !CF, V = 0.
    pub(super) fn compare(&mut self, double: bool, slow_path: DynamicLabel) {
        if double {
            dynasm!(self.a ; .arch x64 ; ucomisd xmm0, xmm1);
        } else {
            dynasm!(self.a ; .arch x64 ; ucomiss xmm0, xmm1);
        }
        dynasm!(self.a ; .arch x64
            ; jp =>slow_path
            ; setb al
            ; sete cl
            ; setae dl
            ; movzx eax, al
            ; movzx ecx, cl
            ; movzx edx, dl
            ; shl eax, 31
            ; shl ecx, 30
            ; shl edx, 29
            ; or eax, ecx
            ; or eax, edx);
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
        if has_fma() {
            self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
            self.load_xmm(0, addend);
            self.load_xmm(1, op1);
            self.load_xmm(2, op2);
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
        } else {
            dynasm!(self.a ; .arch x64 ; jmp =>slow_path);
        }
        let args = [
            (6, Arg::V(addend)),
            (2, Arg::V(op1)),
            (1, Arg::V(op2)),
            (8, Arg::K(ctl)),
        ];
        self.slow_path(slow_path, args, slow);
        self.store(dst, 0);
    }

    /// With the result in xmm0: to `slow_path` for a NaN or a magnitude of
    /// exactly the smallest normal, else the result bits in rax.
    fn result_checks(&mut self, double: bool, slow_path: DynamicLabel) {
        // Twice the bits (the sign shifted out) is 2^53 (2^24) exactly for
        // the smallest normal magnitude; ror by 53 maps 2^53 and only it
        // to 1.
        if double {
            dynasm!(self.a ; .arch x64
                ; ucomisd xmm0, xmm0
                ; jp =>slow_path
                ; movq rax, xmm0
                ; lea rcx, [rax + rax]
                ; ror rcx, 53
                ; cmp rcx, 1
                ; je =>slow_path);
        } else {
            dynasm!(self.a ; .arch x64
                ; ucomiss xmm0, xmm0
                ; jp =>slow_path
                ; movd eax, xmm0
                ; lea ecx, [rax + rax]
                ; cmp ecx, 0x0100_0000
                ; je =>slow_path);
        }
    }
}
