//! Safe copies between guest memory and the syscall layer.
//!
//! Guest addresses are host addresses (identity mapping), but a guest pointer may be bad.
//! Once the emulator's fault handler is installed, copies go through the fault-reporting
//! accessors of [`crate::guest_access`]: a plain `rep movsb` whose fault comes back as
//! EFAULT, at the cost of a memcpy. Without that handler (this crate's own tests, or a
//! library user), copies go through `process_vm_readv`/`process_vm_writev` on our own
//! pid, which return EFAULT instead of faulting; if those calls are unavailable (ENOSYS,
//! or EPERM under a restrictive sandbox), a pipe is used instead: the kernel checks the
//! guest range when it copies into or out of the pipe.

use crate::abi::errno::Errno;
use crate::abi::GuestPod;
use std::sync::atomic::{AtomicU8, Ordering};

const UNKNOWN: u8 = 0;
const VM_CALLS: u8 = 1;
const PIPE: u8 = 2;
static METHOD: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Largest string [`read_cstr`] reads (PATH_MAX).
pub const PATH_MAX: usize = 4096;
const PAGE: u64 = 4096;

/// Result of a process_vm_* attempt.
enum Vm {
    Done,
    Fault,
    Unavailable,
}

fn vm_copy(write: bool, addr: u64, local: *mut u8, len: usize) -> Vm {
    let liov = libc::iovec {
        iov_base: local.cast(),
        iov_len: len,
    };
    let riov = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: `local` is valid for `len` bytes (caller's slice); the remote range is
    // checked by the kernel, which reports EFAULT rather than faulting.
    let n = unsafe {
        if write {
            libc::process_vm_writev(libc::getpid(), &liov, 1, &riov, 1, 0)
        } else {
            libc::process_vm_readv(libc::getpid(), &liov, 1, &riov, 1, 0)
        }
    };
    if n == len as isize {
        return Vm::Done;
    }
    if n >= 0 {
        return Vm::Fault; // partial copy: part of the range is bad
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::ENOSYS) | Some(libc::EPERM) => Vm::Unavailable,
        _ => Vm::Fault,
    }
}

/// Pipe-based copies, used when process_vm_* is unavailable. Public for tests.
pub mod fallback {
    use super::*;

    struct Pipe([i32; 2]);

    impl Pipe {
        fn new() -> Result<Pipe, Errno> {
            let mut fds = [0i32; 2];
            // SAFETY: fds is a valid two-int array.
            if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
                return Err(Errno::last());
            }
            Ok(Pipe(fds))
        }
    }

    impl Drop for Pipe {
        fn drop(&mut self) {
            // SAFETY: both fds were opened by Pipe::new and are closed once.
            unsafe {
                libc::close(self.0[0]);
                libc::close(self.0[1]);
            }
        }
    }

    /// One chunk fits in the pipe buffer, so neither side blocks.
    const CHUNK: usize = 4096;

    fn full(n: isize, want: usize) -> Result<(), Errno> {
        if n == want as isize {
            Ok(())
        } else {
            Err(Errno::EFAULT)
        }
    }

    /// Copies guest `addr..addr+buf.len()` into `buf`.
    pub fn read(addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
        let p = Pipe::new()?;
        for (i, chunk) in buf.chunks_mut(CHUNK).enumerate() {
            let src = addr.wrapping_add((i * CHUNK) as u64);
            // SAFETY: the kernel validates the guest source range (EFAULT if bad).
            let n = unsafe { libc::write(p.0[1], src as *const libc::c_void, chunk.len()) };
            full(n, chunk.len())?;
            // SAFETY: chunk is a valid writable slice of that length.
            let n = unsafe { libc::read(p.0[0], chunk.as_mut_ptr().cast(), chunk.len()) };
            full(n, chunk.len())?;
        }
        Ok(())
    }

    /// Copies `data` to guest `addr`.
    pub fn write(addr: u64, data: &[u8]) -> Result<(), Errno> {
        let p = Pipe::new()?;
        for (i, chunk) in data.chunks(CHUNK).enumerate() {
            let dst = addr.wrapping_add((i * CHUNK) as u64);
            // SAFETY: chunk is a valid readable slice of that length.
            let n = unsafe { libc::write(p.0[1], chunk.as_ptr().cast(), chunk.len()) };
            full(n, chunk.len())?;
            // SAFETY: the kernel validates the guest destination range (EFAULT if bad).
            let n = unsafe { libc::read(p.0[0], dst as *mut libc::c_void, chunk.len()) };
            full(n, chunk.len())?;
        }
        Ok(())
    }
}

