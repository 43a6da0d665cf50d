//! Guest memory accesses. In user mode a guest address is the host address,
//! so every access is a single host instruction on `[rax]`; a fault there is
//! mapped back to the guest instruction through the block's pc map.

use super::emit::{Emitter, Src};
use crate::cpu::CpuState;
use crate::ir::{RmwOp, Val, Width};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

/// One `dynasm!` instruction with a memory operand `[Rq(base) + disp]`,
/// or `[Rq(base) + Rq(index) * scale + disp]` when the access has a folded
/// index (see [`Emitter::index_reg`], called before this), written `[]`
/// between the tokens before and after it; a zero displacement is left out
/// (dynasm always encodes a dynamic one in 32 bits).
macro_rules! at {
    ($e:ident, $base:tt, $disp:tt, [$($pre:tt)*] [$($post:tt)*]) => {
        match $e.index_at {
            None if $disp == 0 => dynasm!($e.a ; .arch x64 ; $($pre)* [Rq($base)] $($post)*),
            None => dynasm!($e.a ; .arch x64 ; $($pre)* [Rq($base) + $disp] $($post)*),
            Some((x, 0)) => {
                dynasm!($e.a ; .arch x64 ; $($pre)* [Rq($base) + Rq(x) + $disp] $($post)*)
            }
            Some((x, 1)) => {
                dynasm!($e.a ; .arch x64 ; $($pre)* [Rq($base) + Rq(x) * 2 + $disp] $($post)*)
            }
            Some((x, 2)) => {
                dynasm!($e.a ; .arch x64 ; $($pre)* [Rq($base) + Rq(x) * 4 + $disp] $($post)*)
            }
            Some((x, _)) => {
                dynasm!($e.a ; .arch x64 ; $($pre)* [Rq($base) + Rq(x) * 8 + $disp] $($post)*)
            }
        }
    };
}

impl Emitter {
    /// The register holding a guest address: its own, or rax. Also
    /// readies the access's folded index, if any (see [`Self::index_reg`]).
    fn addr_reg(&mut self, addr: Val) -> u8 {
        let a = self.reg_of(addr).unwrap_or_else(|| {
            self.load(0, addr);
            0
        });
        self.index_at = self.index_reg();
        a
    }

    /// The register holding the folded index of the access being emitted
    /// (its own, or rdx, which no access's code uses otherwise) and its
    /// shift.
    fn index_reg(&mut self) -> Option<(u8, u8)> {
        let (x, sh) = self.index?;
        let r = self.reg_of(x).unwrap_or_else(|| {
            self.load(2, x);
            2
        });
        Some((r, sh))
    }

    pub(super) fn load_mem(&mut self, w: Width, signed: bool, dst: Val, addr: Val) {
        let (a, o) = (self.addr_reg(addr), self.disp);
        let d = self.dreg(dst);
        match (w, signed) {
            (Width::W8, false) => at!(self, a, o, [movzx Rd(d), BYTE] []),
            (Width::W8, true) => at!(self, a, o, [movsx Rq(d), BYTE] []),
            (Width::W16, false) => at!(self, a, o, [movzx Rd(d), WORD] []),
            (Width::W16, true) => at!(self, a, o, [movsx Rq(d), WORD] []),
            (Width::W32, false) => at!(self, a, o, [mov Rd(d), DWORD] []),
            (Width::W32, true) => at!(self, a, o, [movsxd Rq(d), DWORD] []),
            (Width::W64, _) => at!(self, a, o, [mov Rq(d), QWORD] []),
        }
        self.store(dst, d);
    }

    pub(super) fn store_mem(&mut self, w: Width, addr: Val, src: Val) {
        let (a, d) = (self.addr_reg(addr), self.disp);
        match (self.src(src, w == Width::W64, 1), w) {
            (Src::R(r), Width::W8) => at!(self, a, d, [mov BYTE] [, Rb(r)]),
            (Src::R(r), Width::W16) => at!(self, a, d, [mov WORD] [, Rw(r)]),
            (Src::R(r), Width::W32) => at!(self, a, d, [mov DWORD] [, Rd(r)]),
            (Src::R(r), Width::W64) => at!(self, a, d, [mov QWORD] [, Rq(r)]),
            (Src::I(i), Width::W8) => at!(self, a, d, [mov BYTE] [, i as i8]),
            (Src::I(i), Width::W16) => at!(self, a, d, [mov WORD] [, i as i16]),
            (Src::I(i), Width::W32) => at!(self, a, d, [mov DWORD] [, i]),
            (Src::I(i), Width::W64) => at!(self, a, d, [mov QWORD] [, i]),
            (Src::M(m), _) => {
                dynasm!(self.a ; .arch x64 ; mov rcx, QWORD [r15 + m]);
                match w {
                    Width::W8 => at!(self, a, d, [mov BYTE] [, cl]),
                    Width::W16 => at!(self, a, d, [mov WORD] [, cx]),
                    Width::W32 => at!(self, a, d, [mov DWORD] [, ecx]),
                    Width::W64 => at!(self, a, d, [mov QWORD] [, rcx]),
                }
            }
        }
    }

