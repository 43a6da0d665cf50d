//! `execve` and `execveat`.
//!
//! `execve` runs the new guest program under a fresh emulator: the host process execs
//! [`Process::exec_prefix`] (the emulator and its options) with the guest's argv and envp.

use crate::abi::errno::Errno;
use crate::abi::flags::{AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW};
use crate::fs::host_path;
use crate::guest_mem::{self, PATH_MAX};
use crate::overlay::Last;
use crate::thread::Task;
use crate::SysResult;
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Most argv/envp entries read from the guest (the kernel's limit is by bytes).
const MAX_ARGS: usize = 1 << 16;
/// Longest argument or environment string read.
const MAX_ARG_LEN: usize = 128 * 1024;
/// Nested `#!` interpreters followed (the kernel allows 4 as well).
const MAX_INTERP_DEPTH: usize = 4;
/// ELF identification (include/uapi/linux/elf.h, elf-em.h).
const ELFCLASS64: u8 = 2;
const ELFDATA2LSB: u8 = 1;
const EM_AARCH64: u16 = 183;
const EM_X86_64: u16 = 62;

/// Bytes of a `#!` line the kernel looks at (BINPRM_BUF_SIZE).
const BINPRM_BUF_SIZE: usize = 256;

/// Reads a NULL-terminated guest array of C strings.
fn read_strings(addr: u64) -> Result<Vec<Vec<u8>>, Errno> {
    let mut out = Vec::new();
    if addr == 0 {
        return Ok(out);
    }
    loop {
        if out.len() >= MAX_ARGS {
            return Err(Errno::E2BIG);
        }
        let ptr: u64 = guest_mem::read_val(addr + 8 * out.len() as u64)?;
        if ptr == 0 {
            return Ok(out);
        }
        out.push(guest_mem::read_cstr(ptr, MAX_ARG_LEN).map_err(|e| {
            if e == Errno::ENAMETOOLONG {
                Errno::E2BIG
            } else {
                e
            }
        })?);
    }
}

/// What the start of an executable file says about how to run it.
#[derive(Debug, PartialEq, Eq)]
pub enum Header {
    Elf,
    /// An x86-64 ELF: a program of the host, run natively.
    HostElf,
    /// `#!interpreter [one optional argument]`
    Script {
        interp: Vec<u8>,
        arg: Option<Vec<u8>>,
    },
    Unknown,
}

/// Parses the first bytes of a file as the kernel's binfmt handlers do.
pub fn parse_header(head: &[u8]) -> Header {
    if head.starts_with(b"\x7fELF") {
        // Only 64-bit little-endian AArch64 ELF files run; the kernel refuses other
        // machines with ENOEXEC.
        let machine = head.get(18..20).map(|m| u16::from_le_bytes([m[0], m[1]]));
        let elf64 = head.get(4) == Some(&ELFCLASS64) && head.get(5) == Some(&ELFDATA2LSB);
        return match machine {
            Some(EM_AARCH64) if elf64 => Header::Elf,
            Some(EM_X86_64) if elf64 => Header::HostElf,
            _ => Header::Unknown,
        };
    }
    let Some(rest) = head.strip_prefix(b"#!") else {
        return Header::Unknown;
    };
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let line = trim(line, blank);
    let end = line.iter().position(blank).unwrap_or(line.len());
    let (interp, arg) = line.split_at(end);
    if interp.is_empty() {
        return Header::Unknown;
    }
    let arg = trim(arg, blank);
    Header::Script {
        interp: interp.to_vec(),
        arg: (!arg.is_empty()).then(|| arg.to_vec()),
    }
}

fn trim(s: &[u8], blank: impl Fn(&u8) -> bool) -> &[u8] {
    let start = s.iter().position(|b| !blank(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !blank(b)).map_or(start, |e| e + 1);
    &s[start..end]
}

/// Checks that the host file may be executed and reads its first bytes.
fn read_head(path: &CString) -> Result<Vec<u8>, Errno> {
    // SAFETY: `path` is a valid C string.
    if unsafe { libc::access(path.as_ptr(), libc::X_OK) } != 0 {
        return Err(Errno::last());
    }
    let file = std::fs::File::open(OsStr::from_bytes(path.as_bytes()))
        .map_err(|e| Errno::from_host(e.raw_os_error().unwrap_or(libc::EIO)))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Errno::EACCES);
    }
    let mut head = Vec::with_capacity(BINPRM_BUF_SIZE);
    use std::io::Read;
    file.take(BINPRM_BUF_SIZE as u64)
        .read_to_end(&mut head)
        .map_err(|e| Errno::from_host(e.raw_os_error().unwrap_or(libc::EIO)))?;
    Ok(head)
}

