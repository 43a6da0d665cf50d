//! arm64 → IR. One file per Arm ARM instruction class; each exposes
//! `translate(cx, op, f)`, which appends the instruction's IR to the block or
//! reports it undefined. Block formation lives here.

use crate::arm64::cpu_model::Cpu;
use crate::arm64::{decode, encodings::Insn, Fields};
use crate::cpu::ExitReason;
use crate::ir::{Block, Builder, Val, Width};
use ldst::excl_loop::ExclLoop;

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
mod words;

use words::Words;
pub use words::{Fetch, RUN as FETCH_RUN};

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
    /// The CPU model: which features exist, what the ID registers hold.
    pub cpu: &'a Cpu,
    /// System mode (`emu-system`): system-register moves and SYS
    /// instructions that are not plain EL0 state leave translated code as
    /// undefined instructions, which the system layer executes itself.
    pub system: bool,
    /// System mode: the helper that performs in place any other MRS and DC
    /// ZVA, `f(cpu, instruction word, Xt) -> value read`, recording the
    /// exception (undefined instruction, data abort) for
    /// [`crate::ir::Op::CheckFault`] when there is one. Neither has a side
    /// effect on translation or control flow, so they need not leave
    /// translated code. It is also called with an LDTR/STTR word and 1
    /// before that instruction's access and 0 after it (see
    /// [`is_unprivileged_ldst`]), for the access to use EL0's view.
    pub sys_inline: Option<crate::ir::HelperFn>,
    /// How many more forward conditional branches may be side exits
    /// ([`crate::ir::Op::ExitIf`]), the block going on along the way the
    /// guest mostly goes, instead of ending the block. A forward B is
    /// followed too while this is not 0.
    pub side_exits: usize,
    /// Which way a forward conditional branch to its first argument,
    /// falling through to its second, has mostly gone so far: `Some(true)`
    /// to the target, `Some(false)` on, `None` neither clearly.
    pub likely: Option<&'a dyn Fn(u64, u64) -> Option<bool>>,
    /// Set by a branch the block goes on past: the address of the next
    /// instruction to translate (the branch's target), instead of the one
    /// after the branch.
    pub goto: Option<u64>,
}

impl Ctx<'_> {
    /// Reads Xn where register 31 is XZR.
    #[inline]
    pub fn x(&mut self, n: u32) -> Val {
        if n == 31 {
            self.b.konst(0)
        } else {
            self.b.get_reg(n)
        }
    }

    /// Reads Xn where register 31 is SP.
    #[inline]
    pub fn x_sp(&mut self, n: u32) -> Val {
        self.b.get_reg(n)
    }

    /// Reads Xn (31 = XZR) truncated to `w` and zero-extended.
    #[inline]
    pub fn xw(&mut self, n: u32, w: Width) -> Val {
        let v = self.x(n);
        self.zext_w(v, w)
    }

    /// Zero-extends `v` from `w` (no-op for W64).
    #[inline]
    pub fn zext_w(&mut self, v: Val, w: Width) -> Val {
        if w == Width::W64 {
            v
        } else {
            self.b.zext(v, w.bits())
        }
    }

    /// The address of a guest memory access based on Xn|SP with no offset
    /// (see [`Builder::guest_addr`]).
    #[inline]
    pub fn mem_base(&mut self, n: u32) -> Val {
        let base = self.x_sp(n);
        self.b.guest_addr(base)
    }

    /// Writes Xd where register 31 is XZR (the write is dropped). The value
    /// must already be zero-extended for 32-bit results.
    #[inline]
    pub fn set_x(&mut self, d: u32, v: Val) {
        if d != 31 {
            self.b.set_reg(d, v);
        }
    }

    /// Writes Xd where register 31 is SP.
    #[inline]
    pub fn set_x_sp(&mut self, d: u32, v: Val) {
        self.b.set_reg(d, v);
    }

    /// A 64-bit constant.
    #[inline]
    pub fn k(&mut self, imm: u64) -> Val {
        self.b.konst(imm)
    }

    /// Address of the next instruction.
    #[inline]
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
        Insn::SimdSame(op) => simd::three_same::translate(cx, op, f),
        Insn::SimdMisc(op) => simd::two_reg_misc::translate(cx, op, f),
        Insn::SimdAcross(op) => simd::across_lanes::translate(cx, op, f),
        Insn::SimdShift(op) => simd::shift_imm::translate(cx, op, f),
        Insn::SimdElem(op) => simd::indexed::translate(cx, op, f),
        Insn::SimdDiff(op) => simd::three_diff::translate(cx, op, f),
        Insn::SimdLdst(op) => simd::translate_ldst(cx, op, f),
        Insn::Ext(op) => ext::translate(cx, op, f),
        Insn::Crypto(op) => simd::crypto::translate(cx, op, f),
    }
}

