//! Path-based file system calls: openat, stat family, readlinkat, access, directories.
//!
//! Paths that might name /proc/self/exe are read from the guest (safely) so that the
//! guest executable, not the emulator, is reported; other path pointers pass through.

use crate::abi::errno::Errno;
use crate::abi::flags::{open_flags_to_host, AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW};
use crate::abi::stat::{Stat, Statx};
use crate::guest_mem::{self, PATH_MAX};
use crate::host::{check, int, ok, ptr};
use crate::overlay::{self, Last};
use crate::process::Process;
use crate::thread::Task;
use crate::SysResult;
use std::ffi::{CString, OsStr};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// True if `path` names the running executable through /proc.
fn is_proc_self_exe(path: &[u8]) -> bool {
    proc_self_entry(path) == Some(b"exe".as_slice())
}

/// The entry name of a `/proc/self/NAME` path (also `/proc/thread-self/NAME`,
/// `/proc/<own pid>/NAME`, and `task/<tid>/NAME` under any of them).
pub(crate) fn proc_self_entry(path: &[u8]) -> Option<&[u8]> {
    let rest = path.strip_prefix(b"/proc/")?;
    let slash = rest.iter().position(|&b| b == b'/')?;
    let (who, name) = (&rest[..slash], &rest[slash + 1..]);
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { libc::getpid() }.to_string();
    if !(who == b"self" || who == b"thread-self" || who == pid.as_bytes()) {
        return None;
    }
    Some(strip_task(name).unwrap_or(name))
}

/// NAME of `task/<tid>/NAME`.
fn strip_task(name: &[u8]) -> Option<&[u8]> {
    let rest = name.strip_prefix(b"task/")?;
    let slash = rest.iter().position(|&b| b == b'/')?;
    let tid = &rest[..slash];
    (!tid.is_empty() && tid.iter().all(u8::is_ascii_digit)).then_some(&rest[slash + 1..])
}

/// A /proc file whose host contents describe the emulator, not the guest: the
/// guest's contents (see [`crate::procfs`]), in an anonymous file. Opening one that
/// does not exist on the host (another task's) fails as it would there.
fn emulated_proc_file(p: &Task, path: &[u8], flags: i32) -> Option<SysResult> {
    let data = emulated_proc_contents(p, path)?;
    let cloexec = if flags & libc::O_CLOEXEC != 0 {
        libc::MFD_CLOEXEC
    } else {
        0
    };
    // SAFETY: a valid name; memfd_create returns a new descriptor or -1.
    let fd = unsafe { libc::memfd_create(c"emu-proc".as_ptr(), cloexec) };
    if fd < 0 {
        return Some(Err(Errno::last()));
    }
    // SAFETY: writes `data` into the descriptor just made, then rewinds it.
    unsafe {
        libc::write(fd, data.as_ptr() as *const libc::c_void, data.len());
        libc::lseek(fd, 0, libc::SEEK_SET);
    }
    Some(ok(fd as u64))
}

/// The guest's contents of a /proc file whose host contents describe the emulator;
/// `None` for every other path.
fn emulated_proc_contents(p: &Process, path: &[u8]) -> Option<Vec<u8>> {
    match proc_self_entry(path) {
        Some(entry) => {
            let host = std::str::from_utf8(path).ok()?;
            if !crate::procfs::SELF_ENTRIES.contains(&entry)
                || std::fs::symlink_metadata(host).is_err()
            {
                return None;
            }
            crate::procfs::self_file(p, entry, host)
        }
        None => crate::procfs::global_file(p, path),
    }
}

/// What the guest reads when it opens a path.
pub enum GuestFile {
    /// The guest's rendering of a /proc file that describes the emulator.
    Contents(Vec<u8>),
    /// The host file the guest path names (in the sysroot, /proc/self/exe the guest's).
    Host(CString),
}

