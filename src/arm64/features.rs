//! THE table of optional architecture features: one row per feature a CPU
//! model may have or lack, with its user-facing name (`-cpu max,-lse`), the
//! ID register field values that announce it, the features it needs, and
//! the encodings (rows of [`super::encodings`]) that are undefined without
//! it. [`super::cpu_model`] builds CPU models from it; the ID registers
//! (MRS), AT_HWCAP/AT_HWCAP2 (derived from the ID registers in
//! `linux::hwcap`), /proc/cpuinfo and the translator's refusal of disabled
//! instructions all follow from it.
//!
//! FP and Advanced SIMD (with CPUID, the MRS emulation) are part of every
//! model and not listed. A feature is *announced* (its ID fields set) when
//! it is enabled, emu implements it and every feature it requires is
//! enabled; it *executes* whenever it is enabled. So FEAT_FHM, which the
//! Arm ARM permits only with FEAT_FP16, is not announced on a CPU without
//! FP16 (`-cpu max,-fp16` turns both off). Features whose ID field Linux hides from
//! EL0 (FEAT_LOR) or that emu executes without announcing (FEAT_SB,
//! FEAT_ECV's CNTVCTSS_EL0) have no ID fields here.

use super::sysreg::Enc as SysEnc;

/// An optional feature; the discriminant is its row in [`FEATURES`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Feat {
    Crc,
    Lse,
    Rdm,
    Lor,
    Dpb,
    Dpb2,
    Lrcpc,
    Lrcpc2,
    Aes,
    Pmull,
    Sha1,
    Sha2,
    Sha512,
    Sha3,
    Sm3,
    Sm4,
    DotProd,
    Fhm,
    FlagM,
    FlagM2,
    Jscvt,
    Fcma,
    FrintTs,
    Sb,
    Bf16,
    I8mm,
    Ecv,
    Fp16,
    Ssbs,
    Dit,
}

/// The ID registers whose fields features set (the EL0 view Linux gives).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum IdReg {
    Pfr0,
    Pfr1,
    Isar0,
    Isar1,
}

/// A 4-bit ID register field and the value a feature gives it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct IdField {
    pub reg: IdReg,
    pub shift: u8,
    pub value: u8,
}

const fn id(reg: IdReg, shift: u8, value: u8) -> IdField {
    IdField { reg, shift, value }
}

/// Which encodings belong to a feature.
#[derive(Copy, Clone, Debug)]
pub enum Enc {
    /// Every word of the encoding-table row of this name.
    Row(&'static str),
    /// The words of the row for which the function holds (a feature that
    /// is one form of a broader class row).
    Where(&'static str, fn(u32) -> bool),
}

impl Enc {
    /// The encoding-table row this names.
    pub fn row(&self) -> &'static str {
        match *self {
            Enc::Row(r) | Enc::Where(r, _) => r,
        }
    }
}

/// One optional feature.
#[derive(Copy, Clone, Debug)]
pub struct Feature {
    pub feat: Feat,
    /// The `-cpu` name.
    pub name: &'static str,
    /// Other accepted names (the Linux /proc/cpuinfo spelling where it
    /// differs).
    pub aliases: &'static [&'static str],
    /// The Arm ARM name.
    pub arm: &'static str,
    /// ID register fields that announce it.
    pub id: &'static [IdField],
    /// Features the Arm ARM requires with it (possibly each other: the
    /// ID_AA64ISAR0_EL1 field rules make SHA1 and SHA256, SHA512 and SHA3,
    /// SM3 and SM4 all-or-nothing pairs, and SHA3 needs SHA1).
    pub requires: &'static [Feat],
    /// Its encodings: undefined (SIGILL) when the feature is off.
    pub encodings: &'static [Enc],
    /// Whether emu implements it (a model whose core has a feature emu
    /// lacks leaves it out, and says so in `-cpu help`).
    pub implemented: bool,
}

use Enc::{Row, Where};
use Feat::*;
use IdReg::*;

/// Scalar floating point on half precision: ftype (bits 23:22) = 11.
fn ftype_half(w: u32) -> bool {
    (w >> 22) & 3 == 3
}

