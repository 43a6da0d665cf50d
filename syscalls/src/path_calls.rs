//! Calls forwarded to the host whose only translation is their paths: each path
//! argument is resolved as the guest names it ([`crate::fs::host_at`]: the sysroot
//! overlay, relative paths against the guest's directories), the rest passes as in
//! `crate::pass` (the arguments mean the same to the x86-64 kernel).

use crate::abi::flags::AT_FDCWD;
use crate::fs::guest_path_at;
use crate::host::{check, raw, HostNr};
use crate::thread::Task;
use crate::SysResult;

/// Forwards host call `nr` with the guest's arguments, each `(dirfd, path)` argument
/// pair (by index; no dirfd: the working directory) resolved. A NULL path passes as
/// NULL (utimensat's "the fd itself", or the host's EFAULT).
fn forward(p: &Task, nr: HostNr, mut a: [u64; 6], paths: &[(Option<usize>, usize)]) -> SysResult {
    let mut resolved = Vec::with_capacity(paths.len());
    for &(dir, path) in paths {
        if a[path] == 0 {
            continue;
        }
        let dirfd = dir.map_or(AT_FDCWD as u64, |d| a[d]);
        let h = guest_path_at(p, dirfd, a[path])?;
        if let Some(d) = dir {
            a[d] = h.dirfd as u64;
        }
        a[path] = h.path.as_ptr() as u64;
        resolved.push(h);
    }
    // SAFETY: the paths point into `resolved`, alive across the call; the other
    // arguments mean the same to the host kernel, which checks every guest pointer.
    check(unsafe { raw(nr, a) })
}

macro_rules! path_calls {
    ($($(#[$doc:meta])* $name:ident => $host:ident, [$(($dir:expr, $path:expr)),*];)*) => {
        $(
            $(#[$doc])*
            pub fn $name(p: &mut Task, a: [u64; 6]) -> SysResult {
                forward(p, crate::host::nr::$host, a, &[$(($dir, $path)),*])
            }
        )*
    };
}

path_calls! {
    /// Integer modes and ids; AT_* flags are asm-generic on both.
    truncate => SYS_truncate, [(None, 0)];
    fchmodat => SYS_fchmodat, [(Some(0), 1)];
    /// fchmodat2 (Linux 6.6): like fchmodat with AT_SYMLINK_NOFOLLOW / AT_EMPTY_PATH.
    fchmodat2 => SYS_fchmodat2, [(Some(0), 1)];
    fchownat => SYS_fchownat, [(Some(0), 1)];
    mknodat => SYS_mknodat, [(Some(0), 1)];
    /// The link's target is stored as given, not resolved.
    symlinkat => SYS_symlinkat, [(Some(1), 2)];
    linkat => SYS_linkat, [(Some(0), 1), (Some(2), 3)];
    /// `struct timespec[2]`: same layout (abi::time::Timespec).
    utimensat => SYS_utimensat, [(Some(0), 1)];
    /// Extended attributes: NUL-terminated names, opaque value bytes and
    /// XATTR_CREATE/XATTR_REPLACE (1, 2) are the same on both.
    setxattr => SYS_setxattr, [(None, 0)];
    lsetxattr => SYS_lsetxattr, [(None, 0)];
    getxattr => SYS_getxattr, [(None, 0)];
    lgetxattr => SYS_lgetxattr, [(None, 0)];
    listxattr => SYS_listxattr, [(None, 0)];
    llistxattr => SYS_llistxattr, [(None, 0)];
    removexattr => SYS_removexattr, [(None, 0)];
    lremovexattr => SYS_lremovexattr, [(None, 0)];
    /// IN_* masks are generic.
    inotify_add_watch => SYS_inotify_add_watch, [(None, 1)];
    /// FAN_MARK_* flags and the u64 mask (one register on 64-bit) are generic.
    fanotify_mark => SYS_fanotify_mark, [(Some(3), 4)];
    /// `struct file_handle` (u32, int, bytes), an int mount id and AT_* flags are
    /// generic.
    name_to_handle_at => SYS_name_to_handle_at, [(Some(0), 1)];
    /// Unprivileged: EPERM from the host's CAP_SYS_CHROOT check, as on arm64. emu
    /// itself then runs in the new root too (a root without emu-user cannot exec).
    chroot => SYS_chroot, [(None, 0)];
}
