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
use super::emit_fcache::{Bits, Reload};
use crate::cpu::CpuState;
use crate::ir::{FpOp, FpSize, HelperFn, Val};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// FPCR.FZ and FPCR.RMode: the fast path needs them clear.
pub(super) const FPCR_NOT_DEFAULT: i32 = 0x01C0_0000;
/// FPCR.FZ alone: what operations with their own rounding mode need clear.
pub(super) const FPCR_FZ: i32 = 1 << 24;

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
    /// FP-cache entries (xmm, value) reloaded from the values' locations
    /// after the call (see `emit_fcache`).
    freload: Vec<(u8, Reload)>,
    /// The xmm register that gets the result (rax) at the end, or 0.
    pub result_xmm: u8,
}

#[derive(Copy, Clone)]
pub(super) enum Arg {
    V(Val),
    K(u64),
}

impl Emitter {
    /// Loads `v` into `xmm` (the upper 64 bits zeroed): from its FP-cache
    /// register, or straight from its register or spill slot.
    pub(super) fn load_xmm(&mut self, xmm: u8, v: Val) {
        if let Some(x) = self.fcache.of(v, true) {
            dynasm!(self.a ; .arch x64 ; movq Rx(xmm), Rx(x));
            return;
        }
        self.load_xmm_loc(xmm, v);
    }

    /// Loads `v` into `xmm` from its location.
    fn load_xmm_loc(&mut self, xmm: u8, v: Val) {
        if self.imm_of(v) == Some(0) {
            dynasm!(self.a ; .arch x64 ; xorps Rx(xmm), Rx(xmm));
            return;
        }
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
        let freload = self.fcache.entries().collect();
        self.slow_paths.push(SlowPath {
            label,
            done,
            args,
            f: f as usize as u64,
            vzeroupper: false,
            reload: Vec::new(),
            freload,
            result_xmm: 0,
        });
        self.slow_paths.last_mut().expect("just pushed")
    }

