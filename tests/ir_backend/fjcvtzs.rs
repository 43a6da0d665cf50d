//! FJCVTZS translates to an inline `FBin` ([`emu::ir::FpOp::JsCvt`]) with
//! no helper call on its path: for several register numbers (Wd = WZR
//! included), from random states whose operand is biased to the special
//! values of `FPToFixedJS` (zeros of either sign, denormals, the
//! neighbours of ±2^31 and ±2^32, large values whose low 32 bits matter,
//! integers, halves, NaNs, infinities) and random FPCR (FZ, RMode, DN,
//! AHP, FZ16: FJCVTZS ignores the rounding mode) and FPSR, the x86-64 code
//! (before and after the passes) gives the interpreter's Wd, NZCV and
//! FPSR, alone, after an FADD whose result it reads from the FP cache,
//! and in blocks ending with CSET.

use super::vec_ops::{block_of, interp_vs_jit};
use super::*;

/// fjcvtzs w`d`, d`n`.
fn fjcvtzs(d: u32, n: u32) -> u32 {
    0x1e7e_0000 | n << 5 | d
}

/// A double biased to the special values of FJCVTZS.
fn operand(rng: &mut Rng) -> u64 {
    let sign = rng.below(2) << 63;
    let frac = rng.next() & ((1 << 52) - 1);
    let nudge = |rng: &mut Rng, x: f64| (x.to_bits() + rng.below(7)).wrapping_sub(3);
    let x = match rng.below(14) {
        0 => 0,
        1 => rng.below(2) * frac,
        2 => nudge(rng, 2f64.powi(31)),
        3 => nudge(rng, 2f64.powi(32)),
        4 => {
            let e = rng.below(4) as i32 + 30;
            nudge(rng, 2f64.powi(e))
        }
        // 2^32 up to far beyond 2^84, where the low 32 bits are zero.
        5 => (1023 + 32 + rng.below(60)) << 52 | frac,
        6 => (rng.next() as i32 as f64).to_bits(),
        7 => ((rng.next() as i32 >> rng.below(31)) as f64 + 0.5).to_bits(),
        8 => 0x7ff0_0000_0000_0000 | frac.max(1),
        9 => 0x7ff0_0000_0000_0000,
        10 => 1 << 52 | frac,
        11 => (1023 - 2 + rng.below(4)) << 52 | frac,
        _ => (1023 - 60 + rng.below(92)) << 52 | frac,
    };
    x & !(1 << 63) | sign
}

fn state(rng: &mut Rng) -> CpuState {
    let mut cpu = CpuState::default();
    for x in cpu.x.iter_mut() {
        *x = rng.next();
    }
    for v in cpu.v.iter_mut() {
        *v = (rng.next() as u128) << 64 | operand(rng) as u128;
    }
    cpu.nzcv = rng.below(16) << 28;
    // FPCR.AHP (26), DN (25), FZ (24), RMode (23:22), FZ16 (19).
    cpu.fpcr = if rng.chance(2) {
        0
    } else {
        rng.next() & (0xF << 22 | 1 << 19)
    };
    cpu.fpsr = if rng.chance(2) { rng.below(256) } else { 0 };
    cpu
}

#[test]
fn fjcvtzs_is_inline_and_exact() {
    let iters = env_u64("EMU_IR_FUZZ_ITERS", 3000);
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xf1c7_0001));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem = [0u8; BUF_LEN];
    let mut words = Vec::new();
    for (d, n) in [(0, 1), (31, 0), (1, 1), (5, 31), (19, 2), (29, 7), (30, 30)] {
        let w = fjcvtzs(d, n);
        words.push(w);
        let block = super::flagm::block_without_calls(w);
        for _ in 0..iters / 10 {
            let cpu0 = state(&mut rng);
            interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem).unwrap_or_else(|e| {
                panic!("{w:#010x} of {:#x}: {e}", cpu0.v[(w >> 5 & 31) as usize])
            });
        }
    }
    // fadd d1, d2, d3 then fjcvtzs w0, d1: the operand from the FP cache.
    let block = block_of(&[0x1e63_2841, fjcvtzs(0, 1)]);
    for _ in 0..iters / 4 {
        let cpu0 = state(&mut rng);
        interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem)
            .unwrap_or_else(|e| panic!("fadd, fjcvtzs: {e}"));
    }
    // Then CSET X3, EQ.
    super::fccmp::sequences_then_cset(&mut jit, &mut rng, &words, iters / 4, state);
}
