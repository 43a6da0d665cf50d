//! Floating-point vector, scalar-SIMD and by-element operations.

use super::*;

#[test]
fn float_arithmetic() {
    let a = f32s([1.5, -2.25, 1e30, 0.1]);
    let b = f32s([0.5, 4.0, 1e10, -3.0]);
    let f = |w, x, y, d| op3(w, x, y, d).0;
    let lanes32 = |v: u128| {
        lanes(32, v)
            .iter()
            .map(|&x| f32::from_bits(x as u32))
            .collect::<Vec<_>>()
    };
    let (x, y) = (lanes32(a), lanes32(b));
    let want =
        |g: fn(f32, f32) -> f32| f32s([g(x[0], y[0]), g(x[1], y[1]), g(x[2], y[2]), g(x[3], y[3])]);
    assert_eq!(
        f(0x4e22d420 /* fadd v0.4s, v1.4s, v2.4s */, a, b, D),
        want(|p, q| p + q)
    );
    assert_eq!(
        f(0x4ea2d420 /* fsub v0.4s, v1.4s, v2.4s */, a, b, D),
        want(|p, q| p - q)
    );
    assert_eq!(
        f(0x6e22dc20 /* fmul v0.4s, v1.4s, v2.4s */, a, b, D),
        want(|p, q| p * q)
    );
    assert_eq!(
        f(0x2e22fc20 /* fdiv v0.2s, v1.2s, v2.2s */, a, b, D),
        lo(want(|p, q| p / q))
    );
    assert_eq!(
        f(0x4e22f420 /* fmax v0.4s, v1.4s, v2.4s */, a, b, D),
        want(|p, q| p.max(q))
    );
    assert_eq!(
        f(0x4ea2f420 /* fmin v0.4s, v1.4s, v2.4s */, a, b, D),
        want(|p, q| p.min(q))
    );
    let acc = f32s([1.0, 2.0, 3.0, 4.0]);
    let c = lanes32(acc);
    let fused: Vec<u64> = (0..4)
        .map(|i| x[i].mul_add(y[i], c[i]).to_bits() as u64)
        .collect();
    assert_eq!(
        f(0x4e22cc20 /* fmla v0.4s, v1.4s, v2.4s */, a, b, acc),
        vec_of(32, &fused)
    );
    let fused: Vec<u64> = (0..4)
        .map(|i| (-x[i]).mul_add(y[i], c[i]).to_bits() as u64)
        .collect();
    assert_eq!(
        f(0x4ea2cc20 /* fmls v0.4s, v1.4s, v2.4s */, a, b, acc),
        vec_of(32, &fused)
    );
    // Doubles.
    let (p, q) = (f64s([1.0 / 3.0, -1e300]), f64s([3.0, 1e10]));
    assert_eq!(
        f(0x4e62d420 /* fadd v0.2d, v1.2d, v2.2d */, p, q, D),
        f64s([1.0 / 3.0 + 3.0, -1e300 + 1e10])
    );
    assert_eq!(
        f(0x6e62dc20 /* fmul v0.2d, v1.2d, v2.2d */, p, q, D),
        f64s([1.0, f64::NEG_INFINITY])
    );
    assert_eq!(
        f(0x6e62fc20 /* fdiv v0.2d, v1.2d, v2.2d */, p, q, D),
        f64s([1.0 / 9.0, -1e290])
    );
    // NaN and signed zero rules: inf - inf is the default NaN (positive),
    // a signalling NaN is quieted, FMAX(-0, +0) = +0, FMIN = -0.
    let n = vec_of(
        32,
        &[
            f32::INFINITY.to_bits() as u64,
            0x7f80_0001,
            (-0.0f32).to_bits() as u64,
            0x7fc0_1234,
        ],
    );
    let m = vec_of(
        32,
        &[
            f32::INFINITY.to_bits() as u64,
            1.0f32.to_bits() as u64,
            0,
            0x7f80_0005,
        ],
    );
    // -0 - +0 = -0.
    assert_eq!(
        f(0x4ea2d420 /* fsub v0.4s, v1.4s, v2.4s */, n, m, D),
        vec_of(32, &[0x7fc0_0000, 0x7fc0_0001, 0x8000_0000, 0x7fc0_0005])
    );
    assert_eq!(
        f(0x4e22f420 /* fmax v0.4s, v1.4s, v2.4s */, n, m, D),
        vec_of(32, &[0x7f80_0000, 0x7fc0_0001, 0, 0x7fc0_0005])
    );
    assert_eq!(
        f(0x4ea2f420 /* fmin v0.4s, v1.4s, v2.4s */, n, m, D),
        vec_of(32, &[0x7f80_0000, 0x7fc0_0001, 0x8000_0000, 0x7fc0_0005])
    );
    // FMAXNM: a quiet NaN loses against a number.
    let qn = vec_of(32, &[0x7fc0_0000, 2.0f32.to_bits() as u64, 0, 0]);
    let num = f32s([3.0, f32::from_bits(0x7fc0_0000), 0.0, 0.0]);
    assert_eq!(
        f(0x4e22c420 /* fmaxnm v0.4s, v1.4s, v2.4s */, qn, num, D),
        f32s([3.0, 2.0, 0.0, 0.0])
    );
    // Pairwise.
    assert_eq!(
        f(0x6e22d420 /* faddp v0.4s, v1.4s, v2.4s */, a, b, D),
        f32s([x[0] + x[1], x[2] + x[3], y[0] + y[1], y[2] + y[3]])
    );
    let mut cpu = CpuState::default();
    cpu.v[1] = a;
    run(
        &[
            0x7e30d820, /* faddp s0, v1.2s */
            0x6e30f823, /* fmaxv s3, v1.4s */
            0x6eb0f824, /* fminv s4, v1.4s */
        ],
        &mut cpu,
    );
    assert_eq!(cpu.v[0], (x[0] + x[1]).to_bits() as u128);
    assert_eq!(cpu.v[3], 1e30f32.to_bits() as u128);
    assert_eq!(cpu.v[4], (-2.25f32).to_bits() as u128);
}

