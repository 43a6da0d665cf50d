//! CRC32B/H/W/X and CRC32CB/H/W/X translate to one `BinOp::Crc` with no
//! helper call; from random registers the interpreter gives the Arm ARM's
//! result (a bit-at-a-time reference written here from its Poly32Mod2
//! definition) and the x86-64 code, before and after the passes, the
//! interpreter's state, alone and in chains of updates.

use super::flagm::block_without_calls;
use super::vec_ops::{block_of, interp_vs_jit};
use super::*;

/// CRC32{C}{B,H,W,X} Wd, Wn, {W,X}m for `c`, size `sz` (0-3).
fn word(c: bool, sz: u32, d: u32, n: u32, m: u32) -> u32 {
    let sf = u32::from(sz == 3) << 31;
    sf | 0x1ac0_4000 | m << 16 | u32::from(c) << 12 | sz << 10 | n << 5 | d
}

fn words() -> Vec<u32> {
    let regs = [
        (1, 2, 3),
        (2, 2, 2),
        (31, 0, 1),
        (0, 31, 31),
        (5, 6, 5),
        (7, 8, 7),
    ];
    let mut w = Vec::new();
    for c in [false, true] {
        for sz in 0..4 {
            for &(d, n, m) in &regs {
                w.push(word(c, sz, d, n, m));
            }
        }
    }
    w
}

/// The bit-reflected update the Arm ARM defines:
/// `BitReverse(Poly32Mod2(BitReverse(acc):Zeros(size) EOR
/// BitReverse(val):Zeros(32), poly))`, one bit at a time.
fn reference(c: bool, acc: u32, val: u64, bytes: u32) -> u32 {
    let poly: u32 = if c { 0x1edc_6f41 } else { 0x04c1_1db7 };
    let rpoly = poly.reverse_bits();
    let mut acc = acc;
    for i in 0..8 * bytes {
        let fb = (acc ^ (val >> i) as u32) & 1;
        acc = (acc >> 1) ^ if fb != 0 { rpoly } else { 0 };
    }
    acc
}

fn state(rng: &mut Rng) -> CpuState {
    let mut cpu = CpuState::default();
    for x in cpu.x.iter_mut() {
        *x = match rng.below(4) {
            0 => rng.value() & 0xffff_ffff,
            1 => rng.pick(&[0, u64::MAX, 0xffff_ffff, 1 << 63, 0x8000_0000]),
            _ => rng.value(),
        };
    }
    cpu.nzcv = rng.below(16) << 28;
    cpu
}

#[test]
fn crc_is_inline_and_exact() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xc3c3));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem = [0u8; BUF_LEN];
    let words = words();
    let reg = |cpu: &CpuState, r: u32| if r == 31 { 0 } else { cpu.x[r as usize] };
    for &w in &words {
        let block = block_without_calls(w);
        let (c, sz) = (w >> 12 & 1 != 0, w >> 10 & 3);
        let (d, n, m) = (w & 31, w >> 5 & 31, w >> 16 & 31);
        for _ in 0..100 {
            let cpu0 = state(&mut rng);
            let got = run_interp(&block, &cpu0, &mut *buf, &mem).cpu;
            if d != 31 {
                let (acc, val) = (reg(&cpu0, n) as u32, reg(&cpu0, m));
                let want = reference(c, acc, val, 1 << sz);
                assert_eq!(got.x[d as usize], u64::from(want), "{w:#010x}");
            }
            interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem)
                .unwrap_or_else(|e| panic!("{w:#010x}: {e}"));
        }
    }
    for _ in 0..500 {
        let len = 1 + rng.below(5);
        let seq: Vec<u32> = (0..len).map(|_| rng.pick(&words)).collect();
        let block = block_of(&seq);
        let cpu0 = state(&mut rng);
        interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem)
            .unwrap_or_else(|e| panic!("{seq:#010x?}: {e}"));
    }
}
