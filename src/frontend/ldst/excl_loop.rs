//! Load-exclusive loops translated as one atomic read-modify-write.
//!
//! C11 atomics compiled for ARMv8.0 (no LSE) are retry loops:
//!
//! ```text
//! loop: LDXR  Xt, [Xn]           (or LDAXR; W or X)
//!       ADD   Xd, Xt, Xm|#imm     (SUB, AND, ORR, EOR; absent for an exchange)
//!       STXR  Ws, Xd, [Xn]        (or STLXR; Xm itself for an exchange)
//!       CBNZ  Ws, loop
//! ```
//!
//! Such a loop ends in the state of an execution whose store-exclusive
//! succeeded at its first try: Xt the value memory held, Xd that value
//! combined with the operand, Ws zero, the monitor clear, memory updated
//! atomically. One host locked instruction does that (`lock xadd` for an
//! addition, `xchg` for an exchange, a compare-exchange loop in host code
//! for the logical operations: [`crate::ir::Op::Rmw`]), which saves the
//! separate read and the retries a compare-and-swap store-exclusive needs
//! when other threads hit the same line.
//!
//! Faults stay those of the loop's first pass. The LDXR is still a load (an
//! alignment fault, or a read fault of an unreadable page, at the LDXR,
//! with nothing written), and Xt and Xd get the values it implies before
//! the read-modify-write, which belongs to the STXR: on a page that is
//! readable but not writable the write fault comes at the STXR with Xt and
//! Xd written, Ws not, and the monitor cleared, as the store-exclusive
//! itself leaves them.
//!
//! Only loops whose registers do not overlap in a way that could change
//! the result are taken: Xn, Xt, Xd (unless it is Xt), Ws distinct and not
//! register 31, the operand register neither Xt nor Ws.

use crate::arm64::bits::decode_logical_imm;
use crate::arm64::decode;
use crate::arm64::encodings::{branch, dp_imm, dp_reg, ldst, Insn};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::Ctx;
use crate::ir::{BinOp, RmwOp, Val, Width};
use std::mem::offset_of;

/// A load-exclusive loop found at an LDXR.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ExclLoop {
    /// Instructions in the loop (4, or 3 for an exchange).
    pub insns: u32,
    w: Width,
    n: u32,
    t: u32,
    s: u32,
    kind: Kind,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// The STXR stores register `m` (31 = XZR) as it was.
    Swap { m: u32 },
    /// Xd = Xt `op` operand is stored.
    Op { d: u32, op: AluOp, operand: Operand },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum AluOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Operand {
    /// A register (31 = XZR).
    Reg(u32),
    Imm(u64),
}

impl ExclLoop {
    /// Whether `f` is an LDXR, the first instruction of every loop
    /// [`ExclLoop::find`] finds (asked before it, of every instruction).
    pub fn starts(f: &Fields) -> bool {
        f.entry.insn == Insn::Ldst(ldst::Op::LDXR)
    }

    /// The loop starting with the LDXR `f` (decoded) at `pc`, if it is
    /// one; `peek` reads the following instruction words in order, and
    /// `valid` says whether a decoded word exists on the CPU model.
    pub fn find(
        pc: u64,
        f: &Fields,
        peek: &mut dyn FnMut(u64) -> Option<u32>,
        valid: &dyn Fn(&Fields) -> bool,
    ) -> Option<ExclLoop> {
        let mut next = |a: u64| peek(a).and_then(decode).filter(valid);
        if !Self::starts(f) || f.u('z') < 2 {
            return None;
        }
        let (z, n, t) = (f.u('z'), f.u('n'), f.u('t'));
        let w = Width::from_log2(z);
        if t == 31 || t == n {
            return None;
        }
        let f1 = next(pc + 4)?;
        let (kind, stxr) = match alu(&f1, t, z == 3) {
            Some((d, op, operand)) => (Kind::Op { d, op, operand }, next(pc + 8)?),
            None => (Kind::Swap { m: 0 }, f1),
        };
        if stxr.entry.insn != Insn::Ldst(ldst::Op::STXR) || stxr.u('z') != z || stxr.u('n') != n {
            return None;
        }
        let (s, stored) = (stxr.u('s'), stxr.u('t'));
        let kind = match kind {
            Kind::Swap { .. } if stored != t => Kind::Swap { m: stored },
            Kind::Op { d, .. } if stored == d => kind,
            _ => return None,
        };
        let operand_reg = match kind {
            Kind::Swap { m }
            | Kind::Op {
                operand: Operand::Reg(m),
                ..
            } => Some(m),
            Kind::Op { .. } => None,
        };
        let d = match kind {
            Kind::Op { d, .. } => d,
            Kind::Swap { .. } => t,
        };
        if s == 31 || [t, d, n].contains(&s) || operand_reg.is_some_and(|m| m == s) {
            return None;
        }
        if d == 31 || d == n {
            return None;
        }
        let insns = if matches!(kind, Kind::Swap { .. }) {
            3
        } else {
            4
        };
        let cb_pc = pc + 4 * (insns as u64 - 1);
        let cb = next(cb_pc)?;
        if cb.entry.insn != Insn::Branch(branch::Op::CBNZ) || cb.u('d') != s {
            return None;
        }
        if cb_pc.wrapping_add((cb.s('i') << 2) as u64) != pc {
            return None;
        }
        Some(ExclLoop {
            insns,
            w,
            n,
            t,
            s,
            kind,
        })
    }