    /// Queues the slow path at `label` of an [`crate::ir::Op::Vec`]: its
    /// helper `f` with the packed arguments `arg` (as
    /// [`Emitter::vec_slow`] calls it), the V-register cache reloaded after.
    pub(super) fn vec_slow_path(
        &mut self,
        label: DynamicLabel,
        f: HelperFn,
        arg: u64,
    ) -> &mut SlowPath {
        let reload = self.vcache_entries();
        let k = |k| Arg::K(k);
        let p = self.slow_path(label, [(6, k(arg)), (2, k(0)), (1, k(0)), (8, k(0))], f);
        p.reload = reload;
        p
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
            for (x, r) in p.freload {
                match r {
                    Reload::Val(v) => self.load_xmm_loc(x, v),
                    Reload::State(off) => dynasm!(self.a ; .arch x64 ; movdqa Rx(x), [r15 + off]),
                }
            }
            if p.result_xmm != 0 {
                dynasm!(self.a ; .arch x64 ; movq Rx(p.result_xmm), rax);
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
        if op == FpOp::JsCvt {
            self.jscvt(dst, a, slow, (c0, c1));
            return;
        }
        if op == FpOp::ToSingleOdd {
            self.fcvt_odd(dst, a, slow, (c0, c1));
            return;
        }
        if matches!(op, FpOp::FromSingle | FpOp::ToSingle) {
            self.fcvt_single(op, dst, a, slow, (c0, c1));
            return;
        }
        let double = size == FpSize::Double;
        if let FpOp::FromInt { signed, x64 } = op {
            self.int_to_fp(double, (signed, x64, 0), dst, a, slow, (c0, c1));
            return;
        }
        if let FpOp::FromFixed { signed, x64, fbits } = op {
            self.int_to_fp(double, (signed, x64, fbits), dst, a, slow, (c0, c1));
            return;
        }
        if let FpOp::ToInt {
            signed,
            x64,
            mode,
            fbits,
        } = op
        {
            let form = (signed, x64, mode, fbits);
            self.fp_to_int(double, form, (dst, a), (slow, (c0, c1)));
            return;
        }
        if let FpOp::Round { mode, exact } = op {
            self.fp_round(double, (mode, exact), (dst, a), (slow, (c0, c1)));
            return;
        }
        let slow_path = self.a.new_dynamic_label();
        self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
        let (mut d, mut clean) = (0, false);
        if matches!(op, FpOp::Cmp | FpOp::CmpE) {
            let xb = self.fp_operand(b, 1, double);
            let xa = self.fp_operand(a, 0, double);
            self.compare_in(double, xa, xb, slow_path);
        } else {
            let xb = if op == FpOp::Sqrt {
                None
            } else {
                Some(self.fp_operand(b, 1, double))
            };
            d = self.fp_result_reg(dst, a, double, xb.as_slice());
            clean = self.fp_first(d, a, double);
            let xb = xb.unwrap_or(d);
            if matches!(op, FpOp::Max | FpOp::Min | FpOp::MaxNum | FpOp::MinNum) {
                self.fp_max_min(
                    op == FpOp::Max || op == FpOp::MaxNum,
                    double,
                    d,
                    xb,
                    slow_path,
                );
            } else {
                self.arith_in(op, double, d, xb);
                if exact_when_tiny(op) {
                    self.nan_check(double, slow_path, d);
                } else {
                    self.result_checks(double, slow_path, d);
                }
            }
        }
        self.fbin_slow(slow_path, dst, (a, b), slow, (c0, c1))
            .result_xmm = d;
        self.fp_defined(d, dst, Bits::of_result(double, clean));
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
    ) -> &mut SlowPath {
        let args = [
            (6, Arg::V(a)),
            (2, Arg::V(b)),
            (1, Arg::K(c0)),
            (8, Arg::K(c1)),
        ];
        self.slow_path(slow_path, args, slow);
        self.store(dst, 0);
        self.slow_paths.last_mut().expect("just queued")
    }
}

/// Whether `op` never rounds a result up to the smallest normal
/// magnitude, so x86 and Arm agree on Underflow for all its results (only
/// NaNs need the helper): a sum or difference below twice the smallest
/// normal is a multiple of the smallest denormal and so exact, and a
/// square root of a non-zero value is at least 2^-537 (2^-75 single).
fn exact_when_tiny(op: FpOp) -> bool {
    matches!(op, FpOp::Add | FpOp::Sub | FpOp::Sqrt)
}

impl Emitter {
    /// xmm0 = xmm0 op xmm1 (square root: of xmm0).
    pub(super) fn arith(&mut self, op: FpOp, double: bool) {
        self.arith_in(op, double, 0, 1);
    }

