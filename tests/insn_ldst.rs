//! Semantics of the load/store instructions: addressing forms and
//! writeback, sizes and sign extension, pairs, SIMD&FP transfers,
//! exclusives and LSE atomics. Instruction words come from
//! `aarch64-linux-gnu-as` (the assembly is in the comment beside each word)
//! or, for the exhaustive LSE tests, from a small encoder checked against
//! the assembler; expected values follow the Arm ARM pseudocode.

use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code;

/// A 16-byte aligned scratch buffer the guest addresses directly.
#[repr(C, align(16))]
struct Mem([u8; 8192]);

impl Mem {
    /// A buffer whose byte `i` is `0x80 + i` (mod 256), so every byte
    /// differs and bytes with the top bit set are common.
    fn pattern() -> Box<Mem> {
        let mut m = Box::new(Mem([0; 8192]));
        for (i, b) in m.0.iter_mut().enumerate() {
            *b = (0x80 + i) as u8;
        }
        m
    }
    /// Guest address of byte `off` (guest code writes through it).
    fn addr(&mut self, off: usize) -> u64 {
        self.0.as_mut_ptr() as u64 + off as u64
    }
    fn u8(&self, off: usize) -> u64 {
        self.0[off] as u64
    }
    fn u16(&self, off: usize) -> u64 {
        u16::from_le_bytes(self.0[off..off + 2].try_into().unwrap()) as u64
    }
    fn u32(&self, off: usize) -> u64 {
        u32::from_le_bytes(self.0[off..off + 4].try_into().unwrap()) as u64
    }
    fn u64(&self, off: usize) -> u64 {
        u64::from_le_bytes(self.0[off..off + 8].try_into().unwrap())
    }
    /// The `n`-byte little-endian value at `off`, zero-extended.
    fn get(&self, off: usize, n: usize) -> u128 {
        let mut b = [0u8; 16];
        b[..n].copy_from_slice(&self.0[off..off + n]);
        u128::from_le_bytes(b)
    }
    fn set(&mut self, off: usize, n: usize, v: u128) {
        self.0[off..off + n].copy_from_slice(&v.to_le_bytes()[..n]);
    }
}

/// Sign-extends the low `bits` of `v` to 64 bits.
fn sx(v: u64, bits: u32) -> u64 {
    (((v << (64 - bits)) as i64) >> (64 - bits)) as u64
}

/// A CPU whose general registers hold recognisable junk, so a load that
/// fails to clear upper bits shows.
fn cpu() -> CpuState {
    let mut c = CpuState::default();
    for (i, x) in c.x.iter_mut().enumerate().take(31) {
        *x = 0xdead_beef_0000_0000 | i as u64;
    }
    for (i, v) in c.v.iter_mut().enumerate() {
        *v = u128::MAX - i as u128;
    }
    c
}

fn run(words: &[u32], c: &mut CpuState) {
    assert_eq!(
        run_code(words, c),
        ExitReason::Lookup,
        "exit at pc {:#x}",
        c.pc
    );
}

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

#[test]
fn exclusive_pair_succeeds_each_size() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(16);
    c.x[4] = m.addr(33);
    c.x[8] = m.addr(50);
    c.x[12] = m.addr(64);
    run(
        &[
            0xc85f7c20, // ldxr x0, [x1]
            0x91000400, // add x0, x0, #1
            0xc8027c20, // stxr w2, x0, [x1]
            0x085ffc83, // ldaxrb w3, [x4]
            0x0805fc86, // stlxrb w5, w6, [x4]
            0x485f7d07, // ldxrh w7, [x8]
            0x48097d0a, // stxrh w9, w10, [x8]
            0x885ffd8b, // ldaxr w11, [x12]
            0x880dfd8e, // stlxr w13, w14, [x12]
        ],
        &mut c,
    );
    assert_eq!((c.x[2], m.u64(16)), (0, p.u64(16).wrapping_add(1)));
    assert_eq!((c.x[3], c.x[5], m.u8(33)), (p.u8(33), 0, c.x[6] & 0xff));
    assert_eq!(
        (c.x[7], c.x[9], m.u16(50)),
        (p.u16(50), 0, c.x[10] & 0xffff)
    );
    assert_eq!(
        (c.x[11], c.x[13], m.u32(64)),
        (p.u32(64), 0, c.x[14] & 0xffff_ffff)
    );
    assert_eq!(c.excl_addr, u64::MAX, "monitor cleared");
}

