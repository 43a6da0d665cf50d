//! Linear-scan assignment of IR values to host locations. Values are SSA and
//! blocks are straight-line, so one pass over last uses suffices. Each value
//! keeps one location for its whole life; when the registers run out, the
//! value (the new one or one already in a register) with the most
//! operations left in its life per read goes to a spill slot, and a second
//! pass gives the spilled values their slots.

use crate::ir::passes::refill;
use crate::ir::{Block, Op, Val, VecOp};

/// Host registers that hold IR values. All callee-saved, so values survive
/// helper calls without saving.
pub const POOL: [u8; 3] = [3 /* rbx */, 5 /* rbp */, 12];

/// Guest registers that live in host registers for the whole time
/// translated code runs (guest register number, x86 register number): the
/// trampoline loads them from the CPU state on entry and stores them back
/// on every exit, and code around a helper call stores them before it
/// (helpers may read the register file) and reloads them after it (helpers
/// may write it and clobber the caller-saved host registers). Writes go to
/// the host register when they happen, so at an exit or a fault the state
/// the dispatcher sees is exact. SP, the link register and x0 (argument
/// and result) are read and written by nearly every call and return; x29
/// (the frame pointer, saved, set and restored by every function that
/// keeps a frame record) and x19 (the first callee-saved register, which
/// compilers give the value a function keeps across its calls) travel
/// through the state at every block boundary of call-heavy code
/// otherwise. Pinning x19 and x29 took the fib kernel from about 262 to
/// 198 ms of CPU time; the pool's two fewer registers cost sha256's large
/// blocks 3.7% more host instructions in spills (README, Performance).
pub const PINNED: [(u8, u8); 5] = [(31, 9), (30, 10), (0, 11), (19, 13), (29, 14)];

/// Whether host register `r` survives a call under the System V ABI
/// (rbx, rbp, r12-r15).
pub fn callee_saved(r: u8) -> bool {
    matches!(r, 3 | 5 | 12..=15)
}

/// The host register guest register `reg` is pinned to, if any.
pub fn pinned(reg: u8) -> Option<u8> {
    PINNED.iter().find(|p| p.0 == reg).map(|p| p.1)
}

/// For op `i`, a read of a pinned guest register whose value is last used
/// by op `last` (or the terminal): the host register it is pinned to, when
/// nothing up to that use can change it (a write of the register or a
/// host call, which reloads it from the state). The value then lives in
/// that register and costs neither a copy nor a register of the pool.
fn pinned_read(ops: &[Op], i: usize, last: usize) -> Option<u8> {
    let Op::GetReg { reg, .. } = ops[i] else {
        return None;
    };
    let h = pinned(reg)?;
    kept(ops, reg, i + 1, last).then_some(h)
}

/// Whether nothing in ops `from..=last` (the terminal for `last` past the
/// end) changes pinned guest register `reg`'s host register: no write of
/// the register and no host call (which reloads it from the state).
fn kept(ops: &[Op], reg: u8, from: usize, last: usize) -> bool {
    let off = crate::cpu::state::x_offset(reg as usize) as u32;
    let end = last.min(ops.len() - 1);
    let clobbers = |op: &Op| match *op {
        Op::SetReg { reg: r, .. } => r == reg,
        Op::StoreState { offset, .. } => offset == off,
        _ => may_call(op),
    };
    from > end || !ops[from..=end].iter().any(clobbers)
}

/// For op `i` whose result the very next op writes to a pinned guest
/// register: that register's host register, to compute the result in (the
/// write then costs nothing), when later reads of the result find it
/// there still (see [`kept`]). Only for operations whose code writes
/// its destination with its last instruction, after anything that may
/// fault or leave the block: a fault or exit in between would otherwise
/// find the guest register already changed. Values read from that host
/// register die at op `i` at the latest (a read lives in it only up to a
/// write of its guest register, see [`pinned_read`]); an operation's code
/// allows its destination to share a register with an operand that dies
/// there, as pool registers do.
fn pinned_write(ops: &[Op], i: usize, last: usize) -> Option<u8> {
    let Some(&Op::SetReg { reg, src }) = ops.get(i + 1) else {
        return None;
    };
    let computes_last = matches!(
        ops[i],
        Op::Bin { .. }
            | Op::Un { .. }
            | Op::Carry { .. }
            | Op::Select { .. }
            | Op::GetReg { .. }
            | Op::LoadState { .. }
            | Op::Load { .. }
    );
    let h = pinned(reg)?;
    (computes_last && Some(src) == ops[i].dst() && kept(ops, reg, i + 2, last)).then_some(h)
}

