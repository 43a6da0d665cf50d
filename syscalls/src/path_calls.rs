//! Calls forwarded to the host whose only translation is their paths: each path
//! argument is resolved as the guest names it ([`crate::fs::host_at`]: the sysroot
//! overlay, relative paths against the guest's directories), the rest passes as in
//! `crate::pass` (the arguments mean the same to the x86-64 kernel).

use crate::abi::errno::Errno;
use crate::abi::flags::{AT_FDCWD, AT_SYMLINK_NOFOLLOW};
use crate::fs::{guest_path_at, host_at, last_unless, HostAt};
use crate::guest_mem::{self, PATH_MAX};
use crate::host::{check, int, raw, HostNr};
use crate::overlay::Last;
use crate::thread::Task;
use crate::SysResult;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;

/// How a path argument's last symlink is treated (see [`Last`]); flags are the
/// generic values of the call's flag argument (by index).
#[derive(Clone, Copy)]
enum End {
    Follow,
    NoFollow,
    Parent,
    /// NoFollow when flag argument `.0` has bit `.1`.
    NoFollowIf(usize, u64),
    /// Follow when flag argument `.0` has bit `.1`, else NoFollow.
    FollowIf(usize, u64),
    /// mount's source: a file system's own string unless it names a file (a device,
    /// the directory of a bind mount or move).
    Source,
}

impl End {
    fn last(self, a: &[u64; 6]) -> Last {
        match self {
            End::Follow | End::Source => Last::Follow,
            End::NoFollow => Last::NoFollow,
            End::Parent => Last::Parent,
            End::NoFollowIf(i, bit) => last_unless(a[i], bit),
            End::FollowIf(i, bit) if a[i] & bit != 0 => Last::Follow,
            End::FollowIf(..) => Last::NoFollow,
        }
    }
}

/// AT_SYMLINK_FOLLOW (linkat, name_to_handle_at).
const AT_SYMLINK_FOLLOW: u64 = 0x400;
/// inotify_add_watch's IN_DONT_FOLLOW.
const IN_DONT_FOLLOW: u64 = 0x0200_0000;
/// fanotify_mark's FAN_MARK_DONT_FOLLOW.
const FAN_MARK_DONT_FOLLOW: u64 = 0x4;
/// umount2's UMOUNT_NOFOLLOW.
const UMOUNT_NOFOLLOW: u64 = 0x8;
/// move_mount's MOVE_MOUNT_F_SYMLINKS / MOVE_MOUNT_T_SYMLINKS (include/uapi/linux/mount.h).
const MOVE_MOUNT_F_SYMLINKS: u64 = 0x1;
const MOVE_MOUNT_T_SYMLINKS: u64 = 0x10;
/// fspick's FSPICK_SYMLINK_NOFOLLOW.
const FSPICK_SYMLINK_NOFOLLOW: u64 = 0x2;

/// The host `(dirfd, path)` of one path argument.
fn resolve_arg(p: &Task, dirfd: u64, addr: u64, end: End, a: &[u64; 6]) -> Result<HostAt, Errno> {
    if !matches!(end, End::Source) {
        return guest_path_at(p, dirfd, addr, end.last(a));
    }
    let given = guest_mem::read_cstr(addr, PATH_MAX)?;
    let names_a_file = |h: &HostAt| {
        std::fs::symlink_metadata(std::ffi::OsStr::from_bytes(h.path.as_bytes())).is_ok()
    };
    match host_at(p, int(dirfd), given.clone(), Last::Follow) {
        Ok(h) if names_a_file(&h) => Ok(h),
        _ => Ok(HostAt {
            dirfd: int(dirfd),
            path: CString::new(given).map_err(|_| Errno::EINVAL)?,
        }),
    }
}

