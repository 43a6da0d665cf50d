//! SDOT/UDOT/USDOT/SUDOT (vector and by element, 64- and 128-bit) and
//! SMMLA/UMMLA/USMMLA, which the backend runs inline with AVX2
//! (`emit_dot`), against the interpreter (the exact helper), alone and in
//! blocks with other vector instructions.

use super::vec_ops::singly_then_mixed;
use super::Rng;

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

/// From aarch64-linux-gnu-as -march=armv8.6-a+i8mm (aliasing forms
/// included).
const MMLA: [u32; 6] = [
    0x4e83a441, // smmla v1.4s, v2.16b, v3.16b
    0x6e83a441, // ummla v1.4s, v2.16b, v3.16b
    0x4e83ac41, // usmmla v1.4s, v2.16b, v3.16b
    0x4e81a421, // smmla v1.4s, v1.16b, v1.16b
    0x6e83a443, // ummla v3.4s, v2.16b, v3.16b
    0x4e83ac42, // usmmla v2.4s, v2.16b, v3.16b
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

#[test]
fn dot_products_match_the_helper() {
    singly_then_mixed(0xd07, &DOT, &DOT, bytes);
}

#[test]
fn matrix_multiplies_match_the_helper() {
    if !std::arch::is_x86_feature_detected!("avx2") {
        eprintln!("note: host without avx2: SMMLA/UMMLA/USMMLA run the helper on both sides");
    }
    let words: Vec<u32> = MMLA.iter().chain(&DOT).copied().collect();
    singly_then_mixed(0x33a, &MMLA, &words, bytes);
}
