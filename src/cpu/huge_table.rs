//! Zeroed tables in an anonymous mapping of their own, aligned to 2 MiB and
//! marked for transparent huge pages (`MADV_HUGEPAGE`): the first access
//! to each 2 MiB faults in one huge page instead of one 4 KiB page per
//! page touched. For a table whose accesses spread over most of its pages
//! (the indirect-branch table: about one page per branch target, read by a
//! probe before the dispatcher writes it, so two faults a page), one fault
//! that zeroes 2 MiB costs less than the few hundred it replaces. Where
//! the host has no transparent huge pages the table gets 4 KiB pages, as
//! any zeroed allocation would.

use std::alloc::{handle_alloc_error, Layout};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// A huge page (x86-64).
pub const HUGE_PAGE: usize = 2 << 20;

/// A base page.
const PAGE: usize = 4096;

/// `len` zero-initialised `T`s in their own mapping (see the module doc).
pub struct HugeTable<T> {
    ptr: *mut T,
    len: usize,
    /// Where the mapping starts (`ptr` or the 4 KiB page below it).
    map: usize,
    /// Bytes mapped from `map`.
    bytes: usize,
    _owns: PhantomData<T>,
}

// SAFETY: the table owns its mapping as a Box owns its allocation.
unsafe impl<T: Send> Send for HugeTable<T> {}
// SAFETY: shared access is read-only, through `&[T]`.
unsafe impl<T: Sync> Sync for HugeTable<T> {}

impl<T: Copy> HugeTable<T> {
    /// A table of `len` elements, all bytes zero, backed by huge pages when
    /// `huge` (and the host allows), else by 4 KiB pages. The first `lead`
    /// elements (at most a 4 KiB page's worth) lie in a 4 KiB page of their
    /// own just below the huge page boundary where the rest starts, so
    /// that writing them does not fault in a huge page.
    ///
    /// # Safety
    /// All-zero bytes must be a valid `T`.
    pub unsafe fn zeroed(len: usize, lead: usize, huge: bool) -> HugeTable<T> {
        let layout = Layout::array::<T>(len).expect("table size overflows");
        assert!(layout.align() <= HUGE_PAGE && lead <= len);
        let head = lead * std::mem::size_of::<T>();
        assert!(head <= PAGE);
        let below = if head > 0 { PAGE } else { 0 };
        let body = (layout.size() - head).max(1).next_multiple_of(HUGE_PAGE);
        // The kernel places a mapping of whole huge pages on a huge page
        // boundary itself (Linux 6.7 on); elsewhere, or with a page below
        // the boundary, the table is placed in a larger reservation.
        let fits = |p: usize| below == 0 && p.is_multiple_of(HUGE_PAGE);
        let start = match map_anonymous(body) {
            Some(p) if fits(p) => p,
            Some(p) => {
                // SAFETY: unmapping the mapping just made, which nothing
                // refers to.
                unsafe { libc::munmap(p as *mut libc::c_void, body) };
                aligned_in_reservation(below, body).unwrap_or_else(|| handle_alloc_error(layout))
            }
            None => handle_alloc_error(layout),
        };
        if huge {
            // SAFETY: advice on the table's own range only. Without
            // transparent huge pages (EINVAL) the table keeps 4 KiB pages.
            unsafe { libc::madvise(start as *mut libc::c_void, body, libc::MADV_HUGEPAGE) };
        }
        HugeTable {
            ptr: (start - head) as *mut T,
            len,
            map: start - below,
            bytes: below + body,
            _owns: PhantomData,
        }
    }
}

/// A fresh private anonymous read-write mapping of `bytes` at an address
/// the kernel picks, reserved, not committed; `None` when the kernel
/// refuses (errno says why).
pub fn map_anonymous(bytes: usize) -> Option<usize> {
    // SAFETY: an anonymous private mapping with no fixed address; the
    // result is checked before use.
    let got = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    (got != libc::MAP_FAILED).then_some(got as usize)
}

/// A mapping of `bytes` (a multiple of [`HUGE_PAGE`]) at a huge page
/// boundary, returned, and of the `below` bytes under it: cut out of a
/// reservation one huge page larger.
fn aligned_in_reservation(below: usize, bytes: usize) -> Option<usize> {
    let reserve = below + bytes + HUGE_PAGE;
    let got = map_anonymous(reserve)?;
    let start = (got + below).next_multiple_of(HUGE_PAGE);
    let end = start + bytes;
    // SAFETY: both ranges are parts of the reservation just made, outside
    // [start - below, end), and nothing refers to them.
    unsafe {
        if start - below > got {
            libc::munmap(got as *mut libc::c_void, start - below - got);
        }
        if got + reserve > end {
            libc::munmap(end as *mut libc::c_void, got + reserve - end);
        }
    }
    Some(start)
}

