//! The block index: host start, length and pc map of every block of the
//! current cache generation, in host-address order, readable without a lock
//! (the host fault handler reads it inside a signal handler).
//!
//! Blocks are placed at increasing host addresses until the cache is
//! emptied, so the index is an append-only sorted array: the translator
//! writes an entry, then publishes it by storing the new length with
//! release ordering; readers load the length with acquire ordering and
//! binary-search the prefix. Emptying resets the length, and happens only
//! while no thread runs translated code (so no fault handler reads it).
//!
//! The pc maps of the blocks live in one pool beside the entries, filled
//! the same append-only way and emptied with them: a block's map costs a
//! copy, not an allocation of its own.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Most blocks per generation; the cache is emptied when the index is full.
pub const MAX_BLOCKS: usize = 1 << 21;

/// Most pc-map entries (guest instructions) per generation, over all
/// blocks; the cache is emptied when the pool cannot take a block's map.
/// At the 48-54 host bytes a guest instruction takes, the code cache
/// fills first.
pub const MAX_MAP_ENTRIES: usize = 1 << 23;

/// One published block.
#[repr(C)]
#[derive(Clone, Copy)]
struct Entry {
    host: u64,
    len: u64,
    map: *const (u32, u64),
    map_len: usize,
}

pub struct BlockIndex {
    /// `MAX_BLOCKS` entries in an anonymous mapping (committed as used).
    entries: *mut Entry,
    len: AtomicUsize,
    /// The pc-map pool: `MAX_MAP_ENTRIES` (host offset, guest pc) pairs in
    /// an anonymous mapping (committed as used).
    maps: *mut (u32, u64),
    /// Pool entries in use; written only by the translator.
    maps_len: AtomicUsize,
}

// SAFETY: entries and pool slots are written only by the translator (one
// thread at a time, under its lock) before being published through `len`;
// readers only read published entries and the pool slots they point at,
// which stay unchanged until the next `clear`.
unsafe impl Send for BlockIndex {}
// SAFETY: see `Send`.
unsafe impl Sync for BlockIndex {}

impl BlockIndex {
    pub fn new() -> std::io::Result<BlockIndex> {
        let entries = map_anonymous(MAX_BLOCKS * std::mem::size_of::<Entry>())?;
        let maps = match map_anonymous(MAX_MAP_ENTRIES * std::mem::size_of::<(u32, u64)>()) {
            Ok(p) => p,
            Err(e) => {
                // SAFETY: unmapping the mapping just made, not yet shared.
                unsafe {
                    libc::munmap(entries, MAX_BLOCKS * std::mem::size_of::<Entry>());
                }
                return Err(e);
            }
        };
        Ok(BlockIndex {
            entries: entries as *mut Entry,
            len: AtomicUsize::new(0),
            maps: maps as *mut (u32, u64),
            maps_len: AtomicUsize::new(0),
        })
    }

    /// Whether a block whose pc map has `map_len` entries does not fit.
    pub fn is_full(&self, map_len: usize) -> bool {
        self.len.load(Ordering::Relaxed) >= MAX_BLOCKS
            || self.maps_len.load(Ordering::Relaxed) + map_len > MAX_MAP_ENTRIES
    }

    /// Appends a block placed after every block already in the index, with
    /// a copy of its pc map.
    pub fn push(&self, host: u64, len: u64, map: &[(u32, u64)]) {
        let n = self.len.load(Ordering::Relaxed);
        assert!(!self.is_full(map.len()), "caller checks is_full first");
        let m = self.maps_len.load(Ordering::Relaxed);
        // SAFETY: m + map.len() <= MAX_MAP_ENTRIES, so the slots lie inside
        // the pool; no published entry points at them yet, so no reader
        // looks at them.
        let dst = unsafe { self.maps.add(m) };
        // SAFETY: see above; `map` is a separate allocation.
        unsafe { std::ptr::copy_nonoverlapping(map.as_ptr(), dst, map.len()) };
        self.maps_len.store(m + map.len(), Ordering::Relaxed);
        // SAFETY: n < MAX_BLOCKS, so the slot lies inside the mapping; it
        // is not yet published, so no reader looks at it.
        unsafe {
            self.entries.add(n).write(Entry {
                host,
                len,
                map: dst,
                map_len: map.len(),
            })
        };
        self.len.store(n + 1, Ordering::Release);
    }

