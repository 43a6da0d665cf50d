//! emu-user on bad input: every failure is one line on stderr naming the
//! file, with the shell's exit status (127 not found, 126 cannot execute),
//! and never a panic.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::mini_elf::*;
use support::TempDir;

const EMU: &str = env!("CARGO_BIN_EXE_emu-user");

fn emu(args: &[&str]) -> Output {
    Command::new(EMU)
        .args(args)
        .env_remove("EMU_LD_PREFIX")
        .env_remove("QEMU_LD_PREFIX")
        .output()
        .expect("run emu-user")
}

/// Runs emu-user on `path` and checks: status `code`, exactly one stderr
/// line naming the path and containing `needle`, no panic.
fn expect_failure(args: &[&str], path: &str, code: i32, needle: &str) -> String {
    let out = emu(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    assert!(stderr.ends_with('\n'), "{stderr:?}");
    assert!(
        stderr.starts_with(&format!("emu-user: {path}: ")),
        "does not name {path}: {stderr}"
    );
    assert!(stderr.contains(needle), "no {needle:?} in: {stderr}");
    assert!(out.stdout.is_empty(), "unexpected stdout");
    stderr
}

fn check_file(dir: &TempDir, name: &str, bytes: &[u8], code: i32, needle: &str) {
    let path = dir.write(name, bytes);
    let p = path.to_str().unwrap();
    expect_failure(&[p], p, code, needle);
}

#[test]
fn missing_file_is_127() {
    expect_failure(
        &["/no/such/program", "arg"],
        "/no/such/program",
        127,
        "no such file",
    );
}

#[test]
fn directory_is_126() {
    let dir = TempDir::new("dir");
    let p = dir.path.to_str().unwrap();
    expect_failure(&[p], p, 126, "is a directory");
}

#[test]
fn device_is_126() {
    expect_failure(&["/dev/null"], "/dev/null", 126, "not a regular file");
}

#[test]
fn text_file_is_not_an_elf() {
    let dir = TempDir::new("text");
    check_file(&dir, "script", b"#!/bin/sh\necho hi\n", 126, "not an ELF");
    check_file(&dir, "empty", b"", 126, "not an ELF");
}

#[test]
fn host_elf_is_wrong_architecture() {
    // emu-user itself is an x86-64 ELF.
    expect_failure(&[EMU], EMU, 126, "wrong architecture");
    if Path::new("/bin/true").exists() {
        expect_failure(&["/bin/true"], "/bin/true", 126, "wrong architecture");
    }
}

#[test]
fn elf32_is_126() {
    let dir = TempDir::new("elf32");
    let mut b = MiniElf::exec(&[0; 16]).build();
    b[ehdr::CLASS] = 1;
    check_file(&dir, "elf32", &b, 126, "32-bit");
    check_file(&dir, "elf32-short", &b[..52], 126, "32-bit");
}

#[test]
fn other_header_problems_are_126() {
    let dir = TempDir::new("hdr");
    let good = MiniElf::exec(&[0; 16]).build();
    let mut b = good.clone();
    b[ehdr::DATA] = 2;
    check_file(&dir, "be", &b, 126, "big-endian");
    let mut b = good.clone();
    put16(&mut b, ehdr::TYPE, 1);
    check_file(&dir, "rel", &b, 126, "not an executable");
    let mut b = good.clone();
    put64(&mut b, ehdr::ENTRY, 0x9999_0000);
    check_file(&dir, "entry", &b, 126, "entry point");
}

#[test]
fn truncated_elf_is_126() {
    let dir = TempDir::new("trunc");
    let good = MiniElf::exec(&[0; 64]).build();
    check_file(&dir, "t100", &good[..100], 126, "malformed ELF");
    check_file(&dir, "t30", &good[..30], 126, "truncated ELF header");
}

#[test]
fn program_headers_past_the_end_are_126() {
    let dir = TempDir::new("phoff");
    let mut b = MiniElf::exec(&[0; 16]).build();
    put64(&mut b, ehdr::PHOFF, 0x10_0000);
    check_file(&dir, "phoff", &b, 126, "program header table");
    let mut b = MiniElf::exec(&[0; 16]).build();
    put64(&mut b, ehdr::PHOFF, u64::MAX - 3);
    check_file(&dir, "phoff-wrap", &b, 126, "program header table");
}

#[test]
fn segment_past_the_end_is_126() {
    let dir = TempDir::new("seg");
    let mut b = MiniElf::exec(&[0; 16]).build();
    let load = phdr_at(find_phdr(&b, PT_LOAD).unwrap());
    put64(&mut b, load + phdr::FILESZ, 0x10_0000);
    put64(&mut b, load + phdr::MEMSZ, 0x10_0000);
    check_file(&dir, "seg", &b, 126, "past the end of the file");
    let mut b = MiniElf::exec(&[0; 16]).build();
    put64(&mut b, load + phdr::MEMSZ, 1);
    check_file(&dir, "memsz", &b, 126, "exceeds memory size");
}

#[test]
fn missing_interpreter_is_127() {
    let dir = TempDir::new("nointerp");
    let b = MiniElf::pie(&[0; 16])
        .with_interp("/lib/ld-missing.so.1")
        .build();
    let path = dir.write("dyn", &b);
    let p = path.to_str().unwrap();
    let root = dir.path.to_str().unwrap();
    let line = expect_failure(&["-L", root, p], p, 127, "interpreter");
    assert!(
        line.contains(&format!("{root}/lib/ld-missing.so.1")),
        "{line}"
    );
}

#[test]
fn bad_interpreter_is_126() {
    let dir = TempDir::new("badinterp");
    dir.write("lib/ld-text.so", b"not an elf at all");
    let b = MiniElf::pie(&[0; 16])
        .with_interp("/lib/ld-text.so")
        .build();
    let path = dir.write("dyn", &b);
    let p = path.to_str().unwrap();
    let root = dir.path.to_str().unwrap();
    let line = expect_failure(&["-L", root, p], p, 126, "not an ELF");
    assert!(line.contains("interpreter"), "{line}");
}

#[test]
fn unreadable_file_is_126() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return; // root reads anything
    }
    let dir = TempDir::new("perm");
    let path = dir.write("locked", &MiniElf::exec(&[0; 16]).build());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let p = path.to_str().unwrap();
    expect_failure(&[p], p, 126, "permission denied");
}