/// The fixed-point conversions by immediate with immh = 001x:
/// half-precision lanes.
fn fixed_point_half(w: u32) -> bool {
    (w >> 20) & 7 == 1
}

/// FCMLA and FCADD with size = 01: half-precision lanes.
fn size_half(w: u32) -> bool {
    (w >> 22) & 3 == 1
}

/// The SYS instruction with op1 = 3, CRn = 7, this CRm and op2 = 1 (DC by
/// address).
fn dc_crm(w: u32, crm: u32) -> bool {
    (w >> 16) & 7 == 3 && (w >> 12) & 0xf == 7 && (w >> 8) & 0xf == crm && (w >> 5) & 7 == 1
}

fn dc_cvap(w: u32) -> bool {
    dc_crm(w, 12)
}

fn dc_cvadp(w: u32) -> bool {
    dc_crm(w, 13)
}

/// MRS of CNTVCTSS_EL0 (op0 3, op1 3, CRn 14, CRm 0, op2 6).
fn mrs_cntvctss(w: u32) -> bool {
    sysreg_of(w) == (3, 3, 14, 0, 6)
}

/// The system-register encoding (op0, op1, CRn, CRm, op2) MRS/MSR
/// (register) `w` names.
fn sysreg_of(w: u32) -> (u8, u8, u8, u8, u8) {
    let e = SysEnc::from_key((w >> 5) & 0x7fff);
    (e.op0, e.op1, e.crn, e.crm, e.op2)
}

/// MRS/MSR of the DIT register (op0 3, op1 3, CRn 4, CRm 2, op2 5).
fn sysreg_dit(w: u32) -> bool {
    sysreg_of(w) == (3, 3, 4, 2, 5)
}

/// MRS/MSR of the SSBS register (op0 3, op1 3, CRn 4, CRm 2, op2 6).
fn sysreg_ssbs(w: u32) -> bool {
    sysreg_of(w) == (3, 3, 4, 2, 6)
}

/// MSR (immediate) of PSTATE field op1:op2 (bits 18:16 and 7:5).
fn msr_imm_field(w: u32, op1: u32, op2: u32) -> bool {
    (w >> 16) & 7 == op1 && (w >> 5) & 7 == op2
}

/// MSR DIT, #imm: op1 = 011, op2 = 010.
fn msr_imm_dit(w: u32) -> bool {
    msr_imm_field(w, 3, 2)
}

/// MSR SSBS, #imm: op1 = 011, op2 = 001.
fn msr_imm_ssbs(w: u32) -> bool {
    msr_imm_field(w, 3, 1)
}

