//! The remaining half-precision arithmetic that runs inline as a
//! `VecOp::Half` (`emit_half`, `emit_half_reduce`): FMULX, FRECPS and
//! FRSQRTS (vector and scalar), scalar FABD, FCMEQ, FCMGE and FCMGT,
//! FCMEQ/FCMGE/FCMGT/FCMLE/FCMLT with zero (vector and scalar), vector
//! FSQRT, FMULX by element (vector and scalar), the scalar FMUL/FMLA/FMLS by
//! element and FMAXV/FMINV/FMAXNMV/FMINNMV: every arrangement, with the
//! destination apart from and equal to the sources, each translated without
//! a helper call and run alone from 400 random states, then in 1000 random
//! blocks with other instructions between, under the interpreter (the exact
//! helpers) and as x86-64 code before and after the passes. Lanes are those
//! of `half.rs` (±0, subnormals, the smallest and largest normals,
//! infinities, quiet and signalling NaNs with payloads, ...), and some
//! states are shaped: n all positive (square roots), m close to 2/n or 3/n
//! (FRECPS and FRSQRTS cancel to tiny results), n and m whose product
//! puts 2 - n * m or 3 - n * m just off a midpoint between halves, lanes
//! all finite (reductions). FPCR is random among the rounding modes, FZ16,
//! FZ, DN and AHP; FPSR's cumulative flags and NZCV random.

use super::half::{fpcr, half_to_f32, half_vector};
use super::vec_fp::assert_inline_vec;
use super::vec_ops::run_vectors_with;
use super::vec_round::words_inline;
use super::*;
use emu::ir::VecOp;

/// From aarch64-linux-gnu-as -march=armv8.2-a+fp16.
const WORDS: [u32; 66] = [
    0x4e431c41, // fmulx v1.8h, v2.8h, v3.8h
    0x0e431c41, // fmulx v1.4h, v2.4h, v3.4h
    0x4e433c41, // frecps v1.8h, v2.8h, v3.8h
    0x0e433c41, // frecps v1.4h, v2.4h, v3.4h
    0x4ec33c41, // frsqrts v1.8h, v2.8h, v3.8h
    0x0ec33c41, // frsqrts v1.4h, v2.4h, v3.4h
    0x4e431c42, // fmulx v2.8h, v2.8h, v3.8h
    0x0e433c43, // frecps v3.4h, v2.4h, v3.4h
    0x4ec13c21, // frsqrts v1.8h, v1.8h, v1.8h
    0x7ec31441, // fabd h1, h2, h3
    0x5e432441, // fcmeq h1, h2, h3
    0x7e432441, // fcmge h1, h2, h3
    0x7ec32441, // fcmgt h1, h2, h3
    0x5e431c41, // fmulx h1, h2, h3
    0x5e433c41, // frecps h1, h2, h3
    0x5ec33c41, // frsqrts h1, h2, h3
    0x7ec31442, // fabd h2, h2, h3
    0x7e432443, // fcmge h3, h2, h3
    0x5e423c42, // frecps h2, h2, h2
    0x5e431c43, // fmulx h3, h2, h3
    0x7ec22442, // fcmgt h2, h2, h2
    0x5ec33c43, // frsqrts h3, h2, h3
    0x4ef8d841, // fcmeq v1.8h, v2.8h, #0.0
    0x0ef8d841, // fcmeq v1.4h, v2.4h, #0.0
    0x6ef8c841, // fcmge v1.8h, v2.8h, #0.0
    0x2ef8c841, // fcmge v1.4h, v2.4h, #0.0
    0x4ef8c841, // fcmgt v1.8h, v2.8h, #0.0
    0x0ef8c841, // fcmgt v1.4h, v2.4h, #0.0
    0x6ef8d841, // fcmle v1.8h, v2.8h, #0.0
    0x2ef8d841, // fcmle v1.4h, v2.4h, #0.0
    0x4ef8e841, // fcmlt v1.8h, v2.8h, #0.0
    0x0ef8e841, // fcmlt v1.4h, v2.4h, #0.0
    0x6ef8d842, // fcmle v2.8h, v2.8h, #0.0
    0x5ef8d841, // fcmeq h1, h2, #0.0
    0x7ef8c841, // fcmge h1, h2, #0.0
    0x5ef8c841, // fcmgt h1, h2, #0.0
    0x7ef8d841, // fcmle h1, h2, #0.0
    0x5ef8e841, // fcmlt h1, h2, #0.0
    0x5ef8e842, // fcmlt h2, h2, #0.0
    0x6ef9f841, // fsqrt v1.8h, v2.8h
    0x2ef9f841, // fsqrt v1.4h, v2.4h
    0x6ef9f842, // fsqrt v2.8h, v2.8h
    0x6f339841, // fmulx v1.8h, v2.8h, v3.h[7]
    0x2f239041, // fmulx v1.4h, v2.4h, v3.h[2]
    0x6f139043, // fmulx v3.8h, v2.8h, v3.h[1]
    0x7f139841, // fmulx h1, h2, v3.h[5]
    0x7f039041, // fmulx h1, h2, v3.h[0]
    0x7f029842, // fmulx h2, h2, v2.h[4]
    0x5f039041, // fmul h1, h2, v3.h[0]
    0x5f339841, // fmul h1, h2, v3.h[7]
    0x5f239043, // fmul h3, h2, v3.h[2]
    0x5f331041, // fmla h1, h2, v3.h[3]
    0x5f031041, // fmla h1, h2, v3.h[0]
    0x5f111021, // fmla h1, h1, v1.h[1]
    0x5f235841, // fmls h1, h2, v3.h[6]
    0x5f035043, // fmls h3, h2, v3.h[0]
    0x4e30f841, // fmaxv h1, v2.8h
    0x0e30f841, // fmaxv h1, v2.4h
    0x4eb0f841, // fminv h1, v2.8h
    0x0eb0f841, // fminv h1, v2.4h
    0x4e30c841, // fmaxnmv h1, v2.8h
    0x0e30c841, // fmaxnmv h1, v2.4h
    0x4eb0c841, // fminnmv h1, v2.8h
    0x0eb0c841, // fminnmv h1, v2.4h
    0x4e30f842, // fmaxv h2, v2.8h
    0x0eb0c842, // fminnmv h2, v2.4h
];

