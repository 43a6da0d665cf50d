//! Reciprocal (square root) estimates, FRECPX, the half-precision vector
//! conversions and the scalar saturating doubling long multiplies.
//! Expected values are worked out by hand from the Arm ARM pseudocode
//! (FPRecipEstimate, FPRSqrtEstimate, RecipEstimate, RecipSqrtEstimate,
//! UnsignedRecipEstimate, UnsignedRSqrtEstimate, FPRecpX, FPConvert).

use super::*;

/// A scalar single-precision operation on `x`: (result bits, FPSR).
fn s1(word: u32, x: u32, fpcr: u64) -> (u128, u64) {
    opf(word, u128::from(x) | 0xdead << 64, 0, D, fpcr)
}

#[test]
fn frecpe_single() {
    const W: u32 = 0x5ea1d820; // frecpe s0, s1
    let cases: &[(u32, u64, u32, u64)] = &[
        // (input, FPCR, result, FPSR)
        (0x4000_0000, 0, 0x3eff_8000, 0),          // 2.0 -> 511/1024
        (0x4040_0000, 0, 0x3eaa_8000, 0),          // 3.0 -> 341/1024
        (0xc040_0000, 0, 0xbeaa_8000, 0),          // sign kept
        (0x8000_0000, 0, 0xff80_0000, DZC),        // -0 -> -inf
        (0x7f80_0000, 0, 0, 0),                    // inf -> +0
        (0x7f80_0001, 0, 0x7fc0_0001, IOC),        // sNaN quietened
        (0xffc1_2345, 0, 0xffc1_2345, 0),          // qNaN payload kept
        (0x7f80_0001, DN, 0x7fc0_0000, IOC),       // default NaN
        (0x0000_0001, 0, 0x7f80_0000, OFC | IXC),  // tiny: overflow
        (0x0000_0001, RZ, 0x7f7f_ffff, OFC | IXC), // ... to max normal
        (0x0040_0000, 0, 0x7eff_8000, 0),          // 2^-127
        (0x0020_0000, 0, 0x7f7f_8000, 0),          // 2^-128
        (0x7e80_0000, 0, 0x007f_c000, 0),          // 2^126 -> denormal
        (0x7f00_0000, 0, 0x003f_e000, 0),          // 2^127
        (0x7e80_0000, FZ, 0, UFC),                 // flushed result
        (0x0040_0000, FZ, 0x7f80_0000, DZC | IDC), // flushed input
    ];
    for &(x, fpcr, want, flags) in cases {
        let (got, fpsr) = s1(W, x, fpcr);
        assert_eq!((got, fpsr), (u128::from(want), flags), "frecpe {x:#x}");
    }
    // Vector: every lane, upper half zeroed for the 64-bit form.
    let v = vec_of(32, &[0x4000_0000, 0x4040_0000, 0x8000_0000, 0x7f80_0000]);
    let want = vec_of(32, &[0x3eff_8000, 0x3eaa_8000, 0xff80_0000, 0]);
    assert_eq!(
        opf(0x4ea1d820 /* frecpe v0.4s, v1.4s */, v, 0, D, 0),
        (want, DZC)
    );
    assert_eq!(
        opf(0x0ea1d820 /* frecpe v0.2s, v1.2s */, v, 0, D, 0),
        (lo(want), 0)
    );
}

#[test]
fn frecpe_double() {
    let v = vec_of(64, &[0x4000_0000_0000_0000, 0x0000_0000_0000_0001]);
    let want = vec_of(64, &[0x3fdf_f000_0000_0000, 0x7ff0_0000_0000_0000]);
    assert_eq!(
        opf(0x4ee1d820 /* frecpe v0.2d, v1.2d */, v, 0, D, 0),
        (want, OFC | IXC)
    );
    assert_eq!(
        opf(0x5ee1d820 /* frecpe d0, d1 */, v, 0, D, 0),
        (0x3fdf_f000_0000_0000, 0)
    );
}