#[test]
fn store_exclusive_without_monitor_fails_and_does_not_store() {
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(16);
    c.x[31] = m.addr(32);
    run(
        &[
            0xc8027c20, // stxr w2, x0, [x1]
            0x8803ffe4, // stlxr w3, w4, [sp]
        ],
        &mut c,
    );
    assert_eq!((c.x[2], c.x[3]), (1, 1));
    assert!(m.0 == Mem::pattern().0, "memory unchanged");
}

#[test]
fn store_exclusive_clears_the_monitor() {
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(16);
    run(
        &[
            0xc85f7c20, // ldxr x0, [x1]
            0xc8027c20, // stxr w2, x0, [x1]
        ],
        &mut c,
    );
    assert_eq!(c.x[2], 0);
    assert_eq!(c.excl_addr, u64::MAX);
    c.x[0] = 0x1234;
    run(&[0xc8027c20], &mut c); // stxr w2, x0, [x1]
    assert_eq!(c.x[2], 1);
    assert_eq!(m.u64(16), Mem::pattern().u64(16));
}

#[test]
fn store_exclusive_fails_on_other_address_size_or_value() {
    let p = Mem::pattern();
    // Another address.
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(16);
    c.x[4] = m.addr(24);
    run(
        &[
            0xc85f7c20, // ldxr x0, [x1]
            0xc8027c80, // stxr w2, x0, [x4]
        ],
        &mut c,
    );
    assert_eq!(c.x[2], 1);
    assert_eq!(m.u64(24), p.u64(24));
    // Another size.
    let mut c = cpu();
    c.x[1] = m.addr(16);
    run(
        &[
            0xc85f7c20, // ldxr x0, [x1]
            0x88027c20, // stxr w2, w0, [x1]
        ],
        &mut c,
    );
    assert_eq!(c.x[2], 1);
    // Memory changed between the two: the new value stays.
    let mut c = cpu();
    c.x[1] = m.addr(16);
    run(
        &[
            0xc85f7c20, // ldxr x0, [x1]
            0xf9000025, // str x5, [x1]
            0xc8027c20, // stxr w2, x0, [x1]
        ],
        &mut c,
    );
    assert_eq!(c.x[2], 1);
    assert_eq!(m.u64(16), c.x[5]);
}

#[test]
fn exclusive_pairs() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    c.x[2] = m.addr(32);
    c.x[8] = m.addr(72);
    run(
        &[
            0xc87f0440, // ldxp x0, x1, [x2]
            0xc8231444, // stxp w3, x4, x5, [x2]
            0x887f9d06, // ldaxp w6, w7, [x8]
            0x8829ad0a, // stlxp w9, w10, w11, [x8]
        ],
        &mut c,
    );
    assert_eq!((c.x[0], c.x[1], c.x[3]), (p.u64(32), p.u64(40), 0));
    assert_eq!((m.u64(32), m.u64(40)), (c.x[4], c.x[5]));
    assert_eq!((c.x[6], c.x[7], c.x[9]), (p.u32(72), p.u32(76), 0));
    assert_eq!(
        (m.u32(72), m.u32(76)),
        (c.x[10] & 0xffff_ffff, c.x[11] & 0xffff_ffff)
    );
    // The high half changing in between makes STXP fail.
    let mut c = cpu();
    c.x[2] = m.addr(32);
    let before = (m.u64(32), c.x[6]);
    run(
        &[
            0xc87f0440, // ldxp x0, x1, [x2]
            0xf9000446, // str x6, [x2, #8]
            0xc8231444, // stxp w3, x4, x5, [x2]
        ],
        &mut c,
    );
    assert_eq!(c.x[3], 1);
    assert_eq!((m.u64(32), m.u64(40)), before);
}