    /// xmm`d` = xmm`d` op xmm`b` (square root: of xmm`d`).
    pub(super) fn arith_in(&mut self, op: FpOp, double: bool, d: u8, b: u8) {
        match (op, double) {
            (FpOp::Add, true) => dynasm!(self.a ; .arch x64 ; addsd Rx(d), Rx(b)),
            (FpOp::Sub, true) => dynasm!(self.a ; .arch x64 ; subsd Rx(d), Rx(b)),
            (FpOp::Mul, true) => dynasm!(self.a ; .arch x64 ; mulsd Rx(d), Rx(b)),
            (FpOp::Div, true) => dynasm!(self.a ; .arch x64 ; divsd Rx(d), Rx(b)),
            (FpOp::Sqrt, true) => dynasm!(self.a ; .arch x64 ; sqrtsd Rx(d), Rx(d)),
            (FpOp::Add, false) => dynasm!(self.a ; .arch x64 ; addss Rx(d), Rx(b)),
            (FpOp::Sub, false) => dynasm!(self.a ; .arch x64 ; subss Rx(d), Rx(b)),
            (FpOp::Mul, false) => dynasm!(self.a ; .arch x64 ; mulss Rx(d), Rx(b)),
            (FpOp::Div, false) => dynasm!(self.a ; .arch x64 ; divss Rx(d), Rx(b)),
            (FpOp::Sqrt, false) => dynasm!(self.a ; .arch x64 ; sqrtss Rx(d), Rx(d)),
            // -(a * b): the product rounded, then its sign flipped (xmm2 is
            // free: operands are in xmm0, xmm1 or cache registers).
            (FpOp::NMul, true) => dynasm!(self.a ; .arch x64
                ; mulsd Rx(d), Rx(b)
                ; mov rcx, QWORD i64::MIN
                ; movq xmm2, rcx
                ; xorpd Rx(d), xmm2),
            (FpOp::NMul, false) => dynasm!(self.a ; .arch x64
                ; mulss Rx(d), Rx(b)
                ; mov ecx, 0x8000_0000u32 as i32
                ; movd xmm2, ecx
                ; xorps Rx(d), xmm2),
            (FpOp::Cmp | FpOp::CmpE, _) => unreachable!("compares go to compare"),
            (FpOp::FromHalf | FpOp::ToHalf, _) => unreachable!("conversions go to emit_half"),
            // Conversions, rounding, maximum and minimum.
            _ => unreachable!("not arithmetic with a rounded result"),
        }
    }

    /// FMAX/FMAXNM (`max`) or FMIN/FMINNM of xmm`d` and xmm`b` into xmm`d`
    /// when neither is a NaN (else to `slow_path`: `ucomis*` raises Invalid
    /// for a signalling NaN only, as the helper then does), with the bits
    /// in rax. `maxs*`/`mins*` give their second operand for two zeros,
    /// so the result is that of both operand orders combined: AND for the
    /// maximum (+0 over -0), OR for the minimum; equal non-zero operands
    /// have equal bits. Nothing FPSR records is raised.
    fn fp_max_min(&mut self, max: bool, double: bool, d: u8, b: u8, slow_path: DynamicLabel) {
        if double {
            dynasm!(self.a ; .arch x64 ; ucomisd Rx(d), Rx(b));
        } else {
            dynasm!(self.a ; .arch x64 ; ucomiss Rx(d), Rx(b));
        }
        // xmm2 = b with zeros above (`orps` keeps the upper bits of d).
        dynasm!(self.a ; .arch x64 ; jp =>slow_path ; movq xmm2, Rx(b));
        match (max, double) {
            (true, true) => dynasm!(self.a ; .arch x64 ; maxsd xmm2, Rx(d) ; maxsd Rx(d), Rx(b)),
            (false, true) => dynasm!(self.a ; .arch x64 ; minsd xmm2, Rx(d) ; minsd Rx(d), Rx(b)),
            (true, false) => dynasm!(self.a ; .arch x64 ; maxss xmm2, Rx(d) ; maxss Rx(d), Rx(b)),
            (false, false) => dynasm!(self.a ; .arch x64 ; minss xmm2, Rx(d) ; minss Rx(d), Rx(b)),
        }
        if max {
            dynasm!(self.a ; .arch x64 ; andps Rx(d), xmm2);
        } else {
            dynasm!(self.a ; .arch x64 ; orps Rx(d), xmm2);
        }
        self.result_bits(double, d);
    }

    /// NZCV (bits 31:28) of comparing xmm0 with xmm1 into rax; unordered
    /// operands go to `slow_path`, which raises Invalid as FCMP/FCMPE
    /// require. Ordered, `ucomis*` sets ZF for equal and CF for less, and
    /// raises nothing FPSR records (only the denormal-operand flag): N = CF,
    /// Z = ZF, C = !CF, V = 0.
    pub(super) fn compare(&mut self, double: bool, slow_path: DynamicLabel) {
        self.compare_in(double, 0, 1, slow_path);
    }

