//! [`VecOp::Dot`](crate::ir::VecOp::Dot) (SDOT/UDOT/USDOT/SUDOT, by vector
//! and by element) inline with AVX2 on hosts that have it (else the exact
//! helper): the bytes of each operand are sign- or zero-extended to 16-bit
//! lanes (`vpmovsxbw`/`vpmovzxbw`), `vpmaddwd` sums adjacent products into
//! 32-bit lanes (two products of bytes, at most 2 * 128 * 128 in
//! magnitude, cannot overflow), `vphaddd` adds those pairs into the four
//! products of each 32-bit lane, and `vpaddd` accumulates into Vd modulo
//! 2^32, as the Arm ARM's `SDOT` defines. Integer only: no flags.
//!
//! [`VecOp::Mmla`](crate::ir::VecOp::Mmla) (SMMLA/UMMLA/USMMLA) likewise:
//! with both 8-byte rows of Vn and of Vm widened to 16-bit lanes in a ymm
//! register, `vpmaddwd` of Vn and Vm gives four partial sums each of row
//! 0 · row 0 and row 1 · row 1, and of Vn and Vm with its rows swapped
//! (`vpermq`) those of row 0 · row 1 and row 1 · row 0; two `vphaddd`
//! finish the eight-product sums (at most 8 * 255 * 255, no overflow),
//! which are put in the order of Vd's 2x2 matrix and added modulo 2^32.

use super::emit::Emitter;
use crate::ir::HelperFn;
use dynasmrt::{dynasm, DynasmApi};
use std::sync::OnceLock;

/// Whether the host has AVX2 (checked once).
pub(super) fn has_avx2() -> bool {
    static AVX2: OnceLock<bool> = OnceLock::new();
    *AVX2.get_or_init(|| std::arch::is_x86_feature_detected!("avx2"))
}

impl Emitter {
    /// Without AVX2, calls the helper and returns `None`. Else the bytes of
    /// Vn in ymm0 and of Vm (or its 32-bit lane `elem` in every lane) in
    /// ymm1, sign- or zero-extended to 16-bit lanes (xmm: the low eight
    /// bytes, unless `q`); returns Vd's offset.
    fn widened_bytes(
        &mut self,
        (n_unsigned, m_unsigned): (bool, bool),
        q: bool,
        (vd, vn, vm): (u8, u8, u8),
        elem: Option<u8>,
        (slow, arg): (HelperFn, u64),
    ) -> Option<i32> {
        if !has_avx2() {
            self.vec_slow(slow, arg);
            return None;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        self.load_operands(n, m, elem);
        for (x, unsigned) in [(0u8, n_unsigned), (1, m_unsigned)] {
            match (q, unsigned) {
                (true, false) => dynasm!(self.a ; .arch x64 ; vpmovsxbw Ry(x), Rx(x)),
                (true, true) => dynasm!(self.a ; .arch x64 ; vpmovzxbw Ry(x), Rx(x)),
                (false, false) => dynasm!(self.a ; .arch x64 ; vpmovsxbw Rx(x), Rx(x)),
                (false, true) => dynasm!(self.a ; .arch x64 ; vpmovzxbw Rx(x), Rx(x)),
            }
        }
        Some(d)
    }

    pub(super) fn vec_dot(
        &mut self,
        (n_unsigned, m_unsigned): (bool, bool),
        q: bool,
        (vd, vn, vm): (u8, u8, u8),
        elem: Option<u8>,
        slow: HelperFn,
        arg: u64,
    ) {
        let Some(d) =
            self.widened_bytes((n_unsigned, m_unsigned), q, (vd, vn, vm), elem, (slow, arg))
        else {
            return;
        };
        if q {
            dynasm!(self.a ; .arch x64
                ; vpmaddwd ymm0, ymm0, ymm1
                ; vextracti128 xmm1, ymm0, 1
                ; vphaddd xmm0, xmm0, xmm1
                ; vzeroupper);
        } else {
            dynasm!(self.a ; .arch x64
                ; vpmaddwd xmm0, xmm0, xmm1
                ; vphaddd xmm0, xmm0, xmm0);
        }
        self.load_v(1, d);
        dynasm!(self.a ; .arch x64 ; vpaddd xmm0, xmm0, xmm1);
        self.store_v(d, q);
    }

    /// SMMLA/UMMLA/USMMLA (see the module docs).
    pub(super) fn vec_mmla(
        &mut self,
        (n_unsigned, m_unsigned): (bool, bool),
        (vd, vn, vm): (u8, u8, u8),
        slow: HelperFn,
        arg: u64,
    ) {
        let Some(d) = self.widened_bytes(
            (n_unsigned, m_unsigned),
            true,
            (vd, vn, vm),
            None,
            (slow, arg),
        ) else {
            return;
        };
        dynasm!(self.a ; .arch x64
            ; vpermq ymm2, ymm1, 0x4E
            ; vpmaddwd ymm1, ymm0, ymm1 // d00 parts | d11 parts
            ; vpmaddwd ymm2, ymm0, ymm2 // d01 parts | d10 parts
            ; vphaddd ymm1, ymm1, ymm2
            ; vextracti128 xmm2, ymm1, 1
            ; vphaddd xmm0, xmm1, xmm2 // d00 d01 d11 d10
            ; vzeroupper
            ; pshufd xmm0, xmm0, 0xB4u8 as i8);
        self.load_v(1, d);
        dynasm!(self.a ; .arch x64 ; paddd xmm0, xmm1);
        self.store_v(d, true);
    }
}
