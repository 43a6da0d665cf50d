//! emu-user: runs an AArch64 Linux program on an x86-64 Linux host.
//!
//! `emu-user [options] PROGRAM [ARGS...]`: everything after PROGRAM goes to
//! the guest untouched.
//!
//! The C `main` is ours (`no_main`): Rust's runtime start-up would set SIGPIPE
//! to SIG_IGN, and the guest must find every disposition as its parent left it.

#![cfg_attr(not(test), no_main)]

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;
use std::process::exit;

use clap::{CommandFactory, Parser};
use emu::arm64::cpu_model::{self, Cpu};
use emu::jit::log::{LogItems, ITEMS};
use emu::linux::binfmt;
use emu::linux::loader::{load_as, LoadOptions};
use emu::linux::run::{run, RunOptions};
use emu_syscalls::spec_ctrl::SsbCtrl;

/// Stack size when RLIMIT_STACK is unlimited.
const DEFAULT_STACK_SIZE: u64 = 8 << 20;

#[derive(Parser, Debug)]
#[command(
    name = "emu-user",
    version,
    override_usage = "emu-user [OPTIONS] PROGRAM [ARGS]...",
    about = "Run an AArch64 (arm64) Linux program on this x86-64 host",
    after_help = "Everything after PROGRAM is passed to the guest unchanged.\n\
                  QEMU_LD_PREFIX is accepted in place of EMU_LD_PREFIX.\n\
                  -cpu is accepted for --cpu."
)]
struct Cli {
    /// Sysroot holding the guest's dynamic linker and libraries
    #[arg(short = 'L', value_name = "DIR", env = "EMU_LD_PREFIX")]
    sysroot: Option<PathBuf>,

    /// Set a guest environment variable (repeatable; comma lists allowed)
    #[arg(
        short = 'E',
        value_name = "VAR=VALUE",
        env = "EMU_SET_ENV",
        value_delimiter = ','
    )]
    set_env: Vec<String>,

    /// Remove a variable from the guest environment (repeatable)
    #[arg(
        short = 'U',
        value_name = "VAR",
        env = "EMU_UNSET_ENV",
        value_delimiter = ','
    )]
    unset_env: Vec<String>,

    /// Guest argv[0] (default: PROGRAM as given)
    #[arg(
        short = '0',
        value_name = "ARGV0",
        env = "EMU_ARGV0",
        allow_hyphen_values = true
    )]
    argv0: Option<OsString>,

    /// Guest stack size, bytes with optional k/M/G suffix
    /// (default: the RLIMIT_STACK soft limit, 8M if unlimited)
    #[arg(short = 's', value_name = "SIZE", env = "EMU_STACK_SIZE", value_parser = parse_size)]
    stack_size: Option<u64>,

    /// Log translation details: comma list of in_asm, ir, out_asm, exec,
    /// nochain ("help" lists them)
    #[arg(short = 'd', value_name = "ITEMS", env = "EMU_LOG")]
    log: Option<String>,

    /// Write the -d log and the --strace trace to FILE instead of stderr
    #[arg(short = 'D', value_name = "FILE", env = "EMU_LOG_FILENAME")]
    log_file: Option<PathBuf>,

    /// Trace each guest syscall as strace(1) prints it (decoded arguments, results,
    /// signals, exit) on stderr, or to the -D file
    #[arg(
        long = "strace",
        env = "EMU_STRACE",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    strace: bool,

    /// (internal, for a guest's execve) trace to descriptor FD, the trace output of
    /// the emulator that ran the program before
    #[arg(long = "strace-fd", value_name = "FD", hide = true)]
    strace_fd: Option<i32>,

    /// (internal, for a guest's execve) prefix every trace line with [pid TID]
    #[arg(long = "strace-pids", hide = true)]
    strace_pids: bool,

    /// (internal, for a guest's execve) the Spectre-v4 mitigation state the program
    /// that exec'd kept: disable or force-disable
    #[arg(long = "spec-store-bypass", value_name = "STATE", hide = true)]
    spec_store_bypass: Option<String>,

    /// CPU model: max (default), cortex-a53, cortex-a72 or neoverse-n1, then
    /// +FEAT / -FEAT (or FEAT=on / FEAT=off) items, e.g. cortex-a53,+lse
    /// ("help" lists models and features)
    #[arg(long = "cpu", value_name = "MODEL[,+FEAT|-FEAT]...", env = "EMU_CPU")]
    cpu: Option<String>,

    /// Write /tmp/perf-PID.map naming translated code by guest function (as -d perfmap)
    #[arg(long = "perfmap")]
    perfmap: bool,

    /// Print translation and dispatch counters on stderr when the guest ends
    #[arg(
        long = "stats",
        env = "EMU_STATS",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    stats: bool,

    /// Wait for gdb on TCP port PORT (loopback; 0 picks a free port and prints it)
    /// before the first guest instruction
    #[arg(short = 'g', value_name = "PORT", env = "EMU_GDB")]
    gdb: Option<u16>,
    /// Load an instrumentation plugin (a shared library built against
    /// src/plugin/c/emu-plugin.h) with its key=value arguments; repeatable,
    /// also spelt -plugin. EMU_PLUGIN takes a ';'-separated list
    #[arg(
        long = "plugin",
        value_name = "FILE[,KEY=VALUE...]",
        env = "EMU_PLUGIN",
        value_delimiter = ';'
    )]
    plugins: Vec<String>,

    /// Register emu-user with binfmt_misc as the handler of arm64 ELF programs
    /// (install, uninstall, status), or print a systemd binfmt.d file (conf)
    #[arg(long = "binfmt", value_name = "ACTION", value_enum)]
    binfmt: Option<BinfmtAction>,

    /// The binfmt_misc registration name
    #[arg(long = "binfmt-name", value_name = "NAME", default_value = binfmt::DEFAULT_NAME)]
    binfmt_name: String,

    /// The binfmt_misc flags (P: keep argv[0], O: pass the binary open, C:
    /// credentials of the binary, F: open emu-user at registration)
    #[arg(long = "binfmt-flags", value_name = "FLAGS", default_value = binfmt::DEFAULT_FLAGS)]
    binfmt_flags: String,

    /// The AArch64 program, then its arguments
    #[arg(
        value_name = "PROGRAM",
        required_unless_present_any = ["log", "binfmt", "cpu"],
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    command: Vec<OsString>,
}

