//! The common vector operations in three-operand AVX form, computed in the
//! destination's V-register cache register (user mode, hosts with AVX2):
//! ADD/SUB/MUL (16- and 32-bit lanes)/AND/ORR/EOR/BIC by register and the
//! plain shifts by immediate SHL/USHR/SSHR (16-, 32- and 64-bit lanes, no
//! 64-bit SSHR). The operands are read from their cache registers (the
//! second from the CPU state when it has none), the result is written to
//! the destination's cache register and stored to the CPU state from
//! there: two or three host instructions where the SSE2 forms take six
//! (copies in, the operation, the copy to the cache). A 64-bit result
//! (`q` clear) has its upper half zeroed, which takes no instruction when
//! both operands' upper halves are known to be zero, as their cache
//! entries record: every one of these operations maps zero upper lanes to
//! zero upper lanes.

use super::emit::Emitter;
use super::emit_dot::has_avx2;
use crate::ir::{VOp, VShiftOp};
use dynasmrt::{dynasm, DynasmApi};

/// Whether `op` on `esize`-bit lanes has a form here.
fn bin_ok(op: VOp, esize: u8) -> bool {
    match op {
        VOp::Add | VOp::Sub | VOp::And | VOp::Orr | VOp::Eor | VOp::Bic => true,
        VOp::Mul => matches!(esize, 16 | 32),
        _ => false,
    }
}

impl Emitter {
    /// Whether the AVX forms may be used: the cache is on and the host
    /// has AVX2.
    fn avx_ok(&self) -> bool {
        self.vcache.on && has_avx2()
    }

    /// Emits VBin `op` (without an element) in AVX form when it has one;
    /// says whether it did.
    pub(super) fn vbin_avx(
        &mut self,
        op: VOp,
        esize: u8,
        q: bool,
        (d, n, m): (i32, i32, i32),
    ) -> bool {
        if !self.avx_ok() || !bin_ok(op, esize) {
            return false;
        }
        let hz = self.hi_zero_at(n) && self.hi_zero_at(m);
        let a = match self.vcached(n) {
            Some(x) => x,
            None => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm0, [r15 + n]);
                0
            }
        };
        let b = self.vcached(m);
        let x = self.vcache_dest(d);
        macro_rules! op3 {
            ($ins:ident) => {
                match b {
                    Some(b) => dynasm!(self.a ; .arch x64 ; $ins Rx(x), Rx(a), Rx(b)),
                    None => dynasm!(self.a ; .arch x64 ; $ins Rx(x), Rx(a), [r15 + m]),
                }
            };
        }
        match (op, esize) {
            (VOp::Add, 8) => op3!(vpaddb),
            (VOp::Add, 16) => op3!(vpaddw),
            (VOp::Add, 32) => op3!(vpaddd),
            (VOp::Add, _) => op3!(vpaddq),
            (VOp::Sub, 8) => op3!(vpsubb),
            (VOp::Sub, 16) => op3!(vpsubw),
            (VOp::Sub, 32) => op3!(vpsubd),
            (VOp::Sub, _) => op3!(vpsubq),
            (VOp::Mul, 16) => op3!(vpmullw),
            (VOp::Mul, _) => op3!(vpmulld),
            (VOp::And, _) => op3!(vpand),
            (VOp::Orr, _) => op3!(vpor),
            (VOp::Eor, _) => op3!(vpxor),
            // vpandn x, m, n: NOT m AND n.
            _ => {
                let b = match b {
                    Some(b) => b,
                    None => {
                        dynasm!(self.a ; .arch x64 ; movdqa xmm1, [r15 + m]);
                        1
                    }
                };
                dynasm!(self.a ; .arch x64 ; vpandn Rx(x), Rx(b), Rx(a));
            }
        }
        self.avx_store(d, x, q, hz);
        true
    }

    /// Emits the plain shift by immediate `op` in AVX form when it has one;
    /// says whether it did.
    pub(super) fn shift_avx(
        &mut self,
        op: VShiftOp,
        esize: u8,
        q: bool,
        sh: u8,
        (d, n): (i32, i32),
    ) -> bool {
        let shape_ok = match op {
            VShiftOp::Shl | VShiftOp::Ushr => matches!(esize, 16 | 32 | 64),
            VShiftOp::Sshr => matches!(esize, 16 | 32),
            _ => false,
        };
        if !self.avx_ok() || !shape_ok {
            return false;
        }
        let hz = self.hi_zero_at(n);
        let a = match self.vcached(n) {
            Some(x) => x,
            None => {
                dynasm!(self.a ; .arch x64 ; movdqa xmm0, [r15 + n]);
                0
            }
        };
        let x = self.vcache_dest(d);
        let s = sh as i8;
        match (op, esize) {
            (VShiftOp::Shl, 16) => dynasm!(self.a ; .arch x64 ; vpsllw Rx(x), Rx(a), s),
            (VShiftOp::Shl, 32) => dynasm!(self.a ; .arch x64 ; vpslld Rx(x), Rx(a), s),
            (VShiftOp::Shl, _) => dynasm!(self.a ; .arch x64 ; vpsllq Rx(x), Rx(a), s),
            (VShiftOp::Ushr, 16) => dynasm!(self.a ; .arch x64 ; vpsrlw Rx(x), Rx(a), s),
            (VShiftOp::Ushr, 32) => dynasm!(self.a ; .arch x64 ; vpsrld Rx(x), Rx(a), s),
            (VShiftOp::Ushr, _) => dynasm!(self.a ; .arch x64 ; vpsrlq Rx(x), Rx(a), s),
            (_, 16) => dynasm!(self.a ; .arch x64 ; vpsraw Rx(x), Rx(a), s),
            _ => dynasm!(self.a ; .arch x64 ; vpsrad Rx(x), Rx(a), s),
        }
        self.avx_store(d, x, q, hz);
        true
    }

    /// Whether the V register at `off` has a cache entry whose upper half
    /// is zero.
    fn hi_zero_at(&self, off: i32) -> bool {
        let v = (off - Self::voff(0)) / 16;
        self.vcache.hi_zero(v as u8)
    }

    /// Ends an AVX form whose result is in cache register `x`: zeroes the
    /// upper half of a 64-bit result (unless `hz`, the operands' upper
    /// halves being zero) and stores the register to the CPU state.
    fn avx_store(&mut self, d: i32, x: u8, q: bool, hz: bool) {
        if !q && !hz {
            dynasm!(self.a ; .arch x64 ; vmovq Rx(x), Rx(x));
        }
        dynasm!(self.a ; .arch x64 ; vmovdqa [r15 + d], Rx(x));
        if !q {
            self.vcache_hi_zero(d);
        }
    }
}
