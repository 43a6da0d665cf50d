//! Half precision (FEAT_FP16) inline with F16C and AVX2, on hosts that have
//! them (checked once, at the first translation; other hosts call the
//! exact helpers). The lanes are converted to single precision
//! (`vcvtph2ps`, exact), computed there and rounded back once
//! (`vcvtps2ph`, ties to even), under the same conditions as the single
//! and double forms of `emit_fp`: FPCR selects round to nearest and no
//! flushing (FPCR.FZ16 for the arithmetic; FPCR.AHP for the conversions),
//! and results where x86 and Arm differ take the exact helper instead:
//!
//! * NaN results (Arm's propagation and default NaN differ from x86's),
//!   and NaN operands of the vector compares and maxima/minima (FCMEQ
//!   and FMAX/FMIN signal Invalid only for a signalling NaN, FCMGE/FCMGT
//!   and FACGE/FACGT, which compare absolute values, for any; FMAXNM/FMINNM, which differ from FMAX/FMIN only in their
//!   NaN rules, take this path as themselves; between numbers none of
//!   them raises anything on either side, and a maximum or minimum is
//!   one of its operands, exactly);
//! * a result of exactly the smallest normal magnitude, 0x0400 (Arm
//!   detects tininess before rounding, x86 after, so only a value that
//!   rounds up to it can be reported differently);
//! * for the fused multiply-adds (FMLA/FMLS, and the scalar FMADD, FMSUB,
//!   FNMADD and FNMSUB), any infinity or NaN, and a
//!   single-precision sum that is exactly a half or halfway between two
//!   halves while the sum was not exact (see below).
//!
//! Why one rounding through single precision is exact:
//!
//! * FADD/FSUB/FMUL/FDIV/FSQRT: single precision has 24 >= 2 * 11 + 2
//!   bits, so rounding the correctly rounded single result to half gives
//!   the correctly rounded half; products of halves are exact in single
//!   precision, and no result of two halves is subnormal in single
//!   precision, so the single step raises at most Inexact, and only when
//!   the half result is inexact too; with the conversion's own flags the
//!   union is Arm's (Inexact, Overflow, and Underflow for a tiny inexact
//!   result; the smallest normal is the exception above). FABD is FSUB
//!   with the sign cleared, which commutes with the rounding. The
//!   pairwise FADDP, FMAXP/FMAXNMP and FMINP/FMINNMP are FADD, FMAX and
//!   FMIN between the even and the odd lanes of `m:n` (`pshufb` sorts
//!   them before the conversion), NaN operands going to the helper; their
//!   scalar forms (lanes 0 and 1 of `n`) and scalar FACGE/FACGT run the
//!   same lanes with every lane but 0 zero.
//! * FMLA/FMLS: the product of two halves is exact in single precision
//!   (22 bits) and the sum `r` with the addend is rounded once. Call the
//!   halves and the midpoints between neighbouring halves (the half
//!   "grid") the values where rounding to half changes; all are singles.
//!   Rounding is monotonic, so if `r` is not on the grid, the exact sum
//!   lies strictly between the same two grid points and rounds to the same
//!   half, inexactly. On the grid, the low 12 bits of `r`'s encoding are
//!   zero (for a normal half the grid step is 2^-11 of the binade, 12
//!   fraction bits of a single; below, coarser); when they are zero, the
//!   sum must have been exact, which TwoSum's test checks: with `r = RN(p
//!   + c)`, `r - p == c` and `r - c == p` hold (computed, and compared as
//!   numbers) only when the error `p + c - r` is zero.
//! * FRECPS/FRSQRTS: `2 - n * m` and `(3 - n * m) / 2` are FMLS with
//!   an addend of 2 or 3 (the halving of the single sum is exact and keeps
//!   its fraction, so its place on the half grid), with the same test;
//!   lanes with an infinite or NaN operand take the helper before the
//!   product (infinity times zero is 2 or 1.5 there, without Invalid), as
//!   they do for FMULX, which is FMUL otherwise. The scalar forms and the
//!   scalar FMUL/FMLA/FMLS/FMULX by element compute lane 0 (lane `index`
//!   of `m`) with zeros elsewhere and keep lane 0 of the result.
//! * FSQRT: as the scalar form, one rounding of the single root (negative
//!   lanes give a NaN, which takes the helper; Arm and x86 both signal
//!   Invalid for them). The compares with zero compare against a zero
//!   register (FCMLE and FCMLT as FCMGE and FCMGT with the operands
//!   swapped) and read no `m`.
//! * FCVT from double: `cvtsd2ss` rounds to single first. By the same
//!   monotonicity, a single off the half grid rounds to the half the double
//!   does, inexactly; one on the grid must be the double exactly (converted
//!   back and compared), else the helper decides. The single step's flags
//!   are the half result's too: Inexact only for an inexact single, hence
//!   half; Overflow only beyond the single range, far beyond the half's;
//!   Underflow only for a tiny inexact single, hence a tiny inexact half.
//!
//! Exception flags stay pending in MXCSR as for the other inline forms
//! (`crate::cpu::fpenv`); an operation that goes to its helper has raised
//! only flags the architecture raises for it too (sNaN conversion: Invalid;
//! Inexact only for an inexact result).