/// Translates the guest basic block starting at `pc` for the `max` CPU.
/// `fetch` reads one instruction word, or `None` when the address is not
/// executable.
pub fn translate_block(pc: u64, fetch: &mut dyn FnMut(u64) -> Option<u32>) -> Block {
    translate_prefix(&Cpu::MAX, pc, fetch, MAX_BLOCK_INSNS)
}

/// [`translate_block`] for `cpu`, where the memory accesses of the
/// instructions at the addresses `untag` selects ignore the top byte of
/// their address (TBI, see [`Builder::guest_addr`]).
pub fn translate_block_untag(
    cpu: &Cpu,
    pc: u64,
    fetch: &mut dyn FnMut(u64) -> Option<u32>,
    untag: &dyn Fn(u64) -> bool,
) -> Block {
    let limits = Limits {
        untag: Some(untag),
        ..Limits::block(MAX_BLOCK_INSNS)
    };
    translate_with(cpu, pc, &mut { fetch }, limits, None)
}

/// How a debugger wants a block translated.
#[derive(Clone, Copy)]
pub struct DebugShape<'a> {
    /// Most instructions in the block (1 while single-stepping).
    pub max_insns: usize,
    /// Addresses with a breakpoint: the block stops before such an
    /// instruction with [`ExitReason::Debug`] (its first one included).
    /// `None`: there are none (nothing is asked per instruction).
    pub breakpoint: Option<&'a dyn Fn(u64) -> bool>,
    /// Most forward conditional branches made side exits (see
    /// [`Ctx::side_exits`]): a superblock goes on along the way `likely`
    /// says the guest mostly goes.
    pub side_exits: usize,
    /// See [`Ctx::likely`].
    pub likely: Option<&'a dyn Fn(u64, u64) -> Option<bool>>,
}

/// [`translate_block_untag`] shaped for a debugger (see [`DebugShape`]);
/// `untag` `None` clears no tags (nothing is asked per instruction).
pub fn translate_block_debug(
    cpu: &Cpu,
    pc: u64,
    fetch: &mut dyn Fetch,
    untag: Option<&dyn Fn(u64) -> bool>,
    shape: DebugShape,
) -> Block {
    let limits = Limits {
        untag,
        breakpoint: shape.breakpoint,
        side_exits: shape.side_exits,
        likely: shape.likely,
        ..Limits::block(shape.max_insns)
    };
    translate_with(cpu, pc, fetch, limits, None)
}

/// [`translate_block`] for system mode (see [`Ctx::system`]), for the
/// `max` CPU.
/// `sys_inline` is [`Ctx::sys_inline`].
pub fn translate_block_system(
    pc: u64,
    fetch: &mut dyn FnMut(u64) -> Option<u32>,
    sys_inline: crate::ir::HelperFn,
) -> Block {
    let limits = Limits::block(MAX_BLOCK_INSNS);
    translate_with(&Cpu::MAX, pc, &mut { fetch }, limits, Some(sys_inline))
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
    b.set_flow(crate::ir::Flow::Return);
    b.finish(pc + 4)
}

/// Translates at most `max_insns` instructions of the block at `pc` (used to
/// look ahead at a block's successors).
pub fn translate_prefix(
    cpu: &Cpu,
    pc: u64,
    fetch: &mut dyn FnMut(u64) -> Option<u32>,
    max_insns: usize,
) -> Block {
    translate_with(cpu, pc, &mut { fetch }, Limits::block(max_insns), None)
}

/// [`translate_prefix`] that ends after the first instruction with an
/// operation `stop` selects (a look-ahead that has seen what it wanted).
pub fn translate_until(
    cpu: &Cpu,
    pc: u64,
    fetch: &mut dyn FnMut(u64) -> Option<u32>,
    max_insns: usize,
    stop: &dyn Fn(&crate::ir::Op) -> bool,
) -> Block {
    let limits = Limits {
        stop: Some(stop),
        ..Limits::block(max_insns)
    };
    translate_with(cpu, pc, &mut { fetch }, limits, None)
}

