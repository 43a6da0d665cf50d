//! One step of the overlay walk: where a name of a guest directory is, ROOT first,
//! then the host, each side looked at only as far as the walk does not know it yet.
//!
//! A side of a guest directory is [`Side::Dir`] once the walk has seen that every
//! component up to it is a directory there (not a symlink the kernel would follow
//! in host terms): the host's "/" and the host directories the walk descended into,
//! ROOT's "/" and ROOT's directories. [`Side::Absent`] sides are not looked at again:
//! nothing under a directory ROOT lacks is in ROOT. A host side the walk does not
//! know (the guest directory is ROOT's) is probed with openat2's RESOLVE_NO_SYMLINKS,
//! which fails with ELOOP when one of its host ancestors is a symlink: the walk then
//! reads that symlink in guest terms ([`Found::HostLink`]).
//!
//! A name ROOT lacks, in a directory the walk reached on the host through
//! directories, is the host's alone, and so is everything under it: when the rest of
//! the path is plain names, one openat2 with RESOLVE_NO_SYMLINKS tells whether a
//! symlink is on the way ([`host_only_plain`]); without one, the path is its own host
//! path, and the walk ends there (ld.so probing /usr/lib/aarch64-linux-gnu/tls/...
//! on a host that has /usr/lib/aarch64-linux-gnu: one call instead of one a name).

use crate::fs_more::RESOLVE_NO_SYMLINKS;
use std::ffi::OsStr;
use std::fs::{File, Metadata};
use std::os::fd::FromRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// What the walk knows of one side (ROOT or host) of a guest directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// Not looked at: the kernel walks it from the side's top.
    Unknown,
    /// A directory, reached through directories only.
    Dir,
    /// Not there, nor anything under it.
    Absent,
}

/// Where a name is.
pub(super) enum Found {
    /// At host path `host`; when a directory, its sides are `sides` (ROOT, host).
    At {
        host: Vec<u8>,
        meta: Metadata,
        sides: (Side, Side),
    },
    /// In neither tree.
    Absent,
    /// Not to be looked at (EACCES, ENAMETOOLONG, ...): the kernel says so on this
    /// host path.
    Failed(Vec<u8>),
    /// Only the host could have it, and the host reaches it through a symlink: the
    /// first `at` bytes of the guest directory are a symlink to `target` on the host.
    HostLink { at: usize, target: Vec<u8> },
}

/// The kernel's own file systems, which a chroot gets mounted (bound) from the
/// host: the guest's `/proc`, `/sys` and `/dev` are always the host's, even where
/// ROOT has (empty) directories of those names, as a Debian root made by apt does.
pub(super) const KERNEL_MOUNTS: [&[u8]; 3] = [b"/proc", b"/sys", b"/dev"];

/// Where name `g` (a canonical guest path) is in ROOT, the sides of its directory
/// being `(in_root, on_host)`: where `g` is when ROOT has it (or cannot be asked about
/// it); `None` when ROOT lacks it, or lacks its directory, or it is one of the
/// [`KERNEL_MOUNTS`]: then only the host can have it.
pub(super) fn in_root(root: &[u8], (in_root, on_host): (Side, Side), g: &[u8]) -> Option<Found> {
    if in_root == Side::Absent || KERNEL_MOUNTS.contains(&g) {
        return None;
    }
    let at = super::in_root_path(root, g);
    let below_host = if on_host == Side::Absent {
        Side::Absent
    } else {
        Side::Unknown
    };
    match lstat(&at) {
        Ok(meta) => Some(Found::At {
            host: at,
            meta,
            sides: (Side::Dir, below_host),
        }),
        Err(e) if missing(e) => None,
        Err(_) => Some(Found::Failed(at)),
    }
}

/// Where `g`, which ROOT lacks, is on the host, the host
/// side of its directory `dir` being `on_host`.
pub(super) fn on_host(dir: &[u8], on_host: Side, g: &[u8]) -> Found {
    let on_host = match on_host {
        Side::Absent => return Found::Absent,
        Side::Dir => lstat(g),
        Side::Unknown => match probe(g) {
            Err(libc::ELOOP) => match host_link(dir) {
                Some((at, target)) => return Found::HostLink { at, target },
                None => lstat(g),
            },
            Err(e) if unprobed(e) => lstat(g),
            r => r,
        },
    };
    match on_host {
        Ok(meta) => Found::At {
            host: g.to_vec(),
            meta,
            sides: (Side::Absent, Side::Dir),
        },
        Err(e) if missing(e) => Found::Absent,
        Err(_) => Found::Failed(g.to_vec()),
    }
}

