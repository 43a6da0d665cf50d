//! Integer three-same, three-different and saturating operations.

use super::*;

#[test]
fn logic_ops() {
    check3(
        0x4e221c20, /* and v0.16b, v1.16b, v2.16b */
        64,
        128,
        |n, m, _| n & m,
    );
    check3(
        0x0e221c20, /* and v0.8b, v1.8b, v2.8b */
        64,
        64,
        |n, m, _| n & m,
    );
    check3(
        0x4e621c20, /* bic v0.16b, v1.16b, v2.16b */
        64,
        128,
        |n, m, _| n & !m,
    );
    check3(
        0x0ea21c20, /* orr v0.8b, v1.8b, v2.8b */
        64,
        64,
        |n, m, _| n | m,
    );
    check3(
        0x4ee21c20, /* orn v0.16b, v1.16b, v2.16b */
        64,
        128,
        |n, m, _| n | !m,
    );
    check3(
        0x6e221c20, /* eor v0.16b, v1.16b, v2.16b */
        64,
        128,
        |n, m, _| n ^ m,
    );
    check3(
        0x6e621c20, /* bsl v0.16b, v1.16b, v2.16b */
        64,
        128,
        |n, m, d| (d & n) | (!d & m),
    );
    check3(
        0x2ea21c20, /* bit v0.8b, v1.8b, v2.8b */
        64,
        64,
        |n, m, d| (d & !m) | (n & m),
    );
    check3(
        0x6ee21c20, /* bif v0.16b, v1.16b, v2.16b */
        64,
        128,
        |n, m, d| (d & m) | (n & !m),
    );
}

#[test]
fn integer_arithmetic() {
    check3(
        0x4e228420, /* add v0.16b, v1.16b, v2.16b */
        8,
        128,
        |n, m, _| n.wrapping_add(m),
    );
    check3(
        0x0e628420, /* add v0.4h, v1.4h, v2.4h */
        16,
        64,
        |n, m, _| n.wrapping_add(m),
    );
    check3(
        0x4ee28420, /* add v0.2d, v1.2d, v2.2d */
        64,
        128,
        |n, m, _| n.wrapping_add(m),
    );
    check3(
        0x6e628420, /* sub v0.8h, v1.8h, v2.8h */
        16,
        128,
        |n, m, _| n.wrapping_sub(m),
    );
    check3(
        0x2ea28420, /* sub v0.2s, v1.2s, v2.2s */
        32,
        64,
        |n, m, _| n.wrapping_sub(m),
    );
    check3(
        0x4ea29c20, /* mul v0.4s, v1.4s, v2.4s */
        32,
        128,
        |n, m, _| n.wrapping_mul(m),
    );
    check3(
        0x0e229c20, /* mul v0.8b, v1.8b, v2.8b */
        8,
        64,
        |n, m, _| n.wrapping_mul(m),
    );
    check3(
        0x4e629420, /* mla v0.8h, v1.8h, v2.8h */
        16,
        128,
        |n, m, d| d.wrapping_add(n.wrapping_mul(m)),
    );
    check3(
        0x2ea29420, /* mls v0.2s, v1.2s, v2.2s */
        32,
        64,
        |n, m, d| d.wrapping_sub(n.wrapping_mul(m)),
    );
    // Scalar ADD/SUB on D registers.
    check3(
        0x5ee28420, /* add d0, d1, d2 */
        64,
        64,
        |n, m, _| n.wrapping_add(m),
    );
    check3(
        0x7ee28420, /* sub d0, d1, d2 */
        64,
        64,
        |n, m, _| n.wrapping_sub(m),
    );
}