/// What a guest open of `path` reads (for a debugger's file access on the guest's
/// behalf).
pub fn guest_file(p: &Process, path: &[u8]) -> Result<GuestFile, Errno> {
    let name = guest_name(p, AT_FDCWD, path.to_vec(), Last::Follow)?;
    match emulated_proc_contents(p, &name.guest) {
        Some(data) => Ok(GuestFile::Contents(data)),
        None => Ok(GuestFile::Host(host_at_name(p, name)?.path)),
    }
}

/// A guest path resolved for a host `*at` call: the directory fd and path to pass.
pub(crate) struct HostAt {
    pub dirfd: i32,
    pub path: CString,
}

/// A guest path as the guest names it and as the host finds it.
struct Named {
    dirfd: i32,
    /// The guest path (absolute under a sysroot, else as given).
    guest: Vec<u8>,
    /// The host path, relative to `dirfd`.
    host: Vec<u8>,
}

/// The guest's `(dirfd, raw)`, resolved through the sysroot overlay (see
/// [`overlay`]); without one, as given.
fn guest_name(p: &Process, dirfd: i32, raw: Vec<u8>, last: Last) -> Result<Named, Errno> {
    guest_name_with(p, dirfd, raw, last, overlay::MAX_SYMLINKS)
}

/// [`guest_name`] following at most `max_links` symlinks.
fn guest_name_with(
    p: &Process,
    dirfd: i32,
    raw: Vec<u8>,
    last: Last,
    max_links: usize,
) -> Result<Named, Errno> {
    Ok(match overlay::resolve(p, (dirfd, &raw), last, max_links)? {
        Some(placed) => Named {
            dirfd: AT_FDCWD,
            guest: placed.guest,
            host: placed.host,
        },
        None => Named {
            dirfd,
            guest: raw.clone(),
            host: raw,
        },
    })
}

fn host_at_name(p: &Process, name: Named) -> Result<HostAt, Errno> {
    let bytes = if is_proc_self_exe(&name.guest) {
        p.exe_path.as_os_str().as_bytes().to_vec()
    } else {
        name.host
    };
    let path = CString::new(bytes).map_err(|_| Errno::EINVAL)?;
    Ok(HostAt {
        dirfd: name.dirfd,
        path,
    })
}

/// THE resolution of a guest path for the host: `(dirfd, raw)` as the guest names it
/// (through the sysroot overlay, /proc/self/exe the guest executable) to the
/// `(dirfd, path)` a host `*at` call takes; `last` says whether a symlink at the end
/// is followed.
pub(crate) fn host_at(p: &Process, dirfd: i32, raw: Vec<u8>, last: Last) -> Result<HostAt, Errno> {
    host_at_name(p, guest_name(p, dirfd, raw, last)?)
}

/// The host path the guest path `raw` names, relative to the working directory.
pub(crate) fn host_path(p: &Process, raw: Vec<u8>, last: Last) -> Result<CString, Errno> {
    Ok(host_at(p, AT_FDCWD, raw, last)?.path)
}

/// Reads the guest path at `addr` and resolves it against `dirfd` (see [`host_at`]).
pub(crate) fn guest_path_at(
    p: &Process,
    dirfd: u64,
    addr: u64,
    last: Last,
) -> Result<HostAt, Errno> {
    host_at(p, int(dirfd), guest_mem::read_cstr(addr, PATH_MAX)?, last)
}

/// How an open looks its path up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// As openat does.
    Any,
    /// ELOOP at the first symlink to follow (openat2's RESOLVE_NO_SYMLINKS).
    NoSymlinks,
    /// Inside `dirfd`'s tree whatever the path says (openat2's RESOLVE_BENEATH /
    /// RESOLVE_IN_ROOT / RESOLVE_NO_XDEV): the path goes to the host as given.
    InDirfd,
}

