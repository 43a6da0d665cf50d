//! Load/store-exclusive loops (`LDXR; ADD; STXR; CBNZ`, as C11 atomics
//! compile for ARMv8.0) from the frontend: the same state and memory as
//! the interpreter at every size, with the monitor armed or not; word and
//! doubleword loops made one `lock xadd`; and code whose store-exclusive
//! reads its operands from their own registers and has no fault check
//! after it (user mode: a fault of the access is a host fault, which
//! leaves the block at once).

use super::vec_ops::{block_of, interp_vs_jit};
use super::*;
use emu::backend::x64::disasm::host_disasm;

/// `LDXR{B,H,} t3, [x2]; ADD x3, x3, x0; STXR{B,H,} w4, t3, [x2]; CBNZ
/// w4, .-12` for size `z` (0 to 3).
fn loop_words(z: u32) -> [u32; 4] {
    let size = z << 30;
    [
        0x085f_7c43 | size,
        0x8b00_0063,
        0x0804_7c43 | size,
        0x35ff_ffa4,
    ]
}

#[test]
fn exclusive_loops_match_the_interpreter() {
    let (mut jit, mut buf, mem0) = super::addr_index::setup(29, 0xa5);
    for z in 0..4 {
        let words = loop_words(z);
        // The whole loop, and the store-exclusive alone (no monitor).
        for block in [block_of(&words), block_of(&words[2..])] {
            for x0 in [1u64, 0xffff_ffff, u64::MAX] {
                let mut cpu = CpuState::default();
                cpu.x[2] = &*buf as *const Scratch as u64 + 64;
                cpu.x[0] = x0;
                cpu.x[3] = 0x1234_5678_9abc_def0;
                cpu.x[4] = 7;
                if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu, &mem0) {
                    panic!("size {z} x0 {x0:#x}: {e}");
                }
            }
        }
    }
}

/// Host code of `words` translated at the full tier, user mode.
fn full_tier_code(words: &[u32]) -> String {
    let block = block_of(words);
    let env = Env {
        exit: 0x7000_0000,
        tlb: None,
        tier: Tier::Full,
    };
    host_disasm(&compile(&block, 0x6000_0000, &env).code, 0x6000_0000)
}

#[test]
fn word_and_doubleword_loops_are_one_locked_add() {
    for z in 2..4 {
        let mut words = loop_words(z);
        // add w3, w3, w0 for the word loop (an X add is not its operation).
        if z == 2 {
            words[1] = 0x0b00_0063;
        }
        let code = full_tier_code(&words);
        assert!(code.contains("lock xadd"), "size {z}: no xadd\n{code}");
        assert!(!code.contains("cmpxchg"), "size {z}: a cmpxchg\n{code}");
    }
    // Byte and halfword loops keep their store-exclusive.
    for z in 0..2 {
        let code = full_tier_code(&loop_words(z));
        assert!(code.contains("cmpxchg"), "size {z}: no cmpxchg\n{code}");
    }
}

#[test]
fn full_barriers_are_a_locked_instruction_not_mfence() {
    // dmb ish; stlr x5, [x6]
    for word in [0xd503_3bbf, 0xc89f_fcc5] {
        let code = full_tier_code(&[word]);
        assert!(
            code.contains("lock or dword ptr [rsp],0"),
            "{word:#x}\n{code}"
        );
        assert!(!code.contains("mfence"), "{word:#x}\n{code}");
    }
}

#[test]
fn store_exclusive_code_has_no_fault_check_and_no_copies() {
    let fault = std::mem::offset_of!(CpuState, fault);
    let check = format!("[r15+{fault:X}h],0");
    for z in 0..4 {
        // Without the CBNZ: not a loop the frontend makes one atomic add.
        let block = block_of(&loop_words(z)[..3]);
        let env = Env {
            exit: 0x7000_0000,
            tlb: None,
            tier: Tier::Full,
        };
        let code = host_disasm(&compile(&block, 0x6000_0000, &env).code, 0x6000_0000);
        assert!(!code.contains(&check), "size {z}: a fault check\n{code}");
        let cmpxchg = code.lines().find(|l| l.contains("cmpxchg"));
        let cmpxchg = cmpxchg.unwrap_or_else(|| panic!("size {z}: no cmpxchg\n{code}"));
        // x2 and the sum live in the pool: no copies to rdx and rcx.
        let src = cmpxchg.rsplit(',').next().unwrap_or("").trim();
        assert!(
            !cmpxchg.contains("[rdx]") && !["rcx", "ecx", "cx", "cl"].contains(&src),
            "size {z}: {cmpxchg}\n{code}"
        );
    }
}
