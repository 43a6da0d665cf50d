//! Integer ALU, flags and condition operations.

use super::emit::{Emitter, Src};
use super::regalloc::Loc;
use crate::ir::{BinOp, FlagsOp, UnOp, Val, Width};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};

fn has_lzcnt() -> bool {
    static LZCNT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *LZCNT.get_or_init(|| std::arch::is_x86_feature_detected!("lzcnt"))
}

/// Whether the host has BMI2 (`rorx`), checked once.
fn has_bmi2() -> bool {
    static BMI2: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *BMI2.get_or_init(|| std::arch::is_x86_feature_detected!("bmi2"))
}

fn has_bmi1() -> bool {
    static BMI1: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *BMI1.get_or_init(|| std::arch::is_x86_feature_detected!("bmi1"))
}

/// x86 condition codes (`Jcc` = 0x0F 0x80+cc).
pub(super) const CC_O: u8 = 0x0;
pub(super) const CC_NO: u8 = 0x1;
pub(super) const CC_B: u8 = 0x2;
pub(super) const CC_AE: u8 = 0x3;
pub(super) const CC_E: u8 = 0x4;
pub(super) const CC_NE: u8 = 0x5;
pub(super) const CC_BE: u8 = 0x6;
pub(super) const CC_A: u8 = 0x7;
pub(super) const CC_S: u8 = 0x8;
pub(super) const CC_NS: u8 = 0x9;
pub(super) const CC_L: u8 = 0xc;
pub(super) const CC_GE: u8 = 0xd;
pub(super) const CC_LE: u8 = 0xe;
pub(super) const CC_G: u8 = 0xf;

/// The x86 condition after `cmp a, b` that matches arm64 condition `cond`
/// after `SUBS a, b` (arm64 C is NOT borrow, so HS is `ae`).
pub(super) fn cc_after_sub(cond: u8) -> Option<u8> {
    Some(match cond {
        0 => CC_E,
        1 => CC_NE,
        2 => CC_AE,
        3 => CC_B,
        4 => CC_S,
        5 => CC_NS,
        6 => CC_O,
        7 => CC_NO,
        8 => CC_A,
        9 => CC_BE,
        10 => CC_GE,
        11 => CC_L,
        12 => CC_G,
        13 => CC_LE,
        _ => return None,
    })
}

/// The x86 condition after `test a, a` matching arm64 `cond` after a logical
/// flag-setting op (C = V = 0). Conditions that are constant then are not
/// fused.
pub(super) fn cc_after_test(cond: u8) -> Option<u8> {
    Some(match cond {
        0 => CC_E,
        1 => CC_NE,
        4 => CC_S,
        5 => CC_NS,
        10 => CC_GE,
        11 => CC_L,
        12 => CC_G,
        13 => CC_LE,
        _ => return None,
    })
}

/// The x86 condition after `add a, b` matching arm64 `cond` after ADDS
/// (arm64 C is the x86 carry). HI and LS have no single x86 condition.
pub(super) fn cc_after_add(cond: u8) -> Option<u8> {
    Some(match cond {
        0 => CC_E,
        1 => CC_NE,
        2 => CC_B,
        3 => CC_AE,
        4 => CC_S,
        5 => CC_NS,
        6 => CC_O,
        7 => CC_NO,
        10 => CC_GE,
        11 => CC_L,
        12 => CC_G,
        13 => CC_LE,
        _ => return None,
    })
}

/// The x86 condition code that tests arm64 `cond` after the host
/// instruction that computes `op`'s flags, if there is one.
pub(super) fn host_cc(op: FlagsOp, cond: u8) -> Option<u8> {
    match op {
        FlagsOp::Sub => cc_after_sub(cond),
        FlagsOp::Add => cc_after_add(cond),
        FlagsOp::Logic => cc_after_test(cond),
    }
}

