//! THE A64 encoding table. Each class file lists its encodings, one per line,
//! as a 32-character bit pattern, most significant bit first:
//!
//! * `0` / `1` — fixed bits;
//! * a letter — a bit of the field named by that letter (a field's bits are
//!   concatenated in pattern order, so `imm` split across the word reads back
//!   as one number);
//! * `-` — a bit the decoder ignores.
//!
//! The decoder ([`super::decode`]), the decode-table tests, the random
//! instruction generator of the differential tester and the disassembly in
//! traces all read these tables. Order matters only where patterns overlap:
//! the first match wins, so a more specific pattern comes before a general one.

macro_rules! encodings {
    ($( $name:ident = $pat:literal, )*) => {
        /// The encodings of this class.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum Op { $( $name, )* }

        /// (encoding, name, pattern) in decode order.
        pub const TABLE: &[(Op, &str, &str)] = &[ $( (Op::$name, stringify!($name), $pat), )* ];
    };
}

pub mod branch;
pub mod crypto;
pub mod dp_imm;
pub mod dp_reg;
pub mod ext;
pub mod fp;
pub mod ldst;
pub mod simd;
pub mod simd_across;
pub mod simd_diff;
pub mod simd_elem;
pub mod simd_ldst;
pub mod simd_misc;
pub mod simd_same;
pub mod simd_shift;
pub mod system;

/// A decoded instruction's encoding, by class.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Insn {
    Branch(branch::Op),
    DpImm(dp_imm::Op),
    DpReg(dp_reg::Op),
    Ldst(ldst::Op),
    System(system::Op),
    Fp(fp::Op),
    Simd(simd::Op),
    /// Advanced SIMD three same, one row per form (see [`simd_same`]).
    SimdSame(simd_same::Op),
    /// Advanced SIMD two-register miscellaneous, one row per form (see
    /// [`simd_misc`]).
    SimdMisc(simd_misc::Op),
    /// Advanced SIMD across lanes and scalar pairwise, one row per form
    /// (see [`simd_across`]).
    SimdAcross(simd_across::Op),
    /// Advanced SIMD shift by immediate, one row per form (see
    /// [`simd_shift`]).
    SimdShift(simd_shift::Op),
    /// Advanced SIMD vector and scalar x indexed element, one row per form
    /// (see [`simd_elem`]).
    SimdElem(simd_elem::Op),
    /// Advanced SIMD three different, one row per form (see [`simd_diff`]).
    SimdDiff(simd_diff::Op),
    /// Advanced SIMD structure loads and stores, one row per form (see
    /// [`simd_ldst`]).
    SimdLdst(simd_ldst::Op),
    /// Armv8.1–8.6 extension instructions (see [`ext`]).
    Ext(ext::Op),
    /// The cryptographic extension (see [`crypto`]).
    Crypto(crypto::Op),
}

/// One row of the table.
#[derive(Copy, Clone, Debug)]
pub struct Row {
    pub insn: Insn,
    pub name: &'static str,
    pub pattern: &'static str,
}

/// Lists every class table in decode order, once: `$m::TABLE` wrapped in
/// `Insn::$v`.
macro_rules! classes {
    ($( $m:ident => $v:ident, )*) => {
        /// Number of rows in the whole table.
        pub const N_ROWS: usize = 0 $( + $m::TABLE.len() )*;

        /// Every encoding in decode order, built at compile time.
        pub static ROWS: [Row; N_ROWS] = {
            let mut out = [Row {
                insn: Insn::System(system::Op::SVC),
                name: "",
                pattern: "",
            }; N_ROWS];
            let mut k = 0;
            $(
                let mut i = 0;
                while i < $m::TABLE.len() {
                    let (op, name, pattern) = $m::TABLE[i];
                    out[k] = Row {
                        insn: Insn::$v(op),
                        name,
                        pattern,
                    };
                    k += 1;
                    i += 1;
                }
            )*
            assert!(k == N_ROWS);
            out
        };
    };
}

classes! {
    // First: its patterns override parts of the class patterns below.
    ext => Ext,
    system => System,
    branch => Branch,
    dp_imm => DpImm,
    dp_reg => DpReg,
    ldst => Ldst,
    fp => Fp,
    simd => Simd,
    simd_same => SimdSame,
    simd_misc => SimdMisc,
    simd_across => SimdAcross,
    simd_shift => SimdShift,
    simd_elem => SimdElem,
    simd_diff => SimdDiff,
    simd_ldst => SimdLdst,
    crypto => Crypto,
}

/// Every encoding in decode order.
pub fn rows() -> &'static [Row] {
    &ROWS
}
