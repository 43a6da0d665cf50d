//! LSE atomic memory operations at every width, ordering and boundary.

use super::*;

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
