//! Random-instruction differential test (RISU-style) against qemu-aarch64.
//!
//! Each case is one instruction word: a random instance of any decode-table
//! entry (every class: data processing, FP, SIMD, extensions, crypto,
//! loads/stores, branches, system), or, with class "undef", a uniformly
//! random word or a table pattern with fixed bits flipped. Its inputs are
//! random registers and vectors seeded with FP special values, random NZCV,
//! PSTATE.DIT and SSBS, and FPCR; memory instructions get base registers
//! inside a scratch page
//! between two guard pages. One driver program (driver.S) runs a whole
//! batch under emu-user and under qemu-aarch64 -cpu max; a signal in a case
//! is recorded (signo, si_code, si_addr) and the batch goes on. Registers,
//! NZCV (with DIT and SSBS), FPSR, vectors, the signal, whether a branch was taken and the
//! scratch page's changes must match, and emu must raise SIGILL exactly
//! where QEMU does, except for the documented differences
//! (exceptions.rs). regressions.txt is replayed first in every run.
//!
//! Every case runs once, which emu-user does in its IR interpreter (a
//! block's first run); so that compiled code is checked too, even batches
//! and a second replay of the regressions run with `-d nointerp` (every
//! block compiled before its first run).
//!
//! Knobs: EMU_DIFF_SEED (default: from the time, printed), EMU_DIFF_LONG=1
//! (10 million cases on two workers), EMU_DIFF_BATCHES, EMU_DIFF_CASES (per
//! batch), EMU_DIFF_JOBS, EMU_DIFF_CLASSES (comma list of gen::CLASSES),
//! EMU_DIFF_NAMES (entry names), EMU_DIFF_CPU (the -cpu model both run;
//! default max). Without aarch64-linux-gnu-gcc and
//! qemu-aarch64 the test fails unless EMU_SKIP_DIFF=1.

mod compare;
mod exceptions;
mod exec;
mod gen;
mod layout;
mod regress;
mod report;
mod values;

use gen::{draw_word, make_case, pool, want_class, Case};
use layout::{batch_file, slot_addr, Slot, OUT, PAGE};
use report::{Finding, Tally};
use std::path::PathBuf;
use std::sync::Mutex;
use values::Rng;

struct Ctx {
    emu: &'static str,
    exe: PathBuf,
    dir: PathBuf,
    known: Vec<regress::Known>,
}

/// Runs `cases` as one batch and judges every case.
fn run_batch(
    ctx: &Ctx,
    tag: &str,
    compiled: bool,
    scratch: &[u8; PAGE],
    cases: &[Case],
    tally: &mut Tally,
) {
    let slots: Vec<Slot> = cases
        .iter()
        .map(|c| Slot {
            word: c.word,
            x30: c.x30,
            rec: &c.rec,
        })
        .collect();
    let file = ctx.dir.join(format!("{tag}.bin"));
    std::fs::write(&file, batch_file(scratch, &slots)).unwrap();
    let (e, mut q) = exec::run_both(ctx.emu, compiled, &ctx.exe, &file);
    for rec in q.out.chunks_mut(OUT) {
        if rec.len() == OUT {
            exceptions::normalize_qemu(rec);
        }
    }
    let _ = std::fs::remove_file(&file);
    let mut pending = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let r = i * OUT..(i + 1) * OUT;
        match (e.out.get(r.clone()), q.out.get(r)) {
            (Some(eo), Some(qo)) => {
                tally.count(c, eo, qo, slot_addr(i));
                if eo != qo {
                    pending.push((i, eo, qo));
                }
            }
            (Some(eo), None) if cases.len() == 1 && q.status.contains("SIGABRT") => {
                // QEMU itself aborted (an assertion in its decoder).
                tally.qemu_aborted(c, eo, slot_addr(i), &q.status);
            }
            _ if cases.len() == 1 => {
                tally
                    .findings
                    .push(Finding::killed(c, &e.status, &q.status));
            }
            _ => {
                // Output is flushed every 64 cases: rerun the suspects alone.
                for c in &cases[i..cases.len().min(i + 64)] {
                    let one = make_case(c.word, c.seed, c.origin, slot_addr(0)).unwrap();
                    run_batch(ctx, &format!("{tag}-one"), compiled, scratch, &[one], tally);
                }
                break;
            }
        }
    }
    let words: Vec<u32> = pending.iter().map(|&(i, ..)| cases[i].word).collect();
    let dis = exceptions::disassemble(&ctx.dir, tag, &words);
    for ((i, eo, qo), dis) in pending.into_iter().zip(dis) {
        tally.judge(&cases[i], eo, qo, slot_addr(i), dis, &ctx.known);
    }
}

