//! Counting and judging cases, and the run's report (printed straight to
//! stderr, so it shows even when the test passes).

use crate::compare::{describe, inputs, kind, only_fault_dest_differs, sigill_at, Kind};
use crate::exceptions::{emu_only, expected};
use crate::gen::{Case, CLASSES};
use crate::layout::{u64_at, O_MEMN, O_SIGNO, O_TAKEN};
use crate::regress;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Duration;

/// Prints a line whether or not the test harness captures output.
pub fn say(s: &str) {
    let _ = writeln!(std::io::stderr(), "{s}");
}

pub struct Finding {
    pub word: u32,
    pub seed: u64,
    pub kind: String,
    pub text: String,
    /// The known-failure note, when regressions.txt lists it.
    pub known: Option<String>,
}

impl Finding {
    pub fn killed(c: &Case, emu: &str, qemu: &str) -> Finding {
        Finding {
            word: c.word,
            seed: c.seed,
            kind: "run killed".into(),
            text: format!("{:#010x} {}: emu {emu}, qemu {qemu}", c.word, c.name),
            known: None,
        }
    }
}

#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub run: u64,
    /// SIGILL on both.
    pub undefined: u64,
    /// Another signal (a fault) on both.
    pub faulted: u64,
    /// Branches taken on both.
    pub taken: u64,
    /// Scratch-page bytes written on both.
    pub wrote: u64,
    pub expected: u64,
    pub findings: u64,
}

#[derive(Default)]
pub struct Tally {
    pub classes: BTreeMap<&'static str, Counts>,
    /// Expected differences by reason: count and a few example words.
    pub expected: BTreeMap<&'static str, (u64, Vec<String>)>,
    pub findings: Vec<Finding>,
}

impl Tally {
    pub fn count(&mut self, c: &Case, emu: &[u8], qemu: &[u8], slot: u64) {
        let k = self.classes.entry(c.class).or_default();
        k.run += 1;
        if sigill_at(emu, slot) && sigill_at(qemu, slot) {
            k.undefined += 1;
        } else if u64_at(emu, O_SIGNO) != 0 && u64_at(qemu, O_SIGNO) != 0 {
            k.faulted += 1;
        }
        if u64_at(emu, O_TAKEN) != 0 && u64_at(qemu, O_TAKEN) != 0 {
            k.taken += 1;
        }
        if u64_at(emu, O_MEMN) != 0 && u64_at(qemu, O_MEMN) != 0 {
            k.wrote += 1;
        }
    }

    pub fn judge(
        &mut self,
        c: &Case,
        emu: &[u8],
        qemu: &[u8],
        slot: u64,
        dis: String,
        known: &[regress::Known],
    ) {
        let kind = kind(emu, qemu, slot);
        let counts = self.classes.entry(c.class).or_default();
        let fault_dest = (kind == Kind::Mismatch && only_fault_dest_differs(c, emu, qemu))
            .then_some("load destinations after a fault (UNKNOWN in the Arm ARM)");
        let reason = if kind == Kind::EmuExecutes {
            emu_only(&dis)
        } else {
            fault_dest.or_else(|| expected(c.word, &dis))
        };
        if let Some(reason) = reason {
            counts.expected += 1;
            let e = self.expected.entry(reason).or_default();
            e.0 += 1;
            if e.1.len() < 3 {
                e.1.push(format!("{:#010x} {dis}", c.word));
            }
            return;
        }
        counts.findings += 1;
        self.findings.push(Finding {
            word: c.word,
            seed: c.seed,
            kind: kind.label().into(),
            text: format!(
                "{}\n      objdump: {dis}\n      {}",
                describe(c, emu, qemu),
                inputs(c)
            ),
            known: regress::known_note(known, c.word).map(String::from),
        });
    }

    /// QEMU aborted on the case: expected where emu raised SIGILL (QEMU 7.2
    /// asserts on some unallocated encodings), a finding otherwise.
    pub fn qemu_aborted(&mut self, c: &Case, emu: &[u8], slot: u64, status: &str) {
        if sigill_at(emu, slot) {
            let counts = self.classes.entry(c.class).or_default();
            counts.run += 1;
            counts.expected += 1;
            let e = self
                .expected
                .entry("QEMU aborts on an encoding emu rejects")
                .or_default();
            e.0 += 1;
            if e.1.len() < 3 {
                e.1.push(format!("{:#010x}", c.word));
            }
        } else {
            self.findings.push(Finding::killed(c, "ran", status));
        }
    }

    pub fn merge(&mut self, t: Tally) {
        for (c, k) in t.classes {
            let m = self.classes.entry(c).or_default();
            m.run += k.run;
            m.undefined += k.undefined;
            m.faulted += k.faulted;
            m.taken += k.taken;
            m.wrote += k.wrote;
            m.expected += k.expected;
            m.findings += k.findings;
        }
        for (r, (n, ex)) in t.expected {
            let m = self.expected.entry(r).or_default();
            m.0 += n;
            m.1.extend(ex);
            m.1.truncate(3);
        }
        self.findings.extend(t.findings);
    }
}

fn line(f: &Finding) -> String {
    format!(
        "  [{}] {}\n      regression line: case {:#010x} {:#x} known {}",
        f.kind, f.text, f.word, f.seed, f.kind
    )
}

/// Prints the report; returns the failures (new findings, regressions
/// that must pass and do not).
pub fn summary(
    list: &[regress::Entry],
    regress: &Tally,
    total: &Tally,
    took: Duration,
    seed: u64,
) -> Vec<String> {
    let mut failures = Vec::new();
    let all: u64 = total.classes.values().map(|k| k.run).sum();
    say(&format!(
        "diff_random: {all} random cases in {:.1} s (seed {seed:#x}); per class: run / SIGILL on both / other signal on both / branch taken / scratch written / expected differences / findings",
        took.as_secs_f64()
    ));
    for c in CLASSES {
        if let Some(k) = total.classes.get(c) {
            say(&format!(
                "  {c:8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7} {:>5}",
                k.run, k.undefined, k.faulted, k.taken, k.wrote, k.expected, k.findings
            ));
        }
    }
    for (reason, (n, ex)) in &total.expected {
        say(&format!(
            "  expected: {n} x {reason}, e.g. {}",
            ex.join("; ")
        ));
    }
    let mut fixed = Vec::new();
    for e in list {
        let found = regress
            .findings
            .iter()
            .find(|f| f.word == e.word && f.seed == e.seed);
        match (found, e.known) {
            (Some(f), true) => say(&format!("  KNOWN FAILURE ({}):\n{}", e.note, line(f))),
            (Some(f), false) => failures.push(format!("regression {}:\n{}", e.note, line(f))),
            (None, true) => fixed.push(format!("{:#010x} {:#x}", e.word, e.seed)),
            (None, false) => {}
        }
    }
    say(&format!(
        "  regressions: {} listed, {} known failures{}",
        list.len(),
        list.iter().filter(|e| e.known).count(),
        if fixed.is_empty() {
            String::new()
        } else {
            format!("; now passing (mark them pass): {}", fixed.join(", "))
        }
    ));
    let mut known: BTreeMap<&str, (u64, String)> = BTreeMap::new();
    for f in &total.findings {
        match &f.known {
            Some(note) => {
                let k = known.entry(note).or_insert_with(|| (0, line(f)));
                k.0 += 1;
            }
            None => failures.push(line(f)),
        }
    }
    for (note, (n, example)) in known {
        say(&format!("  KNOWN FAILURE x {n} ({note}), e.g.:\n{example}"));
    }
    failures
}
