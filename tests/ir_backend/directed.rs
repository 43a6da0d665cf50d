//! Directed edge cases of each IR operation. Expected values follow the Arm
//! ARM pseudocode (AddWithCarry, ConditionHolds, the SDIV/UDIV rounding and
//! divide-by-zero rules, the LSE min/max definitions); every block runs
//! under the interpreter and as x86-64 code, which must agree.

use super::*;
use emu::arm64::bits::cond_holds;
use emu::ir::{BinOp, FlagsOp, Op, RmwOp, UnOp, Val, Width};
use std::mem::offset_of;

const W32: Width = Width::W32;
const W64: Width = Width::W64;
const NEXT: u64 = 0x2000;

/// Runs hand-written blocks on both executors.
struct Both {
    jit: Jit,
    buf: Box<Scratch>,
}

impl Both {
    fn new() -> Both {
        Both {
            jit: Jit::new(),
            buf: Box::new(Scratch([0; BUF_LEN])),
        }
    }

    fn buf_addr(&self) -> u64 {
        self.buf.0.as_ptr() as u64
    }

    /// Runs `block` from `cpu0` with scratch memory `mem0` on the
    /// interpreter and as x86-64 code (at both tiers), before and after the
    /// passes; panics on any difference and returns the interpreter's
    /// outcome.
    fn run(&mut self, block: &Block, cpu0: &CpuState, mem0: &[u8]) -> Outcome {
        let want = run_interp(block, cpu0, &mut *self.buf, mem0);
        let got = run_jit(&mut self.jit, block, cpu0, &mut *self.buf, mem0);
        compare("x86-64 code", block, &want, &got).unwrap_or_else(|e| panic!("{e}"));
        let got = run_jit_quick(&mut self.jit, block, cpu0, &mut *self.buf, mem0);
        compare("quick-tier x86-64 code", block, &want, &got).unwrap_or_else(|e| panic!("{e}"));
        let mut opt = block.clone();
        emu::ir::passes::optimize(&mut opt);
        let got = run_jit(&mut self.jit, &opt, cpu0, &mut *self.buf, mem0);
        compare("optimised x86-64 code", &opt, &want, &got).unwrap_or_else(|e| panic!("{e}"));
        want
    }

    /// The values `f` defines (at most 31), computed by a block that writes
    /// them to X0.. and checked on both executors.
    fn values(&mut self, f: impl FnOnce(&mut Builder) -> Vec<Val>) -> Vec<u64> {
        let mut b = Builder::new(0x1000);
        let vals = f(&mut b);
        assert!(vals.len() <= 31);
        for (i, &v) in vals.iter().enumerate() {
            b.set_reg(i as u32, v);
        }
        b.jump(NEXT);
        let block = b.finish(0x1004);
        let out = self.run(&block, &CpuState::default(), &[0; BUF_LEN]);
        assert_eq!(out.next, NEXT);
        out.cpu.x[..vals.len()].to_vec()
    }
}

type BinCase = (BinOp, Width, u64, u64, u64);

fn check_bin(cases: &[BinCase]) {
    let mut t = Both::new();
    let got = t.values(|b| {
        cases
            .iter()
            .map(|&(op, w, x, y, _)| {
                let (x, y) = (b.konst(x), b.konst(y));
                b.bin(op, w, x, y)
            })
            .collect()
    });
    for (&(op, w, x, y, want), got) in cases.iter().zip(got) {
        assert_eq!(got, want, "{op:?} {w:?} {x:#x}, {y:#x}");
    }
}

fn check_un(cases: &[(UnOp, Width, u64, u64)]) {
    let mut t = Both::new();
    let got = t.values(|b| {
        cases
            .iter()
            .map(|&(op, w, x, _)| {
                let x = b.konst(x);
                b.un(op, w, x)
            })
            .collect()
    });
    for (&(op, w, x, want), got) in cases.iter().zip(got) {
        assert_eq!(got, want, "{op:?} {w:?} {x:#x}");
    }
}

const N: u64 = 0x8000_0000;
const Z: u64 = 0x4000_0000;
const C: u64 = 0x2000_0000;
const V: u64 = 0x1000_0000;
const MIN32: u64 = 0x8000_0000;
const MIN64: u64 = i64::MIN as u64;

