//! FEAT_AES (AESE, AESD, AESMC, AESIMC) and the 64-bit polynomial multiply
//! of FEAT_PMULL, per the Arm ARM's AESSubBytes/AESShiftRows/AESMixColumns
//! (FIPS-197 with byte i of the state in bits 8i+7..8i of the vector).
//! AES-NI and PCLMULQDQ compute the same functions when the host has them;
//! the portable code is always there and the tests hold the two together.

/// Product in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
const fn gmul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        let hi = a & 0x80;
        a <<= 1;
        if hi != 0 {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    p
}

/// The FIPS-197 S-box: multiplicative inverse (a^254), then the affine map.
const fn sbox() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut x = 0;
    while x < 256 {
        // a^254 = a^-1 (and 0 for 0), by square-and-multiply.
        let a = x as u8;
        let mut inv = 1u8;
        let mut e = 254u32;
        let mut base = a;
        while e != 0 {
            if e & 1 != 0 {
                inv = gmul(inv, base);
            }
            base = gmul(base, base);
            e >>= 1;
        }
        let b = inv;
        t[x] = b ^ b.rotate_left(1) ^ b.rotate_left(2) ^ b.rotate_left(3) ^ b.rotate_left(4) ^ 0x63;
        x += 1;
    }
    t
}

const fn inverse(s: &[u8; 256]) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut x = 0;
    while x < 256 {
        t[s[x] as usize] = x as u8;
        x += 1;
    }
    t
}

/// AES S-box and its inverse.
pub const SBOX: [u8; 256] = sbox();
pub const INV_SBOX: [u8; 256] = inverse(&SBOX);

fn map_bytes(v: u128, table: &[u8; 256]) -> u128 {
    let b = v.to_le_bytes().map(|x| table[x as usize]);
    u128::from_le_bytes(b)
}

/// ShiftRows (`inv` = false) or InvShiftRows: state byte r + 4c is row r,
/// column c; row r rotates left (right) by r columns.
fn shift_rows(v: u128, inv: bool) -> u128 {
    let a = v.to_le_bytes();
    let mut o = [0u8; 16];
    for c in 0..4 {
        for r in 0..4 {
            let src = r + 4 * ((c + r) % 4);
            if inv {
                o[src] = a[r + 4 * c];
            } else {
                o[r + 4 * c] = a[src];
            }
        }
    }
    u128::from_le_bytes(o)
}

/// MixColumns with coefficients (2, 3, 1, 1) or InvMixColumns with
/// (14, 11, 13, 9), rotated per row.
fn mix_columns(v: u128, inv: bool) -> u128 {
    let k: [u8; 4] = if inv { [14, 11, 13, 9] } else { [2, 3, 1, 1] };
    let a = v.to_le_bytes();
    let mut o = [0u8; 16];
    for c in 0..4 {
        for r in 0..4 {
            o[r + 4 * c] = (0..4).fold(0, |acc, j| acc ^ gmul(a[(r + j) % 4 + 4 * c], k[j]));
        }
    }
    u128::from_le_bytes(o)
}

/// AESE: SubBytes(ShiftRows(d EOR n)).
pub fn aese(d: u128, n: u128) -> u128 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("aes") {
        // SAFETY: the host has AES-NI (checked just above).
        return unsafe { host::aese(d ^ n) };
    }
    map_bytes(shift_rows(d ^ n, false), &SBOX)
}

/// AESD: InvSubBytes(InvShiftRows(d EOR n)).
pub fn aesd(d: u128, n: u128) -> u128 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("aes") {
        // SAFETY: the host has AES-NI (checked just above).
        return unsafe { host::aesd(d ^ n) };
    }
    map_bytes(shift_rows(d ^ n, true), &INV_SBOX)
}

/// AESMC: MixColumns(n).
pub fn aesmc(n: u128) -> u128 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("aes") {
        // SAFETY: the host has AES-NI (checked just above).
        return unsafe { host::aesmc(n) };
    }
    mix_columns(n, false)
}

