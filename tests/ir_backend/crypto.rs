//! The cryptographic extension's inline forms (`emit_crypto`: AESE, AESD,
//! AESMC, AESIMC with AES-NI, PMULL/PMULL2 .1Q with PCLMULQDQ, SHA1C/P/M,
//! SHA1SU1, SHA256H/H2/SU0/SU1 with the SHA extensions, SHA1H, SHA1SU0,
//! EOR3, BCAX, RAX1, XAR, SHA512SU0/SU1 and PMULL/PMULL2 .8H with SSE2,
//! SHA512H/H2 in general registers, SM3PARTW1/2 with SSSE3) against the
//! interpreter, which runs
//! the exact helpers (the Arm ARM pseudocode, no host instructions), alone
//! and in blocks with other vector instructions. Lanes are biased towards
//! the values where wrapping sums and rotations go wrong (0, all ones,
//! the sign bit, the SHA-1 round constants that the inline SHA1 forms
//! subtract). AESE/AESMC and AESD/AESIMC pairs, which the backend fuses,
//! run in blocks of their own, with the pairs that must not be fused.

use super::vec_ops::{run_vectors, singly_then_mixed};
use super::{Jit, Rng};

/// From aarch64-linux-gnu-as -march=armv8.4-a+crypto+sha3+sm4 (aliasing
/// forms included).
const CRYPTO: [u32; 55] = [
    0x4e284841, // aese v1.16b, v2.16b
    0x4e285841, // aesd v1.16b, v2.16b
    0x4e286841, // aesmc v1.16b, v2.16b
    0x4e287841, // aesimc v1.16b, v2.16b
    0x4e284821, // aese v1.16b, v1.16b
    0x4e286821, // aesmc v1.16b, v1.16b
    0x4e287821, // aesimc v1.16b, v1.16b
    0x4e286823, // aesmc v3.16b, v1.16b
    0x0ee3e041, // pmull v1.1q, v2.1d, v3.1d
    0x4ee3e041, // pmull2 v1.1q, v2.2d, v3.2d
    0x4ee2e042, // pmull2 v2.1q, v2.2d, v2.2d
    0x5e030041, // sha1c q1, s2, v3.4s
    0x5e031041, // sha1p q1, s2, v3.4s
    0x5e032041, // sha1m q1, s2, v3.4s
    0x5e012021, // sha1m q1, s1, v1.4s
    0x5e280841, // sha1h s1, s2
    0x5e033041, // sha1su0 v1.4s, v2.4s, v3.4s
    0x5e281841, // sha1su1 v1.4s, v2.4s
    0x5e281821, // sha1su1 v1.4s, v1.4s
    0x5e034041, // sha256h q1, q2, v3.4s
    0x5e035041, // sha256h2 q1, q2, v3.4s
    0x5e014021, // sha256h q1, q1, v1.4s
    0x5e035043, // sha256h2 q3, q2, v3.4s
    0x5e282841, // sha256su0 v1.4s, v2.4s
    0x5e036041, // sha256su1 v1.4s, v2.4s, v3.4s
    0x5e036043, // sha256su1 v3.4s, v2.4s, v3.4s
    0xce031041, // eor3 v1.16b, v2.16b, v3.16b, v4.16b
    0xce030421, // eor3 v1.16b, v1.16b, v3.16b, v1.16b
    0xce231041, // bcax v1.16b, v2.16b, v3.16b, v4.16b
    0xce231044, // bcax v4.16b, v2.16b, v3.16b, v4.16b
    0xce638c41, // rax1 v1.2d, v2.2d, v3.2d
    0xce830041, // xar v1.2d, v2.2d, v3.2d, #0
    0xce830441, // xar v1.2d, v2.2d, v3.2d, #1
    0xce83fc41, // xar v1.2d, v2.2d, v3.2d, #63
    0xce834442, // xar v2.2d, v2.2d, v3.2d, #17
    0xce638041, // sha512h q1, q2, v3.2d
    0xce638441, // sha512h2 q1, q2, v3.2d
    0xcec08041, // sha512su0 v1.2d, v2.2d
    0xce638841, // sha512su1 v1.2d, v2.2d, v3.2d
    0xce618021, // sha512h q1, q1, v1.2d
    0xce638443, // sha512h2 q3, q2, v3.2d
    0xce638042, // sha512h q2, q2, v3.2d
    0xcec08021, // sha512su0 v1.2d, v1.2d
    0xce638843, // sha512su1 v3.2d, v2.2d, v3.2d
    0xce638842, // sha512su1 v2.2d, v2.2d, v3.2d
    0x0e23e041, // pmull v1.8h, v2.8b, v3.8b
    0x4e23e041, // pmull2 v1.8h, v2.16b, v3.16b
    0x0e22e042, // pmull v2.8h, v2.8b, v2.8b
    0x4e23e043, // pmull2 v3.8h, v2.16b, v3.16b
    0xce63c041, // sm3partw1 v1.4s, v2.4s, v3.4s
    0xce63c441, // sm3partw2 v1.4s, v2.4s, v3.4s
    0xce61c021, // sm3partw1 v1.4s, v1.4s, v1.4s
    0xce63c442, // sm3partw2 v2.4s, v2.4s, v3.4s
    0xce63c043, // sm3partw1 v3.4s, v2.4s, v3.4s
    0xce61c441, // sm3partw2 v1.4s, v2.4s, v1.4s
];

