//! SysV shared memory. `struct shmid64_ds`, `shminfo64` and `shm_info` are the same
//! on both (x86-64 uses asm-generic/shmbuf.h; see `abi::ipc`'s tests), so shmget and
//! shmctl pass through. shmat and shmdt map and unmap guest memory: they update the
//! record of guest ranges (/proc/self/maps) and drop stale translations.

use crate::abi::errno::Errno;
use crate::host::{check, int, ok};
use crate::pass::passthrough;
use crate::process::{lock, PAGE};
use crate::thread::Task;
use crate::SysResult;

passthrough! {
    /// Integer key, size and IPC_*/SHM_HUGETLB/SHM_NORESERVE flags (generic).
    shmget => SYS_shmget;
    /// `struct shmid64_ds` / `shminfo64` / `shm_info`: same layouts (abi::ipc).
    shmctl => SYS_shmctl;
}

/// The attached length of segment `id`: its size rounded up to pages, as shmat maps it.
fn segment_len(id: i32) -> Option<u64> {
    // SAFETY: all-zero is a valid shmid_ds.
    let mut ds: libc::shmid_ds = unsafe { std::mem::zeroed() };
    // SAFETY: `ds` is a valid out-buffer of the host layout.
    let r = unsafe {
        crate::host::raw(
            crate::host::nr::SYS_shmctl,
            [
                id as u64,
                (libc::IPC_STAT) as u64,
                std::ptr::addr_of_mut!(ds) as u64,
                0,
                0,
                0,
            ],
        )
    };
    (r == 0).then(|| (ds.shm_segsz as u64).next_multiple_of(PAGE))
}

/// shmat: SHM_RDONLY, SHM_RND, SHM_REMAP and SHM_EXEC have the same values on both.
pub fn shmat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let id = int(a[0]);
    // SAFETY: attaches at the guest's address (or one the kernel picks), as the guest
    // kernel would; SHM_REMAP replaces guest memory only at the guest's request.
    let addr = unsafe {
        crate::host::raw(
            crate::host::nr::SYS_shmat,
            [id as u64, a[1], int(a[2]) as u64, 0, 0, 0],
        )
    };
    check(addr)?;
    let addr = addr as u64;
    // Attaching took read permission, which IPC_STAT needs; a segment the kernel
    // would not describe still covers at least a page.
    let len = segment_len(id).unwrap_or(PAGE);
    lock(&p.shm_attached).insert(addr, len);
    p.guest_mapped(addr, len);
    p.invalidate(addr, len);
    ok(addr)
}

/// shmdt: the kernel detaches the whole segment attached at `addr`.
pub fn shmdt(p: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: detaching guest memory at the guest's request.
    if unsafe { crate::host::raw(crate::host::nr::SYS_shmdt, [a[0], 0, 0, 0, 0, 0]) } < 0 {
        return Err(Errno::last());
    }
    let len = lock(&p.shm_attached).remove(&a[0]);
    if let Some(len) = len {
        p.guest_unmapped(a[0], len);
        p.invalidate(a[0], len);
    }
    ok(0)
}
