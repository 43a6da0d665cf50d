//! Instrumentation plugins (`-plugin`): the example plugins of
//! `src/plugin/c/examples/`, built here with the host `cc -shared -fPIC`,
//! run on guest programs whose counts are known (`guest-bins/asm/plugin_loop.S`,
//! `guest-bins/asm/plugin_helpers.S`) or checked against each other; loading
//! errors; a crashing plugin; and translated code left unchanged when no
//! plugin instruments it.
//!
//! Needs the guest programs (guest-bins/build.sh) and a host C compiler;
//! `EMU_SKIP_GUEST_BINS=1` skips these tests like the other guest tests.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// `guest-bins/out/KIND/NAME`, or `None` when guest programs are skipped.
fn guest(kind: &str, name: &str) -> Option<PathBuf> {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        return None;
    }
    let p = common::guest_bins().join("out").join(kind).join(name);
    assert!(
        p.exists(),
        "{} missing: run guest-bins/build.sh",
        p.display()
    );
    Some(p)
}

/// The directory of this test process's plugin builds, under target/tmp.
fn build_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugins");
        let d = base.join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

/// Builds the C source `src` into `lib<name>.so` (once per name).
fn build(name: &str, src: &Path) -> PathBuf {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let out = build_dir().join(format!("lib{name}.so"));
    if out.exists() {
        return out;
    }
    let header_dir = common::repo_root().join("src/plugin/c");
    let st = Command::new("cc")
        .args([
            "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-I",
        ])
        .arg(&header_dir)
        .arg("-o")
        .arg(&out)
        .arg(src)
        .arg("-lpthread")
        .status()
        .expect("host cc");
    assert!(st.success(), "cc failed for {}", src.display());
    out
}

/// One of the example plugins.
fn example(name: &str) -> PathBuf {
    let src = common::repo_root()
        .join("src/plugin/c/examples")
        .join(format!("{name}.c"));
    build(name, &src)
}

/// A plugin from C source text.
fn from_source(name: &str, text: &str) -> PathBuf {
    let src = build_dir().join(format!("{name}.c"));
    std::fs::write(&src, text).unwrap();
    build(name, &src)
}

fn emu() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_emu-user"));
    c.env_remove("EMU_PLUGIN")
        .env_remove("EMU_STATS")
        .env_remove("EMU_LOG")
        .env_remove("EMU_STRACE");
    c
}

/// `emu-user -plugin SPEC... PROGRAM`, with the sysroot for dynamic programs.
fn run(specs: &[String], program: &Path) -> Output {
    let mut c = emu();
    c.arg("-L").arg("/usr/aarch64-linux-gnu");
    for s in specs {
        c.arg("-plugin").arg(s);
    }
    c.arg(program).output().unwrap()
}

fn spec(lib: &Path, args: &str) -> String {
    format!("{}{args}", lib.display())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The number after `key: ` on its line of `text`.
fn count(text: &str, key: &str) -> u64 {
    let prefix = format!("{key}: ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {key:?} line in {text:?}"))
        .parse()
        .unwrap()
}

#[test]
fn instruction_count_of_the_known_program() {
    let Some(prog) = guest("asm", "plugin_loop") else {
        return;
    };
    let insn = example("insn");
    for args in ["", ",inline=on"] {
        let o = run(&[spec(&insn, args)], &prog);
        assert_eq!(o.status.code(), Some(3));
        assert_eq!(o.stdout, b"ok\n");
        assert_eq!(stderr(&o), "insns: 61\n", "{args}");
    }
    let o = run(&[spec(&insn, ",inline=off")], &prog);
    assert_eq!(stderr(&o), "insns-calls: 61\n");
}

