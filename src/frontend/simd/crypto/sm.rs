//! FEAT_SM3 (SM3SS1, SM3TT1A/B, SM3TT2A/B, SM3PARTW1/2) and FEAT_SM4 (SM4E,
//! SM4EKEY), per the Arm ARM pseudocode. Each returns the new Vd.

/// 32-bit element `e` of `v`.
fn w(v: u128, e: u32) -> u32 {
    (v >> (32 * e)) as u32
}

/// A vector from four 32-bit elements, element 0 first.
fn v4(e: [u32; 4]) -> u128 {
    e.iter().rev().fold(0u128, |acc, &x| acc << 32 | x as u128)
}

/// The SM3TT kinds: TT1 or TT2, with the A (parity) or B boolean function.
#[derive(Copy, Clone)]
pub enum Tt {
    T1A,
    T1B,
    T2A,
    T2B,
}

/// SM3SS1: ROL(ROL(Vn[3], 12) + Vm[3] + Va[3], 7) in element 3, zeros below.
pub fn sm3ss1(n: u128, m: u128, a: u128) -> u128 {
    let s = w(n, 3)
        .rotate_left(12)
        .wrapping_add(w(m, 3))
        .wrapping_add(w(a, 3));
    (s.rotate_left(7) as u128) << 96
}

/// SM3TT1A/B and SM3TT2A/B with lane `i` of Vm as Wj.
pub fn sm3tt(kind: Tt, d: u128, n: u128, m: u128, i: u32) -> u128 {
    let wj = w(m, i);
    let (d0, d1, d2, d3) = (w(d, 0), w(d, 1), w(d, 2), w(d, 3));
    match kind {
        Tt::T1A | Tt::T1B => {
            let ss2 = w(n, 3) ^ d3.rotate_left(12);
            let f = if matches!(kind, Tt::T1A) {
                d1 ^ d3 ^ d2
            } else {
                (d3 & d1) | (d3 & d2) | (d1 & d2)
            };
            let tt1 = f.wrapping_add(d0).wrapping_add(ss2).wrapping_add(wj);
            v4([d1, d2.rotate_left(9), d3, tt1])
        }
        Tt::T2A | Tt::T2B => {
            let g = if matches!(kind, Tt::T2A) {
                d1 ^ d3 ^ d2
            } else {
                (d3 & d2) | (!d3 & d1)
            };
            let tt2 = g.wrapping_add(d0).wrapping_add(w(n, 3)).wrapping_add(wj);
            let p0 = tt2 ^ tt2.rotate_left(9) ^ tt2.rotate_left(17);
            v4([d1, d2.rotate_left(19), d3, p0])
        }
    }
}

/// SM3's P1 permutation.
fn p1(x: u32) -> u32 {
    x ^ x.rotate_left(15) ^ x.rotate_left(23)
}

/// SM3PARTW1: the first half of the message expansion; element 3 uses the
/// new element 0.
pub fn sm3partw1(d: u128, n: u128, m: u128) -> u128 {
    let dn = d ^ n;
    let mut r = [0u32; 4];
    for (i, out) in r.iter_mut().enumerate().take(3) {
        *out = p1(w(dn, i as u32) ^ w(m, i as u32 + 1).rotate_left(15));
    }
    // Element 3 reads element 0 after its P1.
    r[3] = p1(w(dn, 3) ^ r[0].rotate_left(15));
    v4(r)
}

/// SM3PARTW2: the second half of the message expansion.
pub fn sm3partw2(d: u128, n: u128, m: u128) -> u128 {
    let rot = v4([0, 1, 2, 3].map(|i| w(m, i).rotate_left(7)));
    let tmp = n ^ rot;
    let r = d ^ tmp;
    let t2 = w(tmp, 0).rotate_left(15);
    let t2 = p1(t2);
    r ^ (t2 as u128) << 96
}

/// The SM4 S-box (GB/T 32907-2016).
#[rustfmt::skip]
const SM4_SBOX: [u8; 256] = [
    0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
    0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
    0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
    0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
    0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
    0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
    0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
    0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
    0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
    0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
    0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
    0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
    0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
    0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
    0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
    0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48,
];

fn tau(x: u32) -> u32 {
    u32::from_le_bytes(x.to_le_bytes().map(|b| SM4_SBOX[b as usize]))
}

/// Four SM4 rounds on the state `x` (element 0 oldest) with round keys (or
/// key-schedule constants) `k`; `lin` is the linear transform L or L'.
fn sm4_rounds(x: u128, k: u128, lin: fn(u32) -> u32) -> u128 {
    let mut s = [w(x, 0), w(x, 1), w(x, 2), w(x, 3)];
    for i in 0..4 {
        let t = tau(s[1] ^ s[2] ^ s[3] ^ w(k, i));
        let next = lin(t) ^ s[0];
        s = [s[1], s[2], s[3], next];
    }
    v4(s)
}

/// SM4E: four encryption rounds of the state Vd with round keys Vn.
pub fn sm4e(d: u128, n: u128) -> u128 {
    sm4_rounds(d, n, |b| {
        b ^ b.rotate_left(2) ^ b.rotate_left(10) ^ b.rotate_left(18) ^ b.rotate_left(24)
    })
}

/// SM4EKEY: four round keys from the previous four (Vn) and CK (Vm).
pub fn sm4ekey(n: u128, m: u128) -> u128 {
    sm4_rounds(n, m, |b| b ^ b.rotate_left(13) ^ b.rotate_left(23))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm4_sbox_is_a_permutation() {
        let mut seen = [false; 256];
        for &b in &SM4_SBOX {
            assert!(!seen[b as usize]);
            seen[b as usize] = true;
        }
    }
}