#[test]
fn flags_add_sub_logic() {
    // (op, width, a, b, carry-in NZCV or None, expected NZCV)
    let cases: [(FlagsOp, Width, u64, u64, Option<u64>, u64); 20] = [
        (FlagsOp::Sub, W32, 0, 0, None, Z | C),
        (FlagsOp::Sub, W64, 0, 0, None, Z | C),
        (FlagsOp::Sub, W32, 0, 1, None, N),
        (FlagsOp::Sub, W64, 0, 1, None, N),
        (FlagsOp::Sub, W32, MIN32, 1, None, C | V),
        (FlagsOp::Sub, W64, MIN64, 1, None, C | V),
        // 32-bit operations ignore the upper halves.
        (FlagsOp::Sub, W32, 0xffff_ffff_0000_0000, 0, None, Z | C),
        (FlagsOp::Sub, W32, 5, 0xffff_ffff_0000_0005, None, Z | C),
        (FlagsOp::Add, W32, 0x7fff_ffff, 1, None, N | V),
        (FlagsOp::Add, W64, i64::MAX as u64, 1, None, N | V),
        (FlagsOp::Add, W32, 0xffff_ffff, 1, None, Z | C),
        (FlagsOp::Add, W64, u64::MAX, 1, None, Z | C),
        (FlagsOp::Add, W64, MIN64, MIN64, None, Z | C | V),
        // ADCS / SBCS: carry-in is bit 29 of the NZCV operand.
        (FlagsOp::Add, W64, u64::MAX, 0, Some(C), Z | C),
        (FlagsOp::Add, W32, 0x7fff_ffff, 0, Some(N | Z | V), 0),
        (FlagsOp::Sub, W64, 0, 0, Some(0), N),
        (FlagsOp::Sub, W32, MIN32, 0, Some(N | Z | V), C | V),
        (FlagsOp::Logic, W32, MIN32, 7, None, N),
        (FlagsOp::Logic, W32, 0x1_0000_0000, 7, None, Z),
        (FlagsOp::Logic, W64, 0x1_0000_0000, 7, None, 0),
    ];
    let mut t = Both::new();
    let got = t.values(|b| {
        cases
            .iter()
            .map(|&(op, w, x, y, c, _)| {
                let (x, y) = (b.konst(x), b.konst(y));
                let c = c.map(|c| b.konst(c));
                b.flags(op, w, x, y, c)
            })
            .collect()
    });
    for (&(op, w, x, y, c, want), got) in cases.iter().zip(got) {
        assert_eq!(got, want, "{op:?} {w:?} {x:#x}, {y:#x}, carry {c:x?}");
    }
}

#[test]
fn carry_results() {
    // (op, width, a, b, NZCV, expected result)
    let cases: [(FlagsOp, Width, u64, u64, u64, u64); 6] = [
        (FlagsOp::Add, W32, 0xffff_ffff, 0, C, 0),
        (FlagsOp::Add, W64, 0xffff_ffff, 0, C, 0x1_0000_0000),
        (FlagsOp::Add, W64, 1, 2, N | Z | V, 3),
        (FlagsOp::Sub, W64, 5, 3, 0, 1),
        (FlagsOp::Sub, W64, 5, 3, C, 2),
        (FlagsOp::Sub, W32, 0, 1, 0, 0xffff_fffe),
    ];
    let mut t = Both::new();
    let got = t.values(|b| {
        cases
            .iter()
            .map(|&(op, w, x, y, c, _)| {
                let (x, y, c) = (b.konst(x), b.konst(y), b.konst(c));
                b.carry(op, w, x, y, c)
            })
            .collect()
    });
    for (&(op, w, x, y, c, want), got) in cases.iter().zip(got) {
        assert_eq!(got, want, "{op:?} {w:?} {x:#x}, {y:#x}, nzcv {c:#x}");
    }
}

#[test]
fn cond_all_conditions_all_flags() {
    let mut t = Both::new();
    for nibble in 0..16u64 {
        // Bits below 28 are not flags and must not matter.
        for nzcv in [nibble << 28, nibble << 28 | 0x0aaa_5555] {
            let got = t.values(|b| {
                let f = b.konst(nzcv);
                (0..16).map(|c| b.cond(c, f)).collect()
            });
            for (c, got) in got.into_iter().enumerate() {
                let want = cond_holds(c as u32, nzcv) as u64;
                assert_eq!(got, want, "cond {c} nzcv {nzcv:#x}");
            }
        }
    }
}

