//! FEAT_DotProd, FEAT_I8MM and FEAT_RDM (integer), FEAT_FlagM/FlagM2.
//! Literal results are worked out by hand in the comments; the rest comes
//! from a small lane model of the Arm ARM pseudocode (`SDOT`, `MatMulAdd`,
//! `SQRDMLAH`).

use super::*;
use emu::arm64::disasm;

fn bytes(v: [i8; 16]) -> u128 {
    vec_of(8, &v.map(|b| b as u8 as u64))
}

/// Model: lane `e` of Vd plus four byte products (Vn bytes 4e.., Vm bytes
/// from `mj(e)`), modulo 2^32.
fn dot_model(
    n: u128,
    m: u128,
    d: u128,
    lanes_: usize,
    nu: bool,
    mu: bool,
    mj: &dyn Fn(usize) -> usize,
) -> u128 {
    let b = |v: u128, i: usize, u: bool| {
        let x = (v >> (8 * i)) as u8;
        if u {
            x as i64
        } else {
            x as i8 as i64
        }
    };
    let r: Vec<u64> = (0..lanes_)
        .map(|e| {
            let acc = (d >> (32 * e)) as u32 as i64;
            let s = (0..4).fold(acc, |s, k| s + b(n, 4 * e + k, nu) * b(m, mj(e) + k, mu));
            s as u64 & 0xffff_ffff
        })
        .collect();
    vec_of(32, &r)
}

#[test]
fn decoder_names_the_new_encodings() {
    for (w, name) in [
        (0x4e829420, "SDOT_vec"),
        (0x4f22f020, "SUDOT_elem"),
        (0x4e82ac20, "USMMLA"),
        (0x7fa2d020, "SQRDMLAH_selem"),
        (0x6f823820, "FCMLA_elem"),
        (0x6e82e420, "FCADD"),
        (0x6fb28820, "FMLAL2_elem"),
        (0x6e42ec20, "BFMMLA"),
        (0x1e634020, "BFCVT"),
        (0x1e7e0020, "FJCVTZS"),
        (0xd500401f, "CFINV"),
        (0xba01842a, "RMIF"),
    ] {
        assert!(
            disasm::name(w).starts_with(name),
            "{w:#x}: {}",
            disasm::name(w)
        );
    }
}

#[test]
fn dot_products_literal() {
    let all = |b: i8| bytes([b; 16]);
    // sdot: 4 * (-128 * -128) = 0x10000 per lane.
    let (r, _) = op3(
        0x4e829420, /* sdot v0.4s, v1.16b, v2.16b */
        all(-128),
        all(-128),
        0,
    );
    assert_eq!(r, vec_of(32, &[0x10000; 4]));
    // The accumulator wraps: 0x7fffffff + 0x10000.
    let (r, _) = op3(
        0x4e829420,
        all(-128),
        all(-128),
        vec_of(32, &[0x7fff_ffff; 4]),
    );
    assert_eq!(r, vec_of(32, &[0x8000_ffff; 4]));
    // udot: 4 * 255 * 255 = 260100 = 0x3f804; the 2S form zeroes the top.
    let (r, _) = op3(
        0x2e829420, /* udot v0.2s, v1.8b, v2.8b */
        all(-1),
        all(-1),
        0,
    );
    assert_eq!(r, vec_of(32, &[0x3f804, 0x3f804]));
    // usdot: Vn unsigned 255, Vm signed -128: 4 * -32640 = -130560.
    let (r, _) = op3(
        0x4e829c20, /* usdot v0.4s, v1.16b, v2.16b */
        all(-1),
        all(-128),
        0,
    );
    assert_eq!(r, vec_of(32, &[0xfffe_0200; 4]));
    // smmla: rows of Vn (1..8; all -1) by rows of Vm (all 1; 1..8):
    // [36, 204; -8, -36].
    let n = bytes([1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, -1, -1, -1, -1]);
    let m = bytes([1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8]);
    let (r, _) = op3(0x4e82a420 /* smmla v0.4s, v1.16b, v2.16b */, n, m, 0);
    assert_eq!(r, vec_of(32, &[36, 204, (-8i64) as u64, (-36i64) as u64]));
    // ummla reads -1 as 255: [36, 204, 8*255, 36*255].
    let (r, _) = op3(0x6e82a420 /* ummla */, n, m, 0);
    assert_eq!(r, vec_of(32, &[36, 204, 2040, 9180]));
    // usmmla: Vn unsigned, Vm signed (the same here: Vm is positive).
    let (r, _) = op3(0x4e82ac20 /* usmmla */, n, m, 0);
    assert_eq!(r, vec_of(32, &[36, 204, 2040, 9180]));
}