/// How a resolved program runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runs {
    /// An arm64 program: under the emulator.
    Emulated,
    /// A host program (no arm64 one exists at that path, in the sysroot or the host):
    /// natively, as qemu-user does.
    Native,
}

/// Resolves `#!` chains: the ELF file to run, the argv it gets, and how it runs.
pub fn resolve(
    p: &Task,
    guest_file: Vec<u8>,
    mut argv: Vec<Vec<u8>>,
) -> Result<(CString, Vec<Vec<u8>>, Runs), Errno> {
    let mut file = guest_file;
    for _ in 0..=MAX_INTERP_DEPTH {
        let host = host_path(p, file.clone(), Last::Follow)?;
        match parse_header(&read_head(&host)?) {
            Header::Elf => return Ok((host, argv, Runs::Emulated)),
            Header::HostElf => return Ok((host, argv, Runs::Native)),
            Header::Unknown => return Err(Errno::ENOEXEC),
            Header::Script { interp, arg } => {
                // The kernel's argv: interpreter, optional argument, the script's path as
                // given, then the original arguments after argv[0].
                let mut next = vec![interp.clone()];
                next.extend(arg);
                next.push(file);
                next.extend(argv.into_iter().skip(1));
                argv = next;
                file = interp;
            }
        }
    }
    Err(Errno::ELOOP)
}

/// The host argv that runs guest `file` with guest `argv` under the emulator.
pub fn host_argv(prefix: &[OsString], file: &CString, argv: &[Vec<u8>]) -> Vec<CString> {
    let mut out: Vec<Vec<u8>> = prefix.iter().map(|s| s.clone().into_vec()).collect();
    // As two arguments: the emulator takes a hyphen-led value for -0 (a login shell's
    // "-sh") only when it is separate.
    out.push(b"-0".to_vec());
    out.push(argv.first().cloned().unwrap_or_default());
    let mut program = file.as_bytes().to_vec();
    if program.starts_with(b"-") {
        program.splice(0..0, *b"./");
    }
    out.push(program);
    out.extend(argv.iter().skip(1).cloned());
    out.into_iter()
        // Guest strings come from read_cstr and paths from CString: no interior NULs.
        .map(|v| CString::new(v).unwrap_or_default())
        .collect()
}

pub fn execve(p: &mut Task, a: [u64; 6]) -> SysResult {
    let file = guest_mem::read_cstr(a[0], PATH_MAX)?;
    exec(p, file, a[1], a[2])
}

/// execveat(dirfd, pathname, argv, envp, flags): a path relative to `dirfd`, or with
/// AT_EMPTY_PATH the file `dirfd` itself (fexecve).
pub fn execveat(p: &mut Task, a: [u64; 6]) -> SysResult {
    let (dirfd, flags) = (a[0] as i32, a[4]);
    // The kernel reads the name before it checks the flags.
    let path = guest_mem::read_cstr(a[1], PATH_MAX)?;
    if path.is_empty() && flags & AT_EMPTY_PATH == 0 {
        return Err(Errno::ENOENT);
    }
    if flags & !(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0 {
        return Err(Errno::EINVAL);
    }
    let file = if path.is_empty() {
        crate::overlay::to_guest(p, fd_path(dirfd)?)
    } else if path.starts_with(b"/") || dirfd == AT_FDCWD {
        path
    } else {
        let mut dir = crate::overlay::to_guest(p, fd_path(dirfd)?);
        dir.push(b'/');
        dir.extend_from_slice(&path);
        dir
    };
    if flags & AT_SYMLINK_NOFOLLOW != 0 {
        let host = host_path(p, file.clone(), Last::NoFollow)?;
        let meta = std::fs::symlink_metadata(OsStr::from_bytes(host.as_bytes()));
        if meta.is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Errno::ELOOP);
        }
    }
    exec(p, file, a[2], a[3])
}

