//! Table-driven A64 decoder: compiles the patterns of [`super::encodings`]
//! into masks and field extractors at build time (constant evaluation),
//! bucketed by the top ten bits of the word so a lookup tries only a few
//! candidates.

use super::encodings::{Insn, N_ROWS, ROWS};

/// A compiled table row. It holds no pointers: the table is constant data
/// that start-up neither computes nor relocates, and only the pages the
/// decoder reads are ever loaded.
#[derive(Debug)]
pub struct Entry {
    pub insn: Insn,
    /// Index in [`ROWS`] (for the name and the pattern).
    row: u16,
    /// Bits that are fixed by the pattern.
    pub mask: u32,
    /// Their values.
    pub value: u32,
    /// Bit `c & 63` set for each field letter `c` (letters are ASCII, and
    /// `c & 63` tells them apart).
    letters: u64,
    /// The mask of each field's bits, fields in the order of `c & 63`: the
    /// field of letter `c` is the number of `letters` bits below its own.
    bits: [u32; MAX_FIELDS],
}

/// Most fields in one pattern.
const MAX_FIELDS: usize = 10;

impl Entry {
    /// Compiles row `index`; the whole table is compiled at build time (see
    /// [`ENTRIES`]), so a bad pattern fails the build.
    const fn compile(index: usize) -> Entry {
        let row = &ROWS[index];
        let bytes = row.pattern.as_bytes();
        assert!(bytes.len() == 32, "a pattern is not 32 bits");
        let mut e = Entry {
            insn: row.insn,
            row: index as u16,
            mask: 0,
            value: 0,
            letters: 0,
            bits: [0; MAX_FIELDS],
        };
        let mut i = 0;
        while i < 32 {
            let c = bytes[i];
            match c {
                b'0' | b'1' | b'-' => {}
                c if c.is_ascii_alphabetic() => e.letters |= 1 << (c & 63),
                _ => panic!("bad character in a pattern"),
            }
            i += 1;
        }
        assert!(
            e.letters.count_ones() as usize <= MAX_FIELDS,
            "too many fields in a pattern"
        );
        let mut i = 0;
        while i < 32 {
            let bit = 1u32 << (31 - i);
            match bytes[i] {
                b'0' => e.mask |= bit,
                b'1' => {
                    e.mask |= bit;
                    e.value |= bit;
                }
                b'-' => {}
                c => match e.slot(c) {
                    Some(f) => e.bits[f] |= bit,
                    None => unreachable!(),
                },
            }
            i += 1;
        }
        e
    }

    /// The encoding's name (as in the table).
    pub fn name(&self) -> &'static str {
        ROWS[self.row as usize].name
    }

    /// The encoding's bit pattern (as in the table).
    pub fn pattern(&self) -> &'static str {
        ROWS[self.row as usize].pattern
    }

    /// Each field's letter and bit positions, from most to least
    /// significant, in order of first appearance in the pattern.
    pub fn fields(&self) -> Vec<(u8, Vec<u8>)> {
        let mut out: Vec<(u8, Vec<u8>)> = Vec::new();
        for (i, c) in self.pattern().bytes().enumerate() {
            if c.is_ascii_alphabetic() {
                let bit = 31 - i as u8;
                match out.iter_mut().find(|(l, _)| *l == c) {
                    Some((_, bits)) => bits.push(bit),
                    None => out.push((c, vec![bit])),
                }
            }
        }
        out
    }

    /// The index in `bits` of the field named by ASCII letter `c`.
    const fn slot(&self, c: u8) -> Option<usize> {
        let k = c & 63;
        if self.letters >> k & 1 == 0 {
            return None;
        }
        Some((self.letters & ((1 << k) - 1)).count_ones() as usize)
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
    #[inline]
    pub fn u(&self, letter: char) -> u32 {
        let e = self.entry;
        let info = &FIELD_INFO[e.row as usize];
        let i = info
            .slot(letter)
            .unwrap_or_else(|| panic!("{} has no field '{}'", e.name(), letter));
        let run = info.run[i];
        if run != 0 {
            // Contiguous bits.
            return (self.word >> info.lo[i]) & run;
        }
        // Gather the bits from the most significant down.
        let (mut acc, mut rest) = (0u32, e.bits[i]);
        while rest != 0 {
            let b = 31 - rest.leading_zeros();
            acc = (acc << 1) | ((self.word >> b) & 1);
            rest &= !(1 << b);
        }
        acc
    }

    /// The field named `letter`, sign-extended from its width.
    #[inline]
    pub fn s(&self, letter: char) -> i64 {
        let width = self.width(letter);
        let v = self.u(letter) as i64;
        (v << (64 - width)) >> (64 - width)
    }

    /// The field as a bool (for one-bit fields).
    #[inline]
    pub fn b(&self, letter: char) -> bool {
        self.u(letter) != 0
    }

    /// Width in bits of field `letter` (0 if absent).
    #[inline]
    pub fn width(&self, letter: char) -> u32 {
        let info = &FIELD_INFO[self.entry.row as usize];
        info.slot(letter).map_or(0, |i| info.width[i] as u32)
    }

    /// Whether the pattern has a field named `letter`.
    #[inline]
    pub fn has(&self, letter: char) -> bool {
        self.width(letter) != 0
    }
}

