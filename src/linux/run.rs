//! The user-mode run loop: the guest thread runs translated code until it
//! traps; syscalls go to the syscall layer, traps become guest signals.

use super::host_signals::{self, die_by_signal};
use super::loader::{LoadOptions, Loaded, DEFAULT_SYSROOT};
use super::{signal_frame, thread};
use crate::arm64::cpu_model::Cpu;
use crate::cpu::state::{ALIGN_DATA, ALIGN_WRITE};
use crate::cpu::{CpuState, ExitReason, SP};
use crate::jit::log::{Log, LogItems};
use crate::jit::{tbi, Jit};
use emu_syscalls::abi::signal::{
    sig_bit, Siginfo, BUS_ADRALN, ILL_ILLOPC, SA_EXPOSE_TAGBITS, SA_RESTART, SEGV_ACCERR,
    SEGV_MAPERR, SIG_DFL, SIG_IGN, TRAP_BRKPT,
};
use emu_syscalls::clone::clone_flags::CLONE_THREAD;
use emu_syscalls::spec_ctrl::SsbCtrl;
use emu_syscalls::{Outcome, ProcessInit, Task};
use std::path::{Path, PathBuf};

/// Run-time options that do not affect loading.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Translation logging items (`-d`).
    pub log: LogItems,
    /// Log and trace file (`-D`); stderr when `None`.
    pub log_file: Option<PathBuf>,
    /// Trace each syscall as strace(1) does, to stderr or the `-D` file (`--strace`).
    pub strace: bool,
    /// The trace descriptor an exec'd program inherits (`--strace-fd`).
    pub strace_fd: Option<i32>,
    /// Prefix trace lines with `[pid TID]` from the start (`--strace-pids`).
    pub strace_pids: bool,
    /// Print translation and dispatch counters on stderr at exit (`--stats`).
    pub stats: bool,
    /// The CPU model (`-cpu`): what the guest reads and executes.
    pub cpu: Cpu,
    /// Wait for gdb on this TCP port before the first instruction (`-g`; 0: any
    /// free port).
    pub gdb_port: Option<u16>,
    /// Instrumentation plugins to load, `FILE[,key=value...]` each (`-plugin`).
    pub plugins: Vec<String>,
    /// The Spectre-v4 mitigation state the program starts with (what the execve
    /// that started it kept: `--spec-store-bypass`).
    pub ssb: SsbCtrl,
}

