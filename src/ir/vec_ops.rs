//! The vector operations of the IR ([`VecOp`] with its lane-operation
//! kinds): what `Op::Vec` computes on the guest's V registers, each with an
//! inline x86 form or the exact helper. Nothing here knows arm64 encodings.

use super::ops::{CryptoOp, HalfOp};

/// Integer vector operations with an inline fast path.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VOp {
    Add,
    Sub,
    Mul,
    /// `d + n * m`.
    Mla,
    /// `d - n * m`.
    Mls,
    And,
    Orr,
    Eor,
    /// `n AND NOT m`.
    Bic,
    /// All ones where `n == m`, else zero.
    Cmeq,
    /// All ones where `n > m` (signed), else zero.
    Cmgt,
    /// All ones where `n >= m` (signed), else zero.
    Cmge,
    /// All ones where `n > m` (unsigned), else zero.
    Cmhi,
    /// All ones where `n >= m` (unsigned), else zero.
    Cmhs,
    /// All ones where `n AND m` is not zero, else zero.
    Cmtst,
    /// `n OR NOT m`.
    Orn,
    /// Bitwise selects that also read `d`: BSL `(n AND d) OR (m AND NOT
    /// d)`, BIT `(n AND m) OR (d AND NOT m)`, BIF `(d AND m) OR (n AND NOT
    /// m)`.
    Bsl,
    Bit,
    Bif,
    /// The larger (`max`) or smaller of `n` and `m`, signed or unsigned.
    Max {
        signed: bool,
    },
    Min {
        signed: bool,
    },
    /// Pairwise: the lanes of the concatenation `m:n` (`n` in the low
    /// lanes), adjacent pairs combined by `Add`, `Max` or `Min` (ADDP,
    /// SMAXP, UMINP, ...): the pairs of `n` fill the low half of the
    /// result, those of `m` the high half.
    Pairwise(PairOp),
}

/// How [`VOp::Pairwise`] combines a pair of lanes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PairOp {
    Add,
    Max { signed: bool },
    Min { signed: bool },
}

/// Lane-wise shifts by an immediate in [`VecOp::Shift`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VShiftOp {
    /// Left, `sh` in 0..esize.
    Shl,
    /// Logical right, `sh` in 1..=esize.
    Ushr,
    /// Arithmetic right, `sh` in 1..=esize.
    Sshr,
    /// `d + (n >> sh)`, logical.
    Usra,
    /// `d + (n >> sh)`, arithmetic.
    Ssra,
    /// Logical right shift inserted into `d` (the top `sh` bits of each
    /// lane of `d` are kept).
    Sri,
    /// Left shift inserted into `d` (the low `sh` bits of each lane of `d`
    /// are kept).
    Sli,
}

