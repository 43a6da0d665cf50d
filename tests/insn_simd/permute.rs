//! Permutes, EXT, TBL/TBX, copies (DUP/INS/UMOV/SMOV), modified immediates and reserved encodings.

use super::*;

/// Lane `i` of the result from the lanes of Vn and Vm.
type Pick<'a> = &'a dyn Fn(&[u64], &[u64], usize) -> u64;

#[test]
fn permutes() {
    let perm = |w: u32, es: u32, bits: u32, f: Pick| {
        let el = (bits / es) as usize;
        let (n, m) = (lanes(es, N), lanes(es, M));
        let r: Vec<u64> = (0..el).map(|i| f(&n[..el], &m[..el], i)).collect();
        assert_eq!(op3(w, N, M, D).0, vec_of(es, &r), "word {w:#010x}");
    };
    let zip1 = |n: &[u64], m: &[u64], i: usize| {
        if i.is_multiple_of(2) {
            n[i / 2]
        } else {
            m[i / 2]
        }
    };
    let zip2 = |n: &[u64], m: &[u64], i: usize| {
        let h = n.len() / 2;
        if i.is_multiple_of(2) {
            n[h + i / 2]
        } else {
            m[h + i / 2]
        }
    };
    let uzp = |odd: usize| {
        move |n: &[u64], m: &[u64], i: usize| {
            let cat: Vec<u64> = n.iter().chain(m).copied().collect();
            cat[2 * i + odd]
        }
    };
    let trn = |odd: usize| {
        move |n: &[u64], m: &[u64], i: usize| {
            if i.is_multiple_of(2) {
                n[i - i % 2 + odd]
            } else {
                m[i - i % 2 + odd]
            }
        }
    };
    perm(
        0x4e023820, /* zip1 v0.16b, v1.16b, v2.16b */
        8, 128, &zip1,
    );
    perm(0x0e027820 /* zip2 v0.8b, v1.8b, v2.8b */, 8, 64, &zip2);
    perm(
        0x4ec23820, /* zip1 v0.2d, v1.2d, v2.2d */
        64, 128, &zip1,
    );
    perm(
        0x4e421820, /* uzp1 v0.8h, v1.8h, v2.8h */
        16,
        128,
        &uzp(0),
    );
    perm(
        0x0e825820, /* uzp2 v0.2s, v1.2s, v2.2s */
        32,
        64,
        &uzp(1),
    );
    perm(
        0x4e822820, /* trn1 v0.4s, v1.4s, v2.4s */
        32,
        128,
        &trn(0),
    );
    perm(
        0x0e426820, /* trn2 v0.4h, v1.4h, v2.4h */
        16,
        64,
        &trn(1),
    );
}

#[test]
fn ext_and_table_lookup() {
    let n = vec_of(8, &(0..16).collect::<Vec<_>>());
    let m = vec_of(8, &(16..32).collect::<Vec<_>>());
    assert_eq!(
        op3(
            0x6e021820, /* ext v0.16b, v1.16b, v2.16b, #3 */
            n, m, D
        )
        .0,
        vec_of(8, &(3..19).collect::<Vec<_>>())
    );
    assert_eq!(
        op3(0x2e022820 /* ext v0.8b, v1.8b, v2.8b, #5 */, n, m, D).0,
        vec_of(8, &[5, 6, 7, 16, 17, 18, 19, 20])
    );
    // TBL/TBX: indices into Vn (table bytes 0x80+i), out of range -> 0 / kept.
    let idx: Vec<u64> = vec![
        0, 15, 16, 31, 32, 47, 48, 63, 64, 255, 1, 17, 33, 49, 5, 100,
    ];
    let run_tbl = |w: u32| {
        let mut cpu = CpuState::default();
        for r in 0..32 {
            cpu.v[r] = vec_of(
                8,
                &(0..16)
                    .map(|i| 0x80 + 16 * (r as u64 % 4) + i)
                    .collect::<Vec<_>>(),
            );
        }
        cpu.v[2] = D;
        cpu.v[3] = vec_of(8, &idx);
        run(&[w], &mut cpu);
        cpu.v[2]
    };
    let model = |regs: &[usize], bytes: usize, tbx: bool| {
        let d = lanes(8, D);
        let r: Vec<u64> = (0..bytes)
            .map(|i| {
                let x = idx[i] as usize;
                if x < 16 * regs.len() {
                    0x80 + 16 * (regs[x / 16] as u64 % 4) + (x % 16) as u64
                } else if tbx {
                    d[i]
                } else {
                    0
                }
            })
            .collect();
        vec_of(8, &r)
    };
    assert_eq!(
        run_tbl(0x4e030022 /* tbl v2.16b, {v1.16b}, v3.16b */),
        model(&[1], 16, false)
    );
    assert_eq!(
        run_tbl(0x0e032002 /* tbl v2.8b, {v0.16b, v1.16b}, v3.8b */),
        model(&[0, 1], 8, false)
    );
    assert_eq!(
        run_tbl(0x4e035082 /* tbx v2.16b, {v4.16b, v5.16b, v6.16b}, v3.16b */),
        model(&[4, 5, 6], 16, true)
    );
    // The register list wraps from V31 to V0.
    assert_eq!(
        run_tbl(0x4e0363c2 /* tbl v2.16b, {v30.16b, v31.16b, v0.16b, v1.16b}, v3.16b */),
        model(&[30, 31, 0, 1], 16, false)
    );
    assert_eq!(
        run_tbl(0x0e0310e2 /* tbx v2.8b, {v7.16b}, v3.8b */),
        model(&[7], 8, true)
    );
}

