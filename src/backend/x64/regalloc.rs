//! Linear-scan assignment of IR values to host locations. Values are SSA and
//! blocks are straight-line, so one pass over last uses suffices.

use crate::ir::{Block, Op, UnOp, Val};

/// Host registers that hold IR values. All callee-saved, so values survive
/// helper calls without saving.
pub const POOL: [u8; 5] = [3 /* rbx */, 5 /* rbp */, 12, 13, 14];

/// Caller-saved registers no emitted code uses as scratch: they hold IR
/// values too in blocks that call nothing (see [`may_call`]).
pub const CALL_FREE_POOL: [u8; 3] = [9, 10, 11];

/// rsi, rdi and r8: scratch only for helper arguments and the
/// compare-exchange loop of [`Op::Rmw`]; they hold IR values in blocks
/// without either.
pub const RMW_FREE_POOL: [u8; 3] = [6, 7, 8];

/// Whether the backend's code for `op` calls a host function on its main
/// path (a helper or a bit-operation routine), which clobbers the
/// caller-saved registers. Exits that never come back do not count, nor
/// does an exact slow path ([`slow_call`]), which saves what it clobbers.
pub fn may_call(op: &Op) -> bool {
    match *op {
        Op::Call { .. } => true,
        Op::VBin {
            op, esize, elem, ..
        } => !super::emit_vec::inline_ok(op, esize, elem),
        Op::Vec { op, .. } => !super::emit_vec_imm::inline_ok(op),
        Op::LoadStructs { esize, regs, .. } => !super::emit_vec_struct::inline_ok(esize, regs),
        Op::Un {
            op: UnOp::Rbit | UnOp::Rev16 | UnOp::Rev32,
            ..
        } => true,
        _ => false,
    }
}

/// Whether `op` calls its exact helper only on an out-of-line slow path:
/// that path saves and restores [`CALL_FREE_POOL`] around the call, so the
/// block may keep values there, and it uses rsi, rdi and r8 for arguments.
pub fn slow_call(op: &Op) -> bool {
    matches!(op, Op::FBin { .. } | Op::FMulAdd { .. })
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

/// Computes a location for every value of `block`. `term_uses` are values
/// the terminal's code reads besides those of the IR terminal itself.
pub fn allocate(block: &Block, term_uses: &[Val]) -> Vec<Loc> {
    let n = block.n_vals as usize;
    let end = block.ops.len();
    let mut last_use = vec![usize::MAX; n];
    for (i, op) in block.ops.iter().enumerate() {
        op.for_each_use(|v| last_use[v.0 as usize] = i);
    }
    block.term.for_each_use(|v| last_use[v.0 as usize] = end);
    for v in term_uses {
        last_use[v.0 as usize] = end;
    }

    let mut locs = vec![Loc::Dead; n];
    let mut pool = POOL.to_vec();
    if !block.ops.iter().any(may_call) {
        pool.extend(CALL_FREE_POOL);
        if !block
            .ops
            .iter()
            .any(|o| matches!(o, Op::Rmw { .. }) || slow_call(o))
        {
            pool.extend(RMW_FREE_POOL);
        }
    }
    let mut free_regs: Vec<u8> = pool.into_iter().rev().collect();
    let mut free_slots: Vec<u16> = Vec::new();
    let mut next_slot: u16 = 0;
    // Values in the order their last use comes, released as it passes.
    let mut dying: Vec<(usize, u32)> = last_use
        .iter()
        .enumerate()
        .filter(|&(_, &lu)| lu < end)
        .map(|(v, &lu)| (lu, v as u32))
        .collect();
    dying.sort_unstable();
    let mut next_dying = 0;
    for (i, op) in block.ops.iter().enumerate() {
        while let Some(&(lu, v)) = dying.get(next_dying) {
            if lu > i {
                break;
            }
            next_dying += 1;
            match locs[v as usize] {
                Loc::Reg(r) => free_regs.push(r),
                Loc::Stack(s) => free_slots.push(s),
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
        locs[d] = if let Some(r) = free_regs.pop() {
            Loc::Reg(r)
        } else if let Some(s) = free_slots.pop() {
            Loc::Stack(s)
        } else {
            let s = next_slot;
            next_slot += 1;
            assert!(
                (next_slot as usize) < SPILL_SLOTS,
                "block needs too many spill slots"
            );
            Loc::Stack(s)
        };
    }
    locs
}