const KEY_SHIFT: u32 = 22;

/// Number of keys (values of bits 31..22).
const N_KEYS: usize = 1 << (32 - KEY_SHIFT);

/// The key a word matching `e` has with `sub` (a subset of the entry's
/// free key bits) set, and the next subset (0 after the last): the keys of
/// an entry are its fixed bits there plus each subset of its free bits.
const fn key_and_next(e: &Entry, sub: u32) -> (usize, u32) {
    let all = (1u32 << (32 - KEY_SHIFT)) - 1;
    let free = !(e.mask >> KEY_SHIFT) & all;
    (
        ((e.value >> KEY_SHIFT) | sub) as usize,
        sub.wrapping_sub(free) & free,
    )
}

/// Every row compiled, in decode order.
static ENTRIES: [Entry; N_ROWS] = {
    let mut out = [const { Entry::compile(0) }; N_ROWS];
    let mut i = 1;
    while i < N_ROWS {
        out[i] = Entry::compile(i);
        i += 1;
    }
    out
};

/// What [`Fields`] needs to extract a field of a row at once, computed at
/// build time from the row's [`Entry`]: the slot of each field letter and,
/// per slot, where a field of contiguous bits starts and its mask. Kept
/// apart from [`ENTRIES`], whose masks and values a lookup scans, so
/// that the scan reads as few pages as before.
struct FieldInfo {
    /// The index in [`Entry::bits`] of the field whose letter `c` has
    /// `c & 63 == k`, at `k`; [`NO_FIELD`] for none.
    slot_of: [u8; 64],
    /// A contiguous field's lowest bit.
    lo: [u8; MAX_FIELDS],
    /// A contiguous field's mask once shifted down by `lo`; 0 for a field
    /// of separate bit runs, which [`Fields::u`] gathers bit by bit.
    run: [u32; MAX_FIELDS],
    /// Each field's width in bits.
    width: [u8; MAX_FIELDS],
}

/// [`FieldInfo::slot_of`] of a letter that names no field.
const NO_FIELD: u8 = u8::MAX;

impl FieldInfo {
    const fn of(e: &Entry) -> FieldInfo {
        let mut f = FieldInfo {
            slot_of: [NO_FIELD; 64],
            lo: [0; MAX_FIELDS],
            run: [0; MAX_FIELDS],
            width: [0; MAX_FIELDS],
        };
        let mut k = 0;
        while k < 64 {
            if let Some(i) = e.slot(k as u8) {
                f.slot_of[k] = i as u8;
            }
            k += 1;
        }
        let mut i = 0;
        while i < MAX_FIELDS {
            let m = e.bits[i];
            let lo = if m == 0 { 0 } else { m.trailing_zeros() };
            let run = m >> lo;
            f.lo[i] = lo as u8;
            f.run[i] = if run & run.wrapping_add(1) == 0 {
                run
            } else {
                0
            };
            f.width[i] = m.count_ones() as u8;
            i += 1;
        }
        f
    }

