//! SQDMULL/SQDMULL2, SQDMLAL/SQDMLAL2 and SQDMLSL/SQDMLSL2 (vector,
//! scalar H→S and S→D, by element, vector and scalar), which the backend
//! runs inline (`emit_qdmull`: SSE2, SSE4.1 for 32-bit source lanes), against
//! the interpreter (the exact helper) before and after the passes, alone and
//! in blocks with other vector instructions: every arrangement and element
//! index, the destination apart from and equal to each source. Lanes are
//! biased to the saturation boundaries (the most negative value squared,
//! accumulators at and next to the largest and smallest values); NZCV,
//! FPSR (QC and the cumulative flags, compared afterwards) and FPCR start
//! random. Each word must translate without a helper call on this host.

use super::vec_ops::{run_vectors_with, MIXED};
use super::*;

/// The register triples (d, n, m) each word is made with.
const REGS: [(u32, u32, u32); 5] = [(1, 2, 3), (2, 2, 3), (3, 2, 3), (2, 2, 2), (17, 30, 19)];

/// The fields Q, size, Rm, Rn and Rd of a word.
fn fields(q: bool, size: u32, (d, n, m): (u32, u32, u32)) -> u32 {
    (q as u32) << 30 | size << 22 | m << 16 | n << 5 | d
}

/// Three different, vector (`scalar` false) or scalar: SQDMLAL 1001,
/// SQDMLSL 1011, SQDMULL 1101.
fn diff(scalar: bool, q: bool, size: u32, opc: u32, regs: (u32, u32, u32)) -> u32 {
    let base = if scalar { 0x5e20_0000 } else { 0x0e20_0000 };
    base | opc << 12 | fields(q, size, regs)
}

/// By element, vector or scalar: SQDMLAL 0011, SQDMLSL 0111, SQDMULL 1011;
/// element `i` of Vm (Vm below 16 for 16-bit lanes).
fn elem(scalar: bool, q: bool, size: u32, opc: u32, i: u32, (d, n, m): (u32, u32, u32)) -> u32 {
    let (h, l, mm, m) = if size == 1 {
        (i >> 2, i >> 1 & 1, i & 1, m & 15)
    } else {
        (i >> 1, i & 1, m >> 4, m & 15)
    };
    let base = if scalar { 0x5f00_0000 } else { 0x0f00_0000 };
    base | l << 21 | mm << 20 | h << 11 | opc << 12 | fields(q, size, (d, n, m))
}

/// Every form: each arrangement with each register triple, each element
/// index with one of them in turn.
fn words() -> Vec<u32> {
    let mut w = Vec::new();
    for size in 1..3u32 {
        for r in REGS {
            for opc in [0b1001, 0b1011, 0b1101] {
                w.push(diff(true, false, size, opc, r));
                for q in [false, true] {
                    w.push(diff(false, q, size, opc, r));
                }
            }
        }
        for (k, i) in (0..(16 >> size)).enumerate() {
            for (j, opc) in [0b0011, 0b0111, 0b1011].into_iter().enumerate() {
                let r = REGS[(k + j) % REGS.len()];
                w.push(elem(true, false, size, opc, i, r));
                for q in [false, true] {
                    w.push(elem(false, q, size, opc, i, r));
                }
            }
        }
    }
    w
}

/// A vector of 16-, 32- or 64-bit lanes, each (or, one time in four, all
/// of them) an edge of the signed range, a value next to one, or random.
fn vector(rng: &mut Rng) -> u128 {
    let es = rng.pick(&[16u32, 32, 64]);
    let mask = u64::MAX >> (64 - es);
    let min = 1u64 << (es - 1);
    let edges = [
        min,
        min - 1,
        min + 1,
        mask,
        0,
        1,
        min >> 1,
        (min >> 1) - 1,
        mask ^ (min >> 1),
        mask ^ ((min >> 1) - 1),
    ];
    super::vec_sat::edge_lanes(rng, es, &edges)
}

/// One case: `words` from a random state (NZCV, FPSR and FPCR random, QC
/// clear half the time), interpreter against x86-64 code.
fn check(rng: &mut Rng, jit: &mut Jit, words: &[u32]) {
    run_vectors_with(rng, jit, words, vector, |rng, cpu0| {
        cpu0.nzcv = rng.next() & 0xF000_0000;
        // QC (bit 27) and the cumulative exception flags.
        cpu0.fpsr = rng.next() & (1 << 27 | 0x9F);
        cpu0.fpcr = rng.next() & (0xF << 22 | 1 << 19);
    });
}

#[test]
fn saturating_doubling_long_multiplies_run_inline_and_match_the_helper() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x9d11));
    let mut jit = Jit::new();
    let words = words();
    let sse41 = std::arch::is_x86_feature_detected!("sse4.1");
    if !sse41 {
        eprintln!("note: host without sse4.1: 32-bit lanes run the helper");
    }
    super::vec_widen::assert_inline(&words, sse41);
    for &w in &words {
        for _ in 0..200 {
            check(&mut rng, &mut jit, &[w]);
        }
    }
    for _ in 0..500 {
        let n = 2 + rng.below(9) as usize;
        let seq: Vec<u32> = (0..n)
            .map(|_| {
                if rng.chance(3) {
                    rng.pick(&MIXED)
                } else {
                    rng.pick(&words)
                }
            })
            .collect();
        check(&mut rng, &mut jit, &seq);
    }
    assert_eq!(words.len(), 2 * 5 * 9 + 12 * 9, "{words:#x?}");
}