/// How an open with host flags `host_flags` treats a symlink at the end: O_NOFOLLOW
/// does not follow it; O_CREAT|O_EXCL neither, and makes the name itself; O_CREAT
/// makes a missing name.
fn open_last(host_flags: i32) -> Last {
    let creat = host_flags & libc::O_CREAT != 0;
    if creat && host_flags & libc::O_EXCL != 0 {
        Last::Parent
    } else if host_flags & libc::O_NOFOLLOW != 0 {
        if creat {
            Last::NoFollowOrMake
        } else {
            Last::NoFollow
        }
    } else if creat {
        Last::FollowOrMake
    } else {
        Last::Follow
    }
}

/// The [`Last`] of a call whose `flags` hold AT_SYMLINK_NOFOLLOW-like bit `nofollow`.
pub(crate) fn last_unless(flags: u64, nofollow: u64) -> Last {
    if flags & nofollow != 0 {
        Last::NoFollow
    } else {
        Last::Follow
    }
}

/// Opens the guest path at `addr` (relative to `dirfd`) as openat does: a /proc file
/// that would describe the emulator is the guest's (see [`emulated_proc_file`]),
/// other paths go through [`host_at`] and then `open`. `host_flags` are the host O_*
/// flags. `lookup`: how openat2 confines the lookup ([`Lookup`]).
pub(crate) fn open_guest_path(
    p: &Task,
    (dirfd, addr): (u64, u64),
    host_flags: i32,
    lookup: Lookup,
    open: impl FnOnce(&HostAt) -> SysResult,
) -> SysResult {
    let raw = guest_mem::read_cstr(addr, PATH_MAX)?;
    let max_links = match lookup {
        Lookup::Any => overlay::MAX_SYMLINKS,
        Lookup::NoSymlinks => 0,
        Lookup::InDirfd => {
            let path = CString::new(raw).map_err(|_| Errno::EINVAL)?;
            let dirfd = int(dirfd);
            return open(&HostAt { dirfd, path });
        }
    };
    let name = guest_name_with(p, int(dirfd), raw, open_last(host_flags), max_links)?;
    if let Some(r) = emulated_proc_file(p, &name.guest, host_flags) {
        return r;
    }
    open(&host_at_name(p, name)?)
}

pub fn openat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let fl = open_flags_to_host(a[2] as u32) as i32;
    open_guest_path(p, (a[0], a[1]), fl, Lookup::Any, |h| {
        // SAFETY: `h.path` is a valid C string; other arguments are integers.
        check(unsafe { libc::openat(h.dirfd, h.path.as_ptr(), fl, a[3] as libc::c_uint) } as i64)
    })
}

fn write_stat(addr: u64, h: &libc::stat) -> SysResult {
    guest_mem::write_val(addr, &Stat::from_host(h))?;
    ok(0)
}

pub fn fstat(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: all-zero is a valid libc::stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid out-buffer.
    check(unsafe { libc::fstat(int(a[0]), &mut st) } as i64)?;
    write_stat(a[1], &st)
}

/// A path argument that may be NULL together with AT_EMPTY_PATH (Linux 6.11+).
fn guest_path_or_empty(p: &Task, dirfd: u64, addr: u64, flags: u64) -> Result<HostAt, Errno> {
    if addr == 0 && flags & AT_EMPTY_PATH != 0 {
        return Ok(HostAt {
            dirfd: int(dirfd),
            path: CString::default(),
        });
    }
    guest_path_at(p, dirfd, addr, last_unless(flags, AT_SYMLINK_NOFOLLOW))
}

pub fn newfstatat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let h = guest_path_or_empty(p, a[0], a[1], a[3])?;
    // SAFETY: all-zero is a valid libc::stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // AT_* flags have the same values on both (asm-generic fcntl.h).
    // SAFETY: valid C string and out-buffer.
    check(unsafe { libc::fstatat(h.dirfd, h.path.as_ptr(), &mut st, int(a[3])) } as i64)?;
    write_stat(a[2], &st)
}