    /// The index in [`Entry::bits`] of the field named `letter`.
    #[inline]
    fn slot(&self, letter: char) -> Option<usize> {
        if !letter.is_ascii_alphabetic() {
            return None;
        }
        match self.slot_of[(letter as u8 & 63) as usize] {
            NO_FIELD => None,
            i => Some(i as usize),
        }
    }
}

/// [`FieldInfo`] of every row, indexed like [`ENTRIES`].
static FIELD_INFO: [FieldInfo; N_ROWS] = {
    let mut out = [const { FieldInfo::of(&ENTRIES[0]) }; N_ROWS];
    let mut i = 1;
    while i < N_ROWS {
        out[i] = FieldInfo::of(&ENTRIES[i]);
        i += 1;
    }
    out
};

/// For each key `k`, its candidates are `CANDS[STARTS[k]..STARTS[k + 1]]`.
const STARTS_OF: [u32; N_KEYS + 1] = {
    let mut starts = [0u32; N_KEYS + 1];
    let mut i = 0;
    while i < N_ROWS {
        let mut sub = 0;
        loop {
            let (k, next) = key_and_next(&ENTRIES[i], sub);
            starts[k + 1] += 1;
            sub = next;
            if sub == 0 {
                break;
            }
        }
        i += 1;
    }
    let mut k = 1;
    while k <= N_KEYS {
        starts[k] += starts[k - 1];
        k += 1;
    }
    starts
};

const N_CANDS: usize = STARTS_OF[N_KEYS] as usize;

/// Candidate entry indices of every key, in decode order.
const CANDS_OF: [u16; N_CANDS] = {
    let mut next = STARTS_OF;
    let mut cands = [0u16; N_CANDS];
    let mut i = 0;
    while i < N_ROWS {
        let mut sub = 0;
        loop {
            let (k, n) = key_and_next(&ENTRIES[i], sub);
            cands[next[k] as usize] = i as u16;
            next[k] += 1;
            sub = n;
            if sub == 0 {
                break;
            }
        }
        i += 1;
    }
    cands
};

static STARTS: [u32; N_KEYS + 1] = STARTS_OF;
static CANDS: [u16; N_CANDS] = CANDS_OF;

/// All compiled entries in decode order.
pub fn entries() -> &'static [Entry] {
    &ENTRIES
}

/// Decodes `word`; `None` when no encoding matches (an undefined or
/// unimplemented instruction).
pub fn decode(word: u32) -> Option<Fields<'static>> {
    let k = (word >> KEY_SHIFT) as usize;
    CANDS[STARTS[k] as usize..STARTS[k + 1] as usize]
        .iter()
        .map(|&i| &ENTRIES[i as usize])
        .find(|e| e.matches(word))
        .map(|entry| Fields { word, entry })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of every row, read through the slots computed at build
    /// time, is the pattern's bits of that letter gathered one by one from
    /// the most significant down, with the pattern's width; letters the
    /// pattern lacks are no field.
    #[test]
    fn fields_read_the_bits_the_pattern_names() {
        let mut x: u32 = 0x9e37_79b9;
        for e in entries() {
            let fields = e.fields();
            for _ in 0..16 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let word = e.instance(x);
                let f = Fields { word, entry: e };
                for (letter, bits) in &fields {
                    let want = bits.iter().fold(0, |acc, &b| acc << 1 | (word >> b) & 1);
                    let c = *letter as char;
                    assert_eq!(f.u(c), want, "{} field {c} of {word:#010x}", e.name());
                    assert_eq!(f.width(c), bits.len() as u32, "{} field {c}", e.name());
                }
            }
            let f = Fields { word: 0, entry: e };
            for c in ('a'..='z').chain('A'..='Z').chain(['0', '1', '-', '_']) {
                let named = fields.iter().any(|(l, _)| *l as char == c);
                assert_eq!(f.has(c), named, "{} letter {c}", e.name());
            }
        }
    }
}
