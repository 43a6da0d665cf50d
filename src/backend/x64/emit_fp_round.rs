//! Scalar rounding inline: FRINT{N,P,M,Z,A,I,X} ([`crate::ir::FpOp::Round`]) with
//! SSE4.1 `roundsd`/`roundss`, and FCVT{N,P,M,Z,A}{S,U} to W/X without
//! fraction bits ([`crate::ir::FpOp::ToInt`]) with `cvttsd2si`/`cvttss2si` (after a
//! `rounds*` for the modes other than toward zero). Ties away has no x86
//! mode: it is built exactly from truncations (see `Emitter::round_in`,
//! below). Exceptional operands
//! (NaNs, magnitudes near or beyond the integer range, negative operands
//! of an unsigned conversion) and FPCR.FZ take the exact helper; hosts
//! without SSE4.1 use it for every form but FCVTZ*.

use super::emit::Emitter;
use super::emit_fcache::Bits;
use super::emit_fp::{FPCR_FZ, FPCR_NOT_DEFAULT};
use super::emit_vec::has_sse41;
use crate::ir::{FpOp, FpRound, HelperFn, Val};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// The `rounds*` immediate for `mode` (a default FPCR is checked for
/// [`FpRound::Fpcr`]: to nearest); the precision exception is suppressed
/// (bit 3) unless `inexact` asks for it.
fn round_imm(mode: FpRound, inexact: bool) -> i8 {
    let m = match mode {
        FpRound::TieEven | FpRound::Fpcr => 0,
        FpRound::NegInf => 1,
        FpRound::PosInf => 2,
        FpRound::Zero => 3,
        FpRound::TieAway => unreachable!("ties away has no single x86 form"),
    };
    if inexact {
        m
    } else {
        m | 8
    }
}

impl Emitter {
    /// FCVT{N,P,M,Z}{S,U} ([`crate::ir::FpOp::ToInt`]) with FPCR.FZ clear (the
    /// rounding mode is the instruction's). Operands whose magnitude is
    /// below 2^31 (signed W), 2^32 (unsigned W) or 2^63 (X), halved for
    /// the modes that may round up, run inline, tested on the exponent
    /// before anything raises a flag (an unsigned conversion tests the
    /// sign with it, so negative operands, -0 included, take the helper,
    /// as do NaNs and infinities). `rounds*` then raises Inexact exactly
    /// when rounding changes the value, and `cvtts*2si` into a 64-bit
    /// register converts the integral value exactly; toward zero,
    /// `cvtts*2si` alone truncates and raises Inexact as Arm does.
    /// Denormals become 0 (or ±1) with Inexact on both. Fixed point
    /// (`fbits` fraction bits): the operand is first multiplied by
    /// 2^fbits, exactly (the range test, lowered by `fbits`, leaves no
    /// overflow; a product never underflows) and raising nothing.
    pub(super) fn fp_to_int(
        &mut self,
        double: bool,
        (signed, x64, mode, fbits): (bool, bool, FpRound, u8),
        (dst, a): (Val, Val),
        (slow, c): (HelperFn, (u64, u64)),
    ) {
        let slow_path = self.a.new_dynamic_label();
        let round = mode != FpRound::Zero;
        if round && !has_sse41() {
            self.helper_only(slow_path, (dst, a), (slow, c));
            return;
        }
        self.check_fpcr(slow_path, FPCR_FZ);
        self.fp_first(0, a, double);
        let bits: i32 = match (signed, x64) {
            (true, false) => 31,
            (false, false) => 32,
            (_, true) => 63,
        } - i32::from(round)
            - i32::from(fbits);
        // The biased exponent (unsigned: with the sign above it) must be
        // below bias + bits.
        let (w, e, bias): (i8, i8, i32) = if double { (64, 11, 1023) } else { (32, 8, 127) };
        if double {
            dynasm!(self.a ; .arch x64 ; movq rcx, xmm0);
        } else {
            dynasm!(self.a ; .arch x64 ; movd ecx, xmm0);
        }
        if signed {
            dynasm!(self.a ; .arch x64 ; shl rcx, 65 - w ; shr rcx, 64 - e);
        } else {
            dynasm!(self.a ; .arch x64 ; shr rcx, w - 1 - e);
        }
        dynasm!(self.a ; .arch x64 ; cmp ecx, bias + bits ; jae =>slow_path);
        if fbits != 0 {
            self.scale(double, i32::from(fbits));
        }
        if round {
            self.round_in(double, mode, true, 0);
        }
        if double {
            dynasm!(self.a ; .arch x64 ; cvttsd2si rax, xmm0);
        } else {
            dynasm!(self.a ; .arch x64 ; cvttss2si rax, xmm0);
        }
        if !x64 {
            dynasm!(self.a ; .arch x64 ; mov eax, eax);
        }
        self.fbin_slow(slow_path, dst, (a, a), slow, c);
    }

