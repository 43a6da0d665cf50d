//! Guest code translated by the frontend and run block by block under the
//! interpreter, against the whole JIT (translation, passes, x86-64 code,
//! dispatcher and block linking) on the same words and initial state.

use super::*;
use emu::frontend::translate_block;
use emu::jit::testing::run_code;

/// Runs `words` from their first instruction under the interpreter until
/// execution leaves them (falls off the end) or exits; returns the exit
/// reason as `run_code` does (`Lookup` when it fell off the end).
fn run_words_interp(words: &[u32], cpu: &mut CpuState) -> ExitReason {
    let start = words.as_ptr() as u64;
    let end = start + 4 * words.len() as u64;
    let mut fetch = |a: u64| {
        (start..end)
            .contains(&a)
            .then(|| words[((a - start) / 4) as usize])
    };
    cpu.pc = start;
    for _ in 0..1_000_000 {
        let block = translate_block(cpu.pc, &mut fetch);
        match interp::run_block(&block, cpu) {
            Next::Jump(pc) if pc == end => return ExitReason::Lookup,
            // A block that runs past the last word ends in a fetch fault there.
            Next::Exit(ExitReason::FetchFault, pc, _) if pc == end => return ExitReason::Lookup,
            Next::Jump(_) => {}
            Next::Exit(reason, _, _) => return reason,
        }
    }
    panic!("guest code did not finish");
}

/// Runs `words` under both executors with the stack pointer in a fresh
/// buffer; compares registers, flags, vectors and the stack memory.
fn check_words(words: &[u32], init: &CpuState) -> CpuState {
    let mut states = Vec::new();
    for jit in [false, true] {
        let mut stack = vec![0x3cu8; 4096];
        let mut cpu = init.clone();
        cpu.x[31] = (stack.as_mut_ptr() as u64 + 2048) & !15;
        let sp = cpu.x[31];
        let r = if jit {
            run_code(words, &mut cpu)
        } else {
            run_words_interp(words, &mut cpu)
        };
        assert_eq!(r, ExitReason::Lookup, "jit {jit}: ran to the end");
        // Compare the stack pointer as an offset into its own buffer.
        cpu.x[31] = cpu.x[31].wrapping_sub(sp);
        for x in cpu.x.iter_mut() {
            if x.wrapping_sub(sp) < 4096 {
                *x = x.wrapping_sub(sp);
            }
        }
        cpu.pc = 0;
        cpu.exit_reason = 0;
        cpu.exit_arg = 0;
        states.push((cpu, stack));
    }
    let (want, got) = (&states[0], &states[1]);
    let mut d = diff_cpu(&want.0, &got.0);
    d.extend(diff_mem(&want.1, &got.1));
    assert!(
        d.is_empty(),
        "JIT differs from the interpreter:\n  {}",
        d.join("\n  ")
    );
    states.swap_remove(0).0
}

#[test]
fn jit_core_programs() {
    // movz x0, #5; add x1, x0, #3; subs x2, x1, #8
    let cpu = check_words(&[0xd28000a0, 0x91000c01, 0xf1002022], &CpuState::default());
    assert_eq!((cpu.x[1], cpu.x[2], cpu.nzcv), (8, 0, Z | C));
    // movz x0, #0; movz x1, #1000; loop: add x0, x0, #2; subs x1, x1, #1; b.ne loop
    let cpu = check_words(
        &[0xd2800000, 0xd2807d01, 0x91000800, 0xf1000421, 0x54ffffc1],
        &CpuState::default(),
    );
    assert_eq!((cpu.x[0], cpu.x[1]), (2000, 0));
}

const Z: u64 = 0x4000_0000;
const C: u64 = 0x2000_0000;