/// eax = architectural NZCV from the host flags after an addition or (`sub`)
/// a subtraction; clobbers rcx and rdx.
pub(super) fn nzcv_to_eax_inline<A: DynasmApi>(a: &mut A, sub: bool) {
    // Index the table with SF, ZF, CF (from lahf) and OF.
    let table = NZCV_TABLE[sub as usize].as_ptr() as i64;
    dynasm!(a ; .arch x64
        ; lahf
        ; seto al
        ; movzx ecx, ah
        ; and ecx, 0xc1
        ; and eax, 1
        ; lea ecx, [rcx + rax * 2]
        ; mov rdx, QWORD table
        ; mov eax, DWORD [rdx + rcx * 4]);
}

/// Architectural NZCV for each `(AH & 0xC1) | (OF << 1)` after an x86
/// flag-setting instruction (AH from `lahf`: SF bit 7, ZF bit 6, CF bit 0).
/// Row 0: arm64 C = x86 CF (additions); row 1: C = NOT CF (subtractions).
pub(super) static NZCV_TABLE: [[u32; 256]; 2] = nzcv_table();

const fn nzcv_table() -> [[u32; 256]; 2] {
    let mut t = [[0u32; 256]; 2];
    let mut i = 0;
    while i < 256 {
        let (sf, zf, of, cf) = ((i >> 7) & 1, (i >> 6) & 1, (i >> 1) & 1, i & 1);
        let nzv = (sf << 31) | (zf << 30) | (of << 28);
        t[0][i] = (nzv | (cf << 29)) as u32;
        t[1][i] = (nzv | ((cf ^ 1) << 29)) as u32;
        i += 1;
    }
    t
}

impl Emitter {
    pub(super) fn bin(&mut self, op: BinOp, w: Width, dst: Val, a: Val, b: Val) {
        match op {
            BinOp::UMulH | BinOp::SMulH | BinOp::UDiv | BinOp::SDiv => {
                return self.bin_rax_rdx(op, w, dst, a, b)
            }
            BinOp::Shl | BinOp::Lshr | BinOp::Ashr | BinOp::Ror => {
                return self.shift(op, w, dst, a, b)
            }
            BinOp::Crc { c, bytes } => return self.crc(c, bytes, dst, a, b),
            _ => {}
        }
        let w64 = w == Width::W64;
        if !w64 && self.zero_extend_of(op, dst, a, b) {
            return;
        }
        if op == BinOp::And {
            if let Loc::Imm(mask @ (0xff | 0xffff | 0xffff_ffff)) = self.locs[b.0 as usize] {
                return self.zero_extend(dst, a, mask);
            }
        }
        if self.bin_lea(op, w, dst, a, b) {
            return;
        }
        let commutative = !matches!(op, BinOp::Sub);
        let (mut a, mut b) = (a, b);
        let mut d = self.dreg(dst);
        if self.reg_of(b) == Some(d) && self.reg_of(a) != Some(d) {
            if commutative {
                std::mem::swap(&mut a, &mut b);
            } else {
                d = 0;
            }
        }
        self.load(d, a);
        let s = self.src(b, w64, 1);
        macro_rules! alu {
            ($ins:ident) => {
                match (s, w64) {
                    (Src::R(r), true) => dynasm!(self.a ; .arch x64 ; $ins Rq(d), Rq(r)),
                    (Src::R(r), false) => dynasm!(self.a ; .arch x64 ; $ins Rd(d), Rd(r)),
                    (Src::I(i), true) => dynasm!(self.a ; .arch x64 ; $ins Rq(d), i),
                    (Src::I(i), false) => dynasm!(self.a ; .arch x64 ; $ins Rd(d), i),
                    (Src::M(m), true) => dynasm!(self.a ; .arch x64 ; $ins Rq(d), QWORD [r15 + m]),
                    (Src::M(m), false) => dynasm!(self.a ; .arch x64 ; $ins Rd(d), DWORD [r15 + m]),
                }
            };
        }
        match op {
            BinOp::Add => alu!(add),
            BinOp::Sub => alu!(sub),
            BinOp::And => alu!(and),
            BinOp::Or => alu!(or),
            BinOp::Xor => alu!(xor),
            _ => match (s, w64) {
                (Src::R(r), true) => dynasm!(self.a ; .arch x64 ; imul Rq(d), Rq(r)),
                (Src::R(r), false) => dynasm!(self.a ; .arch x64 ; imul Rd(d), Rd(r)),
                (Src::I(i), true) => dynasm!(self.a ; .arch x64 ; imul Rq(d), Rq(d), i),
                (Src::I(i), false) => dynasm!(self.a ; .arch x64 ; imul Rd(d), Rd(d), i),
                (Src::M(m), true) => dynasm!(self.a ; .arch x64 ; imul Rq(d), QWORD [r15 + m]),
                (Src::M(m), false) => dynasm!(self.a ; .arch x64 ; imul Rd(d), DWORD [r15 + m]),
            },
        }
        self.store(dst, d);
    }

