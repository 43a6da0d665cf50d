//! Reading guest instruction words without trusting the address: a fetch
//! from an unmapped page must become a guest fault, not a crash of emu.

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

/// Fetches instruction words page by page, keeping the last page read.
/// [`Fetcher::forget`] drops it whenever guest code may have changed.
#[derive(Default)]
pub struct Fetcher {
    page: u64,
    len: usize,
    buf: Vec<u8>,
}

const PAGE: u64 = 4096;

impl Fetcher {
    /// Drops the cached page.
    pub fn forget(&mut self) {
        self.len = 0;
        self.page = u64::MAX;
    }

    /// The little-endian word at `pc`, or `None` if it cannot be read.
    pub fn word(&mut self, pc: u64) -> Option<u32> {
        let page = pc & !(PAGE - 1);
        if self.buf.is_empty() || page != self.page {
            self.buf.resize(PAGE as usize, 0);
            self.page = page;
            self.len = read_guest(page, &mut self.buf);
        }
        let off = (pc - page) as usize;
        if off + 4 > self.len {
            return None;
        }
        let b = &self.buf[off..off + 4];
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}