/// The half nearest to the single `x` (ties away; only for test operands).
fn to_half(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = (b >> 16 & 0x8000) as u16;
    let a = x.abs();
    if !a.is_finite() || a >= 65504.0 {
        return sign | 0x7BFF;
    }
    // Lanes below the normal range: multiples of 2^-24.
    if a < 2f32.powi(-14) {
        return sign | (a * 2f32.powi(24)).round() as u16;
    }
    let e = a.log2().floor() as i32;
    let f = ((a / 2f32.powi(e) - 1.0) * 1024.0).round() as i32;
    let (e, f) = if f == 1024 { (e + 1, 0) } else { (e, f) };
    sign | ((e + 15) << 10 | f) as u16
}

/// Maps each half lane of `v` with `f`, given its index.
fn lanes(v: u128, mut f: impl FnMut(usize, u16) -> u16) -> u128 {
    (0..8).fold(0u128, |r, i| {
        r | (f(i, (v >> (16 * i)) as u16) as u128) << (16 * i)
    })
}

/// Shapes the operands v2 (n) and v3 (m) of a random state.
fn shape(rng: &mut Rng, cpu: &mut CpuState) {
    let (n, m) = (cpu.v[2], cpu.v[3]);
    match rng.below(8) {
        // Positive lanes: square roots that are not NaNs.
        0 => cpu.v[2] = n & !0x8000_8000_8000_8000_8000_8000_8000_8000,
        // m close to c / n: 2 - n * m and 3 - n * m cancel.
        1 => {
            let c = if rng.chance(2) { 2.0 } else { 3.0 };
            let k = rng.below(5) as u16;
            cpu.v[3] = lanes(n, |_, h| {
                let q = to_half(c / half_to_f32(h));
                if q & 0x7C00 == 0x7C00 {
                    q
                } else {
                    q.wrapping_add(k).wrapping_sub(2)
                }
            });
        }
        // n = ±(1 + 2^-10), m = 2^-11 (1 - 2^-10) or 2^-10 (1 - 2^-10):
        // 2 - n * m (3 - n * m) falls just off a midpoint between halves.
        2 => {
            let m_lane = if rng.chance(2) { 0x13FE } else { 0x17FE };
            let signs = rng.next();
            cpu.v[2] = lanes(0, |i, _| 0x3C01 | ((signs >> i & 1) as u16) << 15);
            cpu.v[3] = lanes(0, |_, _| m_lane);
        }
        // Finite lanes and zeros of either sign (reductions, compares).
        3 => {
            let (zeros, signs) = (rng.next(), rng.next());
            cpu.v[2] = lanes(n, |i, h| {
                let h = if h & 0x7C00 == 0x7C00 { h & 0x83FF } else { h };
                if zeros >> i & 1 != 0 {
                    ((signs >> i & 1) as u16) << 15
                } else {
                    h
                }
            });
        }
        // Equal lanes in n and m.
        4 => {
            let keep = rng.next();
            cpu.v[3] = lanes(m, |i, h| {
                if keep >> i & 1 != 0 {
                    (n >> (16 * i)) as u16
                } else {
                    h
                }
            });
        }
        _ => (),
    }
}

/// One case: `words` from a random state, interpreter against x86-64 code.
fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    run_vectors_with(rng, jit, words, half_vector, |rng, cpu0| {
        shape(rng, cpu0);
        cpu0.fpcr = fpcr(rng);
        cpu0.fpsr = rng.next() & 0x0800_009F;
        cpu0.nzcv = rng.below(16) << 28;
    });
}

#[test]
fn half_arithmetic_runs_inline_and_matches_the_helpers() {
    let inline = |w| assert_inline_vec(w, "VecOp::Half", |op| matches!(op, VecOp::Half { .. }));
    words_inline((0x4a17, inline), &WORDS, 400, check);
}
