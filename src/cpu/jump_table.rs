//! A thread's indirect-branch table, which translated code probes inline
//! (`backend::x64::emit_term`) and the dispatcher fills.
//!
//! Two-way set associative: [`WAYS`] arrays of [`JUMP_TABLE_ENTRIES`]
//! entries `[guest_pc, host_addr]`, one after the other; guest `pc` may sit
//! in entry [`slot`]`(pc)` of either array. A probe looks in the first way,
//! then, if that entry holds a target (a host address), in the second: a
//! target is only ever in the second way behind one in the first. The dispatcher puts a new target in the first way
//! and moves what was there to the second, so two targets whose slots
//! coincide (code 256 KiB apart: functions at the same offset in two
//! libraries, mapped at aligned addresses) both stay in the table instead
//! of evicting each other on every call, which took each of them back to
//! the dispatcher (sqlite3 did so 160 000 times in the bench's script).
//!
//! Its pages are touched only where probes and the dispatcher reach (about
//! one page per branch target, as the index spreads them: a probe reads the
//! page, mapping the zero page, then the dispatcher writes it, two faults).
//! The table is therefore one 2 MiB-aligned mapping marked for transparent
//! huge pages ([`HugeTable`]): one fault that zeroes 2 MiB instead of
//! about 130 faults in a static hello world and 290 in a dynamic one. The
//! huge page is faulted in by the dispatcher's first write, not before:
//! the only entry written when the table is made (the first way's slot 0,
//! see [`empty_entry`]) lies in a 4 KiB page of its own below it, and the
//! second way's slot 0 is written with the first target put in the first
//! way's (until then no probe reads it). A program that makes no indirect
//! branch (or exits before its first) never pays for the 2 MiB. A
//! huge page is 2 MiB resident, so only [`HUGE_TABLES`] table at a time
//! gets them (the first thread's); the others, and the always-empty table
//! of a CPU state without a dispatcher, keep 4 KiB pages. A table that starts
//! small and grows was tried: translated code then reads the table's size
//! from the CPU state, and that load made the threaded interpreter kernel
//! (`bench/kernels/interp.c`) 3% slower, for about 130 page faults fewer
//! in a dynamic hello world.

use super::huge_table::HugeTable;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Entries in each way (a power of two).
pub const JUMP_TABLE_ENTRIES: usize = 1 << 16;

/// Ways of the table.
pub const WAYS: usize = 2;

/// Byte offset of the second way from the start of the table.
pub const WAY1_OFFSET: i32 = (JUMP_TABLE_ENTRIES * 16) as i32;

/// The entry index, in each way, of guest `pc`.
pub fn slot(pc: u64) -> usize {
    (pc >> 2) as usize & (JUMP_TABLE_ENTRIES - 1)
}

/// An unused entry for slot `i`. Its tag is a pc that hashes to another
/// slot, so no branch target can ever match it (a fixed tag such as
/// `u64::MAX` would match a branch to that very address): pc 0 for every
/// slot but slot 0, where pc 0 belongs, and pc 4 there. So a table is all
/// zeros but its slot-0 entries, and a fresh one costs no more than the
/// pages the guest's indirect branches touch. A fresh table holds this in
/// the first way's slot 0 only: the second way's slot 0 stays all zeros
/// (which would match pc 0) until a target goes into the first way's, as
/// no probe looks at the second way behind an entry without a target.
pub fn empty_entry(i: usize) -> [u64; 2] {
    if i.is_multiple_of(JUMP_TABLE_ENTRIES) {
        [4, 0]
    } else {
        [0, 0]
    }
}

/// One thread's table.
pub struct JumpTable {
    entries: HugeTable<[u64; 2]>,
    /// Whether it counts against [`HUGE_TABLES`].
    huge: bool,
}

/// Tables backed by huge pages at most at a time: a huge page is 2 MiB
/// resident once touched, so only the first thread's table (the one that
/// runs the start-up) gets one, and a process with more threads gives the
/// others 4 KiB pages (with four huge tables the 5-thread mutex4 kernel
/// peaked at 14.3 MiB instead of 6.7, for no CPU time saved).
const HUGE_TABLES: usize = 1;

/// Tables backed by huge pages now.
static HUGE_LIVE: AtomicUsize = AtomicUsize::new(0);

impl Default for JumpTable {
    /// A table with every entry empty, on huge pages while fewer than
    /// [`HUGE_TABLES`] live tables have them: a start-up's few hundred
    /// branch targets touch about one page each, which huge pages make one
    /// fault.
    fn default() -> Self {
        let huge = HUGE_LIVE.fetch_add(1, Ordering::Relaxed) < HUGE_TABLES;
        if !huge {
            HUGE_LIVE.fetch_sub(1, Ordering::Relaxed);
        }
        Self::with_pages(huge)
    }
}

