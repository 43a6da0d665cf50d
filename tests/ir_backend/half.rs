//! Half precision (FEAT_FP16) inline on the host (`emit_half`): the
//! vector FADD/FSUB/FMUL/FDIV/FMLA/FMLS (and by element), FABD, FCMEQ,
//! FCMGE, FCMGT, FACGE, FACGT, FMAX, FMIN, FMAXNM, FMINNM and the pairwise
//! FADDP, FMAXP, FMINP, FMAXNMP and FMINNMP, their scalar forms (a .2H
//! pair) and scalar FACGE/FACGT, the scalar
//! arithmetic and fused multiply-adds, FCMP and the FCVT conversions
//! (double to half included), run as x86-64 code against
//! the interpreter, which runs the exact helpers. Operands are biased
//! towards what the inline forms must get right or hand over: ±0,
//! subnormals, the smallest normal and values that round to it, the
//! largest normal and overflow, infinities, quiet and signalling NaNs with
//! payloads, sums whose single-precision rounding lands on a half or a
//! midpoint; FPCR is random among the rounding modes, FZ16, FZ, DN and AHP.
//! Results and FPSR must agree exactly.

use super::vec_ops::{block_of, interp_vs_jit, MIXED};
use super::*;

/// Words with d = v1, n = v2, m = v3 (and a few aliasing forms), from
/// aarch64-linux-gnu-as -march=armv8.2-a+fp16.
const VECTOR: [u32; 57] = [
    0x4e431441, // fadd v1.8h, v2.8h, v3.8h
    0x0e431441, // fadd v1.4h, v2.4h, v3.4h
    0x4ec31441, // fsub v1.8h, v2.8h, v3.8h
    0x0ec31441, // fsub v1.4h, v2.4h, v3.4h
    0x6e431c41, // fmul v1.8h, v2.8h, v3.8h
    0x2e431c41, // fmul v1.4h, v2.4h, v3.4h
    0x6e433c41, // fdiv v1.8h, v2.8h, v3.8h
    0x2e433c41, // fdiv v1.4h, v2.4h, v3.4h
    0x4e430c41, // fmla v1.8h, v2.8h, v3.8h
    0x0e430c41, // fmla v1.4h, v2.4h, v3.4h
    0x4ec30c41, // fmls v1.8h, v2.8h, v3.8h
    0x0ec30c41, // fmls v1.4h, v2.4h, v3.4h
    0x4e410c21, // fmla v1.8h, v1.8h, v1.8h
    0x4e421442, // fadd v2.8h, v2.8h, v2.8h
    0x4f031041, // fmla v1.8h, v2.8h, v3.h[0]
    0x0f131841, // fmla v1.4h, v2.4h, v3.h[5]
    0x4f335841, // fmls v1.8h, v2.8h, v3.h[7]
    0x0f235041, // fmls v1.4h, v2.4h, v3.h[2]
    0x4f339041, // fmul v1.8h, v2.8h, v3.h[3]
    0x0f239841, // fmul v1.4h, v2.4h, v3.h[6]
    0x4f131043, // fmla v3.8h, v2.8h, v3.h[1]
    0x6ec31441, // fabd v1.8h, v2.8h, v3.8h
    0x2ec31441, // fabd v1.4h, v2.4h, v3.4h
    0x4e432441, // fcmeq v1.8h, v2.8h, v3.8h
    0x0e432441, // fcmeq v1.4h, v2.4h, v3.4h
    0x6e432441, // fcmge v1.8h, v2.8h, v3.8h
    0x2e432441, // fcmge v1.4h, v2.4h, v3.4h
    0x6ec32441, // fcmgt v1.8h, v2.8h, v3.8h
    0x2ec32441, // fcmgt v1.4h, v2.4h, v3.4h
    0x6e422442, // fcmge v2.8h, v2.8h, v2.8h
    0x2ec12461, // fcmgt v1.4h, v3.4h, v1.4h
    0x4e433441, // fmax v1.8h, v2.8h, v3.8h
    0x0e433441, // fmax v1.4h, v2.4h, v3.4h
    0x4ec33441, // fmin v1.8h, v2.8h, v3.8h
    0x0ec33441, // fmin v1.4h, v2.4h, v3.4h
    0x4e430441, // fmaxnm v1.8h, v2.8h, v3.8h
    0x0e430441, // fmaxnm v1.4h, v2.4h, v3.4h
    0x4ec30441, // fminnm v1.8h, v2.8h, v3.8h
    0x0ec30441, // fminnm v1.4h, v2.4h, v3.4h
    0x6e432c41, // facge v1.8h, v2.8h, v3.8h
    0x2e432c41, // facge v1.4h, v2.4h, v3.4h
    0x6ec32c41, // facgt v1.8h, v2.8h, v3.8h
    0x2ec32c41, // facgt v1.4h, v2.4h, v3.4h
    0x6e422c42, // facge v2.8h, v2.8h, v2.8h
    0x2ec12c61, // facgt v1.4h, v3.4h, v1.4h
    0x6e431441, // faddp v1.8h, v2.8h, v3.8h
    0x2e431441, // faddp v1.4h, v2.4h, v3.4h
    0x6e433441, // fmaxp v1.8h, v2.8h, v3.8h
    0x2e433441, // fmaxp v1.4h, v2.4h, v3.4h
    0x6ec33441, // fminp v1.8h, v2.8h, v3.8h
    0x2ec33441, // fminp v1.4h, v2.4h, v3.4h
    0x6e430441, // fmaxnmp v1.8h, v2.8h, v3.8h
    0x2e430441, // fmaxnmp v1.4h, v2.4h, v3.4h
    0x6ec30441, // fminnmp v1.8h, v2.8h, v3.8h
    0x2ec30441, // fminnmp v1.4h, v2.4h, v3.4h
    0x6e421442, // faddp v2.8h, v2.8h, v2.8h
    0x2e433443, // fmaxp v3.4h, v2.4h, v3.4h
];

