//! FEAT_AES (AESE, AESD, AESMC, AESIMC) and the 64-bit polynomial multiply
//! of FEAT_PMULL, per the Arm ARM's AESSubBytes/AESShiftRows/AESMixColumns
//! (FIPS-197 with byte i of the state in bits 8i+7..8i of the vector).
//! These are the exact definitions the interpreter runs and hosts without
//! AES-NI or PCLMULQDQ call; on hosts with them the backend runs the
//! instructions inline (`backend/x64/emit_crypto.rs`), and the IR backend
//! tests hold the two together.

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
    map_bytes(shift_rows(d ^ n, false), &SBOX)
}

/// AESD: InvSubBytes(InvShiftRows(d EOR n)).
pub fn aesd(d: u128, n: u128) -> u128 {
    map_bytes(shift_rows(d ^ n, true), &INV_SBOX)
}

/// AESMC: MixColumns(n).
pub fn aesmc(n: u128) -> u128 {
    mix_columns(n, false)
}

/// AESIMC: InvMixColumns(n).
pub fn aesimc(n: u128) -> u128 {
    mix_columns(n, true)
}

/// Carry-less product of two 64-bit polynomials (PMULL/PMULL2 .1Q).
pub fn clmul64(a: u64, b: u64) -> u128 {
    // One shifted copy of a per set bit of b (few for the 8-bit lanes of
    // PMULL .8B).
    let (mut acc, mut b) = (0u128, b);
    while b != 0 {
        acc ^= (a as u128) << b.trailing_zeros();
        b &= b - 1;
    }
    acc
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

    /// AES-128 round keys (FIPS-197 5.2), each as a vector.
    fn expand(key: [u8; 16]) -> [u128; 11] {
        let mut w = [[0u8; 4]; 44];
        for i in 0..4 {
            w[i].copy_from_slice(&key[4 * i..4 * i + 4]);
        }
        let mut rcon = 1u8;
        for i in 4..44 {
            let mut t = w[i - 1];
            if i % 4 == 0 {
                t = [t[1], t[2], t[3], t[0]].map(|b| SBOX[b as usize]);
                t[0] ^= rcon;
                rcon = gmul(rcon, 2);
            }
            for j in 0..4 {
                w[i][j] = w[i - 4][j] ^ t[j];
            }
        }
        std::array::from_fn(|r| {
            u128::from_le_bytes(std::array::from_fn(|b| w[4 * r + b / 4][b % 4]))
        })
    }

    #[test]
    fn fips197_aes128_with_the_arm_instructions() {
        // FIPS-197 Appendix C.1.
        let key: [u8; 16] = std::array::from_fn(|i| i as u8);
        let pt = u128::from_le_bytes(std::array::from_fn(|i| (i as u8) * 0x11));
        let ct = u128::from_le_bytes(0x69c4e0d86a7b0430d8cdb78070b4c55au128.to_be_bytes());
        let rk = expand(key);
        let mut s = pt;
        for k in &rk[..9] {
            s = aesmc(aese(s, *k));
        }
        assert_eq!(aese(s, rk[9]) ^ rk[10], ct);
        // The equivalent inverse cipher: AESD, then AESIMC, with the middle
        // round keys through InvMixColumns.
        let mut s = aesimc(aesd(ct, rk[10]));
        for k in rk[2..10].iter().rev() {
            s = aesimc(aesd(s, aesimc(*k)));
        }
        assert_eq!(aesd(s, aesimc(rk[1])) ^ rk[0], pt);
    }

    #[test]
    fn inverses_and_carry_less_products() {
        let mut s = 0x1234_5678_9abc_def1u64;
        for _ in 0..1000 {
            let (d, n) = (rng(&mut s), rng(&mut s));
            assert_eq!(aesimc(aesmc(n)), n);
            assert_eq!(aesd(aese(d, n) ^ d, d), d ^ n);
            let (a, b) = (d as u64, n as u64);
            assert_eq!(clmul64(a, b), clmul64(b, a));
            assert_eq!(clmul64(a, 1), a as u128);
            assert_eq!(clmul64(a, 1 << 63), (a as u128) << 63);
        }
        // Coefficient k of the square of all ones is the parity of the
        // number of pairs i + j = k: the even powers.
        assert_eq!(clmul64(u64::MAX, u64::MAX), u128::MAX / 3);
        assert_eq!(clmul64(0, u64::MAX), 0);
    }
}
