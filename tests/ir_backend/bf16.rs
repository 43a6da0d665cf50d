//! BFCVT and BFCVTN/BFCVTN2 inline on the host (`emit_bf16`), run as
//! x86-64 code against the interpreter, which runs the exact helper.
//! Single-precision lanes are biased towards what the inline form must get
//! right or hand over: exact ties at bit 15 (with bit 16 clear and set),
//! values just below and above a tie, exact conversions, ±0, the largest
//! finite single and values that round up to infinity, the smallest
//! normal, denormals, infinities, quiet and signalling NaNs with payloads;
//! FPCR is random among the rounding modes, FZ, DN, AHP and FZ16. Results and
//! FPSR must agree exactly.
//!
//! The arithmetic forms (BFDOT, BFMMLA, BFMLALB/T, vector and by element)
//! run the same way on BFloat16 pairs biased towards the fast paths' edges:
//! magnitudes near 1 with mixed signs (cancellation, round-to-odd sticky
//! bits, inexact inner and outer sums), exponents whose products leave the
//! normal single range (flushed or infinite), addends far above or below
//! the products, ±0, denormals, infinities and NaNs; and BFMLALB/T lane
//! by lane against the host's `fma` (which lanes feed which: the
//! frontend's IR, which the interpreter runs too).

use super::vec_ops::{block_of, interp_vs_jit};
use super::*;

/// Words from aarch64-linux-gnu-as -march=armv8.6-a+bf16.
const WORDS: [u32; 5] = [
    0x1e634041, // bfcvt h1, s2
    0x0ea16841, // bfcvtn v1.4h, v2.4s
    0x4ea16841, // bfcvtn2 v1.8h, v2.4s
    0x4ea16842, // bfcvtn2 v2.8h, v2.4s
    0x1e634042, // bfcvt h2, s2
];

/// Other vector instructions to put around them in one block.
const OTHERS: [u32; 3] = [
    0x4ea38444, // add v4.4s, v2.4s, v3.4s
    0x4ea38442, // add v2.4s, v2.4s, v3.4s
    0x4ea21c41, // mov v1.16b, v2.16b
];

/// Singles the inline form must treat with care.
const SPECIAL: [u32; 18] = [
    0x0000_0000,
    0x8000_0000, // ±0
    0x0000_0001,
    0x807F_FFFF,
    0x0040_8000, // denormals
    0x0080_0000,
    0x8080_8000, // the smallest normal, a tie above it
    0x7F7F_FFFF,
    0xFF7F_8000,
    0x7F7F_7FFF, // the largest finite: to infinity, a tie, just below
    0x7F80_0000,
    0xFF80_0000, // infinities
    0x7FC0_0000,
    0xFFC1_2345, // quiet NaNs, with payloads
    0x7F80_0001,
    0xFFA0_8000, // signalling NaNs
    0x3F80_8000,
    0xBF81_8000, // ties to even, down and up
];

/// A single lane.
fn lane(rng: &mut Rng) -> u32 {
    let top = rng.next() as u32 & 0xFFFF_0000;
    match rng.below(8) {
        0 => rng.pick(&SPECIAL),
        // A tie at bit 15, or one unit below or above it.
        1 => top | 0x8000,
        2 => top | 0x7FFF,
        3 => top | 0x8001,
        // Exact.
        4 => top,
        // A finite normal exponent near the top of the range.
        5 => (rng.below(2) << 31 | 0xFE << 23) as u32 | rng.next() as u32 & 0x7F_FFFF,
        _ => rng.next() as u32,
    }
}

/// A vector of four lanes, often all normal and finite (the inline path).
fn vector(rng: &mut Rng) -> u128 {
    let normal = rng.chance(2);
    (0..4).fold(0u128, |v, i| {
        let mut x = lane(rng);
        if normal {
            let e = x >> 23 & 0xFF;
            if e == 0 || e == 0xFF || (x & 0x7FFF_FFFF) >= 0x7F7F_8000 {
                x = x & 0x807F_FFFF | 0x3F00_0000;
            }
        }
        v | (x as u128) << (32 * i)
    })
}

fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    check_with(jit, rng, words, vector);
}

