//! Directed tests of [`Op::Vec`](emu::ir::Op::Vec): every shift by
//! immediate, widening, narrowing, long multiply, DUP (element) and EXT
//! form the frontend emits it for (and CMEQ/CMGT, which are `VBin`s), at every element size and every shift amount (0, 1,
//! size - 1, size and all between), 64- and 128-bit, run under the
//! interpreter (the exact helper) and as x86-64 code before and after the
//! passes.

use super::*;
use emu::frontend::translate_block;
use emu::ir::Op;

/// Vector (or scalar) shift by immediate: `sh` is the amount, `left` selects
/// the SHL-style immh:immb = esize + sh encoding (else 2 * esize - sh).
fn shift_imm(
    (q, u): (bool, bool),
    opcode: u32,
    size: u32,
    sh: u32,
    left: bool,
    d: u32,
    n: u32,
) -> u32 {
    let es = 8 << size;
    let immhb = if left { es + sh } else { 2 * es - sh };
    (q as u32) << 30
        | (u as u32) << 29
        | 0b011110 << 23
        | immhb << 16
        | opcode << 11
        | 1 << 10
        | n << 5
        | d
}

/// Two-register misc: Q, U, size, opcode; Vd = 1, Vn = 2 (scalar with
/// `scalar`). XTN is u = 0, 10010; SHLL u = 1, 10011.
pub(super) fn misc(q: bool, u: bool, size: u32, opcode: u32, scalar: bool) -> u32 {
    (q as u32) << 30
        | (u as u32) << 29
        | (scalar as u32) << 28
        | 0b01110 << 24
        | size << 22
        | 0b10000 << 17
        | opcode << 12
        | 0b10 << 10
        | 2 << 5
        | 1
}

