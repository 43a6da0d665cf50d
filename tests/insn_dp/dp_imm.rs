//! Data processing — immediate: ADD/SUB (immediate), logical (immediate),
//! move wide, bitfield aliases, EXTR/ROR, ADR/ADRP.

use crate::enc::{self, BFM, SBFM, UBFM};
use crate::model::*;
use crate::{assert_udf, run, run1};

#[test]
fn add_sub_immediate() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for sub in [false, true] {
            for s in [false, true] {
                for sh in [false, true] {
                    for imm in [0u32, 1, 0xfff] {
                        let w = enc::addsub_imm(sf, sub, s, sh, imm, 1, 3);
                        let k = u64::from(imm) << if sh { 12 } else { 0 };
                        for &a in EDGES {
                            let (r, fl) = if sub {
                                add_with_carry(a, !k, true, bits)
                            } else {
                                add_with_carry(a, k, false, bits)
                            };
                            let got = run1(w, &[(1, a)], V, 3);
                            assert_eq!(
                                got,
                                (r, if s { fl } else { V }),
                                "sf={sf} sub={sub} s={s} sh={sh} imm={imm:#x} a={a:#x}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn add_sub_immediate_sp() {
    // ADD x0, sp, #16; SUB sp, sp, #1, LSL #12; CMP sp, #0 → Rd XZR, flags.
    let sp = 0x7fff_0000_2000u64;
    let st = run(
        &[
            enc::addsub_imm(true, false, false, false, 16, 31, 0),
            enc::addsub_imm(true, true, false, true, 1, 31, 31),
            enc::addsub_imm(true, true, true, false, 0, 31, 31),
        ],
        &[(31, sp)],
        0,
    );
    assert_eq!((st.x[0], st.x[31], st.nzcv), (sp + 16, sp - 0x1000, C));
    // MOV w0, wsp (ADD w0, wsp, #0) zero-extends.
    assert_eq!(
        run1(
            enc::addsub_imm(false, false, false, false, 0, 31, 0),
            &[(31, 0xffff_0000_1234)],
            0,
            0
        )
        .0,
        0x1234
    );
}

/// (sf, opc, N, immr, imms, input, expected result, expected flags or None)
type LogicImm = (bool, u32, u32, u32, u32, u64, u64, Option<u64>);

#[test]
fn logical_immediate() {
    let cases: &[LogicImm] = &[
        // AND x3, x1, #0xff
        (true, 0, 1, 0, 7, 0x1234_5678, 0x78, None),
        // ORR x3, x1, #0x5555555555555555
        (true, 1, 0, 0, 0b111100, 0xa, 0x5555_5555_5555_555f, None),
        // EOR x3, x1, #0xffffffff00000000
        (
            true,
            2,
            1,
            32,
            31,
            0x1234_5678_9abc_def0,
            0xedcb_a987_9abc_def0,
            None,
        ),
        // AND w3, w1, #0x0f0f0f0f
        (
            false,
            0,
            0,
            0,
            0b110011,
            0xffff_ffff_ffff_ffff,
            0x0f0f_0f0f,
            None,
        ),
        // ORR w3, w1, #0x80000000 (immr = 1, imms = 0)
        (false, 1, 0, 1, 0, 0xffff_ffff_0000_0001, 0x8000_0001, None),
        // ANDS x3, x1, #0x8000000000000000
        (true, 3, 1, 1, 0, u64::MAX, 1 << 63, Some(N)),
        // ANDS w3, w1, #1 → zero
        (false, 3, 0, 0, 0, 0xffff_fffe, 0, Some(Z)),
    ];
    for &(sf, opc, nb, immr, imms, x, want, fl) in cases {
        let w = enc::logical_imm(sf, opc, nb, immr, imms, 1, 3);
        assert_eq!(
            run1(w, &[(1, x)], C | V, 3),
            (want, fl.unwrap_or(C | V)),
            "{w:08x}"
        );
    }
    // ORR sp, xzr, #0xff0 (MOV sp, #imm): Rd is SP for non-flag forms.
    let st = run(
        &[enc::logical_imm(true, 1, 1, 60, 7, 31, 31)],
        &[(31, 8)],
        0,
    );
    assert_eq!(st.x[31], 0xff0);
    // 32-bit with N = 1 and the all-ones pattern are reserved.
    assert_udf(enc::logical_imm(false, 0, 1, 0, 7, 1, 3));
    assert_udf(enc::logical_imm(true, 0, 1, 0, 63, 1, 3));
}

#[test]
fn move_wide() {
    let cases: &[(bool, u32, u32, u32, u64, u64)] = &[
        // (sf, opc, hw, imm16, old Xd, result)
        (true, 2, 0, 0x1234, u64::MAX, 0x1234),
        (true, 2, 3, 0xbeef, 0, 0xbeef_0000_0000_0000),
        (false, 2, 1, 0xffff, u64::MAX, 0xffff_0000),
        (true, 0, 0, 0, 5, u64::MAX),
        (true, 0, 2, 0x1234, 5, !0x1234_0000_0000u64),
        (false, 0, 0, 1, 5, 0xffff_fffe),
        (false, 0, 1, 0xffff, 5, 0x0000_ffff),
        (
            true,
            3,
            0,
            0xabcd,
            0x1111_2222_3333_4444,
            0x1111_2222_3333_abcd,
        ),
        (
            true,
            3,
            3,
            0xabcd,
            0x1111_2222_3333_4444,
            0xabcd_2222_3333_4444,
        ),
        // MOVK w: the upper half is cleared.
        (false, 3, 1, 0xabcd, 0x1111_2222_3333_4444, 0xabcd_4444),
    ];
    for &(sf, opc, hw, imm, old, want) in cases {
        let w = enc::movw(sf, opc, hw, imm, 3);
        assert_eq!(run1(w, &[(3, old)], 0, 3).0, want, "{w:08x}");
    }
    // hw >= 2 is unallocated for 32-bit; opc = 1 is unallocated.
    assert_udf(enc::movw(false, 2, 2, 1, 3));
    assert_udf(enc::movw(true, 1, 0, 1, 3));
}

/// (sf, opc, immr, imms, Xn, old Xd, result) worked out from the alias
/// definitions.
type Bf = (bool, u32, u32, u32, u64, u64, u64);

#[test]
fn bitfield_aliases() {
    let cases: &[(&str, Bf)] = &[
        // LSL x3, x1, #4 = UBFM x3, x1, #60, #59
        (
            "lsl x #4",
            (true, UBFM, 60, 59, 0xf000_0000_0000_0001, 0, 0x10),
        ),
        // LSL w3, w1, #31 = UBFM w3, w1, #1, #0
        (
            "lsl w #31",
            (false, UBFM, 1, 0, 0xffff_ffff_ffff_ffff, 0, 0x8000_0000),
        ),
        // LSL x3, x1, #63
        ("lsl x #63", (true, UBFM, 1, 0, 3, 0, 1 << 63)),
        // LSR x3, x1, #63 = UBFM x3, x1, #63, #63
        ("lsr x #63", (true, UBFM, 63, 63, 1 << 63, 0, 1)),
        // LSR w3, w1, #4 = UBFM w3, w1, #4, #31
        (
            "lsr w #4",
            (false, UBFM, 4, 31, 0xffff_ffff_8000_0000, 0, 0x0800_0000),
        ),
        // ASR x3, x1, #4 = SBFM x3, x1, #4, #63
        (
            "asr x #4",
            (
                true,
                SBFM,
                4,
                63,
                0x8000_0000_0000_0000,
                0,
                0xf800_0000_0000_0000,
            ),
        ),
        // ASR w3, w1, #31
        (
            "asr w #31",
            (false, SBFM, 31, 31, 0x8000_0000, 0, 0xffff_ffff),
        ),
        // UBFX x3, x1, #8, #8 = UBFM x3, x1, #8, #15
        ("ubfx", (true, UBFM, 8, 15, 0x1234_5678, 0, 0x56)),
        // SBFX x3, x1, #4, #8 = SBFM x3, x1, #4, #11
        (
            "sbfx",
            (true, SBFM, 4, 11, 0x0000_0f80, 0, 0xffff_ffff_ffff_fff8),
        ),
        // SBFX w3, w1, #0, #16
        ("sbfx w", (false, SBFM, 0, 15, 0x8000, 0, 0xffff_8000)),
        // BFI x3, x1, #8, #16 = BFM x3, x1, #56, #15
        (
            "bfi",
            (
                true,
                BFM,
                56,
                15,
                0xabcd,
                0x1111_2222_3333_4444,
                0x1111_2222_33ab_cd44,
            ),
        ),
        // BFI w3, w1, #28, #4 = BFM w3, w1, #4, #3
        (
            "bfi w",
            (false, BFM, 4, 3, 0x5, 0xffff_ffff_0123_4567, 0x5123_4567),
        ),
        // BFXIL x3, x1, #16, #8 = BFM x3, x1, #16, #23
        (
            "bfxil",
            (
                true,
                BFM,
                16,
                23,
                0x00ab_0000,
                0x1111_2222_3333_4444,
                0x1111_2222_3333_44ab,
            ),
        ),
        // SXTW x3, w1 = SBFM x3, x1, #0, #31
        (
            "sxtw",
            (
                true,
                SBFM,
                0,
                31,
                0x1234_5678_8000_0000,
                0,
                0xffff_ffff_8000_0000,
            ),
        ),
        // SXTB x3, w1 = SBFM x3, x1, #0, #7
        ("sxtb x", (true, SBFM, 0, 7, 0x80, 0, 0xffff_ffff_ffff_ff80)),
        // SXTB w3, w1: zero-extended to 64.
        ("sxtb w", (false, SBFM, 0, 7, 0xff, 0, 0xffff_ffff)),
        // SXTH w3, w1
        ("sxth w", (false, SBFM, 0, 15, 0x7fff, 0, 0x7fff)),
        // UXTB w3, w1 = UBFM w3, w1, #0, #7
        ("uxtb", (false, UBFM, 0, 7, 0xffff_ffff_ffff_1234, 0, 0x34)),
        // UXTH w3, w1
        (
            "uxth",
            (false, UBFM, 0, 15, 0xffff_ffff_ffff_1234, 0, 0x1234),
        ),
        // SBFIZ x3, x1, #4, #4 = SBFM x3, x1, #60, #3
        ("sbfiz", (true, SBFM, 60, 3, 0x8, 0, 0xffff_ffff_ffff_ff80)),
        // UBFIZ w3, w1, #4, #4 = UBFM w3, w1, #28, #3
        ("ubfiz w", (false, UBFM, 28, 3, 0xff, 0, 0xf0)),
    ];
    for &(name, (sf, opc, immr, imms, x, old, want)) in cases {
        let w = enc::bitfield(sf, opc, immr, imms, 1, 3);
        assert_eq!(
            run1(w, &[(1, x), (3, old)], 0, 3).0,
            want,
            "{name}: {w:08x}"
        );
    }
    // 32-bit with immr or imms >= 32, and N != sf, are unallocated.
    assert_udf(enc::bitfield(false, UBFM, 32, 0, 1, 3));
    assert_udf(enc::bitfield(false, SBFM, 0, 32, 1, 3));
    assert_udf(enc::bitfield(true, UBFM, 0, 0, 1, 3) & !(1 << 22));
    assert_udf(enc::bitfield(true, 3, 0, 0, 1, 3));
}

/// UBFM reference from the pseudocode, for a sweep.
fn ubfm_ref(x: u64, immr: u32, imms: u32, bits: u32) -> u64 {
    let x = x & mask(bits);
    if imms >= immr {
        // UBFX: extract imms-immr+1 bits at immr.
        (x >> immr) & mask(imms - immr + 1)
    } else {
        // UBFIZ: place imms+1 low bits at bits-immr.
        ((x & mask(imms + 1)) << (bits - immr)) & mask(bits)
    }
}

/// SBFM reference: the UBFM result sign-extended from its top field bit.
fn sbfm_ref(x: u64, immr: u32, imms: u32, bits: u32) -> u64 {
    let u = ubfm_ref(x, immr, imms, bits);
    let top = if imms >= immr {
        imms - immr
    } else {
        bits - immr + imms
    };
    (sint(u, top + 1) as u64) & mask(bits)
}

#[test]
fn bitfield_sweep() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for immr in [0, 1, 7, bits / 2, bits - 1] {
            for imms in [0, 1, 7, bits / 2, bits - 1] {
                for &x in EDGES {
                    let u = run1(enc::bitfield(sf, UBFM, immr, imms, 1, 3), &[(1, x)], 0, 3).0;
                    assert_eq!(
                        u,
                        ubfm_ref(x, immr, imms, bits),
                        "ubfm sf={sf} r={immr} s={imms} x={x:#x}"
                    );
                    let s = run1(enc::bitfield(sf, SBFM, immr, imms, 1, 3), &[(1, x)], 0, 3).0;
                    assert_eq!(
                        s,
                        sbfm_ref(x, immr, imms, bits),
                        "sbfm sf={sf} r={immr} s={imms} x={x:#x}"
                    );
                }
            }
        }
    }
}

#[test]
fn extr_and_ror() {
    // EXTR x3, x1, x2, #8: (x1:x2) >> 8, low 64 bits.
    let w = enc::extr(true, 2, 8, 1, 3);
    assert_eq!(
        run1(
            w,
            &[(1, 0x1122_3344_5566_7788), (2, 0x99aa_bbcc_ddee_ff00)],
            0,
            3
        )
        .0,
        0x8899_aabb_ccdd_eeff
    );
    // EXTR w3, w1, w2, #31.
    let w = enc::extr(false, 2, 31, 1, 3);
    assert_eq!(
        run1(w, &[(1, 0xffff_ffff_0000_0001), (2, 0x8000_0000)], 0, 3).0,
        0x3
    );
    // lsb = 0 returns Rm.
    let w = enc::extr(true, 2, 0, 1, 3);
    assert_eq!(run1(w, &[(1, 1), (2, 0x55)], 0, 3).0, 0x55);
    // ROR x3, x1, #63 = EXTR x3, x1, x1, #63.
    let w = enc::extr(true, 1, 63, 1, 3);
    assert_eq!(run1(w, &[(1, 0x8000_0000_0000_0001)], 0, 3).0, 0x3);
    // ROR w3, w1, #4.
    let w = enc::extr(false, 1, 4, 1, 3);
    assert_eq!(run1(w, &[(1, 0xffff_ffff_1234_5678)], 0, 3).0, 0x8123_4567);
    // 32-bit with lsb >= 32 is unallocated.
    assert_udf(enc::extr(false, 2, 32, 1, 3));
}

#[test]
fn adr_adrp() {
    // The block ends at pc_end = start + 4 * len; derive start from it.
    let st = run(
        &[
            enc::adr(false, 0, 0),
            enc::adr(false, -4, 1),
            enc::adr(false, 0xfffff, 2),
        ],
        &[],
        0,
    );
    let start = st.pc - 12;
    assert_eq!(st.x[0], start);
    assert_eq!(st.x[1], start + 4 - 4);
    assert_eq!(st.x[2], start + 8 + 0xfffff);
    let st = run(
        &[
            enc::adr(true, 0, 0),
            enc::adr(true, 1, 1),
            enc::adr(true, -2, 2),
        ],
        &[],
        0,
    );
    assert_eq!(st.x[0], (st.pc - 12) & !0xfff);
    assert_eq!(st.x[1], ((st.pc - 8) & !0xfff) + 0x1000);
    assert_eq!(st.x[2], ((st.pc - 4) & !0xfff).wrapping_sub(0x2000));
}