    /// Appends the loop's IR; the caller has started its first instruction
    /// at `cx.pc`.
    pub fn translate(&self, cx: &mut Ctx) {
        let (w, n, t, s) = (self.w, self.n, self.t, self.s);
        let addr = cx.mem_base(n);
        super::check_aligned(cx, addr, w.bytes(), false);
        // Read before Xt is written (the operand register is not Xt).
        let operand = match self.kind {
            Kind::Swap { m }
            | Kind::Op {
                operand: Operand::Reg(m),
                ..
            } => cx.xw(m, w),
            Kind::Op {
                operand: Operand::Imm(k),
                ..
            } => cx.k(k),
        };
        let v = cx.b.load(w, false, addr);
        cx.set_x(t, v);
        if let Kind::Op { d, op, .. } = self.kind {
            next_insn(cx);
            let r = combine(cx, op, w, v, operand);
            cx.set_x(d, r);
        }
        next_insn(cx);
        let none = cx.k(u64::MAX);
        cx.b.store_state(offset_of!(CpuState, excl_addr), none);
        let zero = cx.k(0);
        cx.b.store_state(offset_of!(CpuState, excl_size), zero);
        let old = match self.kind {
            Kind::Swap { .. } => cx.b.rmw(RmwOp::Swp, w, addr, operand),
            Kind::Op { d, op, .. } => {
                let (rop, src) = match op {
                    AluOp::Add => (RmwOp::Add, operand),
                    AluOp::Sub => (RmwOp::Add, negate(cx, w, operand)),
                    AluOp::And => {
                        let inv = cx.b.un(crate::ir::UnOp::Not, w, operand);
                        (RmwOp::Clr, cx.zext_w(inv, w))
                    }
                    AluOp::Or => (RmwOp::Set, operand),
                    AluOp::Xor => (RmwOp::Eor, operand),
                };
                let old = cx.b.rmw(rop, w, addr, src);
                cx.set_x(t, old);
                let r = combine(cx, op, w, old, operand);
                cx.set_x(d, r);
                old
            }
        };
        if let Kind::Swap { .. } = self.kind {
            cx.set_x(t, old);
        }
        let zero = cx.k(0);
        cx.set_x(s, zero);
        // The CBNZ, not taken.
        next_insn(cx);
    }
}

/// Starts the loop's next instruction.
fn next_insn(cx: &mut Ctx) {
    cx.pc += 4;
    cx.b.insn_start(cx.pc);
}

/// The ALU instruction `f` of a loop whose LDXR wrote Xt (`sf`: X
/// registers): its destination, operation and operand, when it is one of
/// the forms a loop may have (no flags, no shift, Xt its first operand, or
/// its second for a commutative operation).
fn alu(f: &Fields, t: u32, sf: bool) -> Option<(u32, AluOp, Operand)> {
    let ours = matches!(
        f.entry.insn,
        Insn::DpImm(dp_imm::Op::ADDSUB_imm | dp_imm::Op::LOGIC_imm)
            | Insn::DpReg(dp_reg::Op::ADDSUB_shift | dp_reg::Op::LOGIC_shift)
    );
    if !ours || f.u('z') != sf as u32 {
        return None;
    }
    let (d, n) = (f.u('d'), f.u('n'));
    let (op, n, operand) = match f.entry.insn {
        Insn::DpImm(dp_imm::Op::ADDSUB_imm) if !f.b('S') => {
            let imm = (f.u('i') as u64) << (12 * f.u('h'));
            let op = if f.b('o') { AluOp::Sub } else { AluOp::Add };
            (op, n, Operand::Imm(imm))
        }
        Insn::DpImm(dp_imm::Op::LOGIC_imm) if f.u('o') != 3 => {
            let bits = if sf { 64 } else { 32 };
            let imm = decode_logical_imm(f.u('N'), f.u('s'), f.u('r'), bits)?;
            (logic(f.u('o')), n, Operand::Imm(imm))
        }
        Insn::DpReg(dp_reg::Op::ADDSUB_shift) if !f.b('S') && f.u('i') == 0 && f.u('h') == 0 => {
            let op = if f.b('o') { AluOp::Sub } else { AluOp::Add };
            let m = f.u('m');
            match (n == t, m == t) {
                (true, false) => (op, n, Operand::Reg(m)),
                (false, true) if op == AluOp::Add => (op, m, Operand::Reg(n)),
                _ => return None,
            }
        }
        Insn::DpReg(dp_reg::Op::LOGIC_shift)
            if f.u('o') != 3 && !f.b('N') && f.u('i') == 0 && f.u('h') == 0 =>
        {
            let m = f.u('m');
            match (n == t, m == t) {
                (true, false) => (logic(f.u('o')), n, Operand::Reg(m)),
                (false, true) => (logic(f.u('o')), m, Operand::Reg(n)),
                _ => return None,
            }
        }
        _ => return None,
    };
    (n == t).then_some((d, op, operand))
}