impl<T> Deref for HugeTable<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: the mapping holds `len` initialised (zero or since
        // written) elements and lives as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl<T> DerefMut for HugeTable<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl<T> Drop for HugeTable<T> {
    fn drop(&mut self) {
        // SAFETY: unmapping the table's own mapping, which nothing refers
        // to any more; its elements are `Copy` (the constructor's bound),
        // so none needs dropping.
        unsafe { libc::munmap(self.map as *mut libc::c_void, self.bytes) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_zeroed_aligned_and_writable() {
        for huge in [false, true] {
            // SAFETY: zero is a valid u64.
            let mut t = unsafe { HugeTable::<[u64; 2]>::zeroed(3 << 16, 0, huge) };
            assert_eq!(t.len(), 3 << 16);
            assert_eq!(t.as_ptr() as usize % HUGE_PAGE, 0);
            assert!(t.iter().all(|e| *e == [0, 0]));
            t[5] = [1, 2];
            let last = t.len() - 1;
            t[last] = [3, 4];
            assert_eq!((t[5], t[last], t[6]), ([1, 2], [3, 4], [0, 0]));
        }
    }

    #[test]
    fn lead_elements_lie_below_the_huge_pages() {
        // SAFETY: zero is a valid u64.
        let mut t = unsafe { HugeTable::<[u64; 2]>::zeroed(1 << 17, 1, true) };
        let p = t.as_ptr() as usize;
        // Element 0 alone is below the boundary, in a page of its own
        // without the huge-page advice; the rest is advised.
        assert_eq!((p + 16) % HUGE_PAGE, 0);
        assert!(!vm_flags(p).contains(" hg"));
        if std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists() {
            assert!(vm_flags(p + 16).contains(" hg"));
        }
        assert!(t.iter().all(|e| *e == [0, 0]));
        t[0] = [1, 2];
        let last = t.len() - 1;
        t[last] = [3, 4];
        assert_eq!((t[0], t[1], t[last]), ([1, 2], [0, 0], [3, 4]));
    }

    #[test]
    fn a_reservation_gives_an_aligned_range() {
        let p = aligned_in_reservation(0, 2 * HUGE_PAGE).unwrap();
        assert_eq!(p % HUGE_PAGE, 0);
        let q = aligned_in_reservation(PAGE, HUGE_PAGE).unwrap();
        assert_eq!(q % HUGE_PAGE, 0);
        // SAFETY: the page below q and the huge page at q were just mapped
        // read-write.
        unsafe {
            *((q - PAGE) as *mut u8) = 1;
            libc::munmap((q - PAGE) as *mut libc::c_void, PAGE + HUGE_PAGE);
        }
        // SAFETY: the two huge pages at p were just mapped read-write.
        unsafe {
            *(p as *mut u8) = 1;
            *((p + 2 * HUGE_PAGE - 1) as *mut u8) = 2;
            libc::munmap(p as *mut libc::c_void, 2 * HUGE_PAGE);
        }
    }

    /// The VmFlags line of the mapping that holds `addr` (/proc/self/smaps).
    fn vm_flags(addr: usize) -> String {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let holds = |l: &&str| {
            let range = l.split(' ').next().unwrap_or_default();
            let Some((s, e)) = range.split_once('-') else {
                return false;
            };
            let bound = |h: &str| usize::from_str_radix(h, 16).ok();
            matches!((bound(s), bound(e)), (Some(s), Some(e)) if s <= addr && addr < e)
        };
        let mut lines = smaps.lines().skip_while(|l| !holds(l));
        assert!(lines.next().is_some(), "no mapping holds {addr:#x}");
        let flags = lines.find(|l| l.starts_with("VmFlags:"));
        flags.unwrap().to_string()
    }

    #[test]
    fn only_huge_tables_ask_for_huge_pages() {
        // SAFETY: zero is a valid u64.
        let (huge, small) = unsafe {
            (
                HugeTable::<u64>::zeroed(1000, 0, true),
                HugeTable::<u64>::zeroed(1000, 0, false),
            )
        };
        // MADV_HUGEPAGE shows as "hg" (where the kernel has transparent
        // huge pages at all).
        if std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists() {
            assert!(vm_flags(huge.as_ptr() as usize).contains(" hg"));
        }
        assert!(!vm_flags(small.as_ptr() as usize).contains(" hg"));
    }
}
