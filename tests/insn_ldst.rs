//! Semantics of the load/store instructions: addressing forms and
//! writeback, sizes and sign extension, pairs, SIMD&FP transfers,
//! exclusives and LSE atomics. Instruction words come from
//! `aarch64-linux-gnu-as` (the assembly is in the comment beside each word)
//! or, for the exhaustive LSE tests, from a small encoder checked against
//! the assembler; expected values follow the Arm ARM pseudocode.
//!
//! This file holds the shared fixtures and the decode checks; the cases
//! live in `insn_ldst/` by instruction class.

use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code;

#[path = "insn_ldst/alignment.rs"]
mod alignment;
#[path = "insn_ldst/atomic.rs"]
mod atomic;
#[path = "insn_ldst/exclusive.rs"]
mod exclusive;
#[path = "insn_ldst/helper_faults.rs"]
mod helper_faults;
#[path = "insn_ldst/simd_fp_and_pairs.rs"]
mod simd_fp_and_pairs;
#[path = "insn_ldst/single.rs"]
mod single;
#[path = "insn_ldst/tbi.rs"]
mod tbi;

/// A 16-byte aligned scratch buffer the guest addresses directly.
#[repr(C, align(16))]
struct Mem([u8; 8192]);

impl Mem {
    /// A buffer whose byte `i` is `0x80 + i` (mod 256), so every byte
    /// differs and bytes with the top bit set are common.
    fn pattern() -> Box<Mem> {
        let mut m = Box::new(Mem([0; 8192]));
        for (i, b) in m.0.iter_mut().enumerate() {
            *b = (0x80 + i) as u8;
        }
        m
    }
    /// Guest address of byte `off` (guest code writes through it).
    fn addr(&mut self, off: usize) -> u64 {
        self.0.as_mut_ptr() as u64 + off as u64
    }
    fn u8(&self, off: usize) -> u64 {
        self.0[off] as u64
    }
    fn u16(&self, off: usize) -> u64 {
        u16::from_le_bytes(self.0[off..off + 2].try_into().unwrap()) as u64
    }
    fn u32(&self, off: usize) -> u64 {
        u32::from_le_bytes(self.0[off..off + 4].try_into().unwrap()) as u64
    }
    fn u64(&self, off: usize) -> u64 {
        u64::from_le_bytes(self.0[off..off + 8].try_into().unwrap())
    }
    /// The `n`-byte little-endian value at `off`, zero-extended.
    fn get(&self, off: usize, n: usize) -> u128 {
        let mut b = [0u8; 16];
        b[..n].copy_from_slice(&self.0[off..off + n]);
        u128::from_le_bytes(b)
    }
    fn set(&mut self, off: usize, n: usize, v: u128) {
        self.0[off..off + n].copy_from_slice(&v.to_le_bytes()[..n]);
    }
}

/// Sign-extends the low `bits` of `v` to 64 bits.
fn sx(v: u64, bits: u32) -> u64 {
    (((v << (64 - bits)) as i64) >> (64 - bits)) as u64
}

/// A CPU whose general registers hold recognisable junk, so a load that
/// fails to clear upper bits shows.
fn cpu() -> CpuState {
    let mut c = CpuState::default();
    for (i, x) in c.x.iter_mut().enumerate().take(31) {
        *x = 0xdead_beef_0000_0000 | i as u64;
    }
    for (i, v) in c.v.iter_mut().enumerate() {
        *v = u128::MAX - i as u128;
    }
    c
}

fn run(words: &[u32], c: &mut CpuState) {
    assert_eq!(
        run_code(words, c),
        ExitReason::Lookup,
        "exit at pc {:#x}",
        c.pc
    );
}

