//! [`Op::LoadStructs`](crate::ir::Op::LoadStructs) inline: LD4 of 128-bit
//! vectors of 8-, 16- and 32-bit elements as four unaligned loads, a byte
//! shuffle (SSSE3 `pshufb`, not needed for 32-bit elements) that gathers
//! each element position of a register into one dword, and a 4×4 dword
//! transpose. All four loads come before any register is written, so a
//! fault leaves the registers untouched. Other shapes, or a host without
//! SSSE3, call the exact helper. Scratch: `xmm0`–`xmm5`, `rax`, `rcx`.

use super::emit::Emitter;
use crate::ir::{HelperFn, Val};
use dynasmrt::{dynasm, DynasmApi};
use std::sync::OnceLock;

pub(super) fn has_ssse3() -> bool {
    static SSSE3: OnceLock<bool> = OnceLock::new();
    *SSSE3.get_or_init(|| std::arch::is_x86_feature_detected!("ssse3"))
}

/// The `pshufb` control that puts element position j of the 4-element
/// structures in one 16-byte register into dword j (low and high halves).
fn gather_mask(esize: u8) -> (u64, u64) {
    let eb = esize as usize / 8;
    let mut m = [0u8; 16];
    for (i, b) in m.iter_mut().enumerate() {
        // Destination byte i: dword j = i / 4, element k within the dword.
        let (j, k, byte) = (i / 4, i % 4 / eb, i % eb);
        *b = (k * 4 * eb + j * eb + byte) as u8;
    }
    let lo = u64::from_le_bytes(m[..8].try_into().unwrap());
    let hi = u64::from_le_bytes(m[8..].try_into().unwrap());
    (lo, hi)
}

/// Whether an LD4 of `regs` registers of `esize`-bit elements is inline.
pub(super) fn inline_ok(esize: u8, regs: u8) -> bool {
    regs == 4 && (esize == 32 || (esize <= 16 && has_ssse3()))
}

impl Emitter {
    pub(super) fn load_structs(
        &mut self,
        (esize, regs, vd): (u8, u8, u8),
        addr: Val,
        slow: HelperFn,
        arg: u64,
    ) {
        let inline = inline_ok(esize, regs);
        if !inline {
            self.load(2, addr);
            self.pinned_out();
            dynasm!(self.a ; .arch x64
                ; mov rdi, r15
                ; mov rsi, QWORD arg as i64
                ; xor ecx, ecx
                ; xor r8d, r8d
                ; mov rax, QWORD slow as usize as i64
                ; call rax);
            self.pinned_in();
            return;
        }
        self.load(0, addr);
        dynasm!(self.a ; .arch x64
            ; movdqu xmm0, [rax]
            ; movdqu xmm1, [rax + 16]
            ; movdqu xmm2, [rax + 32]
            ; movdqu xmm3, [rax + 48]);
        if esize < 32 {
            let (lo, hi) = gather_mask(esize);
            dynasm!(self.a ; .arch x64
                ; mov rcx, QWORD lo as i64
                ; movq xmm4, rcx
                ; mov rcx, QWORD hi as i64
                ; movq xmm5, rcx
                ; punpcklqdq xmm4, xmm5
                ; pshufb xmm0, xmm4
                ; pshufb xmm1, xmm4
                ; pshufb xmm2, xmm4
                ; pshufb xmm3, xmm4);
        }
        // Register k holds dwords [k0 k1 k2 k3] (dword j = element position
        // j of its structures); the result j is [0j 1j 2j 3j].
        self.unpack(false, (0, 1), 4); // x0 = 00 10 01 11, x4 = 02 12 03 13
        self.unpack(false, (2, 3), 5); // x2 = 20 30 21 31, x5 = 22 32 23 33
        self.unpack(true, (0, 2), 1); // x0 = 00 10 20 30, x1 = 01 11 21 31
        self.unpack(true, (4, 5), 3); // x4 = 02 12 22 32, x3 = 03 13 23 33
        let off = |j: u8| Self::voff((vd + j) % 32);
        let (o0, o1, o2, o3) = (off(0), off(1), off(2), off(3));
        dynasm!(self.a ; .arch x64
            ; movdqa [r15 + o0], xmm0
            ; movdqa [r15 + o1], xmm1
            ; movdqa [r15 + o2], xmm4
            ; movdqa [r15 + o3], xmm3);
    }

    /// `xmm t = high halves of a and b interleaved; xmm a = low halves`,
    /// by dwords, or by quadwords with `qwords`.
    fn unpack(&mut self, qwords: bool, (a, b): (u8, u8), t: u8) {
        dynasm!(self.a ; .arch x64 ; movdqa Rx(t), Rx(a));
        if qwords {
            dynasm!(self.a ; .arch x64 ; punpcklqdq Rx(a), Rx(b) ; punpckhqdq Rx(t), Rx(b));
        } else {
            dynasm!(self.a ; .arch x64 ; punpckldq Rx(a), Rx(b) ; punpckhdq Rx(t), Rx(b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::gather_mask;

    #[test]
    fn gather_masks() {
        // Bytes: dword j = bytes j, j+4, j+8, j+12.
        let (lo, hi) = gather_mask(8);
        assert_eq!(lo.to_le_bytes(), [0, 4, 8, 12, 1, 5, 9, 13]);
        assert_eq!(hi.to_le_bytes(), [2, 6, 10, 14, 3, 7, 11, 15]);
        // Halfwords: dword j = halfwords j and j + 4.
        let (lo, hi) = gather_mask(16);
        assert_eq!(lo.to_le_bytes(), [0, 1, 8, 9, 2, 3, 10, 11]);
        assert_eq!(hi.to_le_bytes(), [4, 5, 12, 13, 6, 7, 14, 15]);
    }
}
