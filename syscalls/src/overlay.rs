//! The guest's file name space under a sysroot (`-L ROOT`): every guest path, absolute
//! or relative, is resolved here and nowhere else.
//!
//! The rule is on guest paths without symlinks, `.` or `..` (canonical): G names ROOT/G
//! when that exists, else the host's G. A last component that exists in neither names
//! ROOT/G when only ROOT has its parent directory (so files can be made in directories
//! only the sysroot has), else the host's G.
//!
//! A path is walked one component at a time in guest terms, as the kernel walks it in
//! a chroot (path_resolution(7)): a relative path starts at the guest path of its
//! directory (the working directory for AT_FDCWD, else the directory `dirfd` refers
//! to), an absolute one at the guest's `/`; each name is placed by the rule; `..`
//! goes to the parent guest path and stays at `/` there; a symlink, in ROOT or on
//! the host, is replaced by its target, an absolute target read from the guest's `/`
//! (so ROOT/lib/ld.so -> /lib/aarch64-linux-gnu/ld.so stays in ROOT), a relative one
//! from the link's directory, at most [`MAX_SYMLINKS`] times (then ELOOP). The last
//! component's symlink is followed as the call says ([`Last`]). The kernel then gets
//! a host path whose directories hold no symlinks it would follow; it reports the
//! errors (ENOENT, ENOTDIR, EACCES, ...) on the host path the walk stopped at. The
//! host's /proc is left to the kernel from its first symlink on (/proc/self,
//! /proc/self/fd/N: links to descriptors, not names). One case is left to the host:
//! a name found on the host under a directory that ROOT has too (ROOT/D/x missing,
//! D/x on the host) is looked up by the host kernel, which follows the host's own
//! symlinks among D's host ancestors.
//!
//! The other way round, a host directory under ROOT has the guest path without the
//! ROOT prefix (getcwd, readlink of /proc/self/cwd and /proc/self/fd/N); every other
//! host path is its own guest path. Both directions agree: a guest path made from a
//! host directory resolves to that directory again. Without a sysroot paths pass
//! unchanged.

use crate::abi::errno::Errno;
use crate::abi::flags::AT_FDCWD;
use crate::guest_mem::PATH_MAX;
use crate::process::Process;
use std::ffi::OsStr;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Symlinks one lookup follows at most (the kernel's MAXSYMLINKS).
pub const MAX_SYMLINKS: usize = 40;

/// Whether the last component of a path is followed when it is a symlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Last {
    /// stat, open, chdir, execve, ...
    Follow,
    /// lstat, readlink, O_NOFOLLOW, AT_SYMLINK_NOFOLLOW: the link itself, unless a
    /// slash follows it.
    NoFollow,
    /// Calls that make, remove or rename the last component (mkdir, unlink, rename,
    /// symlink, O_CREAT|O_EXCL, bind): never followed; a trailing slash is the
    /// kernel's to judge on the host path.
    Parent,
}

/// A guest path placed on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The guest path it names: canonical up to where the walk stopped, the rest as
    /// given.
    pub guest: Vec<u8>,
    /// The host path the kernel gets.
    pub host: Vec<u8>,
}

/// Resolves guest path `raw` relative to `dirfd` (see the module doc), following at
/// most `max_links` symlinks ([`MAX_SYMLINKS`]; 0 for openat2's RESOLVE_NO_SYMLINKS:
/// ELOOP at the first one to follow). `None` leaves the path to the host kernel as
/// given: no sysroot, an empty path (AT_EMPTY_PATH), or a directory without a name.
pub(crate) fn resolve(
    p: &Process,
    (dirfd, raw): (i32, &[u8]),
    last: Last,
    max_links: usize,
) -> Result<Option<Placed>, Errno> {
    let Some(root) = p.sysroot.as_ref() else {
        return Ok(None);
    };
    if raw.is_empty() {
        return Ok(None);
    }
    let root = root.as_os_str().as_bytes();
    let base = if raw.starts_with(b"/") {
        b"/".to_vec()
    } else {
        let host = if dirfd == AT_FDCWD {
            host_cwd()
        } else {
            fd_target(dirfd)
        };
        let Some(host) = host else {
            return Ok(None);
        };
        to_guest_in(root, host)
    };
    walk(root, &base, raw, last, max_links).map(Some)
}