/// What `--binfmt` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum BinfmtAction {
    Install,
    Uninstall,
    Status,
    Conf,
}

/// Carries out `--binfmt ACTION`; the exit status.
fn binfmt_action(cli: &Cli, action: BinfmtAction) -> i32 {
    let (name, flags) = (cli.binfmt_name.as_str(), cli.binfmt_flags.as_str());
    let result = binfmt::self_path().and_then(|me| match action {
        BinfmtAction::Install => binfmt::install(name, flags, &me).map(|()| {
            format!(
                "registered {} for arm64 ELF programs as {name} ({flags})",
                me.display()
            )
        }),
        BinfmtAction::Uninstall => binfmt::uninstall(name).map(|()| format!("removed {name}")),
        BinfmtAction::Status => binfmt::status(name),
        BinfmtAction::Conf => binfmt::binfmt_d(name, flags, &me),
    });
    match result {
        Ok(text) => {
            println!("{}", text.trim_end());
            0
        }
        Err(msg) => {
            eprintln!("emu-user: {msg}");
            1
        }
    }
}

/// Parses a size: decimal bytes with an optional k, M or G suffix (binary
/// multiples).
fn parse_size(text: &str) -> Result<u64, String> {
    let (digits, shift) = match text.as_bytes().last() {
        Some(b'k' | b'K') => (&text[..text.len() - 1], 10),
        Some(b'm' | b'M') => (&text[..text.len() - 1], 20),
        Some(b'g' | b'G') => (&text[..text.len() - 1], 30),
        _ => (text, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("invalid size {text:?} (expected e.g. 8M, 512k, 1G)"))?;
    n.checked_mul(1 << shift)
        .filter(|&s| s > 0)
        .ok_or_else(|| format!("size {text:?} out of range"))
}

/// Turns the `-E` items into (name, value) pairs. Comma splitting breaks
/// values that contain commas, so an item without '=' continues the value
/// of the item before it (`-E PATH=/a,/b` sets PATH to "/a,/b").
fn parse_env_sets(items: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for item in items {
        match item.split_once('=') {
            Some(("", _)) => {
                return Err(format!("-E {item:?}: empty variable name"));
            }
            Some((name, value)) => out.push((name.to_string(), value.to_string())),
            None => match out.last_mut() {
                Some((_, value)) => {
                    value.push(',');
                    value.push_str(item);
                }
                None => return Err(format!("-E {item:?}: expected VAR=VALUE")),
            },
        }
    }
    Ok(out)
}

/// The guest environment: `host` without the `unset` names, then each
/// `set` pair replacing a variable in place or appended.
fn guest_env(
    host: Vec<(OsString, OsString)>,
    unset: &[String],
    set: &[(String, String)],
) -> Vec<OsString> {
    let mut env: Vec<(OsString, OsString)> = host
        .into_iter()
        .filter(|(k, _)| !unset.iter().any(|u| k.as_bytes() == u.as_bytes()))
        .collect();
    for (name, value) in set {
        match env
            .iter_mut()
            .find(|(k, _)| k.as_bytes() == name.as_bytes())
        {
            Some(slot) => slot.1 = value.into(),
            None => env.push((name.into(), value.into())),
        }
    }
    env.into_iter()
        .map(|(k, v)| {
            let mut bytes = k.into_vec();
            bytes.push(b'=');
            bytes.extend_from_slice(v.as_bytes());
            OsString::from_vec(bytes)
        })
        .collect()
}

/// The RLIMIT_STACK soft limit, or 8 MiB when unlimited.
fn default_stack_size() -> u64 {
    use nix::sys::resource::{getrlimit, Resource, RLIM_INFINITY};
    match getrlimit(Resource::RLIMIT_STACK) {
        Ok((soft, _)) if soft != RLIM_INFINITY && soft > 0 => soft,
        _ => DEFAULT_STACK_SIZE,
    }
}

impl Cli {
    fn into_options(self, exec_fd: Option<i32>) -> Result<LoadOptions, String> {
        let sets = parse_env_sets(&self.set_env)?;
        let mut command = self.command.into_iter();
        let program = command.next().ok_or("missing PROGRAM")?;
        let argv0 = self.argv0.unwrap_or_else(|| program.clone());
        let argv = std::iter::once(argv0).chain(command).collect();
        let sysroot = self
            .sysroot
            .or_else(|| std::env::var_os("QEMU_LD_PREFIX").map(PathBuf::from))
            .filter(|p| !p.as_os_str().is_empty());
        // A program the guest execs runs without the debugger: EMU_GDB does not
        // reach it.
        let mut unset = self.unset_env;
        if self.gdb.is_some() {
            unset.push("EMU_GDB".to_string());
        }
        Ok(LoadOptions {
            path: PathBuf::from(program),
            argv,
            envp: guest_env(std::env::vars_os().collect(), &unset, &sets),
            sysroot,
            stack_size: self.stack_size.unwrap_or_else(default_stack_size),
            exec_fd,
        })
    }
}

impl Cli {
    /// The options that matter after loading (logging, strace).
    fn run_options(&self) -> Result<RunOptions, String> {
        let log = match self.log.as_deref() {
            Some("help") => {
                println!("Log items (-d ITEM,ITEM...):");
                for (name, what) in ITEMS {
                    println!("  {name:<10} {what}");
                }
                exit(0);
            }
            Some(list) => LogItems::parse(list)?,
            None => LogItems::default(),
        };
        let mut log = log;
        log.perfmap |= self.perfmap || std::env::var_os("EMU_PERFMAP").is_some_and(|v| v == "1");
        let cpu = match self.cpu.as_deref().map(str::trim) {
            Some("help") => {
                print!("{}", cpu_model::help());
                exit(0);
            }
            // An empty EMU_CPU means the default, as unset.
            Some("") | None => Cpu::MAX,
            Some(spec) => Cpu::parse(spec).map_err(|e| format!("-cpu {spec}: {e}"))?,
        };
        let ssb = match self.spec_store_bypass.as_deref() {
            None => SsbCtrl::default(),
            Some(v) => SsbCtrl::from_exec_option(v)
                .ok_or_else(|| format!("--spec-store-bypass {v}: not a kept state"))?,
        };
        Ok(RunOptions {
            log,
            log_file: self.log_file.clone(),
            strace: self.strace || self.strace_fd.is_some(),
            strace_fd: self.strace_fd,
            strace_pids: self.strace_pids,
            stats: self.stats,
            cpu,
            gdb_port: self.gdb,
            plugins: self.plugins.clone(),
            ssb,
        })
    }
}

/// The long options QEMU users spell with one dash (`-cpu`, `-plugin`).
const SINGLE_DASH_LONGS: &[&str] = &["cpu", "plugin"];

/// The arguments with QEMU's single-dash `-cpu`/`-plugin` (and `-cpu=…`)
/// spelled `--cpu`/`--plugin` among emu-user's own options, which end at
/// PROGRAM (the first argument that is neither an option nor an option's
/// value) or `--`.
fn single_dash_longs(mut args: Vec<OsString>) -> Vec<OsString> {
    // The option table is built only when an option comes before PROGRAM
    // (building it costs about a tenth of emu-user's own start-up).
    let cmd = std::cell::OnceCell::new();
    let options = || cmd.get_or_init(Cli::command).get_arguments();
    let takes_value = |a: &clap::Arg| a.get_action().takes_values();
    let mut i = 1;
    while i < args.len() {
        let Some(arg) = args[i].to_str().map(str::to_owned) else {
            break;
        };
        let arg = arg.as_str();
        if arg == "--" || !arg.starts_with('-') || arg == "-" {
            break;
        }
        let name = arg[1..].split('=').next().unwrap_or_default();
        if !arg.starts_with("--") && SINGLE_DASH_LONGS.contains(&name) {
            let joined = arg.contains('=');
            args[i] = format!("-{arg}").into();
            i += if joined { 1 } else { 2 };
            continue;
        }
        // Skip the value of an option given as a separate argument.
        let separate_value = match arg.strip_prefix("--") {
            Some(long) => {
                !long.contains('=')
                    && options().any(|a| a.get_long() == Some(long) && takes_value(a))
            }
            None => {
                let mut chars = arg[1..].chars();
                let first = chars.next();
                chars.next().is_none()
                    && options().any(|a| a.get_short() == first && takes_value(a))
            }
        };
        i += if separate_value { 2 } else { 1 };
    }
    args
}

/// The process entry from the C runtime. std reads argv and the environment
/// itself (glibc hands them to its initialisers), so nothing is taken from the
/// arguments.
#[cfg(not(test))]
#[no_mangle]
pub extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    emu_user_main();
    0
}

