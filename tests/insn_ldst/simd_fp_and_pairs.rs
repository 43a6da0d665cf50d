//! SIMD&FP register loads/stores and register pairs (W/X and S/D/Q).

use super::*;

#[test]
fn simd_fp_loads_zero_the_rest_of_the_register() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(1024);
    c.x[2] = m.addr(2000);
    c.x[3] = m.addr(3000);
    c.x[4] = 3; // lsl #4 -> 48
    c.x[5] = 0x7777_7777_ffff_fffe; // sxtw #1 -> -4
    c.x[6] = 100;
    c.x[7] = m.addr(3100);
    c.x[8] = m.addr(3200);
    run(
        &[
            0x3d400420, // ldr b0, [x1, #1]
            0x7d400421, // ldr h1, [x1, #2]
            0xbd400422, // ldr s2, [x1, #4]
            0xfd400423, // ldr d3, [x1, #8]
            0x3dc00424, // ldr q4, [x1, #16]
            0x3dc3fc25, // ldr q5, [x1, #4080]
            0xfc408446, // ldr d6, [x2], #8
            0xbc404c67, // ldr s7, [x3, #4]!
            0x3ce47828, // ldr q8, [x1, x4, lsl #4]
            0x3cdff029, // ldur q9, [x1, #-1]
            0x7c65d82a, // ldr h10, [x1, w5, sxtw #1]
            0x3c66682b, // ldr b11, [x1, x6]
            0xfc40302c, // ldur d12, [x1, #3]
            0x3cdf0ced, // ldr q13, [x7, #-16]!
            0x3c5ff50e, // ldr b14, [x8], #-1
        ],
        &mut c,
    );
    let want = [
        (1025, 1),
        (1026, 2),
        (1028, 4),
        (1032, 8),
        (1040, 16),
        (1024 + 4080, 16),
        (2000, 8),
        (3004, 4),
        (1024 + 48, 16),
        (1023, 16),
        (1020, 2),
        (1124, 1),
        (1027, 8),
        (3084, 16),
        (3200, 1),
    ];
    for (i, &(off, n)) in want.iter().enumerate() {
        assert_eq!(c.v[i], p.get(off, n), "v{i}");
    }
    assert_eq!(c.v[15], u128::MAX - 15, "untouched");
    assert_eq!(c.x[2], m.addr(2008));
    assert_eq!(c.x[3], m.addr(3004));
    assert_eq!(c.x[7], m.addr(3084));
    assert_eq!(c.x[8], m.addr(3199));
}

#[test]
fn simd_fp_stores_write_only_their_size() {
    let mut m = Mem::pattern();
    let mut c = cpu();
    for (i, v) in c.v.iter_mut().enumerate() {
        *v = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128.wrapping_mul(i as u128 + 3);
    }
    c.x[1] = m.addr(1024);
    c.x[2] = m.addr(2000);
    c.x[3] = m.addr(3000);
    c.x[4] = 20; // lsl #2 -> 80
    run(
        &[
            0x3d000420, // str b0, [x1, #1]
            0x7d000421, // str h1, [x1, #2]
            0xbd000422, // str s2, [x1, #4]
            0xfd000423, // str d3, [x1, #8]
            0x3d800424, // str q4, [x1, #16]
            0x3c821025, // stur q5, [x1, #33]
            0xfc1f8446, // str d6, [x2], #-8
            0x3c820c67, // str q7, [x3, #32]!
            0xbc247828, // str s8, [x1, x4, lsl #2]
        ],
        &mut c,
    );
    let mut want = Mem::pattern();
    for (v, off, n) in [
        (0, 1025, 1),
        (1, 1026, 2),
        (2, 1028, 4),
        (3, 1032, 8),
        (4, 1040, 16),
        (5, 1057, 16),
        (6, 2000, 8),
        (7, 3032, 16),
        (8, 1104, 4),
    ] {
        want.set(off, n, c.v[v]);
    }
    assert!(m.0 == want.0, "memory differs");
    assert_eq!(c.x[2], m.addr(1992));
    assert_eq!(c.x[3], m.addr(3032));
}

