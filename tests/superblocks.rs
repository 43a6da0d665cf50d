//! Superblocks: a hot block's full-tier translation goes on past forward
//! conditional branches that execution seldom takes, which become side
//! exits (`emu::ir::Op::ExitIf`). The results, NZCV at a side exit and the
//! state at a fault after one are those of the same code run as basic
//! blocks.

mod common;

use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code_in;
use emu::jit::Jit;

/// A translator with superblocks on or off.
fn jit(superblocks: bool) -> Jit {
    let jit = common::jit_with_fault_handler();
    jit.superblocks(superblocks);
    jit
}

/// A loop of 1000 iterations whose block has a forward branch taken every
/// 256th iteration (to code that reads NZCV, then comes back) and, at
/// x1 == 5, a load from an unmapped address:
///
/// ```text
///        movz x0, #0 ; movz x1, #1000 ; movz x3, #0
/// loop:  add x0, x0, x1 ; tst x1, #0xff ; b.eq rare
/// back:  cmp x1, #5 ; csel x8, x9, x10, ne ; ldr x6, [x8]
///        subs x1, x1, #1 ; b.ne loop ; b done
/// rare:  cset x5, eq ; add x3, x3, x5 ; b back
/// done:
/// ```
const LOOP: [u32; 15] = [
    0xd280_0000,
    0xd280_7d01,
    0xd280_0003,
    0x8b01_0000,
    0xf240_1c3f,
    0x5400_00e0,
    0xf100_143f,
    0x9a8a_1128,
    0xf940_0106,
    0xf100_0421,
    0x54ff_ff21,
    0x1400_0004,
    0x9a9f_17e5,
    0x8b05_0063,
    0x17ff_fff8,
];

/// The same loop with the branch the other way round: the block mostly
/// branches over the code that counts, which the superblock leaves by a
/// side exit on the opposite condition.
///
/// ```text
///        movz x0, #0 ; movz x1, #1000 ; movz x3, #0
/// loop:  add x0, x0, x1 ; tst x1, #0xff ; b.ne skip
///        cset x5, eq ; add x3, x3, x5
/// skip:  cmp x1, #5 ; csel x8, x9, x10, ne ; ldr x6, [x8]
///        subs x1, x1, #1 ; b.ne loop
/// ```
const LOOP_TAKEN: [u32; 13] = [
    0xd280_0000,
    0xd280_7d01,
    0xd280_0003,
    0x8b01_0000,
    0xf240_1c3f,
    0x5400_0061,
    0x9a9f_17e5,
    0x8b05_0063,
    0xf100_143f,
    0x9a8a_1128,
    0xf940_0106,
    0xf100_0421,
    0x54ff_fee1,
];

#[test]
fn a_loop_with_a_side_exit_runs_as_its_basic_blocks_do() {
    check_loop(&LOOP, 8);
}

#[test]
fn a_loop_over_a_mostly_taken_branch_runs_as_its_basic_blocks_do() {
    check_loop(&LOOP_TAKEN, 10);
}

/// Runs `code` (one of the loops above, its load at instruction `load`)
/// with superblocks on and off and checks both against the loop's results.
fn check_loop(code: &[u32], load: u64) {
    static WORD: u64 = 0x77;
    let _one_region = common::fault_handler_lock();
    let runs = [true, false].map(|on| {
        let mut j = jit(on);
        let mut cpu = CpuState::default();
        cpu.x[9] = &WORD as *const u64 as u64;
        cpu.x[10] = 0x10;
        let r = run_code_in(&mut j, code, &mut cpu);
        (r, cpu, j.stats().superblocks)
    });
    let [(r, cpu, made), (r_bb, cpu_bb, made_bb)] = runs;
    assert!(made >= 1, "no superblock made");
    assert_eq!(made_bb, 0);
    // The load faults at x1 == 5, with everything before it done.
    assert_eq!((r, r_bb), (ExitReason::Fault, ExitReason::Fault));
    assert_eq!(cpu.pc % 4096, load * 4, "at the load");
    assert_eq!(cpu.x[0], (5..=1000).sum::<u64>());
    assert_eq!((cpu.x[1], cpu.x[6], cpu.x[8]), (5, 0x77, 0x10));
    // Three side exits taken (x1 = 768, 512, 256), each seeing Z set.
    assert_eq!((cpu.x[3], cpu.x[5]), (3, 1));
    // NZCV of `cmp x1, #5` with x1 = 5: Z and C.
    assert_eq!(cpu.nzcv, 0x6000_0000);
    assert_eq!(
        (cpu.x, cpu.nzcv, cpu.exit_arg),
        (cpu_bb.x, cpu_bb.nzcv, cpu_bb.exit_arg)
    );
}