    /// Forgets every block. Only while no thread runs translated code.
    pub fn clear(&self) {
        self.len.store(0, Ordering::Release);
        self.maps_len.store(0, Ordering::Relaxed);
    }

    /// The published block whose host code contains `host_pc`. The caller
    /// keeps the cache from being emptied meanwhile (it runs translated code,
    /// or counts as running it).
    fn entry_of(&self, host_pc: u64) -> Option<&Entry> {
        let n = self.len.load(Ordering::Acquire);
        // SAFETY: the first n entries are published and immutable until the
        // next clear, which cannot run while translated code is running.
        let entries = unsafe { std::slice::from_raw_parts(self.entries, n) };
        let i = entries.partition_point(|e| e.host <= host_pc);
        let e = entries.get(i.checked_sub(1)?)?;
        (host_pc < e.host + e.len).then_some(e)
    }

    /// The host start of the block whose code contains `host_pc`.
    pub fn block_start(&self, host_pc: u64) -> Option<u64> {
        self.entry_of(host_pc).map(|e| e.host)
    }

    /// The guest pc of the instruction whose host code contains `host_pc`.
    /// Async-signal-safe: no allocation, no lock.
    pub fn guest_pc_of(&self, host_pc: u64) -> Option<u64> {
        let e = self.entry_of(host_pc)?;
        let off = (host_pc - e.host) as u32;
        // SAFETY: the map of a published entry lives until the next clear.
        let map = unsafe { std::slice::from_raw_parts(e.map, e.map_len) };
        let j = map.partition_point(|&(o, _)| o <= off);
        map.get(j.checked_sub(1)?).map(|&(_, pc)| pc)
    }
}

/// A fresh private anonymous read-write mapping of `bytes`, reserved, not
/// committed.
fn map_anonymous(bytes: usize) -> std::io::Result<*mut libc::c_void> {
    crate::cpu::huge_table::map_anonymous(bytes)
        .map(|p| p as *mut libc::c_void)
        .ok_or_else(std::io::Error::last_os_error)
}

impl Drop for BlockIndex {
    fn drop(&mut self) {
        // SAFETY: unmapping the mappings made in `new`.
        unsafe {
            libc::munmap(
                self.entries as *mut libc::c_void,
                MAX_BLOCKS * std::mem::size_of::<Entry>(),
            );
            libc::munmap(
                self.maps as *mut libc::c_void,
                MAX_MAP_ENTRIES * std::mem::size_of::<(u32, u64)>(),
            );
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_pcs_map_back_to_guest_pcs() {
        let index = BlockIndex::new().unwrap();
        let guest = 0xffff_0000_0040_0000;
        index.push(
            0x1000,
            0x40,
            &[(0, guest), (0x10, guest + 4), (0x28, guest + 8)],
        );
        index.push(0x1040, 0x20, &[(0, 0x40_0000)]);
        assert_eq!(index.guest_pc_of(0xfff), None);
        assert_eq!(index.guest_pc_of(0x1000), Some(guest));
        assert_eq!(index.guest_pc_of(0x100f), Some(guest));
        assert_eq!(index.guest_pc_of(0x1010), Some(guest + 4));
        assert_eq!(index.guest_pc_of(0x103f), Some(guest + 8));
        assert_eq!(index.guest_pc_of(0x1040), Some(0x40_0000));
        assert_eq!(index.guest_pc_of(0x105f), Some(0x40_0000));
        assert_eq!(index.guest_pc_of(0x1060), None);
        assert_eq!(index.block_start(0x1050), Some(0x1040));
        assert_eq!(index.block_start(0x103f), Some(0x1000));
        assert_eq!(index.block_start(0x1060), None);
        // Any guest pcs (IR made up by tests has them in any order).
        index.push(0x1060, 0x10, &[(0, u64::MAX - 3), (8, 0x10)]);
        assert_eq!(index.guest_pc_of(0x1067), Some(u64::MAX - 3));
        assert_eq!(index.guest_pc_of(0x1068), Some(0x10));
        index.clear();
        assert_eq!(index.guest_pc_of(0x1000), None);
    }
}
