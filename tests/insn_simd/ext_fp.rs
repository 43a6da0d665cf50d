//! FEAT_FCMA, FEAT_FHM, FEAT_BF16, FEAT_FRINTTS and FEAT_JSCVT: results and
//! FPSR flags worked out by hand from the Arm ARM pseudocode (`FCMLA`,
//! `FCADD`, `FPMulAddH`, `FPConvertBF`, `BFDotAdd` with FPCR.EBF = 0,
//! `BFMulAdd`, `FPRoundIntN`, `FPToFixedJS`), including special values and
//! FPCR modes.

use super::*;

const RP: u64 = 1 << 22;

fn s4(x: [u32; 4]) -> u128 {
    vec_of(32, &x.map(u64::from))
}

#[test]
fn fcmla_rotations() {
    // n = (1+2i, 3+4i), m = (5+6i, 7+8i), d = (100+200i, 300+400i).
    let (n, m, d) = (
        f32s([1.0, 2.0, 3.0, 4.0]),
        f32s([5.0, 6.0, 7.0, 8.0]),
        f32s([100.0, 200.0, 300.0, 400.0]),
    );
    let f = |w| opf(w, n, m, d, 0);
    // #0: re += n.re m.re, im += n.re m.im.
    assert_eq!(f(0x6e82c420), (f32s([105.0, 206.0, 321.0, 424.0]), 0));
    // #90: re -= n.im m.im, im += n.im m.re.
    assert_eq!(f(0x6e82cc20), (f32s([88.0, 210.0, 268.0, 428.0]), 0));
    // #180: re -= n.re m.re, im -= n.re m.im.
    assert_eq!(f(0x6e82d420), (f32s([95.0, 194.0, 279.0, 376.0]), 0));
    // #270: re += n.im m.im, im -= n.im m.re.
    assert_eq!(f(0x6e82dc20), (f32s([112.0, 190.0, 332.0, 372.0]), 0));
    // By element: the pair m[1] = 7+8i for both pairs of n, #90.
    assert_eq!(
        opf(
            0x6f823820, /* fcmla v0.4s, v1.4s, v2.s[1], #90 */
            n, m, d, 0
        ),
        (f32s([84.0, 214.0, 268.0, 428.0]), 0)
    );
    // Double, #90: (1+2i)(5+6i) rotated: 100 - 12, 200 + 10.
    let dd = |a: f64, b: f64| f64s([a, b]);
    assert_eq!(
        opf(0x6ec2cc20, dd(1.0, 2.0), dd(5.0, 6.0), dd(100.0, 200.0), 0),
        (dd(88.0, 210.0), 0)
    );
}

#[test]
fn fcmla_fused_rounding_and_nans() {
    // d.re = 1, n.re = m.re = 1 + 2^-23: 1 + (1 + 2^-22 + 2^-46) is rounded
    // once: RNE gives 2 + 2^-22 (0x40000001), round-up 2 + 2^-21.
    let x = 0x3f80_0001;
    let n = s4([x, 0, 0, 0]);
    let d = s4([0x3f80_0000, 0, 0, 0]);
    let (r, f) = opf(0x6e82c420, n, n, d, 0);
    assert_eq!((r as u32, f), (0x4000_0001, IXC));
    let (r, f) = opf(0x6e82c420, n, n, d, RP);
    assert_eq!((r as u32, f), (0x4000_0002, IXC));
    // #180 negates m.re before FPMulAdd: a signalling NaN there comes out
    // quiet and negative; with DN, the default NaN.
    let m = s4([0x7f80_0001, 0x3f80_0000, 0, 0]);
    let one = s4([0x3f80_0000, 0x3f80_0000, 0, 0]);
    let (r, f) = opf(0x6e82d420, one, m, 0, 0);
    assert_eq!((r as u32, f), (0xffc0_0001, IOC));
    let (r, f) = opf(0x6e82d420, one, m, 0, DN);
    assert_eq!((r as u32, f), (0x7fc0_0000, IOC));
    // The signalling NaN beats a quiet NaN accumulator (FPProcessNaNs3).
    let (r, _) = opf(0x6e82d420, one, m, s4([0x7fc0_0005, 0, 0, 0]), 0);
    assert_eq!(r as u32, 0xffc0_0001);
    // inf * 0 with a quiet NaN accumulator: default NaN and IOC.
    let (r, f) = opf(
        0x6e82c420,
        s4([0x7f80_0000, 0, 0, 0]),
        s4([0, 0, 0, 0]),
        s4([0x7fc0_0005, 0, 0, 0]),
        0,
    );
    assert_eq!((r as u32, f), (0x7fc0_0000, IOC));
}

