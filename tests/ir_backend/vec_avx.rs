//! The three-operand AVX forms of the common vector operations
//! (`backend/x64/emit_vec_avx.rs`) and what the V-register cache knows of
//! upper halves: a 64-bit result's upper half is zeroed unless both of
//! its operands' upper halves are known to be zero (loads of 4 and 8
//! bytes, 64-bit results), which a 16-byte load or a 128-bit result must
//! not claim; operands in cache registers, in the CPU state (evicted or
//! never loaded) and as memory operands; stores of V registers from their
//! cache registers. The whole sequence and random runs of its words, under
//! the interpreter and as x86-64 code.

use super::vec_ops::run_vectors;
use super::*;

/// Base x1 (the scratch buffer, see `run_vectors`).
const WORDS: [u32; 24] = [
    0x3dc00020, // ldr q0, [x1]
    0xfd400821, // ldr d1, [x1, #16]
    0x0ea18402, // add v2.2s, v0.2s, v1.2s
    0xbd402423, // ldr s3, [x1, #36]
    0x2e211c64, // eor v4.8b, v3.8b, v1.8b
    0x2f3d0405, // ushr v5.2s, v0.2s, #3
    0x4f225406, // shl v6.4s, v0.4s, #2
    0x0e611c07, // bic v7.8b, v0.8b, v1.8b
    0x0e639c08, // mul v8.4h, v0.4h, v3.4h
    0x2ea58449, // sub v9.2s, v2.2s, v5.2s
    0x4f1b04ca, // sshr v10.8h, v6.8h, #5
    0x0ea91c8b, // orr v11.8b, v4.8b, v9.8b
    0x3d800c29, // str q9, [x1, #48]
    0xfd002028, // str d8, [x1, #64]
    0xbd004827, // str s7, [x1, #72]
    0x3d80142b, // str q11, [x1, #80]
    0x4e201d8c, // and v12.16b, v12.16b, v0.16b
    0x0ead858d, // add v13.2s, v12.2s, v13.2s
    0x6f4005ae, // ushr v14.2d, v13.2d, #64
    0x4eac9dcf, // mul v15.4s, v14.4s, v12.4s
    0x2e2f8610, // sub v16.8b, v16.8b, v15.8b
    0x4e721e31, // bic v17.16b, v17.16b, v18.16b
    0x4f7f5633, // shl v19.2d, v17.2d, #63
    0x0f100674, // sshr v20.4h, v19.4h, #16
];

/// A vector with both halves random and not zero.
fn vector(rng: &mut Rng) -> u128 {
    (rng.value() as u128 | 1) << 64 | rng.value() as u128
}

#[test]
fn avx_forms_and_known_zero_upper_halves() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xa7c5));
    let mut jit = Jit::new();
    for _ in 0..100 {
        run_vectors(&mut rng, &mut jit, &WORDS, vector);
    }
    for _ in 0..400 {
        let seq: Vec<u32> = (0..2 + rng.below(14)).map(|_| rng.pick(&WORDS)).collect();
        run_vectors(&mut rng, &mut jit, &seq, vector);
    }
}
