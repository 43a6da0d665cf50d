//! Operations that may leave the block: the alignment check, the check for
//! a fault a helper recorded and the interrupt poll, on both executors; and
//! the promotion exit of a quick-tier block.

use super::*;
use emu::cpu::state::{ALIGN_DATA, ALIGN_WRITE};
use emu::ir::{FlagsOp, Op, PollNzcv, Val, Width};
use std::sync::atomic::AtomicU32;

/// Runs `block` on both executors from `cpu0` and checks they agree.
fn both(block: &Block, cpu0: &CpuState) -> CpuState {
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let want = run_interp(block, cpu0, &mut *buf, &[0; BUF_LEN]);
    let got = run_jit(&mut Jit::new(), block, cpu0, &mut *buf, &[0; BUF_LEN]);
    compare("x86-64 code", block, &want, &got).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(want.cpu.fault, got.cpu.fault, "fault");
    want.cpu
}

#[test]
fn misaligned_access_leaves_before_its_store() {
    for (addr, bytes, write) in [
        (0x1003u64, 4u32, true),
        (0x1008, 16, false),
        (0x1001, 2, false),
    ] {
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000);
        let a = b.get_reg(1);
        b.check_align(a, bytes, write, 0x1000);
        let one = b.konst(1);
        b.set_reg(2, one);
        b.jump(0x2000);
        let block = b.finish(0x1004);
        let mut cpu = CpuState::default();
        cpu.x[1] = addr;
        let out = both(&block, &cpu);
        assert_eq!(out.exit_reason, ExitReason::Alignment as u32);
        assert_eq!((out.pc, out.exit_arg, out.x[2]), (0x1000, addr, 0));
        let kind = ALIGN_DATA | if write { ALIGN_WRITE } else { 0 };
        assert_eq!(out.fault, kind);
        // Aligned: no exit.
        cpu.x[1] = addr & !(u64::from(bytes) - 1);
        let out = both(&block, &cpu);
        assert_eq!((out.pc, out.x[2]), (0x2000, 1));
    }
}

#[test]
fn recorded_fault_leaves_at_its_instruction() {
    let mut b = Builder::new(0x1000);
    b.insn_start(0x1000);
    b.check_fault(0x1000);
    let one = b.konst(1);
    b.set_reg(2, one);
    b.jump(0x2000);
    let block = b.finish(0x1004);
    let mut cpu = CpuState::default();
    let out = both(&block, &cpu);
    assert_eq!((out.pc, out.x[2]), (0x2000, 1));
    cpu.fault = 0x20b;
    cpu.exit_arg = 0xdead;
    let out = both(&block, &cpu);
    assert_eq!(out.exit_reason, ExitReason::Fault as u32);
    assert_eq!((out.pc, out.exit_arg, out.x[2]), (0x1000, 0xdead, 0));
}

/// A result computed before an exit and written to a pinned guest register
/// (SP, x30, x0) after it, by the next op or a later one, and a load
/// written straight to one: an exit leaves the register as it was, the
/// fall-through has the new value (the backend computes a result written
/// by the very next op in the pinned register itself).
#[test]
fn pinned_register_writes_stay_after_earlier_exits() {
    for reg in [0u32, 30, 31] {
        for adjacent in [false, true] {
            let mut b = Builder::new(0x1000);
            b.insn_start(0x1000);
            let a = b.get_reg(1);
            if adjacent {
                b.check_align(a, 4, false, 0x1000);
            }
            let five = b.konst(5);
            let v = b.add(Width::W64, a, five);
            if !adjacent {
                b.check_align(a, 4, false, 0x1000);
            }
            b.set_reg(reg, v);
            b.insn_start(0x1004);
            let x = b.load(Width::W64, false, v);
            b.set_reg(reg, x);
            // The first result, read after its register changed again.
            b.set_reg(2, v);
            b.jump(0x2000);
            let block = b.finish(0x1008);
            let mut buf = Box::new(Scratch([0; BUF_LEN]));
            let mut mem0 = [0u8; BUF_LEN];
            mem0[13..21].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
            let base = buf.0.as_mut_ptr() as u64;
            let mut cpu = CpuState::default();
            cpu.x[reg as usize] = 0x77;
            for (x1, exits) in [(base + 9, true), (base + 8, false)] {
                cpu.x[1] = x1;
                let want = run_interp(&block, &cpu, &mut *buf, &mem0);
                let got = run_jit(&mut Jit::new(), &block, &cpu, &mut *buf, &mem0);
                compare("x86-64 code", &block, &want, &got).unwrap_or_else(|e| panic!("{e}"));
                let out = want.cpu;
                match exits {
                    true => assert_eq!(
                        (out.exit_reason, out.x[reg as usize]),
                        (ExitReason::Alignment as u32, 0x77),
                        "x{reg} at the exit"
                    ),
                    false => assert_eq!(
                        (out.x[reg as usize], out.x[2]),
                        (0x1122_3344_5566_7788, x1 + 5),
                        "x{reg}, x2"
                    ),
                }
            }
        }
    }
}

