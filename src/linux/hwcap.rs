//! The CPU features emu announces to the guest in AT_HWCAP / AT_HWCAP2,
//! derived from the CPU model's ID registers ([`crate::arm64::cpu_model`])
//! the way the Linux kernel derives them (arch/arm64/kernel/cpufeature.c,
//! arm64_elf_hwcaps), so the two views cannot disagree.

use crate::arm64::cpu_model::Cpu;
use crate::arm64::features::IdRegs;

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

/// AT_HWCAP and AT_HWCAP2 of a CPU with these ID registers.
pub const fn hwcaps(ids: &IdRegs) -> (u64, u64) {
    let (pfr0, pfr1, isar0, isar1) = (ids.pfr0, ids.pfr1, ids.isar0, ids.isar1);
    // FP and AdvSIMD are signed fields: 0xF means absent, 1 adds half
    // precision (FPHP, ASIMDHP). CPUID: the MRS emulation is always there.
    // DIT (24) and SSBS (28, for ID_AA64PFR1_EL1.SSBS = 2: FEAT_SSBS2).
    let base = bit_if(field(pfr0, 16) != 0xf, 0)
        | bit_if(field(pfr0, 20) != 0xf, 1)
        | bit_if(field(pfr0, 16) == 1, 9)
        | bit_if(field(pfr0, 20) == 1, 10)
        | bit_if(field(isar0, 16) >= 1, 7)
        | bit_if(field(isar0, 20) >= 2, 8)
        | (1 << 11)
        | bit_if(field(isar1, 20) >= 1, 15)
        | bit_if(field(isar1, 20) >= 2, 26)
        | bit_if(field(isar1, 0) >= 1, 16)
        | bit_if(field(pfr0, 48) >= 1, 24)
        | bit_if(field(pfr1, 4) >= 2, 28);
    // AES (3), PMULL (4), SHA1 (5), SHA2 (6), SHA3 (17), SM3 (18), SM4 (19)
    // and SHA512 (21).
    let crypto = bit_if(field(isar0, 4) >= 1, 3)
        | bit_if(field(isar0, 4) >= 2, 4)
        | bit_if(field(isar0, 8) >= 1, 5)
        | bit_if(field(isar0, 12) >= 1, 6)
        | bit_if(field(isar0, 32) >= 1, 17)
        | bit_if(field(isar0, 36) >= 1, 18)
        | bit_if(field(isar0, 40) >= 1, 19)
        | bit_if(field(isar0, 12) >= 2, 21);
    // ASIMDRDM, JSCVT, FCMA, ASIMDDP, ASIMDFHM, FLAGM.
    let ext = bit_if(field(isar0, 28) >= 1, 12)
        | bit_if(field(isar1, 12) >= 1, 13)
        | bit_if(field(isar1, 16) >= 1, 14)
        | bit_if(field(isar0, 44) >= 1, 20)
        | bit_if(field(isar0, 48) >= 1, 23)
        | bit_if(field(isar0, 52) >= 1, 27);
    // HWCAP2_DCPODP, FLAGM2, FRINT, I8MM, BF16.
    let hwcap2 = bit_if(field(isar1, 0) >= 2, 0)
        | bit_if(field(isar0, 52) >= 2, 7)
        | bit_if(field(isar1, 32) >= 1, 8)
        | bit_if(field(isar1, 52) >= 1, 13)
        | bit_if(field(isar1, 44) >= 1, 14);
    (base | crypto | ext, hwcap2)
}

/// AT_HWCAP of the `max` model.
pub const HWCAP: u64 = hwcaps(&Cpu::MAX_IDS).0;

/// AT_HWCAP2 of the `max` model.
pub const HWCAP2: u64 = hwcaps(&Cpu::MAX_IDS).1;

/// AT_HWCAP and AT_HWCAP2 of `cpu`.
pub fn of(cpu: &Cpu) -> (u64, u64) {
    hwcaps(&cpu.id_regs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announces_what_is_implemented() {
        // FP, ASIMD, CRC32, ATOMICS, FPHP, ASIMDHP, CPUID, LRCPC, DCPOP,
        // ILRCPC, DIT, SSBS.
        let base = 0b11 | 0b1111 << 7 | 1 << 11 | 1 << 15 | 1 << 16 | 1 << 26 | 1 << 24 | 1 << 28;
        // AES, PMULL, SHA1, SHA2, SHA3, SM3, SM4, SHA512.
        let crypto = 0b1111 << 3 | 0b111 << 17 | 1 << 21;
        // ASIMDRDM, JSCVT, FCMA, ASIMDDP, ASIMDFHM, FLAGM.
        let ext = 1 << 12 | 1 << 13 | 1 << 14 | 1 << 20 | 1 << 23 | 1 << 27;
        assert_eq!(HWCAP, base | crypto | ext);
        // DCPODP, FLAGM2, FRINT, I8MM, BF16.
        assert_eq!(HWCAP2, 1 | 1 << 7 | 1 << 8 | 1 << 13 | 1 << 14);
    }

    #[test]
    fn real_cores() {
        // FP ASIMD AES PMULL SHA1 SHA2 CRC32 CPUID.
        let a53 = Cpu::parse("cortex-a53").unwrap();
        assert_eq!(of(&a53), (0b11 | 0b1111 << 3 | 1 << 7 | 1 << 11, 0));
        // + ATOMICS FPHP ASIMDHP ASIMDRDM LRCPC DCPOP ASIMDDP SSBS (no DIT).
        let n1 = Cpu::parse("neoverse-n1").unwrap();
        let extra = 1 << 8 | 1 << 9 | 1 << 10 | 1 << 12 | 1 << 15 | 1 << 16 | 1 << 20 | 1 << 28;
        assert_eq!(of(&n1), (of(&a53).0 | extra, 0));
        // -dit and -ssbs take their bits away.
        let c = Cpu::parse("max,-dit,-ssbs").unwrap();
        assert_eq!(of(&c).0, HWCAP & !(1 << 24 | 1 << 28));
    }
}