#[test]
fn mixed_loop_with_memory() {
    // Assembled with aarch64-linux-gnu-as -march=armv8.1-a.
    let words = [
        0xd2800000, // mov x0, #0
        0xd2800c81, // mov x1, #100
        0x910003e9, // mov x9, sp
        0x8b010c00, // loop: add x0, x0, x1, lsl #3
        0xca010002, // eor x2, x0, x1
        0x9b017c43, // mul x3, x2, x1
        0x9ac10864, // udiv x4, x3, x1
        0x1ac10c65, // sdiv w5, w3, w1
        0xdac01046, // clz x6, x2
        0x5ac00867, // rev w7, w3
        0x9ac12468, // lsr x8, x3, x1
        0xab03000a, // adds x10, x0, x3
        0x9a02014b, // adc x11, x10, x2
        0x9a85808c, // csel x12, x4, x5, hi
        0x6b05007f, // cmp w3, w5
        0x1a9fa7ed, // cset w13, lt
        0xf81f0d23, // str x3, [x9, #-16]!
        0x3980052e, // ldrsb x14, [x9, #1]
        0xa8c1412f, // ldp x15, x16, [x9], #16
        0xf1000421, // subs x1, x1, #1
        0x54fffde1, // b.ne loop
        0xf8210131, // ldadd x1, x17, [x9]
        0xf9400132, // ldr x18, [x9]
        0x93d23653, // ror x19, x18, #13
        0x5ac00274, // rbit w20, w19
    ];
    let mut init = CpuState::default();
    for (i, x) in init.x.iter_mut().enumerate() {
        *x = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    let cpu = check_words(&words, &init);
    // The loop ran to completion: x1 counted down, x0 = 8 * (1 + ... + 100).
    assert_eq!((cpu.x[0], cpu.x[1]), (8 * 5050, 0));
}

/// A self-loop that reads a register it never writes (x5) once, early:
/// the host location of that read is free for later values of the body,
/// so the back edge must give it the register's value again.
#[test]
fn self_loop_restores_an_unwritten_register_whose_location_was_reused() {
    let words = [
        0xd2802581, // mov x1, #300
        0x8b050063, // loop: add x3, x3, x5
        0xca040066, // eor x6, x3, x4
        0x91001cc4, // add x4, x6, #7
        0x9b067c87, // mul x7, x4, x6
        0x8b430ce8, // add x8, x7, x3, lsr #3
        0xcac32d03, // eor x3, x8, x3, ror #11
        0xf1000421, // subs x1, x1, #1
        0x54ffff21, // b.ne loop
    ];
    let mut init = CpuState::default();
    (init.x[3], init.x[4], init.x[5]) = (0x1234_5678_9abc_def0, 99, 0x0f0f_1357);
    let cpu = check_words(&words, &init);
    assert_eq!((cpu.x[1], cpu.x[5]), (0, 0x0f0f_1357));
}

/// A self-loop over more V registers than the backend's V-register cache
/// holds, with a loop-carried accumulator (MLA), a rotation of three
/// registers and a load and store: the registers the body reads first are
/// carried around the loop in cache registers, and the back edge puts each
/// back where the body expects it (moved from another cache register or
/// reloaded from the CPU state after an eviction).
#[test]
fn vector_self_loop_carries_cached_registers() {
    let words = [
        0xd2802581, // mov x1, #300
        0x910003e9, // mov x9, sp
        0x3dc0012d, // loop: ldr q13, [x9]
        0x4ea18400, // add v0.4s, v0.4s, v1.4s
        0x4ea28421, // add v1.4s, v1.4s, v2.4s
        0x4ea38442, // add v2.4s, v2.4s, v3.4s
        0x6e241c63, // eor v3.16b, v3.16b, v4.16b
        0x4ea58484, // add v4.4s, v4.4s, v5.4s
        0x6ea684a5, // sub v5.4s, v5.4s, v6.4s
        0x4ea784c6, // add v6.4s, v6.4s, v7.4s
        0x4ea81ce7, // orr v7.16b, v7.16b, v8.16b
        0x4ea98508, // add v8.4s, v8.4s, v9.4s
        0x0eaa8529, // add v9.2s, v9.2s, v10.2s
        0x4eab854a, // add v10.4s, v10.4s, v11.4s
        0x6e201d6b, // eor v11.16b, v11.16b, v0.16b
        0x6f81080c, // mla v12.4s, v0.4s, v1.s[2]
        0x4eac85ad, // add v13.4s, v13.4s, v12.4s
        0x6f3d05ae, // ushr v14.4s, v13.4s, #3
        0x3d80012e, // str q14, [x9]
        0x4ea21c4f, // mov v15.16b, v2.16b
        0x4ea11c22, // mov v2.16b, v1.16b
        0x4eaf1de1, // mov v1.16b, v15.16b
        0xf1000421, // subs x1, x1, #1
        0x54fffd61, // b.ne loop
    ];
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x71c));
    let mut init = CpuState::default();
    for v in init.v.iter_mut() {
        *v = (rng.value() as u128) << 64 | rng.value() as u128;
    }
    let cpu = check_words(&words, &init);
    assert_eq!(cpu.x[1], 0);
}