/// Every optional feature, in [`Feat`] order.
pub const FEATURES: &[Feature] = &[
    Feature {
        feat: Crc,
        name: "crc",
        aliases: &["crc32"],
        arm: "FEAT_CRC32",
        id: &[id(Isar0, 16, 1)],
        requires: &[],
        encodings: &[Row("CRC32")],
        implemented: true,
    },
    Feature {
        feat: Lse,
        name: "lse",
        aliases: &["atomics"],
        arm: "FEAT_LSE",
        id: &[id(Isar0, 20, 2)],
        requires: &[],
        encodings: &[Row("CAS"), Row("CASP"), Row("LDOP"), Row("SWP")],
        implemented: true,
    },
    Feature {
        feat: Rdm,
        name: "rdm",
        aliases: &["asimdrdm"],
        arm: "FEAT_RDM",
        id: &[id(Isar0, 28, 1)],
        requires: &[],
        encodings: &[
            Row("SQRDMLAH_vec"),
            Row("SQRDMLSH_vec"),
            Row("SQRDMLAH_s"),
            Row("SQRDMLSH_s"),
            Row("SQRDMLAH_elem"),
            Row("SQRDMLSH_elem"),
            Row("SQRDMLAH_selem"),
            Row("SQRDMLSH_selem"),
        ],
        implemented: true,
    },
    Feature {
        feat: Lor,
        name: "lor",
        aliases: &[],
        arm: "FEAT_LOR",
        // ID_AA64MMFR1_EL1.LO is hidden from EL0 by Linux.
        id: &[],
        requires: &[],
        encodings: &[Row("STLLR"), Row("LDLAR")],
        implemented: true,
    },
    Feature {
        feat: Dpb,
        name: "dpb",
        aliases: &["dcpop"],
        arm: "FEAT_DPB",
        id: &[id(Isar1, 0, 1)],
        requires: &[],
        encodings: &[Where("SYS", dc_cvap)],
        implemented: true,
    },
    Feature {
        feat: Dpb2,
        name: "dpb2",
        aliases: &["dcpodp"],
        arm: "FEAT_DPB2",
        id: &[id(Isar1, 0, 2)],
        requires: &[Dpb],
        encodings: &[Where("SYS", dc_cvadp)],
        implemented: true,
    },
    Feature {
        feat: Lrcpc,
        name: "lrcpc",
        aliases: &["rcpc"],
        arm: "FEAT_LRCPC",
        id: &[id(Isar1, 20, 1)],
        requires: &[],
        encodings: &[Row("LDAPR")],
        implemented: true,
    },
    Feature {
        feat: Lrcpc2,
        name: "lrcpc2",
        aliases: &["ilrcpc"],
        arm: "FEAT_LRCPC2",
        id: &[id(Isar1, 20, 2)],
        requires: &[Lrcpc],
        encodings: &[Row("LDAPUR")],
        implemented: true,
    },
    Feature {
        feat: Aes,
        name: "aes",
        aliases: &[],
        arm: "FEAT_AES",
        id: &[id(Isar0, 4, 1)],
        requires: &[],
        encodings: &[Row("AESE"), Row("AESD"), Row("AESMC"), Row("AESIMC")],
        implemented: true,
    },
    Feature {
        feat: Pmull,
        name: "pmull",
        aliases: &[],
        arm: "FEAT_PMULL",
        id: &[id(Isar0, 4, 2)],
        requires: &[Aes],
        encodings: &[Row("PMULL_1q")],
        implemented: true,
    },
    Feature {
        feat: Sha1,
        name: "sha1",
        aliases: &[],
        arm: "FEAT_SHA1",
        id: &[id(Isar0, 8, 1)],
        requires: &[Sha2],
        encodings: &[
            Row("SHA1C"),
            Row("SHA1P"),
            Row("SHA1M"),
            Row("SHA1SU0"),
            Row("SHA1H"),
            Row("SHA1SU1"),
        ],
        implemented: true,
    },
    Feature {
        feat: Sha2,
        name: "sha2",
        aliases: &["sha256"],
        arm: "FEAT_SHA256",
        id: &[id(Isar0, 12, 1)],
        requires: &[Sha1],
        encodings: &[
            Row("SHA256H"),
            Row("SHA256H2"),
            Row("SHA256SU1"),
            Row("SHA256SU0"),
        ],
        implemented: true,
    },
    Feature {
        feat: Sha512,
        name: "sha512",
        aliases: &[],
        arm: "FEAT_SHA512",
        id: &[id(Isar0, 12, 2)],
        requires: &[Sha2, Sha3],
        encodings: &[
            Row("SHA512H"),
            Row("SHA512H2"),
            Row("SHA512SU1"),
            Row("SHA512SU0"),
        ],
        implemented: true,
    },
    Feature {
        feat: Sha3,
        name: "sha3",
        aliases: &[],
        arm: "FEAT_SHA3",
        id: &[id(Isar0, 32, 1)],
        requires: &[Sha512],
        encodings: &[Row("EOR3"), Row("BCAX"), Row("RAX1"), Row("XAR")],
        implemented: true,
    },
    Feature {
        feat: Sm3,
        name: "sm3",
        aliases: &[],
        arm: "FEAT_SM3",
        id: &[id(Isar0, 36, 1)],
        requires: &[Sm4],
        encodings: &[
            Row("SM3PARTW1"),
            Row("SM3PARTW2"),
            Row("SM3SS1"),
            Row("SM3TT1A"),
            Row("SM3TT1B"),
            Row("SM3TT2A"),
            Row("SM3TT2B"),
        ],
        implemented: true,
    },
    Feature {
        feat: Sm4,
        name: "sm4",
        aliases: &[],
        arm: "FEAT_SM4",
        id: &[id(Isar0, 40, 1)],
        requires: &[Sm3],
        encodings: &[Row("SM4E"), Row("SM4EKEY")],
        implemented: true,
    },
    Feature {
        feat: DotProd,
        name: "dotprod",
        aliases: &["asimddp"],
        arm: "FEAT_DotProd",
        id: &[id(Isar0, 44, 1)],
        requires: &[],
        encodings: &[
            Row("SDOT_vec"),
            Row("UDOT_vec"),
            Row("SDOT_elem"),
            Row("UDOT_elem"),
        ],
        implemented: true,
    },
    Feature {
        feat: Fhm,
        name: "fhm",
        aliases: &["asimdfhm"],
        arm: "FEAT_FHM",
        id: &[id(Isar0, 48, 1)],
        requires: &[Fp16],
        encodings: &[
            Row("FMLAL_vec"),
            Row("FMLSL_vec"),
            Row("FMLAL2_vec"),
            Row("FMLSL2_vec"),
            Row("FMLAL_elem"),
            Row("FMLSL_elem"),
            Row("FMLAL2_elem"),
            Row("FMLSL2_elem"),
        ],
        implemented: true,
    },
    Feature {
        feat: FlagM,
        name: "flagm",
        aliases: &[],
        arm: "FEAT_FlagM",
        id: &[id(Isar0, 52, 1)],
        requires: &[],
        encodings: &[Row("CFINV"), Row("RMIF"), Row("SETF8"), Row("SETF16")],
        implemented: true,
    },
    Feature {
        feat: FlagM2,
        name: "flagm2",
        aliases: &[],
        arm: "FEAT_FlagM2",
        id: &[id(Isar0, 52, 2)],
        requires: &[FlagM],
        encodings: &[Row("AXFLAG"), Row("XAFLAG")],
        implemented: true,
    },
    Feature {
        feat: Jscvt,
        name: "jscvt",
        aliases: &[],
        arm: "FEAT_JSCVT",
        id: &[id(Isar1, 12, 1)],
        requires: &[],
        encodings: &[Row("FJCVTZS")],
        implemented: true,
    },
    Feature {
        feat: Fcma,
        name: "fcma",
        aliases: &[],
        arm: "FEAT_FCMA",
        id: &[id(Isar1, 16, 1)],
        requires: &[],
        encodings: &[Row("FCMLA_vec"), Row("FCADD"), Row("FCMLA_elem")],
        implemented: true,
    },
    Feature {
        feat: FrintTs,
        name: "frintts",
        aliases: &["frint"],
        arm: "FEAT_FRINTTS",
        id: &[id(Isar1, 32, 1)],
        requires: &[],
        encodings: &[
            Row("FRINT32Z"),
            Row("FRINT32X"),
            Row("FRINT64Z"),
            Row("FRINT64X"),
            Row("FRINT32Z_vec"),
            Row("FRINT32X_vec"),
            Row("FRINT64Z_vec"),
            Row("FRINT64X_vec"),
        ],
        implemented: true,
    },
    Feature {
        feat: Sb,
        name: "sb",
        aliases: &[],
        arm: "FEAT_SB",
        // Executed (a no-op barrier) but not announced.
        id: &[],
        requires: &[],
        encodings: &[Row("SB")],
        implemented: true,
    },
    Feature {
        feat: Bf16,
        name: "bf16",
        aliases: &[],
        arm: "FEAT_BF16",
        id: &[id(Isar1, 44, 1)],
        requires: &[],
        encodings: &[
            Row("BFDOT_vec"),
            Row("BFMLAL_vec"),
            Row("BFMMLA"),
            Row("BFDOT_elem"),
            Row("BFMLAL_elem"),
            Row("BFCVTN"),
            Row("BFCVT"),
        ],
        implemented: true,
    },
    Feature {
        feat: I8mm,
        name: "i8mm",
        aliases: &[],
        arm: "FEAT_I8MM",
        id: &[id(Isar1, 52, 1)],
        requires: &[],
        encodings: &[
            Row("USDOT_vec"),
            Row("SMMLA"),
            Row("UMMLA"),
            Row("USMMLA"),
            Row("USDOT_elem"),
            Row("SUDOT_elem"),
        ],
        implemented: true,
    },
    Feature {
        feat: Ecv,
        name: "ecv",
        aliases: &[],
        arm: "FEAT_ECV",
        // CNTVCTSS_EL0 is readable, but ID_AA64MMFR0_EL1.ECV stays 0.
        id: &[],
        requires: &[],
        encodings: &[Where("MRS", mrs_cntvctss)],
        implemented: true,
    },
    Feature {
        feat: Fp16,
        name: "fp16",
        aliases: &["fphp", "asimdhp"],
        arm: "FEAT_FP16",
        // ID_AA64PFR0_EL1.FP and AdvSIMD = 1: with half precision.
        id: &[id(Pfr0, 16, 1), id(Pfr0, 20, 1)],
        requires: &[],
        // Every scalar form with ftype = 11 but FCVT (to and from half is
        // Armv8.0), the half-precision forms of Advanced SIMD (their own
        // rows, but the fixed-point conversions by immediate, whose immh
        // selects the precision), and FCMLA/FCADD on half precision.
        encodings: &[
            Where("SCVTF_fix", ftype_half),
            Where("UCVTF_fix", ftype_half),
            Where("FCVTZS_fix", ftype_half),
            Where("FCVTZU_fix", ftype_half),
            Where("FCVTNS", ftype_half),
            Where("FCVTNU", ftype_half),
            Where("FCVTPS", ftype_half),
            Where("FCVTPU", ftype_half),
            Where("FCVTMS", ftype_half),
            Where("FCVTMU", ftype_half),
            Where("FCVTZS", ftype_half),
            Where("FCVTZU", ftype_half),
            Where("SCVTF", ftype_half),
            Where("UCVTF", ftype_half),
            Where("FCVTAS", ftype_half),
            Where("FCVTAU", ftype_half),
            Where("FMOV_to_gen", ftype_half),
            Where("FMOV_from_gen", ftype_half),
            Where("FMOV_reg", ftype_half),
            Where("FABS", ftype_half),
            Where("FNEG", ftype_half),
            Where("FSQRT", ftype_half),
            Where("FRINTN", ftype_half),
            Where("FRINTP", ftype_half),
            Where("FRINTM", ftype_half),
            Where("FRINTZ", ftype_half),
            Where("FRINTA", ftype_half),
            Where("FRINTX", ftype_half),
            Where("FRINTI", ftype_half),
            Where("FCMP", ftype_half),
            Where("FCMP_zero", ftype_half),
            Where("FCMPE", ftype_half),
            Where("FCMPE_zero", ftype_half),
            Where("FMOV_imm", ftype_half),
            Where("FCCMP", ftype_half),
            Where("FCCMPE", ftype_half),
            Where("FMUL", ftype_half),
            Where("FDIV", ftype_half),
            Where("FADD", ftype_half),
            Where("FSUB", ftype_half),
            Where("FMAX", ftype_half),
            Where("FMIN", ftype_half),
            Where("FMAXNM", ftype_half),
            Where("FMINNM", ftype_half),
            Where("FNMUL", ftype_half),
            Where("FCSEL", ftype_half),
            Where("FMADD", ftype_half),
            Where("FMSUB", ftype_half),
            Where("FNMADD", ftype_half),
            Where("FNMSUB", ftype_half),
            Row("FRINTN_vh"),
            Row("FRINTM_vh"),
            Row("FCVTNS_vh"),
            Row("FCVTMS_vh"),
            Row("FCVTAS_vh"),
            Row("SCVTF_vh"),
            Row("FCMGT_zero_vh"),
            Row("FCMEQ_zero_vh"),
            Row("FCMLT_zero_vh"),
            Row("FABS_vh"),
            Row("FRINTP_vh"),
            Row("FRINTZ_vh"),
            Row("FCVTPS_vh"),
            Row("FCVTZS_vh"),
            Row("FRECPE_vh"),
            Row("FRINTA_vh"),
            Row("FRINTX_vh"),
            Row("FCVTNU_vh"),
            Row("FCVTMU_vh"),
            Row("FCVTAU_vh"),
            Row("UCVTF_vh"),
            Row("FCMGE_zero_vh"),
            Row("FCMLE_zero_vh"),
            Row("FNEG_vh"),
            Row("FRINTI_vh"),
            Row("FCVTPU_vh"),
            Row("FCVTZU_vh"),
            Row("FRSQRTE_vh"),
            Row("FSQRT_vh"),
            Row("FCVTNS_sh"),
            Row("FCVTMS_sh"),
            Row("FCVTAS_sh"),
            Row("SCVTF_sh"),
            Row("FCMGT_zero_sh"),
            Row("FCMEQ_zero_sh"),
            Row("FCMLT_zero_sh"),
            Row("FCVTPS_sh"),
            Row("FCVTZS_sh"),
            Row("FRECPE_sh"),
            Row("FRECPX_sh"),
            Row("FCVTNU_sh"),
            Row("FCVTMU_sh"),
            Row("FCVTAU_sh"),
            Row("UCVTF_sh"),
            Row("FCMGE_zero_sh"),
            Row("FCMLE_zero_sh"),
            Row("FCVTPU_sh"),
            Row("FCVTZU_sh"),
            Row("FRSQRTE_sh"),
            Row("FMAXNM_vh"),
            Row("FMLA_vh"),
            Row("FADD_vh"),
            Row("FMULX_vh"),
            Row("FCMEQ_vh"),
            Row("FMAX_vh"),
            Row("FRECPS_vh"),
            Row("FMINNM_vh"),
            Row("FMLS_vh"),
            Row("FSUB_vh"),
            Row("FMIN_vh"),
            Row("FRSQRTS_vh"),
            Row("FMAXNMP_vh"),
            Row("FADDP_vh"),
            Row("FMUL_vh"),
            Row("FCMGE_vh"),
            Row("FACGE_vh"),
            Row("FMAXP_vh"),
            Row("FDIV_vh"),
            Row("FMINNMP_vh"),
            Row("FABD_vh"),
            Row("FCMGT_vh"),
            Row("FACGT_vh"),
            Row("FMINP_vh"),
            Row("FMULX_sh"),
            Row("FCMEQ_sh"),
            Row("FRECPS_sh"),
            Row("FRSQRTS_sh"),
            Row("FCMGE_sh"),
            Row("FACGE_sh"),
            Row("FABD_sh"),
            Row("FCMGT_sh"),
            Row("FACGT_sh"),
            Row("FMAXNMV_h"),
            Row("FMINNMV_h"),
            Row("FMAXV_h"),
            Row("FMINV_h"),
            Row("FMAXNMP_sh"),
            Row("FMINNMP_sh"),
            Row("FADDP_sh"),
            Row("FMAXP_sh"),
            Row("FMINP_sh"),
            Where("SCVTF_fix_v", fixed_point_half),
            Where("UCVTF_fix_v", fixed_point_half),
            Where("FCVTZS_fix_v", fixed_point_half),
            Where("FCVTZU_fix_v", fixed_point_half),
            Where("SCVTF_fix_s", fixed_point_half),
            Where("UCVTF_fix_s", fixed_point_half),
            Where("FCVTZS_fix_s", fixed_point_half),
            Where("FCVTZU_fix_s", fixed_point_half),
            Row("FMOV_imm_vh"),
            Row("FMLA_elem_h"),
            Row("FMLS_elem_h"),
            Row("FMUL_elem_h"),
            Row("FMULX_elem_h"),
            Row("FMLA_selem_h"),
            Row("FMLS_selem_h"),
            Row("FMUL_selem_h"),
            Row("FMULX_selem_h"),
            Where("FCMLA_vec", size_half),
            Where("FCADD", size_half),
            Where("FCMLA_elem", size_half),
        ],
        implemented: true,
    },
    Feature {
        feat: Ssbs,
        name: "ssbs",
        aliases: &[],
        arm: "FEAT_SSBS2",
        // PSTATE.SSBS with MSR (immediate) and, FEAT_SSBS2, the SSBS
        // register: ID_AA64PFR1_EL1.SSBS = 2.
        id: &[id(Pfr1, 4, 2)],
        requires: &[],
        encodings: &[
            Where("MSR_imm", msr_imm_ssbs),
            Where("MRS", sysreg_ssbs),
            Where("MSR_reg", sysreg_ssbs),
        ],
        implemented: true,
    },
    Feature {
        feat: Dit,
        name: "dit",
        aliases: &[],
        arm: "FEAT_DIT",
        // PSTATE.DIT, MSR (immediate) and the DIT register:
        // ID_AA64PFR0_EL1.DIT = 1. (Timing is not observable in emu; the
        // bit reads back and travels through signal frames.)
        id: &[id(Pfr0, 48, 1)],
        requires: &[],
        encodings: &[
            Where("MSR_imm", msr_imm_dit),
            Where("MRS", sysreg_dit),
            Where("MSR_reg", sysreg_dit),
        ],
        implemented: true,
    },
];