/// Runs the loaded guest program to completion; never returns.
pub fn run(loaded: Loaded, opts: &LoadOptions, ropts: &RunOptions) -> ! {
    let mut jit = match Jit::new() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("emu-user: cannot map the code cache: {e}");
            std::process::exit(1);
        }
    };
    jit.set_cpu(ropts.cpu);
    jit.interpret_first_runs(true);
    if ropts.stats {
        jit.time_translation();
    }
    // The -d log and the trace share the -D file: emptied once, then both append (an
    // emulator exec'd by a traced guest writes on where the first one left off).
    let writes_log = ropts.strace || ropts.log != LogItems::default();
    let first = ropts.strace_fd.is_none();
    if let Some(file) = ropts.log_file.as_ref().filter(|_| writes_log && first) {
        if let Err(e) = std::fs::File::create(file) {
            eprintln!("emu-user: cannot open log file {}: {e}", file.display());
            std::process::exit(1);
        }
    }
    if ropts.strace {
        start_strace(ropts.strace_fd, ropts.log_file.as_deref());
        if ropts.strace_pids {
            emu_syscalls::strace::output::set_multi();
        }
    }
    if ropts.log != LogItems::default() {
        match Log::new(ropts.log.clone(), ropts.log_file.as_deref()) {
            Ok(log) => jit.set_log(log),
            Err(e) => {
                let file = ropts.log_file.as_deref().unwrap_or(Path::new("-"));
                eprintln!("emu-user: cannot open log file {}: {e}", file.display());
                std::process::exit(1);
            }
        }
    }
    // The region lives as long as the process: leak one reference.
    let region: &'static crate::jit::code_cache::Region = Box::leak(Box::new(jit.region().clone()));
    host_signals::set_region(region);
    host_signals::install();
    // After the fault handlers: a plugin crashing in its install function
    // is reported as such.
    if let Err(msg) = crate::plugin::load_all(&ropts.plugins, &opts.path.to_string_lossy()) {
        eprintln!("emu-user: {msg}");
        std::process::exit(1);
    }

    let mut cpu = CpuState {
        pc: loaded.entry,
        pstate: ropts.cpu.initial_pstate(),
        ..CpuState::default()
    };
    set_pstate_ssbs(&mut cpu, &ropts.cpu, ropts.ssb.pstate_ssbs());
    cpu.x[SP] = loaded.sp;
    let argv0 = opts
        .argv
        .first()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The guest's own file opens see the sysroot too, so its dynamic linker
    // finds the libraries the sysroot holds.
    let sysroot = opts.sysroot.clone().or_else(|| {
        let d = Path::new(DEFAULT_SYSROOT);
        d.is_dir().then(|| d.to_path_buf())
    });
    let mut exec_prefix = exec_prefix(sysroot.as_deref(), ropts.strace, &ropts.cpu);
    exec_prefix.extend(crate::plugin::exec_args(&ropts.plugins));
    let (cmdline, auxv) = initial_stack_files(loaded.sp);
    let sigtramp = loaded.sigreturn;
    if loaded.vdso != 0 {
        for (pc, f) in super::vdso::routines(loaded.vdso) {
            jit.add_routine(pc, f);
        }
    }
    let mut task = Task::new_inherited(ProcessInit {
        cmdline,
        auxv,
        view: super::proc_view::proc_view(&loaded, &opts.path, &ropts.cpu),
        exe_path: loaded.exe_path.clone(),
        brk_start: loaded.brk_start,
        argv0,
        sysroot,
        strace: ropts.strace,
        exec_prefix,
    });
    task.ssb = ropts.ssb;
    if let Some(port) = ropts.gdb_port {
        if let Err(e) = crate::gdb::start(port, &jit, task.proc.clone()) {
            eprintln!("emu-user: {e}");
            std::process::exit(1);
        }
    }
    // Returns only if other threads run on: end this one alone.
    let code = run_thread(cpu, jit, task, sigtramp, ropts.stats);
    thread::exit_main_thread(code)
}

/// Sends the syscall trace to the descriptor inherited from the emulator that exec'd
/// this one, or to `file` (appending), or to stderr.
fn start_strace(inherited: Option<i32>, file: Option<&Path>) {
    use emu_syscalls::strace::output;
    use std::os::fd::AsRawFd;
    let ok = match (inherited, file) {
        (Some(fd), _) => output::adopt(fd),
        (None, Some(f)) => std::fs::OpenOptions::new()
            .append(true)
            .open(f)
            .is_ok_and(|out| output::set_output(out.as_raw_fd())),
        (None, None) => output::set_output(libc::STDERR_FILENO),
    };
    if !ok {
        eprintln!("emu-user: cannot open the --strace output");
        std::process::exit(1);
    }
}

/// The guest's /proc/self/cmdline and /proc/self/auxv, read from its initial stack
/// (argc, argv pointers, NULL, envp pointers, NULL, auxv pairs up to AT_NULL).
fn initial_stack_files(sp: u64) -> (Vec<u8>, Vec<u8>) {
    use emu_syscalls::guest_mem::{read_cstr, read_val};
    let word = |a: u64| read_val::<u64>(a).unwrap_or(0);
    let argc = word(sp);
    let mut cmdline = Vec::new();
    for i in 0..argc {
        if let Ok(s) = read_cstr(word(sp + 8 * (1 + i)), 128 * 1024) {
            cmdline.extend(s);
            cmdline.push(0);
        }
    }
    let mut at = sp + 8 * (argc + 2);
    while word(at) != 0 {
        at += 8;
    }
    at += 8;
    let mut auxv = Vec::new();
    loop {
        let (k, v) = (word(at), word(at + 8));
        auxv.extend(k.to_le_bytes());
        auxv.extend(v.to_le_bytes());
        if k == 0 {
            break;
        }
        at += 16;
    }
    (cmdline, auxv)
}