/// Every word the directed test runs, with a label for failures.
fn words() -> Vec<(String, u32)> {
    let mut w = Vec::new();
    // (name, U, opcode, shifts left, sizes, narrow/long)
    let same: [(&str, bool, u32, bool); 9] = [
        ("sshr", false, 0b00000, false),
        ("ushr", true, 0b00000, false),
        ("ssra", false, 0b00010, false),
        ("usra", true, 0b00010, false),
        ("sri", true, 0b01000, false),
        ("shl", false, 0b01010, true),
        ("sli", true, 0b01010, true),
        ("shrn", false, 0b10000, false),
        ("rshrn", false, 0b10001, false),
    ];
    let long = [("sshll", false, 0b10100), ("ushll", true, 0b10100)];
    for size in 0..4u32 {
        let es = 8 << size;
        for q in [false, true] {
            for &(name, u, opc, left) in &same {
                let narrow = opc >> 4 == 1;
                if size == 3 && (narrow || !q) {
                    continue;
                }
                let amounts: Vec<u32> = if left {
                    (0..es).collect()
                } else {
                    (1..=es).collect()
                };
                for sh in amounts {
                    for (d, n) in [(1, 2), (1, 1)] {
                        let word = shift_imm((q, u), opc, size, sh, left, d, n);
                        w.push((format!("{name} q={q} es={es} #{sh} d{d} n{n}"), word));
                        if size == 3 && q && !narrow && (d, n) == (1, 2) {
                            // The scalar D form.
                            let s = word | 1 << 28;
                            w.push((format!("{name} d1, d2, #{sh}"), s));
                        }
                    }
                }
            }
            if size < 3 {
                for (name, u, opc) in long {
                    for sh in 0..es {
                        w.push((
                            format!("{name} q={q} es={es} #{sh}"),
                            shift_imm((q, u), opc, size, sh, true, 1, 2),
                        ));
                    }
                }
                w.push((
                    format!("xtn q={q} es={es}"),
                    misc(q, false, size, 0b10010, false),
                ));
                w.push((
                    format!("shll q={q} es={es}"),
                    misc(q, true, size, 0b10011, false),
                ));
            }
            // DUP (element), vector and scalar, every index.
            for idx in 0..16 / (es / 8) {
                let imm5 = (idx << (size + 1) | 1 << size) & 31;
                if size < 3 || q {
                    let word =
                        (q as u32) << 30 | 0b01110000 << 21 | imm5 << 16 | 1 << 10 | 2 << 5 | 1;
                    w.push((format!("dup q={q} es={es} [{idx}]"), word));
                }
                if !q {
                    let word = 0b01011110000 << 21 | imm5 << 16 | 1 << 10 | 2 << 5 | 1;
                    w.push((format!("dup scalar es={es} [{idx}]"), word));
                }
            }
        }
    }
    // Long multiplies (three different) and CMEQ/CMGT (three same, VBin).
    for size in 0..4u32 {
        for q in [false, true] {
            for u in [false, true] {
                let base = (q as u32) << 30 | (u as u32) << 29 | 0b01110 << 24 | size << 22;
                for (d, n, m) in [(1, 2, 3), (2, 2, 2), (3, 2, 3)] {
                    let regs = 1 << 21 | m << 16 | n << 5 | d;
                    if size < 3 {
                        for (name, opc) in [("mlal", 0b1000), ("mlsl", 0b1010), ("mull", 0b1100)] {
                            let word = base | regs | opc << 12;
                            w.push((format!("{name} u={u} q={q} size={size} d{d}n{n}m{m}"), word));
                        }
                    }
                    if size < 3 || q {
                        let opc = if u { 0b10001 } else { 0b00110 };
                        let word = base | regs | opc << 11 | 1 << 10;
                        w.push((
                            format!("cmeq/cmgt u={u} q={q} size={size} d{d}n{n}m{m}"),
                            word,
                        ));
                    }
                }
            }
        }
    }
    for q in [false, true] {
        for imm in 0..if q { 16 } else { 8 } {
            for (d, n, m) in [(1, 2, 3), (1, 1, 2), (1, 2, 1)] {
                let word = (q as u32) << 30 | 0b101110000 << 21 | m << 16 | imm << 11 | n << 5 | d;
                w.push((format!("ext q={q} #{imm} d{d} n{n} m{m}"), word));
            }
        }
    }
    w
}

#[test]
fn vector_ops_at_every_size_and_amount() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x5eed));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    let pc = 0x40_0000u64;
    let words = words();
    for (name, word) in &words {
        let block = translate_block(pc, &mut |a| (a == pc).then_some(*word));
        assert!(
            block
                .ops
                .iter()
                .any(|o| matches!(o, Op::Vec { .. } | Op::VBin { .. })),
            "{name} ({word:#010x}) is not an Op::Vec or Op::VBin"
        );
        let mut opt = block.clone();
        emu::ir::passes::optimize(&mut opt);
        for _ in 0..4 {
            let mut cpu0 = CpuState::default();
            for v in cpu0.v.iter_mut() {
                *v = (rng.value() as u128) << 64 | rng.value() as u128;
            }
            let want = run_interp(&block, &cpu0, &mut *buf, &mem0);
            let runs = [
                ("x86-64 code", &block, false),
                ("quick-tier x86-64 code", &block, true),
                ("optimised x86-64 code", &opt, false),
            ];
            for (what, b, quick) in runs {
                let got = if quick {
                    run_jit_quick(&mut jit, b, &cpu0, &mut *buf, &mem0)
                } else {
                    run_jit(&mut jit, b, &cpu0, &mut *buf, &mem0)
                };
                if let Err(e) = compare(what, b, &want, &got) {
                    panic!(
                        "{name} ({word:#010x}): {e}\ninitial v1..v3: {:x?}",
                        &cpu0.v[1..4]
                    );
                }
            }
        }
    }
    assert!(words.len() > 1500, "{} words", words.len());
}