pub fn statx(p: &mut Task, a: [u64; 6]) -> SysResult {
    let h = guest_path_or_empty(p, a[0], a[1], a[2])?;
    let mut stx = Statx::default();
    // SAFETY: valid C string; `stx` is the kernel's statx layout (see abi::stat tests).
    let r = unsafe {
        crate::host::raw(
            crate::host::nr::SYS_statx,
            [
                h.dirfd as u64,
                h.path.as_ptr() as u64,
                int(a[2]) as u64,
                (a[3] as u32) as u64,
                std::ptr::addr_of_mut!(stx) as u64,
                0,
            ],
        )
    };
    check(r)?;
    guest_mem::write_val(a[4], &stx)?;
    ok(0)
}

pub fn readlinkat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let raw = guest_mem::read_cstr(a[1], PATH_MAX)?;
    let name = guest_name(p, int(a[0]), raw, Last::NoFollow)?;
    let size = a[3] as i64;
    // The working directory and open files of /proc/self read as guest paths.
    let guest_link = matches!(proc_self_entry(&name.guest), Some(e) if e == b"exe" || e == b"cwd" || e.starts_with(b"fd/"));
    if !guest_link {
        let h = host_at_name(p, name)?;
        // SAFETY: valid C string; the guest buffer is checked by the kernel.
        return check(
            unsafe { libc::readlinkat(h.dirfd, h.path.as_ptr(), ptr(a[2]), size as usize) } as i64,
        );
    }
    if size <= 0 {
        return Err(Errno::EINVAL);
    }
    let target = if is_proc_self_exe(&name.guest) {
        p.exe_path.as_os_str().as_bytes().to_vec()
    } else {
        let host = std::fs::read_link(OsStr::from_bytes(&name.host))
            .map_err(|e| Errno::from_host(e.raw_os_error().unwrap_or(libc::EIO)))?;
        host.into_os_string().into_vec()
    };
    let target = overlay::to_guest(p, target);
    let n = target.len().min(size as usize);
    guest_mem::write_bytes(a[2], &target[..n])?;
    ok(n as u64)
}

pub fn faccessat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let h = guest_path_at(p, a[0], a[1], Last::Follow)?;
    // SAFETY: valid C string and integers (F_OK/R_OK/... are the same on both).
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_faccessat,
            [
                h.dirfd as u64,
                h.path.as_ptr() as u64,
                int(a[2]) as u64,
                0,
                0,
                0,
            ],
        )
    })
}

pub fn faccessat2(p: &mut Task, a: [u64; 6]) -> SysResult {
    let h = guest_path_at(p, a[0], a[1], last_unless(a[3], AT_SYMLINK_NOFOLLOW))?;
    // SAFETY: valid C string and integers.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_faccessat2,
            [
                h.dirfd as u64,
                h.path.as_ptr() as u64,
                int(a[2]) as u64,
                int(a[3]) as u64,
                0,
                0,
            ],
        )
    })
}

/// getcwd(buf, size): the guest path of the working directory (see [`overlay`]).
pub fn getcwd(p: &mut Task, a: [u64; 6]) -> SysResult {
    if p.sysroot.is_none() {
        // The raw syscall returns the length including the NUL, as the guest expects.
        // SAFETY: the kernel checks the guest buffer.
        return check(unsafe {
            crate::host::raw(crate::host::nr::SYS_getcwd, [a[0], a[1], 0, 0, 0, 0])
        });
    }
    let mut buf = vec![0u8; PATH_MAX];
    // SAFETY: `buf` is a writable buffer of the length given.
    let n = unsafe {
        crate::host::raw(
            crate::host::nr::SYS_getcwd,
            [buf.as_mut_ptr() as u64, buf.len() as u64, 0, 0, 0, 0],
        )
    };
    crate::host::check_unit(n)?;
    buf.truncate((n as usize).saturating_sub(1));
    let mut path = overlay::to_guest(p, buf);
    path.push(0);
    if path.len() as u64 > a[1] {
        return Err(Errno::ERANGE);
    }
    guest_mem::write_bytes(a[0], &path)?;
    ok(path.len() as u64)
}

