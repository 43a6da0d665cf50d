//! The IR: a linear list of operations over 64-bit SSA values, ending in a
//! terminal. The frontend produces it from guest instructions; passes rewrite
//! it; a backend turns it into host code. Nothing here knows arm64 encodings.

use super::vec_ops::{VOp, VecOp};
use crate::cpu::state::CpuState;

/// An SSA value: the result of one operation, always 64 bits wide.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Val(pub u32);

/// Operation width. 32-bit operations read the low halves of their operands
/// and zero-extend their results to 64 bits.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Width {
    W8 = 1,
    W16 = 2,
    W32 = 4,
    W64 = 8,
}

impl Width {
    /// Size in bytes.
    pub fn bytes(self) -> u32 {
        self as u32
    }
    /// Size in bits.
    pub fn bits(self) -> u32 {
        self as u32 * 8
    }
    /// `W64` if `sf` else `W32`.
    pub fn sf(sf: bool) -> Width {
        if sf {
            Width::W64
        } else {
            Width::W32
        }
    }
    /// The width with `1 << log2` bytes.
    pub fn from_log2(log2: u32) -> Width {
        match log2 {
            0 => Width::W8,
            1 => Width::W16,
            2 => Width::W32,
            _ => Width::W64,
        }
    }
}

/// Two-operand integer operations. Shift amounts are taken modulo the width.
/// Division by zero yields 0 and signed overflow of division wraps.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Shl,
    Lshr,
    Ashr,
    Ror,
    Mul,
    /// High 64 bits of the unsigned 128-bit product (W64 only).
    UMulH,
    /// High 64 bits of the signed 128-bit product (W64 only).
    SMulH,
    UDiv,
    SDiv,
    /// CRC32 (`c`: CRC32C) update of the low 32 bits of `a` with the low
    /// `bytes` bytes of `b` (W64 only; [`super::crc`]).
    Crc {
        c: bool,
        bytes: u8,
    },
}

/// One-operand integer operations.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
    /// Count leading zeros within the width.
    Clz,
    /// Count trailing zeros within the width (the width for zero); the
    /// passes make it of a CLZ of an RBIT.
    Ctz,
    /// Reverse the bits within the width.
    Rbit,
    /// Reverse the bytes within the width.
    Bswap,
    /// Reverse the bytes within each 16-bit half-word.
    Rev16,
    /// Reverse the bytes within each 32-bit word (W64 only).
    Rev32,
    /// Population count within the width.
    Popcnt,
    /// Sign-extend the low 8/16/32 bits to the op width.
    Sext8,
    Sext16,
    Sext32,
}

/// Which operation a flags computation describes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FlagsOp {
    /// a + b (+ carry-in when given).
    Add,
    /// a - b (- !carry-in when given), arm64 carry = NOT borrow.
    Sub,
    /// N and Z from `a`, C = V = 0 (logical operations).
    Logic,
}

/// Read-modify-write atomic operations (LSE).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RmwOp {
    Add,
    /// AND NOT (LDCLR).
    Clr,
    Eor,
    /// OR (LDSET).
    Set,
    Smax,
    Smin,
    Umax,
    Umin,
    Swp,
}

/// Memory-ordering barriers, in terms of what the host must order.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Fence {
    /// Orders earlier stores against later loads (the only ordering x86-64
    /// does not give for free).
    Full,
    /// Load-load/load-store or store-store ordering: free on x86-64 TSO.
    Weak,
}