#[test]
fn compares() {
    check3(
        0x6e228c20, /* cmeq v0.16b, v1.16b, v2.16b */
        8,
        128,
        |n, m, _| ones(n == m, 8),
    );
    check3(
        0x2e628c20, /* cmeq v0.4h, v1.4h, v2.4h */
        16,
        64,
        |n, m, _| ones(n == m, 16),
    );
    check3(
        0x4e623c20, /* cmge v0.8h, v1.8h, v2.8h */
        16,
        128,
        |n, m, _| ones(sx(n, 16) >= sx(m, 16), 16),
    );
    check3(
        0x4ea23420, /* cmgt v0.4s, v1.4s, v2.4s */
        32,
        128,
        |n, m, _| ones(sx(n, 32) > sx(m, 32), 32),
    );
    check3(
        0x2e223420, /* cmhi v0.8b, v1.8b, v2.8b */
        8,
        64,
        |n, m, _| ones(n > m, 8),
    );
    check3(
        0x6ee23c20, /* cmhs v0.2d, v1.2d, v2.2d */
        64,
        128,
        |n, m, _| ones(n >= m, 64),
    );
    check3(
        0x4e228c20, /* cmtst v0.16b, v1.16b, v2.16b */
        8,
        128,
        |n, m, _| ones(n & m != 0, 8),
    );
    check3(0x5ee23420 /* cmgt d0, d1, d2 */, 64, 64, |n, m, _| {
        ones((n as i64) > (m as i64), 64)
    });
    // Compare with zero: the second operand is 0.
    let z = |w, es, bits, f: fn(i64) -> bool| {
        let want = map(es, bits, N, 0, 0, |n, _, _| ones(f(sx(n, es)), es));
        assert_eq!(op3(w, N, M, D).0, want, "word {w:#010x}");
    };
    z(
        0x4e209820, /* cmeq v0.16b, v1.16b, #0 */
        8,
        128,
        |x| x == 0,
    );
    z(
        0x6e608820, /* cmge v0.8h, v1.8h, #0 */
        16,
        128,
        |x| x >= 0,
    );
    z(
        0x0ea08820, /* cmgt v0.2s, v1.2s, #0 */
        32,
        64,
        |x| x > 0,
    );
    z(
        0x2e209820, /* cmle v0.8b, v1.8b, #0 */
        8,
        64,
        |x| x <= 0,
    );
    z(
        0x4ea0a820, /* cmlt v0.4s, v1.4s, #0 */
        32,
        128,
        |x| x < 0,
    );
    z(0x5ee0a820 /* cmlt d0, d1, #0 */, 64, 64, |x| x < 0);
}

#[test]
fn max_min_and_pairwise() {
    check3(
        0x6e226420, /* umax v0.16b, v1.16b, v2.16b */
        8,
        128,
        |n, m, _| n.max(m),
    );
    check3(
        0x2e626c20, /* umin v0.4h, v1.4h, v2.4h */
        16,
        64,
        |n, m, _| n.min(m),
    );
    check3(
        0x4ea26420, /* smax v0.4s, v1.4s, v2.4s */
        32,
        128,
        |n, m, _| if sx(n, 32) >= sx(m, 32) { n } else { m },
    );
    check3(
        0x4e626c20, /* smin v0.8h, v1.8h, v2.8h */
        16,
        128,
        |n, m, _| if sx(n, 16) <= sx(m, 16) { n } else { m },
    );
    // Pairwise: lanes of Vn then Vm, two at a time.
    let pw = |w: u32, es: u32, bits: u32, f: fn(u64, u64) -> u64| {
        let el = (bits / es) as usize;
        let mut cat = lanes(es, N)[..el].to_vec();
        cat.extend_from_slice(&lanes(es, M)[..el]);
        let want: Vec<u64> = (0..el)
            .map(|i| f(cat[2 * i], cat[2 * i + 1]) & mask(es))
            .collect();
        assert_eq!(op3(w, N, M, D).0, vec_of(es, &want), "word {w:#010x}");
    };
    pw(
        0x4e22bc20, /* addp v0.16b, v1.16b, v2.16b */
        8,
        128,
        |a, b| a + b,
    );
    pw(
        0x0ea2bc20, /* addp v0.2s, v1.2s, v2.2s */
        32,
        64,
        |a, b| a + b,
    );
    pw(
        0x4ee2bc20, /* addp v0.2d, v1.2d, v2.2d */
        64,
        128,
        |a, b| a.wrapping_add(b),
    );
    pw(
        0x6e62a420, /* umaxp v0.8h, v1.8h, v2.8h */
        16,
        128,
        |a, b| a.max(b),
    );
    pw(
        0x2e22ac20, /* uminp v0.8b, v1.8b, v2.8b */
        8,
        64,
        |a, b| a.min(b),
    );
    pw(
        0x4ea2a420, /* smaxp v0.4s, v1.4s, v2.4s */
        32,
        128,
        |a, b| if sx(a, 32) >= sx(b, 32) { a } else { b },
    );
    pw(
        0x0e62ac20, /* sminp v0.4h, v1.4h, v2.4h */
        16,
        64,
        |a, b| if sx(a, 16) <= sx(b, 16) { a } else { b },
    );
    // ADDP (scalar): the two D lanes of Vn.
    let mut cpu = CpuState::default();
    cpu.v[1] = N;
    run(&[0x5ef1b820 /* addp d0, v1.2d */], &mut cpu);
    assert_eq!(
        cpu.v[0],
        ((N as u64).wrapping_add((N >> 64) as u64)) as u128
    );
}