/// `(poll) ; subs x0, x0, #1` at 0x1000: the result and its flags.
fn subs_x0_one(b: &mut Builder) -> (Val, Val) {
    b.poll(0x1000);
    b.insn_start(0x1000);
    let x = b.get_reg(0);
    let one = b.konst(1);
    let r = b.sub(Width::W64, x, one);
    let f = b.flags(FlagsOp::Sub, Width::W64, x, one, None);
    b.set_reg(0, r);
    b.set_nzcv(f);
    (r, f)
}

/// `subs x0, x0, #1 ; (poll) ; b.ne 0x3000`: a block that kills NZCV and
/// whose NZCV write the flags pass drops (its successors kill it too).
fn killing_block() -> Block {
    let mut b = Builder::new(0x1000);
    let (_, f) = subs_x0_one(&mut b);
    b.insn_start(0x1004);
    let c = b.cond(1, f);
    b.branch(c, 0x3000, 0x1008);
    let mut block = b.finish(0x1008);
    block.nzcv_dead_at_end = true;
    emu::ir::passes::optimize(&mut block);
    block
}

#[test]
fn poll_after_a_dropped_flag_write_recomputes_nzcv() {
    let block = killing_block();
    let poll = block.ops.iter().find_map(|o| match *o {
        Op::Poll { pc, nzcv } => Some((pc, nzcv)),
        _ => None,
    });
    assert!(
        matches!(poll, Some((0x1004, PollNzcv::Flags { .. }))),
        "the poll moves past the compare: {poll:?}"
    );
    let set = AtomicU32::new(1);
    let mut cpu = CpuState::default();
    cpu.x[0] = 1;
    cpu.nzcv = 0x1000_0000; // stale: V
    cpu.interrupt = &set as *const AtomicU32 as u64;
    let out = both(&block, &cpu);
    assert_eq!(out.exit_reason, ExitReason::Interrupt as u32);
    assert_eq!((out.pc, out.x[0]), (0x1004, 0));
    assert_eq!(out.nzcv, 0x6000_0000, "Z and C of 1 - 1");
    // Not interrupted: runs through, NZCV never stored.
    cpu.interrupt = CpuState::default().interrupt;
    let out = both(&block, &cpu);
    assert_eq!((out.pc, out.nzcv), (0x1008, 0x1000_0000));
}

/// A quick-tier block whose entry count runs out (reaches zero, or was at
/// or below it) leaves at its start with `Promote` before any of its
/// instructions ran: registers, NZCV and memory are as it found them.
#[test]
fn quick_block_leaves_untouched_when_its_count_runs_out() {
    let mut buf = Box::new(Scratch([0x5a; BUF_LEN]));
    // Translated code writes the buffer through its address: read it back
    // through the same raw pointer (see `run_interp`).
    let p: *mut Scratch = &mut *buf;
    // SAFETY: `p` points to the live Scratch `buf` owns.
    let mem = || unsafe { (*p).0.to_vec() };
    // SAFETY: as above.
    let base = unsafe { (*p).0.as_ptr() } as u64;
    let mut b = Builder::new(0x1000);
    let (r, f) = subs_x0_one(&mut b);
    b.insn_start(0x1004);
    let a = b.get_reg(1);
    b.store(Width::W64, a, r);
    b.insn_start(0x1008);
    let c = b.cond(1, f);
    b.branch(c, 0x3000, 0x100c);
    let block = b.finish(0x100c);
    let mut cpu0 = CpuState::default();
    cpu0.x[0] = 7;
    cpu0.x[1] = base;
    cpu0.x[30] = 0x4444;
    cpu0.x[31] = 0x8888;
    cpu0.nzcv = 0x1000_0000;
    cpu0.pc = 0x1000;
    let mut jit = Jit::new();
    for count in [1, 0, -5] {
        let mut cpu = cpu0.clone();
        let left = jit.run_quick(&block, &mut cpu, count);
        assert_eq!(left, count - 1);
        assert_eq!(cpu.exit_reason, ExitReason::Promote as u32, "count {count}");
        let mut want = cpu0.clone();
        want.exit_reason = ExitReason::Promote as u32;
        assert_eq!(diff_cpu(&want, &cpu), Vec::<String>::new(), "count {count}");
        assert!(mem().iter().all(|&m| m == 0x5a), "memory untouched");
    }
    // With entries left it runs: x0 = 6 stored at [x1], NE taken.
    let mut cpu = cpu0.clone();
    assert_eq!(jit.run_quick(&block, &mut cpu, 2), 1);
    assert_eq!((cpu.pc, cpu.x[0]), (0x3000, 6));
    assert_eq!(u64::from_le_bytes(mem()[..8].try_into().unwrap()), 6);
    drop(buf);
}

