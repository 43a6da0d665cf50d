//! Convenience constructors for IR blocks, used by the frontend.

use super::ops::*;
use super::passes::fold::{is_left_identity, is_right_identity};
use crate::cpu::ExitReason;
use std::sync::atomic::{AtomicBool, Ordering};

/// Builds one [`Block`].
pub struct Builder {
    start_pc: u64,
    ops: Vec<Op>,
    n_vals: u32,
    term: Option<Terminal>,
    /// Whether guest memory addresses ignore their top byte ([`Builder::guest_addr`]).
    untag: bool,
    /// Whether [`Builder::accessed`] emits anything.
    report_accesses: bool,
    flow: Flow,
    /// The last [`RECENT`] constants [`Builder::konst`] made, newest
    /// first (value, constant): where [`Builder::bin`] finds an operand's
    /// constant. Values are never redefined, so an entry stays true.
    recent: [(Val, u64); RECENT],
}

/// Constants [`Builder::recent_const`] knows (an instruction's operand
/// constants are the last ones made before its operation).
const RECENT: usize = 2;

/// Whether builders made from now on emit [`Op::Accessed`] after helper
/// calls that access guest memory.
static REPORT_ACCESSES: AtomicBool = AtomicBool::new(false);

/// Makes every builder made from now on report the guest memory accesses of
/// helpers ([`Op::Accessed`]), for instrumentation; without it they emit
/// nothing for them.
pub fn report_helper_accesses() {
    REPORT_ACCESSES.store(true, Ordering::Release);
}

/// Clears address bits 63:56, the tag that top-byte-ignore (TBI) skips.
pub const TAG_CLEAR: u64 = 0x00ff_ffff_ffff_ffff;