/// Whether op `i` computes NZCV (in rax) that only the very next op reads,
/// storing it to the CPU state: the value then stays in rax, the scratch
/// register it is computed in, instead of taking a register of the pool.
fn stored_nzcv_only(ops: &[Op], i: usize, last: usize) -> bool {
    let nzcv = std::mem::offset_of!(crate::cpu::CpuState, nzcv) as u32;
    match (&ops[i], ops.get(i + 1)) {
        (&Op::Flags { dst, .. }, Some(&Op::StoreState { offset, src })) => {
            offset == nzcv && src == dst && last == i + 1
        }
        _ => false,
    }
}

/// Caller-saved registers no emitted code uses as scratch and no guest
/// register is pinned to: they hold IR values too in blocks that call
/// nothing (see [`may_call`]).
pub const CALL_FREE_POOL: [u8; 0] = [];

/// rsi, rdi and r8: scratch only for helper arguments and the
/// compare-exchange loop of [`Op::Rmw`]; they hold IR values in blocks
/// without either.
pub const RMW_FREE_POOL: [u8; 3] = [6, 7, 8];

/// Whether the backend's code for `op` calls a host function on its main
/// path (a helper or a bit-operation routine), which clobbers the
/// caller-saved registers. Exits that never come back do not count, nor
/// does an exact slow path ([`slow_call`]), which saves what it clobbers.
pub fn may_call(op: &Op) -> bool {
    calls(op).0
}

/// Whether `op` calls its exact helper only on an out-of-line slow path:
/// that path saves and restores [`CALL_FREE_POOL`] around the call, so the
/// block may keep values there, and it uses rsi, rdi and r8 for arguments.
pub fn slow_call(op: &Op) -> bool {
    calls(op).1
}

/// [`may_call`] and [`slow_call`] of `op`, in one match (the allocator asks
/// both of every operation).
fn calls(op: &Op) -> (bool, bool) {
    match *op {
        Op::Call { .. } => (true, false),
        Op::VBin {
            op, esize, elem, ..
        } => (!super::emit_vec::inline_ok(op, esize, elem), false),
        Op::Vec { op, .. } => {
            let call = !super::emit_vec_imm::inline_ok(op);
            (
                call,
                !call
                    && matches!(
                        op,
                        VecOp::Half { .. }
                            | VecOp::BfCvt { .. }
                            | VecOp::BfDot { .. }
                            | VecOp::Fp { .. }
                            | VecOp::HalfFp { .. }
                            | VecOp::Estimate { .. }
                    ),
            )
        }
        Op::Structs {
            load,
            q,
            esize,
            regs,
            lane,
            ..
        } => (
            !super::emit_vec_struct::inline_ok(load, q, esize, regs, lane),
            false,
        ),
        Op::FBin { .. } | Op::FMulAdd { .. } => (false, true),
        _ => (false, false),
    }
}

/// Number of 8-byte spill slots (in the CPU state, see `Emitter::src`).
pub use crate::cpu::state::SPILL_SLOTS;

/// Where a value lives.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    /// Never read: the result is discarded.
    Dead,
    /// A constant, materialised at each use.
    Imm(u64),
    /// A host register (x86 register number).
    Reg(u8),
    /// A spill slot: `CpuState::spill[slot]`.
    Stack(u16),
}

/// The allocator's working buffers, kept per thread so that a block's
/// allocation reuses the previous block's memory.
#[derive(Default)]
struct Scratch {
    last_use: Vec<usize>,
    n_uses: Vec<u32>,
    dying: Dying,
    free_slots: Vec<u16>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
}

/// Computes a location for every value of `block` into `locs`. `term_uses`
/// are values the terminal's code reads besides those of the IR terminal
/// itself; `index[i]`, when present, a value op `i` reads besides its own
/// operands (a folded access's index, see `addr_fold`). `quick` (a quick-tier block) spares the look at what each
/// operation calls: values then get only the callee-saved [`POOL`], as in
/// a block that calls a helper.
pub fn allocate(
    block: &Block,
    term_uses: &[Val],
    index: Indexes,
    locs: &mut Vec<Loc>,
    quick: bool,
) {
    SCRATCH.with(|s| allocate_with(block, (term_uses, index), locs, quick, &mut s.borrow_mut()));
}