#[test]
fn load_acquire_store_release() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(200);
    c.x[6] = m.addr(16);
    c.x[8] = m.addr(25);
    c.x[10] = m.addr(30);
    c.x[12] = m.addr(36);
    c.x[21] = m.addr(48);
    run(
        &[
            0xc8dffc20, // ldar x0, [x1]
            0x08dffc22, // ldarb w2, [x1]
            0x48dffc23, // ldarh w3, [x1]
            0x88dffc24, // ldar w4, [x1]
            0xc89ffcc5, // stlr x5, [x6]
            0x089ffd07, // stlrb w7, [x8]
            0x489ffd49, // stlrh w9, [x10]
            0x889ffd8b, // stlr w11, [x12]
            0xf8bfc02d, // ldapr x13, [x1]
            0x38bfc02e, // ldaprb w14, [x1]
            0x78bfc02f, // ldaprh w15, [x1]
            0xb8bfc030, // ldapr w16, [x1]
            0xd95fd031, // ldapur x17, [x1, #-3]
            0x19c01032, // ldapursb w18, [x1, #1]
            0x99804033, // ldapursw x19, [x1, #4]
            0x991ff2b4, // stlur w20, [x21, #-1]
            0x190052b6, // stlurb w22, [x21, #5]
        ],
        &mut c,
    );
    let loads = [
        (0, p.u64(200)),
        (2, p.u8(200)),
        (3, p.u16(200)),
        (4, p.u32(200)),
        (13, p.u64(200)),
        (14, p.u8(200)),
        (15, p.u16(200)),
        (16, p.u32(200)),
        (17, p.u64(197)),
        (18, sx(p.u8(201), 8) & 0xffff_ffff),
        (19, sx(p.u32(204), 32)),
    ];
    for (r, v) in loads {
        assert_eq!(c.x[r], v, "x{r}");
    }
    let mut want = Mem::pattern();
    for (r, off, n) in [
        (5, 16, 8),
        (7, 25, 1),
        (9, 30, 2),
        (11, 36, 4),
        (20, 47, 4),
        (22, 53, 1),
    ] {
        want.set(off, n, c.x[r] as u128);
    }
    assert!(m.0 == want.0, "memory differs");
}

#[test]
fn compare_and_swap_success_and_failure() {
    for matching in [true, false] {
        let mut m = Mem::pattern();
        let p = Mem::pattern();
        let mut c = cpu();
        let slots = [(2, 16), (5, 24), (8, 33), (11, 38), (16, 48), (22, 64)];
        for (r, off) in slots {
            c.x[r] = m.addr(off);
        }
        // Expected values carry junk above the access width, which the
        // comparison ignores; a mismatch flips a bit inside the width.
        let miss = if matching { 0 } else { 1 };
        c.x[0] = 0xaaaa_aaaa_0000_0000 | (p.u32(16) ^ miss);
        c.x[3] = p.u64(24) ^ miss;
        c.x[6] = 0xaaaa_aaaa_aaaa_aa00 | (p.u8(33) ^ miss);
        c.x[9] = 0xaaaa_aaaa_aaaa_0000 | (p.u16(38) ^ miss);
        c.x[12] = 0xbbbb_bbbb_0000_0000 | p.u32(48);
        c.x[13] = 0xcccc_cccc_0000_0000 | (p.u32(52) ^ miss << 31);
        c.x[18] = p.u64(64) ^ miss << 63;
        c.x[19] = p.u64(72);
        let new = c.x;
        run(
            &[
                0x88a07c41, // cas w0, w1, [x2]
                0xc8e3fca4, // casal x3, x4, [x5]
                0x08a67d07, // casb w6, w7, [x8]
                0x48a9fd6a, // caslh w9, w10, [x11]
                0x082c7e0e, // casp w12, w13, w14, w15, [x16]
                0x4872fed4, // caspal x18, x19, x20, x21, [x22]
            ],
            &mut c,
        );
        // The old value always lands in Rs, zero-extended.
        let old = [
            (0, p.u32(16)),
            (3, p.u64(24)),
            (6, p.u8(33)),
            (9, p.u16(38)),
        ];
        for (r, v) in old {
            assert_eq!(c.x[r], v, "x{r} matching={matching}");
        }
        assert_eq!((c.x[12], c.x[13]), (p.u32(48), p.u32(52)));
        assert_eq!((c.x[18], c.x[19]), (p.u64(64), p.u64(72)));
        let mut want = Mem::pattern();
        if matching {
            for (r, off, n) in [
                (1, 16, 4),
                (4, 24, 8),
                (7, 33, 1),
                (10, 38, 2),
                (14, 48, 4),
                (15, 52, 4),
                (20, 64, 8),
                (21, 72, 8),
            ] {
                want.set(off, n, new[r] as u128);
            }
        }
        assert!(m.0 == want.0, "memory differs, matching={matching}");
    }
}

/// The LSE operations in encoding order (o3:opc), SWP last.
const LSE_OPS: [&str; 9] = [
    "ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin", "swp",
];

/// Encodes an LSE atomic: `op` indexes [`LSE_OPS`], `size` is log2 bytes,
/// `ord` is A:R.
fn lse(op: usize, size: u32, ord: u32, rs: u32, rn: u32, rt: u32) -> u32 {
    let (o3, opc) = if op == 8 { (1, 0) } else { (0, op as u32) };
    size << 30 | 0x3820_0000 | ord << 22 | rs << 16 | o3 << 15 | opc << 12 | rn << 5 | rt
}