/// Vector operations on V registers with an inline fast path, see
/// [`Op::Vec`]. Lanes are `esize` bits; `q == false` means a 64-bit result
/// with the upper half of `V[vd]` zeroed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VecOp {
    /// `V[vd] = V[vn] op sh` lane-wise (the accumulating and inserting
    /// forms also read `V[vd]`).
    Shift {
        op: VShiftOp,
        esize: u8,
        q: bool,
        sh: u8,
    },
    /// The `esize`-bit lanes of the low (or, with `upper`, high) 64 bits of
    /// `V[vn]`, zero- or sign-extended to `2 * esize` bits and shifted left
    /// by `sh` (0..=esize), fill all 128 bits of `V[vd]`.
    Widen {
        signed: bool,
        esize: u8,
        upper: bool,
        sh: u8,
    },
    /// The `2 * esize`-bit lanes of `V[vn]`, shifted right logically by
    /// `sh` (0..=esize; adding `1 << (sh - 1)` first with `round`) and
    /// truncated to `esize` bits, form 64 bits written to the low half of
    /// `V[vd]` (upper half zeroed) or, with `upper`, to its high half (low
    /// half kept).
    Narrow {
        esize: u8,
        upper: bool,
        sh: u8,
        round: bool,
    },
    /// Every lane of `V[vd]` is lane `idx` of `V[vn]`; with `scalar`, only
    /// lane 0 is and the rest of `V[vd]` is zeroed.
    Dup {
        esize: u8,
        q: bool,
        scalar: bool,
        idx: u8,
    },
    /// The products of the `esize`-bit lanes of the low (or, with `upper`,
    /// high) 64 bits of `V[vn]` and `V[vm]`, sign- or zero-extended, as
    /// `2 * esize`-bit lanes: written to `V[vd]`, or added to or subtracted
    /// from its lanes (xMULL, xMLAL, xMLSL).
    MulLong {
        signed: bool,
        esize: u8,
        upper: bool,
        acc: LongAcc,
        vm: u8,
    },
    /// Bytes `imm..imm + 8` (or `+ 16` with `q`) of the concatenation
    /// `V[vm]:V[vn]` of two 64-bit (or 128-bit) vectors.
    Ext { q: bool, vm: u8, imm: u8 },
    /// SDOT/UDOT/USDOT/SUDOT: each 32-bit lane of `V[vd]` (two, or four
    /// with `q`) plus the four products of the bytes of the same lane of
    /// `V[vn]` and `V[vm]` (with `elem`, of 32-bit lane `elem` of `V[vm]`),
    /// each operand's bytes signed or unsigned, modulo 2^32.
    Dot {
        n_unsigned: bool,
        m_unsigned: bool,
        q: bool,
        vm: u8,
        elem: Option<u8>,
    },
    /// Half-precision `V[vd] = V[vn] op V[vm]` lane-wise (FMLA/FMLS also
    /// read `V[vd]`) on four (or, with `q`, eight) lanes; with `elem`,
    /// every lane of the second operand is lane `elem` of `V[vm]`. With
    /// `scalar`, lane 0 alone (the pairwise forms: lanes 0 and 1 of
    /// `V[vn]`), the rest of `V[vd]` zeroed.
    Half {
        op: HalfOp,
        q: bool,
        scalar: bool,
        vm: u8,
        elem: Option<u8>,
    },
    /// A cryptographic-extension instruction (see [`CryptoOp`]).
    Crypto { op: CryptoOp, vm: u8 },
    /// `V[vd] = op(V[vn])` lane-wise on `esize`-bit lanes.
    Unary { op: VUnOp, esize: u8, q: bool },
    /// SQDMULH/SQRDMULH (`acc: Set`) and SQRDMLAH/SQRDMLSH (`Add`, `Sub`)
    /// on 16- or 32-bit (`esize`) lanes: per lane
    /// `SignedSat(((d << esize) ± 2 * n * m + (1 << (esize - 1))) >> esize)`,
    /// without the `d` term for `Set` and without the rounding constant
    /// unless `round`; FPSR.QC is set when any lane saturates. With
    /// `scalar` only lane 0 counts (the rest of `V[vd]` is zeroed), else
    /// the lanes of 64 (with `q`, 128) bits; with `elem`, every lane of the
    /// second operand is lane `elem` of `V[vm]`.
    Qdmulh {
        esize: u8,
        q: bool,
        scalar: bool,
        round: bool,
        acc: LongAcc,
        vm: u8,
        elem: Option<u8>,
    },
    /// SQDMULL/SQDMULL2 (`acc: Set`), SQDMLAL/SQDMLAL2 (`Add`) and
    /// SQDMLSL/SQDMLSL2 (`Sub`) on 16- or 32-bit (`esize`) source lanes:
    /// per lane of the low (or, with `upper`, high) 64 bits of `V[vn]` and
    /// `V[vm]`, `p = SignedSat(2 * n * m)` on `2 * esize` bits, then
    /// `SignedSat(d ± p)` with the destination's `2 * esize`-bit lane `d`
    /// (or `p` alone for `Set`), all 128 bits of `V[vd]` written; FPSR.QC
    /// is set when either saturates. With `scalar` only lane 0 (the rest of
    /// `V[vd]` zeroed); with `elem`, every lane of the second operand is
    /// lane `elem` of `V[vm]`.
    Qdmull {
        esize: u8,
        upper: bool,
        scalar: bool,
        acc: LongAcc,
        vm: u8,
        elem: Option<u8>,
    },
    /// SMMLA/UMMLA/USMMLA: `V[vd]` (a 2x2 matrix of 32-bit lanes) plus
    /// the product of `V[vn]` (2x8 bytes, row-major) and the transpose of
    /// `V[vm]` (2x8), each operand's bytes signed or unsigned, modulo 2^32.
    Mmla {
        n_unsigned: bool,
        m_unsigned: bool,
        vm: u8,
    },
    /// BFCVT (`scalar`: lane 0 of `V[vn]` to a BFloat16 in `V[vd]`, the
    /// rest zeroed) and BFCVTN/BFCVTN2 (the four single lanes of `V[vn]`
    /// to BFloat16 lanes in the low half of `V[vd]`, the high half zeroed;
    /// with `q`, in the high half, the low half kept): `FPConvertBF` under
    /// FPCR, exceptions recorded in FPSR.
    BfCvt { scalar: bool, q: bool },
    /// BFDOT and, with `mmla`, BFMMLA: `BFDotAdd` (FPCR.EBF = 0, FPCR
    /// ignored, no exceptions). BFDOT: each 32-bit lane of `V[vd]` (two,
    /// or four with `q`) plus the two products of the BFloat16 pairs of
    /// the same lane of `V[vn]` and `V[vm]` (with `elem`, of 32-bit lane
    /// `elem` of `V[vm]`). BFMMLA: `V[vd]` (2x2 singles) plus `V[vn]` (2x4
    /// BFloat16, row-major) times the transpose of `V[vm]` (2x4), each
    /// lane two `BFDotAdd`s in order.
    BfDot {
        mmla: bool,
        q: bool,
        vm: u8,
        elem: Option<u8>,
    },
    /// ZIP1/ZIP2, UZP1/UZP2, TRN1/TRN2 of `V[vn]` and `V[vm]` on
    /// `esize`-bit lanes of 64 (upper half of `V[vd]` zeroed) or, with `q`,
    /// 128 bits.
    Permute {
        op: PermOp,
        esize: u8,
        q: bool,
        vm: u8,
    },
    /// `op` over the `esize`-bit lanes of the low 64 (or, with `q`, all
    /// 128) bits of `V[vn]`: the result in the low lane of `V[vd]`, the rest
    /// zeroed.
    Reduce { op: RedOp, esize: u8, q: bool },
    /// The integer three-same operation `op` (see [`SameOp`]) of `V[vn]`
    /// and `V[vm]` on `esize`-bit lanes, signed or unsigned: 64 bits (upper
    /// half of `V[vd]` zeroed) or, with `q`, 128; with `scalar`, lane 0
    /// alone, the rest of `V[vd]` zeroed. The saturating ones set FPSR.QC
    /// when any lane written saturates.
    Same {
        op: SameOp,
        signed: bool,
        esize: u8,
        q: bool,
        scalar: bool,
        vm: u8,
    },
    /// TBL (TBX with `tbx`): byte `i` of the result (8 or, with `q`, 16
    /// bytes; the upper half of `V[vd]` zeroed otherwise) is byte `x` of
    /// the table `V[vn]`, `V[(vn + 1) % 32]`, ... of `regs` registers (1 to
    /// 4; byte 16 * j + b being byte b of the j-th), for `x` byte `i` of
    /// `V[vm]`; an `x` of `16 * regs` or more gives 0 (TBX: byte `i` of
    /// `V[vd]`).
    Tbl {
        regs: u8,
        tbx: bool,
        q: bool,
        vm: u8,
    },
    /// The long and wide forms xADDL, xSUBL, xADDW, xSUBW, xABDL and
    /// xABAL (see [`LongOp`]): the `esize`-bit lanes of the low (or, with
    /// `upper`, high) 64 bits of `V[vm]` (and of `V[vn]`, except for the
    /// wide forms, which take all 128 bits of `V[vn]` as `2 * esize`-bit
    /// lanes), sign- or zero-extended, give the `2 * esize`-bit lanes of
    /// `V[vd]`.
    Long {
        op: LongOp,
        signed: bool,
        esize: u8,
        upper: bool,
        vm: u8,
    },
    /// ADDHN/SUBHN and, with `round`, RADDHN/RSUBHN: the high halves of the
    /// `2 * esize`-bit lane sums (differences with `sub`) of `V[vn]` and
    /// `V[vm]` (plus `1 << (esize - 1)` with `round`), modulo 2^(2 * esize),
    /// written like [`VecOp::Narrow`].
    AddNarrow {
        sub: bool,
        round: bool,
        esize: u8,
        upper: bool,
        vm: u8,
    },
    /// The saturating narrowing moves and shifts (SQXTN, UQXTN, SQXTUN and
    /// SQSHRN, UQSHRN, SQSHRUN and their rounding forms): each
    /// `2 * esize`-bit lane of `V[vn]`, signed or unsigned (`signed_in`),
    /// shifted right by `sh` (0..=esize; rounded with `round`: plus
    /// `1 << (sh - 1)` first, without overflow), saturated to the signed or
    /// unsigned (`signed_out`) `esize`-bit range and written like
    /// [`VecOp::Narrow`]; FPSR.QC is set when any lane saturates. With
    /// `scalar` (and not `upper`), lane 0 alone: the low `2 * esize` bits
    /// of `V[vn]` narrowed into the low `esize` bits of `V[vd]`, the rest
    /// zeroed, QC from that lane only.
    SatNarrow {
        signed_in: bool,
        signed_out: bool,
        esize: u8,
        upper: bool,
        sh: u8,
        round: bool,
        scalar: bool,
    },
    /// SRSHR/URSHR and, with `acc`, SRSRA/URSRA: each `esize`-bit lane of
    /// `V[vn]`, signed or not, plus `1 << (sh - 1)` (without overflow),
    /// shifted right by `sh` (1..=esize), and added to the lane of `V[vd]`
    /// with `acc`. 64 bits (upper half zeroed) or, with `q`, 128.
    RoundShift {
        signed: bool,
        acc: bool,
        esize: u8,
        q: bool,
        sh: u8,
    },
    /// [`VecOp::MulLong`] by element (SMULL/UMULL, SMLAL/UMLAL,
    /// SMLSL/UMLSL by element): every lane of the second operand is the
    /// `esize`-bit (16 or 32) lane `elem` of `V[vm]`.
    MulLongElem {
        signed: bool,
        esize: u8,
        upper: bool,
        acc: LongAcc,
        vm: u8,
        elem: u8,
    },
    /// SQSHL/UQSHL (`signed_in == signed_out`) and SQSHLU (signed in,
    /// unsigned out) by immediate: each `esize`-bit lane of `V[vn]` shifted
    /// left by `sh` (0..esize), saturated to the signed or unsigned range;
    /// FPSR.QC is set when any lane saturates. 64 bits (upper half zeroed)
    /// or, with `q`, 128; with `scalar` (and not `q`), lane 0 alone, the
    /// rest of `V[vd]` zeroed, QC from that lane only.
    QShl {
        signed_in: bool,
        signed_out: bool,
        esize: u8,
        q: bool,
        sh: u8,
        scalar: bool,
    },
    /// Floating-point `V[vd] = V[vn] op V[vm]` (or `op(V[vn])`) lane-wise
    /// on single (`double`: double-precision) lanes of the low 64 (upper
    /// half of `V[vd]` zeroed) or, with `q`, all 128 bits; with `scalar`,
    /// lane 0 alone, the rest of `V[vd]` zeroed. FPCR and FPSR as the
    /// Arm ARM defines each instruction (see [`VFpOp`]).
    Fp {
        op: VFpOp,
        double: bool,
        q: bool,
        scalar: bool,
        vm: u8,
    },
    /// [`VecOp::Fp`]'s rounding and conversion forms on half-precision
    /// lanes: FRINTN/P/M/Z/A/I/X (`Round`), FCVTNS/PS/MS/ZS/AS and the
    /// unsigned FCVTxU to 16-bit integers (`ToInt`; with `fbits`, FCVTZS/
    /// FCVTZU to fixed point), SCVTF/UCVTF from 16-bit integers or
    /// fixed-point numbers (`FromInt`), on the four halves of
    /// the low 64 bits (upper half of `V[vd]` zeroed) or, with `q`, all
    /// eight; with `scalar`, lane 0 alone, the rest of `V[vd]` zeroed.
    HalfFp { op: VFpOp, q: bool, scalar: bool },
    /// The reciprocal estimates lane-wise on `esize`-bit lanes (16, 32 or
    /// 64; the unsigned ones 32) of the low 64 bits (upper half of `V[vd]`
    /// zeroed) or, with `q`, all 128; with `scalar`, lane 0 alone, the rest
    /// of `V[vd]` zeroed. `table` holds the 8-bit estimates (see
    /// [`EstOp`]); FPCR and FPSR as the Arm ARM defines each instruction.
    Estimate {
        op: EstOp,
        esize: u8,
        q: bool,
        scalar: bool,
        table: EstTable,
    },
    /// The integer two-register miscellaneous operation `op` (see
    /// [`MiscOp`]) on the `esize`-bit lanes of `V[vn]` (and of `V[vd]` for
    /// the accumulating ones): 64 bits (upper half of `V[vd]` zeroed) or,
    /// with `q`, 128; with `scalar`, lane 0 alone, the rest of `V[vd]`
    /// zeroed. The saturating ones set FPSR.QC when any lane written
    /// saturates.
    Misc {
        op: MiscOp,
        esize: u8,
        q: bool,
        scalar: bool,
    },
}

