//! New threads and processes: `clone` and `clone3`.
//!
//! Both reduce to one [`CloneArgs`] and one of three paths:
//! - a thread (CLONE_THREAD, with CLONE_VM and CLONE_SIGHAND) or a vfork child
//!   (CLONE_VM | CLONE_VFORK) goes back to the dispatcher as [`Outcome::NewThread`] /
//!   [`Outcome::Vfork`], which starts it on a host thread of its own in this address
//!   space;
//! - a fork-style clone (no shared address space) forks the whole emulator: guest memory
//!   is host memory, so the host child holds a copy of the guest and its translations
//!   and simply continues.
//!
//! CLONE_VM without CLONE_THREAD or CLONE_VFORK (a second process sharing this memory)
//! is refused with EINVAL and a warning: emu would need a second process running
//! on the same translator without a host thread library of its own.

use crate::abi::errno::Errno;
use crate::guest_mem;
use crate::host::{check_raw, host_clone3};
use crate::thread::Task;
use crate::{Outcome, SysResult};

/// Guest clone flags (include/uapi/linux/sched.h; the same on every architecture).
pub mod clone_flags {
    /// Signal sent to the parent when the child exits.
    pub const CSIGNAL: u64 = 0xff;
    pub const CLONE_VM: u64 = 0x100;
    pub const CLONE_FS: u64 = 0x200;
    pub const CLONE_FILES: u64 = 0x400;
    pub const CLONE_SIGHAND: u64 = 0x800;
    pub const CLONE_PIDFD: u64 = 0x1000;
    pub const CLONE_PTRACE: u64 = 0x2000;
    pub const CLONE_VFORK: u64 = 0x4000;
    pub const CLONE_PARENT: u64 = 0x8000;
    pub const CLONE_THREAD: u64 = 0x1_0000;
    pub const CLONE_NEWNS: u64 = 0x2_0000;
    pub const CLONE_SYSVSEM: u64 = 0x4_0000;
    pub const CLONE_SETTLS: u64 = 0x8_0000;
    pub const CLONE_PARENT_SETTID: u64 = 0x10_0000;
    pub const CLONE_CHILD_CLEARTID: u64 = 0x20_0000;
    pub const CLONE_DETACHED: u64 = 0x40_0000;
    pub const CLONE_UNTRACED: u64 = 0x80_0000;
    pub const CLONE_CHILD_SETTID: u64 = 0x100_0000;
    pub const CLONE_NEWCGROUP: u64 = 0x200_0000;
    pub const CLONE_NEWUTS: u64 = 0x400_0000;
    pub const CLONE_NEWIPC: u64 = 0x800_0000;
    pub const CLONE_NEWUSER: u64 = 0x1000_0000;
    pub const CLONE_NEWPID: u64 = 0x2000_0000;
    pub const CLONE_NEWNET: u64 = 0x4000_0000;
    pub const CLONE_IO: u64 = 0x8000_0000;
    /// clone3 only.
    pub const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
    pub const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
}
use clone_flags::*;

/// A new guest thread (or vfork child) for the dispatcher to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadClone {
    /// Clone flags, with the exit signal in the CSIGNAL bits.
    pub flags: u64,
    /// The child's stack pointer (0: the parent's).
    pub stack: u64,
    pub parent_tid: u64,
    pub tls: u64,
    pub child_tid: u64,
}

/// Flags a thread clone may carry.
const THREAD_FLAGS: u64 = CLONE_VM
    | CLONE_FS
    | CLONE_FILES
    | CLONE_SIGHAND
    | CLONE_THREAD
    | CLONE_SYSVSEM
    | CLONE_SETTLS
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_CHILD_SETTID
    | CLONE_DETACHED
    | CLONE_IO;

/// Flags a vfork child may carry.
const VFORK_FLAGS: u64 = CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID;