    /// [`Emitter::compare`] of xmm`a` with xmm`b`.
    fn compare_in(&mut self, double: bool, a: u8, b: u8, slow_path: DynamicLabel) {
        if double {
            dynasm!(self.a ; .arch x64 ; ucomisd Rx(a), Rx(b));
        } else {
            dynasm!(self.a ; .arch x64 ; ucomiss Rx(a), Rx(b));
        }
        // Greater: C (0010); equal: Z and C (0110); less: N (1000).
        dynasm!(self.a ; .arch x64
            ; jp =>slow_path
            ; mov eax, 0x2000_0000
            ; mov ecx, 0x6000_0000
            ; cmove eax, ecx
            ; mov ecx, 0x8000_0000u32 as i32
            ; cmovb eax, ecx);
    }
}

pub(super) fn has_fma() -> bool {
    static FMA: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FMA.get_or_init(|| std::arch::is_x86_feature_detected!("fma"))
}

impl Emitter {
    /// Fused multiply-add inline with FMA3 under the same conditions as
    /// [`Emitter::fbin`]; hosts without FMA always use the helper. Half
    /// precision has its own form (`emit_half`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fmuladd(
        &mut self,
        size: FpSize,
        neg: (bool, bool),
        dst: Val,
        (addend, op1, op2): (Val, Val, Val),
        slow: HelperFn,
        ctl: u64,
    ) {
        if size == FpSize::Half {
            self.fmuladd_half(neg, dst, (addend, op1, op2), slow, ctl);
            return;
        }
        let (double, (neg_addend, neg_op1)) = (size == FpSize::Double, neg);
        let slow_path = self.a.new_dynamic_label();
        let (mut d, mut clean) = (0, false);
        if has_fma() {
            self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
            let x1 = self.fp_operand(op1, 1, double);
            let x2 = self.fp_operand(op2, 2, double);
            d = self.fp_result_reg(dst, addend, double, &[x1, x2]);
            clean = self.fp_first(d, addend, double);
            // xmm`d` = (±addend) + (±op1) * op2.
            match (double, neg_addend, neg_op1) {
                (true, false, false) => {
                    dynasm!(self.a ; .arch x64 ; vfmadd231sd Rx(d), Rx(x1), Rx(x2))
                }
                (true, false, true) => {
                    dynasm!(self.a ; .arch x64 ; vfnmadd231sd Rx(d), Rx(x1), Rx(x2))
                }
                (true, true, true) => {
                    dynasm!(self.a ; .arch x64 ; vfnmsub231sd Rx(d), Rx(x1), Rx(x2))
                }
                (true, true, false) => {
                    dynasm!(self.a ; .arch x64 ; vfmsub231sd Rx(d), Rx(x1), Rx(x2))
                }
                (false, false, false) => {
                    dynasm!(self.a ; .arch x64 ; vfmadd231ss Rx(d), Rx(x1), Rx(x2))
                }
                (false, false, true) => {
                    dynasm!(self.a ; .arch x64 ; vfnmadd231ss Rx(d), Rx(x1), Rx(x2))
                }
                (false, true, true) => {
                    dynasm!(self.a ; .arch x64 ; vfnmsub231ss Rx(d), Rx(x1), Rx(x2))
                }
                (false, true, false) => {
                    dynasm!(self.a ; .arch x64 ; vfmsub231ss Rx(d), Rx(x1), Rx(x2))
                }
            }
            self.result_checks(double, slow_path, d);
        } else {
            dynasm!(self.a ; .arch x64 ; jmp =>slow_path);
        }
        let args = [
            (6, Arg::V(addend)),
            (2, Arg::V(op1)),
            (1, Arg::V(op2)),
            (8, Arg::K(ctl)),
        ];
        self.slow_path(slow_path, args, slow).result_xmm = d;
        self.store(dst, 0);
        self.fp_defined(d, dst, Bits::of_result(double, clean));
    }