/// The operations of [`VecOp::Misc`] on lane values `n` (and `d`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MiscOp {
    /// SADDLP/UADDLP: adjacent pairs of lanes, sign- or zero-extended,
    /// summed into the `2 * esize`-bit lanes of the result; SADALP/UADALP
    /// (`acc`) add those to the `2 * esize`-bit lanes of `V[vd]` (modulo
    /// 2^(2 * esize)).
    Addlp {
        signed: bool,
        acc: bool,
    },
    /// SUQADD (`signed`: signed `d` plus unsigned `n`, saturated to the
    /// signed range) and USQADD (unsigned `d` plus signed `n`, saturated
    /// to the unsigned range).
    Sqadd {
        signed: bool,
    },
    /// CLS: the number of bits below the sign bit equal to it; CLZ: the
    /// number of leading zero bits (8-, 16- and 32-bit lanes).
    Cls,
    Clz,
    /// SQABS, SQNEG: `|n|`, `-n`, the most negative value saturating to
    /// the most positive.
    Sqabs,
    Sqneg,
}

/// The operations of [`VecOp::Estimate`], with what their [`EstTable`]
/// holds for a lane whose fast form applies.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EstOp {
    /// FRECPE (FPRecipEstimate): the result's fraction is
    /// `table[fraction's top 8 bits]` above the lower fraction bits zero.
    Recip,
    /// FRSQRTE (FPRSqrtEstimate): the fraction is
    /// `table[(exponent & 1) << 8 | fraction's top 8 bits]`.
    Rsqrt,
    /// FRECPX (FPRecpX, `table` unused): the exponent inverted, the
    /// fraction cleared.
    Recpx,
    /// URECPE, URSQRTE: a lane below 2^31 (2^30) gives all ones, the rest
    /// `1 << 31 | table[lane >> 23 & 0xff] << 23` (`table[lane >> 23]`).
    URecip,
    URsqrt,
}