/// CCMP/CCMN whose flags a B.cond, CSET or CSEL reads in the same block:
/// the flags pass splits such a condition into one on the compare and the
/// constant's (`split_ccmp_cond`); every outcome of both compares, with
/// equal, adjacent and random operands.
#[test]
fn conditional_compares_read_in_their_block() {
    let words = [
        0xeb06009f, // cmp x4, x6
        0xfa430040, // ccmp x2, x3, #0, eq
        0x54000040, // b.eq 1f
        0x910004a5, // add x5, x5, #1
        0x9a9f07e7, // 1: cset x7, ne
        0x6b06009f, // cmp w4, w6
        0x7a433044, // ccmp w2, w3, #4, lo
        0x9a9f17e8, // cset x8, eq
        0x9a9f97e9, // cset x9, hi
        0xf240009f, // tst x4, #1
        0xba431842, // ccmn x2, #3, #2, ne
        0x54000042, // b.hs 2f
        0x910008a5, // add x5, x5, #2
        0x9a9fa7ea, // 2: cset x10, lt
        0xeb06009f, // cmp x4, x6
        0xfa43c048, // ccmp x2, x3, #8, gt
        0x9a83a04b, // csel x11, x2, x3, ge
    ];
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xcc3));
    let pick = |rng: &mut Rng| -> u64 {
        let base = [
            0,
            1,
            2,
            3,
            u64::MAX,
            u64::MAX - 2,
            1 << 63,
            0x7fff_ffff,
            0x8000_0000,
        ];
        if rng.chance(3) {
            rng.value()
        } else {
            rng.pick(&base)
        }
    };
    let mut seen = [0u32; 2];
    for _ in 0..400 {
        let mut init = CpuState::default();
        for r in [2, 3, 4, 6] {
            init.x[r] = pick(&mut rng);
        }
        if rng.chance(2) {
            init.x[3] = init.x[2];
        }
        if rng.chance(2) {
            init.x[6] = init.x[4];
        }
        let cpu = check_words(&words, &init);
        seen[(cpu.x[5] & 1) as usize] += 1;
    }
    // Both ways of the first branch were taken.
    assert!(seen[0] > 20 && seen[1] > 20, "{seen:?}");
}

/// The address at the start of a disassembly line and the target of a
/// jump on it, if it is one (`jmp` or a conditional jump).
fn jump_of(line: &str) -> (u64, Option<(bool, u64)>) {
    let (at, insn) = line.split_once(':').unwrap();
    let at = u64::from_str_radix(at.trim_start_matches("0x"), 16).unwrap();
    let insn = insn.trim().trim_start_matches("hint-not-taken ");
    let jump = insn.starts_with('j').then(|| {
        let target = insn
            .split_whitespace()
            .last()
            .unwrap()
            .trim_end_matches('h');
        (
            insn.starts_with("jmp"),
            u64::from_str_radix(target, 16).unwrap_or(0),
        )
    });
    (at, jump.filter(|j| j.1 != 0))
}

/// A self-loop closed by a conditional branch falls through to its back
/// edge: the first unconditional jump of the block's code is the back
/// edge's, backwards to the body (the loop's exit is a conditional jump
/// past it), so a pass takes one branch.
#[test]
fn self_loop_passes_fall_through_to_the_back_edge() {
    // loop: add x3, x3, x1; subs x1, x1, #1; b.ne loop
    let words = [0x8b01_0063u32, 0xf100_0421, 0x54ff_ffc1];
    let block = translate_block(0x1000, &mut |a| {
        words.get((a.wrapping_sub(0x1000) / 4) as usize).copied()
    });
    let env = Env {
        exit: 0x7000_0000,
        tlb: None,
        tier: Tier::Full,
    };
    let code = emu::backend::x64::disasm::host_disasm(
        &compile(&block, 0x6000_0000, &env).code,
        0x6000_0000,
    );
    let jumps: Vec<(u64, bool, u64)> = code
        .lines()
        .filter_map(|l| match jump_of(l) {
            (at, Some((jmp, to))) => Some((at, jmp, to)),
            _ => None,
        })
        .collect();
    match jumps.iter().find(|j| j.1) {
        Some(&(at, _, to)) => assert!(to < at, "{code}"),
        None => panic!("no back edge\n{code}"),
    }
}