/// Scalar floating-point operations with an inline fast path.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FpOp {
    Add,
    Sub,
    Mul,
    Div,
    /// Square root of `a` (`b` is not used).
    Sqrt,
    /// FCMP: the NZCV of comparing `a` with `b`, in bits 31:28.
    Cmp,
    /// FCMPE: as `Cmp`, and a NaN operand of any kind raises Invalid.
    CmpE,
    /// FCVT from half precision: `a` is a half, the result of the
    /// operation's size (`b` is not used).
    FromHalf,
    /// FCVT to half precision: `a` is of the operation's size, the result
    /// a half (`b` is not used).
    ToHalf,
    /// FCVT Dd, Sn: `a` is a single, the result a double (`b` is not used;
    /// the size is `Double`).
    FromSingle,
    /// FCVT Sd, Dn: `a` is a double, the result a single (`b` is not used;
    /// the size is `Double`).
    ToSingle,
    /// FCVTXN: as `ToSingle`, rounding to odd whatever FPCR.RMode says (the
    /// result truncated, its lowest bit set when that was inexact).
    ToSingleOdd,
    /// SCVTF/UCVTF without fraction bits: `a` is a 32-bit (`x64` false,
    /// zero-extended) or 64-bit integer, the result of the operation's
    /// size (single or double; `b` is not used).
    FromInt {
        signed: bool,
        x64: bool,
    },
    /// FCVT{N,P,M,Z}{S,U} to an integer (`fbits` 0) or fixed point
    /// (FCVTZS/FCVTZU with `fbits` fraction bits): `a` is of the
    /// operation's size (single or double), the result a 32-bit (`x64`
    /// false, zero-extended) or 64-bit integer, `a * 2^fbits` rounded as
    /// `mode` says (not [`FpRound::Fpcr`]; `b` is not used).
    ToInt {
        signed: bool,
        x64: bool,
        mode: FpRound,
        fbits: u8,
    },
    /// FJCVTZS (`FPToFixedJS`): `a` is a double (the size is `Double`),
    /// the result its truncation toward zero modulo 2^32 in bits 31..0
    /// (zero for NaNs and infinities) and NZCV in bits 63..32: Z (bit 62)
    /// set when that was exact, in range and `a` not -0.0 (`b` is not
    /// used).
    JsCvt,
    /// FMAX: the larger of `a` and `b` (+0 above -0; NaNs propagate).
    Max,
    /// FMIN: the smaller of `a` and `b` (-0 below +0; NaNs propagate).
    Min,
    /// FMAXNM: as `Max`, but a quiet NaN against a number gives the number.
    MaxNum,
    /// FMINNM: as `Min`, but a quiet NaN against a number gives the number.
    MinNum,
    /// FNMUL: `-(a * b)`, rounded once.
    NMul,
    /// FRINT{N,P,M,Z,A,I,X}: `a` rounded to an integral value of its format
    /// as `mode` says; `exact` (FRINTX) raises Inexact when that changes it
    /// (`b` is not used).
    Round {
        mode: FpRound,
        exact: bool,
    },
    /// SCVTF/UCVTF from fixed point: as `FromInt`, the integer divided by
    /// 2^`fbits` (1 to 64) before rounding.
    FromFixed {
        signed: bool,
        x64: bool,
        fbits: u8,
    },
}

/// A rounding mode of an [`FpOp`] that names its own.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FpRound {
    /// To nearest, ties to even.
    TieEven,
    /// Toward plus infinity.
    PosInf,
    /// Toward minus infinity.
    NegInf,
    /// Toward zero.
    Zero,
    /// To nearest, ties away from zero.
    TieAway,
    /// The mode FPCR.RMode selects.
    Fpcr,
}

/// The format of a scalar floating-point operation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FpSize {
    /// Half precision (FEAT_FP16).
    Half,
    Single,
    Double,
}

impl FpSize {
    /// Single or double precision.
    pub fn of(double: bool) -> FpSize {
        if double {
            FpSize::Double
        } else {
            FpSize::Single
        }
    }
}

