//! Advanced SIMD: vector and scalar-SIMD data processing and the structure
//! loads/stores. One file per Arm ARM class.
//!
//! This first version runs every instruction in a runtime helper. At
//! translation time a class decodes its fields into an operation kind (an
//! enum, rejecting unallocated encodings) and packs it with the register
//! numbers into [`Args`]; the helper unpacks them and works on the lanes of
//! `cpu.v[..]` (see [`lanes`]).

use super::{Ctx, TResult};
use crate::arm64::encodings::simd::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::ir::{HelperFn, Val};

pub(super) mod across_lanes;
pub(super) mod bf16;
pub(super) mod complex;
mod copy;
pub(crate) mod crypto;
pub(super) mod dot;
mod ext;
pub(super) mod fhm;
mod fp_lanes;
mod fp_pairs;
mod fpu;
pub(super) mod frintts;
pub(super) mod indexed;
pub(crate) mod lanes;
mod ldst_multiple;
mod ldst_single;
mod modified_imm;
mod permute;
pub(super) mod rdm;
pub(super) mod shift_imm;
mod tbl;
pub(super) mod three_diff;
pub(super) mod three_same;
pub(super) mod two_reg_misc;

/// The element sizes a form allows beyond what its pattern fixes, and how
/// its element size (log2 bytes) follows from its fields.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sizes {
    /// Any `size` field.
    Any,
    /// `size` below 3 (no 64-bit elements).
    Lt3,
    /// `size` below 2.
    Lt2,
    /// `size` 0 (bytes).
    Eq0,
    /// `size` 3 (doublewords).
    Eq3,
    /// `size` 1 or 2 (halfwords or words).
    HS,
    /// Any `size` but 64-bit elements in a 64-bit vector.
    NotD1,
    /// `size` below 2, or 2 in a 128-bit vector: the across-lanes
    /// reductions need four or more elements.
    Across,
    /// The size is part of the opcode: this one.
    Fixed(u32),
    /// Floating point: single or double precision by `z` (sz), double
    /// needing a 128-bit vector unless scalar; half precision in the forms
    /// without `z`.
    Float,
    /// The narrow elements of FCVTN/FCVTL: half or single by `z`.
    FpNarrow,
}

impl Sizes {
    /// The element size of `f` (with `q` true for scalar forms), or `None`
    /// when the form does not allow it (an unallocated encoding).
    pub fn of(self, f: &Fields, q: bool) -> Option<u32> {
        use Sizes::*;
        let (ok, size) = match self {
            Fixed(s) => (true, s),
            Float if !f.has('z') => (true, 1),
            Float => (f.u('z') == 0 || q, 2 + f.u('z')),
            FpNarrow => (true, 1 + f.u('z')),
            _ => {
                let s = f.u('s');
                let ok = match self {
                    Any => true,
                    Lt3 => s < 3,
                    Lt2 => s < 2,
                    Eq0 => s == 0,
                    Eq3 => s == 3,
                    HS => s == 1 || s == 2,
                    Across => s < 2 || (s == 2 && q),
                    _ => s != 3 || q,
                };
                (ok, s)
            }
        };
        ok.then_some(size)
    }
}

/// Whether `f` is an "Advanced SIMD scalar" form (bit 28 set; the vector
/// forms have it clear).
pub fn is_scalar(f: &Fields) -> bool {
    f.word >> 28 & 1 != 0
}

/// The Q bit (30) of `f`: a 128-bit vector form. Some forms fix it, and
/// the scalar forms have it set.
pub fn q_bit(f: &Fields) -> bool {
    f.word >> 30 & 1 != 0
}

/// The U bit (29) of `f`: fixed by each form's pattern, it selects the
/// unsigned (or second) variant of an operation.
pub fn u_bit(f: &Fields) -> bool {
    f.word >> 29 & 1 != 0
}

