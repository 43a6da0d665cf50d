//! Integer vector operations inline with SSE2/SSE4.1 on the V registers in
//! the CPU state. Shapes without a direct SSE form (8- and 64-bit
//! multiplies, by-element forms other than 32-bit lanes, or a host without
//! SSE4.1 for 32-bit multiplies and 64-bit CMEQ, 64-bit CMGT) call the exact
//! runtime helper instead.

use super::emit::Emitter;
use crate::ir::{HelperFn, VOp};
use dynasmrt::{dynasm, DynasmApi};
use std::sync::OnceLock;

pub(super) fn has_sse41() -> bool {
    static SSE41: OnceLock<bool> = OnceLock::new();
    *SSE41.get_or_init(|| std::arch::is_x86_feature_detected!("sse4.1"))
}

/// Whether the shape has an inline form.
pub(super) fn inline_ok(op: VOp, esize: u8, elem: Option<u8>) -> bool {
    let mul = matches!(op, VOp::Mul | VOp::Mla | VOp::Mls);
    if elem.is_some() && (esize != 32 || !mul) {
        return false;
    }
    if esize == 64 && matches!(op, VOp::Cmeq | VOp::Cmgt) {
        // pcmpeqq is SSE4.1; pcmpgtq (SSE4.2) is left to the helper.
        return op == VOp::Cmeq && has_sse41();
    }
    match (mul, esize) {
        (false, _) => true,
        (true, 16) => true,
        (true, 32) => has_sse41(),
        _ => false,
    }
}

impl Emitter {
    /// Calls the exact helper `slow(cpu, arg, 0, 0, 0)` of a vector operation.
    pub(super) fn vec_slow(&mut self, slow: HelperFn, arg: u64) {
        self.pinned_out();
        dynasm!(self.a ; .arch x64
            ; mov rdi, r15
            ; mov rsi, QWORD arg as i64
            ; xor edx, edx
            ; xor ecx, ecx
            ; xor r8d, r8d
            ; mov rax, QWORD slow as usize as i64
            ; call rax);
        self.pinned_in();
    }

    /// xmm0 = the V register at `n`; xmm1 = the one at `m` or, with
    /// `elem`, its 32-bit lane `elem` in every lane.
    pub(super) fn load_operands(&mut self, n: i32, m: i32, elem: Option<u8>) {
        self.load_v(0, n);
        match elem {
            Some(i) => {
                let sel = (i & 3) * 0x55;
                dynasm!(self.a ; .arch x64 ; pshufd xmm1, [r15 + m], sel as i8);
            }
            None => self.load_v(1, m),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn vbin(
        &mut self,
        op: VOp,
        esize: u8,
        q: bool,
        (vd, vn, vm): (u8, u8, u8),
        elem: Option<u8>,
        slow: HelperFn,
        arg: u64,
    ) {
        if !inline_ok(op, esize, elem) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        self.load_operands(n, m, elem);
        macro_rules! by_size {
            ($b:ident, $w:ident, $d:ident, $q:ident, $x:ident, $y:ident) => {
                match esize {
                    8 => dynasm!(self.a ; .arch x64 ; $b $x, $y),
                    16 => dynasm!(self.a ; .arch x64 ; $w $x, $y),
                    32 => dynasm!(self.a ; .arch x64 ; $d $x, $y),
                    _ => dynasm!(self.a ; .arch x64 ; $q $x, $y),
                }
            };
        }
        let mul = |e: &mut Emitter| {
            if esize == 16 {
                dynasm!(e.a ; .arch x64 ; pmullw xmm0, xmm1);
            } else {
                dynasm!(e.a ; .arch x64 ; pmulld xmm0, xmm1);
            }
        };
        match op {
            VOp::Add => by_size!(paddb, paddw, paddd, paddq, xmm0, xmm1),
            VOp::Sub => by_size!(psubb, psubw, psubd, psubq, xmm0, xmm1),
            VOp::And => dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1),
            VOp::Orr => dynasm!(self.a ; .arch x64 ; por xmm0, xmm1),
            VOp::Eor => dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1),
            // pandn: xmm1 = NOT xmm1 AND xmm0.
            VOp::Bic => dynasm!(self.a ; .arch x64 ; pandn xmm1, xmm0 ; movdqa xmm0, xmm1),
            VOp::Cmeq => by_size!(pcmpeqb, pcmpeqw, pcmpeqd, pcmpeqq, xmm0, xmm1),
            VOp::Cmgt => by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm0, xmm1),
            VOp::Mul => mul(self),
            VOp::Mla | VOp::Mls => {
                mul(self);
                dynasm!(self.a ; .arch x64 ; movdqa xmm1, [r15 + d]);
                if op == VOp::Mla {
                    by_size!(paddb, paddw, paddd, paddq, xmm1, xmm0);
                } else {
                    by_size!(psubb, psubw, psubd, psubq, xmm1, xmm0);
                }
                dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm1);
            }
        }
        if !q {
            // A 64-bit result clears the upper half of the register.
            dynasm!(self.a ; .arch x64 ; movq xmm0, xmm0);
        }
        dynasm!(self.a ; .arch x64 ; movdqa [r15 + d], xmm0);
        self.vcache_store(d, 0);
    }
}