fn copy(write: bool, addr: u64, local: *mut u8, len: usize) -> Result<(), Errno> {
    if len == 0 {
        return Ok(());
    }
    let addr = crate::tagged_addr::user_addr(addr);
    if crate::guest_access::fault_handler_installed() {
        // SAFETY: `local` is valid for `len` bytes (the caller's buffer, read only
        // when writing to the guest); the guest side faults into an EFAULT through
        // the installed handler.
        let r = unsafe {
            if write {
                crate::guest_access::write(addr, std::slice::from_raw_parts(local, len))
            } else {
                crate::guest_access::read(addr, std::slice::from_raw_parts_mut(local, len))
            }
        };
        return r.map_err(|_| Errno::EFAULT);
    }
    if METHOD.load(Ordering::Relaxed) != PIPE {
        match vm_copy(write, addr, local, len) {
            Vm::Done => {
                METHOD.store(VM_CALLS, Ordering::Relaxed);
                return Ok(());
            }
            Vm::Fault => return Err(Errno::EFAULT),
            Vm::Unavailable => METHOD.store(PIPE, Ordering::Relaxed),
        }
    }
    if write {
        // SAFETY: `local` points to `len` readable bytes (caller's slice).
        fallback::write(addr, unsafe { std::slice::from_raw_parts(local, len) })
    } else {
        // SAFETY: `local` points to `len` writable bytes (caller's slice).
        fallback::read(addr, unsafe { std::slice::from_raw_parts_mut(local, len) })
    }
}

/// Copies guest memory at `addr` into `buf`; EFAULT if any byte is inaccessible.
pub fn read_bytes(addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
    copy(false, addr, buf.as_mut_ptr(), buf.len())
}

/// Copies `data` into guest memory at `addr`; EFAULT if any byte is not writable.
pub fn write_bytes(addr: u64, data: &[u8]) -> Result<(), Errno> {
    // process_vm_writev reads from our side only; the pointer is not written through.
    copy(true, addr, data.as_ptr().cast_mut(), data.len())
}

/// Reads a guest value of plain type `T`.
pub fn read_val<T: GuestPod>(addr: u64) -> Result<T, Errno> {
    let mut v = T::default();
    let len = std::mem::size_of::<T>();
    copy(false, addr, (&mut v as *mut T).cast(), len)?;
    Ok(v)
}

/// Writes a guest value of plain type `T`.
pub fn write_val<T: GuestPod>(addr: u64, v: &T) -> Result<(), Errno> {
    let len = std::mem::size_of::<T>();
    copy(true, addr, (v as *const T).cast_mut().cast(), len)
}