#[test]
fn inline_counter_equals_per_instruction_calls() {
    let insn = example("insn");
    for (kind, name) in [
        ("asm", "plugin_loop"),
        ("static", "hello"),
        ("dynamic", "hello"),
        // Self-modifying code: hundreds of code-cache flushes, which free
        // the callback records of the dropped translations.
        ("static", "smc"),
    ] {
        let Some(prog) = guest(kind, name) else {
            return;
        };
        let o = run(&[spec(&insn, ",inline=both")], &prog);
        assert!(o.status.success() || name == "plugin_loop", "{name}");
        let dir = if kind == "asm" { "asm" } else { "c" };
        let expected = common::guest_bins()
            .join(dir)
            .join(format!("{name}.stdout"));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            std::fs::read_to_string(expected).unwrap(),
            "{kind}/{name}: the guest's output is unchanged"
        );
        let err = stderr(&o);
        let (inline, calls) = (count(&err, "insns"), count(&err, "insns-calls"));
        assert_eq!(inline, calls, "{kind}/{name}");
        assert!(inline >= 61, "{kind}/{name}: {inline}");
        if kind == "dynamic" {
            continue; // the dynamic linker's work differs from run to run
        }
        // Separately, each way alone counts the same.
        let alone = run(&[spec(&insn, ",inline=off")], &prog);
        assert_eq!(
            count(&stderr(&alone), "insns-calls"),
            calls,
            "{kind}/{name}"
        );
    }
}

#[test]
fn hottest_blocks_of_the_known_program() {
    let Some(prog) = guest("asm", "plugin_loop") else {
        return;
    };
    let o = run(&[spec(&example("hotblocks"), ",n=2")], &prog);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    // Block execution callbacks count the same as the inline adds.
    let calls = run(&[spec(&example("hotblocks"), ",n=2,inline=off")], &prog);
    assert_eq!(stderr(&calls), err);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "hotblocks: 4 blocks");
    assert_eq!(lines.len(), 3, "{err}");
    // The loop (5 instructions) runs 9 times after its first pass in the
    // first block (8 instructions, once).
    let loop_line: Vec<&str> = lines[1].split(' ').collect();
    assert_eq!(&loop_line[1..], ["9", "5"], "{err}");
    let first: Vec<&str> = lines[2].split(' ').collect();
    assert_eq!(&first[1..], ["1", "8"], "{err}");
    let pc = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
    assert_eq!(pc(loop_line[0]), pc(first[0]) + 12, "{err}");
}

#[test]
fn memory_histogram_of_the_known_program() {
    let Some(prog) = guest("asm", "plugin_loop") else {
        return;
    };
    assert_eq!(
        histogram(&prog, "", 3),
        "load 8: 10\nstore 1: 10\nstore 8: 10\npages: 1\n"
    );
    assert_eq!(
        histogram(&prog, ",rw=w", 3),
        "store 1: 10\nstore 8: 10\npages: 1\n"
    );
    assert_eq!(histogram(&prog, ",rw=r", 3), "load 8: 10\npages: 1\n");
}

/// What the mem example (with `args`) prints for `prog`, which must exit
/// with `status` and print "ok".
fn histogram(prog: &Path, args: &str, status: i32) -> String {
    let o = run(&[spec(&example("mem"), args)], prog);
    assert_eq!(o.status.code(), Some(status), "{}", stderr(&o));
    assert_eq!(o.stdout, b"ok\n");
    stderr(&o)
}