/// Flags a fork-style clone passes to the host: their meaning for the host child is the
/// meaning for the guest child (ids, namespaces, the fd table and cwd are the host's).
const FORK_FLAGS: u64 = CLONE_FS
    | CLONE_FILES
    | CLONE_PIDFD
    | CLONE_PTRACE
    | CLONE_PARENT
    | CLONE_NEWNS
    | CLONE_SYSVSEM
    | CLONE_PARENT_SETTID
    | CLONE_CHILD_CLEARTID
    | CLONE_UNTRACED
    | CLONE_CHILD_SETTID
    | CLONE_NEWCGROUP
    | CLONE_NEWUTS
    | CLONE_NEWIPC
    | CLONE_NEWUSER
    | CLONE_NEWPID
    | CLONE_NEWNET
    | CLONE_IO
    | CLONE_INTO_CGROUP;

/// clone/clone3's arguments in one form (the kernel's `struct kernel_clone_args`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CloneArgs {
    /// Flags without the exit signal.
    pub flags: u64,
    pub exit_signal: u64,
    /// Where CLONE_PIDFD stores the pidfd.
    pub pidfd: u64,
    pub parent_tid: u64,
    pub child_tid: u64,
    /// The child's initial stack pointer (0: the parent's).
    pub stack: u64,
    pub tls: u64,
    pub set_tid: u64,
    pub set_tid_size: u64,
    pub cgroup: u64,
}

/// `struct clone_args` (include/uapi/linux/sched.h): eleven u64 words, the same on
/// arm64 and x86-64 (the host call takes it too); the first versions are 64 (VER0), 80 (VER1: set_tid) and 88 bytes (VER2: cgroup).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct GuestCloneArgs {
    pub flags: u64,
    pub pidfd: u64,
    pub child_tid: u64,
    pub parent_tid: u64,
    pub exit_signal: u64,
    pub stack: u64,
    pub stack_size: u64,
    pub tls: u64,
    pub set_tid: u64,
    pub set_tid_size: u64,
    pub cgroup: u64,
}
crate::abi::guest_pod!(GuestCloneArgs);

const CLONE_ARGS_SIZE_VER0: u64 = 64;
/// The kernel's MAX_PID_NS_LEVEL.
const MAX_PID_NS_LEVEL: u64 = 32;

/// clone(flags, newsp, parent_tid, tls, child_tid): the arm64 argument order.
pub fn clone(p: &mut Task, a: [u64; 6]) -> SysResult {
    // The legacy call has 32-bit flags (kernel/fork.c: clone takes unsigned long but
    // masks off nothing; bits above 31 are clone3-only and rejected there).
    let flags = a[0] & !CSIGNAL;
    if flags & CLONE_PIDFD != 0 && flags & CLONE_PARENT_SETTID != 0 {
        // Both would write through parent_tid.
        return Err(Errno::EINVAL);
    }
    let args = CloneArgs {
        flags: flags & 0xffff_ffff,
        exit_signal: a[0] & CSIGNAL,
        pidfd: a[2],
        parent_tid: a[2],
        child_tid: a[4],
        stack: a[1],
        tls: a[3],
        ..CloneArgs::default()
    };
    do_clone(p, args)
}

/// clone3(struct clone_args *uargs, size_t size).
pub fn clone3(p: &mut Task, a: [u64; 6]) -> SysResult {
    let args = read_clone_args(a[0], a[1])?;
    do_clone(p, args)
}

