//! [`VecOp::BfDot`](crate::ir::VecOp::BfDot) inline: BFDOT (vector, by
//! element) and BFMMLA with AVX2, four lanes of `BFDotAdd` at a time in
//! double precision. `BFDotAdd` (FPCR.EBF = 0) is
//! `BFAdd(c, BFAdd(BFMul(a0, b0), BFMul(a1, b1)))`, every step with
//! denormal inputs as zeros, round to odd, tiny results flushed to zero,
//! overflow to infinity, the default NaN, FPCR ignored and no exception.
//!
//! Why the double-precision route gives the architecture's result:
//!
//! * The inputs: every BFloat16 operand and the single addend must have an
//!   exponent field in 1..=254 or be ±0 (checked before anything else);
//!   denormals, infinities and NaNs take the exact helper. Widening them to
//!   doubles is exact.
//! * `BFMul`: a product of two 8-bit significands has at most 16 bits, so
//!   the double product is the exact one, which `BFRound` keeps unchanged
//!   when its magnitude is 0 or in the normal single range [2^-126, 2^128);
//!   a product outside it (flushed or infinite) takes the helper. Signed
//!   zeros come out as the architecture's (the sign is the XOR).
//! * `BFAdd(x, y)` of two such values: `s = RN(x + y)` in double. The sum
//!   is exact when `s - x == y` and `s - y == x` (TwoSum's test: for the
//!   larger operand, `s - x` is computed exactly, so it equals `y` only when
//!   no error was made). Call `low` the 29 fraction bits of `s` below
//!   single precision. Rounding to odd keeps the single part of the exact
//!   sum and sets its last bit when anything nonzero lies below it:
//!   - exact sum, `low == 0`: `s` itself;
//!   - exact sum, `low != 0`: `s` truncated with its last single bit set;
//!   - inexact sum, `low != 0`: the same. `s` is not a single, and the exact
//!     sum lies within half a double ulp of `s`, so strictly between the
//!     same two neighbouring singles (which are doubles too), and the
//!     truncation and the sticky bit are those of the exact sum;
//!   - inexact sum, `low == 0`: `s` is a single and the exact sum may lie
//!     on either side of it: the helper.
//!
//!   The result is exact zero only for an exact sum: `+0` for `x == -y`,
//!   the IEEE sign rule for two zeros, as `BFAdd`. Otherwise its
//!   magnitude lies in the binade of the exact sum (rounding to odd never
//!   leaves it), and the limits of the normal single range are singles,
//!   so the range check on the result is the check on the exact sum: a
//!   tiny or overflowing sum takes the helper.
//! * So each of the two additions is reproduced, the outer one on the
//!   inner one's rounded result (a single, hence exact as a double), and
//!   the final double is a normal single or zero, which `vcvtpd2ps`
//!   converts exactly. BFMMLA chains two `BFDotAdd`s per lane, the second
//!   on the first's (checked) result.
//!
//! The double operations raise x86 Inexact (and the bad lanes anything),
//! which must not reach FPSR: MXCSR is saved on the stack before them and
//! restored after, before the branch to the helper. Any lane outside the
//! fast path sends the whole instruction to the helper. Scratch: `xmm0`–
//! `xmm5` (`ymm`), `rax`, `rcx`; hosts without AVX2 use the helper.

use super::emit::Emitter;
use crate::ir::HelperFn;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// Lane constants, 32 bytes each.
#[repr(C, align(32))]
struct Consts([[u64; 4]; 13]);

const fn rep16(x: u16) -> u64 {
    let x = x as u64;
    x | x << 16 | x << 32 | x << 48
}

const fn rep32(x: u32) -> u64 {
    x as u64 | (x as u64) << 32
}

/// Bits of 2^-126 and 2^128 as doubles.
const MIN_D: u64 = 897 << 52;
const MAX_D: u64 = 1151 << 52;
const SIGN: u64 = 1 << 63;

static CONSTS: Consts = Consts([
    [rep16(0x7FFF); 4],
    [rep16(0x0080); 4],
    [rep16(0x00FF); 4],
    [rep32(0x7FFF_FFFF); 4],
    [rep32(0x0080_0000); 4],
    [rep32(0x00FF_FFFF); 4],
    [0; 4],
    [rep32(0xFFFF_0000); 4],
    [!SIGN; 4],
    // |x| - 2^-126 with the sign flipped: unsigned compares as signed.
    [SIGN.wrapping_sub(MIN_D); 4],
    [(MAX_D - MIN_D - 1) ^ SIGN; 4],
    [0x1FFF_FFFF; 4],
    [0x2000_0000; 4],
]);
/// Offsets of the constants in [`CONSTS`].
const ABS16: i32 = 0;
const EXP_UP16: i32 = 32;
const TINY16: i32 = 64;
const ABS32: i32 = 96;
const EXP_UP32: i32 = 128;
const TINY32: i32 = 160;
const ZERO: i32 = 192;
const HI16: i32 = 224;
const ABS64: i32 = 256;
const RANGE_BIAS: i32 = 288;
const RANGE_LAST: i32 = 320;
const LOW29: i32 = 352;
const BIT29: i32 = 384;