    pub(super) fn load_vec(&mut self, bytes: u8, vreg: u8, addr: Val) {
        let off = Self::voff(vreg);
        let (a, d) = (self.addr_reg(addr), self.disp);
        let x = self.fcache_load_vec(vreg, matches!(bytes, 4 | 8));
        // Without an FP-cache register, a load of 4 bytes or more goes
        // straight into the V register's cache register, if the cache is on.
        let direct = x == 0 && bytes >= 4 && self.vcache.on;
        let x = if direct { self.vcache_dest(off) } else { x };
        match bytes {
            16 => at!(self, a, d, [movdqu Rx(x),] []),
            8 => at!(self, a, d, [movq Rx(x), QWORD] []),
            4 => at!(self, a, d, [movd Rx(x), DWORD] []),
            2 => at!(self, a, d, [movzx eax, WORD] []),
            _ => at!(self, a, d, [movzx eax, BYTE] []),
        }
        if bytes >= 4 {
            dynasm!(self.a ; .arch x64 ; movdqa [r15 + off], Rx(x));
            if !direct {
                self.vcache_store(off, x);
                self.fcache_loaded(x, vreg);
            }
            if bytes < 16 {
                // movd and movq zero the rest of the register.
                self.vcache_hi_zero(off);
            }
        } else {
            dynasm!(self.a ; .arch x64
                ; mov QWORD [r15 + off], rax ; mov QWORD [r15 + off + 8], 0);
        }
    }

    pub(super) fn store_vec(&mut self, bytes: u8, vreg: u8, addr: Val) {
        let off = Self::voff(vreg);
        let (a, d) = (self.addr_reg(addr), self.disp);
        match bytes {
            16 => {
                let x = match self.vcached(off) {
                    Some(x) => x,
                    None => {
                        dynasm!(self.a ; .arch x64 ; movdqa xmm0, [r15 + off]);
                        0
                    }
                };
                at!(self, a, d, [movdqu] [, Rx(x)]);
            }
            // From the V register's cache register when it has one, rather
            // than from the store that just wrote it.
            8 | 4 if self.vcached(off).is_some() => {
                let x = self.vcached(off).unwrap_or(0);
                if bytes == 8 {
                    at!(self, a, d, [movq QWORD] [, Rx(x)]);
                } else {
                    at!(self, a, d, [movd DWORD] [, Rx(x)]);
                }
            }
            8 => {
                dynasm!(self.a ; .arch x64 ; mov rcx, QWORD [r15 + off]);
                at!(self, a, d, [mov QWORD] [, rcx]);
            }
            4 => {
                dynasm!(self.a ; .arch x64 ; mov ecx, DWORD [r15 + off]);
                at!(self, a, d, [mov DWORD] [, ecx]);
            }
            2 => {
                dynasm!(self.a ; .arch x64 ; mov cx, WORD [r15 + off]);
                at!(self, a, d, [mov WORD] [, cx]);
            }
            _ => {
                dynasm!(self.a ; .arch x64 ; mov cl, BYTE [r15 + off]);
                at!(self, a, d, [mov BYTE] [, cl]);
            }
        }
    }

    /// The register holding `v` for an atomic access: its own (never rax,
    /// rcx or rdx, which hold no IR value, except the soft-TLB's host
    /// address in rdx), or `scratch` loaded with it.
    fn own_reg(&mut self, v: Val, scratch: u8) -> u8 {
        match self.reg_of(v) {
            Some(r) if r != 0 && r != 1 => r,
            _ => {
                self.load(scratch, v);
                scratch
            }
        }
    }