/// Half-precision vector arithmetic with an inline fast path
/// ([`VecOp::Half`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum HalfOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `d + n * m`, fused (FMLA).
    Mla,
    /// `d - n * m`, fused (FMLS).
    Mls,
    /// `|n - m|` (FABD).
    Abd,
    /// Lanes of all ones where `n == m`, else zero (FCMEQ).
    Cmeq,
    /// Lanes of all ones where `n >= m`, else zero (FCMGE).
    Cmge,
    /// Lanes of all ones where `n > m`, else zero (FCMGT).
    Cmgt,
    /// Lanes of all ones where `|n| >= |m|`, else zero (FACGE).
    Acge,
    /// Lanes of all ones where `|n| > |m|`, else zero (FACGT).
    Acgt,
    /// The larger of `n` and `m` (FMAX, FMAXNM: they differ only for NaN
    /// operands, which the exact helper of the instruction takes).
    Max,
    /// The smaller of `n` and `m` (FMIN, FMINNM).
    Min,
    /// The pairwise forms: `Add`, `Max` or `Min` of adjacent lanes of
    /// `m:n` (FADDP; FMAXP, FMAXNMP; FMINP, FMINNMP).
    AddP,
    MaxP,
    MinP,
    /// `n * m`, except that an infinity times a zero is ±2 (FMULX).
    Mulx,
    /// `2 - n * m`, fused (FRECPS).
    Recps,
    /// `(3 - n * m) / 2`, fused (FRSQRTS).
    Rsqrts,
    /// The square root of `n` (FSQRT).
    Sqrt,
    /// Lanes of all ones where `n == 0`, `n >= 0`, `n > 0`, `n <= 0`,
    /// `n < 0`, else zero (FCMEQ, FCMGE, FCMGT, FCMLE, FCMLT with zero).
    CmeqZ,
    CmgeZ,
    CmgtZ,
    CmleZ,
    CmltZ,
    /// The largest and the smallest of the lanes of `n`, in lane 0, the
    /// rest of `V[vd]` zeroed (FMAXV, FMAXNMV; FMINV, FMINNMV: they differ
    /// only for NaN lanes, which the exact helper takes).
    MaxV,
    MinV,
}

impl HalfOp {
    /// Whether the lanes are a comparison mask rather than halves.
    pub fn is_compare(self) -> bool {
        matches!(
            self,
            HalfOp::Cmeq
                | HalfOp::Cmge
                | HalfOp::Cmgt
                | HalfOp::Acge
                | HalfOp::Acgt
                | HalfOp::CmeqZ
                | HalfOp::CmgeZ
                | HalfOp::CmgtZ
                | HalfOp::CmleZ
                | HalfOp::CmltZ
        )
    }
}

/// Cryptographic-extension operations with an inline fast path
/// ([`VecOp::Crypto`]): `d`, `n` and `m` are `V[vd]`, `V[vn]` and `V[vm]`,
/// and each writes all 128 bits of `V[vd]`, as the Arm ARM defines it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CryptoOp {
    /// AESE: SubBytes(ShiftRows(d EOR n)).
    Aese,
    /// AESD: InvSubBytes(InvShiftRows(d EOR n)).
    Aesd,
    /// AESMC: MixColumns(n).
    Aesmc,
    /// AESIMC: InvMixColumns(n).
    Aesimc,
    /// PMULL/PMULL2 .1Q: the carry-less product of the low (with `upper`,
    /// high) 64 bits of `n` and `m`.
    Pmull { upper: bool },
    /// SHA1C: four SHA-1 rounds with Choose on hash abcd (`d`), e (`n`'s
    /// low 32 bits) and the schedule words plus constant (`m`).
    Sha1c,
    /// SHA1P: as SHA1C with Parity.
    Sha1p,
    /// SHA1M: as SHA1C with Majority.
    Sha1m,
    /// SHA1H: `n`'s low 32 bits rotated left by 30, zero-extended.
    Sha1h,
    /// SHA1SU0: `(n<63:0> : d<127:64>) EOR d EOR m`.
    Sha1su0,
    /// SHA1SU1: the second SHA-1 schedule update of `d` and `n`.
    Sha1su1,
    /// SHA256H: four SHA-256 rounds on abcd (`d`), efgh (`n`) and the
    /// schedule words plus constants (`m`); the new abcd.
    Sha256h,
    /// SHA256H2: the same rounds with efgh in `d` and abcd in `n`; the new
    /// efgh.
    Sha256h2,
    /// SHA256SU0: `d + sigma0(n<31:0> : d<127:32>)` per 32-bit lane.
    Sha256su0,
    /// SHA256SU1: the second SHA-256 schedule update of `d`, `n` and `m`.
    Sha256su1,
    /// EOR3: `n EOR m EOR V[va]`.
    Eor3 { va: u8 },
    /// BCAX: `n EOR (m AND NOT V[va])`.
    Bcax { va: u8 },
    /// RAX1: `n EOR ROL(m, 1)` per 64-bit lane.
    Rax1,
    /// XAR: `ROR(n EOR m, imm)` per 64-bit lane (`imm` in 0..64).
    Xar { imm: u8 },
    /// SHA512H: two rounds of the SHA-512 T1 computation on the words plus
    /// constants (`d`) and the state parts `n` and `m`.
    Sha512h,
    /// SHA512H2: two rounds of the T2 computation (`d`, `n`, `m` as in
    /// SHA512H).
    Sha512h2,
    /// SHA512SU0: `d + sigma0(n<63:0> : d<127:64>)` per 64-bit lane.
    Sha512su0,
    /// SHA512SU1: `d + sigma1(n) + m` per 64-bit lane.
    Sha512su1,
    /// PMULL/PMULL2 .8B/.16B: the carry-less products of the bytes of the
    /// low (with `upper`, high) 64 bits of `n` and `m`, as 16-bit lanes.
    Pmull8 { upper: bool },
    /// SM3PARTW1: `P1(d EOR n EOR ROL(m >> 32, 15))` per 32-bit lane,
    /// lane 3 with `ROL(lane 0 of the result, 15)` in place of `m`'s
    /// (zero) lane.
    Sm3partw1,
    /// SM3PARTW2: `d EOR t` with `t = n EOR ROL(m, 7)` per 32-bit lane,
    /// and `P1(ROL(t[0], 15))` also XORed into lane 3.
    Sm3partw2,
}