/// A set of features (bit n = `Feat` n).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default, Hash)]
pub struct FeatureSet(pub u64);

impl FeatureSet {
    pub const EMPTY: FeatureSet = FeatureSet(0);

    /// Every feature emu implements.
    pub const IMPLEMENTED: FeatureSet = {
        let mut s = 0;
        let mut i = 0;
        while i < FEATURES.len() {
            if FEATURES[i].implemented {
                s |= 1 << i;
            }
            i += 1;
        }
        FeatureSet(s)
    };

    pub const fn has(self, f: Feat) -> bool {
        self.0 & (1 << f as u32) != 0
    }

    pub const fn with(self, f: Feat) -> FeatureSet {
        FeatureSet(self.0 | 1 << f as u32)
    }

    pub const fn without(self, f: Feat) -> FeatureSet {
        FeatureSet(self.0 & !(1 << f as u32))
    }

    /// The set of a list of features.
    pub const fn of(list: &[Feat]) -> FeatureSet {
        let mut s = FeatureSet::EMPTY;
        let mut i = 0;
        while i < list.len() {
            s = s.with(list[i]);
            i += 1;
        }
        s
    }

    /// Whether `f` is announced: enabled, implemented, and everything it
    /// requires enabled.
    pub const fn announces(self, f: Feat) -> bool {
        let row = &FEATURES[f as usize];
        if !self.has(f) || !row.implemented {
            return false;
        }
        let mut i = 0;
        while i < row.requires.len() {
            if !self.has(row.requires[i]) {
                return false;
            }
            i += 1;
        }
        true
    }

