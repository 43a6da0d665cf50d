//! IR → x86-64. Register conventions inside translated code:
//!
//! * `r15` — pointer to the guest [`CpuState`];
//! * `r9, r10, r11, r13, r14` — the pinned guest registers SP, x30, x0,
//!   x19 and x29 ([`super::regalloc::PINNED`]), stored to the state around
//!   host calls and by the trampoline's exit;
//! * `rbx, rbp, r12` — IR values ([`super::regalloc::POOL`]),
//!   and `rsi, rdi, r8` in blocks that call nothing on their main path and
//!   have no atomic read-modify-write and no exact slow path either; a read
//!   of a pinned register may live in its host register, and so may a
//!   result the next operation writes to it (`regalloc::pinned_write`);
//! * `rax, rcx, rdx, rsi, rdi, r8` — scratch, clobbered by helper calls
//!   (rax also holds an NZCV value from its computation to the store of
//!   it that follows at once);
//! * `rsp` — the host stack, 16-byte aligned so helpers can be called
//!   directly: the trampoline's frame, below which each predicted call in
//!   flight pushes one 16-byte return-stack entry (see `emit_term`). Spill
//!   slots are in the CPU state (`[r15 + spill_offset(n)]`).

use super::emit_nzcv::OFF_NZCV;
use super::regalloc::{allocate, pinned, Loc, PINNED};
use crate::cpu::state::{v_offset, x_offset, CpuState};
use crate::ir::{Block, Op, Val};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi, VecAssembler};
use std::mem::offset_of;

pub(super) type Asm = VecAssembler<X64Relocation>;

/// Addresses the generated code refers to.
#[derive(Copy, Clone, Debug)]
pub struct Env {
    /// The dispatcher's exit trampoline.
    pub exit: u64,
    /// System mode: guest memory goes through this soft-TLB (see
    /// `emit_mem_tlb`). `None` (user mode): a guest address is the host
    /// address.
    pub tlb: Option<crate::runtime::soft_tlb::TlbConfig>,
    /// How much work the block's translation gets.
    pub tier: Tier,
}

/// The two translations a block may get.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Every analysis the backend has (address folding, self-loops, fused
    /// branches, NZCV in host form, the V-register and FP caches), for IR
    /// the passes have optimised.
    Full,
    /// The first translation of code not yet known to run often, made
    /// cheaply: none of the analyses above (the IR is not optimised
    /// either). The block starts with a linkable `jmp rel32` to the next
    /// instruction, then counts down the `i32` at host address `counter`;
    /// when the count reaches zero it exits with
    /// [`crate::cpu::ExitReason::Promote`] before any of its guest
    /// instructions ran. The translator then translates it again at the
    /// full tier and points that first jump at the new block, so that
    /// blocks linked to this one reach the new one (see `emit_tier`).
    Quick { counter: u64 },
}

/// Host code for one block, assembled for a fixed base address.
pub struct Compiled {
    pub code: Vec<u8>,
    /// (offset of the first host byte, guest pc) for each guest instruction.
    pub pc_map: Vec<(u32, u64)>,
    /// A quick-tier block: the offset of the end of its entry jump's rel32
    /// (the link site that promotion patches, see [`Tier::Quick`]).
    pub promote_site: Option<u32>,
}

impl Compiled {
    /// Hands the block's buffers back for the next block of this thread
    /// once the code cache has copied them.
    pub fn recycle(self) {
        BUFFERS.with(|b| {
            let mut bufs = b.take().unwrap_or_default();
            bufs.code = self.code;
            bufs.pc_map = self.pc_map;
            b.set(Some(bufs));
        });
    }
}

pub(super) const OFF_PC: i32 = offset_of!(CpuState, pc) as i32;
pub(super) const OFF_REASON: i32 = offset_of!(CpuState, exit_reason) as i32;
pub(super) const OFF_ARG: i32 = offset_of!(CpuState, exit_arg) as i32;
pub(super) const OFF_LINK: i32 = offset_of!(CpuState, link_site) as i32;
pub(super) const OFF_JUMP_TABLE: i32 = offset_of!(CpuState, jump_table) as i32;
pub(super) const OFF_INTERRUPT: i32 = offset_of!(CpuState, interrupt) as i32;
pub(super) const OFF_FAULT: i32 = offset_of!(CpuState, fault) as i32;
pub(super) const OFF_RET_BASE: i32 = offset_of!(CpuState, ret_stack_base) as i32;
pub(super) const OFF_RET_LIMIT: i32 = offset_of!(CpuState, ret_stack_limit) as i32;

