//! [`Op::Vec`](crate::ir::Op::Vec) inline with SSE2: shifts by an
//! immediate, widening and narrowing moves, long multiplies (SSE4.1 for
//! signed 32-bit lanes, else the helper), DUP of an element and EXT, on
//! the V registers in the CPU state. x86 has no byte shifts and no 64-bit
//! arithmetic right shift: those are word or quadword logical shifts fixed
//! up with a mask or a sign trick (`(x ^ m) - m` with `m` the shifted sign
//! bit). Scratch: `xmm0`–`xmm2`, `rax`.

use super::emit::Emitter;
use super::emit_vec::by_lane_size;
use crate::ir::{HelperFn, LongAcc, RedOp, VShiftOp, VUnOp, VecOp};
use dynasmrt::{dynasm, DynasmApi};

/// Shift kinds of the SSE2 word, dword and qword shifts.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(super) enum Sh {
    Left,
    Logical,
    Arith,
}

/// The lane value `v` repeated over 64 bits.
pub(super) fn rep(esize: u8, v: u64) -> u64 {
    let lane_mask = mask(esize);
    (0..64 / esize as u32).fold(0, |p, i| p | (v & lane_mask) << (i * esize as u32))
}

/// The low `esize` bits set.
fn mask(esize: u8) -> u64 {
    u64::MAX >> (64 - esize as u32)
}

/// Whether `op` has an inline form (else it calls its exact helper).
pub(super) fn inline_ok(op: VecOp) -> bool {
    match op {
        VecOp::MulLong {
            signed: true,
            esize: 32,
            ..
        }
        | VecOp::MulLongElem {
            signed: true,
            esize: 32,
            ..
        } => super::emit_vec::has_sse41(),
        VecOp::Half { .. } => super::emit_half::has_f16c(),
        VecOp::HalfFp { .. } => super::emit_half_cvt::inline_ok(),
        VecOp::Fp { op, .. } => {
            super::emit_vec_fp::inline_ok() && super::emit_vec_fmulx::host_ok(op)
        }
        VecOp::Dot { .. } => super::emit_dot::has_avx2(),
        VecOp::Estimate { .. } => super::emit_vec_est::inline_ok(),
        VecOp::Crypto { op, .. } => super::emit_crypto::inline_ok(op),
        // pcmpeqq is SSE4.1, pcmpgtq SSE4.2.
        VecOp::Unary {
            op: VUnOp::CmeqZ,
            esize: 64,
            ..
        } => super::emit_vec::has_sse41(),
        VecOp::Unary {
            op: VUnOp::CmgtZ | VUnOp::CmgeZ | VUnOp::CmleZ | VUnOp::CmltZ | VUnOp::Abs,
            esize: 64,
            ..
        } => super::emit_vec::has_sse42(),
        VecOp::Qdmulh { esize, .. } => super::emit_qdmulh::inline_ok(esize),
        VecOp::Qdmull { esize, .. } => super::emit_qdmull::inline_ok(esize),
        VecOp::Mmla { .. } | VecOp::BfDot { .. } => super::emit_dot::has_avx2(),
        VecOp::Unary { op, .. } => super::emit_vec_perm::unary_inline_ok(op),
        VecOp::Reduce {
            op: RedOp::Max { signed } | RedOp::Min { signed },
            esize,
            ..
        } => super::emit_vec::minmax_ok(esize, signed),
        VecOp::Same { .. } | VecOp::Tbl { .. } => super::emit_vec_sat::inline_ok(op),
        VecOp::Misc { .. } => super::emit_vec_misc::inline_ok(op),
        VecOp::SatNarrow { .. } | VecOp::QShl { .. } => super::emit_vec_widen::inline_ok(op),
        _ => true,
    }
}

