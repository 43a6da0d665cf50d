//! Selects: between constants on a condition, which the fold pass turns
//! into arithmetic, and on a compare just before them, which the backend
//! emits as the compare and a `cmovcc`; on every executor.

use super::*;
use emu::backend::x64::disasm::host_disasm;
use emu::ir::{FlagsOp, Op, Val, Width};

const NEXT: u64 = 0x2000;

/// Runs `block` from `cpu` under the interpreter and as x86-64 code (both
/// tiers, and after the passes); panics on a difference and returns the
/// interpreter's outcome.
fn all_tiers(block: &Block, cpu: &CpuState) -> Outcome {
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem = [0; BUF_LEN];
    let mut jit = Jit::new();
    let want = run_interp(block, cpu, &mut *buf, &mem);
    let mut opt = block.clone();
    emu::ir::passes::optimize(&mut opt);
    for (what, b, quick) in [
        ("full", block, false),
        ("quick", block, true),
        ("optimised", &opt, false),
    ] {
        let got = match quick {
            true => run_jit_quick(&mut jit, b, cpu, &mut *buf, &mem),
            false => run_jit(&mut jit, b, cpu, &mut *buf, &mem),
        };
        compare(what, b, &want, &got).unwrap_or_else(|e| panic!("{e}"));
    }
    want
}

/// Selects between constants on a condition (CSET, CSETM, CINC of
/// constants), which the fold pass turns into an addition or subtraction
/// of the condition when the constants are one apart in their width.
#[test]
fn select_of_constants_on_a_condition() {
    let pairs: [(u64, u64); 12] = [
        (1, 0),
        (0, 1),
        (0, 0xffff_ffff),
        (0xffff_ffff, 0),
        (0, u64::MAX),
        (u64::MAX, 0),
        (5, 4),
        (4, 5),
        (0x1_0000_0000, 0xffff_ffff),
        (0xffff_ffff, 0x1_0000_0000),
        (7, 9),
        (u64::MAX, 1),
    ];
    let mut b = Builder::new(0x1000);
    let x = b.get_reg(1);
    let zero = b.konst(0);
    let nzcv = b.flags(FlagsOp::Sub, Width::W64, x, zero, None);
    let eq = b.cond(0, nzcv);
    for (i, &(p, q)) in pairs.iter().enumerate() {
        let (p, q) = (b.konst(p), b.konst(q));
        let r = b.select(eq, p, q);
        b.set_reg(2 + i as u32, r);
    }
    b.jump(NEXT);
    let block = b.finish(0x1004);
    let mut opt = block.clone();
    emu::ir::passes::optimize(&mut opt);
    let selects = opt
        .ops
        .iter()
        .filter(|o| matches!(o, Op::Select { .. }))
        .count();
    assert_eq!(
        selects, 2,
        "only (7, 9) and (MAX, 1) stay selects: {:?}",
        opt.ops
    );
    for input in [0, 1, 0x1_0000_0000] {
        let mut cpu = CpuState::default();
        cpu.x[1] = input;
        let out = all_tiers(&block, &cpu);
        for (i, &(p, q)) in pairs.iter().enumerate() {
            let want = if input == 0 { p } else { q };
            assert_eq!(out.cpu.x[2 + i], want, "x1 = {input:#x}: {p:#x} or {q:#x}");
        }
    }
}

/// A select right after the compare it reads, for every condition the
/// host flags express, each kind of compare and width, and the selected
/// value in a register, a spill slot or a constant: the same results as
/// the interpreter, and code with a `cmov` and no `setcc`.
#[test]
fn select_on_a_compare_just_before_it() {
    let edges = [
        0,
        1,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        1 << 63,
        u64::MAX,
    ];
    for op in [FlagsOp::Sub, FlagsOp::Add, FlagsOp::Logic] {
        for w in [Width::W32, Width::W64] {
            let mut b = Builder::new(0x1000);
            b.insn_start(0x1000);
            let (x, y) = (b.get_reg(1), b.get_reg(2));
            // Values live across every select, so that some are spilled.
            let live: Vec<Val> = (3..15).map(|r| b.get_reg(r)).collect();
            let k = b.konst(0x1234_5678_9abc);
            for cond in 0..14u8 {
                let dst = b.fresh();
                b.push(Op::CondCmp {
                    dst,
                    cond,
                    op,
                    w,
                    a: x,
                    b: y,
                });
                let (i, j) = (cond as usize % 12, 11 - cond as usize % 12);
                let (hit, miss) = match cond % 3 {
                    0 => (live[i], live[j]),
                    1 => (k, live[i]),
                    _ => (live[i], k),
                };
                let r = b.select(dst, hit, miss);
                b.set_reg(15 + u32::from(cond), r);
            }
            for (i, &v) in live.iter().enumerate().rev() {
                b.set_reg(3 + i as u32, v);
            }
            b.jump(NEXT);
            let block = b.finish(0x1004);
            for (&p, &q) in edges.iter().zip(edges.iter().rev()) {
                let mut cpu = CpuState::default();
                cpu.x[1] = p;
                cpu.x[2] = q;
                for r in 3..15 {
                    cpu.x[r] = 0x1111 * r as u64;
                }
                all_tiers(&block, &cpu);
            }
            let env = Env {
                exit: 0x7000_0000,
                tlb: None,
                tier: Tier::Full,
            };
            let code = host_disasm(&compile(&block, 0x6000_0000, &env).code, 0x6000_0000);
            let fused = code
                .lines()
                .filter(|l| l.contains("cmov") && l.contains(" rdx,"));
            let (fused, sets) = (fused.count(), code.matches("  set").count());
            // After an addition or a test, some conditions (HI and LS on
            // C, for one) have no single x86 condition: those compute it.
            let ok = match op {
                FlagsOp::Sub => fused == 14 && sets == 0,
                _ => fused >= 8,
            };
            assert!(ok, "{op:?} {w:?}: {fused} fused, {sets} setcc\n{code}");
        }
    }
}
