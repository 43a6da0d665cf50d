//! Guest memory accesses. In user mode a guest address is the host address,
//! so every access is a single host instruction on `[base + disp]`; a fault
//! there is mapped back to the guest instruction through the block's pc map.

use super::emit::{Emitter, Src};
use crate::ir::{BinOp, Block, Op, RmwOp, Val, Width};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};

/// Folds constant offsets into the accesses (user mode): an access whose
/// address is `base + k` (through any chain of 64-bit additions of
/// constants, the sum fitting a signed 32-bit displacement) addresses
/// `[base + k]` instead, so the addition is not computed unless something
/// else reads it (pure operations left without a use become `Nop`; `keep`
/// are values the terminal's code reads besides the IR terminal). Returns
/// the rewritten block (the accesses read `base`) and the displacement of
/// each op, or `None` when nothing folds.
pub(super) fn fold_addresses(block: &Block, keep: &[Val]) -> Option<(Block, Vec<i32>)> {
    let n = block.n_vals as usize;
    // For each value: the (operand, constant) of the 64-bit addition of a
    // constant that defines it.
    let mut konst: Vec<Option<u64>> = vec![None; n];
    let mut add_of: Vec<Option<(Val, i64)>> = vec![None; n];
    let mut any = false;
    for op in &block.ops {
        match *op {
            Op::Const { dst, imm } => konst[dst.0 as usize] = Some(imm),
            Op::Bin {
                op: BinOp::Add,
                w: Width::W64,
                dst,
                a,
                b,
            } => {
                let (x, k) = match (konst[a.0 as usize], konst[b.0 as usize]) {
                    (None, Some(k)) => (a, k),
                    (Some(k), None) => (b, k),
                    _ => continue,
                };
                if i32::try_from(k as i64).is_ok() {
                    add_of[dst.0 as usize] = Some((x, k as i64));
                }
            }
            Op::Load { .. } | Op::Store { .. } | Op::LoadVec { .. } | Op::StoreVec { .. } => {
                any = true
            }
            _ => {}
        }
    }
    if !any {
        return None;
    }
    let resolve = |addr: Val| {
        let (mut base, mut disp) = (addr, 0i64);
        while let Some((x, k)) = add_of[base.0 as usize] {
            match i32::try_from(disp + k) {
                Ok(_) => (base, disp) = (x, disp + k),
                Err(_) => break,
            }
        }
        (base, disp as i32)
    };
    let mut out = block.clone();
    let mut disps = vec![0i32; block.ops.len()];
    let mut folded = false;
    for (i, op) in out.ops.iter_mut().enumerate() {
        let addr = match op {
            Op::Load { addr, .. }
            | Op::Store { addr, .. }
            | Op::LoadVec { addr, .. }
            | Op::StoreVec { addr, .. } => addr,
            _ => continue,
        };
        let (base, disp) = resolve(*addr);
        if base != *addr {
            *addr = base;
            disps[i] = disp;
            folded = true;
        }
    }
    if !folded {
        return None;
    }
    let mut used = vec![false; n];
    out.term.for_each_use(|v| used[v.0 as usize] = true);
    for v in keep {
        used[v.0 as usize] = true;
    }
    for op in out.ops.iter_mut().rev() {
        if op.is_pure() && op.dst().is_some_and(|d| !used[d.0 as usize]) {
            *op = Op::Nop;
            continue;
        }
        op.for_each_use(|v| used[v.0 as usize] = true);
    }
    Some((out, disps))
}

impl Emitter {
    /// The register holding a guest address: its own, or rax.
    fn addr_reg(&mut self, addr: Val) -> u8 {
        self.reg_of(addr).unwrap_or_else(|| {
            self.load(0, addr);
            0
        })
    }