/// The patchable jumps of a block's exits (the quick tier's entry jump,
/// a direct jump, a fused conditional branch and a branch on a value)
/// have their rel32 4-byte aligned, for atomic linking, and are padded
/// with prefixes, not NOPs: no NOP runs on the way to them.
#[test]
fn patchable_jumps_are_aligned_without_nops() {
    use emu::backend::x64::disasm::host_disasm;
    use iced_x86::{Decoder, DecoderOptions, Mnemonic, OpKind, Register};
    let one_insn = |f: &dyn Fn(&mut Builder)| {
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000);
        f(&mut b);
        b.finish(0x1004)
    };
    let fused = one_insn(&|b| {
        let (x, y) = (b.get_reg(1), b.get_reg(2));
        let dst = b.fresh();
        let (op, w) = (FlagsOp::Sub, Width::W64);
        b.push(Op::CondCmp {
            dst,
            cond: 1,
            op,
            w,
            a: x,
            b: y,
        });
        b.branch(dst, 0x3000, 0x1004);
    });
    let plain = one_insn(&|b| {
        let x = b.get_reg(1);
        let y = b.add_imm(x, 1);
        b.set_reg(1, y);
        let c = b.get_reg(3);
        b.branch(c, 0x3000, 0x1004);
    });
    let jump = one_insn(&|b| {
        let x = b.konst(7);
        b.set_reg(1, x);
        b.jump(0x2000);
    });
    let counter = Box::new(0i32);
    let base = 0x7000_0000u64;
    for (block, exits) in [(&fused, 2), (&plain, 2), (&jump, 1)] {
        for tier in [
            Tier::Full,
            Tier::Quick {
                counter: &*counter as *const i32 as u64,
            },
        ] {
            let env = Env {
                exit: base + 0x10_0000,
                tlb: None,
                tier,
            };
            let c = compile(block, base, &env);
            let d = Decoder::with_ip(64, &c.code, base, DecoderOptions::NONE);
            let insns: Vec<_> = d.into_iter().collect();
            // Link sites: the end of a jump's rel32, which the jump's lookup
            // stub passes to the dispatcher (`lea rcx, [site]`).
            let mut sites: Vec<u64> = (insns.iter())
                .filter(|i| i.mnemonic() == Mnemonic::Lea && i.op0_register() == Register::RCX)
                .map(|i| i.ip_rel_memory_address())
                .collect();
            sites.extend(c.promote_site.map(|s| base + u64::from(s)));
            for insn in &insns {
                assert_ne!(
                    insn.mnemonic(),
                    Mnemonic::Nop,
                    "{tier:?} at {:#x}",
                    insn.ip()
                );
            }
            for &site in &sites {
                assert_eq!(site % 4, 0, "{tier:?}: site {site:#x}");
                let jump = insns.iter().find(|i| i.next_ip() == site);
                let jump = jump.unwrap_or_else(|| panic!("{tier:?}: no jump ends at {site:#x}"));
                assert_eq!(jump.op0_kind(), OpKind::NearBranch64, "{tier:?}: {jump}");
                assert!(jump.len() >= 5, "{tier:?}: {jump} has no rel32");
            }
            let want = exits + matches!(tier, Tier::Quick { .. }) as usize;
            assert_eq!(
                sites.len(),
                want,
                "{tier:?}\n{}",
                host_disasm(&c.code, base)
            );
        }
    }
}

/// Returns (RET x30: the target stays in x30's pinned register) and calls
/// through a register (BLR x1) that miss the return stack and the
/// indirect-branch table leave for the dispatcher with their target: a
/// return to the return stack's sentinel address too, which matches the
/// sentinel entry and leaves through it.
#[test]
fn indirect_branches_leave_with_their_target() {
    use emu::ir::Flow;
    for target in [1, 0x4000, 0xffff_ffff_ffff_fffc] {
        for (reg, flow) in [(30, Flow::Return), (1, Flow::Call { ret: 0x1004 })] {
            let mut b = Builder::new(0x1000);
            b.insn_start(0x1000);
            let t = b.get_reg(reg);
            b.indirect(t);
            b.set_flow(flow);
            let block = b.finish(0x1004);
            let mut cpu = CpuState::default();
            cpu.x[reg as usize] = target;
            let out = both(&block, &cpu);
            assert_eq!(out.exit_reason, ExitReason::Lookup as u32, "{flow:?}");
            assert_eq!(out.pc, target, "{flow:?}");
        }
    }
}
