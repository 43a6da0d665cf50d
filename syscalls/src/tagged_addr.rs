//! The AArch64 tagged address ABI (Documentation/arch/arm64/
//! tagged-address-abi.rst): user space runs with top-byte-ignore, but the
//! kernel accepts a tagged pointer to memory it reads or writes only once the
//! thread enabled the ABI with `prctl(PR_SET_TAGGED_ADDR_CTRL,
//! PR_TAGGED_ADDR_ENABLE)`; before that, such a pointer fails `access_ok`
//! (EFAULT). Address-space management calls (munmap, mprotect, madvise, ...)
//! untag their address whatever the setting; brk, mmap's address and
//! mremap's new address are never untagged.
//!
//! The setting is per thread: [`Task::tagged_addr`] (inherited by clone and
//! fork, cleared by exec), mirrored into a thread-local for the guest memory
//! accessors while a syscall runs. Pointers passed straight to the host
//! kernel are untagged here from the strace column of the syscall table
//! (its pointer letters, `strace::args::is_pointer`); the host kernel refuses tagged ones with EFAULT,
//! as arm64 Linux does without the ABI. The buffers of an iovec array
//! (readv, writev and their p/v2 forms) are pointers inside guest memory:
//! the host kernel gets an untagged copy of the array instead.

use crate::abi::errno::Errno;
use crate::abi::misc::Iovec;
use crate::guest_mem;
use crate::host::ok;
use crate::table::{self, nr};
use crate::thread::Task;
use crate::SysResult;
use std::cell::{Cell, RefCell};

const PR_SET_TAGGED_ADDR_CTRL: u64 = 55;
/// The only control bit without MTE (not implemented).
const PR_TAGGED_ADDR_ENABLE: u64 = 1;

thread_local! {
    /// The running syscall's thread has the tagged address ABI enabled.
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    /// The untagged copy of the running syscall's iovec array.
    static IOVECS: RefCell<Vec<Iovec>> = const { RefCell::new(Vec::new()) };
}

/// UIO_MAXIOV: longer arrays are the kernel's EINVAL, left to the host.
const UIO_MAXIOV: u64 = 1024;

/// `untagged_addr`: bits 63:56 replaced by copies of bit 55.
pub fn untag(addr: u64) -> u64 {
    (((addr << 8) as i64) >> 8) as u64
}

/// The address the kernel's user accessors use for guest pointer `addr`:
/// untagged when the calling thread enabled the ABI.
pub fn user_addr(addr: u64) -> u64 {
    if ENABLED.with(|e| e.get()) {
        untag(addr)
    } else {
        addr
    }
}

/// prctl PR_SET_TAGGED_ADDR_CTRL / PR_GET_TAGGED_ADDR_CTRL.
pub fn prctl(t: &mut Task, a: [u64; 6]) -> SysResult {
    if a[0] == PR_SET_TAGGED_ADDR_CTRL {
        if a[2] != 0 || a[3] != 0 || a[4] != 0 || a[1] & !PR_TAGGED_ADDR_ENABLE != 0 {
            return Err(Errno::EINVAL);
        }
        t.tagged_addr = a[1] & PR_TAGGED_ADDR_ENABLE != 0;
        ENABLED.with(|e| e.set(t.tagged_addr));
        ok(0)
    } else {
        if a[1..5].iter().any(|&x| x != 0) {
            return Err(Errno::EINVAL);
        }
        ok(if t.tagged_addr {
            PR_TAGGED_ADDR_ENABLE
        } else {
            0
        })
    }
}

/// Arguments the kernel never untags (they could alias other mappings) or
/// that are not pointers the kernel dereferences (clone's new stack).
fn kept_tagged(nr: u64, i: usize) -> bool {
    matches!(
        (nr, i),
        (nr::BRK, 0) | (nr::MMAP, 0) | (nr::MREMAP, 4) | (nr::CLONE, 1)
    )
}