/// Resolves `path` in the overlay of `root` (canonical, absolute) over the host,
/// starting at canonical guest directory `base` when it is relative.
pub fn resolve_in(root: &[u8], base: &[u8], path: &[u8], last: Last) -> Result<Placed, Errno> {
    walk(root, base, path, last, MAX_SYMLINKS)
}

fn walk(
    root: &[u8],
    base: &[u8],
    path: &[u8],
    last: Last,
    max_links: usize,
) -> Result<Placed, Errno> {
    let mut guest = if path.starts_with(b"/") {
        b"/".to_vec()
    } else {
        base.to_vec()
    };
    let mut rest = path.to_vec();
    // The host path of `guest` when known.
    let mut here: Option<Vec<u8>> = None;
    let mut links = 0;
    while let Some(start) = rest.iter().position(|&b| b != b'/') {
        let end = rest[start..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(rest.len(), |i| start + i);
        let name = rest[start..end].to_vec();
        let tail = rest.split_off(end);
        let is_last = tail.iter().all(|&b| b == b'/');
        match name.as_slice() {
            b"." => {}
            b".." => {
                pop(&mut guest);
                here = None;
            }
            _ => {
                let g = child(&guest, &name);
                let (host, meta) = match lookup(root, &g) {
                    Lookup::Found(host, meta) => (host, meta),
                    Lookup::Absent if is_last => {
                        let host = new_place(root, &guest, &g);
                        return Ok(stop(g, host, &tail));
                    }
                    // A missing directory: ENOENT from the kernel.
                    Lookup::Absent => return Ok(stop(g.clone(), g, &tail)),
                    Lookup::Failed(host) => return Ok(stop(g, host, &tail)),
                };
                let follow = !is_last
                    || match last {
                        Last::Follow => true,
                        Last::NoFollow => !tail.is_empty(),
                        Last::Parent => false,
                    };
                if meta.file_type().is_symlink() && follow {
                    if !host.starts_with(root) && host.starts_with(b"/proc/") {
                        return Ok(stop(g, host, &tail));
                    }
                    links += 1;
                    if links > max_links {
                        return Err(Errno::ELOOP);
                    }
                    let target = read_link(&host)?;
                    if target.is_empty() {
                        return Err(Errno::ENOENT);
                    }
                    if target.starts_with(b"/") {
                        guest = b"/".to_vec();
                        here = None;
                    }
                    rest = target;
                    rest.extend_from_slice(&tail);
                    continue;
                }
                if !meta.is_dir() && !tail.is_empty() {
                    // ENOTDIR (or the kernel's own answer for a last symlink not
                    // followed) on the host path.
                    return Ok(stop(g, host, &tail));
                }
                guest = g;
                here = Some(host);
            }
        }
        rest = tail;
    }
    let host = here.unwrap_or_else(|| match lookup(root, &guest) {
        Lookup::Found(host, _) | Lookup::Failed(host) => host,
        Lookup::Absent => guest.clone(),
    });
    let slash = path.ends_with(b"/") && guest != b"/";
    Ok(stop(guest, host, if slash { b"/" } else { b"" }))
}

/// The walk ends at guest path `guest` placed at `host`, `tail` still to go (for the
/// kernel to report on or, under /proc, to follow).
fn stop(mut guest: Vec<u8>, mut host: Vec<u8>, tail: &[u8]) -> Placed {
    guest.extend_from_slice(tail);
    host.extend_from_slice(tail);
    Placed { guest, host }
}

/// Where a canonical guest path is.
enum Lookup {
    Found(Vec<u8>, Metadata),
    /// In neither tree.
    Absent,
    /// Not to be looked at (EACCES, ENAMETOOLONG, ...): the kernel says so on this
    /// host path.
    Failed(Vec<u8>),
}

/// ROOT/G when it exists, else the host's G.
fn lookup(root: &[u8], guest: &[u8]) -> Lookup {
    let in_root = in_root(root, guest);
    for host in [in_root, guest.to_vec()] {
        match Path::new(OsStr::from_bytes(&host)).symlink_metadata() {
            Ok(meta) => return Lookup::Found(host, meta),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => {}
            Err(_) => return Lookup::Failed(host),
        }
    }
    Lookup::Absent
}

/// Where a new last component `guest` of canonical directory `dir` goes: into ROOT
/// when only ROOT has the directory.
fn new_place(root: &[u8], dir: &[u8], guest: &[u8]) -> Vec<u8> {
    if !exists(dir) && exists(&in_root(root, dir)) {
        in_root(root, guest)
    } else {
        guest.to_vec()
    }
}

fn in_root(root: &[u8], guest: &[u8]) -> Vec<u8> {
    let mut full = root.to_vec();
    if guest != b"/" {
        full.extend_from_slice(guest);
    }
    full
}

/// Canonical `dir` joined with component `name`.
fn child(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut g = dir.to_vec();
    if !g.ends_with(b"/") {
        g.push(b'/');
    }
    g.extend_from_slice(name);
    g
}

/// The parent of canonical `dir`; `/` is its own parent.
fn pop(dir: &mut Vec<u8>) {
    let cut = dir.iter().rposition(|&b| b == b'/').unwrap_or(0);
    dir.truncate(cut.max(1));
}

fn read_link(host: &[u8]) -> Result<Vec<u8>, Errno> {
    let target = std::fs::read_link(OsStr::from_bytes(host))
        .map_err(|e| Errno::from_host(e.raw_os_error().unwrap_or(libc::EIO)))?;
    let target = std::os::unix::ffi::OsStringExt::into_vec(target.into_os_string());
    if target.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(target)
}

/// The host path of absolute guest path `guest`, followed through symlinks in guest
/// terms (for the ELF loader: PT_INTERP).
pub fn host_path_in(root: &Path, guest: &Path) -> Result<std::path::PathBuf, Errno> {
    let root = root.as_os_str().as_bytes();
    let placed = resolve_in(root, b"/", guest.as_os_str().as_bytes(), Last::Follow)?;
    Ok(std::path::PathBuf::from(OsStr::from_bytes(&placed.host)))
}

/// The guest path of host path `host`: without the sysroot prefix when under it.
pub(crate) fn to_guest(p: &Process, host: Vec<u8>) -> Vec<u8> {
    match p.sysroot.as_ref() {
        Some(root) => to_guest_in(root.as_os_str().as_bytes(), host),
        None => host,
    }
}

fn to_guest_in(root: &[u8], host: Vec<u8>) -> Vec<u8> {
    match host.strip_prefix(root) {
        Some([]) => b"/".to_vec(),
        Some(rest) if rest.starts_with(b"/") => rest.to_vec(),
        _ => host,
    }
}

/// The host's working directory, if it has one reachable by name.
pub(crate) fn host_cwd() -> Option<Vec<u8>> {
    let cwd = std::env::current_dir().ok()?.into_os_string();
    let bytes = std::os::unix::ffi::OsStringExt::into_vec(cwd);
    bytes.starts_with(b"/").then_some(bytes)
}

/// The host path open fd `fd` refers to, if it still has one.
fn fd_target(fd: i32) -> Option<Vec<u8>> {
    let target = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?;
    let bytes = std::os::unix::ffi::OsStringExt::into_vec(target.into_os_string());
    (bytes.starts_with(b"/") && !bytes.ends_with(b" (deleted)")).then_some(bytes)
}

fn exists(path: &[u8]) -> bool {
    Path::new(OsStr::from_bytes(path))
        .symlink_metadata()
        .is_ok()
}

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