/// The Advanced SIMD scalar forms: the pairwise ones (lanes 0 and 1 of
/// v2), FACGE and FACGT on lane 0 (and aliasing forms).
const SIMD_SCALAR: [u32; 10] = [
    0x5e30d841, // faddp h1, v2.2h
    0x5e30f841, // fmaxp h1, v2.2h
    0x5eb0f841, // fminp h1, v2.2h
    0x5e30c841, // fmaxnmp h1, v2.2h
    0x5eb0c841, // fminnmp h1, v2.2h
    0x7e432c41, // facge h1, h2, h3
    0x7ec32c41, // facgt h1, h2, h3
    0x5e30d842, // faddp h2, v2.2h
    0x7e432c43, // facge h3, h2, h3
    0x7ec22c42, // facgt h2, h2, h2
];

/// Scalar words (d = v1, n = v2, m = v3); the FCVTs read a single or
/// double operand in v2 (see [`Lanes::scalar_operand`]).
const SCALAR: [u32; 13] = [
    0x1ee32841, // fadd h1, h2, h3
    0x1ee33841, // fsub h1, h2, h3
    0x1ee30841, // fmul h1, h2, h3
    0x1ee31841, // fdiv h1, h2, h3
    0x1ee1c041, // fsqrt h1, h2
    0x1ee32040, // fcmp h2, h3
    0x1ee32050, // fcmpe h2, h3
    0x1ee02048, // fcmp h2, #0.0
    0x1ee24041, // fcvt s1, h2
    0x1ee2c041, // fcvt d1, h2
    0x1e23c041, // fcvt h1, s2
    0x1e63c041, // fcvt h1, d2
    0x1e624041, // fcvt s1, d2
];

/// The scalar fused multiply-adds, with the addend in v1 (the d of
/// [`Lanes::midpoint_triple`]) or v4.
const FUSED: [u32; 6] = [
    0x1fc30441, // fmadd h1, h2, h3, h1
    0x1fc38441, // fmsub h1, h2, h3, h1
    0x1fe30441, // fnmadd h1, h2, h3, h1
    0x1fe38441, // fnmsub h1, h2, h3, h1
    0x1fc31041, // fmadd h1, h2, h3, h4
    0x1fe29044, // fnmsub h4, h2, h2, h4
];

/// FPCR: RMode, FZ16, FZ, DN, AHP.
const RMODES: [u64; 3] = [1 << 22, 2 << 22, 3 << 22];
const FZ16: u64 = 1 << 19;
const FZ: u64 = 1 << 24;
const DN: u64 = 1 << 25;
const AHP: u64 = 1 << 26;

/// Halves the inline forms must treat with care.
const SPECIAL: [u16; 26] = [
    0x0000, 0x8000, // ±0
    0x0001, 0x8001, 0x03FF, 0x0200, 0x83FE, // subnormals
    0x0400, 0x8400, 0x0401, // the smallest normals
    0x7BFF, 0xFBFF, 0x7BFE, // the largest normals
    0x7C00, 0xFC00, // infinities
    0x7E00, 0xFE00, 0x7E01, 0x7FFF, // quiet NaNs, with payloads
    0x7C01, 0xFD55, 0x7DFF, // signalling NaNs
    0x3C00, 0xBC00, 0x3C01, 0x3BFF, // around one
];

struct Lanes<'a>(&'a mut Rng);

