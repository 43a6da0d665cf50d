//! FMLA/FMLS (vector and by element, single and double lanes), which the
//! frontend emits as one scalar `Op::FMulAdd` per lane, lane by lane
//! against the scalar FMADD/FMSUB on the same lanes (interpreter: which
//! lanes and which element feed which lane, which operand FMLS negates,
//! the union of the lanes' FPSR flags), and as x86-64 code against the
//! interpreter, on lanes biased towards ±0, denormals, infinities, quiet
//! and signalling NaNs, values near the top and bottom of the range and
//! cancellation, under every FPCR rounding mode with FZ and DN.

use super::vec_ops::{block_of, interp_vs_jit};
use super::*;

/// (word, d, n, m, esize, q, by element index, FMLS).
type Form = (u32, usize, usize, usize, u32, bool, Option<u32>, bool);

/// From aarch64-linux-gnu-as; aliasing d == n and d == m included.
const FORMS: [Form; 22] = [
    (0x0e23cc41, 1, 2, 3, 32, false, None, false), // fmla v1.2s, v2.2s, v3.2s
    (0x4e23cc41, 1, 2, 3, 32, true, None, false),  // fmla v1.4s, v2.4s, v3.4s
    (0x4e63cc41, 1, 2, 3, 64, true, None, false),  // fmla v1.2d, v2.2d, v3.2d
    (0x0ea3cc41, 1, 2, 3, 32, false, None, true),  // fmls v1.2s, v2.2s, v3.2s
    (0x4ea3cc41, 1, 2, 3, 32, true, None, true),   // fmls v1.4s, v2.4s, v3.4s
    (0x4ee3cc41, 1, 2, 3, 64, true, None, true),   // fmls v1.2d, v2.2d, v3.2d
    (0x4e23cc42, 2, 2, 3, 32, true, None, false),  // fmla v2.4s, v2.4s, v3.4s
    (0x4ee3cc43, 3, 2, 3, 64, true, None, true),   // fmls v3.2d, v2.2d, v3.2d
    (0x0e22cc42, 2, 2, 2, 32, false, None, false), // fmla v2.2s, v2.2s, v2.2s
    (0x0f831041, 1, 2, 3, 32, false, Some(0), false), // fmla v1.2s, v2.2s, v3.s[0]
    (0x0fa31041, 1, 2, 3, 32, false, Some(1), false), // fmla v1.2s, v2.2s, v3.s[1]
    (0x4f831841, 1, 2, 3, 32, true, Some(2), false), // fmla v1.4s, v2.4s, v3.s[2]
    (0x4fb31841, 1, 2, 19, 32, true, Some(3), false), // fmla v1.4s, v2.4s, v19.s[3]
    (0x0fa35841, 1, 2, 3, 32, false, Some(3), true), // fmls v1.2s, v2.2s, v3.s[3]
    (0x4f835041, 1, 2, 3, 32, true, Some(0), true), // fmls v1.4s, v2.4s, v3.s[0]
    (0x4fa35041, 1, 2, 3, 32, true, Some(1), true), // fmls v1.4s, v2.4s, v3.s[1]
    (0x4f835842, 2, 2, 3, 32, true, Some(2), true), // fmls v2.4s, v2.4s, v3.s[2]
    (0x4fc31041, 1, 2, 3, 64, true, Some(0), false), // fmla v1.2d, v2.2d, v3.d[0]
    (0x4fc31841, 1, 2, 3, 64, true, Some(1), false), // fmla v1.2d, v2.2d, v3.d[1]
    (0x4fc35041, 1, 2, 3, 64, true, Some(0), true), // fmls v1.2d, v2.2d, v3.d[0]
    (0x4fc35843, 3, 2, 3, 64, true, Some(1), true), // fmls v3.2d, v2.2d, v3.d[1]
    (0x4fa31043, 3, 2, 3, 32, true, Some(1), false), // fmla v3.4s, v2.4s, v3.s[1]
];

/// fmadd/fmsub s0, s1, s2, s3 and d0, d1, d2, d3: `s3 ± s1 * s2`.
const SCALAR: [[u32; 2]; 2] = [[0x1f020c20, 0x1f028c20], [0x1f420c20, 0x1f428c20]];

/// FPCR: RMode, FZ, DN.
const FPCRS: [u64; 7] = [
    0,
    1 << 22,
    2 << 22,
    3 << 22,
    1 << 24,
    1 << 25,
    1 << 24 | 1 << 25,
];