/// Address-space management calls whose first argument is untagged even
/// without the ABI.
fn always_untagged(nr: u64) -> bool {
    matches!(
        nr,
        nr::MUNMAP
            | nr::MREMAP
            | nr::MPROTECT
            | nr::MSYNC
            | nr::MLOCK
            | nr::MUNLOCK
            | nr::MLOCK2
            | nr::MINCORE
            | nr::MADVISE
    )
}

/// Prepares syscall `nr` of thread `t`: publishes its ABI setting to the
/// guest memory accessors and untags the pointer arguments the kernel would.
pub fn enter(t: &Task, nr: u64, mut args: [u64; 6]) -> [u64; 6] {
    ENABLED.with(|e| e.set(t.tagged_addr));
    if always_untagged(nr) {
        args[0] = untag(args[0]);
    }
    if t.tagged_addr {
        if let Some(e) = table::lookup(nr) {
            for (i, kind) in e.strace.chars().enumerate().take(6) {
                if crate::strace::args::is_pointer(kind) && !kept_tagged(nr, i) {
                    args[i] = untag(args[i]);
                }
            }
        }
        let vectored = matches!(
            nr,
            nr::READV | nr::WRITEV | nr::PREADV | nr::PWRITEV | nr::PREADV2 | nr::PWRITEV2
        );
        if vectored {
            if let Some(copy) = untagged_iovecs(args[1], args[2]) {
                args[1] = copy;
            }
        }
    }
    args
}

/// The address of an untagged copy of the `cnt` iovecs at `addr` (kept
/// until this thread's next call), or `None` when no buffer is tagged or
/// the array cannot be read (the host kernel then reports the error).
fn untagged_iovecs(addr: u64, cnt: u64) -> Option<u64> {
    if cnt == 0 || cnt > UIO_MAXIOV {
        return None;
    }
    let mut raw = vec![0u8; 16 * cnt as usize];
    guest_mem::read_bytes(addr, &mut raw).ok()?;
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
    let mut v: Vec<Iovec> = raw
        .chunks_exact(16)
        .map(|c| Iovec {
            iov_base: word(&c[..8]),
            iov_len: word(&c[8..]),
        })
        .collect();
    if v.iter().all(|io| untag(io.iov_base) == io.iov_base) {
        return None;
    }
    for io in &mut v {
        io.iov_base = untag(io.iov_base);
    }
    Some(IOVECS.with(|c| {
        let mut c = c.borrow_mut();
        *c = v;
        c.as_ptr() as u64
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untagging() {
        assert_eq!(untag(0x5a00_0000_dead_beef), 0xdead_beef);
        assert_eq!(untag(u64::MAX), u64::MAX);
        assert!(kept_tagged(nr::MMAP, 0));
        assert!(!kept_tagged(nr::MMAP, 1));
        assert!(always_untagged(nr::MPROTECT));
        assert!(!always_untagged(nr::MMAP));
    }

    #[test]
    fn iovec_copies() {
        let buf = [0u8; 8];
        let base = buf.as_ptr() as u64;
        let iov = [
            Iovec {
                iov_base: base | 0x12 << 56,
                iov_len: 4,
            },
            Iovec {
                iov_base: base + 4,
                iov_len: 4,
            },
        ];
        let copy = untagged_iovecs(iov.as_ptr() as u64, 2).expect("a tagged base");
        // SAFETY: the copy lives in this thread's buffer until its next use.
        let got = unsafe { std::slice::from_raw_parts(copy as *const Iovec, 2) };
        assert_eq!((got[0].iov_base, got[0].iov_len), (base, 4));
        assert_eq!((got[1].iov_base, got[1].iov_len), (base + 4, 4));
        let plain = [Iovec {
            iov_base: base,
            iov_len: 8,
        }];
        assert_eq!(untagged_iovecs(plain.as_ptr() as u64, 1), None);
        assert_eq!(untagged_iovecs(0x10, 1), None);
    }
}