/// Accesses made inside runtime helpers (store-exclusives, CASP, SIMD
/// structure loads and stores) reach memory callbacks too; a failed
/// store-exclusive makes none. DC ZVA is one 64-byte store.
#[test]
fn helper_accesses_are_reported() {
    let Some(prog) = guest("asm", "plugin_helpers") else {
        return;
    };
    let all = "load 4: 1\nload 8: 4\nload 12: 1\nload 16: 1\nload 32: 2\nload 64: 1\n\
               store 4: 2\nstore 8: 2\nstore 16: 1\nstore 24: 1\nstore 64: 2\n\
               atomic 16: 1\npages: 1\n";
    assert_eq!(histogram(&prog, "", 0), all);
    // Stores only: the loads' lines go, CASP stays (it stores too).
    let stores: String = all
        .lines()
        .filter(|l| !l.starts_with("load"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(histogram(&prog, ",rw=w", 0), stores);
}

/// DC ZVA reaches memory callbacks as one store of its whole block, at the
/// block's aligned address (its operand is 40 bytes into the block).
#[test]
fn dc_zva_is_one_block_store() {
    let Some(prog) = guest("asm", "plugin_helpers") else {
        return;
    };
    let lib = from_source(
        "blockstores",
        "#include \"emu-plugin.h\"\n#include <stdio.h>\n\
         EMU_PLUGIN_EXPORT_VERSION;\n\
         static const emu_api_t *api;\n\
         static void on_access(unsigned vcpu, emu_meminfo_t info, uint64_t vaddr, void *u) {\n\
           (void)vcpu; (void)u; char line[64];\n\
           if (!(info & EMU_MEM_VECTOR) && emu_mem_size(info) > 16) {\n\
             snprintf(line, sizeof line, \"store %u at +%u\\n\", emu_mem_size(info),\n\
                      (unsigned)(vaddr % 64));\n\
             api->outs(line);\n\
           }\n\
         }\n\
         static void on_block(emu_plugin_id_t id, emu_block_t *b) {\n\
           (void)id;\n\
           for (uint64_t i = 0; i < b->n_insns; i++)\n\
             api->insn_mem_cb(&b->insns[i], on_access, EMU_MEM_W, NULL);\n\
         }\n\
         int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv) {\n\
           (void)argc; (void)argv; api = info->api;\n\
           api->register_block_trans_cb(id, on_block);\n\
           return 0;\n\
         }\n",
    );
    let o = run(&[lib.display().to_string()], &prog);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "store 64 at +0\n");
}

#[test]
fn a_crashing_plugin_is_named_and_the_guest_sees_nothing() {
    let (Some(looping), Some(segv)) = (guest("asm", "plugin_loop"), guest("static", "signal_segv"))
    else {
        return;
    };
    let crash = example("crash");
    for at in ["exec", "mem", "syscall", "block", "install"] {
        for prog in [&looping, &segv] {
            let o = run(&[spec(&crash, &format!(",at={at}"))], prog);
            assert_eq!(o.status.code(), Some(70), "{at}: {}", stderr(&o));
            assert_eq!(o.stdout, b"", "{at}");
            assert_eq!(
                stderr(&o),
                format!(
                    "emu-user: plugin {} crashed: SIGSEGV at address 0x0\n",
                    crash.display()
                ),
                "{at}"
            );
        }
    }
    // Without the crash the guest's own faults stay the guest's.
    let o = run(&[spec(&example("insn"), "")], &segv);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("failures: 0\n"));
}

#[test]
fn syscall_log_shows_write_and_exit_group() {
    let Some(prog) = guest("asm", "plugin_loop") else {
        return;
    };
    let o = run(&[spec(&example("syscalls"), "")], &prog);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 5, "{err}");
    assert_eq!(lines[0], "[0] thread start");
    assert!(lines[1].starts_with("[0] write(0x1, 0x"), "{err}");
    assert!(lines[1].ends_with(", 0x3, ...) = 3"), "{err}");
    assert!(lines[2].starts_with("[0] exit_group(0x3, "), "{err}");
    assert!(lines[2].ends_with(" = ?"), "{err}");
    assert_eq!(&lines[3..], ["exit status 3", "syscalls: 2"]);
}

#[test]
fn syscall_log_of_a_c_program_returns_what_it_wrote() {
    let Some(prog) = guest("static", "hello") else {
        return;
    };
    let o = run(&[spec(&example("syscalls"), "")], &prog);
    assert!(o.status.success());
    let err = stderr(&o);
    let write = err
        .lines()
        .find(|l| l.starts_with("[0] write(0x1, "))
        .unwrap_or_else(|| panic!("no write in {err}"));
    let ret: usize = write.rsplit(" = ").next().unwrap().parse().unwrap();
    assert_eq!(ret, o.stdout.len(), "{err}");
    assert!(err.contains("[0] exit_group(0, "), "{err}");
    assert!(err.ends_with("exit status 0\n") || err.contains("exit status 0\n"));
}

