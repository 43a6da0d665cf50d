//! The system-register table: one row per register emu knows, with its
//! encoding (op0, op1, CRn, CRm, op2), what an EL0 access may do, and where
//! its EL0-visible value comes from. MRS/MSR translation (and, later, system
//! mode) read this table; nothing else lists register encodings.
//!
//! The ID registers read as Linux shows them to EL0 through its MRS
//! emulation (arch/arm64/kernel/cpufeature.c: fields not marked visible
//! read as their "safe" value, untracked registers in the emulated ID space
//! read as zero). MIDR_EL1 and the registers holding feature fields
//! (ID_AA64PFR0/PFR1/ISAR0/ISAR1) belong to the CPU model
//! ([`super::cpu_model`]): their rows say so ([`Value::Midr`],
//! [`Value::Id`]) and the translator reads the model's values. Registers that are not in the table, and writes to
//! registers whose access is [`Access::ReadOnly`], are undefined at EL0, as
//! they are under Linux, whose emulation sends SIGILL for them.

/// What an EL0 access to a register may do.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// MRS only; MSR is undefined.
    ReadOnly,
    /// MRS and MSR.
    ReadWrite,
}

/// A field of the guest CPU state that backs a register. The frontend maps
/// each to its `CpuState` offset.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StateField {
    Nzcv,
    Fpcr,
    Fpsr,
    TpidrEl0,
    TpidrroEl0,
    /// The PSTATE bits EL0 reads and writes besides NZCV (DIT, SSBS), in
    /// their SPSR positions; each register's mask selects its bit.
    Pstate,
}

/// Where a register's EL0-visible value comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A constant.
    Const(u64),
    /// A CPU-state field; only the bits in `mask` exist (the rest read as
    /// zero and ignore writes).
    State(StateField, u64),
    /// The virtual counter: host monotonic time in ticks of [`CNTFRQ`].
    VirtualCounter,
    /// The CPU model's MIDR_EL1.
    Midr,
    /// The CPU model's value of an ID register with feature fields.
    Id(IdReg),
}

use super::features::IdReg;

/// One system register.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SysReg {
    pub name: &'static str,
    pub op0: u8,
    pub op1: u8,
    pub crn: u8,
    pub crm: u8,
    pub op2: u8,
    pub access: Access,
    pub value: Value,
}

/// Frequency of the system counter reported in CNTFRQ_EL0: 62.5 MHz, the
/// value of Arm's own virtual platforms and a common choice for generic
/// arm64 boards. One tick is exactly 16 ns, so the counter is the host
/// monotonic clock in nanoseconds divided by 16.
pub const CNTFRQ: u64 = 62_500_000;

/// Nanoseconds per counter tick at [`CNTFRQ`].
pub const NS_PER_TICK: u64 = 1_000_000_000 / CNTFRQ;

/// Size in bytes of the block DC ZVA zeroes (DCZID_EL0.BS = log2 words = 4).
pub const DC_ZVA_BYTES: u64 = 64;

/// Cache line size reported by CTR_EL0 (DminLine and IminLine, 64 bytes).
pub const CACHE_LINE_BYTES: u64 = 64;

/// MIDR_EL1 of the `max` model: implementer 0x00 ("reserved for software
/// use"), architecture 0xF ("defined by the ID registers"), part, variant
/// and revision 0 — a value no errata workaround or CPU-specific tuning
/// keys on.
pub const MIDR: u64 = 0x000f_0000;

/// MPIDR_EL1 as Linux emulates it for EL0 (bit 31 is RES1).
pub const MPIDR: u64 = 1 << 31;

/// CTR_EL0: RES1 bit 31, DIC = 0 and IDC = 0 (so guests clean and invalidate
/// caches, which is how emu learns of code changes), CWG = ERG = 4 (64
/// bytes), DminLine = 4 (64 bytes), L1Ip = 0b11 (PIPT), IminLine = 4.
pub const CTR: u64 = (1 << 31) | (4 << 24) | (4 << 20) | (4 << 16) | (0b11 << 14) | 4;

/// DCZID_EL0: DZP = 0 (DC ZVA permitted), BS = 4 (16 words = 64 bytes).
pub const DCZID: u64 = 4;

/// ID_AA64MMFR0_EL1 as Linux shows it: every field hidden except ECV (0);
/// the hidden TGRAN4_2/TGRAN64_2/TGRAN16_2 read as 1 and TGRAN4/TGRAN64 as
/// 0xF (their safe values).
pub const ID_AA64MMFR0: u64 = (1 << 40) | (1 << 36) | (1 << 32) | (0xf << 28) | (0xf << 24);

