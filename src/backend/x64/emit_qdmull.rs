//! [`VecOp::Qdmull`](crate::ir::VecOp::Qdmull) inline: SQDMULL, SQDMLAL
//! and SQDMLSL (vector, scalar, by element) on 16-bit source lanes with
//! SSE2 and on 32-bit ones with SSE4.1 (else the exact helper). Integer
//! arithmetic, exact by construction:
//!
//! * 16-bit lanes: each lane of `n` and of `m` repeated in both words of a
//!   dword (`punpcklwd`, or `punpckhwd` for the upper half, with itself),
//!   so that `pmaddwd` gives
//!   `n * m + n * m = 2 * n * m` modulo 2^32, which wraps only for
//!   `-2^15 * -2^15`, to `0x80000000`.
//! * 32-bit lanes: `pmuldq` of the lanes moved to the even dwords, then
//!   doubled with `paddq`, which wraps only for `-2^31 * -2^31`, to
//!   `0x8000000000000000`.
//!
//! A doubled product equal to that value (`pcmpeqd`/`pcmpeqq`) saturated:
//! XORing it with its all-ones compare mask gives the largest value, and
//! FPSR.QC is ORed into the CPU state when a lane the instruction writes
//! saturated. SQDMLAL/SQDMLSL then add the saturated product to (subtract
//! it from) the destination's lanes with the signed saturating add of
//! SQADD/SQSUB (`Emitter::sat_add_sub`), which ORs QC in the same way.
//! Operands come from the V-register cache when it holds them. Scratch:
//! `xmm0`–`xmm5`, `rax`.

use super::emit::Emitter;
use crate::ir::{HelperFn, LongAcc, VecOp};
use dynasmrt::{dynasm, DynasmApi};

/// Whether source lanes of `esize` bits have an inline form on this host.
pub(super) fn inline_ok(esize: u8) -> bool {
    esize == 16 || super::emit_vec::has_sse41()
}

impl Emitter {
    /// [`VecOp::Qdmull`] (see the module docs).
    pub(super) fn vec_qdmull(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::Qdmull {
            esize,
            upper,
            scalar,
            acc,
            vm,
            elem,
        } = op
        else {
            unreachable!("not a Qdmull: {op:?}")
        };
        if !inline_ok(esize) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        // xmm0 = the saturated doubled products, eax = the `movmsk` of the
        // lanes that saturated (one bit a result lane).
        if esize == 32 {
            self.long_dwords(upper, (n, m), elem);
            dynasm!(self.a ; .arch x64
                ; pmuldq xmm0, xmm1
                ; paddq xmm0, xmm0
                ; pcmpeqd xmm2, xmm2
                ; psllq xmm2, 63
                ; pcmpeqq xmm2, xmm0
                ; pxor xmm0, xmm2
                ; movmskpd eax, xmm2);
        } else {
            self.load_v(0, n);
            self.unpack_words(upper, 0);
            match elem {
                Some(i) => self.splat_h(1, m, i),
                None => {
                    self.load_v(1, m);
                    self.unpack_words(upper, 1);
                }
            }
            dynasm!(self.a ; .arch x64
                ; pmaddwd xmm0, xmm1
                ; pcmpeqd xmm2, xmm2
                ; pslld xmm2, 31
                ; pcmpeqd xmm2, xmm0
                ; pxor xmm0, xmm2
                ; movmskps eax, xmm2);
        }
        // The bits of eax for the lanes written (the same for the products
        // and for the saturating add's result, both one bit a lane).
        let lanes = match (scalar, esize) {
            (true, _) => 0x1,
            (false, 32) => 0x3,
            (false, _) => 0xF,
        };
        if acc != LongAcc::Set {
            self.qc_or(lanes);
            dynasm!(self.a ; .arch x64 ; movdqa xmm1, xmm0);
            self.load_v(0, d);
            self.sat_add_sub(acc == LongAcc::Sub, true, 2 * esize);
        }
        self.qc_store(lanes, (2 * esize, true, scalar), d);
    }

    /// Each 16-bit lane of the low (or, with `upper`, high) half of
    /// xmm`x` repeated in both words of a dword.
    fn unpack_words(&mut self, upper: bool, x: u8) {
        if upper {
            dynasm!(self.a ; .arch x64 ; punpckhwd Rx(x), Rx(x));
        } else {
            dynasm!(self.a ; .arch x64 ; punpcklwd Rx(x), Rx(x));
        }
    }
}
