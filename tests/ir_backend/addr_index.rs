//! Accesses whose address is a base plus a (shifted) index plus perhaps a
//! constant, which the backend folds into one x86 memory operand (see
//! `backend::x64::addr_fold`): the same results as the interpreter for
//! every width, shift and sign of the index, with base and index in
//! registers (pinned ones too) or spill slots, and code with neither the
//! shift nor the additions.

use super::vec_ops::interp_vs_jit;
use super::*;
use emu::backend::x64::disasm::host_disasm;
use emu::ir::{BinOp, Val, Width};

const NEXT: u64 = 0x2000;

/// A block loading and storing through `x1 + (x2 << shift) + disp` at
/// every width (signed loads too, and an 8-byte V-register load and
/// store). With `spill`, 14 other registers are read after base and
/// index and each is read 12 times before the accesses, more often for
/// its length of life than base and index, which the allocator then puts
/// in spill slots.
fn indexed_block(shift: u8, disp: u64, spill: bool) -> Block {
    let mut b = Builder::new(0x1000);
    b.insn_start(0x1000);
    let (base, index) = (b.get_reg(1), b.get_reg(2));
    if spill {
        let live: Vec<Val> = (5..19).map(|r| b.get_reg(r)).collect();
        for (i, &v) in live.iter().enumerate() {
            let mut acc = v;
            for _ in 0..12 {
                acc = b.bin(BinOp::Xor, Width::W64, acc, v);
            }
            b.set_reg(5 + i as u32, acc);
        }
    }
    let scaled = match shift {
        0 => index,
        _ => {
            let k = b.konst(u64::from(shift));
            b.bin(BinOp::Shl, Width::W64, index, k)
        }
    };
    let sum = b.add(Width::W64, base, scaled);
    let addr = b.add_imm(sum, disp);
    let mut out = 19;
    for (w, signed) in [
        (Width::W8, false),
        (Width::W8, true),
        (Width::W16, false),
        (Width::W16, true),
        (Width::W32, false),
        (Width::W32, true),
        (Width::W64, false),
    ] {
        let v = b.load(w, signed, addr);
        b.set_reg(out, v);
        out += 1;
    }
    let src = b.get_reg(3);
    b.store(Width::W32, addr, src);
    let v = b.load(Width::W64, false, addr);
    b.set_reg(out, v);
    b.load_vec(8, 4, addr);
    // An index in a pinned register (x0), unshifted.
    let x0 = b.get_reg(0);
    let far = b.add(Width::W64, base, x0);
    let u = b.load(Width::W8, false, far);
    b.set_reg(4, u);
    b.store_vec(8, 5, addr);
    b.jump(NEXT);
    b.finish(0x1004)
}

/// A JIT, a scratch buffer and its initial contents, byte `i` being
/// `i * mul ^ xor`.
pub(super) fn setup(mul: u8, xor: u8) -> (Jit, Box<Scratch>, Vec<u8>) {
    let mem = (0..BUF_LEN).map(|i| (i as u8).wrapping_mul(mul) ^ xor);
    (Jit::new(), Box::new(Scratch([0; BUF_LEN])), mem.collect())
}

#[test]
fn indexed_accesses_match_the_interpreter() {
    let (mut jit, mut buf, mem0) = setup(37, 0x5a);
    let mid = &*buf as *const Scratch as u64 + 128;
    for shift in 0..=3u8 {
        for disp in [0u64, 8, (-16i64) as u64] {
            for spill in [false, true] {
                let block = indexed_block(shift, disp, spill);
                for index in [0i64, 1, 3, -1, -4, 5] {
                    let mut cpu = CpuState::default();
                    cpu.x[1] = mid;
                    cpu.x[2] = index as u64;
                    cpu.x[0] = (index * 7) as u64;
                    cpu.x[3] = 0xdead_beef_0bad_f00d;
                    for r in 5..19 {
                        cpu.x[r] = 0x1111 * r as u64;
                    }
                    cpu.v[5] = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
                    if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu, &mem0) {
                        panic!("shift {shift} disp {disp:#x} spill {spill} index {index}: {e}");
                    }
                }
            }
        }
    }
}

/// The full tier's code for an indexed access has no shift and no add:
/// the address is one memory operand with a scaled index.
#[test]
fn indexed_addresses_become_one_memory_operand() {
    for (shift, scale) in [
        (0u8, None),
        (1, Some("*2")),
        (2, Some("*4")),
        (3, Some("*8")),
    ] {
        let block = indexed_block(shift, 8, false);
        let env = Env {
            exit: 0x7000_0000,
            tlb: None,
            tier: Tier::Full,
        };
        let code = host_disasm(&compile(&block, 0x6000_0000, &env).code, 0x6000_0000);
        let body: String = code.lines().take_while(|l| !l.contains("jmp")).collect();
        for bad in ["shl", " add ", "lea "] {
            assert!(
                !body.contains(bad),
                "shift {shift}: `{bad}` in the body\n{code}"
            );
        }
        if let Some(s) = scale {
            let scaled = code.lines().filter(|l| l.contains(s)).count();
            assert!(
                scaled >= 10,
                "shift {shift}: {scaled} `{s}` operands\n{code}"
            );
        }
    }
}

/// With the registers taken by values read more often, base and index
/// are in spill slots: the access reads them from there.
#[test]
fn spilled_bases_and_indexes_are_read_from_their_slots() {
    let block = indexed_block(2, 8, true);
    let env = Env {
        exit: 0x7000_0000,
        tlb: None,
        tier: Tier::Full,
    };
    let code = host_disasm(&compile(&block, 0x6000_0000, &env).code, 0x6000_0000);
    // x1 and x2 (at [r15+8] and [r15+10h]) each go from the state to a
    // spill slot.
    let lines: Vec<&str> = code.lines().collect();
    let spill = ["[r15+8]", "[r15+10h]"].iter().all(|state| {
        let read = lines.iter().position(|l| l.contains(state));
        read.is_some_and(|i| lines[i + 1].contains("[r15+3"))
    });
    assert!(spill, "base and index should be spilled\n{code}");
}