/// The NZCV an [`Op::Poll`] exit must store first, when the block has not
/// stored the value current at the poll (the flags pass dropped a write
/// nothing else observes).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PollNzcv {
    /// The CPU state already holds it.
    InState,
    /// `Flags { op, w, a, b, c }` would compute it: the exit recomputes it,
    /// so the block's hot path never materialises it.
    Flags {
        op: FlagsOp,
        w: Width,
        a: Val,
        b: Val,
        c: Option<Val>,
    },
    /// This value.
    Value(Val),
}

/// A runtime helper: called with the CPU state and four arguments, returns a
/// value. Helpers may read and write any part of the CPU state; the backend
/// keeps no guest state in host registers across a call.
pub type HelperFn = unsafe extern "C" fn(*mut CpuState, u64, u64, u64, u64) -> u64;

/// An IR operation. Operations with a `dst` define that value.
#[derive(Copy, Clone, Debug)]
pub enum Op {
    /// Does nothing (left behind by passes that remove an operation).
    Nop,
    /// Marks the start of the guest instruction at `pc` (for precise faults).
    InsnStart {
        pc: u64,
    },
    Const {
        dst: Val,
        imm: u64,
    },
    /// Read guest X register `reg` (31 = SP).
    GetReg {
        dst: Val,
        reg: u8,
    },
    /// Write guest X register `reg` (31 = SP).
    SetReg {
        reg: u8,
        src: Val,
    },
    /// Load a 64-bit field of the CPU state at byte `offset`.
    LoadState {
        dst: Val,
        offset: u32,
    },
    /// Store a 64-bit field of the CPU state at byte `offset`.
    StoreState {
        offset: u32,
        src: Val,
    },
    Bin {
        op: BinOp,
        w: Width,
        dst: Val,
        a: Val,
        b: Val,
    },
    Un {
        op: UnOp,
        w: Width,
        dst: Val,
        a: Val,
    },
    /// a + b + C (ADC) for `Add`, a - b - 1 + C (SBC) for `Sub`, where C is
    /// bit 29 of the NZCV value `c`.
    Carry {
        op: FlagsOp,
        w: Width,
        dst: Val,
        a: Val,
        b: Val,
        c: Val,
    },
    /// NZCV (architectural layout, bits 31..28) of `op` on a, b and the
    /// optional carry-in (taken from bit 29 of `c`, an NZCV value).
    Flags {
        op: FlagsOp,
        w: Width,
        dst: Val,
        a: Val,
        b: Val,
        c: Option<Val>,
    },
    /// 1 if the arm64 condition `cond` (0..15) holds for the NZCV value `nzcv`, else 0.
    Cond {
        dst: Val,
        cond: u8,
        nzcv: Val,
    },
    /// 1 if `cond` holds for the NZCV that `Flags { op, w, a, b, c: None }`
    /// would produce, else 0: a compare and a condition in one, which a
    /// backend can emit as a host compare and a host condition.
    CondCmp {
        dst: Val,
        cond: u8,
        op: FlagsOp,
        w: Width,
        a: Val,
        b: Val,
    },
    /// `c != 0 ? a : b`.
    Select {
        dst: Val,
        c: Val,
        a: Val,
        b: Val,
    },
    /// Load `w` bytes from guest address `addr`, zero- or sign-extended to 64 bits.
    Load {
        w: Width,
        signed: bool,
        dst: Val,
        addr: Val,
    },
    /// Store the low `w` bytes of `src` at guest address `addr`.
    Store {
        w: Width,
        addr: Val,
        src: Val,
    },
    /// Load `bytes` (1, 2, 4, 8, 16) into V register `vreg`, zeroing the rest.
    LoadVec {
        bytes: u8,
        vreg: u8,
        addr: Val,
    },
    /// Store the low `bytes` (1, 2, 4, 8, 16) of V register `vreg`.
    StoreVec {
        bytes: u8,
        vreg: u8,
        addr: Val,
    },
    /// Atomic read-modify-write; yields the old value (zero-extended).
    /// Only the low `w` bits of `src` are used.
    Rmw {
        op: RmwOp,
        w: Width,
        dst: Val,
        addr: Val,
        src: Val,
    },
    /// Atomic compare-and-swap; yields the old value (zero-extended).
    /// Only the low `w` bits of `expected` and `new` are used.
    Cas {
        w: Width,
        dst: Val,
        addr: Val,
        expected: Val,
        new: Val,
    },
    /// Store-exclusive (STXR) of the low `w` bytes of `src` at guest
    /// address `addr`, which is aligned to `w`: if the monitor in the CPU
    /// state (`excl_addr`, `excl_size`, `excl_val`) covers `addr` with `w`
    /// bytes and memory still holds `excl_val`, one host compare-and-swap
    /// stores `src`. Either way the monitor is cleared; `dst` is the status,
    /// 0 on success, 1 on failure. User mode only (exactly
    /// [`crate::runtime::exclusive::store_exclusive`]).
    StoreExcl {
        w: Width,
        dst: Val,
        addr: Val,
        src: Val,
    },
    Fence {
        kind: Fence,
    },
    /// Scalar IEEE `a op b` on half, single or double bit patterns (`size`)
    /// with the guest's FPCR/FPSR semantics. `slow(cpu, a, b, c0, c1)`
    /// computes the exact result in every case; a backend may compute
    /// common cases inline when FPCR selects the default environment, and
    /// then the exception flags may stay pending in the host until the
    /// block ends (`crate::cpu::fpenv`): FPSR is read and written only
    /// through helpers that collect them, never with `LoadState`/`StoreState`.
    FBin {
        op: FpOp,
        size: FpSize,
        dst: Val,
        a: Val,
        b: Val,
        slow: HelperFn,
        c0: u64,
        c1: u64,
    },
    /// Fused `(±addend) + (±op1) * op2` rounded once on half, single or
    /// double bit patterns (FMADD, FMSUB, FNMADD, FNMSUB), with the same
    /// contract as `FBin`: `slow(cpu, addend, op1, op2, ctl)` is exact in
    /// every case.
    FMulAdd {
        size: FpSize,
        neg_addend: bool,
        neg_op1: bool,
        dst: Val,
        addend: Val,
        op1: Val,
        op2: Val,
        slow: HelperFn,
        ctl: u64,
    },
    /// Lane-wise `V[vd] = V[vn] op V[vm]` on `esize`-bit lanes of the low 64
    /// (`q == false`, upper half zeroed) or all 128 bits; with `elem`, every
    /// lane of the second operand is lane `elem` of `V[vm]`. `slow(cpu,
    /// arg, 0, 0, 0)` performs exactly this in every case; a backend may
    /// compute it inline instead.
    VBin {
        op: VOp,
        esize: u8,
        q: bool,
        vd: u8,
        vn: u8,
        vm: u8,
        elem: Option<u8>,
        slow: HelperFn,
        arg: u64,
    },
    /// The vector operation `op` with destination `V[vd]` and first source
    /// `V[vn]`. As for [`Op::VBin`], `slow(cpu, arg, 0, 0, 0)` performs
    /// exactly this in every case; a backend may compute it inline instead.
    Vec {
        op: VecOp,
        vd: u8,
        vn: u8,
        slow: HelperFn,
        arg: u64,
    },
    /// Call a runtime helper; `dst` receives its return value. A helper
    /// may read and write the guest registers and other CPU state, but not
    /// `CpuState::nzcv` or `fpsr` directly: while translated code runs, the
    /// x86-64 backend may keep NZCV in host form (`CpuState::nzcv_host`)
    /// and FPSR's exception flags pending in MXCSR (`cpu::fpenv`). NZCV
    /// goes to and from helpers as arguments and return values
    /// (`LoadState`/`StoreState`); FP helpers raise flags through
    /// `cpu::fpenv`.
    Call {
        f: HelperFn,
        dst: Val,
        args: [Val; 4],
    },
    /// Leaves the block with an alignment fault of the instruction at `pc`
    /// (an [`ExitReason::Alignment`](crate::cpu::ExitReason::Alignment) of a
    /// data access, `write` for a store or read-modify-write) unless `addr`
    /// is a multiple of `bytes` (a power of two). Nothing of the
    /// instruction has happened yet when it leaves.
    CheckAlign {
        addr: Val,
        bytes: u8,
        write: bool,
        pc: u64,
    },
    /// Tests the thread's interrupt word (a signal arrived, or the code
    /// cache is being emptied) and, when it is set, leaves the block with an
    /// [`ExitReason::Interrupt`](crate::cpu::ExitReason::Interrupt) at the
    /// instruction boundary `pc`, where the CPU state in memory is exact
    /// once `nzcv` is stored. Every block has one poll, which every
    /// execution of the block passes. A backend may make a self-loop's poll
    /// on its back edge instead, with the block start as `pc`, where the
    /// state is just as exact (only the closing branch follows the poll, or
    /// the poll is at the block start).
    Poll {
        pc: u64,
        nzcv: PollNzcv,
    },
    /// A side exit: leaves the block for guest address `pc` (a linkable
    /// jump, like a [`Terminal::Branch`]'s) if `c` is non-zero, else goes on
    /// with the next operation. The state in memory is exact here, NZCV
    /// too unless `nzcv_dead` (the block at `pc` overwrites NZCV before
    /// anything could observe it, as for [`Block::nzcv_dead_at_end`]): a
    /// forward conditional branch inside a superblock (see
    /// `frontend::DebugShape::side_exits`), whose fall-through the block
    /// goes on translating.
    ExitIf {
        c: Val,
        pc: u64,
        nzcv_dead: bool,
    },
    /// Leaves the block with the guest memory fault a helper has just
    /// recorded in [`CpuState::fault`] and `exit_arg`, if any (an
    /// [`ExitReason::Fault`](crate::cpu::ExitReason::Fault) of the
    /// instruction at `pc`). Follows every [`Op::Call`] of a helper that
    /// touches guest memory, before anything uses its result.
    CheckFault {
        pc: u64,
    },
    /// The guest memory access the helper [`Op::Call`] before it made:
    /// `bytes` bytes at guest address `addr`, a load and/or a store (of
    /// vector registers if `vector`); no access if `unless` is given and
    /// non-zero (a store-exclusive's failure status). It follows the call's
    /// [`Op::CheckFault`], generates no code, and exists for instrumentation
    /// to report the access; the builder emits it only when asked to
    /// ([`crate::ir::builder::report_helper_accesses`]).
    ///
    /// With `parts` > 0 it precedes instead the `parts` loads and stores
    /// that make up this one access (DC ZVA's block of stores):
    /// instrumentation reports it, after the last of them, in their place.
    Accessed {
        addr: Val,
        bytes: u32,
        load: bool,
        store: bool,
        vector: bool,
        unless: Option<Val>,
        parts: u8,
    },
    /// LD2/LD3/LD4 (`load`) or ST2/ST3/ST4 (multiple structures): `regs`
    /// × 8 bytes (16 with `q`) at guest address `addr` hold structures of
    /// `regs` elements of `esize` bits; element j of every structure is
    /// loaded to (a load zeroes the upper half without `q`) or stored from
    /// `V[(vd + j) % 32]`. `slow(cpu, arg, addr, 0, 0)` does exactly this,
    /// recording a fault in the CPU state for the [`Op::CheckFault`] that
    /// follows; a backend may access memory inline instead. Either way a
    /// faulting load writes no register and a faulting store writes no
    /// byte: the bytes in a second page are checked writable first.
    /// With `lane` (stores only: ST2/ST3/ST4 of one lane), one structure:
    /// element `lane` of each of the `regs` registers, `regs * esize / 8`
    /// bytes (see [`Op::structs_bytes`]).
    Structs {
        load: bool,
        q: bool,
        esize: u8,
        regs: u8,
        vd: u8,
        lane: Option<u8>,
        addr: Val,
        slow: HelperFn,
        arg: u64,
    },
}

