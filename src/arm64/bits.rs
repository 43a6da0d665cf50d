//! Architectural helper computations on encodings (pseudocode from the Arm ARM).

/// `DecodeBitMasks(N, imms, immr, immediate=true)` for logical immediates:
/// returns the `wmask` replicated to `datasize` bits, or `None` for a
/// reserved encoding.
pub fn decode_logical_imm(n: u32, imms: u32, immr: u32, datasize: u32) -> Option<u64> {
    let combined = (n << 6) | (!imms & 0x3f);
    if combined == 0 {
        return None;
    }
    let len = 31 - combined.leading_zeros();
    if len < 1 || (datasize == 32 && n != 0) {
        return None;
    }
    let levels = (1u32 << len) - 1;
    let s = imms & levels;
    let r = immr & levels;
    if s == levels {
        return None;
    }
    let esize = 1u32 << len;
    let welem: u64 = if s + 1 == 64 {
        u64::MAX
    } else {
        (1u64 << (s + 1)) - 1
    };
    let elem = if r == 0 {
        welem
    } else {
        let emask = if esize == 64 {
            u64::MAX
        } else {
            (1u64 << esize) - 1
        };
        ((welem >> r) | (welem << (esize - r))) & emask
    };
    let mut out = 0u64;
    let mut i = 0;
    while i < datasize {
        out |= elem << i;
        i += esize;
    }
    Some(if datasize == 32 {
        out & 0xffff_ffff
    } else {
        out
    })
}

/// Sign-extends the low `bits` of `v`.
pub fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

/// Names of the condition codes, indexed by the 4-bit `cond` field.
pub const COND_NAMES: [&str; 16] = [
    "eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
];

/// Whether condition `cond` holds for architectural NZCV (bits 31..28).
pub fn cond_holds(cond: u32, nzcv: u64) -> bool {
    let n = nzcv >> 31 & 1 != 0;
    let z = nzcv >> 30 & 1 != 0;
    let c = nzcv >> 29 & 1 != 0;
    let v = nzcv >> 28 & 1 != 0;
    let r = match cond >> 1 {
        0 => z,
        1 => c,
        2 => n,
        3 => v,
        4 => c && !z,
        5 => n == v,
        6 => n == v && !z,
        _ => true,
    };
    if cond & 1 == 1 && cond != 15 {
        !r
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_immediates() {
        // 0x5555555555555555: N=0, immr=0, imms=0b111100.
        assert_eq!(
            decode_logical_imm(0, 0b111100, 0, 64),
            Some(0x5555_5555_5555_5555)
        );
        // 0xff: N=1, imms=7, immr=0.
        assert_eq!(decode_logical_imm(1, 7, 0, 64), Some(0xff));
        // 0xffff_ffff_0000_0000: N=1, imms=31, immr=32.
        assert_eq!(
            decode_logical_imm(1, 31, 32, 64),
            Some(0xffff_ffff_0000_0000)
        );
        // 32-bit 0x0f0f0f0f: N=0 imms=0b110011, immr=0.
        assert_eq!(decode_logical_imm(0, 0b110011, 0, 32), Some(0x0f0f_0f0f));
        // all ones is reserved.
        assert_eq!(decode_logical_imm(1, 63, 0, 64), None);
        assert_eq!(decode_logical_imm(1, 0, 0, 32), None);
    }

    #[test]
    fn conditions() {
        let z = 1 << 30;
        assert!(cond_holds(0, z));
        assert!(!cond_holds(1, z));
        assert!(cond_holds(14, 0));
        assert!(cond_holds(15, 0));
        // GT: Z=0 and N==V.
        assert!(cond_holds(12, 0));
        assert!(!cond_holds(12, 1 << 31));
    }
}