/// The host register holding the pinned guest register whose CPU-state
/// field is at `offset`, if any.
fn pinned_at(offset: u32) -> Option<u8> {
    let x0 = x_offset(0) as u32;
    if offset < x0 || offset >= x_offset(32) as u32 || !(offset - x0).is_multiple_of(8) {
        return None;
    }
    pinned(((offset - x0) / 8) as u8)
}

/// Offset from r15 of spill slot `s` (see [`CpuState::spill`]): spill slots
/// are not on the host stack, whose pointer moves with the return stack.
pub(super) fn spill_offset<S: Into<u64>>(s: S) -> i32 {
    (offset_of!(CpuState, spill) as u64 + 8 * s.into()) as i32
}

/// An x86 source operand.
#[derive(Copy, Clone, Debug)]
pub(super) enum Src {
    /// A register.
    R(u8),
    /// A sign-extended 32-bit immediate.
    I(i32),
    /// A spill slot at `[r15 + offset]`.
    M(i32),
}

pub(super) struct Emitter {
    /// Boxed, like the buffers, so that taking it from its thread-local
    /// slot and putting it back moves a pointer, not the whole assembler.
    pub a: Box<super::asm::BlockAsm>,
    pub locs: Vec<Loc>,
    pub env: Env,
    /// For a self-looping block: the back-edge plan and the body label.
    pub back: Option<(super::emit_loop::SelfLoop, dynasmrt::DynamicLabel)>,
    /// Out-of-line exits of the block's checks, emitted after the terminal.
    pub cold: Vec<super::emit_check::ColdExit>,
    /// While an operation is emitted: the value rax holds because it was
    /// just stored from rax to its spill slot, and the code offset right
    /// after that store. A load of it into rax at that very offset (no
    /// instruction or label in between) is dropped.
    rax_holds: Option<(Val, usize)>,
    /// Guest pc of the instruction being emitted.
    pub insn_pc: u64,
    /// Soft-TLB miss paths, emitted after the terminal.
    pub tlb_cold: Vec<super::emit_mem_tlb::TlbSlow>,
    /// Whether operations are being emitted (the only time `rax_holds` is
    /// kept: labels between operations are only the self-loop's body).
    in_ops: bool,
    /// The registers of [`super::regalloc::CALL_FREE_POOL`] that hold
    /// values: an exact slow path saves them around its call.
    pub slow_saves: Vec<u8>,
    /// Displacement added to the address of the guest access being
    /// emitted (see `addr_fold`); 0 outside such accesses.
    pub disp: i32,
    /// Index value and shift added to the address of the guest access
    /// being emitted (see `addr_fold`); `None` outside such accesses.
    pub index: Option<(Val, u8)>,
    /// The host register holding that index and the shift, once the
    /// access's code has loaded its operands (see `emit_mem`).
    pub index_at: Option<(u8, u8)>,
    /// Exact slow paths of inline FP operations, emitted after the terminal.
    pub slow_paths: Vec<super::emit_fp::SlowPath>,
    /// V registers also held in xmm registers.
    pub vcache: super::emit_vcache::VCache,
    /// For a self-looping block: the V registers carried around the loop
    /// in cache registers (V register, xmm register), see `emit_vloop`.
    pub vloop: Vec<(u8, u8)>,
    /// Scalar FP values also held in xmm registers.
    /// Boxed, so that handing it between the emitter and the per-thread
    /// buffers moves a pointer, not its tables.
    pub fcache: Box<super::emit_fcache::FCache>,
    /// Index of the operation being emitted.
    pub op_index: usize,
    /// The values computed as NZCV in host form (see `emit_nzcv`).
    pub host_nzcv: Vec<bool>,
    /// Loads of NZCV that only conditions read, each from the state.
    pub state_conds: Vec<bool>,
    /// An AESE or AESD the previous operation emitted: (its Vd, whether
    /// AESD), with the XOR of its operands still in xmm4 (see
    /// `emit_crypto`). Set for the operation being emitted only.
    pub aes_before: Option<(u8, bool)>,
    /// The same, left by the operation being emitted for the next.
    pub aes_left: Option<(u8, bool)>,
    /// The flag-setting operation (kind, width, operands) whose flags the
    /// host flags still hold, set by a host-form `Flags` that left them as
    /// its compare did, kept while only NZCV stores of host-form values
    /// follow: a branch fused with the same compare then issues none.
    pub host_flags: Option<(crate::ir::FlagsOp, crate::ir::Width, Val, Val)>,
    /// Side exits fused with the compare of their condition (see
    /// [`fused_exits`]).
    pub fused_exits: Vec<FusedExit>,
}

