//! Self-loops: a block that branches back to its own start keeps the guest
//! registers it reads in host locations across iterations. The block's
//! first reads of guest registers are hoisted to its top; the back edge
//! moves each register's new value into the location its read uses and
//! jumps past the reads, so a loop-carried value never makes a round trip
//! through memory (the stores of the loop body still happen, so the CPU
//! state stays exact at every iteration boundary).

use super::emit::{spill_offset, Emitter};
use super::regalloc::Loc;
use crate::cpu::state::x_offset;
use crate::ir::{Block, Op, PollNzcv, Terminal, Val};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// What the back edge needs.
#[derive(Clone, Debug)]
pub(super) struct SelfLoop {
    pub start_pc: u64,
    /// Index of the first op after the hoisted reads.
    pub body_index: usize,
    /// For each hoisted read: (value it defines, guest register, the value
    /// the register holds at the end of the body if the body writes it).
    pub carried: Vec<(Val, u8, Option<Val>)>,
    /// The block's interrupt poll, moved to the back edge (see [`plan`]).
    pub poll: Option<PollNzcv>,
    /// Whether the block may call host code, which may write guest
    /// registers in the CPU state behind the IR's back.
    pub calls: bool,
}

impl SelfLoop {
    /// Values the back edge reads (extend their lives to the terminal).
    pub fn uses(&self) -> Vec<Val> {
        let mut v: Vec<Val> = self.carried.iter().filter_map(|c| c.2).collect();
        if let Some(p) = self.poll {
            Op::Poll { pc: 0, nzcv: p }.for_each_use(|u| v.push(u));
        }
        v
    }
}

/// Takes the block's [`Op::Poll`] out of `ops` when it can be made on the
/// back edge instead (with the loop start as its pc): when only pure
/// operations follow it (it sits just before a closing branch, and the
/// branch changes nothing but the pc), or when it is at the block start
/// (the state in memory is then exact at the back edge as well: such a
/// block does not kill NZCV, so the flags pass kept its last NZCV write).
/// The first iteration then runs unpolled and the exit edge does not poll;
/// every cycle of blocks still polls, since a self-loop leaves only
/// forwards (by falling through) and any backward edge to another block
/// belongs to a block that polls in its body.
fn take_poll(ops: &mut Vec<Op>, start_pc: u64) -> Option<PollNzcv> {
    let i = ops.iter().position(|o| matches!(o, Op::Poll { .. }))?;
    let Op::Poll { pc, nzcv } = ops[i] else {
        unreachable!()
    };
    let inert = |o: &Op| o.is_pure() || matches!(o, Op::Nop | Op::InsnStart { .. });
    let at_start = pc == start_pc && ops[..i].iter().all(inert);
    if at_start || ops[i + 1..].iter().all(inert) {
        ops.remove(i);
        Some(nzcv)
    } else {
        None
    }
}

fn targets_start(block: &Block) -> bool {
    // A recursive call is no loop: its returns unwind what it pushed.
    if matches!(block.flow, crate::ir::Flow::Call { .. }) {
        return false;
    }
    match block.term {
        Terminal::Jump { pc } => pc == block.start_pc,
        Terminal::Branch {
            taken, not_taken, ..
        } => taken == block.start_pc || not_taken == block.start_pc,
        _ => false,
    }
}

/// For a self-looping block: a copy with the first reads of guest registers
/// moved to the top, and the back-edge plan. Reads after a helper call or a
/// write to the register file stay where they are.
pub(super) fn plan(block: &Block) -> Option<(Block, SelfLoop)> {
    if !targets_start(block) {
        return None;
    }
    let reg_file_end = x_offset(32) as u32;
    let mut seen = [false; 32];
    let mut hoisted = Vec::new();
    let mut rest = Vec::with_capacity(block.ops.len());
    let mut barrier = false;
    for op in &block.ops {
        match *op {
            Op::GetReg { reg, .. } if !barrier && !seen[reg as usize] => {
                seen[reg as usize] = true;
                hoisted.push(*op);
                continue;
            }
            Op::GetReg { reg, .. } | Op::SetReg { reg, .. } => seen[reg as usize] = true,
            Op::Call { .. } => barrier = true,
            Op::StoreState { offset, .. } if offset < reg_file_end => barrier = true,
            _ => {}
        }
        rest.push(*op);
    }
    if hoisted.is_empty() {
        return None;
    }
    let carried = hoisted
        .iter()
        .map(|op| {
            let Op::GetReg { dst, reg } = *op else {
                unreachable!()
            };
            let last = rest.iter().rev().find_map(|o| match *o {
                Op::SetReg { reg: r, src } if r == reg => Some(src),
                _ => None,
            });
            (dst, reg, last)
        })
        .collect();
    let poll = take_poll(&mut rest, block.start_pc);
    let calls = rest.iter().any(super::regalloc::may_call);
    let body_index = hoisted.len();
    let mut ops = hoisted;
    ops.extend(rest);
    let b = Block {
        ops,
        ..block.clone()
    };
    Some((
        b,
        SelfLoop {
            start_pc: block.start_pc,
            body_index,
            carried,
            poll,
            calls,
        },
    ))
}