#[test]
fn frsqrte() {
    const W: u32 = 0x7ea1d820; // frsqrte s0, s1
    let cases: &[(u32, u64, u32, u64)] = &[
        (0x4080_0000, 0, 0x3eff_8000, 0),          // 4.0 -> 511/1024
        (0x3f80_0000, 0, 0x3f7f_8000, 0),          // 1.0 -> 511/512
        (0x4000_0000, 0, 0x3f34_8000, 0),          // 2.0 -> 361/512
        (0xbf80_0000, 0, 0x7fc0_0000, IOC),        // negative: default NaN
        (0x8000_0000, 0, 0xff80_0000, DZC),        // -0 -> -inf
        (0x7f80_0000, 0, 0, 0),                    // inf -> +0
        (0x7f80_0001, 0, 0x7fc0_0001, IOC),        // sNaN
        (0x0000_0001, 0, 0x64b4_8000, 0),          // 2^-149 -> 2^74.5
        (0x0000_0001, FZ, 0x7f80_0000, DZC | IDC), // flushed input
    ];
    for &(x, fpcr, want, flags) in cases {
        let (got, fpsr) = s1(W, x, fpcr);
        assert_eq!((got, fpsr), (u128::from(want), flags), "frsqrte {x:#x}");
    }
    let v = vec_of(
        64,
        &[0x4010_0000_0000_0000 /* 4.0 */, 0x3ff0_0000_0000_0000],
    );
    let want = vec_of(64, &[0x3fdf_f000_0000_0000, 0x3fef_f000_0000_0000]);
    assert_eq!(
        opf(0x6ee1d820 /* frsqrte v0.2d, v1.2d */, v, 0, D, 0),
        (want, 0)
    );
}

#[test]
fn unsigned_estimates() {
    let v = vec_of(32, &[0x8000_0000, 0xffff_ffff, 0x7fff_ffff, 0xc000_0000]);
    let want = vec_of(32, &[0xff80_0000, 0x8000_0000, 0xffff_ffff, 0xaa80_0000]);
    assert_eq!(
        opf(0x4ea1c820 /* urecpe v0.4s, v1.4s */, v, 0, D, 0),
        (want, 0)
    );
    let v = vec_of(32, &[0x4000_0000, 0x3fff_ffff, 0x8000_0000, 0xffff_ffff]);
    let want = vec_of(32, &[0xff80_0000, 0xffff_ffff]);
    assert_eq!(
        opf(0x2ea1c820 /* ursqrte v0.2s, v1.2s */, v, 0, D, 0),
        (want, 0)
    );
}

#[test]
fn frecpx() {
    const W: u32 = 0x5ea1f820; // frecpx s0, s1
    let cases: &[(u32, u64, u32, u64)] = &[
        (0x4040_0000, 0, 0x3f80_0000, 0),    // 3.0 -> 1.0
        (0x3f80_0000, 0, 0x4000_0000, 0),    // 1.0 -> 2.0
        (0x0000_0001, 0, 0x7f00_0000, 0),    // denormal: max exponent
        (0x8000_0000, 0, 0xff00_0000, 0),    // -0
        (0xff80_0000, 0, 0x8000_0000, 0),    // -inf
        (0x7f80_0001, 0, 0x7fc0_0001, IOC),  // sNaN
        (0x8000_0001, FZ, 0xff00_0000, IDC), // flushed input
    ];
    for &(x, fpcr, want, flags) in cases {
        let (got, fpsr) = s1(W, x, fpcr);
        assert_eq!((got, fpsr), (u128::from(want), flags), "frecpx {x:#x}");
    }
    assert_eq!(
        opf(
            0x5ee1f820, /* frecpx d0, d1 */
            0x4000_0000_0000_0000,
            0,
            D,
            0
        ),
        (0x3ff0_0000_0000_0000, 0)
    );
}

