//! Reading guest instruction words without trusting the address: a fetch
//! from an unmapped page must become a guest fault, not a crash of emu.

use super::addr_map::AddrMap;
use crate::frontend::Fetch;
use crate::runtime::guest_mem;

/// Reads `buf.len()` bytes at guest address `addr`, or fewer if the range
/// crosses into unreadable memory. Returns the number of bytes read.
pub fn read_guest(addr: u64, buf: &mut [u8]) -> usize {
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr() as *mut libc::c_void,
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: process_vm_readv on our own pid writes at most `buf.len()`
    // bytes into `buf` and reports unreadable source ranges as errors
    // instead of faulting.
    let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    if n >= 0 {
        return n as usize;
    }
    0
}

/// Executable address ranges of the process: the kernel is asked about the
/// mapping at an address not found among them (new mappings, or ranges
/// [`ExecMap::forget`] dropped because their mappings changed), or, where it
/// cannot be asked so, /proc/self/maps is read again.
#[derive(Default)]
pub struct ExecMap {
    ranges: Vec<(u64, u64)>,
    /// The range the last lookup found (empty when none).
    last: (u64, u64),
}

impl ExecMap {
    /// Forgets the ranges that overlap `[start, end)`, whose mappings may
    /// have changed; an address there is looked up afresh.
    pub fn forget(&mut self, start: u64, end: u64) {
        self.ranges.retain(|&(s, e)| e <= start || end <= s);
        self.last = (0, 0);
    }

    fn reload(&mut self) {
        self.ranges = std::fs::read_to_string("/proc/self/maps")
            .map(|m| parse_exec_ranges(&m))
            .unwrap_or_default();
        self.last = (0, 0);
    }

    fn find(&mut self, addr: u64) -> bool {
        let hit = self.ranges.iter().find(|&&(s, e)| s <= addr && addr < e);
        if let Some(&r) = hit {
            self.last = r;
        }
        hit.is_some()
    }

    /// Whether the page at `addr` is mapped executable. The kernel is asked
    /// about the one mapping at `addr` ([`query_vma`]) where it can say, else
    /// /proc/self/maps is read whole; when that cannot be read at all,
    /// everything readable counts as executable.
    pub fn is_exec(&mut self, addr: u64) -> bool {
        if self.last.0 <= addr && addr < self.last.1 {
            return true;
        }
        if self.find(addr) {
            return true;
        }
        if let Some(vma) = query_vma(addr) {
            return match vma {
                Some((start, end, true)) => {
                    self.ranges.push((start, end));
                    self.last = (start, end);
                    true
                }
                _ => false,
            };
        }
        self.reload();
        self.find(addr) || self.ranges.is_empty()
    }
}

/// The argument of the PROCMAP_QUERY ioctl on /proc/PID/maps (Linux 6.11,
/// `struct procmap_query` of include/uapi/linux/fs.h).
#[repr(C)]
#[derive(Default)]
struct ProcmapQuery {
    size: u64,
    query_flags: u64,
    query_addr: u64,
    vma_start: u64,
    vma_end: u64,
    vma_flags: u64,
    vma_page_size: u64,
    vma_offset: u64,
    inode: u64,
    dev_major: u32,
    dev_minor: u32,
    vma_name_size: u32,
    build_id_size: u32,
    vma_name_addr: u64,
    build_id_addr: u64,
}

/// `_IOWR('f', 17, struct procmap_query)`.
const PROCMAP_QUERY: u64 =
    (3 << 30) | ((size_of::<ProcmapQuery>() as u64) << 16) | (0x66 << 8) | 17;

/// `vma_flags` bit of an executable mapping.
const PROCMAP_QUERY_VMA_EXECUTABLE: u64 = 4;