/// Performs the parallel move `moves` ((destination, source) pairs, every
/// destination distinct) with `mov(dst, src)`, in an order where no
/// source is overwritten before it is read; a cycle goes through `temp`,
/// which no move may use.
pub(super) fn parallel_moves<L: Copy + PartialEq>(
    moves: &mut Vec<(L, L)>,
    temp: L,
    mut mov: impl FnMut(L, L),
) {
    while !moves.is_empty() {
        let free = (0..moves.len()).find(|&i| moves.iter().all(|&(_, s)| s != moves[i].0));
        match free {
            Some(i) => {
                let (d, s) = moves.remove(i);
                mov(d, s);
            }
            None => {
                // Only cycles remain: park one destination's value in temp.
                let d = moves[0].0;
                mov(temp, d);
                for m in moves.iter_mut() {
                    if m.1 == d {
                        m.1 = temp;
                    }
                }
            }
        }
    }
}

impl Emitter {
    /// The back edge: parallel move of the new register values into the
    /// locations of the hoisted reads, then a jump to the body.
    pub(super) fn back_edge(&mut self, l: &SelfLoop, body: DynamicLabel) {
        // The state in memory is exact here: a pending interrupt leaves
        // before the carried values are moved.
        if let Some(nzcv) = l.poll {
            self.poll(l.start_pc, nzcv);
        }
        let mut moves: Vec<(Loc, Loc)> = Vec::new();
        let mut reloads: Vec<(Loc, u8)> = Vec::new();
        for &(read, reg, last) in &l.carried {
            let dst = self.locs[read.0 as usize];
            if matches!(dst, Loc::Dead | Loc::Imm(_)) {
                continue;
            }
            match last {
                Some(v) => {
                    let src = self.locs[v.0 as usize];
                    if src != dst {
                        moves.push((dst, src));
                    }
                }
                // The read's location still holds the register's value
                // when no other value took it over and nothing can have
                // written the register behind the IR's back.
                None if !l.calls && self.locs.iter().filter(|&&o| o == dst).count() == 1 => {}
                None => reloads.push((dst, reg)),
            }
        }
        parallel_moves(&mut moves, Loc::Reg(0), |d, s| self.mov_loc(d, s));
        for (dst, reg) in reloads {
            match super::regalloc::pinned(reg) {
                Some(h) => self.mov_loc(dst, Loc::Reg(h)),
                None => {
                    let off = x_offset(reg as usize) as i32;
                    match dst {
                        Loc::Reg(d) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [r15 + off]),
                        _ => {
                            dynasm!(self.a ; .arch x64 ; mov rax, QWORD [r15 + off]);
                            self.mov_loc(dst, Loc::Reg(0));
                        }
                    }
                }
            }
        }
        self.vloop_back_edge();
        dynasm!(self.a ; .arch x64 ; jmp =>body);
    }

    /// `dst = src` between value locations (rcx is the scratch register).
    fn mov_loc(&mut self, dst: Loc, src: Loc) {
        match (dst, src) {
            (Loc::Reg(d), Loc::Reg(s)) => dynasm!(self.a ; .arch x64 ; mov Rq(d), Rq(s)),
            (Loc::Reg(d), Loc::Stack(s)) => {
                dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [r15 + spill_offset(s)])
            }
            (Loc::Reg(d), Loc::Imm(i)) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD i as i64),
            (Loc::Stack(d), Loc::Reg(s)) => {
                dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + spill_offset(d)], Rq(s))
            }
            (Loc::Stack(d), Loc::Stack(s)) => dynasm!(self.a ; .arch x64
                ; mov rcx, QWORD [r15 + spill_offset(s)]
                ; mov QWORD [r15 + spill_offset(d)], rcx),
            (Loc::Stack(d), Loc::Imm(i)) => dynasm!(self.a ; .arch x64
                ; mov rcx, QWORD i as i64
                ; mov QWORD [r15 + spill_offset(d)], rcx),
            _ => unreachable!("move to {dst:?} from {src:?}"),
        }
    }
}
