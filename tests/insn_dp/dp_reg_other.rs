//! Conditional compare/select and the 1-, 2- and 3-source groups.

use crate::enc;
use crate::model::*;
use crate::{assert_udf, run, run1};

#[test]
fn ccmp_ccmn_both_branches() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for cmp in [false, true] {
            for cond in 0..16 {
                for imm in [false, true] {
                    let nzcv_field = 0b1010;
                    let w = if imm {
                        enc::ccmp_imm(sf, cmp, 7, cond, 1, nzcv_field)
                    } else {
                        enc::ccmp_reg(sf, cmp, 2, cond, 1, nzcv_field)
                    };
                    for nzcv_in in all_nzcv() {
                        for &(a, b) in &[
                            (7u64, 7u64),
                            (0, 7),
                            (0x8000_0000, 7),
                            (1 << 63, 1),
                            (u64::MAX, 1),
                        ] {
                            let b = if imm { 7 } else { b };
                            let want = if cond_holds(cond, nzcv_in) {
                                if cmp {
                                    add_with_carry(a, !b, true, bits).1
                                } else {
                                    add_with_carry(a, b, false, bits).1
                                }
                            } else {
                                u64::from(nzcv_field) << 28
                            };
                            let got = run1(w, &[(1, a), (2, b)], nzcv_in, 1).1;
                            assert_eq!(got, want, "sf={sf} cmp={cmp} cond={cond} imm={imm} nzcv={nzcv_in:#x} a={a:#x} b={b:#x}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn ccmp_examples() {
    // CCMP x0, #5, #0b0010, EQ with Z set: 5 - 5 → Z and C.
    let w = enc::ccmp_imm(true, true, 5, 0, 0, 0b0010);
    assert_eq!(run1(w, &[(0, 5)], Z, 0).1, Z | C);
    // Z clear: flags = #0b0010 (C only).
    assert_eq!(run1(w, &[(0, 5)], 0, 0).1, C);
    // CCMN w0, w1, #0, NE with Z clear: 0x7fffffff + 1 overflows.
    let w = enc::ccmp_reg(false, false, 1, 1, 0, 0);
    assert_eq!(run1(w, &[(0, 0x7fff_ffff), (1, 1)], 0, 0).1, N | V);
}

/// CSEL family reference: op:o2 = 00 CSEL, 01 CSINC, 10 CSINV, 11 CSNEG.
fn csel_ref(op: bool, o2: bool, holds: bool, n: u64, m: u64, bits: u32) -> u64 {
    let r = if holds {
        n
    } else {
        match (op, o2) {
            (false, false) => m,
            (false, true) => m.wrapping_add(1),
            (true, false) => !m,
            (true, true) => m.wrapping_neg(),
        }
    };
    r & mask(bits)
}

#[test]
fn csel_family() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for op in [false, true] {
            for o2 in [false, true] {
                for cond in 0..16 {
                    let w = enc::csel(sf, op, o2, 2, cond, 1, 3);
                    for nzcv_in in all_nzcv() {
                        for &(n, m) in &[
                            (0x1111_2222_3333_4444u64, 0xffff_ffff_ffff_ffffu64),
                            (5, 0x8000_0000),
                            (0, 0),
                        ] {
                            let want = csel_ref(op, o2, cond_holds(cond, nzcv_in), n, m, bits);
                            let got = run1(w, &[(1, n), (2, m)], nzcv_in, 3);
                            assert_eq!(
                                got,
                                (want, nzcv_in),
                                "sf={sf} op={op} o2={o2} cond={cond} nzcv={nzcv_in:#x}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn cset_csetm_aliases() {
    // CSET w0, EQ = CSINC w0, wzr, wzr, NE.
    let w = enc::csel(false, false, true, 31, 1, 31, 0);
    assert_eq!(run1(w, &[(0, 99)], Z, 0).0, 1);
    assert_eq!(run1(w, &[(0, 99)], 0, 0).0, 0);
    // CSETM x0, LT = CSINV x0, xzr, xzr, GE.
    let w = enc::csel(true, true, false, 31, 10, 31, 0);
    assert_eq!(run1(w, &[], N, 0).0, u64::MAX);
    assert_eq!(run1(w, &[], N | V, 0).0, 0);
}

#[test]
fn udiv_sdiv() {
    let cases64: &[(u32, u64, u64, u64)] = &[
        (enc::UDIV, 100, 7, 14),
        (enc::UDIV, u64::MAX, 2, u64::MAX / 2),
        (enc::UDIV, 5, 0, 0),
        (enc::SDIV, (-100i64) as u64, 7, (-14i64) as u64),
        (enc::SDIV, 100, (-7i64) as u64, (-14i64) as u64),
        (enc::SDIV, 5, 0, 0),
        // INT_MIN / -1 wraps to INT_MIN.
        (enc::SDIV, 1 << 63, u64::MAX, 1 << 63),
    ];
    for &(opc, a, b, r) in cases64 {
        assert_eq!(
            run1(enc::dp2(true, opc, 2, 1, 3), &[(1, a), (2, b)], 0, 3).0,
            r,
            "{opc} {a:#x} {b:#x}"
        );
    }
    let cases32: &[(u32, u64, u64, u64)] = &[
        // Upper halves of the operands are ignored.
        (enc::UDIV, 0xffff_ffff_0000_0064, 0x1_0000_0007, 14),
        (enc::UDIV, 0xffff_ffff, 2, 0x7fff_ffff),
        (enc::UDIV, 5, 0x1_0000_0000, 0),
        (enc::SDIV, 0xffff_ff9c, 7, 0xffff_fff2),
        (enc::SDIV, 0x8000_0000, 0xffff_ffff, 0x8000_0000),
        (enc::SDIV, 0x8000_0000, 0, 0),
        (enc::SDIV, 0x7fff_ffff_0000_0064, 0xffff_ffff, 0xffff_ff9c),
    ];
    for &(opc, a, b, r) in cases32 {
        assert_eq!(
            run1(enc::dp2(false, opc, 2, 1, 3), &[(1, a), (2, b)], 0, 3).0,
            r,
            "w {opc} {a:#x} {b:#x}"
        );
    }
}

#[test]
fn variable_shifts() {
    let val = 0x8000_0000_8000_0001u64;
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for (ty, opc) in [enc::LSLV, enc::LSRV, enc::ASRV, enc::RORV]
            .into_iter()
            .enumerate()
        {
            for amt in [0u64, 1, 31, 32, 33, 63, 64, 65, 0xffff_ffff_ffff_ffe1] {
                let want = shift(val, ty as u32, (amt % u64::from(bits)) as u32, bits);
                let got = run1(enc::dp2(sf, opc, 2, 1, 3), &[(1, val), (2, amt)], 0, 3).0;
                assert_eq!(got, want, "sf={sf} ty={ty} amt={amt}");
            }
        }
    }
    // Hand-worked: ASR w3, w1, w2 by 31 of 0x80000000 is all ones (32 bits).
    let got = run1(
        enc::dp2(false, enc::ASRV, 2, 1, 3),
        &[(1, 0x8000_0000), (2, 31)],
        0,
        3,
    )
    .0;
    assert_eq!(got, 0xffff_ffff);
    // ROR x by 4.
    let got = run1(
        enc::dp2(true, enc::RORV, 2, 1, 3),
        &[(1, 0x1234), (2, 4)],
        0,
        3,
    )
    .0;
    assert_eq!(got, 0x4000_0000_0000_0123);
}

/// CRC update straight from the Arm ARM definition, one bit at a time:
/// the reflected `Poly32Mod2` with polynomial `poly` (not reflected).
fn crc_ref(poly: u32, acc: u32, val: u64, bytes: u32) -> u32 {
    let rpoly = poly.reverse_bits();
    let mut acc = acc;
    for i in 0..8 * bytes {
        let fb = (acc ^ (val >> i) as u32) & 1;
        acc = (acc >> 1) ^ if fb == 1 { rpoly } else { 0 };
    }
    acc
}

#[test]
fn crc32_all_sizes() {
    for c in [false, true] {
        let poly = if c { 0x1EDC_6F41 } else { 0x04C1_1DB7 };
        for sz in 0..4 {
            let base = if c { enc::CRC32C } else { enc::CRC32 };
            let w = enc::dp2(sz == 3, base + sz, 2, 1, 3);
            for &(acc, val) in &[
                (0u64, 0u64),
                (0xffff_ffff, 0x31),
                (0xdead_beef_1234_5678, 0x0123_4567_89ab_cdef),
                (u64::MAX, u64::MAX),
            ] {
                let want = u64::from(crc_ref(poly, acc as u32, val, 1 << sz));
                assert_eq!(
                    run1(w, &[(1, acc), (2, val)], 0, 3).0,
                    want,
                    "c={c} sz={sz} acc={acc:#x} val={val:#x}"
                );
            }
        }
        // sf must be 1 exactly for the X forms.
        let base = if c { enc::CRC32C } else { enc::CRC32 };
        assert_udf(enc::dp2(false, base + 3, 2, 1, 3));
        assert_udf(enc::dp2(true, base, 2, 1, 3));
    }
}

#[test]
fn crc32_check_values() {
    // The standard check values of "123456789" (init and final XOR all ones):
    // CRC-32 0xCBF43926, CRC-32C 0xE3069283, computed with CRC32B/CRC32CB.
    for (opc, check) in [(enc::CRC32, 0xCBF4_3926u64), (enc::CRC32C, 0xE306_9283)] {
        let mut acc = 0xffff_ffffu64;
        for &byte in b"123456789" {
            acc = run1(
                enc::dp2(false, opc, 2, 1, 1),
                &[(1, acc), (2, u64::from(byte))],
                0,
                1,
            )
            .0;
        }
        assert_eq!(acc ^ 0xffff_ffff, check);
    }
}

#[test]
fn dp1_examples() {
    let cases: &[(bool, u32, u64, u64)] = &[
        (true, enc::RBIT, 1, 1 << 63),
        (
            true,
            enc::RBIT,
            0x0000_0000_0000_00f0,
            0x0f00_0000_0000_0000,
        ),
        (false, enc::RBIT, 0xffff_ffff_0000_0001, 0x8000_0000),
        (
            true,
            enc::REV16,
            0x0102_0304_0506_0708,
            0x0201_0403_0605_0807,
        ),
        (false, enc::REV16, 0xffff_ffff_0102_0304, 0x0201_0403),
        (
            true,
            enc::REV32,
            0x0102_0304_0506_0708,
            0x0403_0201_0807_0605,
        ),
        (false, enc::REV32, 0xffff_ffff_0102_0304, 0x0403_0201),
        (
            true,
            enc::REV64,
            0x0102_0304_0506_0708,
            0x0807_0605_0403_0201,
        ),
        (true, enc::CLZ, 0, 64),
        (true, enc::CLZ, 1, 63),
        (true, enc::CLZ, 1 << 63, 0),
        (false, enc::CLZ, 0xffff_ffff_0000_0000, 32),
        (false, enc::CLZ, 0x0001_0000, 15),
        (true, enc::CLS, 0, 63),
        (true, enc::CLS, u64::MAX, 63),
        (true, enc::CLS, 1, 62),
        (true, enc::CLS, 1 << 63, 0),
        (true, enc::CLS, 0x4000_0000_0000_0000, 0),
        (true, enc::CLS, 0xc000_0000_0000_0000, 1),
        (true, enc::CLS, 0xfff0_0000_0000_0000, 11),
        (false, enc::CLS, 0, 31),
        (false, enc::CLS, 0xffff_ffff, 31),
        (false, enc::CLS, 0xffff_ffff_0000_0000, 31),
        (false, enc::CLS, 0x8000_0000, 0),
        (false, enc::CLS, 0xffff_8000, 16),
        (false, enc::CLS, 0x1, 30),
    ];
    for &(sf, opc, x, want) in cases {
        assert_eq!(
            run1(enc::dp1(sf, opc, 1, 3), &[(1, x)], 0, 3).0,
            want,
            "sf={sf} opc={opc} x={x:#x}"
        );
    }
    // REV with sf = 0 and opc = 3 is unallocated.
    assert_udf(enc::dp1(false, enc::REV64, 1, 3));
}

#[test]
fn dp1_sweep_against_models() {
    for &x in EDGES {
        for sf in [false, true] {
            let bits = if sf { 64 } else { 32 };
            let v = x & mask(bits);
            let clz = if sf {
                v.leading_zeros()
            } else {
                (v as u32).leading_zeros()
            };
            // CountLeadingSignBits(x) = CLZ(x<N-1:1> EOR x<N-2:0>) on N-1 bits.
            let eor = ((v >> 1) ^ v) & mask(bits - 1);
            let cls = (bits - 1) - (64 - eor.leading_zeros());
            let rbit = if sf {
                v.reverse_bits()
            } else {
                u64::from((v as u32).reverse_bits())
            };
            let rev = if sf {
                v.swap_bytes()
            } else {
                u64::from((v as u32).swap_bytes())
            };
            assert_eq!(
                run1(enc::dp1(sf, enc::CLZ, 1, 3), &[(1, x)], 0, 3).0,
                u64::from(clz)
            );
            assert_eq!(
                run1(enc::dp1(sf, enc::CLS, 1, 3), &[(1, x)], 0, 3).0,
                u64::from(cls),
                "cls {x:#x} sf={sf}"
            );
            assert_eq!(run1(enc::dp1(sf, enc::RBIT, 1, 3), &[(1, x)], 0, 3).0, rbit);
            let rev_opc = if sf { enc::REV64 } else { enc::REV32 };
            assert_eq!(run1(enc::dp1(sf, rev_opc, 1, 3), &[(1, x)], 0, 3).0, rev);
        }
    }
}

#[test]
fn madd_msub() {
    for sf in [false, true] {
        let bits = if sf { 64 } else { 32 };
        for o0 in [false, true] {
            let w = enc::dp3(sf, 0, o0, 2, 4, 1, 3);
            for &(n, m, a) in &[
                (3u64, 5u64, 100u64),
                (u64::MAX, 2, 1),
                (0x1_0000_0003, 0x2_0000_0005, 0x3_0000_0007),
                (1 << 63, 3, 0),
            ] {
                let p = n.wrapping_mul(m);
                let want = if o0 {
                    a.wrapping_sub(p)
                } else {
                    a.wrapping_add(p)
                } & mask(bits);
                assert_eq!(
                    run1(w, &[(1, n), (2, m), (4, a)], 0, 3).0,
                    want,
                    "sf={sf} o0={o0} {n:#x} {m:#x} {a:#x}"
                );
            }
        }
    }
    // MUL x3, x1, x2 = MADD with Ra = XZR; MNEG = MSUB with Ra = XZR.
    assert_eq!(
        run1(
            enc::dp3(true, 0, false, 2, 31, 1, 3),
            &[(1, 6), (2, 7)],
            0,
            3
        )
        .0,
        42
    );
    assert_eq!(
        run1(
            enc::dp3(true, 0, true, 2, 31, 1, 3),
            &[(1, 6), (2, 7)],
            0,
            3
        )
        .0,
        (-42i64) as u64
    );
    // 32-bit: low 32 bits of the product, zero-extended.
    assert_eq!(
        run1(
            enc::dp3(false, 0, true, 2, 31, 1, 3),
            &[(1, 6), (2, 7)],
            0,
            3
        )
        .0,
        (-42i32) as u32 as u64
    );
}

#[test]
fn long_multiplies() {
    let vals = [
        0u64,
        1,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0xdead_beef_8000_0001,
    ];
    for unsigned in [false, true] {
        for o0 in [false, true] {
            let op31 = if unsigned { 0b101 } else { 0b001 };
            let w = enc::dp3(true, op31, o0, 2, 4, 1, 3);
            for &n in &vals {
                for &m in &vals {
                    let ext = |v: u64| {
                        if unsigned {
                            v & 0xffff_ffff
                        } else {
                            sint(v, 32) as u64
                        }
                    };
                    let p = ext(n).wrapping_mul(ext(m));
                    let a = 0x1234_5678_9abc_def0u64;
                    let want = if o0 {
                        a.wrapping_sub(p)
                    } else {
                        a.wrapping_add(p)
                    };
                    assert_eq!(
                        run1(w, &[(1, n), (2, m), (4, a)], 0, 3).0,
                        want,
                        "u={unsigned} o0={o0} {n:#x} {m:#x}"
                    );
                }
            }
        }
    }
    // SMULL x3, w1, w2: -1 * -1 = 1; UMULL: 0xffffffff^2.
    assert_eq!(
        run1(
            enc::dp3(true, 0b001, false, 2, 31, 1, 3),
            &[(1, 0xffff_ffff), (2, 0xffff_ffff)],
            0,
            3
        )
        .0,
        1
    );
    assert_eq!(
        run1(
            enc::dp3(true, 0b101, false, 2, 31, 1, 3),
            &[(1, 0xffff_ffff), (2, 0xffff_ffff)],
            0,
            3
        )
        .0,
        0xffff_fffe_0000_0001
    );
}

#[test]
fn high_multiplies() {
    let vals = [
        0u64,
        1,
        2,
        0x7fff_ffff_ffff_ffff,
        1 << 63,
        u64::MAX,
        0xdead_beef_0123_4567,
    ];
    for &n in &vals {
        for &m in &vals {
            let u = ((u128::from(n) * u128::from(m)) >> 64) as u64;
            let s = ((i128::from(n as i64) * i128::from(m as i64)) >> 64) as u64;
            assert_eq!(
                run1(
                    enc::dp3(true, 0b110, false, 2, 31, 1, 3),
                    &[(1, n), (2, m)],
                    0,
                    3
                )
                .0,
                u,
                "umulh"
            );
            assert_eq!(
                run1(
                    enc::dp3(true, 0b010, false, 2, 31, 1, 3),
                    &[(1, n), (2, m)],
                    0,
                    3
                )
                .0,
                s,
                "smulh"
            );
        }
    }
    // UMULH of all ones squared: 0xffff...fffe; SMULH(-1, -1) = 0.
    let st = run(
        &[
            enc::dp3(true, 0b110, false, 1, 31, 1, 3),
            enc::dp3(true, 0b010, false, 1, 31, 1, 4),
        ],
        &[(1, u64::MAX)],
        0,
    );
    assert_eq!((st.x[3], st.x[4]), (0xffff_ffff_ffff_fffe, 0));
}
