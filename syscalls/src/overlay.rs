//! The guest's file name space under a sysroot (`-L ROOT`): every guest path, absolute
//! or relative, is resolved here and nowhere else.
//!
//! The rule is on guest paths without symlinks, `.` or `..` (canonical): G names ROOT/G
//! when that exists, else the host's G. A last component that exists in neither and
//! that the call makes (O_CREAT, mkdir, bind, ...) names ROOT/G when only ROOT has its
//! parent directory (so files can be made in directories only the sysroot has), else
//! the host's G; other calls find it missing (ENOENT from the kernel).
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
//! /proc/self/fd/N: links to descriptors, not names), but for the guest's own
//! `root` (its "/"), `cwd` and directory `fd/N` links with a path after them,
//! which go on from the guest path they name, as in a chroot.
//!
//! Every component is placed by the walk, on either side: a name the host has
//! under a directory ROOT has too (ROOT/D/x missing) is looked up on the host only
//! through host directories, so a symlink among D's host ancestors is read in guest
//! terms too (`overlay_look.rs`). What the walk learns of a directory serves the
//! rest of the same lookup: ROOT is not asked about names under a directory it
//! lacks, the host is asked about one only when ROOT lacks it, and a path that is
//! the host's alone from some name on is looked up in one call from there. Nothing
//! is kept from one call to the next: any process may rename, link or mount between
//! them.
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
use look::{Found, Side};
use std::ffi::OsStr;
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
    /// As `Follow`, and a missing last name is made (O_CREAT).
    FollowOrMake,
    /// As `NoFollow`, and a missing last name is made (O_CREAT|O_NOFOLLOW).
    NoFollowOrMake,
}

impl Last {
    /// Whether a missing last name is made: it is then placed by the rule for new
    /// names; for other calls it is only reported missing.
    fn makes(self) -> bool {
        !matches!(self, Last::Follow | Last::NoFollow)
    }
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

/// A guest directory the walk descended into: the length of its guest path, its
/// host path and its sides (ROOT, host).
struct Passed {
    len: usize,
    host: Vec<u8>,
    sides: (Side, Side),
}

/// The state of one walk: the canonical guest directory it is in, what it knows of
/// that directory and its ancestors, the links it followed.
struct Walk<'a> {
    root: &'a [u8],
    guest: Vec<u8>,
    /// Directories the walk went into, each a prefix of `guest` (outermost first).
    passed: Vec<Passed>,
    links: usize,
    max_links: usize,
}

