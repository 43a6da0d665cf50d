//! SM3PARTW1 and SM3PARTW2 ([`crate::ir::CryptoOp::Sm3partw1`],
//! [`crate::ir::CryptoOp::Sm3partw2`]) inline with SSSE3: both are XORs
//! and 32-bit rotations of whole lanes (the exact helpers,
//! `frontend::simd::crypto::sm`, define them), so four lanes go at once,
//! a rotation being the OR of two dword shifts. SM3's permutation
//! `P1(x) = x ^ ROL(x, 15) ^ ROL(x, 23)` is `x ^ ROL(x ^ ROL(x, 8), 15)`,
//! and a rotation by 8 is a byte shuffle (`pshufb`). The one serial step,
//! lane 3 of SM3PARTW1 reading lane 0 of its own result, uses
//! `P1(a ^ b) = P1(a) ^ P1(b)`: lane 3 first gets `P1(Vd[3] ^ Vn[3])`
//! with the other lanes, then `P1(ROL(r0, 15))` XORed in, computed on
//! the result moved up to lane 3. Part of `emit_crypto`'s `vec_crypto`,
//! with its scratch registers (`xmm0`–`xmm4`, `rax`); the result is left
//! in xmm0.

use super::emit::Emitter;
use dynasmrt::{dynasm, DynasmApi};
use std::sync::OnceLock;

/// The `pshufb` control rotating every dword left by 8 bits.
#[repr(align(16))]
struct Rol8([u8; 16]);

static ROL8: Rol8 = Rol8([3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14]);

/// Whether the host has SSSE3 (checked once; else the helpers run).
pub(super) fn inline_ok() -> bool {
    static SSSE3: OnceLock<bool> = OnceLock::new();
    *SSSE3.get_or_init(|| std::arch::is_x86_feature_detected!("ssse3"))
}

impl Emitter {
    /// xmm`x` = its dwords rotated left by `r` (xmm`t` clobbered).
    fn rol32(&mut self, x: u8, t: u8, r: i8) {
        dynasm!(self.a ; .arch x64
            ; movdqa Rx(t), Rx(x)
            ; pslld Rx(x), r
            ; psrld Rx(t), 32 - r
            ; por Rx(x), Rx(t));
    }

    /// xmm`x` = P1 of its dwords, with rax = [`ROL8`] (xmm`t` and xmm`u`
    /// clobbered).
    fn p1(&mut self, x: u8, t: u8, u: u8) {
        dynasm!(self.a ; .arch x64
            ; movdqa Rx(t), Rx(x)
            ; pshufb Rx(t), [rax]
            ; pxor Rx(t), Rx(x));
        self.rol32(t, u, 15);
        dynasm!(self.a ; .arch x64 ; pxor Rx(x), Rx(t));
    }

    /// rax = the address of [`ROL8`].
    fn rol8_address(&mut self) {
        let p = ROL8.0.as_ptr() as i64;
        dynasm!(self.a ; .arch x64 ; mov rax, QWORD p);
    }

    /// SM3PARTW1 of the V registers at `d`, `n` and `m` into xmm0.
    pub(super) fn sm3partw1(&mut self, (d, n, m): (i32, i32, i32)) {
        self.rol8_address();
        self.load_v(0, d);
        self.load_v(1, n);
        dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
        // Vm's lanes 1..3 in lanes 0..2, zero in lane 3.
        self.load_v(1, m);
        dynasm!(self.a ; .arch x64 ; psrldq xmm1, 4);
        self.rol32(1, 2, 15);
        dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
        self.p1(0, 1, 2);
        // Lane 3 ^= P1(ROL(r0, 15)).
        dynasm!(self.a ; .arch x64 ; movdqa xmm3, xmm0 ; pslldq xmm3, 12);
        self.rol32(3, 2, 15);
        self.p1(3, 1, 2);
        dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm3);
    }

    /// SM3PARTW2 of the V registers at `d`, `n` and `m` into xmm0.
    pub(super) fn sm3partw2(&mut self, (d, n, m): (i32, i32, i32)) {
        self.rol8_address();
        // t = Vn ^ ROL(Vm, 7); the result is Vd ^ t.
        self.load_v(1, m);
        self.rol32(1, 2, 7);
        self.load_v(2, n);
        dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm2);
        self.load_v(0, d);
        dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
        // Lane 3 ^= P1(ROL(t[0], 15)).
        dynasm!(self.a ; .arch x64 ; pslldq xmm1, 12);
        self.rol32(1, 2, 15);
        self.p1(1, 2, 3);
        dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
    }
}