    /// The features in table order.
    pub fn iter(self) -> impl Iterator<Item = &'static Feature> {
        FEATURES.iter().filter(move |f| self.has(f.feat))
    }
}

/// The ID register fields features set, as the guest reads them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct IdRegs {
    pub pfr0: u64,
    pub pfr1: u64,
    pub isar0: u64,
    pub isar1: u64,
}

impl IdRegs {
    /// The registers announcing the features of `set` on top of `base`: each
    /// field takes the highest value any announced feature gives it.
    pub const fn announcing(base: IdRegs, set: FeatureSet) -> IdRegs {
        let mut regs = base;
        let mut i = 0;
        while i < FEATURES.len() {
            let f = &FEATURES[i];
            if set.announces(f.feat) {
                let mut j = 0;
                while j < f.id.len() {
                    regs.raise(f.id[j]);
                    j += 1;
                }
            }
            i += 1;
        }
        regs
    }

    const fn raise(&mut self, field: IdField) {
        let reg = match field.reg {
            Pfr0 => &mut self.pfr0,
            Pfr1 => &mut self.pfr1,
            Isar0 => &mut self.isar0,
            Isar1 => &mut self.isar1,
        };
        let shift = field.shift as u32;
        let value = field.value as u64;
        if (*reg >> shift) & 0xf < value {
            *reg = (*reg & !(0xf << shift)) | (value << shift);
        }
    }

