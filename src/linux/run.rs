//! The user-mode run loop: the guest thread runs translated code until it
//! traps; syscalls go to the syscall layer, traps become guest signals.

use super::host_signals::{self, die_by_signal};
use super::loader::{LoadOptions, Loaded, DEFAULT_SYSROOT};
use crate::cpu::{CpuState, ExitReason, SP};
use crate::jit::log::{Log, LogItems};
use crate::jit::Jit;
use emu_syscalls::{Outcome, Process, ProcessInit};
use std::path::{Path, PathBuf};

/// Run-time options that do not affect loading.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Translation logging items (`-d`).
    pub log: LogItems,
    /// Log file (`-D`); stderr when `None`.
    pub log_file: Option<PathBuf>,
    /// Print each syscall on stderr (`--strace`).
    pub strace: bool,
    /// Print translation and dispatch counters on stderr at exit (`--stats`).
    pub stats: bool,
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
    let (start, end) = jit.region().range();
    host_signals::set_code_range(start, end);
    host_signals::install();

    let mut cpu = CpuState {
        pc: loaded.entry,
        ..CpuState::default()
    };
    cpu.x[SP] = loaded.sp;
    let argv0 = opts
        .argv
        .first()
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut process = Process::new(ProcessInit {
        exe_path: loaded.exe_path.clone(),
        brk_start: loaded.brk_start,
        argv0,
    });
    // The guest's own file opens see the sysroot too, so its dynamic linker
    // finds the libraries the sysroot holds.
    process.sysroot = opts.sysroot.clone().or_else(|| {
        let d = Path::new(DEFAULT_SYSROOT);
        d.is_dir().then(|| d.to_path_buf())
    });
    process.strace = ropts.strace;
    process.exec_prefix = exec_prefix(process.sysroot.as_deref(), ropts.strace);

    let mut syscalls = 0u64;
    loop {
        let exit = jit.run(&mut cpu);
        if ropts.stats && !matches!(exit, ExitReason::Svc | ExitReason::Interrupt) {
            print_stats(&jit, syscalls);
        }
        match exit {
            ExitReason::Svc => {
                syscalls += 1;
                let nr = cpu.x[8];
                let args = [cpu.x[0], cpu.x[1], cpu.x[2], cpu.x[3], cpu.x[4], cpu.x[5]];
                match process.dispatch(nr, args) {
                    Outcome::Ret(v) => cpu.x[0] = v,
                    Outcome::Exit(code) | Outcome::ExitGroup(code) => {
                        if ropts.stats {
                            print_stats(&jit, syscalls);
                        }
                        exit_now(code)
                    }
                    Outcome::Child { sp } => {
                        cpu.x[0] = 0;
                        if let Some(sp) = sp {
                            cpu.x[SP] = sp;
                        }
                    }
                }
                for (s, e) in process.code_changed.drain(..) {
                    jit.invalidate(s, e);
                }
            }
            ExitReason::Brk => die_by_signal(libc::SIGTRAP),
            ExitReason::Udf | ExitReason::Hlt => {
                report_undefined(cpu.exit_arg as u32, cpu.pc);
                die_by_signal(libc::SIGILL)
            }
            ExitReason::FetchFault => die_by_signal(libc::SIGSEGV),
            ExitReason::Alignment => die_by_signal(libc::SIGBUS),
            ExitReason::Interrupt => {}
            ExitReason::Fault => die_by_signal(libc::SIGSEGV),
            ExitReason::Lookup | ExitReason::Invalidate => {
                unreachable!("handled by the dispatcher")
            }
        }
    }
}

/// The host command line that runs another guest program the way this one runs (used by
/// the guest's execve): this emulator with the same sysroot and strace setting.
fn exec_prefix(sysroot: Option<&Path>, strace: bool) -> Vec<std::ffi::OsString> {
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
    v
}

/// The `--stats` summary.
fn print_stats(jit: &Jit, syscalls: u64) {
    let s = jit.stats();
    eprintln!(
        "emu-user: stats: {} blocks translated ({} guest instructions), {} links, {} dispatches, {} code-cache flushes, {} syscalls",
        s.blocks_translated, s.guest_insns_translated, s.links, s.dispatches, jit.flushes(), syscalls
    );
}

/// Ends the process with the guest's exit status.
fn exit_now(code: i32) -> ! {
    // SAFETY: _exit ends the process immediately; the guest's buffers were
    // flushed by the guest itself, and emu has no state that must be saved.
    unsafe { libc::_exit(code & 0xff) }
}

/// Prints the one-line message for an instruction emu cannot execute.
fn report_undefined(word: u32, pc: u64) {
    let name = crate::arm64::decode(word)
        .map(|f| format!(" ({})", f.entry.name))
        .unwrap_or_default();
    eprintln!("emu-user: undefined or unimplemented instruction 0x{word:08x}{name} at pc 0x{pc:x}, raising SIGILL");
}