#[test]
fn half_precision_conversions() {
    // 1.0, -2.0, 65536.0 (overflows IEEE half), a signalling NaN.
    let v = vec_of(32, &[0x3f80_0000, 0xc000_0000, 0x4780_0000, 0x7f80_0001]);
    let want = vec_of(16, &[0x3c00, 0xc000, 0x7c00, 0x7e00]);
    assert_eq!(
        opf(0x0e216820 /* fcvtn v0.4h, v1.4s */, v, 0, D, 0),
        (want, IOC | OFC | IXC)
    );
    // FCVTN2 keeps the lower half of Vd.
    assert_eq!(
        opf(0x4e216820 /* fcvtn2 v0.8h, v1.4s */, v, 0, D, 0).0,
        lo(D) | want << 64
    );
    // Alternative half precision: 65536 is the all-ones exponent, a NaN
    // becomes zero with IOC.
    let want = vec_of(16, &[0x3c00, 0xc000, 0x7c00, 0]);
    assert_eq!(
        opf(0x0e216820 /* fcvtn v0.4h, v1.4s */, v, 0, D, AHP),
        (want, IOC)
    );
    // Widening: 1.0, IEEE infinity, the smallest denormal, a signalling NaN.
    let h = vec_of(16, &[0x3c00, 0x7c00, 0x0001, 0x7d00]) << 64;
    let want = vec_of(32, &[0x3f80_0000, 0x7f80_0000, 0x3380_0000, 0x7fe0_0000]);
    assert_eq!(
        opf(0x4e217820 /* fcvtl2 v0.4s, v1.8h */, h, 0, D, 0),
        (want, IOC)
    );
    // AHP: 0x7c00 is 65536 and 0x7d00 is 81920; FZ does not flush halves.
    let want = vec_of(32, &[0x3f80_0000, 0x4780_0000, 0x3380_0000, 0x47a0_0000]);
    assert_eq!(
        opf(
            0x0e217820, /* fcvtl v0.4s, v1.4h */
            h >> 64,
            0,
            D,
            AHP | FZ
        ),
        (want, 0)
    );
    // FCVTXN rounds to odd.
    let x = (1.0f64 + 2f64.powi(-30)).to_bits();
    assert_eq!(
        opf(0x7e616820 /* fcvtxn s0, d1 */, u128::from(x), 0, D, 0),
        (0x3f80_0001, IXC)
    );
}

#[test]
fn scalar_saturating_doubling_long() {
    let qc = |f: u64| f & QC != 0;
    // sqdmull s0, h1, h2: -32768 * -32768 * 2 saturates.
    let (r, f) = opf(0x5e62d020, 0xffff_8000, 0xffff_8000, D, 0);
    assert_eq!((r, qc(f)), (0x7fff_ffff, true));
    let (r, f) = opf(0x5e62d020, 3, 0xfffc, D, 0);
    assert_eq!((r, qc(f)), (0xffff_ffe8, false));
    // sqdmlal d0, s1, s2: 10 + 2 * 5 * 7.
    let (r, _) = opf(0x5ea29020, 5, 7, 10 | 0xff << 64, 0);
    assert_eq!(r, 80);
    // sqdmlsl s0, h1, h2: INT32_MIN - 2 saturates.
    let (r, f) = opf(0x5e62b020, 1, 1, 0x8000_0000, 0);
    assert_eq!((r, qc(f)), (0x8000_0000, true));
    // sqdmull d0, s1, v2.s[3]: 2^30 * 2 * 2.
    let (r, _) = opf(0x5fa2b820, 0x4000_0000, 2 << 96, D, 0);
    assert_eq!(r, 1 << 32);
    // sqdmlal s0, h1, v2.h[7]: 1 + 2 * -1 * 3.
    let (r, _) = opf(0x5f723820, 0xffff, 3 << 112, 1, 0);
    assert_eq!(r, 0xffff_fffb);
    // sqdmlsl d0, s1, v2.s[1]: 100 - 2 * 4 * -5.
    let (r, _) = opf(0x5fa27020, 4, 0xffff_fffb << 32, 100, 0);
    assert_eq!(r, 140);
}