#[test]
fn fcadd() {
    let (n, m) = (f32s([1.0, 2.0, 3.0, 4.0]), f32s([5.0, 6.0, 7.0, 8.0]));
    // #90: re = n.re - m.im, im = n.im + m.re.
    assert_eq!(
        opf(0x6e82e420 /* fcadd v0.4s, #90 */, n, m, D, 0),
        (f32s([-5.0, 7.0, -5.0, 11.0]), 0)
    );
    // #270 (double): re = n.re + m.im, im = n.im - m.re.
    assert_eq!(
        opf(0x6ec2f420, f64s([1.0, 2.0]), f64s([5.0, 6.0]), D, 0),
        (f64s([7.0, -3.0]), 0)
    );
    // FPNeg flips a NaN's sign before FPAdd propagates it: #90 negates m.im.
    let (r, f) = opf(0x6e82e420, 0, s4([0, 0x7fc0_1234, 0, 0]), 0, 0);
    assert_eq!((r, f), (s4([0xffc0_1234, 0, 0, 0]), 0));
    // inf - inf: default NaN, IOC.
    let inf = 0x7f80_0000;
    let (r, f) = opf(0x6e82e420, s4([inf, 0, 0, 0]), s4([0, inf, 0, 0]), 0, 0);
    assert_eq!((r as u32, f), (0x7fc0_0000, IOC));
}

#[test]
fn fmlal_widening() {
    // Halves: n = 1, 2, -0.5, 65504; m = 3, 0.25, 2, 65504; d = 1, 1, 1, 0.
    let n = h8([0x3c00, 0x4000, 0xb800, 0x7bff, 0, 0, 0, 0]);
    let m = h8([0x4200, 0x3400, 0x4000, 0x7bff, 0, 0, 0, 0]);
    let d = f32s([1.0, 1.0, 1.0, 0.0]);
    // 65504^2 = 4290774016 is exact in single precision (0x4f7fc004); 1 - 1
    // is +0.
    let (r, f) = opf(0x4e22ec20 /* fmlal v0.4s, v1.4h, v2.4h */, n, m, d, 0);
    assert_eq!((r, f), (s4([0x4080_0000, 0x3fc0_0000, 0, 0x4f7f_c004]), 0));
    // fmlsl2 (2S): halves 2 and 3: 10 - 1 * 3, 10 - 2 * 0.25.
    let n = h8([0, 0, 0x3c00, 0x4000, 0, 0, 0, 0]);
    let m = h8([0, 0, 0x4200, 0x3400, 0, 0, 0, 0]);
    let (r, _) = opf(0x2ea2cc20 /* fmlsl2 v0.2s */, n, m, f32s([10.0; 4]), 0);
    assert_eq!(r, lo(f32s([7.0, 9.5, 0.0, 0.0])));
    // fmlal2 by element: halves 4..7 of n times m.h[7] (= 2).
    let n = h8([0, 0, 0, 0, 0x3c00, 0x4000, 0x4200, 0x0001]);
    let m = h8([0, 0, 0, 0, 0, 0, 0, 0x4000]);
    // 2^-24 * 2 + 0 = 2^-23 exactly.
    let (r, f) = opf(
        0x6fb28820, /* fmlal2 v0.4s, v1.4h, v2.h[7] */
        n, m, 0, 0,
    );
    assert_eq!(
        (r, f),
        (s4([0x4000_0000, 0x4080_0000, 0x40c0_0000, 0x3400_0000]), 0)
    );
    // A signalling half NaN is quietened and widened: 0x7c01 -> 0x7fc02000.
    let n = h8([0x7c01, 0, 0, 0, 0, 0, 0, 0]);
    let (r, f) = opf(0x4e22ec20, n, 0, 0, 0);
    assert_eq!((r as u32, f), (0x7fc0_2000, IOC));
    // FMLSL negates the NaN from Vn as well.
    let (r, _) = opf(0x2ea2cc20, h8([0, 0, 0xfe01, 0, 0, 0, 0, 0]), 0, 0, 0);
    assert_eq!(r as u32, 0x7fc0_2000);
}

