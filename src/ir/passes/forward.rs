//! Guest-state forwarding: within a block, a read of a guest register or
//! state field that was written or read earlier reuses that value instead of
//! loading it again. Helper calls may touch any state, so they end what is
//! known. Writes are all kept, so the state in memory stays exact at every
//! instruction boundary (precise faults).

use crate::cpu::state::x_offset;
use crate::ir::{Block, Op, Val};

const REG_FILE_END: u32 = x_offset(32) as u32;
const FPSR: u32 = std::mem::offset_of!(crate::cpu::CpuState, fpsr) as u32;

thread_local! {
    /// [`run`]'s buffers, reused from block to block.
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
}

pub fn run(block: &mut Block) {
    SCRATCH.with(|s| run_with(block, &mut s.borrow_mut()));
}

type Scratch = (Vec<(u32, Val)>, Vec<Option<Val>>);

fn run_with(block: &mut Block, (fields, subst): &mut Scratch) {
    let mut regs: [Option<Val>; 32] = [None; 32];
    fields.clear();
    super::refill(subst, block.n_vals as usize, None);
    // Whether `subst` holds anything yet (until then, uses stay as they are).
    let mut substituted = false;
    for op in block.ops.iter_mut() {
        if substituted {
            op.map_uses(|v| subst[v.0 as usize].unwrap_or(v));
        }
        match *op {
            Op::GetReg { dst, reg } => match regs[reg as usize] {
                Some(v) => {
                    subst[dst.0 as usize] = Some(v);
                    substituted = true;
                    *op = Op::Nop;
                }
                None => regs[reg as usize] = Some(dst),
            },
            Op::SetReg { reg, src } => {
                regs[reg as usize] = Some(src);
                // A state field read at this register's offset is stale now.
                let off = x_offset(reg as usize) as u32;
                fields.retain(|(o, _)| o.abs_diff(off) >= 8);
            }
            Op::LoadState { dst, offset } => match fields.iter().find(|(o, _)| *o == offset) {
                Some(&(_, v)) => {
                    subst[dst.0 as usize] = Some(v);
                    substituted = true;
                    *op = Op::Nop;
                }
                None => fields.push((offset, dst)),
            },
            Op::StoreState { offset, src } => {
                if offset < REG_FILE_END {
                    regs = [None; 32];
                }
                fields.retain(|(o, _)| o.abs_diff(offset) >= 8);
                fields.push((offset, src));
            }
            // StoreExcl clears the exclusive monitor's fields.
            Op::LoadVec { .. }
            | Op::Structs { .. }
            | Op::VBin { .. }
            | Op::Vec { .. }
            | Op::StoreExcl { .. } => fields.clear(),
            // Updates FPSR (and reads FPCR) behind the IR's back.
            Op::FBin { .. } | Op::FMulAdd { .. } => fields.retain(|&(o, _)| o != FPSR),
            Op::Call { .. } => {
                regs = [None; 32];
                fields.clear();
            }
            _ => {}
        }
    }
    if substituted {
        block.term.map_uses(|v| subst[v.0 as usize].unwrap_or(v));
    }
}