#[test]
fn lse_encoder_matches_assembler() {
    assert_eq!(lse(0, 2, 0, 1, 3, 2), 0xb8210062); // ldadd w1, w2, [x3]
    assert_eq!(lse(4, 0, 3, 1, 3, 2), 0x38e14062); // ldsmaxalb w1, w2, [x3]
    assert_eq!(lse(8, 3, 1, 4, 6, 5), 0xf86480c5); // swpl x4, x5, [x6]
    assert_eq!(lse(7, 3, 2, 7, 9, 8), 0xf8a77128); // ldumina x7, x8, [x9]
    assert_eq!(lse(1, 1, 0, 10, 11, 31), 0x782a117f); // stclrh w10, [x11]
    assert_eq!(lse(2, 2, 2, 12, 31, 13), 0xb8ac23ed); // ldeora w12, w13, [sp]
    assert_eq!(lse(8, 0, 2, 14, 16, 15), 0x38ae820f); // swpab w14, w15, [x16]
    assert_eq!(lse(3, 3, 1, 17, 18, 31), 0xf871325f); // stsetl x17, [x18]
    assert_eq!(lse(5, 1, 0, 19, 21, 20), 0x783352b4); // ldsminh w19, w20, [x21]
    assert_eq!(lse(6, 3, 0, 22, 23, 31), 0xf83662ff); // stumax x22, [x23]
}

/// The value an LSE operation stores, from the Arm ARM pseudocode, on
/// `bits`-wide operands.
fn lse_model(op: usize, bits: u32, old: u64, s: u64) -> u64 {
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    let (old, s) = (old & mask, s & mask);
    let (so, ss) = (sx(old, bits) as i64, sx(s, bits) as i64);
    let r = match op {
        0 => old.wrapping_add(s),
        1 => old & !s,
        2 => old ^ s,
        3 => old | s,
        4 => {
            if so > ss {
                old
            } else {
                s
            }
        }
        5 => {
            if so < ss {
                old
            } else {
                s
            }
        }
        6 => old.max(s),
        7 => old.min(s),
        _ => s,
    };
    r & mask
}

/// Values at the signed/unsigned boundaries of a `bits`-wide operand.
fn boundary_values(bits: u32) -> Vec<u64> {
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    let smax = mask >> 1;
    vec![
        0,
        1,
        smax,
        smax + 1,
        mask,
        0x5a5a_5a5a_5a5a_5a5a & mask,
        0xa5c3_0ff0_3cc3_e11e & mask,
    ]
}

#[test]
fn lse_every_op_width_and_boundary() {
    let mut m = Mem::pattern();
    for size in 0..4u32 {
        let bits = 8 << size;
        let mask = if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let vals = boundary_values(bits);
        for &old in &vals {
            for &operand in &vals {
                // Nine instructions, each on its own slot: op i uses
                // Rs = x1, Rn = x(10+i), Rt = x(20+i).
                let code: Vec<u32> = (0..9)
                    .map(|i| lse(i, size, 0, 1, 10 + i as u32, 20 + i as u32))
                    .collect();
                let mut c = cpu();
                // Junk above the width in both operand and memory.
                c.x[1] = operand | (0x3c3c_3c3c_3c3c_3c3c & !mask);
                for i in 0..9 {
                    let off = 16 + 16 * i;
                    m.set(off, 8, (0x9696_9696_9696_9696 & !mask | old) as u128);
                    c.x[10 + i] = m.addr(off);
                }
                run(&code, &mut c);
                for (i, name) in LSE_OPS.iter().enumerate() {
                    let ctx = format!("{name} size {size} old {old:#x} operand {operand:#x}");
                    assert_eq!(c.x[20 + i], old, "{ctx}: old value in Rt");
                    let want = 0x9696_9696_9696_9696 & !mask | lse_model(i, bits, old, operand);
                    assert_eq!(m.u64(16 + 16 * i), want, "{ctx}: memory");
                }
                assert_eq!(c.x[1] & mask, operand, "Rs unchanged");
            }
        }
    }
}

