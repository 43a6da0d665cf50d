//! The code cache: one executable mapping holding the trampoline and every
//! translated block, the guest-pc → host-code map, and the indirect-branch
//! lookup table that translated code probes inline.

use crate::backend::x64::{trampoline, Compiled};
use crate::cpu::CpuState;
use std::collections::{BTreeMap, HashMap};

/// Default size of the executable mapping. It is reserved, not committed.
pub const CACHE_BYTES: usize = 256 << 20;
/// Entries in the indirect-branch table (a power of two).
pub const JUMP_CACHE_ENTRIES: usize = 1 << 16;

/// One translated block.
#[derive(Debug)]
pub struct BlockInfo {
    pub host: u64,
    pub len: u32,
    pub guest_start: u64,
    pub guest_end: u64,
    /// (host offset, guest pc) of each guest instruction, in order.
    pub pc_map: Vec<(u32, u64)>,
}

/// An unused indirect-branch table entry for slot `i`. Its tag is a pc that
/// hashes to another slot, so no branch target can ever match it (a fixed
/// tag such as `u64::MAX` would match a branch to that very address and
/// jump to host address 0).
fn empty_jump_entry(i: usize) -> [u64; 2] {
    [((i ^ 1) as u64) << 2, 0]
}

/// Signature of the trampoline entry.
type EnterFn = unsafe extern "C" fn(*mut CpuState, *const u8);

pub struct CodeCache {
    base: *mut u8,
    /// Size of the mapping.
    size: usize,
    used: usize,
    /// Where blocks start after the trampoline.
    first_block: usize,
    enter: EnterFn,
    exit_addr: u64,
    blocks: HashMap<u64, BlockInfo>,
    /// Host start address → guest pc of the block, for host-pc lookups.
    by_host: BTreeMap<u64, u64>,
    /// `[guest_pc, host_addr]` pairs probed by translated indirect branches.
    jump_cache: Box<[[u64; 2]]>,
    /// Number of times the cache was emptied.
    pub flushes: u64,
}

impl CodeCache {
    pub fn new() -> std::io::Result<CodeCache> {
        Self::with_size(CACHE_BYTES)
    }

    /// A cache of `size` bytes (at least a few KiB).
    pub fn with_size(size: usize) -> std::io::Result<CodeCache> {
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
        Ok(CodeCache {
            base,
            size,
            used: first_block,
            first_block,
            enter,
            exit_addr: base as u64 + t.exit_offset as u64,
            blocks: HashMap::new(),
            by_host: BTreeMap::new(),
            jump_cache: (0..JUMP_CACHE_ENTRIES).map(empty_jump_entry).collect(),
            flushes: 0,
        })
    }

    pub fn exit_addr(&self) -> u64 {
        self.exit_addr
    }

    pub fn jump_cache_addr(&self) -> u64 {
        self.jump_cache.as_ptr() as u64
    }

    /// Host address where the next block will be placed.
    pub fn next_addr(&self) -> u64 {
        self.base as u64 + self.used as u64
    }

    /// Whether `bytes` more fit.
    pub fn has_room(&self, bytes: usize) -> bool {
        self.used + bytes + 64 <= self.size
    }

    pub fn get(&self, pc: u64) -> Option<u64> {
        self.blocks.get(&pc).map(|b| b.host)
    }

    /// Records `pc → host` in the indirect-branch table.
    pub fn remember_indirect(&mut self, pc: u64, host: u64) {
        let i = (pc >> 2) as usize & (JUMP_CACHE_ENTRIES - 1);
        self.jump_cache[i] = [pc, host];
    }

    /// Copies compiled code (assembled for [`Self::next_addr`]) into the cache.
    pub fn insert(&mut self, guest_start: u64, guest_end: u64, c: Compiled) -> u64 {
        let host = self.next_addr();
        assert!(self.has_room(c.code.len()), "caller checks room first");
        // SAFETY: `has_room` guarantees the range lies inside the mapping;
        // no translated code is running while the dispatcher inserts.
        unsafe {
            std::ptr::copy_nonoverlapping(c.code.as_ptr(), self.base.add(self.used), c.code.len())
        };
        self.used = (self.used + c.code.len() + 15) & !15;
        self.by_host.insert(host, guest_start);
        self.blocks.insert(
            guest_start,
            BlockInfo {
                host,
                len: c.code.len() as u32,
                guest_start,
                guest_end,
                pc_map: c.pc_map,
            },
        );
        host
    }

    /// Points the `jmp rel32` ending at `site` to `target`.
    pub fn link(&mut self, site: u64, target: u64) {
        let start = self.base as u64 + self.first_block as u64;
        let end = self.base as u64 + self.used as u64;
        if site < start + 5 || site > end {
            return;
        }
        let rel = target.wrapping_sub(site) as i64;
        let Ok(rel) = i32::try_from(rel) else { return };
        // SAFETY: `site` lies inside the used part of the cache (checked
        // above) and ends a `jmp rel32` or `jcc rel32` emitted by the
        // backend's linkable exits; no translated
        // code runs while patching.
        unsafe {
            debug_assert!(
                *((site - 5) as *const u8) == 0xe9 || *((site - 6) as *const u8) == 0x0f,
                "link site is not a rel32 jump"
            );
            std::ptr::write_unaligned((site - 4) as *mut i32, rel);
        }
    }

    /// Drops every translation (used on invalidation and when full).
    pub fn flush(&mut self) {
        self.blocks.clear();
        self.by_host.clear();
        for (i, e) in self.jump_cache.iter_mut().enumerate() {
            *e = empty_jump_entry(i);
        }
        self.used = self.first_block;
        self.flushes += 1;
    }

    /// Whether any translated block covers guest bytes in `[start, end)`.
    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        self.blocks
            .values()
            .any(|b| b.guest_start < end && start < b.guest_end)
    }

    /// The guest pc of the instruction whose host code contains `host_pc`.
    pub fn guest_pc_of(&self, host_pc: u64) -> Option<u64> {
        let (&start, &gpc) = self.by_host.range(..=host_pc).next_back()?;
        let b = self.blocks.get(&gpc)?;
        if host_pc >= start + b.len as u64 {
            return None;
        }
        let off = (host_pc - start) as u32;
        b.pc_map
            .iter()
            .rev()
            .find(|(o, _)| *o <= off)
            .map(|&(_, pc)| pc)
    }

    /// The host address range of the cache.
    pub fn range(&self) -> (u64, u64) {
        (self.base as u64, self.base as u64 + self.size as u64)
    }

    /// Whether `host_pc` lies inside the code cache.
    pub fn contains(&self, host_pc: u64) -> bool {
        let b = self.base as u64;
        host_pc >= b && host_pc < b + self.size as u64
    }

    /// Runs translated code at `host` until it exits to the dispatcher.
    pub fn enter(&self, cpu: &mut CpuState, host: u64) {
        // SAFETY: `host` is the start of a block in this cache, assembled
        // for this trampoline's register conventions; `cpu` is exclusively
        // borrowed for the duration of the call.
        unsafe { (self.enter)(cpu, host as *const u8) }
    }
}

impl Drop for CodeCache {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping created in `new`; nothing refers to
        // it once the cache is dropped.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.size) };
    }
}