/// A side exit fused with the compare of its condition.
#[derive(Copy, Clone, Debug)]
pub struct FusedExit {
    /// The index of the compare ([`Op::CondCmp`]).
    pub at: usize,
    /// The condition it computes, which the exit reads.
    pub c: Val,
    /// The host condition code of `c`.
    pub cc: u8,
    /// The compare.
    pub cmp: (crate::ir::FlagsOp, crate::ir::Width, Val, Val),
}

/// The side exits ([`Op::ExitIf`]) whose condition is a [`Op::CondCmp`] on
/// a host condition read by nothing else, with only operations between
/// that define no value in a register and keep the host flags: the compare
/// then sets only the host flags, and the exit is one `jcc` (see
/// [`Emitter::exit_if`]). The compare's operands are still in their
/// locations at the exit, so it can compare again if it must.
fn fused_exits(block: &Block, extra: &[Val], out: &mut Vec<FusedExit>) {
    out.clear();
    for (j, op) in block.ops.iter().enumerate() {
        let Op::ExitIf { c, .. } = *op else { continue };
        let Some(i) = block.ops[..j].iter().rposition(|o| o.dst() == Some(c)) else {
            continue;
        };
        let Op::CondCmp {
            cond,
            op: fop,
            w,
            a,
            b,
            ..
        } = block.ops[i]
        else {
            continue;
        };
        let Some(cc) = super::emit_alu::host_cc(fop, cond) else {
            continue;
        };
        let nzcv = OFF_NZCV as u32;
        let quiet = block.ops[i + 1..j].iter().all(|o| match *o {
            Op::Nop | Op::Const { .. } | Op::Accessed { .. } => true,
            Op::StoreState { offset, .. } => offset == nzcv,
            _ => false,
        });
        let mut uses = 0;
        let mut count = |v: Val| uses += (v == c) as u32;
        block.ops.iter().for_each(|o| o.for_each_use(&mut count));
        block.term.for_each_use(&mut count);
        extra.iter().for_each(|&v| count(v));
        if quiet && uses == 1 {
            out.push(FusedExit {
                at: i,
                c,
                cc,
                cmp: (fop, w, a, b),
            });
        }
    }
}

