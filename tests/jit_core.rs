//! End-to-end checks of the translation pipeline (decoder → IR → x86-64 →
//! dispatcher) on small instruction sequences.

use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code;

#[test]
fn straight_line_and_flags() {
    let mut cpu = CpuState::default();
    // movz x0, #5; add x1, x0, #3; subs x2, x1, #8
    let r = run_code(&[0xd28000a0, 0x91000c01, 0xf1002022], &mut cpu);
    assert_eq!(r, ExitReason::Lookup);
    assert_eq!(cpu.x[0], 5);
    assert_eq!(cpu.x[1], 8);
    assert_eq!(cpu.x[2], 0);
    // Z and C set (8 - 8: no borrow).
    assert_eq!(cpu.nzcv, 0x6000_0000);
}

#[test]
fn conditional_branch_taken_and_not() {
    // subs x2, x1, #8; b.eq +8; movz x3, #1; movz x4, #2
    let code = [0xf1002022, 0x54000040, 0xd2800023, 0xd2800044];
    let mut cpu = CpuState::default();
    cpu.x[1] = 8;
    assert_eq!(run_code(&code, &mut cpu), ExitReason::Lookup);
    assert_eq!((cpu.x[3], cpu.x[4]), (0, 2));
    let mut cpu = CpuState::default();
    cpu.x[1] = 9;
    assert_eq!(run_code(&code, &mut cpu), ExitReason::Lookup);
    assert_eq!((cpu.x[3], cpu.x[4]), (1, 2));
}

#[test]
fn loop_with_linking() {
    // movz x0, #0; movz x1, #1000; loop: add x0, x0, #2; subs x1, x1, #1; b.ne loop
    let code = [0xd2800000, 0xd2807d01, 0x91000800, 0xf1000421, 0x54ffffc1];
    let mut cpu = CpuState::default();
    assert_eq!(run_code(&code, &mut cpu), ExitReason::Lookup);
    assert_eq!(cpu.x[0], 2000);
    assert_eq!(cpu.x[1], 0);
}

#[test]
fn svc_and_undefined_exit() {
    // movz x8, #93; svc #0
    let mut cpu = CpuState::default();
    assert_eq!(
        run_code(&[0xd2800ba8, 0xd4000001], &mut cpu),
        ExitReason::Svc
    );
    assert_eq!(cpu.x[8], 93);
    // udf #0 is undefined: the exit names the word and its pc.
    let mut cpu = CpuState::default();
    assert_eq!(run_code(&[0x0000_0000], &mut cpu), ExitReason::Udf);
    assert_eq!(cpu.exit_arg, 0);
}

#[test]
fn full_code_cache_is_flushed_and_refilled() {
    use emu::jit::code_cache::CodeCache;
    use emu::jit::testing::run_code_in;
    use emu::jit::Jit;
    // movz x0, #0; movz x1, #200; loop: 100 x (add x0, x0, #1; b .+4);
    // subs x1, x1, #1; b.ne loop
    let mut code = vec![0xd280_0000, 0xd280_1901];
    for _ in 0..100 {
        code.extend([0x9100_0400, 0x1400_0001]);
    }
    code.push(0xf100_0421);
    let back = -(201i32) as u32 & 0x7ffff;
    code.push(0x5400_0001 | (back << 5));
    // 100 distinct blocks of ~100 bytes each do not fit in 8 KiB.
    let mut jit = Jit::with_cache(CodeCache::with_size(8 << 10).unwrap()).unwrap();
    let mut cpu = CpuState::default();
    assert_eq!(run_code_in(&mut jit, &code, &mut cpu), ExitReason::Lookup);
    assert_eq!(cpu.x[0], 200 * 100);
    assert!(jit.flushes() > 10, "flushes: {}", jit.flushes());
}

#[test]
fn self_loop_carries_registers_through_a_rotation() {
    // loop: mov x3, x1; mov x1, x2; mov x2, x3; add x4, x4, x1;
    //       subs x0, x0, #1; b.ne loop
    let code = [
        0xaa01_03e3, // mov x3, x1
        0xaa02_03e1, // mov x1, x2
        0xaa03_03e2, // mov x2, x3
        0x8b01_0084, // add x4, x4, x1
        0xf100_0400, // subs x0, x0, #1
        0x54ff_ff61, // b.ne loop (-5 instructions)
    ];
    let mut cpu = CpuState::default();
    cpu.x[0] = 7;
    cpu.x[1] = 10;
    cpu.x[2] = 20;
    assert_eq!(run_code(&code, &mut cpu), ExitReason::Lookup);
    // Model: the pair (x1, x2) swaps each iteration; x4 adds the new x1.
    let (mut x1, mut x2, mut x4) = (10u64, 20u64, 0u64);
    for _ in 0..7 {
        std::mem::swap(&mut x1, &mut x2);
        x4 += x1;
    }
    assert_eq!((cpu.x[1], cpu.x[2], cpu.x[4], cpu.x[0]), (x1, x2, x4, 0));
    assert_eq!(cpu.x[3], x2);
}

