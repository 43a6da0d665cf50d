//! V registers carried in the V-register cache around a self-loop. At the
//! loop's entry (once, before the body label) the V registers that the
//! body reads before it writes them are loaded into cache registers; the
//! back edge puts each of them back into its register (a register move
//! when the body left it in another cache register, a load from the CPU
//! state when it is in none). The body therefore starts every iteration
//! with those entries, and a loop-carried vector value (an accumulator)
//! goes from one iteration to the next in an xmm register instead of
//! through a store and a load. The cache stays a write-through copy: the
//! state in memory is exact throughout, as without the carrying.

use super::emit::Emitter;
use super::emit_loop::parallel_moves;
use super::emit_vcache::{COUNT, FIRST};
use crate::cpu::state::v_offset;
use crate::ir::{Op, VOp, VShiftOp, VecOp};
use dynasmrt::{dynasm, DynasmApi};

/// The V registers an operation reads and writes, as far as the choice of
/// carried registers needs it: a register the operation may read counts
/// as read (a wrong guess costs a load, never correctness).
fn v_refs(op: &Op, mut f: impl FnMut(u8, bool)) {
    let v_of = |off: u32| {
        let rel = off.checked_sub(v_offset(0) as u32)?;
        (rel < 32 * 16).then_some((rel / 16) as u8)
    };
    match *op {
        Op::VBin { op, vd, vn, vm, .. } => {
            f(vn, true);
            f(vm, true);
            let reads_d = matches!(op, VOp::Mla | VOp::Mls | VOp::Bsl | VOp::Bit | VOp::Bif);
            f(vd, reads_d);
        }
        Op::Vec { op, vd, vn, .. } => {
            f(vn, true);
            let plain = matches!(
                op,
                VecOp::Shift {
                    op: VShiftOp::Shl | VShiftOp::Ushr | VShiftOp::Sshr,
                    ..
                }
            );
            f(vd, !plain);
        }
        Op::LoadState { offset, .. } => {
            if let Some(v) = v_of(offset) {
                f(v, true)
            }
        }
        Op::LoadVec { vreg, .. } => f(vreg, false),
        Op::StoreVec { vreg, .. } => f(vreg, true),
        _ => {}
    }
}

/// The V registers to carry around a loop whose body is `body`: those
/// whose first reference in the body reads them, in that order, as many
/// as the cache holds.
pub(super) fn carried(body: &[Op]) -> Vec<u8> {
    let mut seen = 0u32;
    let mut out = Vec::new();
    for op in body {
        v_refs(op, |v, read| {
            let bit = 1u32 << (v % 32);
            if seen & bit == 0 {
                seen |= bit;
                if read && out.len() < COUNT as usize {
                    out.push(v);
                }
            }
        });
    }
    out
}

impl Emitter {
    /// At the loop entry (before the body label): loads the carried V
    /// registers of `body` into cache registers and makes them the cache's
    /// entries, which the back edge restores.
    pub(super) fn vloop_entry(&mut self, body: &[Op]) {
        self.vcache.clear();
        self.vloop.clear();
        if !self.vcache.on {
            return;
        }
        for (i, v) in carried(body).into_iter().enumerate() {
            let x = FIRST + i as u8;
            let off = Self::voff(v);
            dynasm!(self.a ; .arch x64 ; movdqa Rx(x), [r15 + off]);
            self.vloop.push((v, x));
        }
        let entries = std::mem::take(&mut self.vloop);
        self.vcache.set_entries(&entries);
        self.vloop = entries;
    }

    /// On the back edge: puts every carried V register back into its cache
    /// register, from the cache register the body left it in or else from
    /// the CPU state.
    pub(super) fn vloop_back_edge(&mut self) {
        let carried = std::mem::take(&mut self.vloop);
        let mut moves = Vec::new();
        let mut loads = Vec::new();
        for &(v, x) in &carried {
            match self.vcached(Self::voff(v)) {
                Some(y) if y == x => {}
                Some(y) => moves.push((x, y)),
                None => loads.push((x, Self::voff(v))),
            }
        }
        parallel_moves(&mut moves, 0, |d, s| {
            dynasm!(self.a ; .arch x64 ; movdqa Rx(d), Rx(s));
        });
        for (x, off) in loads {
            dynasm!(self.a ; .arch x64 ; movdqa Rx(x), [r15 + off]);
        }
        self.vloop = carried;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(words: &[u32]) -> Vec<Op> {
        let pc = 0x1000;
        let fetch = &mut |a: u64| words.get(((a - pc) / 4) as usize).copied();
        crate::frontend::translate_block(pc, fetch).ops
    }

    #[test]
    fn carries_registers_read_before_written() {
        let ops = body(&[
            0x3dc00001, // ldr q1, [x0]
            0x4ea29420, // mla v0.4s, v1.4s, v2.4s
            0x4ea28423, // add v3.4s, v1.4s, v2.4s
        ]);
        assert_eq!(carried(&ops), vec![2, 0]);
    }

    #[test]
    fn a_plain_result_is_not_carried() {
        let ops = body(&[
            0x4ea28423, // add v3.4s, v1.4s, v2.4s
            0x6e231c61, // eor v1.16b, v3.16b, v3.16b
        ]);
        assert_eq!(carried(&ops), vec![1, 2]);
    }
}