/// Reads a NUL-terminated guest string of at most `max` bytes (without the NUL).
/// Reads in chunks that never cross a page, so a string ending just before an
/// unmapped page is fine; the chunks are short, as most strings are (a path
/// read a page at a time cost a dynamic hello world 2% of its start-up).
/// ENAMETOOLONG if no NUL is found within `max` bytes.
pub fn read_cstr(addr: u64, max: usize) -> Result<Vec<u8>, Errno> {
    const CHUNK: usize = 256;
    let mut out = Vec::new();
    let mut cur = addr;
    let mut chunk = [0u8; CHUNK];
    while out.len() < max {
        let to_page_end = (PAGE - cur % PAGE) as usize;
        let n = to_page_end.min(max - out.len()).min(CHUNK);
        let buf = &mut chunk[..n];
        read_bytes(cur, buf)?;
        if let Some(z) = buf.iter().position(|&b| b == 0) {
            out.extend_from_slice(&buf[..z]);
            return Ok(out);
        }
        out.extend_from_slice(buf);
        cur = cur.wrapping_add(n as u64);
    }
    Err(Errno::ENAMETOOLONG)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::time::Timespec;

    /// An address that is never mapped: the first page.
    const BAD: u64 = 0x10;

    #[test]
    fn read_write_roundtrip() {
        let mut target = [0u8; 32];
        let addr = target.as_mut_ptr() as u64;
        write_bytes(addr, b"hello").unwrap();
        let mut back = [0u8; 5];
        read_bytes(addr, &mut back).unwrap();
        assert_eq!(&back, b"hello");
        assert_eq!(&target[..5], b"hello");
    }

    #[test]
    fn bad_pointers_give_efault() {
        let mut b = [0u8; 8];
        assert_eq!(read_bytes(BAD, &mut b), Err(Errno::EFAULT));
        assert_eq!(write_bytes(BAD, &b), Err(Errno::EFAULT));
        assert_eq!(read_val::<Timespec>(BAD), Err(Errno::EFAULT));
        assert_eq!(read_cstr(BAD, 100), Err(Errno::EFAULT));
    }

    #[test]
    fn write_to_readonly_memory_is_efault() {
        static RO: [u8; 16] = [7; 16];
        let addr = RO.as_ptr() as u64;
        assert_eq!(write_bytes(addr, &[1, 2]), Err(Errno::EFAULT));
        assert_eq!(fallback::write(addr, &[1, 2]), Err(Errno::EFAULT));
        assert_eq!(RO[0], 7);
    }

    #[test]
    fn values_roundtrip() {
        let mut t = Timespec::default();
        let addr = &mut t as *mut Timespec as u64;
        write_val(
            addr,
            &Timespec {
                tv_sec: 5,
                tv_nsec: 6,
            },
        )
        .unwrap();
        assert_eq!(
            read_val::<Timespec>(addr).unwrap(),
            Timespec {
                tv_sec: 5,
                tv_nsec: 6
            }
        );
    }

    #[test]
    fn fallback_copies_and_faults() {
        let mut target = vec![0u8; 10000];
        let data: Vec<u8> = (0..10000u32).map(|i| i as u8).collect();
        fallback::write(target.as_mut_ptr() as u64, &data).unwrap();
        assert_eq!(target, data);
        let mut back = vec![0u8; 10000];
        fallback::read(target.as_ptr() as u64, &mut back).unwrap();
        assert_eq!(back, data);
        assert_eq!(fallback::read(BAD, &mut back[..4]), Err(Errno::EFAULT));
        assert_eq!(fallback::write(BAD, &data[..4]), Err(Errno::EFAULT));
    }

    #[test]
    fn cstr_reads_up_to_nul_and_limits() {
        let s = b"/proc/self/exe\0junk";
        assert_eq!(
            read_cstr(s.as_ptr() as u64, 4096).unwrap(),
            b"/proc/self/exe"
        );
        assert_eq!(read_cstr(s.as_ptr() as u64, 4), Err(Errno::ENAMETOOLONG));
        // Longer than a chunk: read on across chunks, limited exactly.
        let mut long = vec![b'x'; 1000];
        long.push(0);
        let at = long.as_ptr() as u64;
        assert_eq!(read_cstr(at, 4096).unwrap(), &long[..1000]);
        assert_eq!(read_cstr(at, 1001).unwrap(), &long[..1000]);
        assert_eq!(read_cstr(at, 1000), Err(Errno::ENAMETOOLONG));
    }

    #[test]
    fn cstr_stops_before_unmapped_page() {
        // Map two pages, make the second inaccessible, put a string at the end of the first.
        // SAFETY: fresh anonymous mapping, used only within this test.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                8192,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        } as u64;
        // Inaccessible rather than unmapped, so that no other test's mapping can
        // land there meanwhile.
        // SAFETY: the second page of our own mapping.
        unsafe { libc::mprotect((p + 4096) as *mut libc::c_void, 4096, libc::PROT_NONE) };
        let at = p + 4096 - 4;
        write_bytes(at, b"abc\0").unwrap();
        assert_eq!(read_cstr(at, 4096).unwrap(), b"abc");
        write_bytes(at, b"abcd").unwrap();
        assert_eq!(read_cstr(at, 4096), Err(Errno::EFAULT));
        // SAFETY: unmapping our own two pages.
        unsafe { libc::munmap(p as *mut libc::c_void, 8192) };
    }
}