/// What a guest thread's signal paths need besides its state.
struct ThreadCx {
    /// The signal return trampoline.
    sigtramp: u64,
    /// The debugger's hold on this thread, if one debugs the process.
    dbg: Option<crate::gdb::ThreadHandle>,
}

/// One guest thread: runs until it exits, and returns its exit status if it was not
/// the last thread (the last one ends the process).
fn run_thread(mut cpu: CpuState, mut jit: Jit, mut task: Task, sigtramp: u64, stats: bool) -> i32 {
    host_signals::register_thread(&task.pending, jit.interrupt_word());
    let mask = task.sigmask;
    task.set_sigmask(mask);
    let mut cx = ThreadCx {
        sigtramp,
        dbg: crate::gdb::attach_thread(&jit),
    };
    crate::plugin::thread_start();
    loop {
        deliver_pending(&mut cpu, &mut task, &cx);
        let exit = match &cx.dbg {
            Some(d) => d.run(&mut jit, &mut cpu),
            None => jit.run_past_breakpoints(&mut cpu),
        };
        if stats && !matches!(exit, ExitReason::Svc | ExitReason::Interrupt) {
            print_stats(&jit);
        }
        match exit {
            ExitReason::Svc => {
                jit.count_syscall();
                if let Some(d) = &cx.dbg {
                    d.enter_syscall(&cpu);
                }
                let nr = cpu.x[8];
                let args = [cpu.x[0], cpu.x[1], cpu.x[2], cpu.x[3], cpu.x[4], cpu.x[5]];
                task.guest_sp = cpu.x[SP];
                crate::plugin::syscall_entry(nr, &args);
                // clone3's flags are in guest memory: every clone3 takes the lock (a thread
                // or vfork child starts only after it is released).
                let forks = nr == emu_syscalls::nr::CLONE3
                    || nr == emu_syscalls::nr::CLONE && args[0] & CLONE_THREAD == 0;
                let out = if forks {
                    // A fork: the child must not inherit the translator lock held by
                    // a thread it does not have.
                    let mut guard = jit.fork_guard();
                    let out = task.dispatch(nr, args);
                    let child = matches!(out, Outcome::Child { .. });
                    if child {
                        guard.after_fork_child(&jit);
                        task.proc.forked_child();
                    }
                    drop(guard);
                    if child {
                        // No debugger follows the child.
                        cx.dbg = None;
                        crate::gdb::forked_child(&jit);
                    }
                    out
                } else {
                    task.dispatch(nr, args)
                };
                if let Some(ssbs) = task.pstate_ssbs.take() {
                    set_pstate_ssbs(&mut cpu, &jit.cpu(), ssbs);
                }
                // What the syscall returned (a restarted one its -EINTR); for the
                // clones and sigreturn, the x0 set below.
                let ret = match &out {
                    Outcome::Ret(v) => Some(*v),
                    _ => None,
                };
                match out {
                    Outcome::Ret(v) => {
                        if v == EINTR_RET && task.pending.is_fresh() && restart_on_signal(&task, nr)
                        {
                            cpu.pc -= 4;
                        } else {
                            cpu.x[0] = v;
                        }
                    }
                    Outcome::Exit(code) => {
                        // strace -f reports each thread's end.
                        emu_syscalls::strace::exited(code);
                        if task.proc.thread_exited() {
                            if stats {
                                print_stats(&jit);
                            }
                            crate::gdb::process_exits(code);
                            exit_now(code)
                        }
                        crate::plugin::thread_exit();
                        return code;
                    }
                    Outcome::ExitGroup(code) => {
                        emu_syscalls::strace::exited(code);
                        if stats {
                            print_stats(&jit);
                        }
                        crate::gdb::process_exits(code);
                        exit_now(code)
                    }
                    Outcome::Child { sp } => {
                        cpu.x[0] = 0;
                        if let Some(sp) = sp {
                            cpu.x[SP] = sp;
                        }
                    }
                    Outcome::SigReturn => {
                        let mask = jit.cpu().pstate_mask();
                        if !signal_frame::restore(&mut cpu, &mut task, mask) {
                            force_fault(&mut cpu, &mut task, &cx, libc::SIGSEGV, 0, 0, None);
                        }
                    }
                    Outcome::Vfork(tc) => {
                        cpu.x[0] =
                            thread::vfork(&cpu, &jit, &task, tc, sigtramp, stats, run_thread);
                        task.trace_clone_result(cpu.x[0]);
                    }
                    Outcome::NewThread(tc) => {
                        cpu.x[0] =
                            thread::spawn(&cpu, &jit, &task, tc, sigtramp, stats, run_thread);
                        task.trace_clone_result(cpu.x[0]);
                    }
                }
                crate::plugin::syscall_exit(nr, ret.unwrap_or(cpu.x[0]));
                for (s, e) in task.code_changed.drain(..) {
                    jit.invalidate(s, e);
                }
                if let Some(d) = &cx.dbg {
                    d.leave_syscall();
                }
            }
            ExitReason::Interrupt => {}
            ExitReason::Fault => {
                let f = cpu.fault;
                let sig = (f & 0xff) as i32;
                let code = ((f >> 8) & 0xff) as i32;
                let esr = fault_esr(sig, code, f & host_signals::FAULT_WRITE != 0);
                let addr = cpu.exit_arg;
                force_fault(&mut cpu, &mut task, &cx, sig, code, addr, Some(esr));
            }
            ExitReason::Brk => {
                let esr = (0x3c << 26) | (1 << 25) | (cpu.exit_arg & 0xffff);
                let pc = cpu.pc;
                force_fault(
                    &mut cpu,
                    &mut task,
                    &cx,
                    libc::SIGTRAP,
                    TRAP_BRKPT,
                    pc,
                    Some(esr),
                );
            }
            ExitReason::Udf | ExitReason::Hlt => {
                report_undefined(cpu.exit_arg as u32, cpu.pc, &jit.cpu());
                let pc = cpu.pc;
                force_fault(
                    &mut cpu,
                    &mut task,
                    &cx,
                    libc::SIGILL,
                    ILL_ILLOPC,
                    pc,
                    Some(1 << 25),
                );
            }
            ExitReason::FetchFault => {
                let pc = cpu.pc;
                let esr = (0x20 << 26) | (1 << 25) | 0x07;
                force_fault(
                    &mut cpu,
                    &mut task,
                    &cx,
                    libc::SIGSEGV,
                    SEGV_MAPERR,
                    pc,
                    Some(esr),
                );
            }
            ExitReason::Alignment => {
                let addr = cpu.exit_arg;
                let esr = alignment_esr(cpu.fault);
                force_fault(
                    &mut cpu,
                    &mut task,
                    &cx,
                    libc::SIGBUS,
                    BUS_ADRALN,
                    addr,
                    Some(esr),
                );
            }
            ExitReason::Lookup
            | ExitReason::Invalidate
            | ExitReason::Debug
            | ExitReason::Promote => {
                unreachable!("handled by the dispatcher")
            }
        }
    }
}