#[cfg_attr(test, allow(dead_code))]
fn emu_user_main() {
    let (args, exec_fd) = binfmt::kernel_invocation(std::env::args_os().collect());
    let cli = Cli::parse_from(single_dash_longs(args));
    if let Some(action) = cli.binfmt {
        exit(binfmt_action(&cli, action));
    }
    let parsed = cli
        .run_options()
        .and_then(|r| Ok((r, cli.into_options(exec_fd)?)));
    let (ropts, opts) = match parsed {
        Ok(both) => both,
        Err(msg) => {
            eprintln!("emu-user: {msg}");
            exit(2);
        }
    };
    match load_as(&opts, &ropts.cpu) {
        Ok(loaded) => run(loaded, &opts, &ropts),
        Err(err) => {
            eprintln!("{err}");
            exit(err.exit_code());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("emu-user").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn env_sets_split_on_commas_and_keep_commas_in_values() {
        assert_eq!(
            parse_env_sets(&strings(&["a=b", "c=d"])).unwrap(),
            pairs(&[("a", "b"), ("c", "d")])
        );
        assert_eq!(
            parse_env_sets(&strings(&["PATH=/a", "/b", "X="])).unwrap(),
            pairs(&[("PATH", "/a,/b"), ("X", "")])
        );
        assert_eq!(
            parse_env_sets(&strings(&["A=x=y"])).unwrap(),
            pairs(&[("A", "x=y")])
        );
        assert!(parse_env_sets(&strings(&["novalue"])).is_err());
        assert!(parse_env_sets(&strings(&["=v"])).is_err());
    }

    #[test]
    fn guest_env_unsets_then_sets() {
        let host = vec![
            ("HOME".into(), "/root".into()),
            ("PATH".into(), "/bin".into()),
            ("LANG".into(), "C".into()),
        ];
        let env = guest_env(
            host,
            &strings(&["LANG", "NOPE"]),
            &pairs(&[("PATH", "/usr/bin"), ("NEW", "1")]),
        );
        assert_eq!(
            env,
            ["HOME=/root", "PATH=/usr/bin", "NEW=1"].map(OsString::from)
        );
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("8M"), Ok(8 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("12x").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn options_before_program_are_ours_after_it_the_guests() {
        let cli = parse(&[
            "-L",
            "/sys",
            "-E",
            "a=b,c=d",
            "-E",
            "e=f",
            "-U",
            "X",
            "-0",
            "name",
            "-s",
            "1M",
            "./t",
            "--test-threads",
            "4",
            "-L",
            "x",
        ]);
        assert_eq!(cli.sysroot, Some(PathBuf::from("/sys")));
        assert_eq!(cli.set_env, strings(&["a=b", "c=d", "e=f"]));
        assert_eq!(cli.unset_env, strings(&["X"]));
        assert_eq!(cli.argv0, Some(OsString::from("name")));
        assert_eq!(cli.stack_size, Some(1 << 20));
        let expect: Vec<OsString> = ["./t", "--test-threads", "4", "-L", "x"]
            .map(OsString::from)
            .to_vec();
        assert_eq!(cli.command, expect);

        let opts = cli.into_options(None).unwrap();
        assert_eq!(opts.path, PathBuf::from("./t"));
        assert_eq!(
            opts.argv,
            ["name", "--test-threads", "4", "-L", "x"].map(OsString::from)
        );
        assert!(opts.envp.contains(&OsString::from("c=d")));
    }

    #[test]
    fn plugin_takes_one_or_two_dashes_before_the_program_only() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        let cli = Cli::try_parse_from(single_dash_longs(args(&[
            "emu-user", "-0", "-plugin", "-plugin", "a.so,x=1", "--plugin", "b.so", "-L", "/s",
            "prog", "-plugin", "c.so",
        ])))
        .unwrap();
        assert_eq!(cli.argv0, Some(OsString::from("-plugin")));
        assert_eq!(cli.plugins, strings(&["a.so,x=1", "b.so"]));
        assert_eq!(cli.command, args(&["prog", "-plugin", "c.so"]));
    }

    #[test]
    fn program_is_required_and_argv0_defaults_to_it() {
        assert!(Cli::try_parse_from(["emu-user"]).is_err());
        let opts = parse(&["prog", "-v"]).into_options(None).unwrap();
        assert_eq!(opts.argv, ["prog", "-v"].map(OsString::from));
    }

    #[test]
    fn argv0_may_start_with_a_hyphen() {
        // A login shell's argv[0] ("-sh"), as the guest's execve passes it.
        let opts = parse(&["-0", "-sh", "prog", "-c"])
            .into_options(None)
            .unwrap();
        assert_eq!(opts.argv, ["-sh", "-c"].map(OsString::from));
        assert_eq!(opts.path, PathBuf::from("prog"));
    }

    #[test]
    fn single_dash_longs_are_rewritten_only_among_our_options() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            single_dash_longs(args(&[
                "emu-user",
                "-cpu",
                "cortex-a53",
                "prog",
                "-cpu",
                "x"
            ])),
            args(&["emu-user", "--cpu", "cortex-a53", "prog", "-cpu", "x"])
        );
        assert_eq!(
            single_dash_longs(args(&[
                "emu-user", "-L", "/r", "-0", "-cpu", "-cpu=max", "p"
            ])),
            args(&["emu-user", "-L", "/r", "-0", "-cpu", "--cpu=max", "p"])
        );
        assert_eq!(
            single_dash_longs(args(&[
                "emu-user", "--strace", "-d", "in_asm", "-cpu", "a", "p"
            ])),
            args(&["emu-user", "--strace", "-d", "in_asm", "--cpu", "a", "p"])
        );
        assert_eq!(
            single_dash_longs(args(&["emu-user", "--", "-cpu"])),
            args(&["emu-user", "--", "-cpu"])
        );
        let cli = Cli::try_parse_from(single_dash_longs(args(&[
            "emu-user", "-cpu", "max,-lse", "p",
        ])));
        assert_eq!(cli.unwrap().cpu.as_deref(), Some("max,-lse"));
    }
}
