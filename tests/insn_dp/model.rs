//! Reference models transcribed from the Arm ARM pseudocode, used to
//! compute expected results.

#![allow(dead_code)]

pub const N: u64 = 1 << 31;
pub const Z: u64 = 1 << 30;
pub const C: u64 = 1 << 29;
pub const V: u64 = 1 << 28;

/// All-ones in the low `bits` bits.
pub fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

/// `SInt(x<bits-1:0>)`.
pub fn sint(x: u64, bits: u32) -> i64 {
    ((x << (64 - bits)) as i64) >> (64 - bits)
}

/// `AddWithCarry(x, y, carry_in)` on `bits`-bit operands: (result, NZCV).
pub fn add_with_carry(x: u64, y: u64, carry: bool, bits: u32) -> (u64, u64) {
    let (x, y) = (x & mask(bits), y & mask(bits));
    let unsigned_sum = u128::from(x) + u128::from(y) + u128::from(carry);
    let signed_sum = i128::from(sint(x, bits)) + i128::from(sint(y, bits)) + i128::from(carry);
    let result = unsigned_sum as u64 & mask(bits);
    let mut nzcv = 0;
    if result >> (bits - 1) & 1 == 1 {
        nzcv |= N;
    }
    if result == 0 {
        nzcv |= Z;
    }
    if u128::from(result) != unsigned_sum {
        nzcv |= C;
    }
    if i128::from(sint(result, bits)) != signed_sum {
        nzcv |= V;
    }
    (result, nzcv)
}

/// `ConditionHolds(cond)` for an NZCV value.
pub fn cond_holds(cond: u32, nzcv: u64) -> bool {
    let (n, z, c, v) = (nzcv & N != 0, nzcv & Z != 0, nzcv & C != 0, nzcv & V != 0);
    let result = match cond >> 1 {
        0b000 => z,
        0b001 => c,
        0b010 => n,
        0b011 => v,
        0b100 => c && !z,
        0b101 => n == v,
        0b110 => n == v && !z,
        _ => true,
    };
    if cond & 1 == 1 && cond != 0b1111 {
        !result
    } else {
        result
    }
}

/// `ShiftReg`: type 0 LSL, 1 LSR, 2 ASR, 3 ROR by `amount` < `bits`.
pub fn shift(x: u64, ty: u32, amount: u32, bits: u32) -> u64 {
    let x = x & mask(bits);
    let r = match ty {
        0 => x.checked_shl(amount).unwrap_or(0),
        1 => x >> amount,
        2 => (sint(x, bits) >> amount) as u64,
        _ => {
            if amount == 0 {
                x
            } else {
                (x >> amount) | (x << (bits - amount))
            }
        }
    };
    r & mask(bits)
}

/// `ExtendReg` for option 0..7 (UXTB..SXTX) and a left shift 0..4.
pub fn extend(x: u64, option: u32, lsl: u32, bits: u32) -> u64 {
    let len = 8 << (option & 3);
    let v = if option & 4 != 0 {
        sint(x, len) as u64
    } else {
        x & mask(len)
    };
    (v << lsl) & mask(bits)
}

/// Every NZCV combination.
pub fn all_nzcv() -> impl Iterator<Item = u64> {
    (0..16u64).map(|f| f << 28)
}

/// Boundary values for 32- and 64-bit operands.
pub const EDGES: &[u64] = &[
    0,
    1,
    2,
    0x7f,
    0x80,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    0x1_7fff_ffff,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    0xffff_ffff_ffff_fffe,
    0xffff_ffff_ffff_ffff,
    0xdead_beef_0123_4567,
];

/// A smaller set of boundary values for the larger sweeps (each case is a
/// separate translation and run).
pub const SWEEP: &[u64] = &[
    0,
    1,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    0xffff_ffff_ffff_ffff,
];
