//! The committed regression list (regressions.txt): every mismatch the
//! tester ever found, replayed in every run, and the known failures (emu
//! bugs assigned elsewhere) that are reported but do not fail the run.

use crate::exceptions::qemu_deviates;
use crate::gen::{make_case, Case, Origin};
use crate::layout::slot_addr;

/// A replayed case: inputs come from gen::make_case(word, seed).
pub struct Entry {
    pub word: u32,
    pub seed: u64,
    /// A known failure: reported, not failing.
    pub known: bool,
    pub note: String,
}

/// Findings on words matching `word & mask == value` are known failures.
pub struct Known {
    pub mask: u32,
    pub value: u32,
    pub note: String,
}

fn num(s: &str) -> u64 {
    let s = s.trim_start_matches("0x");
    u64::from_str_radix(s, 16).unwrap_or_else(|_| panic!("regressions.txt: bad number {s}"))
}

pub fn load() -> (Vec<Entry>, Vec<Known>) {
    let text = include_str!("regressions.txt");
    let (mut cases, mut known) = (Vec::new(), Vec::new());
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.splitn(5, ' ').collect();
        match f.as_slice() {
            ["case", w, s, st, note] => cases.push(Entry {
                word: num(w) as u32,
                seed: num(s),
                known: *st == "known",
                note: note.to_string(),
            }),
            ["known", m, v, note @ ..] => known.push(Known {
                mask: num(m) as u32,
                value: num(v) as u32,
                note: note.join(" "),
            }),
            _ => panic!("regressions.txt: bad line {line}"),
        }
    }
    (cases, known)
}

/// The cases of the list, in order (one batch), and how many were left
/// out as QEMU deviations (exceptions::qemu_deviates: found once, then
/// recorded there with their reference).
pub fn cases(list: &[Entry]) -> (Vec<Case>, usize) {
    let mut cases = Vec::new();
    for e in list {
        let c = make_case(e.word, e.seed, Origin::Regress, slot_addr(cases.len()))
            .unwrap_or_else(|| panic!("regression {:#010x} {:#x} is excluded", e.word, e.seed));
        if !qemu_deviates(&c) {
            cases.push(c);
        }
    }
    let deviating = list.len() - cases.len();
    (cases, deviating)
}

pub fn known_note(known: &[Known], word: u32) -> Option<&str> {
    known
        .iter()
        .find(|k| word & k.mask == k.value)
        .map(|k| k.note.as_str())
}