    /// FRINT{N,P,M,Z,I,X} ([`crate::ir::FpOp::Round`]): `rounds*` in the mode of the
    /// instruction (FRINTI/FRINTX: FPCR's, which must then be the default,
    /// to nearest; otherwise only FPCR.FZ must be clear). It keeps the
    /// operand's sign for a zero result as Arm does, raises Inexact only
    /// for FRINTX (the precision exception is suppressed otherwise) and
    /// nothing else for numbers; NaN results take the helper (a
    /// signalling NaN's Invalid is one the helper raises too).
    pub(super) fn fp_round(
        &mut self,
        double: bool,
        (mode, exact): (FpRound, bool),
        (dst, a): (Val, Val),
        (slow, c): (HelperFn, (u64, u64)),
    ) {
        let slow_path = self.a.new_dynamic_label();
        if !has_sse41() {
            self.helper_only(slow_path, (dst, a), (slow, c));
            return;
        }
        let mask = if mode == FpRound::Fpcr {
            FPCR_NOT_DEFAULT
        } else {
            FPCR_FZ
        };
        self.check_fpcr(slow_path, mask);
        let d = self.fp_result_reg(dst, a, double, &[]);
        let clean = self.fp_first(d, a, double);
        if mode == FpRound::TieAway {
            // Infinities and NaNs take the helper (an infinity would make
            // the ties-away sequence raise Invalid); finite operands give
            // finite results.
            if double {
                dynasm!(self.a ; .arch x64
                    ; movq rcx, Rx(d) ; add rcx, rcx ; shr rcx, 53 ; cmp ecx, 0x7FF);
            } else {
                dynasm!(self.a ; .arch x64
                    ; movd ecx, Rx(d) ; add ecx, ecx ; shr ecx, 24 ; cmp ecx, 0xFF);
            }
            dynasm!(self.a ; .arch x64 ; je =>slow_path);
            self.round_in(double, mode, exact, d);
            self.result_bits(double, d);
        } else {
            self.round_in(double, mode, exact, d);
            self.nan_check(double, slow_path, d);
        }
        self.fbin_slow(slow_path, dst, (a, a), slow, c).result_xmm = d;
        self.fp_defined(d, dst, Bits::of_result(double, clean));
    }

    /// xmm`d` rounded to an integral value as `mode` says (not xmm1 or
    /// xmm2, the scratch registers of ties away), raising Inexact when that
    /// changes it if `inexact` asks (and nothing else for numbers).
    ///
    /// Ties away, for finite operands: `t = trunc(x)` (Inexact exactly
    /// when `x` is not integral); `g = t - x` is exact and below 1 in
    /// magnitude, so `trunc(2g)` is ±1 when `|x - t| >= 0.5` (the sign
    /// opposite to `x`'s) and a zero otherwise; `t - trunc(2g)` is then
    /// exact (`|t|` is below 2^52, 2^23 for singles, or `g` is 0) and keeps
    /// `x`'s sign for a zero result (`-0 - +0`, `+0 - -0`).
    fn round_in(&mut self, double: bool, mode: FpRound, inexact: bool, d: u8) {
        if mode != FpRound::TieAway {
            let imm = round_imm(mode, inexact);
            if double {
                dynasm!(self.a ; .arch x64 ; roundsd Rx(d), Rx(d), imm);
            } else {
                dynasm!(self.a ; .arch x64 ; roundss Rx(d), Rx(d), imm);
            }
            return;
        }
        dynasm!(self.a ; .arch x64 ; movaps xmm1, Rx(d));
        self.round_in(double, FpRound::Zero, inexact, d);
        dynasm!(self.a ; .arch x64 ; movaps xmm2, Rx(d));
        self.arith_in(FpOp::Sub, double, 2, 1);
        self.arith_in(FpOp::Add, double, 2, 2);
        self.round_in(double, FpRound::Zero, false, 2);
        self.arith_in(FpOp::Sub, double, d, 2);
    }

    /// An operation that has no inline form on this host: always the
    /// helper.
    fn helper_only(
        &mut self,
        slow_path: DynamicLabel,
        (dst, a): (Val, Val),
        (slow, c): (HelperFn, (u64, u64)),
    ) {
        dynasm!(self.a ; .arch x64 ; jmp =>slow_path);
        self.fbin_slow(slow_path, dst, (a, a), slow, c);
    }
}