/// AND, ORR or EOR by opc.
fn logic(opc: u32) -> AluOp {
    match opc {
        0 => AluOp::And,
        1 => AluOp::Or,
        _ => AluOp::Xor,
    }
}

/// `a op b` at width `w`, zero-extended.
fn combine(cx: &mut Ctx, op: AluOp, w: Width, a: Val, b: Val) -> Val {
    let bop = match op {
        AluOp::Add => BinOp::Add,
        AluOp::Sub => BinOp::Sub,
        AluOp::And => BinOp::And,
        AluOp::Or => BinOp::Or,
        AluOp::Xor => BinOp::Xor,
    };
    let r = cx.b.bin(bop, w, a, b);
    cx.zext_w(r, w)
}

/// `-v` at width `w`, zero-extended.
fn negate(cx: &mut Ctx, w: Width, v: Val) -> Val {
    let zero = cx.k(0);
    let r = cx.b.bin(BinOp::Sub, w, zero, v);
    cx.zext_w(r, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loop found in `words` at 0x1000.
    fn find(words: &[u32]) -> Option<ExclLoop> {
        let mut peek = |a: u64| words.get(((a - 0x1000) / 4) as usize).copied();
        ExclLoop::find(0x1000, &decode(words[0])?, &mut peek, &|_| true)
    }

    #[test]
    fn finds_the_loops_atomics_compile_to() {
        // ldxr x3, [x2]; add x3, x3, x0; stxr w4, x3, [x2]; cbnz w4, .-12
        let add = [0xc85f7c43, 0x8b000063, 0xc8047c43, 0x35ffffa4];
        let l = find(&add).expect("add loop");
        assert_eq!((l.insns, l.w, l.n, l.t, l.s), (4, Width::W64, 2, 3, 4));
        let want = Kind::Op {
            d: 3,
            op: AluOp::Add,
            operand: Operand::Reg(0),
        };
        assert_eq!(l.kind, want);
        // ldaxr w0, [x1]; stlxr w17, w16, [x1]; cbnz w17, .-8
        let swp = [0x885ffc20, 0x8811fc30, 0x35ffffd1];
        let l = find(&swp).expect("exchange loop");
        assert_eq!((l.insns, l.kind), (3, Kind::Swap { m: 16 }));
        // ldxr w1, [x0]; orr w2, w1, #0x10; stxr w3, w2, [x0]; cbnz w3, .-12
        let orr = [0x885f7c01, 0x321c0022, 0x88037c02, 0x35ffffa3];
        let l = find(&orr).expect("orr loop");
        let want = Kind::Op {
            d: 2,
            op: AluOp::Or,
            operand: Operand::Imm(0x10),
        };
        assert_eq!(l.kind, want);
    }

    #[test]
    fn other_shapes_are_not_loops() {
        let add = [0xc85f7c43, 0x8b000063, 0xc8047c43, 0x35ffffa4];
        let mut w = add;
        w[3] = 0x35ffffc4; // cbnz w4, .-8: not back to the LDXR
        assert_eq!(find(&w), None);
        w = add;
        w[1] = 0xab000063; // adds: sets flags
        assert_eq!(find(&w), None);
        w = add;
        w[2] = 0xc8037c43; // stxr w3, x3, [x2]: status over the value
        w[3] = 0x35ffffa3;
        assert_eq!(find(&w), None);
        w = add;
        w[2] = 0xc8047c23; // stxr w4, x3, [x1]: another address
        assert_eq!(find(&w), None);
        w = add;
        w[1] = 0x8b030063; // add x3, x3, x3: operand is the loaded value
        assert_eq!(find(&w), None);
        w = add;
        w[0] = 0x885f7c43; // ldxr w3: another size than the stxr
        assert_eq!(find(&w), None);
        // Bytes and halfwords stay loops of exclusives.
        let b = [0x085f7c43, 0x0b000063, 0x08047c43, 0x35ffffa4];
        assert_eq!(find(&b), None);
        // The end of readable code before the CBNZ.
        assert_eq!(find(&add[..3]), None);
    }
}