/// A path the new emulator process can open for what `fd` refers to: the file's
/// name while it still has one, else /proc/self/fd/N with the descriptor kept open
/// across the exec (as the kernel runs a close-on-exec fd's file all the same).
fn fd_path(fd: i32) -> Result<Vec<u8>, Errno> {
    // SAFETY: F_GETFD on an integer fd; -1 with EBADF if it is not open.
    let fdflags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    if fdflags < 0 {
        return Err(Errno::EBADF);
    }
    let link = format!("/proc/self/fd/{fd}");
    let target = std::fs::read_link(&link)
        .map_err(|e| Errno::from_host(e.raw_os_error().unwrap_or(libc::EBADF)))?;
    let target = target.into_os_string().into_vec();
    if target.starts_with(b"/") && !target.ends_with(b" (deleted)") {
        return Ok(target);
    }
    if fdflags & libc::FD_CLOEXEC != 0 {
        // SAFETY: clears close-on-exec on an open fd so the new image can open it.
        unsafe { libc::fcntl(fd, libc::F_SETFD, fdflags & !libc::FD_CLOEXEC) };
    }
    Ok(link.into_bytes())
}

/// The emulator command for the new program. A traced program's emulator writes to
/// the same trace descriptor (`--strace-fd`: stderr as emu-user started, or the -D
/// file, never the guest's own fds), and keeps `[pid TID]` prefixes once they started.
fn trace_prefix(p: &Task) -> Vec<std::ffi::OsString> {
    use crate::strace::output;
    let mut v = p.exec_prefix.clone();
    let Some(fd) = output::fd().filter(|_| p.proc.strace && !v.is_empty()) else {
        return v;
    };
    v.retain(|a| a != "--strace");
    v.insert(1, format!("--strace-fd={fd}").into());
    if output::is_multi() {
        v.insert(1, "--strace-pids".into());
    }
    v
}