use super::emit::Emitter;
use super::emit_fp::{Arg, FPCR_NOT_DEFAULT};
use crate::ir::{FpOp, FpSize, HalfOp, HelperFn, Val};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;
use std::sync::OnceLock;

/// FPCR.RMode and FPCR.FZ16: the half-precision arithmetic needs them clear.
const HALF_NOT_DEFAULT: i32 = 0x00C8_0000;
/// FPCR.FZ16.
pub(super) const FZ16: i32 = 1 << 19;
/// FPCR.AHP: the conversions need it clear.
const AHP: i32 = 1 << 26;

/// Whether the host has F16C and AVX2 (checked once).
pub(super) fn has_f16c() -> bool {
    static F16C: OnceLock<bool> = OnceLock::new();
    *F16C.get_or_init(|| {
        std::arch::is_x86_feature_detected!("f16c") && std::arch::is_x86_feature_detected!("avx2")
    })
}

/// Lane constants the vector forms read.
#[repr(C, align(32))]
struct Consts {
    /// The exponent field of a single.
    exp32: [u32; 8],
    /// The fraction bits of a single below a half's grid.
    low12: [u32; 8],
    /// The sign of a single.
    sign32: [u32; 8],
    /// All bits of a single but the sign.
    abs32: [u32; 8],
    /// All bits of a half but the sign.
    abs16: [u16; 16],
    /// The smallest normal half.
    min_normal16: [u16; 16],
    /// The sign of a single in lane 0 alone.
    sign_lane0: [u32; 4],
    /// `pshufb` bytes putting the even halves of a register first, then
    /// the odd ones.
    evens_odds: [u8; 16],
    /// 2.0, 3.0 and 0.5 as singles (FRECPS, FRSQRTS).
    two32: [f32; 8],
    three32: [f32; 8],
    half32: [f32; 8],
}

static CONSTS: Consts = Consts {
    exp32: [0x7F80_0000; 8],
    low12: [0xFFF; 8],
    sign32: [0x8000_0000; 8],
    abs32: [0x7FFF_FFFF; 8],
    abs16: [0x7FFF; 16],
    min_normal16: [0x0400; 16],
    sign_lane0: [0x8000_0000, 0, 0, 0],
    evens_odds: [0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15],
    two32: [2.0; 8],
    three32: [3.0; 8],
    half32: [0.5; 8],
};

