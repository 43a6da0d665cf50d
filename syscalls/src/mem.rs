//! Memory mapping: mmap/munmap/mprotect/mremap/madvise pass through (a guest address is
//! the host address) and record ranges whose translated code becomes stale; brk is
//! emulated on top of anonymous mappings. Every change of what is mapped is noted in
//! the process's record of guest ranges (`Process::guest_mapped`), which
//! /proc/self/maps is clipped to.

use crate::abi::errno::Errno;
use crate::abi::flags::{map_flags_to_host, prot_to_host, PROT_EXEC};
use crate::host::{check, int, ok, ptr};
use crate::process::PAGE;
use crate::thread::Task;
use crate::SysResult;

/// mremap flag that leaves the old range mapped (architecture-independent).
const MREMAP_DONTUNMAP: u64 = 4;

/// MADV_* values that discard page contents (asm-generic; same on the host).
const MADV_DONTNEED: u64 = 4;
const MADV_REMOVE: u64 = 9;

pub fn mmap(p: &mut Task, a: [u64; 6]) -> SysResult {
    let (addr, len) = (a[0], a[1]);
    let flags = map_flags_to_host(a[3]).ok_or(Errno::EOPNOTSUPP)?;
    // SAFETY: the mapping is requested for the guest; with MAP_FIXED it replaces guest
    // memory at the guest's request, exactly as the guest kernel would.
    let r = unsafe {
        libc::mmap(
            ptr(addr),
            len as usize,
            prot_to_host(a[2]),
            flags,
            int(a[4]),
            a[5] as i64,
        )
    };
    if r == libc::MAP_FAILED {
        return Err(Errno::last());
    }
    p.guest_mapped(r as u64, len);
    if flags & libc::MAP_FIXED != 0 {
        p.invalidate(addr, len);
    }
    ok(r as u64)
}

pub fn munmap(p: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: unmapping guest memory at the guest's request.
    check(unsafe { libc::munmap(ptr(a[0]), a[1] as usize) } as i64)?;
    p.guest_unmapped(a[0], a[1]);
    p.invalidate(a[0], a[1]);
    ok(0)
}

pub fn mprotect(p: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: changing protection of guest memory at the guest's request.
    check(unsafe { libc::mprotect(ptr(a[0]), a[1] as usize, prot_to_host(a[2])) } as i64)?;
    // The previous protection is unknown here: any range that is not executable now may
    // have held code, so its translations are dropped (W^X guests re-protect to write).
    if a[2] & PROT_EXEC == 0 {
        p.invalidate(a[0], a[1]);
    }
    ok(0)
}

pub fn mremap(p: &mut Task, a: [u64; 6]) -> SysResult {
    // MREMAP_* flags are architecture-independent.
    // SAFETY: remapping guest memory at the guest's request.
    let r = unsafe { libc::syscall(libc::SYS_mremap, a[0], a[1], a[2], a[3], a[4]) };
    check(r)?;
    if a[3] & MREMAP_DONTUNMAP == 0 {
        p.guest_unmapped(a[0], a[1]);
    }
    p.guest_mapped(r as u64, a[2]);
    p.invalidate(a[0], a[1]);
    if r as u64 != a[0] {
        p.invalidate(r as u64, a[2]);
    }
    ok(r as u64)
}

pub fn madvise(p: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: advice on guest memory at the guest's request (MADV_* are asm-generic).
    check(unsafe { libc::madvise(ptr(a[0]), a[1] as usize, int(a[2])) } as i64)?;
    if a[2] == MADV_DONTNEED || a[2] == MADV_REMOVE {
        p.invalidate(a[0], a[1]);
    }
    ok(0)
}

/// Reserves [from, to) for the heap without touching existing mappings.
fn reserve(from: u64, to: u64) -> bool {
    let len = (to - from) as usize;
    // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping.
    let r = unsafe {
        libc::mmap(
            ptr(from),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    if r == libc::MAP_FAILED {
        return false;
    }
    if r as u64 != from {
        // A kernel that predates MAP_FIXED_NOREPLACE took the address as a hint.
        // SAFETY: unmapping the mapping just created elsewhere.
        unsafe { libc::munmap(r, len) };
        return false;
    }
    true
}

/// brk: Linux semantics: returns the new break, or the unchanged break on failure;
/// brk(0) (or any value below the start) queries.
pub fn brk(p: &mut Task, a: [u64; 6]) -> SysResult {
    let want = a[0];
    let proc = p.proc.clone();
    let mut brk = crate::process::lock(&proc.brk);
    let b = *brk;
    if want < b.start {
        return ok(b.cur);
    }
    let Some(end) = want.checked_next_multiple_of(PAGE) else {
        return ok(b.cur);
    };
    if end > b.mapped_end {
        if !reserve(b.mapped_end, end) {
            return ok(b.cur);
        }
        p.guest_mapped(b.mapped_end, end - b.mapped_end);
        brk.mapped_end = end;
    } else if end < b.mapped_end {
        // SAFETY: [end, mapped_end) is heap this layer reserved.
        unsafe { libc::munmap(ptr(end), (b.mapped_end - end) as usize) };
        p.guest_unmapped(end, b.mapped_end - end);
        p.invalidate(end, b.mapped_end - end);
        brk.mapped_end = end;
    }
    brk.cur = want;
    ok(want)
}
