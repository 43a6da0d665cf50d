//! Memory calls beyond mmap and friends: protection keys as an arm64 kernel without
//! the POE feature answers them, and remap_file_pages.
//!
//! The host (x86-64) may well have protection keys, so pkey_* never reach it. An arm64
//! kernel built with CONFIG_ARM64_POE (the default since 6.12) on a CPU without POE
//! (emu announces none) reserves key 0 for every address space and can allocate no
//! other (arch/arm64/include/asm/pkeys.h, mmu_context.h): pkey_alloc is ENOSPC after
//! its argument checks, pkey_free frees key 0 once and is EINVAL otherwise,
//! pkey_mprotect with key -1 or an allocated key 0 is mprotect, else EINVAL.

use crate::abi::errno::Errno;
use crate::host::{check, ok};
use crate::process::PAGE;
use crate::thread::Task;
use crate::SysResult;
use std::sync::atomic::Ordering;

/// arm64's PKEY_ACCESS_MASK: DISABLE_ACCESS | DISABLE_WRITE | DISABLE_EXECUTE |
/// DISABLE_READ (arch/arm64/include/uapi/asm/mman.h).
const PKEY_ACCESS_MASK: u64 = 0xf;

pub fn pkey_alloc(_: &mut Task, a: [u64; 6]) -> SysResult {
    if a[0] != 0 || a[1] & !PKEY_ACCESS_MASK != 0 {
        return Err(Errno::EINVAL);
    }
    Err(Errno::ENOSPC)
}

pub fn pkey_free(p: &mut Task, a: [u64; 6]) -> SysResult {
    let key = a[0] as i32;
    if key == 0 && p.pkey0_allocated.swap(false, Ordering::SeqCst) {
        return ok(0);
    }
    Err(Errno::EINVAL)
}

pub fn pkey_mprotect(p: &mut Task, a: [u64; 6]) -> SysResult {
    let key = a[3] as i32;
    if key == -1 || (key == 0 && p.pkey0_allocated.load(Ordering::SeqCst)) {
        return crate::mem::mprotect(p, a);
    }
    // do_mprotect_pkey's checks before the key's: alignment, empty, wrap-around.
    let (start, len) = (a[0], a[1]);
    if start % PAGE != 0 {
        return Err(Errno::EINVAL);
    }
    if len == 0 {
        return ok(0);
    }
    match len
        .checked_next_multiple_of(PAGE)
        .and_then(|l| start.checked_add(l))
    {
        Some(_) => Err(Errno::EINVAL),
        None => Err(Errno::ENOMEM),
    }
}

/// remap_file_pages(start, size, prot, pgoff, flags): generic integers on a guest
/// range (the kernel emulates it with new mappings); the range's contents change, so
/// its translations are dropped.
pub fn remap_file_pages(p: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: rearranges guest memory at the guest's request.
    let r = check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_remap_file_pages,
            [a[0], a[1], a[2], a[3], a[4], 0],
        )
    })?;
    p.invalidate(a[0], a[1]);
    Ok(r)
}