/// `-EINTR` as a syscall result.
const EINTR_RET: u64 = -(libc::EINTR as i64) as u64;

/// Whether a syscall interrupted by a signal the host handler recorded is restarted:
/// the signal is one the thread blocks (the kernel would not have interrupted it), or
/// its handler asked for SA_RESTART and the call is one the kernel restarts (man 7
/// signal: never the waits with timeouts or for signals, nor a socket call waiting with
/// SO_RCVTIMEO/SO_SNDTIMEO, which its handler flags in `Task::no_restart`).
fn restart_on_signal(task: &Task, nr: u64) -> bool {
    use emu_syscalls::nr::*;
    const NEVER: &[u64] = &[
        RT_SIGSUSPEND,
        RT_SIGTIMEDWAIT,
        NANOSLEEP,
        CLOCK_NANOSLEEP,
        PPOLL,
        PSELECT6,
        EPOLL_PWAIT,
        EPOLL_PWAIT2,
        IO_GETEVENTS,
        IO_PGETEVENTS,
        SEMOP,
        SEMTIMEDOP,
        MSGSND,
        MSGRCV,
    ];
    let ready = task.pending.bits() & !task.sigmask;
    if ready == 0 {
        return true;
    }
    if task.no_restart || NEVER.contains(&nr) {
        return false;
    }
    let sig = ready.trailing_zeros() + 1;
    task.proc.sigaction(sig).flags & SA_RESTART != 0
}