/// The operands of one [`Emitter::vec_bfdot`].
pub(super) struct BfDot {
    pub mmla: bool,
    pub q: bool,
    /// CPU-state offsets of `V[vd]`, `V[vn]`, `V[vm]`.
    pub d: i32,
    pub n: i32,
    pub m: i32,
    pub elem: Option<u8>,
}

impl Emitter {
    /// BFDOT/BFMMLA (see the module docs).
    pub(super) fn vec_bfdot(&mut self, op: BfDot, slow: HelperFn, arg: u64) {
        if !super::emit_dot::has_avx2() {
            self.vec_slow(slow, arg);
            return;
        }
        let slow_path = self.a.new_dynamic_label();
        let consts = &CONSTS as *const Consts as i64;
        dynasm!(self.a ; .arch x64 ; mov rax, QWORD consts);
        // xmm0 = n, xmm1 = m (or its element everywhere), xmm2 = d; the
        // 64-bit form's upper lanes zero (all fast-path zeros).
        let q = op.q || op.mmla;
        self.load_v(0, op.n);
        self.load_v(2, op.d);
        match op.elem {
            Some(i) => {
                let off = op.m + 4 * i as i32;
                dynasm!(self.a ; .arch x64 ; vpbroadcastd xmm1, DWORD [r15 + off]);
            }
            None => self.load_v(1, op.m),
        }
        if !q {
            dynasm!(self.a ; .arch x64
                ; vmovq xmm0, xmm0
                ; vmovq xmm1, xmm1
                ; vmovq xmm2, xmm2);
        }
        self.bfdot_inputs(slow_path);
        // MXCSR's flags are the guest's: saved here, restored below.
        dynasm!(self.a ; .arch x64
            ; sub rsp, 8
            ; stmxcsr [rsp]
            ; vpxor xmm5, xmm5, xmm5);
        if op.mmla {
            // Lane 2i + j: row i of n with row j of m; first their first
            // pairs (n words 0 0 2 2 with m words 0 2 0 2), then their
            // second (1 1 3 3, 1 3 1 3) into the sum.
            dynasm!(self.a ; .arch x64
                ; sub rsp, 32
                ; vmovdqu [rsp], xmm0
                ; vmovdqu [rsp + 16], xmm1
                ; vpshufd xmm0, xmm0, 0xA0u8 as i8
                ; vpshufd xmm1, xmm1, 0x88u8 as i8);
            self.bfdot_step();
            dynasm!(self.a ; .arch x64
                ; vpshufd xmm0, [rsp], 0xF5u8 as i8
                ; vpshufd xmm1, [rsp + 16], 0xDDu8 as i8
                ; add rsp, 32);
        }
        self.bfdot_step();
        dynasm!(self.a ; .arch x64
            ; ldmxcsr [rsp]
            ; add rsp, 8
            ; vptest ymm5, ymm5
            ; vzeroupper
            ; jnz =>slow_path
            ; vmovdqa xmm0, xmm2);
        self.store_v(op.d, q);
        self.vec_slow_path(slow_path, slow, arg);
    }

    /// To `slow_path` unless every BFloat16 of xmm0 and xmm1 and every
    /// single of xmm2 is ±0 or has an exponent field in 1..=254.
    fn bfdot_inputs(&mut self, slow_path: DynamicLabel) {
        dynasm!(self.a ; .arch x64
            // Normal: |x| + (1 << fraction bits) > all ones below the
            // exponent, as signed lanes (infinities and NaNs go negative).
            ; vpand xmm3, xmm0, [rax + ABS16]
            ; vpaddw xmm4, xmm3, [rax + EXP_UP16]
            ; vpcmpgtw xmm4, xmm4, [rax + TINY16]
            ; vpcmpeqw xmm3, xmm3, [rax + ZERO]
            ; vpor xmm5, xmm3, xmm4
            ; vpand xmm3, xmm1, [rax + ABS16]
            ; vpaddw xmm4, xmm3, [rax + EXP_UP16]
            ; vpcmpgtw xmm4, xmm4, [rax + TINY16]
            ; vpcmpeqw xmm3, xmm3, [rax + ZERO]
            ; vpor xmm3, xmm3, xmm4
            ; vpand xmm5, xmm5, xmm3
            ; vpand xmm3, xmm2, [rax + ABS32]
            ; vpaddd xmm4, xmm3, [rax + EXP_UP32]
            ; vpcmpgtd xmm4, xmm4, [rax + TINY32]
            ; vpcmpeqd xmm3, xmm3, [rax + ZERO]
            ; vpor xmm3, xmm3, xmm4
            ; vpand xmm5, xmm5, xmm3
            ; pmovmskb ecx, xmm5
            ; cmp ecx, 0xFFFF
            ; jne =>slow_path);
    }

