//! Entry counters of quick-tier blocks (see [`crate::backend::x64::Tier`]).
//!
//! Code runs first as a quick-tier translation, which costs about a quarter
//! less to make than a full one; a block entered [`PROMOTE_AFTER`] times is
//! translated again at the full tier. Most blocks of a short run (start-up,
//! the dynamic linker) never get there: 7 of 889 in a static hello world.

use std::sync::atomic::{AtomicI32, Ordering};

/// Entries of a quick-tier block before it asks for its full translation.
pub const PROMOTE_AFTER: i32 = 128;

/// Counters the translator hands out: one `i32` per quick-tier block, which
/// that block's code counts down (the only writer once it is published).
pub struct Counters {
    slots: Box<[AtomicI32]>,
    next: usize,
}

/// Counters available before the cache is next emptied; blocks translated
/// once they are all in use get the full tier at once.
const SLOTS: usize = 1 << 17;

impl Default for Counters {
    fn default() -> Self {
        // Zeroed memory is a valid AtomicI32 array; a large zeroed
        // allocation comes from the kernel untouched, so only the pages of
        // the counters handed out are ever faulted in.
        let slots = Box::<[AtomicI32]>::new_zeroed_slice(SLOTS);
        // SAFETY: all-zero bytes are a valid AtomicI32 (value 0).
        let slots = unsafe { slots.assume_init() };
        Counters { slots, next: 0 }
    }
}

impl Counters {
    /// The host address of a fresh counter set to [`PROMOTE_AFTER`], or
    /// `None` when all are in use.
    pub fn take(&mut self) -> Option<u64> {
        let slot = self.slots.get(self.next)?;
        self.next += 1;
        slot.store(PROMOTE_AFTER, Ordering::Relaxed);
        Some(slot.as_ptr() as u64)
    }

    /// Makes every counter available again: the blocks that counted with
    /// them are gone (the cache was emptied, with no thread running code).
    pub fn reset(&mut self) {
        self.next = 0;
    }
}

/// Marks a quick-tier block's host address in a thread's block map (host
/// addresses are 16-byte aligned).
pub const QUICK_TAG: u64 = 1;

/// The link sites one thread pointed at quick-tier blocks, by block: when
/// the thread promotes a block it points them at the full-tier block, so
/// that hot chains do not keep going through the old block's entry jump.
/// (Sites other threads linked still reach the new block through that
/// jump.)
#[derive(Default)]
pub struct Incoming {
    /// Block host address → its first two sites (0: none).
    first: super::addr_map::AddrMap<[u64; 2]>,
    /// Block host address → its further sites. A map, not a list to
    /// search: python3's bench script promoted 7 692 blocks, and scanning
    /// a list of every block's further sites at each promotion took 1 % of
    /// its run.
    more: super::addr_map::AddrMap<Vec<u64>>,
}

impl Incoming {
    /// Records that the jump ending at `site` now goes to quick-tier block
    /// `block`.
    pub fn note(&mut self, block: u64, site: u64) {
        let e = self.first.entry(block).or_insert([0; 2]);
        match e.iter_mut().find(|s| **s == 0) {
            Some(s) => *s = site,
            None => self.more.entry(block).or_default().push(site),
        }
    }

    /// Takes the sites recorded for `block`.
    pub fn take(&mut self, block: u64) -> Vec<u64> {
        let mut sites = self.more.remove(&block).unwrap_or_default();
        let first = self.first.remove(&block).into_iter().flatten();
        sites.extend(first.filter(|&s| s != 0));
        sites
    }

    /// Forgets everything (the cache was emptied).
    pub fn clear(&mut self) {
        self.first.clear();
        self.more.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_sites_are_taken_per_block() {
        let mut i = Incoming::default();
        for site in [0x10, 0x20, 0x30, 0x40] {
            i.note(0x1000, site);
        }
        i.note(0x2000, 0x50);
        let mut got = i.take(0x1000);
        got.sort();
        assert_eq!(got, [0x10, 0x20, 0x30, 0x40]);
        assert!(i.take(0x1000).is_empty());
        assert_eq!(i.take(0x2000), [0x50]);
        i.note(0x3000, 0x60);
        i.clear();
        assert!(i.take(0x3000).is_empty());
    }

    #[test]
    fn taking_sites_costs_no_scan_of_other_blocks() {
        // Taking one block's sites must not scan every block's: with a
        // scan, taking 40 000 blocks' sites (ten each) costs about 6 * 10^9
        // steps, seconds; without, milliseconds.
        let mut i = Incoming::default();
        let n = 40_000u64;
        for b in 0..n {
            for site in 1..=10 {
                i.note(b << 8, (b << 8) + site);
            }
        }
        let started = std::time::Instant::now();
        for b in 0..n {
            let mut got = i.take(b << 8);
            got.sort();
            assert_eq!(got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(|s| (b << 8) + s));
        }
        let took = started.elapsed();
        assert!(took.as_secs_f64() < 1.5, "{took:?}");
    }

    #[test]
    fn counters_are_distinct_set_and_reused_after_a_reset() {
        let mut c = Counters::default();
        let a = c.take().unwrap();
        let b = c.take().unwrap();
        assert_eq!(b, a + 4);
        // SAFETY: `a` is the address of a live counter of `c`.
        assert_eq!(unsafe { *(a as *const i32) }, PROMOTE_AFTER);
        c.reset();
        assert_eq!(c.take(), Some(a));
        c.next = SLOTS;
        assert_eq!(c.take(), None);
    }
}