#[test]
fn gpr_pairs_all_index_forms() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    let regs = [
        (2, 100),
        (5, 200),
        (8, 300),
        (11, 400),
        (14, 500),
        (17, 1100),
        (20, 700),
        (23, 800),
        (26, 900),
    ];
    for (r, off) in regs {
        c.x[r] = m.addr(off);
    }
    let stored: Vec<u64> = [9, 10, 12, 13, 18, 19, 21, 22]
        .iter()
        .map(|&r| c.x[r])
        .collect();
    run(
        &[
            0x29410440, // ldp w0, w1, [x2, #8]
            0xa9ff10a3, // ldp x3, x4, [x5, #-16]!
            0x68c11d06, // ldpsw x6, x7, [x8], #8
            0x293f2969, // stp w9, w10, [x11, #-8]
            0xa98135cc, // stp x12, x13, [x14, #16]!
            0xa860c22f, // ldnp x15, x16, [x17, #-504]
            0x2800ce92, // stnp w18, w19, [x20, #4]
            0xa8a05af5, // stp x21, x22, [x23], #-512
            0x28406758, // ldnp w24, w25, [x26]
        ],
        &mut c,
    );
    assert_eq!((c.x[0], c.x[1]), (p.u32(108), p.u32(112)));
    assert_eq!(
        (c.x[3], c.x[4], c.x[5]),
        (p.u64(184), p.u64(192), m.addr(184))
    );
    assert_eq!(
        (c.x[6], c.x[7], c.x[8]),
        (sx(p.u32(300), 32), sx(p.u32(304), 32), m.addr(308))
    );
    assert_eq!(
        (m.u32(392), m.u32(396)),
        (stored[0] & 0xffff_ffff, stored[1] & 0xffff_ffff)
    );
    assert_eq!(
        (m.u64(516), m.u64(524), c.x[14]),
        (stored[2], stored[3], m.addr(516))
    );
    assert_eq!((c.x[15], c.x[16]), (p.u64(596), p.u64(604)));
    assert_eq!(
        (m.u32(704), m.u32(708)),
        (stored[4] & 0xffff_ffff, stored[5] & 0xffff_ffff)
    );
    assert_eq!(
        (m.u64(800), m.u64(808), c.x[23]),
        (stored[6], stored[7], m.addr(288))
    );
    assert_eq!((c.x[24], c.x[25]), (p.u32(900), p.u32(904)));
    for r in [2, 11, 17, 20, 26] {
        assert_eq!(
            c.x[r],
            m.addr(regs.iter().find(|x| x.0 == r).unwrap().1),
            "x{r} unchanged"
        );
    }
}

#[test]
fn simd_fp_pairs_all_index_forms() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    for (i, v) in c.v.iter_mut().enumerate() {
        *v = 0x1111_2222_3333_4444_5555_6666_7777_8888u128.rotate_left(4 * i as u32);
    }
    let bases = [
        (2, 100),
        (5, 200),
        (8, 300),
        (11, 400),
        (14, 500),
        (16, 600),
        (19, 700),
        (22, 800),
        (25, 900),
        (28, 3000),
    ];
    for (r, off) in bases {
        c.x[r] = m.addr(off);
    }
    let v = c.v;
    run(
        &[
            0x2d408440, // ldp s0, s1, [x2, #4]
            0x6cc110a3, // ldp d3, d4, [x5], #16
            0xadff1d06, // ldp q6, q7, [x8, #-32]!
            0x2d002969, // stp s9, s10, [x11]
            0x6dbfb5cc, // stp d12, d13, [x14, #-8]!
            0xac813e0e, // stp q14, q15, [x16], #32
            0xac414a71, // ldnp q17, q18, [x19, #32]
            0x6c00d6d4, // stnp d20, d21, [x22, #8]
            0x2c7fe337, // ldnp s23, s24, [x25, #-4]
            0xac206f9a, // stnp q26, q27, [x28, #-1024]
        ],
        &mut c,
    );
    let loads = [
        (0, 104, 4),
        (1, 108, 4),
        (3, 200, 8),
        (4, 208, 8),
        (6, 268, 16),
        (7, 284, 16),
        (17, 732, 16),
        (18, 748, 16),
        (23, 896, 4),
        (24, 900, 4),
    ];
    for (r, off, n) in loads {
        assert_eq!(c.v[r], p.get(off, n), "v{r}");
    }
    let mut want = Mem::pattern();
    for (r, off, n) in [
        (9, 400, 4),
        (10, 404, 4),
        (12, 492, 8),
        (13, 500, 8),
        (14, 600, 16),
        (15, 616, 16),
        (20, 808, 8),
        (21, 816, 8),
        (26, 1976, 16),
        (27, 1992, 16),
    ] {
        want.set(off, n, v[r]);
    }
    assert!(m.0 == want.0, "memory differs");
    assert_eq!(c.x[5], m.addr(216));
    assert_eq!(c.x[8], m.addr(268));
    assert_eq!(c.x[14], m.addr(492));
    assert_eq!(c.x[16], m.addr(632));
    assert_eq!(c.x[28], m.addr(3000));
}