#[test]
fn thread_starts_and_exits_match_the_clones() {
    let Some(prog) = guest("static", "pthread_basic") else {
        return;
    };
    let o = run(&[spec(&example("syscalls"), "")], &prog);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let clones = err
        .lines()
        .filter(|l| l.contains("] clone") && !l.ends_with(" = 0") && !l.contains(" = -"))
        .count();
    let starts: Vec<&str> = err
        .lines()
        .filter(|l| l.ends_with("] thread start"))
        .collect();
    let exits = err.lines().filter(|l| l.ends_with("] thread exit")).count();
    let exit_calls = err.lines().filter(|l| l.contains("] exit(")).count();
    assert!(clones >= 8, "{err}");
    assert_eq!(starts.len(), clones + 1, "{err}");
    // A thread's exit callback follows its exit call (the process may end
    // in between for the last ones).
    assert!(exits >= 1 && exits <= exit_calls, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if let Some(vcpu) = l.strip_suffix(" thread exit") {
            let call = format!("{vcpu} exit(");
            assert!(lines[..i].iter().any(|p| p.starts_with(&call)), "{err}");
        }
    }
    let mut vcpus: Vec<&str> = starts
        .iter()
        .map(|l| l.split(']').next().unwrap())
        .collect();
    vcpus.sort();
    vcpus.dedup();
    assert_eq!(
        vcpus.len(),
        starts.len(),
        "vcpu indices are distinct: {err}"
    );
}

#[test]
fn death_by_signal_reaches_atexit() {
    // A guest fault with no handler: SIGSEGV, delivered by emu.
    let Some(prog) = guest("static", "null_write") else {
        return;
    };
    let o = run(&[spec(&example("syscalls"), "")], &prog);
    let err = stderr(&o);
    assert!(err.contains("exit status -11\n"), "{err}");
    // A breakpoint: SIGTRAP.
    let Some(prog) = guest("asm", "brk") else {
        return;
    };
    let o = run(&[spec(&example("syscalls"), "")], &prog);
    let err = stderr(&o);
    assert!(err.contains("exit status -5\n"), "{err}");
}

#[test]
fn plugins_stack_and_come_from_the_environment() {
    let Some(prog) = guest("asm", "plugin_loop") else {
        return;
    };
    let list = format!(
        "{};{}",
        spec(&example("insn"), ""),
        spec(&example("mem"), ",rw=w")
    );
    let o = emu().env("EMU_PLUGIN", &list).arg(&prog).output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        stderr(&o),
        "insns: 61\nstore 1: 10\nstore 8: 10\npages: 1\n"
    );
    // Empty items are no plugins.
    let o = emu().env("EMU_PLUGIN", "").arg(&prog).output().unwrap();
    assert_eq!((o.status.code(), o.stderr.is_empty()), (Some(3), true));
    let list = format!("{};", spec(&example("insn"), ""));
    let o = emu().env("EMU_PLUGIN", &list).arg(&prog).output().unwrap();
    assert_eq!(stderr(&o), "insns: 61\n");
    // --plugin is the same option.
    let o = emu()
        .arg("--plugin")
        .arg(spec(&example("insn"), ""))
        .arg(&prog)
        .output()
        .unwrap();
    assert_eq!(stderr(&o), "insns: 61\n");
}

#[test]
fn programs_the_guest_execs_get_the_plugins() {
    let Some(prog) = guest("static", "process_exec") else {
        return;
    };
    // From another directory, with a relative plugin path.
    let lib = example("insn");
    let o = emu()
        .current_dir(lib.parent().unwrap())
        .arg("-plugin")
        .arg(format!("./{}", lib.file_name().unwrap().to_string_lossy()))
        .arg(&prog)
        .output()
        .unwrap();
    assert!(o.status.success());
    // The program itself and its two re-runs of itself (posix_spawn of
    // /proc/self/exe, fork + execv of argv[0]); the shells it starts are
    // host programs.
    let err = stderr(&o);
    assert_eq!(
        err.lines().filter(|l| l.starts_with("insns: ")).count(),
        3,
        "{err}"
    );
}

/// One `emu-user: plugin ...` line and exit status 1.
fn assert_load_error(spec: &str, expect: &str) {
    let Some(prog) = guest("asm", "plugin_loop") else {
        return;
    };
    let o = emu().arg("-plugin").arg(spec).arg(&prog).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{spec}");
    let err = stderr(&o);
    assert!(o.stdout.is_empty(), "the guest must not run");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.last().unwrap().starts_with("emu-user: plugin "),
        "{err}"
    );
    assert!(err.contains(expect), "{err:?} lacks {expect:?}");
}