#[test]
fn copy_dup_ins_umov_smov() {
    let v1 = vec_of(32, &[0x1111_1111, 0x8000_0022, 0x3333_3333, 0x4444_4444]);
    let mut cpu = CpuState::default();
    cpu.v[1] = v1;
    cpu.v[5] = u128::MAX;
    cpu.x[5] = 0x0123_4567_89ab_cdef;
    run(
        &[
            0x4e0c0420, /* dup v0.4s, v1.s[1] */
            0x0e090422, /* dup v2.8b, v1.b[4] */
            0x4e080ca3, /* dup v3.2d, x5 */
            0x0e020ca4, /* dup v4.4h, w5 */
            0x4e141ca5, /* mov v5.s[2], w5 */
            0x6e1e3426, /* mov v6.h[7], v1.h[3] */
            0x0e0e3c26, /* umov w6, v1.h[3] */
            0x4e183c27, /* mov x7, v1.d[1] */
            0x4e0e2c28, /* smov x8, v1.h[3] */
            0x0e0f2c29, /* smov w9, v1.b[7] */
            0x5e0c042a, /* mov s10, v1.s[1] */
            0x4e010cab, /* dup v11.16b, w5 */
        ],
        &mut cpu,
    );
    assert_eq!(cpu.v[0], vec_of(32, &[0x8000_0022; 4]));
    assert_eq!(cpu.v[2], 0x2222_2222_2222_2222);
    assert_eq!(cpu.v[3], vec_of(64, &[0x0123_4567_89ab_cdef; 2]));
    assert_eq!(cpu.v[4], 0xcdef_cdef_cdef_cdef);
    assert_eq!(cpu.v[5], !(0xffff_ffffu128 << 64) | (0x89ab_cdefu128 << 64));
    assert_eq!(cpu.v[6], 0x8000u128 << 112);
    assert_eq!(cpu.x[6], 0x8000);
    assert_eq!(cpu.x[7], 0x4444_4444_3333_3333);
    assert_eq!(cpu.x[8], 0xffff_ffff_ffff_8000);
    assert_eq!(cpu.x[9], 0xffff_ff80);
    assert_eq!(cpu.v[10], 0x8000_0022);
    assert_eq!(cpu.v[11], vec_of(8, &[0xef; 16]));
}

#[test]
fn modified_immediate() {
    let mut cpu = CpuState::default();
    for r in 0..12 {
        cpu.v[r] = u128::MAX;
    }
    cpu.v[5] = vec_of(32, &[1, 2, 3, 4]);
    run(
        &[
            0x4f052560, /* movi v0.4s, #0xab, lsl #8 */
            0x0f02e741, /* movi v1.8b, #0x5a */
            0x6f05e4a2, /* movi v2.2d, #0xff00ff0000ff00ff */
            0x2f04e423, /* movi d3, #0xff000000000000ff */
            0x6f00a644, /* mvni v4.8h, #0x12, lsl #8 */
            0x4f005425, /* orr v5.4s, #0x1, lsl #16 */
            0x2f0797e6, /* bic v6.4h, #0xff */
            0x4f03f607, /* fmov v7.4s, #1.0 */
            0x6f04f408, /* fmov v8.2d, #-2.0 */
            0x4f00c649, /* movi v9.4s, #0x12, msl #8 */
            0x0f03f40a, /* fmov v10.2s, #0.5 */
            0x2f04d40b, /* mvni v11.2s, #0x80, msl #16 */
        ],
        &mut cpu,
    );
    assert_eq!(cpu.v[0], vec_of(32, &[0xab00; 4]));
    assert_eq!(cpu.v[1], 0x5a5a_5a5a_5a5a_5a5a);
    assert_eq!(cpu.v[2], vec_of(64, &[0xff00_ff00_00ff_00ff; 2]));
    assert_eq!(cpu.v[3], 0xff00_0000_0000_00ff);
    assert_eq!(cpu.v[4], vec_of(16, &[0xedff; 8]));
    assert_eq!(cpu.v[5], vec_of(32, &[0x10001, 0x10002, 0x10003, 0x10004]));
    assert_eq!(cpu.v[6], 0xff00_ff00_ff00_ff00);
    assert_eq!(cpu.v[7], f32s([1.0; 4]));
    assert_eq!(cpu.v[8], f64s([-2.0; 2]));
    assert_eq!(cpu.v[9], vec_of(32, &[0x12ff; 4]));
    assert_eq!(cpu.v[10], lo(f32s([0.5; 4])));
    assert_eq!(cpu.v[11], vec_of(32, &[0xff7f_0000, 0xff7f_0000]));
}

#[test]
fn undefined_encodings_trap() {
    // Reserved: 1D arrangement of ADD without Q, and EXT #8 on 64-bit vectors.
    for w in [0x0ee28420u32, 0x2e024020] {
        let mut cpu = CpuState::default();
        assert_eq!(run_code(&[w], &mut cpu), ExitReason::Udf, "word {w:#010x}");
    }
}
