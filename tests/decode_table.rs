//! Checks of the A64 encoding table and the decoder built from it, and a
//! fuzz-style check that the frontend never panics on any word the table
//! accepts.

use emu::arm64::decode::{decode, entries, Entry};
use emu::arm64::disasm;
use emu::arm64::encodings::Insn;
use emu::frontend::translate_block;
use emu::ir::{passes, Block};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Random words tried per entry.
const WORDS_PER_ENTRY: usize = 200;

/// xorshift64*: a small deterministic generator (no external crates).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn word(&mut self) -> u32 {
        (self.next() >> 32) as u32
    }
}

/// Words matching `e`: its fixed bits with random bits elsewhere, starting
/// with the free bits all clear and all set.
fn sample_words(e: &Entry, rng: &mut Rng, n: usize) -> Vec<u32> {
    let free = !e.mask;
    let mut out = vec![e.value, e.value | free];
    while out.len() < n {
        out.push(e.value | (rng.word() & free));
    }
    out
}

fn index_of(e: &Entry) -> usize {
    entries()
        .iter()
        .position(|x| std::ptr::eq(x, e))
        .expect("entry comes from the table")
}

#[test]
fn patterns_are_well_formed() {
    for e in entries() {
        assert_eq!(
            e.pattern().len(),
            32,
            "{}: pattern {:?} is not 32 characters",
            e.name(),
            e.pattern()
        );
        assert!(
            e.pattern()
                .bytes()
                .all(|c| c == b'0' || c == b'1' || c == b'-' || c.is_ascii_alphabetic()),
            "{}: pattern {:?} has a character outside [01a-zA-Z-]",
            e.name(),
            e.pattern()
        );
        assert_eq!(
            e.value & !e.mask,
            0,
            "{}: value has bits outside the mask",
            e.name()
        );
    }
}

#[test]
fn names_are_unique() {
    let mut seen = HashSet::new();
    for e in entries() {
        assert!(seen.insert(e.name()), "duplicate entry name {}", e.name());
    }
}

#[test]
fn no_two_entries_have_identical_fixed_bits() {
    let all = entries();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert!(
                !(a.mask == b.mask && a.value == b.value),
                "{} and {} have the same fixed bits ({:#010x}/{:#010x}): the second can never decode",
                a.name(),
                b.name(),
                a.mask,
                a.value
            );
        }
    }
}

/// Whether `earlier` taking `w` from `later` is an overlap the table
/// intends though neither pattern contains the other: modified immediate
/// is shift by immediate with immh = 0000.
fn intended_overlap(earlier: &Entry, later: &Entry, w: u32) -> bool {
    matches!(
        (earlier.insn, later.insn),
        (Insn::Simd(_), Insn::SimdShift(_))
    ) && (w >> 19) & 0xf == 0
}

