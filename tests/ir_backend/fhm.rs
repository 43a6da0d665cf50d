//! FMLAL/FMLAL2/FMLSL/FMLSL2 (vector and by element), which the frontend
//! emits as one scalar single-precision `Op::FMulAdd` per lane on halves
//! widened in the IR: every form translates with no helper call; as x86-64
//! code against the interpreter (full state) on halves and singles biased
//! to ±0, denormals, infinities, quiet and signalling NaNs with payloads,
//! the largest finite and values near 1, under random FPCR (rounding
//! modes, FZ, DN, FZ16, AHP); and lane by lane against the host's `fma`
//! on normal halves (which halves and which element feed which lane, which
//! operand FMLSL negates). The frontend's unit test checks the same IR
//! against the exact `FPMulAddH` model, NaNs and flags included.
//! FCMLA/FCADD (single, double) likewise: no call, JIT against the
//! interpreter (their unit test checks the IR against the exact model).

use super::bf16::assert_v_is;
use super::vec_ops::{block_of, interp_vs_jit};
use super::*;
use emu::ir::Op;

/// (word, d, n, m, q, "2" form, FMLSL, by element index), from
/// aarch64-linux-gnu-as -march=armv8.2-a+fp16fml; aliasing included.
type Form = (u32, usize, usize, usize, bool, bool, bool, Option<usize>);
const FORMS: [Form; 16] = [
    (0x0e23ec41, 1, 2, 3, false, false, false, None), // fmlal v1.2s, v2.2h, v3.2h
    (0x4e23ec41, 1, 2, 3, true, false, false, None),  // fmlal v1.4s, v2.4h, v3.4h
    (0x2e23cc41, 1, 2, 3, false, true, false, None),  // fmlal2 v1.2s, v2.2h, v3.2h
    (0x6e23cc41, 1, 2, 3, true, true, false, None),   // fmlal2 v1.4s, v2.4h, v3.4h
    (0x0ea3ec41, 1, 2, 3, false, false, true, None),  // fmlsl v1.2s, v2.2h, v3.2h
    (0x4ea3ec41, 1, 2, 3, true, false, true, None),   // fmlsl v1.4s, v2.4h, v3.4h
    (0x2ea3cc41, 1, 2, 3, false, true, true, None),   // fmlsl2 v1.2s, v2.2h, v3.2h
    (0x6ea3cc41, 1, 2, 3, true, true, true, None),    // fmlsl2 v1.4s, v2.4h, v3.4h
    (0x0f830041, 1, 2, 3, false, false, false, Some(0)), // fmlal v1.2s, v2.2h, v3.h[0]
    (0x4fb30841, 1, 2, 3, true, false, false, Some(7)), // fmlal v1.4s, v2.4h, v3.h[7]
    (0x2f938041, 1, 2, 3, false, true, false, Some(1)), // fmlal2 v1.2s, v2.2h, v3.h[1]
    (0x6fa3c841, 1, 2, 3, true, true, true, Some(6)), // fmlsl2 v1.4s, v2.4h, v3.h[6]
    (0x4f924842, 2, 2, 2, true, false, true, Some(5)), // fmlsl v2.4s, v2.4h, v2.h[5]
    (0x4e22ec42, 2, 2, 2, true, false, false, None),  // fmlal v2.4s, v2.4h, v2.4h
    (0x4e33ec41, 1, 2, 19, true, false, false, None), // fmlal v1.4s, v2.4h, v19.4h
    (0x4fbf0041, 1, 2, 15, true, false, false, Some(3)), // fmlal v1.4s, v2.4h, v15.h[3]
];

/// FCMLA/FCADD on single and double lanes, which the frontend emits as
/// one scalar `Op::FMulAdd` or `Op::FBin` per lane; from
/// aarch64-linux-gnu-as -march=armv8.3-a, aliasing included.
const FCMA: [u32; 14] = [
    0x6e83c441, // fcmla v1.4s, v2.4s, v3.4s, #0
    0x2e83cc41, // fcmla v1.2s, v2.2s, v3.2s, #90
    0x6ec3d441, // fcmla v1.2d, v2.2d, v3.2d, #180
    0x6e83dc41, // fcmla v1.4s, v2.4s, v3.4s, #270
    0x6ec3cc42, // fcmla v2.2d, v2.2d, v3.2d, #90
    0x6f831041, // fcmla v1.4s, v2.4s, v3.s[0], #0
    0x6f833841, // fcmla v1.4s, v2.4s, v3.s[1], #90
    0x6f935841, // fcmla v1.4s, v2.4s, v19.s[1], #180
    0x6f837043, // fcmla v3.4s, v2.4s, v3.s[0], #270
    0x6e83e441, // fcadd v1.4s, v2.4s, v3.4s, #90
    0x2e83f441, // fcadd v1.2s, v2.2s, v3.2s, #270
    0x6ec3e441, // fcadd v1.2d, v2.2d, v3.2d, #90
    0x6ec3f443, // fcadd v3.2d, v2.2d, v3.2d, #270
    0x2e81d421, // fcmla v1.2s, v1.2s, v1.2s, #180
];

/// Other vector instructions to put around them in one block.
const OTHERS: [u32; 2] = [
    0x4ea38444, // add v4.4s, v2.4s, v3.4s
    0x4ea21c41, // mov v1.16b, v2.16b
];