/// (word, lanes, Vn unsigned, Vm unsigned, first Vm byte of lane e).
type DotCase<'a> = (u32, usize, bool, bool, &'a dyn Fn(usize) -> usize);

#[test]
fn dot_products_model() {
    for (n, m) in [(N, M), (M, N), (D, M), (N, D)] {
        let same = |e: usize| 4 * e;
        let cases: [DotCase; 7] = [
            (
                0x4e829420, /* sdot v0.4s, v1.16b, v2.16b */
                4, false, false, &same,
            ),
            (
                0x2e829420, /* udot v0.2s, v1.8b, v2.8b */
                2, true, true, &same,
            ),
            (0x4e829c20 /* usdot v0.4s */, 4, true, false, &same),
            (
                0x4fa2e820, /* sdot v0.4s, v1.16b, v2.4b[3] */
                4,
                false,
                false,
                &|_| 12,
            ),
            (
                0x6fa2e020, /* udot v0.4s, v1.16b, v2.4b[1] */
                4,
                true,
                true,
                &|_| 4,
            ),
            (
                0x0f82f820, /* usdot v0.2s, v1.8b, v2.4b[2] */
                2,
                true,
                false,
                &|_| 8,
            ),
            (
                0x4f22f020, /* sudot v0.4s, v1.16b, v2.4b[1] */
                4,
                false,
                true,
                &|_| 4,
            ),
        ];
        for (w, l, nu, mu, mj) in cases {
            let (r, _) = op3(w, n, m, D);
            assert_eq!(r, dot_model(n, m, D, l, nu, mu, mj), "word {w:#010x}");
        }
    }
}

#[test]
fn rdm_literal() {
    let h = |x: u64| vec_of(16, &[x; 8]);
    // 0.5 + 0.5 * 0.5 in Q15: (0x4000 << 16) + 2 * 0x4000^2 = 0x60000000,
    // rounded and shifted: 0x6000.
    let (r, f) = op3(
        0x6e428420, /* sqrdmlah v0.8h, v1.8h, v2.8h */
        h(0x4000),
        h(0x4000),
        h(0x4000),
    );
    assert_eq!((r, f & QC), (h(0x6000), 0));
    // (-1) * (-1) + 0 = 2^31 >> 16 = 0x8000: saturates to 0x7fff, QC.
    let (r, f) = op3(0x6e428420, h(0x8000), h(0x8000), 0);
    assert_eq!((r, f & QC), (h(0x7fff), QC));
    // Rounding: 2 * 1 * 0x4000 + 0x8000 = 0x10000 -> 1; with 0x3fff: 0.
    let (r, _) = op3(0x6e428420, h(1), vec_of(16, &[0x4000, 0x3fff]), 0);
    assert_eq!(r, vec_of(16, &[1, 0, 0, 0, 0, 0, 0, 0]));
    // sqrdmlsh: 0 - 2 * (-1) * (-1) = -2^31 -> 0x8000 exactly, no QC.
    let s = |x: u64| vec_of(32, &[x; 4]);
    let (r, f) = op3(
        0x6e828c20, /* sqrdmlsh v0.4s */
        s(0x8000_0000),
        s(0x8000_0000),
        0,
    );
    assert_eq!((r, f & QC), (s(0x8000_0000), 0));
    // -1 - 1 * 1 saturates at -1 (0x80000000) with QC.
    let (r, f) = op3(0x6e828c20, s(0x7fff_ffff), s(0x7fff_ffff), s(0x8000_0000));
    assert_eq!((r, f & QC), (s(0x8000_0000), QC));
    // Scalar forms keep one element and zero the rest of Vd.
    let (r, _) = op3(
        0x7e428420, /* sqrdmlah h0, h1, h2 */
        h(0x4000),
        h(0x4000),
        h(0x4000),
    );
    assert_eq!(r, 0x6000);
}