#[test]
fn lse_boundaries_by_hand() {
    // Signed and unsigned orders disagree across the sign bit.
    assert_eq!(lse_model(4, 8, 0x7f, 0x80), 0x7f); // smax(127, -128)
    assert_eq!(lse_model(5, 8, 0x7f, 0x80), 0x80);
    assert_eq!(lse_model(6, 8, 0x7f, 0x80), 0x80); // umax(127, 128)
    assert_eq!(lse_model(7, 8, 0x7f, 0x80), 0x7f);
    assert_eq!(lse_model(4, 64, u64::MAX, 0), 0); // smax(-1, 0)
    assert_eq!(lse_model(0, 16, 0xffff, 1), 0);
    // And the translated instruction agrees on one of them.
    let mut m = Mem::pattern();
    let mut c = cpu();
    m.set(16, 1, 0x7f);
    c.x[3] = m.addr(16);
    c.x[1] = 0x80;
    run(&[0x38e14062], &mut c); // ldsmaxalb w1, w2, [x3]
    assert_eq!((c.x[2], m.u8(16)), (0x7f, 0x7f));
    c.x[1] = 0xff;
    run(&[0x38e14062], &mut c);
    assert_eq!((c.x[2], m.u8(16)), (0x7f, 0x7f));
    c.x[1] = 0x01;
    run(&[0x38e14062], &mut c);
    assert_eq!((c.x[2], m.u8(16)), (0x7f, 0x7f));
}

#[test]
fn lse_orderings_and_store_aliases() {
    let mut m = Mem::pattern();
    for ord in 0..4u32 {
        for (op, name) in LSE_OPS.iter().enumerate() {
            for size in 0..4u32 {
                let bits = 8 << size;
                let mut c = cpu();
                let sp = c.x[31];
                let old = m.get(16, 8) as u64;
                c.x[1] = 0x0123_4567_89ab_cdef;
                c.x[3] = m.addr(16);
                // Rt = x2, then Rt = XZR (the ST* aliases; for SWP too).
                run(
                    &[lse(op, size, ord, 1, 3, 2), lse(op, size, ord, 1, 3, 31)],
                    &mut c,
                );
                let mask = if bits == 64 {
                    u64::MAX
                } else {
                    (1u64 << bits) - 1
                };
                let once = lse_model(op, bits, old, c.x[1]);
                let twice = lse_model(op, bits, once, c.x[1]);
                assert_eq!(c.x[2], old & mask, "{name} ord {ord} size {size}");
                assert_eq!(
                    m.u64(16),
                    old & !mask | twice,
                    "{} ord {ord} size {size}",
                    LSE_OPS[op]
                );
                assert_eq!(c.x[31], sp, "XZR destination does not touch SP");
            }
        }
    }
}

#[test]
fn unallocated_forms_are_undefined() {
    let cases = [
        (0x69000440, "stgp x0, x1, [x2] (needs MTE)"),
        (0x68400000, "ldnp with opc 01 (no signed non-temporal pair)"),
        (0xf8623820, "ldr x0, [x1, x2] with option 001"),
        (0xf8a23833, "prfm (register) with option 001"),
        (0x082d7e0e, "casp with odd Rs"),
        (0x082c7e0f, "casp with odd Rt"),
        (0xdc000000, "ldr (literal, SIMD&FP) with opc 11"),
        (0xf9c00000, "ldr (unsigned offset) with size 11 opc 11"),
        (
            0x7dc00000,
            "ldr (SIMD&FP unsigned offset) with size 01 opc 1x",
        ),
        (0xb8c00000, "ldur with size 10 opc 11"),
        (0xf8c00400, "post-index with size 11 opc 11"),
        (0xec400000, "ldnp (SIMD&FP) with opc 11"),
    ];
    for (word, what) in cases {
        let mut c = cpu();
        assert_eq!(run_code(&[word], &mut c), ExitReason::Udf, "{what}");
        assert_eq!(c.exit_arg, word as u64, "{what}");
    }
}

