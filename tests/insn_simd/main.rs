//! Semantic tests of the Advanced SIMD instructions: words + registers in,
//! registers/memory/FPSR out. Expected values are computed here from the
//! Arm ARM's per-lane definitions (a small lane model independent of the
//! translator), with both 64-bit (upper half zeroed) and 128-bit forms.
//! The words were produced with aarch64-linux-gnu-as; the assembly is in the
//! comment next to each.

use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code;

mod crypto;
mod crypto_sha;
mod estimate;
mod ext_fp;
mod ext_int;
mod float;
mod fp16;
mod fp16_inline;
mod integer;
mod memory;
mod misc;
mod permute;

const QC: u64 = 1 << 27;

// FPSR exception bits and FPCR controls.
const IOC: u64 = 1;
const DZC: u64 = 2;
const OFC: u64 = 4;
const UFC: u64 = 8;
const IXC: u64 = 16;
const IDC: u64 = 128;
const FZ: u64 = 1 << 24;
const DN: u64 = 1 << 25;
const AHP: u64 = 1 << 26;
const RZ: u64 = 3 << 22;

/// Runs `word` (`op v0, v1[, v2]`) with FPCR = `fpcr`: (v0, FPSR).
fn opf(word: u32, n: u128, m: u128, d: u128, fpcr: u64) -> (u128, u64) {
    let mut cpu = CpuState {
        fpcr,
        ..CpuState::default()
    };
    cpu.v[0] = d;
    cpu.v[1] = n;
    cpu.v[2] = m;
    run(&[word], &mut cpu);
    (cpu.v[0], cpu.fpsr)
}

fn run(words: &[u32], cpu: &mut CpuState) {
    let r = run_code(words, cpu);
    assert_eq!(
        r,
        ExitReason::Lookup,
        "stopped at pc {:#x}, arg {:#x}",
        cpu.pc,
        cpu.exit_arg
    );
}

fn mask(es: u32) -> u64 {
    if es == 64 {
        u64::MAX
    } else {
        (1 << es) - 1
    }
}

/// The `es`-bit lanes of `v`.
fn lanes(es: u32, v: u128) -> Vec<u64> {
    (0..128 / es)
        .map(|i| (v >> (i * es)) as u64 & mask(es))
        .collect()
}

/// Eight 16-bit lanes.
fn h8(x: [u16; 8]) -> u128 {
    vec_of(16, &x.map(u64::from))
}

/// A vector from lanes (missing lanes are zero).
fn vec_of(es: u32, l: &[u64]) -> u128 {
    l.iter().enumerate().fold(0u128, |acc, (i, &x)| {
        acc | ((x & mask(es)) as u128) << (i as u32 * es)
    })
}

fn lo(v: u128) -> u128 {
    v & u64::MAX as u128
}

fn sx(x: u64, es: u32) -> i64 {
    ((x << (64 - es)) as i64) >> (64 - es)
}

/// Lane-wise `f(n, m, d)` over `bits` (64 or 128) of the operands.
fn map(
    es: u32,
    bits: u32,
    n: u128,
    m: u128,
    d: u128,
    mut f: impl FnMut(u64, u64, u64) -> u64,
) -> u128 {
    let (n, m, d) = (lanes(es, n), lanes(es, m), lanes(es, d));
    let r: Vec<u64> = (0..(bits / es) as usize)
        .map(|i| f(n[i], m[i], d[i]))
        .collect();
    vec_of(es, &r)
}

fn f32s(x: [f32; 4]) -> u128 {
    vec_of(32, &x.map(|f| f.to_bits() as u64))
}

fn f64s(x: [f64; 2]) -> u128 {
    vec_of(64, &x.map(|f| f.to_bits()))
}

const N: u128 = 0x8000_7fff_0123_fedc_ff00_00ff_8081_7f7e;
const M: u128 = 0x7fff_8000_fedc_0123_0101_ffff_7f80_8182;
const D: u128 = 0x1234_5678_9abc_def0_0fed_cba9_8765_4321;

/// Runs `word` (of the form `op v0, v1, v2`) with v1 = n, v2 = m, v0 = d.
fn op3(word: u32, n: u128, m: u128, d: u128) -> (u128, u64) {
    let mut cpu = CpuState::default();
    cpu.v[0] = d;
    cpu.v[1] = n;
    cpu.v[2] = m;
    run(&[word], &mut cpu);
    (cpu.v[0], cpu.fpsr)
}

fn check3(word: u32, es: u32, bits: u32, f: impl Fn(u64, u64, u64) -> u64) {
    for (n, m) in [(N, M), (M, N), (N, N), (D, N)] {
        let want = map(es, bits, n, m, D, &f);
        let (got, _) = op3(word, n, m, D);
        assert_eq!(
            got, want,
            "word {word:#010x} n={n:#x} m={m:#x}: got {got:#x} want {want:#x}"
        );
    }
}

fn ones(c: bool, es: u32) -> u64 {
    if c {
        mask(es)
    } else {
        0
    }
}

/// Runs `word` (of the form `op v0, v1`) with v1 = n, v0 = d.
fn op2(word: u32, n: u128, d: u128) -> (u128, u64) {
    op3(word, n, 0, d)
}
