//! ADD/SUB (shifted and extended register), ADC/SBC, logical (shifted register).

use crate::enc;
use crate::model::*;
use crate::{assert_udf, run1};

const SHIFTS: [u32; 4] = [0, 1, 2, 3];

fn amounts(bits: u32) -> [u32; 5] {
    [0, 1, 4, 31, bits - 1]
}

#[test]
fn add_sub_shifted_sweep() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for sub in [false, true] {
            for s in [false, true] {
                for ty in [0, 1, 2] {
                    for amt in amounts(bits) {
                        let w = enc::addsub_shift(sf, sub, s, ty, 2, amt, 1, 3);
                        for &a in SWEEP {
                            for &b in SWEEP {
                                let op2 = shift(b, ty, amt, bits);
                                let (r, fl) = if sub {
                                    add_with_carry(a, !op2, true, bits)
                                } else {
                                    add_with_carry(a, op2, false, bits)
                                };
                                let nzcv_in = 0xa000_0000;
                                let got = run1(w, &[(1, a), (2, b)], nzcv_in, 3);
                                let want = (r, if s { fl } else { nzcv_in });
                                assert_eq!(
                                    got, want,
                                    "sf={sf} sub={sub} s={s} ty={ty} amt={amt} a={a:#x} b={b:#x}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn adds_subs_flag_boundaries() {
    let adds64 = enc::addsub_shift(true, false, true, 0, 1, 0, 0, 2);
    let subs64 = enc::addsub_shift(true, true, true, 0, 1, 0, 0, 2);
    let adds32 = enc::addsub_shift(false, false, true, 0, 1, 0, 0, 2);
    let subs32 = enc::addsub_shift(false, true, true, 0, 1, 0, 0, 2);
    let cases: &[(u32, u64, u64, u64, u64)] = &[
        // Signed overflow into the sign bit.
        (
            adds64,
            0x7fff_ffff_ffff_ffff,
            1,
            0x8000_0000_0000_0000,
            N | V,
        ),
        // Unsigned wrap to zero.
        (adds64, u64::MAX, 1, 0, Z | C),
        // Both: MIN + MIN.
        (adds64, 1 << 63, 1 << 63, 0, Z | C | V),
        (adds64, 1, 2, 3, 0),
        // 0 - 1 borrows: C clear.
        (subs64, 0, 1, u64::MAX, N),
        (subs64, 5, 5, 0, Z | C),
        (subs64, 1 << 63, 1, 0x7fff_ffff_ffff_ffff, C | V),
        (subs64, 0x7fff_ffff_ffff_ffff, u64::MAX, 1 << 63, N | V),
        // 32-bit forms ignore the upper halves and zero-extend.
        (adds32, 0xffff_ffff_7fff_ffff, 1, 0x8000_0000, N | V),
        (
            adds32,
            0x1234_5678_ffff_ffff,
            0xffff_0000_0000_0001,
            0,
            Z | C,
        ),
        (subs32, 0xffff_ffff_0000_0000, 1, 0xffff_ffff, N),
        (subs32, 0x8000_0000, 1, 0x7fff_ffff, C | V),
        (subs32, 0x1_0000_0007, 7, 0, Z | C),
    ];
    for &(w, a, b, r, fl) in cases {
        assert_eq!(
            run1(w, &[(0, a), (1, b)], 0, 2),
            (r, fl),
            "{w:08x} {a:#x} {b:#x}"
        );
    }
}

#[test]
fn add_sub_shifted_reserved() {
    // shift = 11 (ROR) is reserved for add/subtract.
    assert_udf(enc::addsub_shift(true, false, false, 3, 1, 0, 0, 2));
    // 32-bit forms with imm6 >= 32.
    assert_udf(enc::addsub_shift(false, false, false, 0, 1, 32, 0, 2));
    assert_udf(enc::addsub_shift(false, true, true, 1, 1, 63, 0, 2));
    // 64-bit with imm6 = 63 is fine: x0 + (x1 << 63).
    let w = enc::addsub_shift(true, false, false, 0, 1, 63, 0, 2);
    assert_eq!(run1(w, &[(0, 1), (1, 3)], 0, 2).0, 1 | 1 << 63);
}

#[test]
fn add_sub_shifted_zero_register() {
    // NEG x2, x1 = SUB x2, xzr, x1; register 31 reads as zero.
    let w = enc::addsub_shift(true, true, false, 0, 1, 0, 31, 2);
    assert_eq!(
        run1(w, &[(1, 5), (31, 0x1000)], 0, 2).0,
        5u64.wrapping_neg()
    );
    // CMP x0, x1 = SUBS xzr, x0, x1 must not write SP.
    let w = enc::addsub_shift(true, true, true, 0, 1, 0, 0, 31);
    let cpu = crate::run(&[w], &[(0, 3), (1, 3), (31, 0x1000)], 0);
    assert_eq!((cpu.x[31], cpu.nzcv), (0x1000, Z | C));
}

#[test]
fn add_sub_extended_sweep() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for sub in [false, true] {
            for s in [false, true] {
                for option in 0..8 {
                    for lsl in [0, 1, 4] {
                        let w = enc::addsub_ext(sf, sub, s, 2, option, lsl, 1, 3);
                        for &a in SWEEP {
                            for &b in &[0u64, 0x80, 0xffff_8081, 0x8000_0000, 0xdead_beef_0123_4567]
                            {
                                let op2 = extend(b, option, lsl, bits);
                                let (r, fl) = if sub {
                                    add_with_carry(a, !op2, true, bits)
                                } else {
                                    add_with_carry(a, op2, false, bits)
                                };
                                let got = run1(w, &[(1, a), (2, b)], 0, 3);
                                assert_eq!(
                                    got,
                                    (r, if s { fl } else { 0 }),
                                    "sf={sf} sub={sub} s={s} option={option} lsl={lsl} a={a:#x} b={b:#x}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn add_sub_extended_sp_forms() {
    let sp = 0x7fff_0000_1000u64;
    // ADD sp, sp, x1, UXTX #3 (Rn and Rd are SP).
    let w = enc::addsub_ext(true, false, false, 1, 0b011, 3, 31, 31);
    assert_eq!(run1(w, &[(31, sp), (1, 2)], 0, 31).0, sp + 16);
    // SUB sp, sp, w1, SXTW: subtracting a negative word adds.
    let w = enc::addsub_ext(true, true, false, 1, 0b110, 0, 31, 31);
    assert_eq!(
        run1(w, &[(31, sp), (1, 0xffff_ffff_ffff_fff0)], 0, 31).0,
        sp + 16
    );
    // ADD x0, sp, w1, UXTW #2.
    let w = enc::addsub_ext(true, false, false, 1, 0b010, 2, 31, 0);
    assert_eq!(
        run1(w, &[(31, sp), (1, 0xffff_ffff_0000_0004)], 0, 0).0,
        sp + 16
    );
    // ADD w0, wsp, w1, UXTH: 32-bit result zero-extended.
    let w = enc::addsub_ext(false, false, false, 1, 0b001, 0, 31, 0);
    assert_eq!(run1(w, &[(31, 0x1_ffff_fff0), (1, 0x1_0020)], 0, 0).0, 0x10);
    // CMP sp, x1 (SUBS xzr, sp, x1, UXTX): Rn is SP, Rd is XZR.
    let w = enc::addsub_ext(true, true, true, 1, 0b011, 0, 31, 31);
    let cpu = crate::run(&[w], &[(31, sp), (1, sp)], 0);
    assert_eq!((cpu.x[31], cpu.nzcv), (sp, Z | C));
    // ADDS x0, sp, xzr, UXTX: Rm = 31 is XZR (Rm is never SP).
    let w = enc::addsub_ext(true, false, true, 31, 0b011, 0, 31, 0);
    assert_eq!(run1(w, &[(31, sp)], 0, 0), (sp, 0));
}

#[test]
fn add_sub_extended_reserved() {
    for imm3 in 5..8 {
        assert_udf(enc::addsub_ext(true, false, false, 1, 0, imm3, 0, 2));
    }
}

#[test]
fn adc_sbc_sweep() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for sub in [false, true] {
            for s in [false, true] {
                let w = enc::adc(sf, sub, s, 2, 1, 3);
                for carry in [false, true] {
                    // Other flags set too, to check only C is consumed.
                    let nzcv_in = if carry { N | Z | C | V } else { N | Z | V };
                    for &a in EDGES {
                        for &b in EDGES {
                            let y = if sub { !b } else { b };
                            let (r, fl) = add_with_carry(a, y, carry, bits);
                            let got = run1(w, &[(1, a), (2, b)], nzcv_in, 3);
                            assert_eq!(
                                got,
                                (r, if s { fl } else { nzcv_in }),
                                "sf={sf} sub={sub} s={s} c={carry} a={a:#x} b={b:#x}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn adcs_sbcs_boundaries() {
    let adcs = enc::adc(true, false, true, 1, 0, 2);
    let sbcs = enc::adc(true, true, true, 1, 0, 2);
    let adcs32 = enc::adc(false, false, true, 1, 0, 2);
    let sbcs32 = enc::adc(false, true, true, 1, 0, 2);
    let cases: &[(u32, u64, u64, u64, u64, u64)] = &[
        // (word, a, b, nzcv in, result, nzcv out)
        (adcs, u64::MAX, 0, C, 0, Z | C),
        (adcs, u64::MAX, 0, 0, u64::MAX, N),
        (adcs, 0x7fff_ffff_ffff_ffff, 0, C, 1 << 63, N | V),
        (adcs, u64::MAX, u64::MAX, C, u64::MAX, N | C),
        // SBC: a - b - NOT(C).
        (sbcs, 0, 0, 0, u64::MAX, N),
        (sbcs, 0, 0, C, 0, Z | C),
        (sbcs, 1 << 63, 0, 0, 0x7fff_ffff_ffff_ffff, C | V),
        (sbcs, 5, 3, 0, 1, C),
        (adcs32, 0xffff_ffff_ffff_ffff, 0, C, 0, Z | C),
        (adcs32, 0x7fff_ffff, 0, C, 0x8000_0000, N | V),
        (sbcs32, 0xffff_ffff_0000_0000, 0, 0, 0xffff_ffff, N),
        (sbcs32, 0x8000_0000, 0, 0, 0x7fff_ffff, C | V),
    ];
    for &(w, a, b, fin, r, fout) in cases {
        assert_eq!(
            run1(w, &[(0, a), (1, b)], fin, 2),
            (r, fout),
            "{w:08x} {a:#x} {b:#x} {fin:#x}"
        );
    }
}

/// Reference for logical (shifted register): opc 0 AND, 1 ORR, 2 EOR, 3 ANDS.
fn logic_ref(opc: u32, inv: bool, a: u64, b: u64, bits: u32) -> (u64, Option<u64>) {
    let b = if inv { !b & mask(bits) } else { b };
    let a = a & mask(bits);
    let r = match opc {
        0 | 3 => a & b,
        1 => a | b,
        _ => a ^ b,
    };
    let flags = (opc == 3).then(|| {
        let mut f = 0;
        if r >> (bits - 1) & 1 == 1 {
            f |= N;
        }
        if r == 0 {
            f |= Z;
        }
        f
    });
    (r, flags)
}

#[test]
fn logical_shifted_sweep() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for opc in 0..4 {
            for inv in [false, true] {
                for ty in SHIFTS {
                    for amt in [0, 1, bits - 1] {
                        let w = enc::logical(sf, opc, ty, inv, 2, amt, 1, 3);
                        for &a in SWEEP {
                            for &b in SWEEP {
                                let (r, fl) = logic_ref(opc, inv, a, shift(b, ty, amt, bits), bits);
                                // C and V set on entry: ANDS/BICS clear them.
                                let nzcv_in = C | V;
                                let got = run1(w, &[(1, a), (2, b)], nzcv_in, 3);
                                assert_eq!(
                                    got,
                                    (r, fl.unwrap_or(nzcv_in)),
                                    "sf={sf} opc={opc} inv={inv} ty={ty} amt={amt} a={a:#x} b={b:#x}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn logical_shifted_examples() {
    // MOV x2, x1 = ORR x2, xzr, x1.
    let w = enc::logical(true, 1, 0, false, 1, 0, 31, 2);
    assert_eq!(run1(w, &[(1, 0x1234)], 0, 2).0, 0x1234);
    // MVN w2, w1 = ORN w2, wzr, w1: zero-extended.
    let w = enc::logical(false, 1, 0, true, 1, 0, 31, 2);
    assert_eq!(run1(w, &[(1, 0xffff_0000_0000_00ff)], 0, 2).0, 0xffff_ff00);
    // TST x0, x1, ROR #4 = ANDS xzr, x0, x1, ROR #4.
    let w = enc::logical(true, 3, 3, false, 1, 4, 0, 31);
    assert_eq!(run1(w, &[(0, 1 << 63), (1, 0x8)], 0, 31).1, N);
    // BICS w2, w0, w1, ASR #31: all ones cleared.
    let w = enc::logical(false, 3, 2, true, 1, 31, 0, 2);
    assert_eq!(
        run1(w, &[(0, 0xffff_ffff), (1, 0x8000_0000)], C | V, 2),
        (0, Z)
    );
    // ROR #63 on 64 bits.
    let w = enc::logical(true, 2, 3, false, 1, 63, 31, 2);
    assert_eq!(run1(w, &[(1, 0x8000_0000_0000_0001)], 0, 2).0, 0x3);
    // 32-bit with imm6 >= 32 is undefined.
    assert_udf(enc::logical(false, 0, 0, false, 1, 32, 0, 2));
}