/// How a block ends.
#[derive(Clone, Debug)]
pub enum Terminal {
    /// Continue at a known guest address (linkable).
    Jump { pc: u64 },
    /// Continue at `taken` if `c != 0`, else at `not_taken` (both linkable).
    Branch { c: Val, taken: u64, not_taken: u64 },
    /// Continue at the guest address in `target` (indirect branch).
    Indirect { target: Val },
    /// Leave translated code with an exit reason for the dispatcher.
    Exit {
        reason: crate::cpu::ExitReason,
        pc: u64,
        arg: u64,
    },
}

/// What a block's terminal means to the program's calls: a hint for
/// return prediction. The terminal alone says where execution goes.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Flow {
    /// Any other branch.
    #[default]
    Plain,
    /// BL or BLR (a [`Terminal::Jump`] or [`Terminal::Indirect`]): the
    /// callee is expected to return to `ret`, the X30 the block wrote.
    Call { ret: u64 },
    /// RET (a [`Terminal::Indirect`]).
    Return,
}

/// A translated guest basic block in IR form.
#[derive(Clone, Debug)]
pub struct Block {
    pub start_pc: u64,
    /// Guest address just past the last instruction in the block.
    pub end_pc: u64,
    pub ops: Vec<Op>,
    pub term: Terminal,
    /// Number of values defined (values are numbered 0..n_vals).
    pub n_vals: u32,
    /// Set when every successor writes NZCV before it could read it, so the
    /// NZCV this block leaves behind is never observed.
    pub nzcv_dead_at_end: bool,
    /// Whether the terminal is a call or a return.
    pub flow: Flow,
}

