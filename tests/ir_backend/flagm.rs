//! FEAT_FlagM/FlagM2: CFINV, XAFLAG, AXFLAG, RMIF (every mask, rotations
//! at the edges) and SETF8/SETF16 translate to plain integer operations on
//! NZCV, with no helper call; from random X registers and every NZCV, the
//! interpreter gives the Arm ARM's flags (a reference written here from
//! its pseudo-code) and the x86-64 code, before and after the passes, the
//! interpreter's state, alone and in blocks with each other and a CSET
//! that reads the result.

use super::vec_ops::{block_of, interp_vs_jit};
use super::*;
use emu::ir::Op;

const N: u64 = 1 << 31;
const Z: u64 = 1 << 30;
const C: u64 = 1 << 29;
const V: u64 = 1 << 28;

/// CSET X3, EQ.
const CSET_EQ: u32 = 0x9a9f_17e3;

fn words() -> Vec<u32> {
    let mut w = vec![0xd500_401f, 0xd500_403f, 0xd500_405f];
    for n in [1, 31] {
        w.push(0x3a00_080d | n << 5);
        w.push(0x3a00_480d | n << 5);
        for imm in [0, 1, 3, 4, 28, 31, 32, 33, 60, 63] {
            for mask in 0..16 {
                w.push(0xba00_0400 | imm << 15 | n << 5 | mask);
            }
        }
    }
    w
}

/// The NZCV after `w` (one of [`words`]) from `nzcv` and the X registers
/// `x`, as the Arm ARM defines it.
fn reference(w: u32, nzcv: u64, x: &[u64]) -> u64 {
    let bit = |f: u64| nzcv & f != 0;
    let to = |f: u64, on: bool| if on { f } else { 0 };
    let (n, z, c, v) = (bit(N), bit(Z), bit(C), bit(V));
    let xn = match w >> 5 & 31 {
        31 => 0,
        r => x[r as usize],
    };
    match w {
        0xd500_401f => to(N, n) | to(Z, z) | to(C, !c) | to(V, v),
        0xd500_403f => to(N, !c && !z) | to(Z, z && c) | to(C, c || z) | to(V, !c && z),
        0xd500_405f => to(Z, z || v) | to(C, c && !v),
        _ if w >> 24 == 0xba => {
            let tmp = xn.rotate_right(w >> 15 & 63);
            let mask = u64::from(w & 15);
            let mut r = nzcv;
            for (i, f) in [(3, N), (2, Z), (1, C), (0, V)] {
                if mask >> i & 1 != 0 {
                    r = r & !f | to(f, tmp >> i & 1 != 0);
                }
            }
            r
        }
        _ => {
            let bits = if w & 1 << 14 != 0 { 16 } else { 8 };
            let top = xn >> (bits - 1) & 1 != 0;
            let zero = xn & ((1 << bits) - 1) == 0;
            to(N, top) | to(Z, zero) | to(C, c) | to(V, (xn >> bits & 1 != 0) != top)
        }
    }
}

/// A random state: X registers biased to values whose low 8 or 16 bits
/// are zero or at a sign boundary, NZCV random.
fn state(rng: &mut Rng) -> CpuState {
    let mut cpu = CpuState::default();
    for x in cpu.x.iter_mut() {
        *x = match rng.below(4) {
            0 => rng.value() & !0xff,
            1 => rng.value() & !0xffff,
            2 => rng.value() & !0x1ff | rng.pick(&[0x7f, 0x80, 0x100, 0x180, 0x7fff, 0x8000]),
            _ => rng.value(),
        };
    }
    cpu.nzcv = rng.below(16) << 28;
    cpu
}

/// The block of `w` alone, which must call no helper.
pub(super) fn block_without_calls(w: u32) -> Block {
    let block = block_of(&[w]);
    let calls = (block.ops.iter()).any(|o| matches!(o, Op::Call { .. }));
    assert!(!calls, "{w:#010x} calls a helper");
    block
}

#[test]
fn flag_manipulation_is_inline_and_exact() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xf1a9));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem = [0u8; BUF_LEN];
    let words = words();
    for &w in &words {
        let block = block_without_calls(w);
        for _ in 0..40 {
            let cpu0 = state(&mut rng);
            let got = run_interp(&block, &cpu0, &mut *buf, &mem).cpu.nzcv;
            let want = reference(w, cpu0.nzcv, &cpu0.x);
            assert_eq!(got, want, "{w:#010x} from nzcv {:#x}", cpu0.nzcv);
            interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem)
                .unwrap_or_else(|e| panic!("{w:#010x}: {e}"));
        }
    }
    for _ in 0..500 {
        let len = 1 + rng.below(4);
        let seq: Vec<u32> = (0..len)
            .map(|_| rng.pick(&words))
            .chain([CSET_EQ])
            .collect();
        let block = block_of(&seq);
        let cpu0 = state(&mut rng);
        interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem)
            .unwrap_or_else(|e| panic!("{seq:#010x?}: {e}"));
    }
}