    /// FCVT between single and double precision ([`FpOp::FromSingle`],
    /// [`FpOp::ToSingle`]). Widening is exact: only FPCR.FZ (which flushes
    /// a denormal single, with IDC) and NaNs (quieting, DN) take the
    /// helper; `cvtss2sd` raises nothing FPSR records. Narrowing needs the
    /// default FPCR (RMode; FZ flushes a denormal operand and tiny
    /// results): `cvtsd2ss` rounds to nearest even and raises Inexact,
    /// Overflow (with Inexact, result infinity) and Underflow as Arm does,
    /// except that x86 detects tininess after rounding and Arm before, so
    /// a result of exactly the smallest normal magnitude takes the helper,
    /// as do NaN operands (the helper's Invalid for a signalling NaN is
    /// the flag `cvtsd2ss` raised before the branch).
    fn fcvt_single(&mut self, op: FpOp, dst: Val, a: Val, slow: HelperFn, c: (u64, u64)) {
        let slow_path = self.a.new_dynamic_label();
        if op == FpOp::FromSingle {
            self.check_fpcr(slow_path, FPCR_FZ);
            self.load_xmm(0, a);
            dynasm!(self.a ; .arch x64
                ; ucomiss xmm0, xmm0
                ; jp =>slow_path
                ; cvtss2sd xmm0, xmm0
                ; movq rax, xmm0);
        } else {
            self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
            self.load_xmm(0, a);
            dynasm!(self.a ; .arch x64 ; cvtsd2ss xmm0, xmm0);
            self.result_checks(false, slow_path, 0);
        }
        self.fbin_slow(slow_path, dst, (a, a), slow, c);
    }

    /// FCVTXN's double-to-single conversion rounding to odd
    /// ([`FpOp::ToSingleOdd`]) in the default FPCR: `cvtsd2ss` rounds to
    /// nearest and raises Inexact exactly when the result is inexact, as
    /// rounding to odd does. When it is, the conversion toward zero is that
    /// result, or the single one unit lower in magnitude when the rounding
    /// went up (the sign of the exact difference of the widened result and
    /// the operand against the operand's sign), with its lowest bit then
    /// set. Results that are zero, denormal, of the smallest normal
    /// magnitude, infinite or NaN (where underflow, overflow and NaNs are
    /// decided differently) take the helper.
    fn fcvt_odd(&mut self, dst: Val, a: Val, slow: HelperFn, c: (u64, u64)) {
        // Twice the bits of a normal single above the smallest normal,
        // less this, are below `ODD_NORMAL_SPAN`.
        const ODD_NORMAL_LOW: i32 = 0x0100_0001;
        const ODD_NORMAL_SPAN: i32 = (0xFF00_0000u32 - 0x0100_0001) as i32;
        let (slow_path, done) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
        self.load_xmm(0, a);
        dynasm!(self.a ; .arch x64
            ; cvtsd2ss xmm1, xmm0
            ; movd eax, xmm1
            ; lea ecx, [rax + rax]
            ; sub ecx, ODD_NORMAL_LOW
            ; cmp ecx, ODD_NORMAL_SPAN
            ; jae =>slow_path
            ; cvtss2sd xmm1, xmm1
            ; ucomisd xmm1, xmm0
            ; je =>done
            ; subsd xmm1, xmm0
            ; xorpd xmm1, xmm0
            ; movmskpd ecx, xmm1
            ; and ecx, 1
            ; xor ecx, 1
            ; sub eax, ecx
            ; or eax, 1
            ; =>done
        );
        self.fbin_slow(slow_path, dst, (a, a), slow, c);
    }

