//! [`Op::Structs`](crate::ir::Op::Structs) inline: LD2/LD3/LD4 and
//! ST2/ST3/ST4 (multiple structures) as unaligned vector loads and stores
//! of guest memory at its host address and byte shuffles (SSSE3
//! `pshufb`).
//!
//! A load reads all its bytes (into `xmm0`–`xmm3`) before it writes any
//! register, so a fault leaves the registers untouched; each result
//! register is then the OR of one `pshufb` of each 16-byte chunk it draws
//! bytes from. LD4 of 128-bit vectors of 8- to 32-bit elements instead
//! gathers each element position into one dword per register and
//! transposes 4×4 dwords (it needs no SSSE3 for 32-bit elements).
//!
//! A store shuffles its registers into 16-byte chunks of memory, stored in
//! address order. When the bytes cross into a second page it first checks
//! that page writable with a `lock or` of zero into its first byte (which
//! changes nothing), so a store that faults writes no byte, as the exact
//! helper does. Without SSSE3 the helper runs. ST2/ST3/ST4 of one lane
//! (`lane`) probe the same way, then store each register's element from a
//! general register. Scratch: `xmm0`–`xmm5`,
//! `rax`, `rcx`, `rdx`.

use super::emit::Emitter;
use crate::ir::{HelperFn, Val};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
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

/// The LD4 form with its own transpose code.
fn ld4_transpose(load: bool, q: bool, esize: u8, regs: u8) -> bool {
    load && q && regs == 4 && esize <= 32
}

/// Whether a structure access of `regs` registers of `esize`-bit elements
/// (128-bit ones with `q`; with `lane`, one element of each) is inline.
pub(super) fn inline_ok(load: bool, q: bool, esize: u8, regs: u8, lane: Option<u8>) -> bool {
    lane.is_some() || has_ssse3() || (ld4_transpose(load, q, esize, regs) && esize == 32)
}

/// A structure access's shape.
#[derive(Copy, Clone)]
struct Shape {
    load: bool,
    q: bool,
    esize: u8,
    regs: u8,
}

impl Shape {
    /// Bytes of one register.
    fn reg_bytes(self) -> usize {
        if self.q {
            16
        } else {
            8
        }
    }

    /// Bytes of memory accessed.
    fn total(self) -> usize {
        self.regs as usize * self.reg_bytes()
    }

    /// 16-byte chunks of memory (the last one may have 8 bytes).
    fn chunks(self) -> usize {
        self.total().div_ceil(16)
    }

    /// Index of this shape's 16 masks in [`MASKS`].
    fn slot(self) -> usize {
        let es = (self.esize / 8).trailing_zeros() as usize;
        let form = ((usize::from(self.load) * 2 + usize::from(self.q)) * 4 + es) * 3;
        (form + self.regs as usize - 2) * 16
    }
}

/// Where register byte `i` of register `j` lies in memory.
fn mem_index(s: Shape, j: usize, i: usize) -> usize {
    let eb = s.esize as usize / 8;
    (i / eb * s.regs as usize + j) * eb + i % eb
}

/// `pshufb` control: a load's register `j` from memory chunk `c`, or a
/// store's chunk `c` from register `j` (0x80: a zero byte, from elsewhere).
fn mask(s: Shape, j: usize, c: usize) -> [u8; 16] {
    let mut m = [0x80u8; 16];
    for i in 0..s.reg_bytes() {
        let at = mem_index(s, j, i);
        if at / 16 != c {
            continue;
        }
        if s.load {
            m[i] = (at % 16) as u8;
        } else {
            m[at % 16] = i as u8;
        }
    }
    m
}

/// One 16-byte-aligned `pshufb` control (legacy SSE memory operands must
/// be aligned).
#[repr(align(16))]
#[derive(Clone, Copy)]
struct Mask([u8; 16]);

