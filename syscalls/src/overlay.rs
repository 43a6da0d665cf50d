//! The guest's file name space under a sysroot (`-L ROOT`): every guest path, absolute
//! or relative, is resolved here and nowhere else.
//!
//! The rule is on absolute guest paths G: G names ROOT/G when that exists, else the
//! host's G; a G that exists in neither names ROOT/G when only ROOT has its parent
//! directory (so files can be made in directories only the sysroot has), else the
//! host's G. A relative path names the guest path of its directory (the working
//! directory for AT_FDCWD, else the directory `dirfd` refers to) joined with it, so
//! `chdir("/")` then `open(".")` reaches what `open("/")` reaches, and `..` from a
//! directory only the host has leads to guest paths that the rule places again.
//!
//! The other way round, a host directory under ROOT has the guest path without the
//! ROOT prefix (getcwd, readlink of /proc/self/cwd and /proc/self/fd/N); every other
//! host path is its own guest path. Both directions agree: a guest path made from a
//! host directory resolves to that directory again.
//!
//! Only the leading `.` and `..` of a relative path are taken lexically (against a
//! directory whose host path the kernel reported, which has no symlinks); the kernel
//! resolves the rest in the tree the rule picks. Without a sysroot paths pass
//! unchanged.

use crate::abi::flags::AT_FDCWD;
use crate::guest_mem::PATH_MAX;
use crate::process::Process;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The absolute guest path `(dirfd, raw)` names, when a sysroot is in use and the
/// directory of a relative path has a known guest path; `None` leaves the path to
/// the host kernel as given (no sysroot, an empty path, a directory without a name
/// or a joined path too long to pass whole).
pub(crate) fn guest_absolute(p: &Process, dirfd: i32, raw: &[u8]) -> Option<Vec<u8>> {
    p.sysroot.as_ref()?;
    if raw.starts_with(b"/") {
        return Some(raw.to_vec());
    }
    if raw.is_empty() {
        return None;
    }
    let base = if dirfd == AT_FDCWD {
        host_cwd()?
    } else {
        fd_target(dirfd)?
    };
    let joined = join(&to_guest(p, base), raw);
    (joined.len() < PATH_MAX).then_some(joined)
}

/// The host path of absolute guest path `guest` (see the module doc).
pub(crate) fn to_host(p: &Process, guest: Vec<u8>) -> Vec<u8> {
    let Some(root) = p.sysroot.as_ref() else {
        return guest;
    };
    if !guest.starts_with(b"/") {
        return guest;
    }
    let in_root = |g: &[u8]| {
        let mut full = root.as_os_str().as_bytes().to_vec();
        full.extend_from_slice(g);
        full
    };
    let full = in_root(&guest);
    if exists(&full) {
        return full;
    }
    let trimmed = guest.len() - guest.iter().rev().take_while(|&&b| b == b'/').count();
    let parent = match guest[..trimmed].iter().rposition(|&b| b == b'/') {
        Some(0) => b"/".as_slice(),
        Some(i) => &guest[..i],
        None => return guest,
    };
    if !exists(parent) && exists(&in_root(parent)) {
        return full;
    }
    guest
}

/// The guest path of host path `host`: without the sysroot prefix when under it.
pub(crate) fn to_guest(p: &Process, host: Vec<u8>) -> Vec<u8> {
    let Some(root) = p.sysroot.as_ref() else {
        return host;
    };
    let root = root.as_os_str().as_bytes();
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

/// `base` (absolute, without `.`, `..` or symlinks) joined with relative `rel`, whose
/// leading `.` and `..` components are taken against `base`.
fn join(base: &[u8], rel: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    let mut rest = rel;
    loop {
        let (head, tail) = match rest.iter().position(|&b| b == b'/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &[][..]),
        };
        match head {
            b"" | b"." => {}
            b".." => {
                let cut = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(cut.max(1));
            }
            _ => break,
        }
        rest = tail;
        if rest.is_empty() {
            return out;
        }
    }
    if !out.ends_with(b"/") {
        out.push(b'/');
    }
    out.extend_from_slice(rest);
    out
}

fn exists(path: &[u8]) -> bool {
    Path::new(OsStr::from_bytes(path))
        .symlink_metadata()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::join;

    fn j(base: &str, rel: &str) -> String {
        String::from_utf8(join(base.as_bytes(), rel.as_bytes())).unwrap()
    }

    #[test]
    fn joins_leading_dots_lexically() {
        assert_eq!(j("/", "."), "/");
        assert_eq!(j("/", "a/b"), "/a/b");
        assert_eq!(j("/tmp/x", "f"), "/tmp/x/f");
        assert_eq!(j("/tmp/x", "./f"), "/tmp/x/f");
        assert_eq!(j("/tmp/x", ".."), "/tmp");
        assert_eq!(j("/tmp/x", "../../usr/lib"), "/usr/lib");
        assert_eq!(j("/tmp/x", "../../../.."), "/");
        assert_eq!(j("/tmp", "a/../b"), "/tmp/a/../b");
        assert_eq!(j("/tmp", "a/"), "/tmp/a/");
        assert_eq!(j("/tmp", ".//a"), "/tmp/a");
    }
}