/// The mapping of this process at `addr`, from the kernel's PROCMAP_QUERY:
/// `Some(Some((start, end, executable)))`, `Some(None)` when nothing is
/// mapped there, `None` when the kernel cannot be asked so (before Linux
/// 6.11): then /proc/self/maps is read whole, which costs the kernel a line
/// of text a mapping (tens of microseconds at start-up, the ioctl a few).
fn query_vma(addr: u64) -> Option<Option<(u64, u64, bool)>> {
    let maps = std::fs::File::open("/proc/self/maps").ok()?;
    let mut q = ProcmapQuery {
        size: size_of::<ProcmapQuery>() as u64,
        query_addr: addr,
        ..Default::default()
    };
    // SAFETY: an open /proc/self/maps and a ProcmapQuery of the size it
    // declares, alive across the call; the kernel writes only its out fields.
    let r = unsafe {
        libc::ioctl(
            std::os::fd::AsRawFd::as_raw_fd(&maps),
            PROCMAP_QUERY as _,
            &mut q as *mut ProcmapQuery,
        )
    };
    if r == 0 {
        let exec = q.vma_flags & PROCMAP_QUERY_VMA_EXECUTABLE != 0;
        return Some(Some((q.vma_start, q.vma_end, exec)));
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::ENOENT) => Some(None),
        _ => None,
    }
}

/// The `x` ranges of a /proc/<pid>/maps text.
pub fn parse_exec_ranges(maps: &str) -> Vec<(u64, u64)> {
    maps.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let (range, perms) = (f.next()?, f.next()?);
            if perms.as_bytes().get(2) != Some(&b'x') {
                return None;
            }
            let (s, e) = range.split_once('-')?;
            Some((
                u64::from_str_radix(s, 16).ok()?,
                u64::from_str_radix(e, 16).ok()?,
            ))
        })
        .collect()
}

/// Fetches instruction words: in place once the host fault handler can
/// report faults of guest accesses, else page by page, keeping the pages
/// read. [`Fetcher::forget`] drops those of a range whenever guest code
/// there may have changed. Pages that are not mapped executable cannot be
/// fetched from, as on hardware.
#[derive(Default)]
pub struct Fetcher {
    /// Pages read so far: address → the bytes that could be read.
    pages: AddrMap<Box<[u8]>>,
    exec: ExecMap,
    /// Words read in place ahead of the one asked for, during one
    /// translation (see [`Fetcher::start`]).
    run: Run,
}

/// Consecutive instruction words read in one go.
#[derive(Default)]
struct Run {
    /// Guest address of `words[0]`.
    start: u64,
    len: usize,
    words: [u32; RUN_WORDS],
}

/// Words read at a time in place: a block is a few instructions long (as
/// many as the frontend takes in one [`Fetch::run`]).
const RUN_WORDS: usize = crate::frontend::FETCH_RUN;

/// Most pages kept before the cache starts over.
const MAX_PAGES: usize = 256;

const PAGE: u64 = 4096;

impl Fetcher {
    /// Drops the cached pages of `[start, end)` and what is known about
    /// the mappings there.
    pub fn forget(&mut self, start: u64, end: u64) {
        self.run.len = 0;
        let first = start & !(PAGE - 1);
        if end.saturating_sub(first) / PAGE < self.pages.len() as u64 {
            let mut page = first;
            while page < end {
                self.pages.remove(&page);
                let Some(next) = page.checked_add(PAGE) else {
                    break;
                };
                page = next;
            }
        } else {
            self.pages.retain(|&p, _| p + PAGE <= start || end <= p);
        }
        self.exec.forget(start, end);
    }

    /// Starts a translation: words read ahead for the previous one are
    /// dropped, so code is read afresh for each block, as before (the
    /// words of one block are read within one translation).
    pub fn start(&mut self) {
        self.run.len = 0;
    }

    /// The little-endian word at `pc`, or `None` if it cannot be read.
    /// Inline: most words come from the run read for an earlier one.
    #[inline]
    pub fn word(&mut self, pc: u64) -> Option<u32> {
        let i = pc.wrapping_sub(self.run.start) / 4;
        if pc.is_multiple_of(4) && i < self.run.len as u64 {
            return Some(self.run.words[i as usize]);
        }
        self.read_word(pc)
    }