/// Delivers every pending signal the thread does not block (those a debugger
/// lets through).
fn deliver_pending(cpu: &mut CpuState, task: &mut Task, cx: &ThreadCx) {
    if !task.pending.is_fresh() && task.pending.bits() & !task.sigmask == 0 {
        return;
    }
    task.pending.clear_fresh();
    while let Some(info) = task.pending.take(task.sigmask) {
        let sig = info.signo as u32;
        if cx.dbg.as_ref().is_some_and(|d| !d.signal(cpu, sig as i32)) {
            continue;
        }
        emu_syscalls::strace::signal(&info);
        let act = task.proc.sigaction(sig);
        match act.handler {
            SIG_IGN => {}
            SIG_DFL => default_action(sig as i32),
            _ => {
                if !signal_frame::setup(cpu, task, &info, &act, None, cx.sigtramp) {
                    force_fault(cpu, task, cx, libc::SIGSEGV, 0, 0, None);
                }
            }
        }
    }
    // The host handler left every signal blocked; back to the guest's mask.
    let mask = task.sigmask;
    task.set_sigmask(mask);
}

/// The default action of a signal that reached the dispatcher with no guest handler.
fn default_action(sig: i32) {
    match sig {
        libc::SIGCHLD | libc::SIGCONT | libc::SIGURG | libc::SIGWINCH => {}
        _ => {
            crate::plugin::process_exit(-sig);
            die(sig)
        }
    }
}

/// Ends the process by signal `sig`, after telling the debugger.
fn die(sig: i32) -> ! {
    crate::gdb::process_killed(sig);
    die_by_signal(sig)
}

/// A synchronous signal from the guest's own instruction (force_sig_fault): to the
/// guest's handler if it has one and does not block it, else the default action.
fn force_fault(
    cpu: &mut CpuState,
    task: &mut Task,
    cx: &ThreadCx,
    sig: i32,
    code: i32,
    addr: u64,
    esr: Option<u64>,
) {
    // A debugger that does not pass the signal leaves the thread at the
    // instruction, which runs again.
    if cx.dbg.as_ref().is_some_and(|d| !d.signal(cpu, sig)) {
        return;
    }
    let act = task.proc.sigaction(sig as u32);
    let blocked = task.sigmask & sig_bit(sig as u32) != 0;
    // The kernel drops the address tag unless the handler asked for it
    // (arch_untagged_si_addr); a breakpoint's address is kept whole.
    let keep = act.flags & SA_EXPOSE_TAGBITS != 0 || (sig, code) == (libc::SIGTRAP, TRAP_BRKPT);
    let addr = if keep { addr } else { tbi::untagged(addr) };
    let info = Siginfo::fault(sig as u32, code, addr);
    emu_syscalls::strace::signal(&info);
    if act.handler > SIG_IGN
        && !blocked
        && signal_frame::setup(cpu, task, &info, &act, esr, cx.sigtramp)
    {
        return;
    }
    crate::plugin::process_exit(-sig);
    die(sig)
}

/// The ESR_EL1 of an alignment fault ([`ExitReason::Alignment`] with its
/// `fault` bits). The kernel passes a user fault's ESR through unchanged
/// (set_thread_esr) and sends SIGBUS/BUS_ADRALN for both: a misaligned PC is
/// EC 0x22 (PC alignment fault), a misaligned data access a data abort from
/// EL0 (EC 0x24) with DFSC 0b100001 (alignment fault), WnR for writes and
/// ISV = 0 (no instruction syndrome for exclusives, ordered accesses and
/// atomics), so IL = 1.
fn alignment_esr(what: u64) -> u64 {
    if what & ALIGN_DATA == 0 {
        return (0x22 << 26) | (1 << 25);
    }
    const EC_DABT_LOW: u64 = 0x24;
    const FSC_ALIGN: u64 = 0x21;
    let wnr = if what & ALIGN_WRITE != 0 { 1 << 6 } else { 0 };
    (EC_DABT_LOW << 26) | (1 << 25) | wnr | FSC_ALIGN
}