/// The masks of every shape: 16 per shape, `j * 4 + c` within it.
fn masks() -> &'static [Mask] {
    static MASKS: OnceLock<Vec<Mask>> = OnceLock::new();
    MASKS.get_or_init(|| {
        let mut all = vec![Mask([0x80; 16]); 2 * 2 * 4 * 3 * 16];
        for load in [false, true] {
            for q in [false, true] {
                for esize in [8, 16, 32, 64] {
                    for regs in 2..=4 {
                        let s = Shape {
                            load,
                            q,
                            esize,
                            regs,
                        };
                        for j in 0..regs as usize {
                            for c in 0..s.chunks() {
                                all[s.slot() + j * 4 + c] = Mask(mask(s, j, c));
                            }
                        }
                    }
                }
            }
        }
        all
    })
}

impl Emitter {
    pub(super) fn structs(
        &mut self,
        (load, q, esize, regs, vd): (bool, bool, u8, u8, u8),
        lane: Option<u8>,
        addr: Val,
        slow: HelperFn,
        arg: u64,
    ) {
        if let Some(lane) = lane {
            self.store_lane((esize, regs, vd, lane), addr);
            return;
        }
        if !inline_ok(load, q, esize, regs, None) {
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
        let s = Shape {
            load,
            q,
            esize,
            regs,
        };
        if ld4_transpose(load, q, esize, regs) {
            self.ld4_transposed(esize, vd, addr);
        } else if load {
            self.load_shuffled(s, vd, addr);
        } else {
            self.store_shuffled(s, vd, addr);
        }
    }

    /// xmm5 = the OR over k < `n` of xmm`k` shuffled by the shape's mask
    /// of (register, chunk): (j, k) for a load's register j, (k, j) for a
    /// store's chunk j; rcx = the shape's masks, xmm4 clobbered.
    fn combine(&mut self, s: Shape, j: usize, n: usize) {
        let all = masks();
        let mut first = true;
        for k in 0..n {
            let idx = if s.load { j * 4 + k } else { k * 4 + j };
            if all[s.slot() + idx].0.iter().all(|&b| b == 0x80) {
                continue;
            }
            let off = (idx * 16) as i32;
            let t = if first { 5 } else { 4 };
            dynasm!(self.a ; .arch x64
                ; movdqa Rx(t), Rx(k as u8)
                ; pshufb Rx(t), [rcx + off]);
            if !first {
                dynasm!(self.a ; .arch x64 ; por xmm5, xmm4);
            }
            first = false;
        }
    }

    /// rcx = the masks of shape `s`.
    fn masks_address(&mut self, s: Shape) {
        let p = masks()[s.slot()..].as_ptr() as i64;
        dynasm!(self.a ; .arch x64 ; mov rcx, QWORD p);
    }

    /// LD2/LD3/LD4: every chunk of memory into xmm0..., then each register.
    fn load_shuffled(&mut self, s: Shape, vd: u8, addr: Val) {
        self.load(0, addr);
        let total = s.total();
        for c in 0..s.chunks() {
            let at = (c * 16) as i32;
            if total - c * 16 >= 16 {
                dynasm!(self.a ; .arch x64 ; movdqu Rx(c as u8), [rax + at]);
            } else {
                dynasm!(self.a ; .arch x64 ; movq Rx(c as u8), QWORD [rax + at]);
            }
        }
        self.masks_address(s);
        for j in 0..s.regs as usize {
            self.combine(s, j, s.chunks());
            let off = Self::voff((vd + j as u8) % 32);
            dynasm!(self.a ; .arch x64 ; movdqa [r15 + off], xmm5);
            self.vcache_store(off, 5);
        }
    }

    /// ST2/ST3/ST4: every register into xmm0..., the probe of a second
    /// page, then each chunk of memory in address order.
    fn store_shuffled(&mut self, s: Shape, vd: u8, addr: Val) {
        for j in 0..s.regs {
            self.load_v(j, Self::voff((vd + j) % 32));
        }
        self.load(0, addr);
        self.probe_second_page(s.total() as i32 - 1);
        self.masks_address(s);
        let total = s.total();
        for c in 0..s.chunks() {
            self.combine(s, c, s.regs as usize);
            let at = (c * 16) as i32;
            if total - c * 16 >= 16 {
                dynasm!(self.a ; .arch x64 ; movdqu [rax + at], xmm5);
            } else {
                dynasm!(self.a ; .arch x64 ; movq QWORD [rax + at], xmm5);
            }
        }
    }

    /// With a store's address in rax: when its bytes up to `rax + last`
    /// (`last` below 4096) cross into a second page, a `lock or` of zero
    /// into that page's first byte, which faults there before any byte is
    /// written and changes nothing otherwise. rcx, rdx clobbered.
    fn probe_second_page(&mut self, last: i32) {
        let same_page = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; lea rcx, [rax + last]
            ; mov rdx, rcx
            ; xor rdx, rax
            ; test edx, 0x1000
            ; jz =>same_page
            ; and rcx, -0x1000
            ; lock or BYTE [rcx], 0
            ; =>same_page);
    }