/// Where a block ends, and how its accesses address memory.
struct Limits<'a> {
    max_insns: usize,
    /// Instructions whose accesses clear the address tag (none: no
    /// instruction does).
    untag: Option<&'a dyn Fn(u64) -> bool>,
    /// See [`DebugShape::breakpoint`].
    breakpoint: Option<&'a dyn Fn(u64) -> bool>,
    /// The block ends after an instruction with such an operation (none:
    /// the operations are not looked at).
    stop: Option<&'a dyn Fn(&crate::ir::Op) -> bool>,
    /// See [`DebugShape::side_exits`].
    side_exits: usize,
    likely: Option<&'a dyn Fn(u64, u64) -> Option<bool>>,
}

impl Limits<'_> {
    /// At most `max_insns` instructions, nothing else.
    fn block(max_insns: usize) -> Self {
        Limits {
            max_insns,
            untag: None,
            breakpoint: None,
            stop: None,
            side_exits: 0,
            likely: None,
        }
    }
}

fn translate_with(
    cpu: &Cpu,
    pc: u64,
    fetch: &mut dyn Fetch,
    limits: Limits,
    sys_inline: Option<crate::ir::HelperFn>,
) -> Block {
    let Limits {
        max_insns,
        untag,
        breakpoint,
        stop,
        mut side_exits,
        likely,
    } = limits;
    let breakpoint = |a: u64| breakpoint.is_some_and(|f| f(a));
    let untag = |a: u64| untag.is_some_and(|f| f(a));
    let mut b = Builder::new(pc);
    b.poll(pc);
    // One context for the block, its pc moved along (user mode: system mode
    // runs store-exclusives itself, so loops are not looked for there).
    let mut cx = Ctx {
        b: &mut b,
        pc,
        cpu,
        system: sys_inline.is_some(),
        sys_inline,
        side_exits: 0,
        likely,
        goto: None,
    };
    let mut cur = pc;
    let mut words = Words::new(fetch);
    let mut count = 0;
    while count < max_insns {
        count += 1;
        if breakpoint(cur) {
            // Stop before the instruction: the debugger takes over here.
            cx.b.insn_start(cur);
            cx.b.exit(ExitReason::Debug, cur, 0);
            return b.finish(cur);
        }
        let Some(word) = words.get(cur) else {
            // Instruction fetch from an unmapped or non-executable page.
            cx.b.insn_start(cur);
            cx.b.exit(ExitReason::FetchFault, cur, cur);
            return b.finish(cur);
        };
        cx.b.insn_start(cur);
        cx.b.set_untag(untag(cur));
        let mark = cx.b.len();
        // A load-exclusive loop whose instructions all fit in the block,
        // none with a breakpoint, all with the same tag handling (user
        // mode: system mode runs store-exclusives itself).
        // Decoded once: the look for a loop and the translation share it.
        let fields = decode(word);
        let whole = |n: u64| {
            count as u64 + n <= max_insns as u64 + 1
                && (1..n).all(|i| !breakpoint(cur + 4 * i) && untag(cur + 4 * i) == untag(cur))
        };
        let excl_loop = match &fields {
            Some(f) if ExclLoop::starts(f) && sys_inline.is_none() && whole(4) => {
                let valid = |f: &Fields| cpu.allows(f.entry.insn, f.word);
                ExclLoop::find(cur, f, &mut |a| words.peek(a), &valid)
            }
            _ => None,
        };
        if let Some(l) = excl_loop.filter(|l| whole(l.insns as u64)) {
            cx.pc = cur;
            l.translate(&mut cx);
            cur += 4 * l.insns as u64;
            count += l.insns as usize - 1;
            if stop.is_some_and(|s| cx.b.ops_since(mark).iter().any(s)) {
                break;
            }
            continue;
        }
        // An encoding of a feature the CPU model lacks is undefined, as on
        // that core.
        let ok = match fields.filter(|f| cpu.allows(f.entry.insn, word)) {
            Some(f) => {
                cx.pc = cur;
                // Not on the last instruction: the block would end there.
                let last = count == max_insns;
                cx.side_exits = if last { 0 } else { side_exits };
                let r = translate_insn(&mut cx, f.entry.insn, &f);
                if !last {
                    side_exits = cx.side_exits;
                }
                r
            }
            None => Err(Undefined),
        };
        if ok.is_err() {
            cx.b.truncate(mark);
            cx.b.exit(ExitReason::Udf, cur, word as u64);
            return b.finish(cur + 4);
        }
        cur = cx.goto.take().unwrap_or(cur + 4);
        if cx.b.is_terminated() || stop.is_some_and(|s| cx.b.ops_since(mark).iter().any(s)) {
            break;
        }
    }
    b.finish(cur)
}

