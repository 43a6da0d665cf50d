//! Two-register misc, shifts by immediate and across-lanes reductions.

use super::*;

#[test]
fn two_register_misc() {
    let un = |w: u32, es: u32, bits: u32, f: &dyn Fn(u64) -> u64| {
        assert_eq!(
            op2(w, N, D).0,
            map(es, bits, N, 0, 0, |x, _, _| f(x)),
            "word {w:#010x}"
        );
    };
    un(
        0x4e205820, /* cnt v0.16b, v1.16b */
        8,
        128,
        &|x| x.count_ones() as u64,
    );
    un(
        0x0e205820, /* cnt v0.8b, v1.8b */
        8,
        64,
        &|x| x.count_ones() as u64,
    );
    un(0x6e205820 /* not v0.16b, v1.16b */, 8, 128, &|x| !x);
    un(0x2e205820 /* mvn v0.8b, v1.8b */, 8, 64, &|x| !x);
    un(
        0x6e60b820, /* neg v0.8h, v1.8h */
        16,
        128,
        &|x| x.wrapping_neg(),
    );
    un(
        0x7ee0b820, /* neg d0, d1 */
        64,
        64,
        &|x| x.wrapping_neg(),
    );
    un(
        0x4ea0b820, /* abs v0.4s, v1.4s */
        32,
        128,
        &|x| sx(x, 32).unsigned_abs(),
    );
    un(
        0x0e20b820, /* abs v0.8b, v1.8b */
        8,
        64,
        &|x| sx(x, 8).unsigned_abs(),
    );
    un(
        0x2e604820, /* clz v0.4h, v1.4h */
        16,
        64,
        &|x| (x as u16).leading_zeros() as u64,
    );
    un(0x4e204820 /* cls v0.16b, v1.16b */, 8, 128, &|x| {
        let v = x as u8 as i8;
        (if v < 0 { !v } else { v }).leading_zeros() as u64 - 1
    });
    un(
        0x6e605820, /* rbit v0.16b, v1.16b */
        8,
        128,
        &|x| (x as u8).reverse_bits() as u64,
    );
    // REV16/32/64: reverse elements inside each container.
    let rev = |w: u32, es: u32, c: u32, bits: u32| {
        let l = lanes(es, N);
        let per = (c / es) as usize;
        let r: Vec<u64> = (0..(bits / es) as usize)
            .map(|i| l[i ^ (per - 1)])
            .collect();
        assert_eq!(op2(w, N, D).0, vec_of(es, &r), "word {w:#010x}");
    };
    rev(0x4e201820 /* rev16 v0.16b, v1.16b */, 8, 16, 128);
    rev(0x6e600820 /* rev32 v0.8h, v1.8h */, 16, 32, 128);
    rev(0x2e200820 /* rev32 v0.8b, v1.8b */, 8, 32, 64);
    rev(0x4ea00820 /* rev64 v0.4s, v1.4s */, 32, 64, 128);
    rev(0x4e200820 /* rev64 v0.16b, v1.16b */, 8, 64, 128);
    // XTN / XTN2.
    let narrow: Vec<u64> = lanes(16, N).iter().map(|&x| x & 0xff).collect();
    assert_eq!(
        op2(0x0e212820 /* xtn v0.8b, v1.8h */, N, D).0,
        vec_of(8, &narrow)
    );
    assert_eq!(
        op2(0x4e212820 /* xtn2 v0.16b, v1.8h */, N, D).0,
        lo(D) | vec_of(8, &narrow) << 64
    );
    let narrow: Vec<u64> = lanes(64, N).iter().map(|&x| x & 0xffff_ffff).collect();
    assert_eq!(
        op2(0x0ea12820 /* xtn v0.2s, v1.2d */, N, D).0,
        vec_of(32, &narrow)
    );
    // UADDLP / SADDLP / UADALP.
    let pairs = |es: u32, bits: u32, signed: bool, acc: bool| {
        let l = lanes(es, N);
        let d = lanes(2 * es, D);
        let r: Vec<u64> = (0..(bits / es / 2) as usize)
            .map(|i| {
                let (a, b) = (l[2 * i], l[2 * i + 1]);
                let s = if signed {
                    (sx(a, es) + sx(b, es)) as u64
                } else {
                    a + b
                };
                s.wrapping_add(if acc { d[i] } else { 0 })
            })
            .collect();
        vec_of(2 * es, &r)
    };
    assert_eq!(
        op2(0x6e202820 /* uaddlp v0.8h, v1.16b */, N, D).0,
        pairs(8, 128, false, false)
    );
    assert_eq!(
        op2(0x0e602820 /* saddlp v0.2s, v1.4h */, N, D).0,
        pairs(16, 64, true, false)
    );
    assert_eq!(
        op2(0x6ea06820 /* uadalp v0.2d, v1.4s */, N, D).0,
        pairs(32, 128, false, true)
    );
}

