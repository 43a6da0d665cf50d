//! General-purpose single-register loads and stores: every addressing
//! form, size and sign extension; literal, prefetch and unprivileged forms.

use super::*;

#[test]
fn unsigned_offset_sizes_and_sign_extension() {
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(0);
    run(
        &[
            0x39400420, // ldrb w0, [x1, #1]
            0x79400c22, // ldrh w2, [x1, #6]
            0xb9401423, // ldr w3, [x1, #20]
            0xf9400424, // ldr x4, [x1, #8]
            0x39800425, // ldrsb x5, [x1, #1]
            0x39c00426, // ldrsb w6, [x1, #1]
            0x79800c27, // ldrsh x7, [x1, #6]
            0x79c00c28, // ldrsh w8, [x1, #6]
            0xb9801429, // ldrsw x9, [x1, #20]
        ],
        &mut c,
    );
    assert_eq!(c.x[0], m.u8(1));
    assert_eq!(c.x[2], m.u16(6));
    assert_eq!(c.x[3], m.u32(20));
    assert_eq!(c.x[4], m.u64(8));
    assert_eq!(c.x[5], sx(m.u8(1), 8));
    assert_eq!(c.x[6], sx(m.u8(1), 8) & 0xffff_ffff);
    assert_eq!(c.x[7], sx(m.u16(6), 16));
    assert_eq!(c.x[8], sx(m.u16(6), 16) & 0xffff_ffff);
    assert_eq!(c.x[9], sx(m.u32(20), 32));
    assert_eq!(c.x[1], m.addr(0), "no writeback");
}

#[test]
fn unsigned_offset_stores_each_size() {
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(0);
    c.x[2] = 0x1122_3344_5566_77aa;
    c.x[3] = 0x1122_3344_5566_bbcc;
    c.x[4] = 0x1122_3344_dead_beef;
    c.x[5] = 0x0123_4567_89ab_cdef;
    c.x[6] = 0xfedc_ba98_7654_3210;
    run(
        &[
            0x39000c22, // strb w2, [x1, #3]
            0x79001423, // strh w3, [x1, #10]
            0xb9001424, // str w4, [x1, #20]
            0xf9001025, // str x5, [x1, #32]
            0xf9003c26, // str x6, [x1, #120]
        ],
        &mut c,
    );
    let mut want = Mem::pattern();
    want.set(3, 1, c.x[2] as u128);
    want.set(10, 2, c.x[3] as u128);
    want.set(20, 4, c.x[4] as u128);
    want.set(32, 8, c.x[5] as u128);
    want.set(120, 8, c.x[6] as u128);
    assert_eq!(m.0, want.0);
}

#[test]
fn unscaled_offsets() {
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(256);
    c.x[6] = 0x5555_5555_a1b2_c3d4;
    c.x[7] = 0x5555_5555_5555_e5f6;
    run(
        &[
            0xf85fd020, // ldur x0, [x1, #-3]
            0x385ff022, // ldurb w2, [x1, #-1]
            0x789fb023, // ldursh x3, [x1, #-5]
            0xb88fb024, // ldursw x4, [x1, #251]
            0x38d00025, // ldursb w5, [x1, #-256]
            0xb81f9026, // stur w6, [x1, #-7]
            0x78001027, // sturh w7, [x1, #1]
        ],
        &mut c,
    );
    let p = Mem::pattern();
    assert_eq!(c.x[0], p.u64(253));
    assert_eq!(c.x[2], p.u8(255));
    assert_eq!(c.x[3], sx(p.u16(251), 16));
    assert_eq!(c.x[4], sx(p.u32(507), 32));
    assert_eq!(c.x[5], sx(p.u8(0), 8) & 0xffff_ffff);
    assert_eq!(m.u32(249), 0xa1b2_c3d4);
    assert_eq!(m.u16(257), 0xe5f6);
    assert_eq!(c.x[1], m.addr(256));
}