    /// The value of `reg`.
    pub const fn get(&self, reg: IdReg) -> u64 {
        match reg {
            Pfr0 => self.pfr0,
            Pfr1 => self.pfr1,
            Isar0 => self.isar0,
            Isar1 => self.isar1,
        }
    }
}

/// The feature named `name` (its `-cpu` name or an alias).
pub fn by_name(name: &str) -> Option<&'static Feature> {
    FEATURES
        .iter()
        .find(|f| f.name == name || f.aliases.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm64::encodings::rows;

    #[test]
    fn rows_are_in_feat_order_with_unique_names() {
        assert!(FEATURES.len() <= 64);
        for (i, f) in FEATURES.iter().enumerate() {
            assert_eq!(f.feat as usize, i, "{}", f.name);
            for g in &FEATURES[i + 1..] {
                for n in std::iter::once(&f.name).chain(f.aliases) {
                    assert!(
                        g.name != *n && !g.aliases.contains(n),
                        "{n} names {} and {}",
                        f.name,
                        g.name
                    );
                }
            }
            for r in f.requires {
                assert_ne!(*r, f.feat);
            }
        }
    }

    #[test]
    fn every_named_row_exists_and_extension_rows_belong_to_a_feature() {
        let all = rows();
        for f in FEATURES {
            for e in f.encodings {
                assert!(
                    all.iter().any(|r| r.name == e.row()),
                    "{}: no row {}",
                    f.name,
                    e.row()
                );
            }
        }
        use crate::arm64::encodings::{crypto, ext};
        let optional = ext::TABLE
            .iter()
            .map(|r| r.1)
            .chain(crypto::TABLE.iter().map(|r| r.1));
        for name in optional {
            let owners = FEATURES
                .iter()
                .filter(|f| {
                    f.encodings
                        .iter()
                        .any(|e| matches!(e, Row(r) if *r == name))
                })
                .count();
            assert_eq!(owners, 1, "row {name} belongs to {owners} features");
        }
    }

    #[test]
    fn real_cores_have_what_their_features_require() {
        use crate::arm64::cpu_model::CORES;
        for c in CORES {
            let set = c.all_features();
            for f in set.iter() {
                for r in f
                    .requires
                    .iter()
                    .filter(|r| FEATURES[**r as usize].implemented)
                {
                    assert!(set.has(*r), "{}: {} without {:?}", c.name, f.name, r);
                }
            }
        }
    }

    #[test]
    fn predicates_pick_the_right_words() {
        // dc cvap, x0 / dc cvadp, x0 / dc cvau, x0
        assert!(dc_cvap(0xd50b_7c20) && !dc_cvadp(0xd50b_7c20));
        assert!(dc_cvadp(0xd50b_7d20) && !dc_cvap(0xd50b_7b20));
        // mrs x0, cntvctss_el0 / mrs x0, cntvct_el0
        assert!(mrs_cntvctss(0xd53b_e0c0) && !mrs_cntvctss(0xd53b_e040));
        // mrs x0, dit / msr ssbs, x0 / mrs x0, nzcv
        assert!(sysreg_dit(0xd53b_42a0) && !sysreg_ssbs(0xd53b_42a0));
        assert!(sysreg_ssbs(0xd51b_42c0) && !sysreg_dit(0xd53b_4200));
        // msr dit, #1 / msr ssbs, #1 / msr tco, #1 / msr daifset, #2
        assert!(msr_imm_dit(0xd503_415f) && !msr_imm_ssbs(0xd503_415f));
        assert!(msr_imm_ssbs(0xd503_413f) && !msr_imm_dit(0xd503_419f));
        assert!(!msr_imm_dit(0xd503_42df) && !msr_imm_ssbs(0xd503_42df));
    }

    #[test]
    fn announcement_needs_requirements_and_implementation() {
        let all = FeatureSet::IMPLEMENTED;
        assert!(all.announces(Feat::Lse) && all.announces(Feat::Fp16));
        assert!(all.announces(Feat::Fhm));
        // FHM executes but is not announced without FP16.
        let no_fp16 = FeatureSet::of(&[Fhm]);
        assert!(no_fp16.has(Feat::Fhm) && !no_fp16.announces(Feat::Fhm));
        let set = FeatureSet::of(&[Aes, Pmull, Sha1, Sha2]);
        assert_eq!(IdRegs::announcing(IdRegs::default(), set).isar0, 0x1120);
        // SHA1 alone breaks the SHA1/SHA256 pairing: not announced.
        let regs = IdRegs::announcing(IdRegs::default(), FeatureSet::of(&[Aes, Pmull, Sha1]));
        assert_eq!(regs.isar0, 0x20);
        let no_aes = IdRegs::announcing(IdRegs::default(), FeatureSet::of(&[Pmull]));
        assert_eq!(no_aes.isar0, 0);
    }
}
