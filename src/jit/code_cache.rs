//! The code cache: one executable mapping holding the trampoline and every
//! translated block, and the guest-pc → host-code map.
//!
//! The mapping and its block index ([`Region`]) are shared by every guest
//! thread and read without a lock: translated code runs from it, links are
//! patched into it with single aligned stores, and the host fault handler
//! maps a host pc back to a guest pc through the index. The maps that say
//! which blocks exist ([`CodeCache`]) belong to the translator, which holds
//! them under its lock.

use super::addr_map::AddrMap;
use super::block_index::BlockIndex;
use super::tier::QUICK_TAG;
use crate::backend::x64::{trampoline, Compiled};
use crate::cpu::CpuState;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

/// Default size of the executable mapping. It is reserved, not committed.
pub const CACHE_BYTES: usize = 256 << 20;

/// One translated block (its guest start is its key in the map of blocks:
/// 24 bytes an entry, so that a start-up's few thousand blocks touch few
/// pages of that map; it is also the only map of which blocks are of the
/// quick tier).
#[derive(Debug)]
pub struct BlockInfo {
    pub host: u64,
    /// A quick-tier block not yet promoted: the offset from `host` of the
    /// link site of its entry jump (see [`crate::backend::x64::Tier`]);
    /// else 0.
    pub promote_site: u32,
    /// Guest bytes the block covers from its start.
    pub guest_len: u32,
}

/// Signature of the trampoline entry.
type EnterFn = unsafe extern "C" fn(*mut CpuState, *const u8);

/// The executable mapping: immutable after creation apart from the code
/// bytes themselves and the index.
pub struct Region {
    base: *mut u8,
    size: usize,
    /// Where blocks start after the trampoline.
    first_block: usize,
    enter: EnterFn,
    exit_addr: u64,
    /// Host start of every block in the current generation, for
    /// [`Region::guest_pc_of`].
    pub index: BlockIndex,
}

// SAFETY: the raw base pointer names a mapping that lives as long as the
// Region; the code bytes are written only by the translator (under its
// lock, for blocks no thread runs yet) and by `link` (single aligned atomic
// stores), and the index is built for concurrent readers.
unsafe impl Send for Region {}
// SAFETY: see `Send`; every shared access is either immutable or atomic.
unsafe impl Sync for Region {}

impl Region {
    fn new(size: usize) -> std::io::Result<Region> {
        // SAFETY: an anonymous private mapping with no fixed address; the
        // result is checked before use.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let base = base as *mut u8;
        let t = trampoline::build(base as u64);
        // SAFETY: the mapping is `size` bytes long and writable; the
        // trampoline is a few dozen bytes.
        unsafe { std::ptr::copy_nonoverlapping(t.code.as_ptr(), base, t.code.len()) };
        // SAFETY: the bytes just copied are the trampoline, whose entry has
        // the `EnterFn` signature (see trampoline::build).
        let enter: EnterFn = unsafe { std::mem::transmute::<*mut u8, EnterFn>(base) };
        let first_block = (t.code.len() + 63) & !63;
        Ok(Region {
            base,
            size,
            first_block,
            enter,
            exit_addr: base as u64 + t.exit_offset as u64,
            index: BlockIndex::new()?,
        })
    }

    /// The host address range of the mapping.
    pub fn range(&self) -> (u64, u64) {
        (self.base as u64, self.base as u64 + self.size as u64)
    }

    /// Whether `host_pc` lies inside the mapping.
    pub fn contains(&self, host_pc: u64) -> bool {
        let (s, e) = self.range();
        host_pc >= s && host_pc < e
    }

    pub fn exit_addr(&self) -> u64 {
        self.exit_addr
    }

    /// Points the `jmp rel32` (or `jcc rel32`) ending at `site` to `target`.
    /// The backend aligns every rel32 to 4 bytes, so one atomic store
    /// patches it: a thread running the jump sees the old or the new
    /// target, never a mix. The caller guarantees that neither block can be
    /// dropped meanwhile (the cache is only emptied while no thread runs
    /// translated code).
    pub fn link(&self, site: u64, target: u64) -> bool {
        let start = self.base as u64 + self.first_block as u64;
        let end = self.base as u64 + self.size as u64;
        if site < start + 5 || site > end || !(site - 4).is_multiple_of(4) {
            return false;
        }
        let rel = target.wrapping_sub(site) as i64;
        let Ok(rel) = i32::try_from(rel) else {
            return false;
        };
        // SAFETY: `site - 4` lies inside the mapping (checked above), is
        // 4-byte aligned, and holds the rel32 of a jump the backend emitted
        // as a linkable exit; it is only ever accessed atomically once the
        // block is published.
        unsafe {
            debug_assert!(
                *((site - 5) as *const u8) == 0xe9 || *((site - 6) as *const u8) == 0x0f,
                "link site is not a rel32 jump"
            );
            AtomicI32::from_ptr((site - 4) as *mut i32).store(rel, Ordering::Release);
        }
        true
    }

    /// The guest pc of the instruction whose host code contains `host_pc`,
    /// if it lies in a block of the current generation. Async-signal-safe.
    pub fn guest_pc_of(&self, host_pc: u64) -> Option<u64> {
        self.index.guest_pc_of(host_pc)
    }

