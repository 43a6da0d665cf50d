//! Entry counters of quick-tier blocks (see [`crate::backend::x64::Tier`]).
//!
//! Code runs first as a quick-tier translation, which costs about a third
//! less to make than a full one; a block entered [`PROMOTE_AFTER`] times is
//! translated again at the full tier. Most blocks of a short run (start-up,
//! the dynamic linker, a configure script's tools) never get there.

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

#[cfg(test)]
mod tests {
    use super::*;

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