/// ID_AA64DFR0_EL1 as Linux shows it: DebugVer = 6 (its safe value).
pub const ID_AA64DFR0: u64 = 6;

/// NZCV: bits 31..28.
pub const NZCV_MASK: u64 = 0xf000_0000;

/// PSTATE.DIT (FEAT_DIT) in the DIT register and in SPSR: bit 24.
pub const PSTATE_DIT: u64 = 1 << 24;

/// PSTATE.SSBS (FEAT_SSBS) in the SSBS register and in SPSR: bit 12.
pub const PSTATE_SSBS: u64 = 1 << 12;

/// FPCR bits emu implements: AHP (26), DN (25), FZ (24), RMode (23:22),
/// FZ16 (19, FEAT_FP16). Trap enables are RAZ/WI (floating-point exception
/// trapping is not implemented) and Len/Stride exist only with AArch32.
pub const FPCR_MASK: u64 = 0x07c8_0000;

/// FPCR.FZ16: RES0 on a CPU without FEAT_FP16.
pub const FPCR_FZ16: u64 = 1 << 19;

/// FPSR bits: QC (27), IDC (7), IXC (4), UFC (3), OFC (2), DZC (1), IOC (0).
pub const FPSR_MASK: u64 = 0x0800_009f;

macro_rules! sysregs {
    ($( $name:ident = ($op0:literal, $op1:literal, $crn:literal, $crm:literal, $op2:literal), $acc:ident, $val:expr; )*) => {
        /// Every register emu knows, by encoding.
        pub const SYSREGS: &[SysReg] = &[ $( SysReg {
            name: stringify!($name),
            op0: $op0, op1: $op1, crn: $crn, crm: $crm, op2: $op2,
            access: Access::$acc,
            value: $val,
        }, )* ];
    };
}

use StateField::*;
use Value::*;

sysregs! {
    // Special-purpose registers.
    NZCV = (3, 3, 4, 2, 0), ReadWrite, State(Nzcv, NZCV_MASK);
    // FEAT_DIT and FEAT_SSBS2 (`features`: undefined on a CPU model
    // without them).
    DIT = (3, 3, 4, 2, 5), ReadWrite, State(Pstate, PSTATE_DIT);
    SSBS = (3, 3, 4, 2, 6), ReadWrite, State(Pstate, PSTATE_SSBS);
    FPCR = (3, 3, 4, 4, 0), ReadWrite, State(Fpcr, FPCR_MASK);
    FPSR = (3, 3, 4, 4, 1), ReadWrite, State(Fpsr, FPSR_MASK);
    // Thread ID registers.
    TPIDR_EL0 = (3, 3, 13, 0, 2), ReadWrite, State(TpidrEl0, u64::MAX);
    TPIDRRO_EL0 = (3, 3, 13, 0, 3), ReadOnly, State(TpidrroEl0, u64::MAX);
    // Generic timer.
    CNTFRQ_EL0 = (3, 3, 14, 0, 0), ReadOnly, Const(CNTFRQ);
    CNTVCT_EL0 = (3, 3, 14, 0, 2), ReadOnly, VirtualCounter;
    CNTVCTSS_EL0 = (3, 3, 14, 0, 6), ReadOnly, VirtualCounter;
    // Cache and DC ZVA geometry.
    CTR_EL0 = (3, 3, 0, 0, 1), ReadOnly, Const(CTR);
    DCZID_EL0 = (3, 3, 0, 0, 7), ReadOnly, Const(DCZID);
    // Identification (Linux emulates these for EL0).
    MIDR_EL1 = (3, 0, 0, 0, 0), ReadOnly, Midr;
    MPIDR_EL1 = (3, 0, 0, 0, 5), ReadOnly, Const(MPIDR);
    REVIDR_EL1 = (3, 0, 0, 0, 6), ReadOnly, Const(0);
    ID_AA64PFR0_EL1 = (3, 0, 0, 4, 0), ReadOnly, Id(IdReg::Pfr0);
    ID_AA64PFR1_EL1 = (3, 0, 0, 4, 1), ReadOnly, Id(IdReg::Pfr1);
    ID_AA64ZFR0_EL1 = (3, 0, 0, 4, 4), ReadOnly, Const(0);
    ID_AA64SMFR0_EL1 = (3, 0, 0, 4, 5), ReadOnly, Const(0);
    ID_AA64DFR0_EL1 = (3, 0, 0, 5, 0), ReadOnly, Const(ID_AA64DFR0);
    ID_AA64DFR1_EL1 = (3, 0, 0, 5, 1), ReadOnly, Const(0);
    ID_AA64ISAR0_EL1 = (3, 0, 0, 6, 0), ReadOnly, Id(IdReg::Isar0);
    ID_AA64ISAR1_EL1 = (3, 0, 0, 6, 1), ReadOnly, Id(IdReg::Isar1);
    ID_AA64ISAR2_EL1 = (3, 0, 0, 6, 2), ReadOnly, Const(0);
    ID_AA64MMFR0_EL1 = (3, 0, 0, 7, 0), ReadOnly, Const(ID_AA64MMFR0);
    ID_AA64MMFR1_EL1 = (3, 0, 0, 7, 1), ReadOnly, Const(0);
    ID_AA64MMFR2_EL1 = (3, 0, 0, 7, 2), ReadOnly, Const(0);
}

