//! [`VecOp::Dot`](crate::ir::VecOp::Dot) (SDOT/UDOT/USDOT/SUDOT, by vector
//! and by element) inline with AVX2 on hosts that have it (else the exact
//! helper): the bytes of each operand are sign- or zero-extended to 16-bit
//! lanes (`vpmovsxbw`/`vpmovzxbw`), `vpmaddwd` sums adjacent products into
//! 32-bit lanes (two products of bytes, at most 2 * 128 * 128 in
//! magnitude, cannot overflow), `vphaddd` adds those pairs into the four
//! products of each 32-bit lane, and `vpaddd` accumulates into Vd modulo
//! 2^32, as the Arm ARM's `SDOT` defines. Integer only: no flags.

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
    pub(super) fn vec_dot(
        &mut self,
        (n_unsigned, m_unsigned): (bool, bool),
        q: bool,
        (vd, vn, vm): (u8, u8, u8),
        elem: Option<u8>,
        slow: HelperFn,
        arg: u64,
    ) {
        if !has_avx2() {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        self.load_operands(n, m, elem);
        // ymm (sixteen bytes) or xmm (eight) of 16-bit lanes.
        for (x, unsigned) in [(0u8, n_unsigned), (1, m_unsigned)] {
            match (q, unsigned) {
                (true, false) => dynasm!(self.a ; .arch x64 ; vpmovsxbw Ry(x), Rx(x)),
                (true, true) => dynasm!(self.a ; .arch x64 ; vpmovzxbw Ry(x), Rx(x)),
                (false, false) => dynasm!(self.a ; .arch x64 ; vpmovsxbw Rx(x), Rx(x)),
                (false, true) => dynasm!(self.a ; .arch x64 ; vpmovzxbw Rx(x), Rx(x)),
            }
        }
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
}