/// Whether host path `path`, every directory on it a directory of the host only
/// (ROOT lacks the first name, and the host reached its directory through
/// directories), holds no symlink the walk would read: none among its directories,
/// and the last name none that `follow_last` follows. Then the walk would place
/// every name on the host, so `path` is the host path of the whole lookup whatever
/// the host holds (a missing name, a file where a directory should be, a directory
/// the caller may not search: the kernel reports those on it). One openat2 with
/// RESOLVE_NO_SYMLINKS answers for the whole path, where the walk would look at each
/// name; `false` (a symlink on the way, openat2 refused) leaves the path to the walk.
pub(super) fn host_only_plain(path: &[u8], follow_last: bool) -> bool {
    let nofollow = if follow_last { 0 } else { libc::O_NOFOLLOW };
    match open_no_symlinks(path, libc::O_PATH | nofollow) {
        Ok(_) => true,
        Err(e) => matches!(
            e,
            libc::ENOENT | libc::ENOTDIR | libc::EACCES | libc::ENAMETOOLONG
        ),
    }
}

/// Whether the host has guest directory `dir` (whose ROOT side is a directory):
/// `Ok(true)` when it is a directory there, `Ok(false)` when the host lacks it,
/// `Err((at, target))` when the host reaches it through a symlink (see
/// [`Found::HostLink`]).
pub(super) fn host_has_dir(dir: &[u8]) -> Result<bool, (usize, Vec<u8>)> {
    match open_no_symlinks(dir, libc::O_PATH | libc::O_DIRECTORY) {
        Ok(_) => Ok(true),
        Err(libc::ELOOP) => host_link(dir).map_or(Ok(true), Err),
        Err(e) if unprobed(e) => Ok(lstat(dir).is_ok()),
        Err(e) => Ok(!missing(e)),
    }
}

#[cfg(test)]
thread_local! {
    /// Host lookups (lstat, openat2, readlink) the walks of this thread made.
    pub(super) static LOOKUPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One host lookup made (counted in tests, [`LOOKUPS`]).
pub(super) fn counted() {
    #[cfg(test)]
    LOOKUPS.with(|n| n.set(n.get() + 1));
}

/// openat2 refused (a kernel before 5.6, a seccomp filter): the host kernel looks the
/// name up from its top, following the host's symlinks on the way.
fn unprobed(e: i32) -> bool {
    matches!(e, libc::ENOSYS | libc::EPERM)
}

/// ENOENT and ENOTDIR: the name is not there (a file where a directory should be
/// counts as nothing under it).
fn missing(e: i32) -> bool {
    matches!(e, libc::ENOENT | libc::ENOTDIR)
}

pub(super) fn lstat(path: &[u8]) -> Result<Metadata, i32> {
    counted();
    Path::new(OsStr::from_bytes(path))
        .symlink_metadata()
        .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))
}

/// lstat of host path `g` when no ancestor of it is a symlink; ELOOP otherwise.
fn probe(g: &[u8]) -> Result<Metadata, i32> {
    let file = open_no_symlinks(g, libc::O_PATH | libc::O_NOFOLLOW)?;
    file.metadata()
        .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))
}

/// openat2 of host path `path` with `flags` (and O_CLOEXEC) and RESOLVE_NO_SYMLINKS:
/// ELOOP at any symlink but a last one O_PATH|O_NOFOLLOW opens itself.
fn open_no_symlinks(path: &[u8], flags: i32) -> Result<File, i32> {
    counted();
    let path = std::ffi::CString::new(path).map_err(|_| libc::EINVAL)?;
    let how = crate::abi::open::OpenHow {
        flags: (flags | libc::O_CLOEXEC) as u64,
        mode: 0,
        resolve: RESOLVE_NO_SYMLINKS,
    };
    // SAFETY: a valid C string and a version-0 open_how alive across the call.
    let fd = unsafe {
        crate::host::raw(
            crate::host::nr::SYS_openat2,
            [
                libc::AT_FDCWD as u64,
                path.as_ptr() as u64,
                std::ptr::addr_of!(how) as u64,
                std::mem::size_of_val(&how) as u64,
                0,
                0,
            ],
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO));
    }
    // SAFETY: the kernel just made this descriptor; the File owns and closes it.
    Ok(unsafe { File::from_raw_fd(fd as i32) })
}

/// The first component of host path `dir` that is a symlink on the host: the length
/// of its path and its target. Each name is asked with readlink, which fails with
/// EINVAL on a name that is no symlink (and ENOENT or ENOTDIR past a missing name or a
/// file): one call a name, the link's target with it.
fn host_link(dir: &[u8]) -> Option<(usize, Vec<u8>)> {
    let ends = dir
        .iter()
        .enumerate()
        .skip(1)
        .filter(|&(_, &b)| b == b'/')
        .map(|(i, _)| i)
        .chain([dir.len()]);
    for end in ends {
        match super::read_link(&dir[..end]) {
            Ok(target) => return Some((end, target)),
            Err(e) if e == crate::abi::errno::Errno::EINVAL => {}
            Err(_) => return None,
        }
    }
    None
}
