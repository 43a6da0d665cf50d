//! Hash maps keyed by guest or host addresses, with a hash that costs a
//! multiply instead of SipHash's rounds: the translator looks blocks, pages
//! and successors up by address many times per block, and its keys are not
//! chosen by an adversary who could aim at collisions.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A map from addresses (or other integers) to `V`.
pub type AddrMap<V> = HashMap<u64, V, BuildHasherDefault<AddrHasher>>;

/// A set of addresses.
pub type AddrSet = HashSet<u64, BuildHasherDefault<AddrHasher>>;

/// Multiplicative hashing. The table takes its bucket from the low bits of
/// the hash and a tag from the top 7, so `finish` folds the well-mixed high
/// half of the product into the low half (instruction addresses have their
/// two low bits clear, which a bare product would keep clear).
#[derive(Default, Clone, Copy)]
pub struct AddrHasher(u64);

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(K);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn instruction_addresses_spread_over_buckets() {
        let b = BuildHasherDefault::<AddrHasher>::default();
        let mut low = std::collections::HashSet::new();
        for pc in (0x40_0000u64..0x40_4000).step_by(4) {
            low.insert(b.hash_one(pc) & 0xfff);
        }
        // 4096 addresses into 4096 buckets: most buckets are hit.
        assert!(low.len() > 2000, "{}", low.len());
        let mut m: AddrMap<u64> = AddrMap::default();
        m.insert(0x40_0000, 1);
        m.insert(0x40_0004, 2);
        assert_eq!(m.get(&0x40_0004), Some(&2));
        assert_eq!(m.get(&0x40_0008), None);
    }
}
