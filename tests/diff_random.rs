//! Random-instruction differential test (RISU-style) against qemu-aarch64.
//!
//! Random valid encodings are drawn from the decode table (data processing,
//! FP and SIMD classes: no memory access, no branches), each with random
//! input registers and flags. One static arm64 program per batch loads each
//! case's inputs, executes the instruction, and writes the whole register
//! state (X0–X30, SP, NZCV, FPSR, V0–V31) to stdout. The program runs under
//! emu-user and under qemu-aarch64; every case's state must match.
//!
//! Needs aarch64-linux-gnu-gcc and qemu-aarch64; without them the test says
//! so and passes only when EMU_SKIP_DIFF=1 is set, so CI cannot silently skip.
//! Knobs: EMU_DIFF_BATCHES (default 20), EMU_DIFF_CASES (per batch, 250),
//! EMU_DIFF_SEED, EMU_DIFF_CLASSES, EMU_DIFF_NAMES (comma list of encoding
//! names, e.g. TWO_MISC,STHREE_DIFF, to narrow further).

use emu::arm64::decode::{entries, Entry};
use emu::arm64::encodings::Insn;
use emu::cpu::ExitReason;
use emu::frontend::translate_block;
use emu::ir::Terminal;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Bytes of one case's input block: V0–V31, NZCV, SP, X0–X30.
const IN_BYTES: usize = 32 * 16 + 16 + 31 * 8;
/// Bytes of one case's dumped state: X0–X30, SP, NZCV, FPSR, V0–V31.
const OUT_BYTES: usize = 31 * 8 + 8 + 8 + 8 + 32 * 16;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn xval(&mut self) -> u64 {
        const SPECIAL: [u64; 10] = [
            0,
            1,
            u64::MAX,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            i64::MIN as u64,
            i64::MAX as u64,
            0x8000_0000_0000_0001,
            0x1_0000_0000,
        ];
        match self.below(4) {
            0 => SPECIAL[self.below(SPECIAL.len() as u64) as usize],
            1 => self.below(130),
            2 => self.next() as u32 as u64,
            _ => self.next(),
        }
    }

    fn fval64(&mut self) -> u64 {
        const SPECIAL: [f64; 12] = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            1e20,
            2.5,
        ];
        match self.below(5) {
            0 => SPECIAL[self.below(SPECIAL.len() as u64) as usize].to_bits(),
            1 => 0x7ff8_0000_0000_0000 | self.below(1 << 20), // quiet NaN
            2 => 0x7ff0_0000_0000_0001 | self.below(1 << 20), // signalling NaN
            3 => ((self.next() as i32) as f64 / 64.0).to_bits(),
            _ => self.next(),
        }
    }

    fn fval32(&mut self) -> u32 {
        const SPECIAL: [f32; 10] = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN_POSITIVE,
            3e9,
        ];
        match self.below(5) {
            0 => SPECIAL[self.below(SPECIAL.len() as u64) as usize].to_bits(),
            1 => 0x7fc0_0000 | self.below(1 << 12) as u32,
            2 => 0x7f80_0001 | self.below(1 << 12) as u32,
            3 => ((self.next() as i16) as f32 / 16.0).to_bits(),
            _ => self.next() as u32,
        }
    }

    fn vval(&mut self) -> u128 {
        match self.below(4) {
            0 => (self.fval64() as u128) | ((self.fval64() as u128) << 64),
            1 => {
                let mut v = 0u128;
                for i in 0..4 {
                    v |= (self.fval32() as u128) << (32 * i);
                }
                v
            }
            _ => (self.next() as u128) | ((self.next() as u128) << 64),
        }
    }
}

/// Encodings the tester draws from: register-to-register classes only,
/// optionally narrowed by EMU_DIFF_CLASSES (comma list of dp_imm, dp_reg,
/// fp, simd, ext: the Armv8.1–8.6 extension instructions, crypto).
fn candidates() -> Vec<&'static Entry> {
    let classes = std::env::var("EMU_DIFF_CLASSES")
        .unwrap_or_else(|_| "dp_imm,dp_reg,fp,simd,ext,crypto".into());
    let want = |c: &str| classes.split(',').any(|x| x.trim() == c);
    let names = std::env::var("EMU_DIFF_NAMES").ok();
    let named = |n: &str| {
        names
            .as_deref()
            .is_none_or(|l| l.split(',').any(|x| x.trim() == n))
    };
    entries()
        .iter()
        .filter(|e| named(e.name))
        .filter(|e| match e.insn {
            Insn::DpImm(_) => want("dp_imm"),
            Insn::DpReg(_) => want("dp_reg"),
            Insn::Fp(_) => want("fp"),
            Insn::Ext(_) => want("ext"),
            Insn::Simd(_) => {
                want("simd") && !(e.name.starts_with("LD") || e.name.starts_with("ST"))
            }
            Insn::Crypto(_) => want("crypto"),
            _ => false,
        })
        .collect()
}