impl Emitter {
    /// A scalar half-precision [`crate::ir::Op::FBin`], and the conversions
    /// between half and single or double precision.
    pub(super) fn fbin_half(
        &mut self,
        op: FpOp,
        size: FpSize,
        dst: Val,
        (a, b): (Val, Val),
        slow: HelperFn,
        (c0, c1): (u64, u64),
    ) {
        let slow_path = self.a.new_dynamic_label();
        if !has_f16c() {
            dynasm!(self.a ; .arch x64 ; jmp =>slow_path);
        } else {
            match op {
                FpOp::Add | FpOp::Sub | FpOp::Mul | FpOp::Div | FpOp::Sqrt => {
                    self.check_fpcr(slow_path, HALF_NOT_DEFAULT);
                    self.load_half(0, a);
                    if op != FpOp::Sqrt {
                        self.load_half(1, b);
                    }
                    self.arith(op, false);
                    self.round_to_half(slow_path);
                }
                FpOp::Cmp | FpOp::CmpE => {
                    // FPCompare flushes denormal halves under FZ16.
                    self.check_fpcr(slow_path, FZ16);
                    self.load_half(0, a);
                    self.load_half(1, b);
                    self.compare(false, slow_path);
                }
                FpOp::FromHalf => {
                    // Exact; FZ16 plays no part in FCVT (FPUnpackCV).
                    self.check_fpcr(slow_path, AHP);
                    self.load_half(0, a);
                    dynasm!(self.a ; .arch x64
                        ; ucomiss xmm0, xmm0
                        ; jp =>slow_path);
                    if size == FpSize::Double {
                        dynasm!(self.a ; .arch x64
                            ; cvtss2sd xmm0, xmm0
                            ; movq rax, xmm0);
                    } else {
                        dynasm!(self.a ; .arch x64 ; movd eax, xmm0);
                    }
                }
                FpOp::ToHalf => {
                    // FZ flushes a denormal operand (with IDC).
                    self.check_fpcr(slow_path, FPCR_NOT_DEFAULT | AHP);
                    self.load_xmm(0, a);
                    if size == FpSize::Double {
                        self.double_to_single(slow_path);
                    }
                    self.round_to_half(slow_path);
                }
                // Conversions from and to integers and singles, rounding,
                // maximum, minimum, FNMUL.
                _ => unreachable!("no half form"),
            }
        }
        self.fbin_slow(slow_path, dst, (a, b), slow, (c0, c1));
    }

