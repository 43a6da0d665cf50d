//! Interpreted first runs (`emu::jit::first_run`): a block reached for the
//! first time runs in the IR interpreter, and gives what its compiled code
//! gives, faults included.

mod common;

use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code_in;
use emu::jit::Jit;

/// A translator with interpreted first runs on or off.
fn jit(interpret: bool) -> Jit {
    let jit = common::jit_with_fault_handler();
    jit.interpret_first_runs(interpret);
    jit
}

/// Runs `code` from `cpu` with interpreted first runs on and off; returns
/// both exits and states, and how many first runs were interpreted.
fn both(code: &[u32], cpu: &CpuState) -> [(ExitReason, CpuState, u64); 2] {
    let _one_region = common::fault_handler_lock();
    [true, false].map(|interpret| {
        let mut j = jit(interpret);
        let mut c = cpu.clone();
        let r = run_code_in(&mut j, code, &mut c);
        (r, c, j.stats().blocks_interpreted)
    })
}

#[test]
fn first_runs_are_interpreted_and_agree_with_compiled_code() {
    // movz x0, #0; movz x1, #5; loop: add x0, x0, x1; subs x1, x1, #1;
    // b.ne loop; csel x2, x0, x1, eq
    let code = [
        0xd280_0000,
        0xd280_00a1,
        0x8b01_0000,
        0xf100_0421,
        0x54ff_ffc1,
        0x9a81_0002,
    ];
    let [(ri, ci, ni), (rc, cc, nc)] = both(&code, &CpuState::default());
    assert_eq!((ri, rc), (ExitReason::Lookup, ExitReason::Lookup));
    assert_eq!(ci.x[0], 15);
    // Each run maps the code afresh: compare offsets.
    assert_eq!((ci.x, ci.nzcv, ci.pc % 4096), (cc.x, cc.nzcv, cc.pc % 4096));
    // The entry block, the loop's first run and the block after it.
    assert!(ni >= 3, "{ni} first runs interpreted");
    assert_eq!(nc, 0);
}

#[test]
fn a_fault_in_an_interpreted_block_is_at_its_instruction() {
    // movz x2, #7; ldr x3, [x4]; movz x5, #9 — x4 points at an unmapped
    // page: the fault is at the load, with x2 written and x5 not.
    let code = [0xd280_00e2, 0xf940_0083, 0xd280_0125];
    let mut cpu = CpuState::default();
    cpu.x[4] = 0x10;
    let [(ri, ci, ni), (rc, cc, _)] = both(&code, &cpu);
    assert_eq!((ri, rc), (ExitReason::Fault, ExitReason::Fault));
    assert_eq!(ni, 1);
    assert_eq!((ci.pc % 4096, cc.pc % 4096), (4, 4), "at the load");
    assert_eq!((ci.x[2], ci.x[5], ci.exit_arg), (7, 0, 0x10));
    assert_eq!((ci.x, ci.exit_arg, ci.fault), (cc.x, cc.exit_arg, cc.fault));
    // A store to a read-only page: a write fault, nothing written.
    // movz x2, #7; str x2, [x4]
    static RO: [u64; 1] = [0x1234];
    let mut cpu = CpuState::default();
    cpu.x[4] = RO.as_ptr() as u64;
    let [(ri, ci, _), (rc, cc, _)] = both(&[0xd280_00e2, 0xf900_0082], &cpu);
    assert_eq!((ri, rc), (ExitReason::Fault, ExitReason::Fault));
    assert_eq!((ci.exit_arg, ci.fault), (cc.exit_arg, cc.fault));
    assert_eq!(RO[0], 0x1234);
}