pub fn chdir(p: &mut Task, a: [u64; 6]) -> SysResult {
    let h = guest_path_at(p, AT_FDCWD as u64, a[0], Last::Follow)?;
    // SAFETY: a valid C string (absolute, or relative to the working directory).
    check(unsafe { libc::chdir(h.path.as_ptr()) } as i64)
}

pub fn fchdir(_: &mut Task, a: [u64; 6]) -> SysResult {
    // The descriptor was opened through the overlay: its directory is the guest's.
    // SAFETY: integer argument.
    check(unsafe { libc::fchdir(int(a[0])) } as i64)
}

pub fn unlinkat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let h = guest_path_at(p, a[0], a[1], Last::Parent)?;
    // SAFETY: a valid C string; AT_REMOVEDIR is the same on both.
    check(unsafe { libc::unlinkat(h.dirfd, h.path.as_ptr(), int(a[2])) } as i64)
}

pub fn mkdirat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let h = guest_path_at(p, a[0], a[1], Last::Parent)?;
    // SAFETY: a valid C string.
    check(unsafe { libc::mkdirat(h.dirfd, h.path.as_ptr(), a[2] as libc::mode_t) } as i64)
}

pub fn renameat(p: &mut Task, a: [u64; 6]) -> SysResult {
    renameat2(p, [a[0], a[1], a[2], a[3], 0, 0])
}

pub fn renameat2(p: &mut Task, a: [u64; 6]) -> SysResult {
    let from = guest_path_at(p, a[0], a[1], Last::Parent)?;
    let to = guest_path_at(p, a[2], a[3], Last::Parent)?;
    // RENAME_* flags are architecture-independent.
    // SAFETY: valid C strings and integers.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_renameat2,
            [
                from.dirfd as u64,
                from.path.as_ptr() as u64,
                to.dirfd as u64,
                to.path.as_ptr() as u64,
                (a[4] as u32) as u64,
                0,
            ],
        )
    })
}

pub fn umask(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: integer argument.
    ok(unsafe { libc::umask(a[0] as libc::mode_t & 0o777) } as u64)
}

fn write_statfs(addr: u64, h: &libc::statfs64) -> SysResult {
    guest_mem::write_val(addr, &crate::abi::statfs::Statfs::from_host(h))?;
    ok(0)
}

pub fn statfs(p: &mut Task, a: [u64; 6]) -> SysResult {
    let path = guest_path_at(p, AT_FDCWD as u64, a[0], Last::Follow)?.path;
    // SAFETY: all-zero is a valid libc::statfs64.
    let mut st: libc::statfs64 = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a valid C string and `st` a valid out-buffer.
    check(unsafe { libc::statfs64(path.as_ptr(), &mut st) } as i64)?;
    write_statfs(a[1], &st)
}

pub fn fstatfs(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: all-zero is a valid libc::statfs64.
    let mut st: libc::statfs64 = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid out-buffer.
    check(unsafe { libc::fstatfs64(int(a[0]), &mut st) } as i64)?;
    write_statfs(a[1], &st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_self_exe_names() {
        assert!(is_proc_self_exe(b"/proc/self/exe"));
        assert!(is_proc_self_exe(b"/proc/thread-self/exe"));
        let own = format!("/proc/{}/exe", std::process::id());
        assert!(is_proc_self_exe(own.as_bytes()));
        assert!(!is_proc_self_exe(b"/proc/1/exe") || std::process::id() == 1);
        assert!(!is_proc_self_exe(b"/proc/self/exe2"));
        assert!(!is_proc_self_exe(b"proc/self/exe"));
    }

    #[test]
    fn proc_self_entries_under_task() {
        assert_eq!(
            proc_self_entry(b"/proc/self/maps"),
            Some(b"maps".as_slice())
        );
        assert_eq!(
            proc_self_entry(b"/proc/self/task/123/stat"),
            Some(b"stat".as_slice())
        );
        assert_eq!(
            proc_self_entry(b"/proc/thread-self/task/x/stat"),
            Some(b"task/x/stat".as_slice())
        );
        assert_eq!(proc_self_entry(b"/proc/cpuinfo"), None);
    }
}