#[test]
fn shifts_by_immediate() {
    let un = |w: u32, es: u32, bits: u32, f: &dyn Fn(u64, u64) -> u64| {
        assert_eq!(
            op2(w, N, D).0,
            map(es, bits, N, 0, D, |x, _, d| f(x, d)),
            "word {w:#010x}"
        );
    };
    un(
        0x4f235420, /* shl v0.4s, v1.4s, #3 */
        32,
        128,
        &|x, _| x << 3,
    );
    un(
        0x0f0f5420, /* shl v0.8b, v1.8b, #7 */
        8,
        64,
        &|x, _| x << 7,
    );
    un(
        0x6f1c0420, /* ushr v0.8h, v1.8h, #4 */
        16,
        128,
        &|x, _| x >> 4,
    );
    un(
        0x2f200420, /* ushr v0.2s, v1.2s, #32 */
        32,
        64,
        &|_, _| 0,
    );
    un(
        0x4f090420, /* sshr v0.16b, v1.16b, #7 */
        8,
        128,
        &|x, _| (sx(x, 8) >> 7) as u64,
    );
    un(
        0x4f400420, /* sshr v0.2d, v1.2d, #64 */
        64,
        128,
        &|x, _| (x as i64 >> 63) as u64,
    );
    un(
        0x5f7f0420, /* sshr d0, d1, #1 */
        64,
        64,
        &|x, _| (x as i64 >> 1) as u64,
    );
    un(
        0x6f181420, /* usra v0.8h, v1.8h, #8 */
        16,
        128,
        &|x, d| d.wrapping_add(x >> 8),
    );
    un(
        0x4f7f1420, /* ssra v0.2d, v1.2d, #1 */
        64,
        128,
        &|x, d| d.wrapping_add((x as i64 >> 1) as u64),
    );
    un(
        0x6f3c2420, /* urshr v0.4s, v1.4s, #4 */
        32,
        128,
        &|x, _| (x + 8) >> 4,
    );
    un(
        0x6f285420, /* sli v0.4s, v1.4s, #8 */
        32,
        128,
        &|x, d| (x << 8) | (d & 0xff),
    );
    un(
        0x2f384420, /* sri v0.2s, v1.2s, #8 */
        32,
        64,
        &|x, d| (x >> 8) | (d & 0xff00_0000),
    );
    un(
        0x6f084420, /* sri v0.16b, v1.16b, #8 */
        8,
        128,
        &|_, d| d,
    );
    // Lengthening: USHLL/SSHLL (UXTL/SXTL), lower or upper half.
    let wide = |w: u32, es: u32, upper: bool, f: &dyn Fn(u64) -> u64| {
        let src = if upper { N >> 64 } else { lo(N) };
        let r: Vec<u64> = lanes(es, src)[..(64 / es) as usize]
            .iter()
            .map(|&x| f(x))
            .collect();
        assert_eq!(op2(w, N, D).0, vec_of(2 * es, &r), "word {w:#010x}");
    };
    wide(
        0x2f0aa420, /* ushll v0.8h, v1.8b, #2 */
        8,
        false,
        &|x| x << 2,
    );
    wide(0x2f10a420 /* uxtl v0.4s, v1.4h */, 16, false, &|x| x);
    wide(
        0x4f10a420, /* sshll2 v0.4s, v1.8h, #0 */
        16,
        true,
        &|x| sx(x, 16) as u64,
    );
    wide(
        0x0f20a420, /* sxtl v0.2d, v1.2s */
        32,
        false,
        &|x| sx(x, 32) as u64,
    );
    // Narrowing: SHRN/RSHRN into the lower half, SHRN2 into the upper half.
    let nar = |w: u32, es: u32, upper: bool, f: &dyn Fn(u64) -> u64| {
        let r: Vec<u64> = lanes(2 * es, N).iter().map(|&x| f(x) & mask(es)).collect();
        let r = vec_of(es, &r);
        let want = if upper { lo(D) | r << 64 } else { r };
        assert_eq!(op2(w, N, D).0, want, "word {w:#010x}");
    };
    nar(
        0x0f0d8420, /* shrn v0.8b, v1.8h, #3 */
        8,
        false,
        &|x| x >> 3,
    );
    nar(
        0x4f108420, /* shrn2 v0.8h, v1.4s, #16 */
        16,
        true,
        &|x| x >> 16,
    );
    nar(
        0x0f108c20, /* rshrn v0.4h, v1.4s, #16 */
        16,
        false,
        &|x| (x + 0x8000) >> 16,
    );
    nar(
        0x2f0c9420, /* uqshrn v0.8b, v1.8h, #4 */
        8,
        false,
        &|x| (x >> 4).min(0xff),
    );
    nar(
        0x2f0c8420, /* sqshrun v0.8b, v1.8h, #4 */
        8,
        false,
        &|x| (sx(x, 16) >> 4).clamp(0, 255) as u64,
    );
}