/// Halves the widening must treat with care.
const SPECIAL16: [u16; 16] = [
    0x0000, 0x8000, // ±0
    0x0001, 0x83FF, 0x0200, // denormals
    0x0400, 0x8401, // the smallest normals
    0x7BFF, 0xFBFF, // the largest finite
    0x7C00, 0xFC00, // infinities
    0x7E00, 0xFE01, // quiet NaNs
    0x7C01, 0xFD55, // signalling NaNs
    0x3C00, // 1
];

/// Singles for the addends.
const SPECIAL32: [u32; 10] = [
    0x0000_0000,
    0x8000_0000,
    0x0000_0001,
    0x807F_FFFF,
    0x7F7F_FFFF,
    0x7F80_0000,
    0xFF80_0000,
    0x7FC0_0000,
    0xFFA1_2345,
    0x3F80_0000,
];

fn half(rng: &mut Rng) -> u32 {
    let sign = (rng.below(2) as u32) << 15;
    match rng.below(6) {
        0 => u32::from(rng.pick(&SPECIAL16)),
        1 => rng.next() as u32 & 0xFFFF,
        // Denormals.
        2 => sign | rng.next() as u32 & 0x3FF,
        // Near 1.
        _ => sign | (0x3800 + rng.below(0x1000) as u32) | rng.next() as u32 & 0x3FF,
    }
}

fn single(rng: &mut Rng) -> u32 {
    let sign = (rng.below(2) as u32) << 31;
    match rng.below(5) {
        0 => rng.pick(&SPECIAL32),
        1 => rng.next() as u32,
        _ => sign | (0x7C + rng.below(8) as u32) << 23 | rng.next() as u32 & 0x7F_FFFF,
    }
}

fn state(rng: &mut Rng) -> CpuState {
    let mut cpu = CpuState::default();
    for v in cpu.v.iter_mut() {
        *v = (0..4).fold(0u128, |v, i| {
            let x = if rng.chance(3) {
                single(rng)
            } else {
                half(rng) | half(rng) << 16
            };
            v | (x as u128) << (32 * i)
        });
    }
    // FPCR: RMode, FZ16, FZ, DN, AHP.
    cpu.fpcr = if rng.chance(2) {
        rng.below(4) << 22 | rng.below(2) << 19 | rng.below(8) << 24
    } else {
        0
    };
    if rng.chance(4) {
        cpu.fpsr = 1 << 4;
    }
    cpu
}

#[test]
fn fhm_fcma_forms_translate_with_no_call() {
    for w in FORMS.iter().map(|f| f.0).chain(FCMA) {
        let block = block_of(&[w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
    }
}

#[test]
fn fhm_fcma_jit_matches_the_interpreter() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xF4A1));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    for _ in 0..env_u64("EMU_FHM_ITERS", 20000) {
        let n = if rng.chance(2) { 1 } else { 2 + rng.below(4) };
        let words: Vec<u32> = (0..n)
            .map(|_| {
                let r = rng.below(3);
                if n == 1 && r == 2 || r == 0 {
                    rng.pick(&FORMS).0
                } else if n == 1 || r == 1 {
                    rng.pick(&FCMA)
                } else {
                    rng.pick(&OTHERS)
                }
            })
            .collect();
        let cpu0 = state(&mut rng);
        let block = block_of(&words);
        if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem0) {
            panic!("{words:#010x?} fpcr {:#x}: {e}", cpu0.fpcr);
        }
    }
}

/// The value of a normal half, exactly.
fn half_value(h: u32) -> f32 {
    let e = (h >> 10 & 0x1F) as i32;
    let m = f64::from(h & 0x3FF | 0x400);
    let v = m * 2f64.powi(e - 25);
    (if h & 0x8000 != 0 { -v } else { v }) as f32
}

/// Lane by lane against the host's fused multiply-add (round to nearest,
/// FPCR zero, normal halves and addends near 1, so IEEE `fma` of the
/// exact values is `FPMulAddH`), under the interpreter and as x86-64 code.
#[test]
fn fhm_lanes_match_host_fma() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xF4A2));
    let mut jit = Jit::new();
    for _ in 0..env_u64("EMU_FHM_ITERS", 20000) / 4 {
        let (w, d, n, m, q, upper, sub, elem) = rng.pick(&FORMS);
        let mut cpu0 = CpuState::default();
        for v in cpu0.v.iter_mut() {
            *v = (0..8).fold(0u128, |v, i| {
                let h =
                    (rng.below(2) << 15 | (0x3000 + rng.below(0x1800)) | rng.below(0x400)) as u128;
                v | h << (16 * i)
            });
        }
        let (vn, vm, vd) = (cpu0.v[n], cpu0.v[m], cpu0.v[d]);
        let lanes = if q { 4 } else { 2 };
        let base = if upper { lanes } else { 0 };
        let h16 = |v: u128, i: usize| half_value((v >> (16 * i)) as u32 & 0xFFFF);
        let want = (0..lanes).fold(0u128, |r, e| {
            let x = h16(vn, base + e);
            let x = if sub { -x } else { x };
            let y = h16(vm, elem.unwrap_or(base + e));
            let acc = f32::from_bits((vd >> (32 * e)) as u32);
            r | (x.mul_add(y, acc).to_bits() as u128) << (32 * e)
        });
        let block = block_of(&[w]);
        assert_v_is(&mut jit, &block, &cpu0, (w, d, n, m), want);
    }
}