/// AESIMC: InvMixColumns(n).
pub fn aesimc(n: u128) -> u128 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("aes") {
        // SAFETY: the host has AES-NI (checked just above).
        return unsafe { host::aesimc(n) };
    }
    mix_columns(n, true)
}

/// Carry-less product of two 64-bit polynomials (PMULL/PMULL2 .1Q).
pub fn clmul64(a: u64, b: u64) -> u128 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("pclmulqdq") {
        // SAFETY: the host has PCLMULQDQ (checked just above).
        return unsafe { host::clmul64(a, b) };
    }
    clmul64_soft(a, b)
}

fn clmul64_soft(a: u64, b: u64) -> u128 {
    (0..64)
        .filter(|i| b >> i & 1 != 0)
        .fold(0u128, |acc, i| acc ^ ((a as u128) << i))
}

/// The same functions with AES-NI and PCLMULQDQ. x86's AESENCLAST is
/// ShiftRows and SubBytes then the round-key XOR, so with a zero key it is
/// the second half of AESE; MixColumns alone is AESENC (zero key) after
/// undoing ShiftRows and SubBytes with AESDECLAST.
#[cfg(target_arch = "x86_64")]
mod host {
    use std::arch::x86_64::*;

    fn m(v: u128) -> __m128i {
        // SAFETY: u128 and __m128i are both 16 plain bytes; the vector's
        // byte i is bits 8i+7..8i of the little-endian u128, as in Arm.
        unsafe { std::mem::transmute::<u128, __m128i>(v) }
    }

    fn u(v: __m128i) -> u128 {
        // SAFETY: as in `m`.
        unsafe { std::mem::transmute::<__m128i, u128>(v) }
    }

    #[target_feature(enable = "aes")]
    pub fn aese(x: u128) -> u128 {
        u(_mm_aesenclast_si128(m(x), _mm_setzero_si128()))
    }

    #[target_feature(enable = "aes")]
    pub fn aesd(x: u128) -> u128 {
        u(_mm_aesdeclast_si128(m(x), _mm_setzero_si128()))
    }

    #[target_feature(enable = "aes")]
    pub fn aesmc(x: u128) -> u128 {
        let z = _mm_setzero_si128();
        u(_mm_aesenc_si128(_mm_aesdeclast_si128(m(x), z), z))
    }

    #[target_feature(enable = "aes")]
    pub fn aesimc(x: u128) -> u128 {
        u(_mm_aesimc_si128(m(x)))
    }

    #[target_feature(enable = "pclmulqdq")]
    pub fn clmul64(a: u64, b: u64) -> u128 {
        let r = _mm_clmulepi64_si128(_mm_set_epi64x(0, a as i64), _mm_set_epi64x(0, b as i64), 0);
        u(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng(seed: &mut u64) -> u128 {
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        };
        (next() as u128) << 64 | next() as u128
    }

    #[test]
    fn sbox_known_entries() {
        assert_eq!(
            (SBOX[0], SBOX[1], SBOX[0x53], SBOX[0xff]),
            (0x63, 0x7c, 0xed, 0x16)
        );
        assert_eq!(INV_SBOX[0x63], 0);
    }

    #[test]
    fn host_matches_portable() {
        let mut s = 0x1234_5678_9abc_def1u64;
        for _ in 0..1000 {
            let (d, n) = (rng(&mut s), rng(&mut s));
            assert_eq!(aese(d, n), map_bytes(shift_rows(d ^ n, false), &SBOX));
            assert_eq!(aesd(d, n), map_bytes(shift_rows(d ^ n, true), &INV_SBOX));
            assert_eq!(aesmc(n), mix_columns(n, false));
            assert_eq!(aesimc(n), mix_columns(n, true));
            assert_eq!(mix_columns(mix_columns(n, false), true), n);
            assert_eq!(
                clmul64(d as u64, n as u64),
                clmul64_soft(d as u64, n as u64)
            );
        }
    }
}