/// What a SYS instruction (DC, IC, ...) does at EL0.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SysOp {
    /// Zero the [`DC_ZVA_BYTES`]-byte block containing the address in Xt.
    ZeroBlock,
    /// Data-cache maintenance by address: nothing to do (emu has no caches
    /// to keep coherent; Linux allows these at EL0, SCTLR_EL1.UCI = 1).
    DataCacheMaintenance,
    /// Instruction-cache invalidate by address: translations of the
    /// [`CACHE_LINE_BYTES`]-byte line containing Xt must be dropped.
    InvalidateInsnCache,
}

/// One SYS instruction allowed at EL0 (op0 = 1).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SysInsn {
    pub name: &'static str,
    pub op1: u8,
    pub crn: u8,
    pub crm: u8,
    pub op2: u8,
    pub op: SysOp,
}

macro_rules! sys_insns {
    ($( $name:ident = ($op1:literal, $crn:literal, $crm:literal, $op2:literal), $op:ident; )*) => {
        /// The SYS instructions EL0 may execute; any other SYS is undefined.
        pub const SYS_INSNS: &[SysInsn] = &[ $( SysInsn {
            name: stringify!($name),
            op1: $op1, crn: $crn, crm: $crm, op2: $op2,
            op: SysOp::$op,
        }, )* ];
    };
}

// DC CVAP and DC CVADP belong to FEAT_DPB/DPB2 (`features`: a CPU model
// without them makes them undefined before they get here).
sys_insns! {
    DC_ZVA = (3, 7, 4, 1), ZeroBlock;
    DC_CVAC = (3, 7, 10, 1), DataCacheMaintenance;
    DC_CVAU = (3, 7, 11, 1), DataCacheMaintenance;
    DC_CVAP = (3, 7, 12, 1), DataCacheMaintenance;
    DC_CVADP = (3, 7, 13, 1), DataCacheMaintenance;
    DC_CIVAC = (3, 7, 14, 1), DataCacheMaintenance;
    IC_IVAU = (3, 7, 5, 1), InvalidateInsnCache;
}

/// The SYS instruction with these operands, if EL0 may execute it.
pub fn find_sys(op1: u32, crn: u32, crm: u32, op2: u32) -> Option<&'static SysInsn> {
    SYS_INSNS
        .iter()
        .find(|s| (s.op1 as u32, s.crn as u32, s.crm as u32, s.op2 as u32) == (op1, crn, crm, op2))
}

/// The encoding of a system register: op0, op1, CRn, CRm, op2.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Enc {
    pub op0: u8,
    pub op1: u8,
    pub crn: u8,
    pub crm: u8,
    pub op2: u8,
}

impl Enc {
    /// From the 15-bit o0:op1:CRn:CRm:op2 key of MRS/MSR (register) (bits
    /// 19..5 of the word; op0 = 2 + o0).
    pub fn from_key(key: u32) -> Enc {
        Enc {
            op0: 2 + (key >> 14 & 1) as u8,
            op1: (key >> 11 & 7) as u8,
            crn: (key >> 7 & 15) as u8,
            crm: (key >> 3 & 15) as u8,
            op2: (key & 7) as u8,
        }
    }