#[test]
fn pre_and_post_index_writeback() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(16);
    c.x[3] = m.addr(64);
    c.x[5] = m.addr(104);
    c.x[7] = m.addr(200);
    c.x[9] = m.addr(300);
    c.x[11] = m.addr(40);
    c.x[13] = m.addr(400);
    c.x[4] = 0x7777_7777_0bad_f00d;
    c.x[6] = 0x7777_7777_7777_77e1;
    run(
        &[
            0xf8408c20, // ldr x0, [x1, #8]!
            0xf85f0462, // ldr x2, [x3], #-16
            0xb81fcca4, // str w4, [x5, #-4]!
            0x380014e6, // strb w6, [x7], #1
            0x78dfed28, // ldrsh w8, [x9, #-2]!
            0x388ff56a, // ldrsb x10, [x11], #255
            0x78500dac, // ldrh w12, [x13, #-256]!
        ],
        &mut c,
    );
    assert_eq!((c.x[0], c.x[1]), (p.u64(24), m.addr(24)));
    assert_eq!((c.x[2], c.x[3]), (p.u64(64), m.addr(48)));
    assert_eq!((m.u32(100), c.x[5]), (0x0bad_f00d, m.addr(100)));
    assert_eq!((m.u8(200), c.x[7]), (0xe1, m.addr(201)));
    assert_eq!(
        (c.x[8], c.x[9]),
        (sx(p.u16(298), 16) & 0xffff_ffff, m.addr(298))
    );
    assert_eq!((c.x[10], c.x[11]), (sx(p.u8(40), 8), m.addr(295)));
    assert_eq!((c.x[12], c.x[13]), (p.u16(144), m.addr(144)));
}

#[test]
fn sp_as_base_with_writeback() {
    let mut m = Mem::pattern();
    let mut c = cpu();
    let top = m.addr(256);
    c.x[31] = top;
    c.x[0] = 0x0101_0202_0303_0404;
    c.x[2] = 0x2222_2222_2222_2222;
    c.x[3] = 0x3333_3333_3333_3333;
    run(
        &[
            0xf81f0fe0, // str x0, [sp, #-16]!
            0xf84107e1, // ldr x1, [sp], #16
            0xa9be0fe2, // stp x2, x3, [sp, #-32]!
            0xa94117e4, // ldp x4, x5, [sp, #16]
            0xb94007e6, // ldr w6, [sp, #4]
            0xa8c223e7, // ldp x7, x8, [sp], #32
        ],
        &mut c,
    );
    assert_eq!(m.u64(240), c.x[0]);
    assert_eq!(c.x[1], c.x[0]);
    assert_eq!((m.u64(224), m.u64(232)), (c.x[2], c.x[3]));
    // [sp, #16] after the pre-index is top - 16: the first STR's slot.
    assert_eq!((c.x[4], c.x[5]), (c.x[0], Mem::pattern().u64(248)));
    assert_eq!(c.x[6], 0x2222_2222);
    assert_eq!((c.x[7], c.x[8]), (c.x[2], c.x[3]));
    assert_eq!(c.x[31], top);
}

#[test]
fn register_offset_extends_and_shifts() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    let base = 128;
    c.x[1] = m.addr(base);
    c.x[2] = 2; // lsl #3 -> 16; unshifted -> 2
    c.x[5] = 0xffff_ffff_0000_0003; // uxtw #2: upper half ignored -> 12
    c.x[7] = 0x1234_5678_ffff_fffc; // sxtw: -4
    c.x[9] = (-2i64) as u64; // sxtx #1: -4
    c.x[11] = 7;
    c.x[13] = 0xffff_fff0; // sxtw #2: -16 * 4 = -64
    c.x[14] = 0x99;
    c.x[15] = 0x8000_0000_0000_0005; // uxtw: 5
    c.x[16] = 0x1616_1616_1616_1616;
    c.x[17] = (-3i64) as u64; // sxtx #3: -24
    c.x[19] = (-128i64) as u64;
    c.x[21] = 0xffff_ffff_0000_0010; // uxtw, no shift: 16
    run(
        &[
            0xf8627820, // ldr x0, [x1, x2, lsl #3]
            0xf8626823, // ldr x3, [x1, x2]
            0xb8655824, // ldr w4, [x1, w5, uxtw #2]
            0xb867c826, // ldr w6, [x1, w7, sxtw]
            0x7869f828, // ldrh w8, [x1, x9, sxtx #1]
            0x386b782a, // ldrb w10, [x1, x11, lsl #0]
            0xb8add82c, // ldrsw x12, [x1, w13, sxtw #2]
            0x382f482e, // strb w14, [x1, w15, uxtw]
            0xf831f830, // str x16, [x1, x17, sxtx #3]
            0x38f36832, // ldrsb w18, [x1, x19]
            0xf8754834, // ldr x20, [x1, w21, uxtw]
        ],
        &mut c,
    );
    assert_eq!(c.x[0], p.u64(base + 16));
    assert_eq!(c.x[3], p.u64(base + 2));
    assert_eq!(c.x[4], p.u32(base + 12));
    assert_eq!(c.x[6], p.u32(base - 4));
    assert_eq!(c.x[8], p.u16(base - 4));
    assert_eq!(c.x[10], p.u8(base + 7));
    assert_eq!(c.x[12], sx(p.u32(base - 64), 32));
    assert_eq!(m.u8(base + 5), 0x99);
    assert_eq!(m.u64(base - 24), c.x[16]);
    assert_eq!(c.x[18], sx(p.u8(0), 8) & 0xffff_ffff);
    assert_eq!(c.x[20], p.u64(base + 16));
    assert_eq!(c.x[1], m.addr(base));
}