impl Emitter {
    pub(super) fn vec_op(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let (d, n) = (Self::voff(vd), Self::voff(vn));
        match op {
            VecOp::Shift { op, esize, q, sh } => {
                if self.shift_avx(op, esize, q, sh, (d, n)) {
                    return;
                }
                self.load_v(0, n);
                self.shift_lanes(op, esize, sh, d);
                self.store_v(d, q);
            }
            VecOp::Widen {
                signed,
                esize,
                upper,
                sh,
            } => {
                let src = n + if upper { 8 } else { 0 };
                dynasm!(self.a ; .arch x64 ; movq xmm0, QWORD [r15 + src]);
                self.widen(signed, esize);
                if sh > 0 {
                    self.sse_shift(Sh::Left, 2 * esize, sh);
                }
                self.store_v(d, true);
            }
            VecOp::Narrow {
                esize,
                upper,
                sh,
                round,
            } => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm0, [r15 + n]);
                if round && sh > 0 {
                    self.splat2(rep(2 * esize, 1 << (sh - 1)));
                    self.add_lanes(2 * esize);
                }
                if sh > 0 {
                    self.sse_shift(Sh::Logical, 2 * esize, sh);
                }
                self.narrow(esize);
                self.store_narrow(d, upper);
            }
            VecOp::Dup {
                esize,
                q,
                scalar,
                idx,
            } => {
                self.dup(esize, scalar, n + (idx as i32 * esize as i32 / 8));
                self.store_v(d, q && !scalar);
            }
            VecOp::MulLong {
                signed,
                esize,
                upper,
                acc,
                vm,
            } => {
                if !inline_ok(op) {
                    self.vec_slow(slow, arg);
                    return;
                }
                self.mul_long((signed, esize, upper), acc, (d, n, Self::voff(vm)), None);
            }
            VecOp::MulLongElem {
                signed,
                esize,
                upper,
                acc,
                vm,
                elem,
            } => {
                if !inline_ok(op) {
                    self.vec_slow(slow, arg);
                    return;
                }
                let lanes = (d, n, Self::voff(vm));
                self.mul_long((signed, esize, upper), acc, lanes, Some(elem));
            }
            VecOp::Dot {
                n_unsigned,
                m_unsigned,
                q,
                vm,
                elem,
            } => self.vec_dot((n_unsigned, m_unsigned), q, (vd, vn, vm), elem, slow, arg),
            VecOp::Half {
                op,
                q,
                scalar,
                vm,
                elem,
            } => {
                self.vec_half((op, q, scalar), (vd, vn, vm), elem, slow, arg);
            }
            VecOp::Crypto { op, vm } => self.vec_crypto(op, (vd, vn, vm), slow, arg),
            VecOp::Unary { op: u, esize, q } => {
                if !inline_ok(op) {
                    self.vec_slow(slow, arg);
                    return;
                }
                self.load_v(0, n);
                if matches!(
                    u,
                    VUnOp::Rev { .. } | VUnOp::Cnt | VUnOp::Rbit | VUnOp::Fabs | VUnOp::Fneg
                ) {
                    self.vec_unary_bits(u, esize);
                } else {
                    self.vec_unary(u, esize);
                }
                self.store_v(d, q);
            }
            VecOp::Qdmulh { .. } => self.vec_qdmulh(op, (vd, vn), slow, arg),
            VecOp::Qdmull { .. } => self.vec_qdmull(op, (vd, vn), slow, arg),
            VecOp::Same { .. } => self.vec_same(op, (vd, vn), slow, arg),
            VecOp::Misc { .. } => self.vec_misc(op, (vd, vn), slow, arg),
            VecOp::Tbl { .. } => self.vec_tbl(op, (vd, vn), slow, arg),
            VecOp::Mmla {
                n_unsigned,
                m_unsigned,
                vm,
            } => self.vec_mmla((n_unsigned, m_unsigned), (vd, vn, vm), slow, arg),
            VecOp::BfCvt { scalar, q } => self.vec_bfcvt(scalar, q, (d, n), slow, arg),
            VecOp::BfDot { mmla, q, vm, elem } => {
                let op = super::emit_bf16_dot::BfDot {
                    mmla,
                    q,
                    d,
                    n,
                    m: Self::voff(vm),
                    elem,
                };
                self.vec_bfdot(op, slow, arg);
            }
            VecOp::Reduce { op: r, esize, q } => {
                if !inline_ok(op) {
                    self.vec_slow(slow, arg);
                    return;
                }
                self.load_v(0, n);
                self.vec_reduce(r, esize, q);
                self.store_v(d, true);
            }
            VecOp::Long { .. }
            | VecOp::AddNarrow { .. }
            | VecOp::SatNarrow { .. }
            | VecOp::RoundShift { .. }
            | VecOp::QShl { .. } => self.vec_widen(op, (vd, vn), slow, arg),
            VecOp::Fp { .. } => self.vec_fp(op, (vd, vn), slow, arg),
            VecOp::HalfFp { .. } => self.vec_half_fp(op, (vd, vn), slow, arg),
            VecOp::Estimate { .. } => self.vec_estimate(op, (vd, vn), slow, arg),
            VecOp::Permute { op, esize, q, vm } => {
                self.vec_permute(op, esize, q, (d, n, Self::voff(vm)));
            }
            VecOp::Ext { q, vm, imm } => {
                let m = Self::voff(vm);
                let imm = imm as i8;
                if q {
                    self.load_v(0, n);
                    self.load_v(1, m);
                    dynasm!(self.a ; .arch x64
                        ; psrldq xmm0, imm
                        ; pslldq xmm1, 16 - imm
                        ; por xmm0, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64
                        ; movq xmm0, QWORD [r15 + n]
                        ; movq xmm1, QWORD [r15 + m]
                        ; punpcklqdq xmm0, xmm1
                        ; psrldq xmm0, imm);
                }
                self.store_v(d, q);
            }
        }
    }

    /// xmm0 = `op` of the `esize`-bit lanes of xmm0.
    fn vec_unary(&mut self, op: VUnOp, esize: u8) {
        macro_rules! by_size {
            ($($t:tt)*) => { by_lane_size!(self.a, esize, $($t)*) };
        }
        dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
        match op {
            VUnOp::CmeqZ => by_size!(pcmpeqb, pcmpeqw, pcmpeqd, pcmpeqq, xmm0, xmm1),
            VUnOp::CmgtZ => by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm0, xmm1),
            VUnOp::CmltZ => {
                by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm1, xmm0);
                dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm1);
            }
            // NOT (0 > n) and NOT (n > 0).
            VUnOp::CmgeZ => {
                by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm1, xmm0);
                dynasm!(self.a ; .arch x64 ; pcmpeqd xmm0, xmm0 ; pxor xmm0, xmm1);
            }
            VUnOp::CmleZ => {
                by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm0, xmm1);
                dynasm!(self.a ; .arch x64 ; pcmpeqd xmm1, xmm1 ; pxor xmm0, xmm1);
            }
            VUnOp::Not => dynasm!(self.a ; .arch x64 ; pcmpeqd xmm1, xmm1 ; pxor xmm0, xmm1),
            VUnOp::Neg => {
                by_size!(psubb, psubw, psubd, psubq, xmm1, xmm0);
                dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm1);
            }
            // SSSE3 below 64 bits; for 64-bit lanes (n ^ m) - m with m the
            // sign mask (0 > n, SSE4.2).
            VUnOp::Abs => match esize {
                8 => dynasm!(self.a ; .arch x64 ; pabsb xmm0, xmm0),
                16 => dynasm!(self.a ; .arch x64 ; pabsw xmm0, xmm0),
                32 => dynasm!(self.a ; .arch x64 ; pabsd xmm0, xmm0),
                _ => dynasm!(self.a ; .arch x64
                    ; pcmpgtq xmm1, xmm0
                    ; pxor xmm0, xmm1
                    ; psubq xmm0, xmm1),
            },
            VUnOp::Rev { .. } | VUnOp::Cnt | VUnOp::Rbit | VUnOp::Fabs | VUnOp::Fneg => {
                unreachable!("emitted by vec_unary_bits")
            }
        }
    }

    /// Stores xmm0 to the V register at `d`, zeroing its upper half unless `q`.
    pub(super) fn store_v(&mut self, d: i32, q: bool) {
        if !q {
            dynasm!(self.a ; .arch x64 ; movq xmm0, xmm0);
        }
        dynasm!(self.a ; .arch x64 ; movdqa [r15 + d], xmm0);
        self.vcache_store(d, 0);
        if !q {
            self.vcache_hi_zero(d);
        }
    }

    /// xmm2 = the 64-bit pattern `p` in both halves.
    pub(super) fn splat2(&mut self, p: u64) {
        dynasm!(self.a ; .arch x64
            ; mov rax, QWORD p as i64
            ; movq xmm2, rax
            ; punpcklqdq xmm2, xmm2);
    }

    /// xmm0 = xmm0 + xmm2 on `esize`-bit lanes.
    pub(super) fn add_lanes(&mut self, esize: u8) {
        match esize {
            8 => dynasm!(self.a ; .arch x64 ; paddb xmm0, xmm2),
            16 => dynasm!(self.a ; .arch x64 ; paddw xmm0, xmm2),
            32 => dynasm!(self.a ; .arch x64 ; paddd xmm0, xmm2),
            _ => dynasm!(self.a ; .arch x64 ; paddq xmm0, xmm2),
        }
    }

    /// One SSE2 shift of xmm0 on 16-, 32- or 64-bit lanes (no 64-bit
    /// arithmetic shift). Counts of the lane size or more give 0 (logical,
    /// left) or the sign (arithmetic).
    pub(super) fn sse_shift(&mut self, kind: Sh, lane: u8, n: u8) {
        let n = n as i8;
        match (kind, lane) {
            (Sh::Left, 16) => dynasm!(self.a ; .arch x64 ; psllw xmm0, n),
            (Sh::Left, 32) => dynasm!(self.a ; .arch x64 ; pslld xmm0, n),
            (Sh::Left, _) => dynasm!(self.a ; .arch x64 ; psllq xmm0, n),
            (Sh::Logical, 16) => dynasm!(self.a ; .arch x64 ; psrlw xmm0, n),
            (Sh::Logical, 32) => dynasm!(self.a ; .arch x64 ; psrld xmm0, n),
            (Sh::Logical, _) => dynasm!(self.a ; .arch x64 ; psrlq xmm0, n),
            (Sh::Arith, 16) => dynasm!(self.a ; .arch x64 ; psraw xmm0, n),
            (Sh::Arith, _) => dynasm!(self.a ; .arch x64 ; psrad xmm0, n),
        }
    }

    /// xmm0 = xmm0 shifted on `esize`-bit lanes (8-bit lanes by word shifts
    /// and a mask; 8- and 64-bit arithmetic shifts by the sign trick).
    pub(super) fn shift_any(&mut self, kind: Sh, esize: u8, sh: u8) {
        match (kind, esize) {
            (Sh::Arith, 8 | 64) => {
                // An arithmetic shift by the lane size equals one by size - 1.
                let s = sh.min(esize - 1);
                self.shift_any(Sh::Logical, esize, s);
                self.splat2(rep(esize, 1 << (esize - 1 - s)));
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2);
                if esize == 8 {
                    dynasm!(self.a ; .arch x64 ; psubb xmm0, xmm2);
                } else {
                    dynasm!(self.a ; .arch x64 ; psubq xmm0, xmm2);
                }
            }
            (_, 8) => {
                if sh == 0 {
                    return;
                }
                let keep = if kind == Sh::Left {
                    0xff << sh
                } else {
                    0xff >> sh
                };
                self.sse_shift(kind, 16, sh);
                self.splat2(rep(8, keep));
                dynasm!(self.a ; .arch x64 ; pand xmm0, xmm2);
            }
            _ => {
                if sh > 0 {
                    self.sse_shift(kind, esize, sh)
                }
            }
        }
    }

    /// xmm0 = the [`VShiftOp`] of xmm0 (the source lanes) and, for the
    /// accumulating and inserting forms, the V register at `d`.
    fn shift_lanes(&mut self, op: VShiftOp, esize: u8, sh: u8, d: i32) {
        let kind = match op {
            VShiftOp::Shl | VShiftOp::Sli => Sh::Left,
            VShiftOp::Ushr | VShiftOp::Usra | VShiftOp::Sri => Sh::Logical,
            VShiftOp::Sshr | VShiftOp::Ssra => Sh::Arith,
        };
        self.shift_any(kind, esize, sh);
        match op {
            VShiftOp::Usra | VShiftOp::Ssra => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, [r15 + d]);
                self.add_lanes(esize);
            }
            VShiftOp::Sri | VShiftOp::Sli => {
                // The bits of each lane of d the shifted value does not cover.
                let keep = if op == VShiftOp::Sli {
                    mask(esize) & !(mask(esize) << sh)
                } else {
                    mask(esize) & !mask(esize).checked_shr(sh as u32).unwrap_or(0)
                };
                self.splat2(rep(esize, keep));
                dynasm!(self.a ; .arch x64
                    ; pand xmm2, [r15 + d]
                    ; por xmm0, xmm2);
            }
            _ => {}
        }
    }

    /// The long multiply of the low (or upper) halves of the V registers at
    /// `n` and `m` (with `elem`, lane `elem` of `m` in every lane; 16- and
    /// 32-bit lanes) into, onto or from the one at `d`.
    fn mul_long(
        &mut self,
        (signed, esize, upper): (bool, u8, bool),
        acc: LongAcc,
        (d, n, m): (i32, i32, i32),
        elem: Option<u8>,
    ) {
        let half = if upper { 8 } else { 0 };
        match esize {
            8 => {
                // Extend both to 16 bits; the 16-bit product is exact.
                dynasm!(self.a ; .arch x64 ; movq xmm0, QWORD [r15 + m + half]);
                self.widen(signed, 8);
                dynasm!(self.a ; .arch x64 ; movdqa xmm3, xmm0 ; movq xmm0, QWORD [r15 + n + half]);
                self.widen(signed, 8);
                dynasm!(self.a ; .arch x64 ; pmullw xmm0, xmm3);
            }
            16 => {
                // Low and high halves of the 32-bit products, interleaved.
                match elem {
                    Some(i) => self.splat_h(1, m, i),
                    None => self.load_v(1, m),
                }
                self.load_v(0, n);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm2, xmm0
                    ; pmullw xmm0, xmm1);
                if signed {
                    dynasm!(self.a ; .arch x64 ; pmulhw xmm2, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64 ; pmulhuw xmm2, xmm1);
                }
                if upper {
                    dynasm!(self.a ; .arch x64 ; punpckhwd xmm0, xmm2);
                } else {
                    dynasm!(self.a ; .arch x64 ; punpcklwd xmm0, xmm2);
                }
            }
            _ => {
                self.long_dwords(upper, (n, m), elem);
                if signed {
                    dynasm!(self.a ; .arch x64 ; pmuldq xmm0, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64 ; pmuludq xmm0, xmm1);
                }
            }
        }
        match acc {
            LongAcc::Set => {}
            // The accumulator from the V-register cache when it holds it:
            // a chain of accumulating multiplies then waits on no store.
            LongAcc::Add => {
                self.load_v(2, d);
                self.add_lanes(2 * esize);
            }
            LongAcc::Sub => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm2, xmm0);
                self.load_v(0, d);
                match esize {
                    8 => dynasm!(self.a ; .arch x64 ; psubw xmm0, xmm2),
                    16 => dynasm!(self.a ; .arch x64 ; psubd xmm0, xmm2),
                    _ => dynasm!(self.a ; .arch x64 ; psubq xmm0, xmm2),
                }
            }
        }
        self.store_v(d, true);
    }

    /// xmm0 and xmm1 = the 32-bit lanes of the low (or, with `upper`,
    /// high) half of the V registers at `n` and `m` (with `elem`, lane
    /// `elem` of `m` in each) in dwords 0 and 2, for `pmuldq`/`pmuludq`.
    pub(super) fn long_dwords(&mut self, upper: bool, (n, m): (i32, i32), elem: Option<u8>) {
        let sel = (if upper {
            0b11_11_10_10u8
        } else {
            0b01_01_00_00
        }) as i8;
        let sel_m = elem.map_or(sel, |i| ((i & 3) * 0x55) as i8);
        self.pshufd_v(0, n, sel);
        self.pshufd_v(1, m, sel_m);
    }

    /// xmm`x` = the 16-bit lane `i` of the V register at `off` in every
    /// lane (from its cache register if it has one; else through eax).
    pub(super) fn splat_h(&mut self, x: u8, off: i32, i: u8) {
        let sel = ((i & 3) * 0x55) as i8;
        match self.vcached(off) {
            Some(c) if i < 4 => dynasm!(self.a ; .arch x64
                ; pshuflw Rx(x), Rx(c), sel
                ; punpcklqdq Rx(x), Rx(x)),
            Some(c) => dynasm!(self.a ; .arch x64
                ; pshufhw Rx(x), Rx(c), sel
                ; punpckhqdq Rx(x), Rx(x)),
            None => dynasm!(self.a ; .arch x64
                ; movzx eax, WORD [r15 + off + 2 * i as i32]
                ; movd Rx(x), eax
                ; pshuflw Rx(x), Rx(x), 0
                ; pshufd Rx(x), Rx(x), 0),
        }
    }

    /// xmm0 = the low 64 bits of xmm0 as `esize`-bit lanes, zero- or
    /// sign-extended to `2 * esize` bits.
    pub(super) fn widen(&mut self, signed: bool, esize: u8) {
        match (signed, esize) {
            (false, _) => {
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
                match esize {
                    8 => dynasm!(self.a ; .arch x64 ; punpcklbw xmm0, xmm1),
                    16 => dynasm!(self.a ; .arch x64 ; punpcklwd xmm0, xmm1),
                    _ => dynasm!(self.a ; .arch x64 ; punpckldq xmm0, xmm1),
                }
            }
            (true, 8) => dynasm!(self.a ; .arch x64 ; punpcklbw xmm0, xmm0 ; psraw xmm0, 8),
            (true, 16) => dynasm!(self.a ; .arch x64 ; punpcklwd xmm0, xmm0 ; psrad xmm0, 16),
            (true, _) => dynasm!(self.a ; .arch x64
                ; movdqa xmm1, xmm0
                ; psrad xmm1, 31
                ; punpckldq xmm0, xmm1),
        }
    }

    /// The `2 * esize`-bit lanes of xmm0 truncated to `esize` bits, packed
    /// into the low 64 bits of xmm0.
    pub(super) fn narrow(&mut self, esize: u8) {
        match esize {
            // Sign-extend the kept half so the signed saturating pack is exact.
            8 => dynasm!(self.a ; .arch x64
                ; psllw xmm0, 8
                ; psraw xmm0, 8
                ; packsswb xmm0, xmm0),
            16 => dynasm!(self.a ; .arch x64
                ; pslld xmm0, 16
                ; psrad xmm0, 16
                ; packssdw xmm0, xmm0),
            _ => dynasm!(self.a ; .arch x64 ; pshufd xmm0, xmm0, 0b1000_1000u8 as i8),
        }
    }

    /// xmm0 = the `esize`-bit element at `off` in the CPU state, in every
    /// lane (or, with `scalar`, in lane 0 with the rest zero).
    fn dup(&mut self, esize: u8, scalar: bool, off: i32) {
        match esize {
            8 | 16 => {
                if esize == 8 {
                    dynasm!(self.a ; .arch x64 ; movzx eax, BYTE [r15 + off]);
                } else {
                    dynasm!(self.a ; .arch x64 ; movzx eax, WORD [r15 + off]);
                }
                if !scalar {
                    let k = if esize == 8 { 0x0101_0101 } else { 0x0001_0001 };
                    dynasm!(self.a ; .arch x64 ; imul eax, eax, k);
                }
                dynasm!(self.a ; .arch x64 ; movd xmm0, eax);
            }
            32 => dynasm!(self.a ; .arch x64 ; movd xmm0, DWORD [r15 + off]),
            _ => dynasm!(self.a ; .arch x64 ; movq xmm0, QWORD [r15 + off]),
        }
        if !scalar {
            if esize == 64 {
                dynasm!(self.a ; .arch x64 ; punpcklqdq xmm0, xmm0);
            } else {
                dynasm!(self.a ; .arch x64 ; pshufd xmm0, xmm0, 0);
            }
        }
    }
}