/// Every random word of every entry decodes to that entry, unless an
/// earlier entry that is strictly more specific (its fixed bits a strict
/// superset) also matches: an intentional override (or one of the
/// [`intended_overlap`]s). The decoder's buckets must agree with a linear
/// first-match scan.
#[test]
fn random_words_decode_to_their_entry() {
    let all = entries();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    for (i, e) in all.iter().enumerate() {
        for w in sample_words(e, &mut rng, WORDS_PER_ENTRY) {
            let first = all.iter().position(|x| x.matches(w)).expect("w matches e");
            let got = decode(w).map(|f| index_of(f.entry));
            if got != Some(first) {
                failures.push(format!(
                    "{w:#010x}: decoder gave {:?}, first match is {}",
                    got.map(|g| all[g].name()),
                    all[first].name()
                ));
                continue;
            }
            if first != i {
                let earlier = &all[first];
                let superset = earlier.mask & e.mask == e.mask && earlier.mask != e.mask;
                if !superset && !intended_overlap(earlier, e, w) {
                    failures.push(format!(
                        "{w:#010x} of {} decodes as earlier entry {}, which is not a more specific pattern",
                        e.name(), earlier.name()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// Whether every word with the fixed bits `mask`/`value` matches one of
/// `earlier`: split on a bit an overlapping pattern fixes until some
/// pattern covers the whole set or none overlaps.
fn covered(mask: u32, value: u32, earlier: &[&Entry]) -> bool {
    let overlapping: Vec<&Entry> = earlier
        .iter()
        .copied()
        .filter(|x| (x.value ^ value) & x.mask & mask == 0)
        .collect();
    let Some(first) = overlapping.first() else {
        return false;
    };
    if overlapping.iter().any(|x| x.mask & !mask == 0) {
        return true;
    }
    let bit = first.mask & !mask;
    let bit = bit & bit.wrapping_neg();
    covered(mask | bit, value, &overlapping) && covered(mask | bit, value | bit, &overlapping)
}

/// No entry is fully shadowed by the entries before it: each decodes at
/// least one word.
#[test]
fn every_entry_is_reachable() {
    let all: Vec<&Entry> = entries().iter().collect();
    let dead: Vec<&str> = (0..all.len())
        .filter(|&i| covered(all[i].mask, all[i].value, &all[..i]))
        .map(|i| all[i].name())
        .collect();
    assert!(
        dead.is_empty(),
        "entries shadowed by earlier ones: {dead:?}"
    );
    // The check itself: the words of an entry with one fixed bit freed are
    // not all covered by it, a subset of them is.
    let e = &all[0];
    let bit = e.mask & e.mask.wrapping_neg();
    assert!(!covered(e.mask & !bit, e.value & !bit, &all[..1]));
    assert!(covered(!0, e.value, &all[..1]));
}

/// Words assembled by `aarch64-linux-gnu-as` (shown by objdump) decode to
/// their instruction form.
#[test]
fn known_words_decode_to_their_form() {
    const KNOWN: &[(u32, &str)] = &[
        (0x4ea2_8420, "ADD_v"),             // add v0.4s, v1.4s, v2.4s
        (0x5ee5_8483, "ADD_s"),             // add d3, d4, d5
        (0x6ee2_8420, "SUB_v"),             // sub v0.2d, v1.2d, v2.2d
        (0x4e22_0c20, "SQADD_v"),           // sqadd v0.16b, v1.16b, v2.16b
        (0x5e22_0c20, "SQADD_s"),           // sqadd b0, b1, b2
        (0x7e62_0c20, "UQADD_s"),           // uqadd h0, h1, h2
        (0x6e65_3483, "CMHI_v"),            // cmhi v3.8h, v4.8h, v5.8h
        (0x5ee3_8c41, "CMTST_s"),           // cmtst d1, d2, d3
        (0x4e22_1c20, "AND_v"),             // and v0.16b, v1.16b, v2.16b
        (0x0e62_1c20, "BIC_v"),             // bic v0.8b, v1.8b, v2.8b
        (0x4ee2_1c20, "ORN_v"),             // orn v0.16b, v1.16b, v2.16b
        (0x6e62_1c20, "BSL_v"),             // bsl v0.16b, v1.16b, v2.16b
        (0x2ee2_1c20, "BIF_v"),             // bif v0.8b, v1.8b, v2.8b
        (0x4ea2_9c20, "MUL_v"),             // mul v0.4s, v1.4s, v2.4s
        (0x6e22_9c20, "PMUL_v"),            // pmul v0.16b, v1.16b, v2.16b
        (0x7ea2_b420, "SQRDMULH_s"),        // sqrdmulh s0, s1, s2
        (0x4ee2_bc20, "ADDP_v"),            // addp v0.2d, v1.2d, v2.2d
        (0x4e22_d420, "FADD_v"),            // fadd v0.4s, v1.4s, v2.4s
        (0x4e42_1420, "FADD_vh"),           // fadd v0.8h, v1.8h, v2.8h
        (0x4ee2_d420, "FSUB_v"),            // fsub v0.2d, v1.2d, v2.2d
        (0x0e22_cc20, "FMLA_v"),            // fmla v0.2s, v1.2s, v2.2s
        (0x7ea2_d420, "FABD_s"),            // fabd s0, s1, s2
        (0x7ec2_1420, "FABD_sh"),           // fabd h0, h1, h2
        (0x7ee2_ec20, "FACGT_s"),           // facgt d0, d1, d2
        (0x0e42_1c20, "FMULX_vh"),          // fmulx v0.4h, v1.4h, v2.4h
        (0x5e22_fc20, "FRECPS_s"),          // frecps s0, s1, s2
        (0x6ee2_c420, "FMINNMP_v"),         // fminnmp v0.2d, v1.2d, v2.2d
        (0x6e42_3c20, "FDIV_vh"),           // fdiv v0.8h, v1.8h, v2.8h
        (0x4e20_0820, "REV64_v"),           // rev64 v0.16b, v1.16b
        (0x0e20_1820, "REV16_v"),           // rev16 v0.8b, v1.8b
        (0x4e20_5820, "CNT_v"),             // cnt v0.16b, v1.16b
        (0x6e20_5820, "NOT_v"),             // mvn v0.16b, v1.16b
        (0x2e60_5820, "RBIT_v"),            // rbit v0.8b, v1.8b
        (0x6e60_6820, "UADALP_v"),          // uadalp v0.4s, v1.8h
        (0x5e20_3820, "SUQADD_s"),          // suqadd b0, b1
        (0x5ee0_7820, "SQABS_s"),           // sqabs d0, d1
        (0x4ea0_8820, "CMGT_zero_v"),       // cmgt v0.4s, v1.4s, #0
        (0x5ee0_9820, "CMEQ_zero_s"),       // cmeq d0, d1, #0
        (0x4ee0_b820, "ABS_v"),             // abs v0.2d, v1.2d
        (0x7ee0_b820, "NEG_s"),             // neg d0, d1
        (0x4e21_2820, "XTN_v"),             // xtn2 v0.16b, v1.8h
        (0x7ea1_2820, "SQXTUN_s"),          // sqxtun s0, d1
        (0x6e61_4820, "UQXTN_v"),           // uqxtn2 v0.8h, v1.4s
        (0x2e21_3820, "SHLL_v"),            // shll v0.8h, v1.8b, #8
        (0x0e21_6820, "FCVTN_v"),           // fcvtn v0.4h, v1.4s
        (0x7e61_6820, "FCVTXN_s"),          // fcvtxn s0, d1
        (0x4e61_7820, "FCVTL_v"),           // fcvtl2 v0.2d, v1.4s
        (0x4e21_8820, "FRINTN_v"),          // frintn v0.4s, v1.4s
        (0x6e79_9820, "FRINTX_vh"),         // frintx v0.8h, v1.8h
        (0x4ee1_b820, "FCVTZS_v"),          // fcvtzs v0.2d, v1.2d
        (0x5ef9_b820, "FCVTZS_sh"),         // fcvtzs h0, h1
        (0x7e21_d820, "UCVTF_s"),           // ucvtf s0, s1
        (0x0ef8_e820, "FCMLT_zero_vh"),     // fcmlt v0.4h, v1.4h, #0.0
        (0x7ee0_d820, "FCMLE_zero_s"),      // fcmle d0, d1, #0.0
        (0x4ee0_f820, "FABS_v"),            // fabs v0.2d, v1.2d
        (0x4ea1_c820, "URECPE_v"),          // urecpe v0.4s, v1.4s
        (0x4ef9_d820, "FRECPE_vh"),         // frecpe v0.8h, v1.8h
        (0x5ee1_d820, "FRECPE_s"),          // frecpe d0, d1
        (0x5ef9_f820, "FRECPX_sh"),         // frecpx h0, h1
        (0x7ea1_d820, "FRSQRTE_s"),         // frsqrte s0, s1
        (0x6ea1_f820, "FSQRT_v"),           // fsqrt v0.4s, v1.4s
        (0x2ef8_f820, "FNEG_vh"),           // fneg v0.4h, v1.4h
        (0x4eb1_b820, "ADDV"),              // addv s0, v1.4s
        (0x4e30_3820, "SADDLV"),            // saddlv h0, v1.16b
        (0x2e30_a820, "UMAXV"),             // umaxv b0, v1.8b
        (0x6e30_c820, "FMAXNMV"),           // fmaxnmv s0, v1.4s
        (0x4eb0_f820, "FMINV_h"),           // fminv h0, v1.8h
        (0x5ef1_b820, "ADDP_s"),            // addp d0, v1.2d
        (0x7e30_d820, "FADDP_s"),           // faddp s0, v1.2s
        (0x5e30_d820, "FADDP_sh"),          // faddp h0, v1.2h
        (0x7e70_c820, "FMAXNMP_s"),         // fmaxnmp d0, v1.2d
        (0x4f3d_0420, "SSHR_v"),            // sshr v0.4s, v1.4s, #3
        (0x7f41_0420, "USHR_s"),            // ushr d0, d1, #63
        (0x4f45_5420, "SHL_v"),             // shl v0.2d, v1.2d, #5
        (0x0f0a_7420, "SQSHL_imm_v"),       // sqshl v0.8b, v1.8b, #2
        (0x7f27_7420, "UQSHL_imm_s"),       // uqshl s0, s1, #7
        (0x4f0c_9420, "SQSHRN_v"),          // sqshrn2 v0.16b, v1.8h, #4
        (0x0f17_8420, "SHRN_v"),            // shrn v0.4h, v1.4s, #9
        (0x2f21_a420, "USHLL_v"),           // ushll v0.2d, v1.2s, #1
        (0x6f3d_e420, "UCVTF_fix_v"),       // ucvtf v0.4s, v1.4s, #3
        (0x5f1c_e420, "SCVTF_fix_s"),       // scvtf h0, h1, #4
        (0x5f76_fc20, "FCVTZS_fix_s"),      // fcvtzs d0, d1, #10
        (0x4f00_0420, "MOVI_32"),           // movi v0.4s, #0x1
        (0x4fa2_1020, "FMLA_elem"),         // fmla v0.4s, v1.4s, v2.s[1]
        (0x4f32_1820, "FMLA_elem_h"),       // fmla v0.8h, v1.8h, v2.h[7]
        (0x5fc2_9820, "FMUL_selem"),        // fmul d0, d1, v2.d[1]
        (0x7f32_9020, "FMULX_selem_h"),     // fmulx h0, h1, v2.h[3]
        (0x4f52_8820, "MUL_elem"),          // mul v0.8h, v1.8h, v2.h[5]
        (0x6fa2_0820, "MLA_elem"),          // mla v0.4s, v1.4s, v2.s[3]
        (0x4f52_2020, "SMLAL_elem"),        // smlal2 v0.4s, v1.8h, v2.h[1]
        (0x2f82_a020, "UMULL_elem"),        // umull v0.2d, v1.2s, v2.s[0]
        (0x5f82_c820, "SQDMULH_selem"),     // sqdmulh s0, s1, v2.s[2]
        (0x5fa2_b020, "SQDMULL_selem"),     // sqdmull d0, s1, v2.s[1]
        (0x0e22_0020, "SADDL_v"),           // saddl v0.8h, v1.8b, v2.8b
        (0x6e62_1020, "UADDW_v"),           // uaddw2 v0.4s, v1.4s, v2.8h
        (0x0e22_4020, "ADDHN_v"),           // addhn v0.8b, v1.8h, v2.8h
        (0x6e22_6020, "RSUBHN_v"),          // rsubhn2 v0.16b, v1.8h, v2.8h
        (0x0e22_e020, "PMULL_v"),           // pmull v0.8h, v1.8b, v2.8b
        (0x4ee2_e020, "PMULL_1q"),          // pmull2 v0.1q, v1.2d, v2.2d
        (0x5ea2_d020, "SQDMULL_s"),         // sqdmull d0, s1, s2
        (0x2ea2_a020, "UMLSL_v"),           // umlsl v0.2d, v1.2s, v2.2s
        (0x4e03_2020, "TBL"),               // tbl v0.16b, {v1.16b, v2.16b}, v3.16b
        (0x0e03_1020, "TBX"),               // tbx v0.8b, {v1.16b}, v3.8b
        (0x4e82_1820, "UZP1"),              // uzp1 v0.4s, v1.4s, v2.4s
        (0x0e02_7820, "ZIP2"),              // zip2 v0.8b, v1.8b, v2.8b
        (0x4ec2_2820, "TRN1"),              // trn1 v0.2d, v1.2d, v2.2d
        (0x6e02_1820, "EXT"),               // ext v0.16b, v1.16b, v2.16b, #3
        (0x4e14_0420, "DUP_elem"),          // dup v0.4s, v1.s[2]
        (0x4e02_0c60, "DUP_gen"),           // dup v0.8h, w3
        (0x4e0e_2c20, "SMOV"),              // smov x0, v1.h[3]
        (0x0e0f_3c20, "UMOV"),              // umov w0, v1.b[7]
        (0x4e0c_1c40, "INS_gen"),           // mov v0.s[1], w2
        (0x6e18_0420, "INS_elem"),          // mov v0.d[1], v1.d[0]
        (0x5e1c_0420, "DUP_elem_s"),        // mov s0, v1.s[3]
        (0x4c40_7020, "LD1_mult1"),         // ld1 {v0.16b}, [x1]
        (0x4cdf_a820, "LD1_mult2_post"),    // ld1 {v0.4s, v1.4s}, [x1], #32
        (0x4c83_0440, "ST4_mult_post"),     // st4 {v0.8h-v3.8h}, [x2], x3
        (0x0c40_4800, "LD3_mult"),          // ld3 {v0.2s-v2.2s}, [x0]
        (0x0d40_1420, "LD1_single_b"),      // ld1 {v0.b}[5], [x1]
        (0x0dbf_5820, "ST2_single_h_post"), // st2 {v0.h, v1.h}[3], [x1], #4
        (0x0d60_b020, "LD4_single_s"),      // ld4 {v0.s-v3.s}[1], [x1]
        (0x4dc5_8420, "LD1_single_d_post"), // ld1 {v0.d}[1], [x1], x5
        (0x4d40_e820, "LD3R"),              // ld3r {v0.4s-v2.4s}, [x1]
        (0x0ddf_c020, "LD1R_post"),         // ld1r {v0.8b}, [x1], #1
        (0x6f03_f600, "FMOV_imm_vd"),       // fmov v0.2d, #1.000000000000000000e+00
        (0x4f03_fe00, "FMOV_imm_vh"),       // fmov v0.8h, #1.000000000000000000e+00
        (0x2f00_a460, "MVNI_16"),           // mvni v0.4h, #0x3, lsl #8
        (0x6f00_54e0, "BIC_imm_32"),        // bic v0.4s, #0x7, lsl #16
        (0x2f05_e540, "MOVI_64"),           // movi d0, #0xff00ff00ff00ff00
        (0x4f00_c580, "MOVI_ones"),         // movi v0.4s, #0xc, msl #8
    ];
    let mut wrong = Vec::new();
    for &(w, name) in KNOWN {
        let got = decode(w).map_or("UNDEFINED", |f| f.entry.name());
        if got != name {
            wrong.push(format!("{w:#010x}: {got}, expected {name}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Checks that `block` is well-formed SSA: every value is defined once,
/// below `n_vals`, before any use.
fn check_ssa(block: &Block) -> Result<(), String> {
    let mut defined = vec![false; block.n_vals as usize];
    for (i, op) in block.ops.iter().enumerate() {
        let mut bad = None;
        op.for_each_use(|v| {
            if !defined.get(v.0 as usize).copied().unwrap_or(false) {
                bad = Some(v);
            }
        });
        if let Some(v) = bad {
            return Err(format!("op {i} ({op:?}) uses {v:?} before its definition"));
        }
        if let Some(d) = op.dst() {
            match defined.get_mut(d.0 as usize) {
                Some(slot) if !*slot => *slot = true,
                _ => {
                    return Err(format!(
                        "op {i} ({op:?}) defines {d:?} twice or out of range"
                    ))
                }
            }
        }
    }
    let mut bad = None;
    block.term.for_each_use(|v| {
        if !defined.get(v.0 as usize).copied().unwrap_or(false) {
            bad = Some(v);
        }
    });
    match bad {
        Some(v) => Err(format!("terminal uses undefined {v:?}")),
        None => Ok(()),
    }
}

/// The frontend must not panic on any word of any entry (undefined is
/// fine), and the IR it builds must be well-formed and survive the
/// optimisation passes: this catches field letters the translator asks for
/// that the pattern lacks, arithmetic overflow on field values and similar
/// bugs.
#[test]
fn frontend_never_panics() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let pc = 0x40_0000u64;
    let mut failures = Vec::new();
    for e in entries() {
        for w in sample_words(e, &mut rng, WORDS_PER_ENTRY) {
            let r = catch_unwind(AssertUnwindSafe(|| {
                let mut fetch = |a: u64| if a == pc { Some(w) } else { None };
                let mut block = translate_block(pc, &mut fetch);
                check_ssa(&block)?;
                passes::optimize(&mut block);
                check_ssa(&block).map_err(|e| format!("after optimisation: {e}"))
            }));
            match r {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("{w:#010x} ({}): {e}", disasm::name(w))),
                Err(_) => failures.push(format!("{w:#010x} ({}): panicked", disasm::name(w))),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the frontend failed on {} words:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// The disassembly names the entry the decoder picks and lists its fields.
#[test]
fn disasm_names_every_entry() {
    let mut rng = Rng(42);
    for e in entries() {
        for w in sample_words(e, &mut rng, 4) {
            let f = decode(w).expect("matches at least e");
            let s = disasm::name(w);
            assert!(
                s.starts_with(f.entry.name()),
                "{s} does not name {}",
                f.entry.name()
            );
            assert_eq!(s.split(' ').count(), 1 + f.entry.fields().len(), "{s}");
        }
    }
}

/// The SSA check itself rejects a use before definition and a double
/// definition.
#[test]
fn ssa_check_catches_malformed_blocks() {
    use emu::ir::{Op, Terminal, Val};
    let block = |ops: Vec<Op>, n_vals| Block {
        nzcv_dead_at_end: false,
        flow: Default::default(),
        start_pc: 0,
        end_pc: 4,
        ops,
        term: Terminal::Jump { pc: 4 },
        n_vals,
    };
    let use_first = block(
        vec![Op::SetReg {
            reg: 0,
            src: Val(0),
        }],
        1,
    );
    assert!(check_ssa(&use_first).is_err());
    let twice = block(
        vec![
            Op::Const {
                dst: Val(0),
                imm: 1,
            },
            Op::Const {
                dst: Val(0),
                imm: 2,
            },
        ],
        1,
    );
    assert!(check_ssa(&twice).is_err());
    let good = block(
        vec![
            Op::Const {
                dst: Val(0),
                imm: 1,
            },
            Op::SetReg {
                reg: 0,
                src: Val(0),
            },
        ],
        1,
    );
    assert!(check_ssa(&good).is_ok());
}
