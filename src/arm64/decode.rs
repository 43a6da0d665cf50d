//! Table-driven A64 decoder: compiles the patterns of [`super::encodings`]
//! into masks and field extractors once, then buckets them by the top ten
//! bits of the word so a lookup tries only a few candidates.

use super::encodings::{rows, Insn, Row};
use std::sync::OnceLock;

/// A compiled table row.
#[derive(Debug)]
pub struct Entry {
    pub insn: Insn,
    pub name: &'static str,
    pub pattern: &'static str,
    /// Bits that are fixed by the pattern.
    pub mask: u32,
    /// Their values.
    pub value: u32,
    /// Field letters in order of first appearance in the pattern.
    letters: [u8; MAX_FIELDS],
    /// For each field, the mask of its bits.
    bits: [u32; MAX_FIELDS],
    n_fields: u8,
    /// For each letter `c`, its index in `letters` in the nibble `c & 63`
    /// (`NONE` if absent): letters are ASCII, and `c & 63` tells them apart.
    slots: [u8; 32],
}

const NONE: u8 = 15;

/// Most fields in one pattern. Entries are kept small: the whole table
/// is written at start-up, and every page of it is a page fault.
const MAX_FIELDS: usize = 10;

impl Entry {
    /// Compiles a row without allocating: the table of every encoding is
    /// built at start-up, before the first instruction is translated.
    fn compile(row: &Row) -> Entry {
        let bytes = row.pattern.as_bytes();
        assert_eq!(bytes.len(), 32, "pattern of {} is not 32 bits", row.name);
        let mut e = Entry {
            insn: row.insn,
            name: row.name,
            pattern: row.pattern,
            mask: 0,
            value: 0,
            letters: [0; MAX_FIELDS],
            bits: [0; MAX_FIELDS],
            n_fields: 0,
            slots: [NONE | NONE << 4; 32],
        };
        for (i, &c) in bytes.iter().enumerate() {
            let bit = 1u32 << (31 - i);
            match c {
                b'0' => e.mask |= bit,
                b'1' => {
                    e.mask |= bit;
                    e.value |= bit;
                }
                b'-' => {}
                c if c.is_ascii_alphabetic() => {
                    let i = match e.field(c as char) {
                        Some(i) => i,
                        None => {
                            let n = e.n_fields as usize;
                            assert!(n < MAX_FIELDS, "too many fields in {}", row.name);
                            e.letters[n] = c;
                            let k = (c & 63) as usize;
                            e.slots[k / 2] &= !(15 << (k % 2 * 4));
                            e.slots[k / 2] |= (n as u8) << (k % 2 * 4);
                            e.n_fields += 1;
                            n
                        }
                    };
                    e.bits[i] |= bit;
                }
                _ => panic!("bad character {:?} in pattern of {}", c as char, row.name),
            }
        }
        e
    }

    /// Each field's letter and bit positions, from most to least
    /// significant, in order of first appearance in the pattern.
    pub fn fields(&self) -> Vec<(u8, Vec<u8>)> {
        (0..self.n_fields as usize)
            .map(|i| {
                let bits = (0..32u8).rev().filter(|b| self.bits[i] >> b & 1 == 1);
                (self.letters[i], bits.collect())
            })
            .collect()
    }

    /// The index in `letters` of the field named `letter`.
    fn field(&self, letter: char) -> Option<usize> {
        if !letter.is_ascii_alphabetic() {
            return None;
        }
        let k = (letter as u32 & 63) as usize;
        let i = (self.slots[k / 2] >> (k % 2 * 4)) & 15;
        (i != NONE).then_some(i as usize)
    }

    /// The word with this entry's fixed bits and `random` in every other bit:
    /// a random instance of the encoding.
    pub fn instance(&self, random: u32) -> u32 {
        (random & !self.mask) | self.value
    }

    /// Whether `word` matches this entry's fixed bits.
    pub fn matches(&self, word: u32) -> bool {
        word & self.mask == self.value
    }
}