#[test]
fn select_tests_all_64_bits() {
    let mut t = Both::new();
    let got = t.values(|b| {
        let (x, y) = (b.konst(11), b.konst(22));
        [0, 1, 0x1_0000_0000, MIN64]
            .iter()
            .map(|&c| {
                let c = b.konst(c);
                b.select(c, x, y)
            })
            .collect()
    });
    assert_eq!(got, [22, 11, 11, 11]);
}

#[test]
fn division_edges() {
    check_bin(&[
        (BinOp::SDiv, W64, MIN64, u64::MAX, MIN64),
        (BinOp::SDiv, W32, MIN32, 0xffff_ffff, MIN32),
        (BinOp::SDiv, W32, 0xffff_ffff_8000_0000, u64::MAX, MIN32),
        (BinOp::SDiv, W64, 7, 0, 0),
        (BinOp::SDiv, W32, 7, 0x1_0000_0000, 0),
        (BinOp::UDiv, W64, 7, 0, 0),
        (BinOp::UDiv, W32, u64::MAX, 0, 0),
        // Signed division rounds towards zero.
        (
            BinOp::SDiv,
            W32,
            (-7i32) as u32 as u64,
            2,
            (-3i32) as u32 as u64,
        ),
        (BinOp::SDiv, W64, (-7i64) as u64, 2, (-3i64) as u64),
        (BinOp::UDiv, W32, 0xffff_ffff, 2, 0x7fff_ffff),
        (BinOp::UDiv, W64, u64::MAX, 2, i64::MAX as u64),
        (BinOp::SDiv, W32, 0xffff_ffff_0000_0010, 2, 8),
    ]);
}

#[test]
fn shifts_are_modulo_the_width() {
    check_bin(&[
        (BinOp::Shl, W32, 1, 33, 2),
        (BinOp::Shl, W64, 1, 65, 2),
        (BinOp::Shl, W32, 0xffff_ffff, 4, 0xffff_fff0),
        (BinOp::Lshr, W64, 0x1234, 64, 0x1234),
        (BinOp::Lshr, W32, 0xffff_ffff_0000_0000, 0, 0),
        (BinOp::Ashr, W32, MIN32, 31, 0xffff_ffff),
        (BinOp::Ashr, W64, MIN64, 63, u64::MAX),
        (BinOp::Ashr, W32, MIN32, 32, MIN32),
        (BinOp::Ror, W32, 1, 1, MIN32),
        (BinOp::Ror, W32, 1, 33, MIN32),
        (BinOp::Ror, W64, 1, 65, MIN64),
        (BinOp::Ror, W64, 0x1234, 0, 0x1234),
    ]);
}

#[test]
fn arithmetic_and_multiplication() {
    check_bin(&[
        (BinOp::Add, W32, 0xffff_ffff, 1, 0),
        (BinOp::Sub, W32, 0, 1, 0xffff_ffff),
        (BinOp::Sub, W64, 0, 1, u64::MAX),
        (BinOp::Mul, W32, 0x1_0000_0001, 3, 3),
        (BinOp::Mul, W32, 0x8000_0000, 2, 0),
        (BinOp::Mul, W64, u64::MAX, u64::MAX, 1),
        (BinOp::UMulH, W64, u64::MAX, u64::MAX, 0xffff_ffff_ffff_fffe),
        (BinOp::UMulH, W64, 1 << 63, 4, 2),
        (BinOp::SMulH, W64, u64::MAX, u64::MAX, 0),
        (BinOp::SMulH, W64, u64::MAX, 1, u64::MAX),
        (BinOp::SMulH, W64, MIN64, MIN64, 1 << 62),
        (BinOp::And, W32, u64::MAX, u64::MAX, 0xffff_ffff),
        (BinOp::Or, W32, 0xffff_ffff_0000_0000, 1, 1),
        (BinOp::Xor, W64, u64::MAX, 1, u64::MAX - 1),
    ]);
}

#[test]
fn trailing_zeros_and_bit_reversal() {
    check_un(&[
        (UnOp::Ctz, W32, 0, 32),
        (UnOp::Ctz, W64, 0, 64),
        (UnOp::Ctz, W32, 0xffff_ffff_0000_0000, 32),
        (UnOp::Ctz, W32, 0x8000_0000, 31),
        (UnOp::Ctz, W64, MIN64, 63),
        (UnOp::Ctz, W64, 0x10_0000_0000, 36),
        (UnOp::Rbit, W32, 0xffff_ffff_0000_0003, 0xc000_0000),
        (
            UnOp::Rbit,
            W64,
            0x0123_4567_89ab_cdef,
            0xf7b3_d591_e6a2_c480,
        ),
        (UnOp::Rev16, W32, 0xffff_ffff_1234_5678, 0x3412_7856),
    ]);
}