#[test]
fn bfcvt_rounding_and_flags() {
    let cvt = |x: u32, fpcr: u64| {
        let (r, f) = opf(0x1e634020 /* bfcvt h0, s1 */, x as u128, 0, D, fpcr);
        (r, f)
    };
    // Ties to even: 1 + 2^-8 -> 1.0; 1 + 3 * 2^-8 -> 1 + 2^-6 (0x3f82).
    assert_eq!(cvt(0x3f80_8000, 0), (0x3f80, IXC));
    assert_eq!(cvt(0x3f81_8000, 0), (0x3f82, IXC));
    // FPCR rounding: +inf rounds the smallest excess up.
    assert_eq!(cvt(0x3f80_0001, RP), (0x3f81, IXC));
    assert_eq!(cvt(0x3f80_0001, 0), (0x3f80, IXC));
    // NaNs: quietened, top of the payload kept; DN gives 0x7fc0.
    assert_eq!(cvt(0x7f80_0001, 0), (0x7fc0, IOC));
    assert_eq!(cvt(0xff81_2345, 0), (0xffc1, IOC));
    assert_eq!(cvt(0xff81_2345, DN), (0x7fc0, IOC));
    // FLT_MAX overflows to infinity under RNE; truncated (RZ) it is the
    // largest finite BFloat16, only inexact.
    assert_eq!(cvt(0x7f7f_ffff, 0), (0x7f80, OFC | IXC));
    assert_eq!(cvt(0x7f7f_ffff, RZ), (0x7f7f, IXC));
    // Denormals: exact ones stay, inexact ones underflow; FZ flushes input.
    assert_eq!(cvt(0x0040_0000, 0), (0x0040, 0));
    assert_eq!(cvt(0x0000_0001, 0), (0x0000, UFC | IXC));
    assert_eq!(cvt(0x8000_0001, FZ), (0x8000, IDC));
    // bfcvtn / bfcvtn2 narrow four lanes into the low or high half.
    let n = s4([0x3f80_8000, 0x4049_0fdb, 0xff80_0000, 0x0000_0000]);
    let (r, f) = opf(0x0ea16820 /* bfcvtn v0.4h, v1.4s */, n, 0, D, 0);
    assert_eq!((r, f), (h8([0x3f80, 0x4049, 0xff80, 0, 0, 0, 0, 0]), IXC));
    let (r, _) = opf(0x4ea16820 /* bfcvtn2 v0.8h, v1.4s */, n, 0, D, 0);
    assert_eq!(r, lo(D) | h8([0, 0, 0, 0, 0x3f80, 0x4049, 0xff80, 0]));
}