/// Runs guest program `file` with the guest's argv and envp arrays.
fn exec(p: &mut Task, file: Vec<u8>, argv: u64, envp: u64) -> SysResult {
    if p.exec_prefix.is_empty() {
        return Err(Errno::ENOSYS);
    }
    let argv = read_strings(argv)?;
    let envp = read_strings(envp)?;
    let (host, argv, runs) = resolve(p, file, argv)?;
    let args = match runs {
        Runs::Emulated => {
            let mut prefix = trace_prefix(p);
            if let Some(kept) = p.ssb.exec_option() {
                prefix.push(format!("--spec-store-bypass={kept}").into());
            }
            host_argv(&prefix, &host, &argv)
        }
        Runs::Native => {
            let mut v = vec![host.clone()];
            v.extend(
                argv.iter()
                    .skip(1)
                    .map(|a| CString::new(a.clone()).unwrap_or_default()),
            );
            v
        }
    };
    let env: Vec<CString> = envp
        .into_iter()
        .map(|v| CString::new(v).unwrap_or_default())
        .collect();
    let mut argp: Vec<*const libc::c_char> = args.iter().map(|s| s.as_ptr()).collect();
    argp.push(std::ptr::null());
    let mut envpp: Vec<*const libc::c_char> = env.iter().map(|s| s.as_ptr()).collect();
    envpp.push(std::ptr::null());
    // strace prints a successful execve once the new program runs; emu's new program
    // starts a fresh emulator, so the line is written now (a failure adds its own).
    if let Some(call) = &p.traced {
        call.write_end(crate::Outcome::Ret(0));
    }
    // The trace descriptor stays open for the new emulator only.
    let pass_trace = matches!(runs, Runs::Emulated) && p.proc.strace;
    let trace_fd = crate::strace::output::fd().filter(|_| pass_trace);
    if let Some(fd) = trace_fd {
        crate::strace::output::pass_on_exec(fd, true);
    }
    // SAFETY: both arrays are NULL-terminated and point into `args`/`env`, which outlive
    // the call; execve returns only on failure.
    unsafe { libc::execve(argp[0], argp.as_ptr(), envpp.as_ptr()) };
    let err = Errno::last();
    if let Some(fd) = trace_fd {
        crate::strace::output::pass_on_exec(fd, false);
    }
    Err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;

    #[test]
    fn headers() {
        let mut elf = [0u8; 64];
        elf[..6].copy_from_slice(b"\x7fELF\x02\x01");
        elf[18] = 183; // EM_AARCH64
        assert_eq!(parse_header(&elf), Header::Elf);
        elf[18] = 62; // EM_X86_64
        assert_eq!(parse_header(&elf), Header::HostElf);
        elf[18] = 40; // EM_ARM
        assert_eq!(parse_header(&elf), Header::Unknown);
        assert_eq!(parse_header(b"\x7fELF\x02\x01"), Header::Unknown);
        assert_eq!(parse_header(b"PK\x03\x04"), Header::Unknown);
        assert_eq!(parse_header(b"#!\n"), Header::Unknown);
        assert_eq!(
            parse_header(b"#! /bin/sh\necho hi\n"),
            Header::Script {
                interp: b"/bin/sh".to_vec(),
                arg: None
            }
        );
        assert_eq!(
            parse_header(b"#!/usr/bin/env  lua5.4 -W \t\nprint(1)"),
            Header::Script {
                interp: b"/usr/bin/env".to_vec(),
                arg: Some(b"lua5.4 -W".to_vec())
            }
        );
    }

    #[test]
    fn host_argv_puts_guest_argv0_in_the_option() {
        let prefix = [OsString::from("/emu"), OsString::from("-L"), "/root".into()];
        let file = CString::new("/root/bin/busybox").unwrap();
        let argv = vec![b"-sh".to_vec(), b"-c".to_vec(), b"x".to_vec()];
        let got: Vec<String> = host_argv(&prefix, &file, &argv)
            .into_iter()
            .map(|c| c.into_string().unwrap())
            .collect();
        assert_eq!(
            got,
            [
                "/emu",
                "-L",
                "/root",
                "-0",
                "-sh",
                "/root/bin/busybox",
                "-c",
                "x"
            ]
        );
        let empty = host_argv(&prefix, &CString::new("-x").unwrap(), &[]);
        assert_eq!(empty[3].as_bytes(), b"-0");
        assert_eq!(empty[4].as_bytes(), b"");
        assert_eq!(empty[5].as_bytes(), b"./-x");
    }

    fn process_with(exec_prefix: Vec<OsString>) -> Task {
        Task::new(crate::ProcessInit {
            exe_path: "/nonexistent/guest".into(),
            brk_start: 0x1000_0000,
            argv0: "guest".into(),
            exec_prefix,
            ..Default::default()
        })
    }

    fn process() -> Task {
        process_with(Vec::new())
    }

    fn call(p: &mut Task, nr: u64, a: [u64; 6]) -> Outcome {
        p.dispatch(nr, a)
    }

    #[test]
    fn execve_errors_come_back_to_the_guest() {
        let mut p = process();
        let path = CString::new("/nonexistent/prog").unwrap();
        let argv = [path.as_ptr() as u64, 0];
        let a = [path.as_ptr() as u64, argv.as_ptr() as u64, 0, 0, 0, 0];
        // No emulator command: ENOSYS.
        assert_eq!(
            call(&mut p, crate::nr::EXECVE, a),
            Outcome::Ret(Errno::ENOSYS.to_ret())
        );
        let mut p = process_with(vec!["/nonexistent/emu".into()]);
        assert_eq!(
            call(&mut p, crate::nr::EXECVE, a),
            Outcome::Ret(Errno::ENOENT.to_ret())
        );
        // An ELF for neither arm64 nor the host (32-bit Arm): ENOEXEC, as the kernel says.
        use std::os::unix::fs::PermissionsExt;
        let f = std::env::temp_dir().join(format!("emu-exec-arm32-{}", std::process::id()));
        let mut elf = [0u8; 64];
        elf[..6].copy_from_slice(b"\x7fELF\x01\x01");
        elf[18] = 40; // EM_ARM
        std::fs::write(&f, elf).unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        let host = CString::new(f.clone().into_os_string().into_vec()).unwrap();
        let a = [host.as_ptr() as u64, argv.as_ptr() as u64, 0, 0, 0, 0];
        let r = call(&mut p, crate::nr::EXECVE, a);
        let _ = std::fs::remove_file(&f);
        assert_eq!(r, Outcome::Ret(Errno::ENOEXEC.to_ret()));
    }
}