thread_local! {
    /// The operation vectors of the last blocks given back with
    /// [`recycle`] (at most [`SPARES`]), for the next builders of this
    /// thread.
    static SPARE_OPS: std::cell::RefCell<Vec<Vec<Op>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Operation vectors kept for reuse: blocks are given back in bursts (a
/// compiled block and the look-ahead translations around it) between
/// builds.
const SPARES: usize = 8;

/// Gives a block's memory back once it is compiled: a later [`Builder`]
/// of this thread reuses it instead of allocating and growing its own.
pub fn recycle(block: Block) {
    let mut ops = block.ops;
    ops.clear();
    SPARE_OPS.with(|s| {
        let mut spares = s.borrow_mut();
        if spares.len() < SPARES {
            spares.push(ops);
        }
    });
}

/// How many operation vectors [`recycle`] keeps for this thread's builders.
#[cfg(test)]
fn spare_count() -> usize {
    SPARE_OPS.with(|s| s.borrow().len())
}

impl Builder {
    pub fn new(start_pc: u64) -> Builder {
        let mut ops = SPARE_OPS.with(|s| s.borrow_mut().pop()).unwrap_or_default();
        ops.reserve(64);
        Builder {
            start_pc,
            ops,
            n_vals: 0,
            term: None,
            untag: false,
            report_accesses: REPORT_ACCESSES.load(Ordering::Acquire),
            flow: Flow::Plain,
            recent: [(Val(u32::MAX), 0); RECENT],
        }
    }

    /// Makes the addresses of the following instructions' guest memory
    /// accesses ignore their top byte (see [`Builder::guest_addr`]).
    #[inline]
    pub fn set_untag(&mut self, on: bool) {
        self.untag = on;
    }

    /// The address a guest memory access uses for the computed virtual
    /// address `addr`. Linux runs EL0 with TBI: bits 63:56 are a tag the
    /// access ignores. Untagged code uses `addr` itself (a tagged address is
    /// non-canonical on the host, so its access faults and the dispatcher
    /// retranslates that code in untag mode); in untag mode the full address
    /// is kept in [`CpuState::tagged_addr`] for the fault report and the
    /// access uses `addr` with bits 63:56 cleared.
    ///
    /// [`CpuState::tagged_addr`]: crate::cpu::CpuState::tagged_addr
    #[inline]
    pub fn guest_addr(&mut self, addr: Val) -> Val {
        if !self.untag {
            return addr;
        }
        self.store_state(
            std::mem::offset_of!(crate::cpu::CpuState, tagged_addr),
            addr,
        );
        let k = self.konst(TAG_CLEAR);
        self.and(Width::W64, addr, k)
    }

    #[inline]
    fn new_val(&mut self) -> Val {
        let v = Val(self.n_vals);
        self.n_vals += 1;
        v
    }

    /// Appends a raw operation (its `dst`, if any, must come from [`Builder::fresh`]).
    #[inline]
    pub fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// A new value number for a raw operation built by the caller.
    #[inline]
    pub fn fresh(&mut self) -> Val {
        self.new_val()
    }

    /// Number of operations so far.
    #[inline]
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True when no operation has been added.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The operations from index `start` on.
    pub fn ops_since(&self, start: usize) -> &[Op] {
        &self.ops[start..]
    }

    /// Whether a terminal has been set (the block is complete).
    #[inline]
    pub fn is_terminated(&self) -> bool {
        self.term.is_some()
    }

    /// Drops everything from operation index `len` on (used to undo a
    /// partially translated instruction that turned out to be undefined).
    pub fn truncate(&mut self, len: usize) {
        self.ops.truncate(len);
    }

    #[inline]
    pub fn insn_start(&mut self, pc: u64) {
        self.ops.push(Op::InsnStart { pc });
    }

    #[inline]
    pub fn konst(&mut self, imm: u64) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Const { dst, imm });
        self.recent.rotate_right(1);
        self.recent[0] = (dst, imm);
        dst
    }

    /// Reads X`reg`, or SP when `reg == 31`.
    #[inline]
    pub fn get_reg(&mut self, reg: u32) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::GetReg {
            dst,
            reg: reg as u8,
        });
        dst
    }

    /// Writes X`reg`, or SP when `reg == 31`.
    #[inline]
    pub fn set_reg(&mut self, reg: u32, src: Val) {
        self.ops.push(Op::SetReg {
            reg: reg as u8,
            src,
        });
    }

    #[inline]
    pub fn load_state(&mut self, offset: usize) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::LoadState {
            dst,
            offset: offset as u32,
        });
        dst
    }

    #[inline]
    pub fn store_state(&mut self, offset: usize, src: Val) {
        self.ops.push(Op::StoreState {
            offset: offset as u32,
            src,
        });
    }

    /// `a op b`. A 64-bit operation with a constant operand that leaves
    /// the other unchanged (`x + 0`, `0 | x`, ...: `MOV` to or from SP,
    /// `MOV` between registers, an `ADD` of a zero page offset) is that
    /// operand, with no operation: the quick tier, which runs no passes,
    /// then neither allocates nor emits it.
    #[inline]
    pub fn bin(&mut self, op: BinOp, w: Width, a: Val, b: Val) -> Val {
        if w == Width::W64 {
            if self
                .recent_const(b)
                .is_some_and(|y| is_right_identity(op, y))
            {
                return a;
            }
            if self
                .recent_const(a)
                .is_some_and(|x| is_left_identity(op, x))
            {
                return b;
            }
        }
        let dst = self.new_val();
        self.ops.push(Op::Bin { op, w, dst, a, b });
        dst
    }

    /// The constant `v` is, when it is one of the last [`RECENT`] made by
    /// [`Builder::konst`] (older ones are not looked for).
    #[inline]
    fn recent_const(&self, v: Val) -> Option<u64> {
        self.recent.iter().find(|r| r.0 == v).map(|r| r.1)
    }

    #[inline]
    pub fn un(&mut self, op: UnOp, w: Width, a: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Un { op, w, dst, a });
        dst
    }

    #[inline]
    pub fn add(&mut self, w: Width, a: Val, b: Val) -> Val {
        self.bin(BinOp::Add, w, a, b)
    }

    #[inline]
    pub fn sub(&mut self, w: Width, a: Val, b: Val) -> Val {
        self.bin(BinOp::Sub, w, a, b)
    }

    #[inline]
    pub fn and(&mut self, w: Width, a: Val, b: Val) -> Val {
        self.bin(BinOp::And, w, a, b)
    }

    #[inline]
    pub fn or(&mut self, w: Width, a: Val, b: Val) -> Val {
        self.bin(BinOp::Or, w, a, b)
    }

    /// `a + imm` at 64 bits.
    #[inline]
    pub fn add_imm(&mut self, a: Val, imm: u64) -> Val {
        if imm == 0 {
            return a;
        }
        let k = self.konst(imm);
        self.add(Width::W64, a, k)
    }

    /// Zero-extends the low `bits` of `a` (a mask), `bits` in 1..=63.
    #[inline]
    pub fn zext(&mut self, a: Val, bits: u32) -> Val {
        let k = self.konst((1u64 << bits) - 1);
        self.and(Width::W64, a, k)
    }

    #[inline]
    pub fn carry(&mut self, op: FlagsOp, w: Width, a: Val, b: Val, c: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Carry {
            op,
            w,
            dst,
            a,
            b,
            c,
        });
        dst
    }

    #[inline]
    pub fn flags(&mut self, op: FlagsOp, w: Width, a: Val, b: Val, c: Option<Val>) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Flags {
            op,
            w,
            dst,
            a,
            b,
            c,
        });
        dst
    }

    #[inline]
    pub fn cond(&mut self, cond: u32, nzcv: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Cond {
            dst,
            cond: cond as u8,
            nzcv,
        });
        dst
    }

    #[inline]
    pub fn select(&mut self, c: Val, a: Val, b: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Select { dst, c, a, b });
        dst
    }

    /// Reads the NZCV flags.
    #[inline]
    pub fn get_nzcv(&mut self) -> Val {
        self.load_state(std::mem::offset_of!(crate::cpu::CpuState, nzcv))
    }

    /// Writes the NZCV flags.
    #[inline]
    pub fn set_nzcv(&mut self, v: Val) {
        self.store_state(std::mem::offset_of!(crate::cpu::CpuState, nzcv), v)
    }

    #[inline]
    pub fn load(&mut self, w: Width, signed: bool, addr: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Load {
            w,
            signed,
            dst,
            addr,
        });
        dst
    }

    #[inline]
    pub fn store(&mut self, w: Width, addr: Val, src: Val) {
        self.ops.push(Op::Store { w, addr, src });
    }

    pub fn load_vec(&mut self, bytes: u32, vreg: u32, addr: Val) {
        self.ops.push(Op::LoadVec {
            bytes: bytes as u8,
            vreg: vreg as u8,
            addr,
        });
    }

    pub fn store_vec(&mut self, bytes: u32, vreg: u32, addr: Val) {
        self.ops.push(Op::StoreVec {
            bytes: bytes as u8,
            vreg: vreg as u8,
            addr,
        });
    }

    pub fn rmw(&mut self, op: RmwOp, w: Width, addr: Val, src: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Rmw {
            op,
            w,
            dst,
            addr,
            src,
        });
        dst
    }

    pub fn cas(&mut self, w: Width, addr: Val, expected: Val, new: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::Cas {
            w,
            dst,
            addr,
            expected,
            new,
        });
        dst
    }

    /// A store-exclusive (see [`Op::StoreExcl`]); yields the status.
    pub fn store_excl(&mut self, w: Width, addr: Val, src: Val) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::StoreExcl { w, dst, addr, src });
        dst
    }

    pub fn fence(&mut self, kind: Fence) {
        self.ops.push(Op::Fence { kind });
    }

    /// Scalar floating-point `a op b` (see [`Op::FBin`]).
    #[allow(clippy::too_many_arguments)]
    pub fn fbin(
        &mut self,
        op: FpOp,
        size: FpSize,
        a: Val,
        b: Val,
        slow: HelperFn,
        c0: u64,
        c1: u64,
    ) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::FBin {
            op,
            size,
            dst,
            a,
            b,
            slow,
            c0,
            c1,
        });
        dst
    }

    /// Scalar floating-point `±addend ± op1 * op2` (see [`Op::FMulAdd`];
    /// `neg` is `(neg_addend, neg_op1)`).
    pub fn fmuladd(
        &mut self,
        size: FpSize,
        (neg_addend, neg_op1): (bool, bool),
        [addend, op1, op2]: [Val; 3],
        slow: HelperFn,
        ctl: u64,
    ) -> Val {
        let dst = self.new_val();
        self.ops.push(Op::FMulAdd {
            size,
            neg_addend,
            neg_op1,
            dst,
            addend,
            op1,
            op2,
            slow,
            ctl,
        });
        dst
    }

    /// Appends an [`Op::VBin`] or an [`Op::Vec`].
    pub fn vbin(&mut self, op: Op) {
        debug_assert!(matches!(op, Op::VBin { .. } | Op::Vec { .. }));
        self.ops.push(op);
    }

    /// Calls helper `f` with up to four arguments (missing ones are zero).
    pub fn call(&mut self, f: HelperFn, args: &[Val]) -> Val {
        assert!(args.len() <= 4, "helpers take at most four arguments");
        let zero = if args.len() < 4 {
            Some(self.konst(0))
        } else {
            None
        };
        let mut a = [Val(0); 4];
        for (i, slot) in a.iter_mut().enumerate() {
            *slot = args.get(i).copied().or(zero).expect("zero exists");
        }
        let dst = self.new_val();
        self.ops.push(Op::Call { f, dst, args: a });
        dst
    }

    /// Leaves with a data alignment fault of the instruction at `pc` unless
    /// `addr` is a multiple of `bytes` ([`Op::CheckAlign`]).
    pub fn check_align(&mut self, addr: Val, bytes: u32, write: bool, pc: u64) {
        debug_assert!(bytes.is_power_of_two() && bytes <= 16);
        self.ops.push(Op::CheckAlign {
            addr,
            bytes: bytes as u8,
            write,
            pc,
        });
    }

    /// The block's interrupt poll at instruction boundary `pc`, the NZCV in
    /// the CPU state being current ([`Op::Poll`]).
    pub fn poll(&mut self, pc: u64) {
        self.ops.push(Op::Poll {
            pc,
            nzcv: PollNzcv::InState,
        });
    }

    /// Leaves with the guest fault a helper just recorded, if any
    /// ([`Op::CheckFault`]).
    pub fn check_fault(&mut self, pc: u64) {
        self.ops.push(Op::CheckFault { pc });
    }

    /// Records the guest memory access the helper just called made (see
    /// [`Op::Accessed`]), when accesses are reported.
    pub fn accessed(
        &mut self,
        addr: Val,
        bytes: u32,
        load: bool,
        store: bool,
        unless: Option<Val>,
    ) {
        if self.report_accesses {
            self.ops.push(Op::Accessed {
                addr,
                bytes,
                load,
                store,
                vector: false,
                unless,
                parts: 0,
            });
        }
    }

    /// Announces that the next `parts` loads or stores this builder emits
    /// are one access of `bytes` bytes at `addr` (see [`Op::Accessed`]),
    /// when accesses are reported.
    pub fn access_in_parts(&mut self, addr: Val, bytes: u32, load: bool, parts: u8) {
        self.accessed(addr, bytes, load, !load, None);
        if let (true, Some(Op::Accessed { parts: p, .. })) =
            (self.report_accesses, self.ops.last_mut())
        {
            *p = parts;
        }
    }

    /// As [`Builder::access_in_parts`], for a load or store of vector
    /// registers made of `parts` scalar loads or stores.
    pub fn access_vec_in_parts(&mut self, addr: Val, bytes: u32, load: bool, parts: u8) {
        self.access_in_parts(addr, bytes, load, parts);
        if let (true, Some(Op::Accessed { vector, .. })) =
            (self.report_accesses, self.ops.last_mut())
        {
            *vector = true;
        }
    }

    /// As [`Builder::accessed`], for a load or store of vector registers.
    pub fn accessed_vec(&mut self, addr: Val, bytes: u32, load: bool) {
        if self.report_accesses {
            self.ops.push(Op::Accessed {
                addr,
                bytes,
                load,
                store: !load,
                vector: true,
                unless: None,
                parts: 0,
            });
        }
    }

    /// Calls helper `f` with immediate arguments.
    pub fn call_imm(&mut self, f: HelperFn, args: &[u64]) -> Val {
        let vals: Vec<Val> = args.iter().map(|&a| self.konst(a)).collect();
        self.call(f, &vals)
    }

    /// A side exit to `pc` if `c` is non-zero ([`Op::ExitIf`]).
    pub fn exit_if(&mut self, c: Val, pc: u64) {
        self.ops.push(Op::ExitIf {
            c,
            pc,
            nzcv_dead: false,
        });
    }

    pub fn jump(&mut self, pc: u64) {
        self.term = Some(Terminal::Jump { pc });
    }

    pub fn branch(&mut self, c: Val, taken: u64, not_taken: u64) {
        self.term = Some(Terminal::Branch {
            c,
            taken,
            not_taken,
        });
    }

    pub fn indirect(&mut self, target: Val) {
        self.term = Some(Terminal::Indirect { target });
    }

    /// Marks the terminal as a call or a return (see [`Flow`]).
    pub fn set_flow(&mut self, flow: Flow) {
        self.flow = flow;
    }

    pub fn exit(&mut self, reason: ExitReason, pc: u64, arg: u64) {
        self.term = Some(Terminal::Exit { reason, pc, arg });
    }

    /// Finishes the block; `end_pc` is the address after its last instruction.
    /// A block without a terminal falls through to `end_pc`.
    pub fn finish(self, end_pc: u64) -> Block {
        Block {
            start_pc: self.start_pc,
            end_pc,
            ops: self.ops,
            term: self.term.unwrap_or(Terminal::Jump { pc: end_pc }),
            n_vals: self.n_vals,
            nzcv_dead_at_end: false,
            flow: self.flow,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycled_vectors_are_kept_up_to_a_bound_and_reused() {
        SPARE_OPS.with(|s| s.borrow_mut().clear());
        let mut b = Builder::new(0);
        b.insn_start(0);
        let block = b.finish(4);
        let first = block.ops.as_ptr();
        recycle(block);
        // The next builder reuses the vector given back, emptied.
        let b = Builder::new(0);
        assert_eq!(spare_count(), 0);
        assert_eq!(b.ops.as_ptr(), first);
        assert!(b.ops.is_empty());
        let more: Vec<Block> = (0..SPARES + 2).map(|_| Builder::new(0).finish(4)).collect();
        more.into_iter().for_each(recycle);
        assert_eq!(spare_count(), SPARES);
    }

    /// The binary operations of `ops`.
    fn bins(ops: &[Op]) -> usize {
        ops.iter().filter(|o| matches!(o, Op::Bin { .. })).count()
    }

    #[test]
    fn identities_with_a_recent_constant_are_their_operand() {
        let mut b = Builder::new(0);
        let x = b.get_reg(0);
        let zero = b.konst(0);
        assert_eq!(b.add(Width::W64, x, zero), x);
        assert_eq!(b.or(Width::W64, zero, x), x);
        assert_eq!(b.sub(Width::W64, x, zero), x);
        let ones = b.konst(u64::MAX);
        assert_eq!(b.and(Width::W64, ones, x), x);
        assert_eq!(bins(b.ops_since(0)), 0);
        // A 32-bit operation zero-extends, and `0 - x` is not `x`.
        let w = b.add(Width::W32, x, zero);
        let neg = b.sub(Width::W64, zero, x);
        assert!(w != x && neg != x);
        assert_eq!(bins(b.ops_since(0)), 2);
        // A constant older than the last few is not looked for: the
        // operation stays, as correct as before.
        let far = b.konst(0);
        for k in 1..=RECENT as u64 {
            b.konst(k);
        }
        assert_ne!(b.add(Width::W64, x, far), x);
    }
}