/// Reads and checks `struct clone_args` as the kernel's copy_clone_args_from_user and
/// clone3_args_valid do.
fn read_clone_args(addr: u64, size: u64) -> Result<CloneArgs, Errno> {
    let known = std::mem::size_of::<GuestCloneArgs>() as u64;
    if size > 4096 {
        return Err(Errno::E2BIG);
    }
    if size < CLONE_ARGS_SIZE_VER0 {
        return Err(Errno::EINVAL);
    }
    let mut bytes = vec![0u8; size as usize];
    guest_mem::read_bytes(addr, &mut bytes)?;
    // A newer struct than ours is accepted only if its extra bytes are zero.
    if bytes.iter().skip(known as usize).any(|&b| b != 0) {
        return Err(Errno::E2BIG);
    }
    let mut g = GuestCloneArgs::default();
    let n = bytes.len().min(known as usize);
    for (i, word) in bytes[..n].chunks(8).enumerate() {
        let mut w = [0u8; 8];
        w[..word.len()].copy_from_slice(word);
        let v = u64::from_le_bytes(w);
        match i {
            0 => g.flags = v,
            1 => g.pidfd = v,
            2 => g.child_tid = v,
            3 => g.parent_tid = v,
            4 => g.exit_signal = v,
            5 => g.stack = v,
            6 => g.stack_size = v,
            7 => g.tls = v,
            8 => g.set_tid = v,
            9 => g.set_tid_size = v,
            _ => g.cgroup = v,
        }
    }
    let valid_flags = 0xffff_ffff | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP;
    if g.set_tid_size > MAX_PID_NS_LEVEL
        || (g.set_tid == 0 && g.set_tid_size != 0)
        || (g.set_tid != 0 && g.set_tid_size == 0)
        || g.exit_signal & !CSIGNAL != 0
        || g.flags & !valid_flags != 0
        || g.flags & (CSIGNAL | CLONE_DETACHED) != 0
        || (g.flags & CLONE_INTO_CGROUP != 0 && (g.cgroup > i32::MAX as u64 || size < 88))
        || (g.flags & (CLONE_THREAD | CLONE_PARENT) != 0 && g.exit_signal != 0)
        || (g.flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND) == CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)
    {
        return Err(Errno::EINVAL);
    }
    // clone3_stack_valid: a stack comes with its size, and the child starts at its top.
    let stack = match (g.stack, g.stack_size) {
        (0, 0) => 0,
        (0, _) | (_, 0) => return Err(Errno::EINVAL),
        (s, n) => s.checked_add(n).ok_or(Errno::EFAULT)?,
    };
    Ok(CloneArgs {
        flags: g.flags,
        exit_signal: g.exit_signal,
        pidfd: g.pidfd,
        parent_tid: g.parent_tid,
        child_tid: g.child_tid,
        stack,
        tls: g.tls,
        set_tid: g.set_tid,
        set_tid_size: g.set_tid_size,
        cgroup: g.cgroup,
    })
}

/// The kernel's copy_process consistency rules, then the path for these flags.
fn do_clone(p: &mut Task, c: CloneArgs) -> SysResult {
    let f = c.flags;
    let both = |x: u64| f & x == x;
    if both(CLONE_NEWNS | CLONE_FS)
        || both(CLONE_NEWUSER | CLONE_FS)
        || (f & CLONE_THREAD != 0 && f & CLONE_SIGHAND == 0)
        || (f & CLONE_SIGHAND != 0 && f & CLONE_VM == 0)
        || (f & CLONE_PIDFD != 0 && f & CLONE_THREAD != 0)
    {
        return Err(Errno::EINVAL);
    }
    let thread = ThreadClone {
        flags: f | c.exit_signal,
        stack: c.stack,
        parent_tid: c.parent_tid,
        tls: c.tls,
        child_tid: c.child_tid,
    };
    if f & CLONE_THREAD != 0 {
        if f & !THREAD_FLAGS != 0 || c.set_tid_size != 0 {
            return unsupported(p, f);
        }
        return Ok(Outcome::NewThread(thread));
    }
    if f & CLONE_VM != 0 {
        if f & CLONE_VFORK == 0 || f & !VFORK_FLAGS != 0 || c.set_tid_size != 0 {
            return unsupported(p, f);
        }
        return Ok(Outcome::Vfork(thread));
    }
    if f & !(FORK_FLAGS | CLONE_VFORK | CLONE_CLEAR_SIGHAND) != 0 {
        return unsupported(p, f);
    }
    fork(p, c)
}

fn unsupported(p: &Task, f: u64) -> SysResult {
    p.warn_once(
        "clone-flags",
        &format!(
            "emu-user: clone flags {f:#x}: this combination of sharing flags is not supported"
        ),
    );
    Err(Errno::EINVAL)
}