/// The fields of one decoded word.
#[derive(Copy, Clone)]
pub struct Fields<'a> {
    pub word: u32,
    pub entry: &'a Entry,
}

impl Fields<'_> {
    /// The unsigned value of the field named `letter`. Panics if the pattern
    /// has no such field (a bug in the table or the translator).
    pub fn u(&self, letter: char) -> u32 {
        let e = self.entry;
        let i = (e.field(letter)).unwrap_or_else(|| panic!("{} has no field '{}'", e.name, letter));
        let m = e.bits[i];
        let lo = m.trailing_zeros();
        let run = m >> lo;
        if run & run.wrapping_add(1) == 0 {
            // Contiguous bits.
            return (self.word >> lo) & run;
        }
        // Gather the bits from the most significant down.
        let (mut acc, mut rest) = (0u32, m);
        while rest != 0 {
            let b = 31 - rest.leading_zeros();
            acc = (acc << 1) | ((self.word >> b) & 1);
            rest &= !(1 << b);
        }
        acc
    }

    /// The field named `letter`, sign-extended from its width.
    pub fn s(&self, letter: char) -> i64 {
        let width = self.width(letter);
        let v = self.u(letter) as i64;
        (v << (64 - width)) >> (64 - width)
    }

    /// The field as a bool (for one-bit fields).
    pub fn b(&self, letter: char) -> bool {
        self.u(letter) != 0
    }

    /// Width in bits of field `letter` (0 if absent).
    pub fn width(&self, letter: char) -> u32 {
        let e = self.entry;
        e.field(letter).map_or(0, |i| e.bits[i].count_ones())
    }

    /// Whether the pattern has a field named `letter`.
    pub fn has(&self, letter: char) -> bool {
        self.width(letter) != 0
    }
}

struct Table {
    entries: Vec<Entry>,
    /// Candidate entry indices for each value of bits 31..22, in decode
    /// order: those of key `k` are `cands[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    cands: Vec<u16>,
}

const KEY_SHIFT: u32 = 22;

/// Calls `f` with every key (value of bits 31..22) a word matching `e` can
/// have: the entry's fixed bits there plus each subset of its free bits.
fn for_each_key(e: &Entry, mut f: impl FnMut(usize)) {
    let all = (1u32 << (32 - KEY_SHIFT)) - 1;
    let kval = e.value >> KEY_SHIFT;
    let free = !(e.mask >> KEY_SHIFT) & all;
    let mut sub = 0u32;
    loop {
        f((kval | sub) as usize);
        sub = sub.wrapping_sub(free) & free;
        if sub == 0 {
            break;
        }
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let entries: Vec<Entry> = rows().iter().map(Entry::compile).collect();
        // Count the candidates of each key, then place them.
        let mut starts = vec![0u32; (1 << (32 - KEY_SHIFT)) + 1];
        for e in &entries {
            for_each_key(e, |k| starts[k + 1] += 1);
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut next = starts.clone();
        let mut cands = vec![0u16; starts[starts.len() - 1] as usize];
        for (i, e) in entries.iter().enumerate() {
            for_each_key(e, |k| {
                cands[next[k] as usize] = i as u16;
                next[k] += 1;
            });
        }
        Table {
            entries,
            starts,
            cands,
        }
    })
}

/// All compiled entries in decode order.
pub fn entries() -> &'static [Entry] {
    &table().entries
}

/// Decodes `word`; `None` when no encoding matches (an undefined or
/// unimplemented instruction).
pub fn decode(word: u32) -> Option<Fields<'static>> {
    let t = table();
    let k = (word >> KEY_SHIFT) as usize;
    t.cands[t.starts[k] as usize..t.starts[k + 1] as usize]
        .iter()
        .map(|&i| &t.entries[i as usize])
        .find(|e| e.matches(word))
        .map(|entry| Fields { word, entry })
}