#[test]
fn changing_a_successor_drops_blocks_that_relied_on_its_first_instructions() {
    use emu::jit::Jit;
    // A: cmp x0, x5; b.ne L. Both successors first overwrite NZCV (cmp x1,
    // x2), so A does not store its own NZCV. The first run falls through;
    // L is only looked at, never translated. When L becomes `cset x3, ne`,
    // A must be translated again and store NZCV for L to read.
    let code = [
        0xeb05001f, // cmp x0, x5
        0x54000061, // b.ne L
        0xeb02003f, // cmp x1, x2
        0xd4200020, // brk #1
        0xeb02003f, // L: cmp x1, x2
        0xd4200040, // brk #2
    ];
    // SAFETY: a fresh private anonymous mapping, unmapped at the end.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED);
    let words = p as *mut u32;
    // SAFETY: the mapping holds 1024 words.
    unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), words, code.len()) };
    let start = p as u64;
    let mut jit = Jit::new().unwrap();
    // Emptying the cache interrupts every thread once.
    let run = |jit: &mut Jit, cpu: &mut CpuState| loop {
        match jit.run(cpu) {
            ExitReason::Interrupt => continue,
            r => break r,
        }
    };
    let mut cpu = CpuState {
        pc: start,
        ..CpuState::default()
    };
    assert_eq!(run(&mut jit, &mut cpu), ExitReason::Brk);
    assert_eq!(cpu.exit_arg, 1);
    // SAFETY: as above.
    unsafe { words.add(4).write(0x9a9f07e3) }; // L: cset x3, ne
    jit.invalidate(start + 16, start + 20);
    cpu.pc = start;
    cpu.x[5] = 1;
    cpu.nzcv = 0x4000_0000; // Z: what A would leave if it stored nothing
    assert_eq!(run(&mut jit, &mut cpu), ExitReason::Brk);
    assert_eq!(cpu.exit_arg, 2);
    assert_eq!(cpu.x[3], 1, "L sees the NE that A's compare set");
    // SAFETY: unmapping the mapping made above.
    unsafe { libc::munmap(p, 4096) };
}

#[test]
fn hot_loop_is_promoted_to_the_full_tier() {
    use emu::jit::testing::run_code_in;
    use emu::jit::tier::PROMOTE_AFTER;
    use emu::jit::Jit;
    // movz x0, #0; movz x1, #n; loop: add x0, x0, #2; subs x1, x1, #1;
    // b.ne loop. The loop block is entered n times: below the count it
    // stays at the quick tier, above it is translated once more.
    let below = (PROMOTE_AFTER - 2) as u32;
    for (n, promoted) in [(below, 0), (1000, 1)] {
        let code = [
            0xd2800000,
            0xd2800001 | n << 5,
            0x91000800,
            0xf1000421,
            0x54ffffc1,
        ];
        let mut jit = Jit::new().unwrap();
        let mut cpu = CpuState::default();
        assert_eq!(run_code_in(&mut jit, &code, &mut cpu), ExitReason::Lookup);
        assert_eq!((cpu.x[0], cpu.x[1]), (2 * u64::from(n), 0));
        assert_eq!(jit.stats().blocks_promoted, promoted, "n = {n}");
    }
}

#[test]
fn calls_alternating_between_targets_in_one_table_slot_stay_in_translated_code() {
    use emu::cpu::jump_table::JUMP_TABLE_ENTRIES;
    use emu::jit::testing::run_code_in;
    use emu::jit::Jit;
    // Two functions JUMP_TABLE_ENTRIES words (256 KiB) apart share a slot
    // of the indirect-branch table. A loop calls them in turn through
    // registers: both stay in the table (its two ways), so the calls do
    // not go back to the dispatcher; with one way each would.
    const N: u32 = 1000;
    let a = 16;
    let b = a + JUMP_TABLE_ENTRIES;
    let mut code = vec![0xd503_201f; b + 2]; // nop
    let adr = |rd: u32, from: usize, to: usize| {
        let off = ((to - from) * 4) as u32;
        0x1000_0000 | (off & 3) << 29 | (off >> 2) << 5 | rd
    };
    code[..8].copy_from_slice(&[
        0xd280_0001 | N << 5,                          // movz x1, #N
        adr(2, 1, a),                                  // adr x2, A
        adr(3, 2, b),                                  // adr x3, B
        0xd63f_0040,                                   // loop: blr x2
        0xd63f_0060,                                   // blr x3
        0xf100_0421,                                   // subs x1, x1, #1
        0x5400_0001 | ((-3i32 as u32) & 0x7ffff) << 5, // b.ne loop
        0x1400_0000 | (b + 2 - 7) as u32,              // b past the end
    ]);
    code[a..a + 2].copy_from_slice(&[0x9100_0400, 0xd65f_03c0]); // A: add x0, x0, #1; ret
    code[b..b + 2].copy_from_slice(&[0x9100_0800, 0xd65f_03c0]); // B: add x0, x0, #2; ret
    let mut jit = Jit::new().unwrap();
    let mut cpu = CpuState::default();
    assert_eq!(run_code_in(&mut jit, &code, &mut cpu), ExitReason::Lookup);
    assert_eq!(cpu.x[0], 3 * u64::from(N));
    let dispatches = jit.stats().dispatches;
    assert!(
        dispatches < 50,
        "{dispatches} dispatches for {N} iterations"
    );
}

#[test]
fn branch_to_0_through_a_fresh_table_faults_at_0() {
    // movz x2, #0; br x2. A fresh indirect-branch table leaves its second
    // way's slot 0 (where pc 0 belongs) all zeros: the probe must not read
    // it behind the first way's empty entry, or pc 0 would match it and
    // jump to host address 0.
    let mut cpu = CpuState::default();
    let r = run_code(&[0xd280_0002, 0xd61f_0040], &mut cpu);
    assert_ne!(r, ExitReason::Lookup);
    assert_eq!(cpu.pc, 0, "{r:?}");
}
