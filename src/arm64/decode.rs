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
    /// For each ASCII letter, its index in `fields` (`NONE` if absent).
    slot: [u8; 128],
    /// For each field: (lowest bit, width) when its bits are contiguous.
    spans: Vec<Option<(u8, u8)>>,
}

const NONE: u8 = u8::MAX;

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
        let mut slot = [NONE; 128];
        for (i, (c, _)) in fields.iter().enumerate() {
            slot[*c as usize] = i as u8;
        }
        let spans = fields
            .iter()
            .map(|(_, bits)| {
                let lo = *bits.last().expect("a field has bits");
                let contiguous = bits.iter().rev().zip(lo..).all(|(&b, want)| b == want);
                contiguous.then_some((lo, bits.len() as u8))
            })
            .collect();
        Entry {
            insn: row.insn,
            name: row.name,
            pattern: row.pattern,
            mask,
            value,
            fields,
            slot,
            spans,
        }
    }

    /// The index in `fields` of the field named `letter`.
    fn field(&self, letter: char) -> Option<usize> {
        let i = *self.slot.get(letter as usize)?;
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
        if let Some((lo, width)) = e.spans[i] {
            return ((self.word as u64 >> lo) & ((1u64 << width) - 1)) as u32;
        }
        (e.fields[i].1.iter()).fold(0u32, |acc, &b| (acc << 1) | ((self.word >> b) & 1))
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
        e.field(letter).map_or(0, |i| e.fields[i].1.len() as u32)
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
