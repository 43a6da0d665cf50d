//! Guest RAM: one shared memory object mapped at a fixed guest physical
//! base, plus small windows where two pages of it can be mapped side by
//! side (for an access that crosses from one page to a physically
//! discontiguous one and that translated code performs on one host
//! address).

use memmap2::{MmapMut, MmapOptions};
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::sync::atomic::{AtomicU64, Ordering};

const PAGE: u64 = 4096;
/// Windows for page pairs per CPU, used round robin (translated code uses
/// an address from one for a single operation; several keep earlier ones
/// of the same instruction valid). Each CPU has its own, so CPUs running
/// on other host threads never remap a window one is using.
const WINDOWS: u64 = 4;
const CPUS: u64 = super::devices::gic::MAX_CPUS as u64;

pub struct Ram {
    base: u64,
    mem: MmapMut,
    file: File,
    /// `WINDOWS` two-page windows per CPU, reserved inaccessible.
    windows: u64,
    next_window: [AtomicU64; CPUS as usize],
}

impl Ram {
    pub fn new(base: u64, size: u64) -> std::io::Result<Ram> {
        // SAFETY: memfd_create takes a NUL-terminated name and flags.
        let fd = unsafe { libc::memfd_create(c"emu-ram".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just created and is owned by nothing else.
        let file = unsafe { File::from_raw_fd(fd) };
        file.set_len(size)?;
        // SAFETY: the memory object is private to this process; guest RAM
        // is only reached through this mapping and the windows.
        let mem = unsafe { MmapOptions::new().len(size as usize).map_mut(&file)? };
        // SAFETY: an anonymous reservation with no access; nothing else
        // uses these addresses.
        let windows = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                (2 * PAGE * WINDOWS * CPUS) as usize,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if windows == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Ram {
            base,
            mem,
            file,
            windows: windows as u64,
            next_window: Default::default(),
        })
    }

    pub fn base(&self) -> u64 {
        self.base
    }

    pub fn size(&self) -> u64 {
        self.mem.len() as u64
    }

    /// Host address of `[pa, pa + len)` when it lies inside RAM.
    pub fn host(&self, pa: u64, len: u64) -> Option<u64> {
        let off = pa.checked_sub(self.base)?;
        if off.checked_add(len)? > self.size() {
            return None;
        }
        Some(self.mem.as_ptr() as u64 + off)
    }

    /// The physical address of host address `host` inside the main mapping
    /// of RAM.
    pub fn pa_of_host(&self, host: u64) -> Option<u64> {
        let off = host.checked_sub(self.mem.as_ptr() as u64)?;
        (off < self.size()).then_some(self.base + off)
    }

    /// A host address where the RAM pages at `first` and `second`
    /// (page-aligned physical addresses) follow each other: a window of
    /// CPU `cpu` mapping both, valid until it asks for `WINDOWS` more pairs.
    pub fn pair(&self, cpu: usize, first: u64, second: u64) -> Option<u64> {
        let offs = [first, second].map(|pa| pa.checked_sub(self.base));
        let [Some(a), Some(b)] = offs else {
            return None;
        };
        if a + PAGE > self.size() || b + PAGE > self.size() {
            return None;
        }
        let n = self.next_window[cpu].fetch_add(1, Ordering::Relaxed) % WINDOWS;
        let win = self.windows + (cpu as u64 * WINDOWS + n) * 2 * PAGE;
        for (i, off) in [a, b].into_iter().enumerate() {
            // SAFETY: the window is our own reservation; MAP_FIXED replaces
            // only its page `i` with a shared view of RAM.
            let r = unsafe {
                libc::mmap(
                    (win + i as u64 * PAGE) as *mut libc::c_void,
                    PAGE as usize,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED | libc::MAP_FIXED,
                    self.file.as_raw_fd(),
                    off as libc::off_t,
                )
            };
            if r == libc::MAP_FAILED {
                return None;
            }
        }
        Some(win)
    }

    /// A handle devices use to read and write RAM (see [`super::dma`]).
    pub fn dma(&self) -> std::io::Result<super::dma::Dma> {
        super::dma::Dma::new(&self.file, self.base, self.size())
    }

    /// Copies `data` to physical address `pa`.
    pub fn write(&mut self, pa: u64, data: &[u8]) -> Option<()> {
        let off = (pa.checked_sub(self.base)?) as usize;
        self.mem
            .get_mut(off..off.checked_add(data.len())?)?
            .copy_from_slice(data);
        Some(())
    }

    /// The little-endian 64-bit word at `pa` (a page-table descriptor).
    pub fn read_u64(&self, pa: u64) -> Option<u64> {
        let off = (pa.checked_sub(self.base)?) as usize;
        let b = self.mem.get(off..off.checked_add(8)?)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }

    /// The little-endian 32-bit word at `pa` (an instruction).
    pub fn read_u32(&self, pa: u64) -> Option<u32> {
        let off = (pa.checked_sub(self.base)?) as usize;
        let b = self.mem.get(off..off.checked_add(4)?)?;
        Some(u32::from_le_bytes(b.try_into().ok()?))
    }
}

impl Drop for Ram {
    fn drop(&mut self) {
        // SAFETY: unmaps the windows reserved in `new`, used by nothing
        // after the RAM is gone.
        unsafe {
            libc::munmap(
                self.windows as *mut libc::c_void,
                (2 * PAGE * WINDOWS * CPUS) as usize,
            )
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_pair_window_aliases_ram() {
        let mut ram = Ram::new(0x4000_0000, 16 * PAGE).unwrap();
        ram.write(0x4000_0000 + 5 * PAGE - 4, b"abcd").unwrap();
        ram.write(0x4000_0000 + 2 * PAGE, b"efgh").unwrap();
        let w = ram
            .pair(0, 0x4000_0000 + 4 * PAGE, 0x4000_0000 + 2 * PAGE)
            .unwrap();
        // SAFETY: the window maps two pages of RAM, readable and writable.
        let across = unsafe { std::slice::from_raw_parts_mut((w + PAGE - 4) as *mut u8, 8) };
        assert_eq!(across, b"abcdefgh");
        across.copy_from_slice(b"ABCDEFGH");
        assert_eq!(
            ram.read_u32(0x4000_0000 + 2 * PAGE),
            Some(u32::from_le_bytes(*b"EFGH"))
        );
        assert!(ram.pair(0, 0x4000_0000, 0x4000_0000 + 16 * PAGE).is_none());
    }
}