#[test]
fn across_lanes() {
    let red = |w: u32, es: u32, bits: u32, rbits: u32, f: &dyn Fn(&[u64]) -> u64| {
        let l = &lanes(es, N)[..(bits / es) as usize];
        let want = (f(l) & mask(rbits)) as u128;
        let mut cpu = CpuState::default();
        cpu.v[0] = D;
        cpu.v[1] = N;
        run(&[w], &mut cpu);
        assert_eq!(cpu.v[0], want, "word {w:#010x}");
    };
    red(
        0x4e31b820, /* addv b0, v1.16b */
        8,
        128,
        8,
        &|l| l.iter().sum(),
    );
    red(
        0x0e71b820, /* addv h0, v1.4h */
        16,
        64,
        16,
        &|l| l.iter().sum(),
    );
    red(
        0x4eb1b820, /* addv s0, v1.4s */
        32,
        128,
        32,
        &|l| l.iter().sum(),
    );
    red(
        0x2e30a820, /* umaxv b0, v1.8b */
        8,
        64,
        8,
        &|l| *l.iter().max().unwrap(),
    );
    red(
        0x6e71a820, /* uminv h0, v1.8h */
        16,
        128,
        16,
        &|l| *l.iter().min().unwrap(),
    );
    red(0x4eb0a820 /* smaxv s0, v1.4s */, 32, 128, 32, &|l| {
        l.iter().map(|&x| sx(x, 32)).max().unwrap() as u64
    });
    red(0x4e31a820 /* sminv b0, v1.16b */, 8, 128, 8, &|l| {
        l.iter().map(|&x| sx(x, 8)).min().unwrap() as u64
    });
    red(
        0x6e303820, /* uaddlv h0, v1.16b */
        8,
        128,
        16,
        &|l| l.iter().sum(),
    );
    red(0x4e703820 /* saddlv s0, v1.8h */, 16, 128, 32, &|l| {
        l.iter().map(|&x| sx(x, 16)).sum::<i64>() as u64
    });
    red(
        0x6eb03820, /* uaddlv d0, v1.4s */
        32,
        128,
        64,
        &|l| l.iter().sum(),
    );
}