/// Each operation's folded index and its shift, if any (see `addr_fold`).
pub type Indexes<'a> = &'a [Option<(Val, u8)>];

/// Calls `f` on each value op `i` reads, a folded index included.
fn each_use(op: &Op, index: Indexes, i: usize, mut f: impl FnMut(Val)) {
    op.for_each_use(&mut f);
    if let Some(Some((x, _))) = index.get(i) {
        f(*x);
    }
}

/// Bit `r` set for each host register a dying value's location never
/// frees: rax and the pinned guest registers' ones.
const NEVER_FREE: u32 = {
    let mut m = 1;
    let mut i = 0;
    while i < PINNED.len() {
        m |= 1 << PINNED[i].1;
        i += 1;
    }
    m
};

/// The values each operation reads for the last time, in the order of
/// their numbers: `vals[start[i]..start[i + 1]]` for op `i`. Built in one
/// pass over the values (a counting sort of their last uses), so no
/// operation's uses are walked a second time.
#[derive(Default)]
struct Dying {
    start: Vec<u32>,
    vals: Vec<u32>,
}

impl Dying {
    /// Fills the lists from `last_use` for a block of `end` operations
    /// (a last use at `end` or never is no operation's).
    fn build(&mut self, last_use: &[usize], end: usize) {
        refill(&mut self.start, end + 1, 0);
        for &u in last_use {
            if u < end {
                self.start[u] += 1;
            }
        }
        // start[i] = the end of op i's list, then filled backwards.
        let mut sum = 0;
        for c in &mut self.start {
            sum += *c;
            *c = sum;
        }
        refill(&mut self.vals, sum as usize, 0);
        for (v, &u) in last_use.iter().enumerate().rev() {
            if u < end {
                self.start[u] -= 1;
                self.vals[self.start[u] as usize] = v as u32;
            }
        }
        self.start[end] = sum;
    }