#[test]
fn unary_edges() {
    check_un(&[
        (UnOp::Clz, W32, 0, 32),
        (UnOp::Clz, W64, 0, 64),
        (UnOp::Clz, W32, 1, 31),
        (UnOp::Clz, W64, 1, 63),
        (UnOp::Clz, W32, 0xffff_ffff_0000_0001, 31),
        (UnOp::Clz, W64, u64::MAX, 0),
        (UnOp::Sext8, W64, 0x80, 0xffff_ffff_ffff_ff80),
        (UnOp::Sext8, W32, 0x80, 0xffff_ff80),
        (UnOp::Sext8, W64, 0x17f, 0x7f),
        (UnOp::Sext16, W64, 0x1_8000, 0xffff_ffff_ffff_8000),
        (UnOp::Sext16, W32, 0x8000, 0xffff_8000),
        (UnOp::Sext32, W64, 0x8000_0000, 0xffff_ffff_8000_0000),
        (UnOp::Sext32, W64, 0xffff_ffff_7fff_ffff, 0x7fff_ffff),
        (UnOp::Sext32, W32, 0xffff_ffff_8000_0000, MIN32),
        (UnOp::Rbit, W32, 1, MIN32),
        (UnOp::Rbit, W64, 1, MIN64),
        (UnOp::Bswap, W32, 0x1122_3344, 0x4433_2211),
        (
            UnOp::Bswap,
            W64,
            0x1122_3344_5566_7788,
            0x8877_6655_4433_2211,
        ),
        (UnOp::Rev16, W32, 0xaabb_1122_3344, 0x2211_4433),
        (
            UnOp::Rev16,
            W64,
            0x1122_3344_5566_7788,
            0x2211_4433_6655_8877,
        ),
        (
            UnOp::Rev32,
            W64,
            0x1122_3344_5566_7788,
            0x4433_2211_8877_6655,
        ),
        (UnOp::Popcnt, W32, u64::MAX, 32),
        (UnOp::Popcnt, W64, u64::MAX, 64),
        (UnOp::Not, W32, 0, 0xffff_ffff),
        (UnOp::Neg, W32, 1, 0xffff_ffff),
        (UnOp::Neg, W64, MIN64, MIN64),
        (UnOp::Neg, W32, MIN32, MIN32),
    ]);
}

/// Eight-byte memory slots for the memory tests, one per case.
fn slot(t: &Both, i: usize) -> u64 {
    t.buf_addr() + 8 * i as u64
}

#[test]
fn rmw_at_each_width() {
    // (op, width, memory before, operand, memory after); the old value
    // comes back zero-extended, bytes beyond the width are untouched.
    let cases: [(RmwOp, Width, u64, u64, u64); 16] = [
        (RmwOp::Smax, Width::W8, 0x80, 0x7f, 0x7f),
        (RmwOp::Umax, Width::W8, 0x80, 0x7f, 0x80),
        (RmwOp::Smin, Width::W8, 0x80, 0x7f, 0x80),
        (RmwOp::Umin, Width::W8, 0x80, 0x7f, 0x7f),
        (RmwOp::Smax, Width::W16, 0x8000, 0x7fff, 0x7fff),
        (RmwOp::Umin, Width::W16, 0x8000, 0x7fff, 0x7fff),
        (RmwOp::Smin, Width::W32, 0x7fff_ffff, MIN32, MIN32),
        (RmwOp::Umax, Width::W32, 0, 0xffff_ffff_0000_0001, 1),
        (RmwOp::Smax, Width::W64, MIN64, 0, 0),
        (RmwOp::Umin, Width::W64, MIN64, u64::MAX, MIN64),
        (RmwOp::Add, Width::W8, 0xff, 1, 0),
        (RmwOp::Add, Width::W64, u64::MAX, 2, 1),
        (RmwOp::Clr, Width::W16, 0xffff, 0x0ff0, 0xf00f),
        (
            RmwOp::Eor,
            Width::W32,
            0xffff_0000,
            0xffff_ffff,
            0x0000_ffff,
        ),
        (RmwOp::Set, Width::W8, 0x0f, 0xf0, 0xff),
        (RmwOp::Swp, Width::W16, 0xbeef, 0x1234_5678, 0x5678),
    ];
    let mut t = Both::new();
    let mut mem0 = vec![0xa5u8; BUF_LEN];
    let mut b = Builder::new(0x1000);
    for (i, &(op, w, before, src, _)) in cases.iter().enumerate() {
        let bytes = w.bytes() as usize;
        mem0[8 * i..8 * i + bytes].copy_from_slice(&before.to_le_bytes()[..bytes]);
        let (a, s) = (b.konst(slot(&t, i)), b.konst(src));
        let old = b.rmw(op, w, a, s);
        b.set_reg(i as u32, old);
    }
    b.jump(NEXT);
    let out = t.run(&b.finish(0x1004), &CpuState::default(), &mem0);
    for (i, &(op, w, before, src, after)) in cases.iter().enumerate() {
        let bytes = w.bytes() as usize;
        let mut want = [0xa5u8; 8];
        want[..bytes].copy_from_slice(&after.to_le_bytes()[..bytes]);
        let what = format!("{op:?} {w:?} {before:#x}, {src:#x}");
        assert_eq!(out.cpu.x[i], before, "old value of {what}");
        assert_eq!(out.mem[8 * i..8 * i + 8], want, "memory after {what}");
    }
}