#[test]
fn float_unary_compare_convert() {
    let a = f32s([1.5, -2.25, -0.0, 16.0]);
    let un = |w| op2(w, a, D).0;
    assert_eq!(
        un(0x4ea0f820 /* fabs v0.4s, v1.4s */),
        f32s([1.5, 2.25, 0.0, 16.0])
    );
    assert_eq!(
        un(0x2ea0f820 /* fneg v0.2s, v1.2s */),
        lo(f32s([-1.5, 2.25, 0.0, -16.0]))
    );
    assert_eq!(
        op2(
            0x6ee1f820, /* fsqrt v0.2d, v1.2d */
            f64s([2.0, 0.25]),
            D
        )
        .0,
        f64s([2f64.sqrt(), 0.5])
    );
    assert_eq!(
        op2(
            0x6ea1f820, /* fsqrt v0.4s, v1.4s */
            f32s([2.0, -1.0, 9.0, -0.0]),
            D
        )
        .0,
        vec_of(
            32,
            &[
                2f32.sqrt().to_bits() as u64,
                0x7fc0_0000,
                3f32.to_bits() as u64,
                0x8000_0000
            ]
        )
    );
    let b = f32s([1.5, 3.0, 0.0, f32::NAN]);
    let t = 0xffff_ffffu64;
    assert_eq!(
        op3(0x4e22e420 /* fcmeq v0.4s, v1.4s, v2.4s */, a, b, D).0,
        vec_of(32, &[t, 0, t, 0])
    );
    assert_eq!(
        op3(0x6e22e420 /* fcmge v0.4s, v1.4s, v2.4s */, a, b, D).0,
        vec_of(32, &[t, 0, t, 0])
    );
    assert_eq!(
        op3(0x6ea2e420 /* fcmgt v0.4s, v1.4s, v2.4s */, a, b, D).0,
        vec_of(32, &[0, 0, 0, 0])
    );
    assert_eq!(
        op3(0x6ea1e440 /* fcmgt v0.4s, v2.4s, v1.4s */, a, b, D).0,
        vec_of(32, &[0, t, 0, 0])
    );
    assert_eq!(
        un(0x4ea0d820 /* fcmeq v0.4s, v1.4s, #0.0 */),
        vec_of(32, &[0, 0, t, 0])
    );
    assert_eq!(
        un(0x4ea0e820 /* fcmlt v0.4s, v1.4s, #0.0 */),
        vec_of(32, &[0, t, 0, 0])
    );
    assert_eq!(
        un(0x2ea0c820 /* fcmge v0.2s, v1.2s, #0.0 */),
        vec_of(32, &[t, 0])
    );
    // Conversions.
    let ints = vec_of(32, &[7, (-3i32) as u32 as u64, 0x8000_0000, 0xffff_ffff]);
    assert_eq!(
        op2(0x4e21d820 /* scvtf v0.4s, v1.4s */, ints, D).0,
        f32s([7.0, -3.0, -2147483648.0, -1.0])
    );
    assert_eq!(
        op2(0x6e21d820 /* ucvtf v0.4s, v1.4s */, ints, D).0,
        f32s([7.0, 4294967293.0, 2147483648.0, 4294967295.0])
    );
    let fl = f64s([-2.75, 1e300]);
    assert_eq!(
        op2(0x4ee1b820 /* fcvtzs v0.2d, v1.2d */, fl, D).0,
        vec_of(64, &[(-2i64) as u64, i64::MAX as u64])
    );
    assert_eq!(
        op2(0x6ee1b820 /* fcvtzu v0.2d, v1.2d */, fl, D).0,
        vec_of(64, &[0, u64::MAX])
    );
    let fs = f32s([2.5, -2.5, 3.5, -0.4]);
    assert_eq!(
        op2(0x4e21a820 /* fcvtns v0.4s, v1.4s */, fs, D).0,
        vec_of(32, &[2, (-2i32) as u32 as u64, 4, 0])
    );
    assert_eq!(
        op2(0x4e21c820 /* fcvtas v0.4s, v1.4s */, fs, D).0,
        vec_of(32, &[3, (-3i32) as u32 as u64, 4, 0])
    );
    assert_eq!(
        op2(0x4e21b820 /* fcvtms v0.4s, v1.4s */, fs, D).0,
        vec_of(32, &[2, (-3i32) as u32 as u64, 3, (-1i32) as u32 as u64])
    );
    assert_eq!(
        op2(0x4ea18820 /* frintp v0.4s, v1.4s */, fs, D).0,
        f32s([3.0, -2.0, 4.0, -0.0])
    );
    // Scalar SIMD forms: only the element is kept.
    assert_eq!(op2(0x5ea1b820 /* fcvtzs s0, s1 */, fs, D).0, 2);
    assert_eq!(
        op2(
            0x5e61d820, /* scvtf d0, d1 */
            (-5i64) as u64 as u128 | N << 64,
            D
        )
        .0,
        (-5.0f64).to_bits() as u128
    );
    // Fixed point: SCVTF/FCVTZU with fraction bits.
    assert_eq!(
        op2(
            0x0f3ce420, /* scvtf v0.2s, v1.2s, #4 */
            vec_of(32, &[24, (-8i32) as u32 as u64]),
            D
        )
        .0,
        lo(f32s([1.5, -0.5, 0.0, 0.0]))
    );
    assert_eq!(
        op2(0x6f3ffc20 /* fcvtzu v0.4s, v1.4s, #1 */, fs, D).0,
        vec_of(32, &[5, 0, 7, 0])
    );
    // FCVTL / FCVTN between single and double.
    assert_eq!(
        op2(0x0e617820 /* fcvtl v0.2d, v1.2s */, fs, D).0,
        f64s([2.5, -2.5])
    );
    assert_eq!(
        op2(0x4e617820 /* fcvtl2 v0.2d, v1.4s */, fs, D).0,
        f64s([3.5, -0.4f32 as f64])
    );
    assert_eq!(
        op2(
            0x0e616820, /* fcvtn v0.2s, v1.2d */
            f64s([0.1, -1e300]),
            D
        )
        .0,
        lo(f32s([0.1, f32::NEG_INFINITY, 0.0, 0.0]))
    );
    assert_eq!(
        op2(
            0x4e616820, /* fcvtn2 v0.4s, v1.2d */
            f64s([0.1, 2.0]),
            D
        )
        .0,
        lo(D) | f32s([0.1, 2.0, 0.0, 0.0]) << 64
    );
}