    /// The values op `i` reads for the last time, in increasing order.
    fn at(&self, i: usize) -> &[u32] {
        &self.vals[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

fn allocate_with(
    block: &Block,
    (term_uses, index): (&[Val], Indexes),
    locs: &mut Vec<Loc>,
    quick: bool,
    s: &mut Scratch,
) {
    let n = block.n_vals as usize;
    let end = block.ops.len();
    let last_use = &mut s.last_use;
    refill(last_use, n, usize::MAX);
    let n_uses = &mut s.n_uses;
    refill(n_uses, n, 0);
    let (mut calls, mut rmw) = (quick, false);
    for (i, op) in block.ops.iter().enumerate() {
        each_use(op, index, i, |v| {
            last_use[v.0 as usize] = i;
            n_uses[v.0 as usize] += 1;
        });
        if !quick {
            let (call, slow) = self::calls(op);
            calls |= call;
            rmw |= slow || matches!(op, Op::Rmw { .. });
        }
    }
    block.term.for_each_use(|v| {
        last_use[v.0 as usize] = end;
        n_uses[v.0 as usize] += 1;
    });
    for v in term_uses {
        last_use[v.0 as usize] = end;
        n_uses[v.0 as usize] += 1;
    }
    let dying = &mut s.dying;
    dying.build(last_use, end);

    refill(locs, n, Loc::Dead);
    // The free registers, taken from the top: the pool's first register
    // is used first.
    let mut free_regs = [0u8; POOL.len() + CALL_FREE_POOL.len() + RMW_FREE_POOL.len()];
    let mut n_free = 0;
    let with_calls = if calls { &[][..] } else { &CALL_FREE_POOL[..] };
    let with_rmw = if calls || rmw {
        &[][..]
    } else {
        &RMW_FREE_POOL[..]
    };
    for &r in with_rmw.iter().rev().chain(with_calls.iter().rev()) {
        free_regs[n_free] = r;
        n_free += 1;
    }
    for &r in POOL.iter().rev() {
        free_regs[n_free] = r;
        n_free += 1;
    }
    // The value each host register holds (linear scan: when no register
    // is free, the value whose life ends furthest away goes to a spill
    // slot for all of its life, the new value or one already placed).
    let mut holder = [u32::MAX; 16];
    let mut spilled = false;
    for (i, op) in block.ops.iter().enumerate() {
        // Values whose last use is this op are free for its result, in
        // the order of their numbers.
        for &v in dying.at(i) {
            match locs[v as usize] {
                // A pinned guest register's host register is never free,
                // nor is rax (see `stored_nzcv_only`).
                Loc::Reg(r) if NEVER_FREE >> r & 1 != 0 => {}
                Loc::Reg(r) => {
                    holder[r as usize] = u32::MAX;
                    free_regs[n_free] = r;
                    n_free += 1;
                }
                _ => {}
            }
        }
        let Some(dst) = op.dst() else { continue };
        let d = dst.0 as usize;
        if last_use[d] == usize::MAX {
            continue;
        }
        if let Op::Const { imm, .. } = *op {
            locs[d] = Loc::Imm(imm);
            continue;
        }
        if let Some(h) = pinned_read(&block.ops, i, last_use[d]) {
            locs[d] = Loc::Reg(h);
            continue;
        }
        if stored_nzcv_only(&block.ops, i, last_use[d]) {
            locs[d] = Loc::Reg(0);
            continue;
        }
        if let Some(h) = pinned_write(&block.ops, i, last_use[d]) {
            locs[d] = Loc::Reg(h);
            continue;
        }
        let r = if n_free > 0 {
            n_free -= 1;
            free_regs[n_free]
        } else {
            spilled = true;
            // A spill costs a memory access per use: the value with the
            // longest stretch of its remaining life per use goes.
            let cost = |v: usize| (last_use[v] - i) as u64 * 64 / n_uses[v].max(1) as u64;
            let victim = holder
                .iter()
                .copied()
                .filter(|&v| v != u32::MAX)
                .max_by_key(|&v| cost(v as usize));
            match victim {
                Some(v) if cost(v as usize) > cost(d) => {
                    let Loc::Reg(r) = locs[v as usize] else {
                        unreachable!()
                    };
                    locs[v as usize] = Loc::Stack(0);
                    r
                }
                _ => {
                    locs[d] = Loc::Stack(0);
                    continue;
                }
            }
        };
        holder[r as usize] = dst.0;
        locs[d] = Loc::Reg(r);
    }
    if spilled {
        assign_slots(block, (last_use, dying), locs, &mut s.free_slots);
    }
}

/// Gives each value placed on the stack (`Loc::Stack`, any slot) a spill
/// slot of its own over its life: a slot is free again after the last use
/// of its value, for the result of that same operation too.
fn assign_slots(
    block: &Block,
    (last_use, dying): (&[usize], &Dying),
    locs: &mut [Loc],
    free_slots: &mut Vec<u16>,
) {
    free_slots.clear();
    let mut next_slot: u16 = 0;
    for (i, op) in block.ops.iter().enumerate() {
        for &v in dying.at(i) {
            if let Loc::Stack(s) = locs[v as usize] {
                free_slots.push(s);
            }
        }
        let Some(dst) = op.dst() else { continue };
        let d = dst.0 as usize;
        if !matches!(locs[d], Loc::Stack(_)) || last_use[d] == usize::MAX {
            continue;
        }
        locs[d] = Loc::Stack(free_slots.pop().unwrap_or_else(|| {
            let s = next_slot;
            next_slot += 1;
            assert!(
                (next_slot as usize) < SPILL_SLOTS,
                "block needs too many spill slots"
            );
            s
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::{allocate, Dying, Loc};
    use crate::ir::{BinOp, Block, Builder, Op, Val, Width};

    /// xorshift32.
    fn next(x: &mut u32) -> u32 {
        *x ^= *x << 13;
        *x ^= *x >> 17;
        *x ^= *x << 5;
        *x
    }

    #[test]
    fn dying_lists_hold_each_last_use_in_order() {
        let mut x: u32 = 999;
        let mut d = Dying::default();
        for end in [0usize, 1, 2, 7, 40] {
            for _ in 0..100 {
                let n = (next(&mut x) % 50) as usize;
                let last_use: Vec<usize> = (0..n)
                    .map(|_| match next(&mut x) % 8 {
                        0 => usize::MAX,
                        1 => end,
                        _ => (next(&mut x) as usize) % end.max(1),
                    })
                    .map(|u| if end == 0 { usize::MAX } else { u })
                    .collect();
                d.build(&last_use, end);
                for i in 0..end {
                    let want: Vec<u32> = (0..n as u32)
                        .filter(|&v| last_use[v as usize] == i)
                        .collect();
                    assert_eq!(d.at(i), &want[..], "op {i} of {last_use:?}");
                }
            }
        }
    }

    /// A random straight-line block over guest registers that are not
    /// pinned: reads, additions and exclusive ors of earlier values, and
    /// writes of some of them.
    fn random_block(x: &mut u32, len: usize) -> Block {
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000);
        let mut vals: Vec<Val> = Vec::new();
        for _ in 0..len {
            let r = next(x);
            if vals.len() < 2 || r.is_multiple_of(5) {
                vals.push(b.get_reg(1 + r % 18));
            } else {
                let pick = |x: &mut u32| vals[next(x) as usize % vals.len()];
                let (p, q) = (pick(x), pick(x));
                let op = [BinOp::Add, BinOp::Xor][r as usize / 5 % 2];
                vals.push(b.bin(op, Width::W64, p, q));
                if r.is_multiple_of(3) {
                    b.set_reg(1 + r / 7 % 18, *vals.last().unwrap());
                }
            }
        }
        let keep = vals[next(x) as usize % vals.len()];
        b.set_reg(2, keep);
        b.jump(0x2000);
        b.finish(0x1004)
    }

    /// Where each value is defined and where it is last read.
    fn lives(block: &Block) -> Vec<(usize, usize)> {
        let mut l = vec![(usize::MAX, 0); block.n_vals as usize];
        for (i, op) in block.ops.iter().enumerate() {
            if let Some(d) = op.dst() {
                l[d.0 as usize] = (i, i);
            }
            op.for_each_use(|v| l[v.0 as usize].1 = i);
        }
        block
            .term
            .for_each_use(|v| l[v.0 as usize].1 = block.ops.len());
        l
    }

    /// No two values that are live at once share a register or a spill
    /// slot (a result may take the place of an operand that dies at its
    /// operation), whatever the pressure.
    #[test]
    fn values_live_at_once_never_share_a_location() {
        let mut x: u32 = 987654321;
        let mut spilled = 0;
        for round in 0..400 {
            let block = random_block(&mut x, 8 + round % 120);
            let mut locs = Vec::new();
            allocate(&block, &[], &[], &mut locs, round % 2 == 0);
            let l = lives(&block);
            for a in 0..locs.len() {
                for c in 0..locs.len() {
                    let (la, lc) = (l[a], l[c]);
                    // c defined while a is still needed after that point.
                    let overlap = a != c && la.0 < lc.0 && la.1 > lc.0;
                    if overlap && matches!(locs[a], Loc::Reg(_) | Loc::Stack(_)) {
                        assert_ne!(locs[a], locs[c], "values {a} and {c} of {block:?}");
                    }
                }
            }
            spilled += locs.iter().filter(|l| matches!(l, Loc::Stack(_))).count();
        }
        assert!(spilled > 100, "the blocks must spill");
    }

    /// When the registers run out, the value read often keeps its register
    /// and values read once, much later, go to spill slots.
    #[test]
    fn spills_the_values_read_least_often() {
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000);
        let cold: Vec<Val> = (1..12).map(|r| b.get_reg(r)).collect();
        let hot = b.get_reg(12);
        let mut acc = hot;
        for _ in 0..20 {
            acc = b.bin(BinOp::Xor, Width::W64, acc, hot);
        }
        b.set_reg(13, acc);
        for (i, &v) in cold.iter().enumerate() {
            b.set_reg(1 + i as u32, v);
        }
        b.jump(0x2000);
        let block = b.finish(0x1004);
        let mut locs = Vec::new();
        allocate(&block, &[], &[], &mut locs, false);
        assert!(matches!(locs[hot.0 as usize], Loc::Reg(_)), "{locs:?}");
        let acc_def = block.ops.iter().rev().find_map(|o| match *o {
            Op::SetReg { reg: 13, src } => Some(src),
            _ => None,
        });
        assert!(matches!(locs[acc_def.unwrap().0 as usize], Loc::Reg(_)));
    }
}