    /// Runs translated code at `host` until it exits to the dispatcher.
    pub fn enter(&self, cpu: &mut CpuState, host: u64) {
        // SAFETY: `host` is the start of a block in this cache, assembled
        // for this trampoline's register conventions; `cpu` is exclusively
        // borrowed for the duration of the call, and its `jump_table` and
        // `interrupt` fields point at live memory (CpuState guarantees it
        // for its defaults, the dispatcher for its own).
        unsafe { (self.enter)(cpu, host as *const u8) }
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping created in `new`; nothing refers to
        // it once the region is dropped.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.size) };
    }
}

/// Blocks the maps of blocks have room for from the start: a small program
/// translates about a thousand before it ends, and growing a map step by
/// step rehashes it each time (only the slots used are ever touched).
pub const START_BLOCKS: usize = 1024;

/// The translator's view of the cache: which blocks exist, and where new
/// code goes.
pub struct CodeCache {
    region: Arc<Region>,
    used: usize,
    blocks: AddrMap<BlockInfo>,
    /// Number of times the cache was emptied.
    pub flushes: u64,
}

impl CodeCache {
    pub fn new() -> std::io::Result<CodeCache> {
        Self::with_size(CACHE_BYTES)
    }

    /// A cache of `size` bytes (at least a few KiB).
    pub fn with_size(size: usize) -> std::io::Result<CodeCache> {
        let region = Arc::new(Region::new(size)?);
        Ok(CodeCache {
            used: region.first_block,
            region,
            blocks: AddrMap::with_capacity_and_hasher(START_BLOCKS, Default::default()),
            flushes: 0,
        })
    }

    /// The shared mapping.
    pub fn region(&self) -> &Arc<Region> {
        &self.region
    }

    pub fn exit_addr(&self) -> u64 {
        self.region.exit_addr
    }

    /// Host address where the next block will be placed.
    pub fn next_addr(&self) -> u64 {
        self.region.base as u64 + self.used as u64
    }

    /// Whether `c` fits (in the mapping and in the index).
    pub fn has_room(&self, c: &Compiled) -> bool {
        self.used + c.code.len() + 64 <= self.region.size
            && !self.region.index.is_full(c.pc_map.len())
    }

    pub fn get(&self, pc: u64) -> Option<u64> {
        self.blocks.get(&pc).map(|b| b.host)
    }

    /// The block at `pc`, with [`QUICK_TAG`] if it is of the quick tier and
    /// not yet promoted.
    pub fn get_tagged(&self, pc: u64) -> Option<u64> {
        let b = self.blocks.get(&pc)?;
        Some(if b.promote_site != 0 {
            b.host | QUICK_TAG
        } else {
            b.host
        })
    }

    /// For a quick-tier block at `pc` not yet promoted: the host address of
    /// its entry jump's link site, which it forgets (the block is being
    /// promoted).
    pub fn take_promote_site(&mut self, pc: u64) -> Option<u64> {
        let b = self.blocks.get_mut(&pc)?;
        let site = std::mem::take(&mut b.promote_site);
        (site != 0).then(|| b.host + site as u64)
    }

    /// Copies compiled code (assembled for [`Self::next_addr`]) into the
    /// cache and publishes it in the index. Returns its host address.
    pub fn insert(&mut self, guest_start: u64, guest_end: u64, c: Compiled) -> u64 {
        let host = self.next_addr();
        assert!(self.has_room(&c), "caller checks room first");
        // SAFETY: `has_room` guarantees the range lies inside the mapping;
        // no thread runs these bytes before the block is returned.
        unsafe {
            std::ptr::copy_nonoverlapping(
                c.code.as_ptr(),
                self.region.base.add(self.used),
                c.code.len(),
            )
        };
        self.used = (self.used + c.code.len() + 15) & !15;
        self.region.index.push(host, c.code.len() as u64, &c.pc_map);
        self.blocks.insert(
            guest_start,
            BlockInfo {
                host,
                promote_site: c.promote_site.unwrap_or(0),
                guest_len: u32::try_from(guest_end.wrapping_sub(guest_start))
                    .expect("a block is short"),
            },
        );
        c.recycle();
        host
    }

    /// Points the jump ending at `site` to `target` (see [`Region::link`]).
    pub fn link(&mut self, site: u64, target: u64) {
        self.region.link(site, target);
    }

    /// Drops every translation (used on invalidation and when full). The
    /// caller guarantees that no thread runs translated code meanwhile.
    pub fn flush(&mut self) {
        self.region.index.clear();
        self.blocks.clear();
        self.used = self.region.first_block;
        self.flushes += 1;
    }

    /// Whether any translated block covers guest bytes in `[start, end)`.
    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        self.blocks
            .iter()
            .any(|(&s, b)| s < end && start < s.wrapping_add(b.guest_len as u64))
    }

    /// The guest pc of the instruction whose host code contains `host_pc`.
    pub fn guest_pc_of(&self, host_pc: u64) -> Option<u64> {
        self.region.guest_pc_of(host_pc)
    }

    /// The host address range of the cache.
    pub fn range(&self) -> (u64, u64) {
        self.region.range()
    }

    /// Whether `host_pc` lies inside the code cache.
    pub fn contains(&self, host_pc: u64) -> bool {
        self.region.contains(host_pc)
    }

    /// Runs translated code at `host` until it exits to the dispatcher.
    pub fn enter(&self, cpu: &mut CpuState, host: u64) {
        self.region.enter(cpu, host)
    }
}