/// Compiles `block` for execution at host address `base`.
pub fn compile(block: &Block, base: u64, env: &Env) -> Compiled {
    let quick = match env.tier {
        Tier::Quick { counter } => Some(counter),
        Tier::Full => None,
    };
    let full = quick.is_none();
    let planned = if full {
        super::emit_loop::plan(block)
    } else {
        None
    };
    let (block, self_loop) = match &planned {
        Some((b, l)) => (b, Some(l.clone())),
        None => (block, None),
    };
    let fused = if full {
        super::emit_term::fuse_branch(block)
    } else {
        None
    };
    let mut extra: Vec<Val> = fused.map(|f| f.operands()).unwrap_or_default();
    if let Some(l) = &self_loop {
        extra.extend(l.uses());
    }
    // Guest addresses are host addresses only in user mode; the quick tier
    // folds nothing and leaves the folding's buffers where they are.
    let fold_on = env.tlb.is_none() && full;
    let mut scratch = fold_on.then(|| FOLD_SCRATCH.with(|s| s.take()).unwrap_or_default());
    let folded = scratch
        .as_mut()
        .and_then(|s| super::addr_fold::fold(block, &extra, s));
    let (block, disp, index) = match (&folded, &scratch) {
        (Some(b), Some(s)) => (b, &s.disp[..], &s.index[..]),
        _ => (block, &[][..], &[][..]),
    };
    let mut bufs = BUFFERS.with(|b| b.take()).unwrap_or_default();
    allocate(block, &extra, index, &mut bufs.locs, !full);
    if full {
        super::emit_nzcv::host_form_values(block, &extra, &mut bufs.host_nzcv);
        super::emit_nzcv::state_cond_loads(block, &extra, &mut bufs.state_conds);
    } else {
        let n = block.n_vals as usize;
        crate::ir::passes::refill(&mut bufs.host_nzcv, n, false);
        crate::ir::passes::refill(&mut bufs.state_conds, n, false);
    }
    // Asked only of the pool's registers (none at present): a walk over
    // every value per block is not free.
    let b = &mut *bufs;
    let held = |r: u8| b.locs.contains(&Loc::Reg(r));
    b.slow_saves.clear();
    b.slow_saves.extend(
        super::regalloc::CALL_FREE_POOL
            .into_iter()
            .filter(|&r| held(r))
            .chain(super::regalloc::PINNED.iter().map(|p| p.1))
            // The callee keeps callee-saved registers itself (an exact
            // slow path's helper reads no guest register from the state).
            .filter(|&r| !super::regalloc::callee_saved(r)),
    );
    let direct = env.tlb.is_none() && full;
    let vcache_on = direct && super::emit_vcache::worth_it(block);
    bufs.fcache.reset(block, direct, vcache_on, &extra);
    bufs.cold.clear();
    let pc_map_buf = std::mem::take(&mut bufs.pc_map);
    bufs.slow_paths.clear();
    bufs.tlb_cold.clear();
    // Sized for a typical block up front: growing the buffers op by op
    // costs more than generating the code.
    let bytes = 16 * block.ops.len() + 256;
    let mut a = ASM.with(|a| a.take()).unwrap_or_default();
    let mut code = std::mem::take(&mut bufs.code);
    code.reserve(bytes);
    a.reset(base, code);
    let mut e = Emitter {
        a,
        locs: bufs.locs,
        env: *env,
        back: None,
        cold: bufs.cold,
        rax_holds: None,
        in_ops: false,
        slow_saves: bufs.slow_saves,
        disp: 0,
        index: None,
        index_at: None,
        slow_paths: bufs.slow_paths,
        insn_pc: block.start_pc,
        tlb_cold: bufs.tlb_cold,
        vcache: super::emit_vcache::VCache::new(vcache_on),
        vloop: Vec::new(),
        fcache: bufs.fcache,
        op_index: 0,
        host_nzcv: bufs.host_nzcv,
        state_conds: bufs.state_conds,
        aes_before: None,
        aes_left: None,
        host_flags: None,
        fused_exits: std::mem::take(&mut bufs.fused_exits),
    };
    fused_exits(block, &extra, &mut e.fused_exits);
    let body_index = self_loop.as_ref().map(|l| l.body_index);
    let skip = fused.map(|f| f.cond_index);
    // The index of the compare of the select being fused, from the
    // compare to the select right after it.
    let mut select_on = None;
    if let Some(l) = self_loop {
        let body = e.a.new_dynamic_label();
        e.back = Some((l, body));
    }
    // One entry per guest instruction, allocated once at about its final
    // size: the block's guest bytes say how many without a walk over its
    // operations (a block that stops before an instruction, at a
    // breakpoint or a fetch fault, has one entry more).
    let mut pc_map = pc_map_buf;
    pc_map.clear();
    pc_map.reserve((block.end_pc.saturating_sub(block.start_pc) / 4) as usize + 1);
    // The upper-half store of a V register write merged into its lower
    // half's (see [`Emitter::whole_v_write`]).
    let mut merged = None;
    let promote = quick.map(|counter| e.promote_prologue(counter));
    for (i, op) in block.ops.iter().enumerate() {
        if let Some((l, body)) = &e.back {
            if l.body_index == i {
                let body = *body;
                e.rax_holds = None;
                e.vloop_entry(&block.ops[i..]);
                e.aes_left = None;
                e.fcache.clear();
                e.host_flags = None;
                dynasm!(e.a ; .arch x64 ; =>body);
            }
        }
        if let Op::InsnStart { pc } = *op {
            pc_map.push((e.a.offset().0 as u32, pc));
            e.insn_pc = pc;
            continue;
        }
        if fused.is_some_and(|f| f.cond_index == i) {
            continue;
        }
        if matches!(op, Op::CondCmp { .. })
            && super::emit_select::fuses_select(block, &extra, skip, body_index, &e.host_nzcv, i)
        {
            select_on = Some(i);
            continue;
        }
        // In user mode a store-exclusive is inline and records no fault
        // (a fault of its access leaves the block at once): the check
        // after it has nothing to find.
        if env.tlb.is_none()
            && matches!(op, Op::CheckFault { .. })
            && i > 0
            && matches!(block.ops[i - 1], Op::StoreExcl { .. })
        {
            continue;
        }
        if op.is_pure() && op.dst().is_some_and(|d| e.locs[d.0 as usize] == Loc::Dead) {
            continue;
        }
        if merged == Some(i) {
            continue;
        }
        // Only a store of host-form NZCV and operations without code keep
        // the host flags.
        let keeps_flags = match *op {
            Op::StoreState { offset, src } => offset as i32 == OFF_NZCV && e.is_host_nzcv(src),
            Op::Nop | Op::Const { .. } | Op::Accessed { .. } => true,
            // A compare the host flags already hold is not made again.
            Op::CondCmp { op, w, a, b, .. } => e.host_flags == Some((op, w, a, b)),
            // Reads them first (see `Emitter::exit_if`).
            Op::ExitIf { .. } => true,
            _ => false,
        };
        if !keeps_flags {
            e.host_flags = None;
        }
        e.in_ops = true;
        e.op_index = i;
        e.disp = disp.get(i).copied().unwrap_or(0);
        e.index = index.get(i).copied().flatten();
        // Only the next operation that emits code may use it.
        e.aes_before = e.aes_left.take();
        // Neither cache is on at the quick tier: no merged write.
        match (full.then(|| e.whole_v_write(&block.ops, i)).flatten(), op) {
            (Some(j), _) => merged = Some(j),
            (None, &Op::Select { dst, a, b, .. }) if i > 0 && select_on == Some(i - 1) => {
                e.select_on_compare(&block.ops[i - 1], dst, a, b)
            }
            (None, _) => e.op(op),
        }
        e.fcache_after(op, i);
        e.in_ops = false;
        e.disp = 0;
        e.index = None;
        e.index_at = None;
    }
    e.rax_holds = None;
    match fused {
        Some(f) => e.fused_branch(&f, &block.term),
        None => e.terminal(&block.term, block.flow),
    }
    e.tlb_slow_paths();
    e.cold_exits();
    e.cold_slow_paths();
    if let Some((_, stub)) = promote {
        e.promote_exit(stub, block.start_pc);
    }
    let code = e.a.finish().expect("dynamic labels resolve");
    if let Some(mut s) = scratch {
        if let Some(b) = folded {
            s.ops = b.ops;
        }
        FOLD_SCRATCH.with(|f| f.set(Some(s)));
    }
    ASM.with(|a| a.set(Some(e.a)));
    *bufs = Buffers {
        code: Vec::new(),
        pc_map: Vec::new(),
        locs: e.locs,
        cold: e.cold,
        tlb_cold: e.tlb_cold,
        slow_saves: e.slow_saves,
        slow_paths: e.slow_paths,
        host_nzcv: e.host_nzcv,
        state_conds: e.state_conds,
        fcache: e.fcache,
        fused_exits: e.fused_exits,
    };
    BUFFERS.with(|b| b.set(Some(bufs)));
    Compiled {
        code,
        pc_map,
        promote_site: promote.map(|(site, _)| site),
    }
}