    /// [`Fetcher::word`] of a word outside the run: reads a new run, or
    /// the page.
    #[inline(never)]
    fn read_word(&mut self, pc: u64) -> Option<u32> {
        let page = pc & !(PAGE - 1);
        if guest_mem::fault_handler_installed() && self.exec.is_exec(page) {
            // Read in place, up to RUN_WORDS words and not past the page
            // (the next one may not be executable): the host fault handler
            // turns a fault (the page unmapped meanwhile, or execute-only)
            // into an error, and the page is then read as below.
            let n = (((page + PAGE - pc) / 4) as usize).min(RUN_WORDS);
            // The host is little-endian, as the guest's code is: the bytes
            // go straight into the words.
            let words = self.run.words.as_mut_ptr() as *mut u8;
            // SAFETY: `words` is RUN_WORDS u32s, at least 4 * n bytes, and
            // any bytes make valid u32s.
            let bytes = unsafe { std::slice::from_raw_parts_mut(words, 4 * n) };
            // SAFETY: a guest address; faults are reported, not taken.
            if unsafe { guest_mem::read(pc, bytes) }.is_ok() {
                self.run.start = pc;
                self.run.len = n;
                return Some(self.run.words[0]);
            }
        }
        let off = (pc - page) as usize;
        if let Some(bytes) = self.pages.get(&page) {
            return word_at(bytes, off);
        }
        if self.pages.len() >= MAX_PAGES {
            self.pages.clear();
        }
        let mut buf = vec![0u8; PAGE as usize];
        let len = if self.exec.is_exec(page) {
            read_guest(page, &mut buf)
        } else {
            0
        };
        if len < PAGE as usize {
            // Not (fully) fetchable: not cached, as a later mapping may
            // make it so.
            return word_at(&buf[..len], off);
        }
        let w = word_at(&buf, off);
        self.pages.insert(page, buf.into_boxed_slice());
        w
    }
}

/// The translator reads the words of the run in place at once.
impl Fetch for Fetcher {
    fn run(&mut self, pc: u64, out: &mut [u32; RUN_WORDS]) -> usize {
        let Some(w) = self.word(pc) else {
            return 0;
        };
        let i = pc.wrapping_sub(self.run.start) / 4;
        if !pc.is_multiple_of(4) || i >= self.run.len as u64 {
            // From the page cache: one word.
            out[0] = w;
            return 1;
        }
        let i = i as usize;
        if i == 0 {
            // A run just read (whole: a fixed-size copy).
            *out = self.run.words;
        } else {
            out[..self.run.len - i].copy_from_slice(&self.run.words[i..self.run.len]);
        }
        self.run.len - i
    }
}