/// Whether `word` is an unprivileged load/store (LDTR/STTR and their
/// sizes): the instruction word system mode's [`Ctx::sys_inline`] gets
/// around such an access.
pub fn is_unprivileged_ldst(word: u32) -> bool {
    use crate::arm64::encodings::{ldst, Insn};
    crate::arm64::decode::decode(word)
        .is_some_and(|f| f.entry.insn == Insn::Ldst(ldst::Op::LDST_unpriv))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Terminal;

    /// The block of one instruction word at 0x1000 for `cpu`.
    fn one(cpu: &Cpu, word: u32) -> Block {
        translate_prefix(cpu, 0x1000, &mut |a| (a == 0x1000).then_some(word), 1)
    }

    fn undefined(cpu: &Cpu, word: u32) -> bool {
        matches!(one(cpu, word).term,
            Terminal::Exit { reason: ExitReason::Udf, pc: 0x1000, arg } if arg == word as u64)
    }

    #[test]
    fn disabled_features_exit_as_undefined_and_mrs_reads_the_model() {
        let a53 = Cpu::parse("cortex-a53").unwrap();
        // ldadd x1, x2, [x0]: undefined on the A53, translated on max.
        assert!(undefined(&a53, 0xf821_0002));
        assert!(matches!(
            one(&Cpu::MAX, 0xf821_0002).term,
            Terminal::Jump { pc: 0x1004 }
        ));
        // crc32b w1, w1, w2 runs on both.
        assert!(!undefined(&a53, 0x1ac2_4021));
        // mrs x0, midr_el1 yields the model's MIDR as a constant.
        let text = format!("{:?}", one(&a53, 0xd538_0000).ops);
        assert!(text.contains(&format!("{}", 0x410f_d034u64)), "{text}");
        assert!(!undefined(&a53, 0xd538_0000));
    }

    #[test]
    fn translate_until_ends_after_the_first_selected_operation() {
        // add x0, x0, #1; ldr x1, [x0]; add x0, x0, #1; add x0, x0, #1
        let words = [0x9100_0400u32, 0xf940_0001, 0x9100_0400, 0x9100_0400];
        let mut fetch = |a: u64| words.get((a.checked_sub(0x1000)? / 4) as usize).copied();
        let is_load = |op: &crate::ir::Op| matches!(op, crate::ir::Op::Load { .. });
        let b = translate_until(&Cpu::MAX, 0x1000, &mut fetch, 4, &is_load);
        assert_eq!(b.end_pc, 0x1008);
        // Without a stop the same code runs on to the limit.
        assert_eq!(
            translate_prefix(&Cpu::MAX, 0x1000, &mut fetch, 4).end_pc,
            0x1010
        );
        let never = |_: &crate::ir::Op| false;
        assert_eq!(
            translate_until(&Cpu::MAX, 0x1000, &mut fetch, 4, &never).end_pc,
            0x1010
        );
    }

    #[test]
    fn load_exclusive_loops_become_one_rmw_wherever_they_start() {
        // ldxr x3, [x2]; add x3, x3, x0; stxr w4, x3, [x2]; cbnz w4, .-12
        let add = [0xc85f7c43, 0x8b000063, 0xc8047c43, 0x35ffffa4];
        let nop = 0xd503201f;
        let rmws = |words: &[u32]| {
            let mut fetch = |a: u64| words.get(((a - 0x1000) / 4) as usize).copied();
            let b = translate_prefix(&Cpu::MAX, 0x1000, &mut fetch, MAX_BLOCK_INSNS);
            let rmw = |op: &&crate::ir::Op| matches!(op, crate::ir::Op::Rmw { .. });
            (b.ops.iter().filter(rmw).count(), b.end_pc)
        };
        assert_eq!(rmws(&add), (1, 0x1010));
        // After other instructions in the same block.
        let mut later = vec![nop, nop];
        later.extend(add);
        assert_eq!(rmws(&later), (1, 0x1018));
        // The same words starting with a plain load are no such loop.
        let mut plain = add;
        plain[0] = 0xf9400043; // ldr x3, [x2]
        assert_eq!(rmws(&plain).0, 0);
    }
}