#[test]
fn cas_success_and_failure() {
    // (width, memory before, expected, new, memory after)
    let cases: [(Width, u64, u64, u64, u64); 6] = [
        (Width::W8, 0x80, 0x80, 0x11, 0x11),
        (Width::W8, 0x80, 0x81, 0x11, 0x80),
        (Width::W16, 0xffff, 0xffff, 0, 0),
        (Width::W32, 0x8000_0000, 0x8000_0000, 0x1_0000_0005, 5),
        (Width::W64, u64::MAX, u64::MAX, 7, 7),
        (Width::W64, u64::MAX, 0xffff_ffff, 7, u64::MAX),
    ];
    let mut t = Both::new();
    let mut mem0 = vec![0x5au8; BUF_LEN];
    let mut b = Builder::new(0x1000);
    for (i, &(w, before, e, n, _)) in cases.iter().enumerate() {
        let bytes = w.bytes() as usize;
        mem0[8 * i..8 * i + bytes].copy_from_slice(&before.to_le_bytes()[..bytes]);
        let (a, e, n) = (b.konst(slot(&t, i)), b.konst(e), b.konst(n));
        let old = b.cas(w, a, e, n);
        b.set_reg(i as u32, old);
    }
    b.jump(NEXT);
    let out = t.run(&b.finish(0x1004), &CpuState::default(), &mem0);
    for (i, &(w, before, _, _, after)) in cases.iter().enumerate() {
        let bytes = w.bytes() as usize;
        let mut want = [0x5au8; 8];
        want[..bytes].copy_from_slice(&after.to_le_bytes()[..bytes]);
        assert_eq!(out.cpu.x[i], before, "old value, case {i}");
        assert_eq!(out.mem[8 * i..8 * i + 8], want, "memory, case {i}");
    }
}

#[test]
fn loads_and_stores_extend_and_stay_in_width() {
    let mut t = Both::new();
    let mut mem0: Vec<u8> = (0..BUF_LEN as u32).map(|i| (i * 37 + 0x80) as u8).collect();
    mem0[..8].copy_from_slice(&0x8899_aabb_ccdd_80f0u64.to_le_bytes());
    let base = t.buf_addr();
    let mut b = Builder::new(0x1000);
    let loads = [
        (Width::W8, true, 1, 0xffff_ffff_ffff_ff80),
        (Width::W8, false, 1, 0x80),
        (Width::W16, true, 1, 0xffff_ffff_ffff_dd80),
        (Width::W16, false, 3, 0xbbcc),
        (Width::W32, true, 4, 0xffff_ffff_8899_aabb),
        (Width::W32, false, 1, 0xbbcc_dd80),
        (Width::W64, false, 0, 0x8899_aabb_ccdd_80f0),
    ];
    for (i, &(w, signed, off, _)) in loads.iter().enumerate() {
        let a = b.konst(base + off);
        let v = b.load(w, signed, a);
        b.set_reg(i as u32, v);
    }
    // Unaligned stores write exactly their width.
    let v = b.konst(0x0102_0304_0506_0708);
    for (off, w) in [
        (17, Width::W16),
        (33, Width::W32),
        (49, Width::W64),
        (64, Width::W8),
    ] {
        let a = b.konst(base + off);
        b.store(w, a, v);
    }
    // A 4-byte vector load zeroes the rest of V3; a 2-byte store from it.
    let (a, d) = (b.konst(base + 100), b.konst(base + 120));
    b.load_vec(4, 3, a);
    b.store_vec(2, 3, d);
    b.jump(NEXT);
    let cpu0 = CpuState {
        v: [u128::MAX; 32],
        ..CpuState::default()
    };
    let out = t.run(&b.finish(0x1004), &cpu0, &mem0);
    for (i, &(w, signed, off, want)) in loads.iter().enumerate() {
        assert_eq!(out.cpu.x[i], want, "load {w:?} signed {signed} at +{off}");
    }
    let mut want = mem0.clone();
    for (off, n) in [(17, 2), (33, 4), (49, 8), (64, 1)] {
        want[off..off + n].copy_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes()[..n]);
    }
    want[120..122].copy_from_slice(&mem0[100..102]);
    assert_eq!(out.mem, want);
    let v3 = u32::from_le_bytes(mem0[100..104].try_into().unwrap()) as u128;
    assert_eq!(out.cpu.v[3], v3);
}