/// Forwards host call `nr` with the guest's arguments, each `(dirfd, path, end)`
/// argument (by index; no dirfd: the working directory) resolved. A NULL path passes
/// as NULL (utimensat's "the fd itself", or the host's EFAULT).
fn forward(
    p: &Task,
    nr: HostNr,
    mut a: [u64; 6],
    paths: &[(Option<usize>, usize, End)],
) -> SysResult {
    let given = a;
    let mut resolved = Vec::with_capacity(paths.len());
    for &(dir, path, end) in paths {
        if a[path] == 0 {
            continue;
        }
        let dirfd = dir.map_or(AT_FDCWD as u64, |d| a[d]);
        let h = resolve_arg(p, dirfd, a[path], end, &given)?;
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
    ($($(#[$doc:meta])* $name:ident => $host:ident, [$(($dir:expr, $path:expr, $end:expr)),*];)*) => {
        $(
            $(#[$doc])*
            pub fn $name(p: &mut Task, a: [u64; 6]) -> SysResult {
                forward(p, crate::host::nr::$host, a, &[$(($dir, $path, $end)),*])
            }
        )*
    };
}

path_calls! {
    /// Integer modes and ids; AT_* flags are asm-generic on both.
    truncate => SYS_truncate, [(None, 0, End::Follow)];
    fchmodat => SYS_fchmodat, [(Some(0), 1, End::Follow)];
    /// fchmodat2 (Linux 6.6): like fchmodat with AT_SYMLINK_NOFOLLOW / AT_EMPTY_PATH.
    fchmodat2 => SYS_fchmodat2, [(Some(0), 1, End::NoFollowIf(3, AT_SYMLINK_NOFOLLOW))];
    fchownat => SYS_fchownat, [(Some(0), 1, End::NoFollowIf(4, AT_SYMLINK_NOFOLLOW))];
    mknodat => SYS_mknodat, [(Some(0), 1, End::Parent)];
    /// The link's target is stored as given, not resolved.
    symlinkat => SYS_symlinkat, [(Some(1), 2, End::Parent)];
    linkat => SYS_linkat, [
        (Some(0), 1, End::FollowIf(4, AT_SYMLINK_FOLLOW)),
        (Some(2), 3, End::Parent)
    ];
    /// `struct timespec[2]`: same layout (abi::time::Timespec).
    utimensat => SYS_utimensat, [(Some(0), 1, End::NoFollowIf(3, AT_SYMLINK_NOFOLLOW))];
    /// Extended attributes: NUL-terminated names, opaque value bytes and
    /// XATTR_CREATE/XATTR_REPLACE (1, 2) are the same on both.
    setxattr => SYS_setxattr, [(None, 0, End::Follow)];
    lsetxattr => SYS_lsetxattr, [(None, 0, End::NoFollow)];
    getxattr => SYS_getxattr, [(None, 0, End::Follow)];
    lgetxattr => SYS_lgetxattr, [(None, 0, End::NoFollow)];
    listxattr => SYS_listxattr, [(None, 0, End::Follow)];
    llistxattr => SYS_llistxattr, [(None, 0, End::NoFollow)];
    removexattr => SYS_removexattr, [(None, 0, End::Follow)];
    lremovexattr => SYS_lremovexattr, [(None, 0, End::NoFollow)];
    /// IN_* masks are generic.
    inotify_add_watch => SYS_inotify_add_watch, [(None, 1, End::NoFollowIf(2, IN_DONT_FOLLOW))];
    /// FAN_MARK_* flags and the u64 mask (one register on 64-bit) are generic.
    fanotify_mark => SYS_fanotify_mark, [(Some(3), 4, End::NoFollowIf(1, FAN_MARK_DONT_FOLLOW))];
    /// `struct file_handle` (u32, int, bytes), an int mount id and AT_* flags are
    /// generic.
    name_to_handle_at => SYS_name_to_handle_at, [(Some(0), 1, End::FollowIf(4, AT_SYMLINK_FOLLOW))];
    /// Unprivileged: EPERM from the host's CAP_SYS_CHROOT check, as on arm64. emu
    /// itself then runs in the new root too (a root without emu-user cannot exec).
    chroot => SYS_chroot, [(None, 0, End::Follow)];
    /// Mounts: paths, MS_* / MNT_* / UMOUNT_* / MOUNT_ATTR_* / OPEN_TREE_* /
    /// MOVE_MOUNT_* / FSPICK_* values and `struct mount_attr` are generic (see
    /// `crate::pass_sys` for the other mount calls). Unprivileged: EPERM from the
    /// host's CAP_SYS_ADMIN checks, as on arm64; inside a user namespace they work as
    /// they would there. Note: emu itself then runs in the new root too.
    mount => SYS_mount, [(None, 0, End::Source), (None, 1, End::Follow)];
    umount2 => SYS_umount2, [(None, 0, End::NoFollowIf(1, UMOUNT_NOFOLLOW))];
    pivot_root => SYS_pivot_root, [(None, 0, End::Follow), (None, 1, End::Follow)];
    open_tree => SYS_open_tree, [(Some(0), 1, End::NoFollowIf(2, AT_SYMLINK_NOFOLLOW))];
    move_mount => SYS_move_mount, [
        (Some(0), 1, End::FollowIf(4, MOVE_MOUNT_F_SYMLINKS)),
        (Some(2), 3, End::FollowIf(4, MOVE_MOUNT_T_SYMLINKS))
    ];
    fspick => SYS_fspick, [(Some(0), 1, End::NoFollowIf(2, FSPICK_SYMLINK_NOFOLLOW))];
    mount_setattr => SYS_mount_setattr, [(Some(0), 1, End::NoFollowIf(2, AT_SYMLINK_NOFOLLOW))];
    /// Quotas on the block device `special` names (NULL for Q_SYNC of all); Q_*
    /// commands and the quota structs are generic.
    quotactl => SYS_quotactl, [(None, 1, End::Follow)];
}