#[test]
fn table_names_each_form() {
    use emu::arm64::decode;
    let cases = [
        (0xf9400424, "LDST_uimm"),     // ldr x4, [x1, #8]
        (0x3dc00424, "LDST_uimm_fp"),  // ldr q4, [x1, #16]
        (0xf9800420, "PRFM_uimm"),     // prfm pldl1keep, [x1, #8]
        (0xf85fd020, "LDST_unscaled"), // ldur x0, [x1, #-3]
        (0xf89ff024, "PRFUM"),         // prfum pldl3keep, [x1, #-1]
        (0xf8408c20, "LDST_pre"),      // ldr x0, [x1, #8]!
        (0xf85f0462, "LDST_post"),     // ldr x2, [x3], #-16
        (0xf8408820, "LDST_unpriv"),   // ldtr x0, [x1, #8]
        (0xf8627820, "LDST_reg"),      // ldr x0, [x1, x2, lsl #3]
        (0xf8a27833, "PRFM_reg"),      // prfm pstl2strm, [x1, x2, lsl #3]
        (0x58000100, "LDR_lit"),       // ldr x0, lit
        (0x9c000065, "LDR_lit_fp"),    // ldr q5, lit
        (0xd8000040, "PRFM_lit"),      // prfm pldl1keep, lit
        (0x29410440, "LDSTP_off"),     // ldp w0, w1, [x2, #8]
        (0xa9ff10a3, "LDSTP_pre"),     // ldp x3, x4, [x5, #-16]!
        (0x68c11d06, "LDSTP_post"),    // ldpsw x6, x7, [x8], #8
        (0xa860c22f, "LDSTNP"),        // ldnp x15, x16, [x17, #-504]
        (0xac414a71, "LDSTNP_fp"),     // ldnp q17, q18, [x19, #32]
        (0xc85f7c20, "LDXR"),          // ldxr x0, [x1]
        (0xc8027c20, "STXR"),          // stxr w2, x0, [x1]
        (0xc87f0440, "LDXP"),          // ldxp x0, x1, [x2]
        (0x8829ad0a, "STXP"),          // stlxp w9, w10, w11, [x8]
        (0xc8dffc20, "LDAR"),          // ldar x0, [x1]
        (0x889ffd8b, "STLR"),          // stlr w11, [x12]
        (0x88a07c41, "CAS"),           // cas w0, w1, [x2]
        (0x4872fed4, "CASP"),          // caspal x18, x19, x20, x21, [x22]
        (0xb8210062, "LDOP"),          // ldadd w1, w2, [x3]
        (0xf86480c5, "SWP"),           // swpl x4, x5, [x6]
        (0xf8bfc02d, "LDAPR"),         // ldapr x13, [x1]
        (0xd95fd031, "LDAPUR"),        // ldapur x17, [x1, #-3]
    ];
    for (word, name) in cases {
        let f = decode(word).unwrap_or_else(|| panic!("{word:#010x} does not decode"));
        assert_eq!(f.entry.name, name, "{word:#010x}");
    }
}

/// Runs `code` on `threads` host threads at once, each with `setup` applied
/// to a fresh CPU state.
fn run_threads(code: &'static [u32], threads: usize, setup: impl Fn(&mut CpuState) + Sync) {
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut c = cpu();
                setup(&mut c);
                run(code, &mut c);
            });
        }
    });
}

#[test]
fn concurrent_exclusive_and_lse_increments_are_atomic() {
    const N: u64 = 200_000;
    static CODE: [u32; 7] = [
        0xc85f7c20, // loop: ldxr x0, [x1]
        0x91000400, // add x0, x0, #1
        0xc8027c20, // stxr w2, x0, [x1]
        0x35ffffa2, // cbnz w2, loop
        0xf82400c5, // ldadd x4, x5, [x6]
        0xf1000463, // subs x3, x3, #1
        0x54ffff41, // b.ne loop
    ];
    let mut m = Mem::pattern();
    m.set(0, 8, 0);
    m.set(64, 8, 0);
    let (a, b) = (m.addr(0), m.addr(64));
    run_threads(&CODE, 4, |c| {
        c.x[1] = a;
        c.x[3] = N;
        c.x[4] = 3;
        c.x[6] = b;
    });
    assert_eq!(m.u64(0), 4 * N);
    assert_eq!(m.u64(64), 3 * 4 * N);
}

#[test]
fn concurrent_exclusive_pair_updates_are_atomic() {
    const N: u64 = 100_000;
    static CODE: [u32; 7] = [
        0xc87fa4e8, // loop: ldaxp x8, x9, [x7]
        0x91000508, // add x8, x8, #1
        0x91000929, // add x9, x9, #2
        0xc822a4e8, // stlxp w2, x8, x9, [x7]
        0x35ffff82, // cbnz w2, loop
        0xf1000463, // subs x3, x3, #1
        0x54ffff41, // b.ne loop
    ];
    let mut m = Mem::pattern();
    m.set(32, 16, 0);
    let a = m.addr(32);
    run_threads(&CODE, 4, |c| {
        c.x[7] = a;
        c.x[3] = N;
    });
    assert_eq!((m.u64(32), m.u64(40)), (4 * N, 2 * 4 * N));
}