/// Operand pairs that set every combination of carry and overflow.
const FLAG_PAIRS: [(u64, u64); 9] = [
    (0, 0),
    (1, 2),
    (2, 1),
    (u64::MAX, 1),
    (MIN32, 1),
    (0x7fff_ffff, 0xffff_ffff),
    (MIN64, 1),
    (i64::MAX as u64, u64::MAX),
    (MIN64, MIN64),
];

/// NZCV stored by a flags operation (the backend keeps it in host form,
/// `CpuState::nzcv_host`), or chosen by a select between flags and a
/// constant as CCMP does, then read back in the same block by every
/// condition (each testing the state) and as a value, and left in the
/// state; and every NZCV arriving in the architectural field.
#[test]
fn stored_flags_read_back_by_every_condition() {
    let mut t = Both::new();
    let pairs = FLAG_PAIRS;
    // Reads NZCV twice: once for the conditions only, once as a value.
    let read_back = |b: &mut Builder| {
        let n = b.get_nzcv();
        for c in 0..16u32 {
            let h = b.cond(c, n);
            b.set_reg(2 + c, h);
        }
        let n = b.get_nzcv();
        b.set_reg(20, n);
        b.jump(NEXT);
    };
    let check = |out: &Outcome, what: &str| {
        assert_eq!(out.cpu.x[20], out.cpu.nzcv, "{what}");
        for c in 0..16u32 {
            let want = cond_holds(c, out.cpu.nzcv) as u64;
            assert_eq!(out.cpu.x[2 + c as usize], want, "{what} cond {c}");
        }
    };
    for op in [FlagsOp::Add, FlagsOp::Sub, FlagsOp::Logic] {
        for w in [W32, W64] {
            for (x, y) in pairs {
                for select in [None, Some(0), Some(1)] {
                    let mut b = Builder::new(0x1000);
                    let (a, bb) = (b.get_reg(0), b.get_reg(1));
                    let mut f = b.flags(op, w, a, bb, None);
                    if let Some(s) = select {
                        let (s, k) = (b.konst(s), b.konst(Z | V));
                        f = b.select(s, f, k);
                    }
                    b.set_nzcv(f);
                    read_back(&mut b);
                    let cpu0 = CpuState {
                        x: [
                            x, y, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                            0, 0, 0, 0, 0, 0, 0, 0,
                        ],
                        ..CpuState::default()
                    };
                    let out = t.run(&b.finish(0x1004), &cpu0, &[0; BUF_LEN]);
                    check(
                        &out,
                        &format!("{op:?} {w:?} {x:#x} {y:#x} select {select:?}"),
                    );
                }
            }
        }
    }
    // A branch on a condition of the NZCV in the state (the terminal
    // restores the host flags from it), stored here from flags or not.
    for c in 0..16u32 {
        for (x, y) in pairs {
            for store in [false, true] {
                let mut b = Builder::new(0x1000);
                if store {
                    let (a, bb) = (b.get_reg(0), b.get_reg(1));
                    let f = b.flags(FlagsOp::Sub, W64, a, bb, None);
                    b.set_nzcv(f);
                }
                let n = b.get_nzcv();
                let h = b.cond(c, n);
                b.branch(h, 0x3000, NEXT);
                let mut cpu0 = CpuState {
                    nzcv: (x ^ y) & 0xf000_0000,
                    ..CpuState::default()
                };
                (cpu0.x[0], cpu0.x[1]) = (x, y);
                let out = t.run(&b.finish(0x1004), &cpu0, &[0; BUF_LEN]);
                let taken = cond_holds(c, out.cpu.nzcv);
                let want = if taken { 0x3000 } else { NEXT };
                assert_eq!(out.cpu.pc, want, "cond {c} {x:#x} {y:#x} store {store}");
            }
        }
    }
    for k in 0..16u64 {
        let mut b = Builder::new(0x1000);
        read_back(&mut b);
        let cpu0 = CpuState {
            nzcv: k << 28,
            ..CpuState::default()
        };
        let out = t.run(&b.finish(0x1004), &cpu0, &[0; BUF_LEN]);
        assert_eq!(out.cpu.nzcv, k << 28);
        check(&out, &format!("nzcv {k:#x} in the state"));
    }
}

