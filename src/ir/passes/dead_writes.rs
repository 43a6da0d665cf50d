//! Dead guest-register writes: a `SetReg` that a later `SetReg` of the same
//! register overwrites, with nothing in between that could observe the
//! X registers in memory, is dropped. Observers are memory accesses (a
//! fault reports the state at its instruction), checks, polls, helper calls
//! and reads of the register file; pure computation, reads and writes of
//! other state fields and vector operations (which read and write V
//! registers only, inline or through their exact helper, and never leave
//! the block) are not. So the state in memory is still exact wherever
//! anything can look at it.

use crate::cpu::state::x_offset;
use crate::ir::{Block, Op};

/// End of the X register file (SP included) in the CPU state.
const REG_FILE_END: u32 = x_offset(32) as u32;

/// Whether `op` can neither look at the X registers in memory nor leave
/// the block.
fn blind(op: &Op) -> bool {
    match *op {
        Op::LoadState { offset, .. } | Op::StoreState { offset, .. } => offset >= REG_FILE_END,
        Op::Nop | Op::InsnStart { .. } | Op::Fence { .. } => true,
        Op::VBin { .. } | Op::Vec { .. } => true,
        _ => op.is_pure(),
    }
}

pub fn run(block: &mut Block) {
    // The last write of each register nothing has observed yet.
    let mut pending: [Option<usize>; 32] = [None; 32];
    for i in 0..block.ops.len() {
        match block.ops[i] {
            Op::SetReg { reg, .. } => {
                if let Some(j) = pending[reg as usize].replace(i) {
                    block.ops[j] = Op::Nop;
                }
            }
            Op::GetReg { reg, .. } => pending[reg as usize] = None,
            ref op if blind(op) => {}
            _ => pending = [None; 32],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Builder, Width};

    /// Runs the pass on `b`'s block, whose ops 1, .. hold three writes of
    /// the same register, and checks that only the first (op 1) is dropped.
    fn check_first_of_three_dropped(mut b: Builder) {
        b.jump(4);
        let mut block = b.finish(4);
        run(&mut block);
        let sets = (block.ops.iter())
            .filter(|o| matches!(o, Op::SetReg { .. }))
            .count();
        assert_eq!(sets, 2, "{:?}", block.ops);
        assert!(matches!(block.ops[1], Op::Nop), "{:?}", block.ops);
    }

    #[test]
    fn drops_only_unobserved_overwritten_writes() {
        let mut b = Builder::new(0);
        let one = b.konst(1);
        b.set_reg(3, one); // dead: overwritten before anything looks
        let two = b.add(Width::W64, one, one);
        b.set_reg(3, two); // observed by the load below
        let _ = b.load(Width::W64, false, two);
        b.set_reg(3, one); // last write: kept
        check_first_of_three_dropped(b);
    }

    #[test]
    fn other_state_and_vector_operations_do_not_observe_x_registers() {
        use crate::cpu::state::v_offset;
        use crate::ir::{HelperFn, VOp};
        unsafe extern "C" fn never(
            _: *mut crate::cpu::CpuState,
            _: u64,
            _: u64,
            _: u64,
            _: u64,
        ) -> u64 {
            unreachable!()
        }
        let slow: HelperFn = never;
        let mut b = Builder::new(0);
        let one = b.konst(1);
        b.set_reg(3, one); // dead: only blind operations until the next write
        let v = b.load_state(v_offset(2));
        b.store_state(v_offset(4), v);
        b.vbin(Op::VBin {
            op: VOp::Add,
            esize: 32,
            q: true,
            vd: 1,
            vn: 2,
            vm: 3,
            elem: None,
            slow,
            arg: 0,
        });
        b.set_reg(3, v);
        let sp = b.load_state(x_offset(31)); // reads the register file
        b.set_reg(3, sp); // the previous write is observed: kept
        check_first_of_three_dropped(b);
    }
}