    /// ST2/ST3/ST4 of one lane: the probe of a second page, then element
    /// `lane` of each register, in memory order, through rcx.
    fn store_lane(&mut self, (esize, regs, vd, lane): (u8, u8, u8, u8), addr: Val) {
        let eb = i32::from(esize / 8);
        self.load(0, addr);
        self.probe_second_page(i32::from(regs) * eb - 1);
        for j in 0..regs {
            let src = Self::voff((vd + j) % 32) + i32::from(lane) * eb;
            let at = i32::from(j) * eb;
            match eb {
                1 => dynasm!(self.a ; .arch x64
                    ; movzx ecx, BYTE [r15 + src]
                    ; mov BYTE [rax + at], cl),
                2 => dynasm!(self.a ; .arch x64
                    ; movzx ecx, WORD [r15 + src]
                    ; mov WORD [rax + at], cx),
                4 => dynasm!(self.a ; .arch x64
                    ; mov ecx, DWORD [r15 + src]
                    ; mov DWORD [rax + at], ecx),
                _ => dynasm!(self.a ; .arch x64
                    ; mov rcx, QWORD [r15 + src]
                    ; mov QWORD [rax + at], rcx),
            }
        }
    }

    /// LD4 of 128-bit vectors of 8- to 32-bit elements.
    fn ld4_transposed(&mut self, esize: u8, vd: u8, addr: Val) {
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
        for (j, x) in [(0, 0), (1, 1), (2, 4), (3, 3)] {
            let off = Self::voff((vd + j) % 32);
            dynasm!(self.a ; .arch x64 ; movdqa [r15 + off], Rx(x));
            self.vcache_store(off, x);
        }
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
    use super::*;

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

    #[test]
    fn shuffle_masks() {
        let s = |load, q, esize, regs| Shape {
            load,
            q,
            esize,
            regs,
        };
        // LD3 of bytes: register 1 = memory bytes 1, 4, 7, ... 46.
        let ld3 = s(true, true, 8, 3);
        assert_eq!(mask(ld3, 1, 0)[..6], [1, 4, 7, 10, 13, 0x80]);
        assert_eq!(mask(ld3, 1, 1)[5..11], [0, 3, 6, 9, 12, 15]);
        assert_eq!(mask(ld3, 1, 2)[11..], [2, 5, 8, 11, 14]);
        // LD2 of 8-byte vectors of halfwords: the upper half is zero.
        let ld2 = s(true, false, 16, 2);
        assert_eq!(
            mask(ld2, 1, 0),
            [2, 3, 6, 7, 10, 11, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]
        );
        // ST2 of doublewords: chunk 1 = register 0's high half, then 1's.
        let st2 = s(false, true, 64, 2);
        let hi = [8, 9, 10, 11, 12, 13, 14, 15];
        assert_eq!(mask(st2, 0, 1)[..8], hi);
        assert_eq!(mask(st2, 1, 1)[8..], hi);
        assert_eq!(mask(st2, 1, 1)[..8], [0x80; 8]);
        // Every slot is distinct.
        let slots: std::collections::BTreeSet<_> = [false, true]
            .into_iter()
            .flat_map(|l| [false, true].map(move |q| (l, q)))
            .flat_map(|(l, q)| [8, 16, 32, 64].map(move |e| (l, q, e)))
            .flat_map(|(l, q, e)| (2..=4).map(move |r| s(l, q, e, r).slot()))
            .collect();
        assert_eq!(slots.len(), 48);
        assert_eq!(masks().len(), 48 * 16);
    }
}