/// A fork-style clone: the host forks the emulator with the same flags (a vfork
/// without CLONE_VM has no memory to share and waits for nothing the host cannot
/// do itself).
fn fork(p: &mut Task, c: CloneArgs) -> SysResult {
    let host = GuestCloneArgs {
        flags: c.flags & (FORK_FLAGS | CLONE_VFORK),
        pidfd: c.pidfd,
        child_tid: c.child_tid,
        parent_tid: c.parent_tid,
        exit_signal: c.exit_signal,
        set_tid: c.set_tid,
        set_tid_size: c.set_tid_size,
        cgroup: c.cgroup,
        ..GuestCloneArgs::default()
    };
    match check_raw(host_clone3(&host))? {
        Outcome::Ret(0) => {
            if c.flags & CLONE_CLEAR_SIGHAND != 0 {
                crate::signal::clear_handlers(p);
            }
            Ok(Outcome::Child {
                sp: (c.stack != 0).then_some(c.stack),
            })
        }
        parent => Ok(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGCHLD: u64 = 17;

    fn process() -> Task {
        Task::new(crate::ProcessInit {
            exe_path: "/nonexistent/guest".into(),
            brk_start: 0x1000_0000,
            argv0: "guest".into(),
            ..Default::default()
        })
    }

    fn clone3_call(p: &mut Task, args: &GuestCloneArgs, size: u64) -> Outcome {
        p.dispatch(
            crate::nr::CLONE3,
            [args as *const _ as u64, size, 0, 0, 0, 0],
        )
    }

    fn err(e: Errno) -> Outcome {
        Outcome::Ret(e.to_ret())
    }

    #[test]
    fn clone_args_layout() {
        crate::abi::assert_layout!(GuestCloneArgs, 88, {
            flags: 0, pidfd: 8, child_tid: 16, parent_tid: 24, exit_signal: 32,
            stack: 40, stack_size: 48, tls: 56, set_tid: 64, set_tid_size: 72, cgroup: 80,
        });
    }

    #[test]
    fn fork_style_clone_runs_the_child_and_reports_its_pid() {
        let mut p = process();
        let mut child_tid = 0u32;
        let ctid = &mut child_tid as *mut u32 as u64;
        let flags = CLONE_CHILD_SETTID | SIGCHLD;
        let out = p.dispatch(crate::nr::CLONE, [flags, 0x1234_0000, 0, 0, ctid, 0]);
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
        assert_eq!(wait_exit(pid as i32), 42);
    }

    fn wait_exit(pid: i32) -> i32 {
        let mut status = 0i32;
        // SAFETY: waits for a child of this test; `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(r, pid);
        assert!(libc::WIFEXITED(status), "status {status:#x}");
        libc::WEXITSTATUS(status)
    }

    #[test]
    fn clone3_fork_with_pidfd_and_a_stack() {
        let mut p = process();
        let mut pidfd = -1i32;
        let mut parent_tid = 0u32;
        let args = GuestCloneArgs {
            flags: CLONE_PIDFD | CLONE_PARENT_SETTID,
            pidfd: &mut pidfd as *mut i32 as u64,
            parent_tid: &mut parent_tid as *mut u32 as u64,
            exit_signal: SIGCHLD,
            stack: 0x5000_0000,
            stack_size: 0x1_0000,
            ..Default::default()
        };
        let out = clone3_call(&mut p, &args, 88);
        if let Outcome::Child { sp } = out {
            // The child starts at the top of the stack it was given.
            let ok = sp == Some(0x5001_0000);
            // SAFETY: ends the forked child at once.
            unsafe { libc::_exit(if ok { 7 } else { 1 }) };
        }
        let Outcome::Ret(pid) = out else {
            panic!("{out:?}")
        };
        assert!((pid as i64) > 0, "clone3 failed: {}", pid as i64);
        assert_eq!(parent_tid, pid as u32);
        assert!(pidfd >= 0);
        // SAFETY: closing the pidfd the call returned.
        unsafe { libc::close(pidfd) };
        assert_eq!(wait_exit(pid as i32), 7);
    }

    #[test]
    fn clone3_threads_and_vforks_go_to_the_dispatcher() {
        let mut p = process();
        // glibc's pthread_create through clone3: stack + size, no exit signal.
        let args = GuestCloneArgs {
            flags: 0x3d0f00,
            parent_tid: 8,
            child_tid: 10,
            stack: 0x1000,
            stack_size: 0x1000,
            tls: 9,
            ..Default::default()
        };
        assert_eq!(
            clone3_call(&mut p, &args, 64),
            Outcome::NewThread(ThreadClone {
                flags: 0x3d0f00,
                stack: 0x2000,
                parent_tid: 8,
                tls: 9,
                child_tid: 10
            })
        );
        // posix_spawn: VM | VFORK with SIGCHLD.
        let args = GuestCloneArgs {
            flags: CLONE_VM | CLONE_VFORK,
            exit_signal: SIGCHLD,
            stack: 0x1000,
            stack_size: 0x8000,
            ..Default::default()
        };
        assert_eq!(
            clone3_call(&mut p, &args, 88),
            Outcome::Vfork(ThreadClone {
                flags: CLONE_VM | CLONE_VFORK | SIGCHLD,
                stack: 0x9000,
                parent_tid: 0,
                tls: 0,
                child_tid: 0
            })
        );
    }

    #[test]
    fn clone3_checks_its_arguments_as_the_kernel_does() {
        let mut p = process();
        let base = GuestCloneArgs {
            exit_signal: SIGCHLD,
            ..Default::default()
        };
        assert_eq!(clone3_call(&mut p, &base, 56), err(Errno::EINVAL));
        assert_eq!(clone3_call(&mut p, &base, 8192), err(Errno::E2BIG));
        // A larger struct with non-zero bytes past the known fields.
        let mut big = [0u64; 12];
        big[4] = SIGCHLD;
        big[11] = 1;
        let out = p.dispatch(crate::nr::CLONE3, [big.as_ptr() as u64, 96, 0, 0, 0, 0]);
        assert_eq!(out, err(Errno::E2BIG));
        let bad = [
            GuestCloneArgs {
                exit_signal: 0x100,
                ..base
            },
            GuestCloneArgs {
                flags: SIGCHLD,
                ..base
            },
            GuestCloneArgs {
                stack: 0x1000,
                ..base
            },
            GuestCloneArgs {
                stack_size: 0x1000,
                ..base
            },
            GuestCloneArgs {
                set_tid_size: 1,
                ..base
            },
            GuestCloneArgs {
                flags: CLONE_THREAD | CLONE_SIGHAND | CLONE_VM,
                ..base
            },
            GuestCloneArgs {
                flags: CLONE_SIGHAND,
                exit_signal: 0,
                ..base
            },
            GuestCloneArgs {
                flags: 1 << 40,
                ..base
            },
        ];
        for a in bad {
            assert_eq!(clone3_call(&mut p, &a, 88), err(Errno::EINVAL), "{a:?}");
        }
        let out = p.dispatch(crate::nr::CLONE3, [8, 88, 0, 0, 0, 0]);
        assert_eq!(out, err(Errno::EFAULT));
    }

    #[test]
    fn legacy_clone_rules() {
        let mut p = process();
        // glibc's pthread_create flags.
        let out = p.dispatch(crate::nr::CLONE, [0x3d0f00, 0x1000, 8, 9, 10, 0]);
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
        // CLONE_THREAD without CLONE_SIGHAND, CLONE_PIDFD with CLONE_PARENT_SETTID.
        let out = p.dispatch(crate::nr::CLONE, [0x10100, 0x1000, 0, 0, 0, 0]);
        assert_eq!(out, err(Errno::EINVAL));
        let f = CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD;
        assert_eq!(
            p.dispatch(crate::nr::CLONE, [f, 0, 0, 0, 0, 0]),
            err(Errno::EINVAL)
        );
        // Shared memory without a thread or vfork is not supported.
        let f = CLONE_VM | SIGCHLD;
        assert_eq!(
            p.dispatch(crate::nr::CLONE, [f, 0, 0, 0, 0, 0]),
            err(Errno::EINVAL)
        );
    }
}
