//! Running a few instruction words in isolation, for instruction tests.

use super::dispatch::Jit;
use crate::cpu::{CpuState, ExitReason};

/// BRK immediate of the sentinel placed after the code under test.
const SENTINEL_IMM: u32 = 0xe0de;

/// Runs `words` from their first instruction with the register state in
/// `cpu` (its `pc` is overwritten) until execution falls off the end, which
/// returns [`ExitReason::Lookup`] with `cpu.pc` just past the last word, or
/// until another exit (SVC, BRK, undefined instruction, ...).
pub fn run_code(words: &[u32], cpu: &mut CpuState) -> ExitReason {
    let mut jit = Jit::new().expect("code cache");
    run_code_in(&mut jit, words, cpu)
}

/// [`run_code`] with a given translator.
pub fn run_code_in(jit: &mut Jit, words: &[u32], cpu: &mut CpuState) -> ExitReason {
    let mut code: Vec<u32> = words.to_vec();
    code.push(0xd420_0000 | (SENTINEL_IMM << 5));
    let start = code.as_ptr() as u64;
    let end = start + 4 * words.len() as u64;
    cpu.pc = start;
    let r = jit.run(cpu);
    if r == ExitReason::Brk && cpu.pc == end && cpu.exit_arg == SENTINEL_IMM as u64 {
        return ExitReason::Lookup;
    }
    r
}