#[test]
fn load_errors_are_one_line_and_status_1() {
    let dir = build_dir();
    assert_load_error(
        &dir.join("nonexistent.so").display().to_string(),
        "nonexistent.so",
    );
    let no_version = from_source(
        "noversion",
        "#include \"emu-plugin.h\"\n\
         int emu_plugin_install(emu_plugin_id_t id, const emu_info_t *info, int argc, char **argv)\n\
         { (void)id; (void)info; (void)argc; (void)argv; return 0; }\n",
    );
    assert_load_error(
        &no_version.display().to_string(),
        "no emu_plugin_version symbol",
    );
    let wrong = from_source(
        "wrongversion",
        "#include <stdint.h>\n\
         __attribute__((visibility(\"default\"))) const uint32_t emu_plugin_version = 99;\n\
         int emu_plugin_install(void) { return 0; }\n",
    );
    assert_load_error(
        &wrong.display().to_string(),
        "built for plugin ABI version 99, emu-user has version 1",
    );
    let no_install = from_source(
        "noinstall",
        "#include \"emu-plugin.h\"\nEMU_PLUGIN_EXPORT_VERSION;\n",
    );
    assert_load_error(
        &no_install.display().to_string(),
        "no emu_plugin_install function",
    );
    assert_load_error(
        &spec(&example("insn"), ",inline=sometimes"),
        "emu_plugin_install failed (1)",
    );
    assert_load_error(&spec(&example("insn"), ",novalue"), "is not key=value");
}

#[test]
fn header_layout_matches_emu() {
    // The offsets of src/plugin/abi.rs's layout test, checked by the C compiler.
    let lib = from_source(
        "layout",
        "#include \"emu-plugin.h\"\n#include <stddef.h>\n\
         _Static_assert(sizeof(emu_insn_t) == 24 && offsetof(emu_insn_t, encoding) == 8 &&\n\
           offsetof(emu_insn_t, index) == 12 && offsetof(emu_insn_t, disas) == 16, \"insn\");\n\
         _Static_assert(sizeof(emu_block_t) == 24 && offsetof(emu_block_t, n_insns) == 8 &&\n\
           offsetof(emu_block_t, insns) == 16, \"block\");\n\
         _Static_assert(sizeof(emu_info_t) == 32 && offsetof(emu_info_t, api) == 8 &&\n\
           offsetof(emu_info_t, target) == 16 && offsetof(emu_info_t, program) == 24, \"info\");\n\
         _Static_assert(sizeof(emu_api_t) == 13 * 8 && offsetof(emu_api_t, block_exec_cb) == 6 * 8 &&\n\
           offsetof(emu_api_t, insn_mem_cb) == 10 * 8 && offsetof(emu_api_t, outs) == 12 * 8, \"api\");\n\
         EMU_PLUGIN_EXPORT_VERSION;\n",
    );
    assert!(lib.exists());
}

/// The `[size=N] PC` lines of the `-d out_asm` log: each block's host code size.
/// Every block is translated at the full tier, as with a plugin that instruments
/// (which sees each block translated once).
fn block_sizes(specs: &[String], program: &Path, name: &str) -> Vec<String> {
    let log = build_dir().join(format!("{name}.log"));
    let mut c = emu();
    c.arg("-d").arg("out_asm,fulltier").arg("-D").arg(&log);
    for s in specs {
        c.arg("-plugin").arg(s);
    }
    let o = c.arg(program).output().unwrap();
    assert!(o.status.code().is_some());
    let text = std::fs::read_to_string(&log).unwrap();
    text.lines()
        .filter(|l| l.starts_with("OUT: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn no_instrumentation_without_a_block_callback() {
    let Some(prog) = guest("static", "hello") else {
        return;
    };
    let plain = block_sizes(&[], &prog, "plain");
    assert!(plain.len() > 100);
    // A plugin with only syscall and thread callbacks changes no block.
    let syscalls = block_sizes(&[spec(&example("syscalls"), "")], &prog, "syscalls");
    assert_eq!(plain, syscalls);
    // An instruction counter makes every block bigger.
    let counted = block_sizes(&[spec(&example("insn"), "")], &prog, "insn");
    assert_eq!(plain.len(), counted.len());
    let size = |l: &String| -> u64 {
        l.split("size=")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    for (a, b) in plain.iter().zip(&counted) {
        assert!(size(b) > size(a), "{a} / {b}");
    }
}
