//! The value of [`super::BinOp::Crc`]: CRC32{B,H,W,X} and CRC32C{B,H,W,X}.
//!
//! The Arm ARM defines them as `BitReverse(Poly32Mod2(BitReverse(acc):Zeros(size)
//! EOR BitReverse(val):Zeros(32), poly))`: the bit-reflected CRC update with
//! no initial or final inversion, which is the byte-wise table algorithm on
//! the reflected polynomial below, fed the low `size` bits of `val` least
//! significant byte first.

/// Reflected CRC-32 (ISO-HDLC) polynomial 0x04C11DB7.
const POLY_CRC32: u32 = 0xEDB8_8320;
/// Reflected CRC-32C (Castagnoli) polynomial 0x1EDC6F41.
const POLY_CRC32C: u32 = 0x82F6_3B78;

/// The 256-entry byte table of a reflected polynomial.
const fn table(poly: u32) -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { (c >> 1) ^ poly } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

pub static TABLE_CRC32: [u32; 256] = table(POLY_CRC32);
pub static TABLE_CRC32C: [u32; 256] = table(POLY_CRC32C);

/// Updates the 32-bit accumulator `acc` with the low `bytes` bytes of `val`.
pub fn update(table: &[u32; 256], acc: u32, val: u64, bytes: u32) -> u32 {
    (0..bytes).fold(acc, |c, i| {
        let byte = (val >> (8 * i)) as u8;
        table[usize::from(c as u8 ^ byte)] ^ (c >> 8)
    })
}

/// The update of `acc` with the low `bytes` bytes of `val`, polynomial
/// 0x1EDC6F41 (`c`, CRC32C) or 0x04C11DB7.
pub fn update_with(c: bool, acc: u32, val: u64, bytes: u32) -> u32 {
    update(
        if c { &TABLE_CRC32C } else { &TABLE_CRC32 },
        acc,
        val,
        bytes,
    )
}

/// CRC32 update (polynomial 0x04C11DB7).
pub fn crc32(acc: u32, val: u64, bytes: u32) -> u32 {
    update(&TABLE_CRC32, acc, val, bytes)
}

/// CRC32C update (polynomial 0x1EDC6F41).
pub fn crc32c(acc: u32, val: u64, bytes: u32) -> u32 {
    update(&TABLE_CRC32C, acc, val, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard check values use an initial value and final XOR of
    /// all ones around the bare update the instructions compute.
    fn check(f: fn(u32, u64, u32) -> u32) -> u32 {
        !b"123456789"
            .iter()
            .fold(!0u32, |c, &b| f(c, u64::from(b), 1))
    }

    #[test]
    fn check_values() {
        assert_eq!(check(crc32), 0xCBF4_3926);
        assert_eq!(check(crc32c), 0xE306_9283);
    }

    #[test]
    fn wide_updates_equal_bytewise() {
        let v = 0x0123_4567_89ab_cdefu64;
        let bytewise = (0..8).fold(0x1234_5678, |c, i| crc32c(c, v >> (8 * i), 1));
        assert_eq!(crc32c(0x1234_5678, v, 8), bytewise);
        let bytewise = (0..4).fold(0xffff_ffff, |c, i| crc32(c, v >> (8 * i), 1));
        assert_eq!(crc32(0xffff_ffff, v, 4), bytewise);
    }

    #[test]
    fn bit_serial_definition() {
        // Poly32Mod2 done one bit at a time, straight from the definition.
        fn slow(poly: u32, mut acc: u32, val: u64, bytes: u32) -> u32 {
            for i in 0..8 * bytes {
                let bit = (val >> i) as u32 & 1;
                let fb = (acc ^ bit) & 1;
                acc = (acc >> 1) ^ if fb != 0 { poly } else { 0 };
            }
            acc
        }
        for &(acc, val) in &[(0u32, 1u64), (0xdead_beef, 0xffff_0000_1234_5678), (!0, !0)] {
            for bytes in [1, 2, 4, 8] {
                assert_eq!(crc32(acc, val, bytes), slow(POLY_CRC32, acc, val, bytes));
                assert_eq!(crc32c(acc, val, bytes), slow(POLY_CRC32C, acc, val, bytes));
            }
        }
    }
}