impl Walk<'_> {
    /// The sides (ROOT, host) of the directory the walk is in.
    fn sides(&self) -> (Side, Side) {
        if self.guest == b"/" {
            return (Side::Dir, Side::Dir);
        }
        match self.passed.last() {
            Some(d) if d.len == self.guest.len() => d.sides,
            _ => (Side::Unknown, Side::Unknown),
        }
    }

    /// Goes to guest directory `guest`, a prefix of the current one or (`fresh`) not.
    fn go(&mut self, guest: Vec<u8>, fresh: bool) {
        self.guest = guest;
        let n = self.guest.len();
        if fresh {
            self.passed.clear();
        } else {
            self.passed.retain(|d| d.len <= n);
        }
    }

    /// One more link followed: ELOOP beyond the limit.
    fn count_link(&mut self) -> Result<(), Errno> {
        self.links += 1;
        if self.links > self.max_links {
            return Err(Errno::ELOOP);
        }
        Ok(())
    }

    /// The host has the first `at` bytes of the directory the walk is in as a symlink
    /// to `target` ([`Found::HostLink`]): goes to that link's directory and returns the
    /// path to walk from there instead of `name` and `tail` (the target read in guest
    /// terms, then the rest of the directory, the name and the tail).
    fn through_host_link(
        &mut self,
        (at, target): (usize, Vec<u8>),
        name: &[u8],
        tail: &[u8],
    ) -> Result<Vec<u8>, Errno> {
        self.count_link()?;
        let up = if target.starts_with(b"/") {
            b"/".to_vec()
        } else {
            let mut up = self.guest[..at].to_vec();
            pop(&mut up);
            up
        };
        let mut rest = target;
        rest.extend_from_slice(&self.guest[at..]);
        rest.push(b'/');
        rest.extend_from_slice(name);
        rest.extend_from_slice(tail);
        self.go(up, false);
        Ok(rest)
    }

    /// The host path of the directory the walk is in.
    fn here(&self) -> Vec<u8> {
        match self.passed.last() {
            Some(d) if d.len == self.guest.len() => d.host.clone(),
            _ if self.guest == b"/" => self.root.to_vec(),
            _ => match lookup(self.root, &self.guest) {
                Lookup::Found(host) | Lookup::Failed(host) => host,
                Lookup::Absent => self.guest.clone(),
            },
        }
    }

    /// The whole lookup at once when name `g` of the directory the walk is in, and
    /// `tail` after it, are the host's alone: ROOT lacks `g` (or it is one of the
    /// kernel's file systems), the walk reached the directory on the host through
    /// directories, and `tail` is plain names (no `.`, `..`, empty name or trailing
    /// slash, which the walk would read in guest terms or keep as given). Then, unless
    /// a symlink to read is on the way, the walk would place every name on the host,
    /// missing or not: the result is the path itself, found with one system call
    /// instead of one a name ([`look::host_only_plain`]).
    fn host_only(&self, g: &[u8], tail: &[u8], last: Last) -> Option<Placed> {
        // /proc paths mostly go through a symlink (self, thread-self, fd/N), which
        // openat2 would only report: the walk looks at them name by name.
        if self.sides().1 != Side::Dir || !plain_names(tail) || g.starts_with(b"/proc") {
            return None;
        }
        let mut path = g.to_vec();
        path.extend_from_slice(tail);
        let follow_last = matches!(last, Last::Follow | Last::FollowOrMake);
        look::host_only_plain(&path, follow_last).then(|| Placed {
            guest: path.clone(),
            host: path,
        })
    }

    /// Where new name `g` of the directory the walk is in goes: into ROOT when only
    /// ROOT has the directory. `Err`: the host has it as a symlink (see
    /// [`Found::HostLink`]).
    fn new_place(&self, g: &[u8]) -> Result<Vec<u8>, (usize, Vec<u8>)> {
        let (in_root, on_host) = self.sides();
        let root_has = match in_root {
            Side::Dir => true,
            Side::Absent => false,
            Side::Unknown => exists(&in_root_path(self.root, &self.guest)),
        };
        let host_has = root_has
            && match on_host {
                Side::Dir => true,
                Side::Absent => false,
                Side::Unknown => look::host_has_dir(&self.guest)?,
            };
        if root_has && !host_has {
            Ok(in_root_path(self.root, g))
        } else {
            Ok(g.to_vec())
        }
    }
}

fn walk(
    root: &[u8],
    base: &[u8],
    path: &[u8],
    last: Last,
    max_links: usize,
) -> Result<Placed, Errno> {
    let start = if path.starts_with(b"/") { b"/" } else { base };
    let mut w = Walk {
        root,
        guest: start.to_vec(),
        passed: Vec::new(),
        links: 0,
        max_links,
    };
    let mut rest = path.to_vec();
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
                let mut up = w.guest.clone();
                pop(&mut up);
                w.go(up, false);
            }
            _ => {
                let g = child(&w.guest, &name);
                let found = match look::in_root(root, w.sides(), &g) {
                    Some(found) => found,
                    None => {
                        if let Some(placed) = w.host_only(&g, &tail, last) {
                            return Ok(placed);
                        }
                        look::on_host(&w.guest, w.sides().1, &g)
                    }
                };
                let (host, meta, sides) = match found {
                    Found::At { host, meta, sides } => (host, meta, sides),
                    Found::HostLink { at, target } => {
                        rest = w.through_host_link((at, target), &name, &tail)?;
                        continue;
                    }
                    Found::Absent if is_last && !last.makes() => {
                        // ENOENT from the kernel, in ROOT when the walk found the
                        // directory there.
                        let host = match w.sides().0 {
                            Side::Dir => in_root_path(root, &g),
                            _ => g.clone(),
                        };
                        return Ok(stop(g, host, &tail));
                    }
                    Found::Absent if is_last => match w.new_place(&g) {
                        Ok(host) => return Ok(stop(g, host, &tail)),
                        Err(link) => {
                            rest = w.through_host_link(link, &name, &tail)?;
                            continue;
                        }
                    },
                    // A missing directory: ENOENT from the kernel.
                    Found::Absent => return Ok(stop(g.clone(), g, &tail)),
                    Found::Failed(host) => return Ok(stop(g, host, &tail)),
                };
                let follow = !is_last
                    || match last {
                        Last::Follow | Last::FollowOrMake => true,
                        Last::NoFollow | Last::NoFollowOrMake => !tail.is_empty(),
                        Last::Parent => false,
                    };
                if meta.file_type().is_symlink() && follow {
                    if !host.starts_with(root) && host.starts_with(b"/proc/") {
                        match own_proc_link(root, &g, &tail, last) {
                            Some((base, more)) => {
                                w.count_link()?;
                                w.go(base, true);
                                rest = more;
                                continue;
                            }
                            None => return Ok(stop(g, host, &tail)),
                        }
                    }
                    w.count_link()?;
                    let target = read_link(&host)?;
                    if target.is_empty() {
                        return Err(Errno::ENOENT);
                    }
                    if target.starts_with(b"/") {
                        w.go(b"/".to_vec(), false);
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
                w.passed.push(Passed {
                    len: g.len(),
                    host,
                    sides,
                });
                w.guest = g;
            }
        }
        rest = tail;
    }
    let host = w.here();
    let slash = path.ends_with(b"/") && w.guest != b"/";
    Ok(stop(w.guest, host, if slash { b"/" } else { b"" }))
}