/// THE list of the values each operation reads: calls `$visit` on a
/// reference to each operand of `$op` (a `&Op` or a `&mut Op`), for
/// [`Op::for_each_use`] and [`Op::map_uses`].
macro_rules! op_uses {
    ($op:expr, $visit:ident) => {
        match $op {
            Op::SetReg { src, .. } | Op::StoreState { src, .. } => $visit(src),
            Op::Bin { a, b, .. } => {
                $visit(a);
                $visit(b)
            }
            Op::Un { a, .. } => $visit(a),
            Op::Carry { a, b, c, .. } => {
                $visit(a);
                $visit(b);
                $visit(c)
            }
            Op::Flags { a, b, c, .. } => {
                $visit(a);
                $visit(b);
                if let Some(c) = c {
                    $visit(c)
                }
            }
            Op::Cond { nzcv, .. } => $visit(nzcv),
            Op::CondCmp { a, b, .. } => {
                $visit(a);
                $visit(b)
            }
            Op::Select { c, a, b, .. } => {
                $visit(c);
                $visit(a);
                $visit(b)
            }
            Op::Load { addr, .. }
            | Op::LoadVec { addr, .. }
            | Op::Structs { addr, .. }
            | Op::StoreVec { addr, .. }
            | Op::CheckAlign { addr, .. } => $visit(addr),
            Op::Store { addr, src, .. } => {
                $visit(addr);
                $visit(src)
            }
            Op::Rmw { addr, src, .. } | Op::StoreExcl { addr, src, .. } => {
                $visit(addr);
                $visit(src)
            }
            Op::Cas {
                addr,
                expected,
                new,
                ..
            } => {
                $visit(addr);
                $visit(expected);
                $visit(new)
            }
            Op::Call { args, .. } => {
                for a in args {
                    $visit(a)
                }
            }
            Op::Accessed { addr, unless, .. } => {
                $visit(addr);
                if let Some(u) = unless {
                    $visit(u)
                }
            }
            Op::ExitIf { c, .. } => $visit(c),
            Op::Poll { nzcv, .. } => match nzcv {
                PollNzcv::InState => {}
                PollNzcv::Flags { a, b, c, .. } => {
                    $visit(a);
                    $visit(b);
                    if let Some(c) = c {
                        $visit(c)
                    }
                }
                PollNzcv::Value(v) => $visit(v),
            },
            Op::FBin { a, b, .. } => {
                $visit(a);
                $visit(b)
            }
            Op::FMulAdd {
                addend, op1, op2, ..
            } => {
                $visit(addend);
                $visit(op1);
                $visit(op2)
            }
            Op::Nop
            | Op::InsnStart { .. }
            | Op::Const { .. }
            | Op::GetReg { .. }
            | Op::LoadState { .. }
            | Op::Fence { .. }
            | Op::VBin { .. }
            | Op::Vec { .. }
            | Op::CheckFault { .. } => {}
        }
    };
}

