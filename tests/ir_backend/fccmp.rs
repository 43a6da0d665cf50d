//! FCCMP/FCCMPE (half, single, double; every condition) translate to the
//! compare of FCMP/FCMPE on operands selected by the condition, with no
//! helper call: from random NZCV, FPCR (rounding, FZ, FZ16, DN) and
//! operands biased to NaNs, infinities, zeros and denormals, the
//! interpreter gives FCMP's (FCMPE's) flags and FPSR where the condition
//! holds and the immediate flags with FPSR unchanged where it fails, and
//! the x86-64 code (before and after the passes) gives the interpreter's
//! state, alone and in blocks with CSET.

use super::vec_ops::{block_of, interp_vs_jit};
use super::*;
use emu::arm64::bits::cond_holds;

/// FCCMP (FCCMPE with `e`) of `ty` (0 S, 1 D, 3 H) on V1, V2.
fn fccmp(ty: u32, e: bool, cond: u32, nzcv: u32) -> u32 {
    0x1e20_0400 | ty << 22 | 2 << 16 | cond << 12 | 1 << 5 | (e as u32) << 4 | nzcv
}

/// FCMP (FCMPE with `e`) of `ty` on V1, V2.
fn fcmp(ty: u32, e: bool) -> u32 {
    0x1e20_2000 | ty << 22 | 2 << 16 | 1 << 5 | (e as u32) << 4
}

fn state(rng: &mut Rng) -> CpuState {
    let mut cpu = CpuState::default();
    for v in cpu.v.iter_mut() {
        *v = super::vec_fp::vector(rng);
    }
    cpu.nzcv = rng.below(16) << 28;
    cpu.fpcr = super::vec_fp::fpcr(rng) | if rng.chance(4) { 1 << 19 } else { 0 };
    cpu.fpsr = if rng.chance(2) { rng.below(256) } else { 0 };
    cpu
}

#[test]
fn fccmp_is_inline_and_exact() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xfcc));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem = [0u8; BUF_LEN];
    let mut words = Vec::new();
    for ty in [0, 1, 3] {
        for e in [false, true] {
            for cond in 0..16 {
                let w = fccmp(ty, e, cond, rng.below(16) as u32);
                words.push(w);
                let block = super::flagm::block_without_calls(w);
                let plain = block_of(&[fcmp(ty, e)]);
                for _ in 0..60 {
                    let cpu0 = state(&mut rng);
                    let got = run_interp(&block, &cpu0, &mut *buf, &mem).cpu;
                    let want = if cond_holds(cond, cpu0.nzcv) {
                        run_interp(&plain, &cpu0, &mut *buf, &mem).cpu
                    } else {
                        let mut c = cpu0.clone();
                        c.nzcv = u64::from(w & 15) << 28;
                        c
                    };
                    assert_eq!(
                        (got.nzcv, got.fpsr),
                        (want.nzcv, want.fpsr),
                        "{w:#010x} from nzcv {:#x} fpcr {:#x} v1 {:#x} v2 {:#x}",
                        cpu0.nzcv,
                        cpu0.fpcr,
                        cpu0.v[1],
                        cpu0.v[2]
                    );
                    interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem)
                        .unwrap_or_else(|e| panic!("{w:#010x}: {e}"));
                }
            }
        }
    }
    sequences_then_cset(&mut jit, &mut rng, &words, 300, state);
}

/// `count` blocks of one to three of `words` then CSET X3, EQ, from
/// `state`s: the interpreter against the x86-64 code.
pub(super) fn sequences_then_cset(
    jit: &mut Jit,
    rng: &mut Rng,
    words: &[u32],
    count: u64,
    state: fn(&mut Rng) -> CpuState,
) {
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem = [0u8; BUF_LEN];
    for _ in 0..count {
        let len = 1 + rng.below(3);
        let seq: Vec<u32> = (0..len)
            .map(|_| rng.pick(words))
            .chain([0x9a9f_17e3])
            .collect();
        let block = block_of(&seq);
        let cpu0 = state(rng);
        interp_vs_jit(jit, &mut *buf, &block, &cpu0, &mem)
            .unwrap_or_else(|e| panic!("{seq:#010x?}: {e}"));
    }
}
