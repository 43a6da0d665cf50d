//! CRC32 and CRC32C ([`BinOp::Crc`](crate::ir::BinOp::Crc)): CRC32C is
//! SSE4.2's `crc32`, which computes exactly that polynomial's bit-reflected
//! update; CRC32 (and CRC32C on a host without SSE4.2) walks the value a
//! byte at a time through the 256-entry table of [`crate::ir::crc`], four
//! instructions and a table read per byte, with no call.

use super::emit::Emitter;
use crate::ir::{crc, Val};
use dynasmrt::{dynasm, DynasmApi};

impl Emitter {
    /// `dst` = the update of the low 32 bits of `a` with the low `bytes`
    /// bytes of `b`, polynomial CRC32C (`c`) or CRC32, zero-extended.
    pub(super) fn crc(&mut self, c: bool, bytes: u8, dst: Val, a: Val, b: Val) {
        self.load(0, a);
        self.load(1, b);
        if c && super::emit_vec::has_sse42() {
            match bytes {
                1 => dynasm!(self.a ; .arch x64 ; crc32 eax, cl),
                2 => dynasm!(self.a ; .arch x64 ; crc32 eax, cx),
                4 => dynasm!(self.a ; .arch x64 ; crc32 eax, ecx),
                // The 64-bit form zeroes the destination's upper half.
                _ => dynasm!(self.a ; .arch x64 ; crc32 rax, rcx),
            }
        } else {
            let table = if c {
                &crc::TABLE_CRC32C
            } else {
                &crc::TABLE_CRC32
            };
            // The value's bytes come out of xmm0 lowest first, which leaves
            // rcx for the table index and rdx for the table.
            dynasm!(self.a ; .arch x64
                ; movq xmm0, rcx
                ; mov rdx, QWORD table.as_ptr() as i64);
            for _ in 0..bytes {
                dynasm!(self.a ; .arch x64
                    ; movd ecx, xmm0
                    ; psrlq xmm0, 8
                    ; xor cl, al
                    ; movzx ecx, cl
                    ; shr eax, 8
                    ; xor eax, DWORD [rdx + rcx * 4]);
            }
        }
        self.store(dst, 0);
    }
}