/// The SM3PARTW1/SM3PARTW2 words of [`CRYPTO`] and the message-expansion
/// pair as compilers emit it (SM3PARTW1 then SM3PARTW2 on its result).
const SM3PARTW: [&[u32]; 7] = [
    &[0xce63c041],
    &[0xce63c441],
    &[0xce61c021],
    &[0xce63c442],
    &[0xce63c043],
    &[0xce61c441],
    &[0xce63c041, 0xce63c441], // sm3partw1 v1, v2, v3; sm3partw2 v1, v2, v3
];

/// AES round pairs: the backend runs an AESMC (AESIMC) of the register
/// the AESE (AESD) just before it wrote as one host instruction; the
/// pairs that do not qualify must still be right.
const AES_PAIRS: [[u32; 2]; 7] = [
    [0x4e284841, 0x4e286821], // aese v1, v2; aesmc v1, v1
    [0x4e285841, 0x4e287821], // aesd v1, v2; aesimc v1, v1
    [0x4e284841, 0x4e286823], // aese v1, v2; aesmc v3, v1
    [0x4e284841, 0x4e287821], // aese v1, v2; aesimc v1, v1
    [0x4e285841, 0x4e286821], // aesd v1, v2; aesmc v1, v1
    [0x4e284841, 0x4e286841], // aese v1, v2; aesmc v1, v2
    [0x4e284821, 0x4e286821], // aese v1, v1; aesmc v1, v1
];

/// XAR v1.2d, v2.2d, v3.2d, #imm.
fn xar(imm: u32) -> u32 {
    0xce830041 | imm << 10
}

/// A vector: all zeros or all ones, 32-bit lanes drawn from edge values,
/// bytes drawn from 0, 1, 0x80 and 0xFF (PMULL .8H), or random.
fn vector(rng: &mut Rng) -> u128 {
    const LANES: [u32; 10] = [
        0,
        1,
        0xFFFF_FFFF,
        0x8000_0000,
        0x7FFF_FFFF,
        0x5A82_7999,
        0x6ED9_EBA1,
        0x8F1B_BCDC,
        0xCA62_C1D6,
        0x0000_0080,
    ];
    match rng.below(9) {
        0 => 0,
        1 => u128::MAX,
        2 | 3 => (0..4).fold(0u128, |v, i| v | (rng.pick(&LANES) as u128) << (32 * i)),
        4 => (0..16).fold(0u128, |v, i| {
            v | (rng.pick(&[0u8, 1, 0x80, 0xFF, 0x7F]) as u128) << (8 * i)
        }),
        _ => (rng.next() as u128) << 64 | rng.next() as u128,
    }
}

/// A vector for SM3's rotations by 7, 8, 15 and 23: lanes with one bit set
/// (where a wrong rotation or shift count shows), all ones or random.
fn sm3_vector(rng: &mut Rng) -> u128 {
    (0..4).fold(0u128, |v, i| {
        let lane = match rng.below(4) {
            0 => 1u32 << rng.below(32),
            1 => u32::MAX,
            _ => rng.next() as u32,
        };
        v | (lane as u128) << (32 * i)
    })
}

/// SM3PARTW1/SM3PARTW2 inline (SSSE3) against their helpers, alone, with
/// aliased registers and as a pair: `EMU_SM3_ITERS` states each (default
/// 5000).
#[test]
fn sm3partw_matches_the_helper() {
    if !std::arch::is_x86_feature_detected!("ssse3") {
        eprintln!("note: host without ssse3: SM3PARTW runs the helper on both sides");
    }
    let iters = super::env_u64("EMU_SM3_ITERS", 5000);
    let mut rng = Rng(super::env_u64("EMU_IR_FUZZ_SEED", 0x53a3));
    let mut jit = Jit::new();
    for words in SM3PARTW {
        for _ in 0..iters {
            run_vectors(&mut rng, &mut jit, words, sm3_vector);
        }
    }
}

#[test]
fn crypto_ops_match_the_helper() {
    let host = [
        ("aes", std::arch::is_x86_feature_detected!("aes")),
        (
            "pclmulqdq",
            std::arch::is_x86_feature_detected!("pclmulqdq"),
        ),
        ("sha", std::arch::is_x86_feature_detected!("sha")),
    ];
    for (f, _) in host.iter().filter(|h| !h.1) {
        eprintln!("note: host without {f}: its forms run the helper on both sides");
    }
    let singles: Vec<u32> = CRYPTO.iter().copied().chain((0..64).map(xar)).collect();
    singly_then_mixed(0xae5, &singles, &CRYPTO, vector);
    let mut rng = Rng(0xae52);
    let mut jit = Jit::new();
    for pair in &AES_PAIRS {
        for _ in 0..200 {
            run_vectors(&mut rng, &mut jit, pair, vector);
            // Four rounds in a row.
            run_vectors(
                &mut rng,
                &mut jit,
                &[pair[0], pair[1], pair[0], pair[1]],
                vector,
            );
        }
    }
}
