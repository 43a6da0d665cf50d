//! The value semantics of the pure IR operations, shared by the IR
//! interpreter (the reference executor) and the constant-folding pass.

use super::{BinOp, FlagsOp, UnOp, Width};

/// All-ones in the low `w` bits.
pub fn mask(w: Width) -> u64 {
    u64::MAX >> (64 - w.bits())
}

/// Sign-extends the low `bits` of `x` to 64 bits.
pub fn sext(x: u64, bits: u32) -> u64 {
    (((x << (64 - bits)) as i64) >> (64 - bits)) as u64
}

/// Two-operand operation at width `w`; the result is zero-extended.
pub fn bin(op: BinOp, w: Width, a: u64, b: u64) -> u64 {
    let bits = w.bits();
    let m = mask(w);
    let (a, b) = (a & m, b & m);
    let (sa, sb) = (sext(a, bits) as i64, sext(b, bits) as i64);
    let sh = (b % bits as u64) as u32;
    let r = match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        BinOp::Shl => a << sh,
        BinOp::Lshr => a >> sh,
        BinOp::Ashr => (sa >> sh) as u64,
        BinOp::Ror => {
            if sh == 0 {
                a
            } else {
                (a >> sh) | (a << (bits - sh))
            }
        }
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::UMulH => ((a as u128 * b as u128) >> 64) as u64,
        BinOp::SMulH => ((sa as i128 * sb as i128) >> 64) as u64,
        BinOp::UDiv => a.checked_div(b).unwrap_or(0),
        BinOp::SDiv => {
            if b == 0 {
                0
            } else {
                // INT_MIN / -1 wraps to INT_MIN at the op width.
                sa.wrapping_div(sb) as u64
            }
        }
        BinOp::Crc { c, bytes } => u64::from(super::crc::update_with(c, a as u32, b, bytes.into())),
    };
    r & m
}

/// One-operand operation at width `w`; the result is zero-extended.
pub fn un(op: UnOp, w: Width, a: u64) -> u64 {
    let bits = w.bits();
    let m = mask(w);
    let a = a & m;
    let r = match op {
        UnOp::Not => !a,
        UnOp::Neg => a.wrapping_neg(),
        UnOp::Clz => (a.leading_zeros() - (64 - bits)) as u64,
        UnOp::Ctz => (a | 1u64.checked_shl(bits).unwrap_or(0)).trailing_zeros() as u64,
        UnOp::Rbit => a.reverse_bits() >> (64 - bits),
        UnOp::Bswap => a.swap_bytes() >> (64 - bits),
        UnOp::Rev16 => ((a & 0x00ff_00ff_00ff_00ff) << 8) | ((a >> 8) & 0x00ff_00ff_00ff_00ff),
        UnOp::Rev32 => a.swap_bytes().rotate_left(32),
        UnOp::Popcnt => a.count_ones() as u64,
        UnOp::Sext8 => sext(a, 8),
        UnOp::Sext16 => sext(a, 16.min(bits)),
        UnOp::Sext32 => sext(a, 32.min(bits)),
    };
    r & m
}

/// `a + b + carry` (Add) or `a + NOT b + carry` (Sub, i.e. `a - b - 1 +
/// carry`) at width `w`: the zero-extended result and its NZCV.
pub fn add_with_carry(op: FlagsOp, w: Width, a: u64, b: u64, carry: u64) -> (u64, u64) {
    let bits = w.bits();
    let m = mask(w);
    let a = a & m;
    let b = match op {
        FlagsOp::Add => b & m,
        FlagsOp::Sub => !b & m,
        FlagsOp::Logic => panic!("Carry/Flags arithmetic with FlagsOp::Logic"),
    };
    let wide = a as u128 + b as u128 + carry as u128;
    let r = wide as u64 & m;
    let sign = 1u64 << (bits - 1);
    let n = r & sign != 0;
    let z = r == 0;
    let c = wide >> bits != 0;
    // Signed overflow: operands of equal sign, result of the other sign.
    let v = (a ^ r) & (b ^ r) & sign != 0;
    (r, nzcv(n, z, c, v))
}

pub fn nzcv(n: bool, z: bool, c: bool, v: bool) -> u64 {
    (n as u64) << 31 | (z as u64) << 30 | (c as u64) << 29 | (v as u64) << 28
}

/// NZCV of `op` on `a`, `b` and the carry-in in bit 29 of `c` (if any).
pub fn flags(op: FlagsOp, w: Width, a: u64, b: u64, c: Option<u64>) -> u64 {
    match op {
        FlagsOp::Logic => {
            let r = a & mask(w);
            nzcv(r >> (w.bits() - 1) & 1 != 0, r == 0, false, false)
        }
        FlagsOp::Add | FlagsOp::Sub => {
            // Without a carry-in, ADDS adds 0 and SUBS adds NOT b + 1.
            let default = (op == FlagsOp::Sub) as u64;
            let carry = c.map_or(default, |c| c >> 29 & 1);
            add_with_carry(op, w, a, b, carry).1
        }
    }
}

/// Whether arm64 condition `cond` (0..15) holds for NZCV (bits 31..28).
pub fn cond_holds(cond: u8, nzcv: u64) -> bool {
    let n = nzcv >> 31 & 1 != 0;
    let z = nzcv >> 30 & 1 != 0;
    let c = nzcv >> 29 & 1 != 0;
    let v = nzcv >> 28 & 1 != 0;
    let base = match cond >> 1 & 7 {
        0 => z,            // EQ / NE
        1 => c,            // CS / CC
        2 => n,            // MI / PL
        3 => v,            // VS / VC
        4 => c && !z,      // HI / LS
        5 => n == v,       // GE / LT
        6 => n == v && !z, // GT / LE
        _ => true,         // AL / NV
    };
    // Odd conditions negate, except NV (15) which is "always" like AL.
    if cond & 1 == 1 && cond & 0xf != 15 {
        !base
    } else {
        base
    }
}