#[test]
fn literal_loads() {
    let mut c = cpu();
    // The literal pool is the 16 bytes at word 8, skipped by the branch.
    let code = [
        0x58000100, // ldr x0, lit
        0x98000102, // ldrsw x2, lit+4
        0x180000e1, // ldr w1, lit+4
        0x1c0000a3, // ldr s3, lit
        0x5c0000c4, // ldr d4, lit+8
        0x9c000065, // ldr q5, lit
        0xd8000040, // prfm pldl1keep, lit
        0x14000005, // b end
        0x44332211, // lit: .quad 0x8877665544332211
        0x88776655, //
        0x78563412, //      .quad 0xf0debc9a78563412
        0xf0debc9a, // end:
    ];
    run(&code, &mut c);
    let lo = 0x8877_6655_4433_2211u64;
    let hi = 0xf0de_bc9a_7856_3412u64;
    assert_eq!(c.x[0], lo);
    assert_eq!(c.x[2], sx(lo >> 32, 32));
    assert_eq!(c.x[1], lo >> 32);
    assert_eq!(c.v[3], (lo & 0xffff_ffff) as u128);
    assert_eq!(c.v[4], hi as u128);
    assert_eq!(c.v[5], (hi as u128) << 64 | lo as u128);
}

#[test]
fn prefetches_do_not_access_memory() {
    let mut c = cpu();
    // Base 0 with any offset is unmapped: a real access would fault.
    c.x[1] = 0;
    c.x[2] = 5;
    run(
        &[
            0xf9800420, // prfm pldl1keep, [x1, #8]
            0xf8a27833, // prfm pstl2strm, [x1, x2, lsl #3]
            0xf89ff024, // prfum pldl3keep, [x1, #-1]
            0xf9800028, // prfm plil1keep, [x1]
        ],
        &mut c,
    );
    assert_eq!((c.x[1], c.x[2]), (0, 5));
}

#[test]
fn unprivileged_loads_and_stores() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(64);
    run(
        &[
            0xf8408820, // ldtr x0, [x1, #8]
            0x385ff822, // ldtrb w2, [x1, #-1]
            0x78802823, // ldtrsh x3, [x1, #2]
            0x78c02824, // ldtrsh w4, [x1, #2]
            0xb8804825, // ldtrsw x5, [x1, #4]
            0x381fe826, // sttrb w6, [x1, #-2]
            0xf8010827, // sttr x7, [x1, #16]
            0x784ff828, // ldtrh w8, [x1, #255]
            0x78028829, // sttrh w9, [x1, #40]
            0xb840482a, // ldtr w10, [x1, #4]
            0x389ff82b, // ldtrsb x11, [x1, #-1]
            0xb801882c, // sttr w12, [x1, #24]
        ],
        &mut c,
    );
    assert_eq!(c.x[0], p.u64(72));
    assert_eq!(c.x[2], p.u8(63));
    assert_eq!(c.x[3], sx(p.u16(66), 16));
    assert_eq!(c.x[4], sx(p.u16(66), 16) & 0xffff_ffff);
    assert_eq!(c.x[5], sx(p.u32(68), 32));
    assert_eq!(m.u8(62), c.x[6] & 0xff);
    assert_eq!(m.u64(80), c.x[7]);
    assert_eq!(c.x[8], p.u16(319));
    assert_eq!(m.u16(104), c.x[9] & 0xffff);
    assert_eq!(c.x[10], p.u32(68));
    assert_eq!(c.x[11], sx(p.u8(63), 8));
    assert_eq!(m.u32(88), c.x[12] & 0xffff_ffff);
}
