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
    /// For each field letter, its bit positions from most to least significant.
    pub fields: Vec<(u8, Vec<u8>)>,
}

impl Entry {
    fn compile(row: &Row) -> Entry {
        let bytes = row.pattern.as_bytes();
        assert_eq!(bytes.len(), 32, "pattern of {} is not 32 bits", row.name);
        let mut mask = 0u32;
        let mut value = 0u32;
        let mut fields: Vec<(u8, Vec<u8>)> = Vec::new();
        for (i, &c) in bytes.iter().enumerate() {
            let bit = 31 - i as u32;
            match c {
                b'0' => mask |= 1 << bit,
                b'1' => {
                    mask |= 1 << bit;
                    value |= 1 << bit;
                }
                b'-' => {}
                c if c.is_ascii_alphabetic() => match fields.iter_mut().find(|(l, _)| *l == c) {
                    Some((_, bits)) => bits.push(bit as u8),
                    None => fields.push((c, vec![bit as u8])),
                },
                _ => panic!("bad character {:?} in pattern of {}", c as char, row.name),
            }
        }
        Entry {
            insn: row.insn,
            name: row.name,
            pattern: row.pattern,
            mask,
            value,
            fields,
        }
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
        let (_, bits) = self
            .entry
            .fields
            .iter()
            .find(|(l, _)| *l == letter as u8)
            .unwrap_or_else(|| panic!("{} has no field '{}'", self.entry.name, letter));
        bits.iter()
            .fold(0u32, |acc, &b| (acc << 1) | ((self.word >> b) & 1))
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
        self.entry
            .fields
            .iter()
            .find(|(l, _)| *l == letter as u8)
            .map_or(0, |(_, b)| b.len() as u32)
    }

    /// Whether the pattern has a field named `letter`.
    pub fn has(&self, letter: char) -> bool {
        self.width(letter) != 0
    }
}

struct Table {
    entries: Vec<Entry>,
    /// Candidate entry indices for each value of bits 31..22.
    buckets: Vec<Vec<u16>>,
}

const KEY_SHIFT: u32 = 22;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let entries: Vec<Entry> = rows().iter().map(Entry::compile).collect();
        let mut buckets = vec![Vec::new(); 1 << (32 - KEY_SHIFT)];
        let all = (1u32 << (32 - KEY_SHIFT)) - 1;
        for (i, e) in entries.iter().enumerate() {
            let kval = e.value >> KEY_SHIFT;
            let free = !(e.mask >> KEY_SHIFT) & all;
            // Every key that agrees with the entry's fixed bits: kval plus
            // each subset of the free bits.
            let mut sub = 0u32;
            loop {
                buckets[(kval | sub) as usize].push(i as u16);
                sub = sub.wrapping_sub(free) & free;
                if sub == 0 {
                    break;
                }
            }
        }
        Table { entries, buckets }
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
    t.buckets[(word >> KEY_SHIFT) as usize]
        .iter()
        .map(|&i| &t.entries[i as usize])
        .find(|e| e.matches(word))
        .map(|entry| Fields { word, entry })
}