/// A lane of `esize` bits.
fn lane(rng: &mut Rng, esize: u32) -> u64 {
    let (ebits, fbits) = if esize == 32 { (8, 23) } else { (11, 52) };
    let sign = rng.below(2) << (esize - 1);
    let emax = (1u64 << ebits) - 1;
    let bias = emax >> 1;
    let frac = rng.next() & ((1u64 << fbits) - 1);
    let exp = match rng.below(10) {
        0 => 0,                       // ±0 and denormals
        1 => emax,                    // infinities and NaNs
        2 => 1 + rng.below(3),        // the smallest normals
        3 => emax - 1 - rng.below(3), // the largest finite
        4 => return rng.next() & ((1u128 << esize) - 1) as u64,
        _ => bias - 2 + rng.below(4), // near 1 (cancellation, ties)
    };
    let frac = match rng.below(4) {
        0 => 0,
        1 => frac & !((1 << (fbits / 2)) - 1),
        _ => frac,
    };
    sign | exp << fbits | frac
}

fn vector(rng: &mut Rng, esize: u32) -> u128 {
    (0..128 / esize).fold(0u128, |v, i| v | (lane(rng, esize) as u128) << (esize * i))
}

fn state(rng: &mut Rng, esize: u32) -> CpuState {
    let mut cpu = CpuState::default();
    for v in cpu.v.iter_mut() {
        *v = vector(rng, esize);
    }
    cpu.fpcr = rng.pick(&FPCRS);
    if rng.chance(4) {
        cpu.fpsr = 1 << 4;
    }
    cpu
}

/// Lane by lane against the scalar FMADD/FMSUB under the interpreter, and
/// the x86-64 code against both.
#[test]
fn fmla_lanes_match_scalar_fmadd() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xF31A));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    let scalar: Vec<Vec<Block>> = SCALAR
        .iter()
        .map(|ws| ws.iter().map(|&w| block_of(&[w])).collect())
        .collect();
    for _ in 0..env_u64("EMU_FMLA_ITERS", 20000) {
        let (w, d, n, m, esize, q, elem, neg) = rng.pick(&FORMS);
        let block = block_of(&[w]);
        let cpu0 = state(&mut rng, esize);
        let mask = (1u128 << esize) - 1;
        let lanes = if q { 128 / esize } else { 64 / esize };
        let (mut want, mut fpsr) = (0u128, cpu0.fpsr);
        for e in 0..lanes {
            let at = |v: u128, i: u32| (v >> (esize * i)) & mask;
            let mut s = CpuState {
                fpcr: cpu0.fpcr,
                fpsr: cpu0.fpsr,
                ..Default::default()
            };
            s.v[1] = at(cpu0.v[n], e);
            s.v[2] = at(cpu0.v[m], elem.unwrap_or(e));
            s.v[3] = at(cpu0.v[d], e);
            let b = &scalar[usize::from(esize == 64)][usize::from(neg)];
            let r = run_interp(b, &s, &mut *buf, &mem0).cpu;
            want |= (r.v[0] & mask) << (esize * e);
            fpsr |= r.fpsr;
        }
        let interp = run_interp(&block, &cpu0, &mut *buf, &mem0).cpu;
        let jitted = run_jit(&mut jit, &block, &cpu0, &mut *buf, &mem0).cpu;
        assert_eq!(
            ((interp.v[d], interp.fpsr), (jitted.v[d], jitted.fpsr)),
            ((want, fpsr), (want, fpsr)),
            "{w:#010x} fpcr {:#x}: v{n} {:#034x} v{m} {:#034x} v{d} {:#034x}",
            cpu0.fpcr,
            cpu0.v[n],
            cpu0.v[m],
            cpu0.v[d]
        );
    }
}

/// Sequences in one block (the V-register cache, the slow path's reloads),
/// the whole state compared.
#[test]
fn fmla_sequences_in_one_block() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xF31B));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    for _ in 0..env_u64("EMU_FMLA_ITERS", 20000) / 4 {
        let n = 1 + rng.below(4);
        let words: Vec<u32> = (0..n).map(|_| rng.pick(&FORMS).0).collect();
        let esize = if rng.chance(2) { 32 } else { 64 };
        let cpu0 = state(&mut rng, esize);
        let block = block_of(&words);
        if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem0) {
            panic!("{words:#010x?} fpcr {:#x}: {e}", cpu0.fpcr);
        }
    }
}