/// (word, esize, datasize, operation, signed).
type SatCase = (u32, u32, u32, fn(i128, i128) -> i128, bool);

#[test]
fn saturating_add_sub_set_qc() {
    let cases: [SatCase; 6] = [
        (
            0x6e220c20, /* uqadd v0.16b, v1.16b, v2.16b */
            8,
            128,
            |a, b| a + b,
            false,
        ),
        (
            0x4e620c20, /* sqadd v0.8h, v1.8h, v2.8h */
            16,
            128,
            |a, b| a + b,
            true,
        ),
        (
            0x6ea22c20, /* uqsub v0.4s, v1.4s, v2.4s */
            32,
            128,
            |a, b| a - b,
            false,
        ),
        (
            0x0ea22c20, /* sqsub v0.2s, v1.2s, v2.2s */
            32,
            64,
            |a, b| a - b,
            true,
        ),
        (
            0x4ee20c20, /* sqadd v0.2d, v1.2d, v2.2d */
            64,
            128,
            |a, b| a + b,
            true,
        ),
        (
            0x2e222c20, /* uqsub v0.8b, v1.8b, v2.8b */
            8,
            64,
            |a, b| a - b,
            false,
        ),
    ];
    for (w, es, bits, f, signed) in cases {
        for (n, m) in [(N, M), (D, D), (M, N)] {
            let mut sat = false;
            let want = map(es, bits, n, m, 0, |x, y, _| {
                let (x, y) = if signed {
                    (sx(x, es) as i128, sx(y, es) as i128)
                } else {
                    (x as i128, y as i128)
                };
                let (lo, hi) = if signed {
                    (-(1i128 << (es - 1)), (1i128 << (es - 1)) - 1)
                } else {
                    (0, mask(es) as i128)
                };
                let r = f(x, y);
                sat |= r < lo || r > hi;
                r.clamp(lo, hi) as u64
            });
            let (got, fpsr) = op3(w, n, m, D);
            assert_eq!(got, want, "word {w:#010x}");
            assert_eq!(fpsr & QC != 0, sat, "QC of {w:#010x} n={n:#x}");
        }
    }
}

#[test]
fn shifts_by_register() {
    // Shift counts: the signed low byte of each Vm lane.
    let m = vec_of(
        8,
        &[
            1, 0xff, 7, 0xf9, 8, 0xf8, 0, 3, 1, 0xff, 7, 0xf9, 0x40, 0x80, 0, 3,
        ],
    );
    let sh = |x: u64, s: u64, es: u32, signed: bool| -> u64 {
        let s = s as u8 as i8 as i32;
        let v = if signed { sx(x, es) as i128 } else { x as i128 };
        let r = if s >= 0 {
            if s as u32 >= es {
                0
            } else {
                v << s
            }
        } else {
            v >> (-s).min(127)
        };
        r as u64 & mask(es)
    };
    let w = 0x6e224420 /* ushl v0.16b, v1.16b, v2.16b */;
    assert_eq!(
        op3(w, N, m, D).0,
        map(8, 128, N, m, 0, |x, s, _| sh(x, s, 8, false))
    );
    let w = 0x0e224420 /* sshl v0.8b, v1.8b, v2.8b */;
    assert_eq!(
        op3(w, N, m, D).0,
        map(8, 64, N, m, 0, |x, s, _| sh(x, s, 8, true))
    );
    let w = 0x4ea24420 /* sshl v0.4s, v1.4s, v2.4s */;
    assert_eq!(
        op3(w, N, m, D).0,
        map(32, 128, N, m, 0, |x, s, _| sh(x, s & 0xff, 32, true))
    );
}