fn check_with(jit: &mut Jit, rng: &mut Rng, words: &[u32], vector: fn(&mut Rng) -> u128) {
    let block = block_of(words);
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    let mut cpu0 = CpuState::default();
    for v in cpu0.v.iter_mut() {
        *v = vector(rng);
    }
    cpu0.x[1] = &*buf as *const Scratch as u64;
    cpu0.fpcr = if rng.chance(3) {
        rng.pick(&FPCR_SPECIAL)
    } else {
        0
    };
    if rng.chance(4) {
        cpu0.fpsr = 1 << 4;
    }
    if let Err(e) = interp_vs_jit(jit, &mut *buf, &block, &cpu0, &mem0) {
        panic!(
            "{words:#010x?} fpcr {:#x}: {e}\ninitial v1..v4: {:#034x?}",
            cpu0.fpcr,
            &cpu0.v[1..5]
        );
    }
}

#[test]
fn bf16_conversions_match_the_helper() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xBF16));
    let mut jit = Jit::new();
    for _ in 0..env_u64("EMU_BF16_ITERS", 20000) {
        let w = rng.pick(&WORDS);
        check(&mut jit, &mut rng, &[w]);
    }
}

/// Sequences in one block, with other vector instructions between (the
/// V-register cache and the slow path's reloads).
#[test]
fn bf16_sequences_in_one_block() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xBF17));
    let mut jit = Jit::new();
    for _ in 0..env_u64("EMU_BF16_ITERS", 20000) / 4 {
        let n = 2 + rng.below(5);
        let words: Vec<u32> = (0..n)
            .map(|_| {
                if rng.chance(2) {
                    rng.pick(&WORDS)
                } else {
                    rng.pick(&OTHERS)
                }
            })
            .collect();
        check(&mut jit, &mut rng, &words);
    }
}

/// The arithmetic forms, from aarch64-linux-gnu-as -march=armv8.6-a+bf16.
const ARITH: [u32; 15] = [
    0x2e43fc41, // bfdot v1.2s, v2.4h, v3.4h
    0x6e43fc41, // bfdot v1.4s, v2.8h, v3.8h
    0x4f63f844, // bfdot v4.4s, v2.8h, v3.2h[3]
    0x0f43f041, // bfdot v1.2s, v2.4h, v3.2h[0]
    0x4f62f042, // bfdot v2.4s, v2.8h, v2.2h[1]
    0x4f43f841, // bfdot v1.4s, v2.8h, v3.2h[2]
    0x6e43ec41, // bfmmla v1.4s, v2.8h, v3.8h
    0x6e43ec42, // bfmmla v2.4s, v2.8h, v3.8h
    0x2ec3fc41, // bfmlalb v1.4s, v2.8h, v3.8h
    0x6ec3fc41, // bfmlalt v1.4s, v2.8h, v3.8h
    0x0ff3f844, // bfmlalb v4.4s, v2.8h, v3.h[7]
    0x4fe3f041, // bfmlalt v1.4s, v2.8h, v3.h[2]
    0x4fd2f863, // bfmlalt v3.4s, v3.8h, v2.h[5]
    0x2ec2fc42, // bfmlalb v2.4s, v2.8h, v2.8h
    0x0fc3f041, // bfmlalb v1.4s, v2.8h, v3.h[0]
];

/// BFloat16 values the arithmetic must treat with care.
const SPECIAL16: [u16; 16] = [
    0x0000, 0x8000, // ±0
    0x0001, 0x807F, // denormals
    0x0080, 0x8080, // the smallest normals
    0x7F7F, 0xFF7F, // the largest finite
    0x7F80, 0xFF80, // infinities
    0x7FC0, 0xFFC1, // quiet NaNs
    0x7F81, 0xFFA0, // signalling NaNs
    0x3F80, 0xBF80, // ±1
];