    /// Atomic read-modify-write; the old value ends in the destination.
    /// The address is used from its own register; the operand is copied
    /// to rcx (`xadd` and `xchg` overwrite it with the old value), and only
    /// its low `w` bits are used.
    pub(super) fn rmw(&mut self, op: RmwOp, w: Width, dst: Val, addr: Val, src: Val) {
        let p = self.own_reg(addr, 2);
        self.load(1, src); // rcx = operand
        match op {
            RmwOp::Add => {
                match w {
                    Width::W8 => {
                        dynasm!(self.a ; .arch x64 ; lock xadd BYTE [Rq(p)], cl ; movzx ecx, cl)
                    }
                    Width::W16 => {
                        dynasm!(self.a ; .arch x64 ; lock xadd WORD [Rq(p)], cx ; movzx ecx, cx)
                    }
                    // A 32-bit result register is zero-extended.
                    Width::W32 => dynasm!(self.a ; .arch x64 ; lock xadd DWORD [Rq(p)], ecx),
                    Width::W64 => dynasm!(self.a ; .arch x64 ; lock xadd QWORD [Rq(p)], rcx),
                }
                self.store(dst, 1);
                return;
            }
            RmwOp::Swp => {
                match w {
                    Width::W8 => {
                        dynasm!(self.a ; .arch x64 ; xchg BYTE [Rq(p)], cl ; movzx ecx, cl)
                    }
                    Width::W16 => {
                        dynasm!(self.a ; .arch x64 ; xchg WORD [Rq(p)], cx ; movzx ecx, cx)
                    }
                    Width::W32 => dynasm!(self.a ; .arch x64 ; xchg DWORD [Rq(p)], ecx),
                    Width::W64 => dynasm!(self.a ; .arch x64 ; xchg QWORD [Rq(p)], rcx),
                }
                self.store(dst, 1);
                return;
            }
            _ => {}
        }
        // Compare-exchange loop: rax = old (zero-extended), rsi = new.
        let again = self.a.new_dynamic_label();
        self.load_old(w, p);
        dynasm!(self.a ; .arch x64 ; =>again ; mov rsi, rax);
        match op {
            RmwOp::Clr => dynasm!(self.a ; .arch x64 ; mov rdi, rcx ; not rdi ; and rsi, rdi),
            RmwOp::Eor => dynasm!(self.a ; .arch x64 ; xor rsi, rcx),
            RmwOp::Set => dynasm!(self.a ; .arch x64 ; or rsi, rcx),
            RmwOp::Umax | RmwOp::Umin | RmwOp::Smax | RmwOp::Smin => {
                // Compare sign- or zero-extended copies of old (rdi) and operand (r8).
                dynasm!(self.a ; .arch x64 ; mov rdi, rax ; mov r8, rcx);
                let signed = matches!(op, RmwOp::Smax | RmwOp::Smin);
                match (w, signed) {
                    (Width::W8, true) => {
                        dynasm!(self.a ; .arch x64 ; movsx rdi, dil ; movsx r8, r8b)
                    }
                    (Width::W16, true) => {
                        dynasm!(self.a ; .arch x64 ; movsx rdi, di ; movsx r8, r8w)
                    }
                    (Width::W32, true) => {
                        dynasm!(self.a ; .arch x64 ; movsxd rdi, edi ; movsxd r8, r8d)
                    }
                    (Width::W8, false) => dynasm!(self.a ; .arch x64 ; movzx r8d, r8b),
                    (Width::W16, false) => dynasm!(self.a ; .arch x64 ; movzx r8d, r8w),
                    (Width::W32, false) => dynasm!(self.a ; .arch x64 ; mov r8d, r8d),
                    (Width::W64, _) => {}
                }
                dynasm!(self.a ; .arch x64 ; cmp rdi, r8);
                // rsi = old; replace by operand when the operand wins.
                match op {
                    RmwOp::Umax => dynasm!(self.a ; .arch x64 ; cmovb rsi, rcx),
                    RmwOp::Umin => dynasm!(self.a ; .arch x64 ; cmova rsi, rcx),
                    RmwOp::Smax => dynasm!(self.a ; .arch x64 ; cmovl rsi, rcx),
                    _ => dynasm!(self.a ; .arch x64 ; cmovg rsi, rcx),
                }
            }
            RmwOp::Add | RmwOp::Swp => unreachable!(),
        }
        match w {
            Width::W8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [Rq(p)], sil),
            Width::W16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [Rq(p)], si),
            Width::W32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [Rq(p)], esi),
            Width::W64 => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [Rq(p)], rsi),
        }
        dynasm!(self.a ; .arch x64 ; jnz =>again);
        self.zext_rax(w);
        self.store(dst, 0);
    }

    /// rax = zero-extended value at [p].
    fn load_old(&mut self, w: Width, p: u8) {
        match w {
            Width::W8 => dynasm!(self.a ; .arch x64 ; movzx eax, BYTE [Rq(p)]),
            Width::W16 => dynasm!(self.a ; .arch x64 ; movzx eax, WORD [Rq(p)]),
            Width::W32 => dynasm!(self.a ; .arch x64 ; mov eax, DWORD [Rq(p)]),
            Width::W64 => dynasm!(self.a ; .arch x64 ; mov rax, QWORD [Rq(p)]),
        }
    }

    fn zext_rax(&mut self, w: Width) {
        match w {
            Width::W8 => dynasm!(self.a ; .arch x64 ; movzx eax, al),
            Width::W16 => dynasm!(self.a ; .arch x64 ; movzx eax, ax),
            Width::W32 => dynasm!(self.a ; .arch x64 ; mov eax, eax),
            Width::W64 => {}
        }
    }

    /// Store-exclusive: the monitor check, then one `lock cmpxchg` of the
    /// recorded value; the monitor is cleared before the access, as the
    /// runtime helper does (so also when the access faults). Address and
    /// value are read from their own registers when they have one (rax is
    /// the compare-exchange's), and the status is computed in the result's
    /// register.
    pub(super) fn store_excl(&mut self, w: Width, dst: Val, addr: Val, src: Val) {
        let a = offset_of!(CpuState, excl_addr) as i32;
        let size = offset_of!(CpuState, excl_size) as i32;
        let val = offset_of!(CpuState, excl_val) as i32;
        let (fail, done) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        let mut own = |v: Val, scratch: u8| match self.reg_of(v) {
            Some(r) if r != 0 => r,
            _ => {
                self.load(scratch, v);
                scratch
            }
        };
        let (p, x) = (own(addr, 2), own(src, 1));
        dynasm!(self.a ; .arch x64
            ; cmp Rq(p), QWORD [r15 + a]
            ; jne =>fail
            ; cmp QWORD [r15 + size], w.bytes() as i32
            ; jne =>fail
            ; mov rax, QWORD [r15 + val]
            ; mov QWORD [r15 + a], -1
            ; mov QWORD [r15 + size], 0);
        match w {
            Width::W8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [Rq(p)], Rb(x)),
            Width::W16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [Rq(p)], Rw(x)),
            Width::W32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [Rq(p)], Rd(x)),
            Width::W64 => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [Rq(p)], Rq(x)),
        }
        let d = self.dreg(dst);
        dynasm!(self.a ; .arch x64
            ; setne al
            ; movzx Rd(d), al
            ; jmp =>done
            ; =>fail
            ; mov QWORD [r15 + a], -1
            ; mov QWORD [r15 + size], 0
            ; mov Rd(d), 1
            ; =>done);
        self.store(dst, d);
    }

    /// Compare-and-swap: one `lock cmpxchg`, the address and the new value
    /// from their own registers, the expected value in rax; only the low
    /// `w` bits of either are used.
    pub(super) fn cas(&mut self, w: Width, dst: Val, addr: Val, expected: Val, new: Val) {
        let p = self.own_reg(addr, 2);
        let x = self.own_reg(new, 1);
        self.load(0, expected);
        match w {
            Width::W8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [Rq(p)], Rb(x)),
            Width::W16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [Rq(p)], Rw(x)),
            Width::W32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [Rq(p)], Rd(x)),
            Width::W64 => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [Rq(p)], Rq(x)),
        }
        self.zext_rax(w);
        self.store(dst, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::super::disasm::host_disasm;
    use dynasmrt::{dynasm, DynasmApi};

    #[test]
    fn byte_stores_from_pool_registers_use_their_low_byte() {
        // rbp (5) must encode as bpl, not ch, in a byte store.
        let mut a = super::super::emit::Asm::new(0x1000);
        dynasm!(a ; .arch x64 ; mov BYTE [rax], Rb(5) ; mov BYTE [rax], Rb(3));
        let text = host_disasm(&a.finalize().unwrap(), 0x1000);
        assert!(text.contains("mov [rax],bpl"), "{text}");
        assert!(text.contains("mov [rax],bl"), "{text}");
    }
}
