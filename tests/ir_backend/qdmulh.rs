//! SQDMULH, SQRDMULH, SQRDMLAH and SQRDMLSH (vector, scalar, by element;
//! 16- and 32-bit lanes), which the backend runs inline (`emit_qdmulh`:
//! SSE2, SSE4.1 for 32-bit lanes), against the interpreter (the exact
//! helper), alone and in blocks with other vector instructions; FPSR (QC)
//! is compared too. Lanes are biased to the saturation boundaries: the
//! most negative value squared, accumulators at the largest and smallest
//! values, and products that round across them.

use super::vec_ops::singly_then_mixed;
use super::Rng;

/// From aarch64-linux-gnu-as -march=armv8.1-a+rdm (aliasing forms
/// included).
const QDMULH: [u32; 37] = [
    0x0e63b441, // sqdmulh v1.4h, v2.4h, v3.4h
    0x4e63b441, // sqdmulh v1.8h, v2.8h, v3.8h
    0x0ea3b441, // sqdmulh v1.2s, v2.2s, v3.2s
    0x4ea3b441, // sqdmulh v1.4s, v2.4s, v3.4s
    0x2e63b441, // sqrdmulh v1.4h, v2.4h, v3.4h
    0x6e63b441, // sqrdmulh v1.8h, v2.8h, v3.8h
    0x2ea3b441, // sqrdmulh v1.2s, v2.2s, v3.2s
    0x6ea3b441, // sqrdmulh v1.4s, v2.4s, v3.4s
    0x5e63b441, // sqdmulh h1, h2, h3
    0x5ea3b441, // sqdmulh s1, s2, s3
    0x7e63b441, // sqrdmulh h1, h2, h3
    0x7ea3b441, // sqrdmulh s1, s2, s3
    0x4f73c841, // sqdmulh v1.8h, v2.8h, v3.h[7]
    0x0f63c041, // sqdmulh v1.4h, v2.4h, v3.h[2]
    0x4fa3d841, // sqrdmulh v1.4s, v2.4s, v3.s[3]
    0x0fa3d041, // sqrdmulh v1.2s, v2.2s, v3.s[1]
    0x5f53d841, // sqrdmulh h1, h2, v3.h[5]
    0x5f83c841, // sqdmulh s1, s2, v3.s[2]
    0x2e438441, // sqrdmlah v1.4h, v2.4h, v3.4h
    0x6e438441, // sqrdmlah v1.8h, v2.8h, v3.8h
    0x2e838441, // sqrdmlah v1.2s, v2.2s, v3.2s
    0x6e838441, // sqrdmlah v1.4s, v2.4s, v3.4s
    0x2e438c41, // sqrdmlsh v1.4h, v2.4h, v3.4h
    0x6e438c41, // sqrdmlsh v1.8h, v2.8h, v3.8h
    0x2e838c41, // sqrdmlsh v1.2s, v2.2s, v3.2s
    0x6e838c41, // sqrdmlsh v1.4s, v2.4s, v3.4s
    0x7e438441, // sqrdmlah h1, h2, h3
    0x7e838c41, // sqrdmlsh s1, s2, s3
    0x6f63d841, // sqrdmlah v1.8h, v2.8h, v3.h[6]
    0x2f53f041, // sqrdmlsh v1.4h, v2.4h, v3.h[1]
    0x6f83d841, // sqrdmlah v1.4s, v2.4s, v3.s[2]
    0x2fa3f841, // sqrdmlsh v1.2s, v2.2s, v3.s[3]
    0x7f73d041, // sqrdmlah h1, h2, v3.h[3]
    0x7fa3f041, // sqrdmlsh s1, s2, v3.s[1]
    0x6e418421, // sqrdmlah v1.8h, v1.8h, v1.8h
    0x6e838c43, // sqrdmlsh v3.4s, v2.4s, v3.4s
    0x4f42d042, // sqrdmulh v2.8h, v2.8h, v2.h[0]
];

/// A vector of 16-bit or of 32-bit lanes, each (or, one time in three,
/// all of them) an edge value or random.
fn lanes(rng: &mut Rng) -> u128 {
    const H: [u64; 9] = [0x8000, 0x7FFF, 0x8001, 0xFFFF, 0, 1, 0x4000, 0xC000, 0x3FFF];
    const S: [u64; 9] = [
        0x8000_0000,
        0x7FFF_FFFF,
        0x8000_0001,
        0xFFFF_FFFF,
        0,
        1,
        0x4000_0000,
        0xC000_0000,
        0x3FFF_FFFF,
    ];
    let (es, edges) = if rng.chance(2) { (16, &H) } else { (32, &S) };
    let all = rng.chance(3).then(|| rng.pick(edges));
    (0..128 / es).fold(0u128, |v, i| {
        let x = all.unwrap_or_else(|| match rng.below(3) {
            0 => rng.next() & ((1 << es) - 1),
            _ => rng.pick(edges),
        });
        v | (x as u128) << (es * i)
    })
}

#[test]
fn saturating_doubling_multiplies_match_the_helper() {
    if !std::arch::is_x86_feature_detected!("sse4.1") {
        eprintln!("note: host without sse4.1: 32-bit lanes run the helper on both sides");
    }
    singly_then_mixed(0x9d4, &QDMULH, &QDMULH, lanes);
}