#[test]
fn rdm_model() {
    let lane = |es: u32, sub: bool, n: u64, m: u64, d: u64| -> (u64, bool) {
        let p = 2 * (sx(n, es) as i128) * (sx(m, es) as i128);
        let acc = ((sx(d, es) as i128) << es) + if sub { -p } else { p };
        let v = (acc + (1 << (es - 1))) >> es;
        let (lo_, hi) = (-(1i128 << (es - 1)), (1i128 << (es - 1)) - 1);
        let c = v.clamp(lo_, hi);
        (c as u64 & mask(es), c != v)
    };
    // (word, esize, bits, sub, element index or None, scalar)
    let cases: [(u32, u32, u32, bool, Option<usize>); 6] = [
        (0x6e428420 /* sqrdmlah v0.8h */, 16, 128, false, None),
        (0x6e828c20 /* sqrdmlsh v0.4s */, 32, 128, true, None),
        (
            0x2f52d820, /* sqrdmlah v0.4h, v1.4h, v2.h[5] */
            16,
            64,
            false,
            Some(5),
        ),
        (
            0x6fa2f820, /* sqrdmlsh v0.4s, v1.4s, v2.s[3] */
            32,
            128,
            true,
            Some(3),
        ),
        (
            0x7e828c20, /* sqrdmlsh s0, s1, s2 */
            32, 32, true, None,
        ),
        (
            0x7fa2d020, /* sqrdmlah s0, s1, v2.s[1] */
            32,
            32,
            false,
            Some(1),
        ),
    ];
    for (n, m) in [(N, M), (M, N), (N, N), (D, M)] {
        for (w, es, bits, sub, idx) in cases {
            let mv = match idx {
                Some(i) => vec_of(es, &vec![lanes(es, m)[i]; (128 / es) as usize]),
                None => m,
            };
            let mut sat = false;
            let want = map(es, bits, n, mv, D, |x, y, d| {
                let (v, s) = lane(es, sub, x, y, d);
                sat |= s;
                v
            });
            let (r, f) = op3(w, n, m, D);
            assert_eq!((r, f & QC != 0), (want, sat), "word {w:#010x}");
        }
    }
}

/// Runs `word` with NZCV = `nzcv` and X1 = `x1`; returns the new NZCV.
fn flags_after(word: u32, nzcv: u64, x1: u64) -> u64 {
    let mut cpu = CpuState {
        nzcv,
        ..Default::default()
    };
    cpu.x[1] = x1;
    // Make the flags observable: NZCV is stored at the block's end.
    run(&[word], &mut cpu);
    cpu.nzcv
}

#[test]
fn flag_manipulation() {
    const N_: u64 = 8 << 28;
    const Z: u64 = 4 << 28;
    const C: u64 = 2 << 28;
    const V: u64 = 1 << 28;
    assert_eq!(flags_after(0xd500401f /* cfinv */, C | N_, 0), N_);
    assert_eq!(flags_after(0xd500401f, Z, 0), Z | C);
    // axflag: Z |= V, C &= !V, N = V = 0.
    assert_eq!(flags_after(0xd500405f /* axflag */, N_ | C | V, 0), Z);
    assert_eq!(flags_after(0xd500405f, N_ | C, 0), C);
    // xaflag from each (C, Z): N = !C & !Z, Z = Z & C, C = C | Z, V = !C & Z.
    assert_eq!(flags_after(0xd500403f /* xaflag */, 0, 0), N_);
    assert_eq!(flags_after(0xd500403f, Z, 0), C | V);
    assert_eq!(flags_after(0xd500403f, Z | C, 0), Z | C);
    assert_eq!(flags_after(0xd500403f, C | V | N_, 0), C);
    // rmif x1, #3, #0b1010: 0x58 ror 3 = 0b1011 -> N = 1, C = 1; Z, V kept.
    assert_eq!(flags_after(0xba01842a, Z | V, 0x58), N_ | Z | C | V);
    assert_eq!(flags_after(0xba01842a, N_ | Z | C | V, 0), Z | V);
    // setf8 w1: N = bit 7, Z = bits 7..0 zero, V = bit 8 ^ bit 7, C kept.
    assert_eq!(flags_after(0x3a00082d, C, 0x180), N_ | C);
    assert_eq!(flags_after(0x3a00082d, V, 0x100), Z | V);
    // setf16 w1: bit 15 and bit 16.
    assert_eq!(flags_after(0x3a00482d, 0, 0x8000), N_ | V);
    assert_eq!(flags_after(0x3a00482d, N_, 0x1_0000), Z | V);
}

#[test]
fn unallocated_forms_are_undefined() {
    // Each is UNDEFINED in the Arm ARM (qemu-aarch64 -cpu max agrees).
    for w in [
        0x6e028420, // sqrdmlah, size 00
        0x6ec28420, // sqrdmlah, size 11
        0x7e028420, // sqrdmlah (scalar), size 00
        0x2f02d820, // sqrdmlah (by element), size 00
        0x2ec2cc20, // fcmla v0.1d (size 11, Q = 0)
        0x6fa23820, // fcmla (by element) 4S with L = 1
        0x2f823820, // fcmla (by element) 2S
        0x6fc23820, // fcmla (by element), size 11
        0x2f423820, // fcmla (by element) 4H with H = 1
        0x6e02e420, // fcadd, size 00
        0x2ec2f420, // fcadd v0.1d
        0x0e61e820, // frint32z v0.1d
    ] {
        let mut cpu = CpuState::default();
        let r = emu::jit::testing::run_code(&[w], &mut cpu);
        assert_eq!(r, ExitReason::Udf, "{w:#010x}");
    }
}