/// Whether emu's frontend accepts `word` (translates it without Undefined).
fn emu_defines(word: u32) -> bool {
    let start = 0x1000u64;
    let block = translate_block(start, &mut |pc| (pc == start).then_some(word));
    !matches!(block.term, Terminal::Exit { reason: ExitReason::Udf, pc, .. } if pc == start)
}

struct Case {
    word: u32,
    name: &'static str,
    /// FPCR bits 26:22 (AHP, DN, FZ, RMode) for the case.
    fpcr_mode: u32,
    input: Vec<u8>,
}

fn make_cases(rng: &mut Rng, pool: &[&'static Entry], n: usize) -> Vec<Case> {
    let mut cases = Vec::with_capacity(n);
    let mut tries = 0;
    while cases.len() < n && tries < n * 50 {
        tries += 1;
        let e = pool[rng.below(pool.len() as u64) as usize];
        let word = e.instance(rng.next() as u32);
        if !emu_defines(word) {
            continue;
        }
        let mut input = Vec::with_capacity(IN_BYTES);
        for _ in 0..32 {
            input.extend_from_slice(&rng.vval().to_le_bytes());
        }
        input.extend_from_slice(&(rng.below(16) << 28).to_le_bytes()); // NZCV
        input.extend_from_slice(&(rng.xval() & !15).to_le_bytes()); // SP
        for _ in 0..31 {
            input.extend_from_slice(&rng.xval().to_le_bytes());
        }
        // Half the cases run with the default FPCR, half with random modes.
        let fpcr_mode = if rng.below(2) == 0 {
            0
        } else {
            rng.below(32) as u32
        };
        if qemu_deviates(e.name, word, fpcr_mode, &input) {
            continue;
        }
        cases.push(Case {
            word,
            name: e.name,
            fpcr_mode,
            input,
        });
    }
    cases
}

/// Inputs on which QEMU 7.2 deviates from the Arm ARM pseudocode; such
/// cases are left out (emu follows the pseudocode, tested in tests/insn_*).
fn qemu_deviates(name: &str, word: u32, fpcr_mode: u32, input: &[u8]) -> bool {
    let v_lo = |r: u32| {
        let at = r as usize * 16;
        u64::from_le_bytes(input[at..at + 8].try_into().unwrap())
    };
    // FJCVTZS of a denormal flushed by FPCR.FZ (mode bit 2): FPToFixedJS
    // clears Z for a negative sign and for "sign == '0' && value == 0.0 &&
    // !IsZero(op<51:0>)"; QEMU 7.2 sets Z unless the input is exactly -0.0.
    if name == "FJCVTZS" && fpcr_mode & 0b100 != 0 {
        let x = v_lo(word >> 5 & 31);
        return x & 0x7ff0_0000_0000_0000 == 0 && x & 0x000f_ffff_ffff_ffff != 0;
    }
    false
}

/// The assembly source of one batch.
fn program(cases: &[Case]) -> String {
    let mut s = String::from(".text\n.global _start\n_start:\n");
    for (k, c) in cases.iter().enumerate() {
        writeln!(s, "adrp x30, in{k}\nadd x30, x30, :lo12:in{k}").unwrap();
        for q in (0..32).step_by(2) {
            writeln!(s, "ldp q{q}, q{}, [x30], #32", q + 1).unwrap();
        }
        s.push_str("ldp x0, x1, [x30], #16\nmsr nzcv, x0\nmov sp, x1\n");
        writeln!(s, "movz x0, #{}, lsl #16\nmsr fpcr, x0", c.fpcr_mode << 6).unwrap();
        for x in (0..30).step_by(2) {
            writeln!(s, "ldp x{x}, x{}, [x30], #16", x + 1).unwrap();
        }
        s.push_str("ldr x30, [x30]\n");
        writeln!(s, ".inst 0x{:08x}", c.word).unwrap();
        s.push_str("msr tpidr_el0, x0\nadrp x0, out\nadd x0, x0, :lo12:out\n");
        for x in (1..31).step_by(2) {
            writeln!(s, "stp x{x}, x{}, [x0, #{}]", x + 1, 8 * x).unwrap();
        }
        s.push_str(
            "mrs x1, tpidr_el0\nstr x1, [x0]\nmov x1, sp\nstr x1, [x0, #248]\n\
             mrs x1, nzcv\nstr x1, [x0, #256]\nmrs x1, fpsr\nstr x1, [x0, #264]\n\
             add x1, x0, #272\n",
        );
        for q in (0..32).step_by(2) {
            writeln!(s, "stp q{q}, q{}, [x1], #32", q + 1).unwrap();
        }
        writeln!(
            s,
            "mov x1, x0\nmov x0, #1\nmov x2, #{OUT_BYTES}\nmov x8, #64\nsvc #0\nmsr fpsr, xzr\nmsr fpcr, xzr"
        )
        .unwrap();
    }
    s.push_str("mov x0, #0\nmov x8, #93\nsvc #0\n.data\n.balign 16\n");
    for (k, c) in cases.iter().enumerate() {
        writeln!(s, "in{k}:").unwrap();
        for chunk in c.input.chunks(8) {
            let v = u64::from_le_bytes(chunk.try_into().unwrap());
            writeln!(s, ".quad 0x{v:016x}").unwrap();
        }
    }
    writeln!(s, ".bss\n.balign 16\nout: .skip {OUT_BYTES}").unwrap();
    s
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn build(dir: &Path, k: usize, src: &str) -> PathBuf {
    let s = dir.join(format!("batch{k}.S"));
    let exe = dir.join(format!("batch{k}"));
    std::fs::write(&s, src).unwrap();
    let out = Command::new("aarch64-linux-gnu-gcc")
        .args(["-nostdlib", "-static", "-o"])
        .arg(&exe)
        .arg(&s)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "assembling batch {k} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn run(cmd: &str, exe: &Path) -> (Vec<u8>, String) {
    let out = Command::new(cmd).arg(exe).output().unwrap();
    (out.stdout, format!("{:?}", out.status))
}

fn describe(c: &Case, emu: &[u8], qemu: &[u8]) -> String {
    let reg = |i: usize| match i {
        0..=30 => format!("x{i}"),
        31 => "sp".into(),
        32 => "nzcv".into(),
        33 => "fpsr".into(),
        _ => format!(
            "v{}.{}",
            (i - 34) / 2,
            if i.is_multiple_of(2) { "lo" } else { "hi" }
        ),
    };
    let word = |b: &[u8], i: usize| u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().unwrap());
    let mut d = format!(
        "0x{:08x} {} (fpcr {:#x}):",
        c.word,
        c.name,
        c.fpcr_mode << 22
    );
    for i in 0..OUT_BYTES / 8 {
        let (a, b) = (word(emu, i), word(qemu, i));
        if a != b {
            write!(d, " {}: emu {a:#x} qemu {b:#x};", reg(i)).unwrap();
        }
    }
    d
}

#[test]
fn random_instructions_match_qemu() {
    let emu_bin = env!("CARGO_BIN_EXE_emu-user");
    if !have("aarch64-linux-gnu-gcc") || !have("qemu-aarch64") {
        assert!(
            std::env::var("EMU_SKIP_DIFF").is_ok_and(|v| v == "1"),
            "aarch64-linux-gnu-gcc and qemu-aarch64 are needed (scripts/test.sh installs them); set EMU_SKIP_DIFF=1 to skip"
        );
        eprintln!("differential test skipped (EMU_SKIP_DIFF=1)");
        return;
    }
    let env_num = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let batches = env_num("EMU_DIFF_BATCHES", 20) as usize;
    let per_batch = env_num("EMU_DIFF_CASES", 250) as usize;
    let seed = env_num("EMU_DIFF_SEED", 0x5eed_1234_abcd_0001);
    let mut rng = Rng(seed | 1);
    let pool = candidates();
    assert!(!pool.is_empty());
    let dir = std::env::temp_dir().join(format!("emu-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let mut failures = Vec::new();
    let mut compared = 0;
    for k in 0..batches {
        let cases = make_cases(&mut rng, &pool, per_batch);
        let exe = build(&dir, k, &program(&cases));
        let (e_out, e_status) = run(emu_bin, &exe);
        let (q_out, q_status) = run("qemu-aarch64", &exe);
        for (i, c) in cases.iter().enumerate() {
            let r = i * OUT_BYTES..(i + 1) * OUT_BYTES;
            match (e_out.get(r.clone()), q_out.get(r)) {
                (Some(e), Some(q)) => {
                    compared += 1;
                    if e != q {
                        failures.push(describe(c, e, q));
                    }
                }
                (e, q) => {
                    failures.push(format!(
                        "0x{:08x} {}: run ended early (emu {} {e_status}, qemu {} {q_status})",
                        c.word,
                        c.name,
                        if e.is_some() { "ran" } else { "stopped" },
                        if q.is_some() { "ran" } else { "stopped" },
                    ));
                    break;
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("differential test: {compared} cases compared, seed {seed:#x}");
    assert!(
        failures.is_empty(),
        "{} mismatches (seed {seed:#x}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