#[test]
fn by_element() {
    let lane = |v: u128, es: u32, i: usize| lanes(es, v)[i];
    let e = lane(M, 32, 2);
    assert_eq!(
        op3(0x4f828820 /* mul v0.4s, v1.4s, v2.s[2] */, N, M, D).0,
        map(32, 128, N, 0, 0, |x, _, _| x.wrapping_mul(e))
    );
    let e = lane(M, 16, 7);
    assert_eq!(
        op3(0x2f720820 /* mla v0.4h, v1.4h, v2.h[7] */, N, M, D).0,
        map(16, 64, N, 0, D, |x, _, d| d.wrapping_add(x.wrapping_mul(e)))
    );
    let r: Vec<u64> = lanes(16, N)[..4].iter().map(|&x| x * e).collect();
    assert_eq!(
        op3(0x2f72a820 /* umull v0.4s, v1.4h, v2.h[7] */, N, M, D).0,
        vec_of(32, &r)
    );
    let (p, q) = (f64s([1.5, -2.0]), f64s([0.5, 4.0]));
    assert_eq!(
        op3(
            0x4fc21820, /* fmla v0.2d, v1.2d, v2.d[1] */
            p,
            q,
            f64s([1.0, 1.0])
        )
        .0,
        f64s([7.0, -7.0])
    );
    let a = f32s([1.5, -2.0, 3.0, 0.25]);
    assert_eq!(
        op3(0x4fa29820 /* fmul v0.4s, v1.4s, v2.s[3] */, a, a, D).0,
        f32s([0.375, -0.5, 0.75, 0.0625])
    );
    assert_eq!(
        op3(0x5fa29020 /* fmul s0, s1, v2.s[1] */, a, a, D).0,
        (-3.0f32).to_bits() as u128
    );
}
