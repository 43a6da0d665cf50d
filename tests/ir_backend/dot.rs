//! SDOT/UDOT/USDOT/SUDOT (vector and by element, 64- and 128-bit), which
//! the backend runs inline with AVX2 (`emit_dot`), against the interpreter
//! (the exact helper), alone and in blocks with other vector instructions.

use super::vec_ops::{block_of, interp_vs_jit, MIXED};
use super::*;

use emu::ir::Op;

/// From aarch64-linux-gnu-as -march=armv8.6-a+dotprod+i8mm.
const DOT: [u32; 15] = [
    0x4e839441, // sdot v1.4s, v2.16b, v3.16b
    0x0e839441, // sdot v1.2s, v2.8b, v3.8b
    0x6e839441, // udot v1.4s, v2.16b, v3.16b
    0x2e839441, // udot v1.2s, v2.8b, v3.8b
    0x4e839c41, // usdot v1.4s, v2.16b, v3.16b
    0x0e839c41, // usdot v1.2s, v2.8b, v3.8b
    0x4f83e041, // sdot v1.4s, v2.16b, v3.4b[0]
    0x0fa3e841, // sdot v1.2s, v2.8b, v3.4b[3]
    0x6f83e841, // udot v1.4s, v2.16b, v3.4b[2]
    0x2fa3e041, // udot v1.2s, v2.8b, v3.4b[1]
    0x4fa3f841, // usdot v1.4s, v2.16b, v3.4b[3]
    0x4f23f041, // sudot v1.4s, v2.16b, v3.4b[1]
    0x0f03f841, // sudot v1.2s, v2.8b, v3.4b[2]
    0x4e819421, // sdot v1.4s, v1.16b, v1.16b
    0x6fa3e043, // udot v3.4s, v2.16b, v3.4b[1]
];

/// A vector of bytes biased to the extremes (0x80, 0x7F, 0xFF, 0) that
/// make the widest products and sums.
fn bytes(rng: &mut Rng) -> u128 {
    let all = rng.chance(3).then(|| rng.pick(&[0x80u8, 0x7F, 0xFF]));
    (0..16).fold(0u128, |v, i| {
        let b = all.unwrap_or_else(|| match rng.below(4) {
            0 => rng.pick(&[0x80, 0x7F, 0xFF, 0x00, 0x01]),
            _ => rng.next() as u8,
        });
        v | (b as u128) << (8 * i)
    })
}

fn run(rng: &mut Rng, jit: &mut Jit, words: &[u32]) {
    let block = block_of(words);
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mut mem0 = [0u8; BUF_LEN];
    for b in mem0.chunks_mut(16) {
        b.copy_from_slice(&bytes(rng).to_le_bytes());
    }
    let mut cpu0 = CpuState::default();
    for v in cpu0.v.iter_mut() {
        *v = bytes(rng);
    }
    cpu0.x[1] = &*buf as *const Scratch as u64;
    if let Err(e) = interp_vs_jit(jit, &mut *buf, &block, &cpu0, &mem0) {
        panic!(
            "{words:#010x?}: {e}\ninitial v1..v3: {:#034x?}",
            &cpu0.v[1..4]
        );
    }
}

#[test]
fn dot_products_match_the_helper() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xd07));
    let mut jit = Jit::new();
    for &w in &DOT {
        let block = block_of(&[w]);
        assert!(
            block.ops.iter().any(|o| matches!(o, Op::Vec { .. })),
            "{w:#010x} is not an Op::Vec"
        );
        for _ in 0..200 {
            run(&mut rng, &mut jit, &[w]);
        }
    }
    for _ in 0..500 {
        let n = 2 + rng.below(10) as usize;
        let seq: Vec<u32> = (0..n)
            .map(|_| {
                if rng.chance(3) {
                    rng.pick(&MIXED)
                } else {
                    rng.pick(&DOT)
                }
            })
            .collect();
        run(&mut rng, &mut jit, &seq);
    }
}
