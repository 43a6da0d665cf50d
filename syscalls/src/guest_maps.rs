//! Which address ranges belong to the guest.
//!
//! Guest addresses are host addresses, so the guest's mappings and emu's own (its
//! binary, heap, thread stacks, code cache) share one address space. This record says
//! which ranges the guest owns: the loader's mappings, and every mapping the guest
//! makes or removes through the syscall layer. /proc/self/maps is the host's, clipped
//! to it. Only membership is kept: permissions, offsets and names come from the host.

use std::collections::BTreeMap;

/// A set of half-open address ranges `[start, end)`, kept disjoint, sorted, and with
/// touching ranges merged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeSet {
    /// start → end.
    ranges: BTreeMap<u64, u64>,
}

impl RangeSet {
    pub fn new() -> RangeSet {
        RangeSet::default()
    }

    /// Adds `[start, end)`, merging with every range it overlaps or touches.
    pub fn insert(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        let (mut lo, mut hi) = (start, end);
        // The range starting at or before `start` may reach into it.
        if let Some((&s, &e)) = self.ranges.range(..=start).next_back() {
            if e >= start {
                lo = s;
                hi = hi.max(e);
            }
        }
        // Ranges starting inside [lo, end] are swallowed.
        let inside: Vec<u64> = self.ranges.range(lo..=end).map(|(&s, _)| s).collect();
        for s in inside {
            if let Some(e) = self.ranges.remove(&s) {
                hi = hi.max(e);
            }
        }
        self.ranges.insert(lo, hi);
    }

    /// Removes `[start, end)`, splitting a range that extends past either side.
    pub fn remove(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        let mut keep = Vec::new();
        if let Some((&s, &e)) = self.ranges.range(..start).next_back() {
            if e > start {
                self.ranges.remove(&s);
                keep.push((s, start));
                if e > end {
                    keep.push((end, e));
                }
            }
        }
        let inside: Vec<u64> = self.ranges.range(start..end).map(|(&s, _)| s).collect();
        for s in inside {
            if let Some(e) = self.ranges.remove(&s) {
                if e > end {
                    keep.push((end, e));
                }
            }
        }
        for (s, e) in keep {
            self.ranges.insert(s, e);
        }
    }

    /// Whether `addr` lies in the set.
    pub fn contains(&self, addr: u64) -> bool {
        self.ranges
            .range(..=addr)
            .next_back()
            .is_some_and(|(_, &e)| addr < e)
    }

    /// The parts of `[start, end)` in the set, in address order.
    pub fn clip(&self, start: u64, end: u64) -> Vec<(u64, u64)> {
        let first = self
            .ranges
            .range(..=start)
            .next_back()
            .map_or(start, |(&s, _)| s);
        self.ranges
            .range(first..end)
            .filter_map(|(&s, &e)| {
                let (lo, hi) = (s.max(start), e.min(end));
                (lo < hi).then_some((lo, hi))
            })
            .collect()
    }

    /// Every range, in address order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.ranges.iter().map(|(&s, &e)| (s, e))
    }

    /// Total bytes in the set.
    pub fn total(&self) -> u64 {
        self.iter().map(|(s, e)| e - s).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(r: &[(u64, u64)]) -> RangeSet {
        let mut s = RangeSet::new();
        for &(a, b) in r {
            s.insert(a, b);
        }
        s
    }

    fn all(s: &RangeSet) -> Vec<(u64, u64)> {
        s.iter().collect()
    }

    #[test]
    fn insert_keeps_disjoint_ranges_apart() {
        let s = set(&[(0x3000, 0x4000), (0x1000, 0x2000)]);
        assert_eq!(all(&s), [(0x1000, 0x2000), (0x3000, 0x4000)]);
        assert_eq!(s.total(), 0x2000);
    }

    #[test]
    fn insert_merges_touching_and_overlapping() {
        let mut s = set(&[(0x1000, 0x2000), (0x3000, 0x4000), (0x6000, 0x7000)]);
        s.insert(0x2000, 0x3000);
        assert_eq!(all(&s), [(0x1000, 0x4000), (0x6000, 0x7000)]);
        s.insert(0x1800, 0x6800);
        assert_eq!(all(&s), [(0x1000, 0x7000)]);
        s.insert(0x0, 0x8000);
        assert_eq!(all(&s), [(0x0, 0x8000)]);
        s.insert(0x2000, 0x3000);
        assert_eq!(all(&s), [(0x0, 0x8000)]);
    }

    #[test]
    fn empty_ranges_change_nothing() {
        let mut s = set(&[(0x1000, 0x2000)]);
        s.insert(0x5000, 0x5000);
        s.remove(0x1800, 0x1800);
        assert_eq!(all(&s), [(0x1000, 0x2000)]);
    }

    #[test]
    fn remove_splits_a_range() {
        let mut s = set(&[(0x1000, 0x5000)]);
        s.remove(0x2000, 0x3000);
        assert_eq!(all(&s), [(0x1000, 0x2000), (0x3000, 0x5000)]);
        assert!(!s.contains(0x2000) && !s.contains(0x2fff));
        assert!(s.contains(0x1fff) && s.contains(0x3000));
    }

    #[test]
    fn remove_trims_and_drops_across_ranges() {
        let mut s = set(&[(0x1000, 0x2000), (0x3000, 0x4000), (0x5000, 0x6000)]);
        s.remove(0x1800, 0x5800);
        assert_eq!(all(&s), [(0x1000, 0x1800), (0x5800, 0x6000)]);
        s.remove(0x0, 0x1800);
        assert_eq!(all(&s), [(0x5800, 0x6000)]);
        s.remove(0x5800, 0x6000);
        assert_eq!(all(&s), []);
    }

    #[test]
    fn remove_outside_changes_nothing() {
        let mut s = set(&[(0x1000, 0x2000)]);
        s.remove(0x2000, 0x3000);
        s.remove(0x0, 0x1000);
        assert_eq!(all(&s), [(0x1000, 0x2000)]);
    }

    #[test]
    fn clip_returns_the_overlap() {
        let s = set(&[(0x1000, 0x2000), (0x3000, 0x4000)]);
        assert_eq!(s.clip(0x1800, 0x3800), [(0x1800, 0x2000), (0x3000, 0x3800)]);
        assert_eq!(s.clip(0x0, 0x1000), []);
        assert_eq!(s.clip(0x2000, 0x3000), []);
        assert_eq!(s.clip(0x0, 0x10000), [(0x1000, 0x2000), (0x3000, 0x4000)]);
    }

    #[test]
    fn top_of_the_address_space() {
        let mut s = set(&[(u64::MAX - 0x1000, u64::MAX)]);
        assert!(s.contains(u64::MAX - 1));
        s.remove(u64::MAX - 0x800, u64::MAX);
        assert_eq!(all(&s), [(u64::MAX - 0x1000, u64::MAX - 0x800)]);
    }
}