/// The ESR_EL1 value the kernel reports for a data abort from EL0.
fn fault_esr(sig: i32, code: i32, write: bool) -> u64 {
    const EC_DABT_LOW: u64 = 0x24;
    let fsc = match (sig, code) {
        (libc::SIGSEGV, SEGV_ACCERR) => 0x0f, // permission fault, level 3
        (libc::SIGBUS, _) => 0x10,            // synchronous external abort
        _ => 0x07,                            // translation fault, level 3
    };
    (EC_DABT_LOW << 26) | (1 << 25) | if write { 1 << 6 } else { 0 } | fsc
}

/// Sets PSTATE.SSBS as the kernel returns to the thread (RES0 on a CPU without
/// FEAT_SSBS: unchanged there).
fn set_pstate_ssbs(cpu: &mut CpuState, model: &Cpu, ssbs: bool) {
    let bit = model.pstate_mask() & crate::arm64::sysreg::PSTATE_SSBS;
    if ssbs {
        cpu.pstate |= bit;
    } else {
        cpu.pstate &= !bit;
    }
}

/// The host command line that runs another guest program the way this one runs (used by
/// the guest's execve): this emulator with the same sysroot, strace setting and CPU
/// model (the guest's execve passes the trace descriptor on: see emu_syscalls::exec);
/// the caller adds the plugins.
fn exec_prefix(sysroot: Option<&Path>, strace: bool, cpu: &Cpu) -> Vec<std::ffi::OsString> {
    let Ok(emu) = std::env::current_exe() else {
        return Vec::new();
    };
    let mut v = vec![emu.into_os_string()];
    if let Some(root) = sysroot {
        v.push("-L".into());
        // Absolute: the guest may have changed directory before it execs.
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        v.push(root.into_os_string());
    }
    if strace {
        v.push("--strace".into());
    }
    if *cpu != Cpu::MAX {
        v.push(format!("--cpu={}", cpu.spec()).into());
    }
    v
}

/// The `--stats` summary.
fn print_stats(jit: &Jit) {
    let s = jit.stats();
    let ms = s.translate_ns as f64 / 1e6;
    let rate = s.guest_insns_translated as f64 / (s.translate_ns.max(1) as f64 / 1e9);
    eprintln!(
        "emu-user: stats: {} blocks translated ({} guest instructions into {} KiB of host code in {ms:.1} ms: {:.2} M guest instructions/s), {} of them hot blocks translated again at the full tier ({} as superblocks), {} links, {} dispatches, {} code-cache flushes, {} syscalls, {} first runs of blocks interpreted",
        s.blocks_translated,
        s.guest_insns_translated,
        s.host_code_bytes.div_ceil(1024),
        rate / 1e6,
        s.blocks_promoted,
        s.superblocks,
        s.links,
        s.dispatches,
        jit.flushes(),
        s.syscalls,
        s.blocks_interpreted
    );
}

/// Ends the process with the guest's exit status.
fn exit_now(code: i32) -> ! {
    crate::plugin::process_exit(code & 0xff);
    // SAFETY: _exit ends the process immediately; the guest's buffers were
    // flushed by the guest itself, and emu has no state that must be saved.
    unsafe { libc::_exit(code & 0xff) }
}

/// Prints the one-line message for an instruction emu cannot execute, or
/// that belongs to a feature the CPU model lacks.
fn report_undefined(word: u32, pc: u64, model: &Cpu) {
    let Some(f) = crate::arm64::decode(word) else {
        eprintln!("emu-user: undefined or unimplemented instruction 0x{word:08x} at pc 0x{pc:x}, raising SIGILL");
        return;
    };
    let name = f.entry.name();
    match model.missing_feature(f.entry.insn, word) {
        Some(ft) => {
            let ft = &crate::arm64::features::FEATURES[ft as usize];
            eprintln!(
                "emu-user: instruction 0x{word:08x} ({name}) at pc 0x{pc:x} needs {} ({}), which CPU {} lacks: raising SIGILL",
                ft.name,
                ft.arm,
                model.spec()
            );
        }
        None => eprintln!("emu-user: undefined or unimplemented instruction 0x{word:08x} ({name}) at pc 0x{pc:x}, raising SIGILL"),
    }
}