/// A BFloat16 lane.
fn bf16(rng: &mut Rng) -> u32 {
    let sign = (rng.below(2) as u32) << 15;
    let frac = rng.next() as u32 & 0x7F;
    match rng.below(10) {
        0 => u32::from(rng.pick(&SPECIAL16)),
        // Products near the top or the bottom of the single range.
        1 => sign | (0xB8 + rng.below(16) as u32) << 7 | frac,
        2 => sign | (0x38 + rng.below(16) as u32) << 7 | frac,
        // Far from 1: addends far above or below the products.
        3 => sign | (0x50 + rng.below(0x60) as u32) << 7 | frac,
        4 => rng.next() as u32 & 0xFFFF,
        // Near 1 (the fast path; inexact sums).
        _ => sign | (0x7C + rng.below(8) as u32) << 7 | frac,
    }
}

/// A single-precision addend lane.
fn addend(rng: &mut Rng) -> u32 {
    let sign = (rng.below(2) as u32) << 31;
    match rng.below(6) {
        0 => lane(rng),
        1 => rng.next() as u32,
        // Near 1, with or without low bits (ties and sticky bits).
        2 => sign | (0x7C + rng.below(8) as u32) << 23 | rng.next() as u32 & 0x7F_0000,
        _ => sign | (0x7C + rng.below(8) as u32) << 23 | rng.next() as u32 & 0x7F_FFFF,
    }
}

/// A vector of four 32-bit lanes, each a pair of BFloat16 values or an
/// addend; often all near 1 (the fast paths).
fn arith_vector(rng: &mut Rng) -> u128 {
    let near = rng.chance(2);
    (0..4).fold(0u128, |v, i| {
        let x = if near {
            let sign = |rng: &mut Rng| (rng.below(2) as u32) << 15;
            let h = |rng: &mut Rng| {
                sign(rng) | (0x7C + rng.below(8) as u32) << 7 | rng.next() as u32 & 0x7F
            };
            if rng.chance(3) {
                addend(rng)
            } else {
                h(rng) | h(rng) << 16
            }
        } else if rng.chance(3) {
            addend(rng)
        } else {
            bf16(rng) | bf16(rng) << 16
        };
        v | (x as u128) << (32 * i)
    })
}

/// A vector at the edges of the single range: BFloat16 pairs whose
/// products straddle 2^128 (`high`) or 2^-126, or addends that are ±0 or
/// of the products' magnitude (so a wrongly kept product shows in the sum).
fn extreme_vector(rng: &mut Rng, high: bool) -> u128 {
    let (bf_exp, single_exp) = if high { (0xBC, 0xF8) } else { (0x3A, 0x01) };
    (0..4).fold(0u128, |v, i| {
        let h = |rng: &mut Rng| {
            (rng.below(2) << 15 | (bf_exp + rng.below(9)) << 7 | rng.below(0x80)) as u32
        };
        let x = match rng.below(6) {
            0 => (rng.below(2) as u32) << 31,
            1 => {
                (rng.below(2) << 31 | (single_exp + rng.below(7)) << 23) as u32
                    | rng.next() as u32 & 0x7F_FFFF
            }
            _ => h(rng) | h(rng) << 16,
        };
        v | (x as u128) << (32 * i)
    })
}

fn high_vector(rng: &mut Rng) -> u128 {
    extreme_vector(rng, true)
}

fn low_vector(rng: &mut Rng) -> u128 {
    extreme_vector(rng, false)
}

/// One of the input shapes, for all the registers of a case.
fn pick_vectors(rng: &mut Rng) -> fn(&mut Rng) -> u128 {
    match rng.below(4) {
        0 => high_vector,
        1 => low_vector,
        _ => arith_vector,
    }
}

#[test]
fn bf16_arithmetic_matches_the_helper() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xBF18));
    let mut jit = Jit::new();
    for _ in 0..env_u64("EMU_BF16_ITERS", 20000) {
        let w = rng.pick(&ARITH);
        let vectors = pick_vectors(&mut rng);
        check_with(&mut jit, &mut rng, &[w], vectors);
    }
}

/// Arithmetic sequences in one block, with conversions and other vector
/// instructions between.
#[test]
fn bf16_arithmetic_sequences_in_one_block() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xBF19));
    let mut jit = Jit::new();
    for _ in 0..env_u64("EMU_BF16_ITERS", 20000) / 4 {
        let n = 2 + rng.below(5);
        let words: Vec<u32> = (0..n)
            .map(|_| match rng.below(4) {
                0 | 1 => rng.pick(&ARITH),
                2 => rng.pick(&WORDS),
                _ => rng.pick(&OTHERS),
            })
            .collect();
        let vectors = pick_vectors(&mut rng);
        check_with(&mut jit, &mut rng, &words, vectors);
    }
}

