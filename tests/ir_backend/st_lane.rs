//! ST2/ST3/ST4 of one lane, which run inline as an `Op::Structs` with a
//! lane (`emit_vec_struct`: the check of a second page, then one store of
//! each register's element): every element size, several lane indices of
//! 64- and 128-bit forms, without and with post-index (immediate and
//! register), first registers 0, 5 and 30 (the list wrapping past V31),
//! at random (often unaligned) offsets into the scratch memory from 200
//! random states, then in random blocks with other vector operations,
//! under the interpreter (the exact helper) and as x86-64 code before and
//! after the passes, comparing registers and memory. The faults are in
//! `tests/insn_simd/memory.rs`.

use super::vec_ops::block_of;
use super::vec_struct::{single, singly_then_blocks, LANES};
use emu::backend::x64::regalloc::may_call;
use emu::ir::Op;

fn words() -> Vec<u32> {
    let mut w = Vec::new();
    for q in [false, true] {
        for (t, rm) in [(0, None), (5, Some(31)), (30, Some(2))] {
            for n in 2..=4 {
                for (esize, idx) in LANES {
                    for &lane in idx {
                        w.push(single(q, false, n, esize, Some(lane), t, rm));
                    }
                }
            }
        }
    }
    w
}

#[test]
fn st2_st3_st4_of_one_lane_run_inline_and_match_the_helper() {
    let words = words();
    assert_eq!(words.len(), 2 * 3 * 3 * 8);
    for &w in &words {
        let block = block_of(&[w]);
        assert!(
            (block.ops.iter()).any(|o| matches!(o, Op::Structs { lane: Some(_), .. })),
            "{w:#010x} is not an Op::Structs of one lane"
        );
        assert!(
            !(block.ops.iter()).any(may_call),
            "{w:#010x} calls a helper"
        );
    }
    singly_then_blocks(0x5e1, &words);
}