#[test]
fn bfdot_is_round_to_odd_and_ignores_fpcr() {
    let one = 0x3f80_0000u32;
    let pair = |a: u16, b: u16| u32::from(a) | u32::from(b) << 16;
    let dot = |d: u32, n: u32, m: u32, fpcr: u64| {
        let (r, f) = opf(
            0x6e42fc20, /* bfdot v0.4s, v1.8h, v2.8h */
            s4([n; 4]),
            s4([m; 4]),
            s4([d; 4]),
            fpcr,
        );
        assert_eq!(r, s4([r as u32; 4]));
        (r as u32, f)
    };
    // 1 + 1*3 + 2*0.5 = 5.
    assert_eq!(
        dot(one, pair(0x3f80, 0x4000), pair(0x4040, 0x3f00), 0),
        (0x40a0_0000, 0)
    );
    // 1 + 2^-24: rounded to odd, 1 + 2^-23, whatever FPCR says; no flags.
    let tiny = pair(0x3380, 0);
    let unit = pair(0x3f80, 0);
    assert_eq!(dot(one, tiny, unit, 0), (0x3f80_0001, 0));
    assert_eq!(dot(one, tiny, unit, RZ | FZ), (0x3f80_0001, 0));
    // A BFloat16 denormal input is zero, without IDC.
    assert_eq!(dot(one, pair(0x0001, 0), unit, 0), (one, 0));
    // Any NaN gives the default NaN, signalling or not, DN or not.
    assert_eq!(dot(one, pair(0x7f81, 0), unit, 0), (0x7fc0_0000, 0));
    assert_eq!(dot(0xffc0_1234, unit, unit, 0), (0x7fc0_0000, 0));
    // Overflow is infinity; products below the normal range flush to +0.
    assert_eq!(
        dot(0, pair(0x7f7f, 0), pair(0x4000, 0), 0),
        (0x7f80_0000, 0)
    );
    assert_eq!(dot(0, pair(0x0080, 0), pair(0x3f00, 0), 0), (0, 0));
    // -1*1 + 1*1 = +0 (exact zero sums are positive), then 1 + 0.
    assert_eq!(
        dot(0x8000_0000, pair(0xbf80, 0x3f80), pair(0x3f80, 0x3f80), 0),
        (0, 0)
    );
    // By element, 2S: pair 3 of Vm for every lane; the top half is zeroed.
    let m = s4([0, 0, 0, pair(0x4000, 0x4000)]);
    let (r, _) = opf(
        0x0f62f820, /* bfdot v0.2s, v1.4h, v2.2h[3] */
        s4([pair(0x3f80, 0x3f80); 4]),
        m,
        0,
        0,
    );
    assert_eq!(r, s4([0x4080_0000, 0x4080_0000, 0, 0]));
}

#[test]
fn bfmmla_and_bfmlal() {
    let bf = |x: [u16; 8]| h8(x);
    // Vn rows (1, 2, 3, 4), (1, 1, 1, 1); Vm rows (1, 1, 1, 1), (.5 x4):
    // [10, 5; 4, 2].
    let n = bf([
        0x3f80, 0x4000, 0x4040, 0x4080, 0x3f80, 0x3f80, 0x3f80, 0x3f80,
    ]);
    let m = bf([
        0x3f80, 0x3f80, 0x3f80, 0x3f80, 0x3f00, 0x3f00, 0x3f00, 0x3f00,
    ]);
    let (r, f) = opf(0x6e42ec20 /* bfmmla */, n, m, 0, 0);
    assert_eq!((r, f), (f32s([10.0, 5.0, 4.0, 2.0]), 0));
    // bfmlalb: even halves, IEEE FPMulAdd: 1 + 2 * 4 = 9, 1 + 3 * .5 = 2.5.
    let n = bf([0x4000, 0, 0x4040, 0, 0x3380, 0, 0, 0x3f80]);
    let m = bf([0x4080, 0, 0x3f00, 0, 0x3f80, 0, 0, 0x4000]);
    let (r, f) = opf(0x2ec2fc20 /* bfmlalb */, n, m, f32s([1.0; 4]), 0);
    // Lane 2: 1 + 2^-24 rounds to nearest even (1.0, IXC), not to odd.
    assert_eq!((r, f), (f32s([9.0, 2.5, 1.0, 1.0]), IXC));
    let (r, _) = opf(0x2ec2fc20, n, m, f32s([1.0; 4]), RP);
    assert_eq!(r as u32, 0x4110_0000);
    assert_eq!((r >> 64) as u32, 0x3f80_0001);
    // bfmlalt by element: odd halves of Vn times m.h[7] = 2: lane 3 is
    // 1 + 1 * 2 = 3.
    let (r, _) = opf(
        0x4ff2f820, /* bfmlalt v0.4s, v1.8h, v2.h[7] */
        n,
        m,
        f32s([1.0; 4]),
        0,
    );
    assert_eq!(r, f32s([1.0, 1.0, 1.0, 3.0]));
}