#[test]
fn ld4_at_every_element_size() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x1d4));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = random_mem(&mut rng);
    let pc = 0x40_0000u64;
    for size in 0..4u32 {
        for (rt, post) in [(0, false), (30, false), (5, true)] {
            // ld4 {vt.T - vt+3.T}, [x1] (post-index: , #64)
            let word =
                0x4c400020 | (post as u32) << 23 | (post as u32 * 31) << 16 | size << 10 | rt;
            let block = translate_block(pc, &mut |a| (a == pc).then_some(word));
            for off in [0u64, 3, 100] {
                let mut cpu0 = CpuState::default();
                cpu0.x[1] = &*buf as *const Scratch as u64 + off;
                for v in cpu0.v.iter_mut() {
                    *v = (rng.value() as u128) << 64 | rng.value() as u128;
                }
                if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem0) {
                    panic!("ld4 {word:#010x} at +{off}: {e}");
                }
            }
        }
    }
}

/// Instructions that write V registers other than through `Op::Vec` and
/// `Op::VBin` (scalar and element writes, loads, helpers), or read them.
pub(super) const MIXED: [u32; 20] = [
    0x1e270041, // fmov s1, w2
    0x9e670043, // fmov d3, x2
    0x4e181c41, // mov v1.d[1], x2
    0x4e0c1c42, // mov v2.s[1], w2
    0x3dc00021, // ldr q1, [x1]
    0xfd400422, // ldr d2, [x1, #8]
    0xbd400423, // ldr s3, [x1, #4]
    0x3d800421, // str q1, [x1, #16]
    0xfd001022, // str d2, [x1, #32]
    0x4c407023, // ld1 {v3.16b}, [x1]
    0x4ea38441, // add v1.4s, v2.4s, v3.4s
    0x0ea38423, // add v3.2s, v1.2s, v3.2s
    0x6e231c41, // eor v1.16b, v2.16b, v3.16b
    0x0ea31c42, // orr v2.8b, v2.8b, v3.8b
    0x1e232841, // fadd s1, s2, s3
    0x4e21d443, // fadd v3.4s, v2.4s, v1.4s
    0x0e0c3c22, // mov w2, v1.s[1]
    0x4e183c62, // mov x2, v3.d[1]
    0x9e660042, // fmov x2, d2
    0x6f05e542, // movi v2.2d, #0xff00ff00ff00ff00
];

/// Blocks of random sequences of vector instructions on v1..v3 (the
/// backend keeps V registers in xmm registers within a block, see
/// `emit_vcache`): every value read must be the one last written,
/// whichever way it was written.
#[test]
fn vector_sequences_in_one_block() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0x5e9));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = random_mem(&mut rng);
    let pc = 0x40_0000u64;
    let words = words();
    for _ in 0..400 {
        let seq = mixed_seq(&mut rng, 15, 2, |r| {
            words[r.below(words.len() as u64) as usize].1
        });
        let block = translate_block(pc, &mut |a| {
            let i = a.checked_sub(pc)? / 4;
            seq.get(i as usize).copied()
        });
        let mut cpu0 = CpuState::default();
        cpu0.x[1] = &*buf as *const Scratch as u64;
        cpu0.x[2] = rng.value();
        for v in cpu0.v.iter_mut() {
            *v = (rng.value() as u128) << 64 | rng.value() as u128;
        }
        if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem0) {
            panic!("{seq:#010x?}: {e}");
        }
    }
}

/// Runs the block of `words` under the interpreter and as x86-64 code
/// from V registers and scratch memory drawn by `vector` (x1 points to the
/// scratch, x2 is random); panics at the first difference.
pub(super) fn run_vectors(
    rng: &mut Rng,
    jit: &mut Jit,
    words: &[u32],
    vector: fn(&mut Rng) -> u128,
) {
    run_vectors_with(rng, jit, words, vector, |_, _| {});
}