/// A branch on a compare whose NZCV the block also stores (in host form):
/// the branch decides on the host flags that compare left, for every
/// condition and operand pair, and after a subtraction or a logical test
/// the block compares once (storing the flags keeps them on the host).
#[test]
fn branch_on_a_stored_compare_reuses_its_flags() {
    use iced_x86::{Decoder, DecoderOptions, Mnemonic};
    let mut t = Both::new();
    // Conditions a single x86 condition tests after `test` (the rest
    // are not fused with it).
    let after_test = [0, 1, 4, 5, 10, 11, 12, 13];
    for op in [FlagsOp::Sub, FlagsOp::Logic, FlagsOp::Add] {
        for w in [W32, W64] {
            for cond in 0..14u8 {
                let mut b = Builder::new(0x1000);
                b.insn_start(0x1000);
                let (x, y) = (b.get_reg(0), b.get_reg(1));
                let f = b.flags(op, w, x, y, None);
                b.set_nzcv(f);
                b.insn_start(0x1004);
                let dst = b.fresh();
                let (a, bb) = (x, y);
                b.push(Op::CondCmp {
                    dst,
                    cond,
                    op,
                    w,
                    a,
                    b: bb,
                });
                b.branch(dst, 0x3000, NEXT);
                let block = b.finish(0x1008);
                for (x, y) in FLAG_PAIRS {
                    let mut cpu0 = CpuState::default();
                    (cpu0.x[0], cpu0.x[1]) = (x, y);
                    let out = t.run(&block, &cpu0, &[0; BUF_LEN]);
                    let taken = cond_holds(cond as u32, out.cpu.nzcv);
                    let want = if taken { 0x3000 } else { NEXT };
                    assert_eq!(out.next, want, "{op:?} {w:?} cond {cond} {x:#x} {y:#x}");
                }
                let compare = match op {
                    FlagsOp::Sub => Mnemonic::Cmp,
                    FlagsOp::Logic if after_test.contains(&cond) => Mnemonic::Test,
                    _ => continue,
                };
                let env = Env {
                    exit: 0x7010_0000,
                    tlb: None,
                    tier: Tier::Full,
                };
                let c = compile(&block, 0x7000_0000, &env);
                let d = Decoder::with_ip(64, &c.code, 0x7000_0000, DecoderOptions::NONE);
                let n = d.into_iter().filter(|i| i.mnemonic() == compare).count();
                assert_eq!(n, 1, "{op:?} {w:?} cond {cond}");
            }
        }
    }
}

#[test]
fn state_fields_and_helper_calls() {
    unsafe extern "C" fn add4(cpu: *mut CpuState, a: u64, b: u64, c: u64, d: u64) -> u64 {
        // SAFETY: called with the running thread's CPU state.
        let cpu = unsafe { &mut *cpu };
        cpu.x[20] = cpu.tpidr_el0;
        a + 10 * b + 100 * c + 1000 * d
    }
    let mut t = Both::new();
    let mut b = Builder::new(0x1000);
    let k = b.konst(N | C);
    b.set_nzcv(k);
    let f = b.get_nzcv();
    let hs = b.cond(2, f);
    b.set_reg(0, hs);
    let tp = b.konst(0x7777);
    b.store_state(offset_of!(CpuState, tpidr_el0), tp);
    let args: Vec<Val> = (1..=4).map(|i| b.konst(i)).collect();
    let r = b.call(add4, &args);
    b.set_reg(1, r);
    let r = b.call(add4, &args[..1]);
    b.set_reg(2, r);
    b.jump(NEXT);
    let out = t.run(&b.finish(0x1004), &CpuState::default(), &[0; BUF_LEN]);
    assert_eq!(out.cpu.x[..3], [1, 4321, 1]);
    assert_eq!(out.cpu.x[20], 0x7777);
    assert_eq!(out.cpu.nzcv, N | C);
}

