//! Guest threads: clone with CLONE_THREAD starts a host thread running its own
//! dispatcher loop on its own CpuState, sharing the translator and the process.

use crate::cpu::{CpuState, SP};
use crate::jit::Jit;
use emu_syscalls::clone::clone_flags::{
    CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_PARENT_SETTID, CLONE_SETTLS,
};
use emu_syscalls::clone::ThreadClone;
use emu_syscalls::{guest_mem, Task};

/// Host stack of a guest thread's dispatcher (translator, syscall layer).
const HOST_STACK: usize = 4 << 20;

/// The loop a thread runs: CpuState, its translator handle, its task, the signal
/// return trampoline, `--stats`; returns the thread's exit status.
pub type ThreadMain = fn(CpuState, Jit, Task, u64, bool) -> i32;

/// Starts the guest thread `tc` describes, a child of the thread in `cpu`/`task`;
/// returns the value for the parent's x0 (the child's tid or -errno).
pub fn spawn(
    cpu: &CpuState,
    jit: &Jit,
    task: &Task,
    tc: ThreadClone,
    sigtramp: u64,
    stats: bool,
    main: ThreadMain,
) -> u64 {
    let mut child = child_cpu(cpu, &tc);
    if tc.flags & CLONE_SETTLS != 0 {
        child.tpidr_el0 = tc.tls;
    }
    let child_jit = jit.new_thread();
    let mut child_task = task.new_thread();
    if tc.flags & CLONE_CHILD_CLEARTID != 0 {
        child_task.clear_child_tid = tc.child_tid;
    }
    task.proc.thread_started();
    // The new host thread starts with every signal blocked and takes its guest mask
    // once it runs.
    let old = emu_syscalls::signal::block_all_host();
    let (tx, rx) = std::sync::mpsc::channel();
    let r = std::thread::Builder::new()
        .stack_size(HOST_STACK)
        .spawn(move || {
            // SAFETY: gettid has no preconditions.
            let tid = unsafe { libc::gettid() } as u32;
            // The kernel stores both before either thread runs on.
            if tc.flags & CLONE_PARENT_SETTID != 0 {
                let _ = guest_mem::write_val(tc.parent_tid, &tid);
            }
            if tc.flags & CLONE_CHILD_SETTID != 0 {
                let _ = guest_mem::write_val(tc.child_tid, &tid);
            }
            let _ = tx.send(tid);
            crate::linux::host_signals::install_thread_altstack();
            main(child, child_jit, child_task, sigtramp, stats);
            // The guest thread is gone (its tid word cleared by the exit syscall).
            // Returning lets the thread library free this host thread's stack and
            // thread-locals; with every host signal blocked first, no handler runs
            // on it while they are torn down (the kernel picks another thread for
            // process-wide signals).
            emu_syscalls::signal::block_all_host();
        });
    emu_syscalls::signal::restore_host_mask(old);
    match r {
        Ok(_) => match rx.recv() {
            Ok(tid) => tid as u64,
            Err(_) => (-(libc::EAGAIN as i64)) as u64,
        },
        Err(_) => {
            task.proc.thread_exited();
            (-(libc::EAGAIN as i64)) as u64
        }
    }
}

/// The child's registers after clone: x0 = 0, the new stack if one was given, no
/// exclusive reservation.
fn child_cpu(cpu: &CpuState, tc: &ThreadClone) -> CpuState {
    let mut child = cpu.clone();
    child.x[0] = 0;
    if tc.stack != 0 {
        child.x[SP] = tc.stack;
    }
    child.excl_addr = u64::MAX;
    child
}

/// Ends the main host thread while other guest threads run on.
pub fn exit_main_thread(code: i32) -> ! {
    emu_syscalls::exit_this_thread(code)
}

/// Host stack of a vfork child's dispatcher.
const VFORK_STACK: usize = 8 << 20;

struct VforkChild {
    cpu: CpuState,
    jit: Jit,
    task: Task,
    sigtramp: u64,
    stats: bool,
    main: ThreadMain,
}

extern "C" fn vfork_child(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the box `vfork` leaked for this child, used only here.
    let c = unsafe { Box::from_raw(arg as *mut VforkChild) };
    // The child is a process of its own: its last (only) thread ends it, so this
    // returns only if the loop does.
    (c.main)(c.cpu, c.jit, c.task, c.sigtramp, c.stats)
}

/// vfork (clone with CLONE_VM | CLONE_VFORK): the child runs in this very address
/// space, on a host stack of its own, while the calling thread waits until it execs
/// or exits, as the kernel does; so a posix_spawn child's exec error lands in the
/// parent's memory. Returns the parent's x0 (the child's pid or -errno).
pub fn vfork(
    cpu: &CpuState,
    jit: &Jit,
    task: &Task,
    tc: ThreadClone,
    sigtramp: u64,
    stats: bool,
    main: ThreadMain,
) -> u64 {
    let child = Box::new(VforkChild {
        cpu: child_cpu(cpu, &tc),
        jit: jit.new_thread(),
        task: task.vfork_child(),
        sigtramp,
        stats,
        main,
    });
    // SAFETY: a fresh anonymous mapping for the child's host stack, checked.
    let stack = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            VFORK_STACK,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        )
    };
    if stack == libc::MAP_FAILED {
        return (-(libc::ENOMEM as i64)) as u64;
    }
    let flags = libc::CLONE_VM | libc::CLONE_VFORK | (tc.flags & 0xff) as i32;
    let arg = Box::into_raw(child) as *mut libc::c_void;
    // SAFETY: the child runs `vfork_child` on its own stack in this address space
    // while this thread is suspended by the kernel until the child execs or exits;
    // the stack top is 16-byte aligned.
    let pid = unsafe {
        libc::clone(
            vfork_child,
            (stack as *mut u8).add(VFORK_STACK) as *mut libc::c_void,
            flags,
            arg,
        )
    };
    let err = std::io::Error::last_os_error();
    // The child shared this thread's thread-local storage: register ours again.
    crate::linux::host_signals::register_thread(&task.pending, jit.interrupt_word());
    // SAFETY: the child no longer runs on it (it has exec'd or exited).
    unsafe { libc::munmap(stack, VFORK_STACK) };
    if pid < 0 {
        // SAFETY: the child never ran, so the box is still ours.
        drop(unsafe { Box::from_raw(arg as *mut VforkChild) });
        return (-(err.raw_os_error().unwrap_or(libc::EAGAIN) as i64)) as u64;
    }
    if tc.flags & CLONE_PARENT_SETTID != 0 {
        let _ = guest_mem::write_val(tc.parent_tid, &(pid as u32));
    }
    pid as u64
}
