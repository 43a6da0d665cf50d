//! New processes: fork-style `clone` and `execve`.
//!
//! A fork-style clone (no shared address space) forks the whole emulator: guest memory is
//! host memory, so the host child holds a copy of the guest and of its translations and
//! simply continues. `vfork` (CLONE_VM | CLONE_VFORK) is run as a fork: the child gets a
//! copy instead of the parent's memory, which is enough for children that only exec or
//! exit. Threads (CLONE_VM without CLONE_VFORK, CLONE_THREAD, CLONE_SETTLS) are not
//! supported.
//!
//! `execve` runs the new guest program under a fresh emulator: the host process execs
//! [`Process::exec_prefix`] (the emulator and its options) with the guest's argv and envp.

use crate::abi::errno::Errno;
use crate::fs::host_path;
use crate::guest_mem::{self, PATH_MAX};
use crate::host::check;
use crate::thread::Task;
use crate::{Outcome, SysResult};
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Guest clone flags (include/uapi/linux/sched.h; the same on every architecture).
pub mod clone_flags {
    /// Signal sent to the parent when the child exits.
    pub const CSIGNAL: u64 = 0xff;
    pub const CLONE_VM: u64 = 0x100;
    pub const CLONE_FS: u64 = 0x200;
    pub const CLONE_FILES: u64 = 0x400;
    pub const CLONE_SIGHAND: u64 = 0x800;
    pub const CLONE_THREAD: u64 = 0x1_0000;
    pub const CLONE_SYSVSEM: u64 = 0x4_0000;
    pub const CLONE_VFORK: u64 = 0x4000;
    pub const CLONE_SETTLS: u64 = 0x8_0000;
    pub const CLONE_PARENT_SETTID: u64 = 0x10_0000;
    pub const CLONE_CHILD_CLEARTID: u64 = 0x20_0000;
    pub const CLONE_CHILD_SETTID: u64 = 0x100_0000;
}
use clone_flags::*;

/// Flags a fork-style clone may carry; the host kernel does the same for them.
const FORK_FLAGS: u64 = CSIGNAL | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;

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

/// The host clone flags for guest `flags`, or the error for what cannot be emulated.
pub fn fork_flags(flags: u64) -> Result<u64, Errno> {
    let mut f = flags;
    if f & (CLONE_VM | CLONE_VFORK) == CLONE_VM | CLONE_VFORK {
        f &= !(CLONE_VM | CLONE_VFORK);
    }
    if f & !FORK_FLAGS != 0 {
        // Threads and sharing clones need more than a host fork.
        return Err(Errno::ENOSYS);
    }
    Ok(f)
}

/// A new guest thread to start: clone's arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadClone {
    pub flags: u64,
    pub stack: u64,
    pub parent_tid: u64,
    pub tls: u64,
    pub child_tid: u64,
}

/// Flags a thread clone may carry (the rest share what threads share anyway, or are
/// refused).
const THREAD_FLAGS: u64 = CLONE_VM
    | CLONE_FS
    | CLONE_FILES
    | CLONE_SIGHAND
    | CLONE_THREAD
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_CHILD_SETTID;