    /// A scalar half-precision [`crate::ir::Op::FMulAdd`]: `(±addend) +
    /// (±op1) * op2` as FMLA's lanes are computed (see the module comment).
    pub(super) fn fmuladd_half(
        &mut self,
        (neg_addend, neg_op1): (bool, bool),
        dst: Val,
        (addend, op1, op2): (Val, Val, Val),
        slow: HelperFn,
        ctl: u64,
    ) {
        let slow_path = self.a.new_dynamic_label();
        if !has_f16c() {
            dynasm!(self.a ; .arch x64 ; jmp =>slow_path);
        } else {
            self.check_fpcr(slow_path, HALF_NOT_DEFAULT);
            self.load_half(0, op1);
            self.load_half(1, op2);
            self.load_half(2, addend);
            // The other lanes stay zero, for the conversion of all four.
            let sign = &CONSTS.sign_lane0 as *const [u32; 4] as i64;
            let round = self.a.new_dynamic_label();
            // p = (±op1) * op2 (exact) in xmm1, c = ±addend in xmm2.
            dynasm!(self.a ; .arch x64
                ; mov rax, QWORD sign
                ; mulss xmm1, xmm0);
            if neg_op1 {
                dynasm!(self.a ; .arch x64 ; vxorps xmm1, xmm1, [rax]);
            }
            if neg_addend {
                dynasm!(self.a ; .arch x64 ; vxorps xmm2, xmm2, [rax]);
            }
            // r = p + c (rounded once); infinities and NaNs (r is finite
            // exactly when all the operands are) go to the helper; off the
            // half grid r rounds as the exact sum, on it the sum must be
            // exact (TwoSum's test).
            dynasm!(self.a ; .arch x64
                ; vaddss xmm0, xmm1, xmm2
                ; movd eax, xmm0
                ; mov ecx, eax
                ; and ecx, 0x7F80_0000
                ; cmp ecx, 0x7F80_0000
                ; je =>slow_path
                ; test eax, 0xFFF
                ; jnz =>round
                ; vsubss xmm3, xmm0, xmm1
                ; ucomiss xmm3, xmm2
                ; jne =>slow_path
                ; vsubss xmm3, xmm0, xmm2
                ; ucomiss xmm3, xmm1
                ; jne =>slow_path
                ; =>round);
            self.round_to_half(slow_path);
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

    /// xmm`x` = the half `v` (zero-extended) as a single, in lane 0 (the
    /// other lanes zero).
    fn load_half(&mut self, x: u8, v: Val) {
        self.load_xmm(x, v);
        dynasm!(self.a ; .arch x64 ; vcvtph2ps Rx(x), Rx(x));
    }

    /// xmm0 = the double in xmm0 rounded to single, a single that rounds to
    /// the same half as the double: NaNs and a single on the half grid that
    /// is not the double exactly go to `slow_path` (see the module
    /// comment).
    fn double_to_single(&mut self, slow_path: DynamicLabel) {
        let next = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; ucomisd xmm0, xmm0
            ; jp =>slow_path
            ; xorps xmm1, xmm1
            ; cvtsd2ss xmm1, xmm0
            ; movd eax, xmm1
            ; test eax, 0xFFF
            ; jnz =>next
            ; cvtss2sd xmm2, xmm1
            ; ucomisd xmm2, xmm0
            ; jne =>slow_path
            ; =>next
            ; movaps xmm0, xmm1);
    }

    /// rax = the single in xmm0 rounded to half (ties to even); NaNs and a
    /// result of the smallest normal magnitude go to `slow_path`.
    fn round_to_half(&mut self, slow_path: DynamicLabel) {
        dynasm!(self.a ; .arch x64
            ; ucomiss xmm0, xmm0
            ; jp =>slow_path
            ; vcvtps2ph xmm0, xmm0, 0
            ; movd eax, xmm0
            ; mov ecx, eax
            ; and ecx, 0x7FFF
            ; cmp ecx, 0x0400
            ; je =>slow_path);
    }
}

/// The lane arithmetic and checks of [`Emitter::vec_half`] with `$R` the
/// register family of the lanes: `Ry` for eight lanes, `Rx` for four.
/// Operands in 0 (n), 1 (m) and 2 (d), rax = [`CONSTS`]; leaves the half
/// results in xmm0 (the compares: their 32-bit masks in 3). dynasm encodes
/// `vcmpps`'s two sources in the opposite order: `vcmpps a, b, c, p` sets
/// `a = c p b`, which the compares' predicates take into account (the test
/// of `tests/ir_backend/half.rs` fails with the order reversed).
macro_rules! half_lanes {
    ($ops:expr, $R:ident, $op:expr, $slow:expr, $k:expr) => {{
        let (op, slow_path, k): (HalfOp, DynamicLabel, &KOffsets) = ($op, $slow, $k);
        // FMULX's infinity times zero is ±2 (FRECPS's 2, FRSQRTS's 1.5),
        // without Invalid: lanes with an infinite (or NaN) operand go to
        // the helper before x86 raises Invalid on them.
        if matches!(op, HalfOp::Mulx | HalfOp::Recps | HalfOp::Rsqrts) {
            dynasm!($ops ; .arch x64
                ; vandps $R(3), $R(0), [rax + k.exp32]
                ; vpcmpeqd $R(3), $R(3), [rax + k.exp32]
                ; vandps $R(4), $R(1), [rax + k.exp32]
                ; vpcmpeqd $R(4), $R(4), [rax + k.exp32]
                ; vpor $R(3), $R(3), $R(4)
                ; vptest $R(3), $R(3)
                ; jnz =>slow_path);
        }
        match op {
            HalfOp::Add => dynasm!($ops ; .arch x64 ; vaddps $R(0), $R(0), $R(1)),
            HalfOp::Sub => dynasm!($ops ; .arch x64 ; vsubps $R(0), $R(0), $R(1)),
            HalfOp::Mul => dynasm!($ops ; .arch x64 ; vmulps $R(0), $R(0), $R(1)),
            HalfOp::Div => dynasm!($ops ; .arch x64 ; vdivps $R(0), $R(0), $R(1)),
            // The rounding commutes with the absolute value.
            HalfOp::Abd => dynasm!($ops ; .arch x64
                ; vsubps $R(0), $R(0), $R(1)
                ; vandps $R(0), $R(0), [rax + k.abs32]),
            // NaN operands first: x86 and Arm raise Invalid for different
            // NaNs. Between numbers neither raises anything.
            HalfOp::Cmeq
            | HalfOp::Cmge
            | HalfOp::Cmgt
            | HalfOp::Acge
            | HalfOp::Acgt
            | HalfOp::Max
            | HalfOp::Min => {
                // FACGE/FACGT compare the magnitudes (an absolute value
                // keeps a NaN a NaN).
                if matches!(op, HalfOp::Acge | HalfOp::Acgt) {
                    dynasm!($ops ; .arch x64
                        ; vandps $R(0), $R(0), [rax + k.abs32]
                        ; vandps $R(1), $R(1), [rax + k.abs32]);
                }
                dynasm!($ops ; .arch x64
                    ; vcmpps $R(3), $R(0), $R(1), 3
                    ; vptest $R(3), $R(3)
                    ; jnz =>slow_path);
                // x86's maximum and minimum return the second operand
                // when the two are equal, +0 and -0 included; with the
                // operands both ways round, AND (OR) gives Arm's +0
                // maximum (-0 minimum) and leaves other results alone.
                match op {
                    HalfOp::Max => dynasm!($ops ; .arch x64
                        ; vmaxps $R(4), $R(0), $R(1)
                        ; vmaxps $R(0), $R(1), $R(0)
                        ; vandps $R(0), $R(0), $R(4)),
                    HalfOp::Min => dynasm!($ops ; .arch x64
                        ; vminps $R(4), $R(0), $R(1)
                        ; vminps $R(0), $R(1), $R(0)
                        ; vorps $R(0), $R(0), $R(4)),
                    _ => (),
                }
            }
            HalfOp::AddP | HalfOp::MaxP | HalfOp::MinP => unreachable!("unpaired first"),
            HalfOp::CmeqZ | HalfOp::CmgeZ | HalfOp::CmgtZ | HalfOp::CmleZ | HalfOp::CmltZ => {
                unreachable!("operands with zero first")
            }
            HalfOp::MaxV | HalfOp::MinV => unreachable!("a reduction"),
            HalfOp::Sqrt => dynasm!($ops ; .arch x64 ; vsqrtps $R(0), $R(0)),
            HalfOp::Mulx => dynasm!($ops ; .arch x64 ; vmulps $R(0), $R(0), $R(1)),
            HalfOp::Mla | HalfOp::Mls | HalfOp::Recps | HalfOp::Rsqrts => {
                if op != HalfOp::Mla {
                    dynasm!($ops ; .arch x64 ; vxorps $R(0), $R(0), [rax + k.sign32]);
                }
                // p = n * m (exact), r = p + d (rounded once).
                dynasm!($ops ; .arch x64
                    ; vmulps $R(1), $R(0), $R(1)
                    ; vaddps $R(0), $R(1), $R(2));
            }
        }
        if op.is_compare() {
            // The mask lanes in 3: n == m, m <= n (2, LE) and m < n (1,
            // LT), written with dynasm's order of the sources (n, m).
            match op {
                HalfOp::Cmeq => dynasm!($ops ; .arch x64 ; vcmpps $R(3), $R(0), $R(1), 0),
                HalfOp::Cmge | HalfOp::Acge => {
                    dynasm!($ops ; .arch x64 ; vcmpps $R(3), $R(0), $R(1), 2)
                }
                _ => dynasm!($ops ; .arch x64 ; vcmpps $R(3), $R(0), $R(1), 1),
            }
        } else if matches!(op, HalfOp::Mla | HalfOp::Mls | HalfOp::Recps | HalfOp::Rsqrts) {
            // Infinities and NaNs (r is finite exactly when all the operands
            // are) before the exactness test, which would raise Invalid on
            // them.
            dynasm!($ops ; .arch x64
                ; vandps $R(3), $R(0), [rax + k.exp32]
                ; vpcmpeqd $R(3), $R(3), [rax + k.exp32]
                ; vptest $R(3), $R(3)
                ; jnz =>slow_path
                // Lanes where r - p != d or r - d != p: inexact sums.
                ; vsubps $R(4), $R(0), $R(1)
                ; vcmpps $R(4), $R(4), $R(2), 4
                ; vsubps $R(5), $R(0), $R(2)
                ; vcmpps $R(5), $R(5), $R(1), 4
                ; vorps $R(4), $R(4), $R(5)
                // Lanes where r is on the half grid, and both.
                ; vandps $R(3), $R(0), [rax + k.low12]
                ; vpxor $R(5), $R(5), $R(5)
                ; vpcmpeqd $R(3), $R(3), $R(5)
                ; vandps $R(3), $R(3), $R(4));
            // FRSQRTS halves r, exactly (r is a normal single), which keeps
            // its fraction and so its place on or off the half grid.
            if op == HalfOp::Rsqrts {
                dynasm!($ops ; .arch x64 ; vmulps $R(0), $R(0), [rax + k.half32]);
            }
        } else {
            // NaN lanes.
            dynasm!($ops ; .arch x64 ; vcmpps $R(3), $R(0), $R(0), 3);
        }
        if !op.is_compare() {
            dynasm!($ops ; .arch x64
                ; vptest $R(3), $R(3)
                ; jnz =>slow_path
                ; vcvtps2ph xmm0, $R(0), 0);
        }
    }};
}

/// Offsets of the [`Consts`] fields.
struct KOffsets {
    exp32: i32,
    low12: i32,
    sign32: i32,
    abs32: i32,
    half32: i32,
}

impl Emitter {
    /// [`crate::ir::VecOp::Half`]: `V[vd] = V[vn] op V[vm]` on half lanes.
    // dynasm expands a register number passed through `half_lanes!` into
    // what clippy takes for a zero-prefixed literal.
    #[allow(clippy::too_many_arguments, clippy::zero_prefixed_literal)]
    pub(super) fn vec_half(
        &mut self,
        (op, q, scalar): (HalfOp, bool, bool),
        (vd, vn, vm): (u8, u8, u8),
        elem: Option<u8>,
        slow: HelperFn,
        arg: u64,
    ) {
        if !has_f16c() {
            self.vec_slow(slow, arg);
            return;
        }
        if matches!(op, HalfOp::MaxV | HalfOp::MinV) {
            self.vec_half_reduce(op == HalfOp::MaxV, q, (vd, vn), slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        let slow_path = self.a.new_dynamic_label();
        self.check_fpcr(slow_path, HALF_NOT_DEFAULT);
        let consts = &CONSTS as *const Consts as i64;
        dynasm!(self.a ; .arch x64 ; mov rax, QWORD consts);
        // xmm0/ymm0 = n, 1 = m (or its element), 2 = d, as singles; for
        // the pairwise forms 0 = the even lanes of m:n, 1 = the odd ones.
        let (op, pairwise) = match op {
            HalfOp::AddP => (HalfOp::Add, true),
            HalfOp::MaxP => (HalfOp::Max, true),
            HalfOp::MinP => (HalfOp::Min, true),
            _ => (op, false),
        };
        // The compares with zero: n against zero, or zero against n.
        let (op, zero) = match op {
            HalfOp::CmeqZ => (HalfOp::Cmeq, Some(false)),
            HalfOp::CmgeZ => (HalfOp::Cmge, Some(false)),
            HalfOp::CmgtZ => (HalfOp::Cmgt, Some(false)),
            HalfOp::CmleZ => (HalfOp::Cmge, Some(true)),
            HalfOp::CmltZ => (HalfOp::Cmgt, Some(true)),
            _ => (op, None),
        };
        // The scalar forms compute four lanes, zeros but lane 0.
        let q = q && !scalar;
        if scalar {
            // The compares with zero read no m (converting it could raise
            // Invalid for a signalling NaN).
            let m = if zero.is_some() { None } else { Some(m) };
            self.scalar_in(n, m, pairwise, elem);
        } else if pairwise {
            self.pairs_in(n, m, q);
        } else {
            self.lanes_in(0, n, q);
        }
        match (zero, elem) {
            (Some(swap), _) => {
                if swap {
                    dynasm!(self.a ; .arch x64 ; vmovaps ymm1, ymm0 ; vxorps xmm0, xmm0, xmm0);
                } else {
                    dynasm!(self.a ; .arch x64 ; vxorps xmm1, xmm1, xmm1);
                }
            }
            _ if pairwise || scalar || op == HalfOp::Sqrt => (),
            (None, Some(i)) => {
                let off = m + 2 * i as i32;
                dynasm!(self.a ; .arch x64 ; vpbroadcastw xmm1, WORD [r15 + off]);
                if q {
                    dynasm!(self.a ; .arch x64 ; vcvtph2ps ymm1, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64 ; vcvtph2ps xmm1, xmm1);
                }
            }
            (None, None) => self.lanes_in(1, m, q),
        }
        match op {
            HalfOp::Mla | HalfOp::Mls if scalar => {
                self.raw_in(2, d);
                self.word0(2, 2);
                dynasm!(self.a ; .arch x64 ; vcvtph2ps xmm2, xmm2);
            }
            HalfOp::Mla | HalfOp::Mls => self.lanes_in(2, d, q),
            HalfOp::Recps | HalfOp::Rsqrts => {
                let c = if op == HalfOp::Recps {
                    offset_of!(Consts, two32)
                } else {
                    offset_of!(Consts, three32)
                } as i32;
                dynasm!(self.a ; .arch x64 ; vmovups ymm2, [rax + c]);
            }
            _ => (),
        }
        let k = KOffsets {
            exp32: offset_of!(Consts, exp32) as i32,
            low12: offset_of!(Consts, low12) as i32,
            sign32: offset_of!(Consts, sign32) as i32,
            abs32: offset_of!(Consts, abs32) as i32,
            half32: offset_of!(Consts, half32) as i32,
        };
        let abs16 = offset_of!(Consts, abs16) as i32;
        let min_normal16 = offset_of!(Consts, min_normal16) as i32;
        if q {
            half_lanes!(self.a, Ry, op, slow_path, &k);
        } else {
            half_lanes!(self.a, Rx, op, slow_path, &k);
        }
        if op.is_compare() {
            // The 32-bit masks narrowed to 16 bits, in order.
            if q {
                dynasm!(self.a ; .arch x64
                    ; vextracti128 xmm4, ymm3, 1
                    ; vpackssdw xmm0, xmm3, xmm4
                    ; vzeroupper);
            } else {
                dynasm!(self.a ; .arch x64 ; vpackssdw xmm0, xmm3, xmm3);
            }
            if scalar {
                // |0| >= |0| holds in the other lanes.
                self.word0(0, 0);
            }
        } else {
            dynasm!(self.a ; .arch x64
                ; vzeroupper
                ; vpand xmm4, xmm0, [rax + abs16]
                ; vpcmpeqw xmm4, xmm4, [rax + min_normal16]
                ; vptest xmm4, xmm4
                ; jnz =>slow_path);
            if scalar {
                // FRECPS and FRSQRTS leave 2 and 1.5 in the other lanes.
                self.word0(0, 0);
            }
        }
        self.store_v(d, q);
        self.vec_slow_path(slow_path, slow, arg).vzeroupper = true;
    }

    /// ymm0 (eight lanes, `q`) or xmm0 (four) = the even half lanes of the
    /// concatenation m:n of the V registers at `n` and `m` as singles, ymm1
    /// or xmm1 the odd ones; rax = [`CONSTS`].
    fn pairs_in(&mut self, n: i32, m: i32, q: bool) {
        let evens_odds = offset_of!(Consts, evens_odds) as i32;
        self.raw_in(0, n);
        self.raw_in(1, m);
        if q {
            dynasm!(self.a ; .arch x64
                ; vpshufb xmm0, xmm0, [rax + evens_odds]
                ; vpshufb xmm1, xmm1, [rax + evens_odds]
                ; vpunpckhqdq xmm2, xmm0, xmm1
                ; vpunpcklqdq xmm0, xmm0, xmm1
                ; vcvtph2ps ymm0, xmm0
                ; vcvtph2ps ymm1, xmm2);
        } else {
            dynasm!(self.a ; .arch x64
                ; vpunpcklqdq xmm0, xmm0, xmm1
                ; vpshufb xmm0, xmm0, [rax + evens_odds]
                ; vpsrldq xmm1, xmm0, 8
                ; vcvtph2ps xmm0, xmm0
                ; vcvtph2ps xmm1, xmm1);
        }
    }

    /// The scalar forms: xmm0 = half lane 0 of the V register at `n` as a
    /// single and xmm1 that of `m` (with `pairwise`, lane 1 of `n`; with
    /// `elem`, lane `elem` of `m`; without `m`, zero), the other lanes
    /// zero.
    fn scalar_in(&mut self, n: i32, m: Option<i32>, pairwise: bool, elem: Option<u8>) {
        self.raw_in(2, n);
        self.word0(0, 2);
        if pairwise {
            dynasm!(self.a ; .arch x64 ; vpsrldq xmm1, xmm2, 2);
        } else if let Some(m) = m {
            self.raw_in(1, m);
            if let Some(i) = elem.filter(|&i| i != 0) {
                dynasm!(self.a ; .arch x64 ; vpsrldq xmm1, xmm1, (2 * i) as i8);
            }
        }
        if pairwise || m.is_some() {
            self.word0(1, 1);
            dynasm!(self.a ; .arch x64 ; vcvtph2ps xmm1, xmm1);
        }
        dynasm!(self.a ; .arch x64 ; vcvtph2ps xmm0, xmm0);
    }

    /// xmm`x` = the low 16 bits of xmm`y`, the rest zero.
    pub(super) fn word0(&mut self, x: u8, y: u8) {
        dynasm!(self.a ; .arch x64
            ; vpslldq Rx(x), Rx(y), 14
            ; vpsrldq Rx(x), Rx(x), 14);
    }

    /// xmm`x` = the V register at `off`.
    fn raw_in(&mut self, x: u8, off: i32) {
        match self.vcached(off) {
            Some(c) => dynasm!(self.a ; .arch x64 ; vmovdqa Rx(x), Rx(c)),
            None => dynasm!(self.a ; .arch x64 ; vmovdqu Rx(x), [r15 + off]),
        }
    }

    /// ymm`x` (eight lanes, `q`) or xmm`x` (four) = the half lanes of the
    /// V register at `off` as singles.
    pub(super) fn lanes_in(&mut self, x: u8, off: i32, q: bool) {
        match (self.vcached(off), q) {
            (Some(c), true) => dynasm!(self.a ; .arch x64 ; vcvtph2ps Ry(x), Rx(c)),
            (Some(c), false) => dynasm!(self.a ; .arch x64 ; vcvtph2ps Rx(x), Rx(c)),
            (None, true) => dynasm!(self.a ; .arch x64 ; vcvtph2ps Ry(x), OWORD [r15 + off]),
            (None, false) => dynasm!(self.a ; .arch x64 ; vcvtph2ps Rx(x), QWORD [r15 + off]),
        }
    }
}