/// A table of 8-bit estimates for [`VecOp::Estimate`] (printed as its
/// length alone).
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct EstTable(pub &'static [u8]);

impl std::fmt::Debug for EstTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EstTable({} entries)", self.0.len())
    }
}

/// The operations of [`VecOp::Same`], on lane values `n`, `m` (and `d`)
/// taken as signed or unsigned integers, computed exactly.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SameOp {
    /// SQADD/UQADD, SQSUB/UQSUB: `n + m`, `n - m`, saturated to the lane's
    /// range (FPSR.QC set when a lane saturates).
    Qadd,
    Qsub,
    /// SHADD/UHADD, SRHADD/URHADD, SHSUB/UHSUB: `(n + m) >> 1`,
    /// `(n + m + 1) >> 1`, `(n - m) >> 1` (modulo 2^esize).
    Hadd,
    Rhadd,
    Hsub,
    /// SABD/UABD: `|n - m|`; SABA/UABA: `d + |n - m|` (modulo 2^esize).
    Abd,
    Aba,
    /// SSHL/USHL: `n` shifted by the signed low byte `s` of `m`: left by
    /// `s` when `s >= 0`, else right by `-s` (arithmetic when signed);
    /// shifts of `esize` or more give 0 (or, right and signed, the sign).
    Shl,
    /// SRSHL/URSHL: as `Shl`, the right shifts by `k` rounding
    /// (`(n + (1 << (k - 1))) >> k`, exact).
    Rshl,
    /// SQSHL/UQSHL, SQRSHL/UQRSHL (register): as `Shl`, `Rshl`, the left
    /// shifts saturated to the lane's range (any non-zero `n` shifted by
    /// `esize` or more saturates); FPSR.QC set when a lane saturates.
    Qshl,
    Qrshl,
}