impl Drop for JumpTable {
    fn drop(&mut self) {
        if self.huge {
            HUGE_LIVE.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl JumpTable {
    /// A table with every entry empty, in zeroed memory taken fresh from
    /// the kernel (untouched pages cost nothing until used), on huge pages
    /// when `huge`.
    fn with_pages(huge: bool) -> Self {
        // SAFETY: all-zero bytes are a valid [u64; 2].
        let mut entries = unsafe { HugeTable::zeroed(WAYS * JUMP_TABLE_ENTRIES, 1, huge) };
        entries[0] = empty_entry(0);
        JumpTable { entries, huge }
    }
}

impl JumpTable {
    /// The address translated code probes.
    pub fn as_ptr(&self) -> u64 {
        self.entries.as_ptr() as u64
    }

    /// The index of the entry a probe for `pc` hits, if any: the first
    /// way's, else, behind a target there, the second way's.
    fn find(&self, pc: u64) -> Option<usize> {
        let i = slot(pc);
        let first = self.entries[i];
        if first[0] == pc {
            return Some(i);
        }
        let i = JUMP_TABLE_ENTRIES + i;
        (first[1] != 0 && self.entries[i][0] == pc).then_some(i)
    }

    /// The host address the table holds for `pc`, if any.
    pub fn get(&self, pc: u64) -> Option<u64> {
        self.find(pc).map(|i| self.entries[i][1])
    }

    /// Makes `pc` lead to `host`: in place if `pc` is there already, else
    /// in the first way, the entry there moving to the second.
    pub fn insert(&mut self, pc: u64, host: u64) {
        if let Some(i) = self.find(pc) {
            self.entries[i][1] = host;
            return;
        }
        let i = slot(pc);
        // An empty first-way entry is not moved: writing it to the second
        // way would touch a page of it for nothing (a page fault at start-up).
        if self.entries[i] != empty_entry(i) {
            self.entries[JUMP_TABLE_ENTRIES + i] = self.entries[i];
        } else if i == 0 {
            // Probes of pc 0 read the second way's slot 0 from now on.
            self.entries[JUMP_TABLE_ENTRIES] = empty_entry(0);
        }
        self.entries[i] = [pc, host];
    }

    /// Points the entry of `pc`, if it leads to `old`, at `new`.
    pub fn retarget(&mut self, pc: u64, old: u64, new: u64) {
        let i = slot(pc);
        for w in 0..WAYS {
            let e = &mut self.entries[w * JUMP_TABLE_ENTRIES + i];
            if *e == [pc, old] {
                e[1] = new;
            }
        }
    }

    /// Empties every entry.
    pub fn clear(&mut self) {
        for (i, e) in self.entries.iter_mut().enumerate() {
            *e = empty_entry(i);
        }
    }
}

/// The table of a [`super::CpuState`] whose dispatcher has none: always
/// empty.
pub fn shared_empty() -> u64 {
    static T: std::sync::OnceLock<JumpTable> = std::sync::OnceLock::new();
    T.get_or_init(|| JumpTable::with_pages(false)).as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_entries_match_no_branch_target() {
        let t = JumpTable::default();
        assert_eq!(t.entries.len(), WAYS * JUMP_TABLE_ENTRIES);
        for (i, e) in t.entries.iter().enumerate() {
            if i == JUMP_TABLE_ENTRIES {
                // Written with the first target in the first way's slot 0.
                assert_eq!(*e, [0, 0]);
                continue;
            }
            assert_eq!(*e, empty_entry(i));
            // A probe of pc compares the tags of slot(pc) with pc: the tag
            // must belong to another slot.
            assert_ne!(slot(e[0]), i % JUMP_TABLE_ENTRIES, "entry {i}");
        }
        assert_eq!(t.entries[slot(0x40_0000)], [4, 0]);
        assert_eq!(t.entries[1], [0, 0]);
        assert_eq!(t.get(0), None);
        assert_eq!(t.get(4), None);
    }

    #[test]
    fn pc_0_matches_nothing_once_slot_0_holds_targets() {
        let mut t = JumpTable::default();
        let (a, b) = (0x7000_0000, 0x7004_0000);
        assert_eq!((slot(a), slot(b)), (0, 0));
        t.insert(a, 0x10);
        assert_eq!((t.get(0), t.get(4), t.get(a)), (None, None, Some(0x10)));
        assert_eq!(t.entries[JUMP_TABLE_ENTRIES], empty_entry(0));
        t.insert(b, 0x20);
        assert_eq!(
            (t.get(0), t.get(a), t.get(b)),
            (None, Some(0x10), Some(0x20))
        );
    }

    #[test]
    fn only_slot_0_of_the_first_way_is_written_when_made() {
        let t = JumpTable::default();
        // It lies below the 2 MiB the rest of the table takes, so that
        // making the table faults in no huge page.
        let p = t.as_ptr() as usize;
        assert_eq!((p + 16) % super::super::huge_table::HUGE_PAGE, 0);
    }

    #[test]
    fn targets_sharing_a_slot_both_stay() {
        let mut t = JumpTable::default();
        let (a, b, c) = (0x7000_1000, 0x7004_1000, 0x7008_1000);
        assert_eq!(slot(a), slot(b));
        assert_eq!(slot(a), slot(c));
        t.insert(a, 0x10);
        // The second way is left untouched while the first has room.
        assert_eq!(
            t.entries[JUMP_TABLE_ENTRIES + slot(a)],
            empty_entry(slot(a))
        );
        t.insert(b, 0x20);
        assert_eq!((t.get(a), t.get(b)), (Some(0x10), Some(0x20)));
        // The newest is in the first way, where the probe looks first.
        assert_eq!(t.entries[slot(b)], [b, 0x20]);
        assert_eq!(t.entries[WAY1_OFFSET as usize / 16 + slot(a)], [a, 0x10]);
        // Re-inserting one in place does not evict the other.
        t.insert(a, 0x11);
        assert_eq!((t.get(a), t.get(b)), (Some(0x11), Some(0x20)));
        // A third evicts the second way's entry (a); the first way's
        // (b) moves there.
        t.insert(c, 0x30);
        assert_eq!(
            (t.get(c), t.get(b), t.get(a)),
            (Some(0x30), Some(0x20), None)
        );
        t.retarget(b, 0x20, 0x21);
        t.retarget(c, 0x99, 0x31);
        assert_eq!((t.get(c), t.get(b)), (Some(0x30), Some(0x21)));
        t.clear();
        assert_eq!((t.get(c), t.get(b)), (None, None));
        assert_eq!(t.entries[0], [4, 0]);
    }
}
