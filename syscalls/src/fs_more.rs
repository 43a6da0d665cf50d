//! File calls whose O_* words need the open-flag table: openat2 (`struct open_how`),
//! open_by_handle_at, fanotify_init's `event_f_flags`. arm64 and x86-64 disagree on
//! O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE (abi::flags::OPEN_FLAGS).

use crate::abi::errno::Errno;
use crate::abi::flags::open_flags_to_host;
use crate::abi::open::{
    check_size, check_trailing, valid_guest_open_flags, OpenHow, OPEN_HOW_SIZE_VER0,
};
use crate::fs::{open_guest_path, Lookup};
use crate::guest_mem;
use crate::host::{check, int};
use crate::thread::Task;
use crate::SysResult;

/// openat2(dirfd, path, how, size): `how` is size-versioned; bytes past version 0
/// must be zero. Unknown O_* bits are EINVAL here (unlike openat, which ignores
/// them); RESOLVE_* bits and the mode are generic and checked by the host. The path
/// is treated as openat treats it (/proc files, sysroot), except that a lookup
/// confined to `dirfd`'s tree takes it as given and RESOLVE_NO_SYMLINKS stops at
/// the first symlink of the sysroot walk too.
pub fn openat2(p: &mut Task, a: [u64; 6]) -> SysResult {
    let size = a[3];
    check_size(size)?;
    let how: OpenHow = guest_mem::read_val(a[2])?;
    if size > OPEN_HOW_SIZE_VER0 {
        let mut rest = vec![0u8; (size - OPEN_HOW_SIZE_VER0) as usize];
        guest_mem::read_bytes(a[2] + OPEN_HOW_SIZE_VER0, &mut rest)?;
        check_trailing(&rest)?;
    }
    if how.flags & !valid_guest_open_flags() != 0 {
        return Err(Errno::EINVAL);
    }
    let host_how = OpenHow {
        flags: open_flags_to_host(how.flags as u32) as u64,
        ..how
    };
    let lookup = if how.resolve & (RESOLVE_NO_XDEV | RESOLVE_BENEATH | RESOLVE_IN_ROOT) != 0 {
        Lookup::InDirfd
    } else if how.resolve & RESOLVE_NO_SYMLINKS != 0 {
        Lookup::NoSymlinks
    } else {
        Lookup::Any
    };
    open_guest_path(p, (a[0], a[1]), host_how.flags as i32, lookup, |h| {
        // SAFETY: a valid C string and a local version-0 open_how of the size given.
        check(unsafe {
            crate::host::raw(
                crate::host::nr::SYS_openat2,
                [
                    h.dirfd as u64,
                    h.path.as_ptr() as u64,
                    (&host_how as *const OpenHow) as u64,
                    OPEN_HOW_SIZE_VER0,
                    0,
                    0,
                ],
            )
        })
    })
}

/// openat2 RESOLVE_* bits that confine the lookup to `dirfd`'s tree
/// (include/uapi/linux/openat2.h).
const RESOLVE_NO_XDEV: u64 = 0x01;
pub(crate) const RESOLVE_NO_SYMLINKS: u64 = 0x04;
const RESOLVE_BENEATH: u64 = 0x08;
const RESOLVE_IN_ROOT: u64 = 0x10;

/// open_by_handle_at(mount_fd, handle, flags): `struct file_handle` (u32 size, int
/// type, bytes) is generic; `flags` are O_* flags. The host asks for
/// CAP_DAC_READ_SEARCH, as arm64 does.
pub fn open_by_handle_at(_: &mut Task, a: [u64; 6]) -> SysResult {
    let fl = open_flags_to_host(a[2] as u32);
    // SAFETY: a guest file_handle pointer the kernel checks; integer fd and flags.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_open_by_handle_at,
            [int(a[0]) as u64, a[1], fl as u64, 0, 0, 0],
        )
    })
}

/// fanotify_init(flags, event_f_flags): FAN_* flags are generic; `event_f_flags` are
/// the O_* flags of the descriptors events carry.
pub fn fanotify_init(_: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel rejects unknown bits, which the table would drop.
    if u64::from(a[1] as u32) & !valid_guest_open_flags() != 0 {
        return Err(Errno::EINVAL);
    }
    let fl = open_flags_to_host(a[1] as u32);
    // SAFETY: integer arguments.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_fanotify_init,
            [(a[0] as u32) as u64, fl as u64, 0, 0, 0, 0],
        )
    })
}
