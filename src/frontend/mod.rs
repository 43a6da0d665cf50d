//! arm64 → IR. One file per Arm ARM instruction class; each exposes
//! `translate(cx, op, f)`, which appends the instruction's IR to the block or
//! reports it undefined. Block formation lives here.

use crate::arm64::{decode, encodings::Insn, Fields};
use crate::cpu::ExitReason;
use crate::ir::{Block, Builder, Val, Width};

mod branch;
mod dp_imm;
mod dp_reg;
mod ext;
mod flagm;
mod fp;

pub use fp::{fbin_args, fmuladd_args};
mod ldst;
mod simd;
mod system;

/// The instruction is undefined (or not implemented): the guest gets SIGILL.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Undefined;

/// Result of translating one instruction.
pub type TResult = Result<(), Undefined>;

/// Most guest instructions translated into one block.
pub const MAX_BLOCK_INSNS: usize = 64;

/// Translation context for one instruction.
pub struct Ctx<'a> {
    pub b: &'a mut Builder,
    /// Address of the instruction being translated.
    pub pc: u64,
    /// System mode (`emu-system`): system-register moves and SYS
    /// instructions that are not plain EL0 state leave translated code as
    /// undefined instructions, which the system layer executes itself.
    pub system: bool,
}

impl Ctx<'_> {
    /// Reads Xn where register 31 is XZR.
    pub fn x(&mut self, n: u32) -> Val {
        if n == 31 {
            self.b.konst(0)
        } else {
            self.b.get_reg(n)
        }
    }

    /// Reads Xn where register 31 is SP.
    pub fn x_sp(&mut self, n: u32) -> Val {
        self.b.get_reg(n)
    }

    /// Reads Xn (31 = XZR) truncated to `w` and zero-extended.
    pub fn xw(&mut self, n: u32, w: Width) -> Val {
        let v = self.x(n);
        self.zext_w(v, w)
    }

    /// Zero-extends `v` from `w` (no-op for W64).
    pub fn zext_w(&mut self, v: Val, w: Width) -> Val {
        if w == Width::W64 {
            v
        } else {
            self.b.zext(v, w.bits())
        }
    }

    /// The address of a guest memory access based on Xn|SP with no offset
    /// (see [`Builder::guest_addr`]).
    pub fn mem_base(&mut self, n: u32) -> Val {
        let base = self.x_sp(n);
        self.b.guest_addr(base)
    }

    /// Writes Xd where register 31 is XZR (the write is dropped). The value
    /// must already be zero-extended for 32-bit results.
    pub fn set_x(&mut self, d: u32, v: Val) {
        if d != 31 {
            self.b.set_reg(d, v);
        }
    }

    /// Writes Xd where register 31 is SP.
    pub fn set_x_sp(&mut self, d: u32, v: Val) {
        self.b.set_reg(d, v);
    }

    /// A 64-bit constant.
    pub fn k(&mut self, imm: u64) -> Val {
        self.b.konst(imm)
    }

    /// Address of the next instruction.
    pub fn next_pc(&self) -> u64 {
        self.pc.wrapping_add(4)
    }
}

/// Translates one decoded instruction.
pub fn translate_insn(cx: &mut Ctx, insn: Insn, f: &Fields) -> TResult {
    match insn {
        Insn::Branch(op) => branch::translate(cx, op, f),
        Insn::DpImm(op) => dp_imm::translate(cx, op, f),
        Insn::DpReg(op) => dp_reg::translate(cx, op, f),
        Insn::Ldst(op) => ldst::translate(cx, op, f),
        Insn::System(op) => system::translate(cx, op, f),
        Insn::Fp(op) => fp::translate(cx, op, f),
        Insn::Simd(op) => simd::translate(cx, op, f),
        Insn::Ext(op) => ext::translate(cx, op, f),
        Insn::Crypto(op) => simd::crypto::translate(cx, op, f),
    }
}

/// Translates the guest basic block starting at `pc`. `fetch` reads one
/// instruction word, or `None` when the address is not executable.
pub fn translate_block(pc: u64, fetch: &mut dyn FnMut(u64) -> Option<u32>) -> Block {
    translate_prefix(pc, fetch, MAX_BLOCK_INSNS)
}

/// [`translate_block`] where the memory accesses of the instructions at the
/// addresses `untag` selects ignore the top byte of their address (TBI,
/// see [`Builder::guest_addr`]).
pub fn translate_block_untag(
    pc: u64,
    fetch: &mut dyn FnMut(u64) -> Option<u32>,
    untag: &dyn Fn(u64) -> bool,
) -> Block {
    translate_with(pc, fetch, MAX_BLOCK_INSNS, untag, false)
}

/// [`translate_block`] for system mode (see [`Ctx::system`]).
pub fn translate_block_system(pc: u64, fetch: &mut dyn FnMut(u64) -> Option<u32>) -> Block {
    translate_with(pc, fetch, MAX_BLOCK_INSNS, &|_| false, true)
}

/// The block of a host routine at `pc` (see `Jit::add_routine`): x0 = f(x0,
/// x1), then a return to x30, as the leaf function the guest called would do.
pub fn routine_block(pc: u64, f: crate::ir::HelperFn) -> Block {
    let mut b = Builder::new(pc);
    b.poll(pc);
    b.insn_start(pc);
    let (x0, x1) = (b.get_reg(0), b.get_reg(1));
    let r = b.call(f, &[x0, x1]);
    b.set_reg(0, r);
    let lr = b.get_reg(30);
    b.indirect(lr);
    b.finish(pc + 4)
}

/// Translates at most `max_insns` instructions of the block at `pc` (used to
/// look ahead at a block's successors).
pub fn translate_prefix(
    pc: u64,
    fetch: &mut dyn FnMut(u64) -> Option<u32>,
    max_insns: usize,
) -> Block {
    translate_with(pc, fetch, max_insns, &|_| false, false)
}

fn translate_with(
    pc: u64,
    fetch: &mut dyn FnMut(u64) -> Option<u32>,
    max_insns: usize,
    untag: &dyn Fn(u64) -> bool,
    system: bool,
) -> Block {
    let mut b = Builder::new(pc);
    b.poll(pc);
    let mut cur = pc;
    for _ in 0..max_insns {
        let Some(word) = fetch(cur) else {
            // Instruction fetch from an unmapped or non-executable page.
            b.insn_start(cur);
            b.exit(ExitReason::FetchFault, cur, cur);
            return b.finish(cur);
        };
        b.insn_start(cur);
        b.set_untag(untag(cur));
        let mark = b.len();
        let ok = match decode(word) {
            Some(f) => {
                let mut cx = Ctx {
                    b: &mut b,
                    pc: cur,
                    system,
                };
                translate_insn(&mut cx, f.entry.insn, &f)
            }
            None => Err(Undefined),
        };
        if ok.is_err() {
            b.truncate(mark);
            b.exit(ExitReason::Udf, cur, word as u64);
            return b.finish(cur + 4);
        }
        cur += 4;
        if b.is_terminated() {
            break;
        }
    }
    b.finish(cur)
}