/// A structure load or store: multiple structures or a single one.
pub fn translate_ldst(
    cx: &mut Ctx,
    op: crate::arm64::encodings::simd_ldst::Op,
    f: &Fields,
) -> TResult {
    match ldst_multiple::form(op) {
        Some(form) => ldst_multiple::translate(cx, form, f),
        None => ldst_single::translate(cx, op, f),
    }
}

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    match op {
        Op::TBL => tbl::translate(cx, f, false),
        Op::TBX => tbl::translate(cx, f, true),
        Op::UZP1 => permute::translate(cx, f, permute::K::Uzp1),
        Op::TRN1 => permute::translate(cx, f, permute::K::Trn1),
        Op::ZIP1 => permute::translate(cx, f, permute::K::Zip1),
        Op::UZP2 => permute::translate(cx, f, permute::K::Uzp2),
        Op::TRN2 => permute::translate(cx, f, permute::K::Trn2),
        Op::ZIP2 => permute::translate(cx, f, permute::K::Zip2),
        Op::EXT => ext::translate(cx, f),
        Op::DUP_elem
        | Op::DUP_gen
        | Op::SMOV
        | Op::UMOV
        | Op::INS_gen
        | Op::INS_elem
        | Op::DUP_elem_s => copy::translate(cx, op, f),
        Op::MOVI_32
        | Op::ORR_imm_32
        | Op::MOVI_16
        | Op::ORR_imm_16
        | Op::MOVI_ones
        | Op::MOVI_8
        | Op::FMOV_imm_v
        | Op::FMOV_imm_vh
        | Op::MVNI_32
        | Op::BIC_imm_32
        | Op::MVNI_16
        | Op::BIC_imm_16
        | Op::MVNI_ones
        | Op::MOVI_64
        | Op::FMOV_imm_vd => modified_imm::translate(cx, op, f),
    }
}

/// The decoded operands of one instruction, packed into a helper argument.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// Destination (or first transfer) register.
    pub d: u32,
    pub n: u32,
    pub m: u32,
    /// log2 of the element size in bytes (0..=3).
    pub size: u32,
    /// 128-bit vector (else 64-bit, upper half of the result zeroed).
    pub q: bool,
    /// Scalar form: one element, the rest of the destination zeroed.
    pub scalar: bool,
    /// The class's operation kind (an enum discriminant).
    pub kind: u32,
    /// A class-specific immediate (shift amount, lane index, ...).
    pub imm: u32,
}

impl Args {
    /// Packs into one 64-bit helper argument.
    pub fn pack(self) -> u64 {
        (self.d as u64 & 31)
            | (self.n as u64 & 31) << 5
            | (self.m as u64 & 31) << 10
            | (self.size as u64 & 3) << 15
            | (self.q as u64) << 17
            | (self.scalar as u64) << 18
            | (self.kind as u64 & 0xfff) << 20
            | (self.imm as u64) << 32
    }

    /// Inverse of [`Args::pack`].
    pub fn unpack(p: u64) -> Args {
        Args {
            d: (p & 31) as u32,
            n: (p >> 5 & 31) as u32,
            m: (p >> 10 & 31) as u32,
            size: (p >> 15 & 3) as u32,
            q: p >> 17 & 1 != 0,
            scalar: p >> 18 & 1 != 0,
            kind: (p >> 20 & 0xfff) as u32,
            imm: (p >> 32) as u32,
        }
    }

    /// Element size in bits.
    pub fn esize(&self) -> u32 {
        8 << self.size
    }

    /// Number of elements processed: 1 for scalar forms, else the lanes of
    /// a 64- or 128-bit vector.
    pub fn elements(&self) -> usize {
        if self.scalar {
            1
        } else {
            (if self.q { 128 } else { 64 } / self.esize()) as usize
        }
    }
}

