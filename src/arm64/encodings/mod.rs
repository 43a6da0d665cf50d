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

/// Every encoding in decode order.
pub fn rows() -> Vec<Row> {
    fn add<T: Copy>(
        out: &mut Vec<Row>,
        table: &[(T, &'static str, &'static str)],
        wrap: fn(T) -> Insn,
    ) {
        out.extend(table.iter().map(|&(op, name, pattern)| Row {
            insn: wrap(op),
            name,
            pattern,
        }));
    }
    let mut out = Vec::new();
    // First: its patterns override parts of the class patterns below.
    add(&mut out, ext::TABLE, Insn::Ext);
    add(&mut out, system::TABLE, Insn::System);
    add(&mut out, branch::TABLE, Insn::Branch);
    add(&mut out, dp_imm::TABLE, Insn::DpImm);
    add(&mut out, dp_reg::TABLE, Insn::DpReg);
    add(&mut out, ldst::TABLE, Insn::Ldst);
    add(&mut out, fp::TABLE, Insn::Fp);
    add(&mut out, simd::TABLE, Insn::Simd);
    add(&mut out, simd_same::TABLE, Insn::SimdSame);
    add(&mut out, simd_misc::TABLE, Insn::SimdMisc);
    add(&mut out, simd_across::TABLE, Insn::SimdAcross);
    add(&mut out, simd_shift::TABLE, Insn::SimdShift);
    add(&mut out, simd_elem::TABLE, Insn::SimdElem);
    add(&mut out, simd_diff::TABLE, Insn::SimdDiff);
    add(&mut out, simd_ldst::TABLE, Insn::SimdLdst);
    add(&mut out, crypto::TABLE, Insn::Crypto);
    out
}
