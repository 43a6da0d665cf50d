//! Semantic tests of the data-processing (register and immediate) and branch
//! instruction classes: instruction words plus registers and flags in,
//! registers and flags out. Expected values come from reference models of
//! the Arm ARM pseudocode (`insn_dp/model.rs`) or are worked out by hand
//! from it.

#[path = "insn_dp/branch.rs"]
mod branch;
#[path = "insn_dp/dp_imm.rs"]
mod dp_imm;
#[path = "insn_dp/dp_reg_arith.rs"]
mod dp_reg_arith;
#[path = "insn_dp/dp_reg_other.rs"]
mod dp_reg_other;
#[path = "insn_dp/enc.rs"]
mod enc;
#[path = "insn_dp/model.rs"]
mod model;

use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code;

/// Runs `words` from a state with the given registers (index 31 = SP) and
/// NZCV; returns the exit reason and the final state.
pub fn run_exit(words: &[u32], regs: &[(usize, u64)], nzcv: u64) -> (ExitReason, CpuState) {
    let mut cpu = CpuState::default();
    for &(r, v) in regs {
        cpu.x[r] = v;
    }
    cpu.nzcv = nzcv;
    let exit = run_code(words, &mut cpu);
    (exit, cpu)
}

/// Like [`run_exit`], but requires that execution falls off the end of the
/// code.
pub fn run(words: &[u32], regs: &[(usize, u64)], nzcv: u64) -> CpuState {
    let (exit, cpu) = run_exit(words, regs, nzcv);
    assert_eq!(
        exit,
        ExitReason::Lookup,
        "words {words:08x?} regs {regs:x?}"
    );
    cpu
}

/// Runs one instruction and returns X`d` and NZCV.
pub fn run1(word: u32, regs: &[(usize, u64)], nzcv: u64, d: usize) -> (u64, u64) {
    let cpu = run(&[word], regs, nzcv);
    (cpu.x[d], cpu.nzcv)
}

/// Asserts that `word` is treated as undefined.
pub fn assert_udf(word: u32) {
    let (exit, _) = run_exit(&[word], &[], 0);
    assert_eq!(exit, ExitReason::Udf, "{word:08x} should be undefined");
}