#[test]
fn long_wide_and_narrow() {
    // UMULL/SMULL/UMLAL: lower (Q=0) or upper (2) half of the sources.
    let long = |w: u32, es: u32, upper: bool, f: &dyn Fn(u64, u64, u64) -> u64| {
        let half = |v: u128| if upper { v >> 64 } else { lo(v) };
        let (n, m) = (lanes(es, half(N)), lanes(es, half(M)));
        let d = lanes(2 * es, D);
        let r: Vec<u64> = (0..(64 / es) as usize)
            .map(|i| f(n[i], m[i], d[i]))
            .collect();
        assert_eq!(op3(w, N, M, D).0, vec_of(2 * es, &r), "word {w:#010x}");
    };
    long(
        0x2e22c020, /* umull v0.8h, v1.8b, v2.8b */
        8,
        false,
        &|a, b, _| a * b,
    );
    long(
        0x6e62c020, /* umull2 v0.4s, v1.8h, v2.8h */
        16,
        true,
        &|a, b, _| a * b,
    );
    long(
        0x0ea2c020, /* smull v0.2d, v1.2s, v2.2s */
        32,
        false,
        &|a, b, _| (sx(a, 32) * sx(b, 32)) as u64,
    );
    long(
        0x4e22c020, /* smull2 v0.8h, v1.16b, v2.16b */
        8,
        true,
        &|a, b, _| (sx(a, 8) * sx(b, 8)) as u64,
    );
    long(
        0x2e628020, /* umlal v0.4s, v1.4h, v2.4h */
        16,
        false,
        &|a, b, d| d.wrapping_add(a * b),
    );
    long(
        0x6ea28020, /* umlal2 v0.2d, v1.4s, v2.4s */
        32,
        true,
        &|a, b, d| d.wrapping_add(a * b),
    );
    long(
        0x2e220020, /* uaddl v0.8h, v1.8b, v2.8b */
        8,
        false,
        &|a, b, _| a + b,
    );
    long(
        0x4e622020, /* ssubl2 v0.4s, v1.8h, v2.8h */
        16,
        true,
        &|a, b, _| (sx(a, 16) - sx(b, 16)) as u64,
    );
    long(
        0x2e227020, /* uabdl v0.8h, v1.8b, v2.8b */
        8,
        false,
        &|a, b, _| a.abs_diff(b),
    );
    // ADDHN/SUBHN: high halves of the 2*esize sums, into the lower or upper half.
    let hn = |w: u32, es: u32, upper: bool, f: fn(u64, u64) -> u64| {
        let (n, m) = (lanes(2 * es, N), lanes(2 * es, M));
        let r: Vec<u64> = (0..(64 / es) as usize)
            .map(|i| (f(n[i], m[i]) & mask(2 * es)) >> es)
            .collect();
        let r = vec_of(es, &r);
        let want = if upper { lo(D) | r << 64 } else { r };
        assert_eq!(op3(w, N, M, D).0, want, "word {w:#010x}");
    };
    hn(
        0x0e224020, /* addhn v0.8b, v1.8h, v2.8h */
        8,
        false,
        |a, b| a + b,
    );
    hn(
        0x4e624020, /* addhn2 v0.8h, v1.4s, v2.4s */
        16,
        true,
        |a, b| a + b,
    );
    hn(
        0x0ea26020, /* subhn v0.2s, v1.2d, v2.2d */
        32,
        false,
        |a, b| a.wrapping_sub(b),
    );
    hn(
        0x2e224020, /* raddhn v0.8b, v1.8h, v2.8h */
        8,
        false,
        |a, b| a + b + 0x80,
    );
}

/// Carry-less product of `a` and `b`.
fn clmul(a: u64, b: u64) -> u128 {
    let mut r = 0u128;
    for i in 0..64 {
        if b >> i & 1 == 1 {
            r ^= (a as u128) << i;
        }
    }
    r
}

#[test]
fn polynomial_multiply() {
    check3(
        0x6e229c20, /* pmul v0.16b, v1.16b, v2.16b */
        8,
        128,
        |n, m, _| clmul(n, m) as u64 & 0xff,
    );
    let long = |w: u32, upper: bool| {
        let half = |v: u128| if upper { v >> 64 } else { lo(v) };
        let (n, m) = (lanes(8, half(N)), lanes(8, half(M)));
        let r: Vec<u64> = (0..8).map(|i| clmul(n[i], m[i]) as u64).collect();
        assert_eq!(op3(w, N, M, D).0, vec_of(16, &r), "word {w:#010x}");
    };
    long(0x0e22e020 /* pmull v0.8h, v1.8b, v2.8b */, false);
    long(0x4e22e020 /* pmull2 v0.8h, v1.16b, v2.16b */, true);
    let w = 0x0ee2e020 /* pmull v0.1q, v1.1d, v2.1d */;
    assert_eq!(op3(w, N, M, D).0, clmul(N as u64, M as u64));
}