fn word_at(bytes: &[u8], off: usize) -> Option<u32> {
    let b = bytes.get(off..off + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_ranges_from_maps() {
        let maps = "00400000-00452000 r-xp 00000000 08:02 173521 /bin/x\n\
                    00651000-00652000 rw-p 00051000 08:02 173521 /bin/x\n\
                    7fff0000-7fff1000 --xp 00000000 00:00 0\n";
        assert_eq!(
            parse_exec_ranges(maps),
            vec![(0x40_0000, 0x45_2000), (0x7fff_0000, 0x7fff_1000)]
        );
    }

    #[test]
    fn procmap_query_layout() {
        assert_eq!(size_of::<ProcmapQuery>(), 104);
        assert_eq!(std::mem::offset_of!(ProcmapQuery, dev_major), 72);
        assert_eq!(std::mem::offset_of!(ProcmapQuery, vma_name_addr), 88);
        assert_eq!(PROCMAP_QUERY, 0xc068_6611);
    }

    /// The kernel's answer for one address agrees with the text of
    /// /proc/self/maps (where the kernel has PROCMAP_QUERY).
    #[test]
    fn query_agrees_with_maps_text() {
        let heap = Box::new([0u8; 64]);
        let stack = 0u64;
        let code = query_agrees_with_maps_text as *const () as u64;
        let addrs = [code, heap.as_ptr() as u64, &stack as *const u64 as u64, 8];
        let text = std::fs::read_to_string("/proc/self/maps").unwrap();
        let exec = parse_exec_ranges(&text);
        for addr in addrs {
            let Some(vma) = query_vma(addr) else {
                eprintln!("PROCMAP_QUERY not supported: nothing to compare");
                return;
            };
            let in_text = exec.iter().any(|&(s, e)| s <= addr && addr < e);
            assert_eq!(matches!(vma, Some((_, _, true))), in_text, "{addr:#x}");
            if let Some((s, e, _)) = vma {
                assert!(s <= addr && addr < e, "{addr:#x} in {s:#x}-{e:#x}");
            }
        }
        assert_eq!(query_vma(8), Some(None));
        let mut m = ExecMap::default();
        assert!(m.is_exec(code));
        assert!(!m.is_exec(heap.as_ptr() as u64));
    }

    #[test]
    fn data_pages_are_not_fetched() {
        let data = vec![0xd503_201fu32; 2048]; // NOPs in a heap (non-exec) buffer
        let mut f = Fetcher::default();
        assert_eq!(f.word(data.as_ptr() as u64), None);
    }

    #[test]
    fn runs_give_the_words_from_the_address_on() {
        let mut f = Fetcher::default();
        let mut out = [0; RUN_WORDS];
        // Words read in place earlier in the translation: the run from the
        // address asked for to its end.
        f.run = Run {
            start: 0x1000,
            len: 5,
            words: [10, 11, 12, 13, 14, 0, 0, 0],
        };
        assert_eq!(f.run(0x1000, &mut out), 5);
        assert_eq!(out[..5], [10, 11, 12, 13, 14]);
        assert_eq!(f.run(0x1008, &mut out), 3);
        assert_eq!(out[..3], [12, 13, 14]);
        // Not executable: nothing.
        let data = vec![0xd503_201fu32; 2048];
        assert_eq!(f.run(data.as_ptr() as u64, &mut out), 0);
        // Executable memory read afresh: at least the word asked for, and
        // what follows it.
        let mut m = memmap2::MmapMut::map_anon(PAGE as usize).expect("mmap");
        for (i, b) in m.chunks_mut(4).enumerate() {
            b.copy_from_slice(&(i as u32).to_le_bytes());
        }
        let m = m.make_exec().expect("mprotect");
        let at = m.as_ptr() as u64 + 8;
        let n = f.run(at, &mut out);
        assert!(n >= 1);
        assert_eq!(out[..n], (2..2 + n as u32).collect::<Vec<_>>()[..]);
        drop(m);
    }

    #[test]
    fn forgetting_a_range_rereads_only_its_pages() {
        // Two executable pages, each starting with a word that changes
        // behind the cache.
        let len = 2 * PAGE as usize;
        let write = |m: memmap2::Mmap, x: u32, y: u32| {
            let mut m = m.make_mut().expect("mprotect");
            m[..4].copy_from_slice(&x.to_le_bytes());
            m[PAGE as usize..PAGE as usize + 4].copy_from_slice(&y.to_le_bytes());
            m.make_exec().expect("mprotect")
        };
        let m = memmap2::MmapMut::map_anon(len).expect("mmap");
        let m = write(m.make_read_only().expect("mprotect"), 1, 2);
        let a = m.as_ptr() as u64;
        let b = a + PAGE;
        let mut f = Fetcher::default();
        assert_eq!((f.word(a), f.word(b)), (Some(1), Some(2)));
        let m = write(m, 3, 4);
        // Cached until forgotten, then only the forgotten page is read again.
        assert_eq!((f.word(a), f.word(b)), (Some(1), Some(2)));
        f.forget(b + 8, b + 12);
        assert_eq!((f.word(a), f.word(b)), (Some(1), Some(4)));
        f.forget(0, u64::MAX);
        assert_eq!((f.word(a), f.word(b)), (Some(3), Some(4)));
        drop(m);
    }
}