#[test]
fn version_and_help() {
    let out = emu(&["--version"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("emu-user "), "{text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");

    let out = emu(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in ["PROGRAM", "-L", "-E", "-U", "-0", "-s", "EMU_LD_PREFIX"] {
        assert!(text.contains(needle), "help lacks {needle}: {text}");
    }
}

#[test]
fn no_program_is_a_usage_error() {
    let out = emu(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn options_after_the_program_belong_to_the_guest() {
    // "-L" after the program is a guest argument: the error is about the
    // program, not about a bad option.
    expect_failure(
        &["/no/such/prog", "--test-threads", "4", "-L"],
        "/no/such/prog",
        127,
        "no such file",
    );
}

#[test]
fn unmappable_exec_is_126() {
    let dir = TempDir::new("unmappable");
    // Above the 47-bit x86-64 user address space.
    let mut elf = MiniElf::exec(&[0; 16]);
    elf.base = 0x8000_0000_0000;
    check_file(&dir, "high", &elf.build(), 126, "cannot map");
}

/// A guest that writes the string whose pointer is stack word `slot`
/// (1 = argv[0]; envp[0] is argc + 2) to stdout and exits 0:
///
/// ```text
///     ldr  x1, [sp, #8*slot]
///     mov  x2, #0
/// 1:  ldrb w3, [x1, x2]
///     cbz  w3, 2f
///     add  x2, x2, #1
///     b    1b
/// 2:  mov  x0, #1
///     mov  x8, #64        // write
///     svc  #0
///     mov  x0, #0
///     mov  x8, #93        // exit
///     svc  #0
/// ```
fn print_slot_program(slot: u32) -> Vec<u8> {
    let ldr = 0xF940_0000 | (slot << 10) | (31 << 5) | 1; // LDR (immediate, unsigned offset)
    let words = [
        ldr,
        0xD280_0002,
        0x3862_6823,
        0x3400_0063,
        0x9100_0442,
        0x17FF_FFFD,
        0xD280_0020,
        0xD280_0808,
        0xD400_0001,
        0xD280_0000,
        0xD280_0BA8,
        0xD400_0001,
    ];
    let code: Vec<u8> = words.iter().flat_map(|w: &u32| w.to_le_bytes()).collect();
    MiniElf::exec(&code).build()
}

/// Runs emu-user with a clean environment plus `env`; returns guest stdout.
fn guest_output(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(EMU)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("run emu-user");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "status {:?}: {stderr}", out.status);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn guest_argv_comes_from_the_command_line() {
    let dir = TempDir::new("argv");
    let slot1 = dir.write("p1", &print_slot_program(1));
    let p1 = slot1.to_str().unwrap();
    assert_eq!(guest_output(&[p1], &[]), p1);
    assert_eq!(guest_output(&["-0", "renamed", p1], &[]), "renamed");
    assert_eq!(guest_output(&[p1], &[("EMU_ARGV0", "fromenv")]), "fromenv");
    let slot2 = dir.write("p2", &print_slot_program(2));
    let p2 = slot2.to_str().unwrap();
    assert_eq!(
        guest_output(&[p2, "--test-threads", "4", "-L", "x"], &[]),
        "--test-threads"
    );
    let slot5 = dir.write("p5", &print_slot_program(5));
    let p5 = slot5.to_str().unwrap();
    assert_eq!(
        guest_output(&[p5, "--test-threads", "4", "-L", "x"], &[]),
        "x"
    );
}

#[test]
fn guest_environment_applies_unset_and_set() {
    let dir = TempDir::new("envp");
    // argc = 1: envp[0] is stack word 3.
    let path = dir.write("p", &print_slot_program(3));
    let p = path.to_str().unwrap();
    assert_eq!(guest_output(&[p], &[("A", "1")]), "A=1");
    assert_eq!(
        guest_output(&["-U", "A", "-E", "B=2", p], &[("A", "1")]),
        "B=2"
    );
    assert_eq!(guest_output(&["-E", "A=x,y", p], &[("A", "1")]), "A=x,y");
    assert_eq!(
        guest_output(&[p], &[("A", "1"), ("EMU_UNSET_ENV", "A")]),
        "EMU_UNSET_ENV=A"
    );
}

#[test]
fn stats_go_to_stderr_after_the_guest_ends() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_emu-user"))
        .args([
            "--stats",
            concat!(env!("CARGO_MANIFEST_DIR"), "/guest-bins/prebuilt/hello"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Hello from arm64!\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("emu-user: stats: "), "{err}");
    assert!(err.contains(" syscalls"), "{err}");
}

#[test]
fn emu_stats_accepts_1_and_reports_translation_throughput() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_emu-user"))
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/guest-bins/prebuilt/hello"
        ))
        .env("EMU_STATS", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(" KiB of host code in "), "{err}");
    assert!(err.contains(" M guest instructions/s"), "{err}");
}

/// emu-user loads no shared unwinder at start (build.rs links the static
/// one): only the C library and its loader.
#[test]
fn emu_user_needs_only_libc() {
    let bytes = std::fs::read(EMU).unwrap();
    let elf = goblin::elf::Elf::parse(&bytes).unwrap();
    assert!(elf.libraries.iter().any(|l| l.starts_with("libc.so")));
    for lib in &elf.libraries {
        assert!(!lib.starts_with("libgcc_s"), "{:?}", elf.libraries);
    }
}
