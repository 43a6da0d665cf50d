//! SM3SS1 and SM3TT1A/1B/2A/2B ([`crate::ir::CryptoOp::Sm3ss1`],
//! [`crate::ir::CryptoOp::Sm3tt`]) inline, in general registers: each is
//! a few 32-bit rotations, XORs and wrapping sums of single lanes (see the
//! exact helpers, `frontend::simd::crypto::sm`). Part of `emit_crypto`'s
//! `vec_crypto`, with its scratch registers (`xmm0`–`xmm4`, `rax`, `rcx`,
//! `rdx`); the result is left in xmm0.

use super::emit::Emitter;
use dynasmrt::{dynasm, DynasmApi};

impl Emitter {
    /// `Rd(r)` = lane `lane` of xmm`x` (xmm1 clobbered).
    fn lane_of(&mut self, r: u8, x: u8, lane: u8) {
        let sel = (lane * 0x55) as i8;
        dynasm!(self.a ; .arch x64
            ; pshufd xmm1, Rx(x), sel
            ; movd Rd(r), xmm1);
    }

    /// SM3SS1 of the V registers at `n`, `m` and `a`.
    pub(super) fn sm3ss1(&mut self, (n, m, a): (i32, i32, i32)) {
        self.load_v(2, n);
        self.lane_of(0, 2, 3);
        dynasm!(self.a ; .arch x64 ; rol eax, 12);
        for off in [m, a] {
            self.load_v(2, off);
            self.lane_of(1, 2, 3);
            dynasm!(self.a ; .arch x64 ; add eax, ecx);
        }
        dynasm!(self.a ; .arch x64
            ; rol eax, 7
            ; movd xmm0, eax
            ; pslldq xmm0, 12);
    }

    /// SM3TT1A/1B (`tt2` false) or SM3TT2A/2B (with `b`, the B form) of
    /// the V registers at `d`, `n` and `m`, with lane `i` of `m`.
    pub(super) fn sm3tt(&mut self, (d, n, m): (i32, i32, i32), tt2: bool, b: bool, i: u8) {
        self.load_v(0, d);
        // eax = d3, ecx = d1, edx = d2; eax = the boolean function.
        self.lane_of(0, 0, 3);
        self.lane_of(1, 0, 1);
        self.lane_of(2, 0, 2);
        match (tt2, b) {
            // Parity.
            (_, false) => dynasm!(self.a ; .arch x64 ; xor eax, ecx ; xor eax, edx),
            // Majority: (d1 AND d2) EOR (d3 AND (d1 EOR d2)).
            (false, true) => dynasm!(self.a ; .arch x64
                ; movd xmm3, ecx
                ; xor ecx, edx
                ; and ecx, eax
                ; movd eax, xmm3
                ; and eax, edx
                ; xor eax, ecx),
            // Choose: d1 EOR (d3 AND (d1 EOR d2)).
            (true, true) => dynasm!(self.a ; .arch x64
                ; xor edx, ecx
                ; and eax, edx
                ; xor eax, ecx),
        }
        // + n3 (TT2) or + (n3 EOR ROL(d3, 12)) (TT1).
        self.load_v(2, n);
        self.lane_of(2, 2, 3);
        if !tt2 {
            self.lane_of(1, 0, 3);
            dynasm!(self.a ; .arch x64 ; rol ecx, 12 ; xor edx, ecx);
        }
        dynasm!(self.a ; .arch x64 ; add eax, edx);
        // + d0 + m[i].
        self.lane_of(2, 0, 0);
        dynasm!(self.a ; .arch x64 ; add eax, edx);
        self.load_v(2, m);
        self.lane_of(2, 2, i & 3);
        dynasm!(self.a ; .arch x64 ; add eax, edx);
        if tt2 {
            // P0(tt2).
            dynasm!(self.a ; .arch x64
                ; mov ecx, eax
                ; rol ecx, 9
                ; mov edx, eax
                ; rol edx, 17
                ; xor eax, ecx
                ; xor eax, edx);
        }
        // [d1, ROL(d2, 9 or 19), d3, tt].
        let r = if tt2 { 19 } else { 9 };
        self.lane_of(1, 0, 2);
        dynasm!(self.a ; .arch x64
            ; rol ecx, r
            ; movd xmm2, ecx
            ; movd xmm4, eax
            ; pshufd xmm3, xmm0, 0x55
            ; pshufd xmm0, xmm0, -1
            ; punpckldq xmm3, xmm2
            ; punpckldq xmm0, xmm4
            ; punpcklqdq xmm3, xmm0
            ; movdqa xmm0, xmm3);
    }
}