/// The [`Emitter`]'s vectors, kept per thread between blocks so that each
/// block reuses the previous one's memory.
#[derive(Default)]
struct Buffers {
    /// The code and pc map of the last block, back from
    /// [`Compiled::recycle`].
    code: Vec<u8>,
    pc_map: Vec<(u32, u64)>,
    locs: Vec<Loc>,
    cold: Vec<super::emit_check::ColdExit>,
    tlb_cold: Vec<super::emit_mem_tlb::TlbSlow>,
    slow_saves: Vec<u8>,
    slow_paths: Vec<super::emit_fp::SlowPath>,
    host_nzcv: Vec<bool>,
    state_conds: Vec<bool>,
    fcache: Box<super::emit_fcache::FCache>,
    fused_exits: Vec<FusedExit>,
}

thread_local! {
    /// The address folding's buffers (see [`super::addr_fold::Scratch`]).
    static FOLD_SCRATCH: std::cell::Cell<Option<Box<super::addr_fold::Scratch>>> = const { std::cell::Cell::new(None) };
    /// The emitter's buffers (see [`Buffers`]), boxed: taken and put
    /// back for each block, they move as a pointer.
    static BUFFERS: std::cell::Cell<Option<Box<Buffers>>> = const { std::cell::Cell::new(None) };
    /// The assembler, reset for each block (see [`super::asm::BlockAsm`]).
    static ASM: std::cell::Cell<Option<Box<super::asm::BlockAsm>>> = const { std::cell::Cell::new(None) };
}

impl Emitter {
    /// Loads value `v` into host register `r`.
    pub fn load(&mut self, r: u8, v: Val) {
        match self.locs[v.0 as usize] {
            Loc::Dead => unreachable!("use of dead value {v:?}"),
            Loc::Imm(imm) => {
                if imm == 0 {
                    dynasm!(self.a ; .arch x64 ; xor Rd(r), Rd(r));
                } else if imm <= u32::MAX as u64 {
                    dynasm!(self.a ; .arch x64 ; mov Rd(r), imm as i32);
                } else if (imm as i64) >= i32::MIN as i64 && (imm as i64) < 0 {
                    dynasm!(self.a ; .arch x64 ; mov Rq(r), imm as i32);
                } else {
                    dynasm!(self.a ; .arch x64 ; mov Rq(r), QWORD imm as i64);
                }
            }
            Loc::Reg(s) => {
                if s != r {
                    dynasm!(self.a ; .arch x64 ; mov Rq(r), Rq(s));
                }
            }
            Loc::Stack(s) => {
                if r == 0 && self.in_ops && self.rax_holds == Some((v, self.a.offset().0)) {
                    return;
                }
                dynasm!(self.a ; .arch x64 ; mov Rq(r), QWORD [r15 + spill_offset(s)])
            }
        }
    }

