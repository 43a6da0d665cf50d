//! File-descriptor I/O: read/write family, lseek, close, dup, pipe2, fcntl, ioctl,
//! getdents64. Buffers and iovec arrays have the same layout on the host and pass
//! straight through (the host kernel reports EFAULT for bad guest pointers).

use crate::abi::errno::Errno;
use crate::abi::flags::{self, open_flags_to_guest, open_flags_to_host};
use crate::abi::term::{self, IoctlArg, Termios, Winsize};
use crate::guest_mem;
use crate::host::{check, int, ok, ptr};
use crate::thread::Task;
use crate::SysResult;

pub fn read(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest buffer (iovecs have the same layout, abi::misc::Iovec).
    p.blocking(crate::host::nr::SYS_read, a)
}

pub fn write(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest buffer (iovecs have the same layout, abi::misc::Iovec).
    p.blocking(crate::host::nr::SYS_write, a)
}

pub fn readv(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest buffer (iovecs have the same layout, abi::misc::Iovec).
    p.blocking(crate::host::nr::SYS_readv, a)
}

pub fn writev(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest buffer (iovecs have the same layout, abi::misc::Iovec).
    p.blocking(crate::host::nr::SYS_writev, a)
}

pub fn pread64(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest buffer (iovecs have the same layout, abi::misc::Iovec).
    p.blocking(crate::host::nr::SYS_pread64, a)
}

pub fn pwrite64(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The kernel checks the guest buffer (iovecs have the same layout, abi::misc::Iovec).
    p.blocking(crate::host::nr::SYS_pwrite64, a)
}

pub fn lseek(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SEEK_* values are the same on both (asm-generic).
    // SAFETY: plain integer arguments.
    check(unsafe { libc::lseek(int(a[0]), a[1] as i64, int(a[2])) })
}

pub fn close(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: closing a guest fd; the emulator's own fds are the guest's business here.
    check(unsafe { libc::close(int(a[0])) } as i64)
}

pub fn dup(_: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: plain integer argument.
    check(unsafe { libc::dup(int(a[0])) } as i64)
}

pub fn dup3(_: &mut Task, a: [u64; 6]) -> SysResult {
    if a[2] as u32 & !flags::O_CLOEXEC != 0 {
        return Err(Errno::EINVAL);
    }
    let fl = open_flags_to_host(a[2] as u32) as i32;
    // SAFETY: plain integer arguments.
    check(unsafe { libc::dup3(int(a[0]), int(a[1]), fl) } as i64)
}

pub fn pipe2(_: &mut Task, a: [u64; 6]) -> SysResult {
    let fl = open_flags_to_host(a[1] as u32) as i32;
    let mut fds = [0i32; 2];
    // SAFETY: fds is a valid two-int array.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), fl) } as i64)?;
    let bytes: Vec<u8> = fds.iter().flat_map(|f| f.to_ne_bytes()).collect();
    if let Err(e) = guest_mem::write_bytes(a[0], &bytes) {
        // SAFETY: closing the two fds just created.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        return Err(e);
    }
    ok(0)
}

pub fn fcntl(_: &mut Task, a: [u64; 6]) -> SysResult {
    let fd = int(a[0]);
    let raw = |arg: u64| -> SysResult {
        // SAFETY: an integer argument, or a guest pointer to a struct of the same
        // layout on both (flock: abi::misc::Flock; f_owner_ex, uid_t[2], u64; see
        // flags::FcntlArg) that the kernel checks.
        check(unsafe { libc::fcntl(fd, a[1] as i32, arg) } as i64)
    };
    match a[1] {
        flags::F_GETFL => {
            // SAFETY: plain integer arguments.
            let r = check(unsafe { libc::fcntl(fd, libc::F_GETFL) } as i64)?;
            match r {
                crate::Outcome::Ret(v) => ok(open_flags_to_guest(v as u32) as u64),
                other => Ok(other),
            }
        }
        _ => match flags::fcntl_arg(a[1]) {
            Some(flags::FcntlArg::OpenFlags) => raw(open_flags_to_host(a[2] as u32) as u64),
            Some(_) => raw(a[2]),
            None => Err(Errno::EINVAL),
        },
    }
}

pub fn ioctl(p: &mut Task, a: [u64; 6]) -> SysResult {
    if crate::uffd::is_uffd_request(a[1]) {
        return crate::uffd::ioctl(p, a);
    }
    let Some(&(_, _, host_req, kind)) = term::ioctl(a[1]) else {
        return Err(Errno::ENOTTY);
    };
    let fd = int(a[0]);
    let call = |arg: *mut libc::c_void| -> SysResult {
        // SAFETY: `arg` is a local struct of the kernel's layout or an integer / guest
        // int pointer the kernel checks.
        check(unsafe { libc::ioctl(fd, host_req, arg) } as i64)
    };
    match kind {
        IoctlArg::TermiosOut => {
            let mut t = Termios::default();
            call((&mut t as *mut Termios).cast())?;
            guest_mem::write_val(a[2], &t)?;
            ok(0)
        }
        IoctlArg::TermiosIn => {
            let mut t: Termios = guest_mem::read_val(a[2])?;
            call((&mut t as *mut Termios).cast())
        }
        IoctlArg::WinsizeOut => {
            let mut w = Winsize::default();
            call((&mut w as *mut Winsize).cast())?;
            guest_mem::write_val(a[2], &w)?;
            ok(0)
        }
        IoctlArg::WinsizeIn => {
            let mut w: Winsize = guest_mem::read_val(a[2])?;
            call((&mut w as *mut Winsize).cast())
        }
        IoctlArg::IntPtr | IoctlArg::Value | IoctlArg::SameLayout => call(ptr(a[2])),
    }
}

pub fn getdents64(_: &mut Task, a: [u64; 6]) -> SysResult {
    // linux_dirent64 is architecture-independent: the guest buffer passes through.
    // SAFETY: the kernel checks the guest buffer.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_getdents64,
            [int(a[0]) as u64, a[1], a[2], 0, 0, 0],
        )
    })
}
