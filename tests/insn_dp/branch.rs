//! Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET.
//!
//! Each test program puts the branch first and a `MOVZ x0, #1` marker after
//! it; a taken branch skips the marker to the end of the code (where
//! execution leaves with the next PC), a fall-through runs it.

use crate::enc;
use crate::model::*;
use crate::run;

/// Runs `branch; movz x0, #1` with the registers and flags given and
/// reports whether the branch was taken (X0 still 0) and the final PC.
fn taken(branch: u32, regs: &[(usize, u64)], nzcv: u64) -> bool {
    let st = run(&[branch, enc::movz(0, 1)], regs, nzcv);
    st.x[0] == 0
}

#[test]
fn b_cond_all_conditions() {
    for cond in 0..16 {
        for nzcv in all_nzcv() {
            assert_eq!(
                taken(enc::b_cond(cond, 2), &[], nzcv),
                cond_holds(cond, nzcv),
                "cond={cond} nzcv={nzcv:#x}"
            );
        }
    }
}

#[test]
fn b_cond_backward_and_forward() {
    // 0: b.eq +3 (to 3); 1: movz x0,#1; 2: b +2 (to 4 = end); 3: b.eq -2 (to 1)
    let words = [
        enc::b_cond(0, 3),
        enc::movz(0, 1),
        enc::b_imm(2),
        enc::b_cond(0, -2),
    ];
    let st = run(&words, &[], Z);
    assert_eq!(st.x[0], 1);
}

#[test]
fn unconditional_b() {
    assert!(taken(enc::b_imm(2), &[], 0));
}

#[test]
fn cbz_cbnz() {
    // (sf, value, is zero for the operand size)
    let cases = [
        (true, 0u64, true),
        (true, 1, false),
        (true, 1 << 63, false),
        (true, 0x1_0000_0000, false),
        (false, 0, true),
        (false, 0x1_0000_0000, true),
        (false, 0xffff_ffff_0000_0000, true),
        (false, 0x8000_0000, false),
        (false, 1, false),
    ];
    for (sf, v, zero) in cases {
        assert_eq!(
            taken(enc::cbz(sf, false, 5, 2), &[(5, v)], 0),
            zero,
            "cbz sf={sf} {v:#x}"
        );
        assert_eq!(
            taken(enc::cbz(sf, true, 5, 2), &[(5, v)], 0),
            !zero,
            "cbnz sf={sf} {v:#x}"
        );
    }
    // Register 31 is XZR: CBZ xzr always branches.
    assert!(taken(enc::cbz(true, false, 31, 2), &[(31, 0x1000)], 0));
}

#[test]
fn tbz_tbnz() {
    for bit in [0u32, 1, 31, 32, 63] {
        for v in [
            0u64,
            u64::MAX,
            1 << bit,
            !(1u64 << bit),
            0x5555_5555_5555_5555,
        ] {
            let set = v >> bit & 1 == 1;
            assert_eq!(
                taken(enc::tbz(bit, false, 7, 2), &[(7, v)], 0),
                !set,
                "tbz bit={bit} {v:#x}"
            );
            assert_eq!(
                taken(enc::tbz(bit, true, 7, 2), &[(7, v)], 0),
                set,
                "tbnz bit={bit} {v:#x}"
            );
        }
    }
}

#[test]
fn bl_sets_link_register() {
    let st = run(&[enc::bl(2), enc::movz(0, 1)], &[(30, 0xdead)], 0);
    assert_eq!(st.x[0], 0);
    // Execution left at start + 8; the BL at start returns to start + 4.
    assert_eq!(st.x[30], st.pc - 4);
}

#[test]
fn br_blr_ret() {
    // 0: adr x1, #12 (end); 1: br x1; 2: movz x0, #1
    let st = run(
        &[enc::adr(false, 12, 1), enc::br(1), enc::movz(0, 1)],
        &[],
        0,
    );
    assert_eq!((st.x[0], st.x[1]), (0, st.pc));
    // 0: adr x1, #12; 1: blr x1; 2: movz x0, #1 — X30 = address of word 2.
    let st = run(
        &[enc::adr(false, 12, 1), enc::blr(1), enc::movz(0, 1)],
        &[],
        0,
    );
    assert_eq!((st.x[0], st.x[30]), (0, st.pc - 4));
    // RET uses X30 by default; RET x2 uses X2.
    let st = run(
        &[enc::adr(false, 12, 30), enc::ret(30), enc::movz(0, 1)],
        &[],
        0,
    );
    assert_eq!(st.x[0], 0);
    let st = run(
        &[enc::adr(false, 12, 2), enc::ret(2), enc::movz(0, 1)],
        &[(30, 0)],
        0,
    );
    assert_eq!(st.x[0], 0);
    // BLR x30: the target is read before X30 is overwritten.
    let st = run(
        &[enc::adr(false, 12, 30), enc::blr(30), enc::movz(0, 1)],
        &[],
        0,
    );
    assert_eq!((st.x[0], st.x[30]), (0, st.pc - 4));
}
