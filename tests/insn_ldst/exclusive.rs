//! Exclusives, load-acquire/store-release, CAS/CASP, and atomicity under
//! concurrent host threads.

use super::*;

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
            0xd95f8031, // ldapur x17, [x1, #-8]
            0x19c01032, // ldapursb w18, [x1, #1]
            0x99804033, // ldapursw x19, [x1, #4]
            0x991fc2b4, // stlur w20, [x21, #-4]
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
        (17, p.u64(192)),
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
        (20, 44, 4),
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

/// Load-exclusive retry loops (`LDXR; op; STXR; CBNZ`, which the frontend
/// translates as one atomic read-modify-write): each ends as its first
/// pass with a successful store-exclusive leaves it. Xt holds the old
/// value, Xd the new one, Ws zero, the monitor (armed elsewhere before)
/// is clear, memory holds the new value, nothing else changes.
#[test]
fn exclusive_loops_end_as_their_first_successful_pass() {
    const X0: u64 = 0x0123_4567_89ab_cdef;
    let w32 = |v: u64| v & 0xffff_ffff;
    // (words, 64-bit, Xt, Xd (Xt for an exchange), new value from the old
    // one)
    type Case = (&'static [u32], bool, usize, usize, fn(u64) -> u64);
    let cases: [Case; 11] = [
        // ldxr x3, [x2]; add x3, x3, x0; stxr w4, x3, [x2]; cbnz w4
        (
            &[0xc85f7c43, 0x8b000063, 0xc8047c43, 0x35ffffa4],
            true,
            3,
            3,
            |o| o.wrapping_add(X0),
        ),
        // ldaxr w5, [x2]; sub w6, w5, #0x123; stlxr w7, w6, [x2]; cbnz w7
        (
            &[0x885ffc45, 0x51048ca6, 0x8807fc46, 0x35ffffa7],
            false,
            5,
            6,
            |o| o.wrapping_sub(0x123),
        ),
        // sub x6, x5, x0
        (
            &[0xc85f7c45, 0xcb0000a6, 0xc8077c46, 0x35ffffa7],
            true,
            5,
            6,
            |o| o.wrapping_sub(X0),
        ),
        // and x6, x5, x0
        (
            &[0xc85f7c45, 0x8a0000a6, 0xc8077c46, 0x35ffffa7],
            true,
            5,
            6,
            |o| o & X0,
        ),
        // ldxr w5; orr w6, w5, #0xff00
        (
            &[0x885f7c45, 0x32181ca6, 0x88077c46, 0x35ffffa7],
            false,
            5,
            6,
            |o| o | 0xff00,
        ),
        // eor x6, x0, x5 (the loaded value second)
        (
            &[0xc85f7c45, 0xca050006, 0xc8077c46, 0x35ffffa7],
            true,
            5,
            6,
            |o| o ^ X0,
        ),
        // add x6, x0, x5
        (
            &[0xc85f7c45, 0x8b050006, 0xc8077c46, 0x35ffffa7],
            true,
            5,
            6,
            |o| o.wrapping_add(X0),
        ),
        // ldaxr x5, [x2]; stlxr w7, x0, [x2]; cbnz w7 (exchange)
        (&[0xc85ffc45, 0xc807fc40, 0x35ffffc7], true, 5, 5, |_| X0),
        // ldxr w5, [x2]; stxr w7, wzr, [x2]; cbnz w7
        (&[0x885f7c45, 0x88077c5f, 0x35ffffc7], false, 5, 5, |_| 0),
        // add x0, x5, x0 (the operand register is the destination)
        (
            &[0xc85f7c45, 0x8b0000a0, 0xc8077c40, 0x35ffffa7],
            true,
            5,
            0,
            |o| o.wrapping_add(X0),
        ),
        // and x6, x5, #0xffff0000ffff0000
        (
            &[0xc85f7c45, 0x92103ca6, 0xc8077c46, 0x35ffffa7],
            true,
            5,
            6,
            |o| o & 0xffff_0000_ffff_0000,
        ),
    ];
    for (i, (words, x, t, d, f)) in cases.into_iter().enumerate() {
        let mut m = Mem::pattern();
        let p = Mem::pattern();
        let mut c = cpu();
        c.x[0] = X0;
        c.x[2] = m.addr(16);
        c.excl_addr = m.addr(64);
        c.excl_size = 8;
        c.excl_val = m.u64(64);
        let c0 = c.clone();
        run(words, &mut c);
        let (old, new) = if x {
            (p.u64(16), f(p.u64(16)))
        } else {
            (p.u32(16), w32(f(p.u32(16))))
        };
        let s = if words.len() == 3 {
            7
        } else {
            words[2] as usize >> 16 & 31
        };
        let mut want = c0.x;
        want[t] = old;
        if words.len() == 4 {
            want[d] = new;
        }
        want[s] = 0;
        assert_eq!(c.x, want, "case {i}: registers");
        let mut mem = Mem::pattern();
        mem.set(16, if x { 8 } else { 4 }, new as u128);
        assert!(m.0 == mem.0, "case {i}: memory");
        assert_eq!(
            (c.excl_addr, c.excl_size),
            (u64::MAX, 0),
            "case {i}: monitor"
        );
    }
}