    /// Stores host register `r` into the location of `v`.
    pub fn store(&mut self, v: Val, r: u8) {
        match self.locs[v.0 as usize] {
            Loc::Dead | Loc::Imm(_) => {}
            Loc::Reg(d) => {
                if d != r {
                    dynasm!(self.a ; .arch x64 ; mov Rq(d), Rq(r));
                }
            }
            Loc::Stack(s) => {
                dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + spill_offset(s)], Rq(r));
                if r == 0 && self.in_ops {
                    self.rax_holds = Some((v, self.a.offset().0));
                }
            }
        }
    }

    /// Calls `f` (its arguments already in place) from an exact slow path,
    /// saving the caller-saved registers that hold values; the result is in
    /// rax.
    pub fn slow_call(&mut self, f: u64) {
        let saves = std::mem::take(&mut self.slow_saves);
        for &r in &saves {
            dynasm!(self.a ; .arch x64 ; push Rq(r));
        }
        // Helpers need rsp 16-byte aligned, as it is between operations.
        let pad = if saves.len() % 2 == 1 { 8 } else { 0 };
        if pad != 0 {
            dynasm!(self.a ; .arch x64 ; sub rsp, pad);
        }
        dynasm!(self.a ; .arch x64
            ; mov rdi, r15
            ; mov rax, QWORD f as i64
            ; call rax);
        if pad != 0 {
            dynasm!(self.a ; .arch x64 ; add rsp, pad);
        }
        for &r in saves.iter().rev() {
            dynasm!(self.a ; .arch x64 ; pop Rq(r));
        }
        self.slow_saves = saves;
    }

    /// The host register holding `v`, if it lives in one.
    pub fn reg_of(&self, v: Val) -> Option<u8> {
        match self.locs[v.0 as usize] {
            Loc::Reg(r) => Some(r),
            _ => None,
        }
    }

    /// The register to compute `v` in: its own, or rax when it lives on the
    /// stack (or is dead).
    pub fn dreg(&self, v: Val) -> u8 {
        self.reg_of(v).unwrap_or(0)
    }

    /// `v` as an x86 source operand of an operation of width `w64`;
    /// immediates that do not fit go through register `scratch`.
    pub fn src(&mut self, v: Val, w64: bool, scratch: u8) -> Src {
        match self.locs[v.0 as usize] {
            Loc::Dead => unreachable!("use of dead value {v:?}"),
            Loc::Imm(imm) if !w64 => Src::I(imm as u32 as i32),
            Loc::Imm(imm) if i32::try_from(imm as i64).is_ok() => Src::I(imm as i32),
            Loc::Imm(_) => {
                self.load(scratch, v);
                Src::R(scratch)
            }
            Loc::Reg(r) => Src::R(r),
            Loc::Stack(s) => Src::M(spill_offset(s)),
        }
    }

    /// The constant `v` holds, if it is one.
    pub fn imm_of(&self, v: Val) -> Option<u64> {
        match self.locs[v.0 as usize] {
            Loc::Imm(k) => Some(k),
            _ => None,
        }
    }

    /// Stores `v` at `[r15 + off]` (64 bits) without going through a
    /// register when it is an immediate that fits.
    pub(super) fn store_state_raw(&mut self, off: i32, v: Val) {
        match self.src(v, true, 0) {
            Src::R(r) => dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + off], Rq(r)),
            Src::I(i) => dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + off], i),
            Src::M(_) => {
                self.load(0, v);
                dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + off], rax)
            }
        }
    }

    /// In a block with vector operations (the V-register cache is on), a
    /// write of a V register's low 64 bits followed (with only constants
    /// in between) by a write of zero to its upper half, as scalar results
    /// are written, becomes one 16-byte store: a later 16-byte read of the
    /// register (a vector operation) is then forwarded from the store
    /// buffer instead of waiting for two 8-byte stores to retire. Returns
    /// the index of the upper-half write, which is emitted by this.
    fn whole_v_write(&mut self, ops: &[Op], i: usize) -> Option<usize> {
        let Op::StoreState { offset, src } = ops[i] else {
            return None;
        };
        let clean = self.fcache.clean(src);
        if !self.vcache.on && clean.is_none() {
            // Without vector operations to read it, the register is read
            // (if at all) by 8-byte loads, which two 8-byte stores serve
            // best.
            return None;
        }
        let v_regs = v_offset(0) as u32..v_offset(32) as u32;
        if !v_regs.contains(&offset) || (offset - v_regs.start) % 16 != 0 {
            return None;
        }
        let j = i
            + 1
            + ops[i + 1..]
                .iter()
                .position(|o| !matches!(o, Op::Const { .. } | Op::Nop))?;
        if (self.back.as_ref()).is_some_and(|(l, _)| (i + 1..=j).contains(&l.body_index)) {
            return None;
        }
        match ops[j] {
            Op::StoreState { offset: hi, src: z }
                if hi == offset + 8 && self.locs[z.0 as usize] == Loc::Imm(0) =>
            {
                let off = offset as i32;
                if let (Some(x), false) = (clean, self.vcache.on) {
                    // An FP-cache register whose upper half is zero.
                    dynasm!(self.a ; .arch x64 ; movdqa [r15 + off], Rx(x));
                    return Some(j);
                }
                // movq zeroes the upper half of xmm0.
                self.load_xmm(0, src);
                dynasm!(self.a ; .arch x64 ; movdqa [r15 + off], xmm0);
                self.vcache_store(off, 0);
                self.vcache_hi_zero(off);
                self.vcache.recorded = false;
                Some(j)
            }
            _ => None,
        }
    }

    /// Loads `[r15 + off]` (64 bits) into `dst`.
    fn load_state(&mut self, dst: Val, off: i32) {
        let d = self.dreg(dst);
        match self.vcached(off) {
            Some(x) => dynasm!(self.a ; .arch x64 ; movq Rq(d), Rx(x)),
            None => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [r15 + off]),
        }
        self.store(dst, d);
        self.fcache_load(dst, off);
    }

    fn op(&mut self, op: &Op) {
        if !(self.env.tlb.is_some() && self.tlb_op(op)) {
            self.op_direct(op);
        }
        self.vcache_after(op);
    }

    /// Emits `op` with guest addresses used as host addresses.
    pub(super) fn op_direct(&mut self, op: &Op) {
        match *op {
            Op::Nop | Op::InsnStart { .. } => {}
            Op::Const { .. } => {}
            Op::GetReg { dst, reg } => self.get_reg(dst, reg),
            Op::SetReg { reg, src } => self.set_reg(reg, src),
            Op::LoadState { dst, offset } if pinned_at(offset).is_some() => {
                self.store(dst, pinned_at(offset).unwrap_or(0))
            }
            Op::StoreState { offset, src } if pinned_at(offset).is_some() => {
                self.load(pinned_at(offset).unwrap_or(0), src)
            }
            Op::LoadState { dst, offset } if offset as i32 == OFF_NZCV => {
                if !self.state_conds[dst.0 as usize] {
                    self.load_nzcv(dst)
                }
            }
            Op::StoreState { offset, src } if offset as i32 == OFF_NZCV => self.store_nzcv_val(src),
            Op::LoadState { dst, offset } => self.load_state(dst, offset as i32),
            Op::StoreState { offset, src } => self.store_state_raw(offset as i32, src),
            Op::Bin { op, w, dst, a, b } => self.bin(op, w, dst, a, b),
            Op::Un { op, w, dst, a } => self.un(op, w, dst, a),
            Op::Carry {
                op,
                w,
                dst,
                a,
                b,
                c,
            } => self.carry(op, w, dst, a, b, c),
            Op::Flags {
                op,
                w,
                dst,
                a,
                b,
                c,
            } => self.flags(op, w, dst, a, b, c),
            Op::Cond { dst, cond, nzcv } if self.state_conds[nzcv.0 as usize] => {
                self.cond_state(dst, cond)
            }
            Op::Cond { dst, cond, nzcv } => self.cond(dst, cond, nzcv),
            Op::CondCmp {
                dst,
                cond,
                op,
                w,
                a,
                b,
            } => self.cond_cmp(dst, cond, op, w, a, b),
            Op::Select { dst, c, a, b } if self.is_host_nzcv(dst) => self.select_host(dst, c, a, b),
            Op::Select { dst, c, a, b } => {
                self.load(0, a);
                self.load(1, b);
                self.load(2, c);
                dynasm!(self.a ; .arch x64 ; test rdx, rdx ; cmovz rax, rcx);
                self.store(dst, 0);
            }
            Op::Load {
                w,
                signed,
                dst,
                addr,
            } => self.load_mem(w, signed, dst, addr),
            Op::Store { w, addr, src } => self.store_mem(w, addr, src),
            Op::LoadVec { bytes, vreg, addr } => self.load_vec(bytes, vreg, addr),
            Op::StoreVec { bytes, vreg, addr } => self.store_vec(bytes, vreg, addr),
            Op::Rmw {
                op,
                w,
                dst,
                addr,
                src,
            } => self.rmw(op, w, dst, addr, src),
            Op::Cas {
                w,
                dst,
                addr,
                expected,
                new,
            } => self.cas(w, dst, addr, expected, new),
            Op::StoreExcl { w, dst, addr, src } => self.store_excl(w, dst, addr, src),
            Op::Fence { kind } => {
                if kind == crate::ir::Fence::Full {
                    // A locked read-modify-write (of the host stack's top,
                    // unchanged) orders earlier stores before later loads
                    // as mfence does for the write-back memory translated
                    // code uses (it makes no non-temporal stores), at a
                    // fraction of mfence's cost.
                    dynasm!(self.a ; .arch x64 ; lock or DWORD [rsp], 0);
                }
            }
            Op::FBin {
                op,
                size,
                dst,
                a,
                b,
                slow,
                c0,
                c1,
            } => self.fbin(op, size, dst, a, b, slow, c0, c1),
            Op::FMulAdd {
                size,
                neg_addend,
                neg_op1,
                dst,
                addend,
                op1,
                op2,
                slow,
                ctl,
            } => self.fmuladd(
                size,
                (neg_addend, neg_op1),
                dst,
                (addend, op1, op2),
                slow,
                ctl,
            ),
            Op::VBin {
                op,
                esize,
                q,
                vd,
                vn,
                vm,
                elem,
                slow,
                arg,
            } => self.vbin(op, esize, q, (vd, vn, vm), elem, slow, arg),
            Op::Vec {
                op,
                vd,
                vn,
                slow,
                arg,
            } => self.vec_op(op, (vd, vn), slow, arg),
            Op::Structs {
                load,
                q,
                esize,
                regs,
                vd,
                lane,
                addr,
                slow,
                arg,
            } => self.structs((load, q, esize, regs, vd), lane, addr, slow, arg),
            Op::CheckAlign {
                addr,
                bytes,
                write,
                pc,
            } => self.check_align(addr, bytes, write, pc),
            Op::CheckFault { pc } => self.check_fault(pc),
            // For instrumentation only: no code.
            Op::Accessed { .. } => {}
            Op::Poll { pc, nzcv } => self.poll(pc, nzcv),
            Op::ExitIf { c, pc, .. } => self.exit_if(c, pc),
            Op::Call { f, dst, args } => {
                // rdi = state, rsi/rdx/rcx/r8 = args. Sources live in
                // callee-saved registers, spill slots or immediates, so the
                // loads cannot clobber each other.
                self.load(6, args[0]);
                self.load(2, args[1]);
                self.load(1, args[2]);
                self.load(8, args[3]);
                self.pinned_out();
                dynasm!(self.a
                    ; .arch x64
                    ; mov rdi, r15
                    ; mov rax, QWORD f as usize as i64
                    ; call rax
                );
                self.pinned_in();
                self.store(dst, 0);
            }
        }
    }

    /// Reads guest register `reg` into `dst`.
    fn get_reg(&mut self, dst: Val, reg: u8) {
        match pinned(reg) {
            Some(h) => self.store(dst, h),
            None => self.load_state(dst, x_offset(reg as usize) as i32),
        }
    }

    /// Writes `src` to guest register `reg`.
    fn set_reg(&mut self, reg: u8, src: Val) {
        match pinned(reg) {
            Some(h) => self.load(h, src),
            None => self.store_state_raw(x_offset(reg as usize) as i32, src),
        }
    }

    /// Before a host call: stores the pinned guest registers to the CPU
    /// state, where the callee may read them (see [`PINNED`]).
    pub(super) fn pinned_out(&mut self) {
        for (g, h) in PINNED {
            let off = x_offset(g as usize) as i32;
            dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + off], Rq(h));
        }
    }

    /// After a host call: reloads the pinned guest registers, which the
    /// call clobbered (and the callee may have written in the state).
    pub(super) fn pinned_in(&mut self) {
        for (g, h) in PINNED {
            let off = x_offset(g as usize) as i32;
            dynasm!(self.a ; .arch x64 ; mov Rq(h), QWORD [r15 + off]);
        }
    }

    /// Byte offset of V register `n`.
    pub fn voff(n: u8) -> i32 {
        v_offset(n as usize) as i32
    }
}