impl Op {
    /// The bytes of memory an [`Op::Structs`] accesses: `regs` registers
    /// of 8 (with `q`, 16) bytes, or with `lane` one element of each.
    pub fn structs_bytes(q: bool, esize: u8, regs: u8, lane: Option<u8>) -> u8 {
        match lane {
            Some(_) => regs * esize / 8,
            None => regs << (3 + q as u8),
        }
    }

    /// Whether the operation has no effect besides defining its value, so it
    /// can be dropped when the value is unused.
    pub fn is_pure(&self) -> bool {
        matches!(
            self,
            Op::Const { .. }
                | Op::GetReg { .. }
                | Op::LoadState { .. }
                | Op::Bin { .. }
                | Op::Un { .. }
                | Op::Carry { .. }
                | Op::Flags { .. }
                | Op::Cond { .. }
                | Op::CondCmp { .. }
                | Op::Select { .. }
        )
    }

    /// The value this operation defines, if any.
    pub fn dst(&self) -> Option<Val> {
        match *self {
            Op::Const { dst, .. }
            | Op::GetReg { dst, .. }
            | Op::LoadState { dst, .. }
            | Op::Bin { dst, .. }
            | Op::Un { dst, .. }
            | Op::Carry { dst, .. }
            | Op::Flags { dst, .. }
            | Op::Cond { dst, .. }
            | Op::CondCmp { dst, .. }
            | Op::Select { dst, .. }
            | Op::Load { dst, .. }
            | Op::Rmw { dst, .. }
            | Op::Cas { dst, .. }
            | Op::StoreExcl { dst, .. }
            | Op::FBin { dst, .. }
            | Op::FMulAdd { dst, .. }
            | Op::Call { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// Replaces every value this operation reads by `f(value)`.
    #[inline]
    pub fn map_uses(&mut self, mut f: impl FnMut(Val) -> Val) {
        let mut visit = |v: &mut Val| *v = f(*v);
        op_uses!(self, visit)
    }

    /// Calls `f` on every value this operation reads.
    #[inline]
    pub fn for_each_use(&self, mut f: impl FnMut(Val)) {
        let mut visit = |v: &Val| f(*v);
        op_uses!(self, visit)
    }
}

impl Terminal {
    /// Replaces every value the terminal reads by `f(value)`.
    #[inline]
    pub fn map_uses(&mut self, mut f: impl FnMut(Val) -> Val) {
        match self {
            Terminal::Branch { c, .. } => *c = f(*c),
            Terminal::Indirect { target } => *target = f(*target),
            Terminal::Jump { .. } | Terminal::Exit { .. } => {}
        }
    }

    /// Calls `f` on every value the terminal reads.
    #[inline]
    pub fn for_each_use(&self, mut f: impl FnMut(Val)) {
        match *self {
            Terminal::Branch { c, .. } => f(c),
            Terminal::Indirect { target } => f(target),
            Terminal::Jump { .. } | Terminal::Exit { .. } => {}
        }
    }
}