impl Lanes<'_> {
    /// A finite half with an exponent field in `lo..=hi`, random sign and
    /// fraction.
    fn finite(&mut self, lo: u64, hi: u64) -> u16 {
        let e = lo + self.0.below(hi - lo + 1);
        (self.0.below(2) << 15 | e << 10 | self.0.below(1 << 10)) as u16
    }

    /// One lane of profile `p` (see [`Lanes::vector`]).
    fn half(&mut self, p: u64) -> u16 {
        match p {
            0 => self.finite(0, 6),
            1 => self.finite(13, 17),
            2 => self.finite(1, 30),
            3 => self.finite(26, 30),
            4 => self.finite(14, 16) & 0xFC0F, // short fractions: exact sums
            5 => self.finite(0, 1),
            // Products and quotients around the smallest normal.
            6 => self.0.pick(&[
                0x03FF, 0x83FF, 0x0400, 0x0401, 0x3C01, 0xBC01, 0x3BFF, 0x3C00, 0x3800, 0x4000,
            ]),
            _ => match self.0.below(4) {
                0 => self.0.pick(&SPECIAL),
                1 => (self.0.next() & 0x83FF) as u16,
                _ => self.finite(0, 30),
            },
        }
    }

    /// A 128-bit register of half lanes, all of one profile: tiny (for
    /// products far below the addend), around one, any finite, near
    /// overflow, short fractions, subnormal and smallest normal, a few
    /// values whose products round to the smallest normal, or mixed with
    /// special values. A quarter of the time every lane is a copy of
    /// the first, so by-element forms meet equal operands.
    fn vector(&mut self) -> u128 {
        let p = self.0.below(8);
        let same = self.0.chance(4);
        let first = self.half(p);
        (0..8).fold(0u128, |v, i| {
            let h = if same { first } else { self.half(p) };
            v | (h as u128) << (16 * i)
        })
    }

    /// FMLA operands (d, n, m) whose single-precision sum lands on a
    /// midpoint between two halves without being exact: lanes of d with one
    /// exponent (2^e), n = ±(1 + 2^-10), m = 2^(e-11) (1 - 2^-10), so that
    /// n * m = ±2^(e-11) (1 - 2^-20), just short of half a unit of d.
    fn midpoint_triple(&mut self) -> (u128, u128, u128) {
        let e = 13 + self.0.below(17);
        let (mut d, mut n, mut m) = (0u128, 0u128, 0u128);
        for i in 0..8 {
            let dl = self.0.below(2) << 15 | e << 10 | self.0.below(1 << 10);
            let nl = self.0.below(2) << 15 | 0x3C01;
            let ml = (e - 12) << 10 | 0x3FE;
            d |= (dl as u128) << (16 * i);
            n |= (nl as u128) << (16 * i);
            m |= (ml as u128) << (16 * i);
        }
        (d, n, m)
    }

    /// A scalar operand for the FCVTs: a half, or a single or double near
    /// the half grid (a half converted, moved by a few units in the last
    /// place or onto a midpoint), or a special single or double.
    fn scalar_operand(&mut self) -> u128 {
        let h = self.half(7);
        let single = half_to_f32(h);
        let nudge = match self.0.below(5) {
            0 => 0,
            1 => 0x1000,
            2 => 0x0FFF,
            3 => 0x1001,
            _ => self.0.below(0x2000),
        };
        let s = if single.is_finite() && single != 0.0 {
            let b = single.to_bits();
            if self.0.chance(2) {
                b.wrapping_add(nudge as u32)
            } else {
                b.wrapping_sub(nudge as u32)
            }
        } else {
            single.to_bits()
        };
        match self.0.below(6) {
            0 => h as u128 | (self.0.next() as u128) << 64,
            1 => s as u128,
            2 => f32::from_bits(s) as f64 as u64 as u128,
            3 => {
                // A double just off a single near the grid.
                let d = (f32::from_bits(s) as f64).to_bits();
                (d.wrapping_add(self.0.below(3) - 1)) as u128
            }
            4 => self.0.pick(&[
                0x0000_0001u128, // single denormal
                0x8070_0000,     // single denormal
                0x3380_0000,     // 2^-24
                0x3300_0000,     // 2^-25
                0x3300_0001,     // just above
                0x387F_E000,     // just below 2^-14 (rounds to it)
                0x387F_F000,     // 2^-14 - 2^-25
                0x477F_F000,     // 65520: rounds to infinity
                0x477F_EFFF,     // just below
                0x7F80_0001,     // sNaN
                0xFFC1_2345,     // qNaN with payload
                0x7F80_0000,     // infinity
                0x7FF4_0000_0000_0001,
            ]),
            _ => self.0.next() as u128,
        }
    }
}

/// A 128-bit register of half lanes as [`Lanes::vector`] draws them.
pub(super) fn half_vector(rng: &mut Rng) -> u128 {
    Lanes(rng).vector()
}

/// The single of half `h` (exact).
pub(super) fn half_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let e = (h >> 10 & 31) as i32;
    let f = (h & 0x3FF) as f32;
    match e {
        0 => sign * f * 2f32.powi(-24),
        31 if f == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        _ => sign * (1.0 + f / 1024.0) * 2f32.powi(e - 15),
    }
}

