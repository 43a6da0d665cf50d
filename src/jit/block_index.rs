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

use std::sync::atomic::{AtomicUsize, Ordering};

/// Most blocks per generation; the cache is emptied when the index is full.
pub const MAX_BLOCKS: usize = 1 << 21;

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
}

// SAFETY: entries are written only by the translator (one thread at a time,
// under its lock) before being published through `len`; readers only read
// published entries. The pc maps they point at live until the next `clear`.
unsafe impl Send for BlockIndex {}
// SAFETY: see `Send`.
unsafe impl Sync for BlockIndex {}

impl BlockIndex {
    pub fn new() -> std::io::Result<BlockIndex> {
        let bytes = MAX_BLOCKS * std::mem::size_of::<Entry>();
        // SAFETY: a fresh anonymous mapping, checked before use.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(BlockIndex {
            entries: p as *mut Entry,
            len: AtomicUsize::new(0),
        })
    }

    pub fn is_full(&self) -> bool {
        self.len.load(Ordering::Relaxed) >= MAX_BLOCKS
    }

    /// Appends a block placed after every block already in the index.
    /// `map` must stay valid until the next [`BlockIndex::clear`].
    pub fn push(&self, host: u64, len: u64, map: *const (u32, u64), map_len: usize) {
        let n = self.len.load(Ordering::Relaxed);
        assert!(n < MAX_BLOCKS, "caller checks is_full first");
        // SAFETY: n < MAX_BLOCKS, so the slot lies inside the mapping; it
        // is not yet published, so no reader looks at it.
        unsafe {
            self.entries.add(n).write(Entry {
                host,
                len,
                map,
                map_len,
            })
        };
        self.len.store(n + 1, Ordering::Release);
    }

    /// Forgets every block. Only while no thread runs translated code.
    pub fn clear(&self) {
        self.len.store(0, Ordering::Release);
    }

    /// The guest pc of the instruction whose host code contains `host_pc`.
    /// Async-signal-safe: no allocation, no lock.
    pub fn guest_pc_of(&self, host_pc: u64) -> Option<u64> {
        let n = self.len.load(Ordering::Acquire);
        // SAFETY: the first n entries are published and immutable until the
        // next clear, which cannot run while translated code (whose fault
        // brings us here) is running.
        let entries = unsafe { std::slice::from_raw_parts(self.entries, n) };
        let i = entries.partition_point(|e| e.host <= host_pc);
        let e = entries.get(i.checked_sub(1)?)?;
        if host_pc >= e.host + e.len {
            return None;
        }
        let off = (host_pc - e.host) as u32;
        // SAFETY: the map of a published entry lives until the next clear.
        let map = unsafe { std::slice::from_raw_parts(e.map, e.map_len) };
        let j = map.partition_point(|&(o, _)| o <= off);
        map.get(j.checked_sub(1)?).map(|&(_, pc)| pc)
    }
}

impl Drop for BlockIndex {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping made in `new`.
        unsafe {
            libc::munmap(
                self.entries as *mut libc::c_void,
                MAX_BLOCKS * std::mem::size_of::<Entry>(),
            )
        };
    }
}