/// clone(flags, newsp, parent_tid, tls, child_tid): the arm64 argument order.
pub fn clone(p: &mut Task, a: [u64; 6]) -> SysResult {
    let f = a[0];
    if f & (CLONE_VM | CLONE_VFORK | CLONE_THREAD) == CLONE_VM | CLONE_VFORK {
        if f & !(CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID) != 0 {
            return Err(Errno::EINVAL);
        }
        return Ok(Outcome::Vfork(ThreadClone {
            flags: f,
            stack: a[1],
            parent_tid: a[2],
            tls: a[3],
            child_tid: a[4],
        }));
    }
    // The kernel's consistency rules (kernel/fork.c copy_process).
    if f & CLONE_THREAD != 0 && f & CLONE_SIGHAND == 0
        || f & CLONE_SIGHAND != 0 && f & CLONE_VM == 0
    {
        return Err(Errno::EINVAL);
    }
    if f & CLONE_THREAD != 0 {
        if f & !THREAD_FLAGS & !CSIGNAL != 0 {
            p.warn_once(
                "clone-thread",
                &format!("emu-user: clone flags {f:#x}: unsupported sharing flags"),
            );
            return Err(Errno::EINVAL);
        }
        return Ok(Outcome::NewThread(ThreadClone {
            flags: f,
            stack: a[1],
            parent_tid: a[2],
            tls: a[3],
            child_tid: a[4],
        }));
    }
    let flags = match fork_flags(a[0]) {
        Ok(f) => f,
        Err(e) => {
            p.warn_once(
                "clone",
                &format!(
                    "emu-user: clone flags {:#x} (shared memory without CLONE_THREAD) are not supported",
                    a[0]
                ),
            );
            return Err(e);
        }
    };
    debug_assert_eq!(flags & CLONE_SETTLS, 0);
    // The host child keeps running on (a copy of) the emulator's own stack: host newsp 0.
    // Parent and child tid pointers are guest addresses, which are host addresses.
    // SAFETY: a fork-style clone of this single-threaded process; x86-64 argument order
    // (flags, newsp, parent_tid, child_tid, tls).
    let r = unsafe { libc::syscall(libc::SYS_clone, flags, 0u64, a[2], a[4], 0u64) };
    match check(r)? {
        Outcome::Ret(0) => Ok(Outcome::Child {
            sp: (a[1] != 0).then_some(a[1]),
        }),
        parent => Ok(parent),
    }
}

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
        let host = host_path(p, file.clone())?;
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
    if p.exec_prefix.is_empty() {
        return Err(Errno::ENOSYS);
    }
    let file = guest_mem::read_cstr(a[0], PATH_MAX)?;
    let argv = read_strings(a[1])?;
    let envp = read_strings(a[2])?;
    let (host, argv, runs) = resolve(p, file, argv)?;
    let args = match runs {
        Runs::Emulated => host_argv(&p.exec_prefix, &host, &argv),
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
    // SAFETY: both arrays are NULL-terminated and point into `args`/`env`, which outlive
    // the call; execve returns only on failure.
    unsafe { libc::execve(argp[0], argp.as_ptr(), envpp.as_ptr()) };
    Err(Errno::last())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_flags_accept_fork_and_vfork_only() {
        const SIGCHLD: u64 = 17;
        // glibc fork: CHILD_SETTID | CHILD_CLEARTID | SIGCHLD.
        let fork = CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD;
        assert_eq!(fork_flags(fork), Ok(fork));
        // vfork / posix_spawn: VM | VFORK | SIGCHLD runs as a plain fork.
        assert_eq!(fork_flags(CLONE_VM | CLONE_VFORK | SIGCHLD), Ok(SIGCHLD));
        // pthread_create: VM | FS | FILES | SIGHAND | THREAD | SYSVSEM | SETTLS | ...
        assert_eq!(fork_flags(0x3d0f00), Err(Errno::ENOSYS));
        assert_eq!(fork_flags(CLONE_VM | SIGCHLD), Err(Errno::ENOSYS));
        assert_eq!(fork_flags(CLONE_SETTLS | SIGCHLD), Err(Errno::ENOSYS));
    }

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
    fn fork_style_clone_runs_the_child_and_reports_its_pid() {
        const SIGCHLD: u64 = 17;
        let mut p = process();
        let mut child_tid = 0u32;
        let ctid = &mut child_tid as *mut u32 as u64;
        let flags = CLONE_CHILD_SETTID | SIGCHLD;
        let out = call(
            &mut p,
            crate::nr::CLONE,
            [flags, 0x1234_0000, 0, 0, ctid, 0],
        );
        if let Outcome::Child { sp } = out {
            // The child: report what it saw through its exit status, touching nothing.
            let ok = sp == Some(0x1234_0000) && child_tid != 0;
            // SAFETY: ends the forked child at once.
            unsafe { libc::_exit(if ok { 42 } else { 1 }) };
        }
        let Outcome::Ret(pid) = out else {
            panic!("{out:?}")
        };
        assert!((pid as i64) > 0, "clone failed: {}", pid as i64);
        // The parent's copy of the child tid word is untouched (no CLONE_PARENT_SETTID).
        assert_eq!(child_tid, 0);
        let mut status = 0i32;
        // SAFETY: waits for the child just created; `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(pid as i32, &mut status, 0) };
        assert_eq!(r, pid as i32);
        assert!(libc::WIFEXITED(status), "status {status:#x}");
        assert_eq!(libc::WEXITSTATUS(status), 42);
    }

    #[test]
    fn thread_clones_go_to_the_dispatcher() {
        let mut p = process();
        // glibc's pthread_create flags.
        let out = call(&mut p, crate::nr::CLONE, [0x3d0f00, 0x1000, 8, 9, 10, 0]);
        assert_eq!(
            out,
            Outcome::NewThread(ThreadClone {
                flags: 0x3d0f00,
                stack: 0x1000,
                parent_tid: 8,
                tls: 9,
                child_tid: 10
            })
        );
        // CLONE_THREAD without CLONE_SIGHAND is invalid.
        let out = call(&mut p, crate::nr::CLONE, [0x10100, 0x1000, 0, 0, 0, 0]);
        assert_eq!(out, Outcome::Ret(Errno::EINVAL.to_ret()));
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