    /// The 15-bit MRS/MSR key of this encoding (`op0` must be 2 or 3).
    pub fn key(self) -> u32 {
        ((self.op0 as u32 - 2) << 14)
            | (self.op1 as u32) << 11
            | (self.crn as u32) << 7
            | (self.crm as u32) << 3
            | self.op2 as u32
    }
}

impl SysReg {
    /// This register's encoding.
    pub fn enc(&self) -> Enc {
        Enc {
            op0: self.op0,
            op1: self.op1,
            crn: self.crn,
            crm: self.crm,
            op2: self.op2,
        }
    }
}

/// The table row for `enc`, if emu knows the register.
pub fn find(enc: Enc) -> Option<&'static SysReg> {
    SYSREGS.iter().find(|r| r.enc() == enc)
}

/// Whether `enc` lies in the ID space Linux emulates for EL0 reads with
/// registers it does not track reading as zero: op0 = 3, op1 = 0, CRn = 0,
/// CRm = 2..7. (CRm = 0 holds only MIDR/MPIDR/REVIDR, and CRm = 1 is not
/// emulated: both give SIGILL for anything else.)
pub fn is_raz_id_space(enc: Enc) -> bool {
    enc.op0 == 3 && enc.op1 == 0 && enc.crn == 0 && (2..=7).contains(&enc.crm)
}

/// What an EL0 MRS of `enc` yields: the table row's value, zero for the
/// untracked ID space, or `None` when the read is undefined.
pub fn el0_read(enc: Enc) -> Option<Value> {
    match find(enc) {
        Some(r) => Some(r.value),
        None if is_raz_id_space(enc) => Some(Value::Const(0)),
        None => None,
    }
}

/// What an EL0 MSR to `enc` writes, or `None` when the write is undefined.
pub fn el0_write(enc: Enc) -> Option<Value> {
    find(enc)
        .filter(|r| r.access == Access::ReadWrite)
        .map(|r| r.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_unique_and_in_range() {
        for (i, a) in SYSREGS.iter().enumerate() {
            assert!(a.op0 >= 2 && a.op0 <= 3 && a.op1 < 8 && a.crn < 16 && a.crm < 16 && a.op2 < 8);
            assert_eq!(Enc::from_key(a.enc().key()), a.enc(), "{}", a.name);
            for b in &SYSREGS[i + 1..] {
                assert_ne!(a.enc(), b.enc(), "{} and {}", a.name, b.name);
                assert_ne!(a.name, b.name);
            }
        }
    }

    #[test]
    fn known_keys() {
        // `mrs x0, nzcv` is 0xd53b4200: key = bits 19..5.
        let key = (0xd53b_4200u32 >> 5) & 0x7fff;
        assert_eq!(find(Enc::from_key(key)).map(|r| r.name), Some("NZCV"));
        // `mrs x0, tpidr_el0` is 0xd53bd040.
        let key = (0xd53b_d040u32 >> 5) & 0x7fff;
        assert_eq!(find(Enc::from_key(key)).map(|r| r.name), Some("TPIDR_EL0"));
        // `mrs x0, midr_el1` is 0xd5380000.
        let key = (0xd538_0000u32 >> 5) & 0x7fff;
        assert_eq!(find(Enc::from_key(key)).map(|r| r.name), Some("MIDR_EL1"));
    }

    #[test]
    fn el0_rules() {
        let enc = |op0, op1, crn, crm, op2| Enc {
            op0,
            op1,
            crn,
            crm,
            op2,
        };
        // ID_AA64ISAR3_EL1 is untracked: reads as zero.
        assert_eq!(el0_read(enc(3, 0, 0, 6, 3)), Some(Value::Const(0)));
        // CRm = 1 (AArch32 ID registers) is not emulated.
        assert_eq!(el0_read(enc(3, 0, 0, 1, 0)), None);
        // CRm = 0 other than MIDR/MPIDR/REVIDR is undefined.
        assert_eq!(el0_read(enc(3, 0, 0, 0, 1)), None);
        // SCTLR_EL1 is undefined at EL0.
        assert_eq!(el0_read(enc(3, 0, 1, 0, 0)), None);
        // No writes to read-only registers.
        assert_eq!(el0_write(enc(3, 3, 13, 0, 3)), None);
        assert_eq!(el0_write(enc(3, 0, 0, 4, 0)), None);
        assert!(el0_write(enc(3, 3, 13, 0, 2)).is_some());
        assert_eq!(CTR, 0x8444_c004);
        assert_eq!(NS_PER_TICK * CNTFRQ, 1_000_000_000);
    }
}
