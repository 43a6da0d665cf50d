//! Checks of the A64 encoding table and the decoder built from it, and a
//! fuzz-style check that the frontend never panics on any word the table
//! accepts.

use emu::arm64::decode::{decode, entries, Entry};
use emu::arm64::disasm;
use emu::frontend::translate_block;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Random words tried per entry.
const WORDS_PER_ENTRY: usize = 200;

/// xorshift64*: a small deterministic generator (no external crates).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn word(&mut self) -> u32 {
        (self.next() >> 32) as u32
    }
}

/// Words matching `e`: its fixed bits with random bits elsewhere, starting
/// with the free bits all clear and all set.
fn sample_words(e: &Entry, rng: &mut Rng, n: usize) -> Vec<u32> {
    let free = !e.mask;
    let mut out = vec![e.value, e.value | free];
    while out.len() < n {
        out.push(e.value | (rng.word() & free));
    }
    out
}

fn index_of(e: &Entry) -> usize {
    entries()
        .iter()
        .position(|x| std::ptr::eq(x, e))
        .expect("entry comes from the table")
}

#[test]
fn patterns_are_well_formed() {
    for e in entries() {
        assert_eq!(
            e.pattern.len(),
            32,
            "{}: pattern {:?} is not 32 characters",
            e.name,
            e.pattern
        );
        assert!(
            e.pattern
                .bytes()
                .all(|c| c == b'0' || c == b'1' || c == b'-' || c.is_ascii_alphabetic()),
            "{}: pattern {:?} has a character outside [01a-zA-Z-]",
            e.name,
            e.pattern
        );
        assert_eq!(
            e.value & !e.mask,
            0,
            "{}: value has bits outside the mask",
            e.name
        );
    }
}

#[test]
fn names_are_unique() {
    let mut seen = HashSet::new();
    for e in entries() {
        assert!(seen.insert(e.name), "duplicate entry name {}", e.name);
    }
}

#[test]
fn no_two_entries_have_identical_fixed_bits() {
    let all = entries();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert!(
                !(a.mask == b.mask && a.value == b.value),
                "{} and {} have the same fixed bits ({:#010x}/{:#010x}): the second can never decode",
                a.name,
                b.name,
                a.mask,
                a.value
            );
        }
    }
}

/// Every random word of every entry decodes to that entry, unless an
/// earlier entry that is strictly more specific (its fixed bits a strict
/// superset) also matches: an intentional override. The decoder's buckets
/// must agree with a linear first-match scan.
#[test]
fn random_words_decode_to_their_entry() {
    let all = entries();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    for (i, e) in all.iter().enumerate() {
        for w in sample_words(e, &mut rng, WORDS_PER_ENTRY) {
            let first = all.iter().position(|x| x.matches(w)).expect("w matches e");
            let got = decode(w).map(|f| index_of(f.entry));
            if got != Some(first) {
                failures.push(format!(
                    "{w:#010x}: decoder gave {:?}, first match is {}",
                    got.map(|g| all[g].name),
                    all[first].name
                ));
                continue;
            }
            if first != i {
                let earlier = &all[first];
                let superset = earlier.mask & e.mask == e.mask && earlier.mask != e.mask;
                if !superset {
                    failures.push(format!(
                        "{w:#010x} of {} decodes as earlier entry {}, which is not a more specific pattern",
                        e.name, earlier.name
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// The frontend must not panic on any word of any entry (undefined is
/// fine): this catches field letters the translator asks for that the
/// pattern lacks, arithmetic overflow on field values and similar bugs.
#[test]
fn frontend_never_panics() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let pc = 0x40_0000u64;
    let mut failures = Vec::new();
    for e in entries() {
        for w in sample_words(e, &mut rng, WORDS_PER_ENTRY) {
            let r = catch_unwind(AssertUnwindSafe(|| {
                let mut fetch = |a: u64| if a == pc { Some(w) } else { None };
                translate_block(pc, &mut fetch)
            }));
            if r.is_err() {
                failures.push(format!("{w:#010x} ({})", disasm::name(w)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the frontend panicked on {} words:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// The disassembly names the entry the decoder picks and lists its fields.
#[test]
fn disasm_names_every_entry() {
    let mut rng = Rng(42);
    for e in entries() {
        for w in sample_words(e, &mut rng, 4) {
            let f = decode(w).expect("matches at least e");
            let s = disasm::name(w);
            assert!(
                s.starts_with(f.entry.name),
                "{s} does not name {}",
                f.entry.name
            );
            assert_eq!(s.split(' ').count(), 1 + f.entry.fields.len(), "{s}");
        }
    }
}