#[test]
fn terminals() {
    let mut t = Both::new();
    let mem = [0; BUF_LEN];
    let cpu0 = CpuState {
        exit_arg: 0x5555,
        ..CpuState::default()
    };
    for c in [0, 1, 0x1_0000_0000] {
        let mut b = Builder::new(0x1000);
        let v = b.konst(c);
        b.branch(v, 0x3000, 0x4000);
        let out = t.run(&b.finish(0x1004), &cpu0, &mem);
        assert_eq!(out.next, if c != 0 { 0x3000 } else { 0x4000 });
        assert_eq!(out.cpu.exit_reason, ExitReason::Lookup as u32);
    }
    // Indirect branches to any address, including all-ones (whose slot in
    // the indirect-branch table once matched the empty-entry tag).
    for target in [0x1234_5678, u64::MAX, 0, 4 << 16] {
        let mut b = Builder::new(0x1000);
        let v = b.konst(target);
        b.indirect(v);
        let out = t.run(&b.finish(0x1004), &cpu0, &mem);
        assert_eq!((out.next, out.cpu.pc), (target, target));
    }
    // Exits set pc, reason and argument; Invalidate with argument 0 keeps
    // the address the block stored in exit_arg.
    let arg_off = offset_of!(CpuState, exit_arg);
    for (reason, arg, want_arg) in [
        (ExitReason::Brk, 7, 7),
        (ExitReason::Svc, 0, 0),
        (ExitReason::Invalidate, 0, 0xabc0),
        (ExitReason::Invalidate, 9, 9),
    ] {
        let mut b = Builder::new(0x1000);
        let v = b.konst(0xabc0);
        b.store_state(arg_off, v);
        b.exit(reason, 0x1000, arg);
        let out = t.run(&b.finish(0x1004), &cpu0, &mem);
        assert_eq!(out.cpu.exit_reason, reason as u32);
        assert_eq!(
            (out.cpu.pc, out.cpu.exit_arg),
            (0x1000, want_arg),
            "{reason:?}"
        );
    }
}

#[test]
fn scalar_v_writes_clear_the_upper_half() {
    use emu::cpu::state::v_offset;
    let mut t = Both::new();
    let mut cpu = CpuState::default();
    cpu.v[3..6].fill(u128::MAX);
    cpu.x[5] = 0x1122_3344_5566_7788;
    let mut b = Builder::new(0x1000);
    let x = b.get_reg(5);
    let zero = b.konst(0);
    // Low half from a register, then zero: one 16-byte store.
    b.store_state(v_offset(3), x);
    b.store_state(v_offset(3) + 8, zero);
    // Low half an immediate.
    let k = b.konst(0xabc);
    b.store_state(v_offset(4), k);
    let zero2 = b.konst(0);
    b.store_state(v_offset(4) + 8, zero2);
    // Upper half not zero: two stores.
    b.store_state(v_offset(5), x);
    let seven = b.konst(7);
    b.store_state(v_offset(5) + 8, seven);
    let lo = b.load_state(v_offset(3));
    let hi = b.load_state(v_offset(3) + 8);
    b.set_reg(0, lo);
    b.set_reg(1, hi);
    // A vector operation reading them (the backend merges the stores and
    // caches V registers only in blocks with one):
    // orr v6.16b, v3.16b, v4.16b as the frontend translates it.
    let orr = emu::frontend::translate_block(0x1000, &mut |a| (a == 0x1000).then_some(0x4ea41c66));
    let vbin = orr.ops.iter().find(|o| matches!(o, Op::VBin { .. }));
    b.vbin(*vbin.expect("ORR (vector) is an Op::VBin"));
    let lo6 = b.load_state(v_offset(6));
    b.set_reg(2, lo6);
    b.jump(NEXT);
    let out = t.run(&b.finish(0x1004), &cpu, &[0; BUF_LEN]);
    assert_eq!(out.cpu.v[3], 0x1122_3344_5566_7788);
    assert_eq!(out.cpu.v[4], 0xabc);
    assert_eq!(out.cpu.v[5], 7 << 64 | 0x1122_3344_5566_7788);
    assert_eq!(out.cpu.v[6], 0x1122_3344_5566_7fbc);
    assert_eq!(
        out.cpu.x[..3],
        [0x1122_3344_5566_7788, 0, 0x1122_3344_5566_7fbc]
    );
}
