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
    let r = unsafe {
        crate::host::raw(
            crate::host::nr::SYS_mremap,
            [a[0], a[1], a[2], a[3], a[4], 0],
        )
    };
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

#[cfg(test)]
mod tests {
    use crate::abi::flags::{MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE};
    use crate::process::{lock, PAGE};
    use crate::{nr, Outcome, ProcessInit, Task};

    /// PROT_READ | PROT_WRITE (asm-generic).
    const RW: u64 = 3;
    /// mremap may move the mapping (architecture-independent).
    const MREMAP_MAYMOVE: u64 = 1;

    fn ret(p: &mut Task, nr: u64, a: [u64; 6]) -> u64 {
        match p.dispatch(nr, a) {
            Outcome::Ret(v) => v,
            other => panic!("{other:?}"),
        }
    }

    /// A successful call's result (a failure panics with its errno).
    fn ok_ret(p: &mut Task, nr: u64, a: [u64; 6]) -> u64 {
        let v = ret(p, nr, a);
        assert!(v < -4095i64 as u64, "syscall {nr} {a:x?}: {}", v as i64);
        v
    }

    fn recorded(p: &Task, start: u64, end: u64) -> Vec<(u64, u64)> {
        lock(&p.maps).clip(start, end)
    }

    #[test]
    fn mmap_munmap_and_map_fixed_update_the_record() {
        let mut p = Task::new(ProcessInit::default());
        let anon = MAP_PRIVATE | MAP_ANONYMOUS;
        // Far below where the host places mappings, so that the hole made below is
        // not filled by another test's mmap before MAP_FIXED takes it back.
        let noreplace = anon | 0x10_0000; // MAP_FIXED_NOREPLACE
        let far = 0x3e00_0000_0000;
        let a = ok_ret(
            &mut p,
            nr::MMAP,
            [far, 4 * PAGE, RW, noreplace, u64::MAX, 0],
        );
        assert_eq!(a, far);
        assert_eq!(recorded(&p, a, a + 4 * PAGE), [(a, a + 4 * PAGE)]);
        // A length that is not a page multiple covers the whole last page.
        ret(&mut p, nr::MUNMAP, [a + PAGE, PAGE + 1, 0, 0, 0, 0]);
        assert_eq!(
            recorded(&p, a, a + 4 * PAGE),
            [(a, a + PAGE), (a + 3 * PAGE, a + 4 * PAGE)]
        );
        let fixed = anon | MAP_FIXED;
        let b = ret(&mut p, nr::MMAP, [a + PAGE, PAGE, RW, fixed, u64::MAX, 0]);
        assert_eq!(b, a + PAGE);
        assert_eq!(
            recorded(&p, a, a + 4 * PAGE),
            [(a, a + 2 * PAGE), (a + 3 * PAGE, a + 4 * PAGE)]
        );
        ret(&mut p, nr::MUNMAP, [a, 4 * PAGE, 0, 0, 0, 0]);
        assert_eq!(recorded(&p, a, a + 4 * PAGE), []);
    }

    #[test]
    fn failed_calls_record_nothing() {
        let mut p = Task::new(ProcessInit::default());
        let before = lock(&p.maps).clone();
        let bad = ret(
            &mut p,
            nr::MMAP,
            [0, 0, RW, MAP_PRIVATE | MAP_ANONYMOUS, 0, 0],
        );
        assert!(bad as i64 <= -1 && bad as i64 >= -4095);
        let unaligned = ret(&mut p, nr::MUNMAP, [0x1001, PAGE, 0, 0, 0, 0]);
        assert!(unaligned as i64 <= -1);
        assert_eq!(*lock(&p.maps), before);
    }

    #[test]
    fn mremap_moves_the_record() {
        let mut p = Task::new(ProcessInit::default());
        let anon = MAP_PRIVATE | MAP_ANONYMOUS;
        let a = ok_ret(&mut p, nr::MMAP, [0, PAGE, RW, anon, u64::MAX, 0]);
        let b = ok_ret(
            &mut p,
            nr::MREMAP,
            [a, PAGE, 64 * PAGE, MREMAP_MAYMOVE, 0, 0],
        );
        assert_eq!(recorded(&p, b, b + 64 * PAGE), [(b, b + 64 * PAGE)]);
        if b != a {
            assert_eq!(recorded(&p, a, a + PAGE), []);
        }
        ret(&mut p, nr::MUNMAP, [b, 64 * PAGE, 0, 0, 0, 0]);
        assert_eq!(recorded(&p, b, b + 64 * PAGE), []);
    }

    #[test]
    fn brk_grows_and_shrinks_the_record() {
        // Far from where the host puts mappings (top down from 0x7f.., PIE near 0x55..).
        let base = 0x3f00_0000_0000;
        let mut p = Task::new(ProcessInit {
            brk_start: base,
            ..ProcessInit::default()
        });
        assert_eq!(
            ret(&mut p, nr::BRK, [base + 3 * PAGE + 5, 0, 0, 0, 0, 0]),
            base + 3 * PAGE + 5
        );
        assert_eq!(
            recorded(&p, base, base + 64 * PAGE),
            [(base, base + 4 * PAGE)]
        );
        ret(&mut p, nr::BRK, [base + PAGE, 0, 0, 0, 0, 0]);
        assert_eq!(recorded(&p, base, base + 64 * PAGE), [(base, base + PAGE)]);
        ret(&mut p, nr::BRK, [base, 0, 0, 0, 0, 0]);
        assert_eq!(recorded(&p, base, base + 64 * PAGE), []);
    }
}