    /// A 32-bit `x + 0`, `x | 0`, `x ^ 0` (either way round) or `x - 0`:
    /// the zero extension of `x` (a 32-bit `mov`; MOV Wd, Wn is ORR with
    /// WZR). Returns whether it was one.
    fn zero_extend_of(&mut self, op: BinOp, dst: Val, a: Val, b: Val) -> bool {
        let zero = |v: Val| self.locs[v.0 as usize] == Loc::Imm(0);
        let x = match op {
            BinOp::Add | BinOp::Or | BinOp::Xor if zero(a) => b,
            BinOp::Add | BinOp::Or | BinOp::Xor | BinOp::Sub if zero(b) => a,
            _ => return false,
        };
        let d = self.dreg(dst);
        match self.locs[x.0 as usize] {
            Loc::Reg(s) => dynasm!(self.a ; .arch x64 ; mov Rd(d), Rd(s)),
            Loc::Stack(m) => {
                dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [r15 + super::emit::spill_offset(m)])
            }
            _ => return false,
        }
        self.store(dst, d);
        true
    }

    /// `a & mask` for the masks of the low 8, 16 or 32 bits: a zero extension.
    fn zero_extend(&mut self, dst: Val, a: Val, mask: u64) {
        let d = self.dreg(dst);
        self.load(d, a);
        match mask {
            0xff => dynasm!(self.a ; .arch x64 ; movzx Rd(d), Rb(d)),
            0xffff => dynasm!(self.a ; .arch x64 ; movzx Rd(d), Rw(d)),
            _ => dynasm!(self.a ; .arch x64 ; mov Rd(d), Rd(d)),
        }
        self.store(dst, d);
    }

    /// Shifts and rotates; amounts are taken modulo the width, as on arm64.
    fn shift(&mut self, op: BinOp, w: Width, dst: Val, a: Val, b: Val) {
        let w64 = w == Width::W64;
        let d = self.dreg(dst);
        if let Loc::Imm(n) = self.locs[b.0 as usize] {
            let n = (n & (w.bits() as u64 - 1)) as i8;
            if op == BinOp::Ror && n != 0 && has_bmi2() && self.rorx(w64, d, a, n) {
                return self.store(dst, d);
            }
            self.load(d, a);
            macro_rules! sh {
                ($ins:ident) => {
                    if w64 {
                        dynasm!(self.a ; .arch x64 ; $ins Rq(d), n);
                    } else {
                        dynasm!(self.a ; .arch x64 ; $ins Rd(d), n);
                    }
                };
            }
            match op {
                // A zero shift must still zero-extend a 32-bit result.
                _ if n == 0 && !w64 => dynasm!(self.a ; .arch x64 ; mov Rd(d), Rd(d)),
                _ if n == 0 => {}
                BinOp::Shl => sh!(shl),
                BinOp::Lshr => sh!(shr),
                BinOp::Ashr => sh!(sar),
                _ => sh!(ror),
            }
            self.store(dst, d);
            return;
        }
        self.load(0, a);
        self.load(1, b);
        macro_rules! shift {
            ($ins:ident) => {
                if w64 {
                    dynasm!(self.a ; .arch x64 ; $ins rax, cl);
                } else {
                    dynasm!(self.a ; .arch x64 ; $ins eax, cl ; mov eax, eax);
                }
            };
        }
        match op {
            BinOp::Shl => shift!(shl),
            BinOp::Lshr => shift!(shr),
            BinOp::Ashr => shift!(sar),
            _ => shift!(ror),
        }
        self.store(dst, 0);
    }

    /// `d = a` rotated right by `n` (1 to the width less one) with BMI2's
    /// `rorx`, which reads its operand from any register or a spill slot
    /// and leaves it unchanged (no copy to `d` first). Returns whether `a`
    /// was somewhere `rorx` reads from.
    fn rorx(&mut self, w64: bool, d: u8, a: Val, n: i8) -> bool {
        match (self.src(a, w64, d), w64) {
            (Src::R(r), true) => dynasm!(self.a ; .arch x64 ; rorx Rq(d), Rq(r), n),
            (Src::R(r), false) => dynasm!(self.a ; .arch x64 ; rorx Rd(d), Rd(r), n),
            (Src::M(m), true) => dynasm!(self.a ; .arch x64 ; rorx Rq(d), QWORD [r15 + m], n),
            (Src::M(m), false) => dynasm!(self.a ; .arch x64 ; rorx Rd(d), DWORD [r15 + m], n),
            (Src::I(_), _) => return false,
        }
        true
    }

    /// Multiply-high and divisions, which use rax and rdx.
    fn bin_rax_rdx(&mut self, op: BinOp, w: Width, dst: Val, a: Val, b: Val) {
        let w64 = w == Width::W64;
        self.load(0, a);
        self.load(1, b);
        match op {
            BinOp::UMulH => dynasm!(self.a ; .arch x64 ; mul rcx ; mov rax, rdx),
            BinOp::SMulH => dynasm!(self.a ; .arch x64 ; imul rcx ; mov rax, rdx),
            BinOp::UDiv => {
                let zero = self.a.new_dynamic_label();
                let done = self.a.new_dynamic_label();
                if w64 {
                    dynasm!(self.a ; .arch x64
                        ; test rcx, rcx ; jz =>zero
                        ; xor edx, edx ; div rcx ; jmp =>done
                        ; =>zero ; xor eax, eax
                        ; =>done);
                } else {
                    dynasm!(self.a ; .arch x64
                        ; test ecx, ecx ; jz =>zero
                        ; xor edx, edx ; div ecx ; jmp =>done
                        ; =>zero ; xor eax, eax
                        ; =>done);
                }
            }
            _ => {
                let zero = self.a.new_dynamic_label();
                let minus1 = self.a.new_dynamic_label();
                let done = self.a.new_dynamic_label();
                if w64 {
                    dynasm!(self.a ; .arch x64
                        ; test rcx, rcx ; jz =>zero
                        ; cmp rcx, -1 ; je =>minus1
                        ; cqo ; idiv rcx ; jmp =>done
                        ; =>minus1 ; neg rax ; jmp =>done
                        ; =>zero ; xor eax, eax
                        ; =>done);
                } else {
                    dynasm!(self.a ; .arch x64
                        ; test ecx, ecx ; jz =>zero
                        ; cmp ecx, -1 ; je =>minus1
                        ; cdq ; idiv ecx ; jmp =>done
                        ; =>minus1 ; neg eax ; jmp =>done
                        ; =>zero ; xor eax, eax
                        ; =>done);
                }
            }
        }
        self.store(dst, 0);
    }

    pub(super) fn un(&mut self, op: UnOp, w: Width, dst: Val, a: Val) {
        let w64 = w == Width::W64;
        self.load(0, a);
        match (op, w64) {
            (UnOp::Not, true) => dynasm!(self.a ; .arch x64 ; not rax),
            (UnOp::Not, false) => dynasm!(self.a ; .arch x64 ; not eax),
            (UnOp::Neg, true) => dynasm!(self.a ; .arch x64 ; neg rax),
            (UnOp::Neg, false) => dynasm!(self.a ; .arch x64 ; neg eax),
            (UnOp::Clz, true) if has_lzcnt() => dynasm!(self.a ; .arch x64 ; lzcnt rax, rax),
            (UnOp::Clz, false) if has_lzcnt() => dynasm!(self.a ; .arch x64 ; lzcnt eax, eax),
            (UnOp::Clz, true) => {
                let zero = self.a.new_dynamic_label();
                let done = self.a.new_dynamic_label();
                dynasm!(self.a ; .arch x64
                    ; bsr rax, rax ; jz =>zero ; xor eax, 63 ; jmp =>done
                    ; =>zero ; mov eax, 64 ; =>done);
            }
            (UnOp::Clz, false) => {
                let zero = self.a.new_dynamic_label();
                let done = self.a.new_dynamic_label();
                dynasm!(self.a ; .arch x64
                    ; bsr eax, eax ; jz =>zero ; xor eax, 31 ; jmp =>done
                    ; =>zero ; mov eax, 32 ; =>done);
            }
            (UnOp::Ctz, true) if has_bmi1() => dynasm!(self.a ; .arch x64 ; tzcnt rax, rax),
            (UnOp::Ctz, false) if has_bmi1() => dynasm!(self.a ; .arch x64 ; tzcnt eax, eax),
            (UnOp::Ctz, _) => {
                let done = self.a.new_dynamic_label();
                let bits = if w64 { 64 } else { 32 };
                if w64 {
                    dynasm!(self.a ; .arch x64 ; bsf rax, rax);
                } else {
                    dynasm!(self.a ; .arch x64 ; bsf eax, eax);
                }
                dynasm!(self.a ; .arch x64 ; jnz =>done ; mov eax, bits ; =>done);
            }
            (UnOp::Rbit, _) => {
                // Bytes reversed, then the nibbles, bit pairs and bits of
                // each byte swapped.
                if w64 {
                    dynasm!(self.a ; .arch x64 ; bswap rax);
                } else {
                    dynasm!(self.a ; .arch x64 ; bswap eax);
                }
                self.swap_fields(w64, 4, 0x0f0f_0f0f_0f0f_0f0f);
                self.swap_fields(w64, 2, 0x3333_3333_3333_3333);
                self.swap_fields(w64, 1, 0x5555_5555_5555_5555);
            }
            (UnOp::Bswap, true) => dynasm!(self.a ; .arch x64 ; bswap rax),
            (UnOp::Bswap, false) => dynasm!(self.a ; .arch x64 ; bswap eax),
            (UnOp::Rev16, _) => self.swap_fields(w64, 8, 0x00ff_00ff_00ff_00ff),
            (UnOp::Rev32, _) => dynasm!(self.a ; .arch x64 ; bswap rax ; ror rax, 32),
            (UnOp::Popcnt, true) => dynasm!(self.a ; .arch x64 ; popcnt rax, rax),
            (UnOp::Popcnt, false) => dynasm!(self.a ; .arch x64 ; popcnt eax, eax),
            (UnOp::Sext8, true) => dynasm!(self.a ; .arch x64 ; movsx rax, al),
            (UnOp::Sext8, false) => dynasm!(self.a ; .arch x64 ; movsx eax, al),
            (UnOp::Sext16, true) => dynasm!(self.a ; .arch x64 ; movsx rax, ax),
            (UnOp::Sext16, false) => dynasm!(self.a ; .arch x64 ; movsx eax, ax),
            (UnOp::Sext32, true) => dynasm!(self.a ; .arch x64 ; movsxd rax, eax),
            (UnOp::Sext32, false) => dynasm!(self.a ; .arch x64 ; mov eax, eax),
        }
        self.store(dst, 0);
    }

    /// rax = ((rax >> sh) & m) | ((rax & m) << sh) at 64 or 32 bits: swaps
    /// adjacent `sh`-bit fields (`m` selects the low field of each pair).
    fn swap_fields(&mut self, w64: bool, sh: i8, m: u64) {
        if w64 {
            dynasm!(self.a ; .arch x64
                ; mov rcx, rax ; shr rax, sh ; mov rdx, QWORD m as i64
                ; and rax, rdx ; and rcx, rdx ; shl rcx, sh ; or rax, rcx);
        } else {
            let m = m as u32 as i32;
            dynasm!(self.a ; .arch x64
                ; mov ecx, eax ; shr eax, sh ; and eax, m ; and ecx, m ; shl ecx, sh ; or eax, ecx);
        }
    }

    /// ADC / SBC.
    pub(super) fn carry(&mut self, op: FlagsOp, w: Width, dst: Val, a: Val, b: Val, c: Val) {
        self.load(0, a);
        self.load(1, b);
        self.load(2, c);
        self.carry_in(op);
        self.adc_sbb(op, w == Width::W64);
        self.store(dst, 0);
    }

    /// Sets x86 CF from the arm64 carry in edx (bit 29), inverted for SBC.
    fn carry_in(&mut self, op: FlagsOp) {
        dynasm!(self.a ; .arch x64 ; bt edx, 29);
        if op == FlagsOp::Sub {
            dynasm!(self.a ; .arch x64 ; cmc);
        }
    }

    fn adc_sbb(&mut self, op: FlagsOp, w64: bool) {
        match (op, w64) {
            (FlagsOp::Add, true) => dynasm!(self.a ; .arch x64 ; adc rax, rcx),
            (FlagsOp::Add, false) => dynasm!(self.a ; .arch x64 ; adc eax, ecx),
            (_, true) => dynasm!(self.a ; .arch x64 ; sbb rax, rcx),
            (_, false) => dynasm!(self.a ; .arch x64 ; sbb eax, ecx),
        }
    }

    /// NZCV of an add, subtract or logical result, built from x86 flags.
    pub(super) fn flags(
        &mut self,
        op: FlagsOp,
        w: Width,
        dst: Val,
        a: Val,
        b: Val,
        c: Option<Val>,
    ) {
        self.set_host_flags(op, w, a, b, c);
        if self.is_host_nzcv(dst) {
            if self.host_flags_to_rax(op) && c.is_none() {
                self.host_flags = Some((op, w, a, b));
            }
        } else {
            self.nzcv_to_eax(op);
        }
        self.store(dst, 0);
    }

    /// An addition of a constant (or subtraction) into a register other
    /// than its operand's: one `lea` instead of a copy and an `add`. Says
    /// whether it emitted it.
    fn bin_lea(&mut self, op: BinOp, w: Width, dst: Val, a: Val, b: Val) -> bool {
        let (Some(d), Some(r)) = (self.reg_of(dst), self.reg_of(a)) else {
            return false;
        };
        let k = match (op, self.locs[b.0 as usize]) {
            (BinOp::Add, Loc::Imm(k)) => k as i64,
            (BinOp::Sub, Loc::Imm(k)) => (k as i64).wrapping_neg(),
            _ => return false,
        };
        // A 32-bit operation adds the low 32 bits, sign-extended or not.
        let k = if w == Width::W64 { k } else { k as i32 as i64 };
        let Ok(k) = i32::try_from(k) else {
            return false;
        };
        if d == r || k == 0 {
            return false;
        }
        match w {
            Width::W64 => dynasm!(self.a ; .arch x64 ; lea Rq(d), [Rq(r) + k]),
            Width::W32 => dynasm!(self.a ; .arch x64 ; lea Rd(d), [Rq(r) + k]),
            _ => return false,
        }
        true
    }

    /// 1 if `cond` holds after `op` on `a`, `b`: a host compare and `setcc`
    /// when the condition maps onto one, else through NZCV.
    pub(super) fn cond_cmp(&mut self, dst: Val, cond: u8, op: FlagsOp, w: Width, a: Val, b: Val) {
        if self.host_flags != Some((op, w, a, b)) {
            self.set_host_flags(op, w, a, b, None);
        }
        let fused = self.fused_exits.iter().any(|f| f.at == self.op_index);
        match host_cc(op, cond) {
            // Its side exit branches on the host flags themselves.
            Some(_) if fused => {
                self.host_flags = Some((op, w, a, b));
                return;
            }
            Some(cc) => {
                self.setcc(cc);
                self.host_flags = Some((op, w, a, b));
            }
            None => {
                self.nzcv_to_eax(op);
                self.cond_eax(cond);
                self.host_flags = None;
            }
        }
        dynasm!(self.a ; .arch x64 ; movzx eax, al);
        self.store(dst, 0);
    }

    /// `setcc al` for x86 condition code `cc`.
    pub(super) fn setcc(&mut self, cc: u8) {
        match cc {
            CC_O => dynasm!(self.a ; .arch x64 ; seto al),
            CC_NO => dynasm!(self.a ; .arch x64 ; setno al),
            CC_B => dynasm!(self.a ; .arch x64 ; setb al),
            CC_AE => dynasm!(self.a ; .arch x64 ; setae al),
            CC_E => dynasm!(self.a ; .arch x64 ; sete al),
            CC_NE => dynasm!(self.a ; .arch x64 ; setne al),
            CC_BE => dynasm!(self.a ; .arch x64 ; setbe al),
            CC_A => dynasm!(self.a ; .arch x64 ; seta al),
            CC_S => dynasm!(self.a ; .arch x64 ; sets al),
            CC_NS => dynasm!(self.a ; .arch x64 ; setns al),
            CC_L => dynasm!(self.a ; .arch x64 ; setl al),
            CC_GE => dynasm!(self.a ; .arch x64 ; setge al),
            CC_LE => dynasm!(self.a ; .arch x64 ; setle al),
            _ => dynasm!(self.a ; .arch x64 ; setg al),
        }
    }

    /// Sets the host flags from `op` on `a`, `b` (and the carry-in in `c`).
    pub(super) fn set_host_flags(&mut self, op: FlagsOp, w: Width, a: Val, b: Val, c: Option<Val>) {
        let w64 = w == Width::W64;
        match (op, c) {
            (FlagsOp::Logic, _) => {
                let r = self.reg_of(a).unwrap_or_else(|| {
                    self.load(0, a);
                    0
                });
                if w64 {
                    dynasm!(self.a ; .arch x64 ; test Rq(r), Rq(r));
                } else {
                    dynasm!(self.a ; .arch x64 ; test Rd(r), Rd(r));
                }
            }
            (_, Some(c)) => {
                self.load(0, a);
                self.load(1, b);
                self.load(2, c);
                self.carry_in(op);
                self.adc_sbb(op, w64);
            }
            (FlagsOp::Sub, None) => {
                let r = self.reg_of(a).unwrap_or_else(|| {
                    self.load(0, a);
                    0
                });
                match (self.src(b, w64, 1), w64) {
                    (Src::R(s), true) => dynasm!(self.a ; .arch x64 ; cmp Rq(r), Rq(s)),
                    (Src::R(s), false) => dynasm!(self.a ; .arch x64 ; cmp Rd(r), Rd(s)),
                    (Src::I(i), true) => dynasm!(self.a ; .arch x64 ; cmp Rq(r), i),
                    (Src::I(i), false) => dynasm!(self.a ; .arch x64 ; cmp Rd(r), i),
                    (Src::M(m), true) => dynasm!(self.a ; .arch x64 ; cmp Rq(r), QWORD [r15 + m]),
                    (Src::M(m), false) => dynasm!(self.a ; .arch x64 ; cmp Rd(r), DWORD [r15 + m]),
                }
            }
            (FlagsOp::Add, None) => {
                self.load(0, a);
                match (self.src(b, w64, 1), w64) {
                    (Src::R(s), true) => dynasm!(self.a ; .arch x64 ; add rax, Rq(s)),
                    (Src::R(s), false) => dynasm!(self.a ; .arch x64 ; add eax, Rd(s)),
                    (Src::I(i), true) => dynasm!(self.a ; .arch x64 ; add rax, i),
                    (Src::I(i), false) => dynasm!(self.a ; .arch x64 ; add eax, i),
                    (Src::M(m), true) => dynasm!(self.a ; .arch x64 ; add rax, QWORD [r15 + m]),
                    (Src::M(m), false) => dynasm!(self.a ; .arch x64 ; add eax, DWORD [r15 + m]),
                }
            }
        }
    }

    /// eax = architectural NZCV from the host flags after `op`.
    /// A quick-tier block calls the trampoline's copy of this code (see
    /// [`super::trampoline::NZCV_BACK`]): it runs a few times only, and is
    /// the smaller for it.
    pub(super) fn nzcv_to_eax(&mut self, op: FlagsOp) {
        let sub = op == FlagsOp::Sub;
        if matches!(self.env.tier, super::Tier::Quick { .. }) {
            let routine = (self.env.exit - super::trampoline::NZCV_BACK[sub as usize]) as usize;
            dynasm!(self.a ; .arch x64 ; call extern routine);
        } else {
            nzcv_to_eax_inline(&mut *self.a, sub);
        }
    }

    /// 1 if arm64 condition `cond` holds for the NZCV value, else 0.
    pub(super) fn cond(&mut self, dst: Val, cond: u8, nzcv: Val) {
        self.load(0, nzcv);
        self.cond_eax(cond);
        dynasm!(self.a ; .arch x64 ; movzx eax, al);
        self.store(dst, 0);
    }

    /// al = 1 if `cond` holds for the NZCV value in eax, else 0.
    pub(super) fn cond_eax(&mut self, cond: u8) {
        let base = cond >> 1;
        let invert = cond & 1 == 1 && cond < 14;
        match base {
            // EQ (Z), CS (C), MI (N), VS (V): test one bit.
            0..=3 => {
                let bit: i8 = match base {
                    0 => 30,
                    1 => 29,
                    2 => 31,
                    _ => 28,
                };
                dynasm!(self.a ; .arch x64 ; bt eax, bit);
                if invert {
                    dynasm!(self.a ; .arch x64 ; setnc al);
                } else {
                    dynasm!(self.a ; .arch x64 ; setc al);
                }
            }
            // HI: C && !Z  → (nzcv >> 29) & 3 == 1
            4 => {
                dynasm!(self.a ; .arch x64 ; shr eax, 29 ; and eax, 3 ; cmp eax, 1);
                if invert {
                    dynasm!(self.a ; .arch x64 ; setne al);
                } else {
                    dynasm!(self.a ; .arch x64 ; sete al);
                }
            }
            // GE: N == V
            5 => {
                dynasm!(self.a ; .arch x64
                    ; mov ecx, eax ; shr eax, 31 ; shr ecx, 28 ; and ecx, 1 ; cmp eax, ecx);
                if invert {
                    dynasm!(self.a ; .arch x64 ; setne al);
                } else {
                    dynasm!(self.a ; .arch x64 ; sete al);
                }
            }
            // GT: !Z && N == V  → ((N ^ V) | Z) == 0
            6 => {
                dynasm!(self.a ; .arch x64
                    ; mov ecx, eax ; mov edx, eax
                    ; shr eax, 31 ; shr ecx, 28 ; xor eax, ecx
                    ; shr edx, 30 ; or eax, edx ; test eax, 1);
                if invert {
                    dynasm!(self.a ; .arch x64 ; setnz al);
                } else {
                    dynasm!(self.a ; .arch x64 ; setz al);
                }
            }
            // AL, NV: always.
            _ => dynasm!(self.a ; .arch x64 ; mov al, 1),
        }
    }
}