/// Batch `k` of the run seeded `seed`: its cases and scratch contents.
fn make_batch(
    seed: u64,
    k: u64,
    n: usize,
    pool: &[&'static emu::arm64::decode::Entry],
) -> (Box<[u8; PAGE]>, Vec<Case>) {
    let mut rng = Rng::new(seed.wrapping_add(k.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
    let mut scratch = Box::new([0u8; PAGE]);
    for b in scratch.chunks_mut(8) {
        b.copy_from_slice(&rng.xval().to_le_bytes());
    }
    let undef = want_class("undef");
    let mut cases = Vec::with_capacity(n);
    let mut tries = 0;
    while cases.len() < n && tries < n * 20 {
        tries += 1;
        let (word, origin) = draw_word(&mut rng, pool, undef);
        let Some(c) = make_case(word, rng.next(), origin, slot_addr(cases.len())) else {
            continue;
        };
        if !exceptions::qemu_deviates(&c) {
            cases.push(c);
        }
    }
    (scratch, cases)
}

fn env_num(k: &str, d: u64) -> u64 {
    std::env::var(k)
        .ok()
        .and_then(|v| {
            let v = v.trim();
            match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16).ok(),
                None => v.parse().ok(),
            }
        })
        .unwrap_or(d)
}

#[test]
fn random_instructions_match_qemu() {
    let emu = env!("CARGO_BIN_EXE_emu-user");
    if !exec::have("aarch64-linux-gnu-gcc") || !exec::have("qemu-aarch64") {
        assert!(
            std::env::var("EMU_SKIP_DIFF").is_ok_and(|v| v == "1"),
            "aarch64-linux-gnu-gcc and qemu-aarch64 are needed (scripts/test.sh installs them); set EMU_SKIP_DIFF=1 to skip"
        );
        eprintln!("differential test skipped (EMU_SKIP_DIFF=1)");
        return;
    }
    let long = std::env::var("EMU_DIFF_LONG").is_ok_and(|v| v == "1");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let seed = env_num("EMU_DIFF_SEED", now.as_nanos() as u64);
    let per_batch = env_num("EMU_DIFF_CASES", if long { 20_000 } else { 10_000 }) as usize;
    let batches = env_num("EMU_DIFF_BATCHES", if long { 500 } else { 30 });
    assert!(
        (1..=layout::MAX_CASES).contains(&per_batch),
        "EMU_DIFF_CASES={per_batch}: a batch holds 1 to {} cases (the driver's fixed regions, tests/diff_random/layout.rs)",
        layout::MAX_CASES
    );
    let jobs = env_num("EMU_DIFF_JOBS", if long { 2 } else { 1 }).max(1);
    report::say(&format!(
        "diff_random: seed {seed:#x} ({} mode: {batches} batches of {per_batch}, {jobs} jobs); replay with EMU_DIFF_SEED={seed:#x}",
        if long { "long" } else { "short" }
    ));
    let dir = std::env::temp_dir().join(format!("emu-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (list, known) = regress::load();
    let ctx = Ctx {
        emu,
        exe: exec::build_driver(&dir),
        dir: dir.clone(),
        known,
    };
    let start = std::time::Instant::now();
    let mut regress_tally = Tally::default();
    let (cases, deviating) = regress::cases(&list);
    report::say(&format!(
        "diff_random: {} regression cases ({deviating} more now left out as QEMU deviations)",
        cases.len()
    ));
    if !cases.is_empty() {
        for compiled in [false, true] {
            run_batch(
                &ctx,
                "regress",
                compiled,
                &[0x5a; PAGE],
                &cases,
                &mut regress_tally,
            );
        }
    }
    let pool = pool();
    assert!(
        !pool.is_empty(),
        "no table entries match EMU_DIFF_CLASSES/EMU_DIFF_NAMES"
    );
    let total = Mutex::new(Tally::default());
    std::thread::scope(|s| {
        for w in 0..jobs {
            let (ctx, pool, total) = (&ctx, &pool, &total);
            s.spawn(move || {
                for k in (w..batches).step_by(jobs as usize) {
                    let (scratch, cases) = make_batch(seed, k, per_batch, pool);
                    let mut t = Tally::default();
                    let compiled = k % 2 == 0;
                    run_batch(ctx, &format!("b{k}"), compiled, &scratch, &cases, &mut t);
                    total.lock().unwrap().merge(t);
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
    let total = total.into_inner().unwrap();
    let failures = report::summary(&list, &regress_tally, &total, start.elapsed(), seed);
    assert!(
        failures.is_empty(),
        "{} failures (seed {seed:#x}; replay with EMU_DIFF_SEED={seed:#x}):\n{}",
        failures.len(),
        failures[..failures.len().min(60)].join("\n")
    );
}