#[test]
fn unallocated_forms_are_undefined() {
    let cases = [
        (0x69000440, "stgp x0, x1, [x2] (needs MTE)"),
        (0x68400000, "ldnp with opc 01 (no signed non-temporal pair)"),
        (0xf8623820, "ldr x0, [x1, x2] with option 001"),
        (0xf8a23833, "prfm (register) with option 001"),
        (0x082d7e0e, "casp with odd Rs"),
        (0x082c7e0f, "casp with odd Rt"),
        (0xdc000000, "ldr (literal, SIMD&FP) with opc 11"),
        (0xf9c00000, "ldr (unsigned offset) with size 11 opc 11"),
        (
            0x7dc00000,
            "ldr (SIMD&FP unsigned offset) with size 01 opc 1x",
        ),
        (0xb8c00000, "ldur with size 10 opc 11"),
        (0xf8c00400, "post-index with size 11 opc 11"),
        (0xec400000, "ldnp (SIMD&FP) with opc 11"),
    ];
    for (word, what) in cases {
        let mut c = cpu();
        assert_eq!(run_code(&[word], &mut c), ExitReason::Udf, "{what}");
        assert_eq!(c.exit_arg, word as u64, "{what}");
    }
}

#[test]
fn table_names_each_form() {
    use emu::arm64::decode;
    let cases = [
        (0xf9400424, "LDST_uimm"),     // ldr x4, [x1, #8]
        (0x3dc00424, "LDST_uimm_fp"),  // ldr q4, [x1, #16]
        (0xf9800420, "PRFM_uimm"),     // prfm pldl1keep, [x1, #8]
        (0xf85fd020, "LDST_unscaled"), // ldur x0, [x1, #-3]
        (0xf89ff024, "PRFUM"),         // prfum pldl3keep, [x1, #-1]
        (0xf8408c20, "LDST_pre"),      // ldr x0, [x1, #8]!
        (0xf85f0462, "LDST_post"),     // ldr x2, [x3], #-16
        (0xf8408820, "LDST_unpriv"),   // ldtr x0, [x1, #8]
        (0xf8627820, "LDST_reg"),      // ldr x0, [x1, x2, lsl #3]
        (0xf8a27833, "PRFM_reg"),      // prfm pstl2strm, [x1, x2, lsl #3]
        (0x58000100, "LDR_lit"),       // ldr x0, lit
        (0x9c000065, "LDR_lit_fp"),    // ldr q5, lit
        (0xd8000040, "PRFM_lit"),      // prfm pldl1keep, lit
        (0x29410440, "LDSTP_off"),     // ldp w0, w1, [x2, #8]
        (0xa9ff10a3, "LDSTP_pre"),     // ldp x3, x4, [x5, #-16]!
        (0x68c11d06, "LDSTP_post"),    // ldpsw x6, x7, [x8], #8
        (0xa860c22f, "LDSTNP"),        // ldnp x15, x16, [x17, #-504]
        (0xac414a71, "LDSTNP_fp"),     // ldnp q17, q18, [x19, #32]
        (0xc85f7c20, "LDXR"),          // ldxr x0, [x1]
        (0xc8027c20, "STXR"),          // stxr w2, x0, [x1]
        (0xc87f0440, "LDXP"),          // ldxp x0, x1, [x2]
        (0x8829ad0a, "STXP"),          // stlxp w9, w10, w11, [x8]
        (0xc8dffc20, "LDAR"),          // ldar x0, [x1]
        (0x889ffd8b, "STLR"),          // stlr w11, [x12]
        (0x88a07c41, "CAS"),           // cas w0, w1, [x2]
        (0x4872fed4, "CASP"),          // caspal x18, x19, x20, x21, [x22]
        (0xb8210062, "LDOP"),          // ldadd w1, w2, [x3]
        (0xf86480c5, "SWP"),           // swpl x4, x5, [x6]
        (0xf8bfc02d, "LDAPR"),         // ldapr x13, [x1]
        (0xd95fd031, "LDAPUR"),        // ldapur x17, [x1, #-3]
    ];
    for (word, name) in cases {
        let f = decode(word).unwrap_or_else(|| panic!("{word:#010x} does not decode"));
        assert_eq!(f.entry.name(), name, "{word:#010x}");
    }
}
