//! The CPU features emu announces to the guest in AT_HWCAP / AT_HWCAP2,
//! derived from the ID register values in [`crate::arm64::sysreg`] the way
//! the Linux kernel derives them, so the two views cannot disagree.

use crate::arm64::sysreg::{ID_AA64ISAR0, ID_AA64ISAR1, ID_AA64PFR0};

const fn field(reg: u64, shift: u32) -> u64 {
    (reg >> shift) & 0xf
}

const fn bit_if(cond: bool, bit: u32) -> u64 {
    if cond {
        1 << bit
    } else {
        0
    }
}

/// HWCAP_FP, ASIMD, FPHP, ASIMDHP, CRC32, ATOMICS, CPUID, LRCPC, ILRCPC,
/// DCPOP and the crypto bits as the ID registers announce them (FP/AdvSIMD
/// fields are signed: 0xF means absent, 1 adds half precision).
pub const HWCAP: u64 = bit_if(field(ID_AA64PFR0, 16) != 0xf, 0)
    | bit_if(field(ID_AA64PFR0, 20) != 0xf, 1)
    | bit_if(field(ID_AA64PFR0, 16) == 1, 9)
    | bit_if(field(ID_AA64PFR0, 20) == 1, 10)
    | bit_if(field(ID_AA64ISAR0, 16) >= 1, 7)
    | bit_if(field(ID_AA64ISAR0, 20) >= 2, 8)
    | (1 << 11)
    | bit_if(field(ID_AA64ISAR1, 20) >= 1, 15)
    | bit_if(field(ID_AA64ISAR1, 20) >= 2, 26)
    | bit_if(field(ID_AA64ISAR1, 0) >= 1, 16)
    | HWCAP_EXT
    | CRYPTO;

/// HWCAP_AES (3), PMULL (4), SHA1 (5), SHA2 (6), SHA3 (17), SM3 (18), SM4
/// (19) and SHA512 (21) from ID_AA64ISAR0's AES, SHA1, SHA2, SHA3, SM3 and
/// SM4 fields.
const CRYPTO: u64 = bit_if(field(ID_AA64ISAR0, 4) >= 1, 3)
    | bit_if(field(ID_AA64ISAR0, 4) >= 2, 4)
    | bit_if(field(ID_AA64ISAR0, 8) >= 1, 5)
    | bit_if(field(ID_AA64ISAR0, 12) >= 1, 6)
    | bit_if(field(ID_AA64ISAR0, 32) >= 1, 17)
    | bit_if(field(ID_AA64ISAR0, 36) >= 1, 18)
    | bit_if(field(ID_AA64ISAR0, 40) >= 1, 19)
    | bit_if(field(ID_AA64ISAR0, 12) >= 2, 21);

/// HWCAP_ASIMDRDM, JSCVT, FCMA, ASIMDDP, ASIMDFHM, FLAGM: the extension
/// instructions of `encodings::ext`.
const HWCAP_EXT: u64 = bit_if(field(ID_AA64ISAR0, 28) >= 1, 12)
    | bit_if(field(ID_AA64ISAR1, 12) >= 1, 13)
    | bit_if(field(ID_AA64ISAR1, 16) >= 1, 14)
    | bit_if(field(ID_AA64ISAR0, 44) >= 1, 20)
    | bit_if(field(ID_AA64ISAR0, 48) >= 1, 23)
    | bit_if(field(ID_AA64ISAR0, 52) >= 1, 27);

/// HWCAP2_DCPODP, FLAGM2, FRINT, I8MM, BF16.
pub const HWCAP2: u64 = bit_if(field(ID_AA64ISAR1, 0) >= 2, 0)
    | bit_if(field(ID_AA64ISAR0, 52) >= 2, 7)
    | bit_if(field(ID_AA64ISAR1, 32) >= 1, 8)
    | bit_if(field(ID_AA64ISAR1, 52) >= 1, 13)
    | bit_if(field(ID_AA64ISAR1, 44) >= 1, 14);

#[cfg(test)]
mod tests {
    #[test]
    fn announces_what_is_implemented() {
        // FP, ASIMD, CRC32, ATOMICS, FPHP, ASIMDHP, CPUID, LRCPC, DCPOP,
        // ILRCPC.
        let base = 0b11 | 0b1111 << 7 | 1 << 11 | 1 << 15 | 1 << 16 | 1 << 26;
        // AES, PMULL, SHA1, SHA2, SHA3, SM3, SM4, SHA512.
        let crypto = 0b1111 << 3 | 0b111 << 17 | 1 << 21;
        assert_eq!(super::HWCAP, base | super::HWCAP_EXT | crypto);
        // ASIMDRDM, JSCVT, FCMA, ASIMDDP, ASIMDFHM, FLAGM.
        assert_eq!(
            super::HWCAP_EXT,
            1 << 12 | 1 << 13 | 1 << 14 | 1 << 20 | 1 << 23 | 1 << 27
        );
        // DCPODP, FLAGM2, FRINT, I8MM, BF16.
        assert_eq!(super::HWCAP2, 1 | 1 << 7 | 1 << 8 | 1 << 13 | 1 << 14);
    }
}