    /// SCVTF/UCVTF ([`FpOp::FromInt`], [`FpOp::FromFixed`]) in the
    /// default FPCR: `cvtsi2sd`/`cvtsi2ss` round to nearest even and raise
    /// Inexact exactly when the result is inexact, as Arm does; no integer
    /// overflows or underflows either format. A 32-bit unsigned integer is
    /// converted as the 64-bit signed one it zero-extends to; a 64-bit
    /// unsigned one with the top bit set takes the helper. Fixed point
    /// (`fbits` fraction bits): the rounded integer times 2^-fbits, which
    /// is exact and raises nothing (a non-zero result is at least 2^-64,
    /// far above both formats' normal minimum), so rounding once is Arm's.
    fn int_to_fp(
        &mut self,
        double: bool,
        (signed, x64, fbits): (bool, bool, u8),
        dst: Val,
        a: Val,
        slow: HelperFn,
        c: (u64, u64),
    ) {
        let slow_path = self.a.new_dynamic_label();
        self.check_fpcr(slow_path, FPCR_NOT_DEFAULT);
        self.load(0, a);
        if !x64 && signed {
            dynasm!(self.a ; .arch x64 ; movsxd rax, eax);
        } else if !x64 {
            dynasm!(self.a ; .arch x64 ; mov eax, eax);
        } else if !signed {
            dynasm!(self.a ; .arch x64 ; test rax, rax ; js =>slow_path);
        }
        if double {
            dynasm!(self.a ; .arch x64 ; xorps xmm0, xmm0 ; cvtsi2sd xmm0, rax);
        } else {
            dynasm!(self.a ; .arch x64 ; xorps xmm0, xmm0 ; cvtsi2ss xmm0, rax);
        }
        if fbits != 0 {
            self.scale(double, -i32::from(fbits));
        }
        self.result_bits(double, 0);
        self.fbin_slow(slow_path, dst, (a, a), slow, c);
    }

    /// With the result in xmm`d`: to `slow_path` for a NaN or a magnitude
    /// of exactly the smallest normal, else the result bits in rax.
    pub(super) fn result_checks(&mut self, double: bool, slow_path: DynamicLabel, d: u8) {
        // Twice the bits (the sign shifted out) is 2^53 (2^24) exactly for
        // the smallest normal magnitude; ror by 53 maps 2^53 and only it
        // to 1.
        self.nan_check(double, slow_path, d);
        if double {
            dynasm!(self.a ; .arch x64
                ; lea rcx, [rax + rax]
                ; ror rcx, 53
                ; cmp rcx, 1
                ; je =>slow_path);
        } else {
            dynasm!(self.a ; .arch x64
                ; lea ecx, [rax + rax]
                ; cmp ecx, 0x0100_0000
                ; je =>slow_path);
        }
    }

    /// With the result in xmm`d`: to `slow_path` for a NaN, else the
    /// result bits in rax.
    pub(super) fn nan_check(&mut self, double: bool, slow_path: DynamicLabel, d: u8) {
        if double {
            dynasm!(self.a ; .arch x64 ; ucomisd Rx(d), Rx(d) ; jp =>slow_path);
        } else {
            dynasm!(self.a ; .arch x64 ; ucomiss Rx(d), Rx(d) ; jp =>slow_path);
        }
        self.result_bits(double, d);
    }

    /// rax = the bits of the result in xmm`d` (a single zero-extended).
    pub(super) fn result_bits(&mut self, double: bool, d: u8) {
        if double {
            dynasm!(self.a ; .arch x64 ; movq rax, Rx(d));
        } else {
            dynasm!(self.a ; .arch x64 ; movd eax, Rx(d));
        }
    }

    /// xmm0 *= 2^`e` (a normal power of two of the format; xmm1 and rcx
    /// are scratch).
    pub(super) fn scale(&mut self, double: bool, e: i32) {
        if double {
            let k = (1023 + i64::from(e)) << 52;
            dynasm!(self.a ; .arch x64
                ; mov rcx, QWORD k
                ; movq xmm1, rcx
                ; mulsd xmm0, xmm1);
        } else {
            let k = (127 + e) << 23;
            dynasm!(self.a ; .arch x64
                ; mov ecx, k
                ; movd xmm1, ecx
                ; mulss xmm0, xmm1);
        }
    }
}
