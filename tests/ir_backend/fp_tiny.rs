//! Scalar FADD/FSUB/FMUL/FDIV/FNMUL/FSQRT/FMADD (single and double) on
//! operands whose exact result lies around the smallest normal magnitude,
//! run as x86-64 code against the interpreter (the exact helper). Arm
//! detects tininess before rounding and x86 after, so a product, quotient
//! or fused sum that rounds up to the smallest normal raises Underflow on
//! Arm only: those take the helper. A sum or difference there is exact
//! (every multiple of the smallest denormal below twice the smallest
//! normal is representable), as is no square root near it, so FADD, FSUB
//! and FSQRT keep their inline result. Results and FPSR must agree.

use super::fp_cvt::check_state;
use super::*;

/// d1 = op(d2, d3) (FMADD: + d4); clearing bit 22 gives the single form.
const DOUBLE_WORDS: [u32; 7] = [
    0x1e632841, // fadd d1, d2, d3
    0x1e633841, // fsub d1, d2, d3
    0x1e630841, // fmul d1, d2, d3
    0x1e631841, // fdiv d1, d2, d3
    0x1e638841, // fnmul d1, d2, d3
    0x1e61c041, // fsqrt d1, d2
    0x1f431041, // fmadd d1, d2, d3, d4
];

/// A double or single form, at random.
fn pick_word(rng: &mut Rng) -> u32 {
    let w = rng.pick(&DOUBLE_WORDS);
    if rng.chance(2) {
        w & !(1 << 22)
    } else {
        w
    }
}

/// A format: bits of the fraction, the smallest normal's bits, the sign.
struct Format {
    frac: u32,
    min_normal: u64,
    sign: u64,
}

const DOUBLE: Format = Format {
    frac: 52,
    min_normal: 1 << 52,
    sign: 1 << 63,
};
const SINGLE: Format = Format {
    frac: 23,
    min_normal: 1 << 23,
    sign: 1 << 31,
};

impl Format {
    /// The smallest normal, moved by up to 3 units either way (into the
    /// denormals below it), with a random sign.
    fn near_min(&self, rng: &mut Rng) -> u64 {
        let bits = (self.min_normal + rng.below(7)).wrapping_sub(3);
        bits | (rng.below(2) * self.sign)
    }

    /// A denormal or a normal of the lowest few binades, random sign.
    fn tiny(&self, rng: &mut Rng) -> u64 {
        let exp = rng.below(3);
        let frac = rng.next() & ((1 << self.frac) - 1);
        (exp << self.frac | frac) | (rng.below(2) * self.sign)
    }

    /// A normal with a biased exponent in `lo..lo + span`, random sign.
    fn normal(&self, rng: &mut Rng, lo: u64, span: u64) -> u64 {
        let frac = rng.next() & ((1 << self.frac) - 1);
        ((lo + rng.below(span)) << self.frac | frac) | (rng.below(2) * self.sign)
    }

    /// Moves `x` by up to 2 units either way.
    fn nudge(&self, rng: &mut Rng, x: u64) -> u64 {
        (x + rng.below(5)).wrapping_sub(2)
    }
}

/// Operands (n, m, addend) for `word` whose exact result is near the
/// smallest normal of its format.
fn operands(rng: &mut Rng, word: u32) -> (u64, u64, u64) {
    let double = word & (1 << 22) != 0;
    let f = if double { &DOUBLE } else { &SINGLE };
    // FMADD is 0x1f..., the rest 0x1e...; opcode bits 12-15 of the
    // two-source forms.
    let fma = word >> 24 == 0x1f;
    let op = (word >> 12) & 0xF;
    let sqrt = word & 0xFFFF_FC00 == 0x1E61_C000 || word & 0xFFFF_FC00 == 0x1E21_C000;
    let bias = if double { 1023u64 } else { 127 };
    let to: fn(u64) -> f64 = if double {
        f64::from_bits
    } else {
        |b| f32::from_bits(b as u32) as f64
    };
    let from: fn(f64) -> u64 = if double {
        f64::to_bits
    } else {
        |x| (x as f32).to_bits() as u64
    };
    let min = to(f.min_normal);
    if sqrt {
        // Any magnitude: no root comes near the smallest normal.
        let n = if rng.chance(2) {
            f.near_min(rng)
        } else {
            f.tiny(rng)
        };
        return (n, 0, 0);
    }
    if fma || matches!(op, 0 | 8) {
        // n * m near the smallest normal (n in the middle of the range,
        // m = target / n, nudged), FMADD adding a tiny addend.
        let n = f.normal(rng, bias - 20, 40);
        let target = min * (1.0 + (rng.below(9) as f64 - 4.0) * 2f64.powi(-(f.frac as i32)));
        let m = f.nudge(rng, from(target / to(n)) & !f.sign) | (rng.below(2) * f.sign);
        let a = if rng.chance(2) { f.tiny(rng) } else { 0 };
        return (n, m, a);
    }
    if op == 1 {
        // n / m near it: m in the middle of the range, n = target * m.
        let m = f.normal(rng, bias - 20, 40);
        let target = min * (1.0 + (rng.below(9) as f64 - 4.0) * 2f64.powi(-(f.frac as i32)));
        let n = f.nudge(rng, from(target * to(m)) & !f.sign) | (rng.below(2) * f.sign);
        return (n, m, 0);
    }
    // FADD/FSUB: two values near it or below it, of either sign.
    let pick = |rng: &mut Rng| {
        if rng.chance(2) {
            f.near_min(rng)
        } else {
            f.tiny(rng)
        }
    };
    (pick(rng), pick(rng), 0)
}

#[test]
fn fp_results_near_the_smallest_normal() {
    let iters = env_u64("EMU_FP_TINY_ITERS", 3000);
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x7117_0001));
    let mut jit = Jit::new();
    for _ in 0..iters {
        let w = pick_word(&mut rng);
        let (n, m, a) = operands(&mut rng, w);
        let mut cpu0 = CpuState::default();
        for (r, x) in [(2, n), (3, m), (4, a)] {
            cpu0.v[r] = (rng.next() as u128) << 64 | x as u128;
        }
        // The inline forms need the default FPCR; FZ once in eight.
        cpu0.fpcr = if rng.chance(8) { 1 << 24 } else { 0 };
        if rng.chance(4) {
            cpu0.fpsr = rng.pick(&[1 << 4, 1 << 3, 1]);
        }
        check_state(&mut jit, cpu0, &[w]);
    }
}