/// Declares an operation-kind enum with a table to map the packed number back.
macro_rules! kinds {
    ($(#[$meta:meta])* $name:ident { $($v:ident),* $(,)? }) => {
        $(#[$meta])*
        #[allow(clippy::upper_case_acronyms, non_camel_case_types)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum $name { $($v),* }

        impl $name {
            const ALL: &'static [$name] = &[$($name::$v),*];

            /// The kind with discriminant `x` (as packed by the translator).
            pub fn from_u32(x: u32) -> $name {
                Self::ALL[x as usize]
            }
        }
    };
}
pub(crate) use kinds;

/// Emits a call of `f` with the packed `args` and up to three more values.
pub fn call(cx: &mut Ctx, f: HelperFn, args: Args, extra: &[Val]) -> Val {
    let p = cx.k(args.pack());
    let mut all = vec![p];
    all.extend_from_slice(extra);
    cx.b.call(f, &all)
}

/// Defines `helper`, the runtime entry (an [`crate::ir::HelperFn`] taking
/// packed [`Args`]) of a file whose `run(cpu, &Args)` executes one
/// instruction.
macro_rules! args_helper {
    () => {
        unsafe extern "C" fn helper(
            cpu: *mut crate::cpu::CpuState,
            p: u64,
            _: u64,
            _: u64,
            _: u64,
        ) -> u64 {
            // SAFETY: called by translated code with its own state.
            let cpu = unsafe { super::cpu(cpu) };
            run(cpu, &super::Args::unpack(p));
            0
        }
    };
}
pub(crate) use args_helper;

/// Runs `f` in the guest's floating-point environment (FPCR) and records
/// the exceptions it raised in FPSR.
pub fn with_fp_env(cpu: &mut CpuState, f: impl FnOnce(&mut CpuState, &mut fpu::Env)) {
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = fpu::Env::new(cpu.fpcr);
    f(cpu, &mut env);
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
}

/// An [`Args::kind`] made of the `bit` of each `(set, bit)` that is set.
pub fn kind_bits(flags: &[(bool, u32)]) -> u32 {
    flags.iter().filter(|f| f.0).fold(0, |k, f| k | f.1)
}

/// An [`Op::VBin`] for `args` (vector, not scalar), computed by `helper`
/// with the packed arguments when the backend does not run it inline.
pub fn vbin(cx: &mut Ctx, op: crate::ir::VOp, args: &Args, elem: Option<u8>, helper: HelperFn) {
    cx.b.vbin(crate::ir::Op::VBin {
        op,
        esize: args.esize() as u8,
        q: args.q,
        vd: args.d as u8,
        vn: args.n as u8,
        vm: args.m as u8,
        elem,
        slow: helper,
        arg: args.pack(),
    });
}

/// An [`Op::Vec`](crate::ir::Op::Vec) on `args.d` and `args.n`, defined by
/// `helper` with the packed arguments (the interpreter runs that).
pub fn vec_op(cx: &mut Ctx, op: crate::ir::VecOp, args: &Args, helper: HelperFn) {
    cx.b.vbin(crate::ir::Op::Vec {
        op,
        vd: args.d as u8,
        vn: args.n as u8,
        slow: helper,
        arg: args.pack(),
    });
}

/// Borrows the CPU state a helper was called with.
///
/// # Safety
/// `cpu` must be the valid, exclusively owned state pointer the translated
/// code passes to its helpers.
pub unsafe fn cpu<'a>(cpu: *mut CpuState) -> &'a mut CpuState {
    // SAFETY: guaranteed by the caller (translated code passes its own state).
    unsafe { &mut *cpu }
}

/// For the unit tests of instructions the frontend emits inline: each of
/// `forms` (a word and its decoded [`Args`]) translates with no helper
/// call, and its IR under the interpreter leaves the V registers and FPSR
/// exactly as the reference `run` does, from `iters` states whose V
/// registers come from `vector` (given a random source) and whose FPCR is
/// random among the rounding modes, FZ16, FZ, DN and AHP.
#[cfg(test)]
pub(super) fn check_inline(
    forms: &[(u32, Args)],
    run: fn(&mut CpuState, &Args),
    vector: fn(&mut dyn FnMut() -> u64) -> u128,
    iters: usize,
) {
    let mut seed = 0x5EED_F4A1u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..iters {
        let (w, args) = forms[i % forms.len()];
        let pc = 0x40_0000u64;
        let block = crate::frontend::translate_block(pc, &mut |a| (a == pc).then_some(w));
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, crate::ir::Op::Call { .. })),
            "{w:#010x} calls a helper"
        );
        let mut cpu = CpuState::default();
        for v in cpu.v.iter_mut() {
            *v = vector(&mut next);
        }
        let f = next();
        cpu.fpcr = if f & 1 == 0 {
            0
        } else {
            (f >> 1 & 3) << 22 | (f >> 3 & 7) << 24 | (f >> 6 & 1) << 19
        };
        cpu.fpsr = next() & 0x9F;
        let mut want = cpu.clone();
        run(&mut want, &args);
        let mut got = cpu.clone();
        crate::cpu::fpenv::clear_pending();
        crate::backend::interp::run_block(&block, &mut got);
        got.fpsr |= crate::cpu::fpenv::take_pending();
        assert_eq!(
            (got.v, got.fpsr),
            (want.v, want.fpsr),
            "{w:#010x} fpcr {:#x}: v{} {:#034x} v{} {:#034x} v{} {:#034x}",
            cpu.fpcr,
            args.n,
            cpu.v[args.n as usize],
            args.m,
            cpu.v[args.m as usize],
            args.d,
            cpu.v[args.d as usize]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_round_trip() {
        let a = Args {
            d: 31,
            n: 7,
            m: 19,
            size: 2,
            q: true,
            scalar: false,
            kind: 0xabc,
            imm: 0xdead_beef,
        };
        assert_eq!(Args::unpack(a.pack()), a);
        assert_eq!(a.esize(), 32);
        assert_eq!(a.elements(), 4);
        let s = Args { scalar: true, ..a };
        assert_eq!(s.elements(), 1);
    }
}