    pub(super) fn load_mem(&mut self, w: Width, signed: bool, dst: Val, addr: Val) {
        let a = self.addr_reg(addr);
        let d = self.dreg(dst);
        let k = self.disp;
        if k != 0 {
            match (w, signed) {
                (Width::W8, false) => dynasm!(self.a ; .arch x64 ; movzx Rd(d), BYTE [Rq(a) + k]),
                (Width::W8, true) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), BYTE [Rq(a) + k]),
                (Width::W16, false) => dynasm!(self.a ; .arch x64 ; movzx Rd(d), WORD [Rq(a) + k]),
                (Width::W16, true) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), WORD [Rq(a) + k]),
                (Width::W32, false) => dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [Rq(a) + k]),
                (Width::W32, true) => {
                    dynasm!(self.a ; .arch x64 ; movsxd Rq(d), DWORD [Rq(a) + k])
                }
                (Width::W64, _) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [Rq(a) + k]),
            }
            self.store(dst, d);
            return;
        }
        match (w, signed) {
            (Width::W8, false) => dynasm!(self.a ; .arch x64 ; movzx Rd(d), BYTE [Rq(a)]),
            (Width::W8, true) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), BYTE [Rq(a)]),
            (Width::W16, false) => dynasm!(self.a ; .arch x64 ; movzx Rd(d), WORD [Rq(a)]),
            (Width::W16, true) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), WORD [Rq(a)]),
            (Width::W32, false) => dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [Rq(a)]),
            (Width::W32, true) => dynasm!(self.a ; .arch x64 ; movsxd Rq(d), DWORD [Rq(a)]),
            (Width::W64, _) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [Rq(a)]),
        }
        self.store(dst, d);
    }

    pub(super) fn store_mem(&mut self, w: Width, addr: Val, src: Val) {
        let a = self.addr_reg(addr);
        let k = self.disp;
        if k != 0 {
            let s = match self.src(src, w == Width::W64, 1) {
                Src::M(m) => {
                    dynasm!(self.a ; .arch x64 ; mov rcx, QWORD [r15 + m]);
                    Src::R(1)
                }
                s => s,
            };
            match (s, w) {
                (Src::R(r), Width::W8) => dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(a) + k], Rb(r)),
                (Src::R(r), Width::W16) => {
                    dynasm!(self.a ; .arch x64 ; mov WORD [Rq(a) + k], Rw(r))
                }
                (Src::R(r), Width::W32) => {
                    dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(a) + k], Rd(r))
                }
                (Src::R(r), Width::W64) => {
                    dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(a) + k], Rq(r))
                }
                (Src::I(i), Width::W8) => {
                    dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(a) + k], i as i8)
                }
                (Src::I(i), Width::W16) => {
                    dynasm!(self.a ; .arch x64 ; mov WORD [Rq(a) + k], i as i16)
                }
                (Src::I(i), Width::W32) => dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(a) + k], i),
                (Src::I(i), Width::W64) => dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(a) + k], i),
                (Src::M(_), _) => unreachable!(),
            }
            return;
        }
        match (self.src(src, w == Width::W64, 1), w) {
            (Src::R(r), Width::W8) => dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(a)], Rb(r)),
            (Src::R(r), Width::W16) => dynasm!(self.a ; .arch x64 ; mov WORD [Rq(a)], Rw(r)),
            (Src::R(r), Width::W32) => dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(a)], Rd(r)),
            (Src::R(r), Width::W64) => dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(a)], Rq(r)),
            (Src::I(i), Width::W8) => dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(a)], i as i8),
            (Src::I(i), Width::W16) => dynasm!(self.a ; .arch x64 ; mov WORD [Rq(a)], i as i16),
            (Src::I(i), Width::W32) => dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(a)], i),
            (Src::I(i), Width::W64) => dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(a)], i),
            (Src::M(m), _) => {
                dynasm!(self.a ; .arch x64 ; mov rcx, QWORD [r15 + m]);
                match w {
                    Width::W8 => dynasm!(self.a ; .arch x64 ; mov BYTE [Rq(a)], cl),
                    Width::W16 => dynasm!(self.a ; .arch x64 ; mov WORD [Rq(a)], cx),
                    Width::W32 => dynasm!(self.a ; .arch x64 ; mov DWORD [Rq(a)], ecx),
                    Width::W64 => dynasm!(self.a ; .arch x64 ; mov QWORD [Rq(a)], rcx),
                }
            }
        }
    }

    pub(super) fn load_vec(&mut self, bytes: u8, vreg: u8, addr: Val) {
        let off = Self::voff(vreg);
        self.load(0, addr);
        if self.disp != 0 {
            let k = self.disp;
            dynasm!(self.a ; .arch x64 ; lea rax, [rax + k]);
        }
        match bytes {
            16 => dynasm!(self.a ; .arch x64 ; movdqu xmm0, [rax] ; movdqa [r15 + off], xmm0),
            8 => dynasm!(self.a ; .arch x64 ; movq xmm0, QWORD [rax] ; movdqa [r15 + off], xmm0),
            4 => dynasm!(self.a ; .arch x64 ; movd xmm0, DWORD [rax] ; movdqa [r15 + off], xmm0),
            2 => dynasm!(self.a ; .arch x64
                ; movzx eax, WORD [rax] ; mov QWORD [r15 + off], rax ; mov QWORD [r15 + off + 8], 0),
            _ => dynasm!(self.a ; .arch x64
                ; movzx eax, BYTE [rax] ; mov QWORD [r15 + off], rax ; mov QWORD [r15 + off + 8], 0),
        }
        if bytes >= 4 {
            self.vcache_store(off, 0);
        }
    }

    pub(super) fn store_vec(&mut self, bytes: u8, vreg: u8, addr: Val) {
        let off = Self::voff(vreg);
        self.load(0, addr);
        if self.disp != 0 {
            let k = self.disp;
            dynasm!(self.a ; .arch x64 ; lea rax, [rax + k]);
        }
        match bytes {
            16 => dynasm!(self.a ; .arch x64 ; movdqa xmm0, [r15 + off] ; movdqu [rax], xmm0),
            8 => dynasm!(self.a ; .arch x64 ; mov rcx, QWORD [r15 + off] ; mov QWORD [rax], rcx),
            4 => dynasm!(self.a ; .arch x64 ; mov ecx, DWORD [r15 + off] ; mov DWORD [rax], ecx),
            2 => dynasm!(self.a ; .arch x64 ; mov cx, WORD [r15 + off] ; mov WORD [rax], cx),
            _ => dynasm!(self.a ; .arch x64 ; mov cl, BYTE [r15 + off] ; mov BYTE [rax], cl),
        }
    }

    /// Atomic read-modify-write; the old value ends in the destination.
    pub(super) fn rmw(&mut self, op: RmwOp, w: Width, dst: Val, addr: Val, src: Val) {
        self.load(2, addr); // rdx = address
        self.load(1, src); // rcx = operand
        match op {
            RmwOp::Add => {
                match w {
                    Width::W8 => {
                        dynasm!(self.a ; .arch x64 ; lock xadd BYTE [rdx], cl ; movzx eax, cl)
                    }
                    Width::W16 => {
                        dynasm!(self.a ; .arch x64 ; lock xadd WORD [rdx], cx ; movzx eax, cx)
                    }
                    Width::W32 => {
                        dynasm!(self.a ; .arch x64 ; lock xadd DWORD [rdx], ecx ; mov eax, ecx)
                    }
                    Width::W64 => {
                        dynasm!(self.a ; .arch x64 ; lock xadd QWORD [rdx], rcx ; mov rax, rcx)
                    }
                }
                self.store(dst, 0);
                return;
            }
            RmwOp::Swp => {
                match w {
                    Width::W8 => dynasm!(self.a ; .arch x64 ; xchg BYTE [rdx], cl ; movzx eax, cl),
                    Width::W16 => dynasm!(self.a ; .arch x64 ; xchg WORD [rdx], cx ; movzx eax, cx),
                    Width::W32 => {
                        dynasm!(self.a ; .arch x64 ; xchg DWORD [rdx], ecx ; mov eax, ecx)
                    }
                    Width::W64 => {
                        dynasm!(self.a ; .arch x64 ; xchg QWORD [rdx], rcx ; mov rax, rcx)
                    }
                }
                self.store(dst, 0);
                return;
            }
            _ => {}
        }
        // Compare-exchange loop: rax = old (zero-extended), rsi = new.
        let again = self.a.new_dynamic_label();
        self.load_old(w);
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
            Width::W8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [rdx], sil),
            Width::W16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [rdx], si),
            Width::W32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [rdx], esi),
            Width::W64 => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [rdx], rsi),
        }
        dynasm!(self.a ; .arch x64 ; jnz =>again);
        self.zext_rax(w);
        self.store(dst, 0);
    }

    /// rax = zero-extended value at [rdx].
    fn load_old(&mut self, w: Width) {
        match w {
            Width::W8 => dynasm!(self.a ; .arch x64 ; movzx eax, BYTE [rdx]),
            Width::W16 => dynasm!(self.a ; .arch x64 ; movzx eax, WORD [rdx]),
            Width::W32 => dynasm!(self.a ; .arch x64 ; mov eax, DWORD [rdx]),
            Width::W64 => dynasm!(self.a ; .arch x64 ; mov rax, QWORD [rdx]),
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

    pub(super) fn cas(&mut self, w: Width, dst: Val, addr: Val, expected: Val, new: Val) {
        self.load(2, addr);
        self.load(0, expected);
        self.load(1, new);
        match w {
            Width::W8 => dynasm!(self.a ; .arch x64 ; lock cmpxchg BYTE [rdx], cl),
            Width::W16 => dynasm!(self.a ; .arch x64 ; lock cmpxchg WORD [rdx], cx),
            Width::W32 => dynasm!(self.a ; .arch x64 ; lock cmpxchg DWORD [rdx], ecx),
            Width::W64 => dynasm!(self.a ; .arch x64 ; lock cmpxchg QWORD [rdx], rcx),
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