#[test]
fn frint_to_integer_range() {
    let int_min32 = 0xcf00_0000u32; // -2^31
    let (r, f) = opf(
        0x4e21e820, /* frint32z v0.4s, v1.4s */
        f32s([1.5, -2.7, 3e9, -2147483648.0]),
        0,
        D,
        0,
    );
    assert_eq!(
        (r, f),
        (
            s4([0x3f80_0000, 0xc000_0000, int_min32, int_min32]),
            IXC | IOC
        )
    );
    // 2^31 is out of range; no Inexact for the invalid lanes.
    let (r, f) = opf(
        0x4e21e820,
        s4([0x4f00_0000, 0x7fc0_0000, 0xff80_0000, 0]),
        0,
        D,
        0,
    );
    assert_eq!((r, f), (s4([int_min32, int_min32, int_min32, 0]), IOC));
    // frint64x: FPCR rounding (RNE: 2.5 -> 2); NaN -> -2^63.
    let (r, f) = opf(
        0x6e61f820, /* frint64x v0.2d */
        f64s([2.5, f64::NAN]),
        0,
        D,
        0,
    );
    assert_eq!(
        (r, f),
        (
            vec_of(64, &[2f64.to_bits(), 0xc3e0_0000_0000_0000]),
            IXC | IOC
        )
    );
    // Scalar: frint32x s0, s1 rounding up; frint64z d0, d1 keeps -0.
    let (r, f) = opf(0x1e28c020, 1.1f32.to_bits() as u128, 0, D, RP);
    assert_eq!((r, f), (2f32.to_bits() as u128, IXC));
    let (r, f) = opf(0x1e694020, (-0.5f64).to_bits() as u128, 0, D, 0);
    assert_eq!((r, f), ((-0.0f64).to_bits() as u128, IXC));
    // FZ: a denormal is read as zero (IDC), sign kept.
    let (r, f) = opf(0x1e694020, 0x8000_0000_0000_0001, 0, D, FZ);
    assert_eq!((r, f), (0x8000_0000_0000_0000, IDC));
}

/// fjcvtzs w0, d1: (W0, NZCV, FPSR).
fn jcvt(x: u64, fpcr: u64) -> (u64, u64, u64) {
    let mut cpu = CpuState {
        fpcr,
        nzcv: 0xf000_0000,
        ..Default::default()
    };
    cpu.v[1] = x as u128;
    cpu.x[0] = u64::MAX;
    run(&[0x1e7e0020], &mut cpu);
    (cpu.x[0], cpu.nzcv, cpu.fpsr)
}

#[test]
fn fjcvtzs() {
    let z = 0x4000_0000;
    let d = |x: f64| x.to_bits();
    assert_eq!(jcvt(d(1.0), 0), (1, z, 0));
    assert_eq!(jcvt(d(-1.5), 0), (0xffff_ffff, 0, IXC));
    assert_eq!(jcvt(d(2147483647.0), 0), (0x7fff_ffff, z, 0));
    assert_eq!(jcvt(d(-2147483648.0), 0), (0x8000_0000, z, 0));
    // Out of range: modulo 2^32, Invalid: 2^32 + 5 -> 5; 1e20 -> 0x63100000.
    assert_eq!(jcvt(d(4294967301.0), 0), (5, 0, IOC));
    assert_eq!(jcvt(d(1e20), 0), (0x6310_0000, 0, IOC));
    assert_eq!(jcvt(d(-4294967301.5), 0), (0xffff_fffb, 0, IOC));
    // -0 is not exact for JavaScript; +0 is. The rounding mode is ignored.
    assert_eq!(jcvt(d(-0.0), 0), (0, 0, 0));
    assert_eq!(jcvt(d(0.0), RP), (0, z, 0));
    assert_eq!(jcvt(d(2.9), RP), (2, 0, IXC));
    // NaN and infinity: 0, Invalid.
    assert_eq!(jcvt(d(f64::NAN), 0), (0, 0, IOC));
    assert_eq!(jcvt(d(f64::NEG_INFINITY), 0), (0, 0, IOC));
    // A denormal: inexact; flushed by FZ, still not exact (FPToFixedJS
    // checks op<51:0>; QEMU 7.2 sets Z here).
    assert_eq!(jcvt(1, 0), (0, 0, IXC));
    assert_eq!(jcvt(1, FZ), (0, 0, IDC));
}