/// The links of the guest's own /proc directory that name places in its file name
/// space: `root` (the guest's "/"), `cwd` and `fd/N` (the guest paths of the working
/// directory and of directory N). `g` is the host /proc symlink the walk is at,
/// `tail` the path after it. Returns the guest directory to go on from and the path
/// still to walk from there; `None` leaves the rest to the kernel (another
/// process's links, the last link itself when not followed, a descriptor without a
/// name).
fn own_proc_link(root: &[u8], g: &[u8], tail: &[u8], last: Last) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut full = g.to_vec();
    full.extend_from_slice(tail);
    let entry = crate::fs::proc_self_entry(&full)?;
    let name_end = entry.iter().position(|&b| b == b'/').unwrap_or(entry.len());
    let (name, after) = entry.split_at(name_end);
    let (name, after) = if name == b"fd" {
        let after = after.strip_prefix(b"/")?;
        let end = after.iter().position(|&b| b == b'/').unwrap_or(after.len());
        (&after[..end], &after[end..])
    } else {
        (name, after)
    };
    let more = after.iter().any(|&b| b != b'/');
    let base = match name {
        b"root"
            if more || !after.is_empty() || matches!(last, Last::Follow | Last::FollowOrMake) =>
        {
            b"/".to_vec()
        }
        b"cwd" if more => to_guest_in(root, host_cwd()?),
        n if more && entry.starts_with(b"fd/") && n.iter().all(u8::is_ascii_digit) => {
            let fd = std::str::from_utf8(n).ok()?.parse().ok()?;
            to_guest_in(root, fd_target(fd)?)
        }
        _ => return None,
    };
    Some((base, after.to_vec()))
}

/// The walk ends at guest path `guest` placed at `host`, `tail` still to go (for the
/// kernel to report on or, under /proc, to follow).
fn stop(mut guest: Vec<u8>, mut host: Vec<u8>, tail: &[u8]) -> Placed {
    guest.extend_from_slice(tail);
    host.extend_from_slice(tail);
    Placed { guest, host }
}

/// Where a canonical guest path is (when the walk knows nothing of its directory).
enum Lookup {
    Found(Vec<u8>),
    /// In neither tree.
    Absent,
    /// Not to be looked at (EACCES, ENAMETOOLONG, ...): the kernel says so on this
    /// host path.
    Failed(Vec<u8>),
}

/// ROOT/G when it exists, else the host's G.
fn lookup(root: &[u8], guest: &[u8]) -> Lookup {
    let in_root = in_root_path(root, guest);
    for host in [in_root, guest.to_vec()] {
        match look::lstat(&host) {
            Ok(_) => return Lookup::Found(host),
            Err(libc::ENOENT | libc::ENOTDIR) => {}
            Err(_) => return Lookup::Failed(host),
        }
    }
    Lookup::Absent
}

fn in_root_path(root: &[u8], guest: &[u8]) -> Vec<u8> {
    let mut full = root.to_vec();
    if guest != b"/" {
        full.extend_from_slice(guest);
    }
    full
}

/// Whether `tail` (empty, or a slash and what follows) is `/name` repeated: no `.`,
/// `..` or empty name, no trailing slash.
fn plain_names(tail: &[u8]) -> bool {
    tail.is_empty()
        || tail.starts_with(b"/")
            && tail[1..]
                .split(|&b| b == b'/')
                .all(|n| !n.is_empty() && n != b"." && n != b"..")
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
    look::counted();
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
    look::lstat(path).is_ok()
}

#[path = "overlay_look.rs"]
mod look;

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