/// BFMLALB/T words with (d, n, m, top, element).
const MLAL_REF: [(u32, usize, usize, usize, bool, Option<usize>); 7] = [
    (0x2ec3fc41, 1, 2, 3, false, None), // bfmlalb v1.4s, v2.8h, v3.8h
    (0x6ec3fc41, 1, 2, 3, true, None),  // bfmlalt v1.4s, v2.8h, v3.8h
    (0x0ff3f844, 4, 2, 3, false, Some(7)), // bfmlalb v4.4s, v2.8h, v3.h[7]
    (0x4fe3f041, 1, 2, 3, true, Some(2)), // bfmlalt v1.4s, v2.8h, v3.h[2]
    (0x4fd2f863, 3, 3, 2, true, Some(5)), // bfmlalt v3.4s, v3.8h, v2.h[5]
    (0x2ec2fc42, 2, 2, 2, false, None), // bfmlalb v2.4s, v2.8h, v2.8h
    (0x0fc3f041, 1, 2, 3, false, Some(0)), // bfmlalb v1.4s, v2.8h, v3.h[0]
];

/// BFMLALB/T lane by lane against the host's fused multiply-add (round to
/// nearest, FPCR zero, finite normal operands, so IEEE `fma` is
/// `FPMulAdd`): which BFloat16 lanes and which element feed which single
/// lane, under the interpreter and as x86-64 code.
#[test]
fn bfmlal_lanes_match_host_fma() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xBF1A));
    let mut jit = Jit::new();
    let normal = |rng: &mut Rng| -> u32 {
        let h = |rng: &mut Rng| {
            (rng.below(2) << 15 | (0x70 + rng.below(0x20)) << 7 | rng.below(0x80)) as u32
        };
        h(rng) | h(rng) << 16
    };
    for _ in 0..env_u64("EMU_BF16_ITERS", 20000) / 4 {
        let (w, d, n, m, top, elem) = rng.pick(&MLAL_REF);
        let block = block_of(&[w]);
        let mut cpu0 = CpuState::default();
        for v in cpu0.v.iter_mut() {
            *v = (0..4).fold(0u128, |v, i| v | (normal(&mut rng) as u128) << (32 * i));
        }
        let h16 = |v: u128, i: usize| f32::from_bits(((v >> (16 * i)) as u32 & 0xFFFF) << 16);
        let (vn, vm, vd) = (cpu0.v[n], cpu0.v[m], cpu0.v[d]);
        let want = (0..4).fold(0u128, |r, e| {
            let sel = 2 * e + usize::from(top);
            let x = h16(vn, sel);
            let y = h16(vm, elem.unwrap_or(sel));
            let acc = f32::from_bits((vd >> (32 * e)) as u32);
            r | (x.mul_add(y, acc).to_bits() as u128) << (32 * e)
        });
        assert_v_is(&mut jit, &block, &cpu0, (w, d, n, m), want);
    }
}

/// `V[d]` after `block` (the instruction `w` with registers d, n, m) from
/// `cpu0`, under the interpreter and as x86-64 code, is `want`.
pub(super) fn assert_v_is(
    jit: &mut Jit,
    block: &Block,
    cpu0: &CpuState,
    (w, d, n, m): (u32, usize, usize, usize),
    want: u128,
) {
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    let interp = run_interp(block, cpu0, &mut *buf, &mem0).cpu.v[d];
    let jitted = run_jit(jit, block, cpu0, &mut *buf, &mem0).cpu.v[d];
    let (vn, vm, vd) = (cpu0.v[n], cpu0.v[m], cpu0.v[d]);
    assert_eq!(
        (interp, jitted),
        (want, want),
        "{w:#010x}: v{n} {vn:#034x} v{m} {vm:#034x} v{d} {vd:#034x}"
    );
}