/// The long and wide operations of [`VecOp::Long`] on the extended lanes
/// `n` and `m` (and `d`, the destination's lanes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LongOp {
    /// `n + m` (xADDL), `n - m` (xSUBL).
    Add,
    Sub,
    /// The same with all of `V[vn]` as the `n` lanes (xADDW, xSUBW).
    Addw,
    Subw,
    /// `|n - m|` (xABDL).
    Abd,
    /// `d + |n - m|` (xABAL).
    Aba,
}

/// The across-lanes reductions of [`VecOp::Reduce`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RedOp {
    /// ADDV (and ADDP scalar: two 64-bit lanes): the sum modulo 2^esize.
    Add,
    /// SADDLV/UADDLV: the exact sum of the sign- or zero-extended lanes,
    /// `2 * esize` bits.
    AddLong {
        signed: bool,
    },
    /// SMAXV/UMAXV, SMINV/UMINV.
    Max {
        signed: bool,
    },
    Min {
        signed: bool,
    },
}

/// The permutes of [`VecOp::Permute`]; lane `i` of the result of `el` lanes
/// is, for `Zip1` lane `i / 2` of `n` (even `i`) or `m` (odd `i`), for
/// `Zip2` lane `el / 2 + i / 2` of the same, for `Uzp1` (`Uzp2`) lane `2i`
/// (`2i + 1`) of the concatenation `m:n`, for `Trn1` (`Trn2`) lane
/// `i & !1` (`i | 1`) of `n` (even `i`) or `m` (odd `i`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PermOp {
    Zip1,
    Zip2,
    Uzp1,
    Uzp2,
    Trn1,
    Trn2,
}