/// [`run_vectors`] with the initial state adjusted by `prepare` last.
pub(super) fn run_vectors_with(
    rng: &mut Rng,
    jit: &mut Jit,
    words: &[u32],
    vector: fn(&mut Rng) -> u128,
    prepare: impl FnOnce(&mut Rng, &mut CpuState),
) {
    let block = block_of(words);
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mut mem0 = [0u8; BUF_LEN];
    for b in mem0.chunks_mut(16) {
        b.copy_from_slice(&vector(rng).to_le_bytes());
    }
    let mut cpu0 = CpuState::default();
    for v in cpu0.v.iter_mut() {
        *v = vector(rng);
    }
    cpu0.x[1] = &*buf as *const Scratch as u64;
    cpu0.x[2] = rng.value();
    prepare(rng, &mut cpu0);
    if let Err(e) = interp_vs_jit(jit, &mut *buf, &block, &cpu0, &mem0) {
        panic!(
            "{words:#010x?} fpcr {:#x}: {e}\ninitial v1..v4: {:#034x?}",
            cpu0.fpcr,
            &cpu0.v[1..5]
        );
    }
}

/// Each of `singles` alone (200 random states; each must be an
/// [`Op::Vec`]), then 500 blocks of 2 to 11 words drawn from `words` and
/// [`MIXED`], through [`run_vectors`].
pub(super) fn singly_then_mixed(
    seed: u64,
    singles: &[u32],
    words: &[u32],
    vector: fn(&mut Rng) -> u128,
) {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", seed));
    let mut jit = Jit::new();
    for &w in singles {
        let block = block_of(&[w]);
        assert!(
            block.ops.iter().any(|o| matches!(o, Op::Vec { .. })),
            "{w:#010x} is not an Op::Vec"
        );
        for _ in 0..200 {
            run_vectors(&mut rng, &mut jit, &[w], vector);
        }
    }
    for _ in 0..500 {
        let seq = mixed_seq(&mut rng, 10, 3, |r| r.pick(words));
        run_vectors(&mut rng, &mut jit, &seq, vector);
    }
}

/// 2 to `1 + spread` words, each from [`MIXED`] with chance 1 in
/// `one_in`, else from `pick`.
pub(super) fn mixed_seq(
    rng: &mut Rng,
    spread: u64,
    one_in: u64,
    mut pick: impl FnMut(&mut Rng) -> u32,
) -> Vec<u32> {
    let n = 2 + rng.below(spread) as usize;
    (0..n)
        .map(|_| {
            if rng.chance(one_in) {
                rng.pick(&MIXED)
            } else {
                pick(rng)
            }
        })
        .collect()
}

/// The block of `words` from pc 0x40_0000.
pub(super) fn block_of(words: &[u32]) -> Block {
    let pc = 0x40_0000u64;
    translate_block(pc, &mut |a| {
        let i = a.checked_sub(pc)? / 4;
        words.get(i as usize).copied()
    })
}

/// Scratch memory of random bytes.
fn random_mem(rng: &mut Rng) -> [u8; BUF_LEN] {
    let mut mem = [0u8; BUF_LEN];
    for b in mem.iter_mut() {
        *b = rng.next() as u8;
    }
    mem
}

/// Runs `block` from `cpu0` and `mem0` on the interpreter and as x86-64
/// code, before and after the passes. `buf` is a raw pointer for the reason
/// `run_jit` gives.
pub(super) fn interp_vs_jit(
    jit: &mut Jit,
    buf: *mut Scratch,
    block: &Block,
    cpu0: &CpuState,
    mem0: &[u8],
) -> Result<(), String> {
    let mut opt = block.clone();
    emu::ir::passes::optimize(&mut opt);
    let want = run_interp(block, cpu0, buf, mem0);
    for (what, b) in [("x86-64 code", block), ("optimised x86-64 code", &opt)] {
        let got = run_jit(jit, b, cpu0, buf, mem0);
        compare(what, b, &want, &got)?;
    }
    Ok(())
}