    /// xmm2 = `BFDotAdd(xmm2, xmm0, xmm1)` on four lanes, as doubles in
    /// the module docs; lanes off the fast path set bits of ymm5. Clobbers
    /// `ymm0`–`ymm4`.
    fn bfdot_step(&mut self) {
        dynasm!(self.a ; .arch x64
            // ymm3 = a0 * b0, ymm0 = a1 * b1 (exact).
            ; vpslld xmm3, xmm0, 16
            ; vcvtps2pd ymm3, xmm3
            ; vpslld xmm4, xmm1, 16
            ; vcvtps2pd ymm4, xmm4
            ; vmulpd ymm3, ymm3, ymm4
            ; vpand xmm0, xmm0, [rax + HI16]
            ; vcvtps2pd ymm0, xmm0
            ; vpand xmm1, xmm1, [rax + HI16]
            ; vcvtps2pd ymm1, xmm1
            ; vmulpd ymm0, ymm0, ymm1);
        self.bfdot_range(3, (1, 4));
        self.bfdot_range(0, (1, 4));
        // ymm4 = BFAdd(ymm3, ymm0).
        dynasm!(self.a ; .arch x64 ; vaddpd ymm4, ymm3, ymm0);
        self.bfdot_exact(4, (3, 0), 1);
        self.bfdot_round_odd(4, 1, (0, 3));
        self.bfdot_range(4, (0, 3));
        // ymm3 = BFAdd(c, ymm4).
        dynasm!(self.a ; .arch x64
            ; vcvtps2pd ymm0, xmm2
            ; vaddpd ymm3, ymm0, ymm4);
        self.bfdot_exact(3, (0, 4), 1);
        self.bfdot_round_odd(3, 1, (0, 2));
        self.bfdot_range(3, (0, 2));
        dynasm!(self.a ; .arch x64 ; vcvtpd2ps xmm2, ymm3);
    }

    /// ymm`inexact` = all ones in the lanes where ymm`s` = ymm`x` + ymm`y`
    /// was not exact (TwoSum's test); ymm`x` and ymm`y` are clobbered.
    fn bfdot_exact(&mut self, s: u8, (x, y): (u8, u8), inexact: u8) {
        // NEQ (4) is symmetric: the operand order does not matter.
        dynasm!(self.a ; .arch x64
            ; vsubpd Ry(inexact), Ry(s), Ry(x)
            ; vcmppd Ry(inexact), Ry(inexact), Ry(y), 4
            ; vsubpd Ry(y), Ry(s), Ry(y)
            ; vcmppd Ry(y), Ry(y), Ry(x), 4
            ; vorpd Ry(inexact), Ry(inexact), Ry(y));
    }

    /// ymm`s` rounded to odd at single precision (its 29 low fraction bits
    /// cleared, the last single bit set when they were not zero); lanes
    /// that were inexact (ymm`inexact`) with those bits zero go to the
    /// helper (ymm5).
    fn bfdot_round_odd(&mut self, s: u8, inexact: u8, (t, u): (u8, u8)) {
        dynasm!(self.a ; .arch x64
            ; vpand Ry(t), Ry(s), [rax + LOW29]
            ; vpxor Ry(s), Ry(s), Ry(t)
            ; vpcmpeqq Ry(t), Ry(t), [rax + ZERO]
            ; vpand Ry(inexact), Ry(inexact), Ry(t)
            ; vpor ymm5, ymm5, Ry(inexact)
            ; vpandn Ry(u), Ry(t), [rax + BIT29]
            ; vpor Ry(s), Ry(s), Ry(u));
    }

    /// Sets bits of ymm5 in the lanes where the double ymm`x` is neither
    /// ±0 nor in the normal single range; ymm`t`, ymm`u` scratch.
    fn bfdot_range(&mut self, x: u8, (t, u): (u8, u8)) {
        dynasm!(self.a ; .arch x64
            ; vpand Ry(t), Ry(x), [rax + ABS64]
            ; vpaddq Ry(u), Ry(t), [rax + RANGE_BIAS]
            ; vpcmpgtq Ry(u), Ry(u), [rax + RANGE_LAST]
            ; vpcmpeqq Ry(t), Ry(t), [rax + ZERO]
            // Out of range and not zero: u & !t, as u ^ (u & t).
            ; vpand Ry(t), Ry(t), Ry(u)
            ; vpxor Ry(t), Ry(t), Ry(u)
            ; vpor ymm5, ymm5, Ry(t));
    }
}