/// Lane-wise one-operand integer operations in [`VecOp::Unary`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VUnOp {
    /// All ones where the (signed) lane is `== 0`, `> 0`, `>= 0`, `<= 0`
    /// or `< 0`, else zero (CMEQ, CMGT, CMGE, CMLE, CMLT with zero).
    CmeqZ,
    CmgtZ,
    CmgeZ,
    CmleZ,
    CmltZ,
    /// Bitwise NOT (NOT, alias MVN).
    Not,
    /// `0 - n` (NEG).
    Neg,
    /// `|n|`, the most negative value unchanged (ABS).
    Abs,
    /// The `esize`-bit lanes reversed within each container of `container`
    /// bits (REV16, REV32, REV64).
    Rev {
        container: u8,
    },
    /// The number of one bits of each byte (CNT, `esize` 8).
    Cnt,
    /// The bits of each byte reversed (RBIT, `esize` 8).
    Rbit,
    /// The sign bit of each lane cleared (FABS) or flipped (FNEG): exact
    /// for every floating-point value, no exception.
    Fabs,
    Fneg,
}

/// What [`VecOp::MulLong`] does with the destination's lanes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LongAcc {
    /// Overwrites them.
    Set,
    Add,
    Sub,
}

/// The floating-point lane operations of [`VecOp::Fp`], each the Arm ARM's
/// lane operation (FPMax, FPCompareGE, FPRoundInt, FPToFixed, ...) under
/// FPCR, its exceptions accumulated in FPSR.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VFpOp {
    /// FMAX, FMIN, FMAXNM, FMINNM.
    Max,
    Min,
    MaxNm,
    MinNm,
    /// FABD: `|n - m|`.
    Abd,
    /// All ones where `n == m`, `n >= m`, `n > m`, `|n| >= |m|`,
    /// `|n| > |m|` (FCMEQ, FCMGE, FCMGT, FACGE, FACGT), else zero.
    Cmeq,
    Cmge,
    Cmgt,
    Acge,
    Acgt,
    /// The compares with zero (`vm` unused): `n == 0`, `n >= 0`, `n > 0`,
    /// `n <= 0`, `n < 0`.
    CmeqZ,
    CmgeZ,
    CmgtZ,
    CmleZ,
    CmltZ,
    /// FRINTN/P/M/Z (`mode` in FPCR.RMode's encoding: 0 to nearest, ties
    /// to even, 1 towards +inf, 2 towards -inf, 3 towards zero), `mode` 5
    /// FRINTA (to nearest, ties away from zero) and, `mode` 4, FRINTI
    /// (FPCR's mode); FRINTX with `exact` (FPCR's mode, Inexact raised when
    /// the result differs).
    Round {
        mode: u8,
        exact: bool,
    },
    /// FCVTNS/PS/MS/ZS/AS and FCVTNU/PU/MU/ZU/AU: to a saturated integer of
    /// the lane's size, rounding by `mode` (as for `Round`); with `fbits`
    /// (1 to the lane's size, `mode` 3) FCVTZS/FCVTZU to fixed point, the
    /// lane times 2^fbits.
    ToInt {
        signed: bool,
        mode: u8,
        fbits: u8,
    },
    /// FRINT32Z/FRINT64Z (`mode` 3, towards zero) and FRINT32X/FRINT64X
    /// (`mode` 4, FPCR's): `FPRoundIntN`, rounded to an integral value,
    /// Inexact raised when that changes it; a NaN, an infinity or a result
    /// outside the 32-bit (64-bit with `int64`) signed range gives the most
    /// negative such integer and Invalid alone.
    RoundIntN {
        int64: bool,
        mode: u8,
    },
    /// SCVTF/UCVTF: the lane's integer (with `fbits`, fixed-point number:
    /// the integer divided by 2^fbits) to floating point (FPCR's mode).
    FromInt {
        signed: bool,
        fbits: u8,
    },
    /// FMAXP, FMINP, FMAXNMP, FMINNMP: `Max` (...) of lanes `2i` and
    /// `2i + 1` of the concatenation `V[vm]:V[vn]` in lane `i`.
    MaxP,
    MinP,
    MaxNmP,
    MinNmP,
    /// FMULX: `n * m`, but `±0 * ±inf` is `±2.0` (the sign the XOR).
    Mulx,
    /// FMULX by element: `Mulx` with every lane of `m` lane `elem` of
    /// `V[vm]`.
    MulxElem {
        elem: u8,
    },
    /// FRECPS: `2.0 - n * m` fused (FPRecipStepFused: `0 * inf` gives 2.0).
    Recps,
    /// FRSQRTS: `(3.0 - n * m) / 2` fused, one rounding
    /// (FPRSqrtStepFused: `0 * inf` gives 1.5).
    Rsqrts,
    /// FSQRT (`vm` unused): the square root, rounded by FPCR's mode.
    Sqrt,
}