pub(super) fn fpcr(rng: &mut Rng) -> u64 {
    match rng.below(10) {
        0 => rng.pick(&RMODES),
        1 => FZ16,
        2 => DN,
        3 => AHP,
        4 => FZ,
        5 => rng.pick(&[FZ16 | DN, AHP | FZ, RMODES[2] | FZ16, DN | AHP]),
        _ => 0,
    }
}

/// One case: `words` from a random state, interpreter against x86-64 code.
fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32], scalar: bool) {
    let block = block_of(words);
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mut mem0 = [0u8; BUF_LEN];
    let mut lanes = Lanes(rng);
    for b in mem0.chunks_mut(16) {
        b.copy_from_slice(&lanes.vector().to_le_bytes());
    }
    let mut cpu0 = CpuState::default();
    for v in cpu0.v.iter_mut() {
        *v = lanes.vector();
    }
    if scalar {
        cpu0.v[2] = lanes.scalar_operand();
    } else if lanes.0.chance(4) {
        (cpu0.v[1], cpu0.v[2], cpu0.v[3]) = lanes.midpoint_triple();
    } else if lanes.0.chance(3) {
        // Equal lanes in n and m (and in m and d) for the compares, and
        // zeros of either sign in both for the compares and FMAX/FMIN.
        let bits = lanes.0.next();
        let lanes_of = |b: u64| {
            (0..8)
                .filter(|i| b >> i & 1 != 0)
                .fold(0u128, |k, i| k | 0xFFFF << (16 * i))
        };
        let keep = lanes_of(bits);
        cpu0.v[3] = cpu0.v[2] & keep | cpu0.v[3] & !keep;
        cpu0.v[1] = cpu0.v[3] & !keep | cpu0.v[1] & keep;
        let zero = lanes_of(bits >> 8);
        let sign = |b: u64| lanes_of(b) & 0x8000_8000_8000_8000_8000_8000_8000_8000;
        cpu0.v[2] = cpu0.v[2] & !zero | zero & sign(bits >> 16);
        cpu0.v[3] = cpu0.v[3] & !zero | zero & sign(bits >> 24);
    }
    cpu0.x[1] = &*buf as *const Scratch as u64;
    cpu0.fpcr = fpcr(lanes.0);
    if let Err(e) = interp_vs_jit(jit, &mut *buf, &block, &cpu0, &mem0) {
        panic!(
            "{words:#010x?} fpcr {:#x}: {e}\ninitial v1..v3: {:#034x?}",
            cpu0.fpcr,
            &cpu0.v[1..4]
        );
    }
}

fn iters() -> u64 {
    env_u64("EMU_HALF_ITERS", 4000)
}

/// Runs `n` cases of the words `words(rng)` picks, from seed `seed`
/// (overridden by EMU_IR_FUZZ_SEED).
fn fuzz(seed: u64, n: u64, scalar: bool, mut words: impl FnMut(&mut Rng) -> Vec<u32>) {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", seed));
    let mut jit = Jit::new();
    for _ in 0..n {
        let w = words(&mut rng);
        check(&mut jit, &mut rng, &w, scalar);
    }
}

#[test]
fn half_vector_forms_match_the_helpers() {
    fuzz(0xf16, iters(), false, |rng| vec![rng.pick(&VECTOR)]);
}

#[test]
fn half_scalar_forms_match_the_helpers() {
    fuzz(0x5f16, iters(), true, |rng| vec![rng.pick(&SCALAR)]);
}

/// The scalar pairwise forms and FACGE/FACGT with the vector forms'
/// operands (equal lanes among them).
#[test]
fn half_simd_scalar_forms_match_the_helpers() {
    fuzz(0x5ca1, iters(), false, |rng| vec![rng.pick(&SIMD_SCALAR)]);
}

/// FMADD/FMSUB/FNMADD/FNMSUB on halves, with the vector forms' operands
/// (sums landing on a midpoint among them).
#[test]
fn half_scalar_fused_forms_match_the_helpers() {
    fuzz(0xf3a16, iters(), false, |rng| vec![rng.pick(&FUSED)]);
}

/// Sequences in one block, with other vector instructions between: the
/// V-register cache must survive a slow path in the middle.
#[test]
fn half_sequences_in_one_block() {
    fuzz(0x5e16, iters() / 4, false, |rng| {
        let n = 2 + rng.below(10) as usize;
        (0..n)
            .map(|_| match rng.below(6) {
                0 => rng.pick(&MIXED),
                1 => rng.pick(&SCALAR[..8]),
                2 => rng.pick(&FUSED),
                3 => rng.pick(&SIMD_SCALAR),
                _ => rng.pick(&VECTOR),
            })
            .collect()
    });
}
