//! `--perfmap`, `-d perfmap` and `EMU_PERFMAP=1`: every translated block
//! gets a line `<host start> <size> <name>` (hex) in `/tmp/perf-<pid>.map`,
//! the name being `guest:<pc>` for a stripped program and the guest
//! function (`symbol+0xoffset`) where the ELF has symbols.

use std::process::Command;

const EMU: &str = env!("CARGO_BIN_EXE_emu-user");
const HELLO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/guest-bins/prebuilt/hello");

/// Runs the prebuilt (stripped) hello with `args` and `env`, returns its
/// map's lines.
fn map_of(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    map_of_program(HELLO, args, env)
}

fn map_of_program(program: &str, args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let child = Command::new(EMU)
        .args(args)
        .arg(program)
        .envs(env.iter().copied())
        .env_remove("EMU_LOG")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run emu-user");
    let path = format!("/tmp/perf-{}.map", child.id());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "hello failed: {out:?}");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    text.lines().map(str::to_string).collect()
}

fn check(lines: &[String]) {
    assert!(!lines.is_empty(), "no lines");
    for l in lines {
        let f: Vec<&str> = l.split(' ').collect();
        assert_eq!(f.len(), 3, "line {l:?}");
        assert!(u64::from_str_radix(f[0], 16).is_ok_and(|a| a > 0), "{l:?}");
        assert!(u64::from_str_radix(f[1], 16).is_ok_and(|n| n > 0), "{l:?}");
        // The prebuilt hello is stripped: every block is named by address.
        let pc = f[2].strip_prefix("guest:").expect("guest: prefix");
        assert!(u64::from_str_radix(pc, 16).is_ok(), "{l:?}");
    }
}

#[test]
fn perf_map_lists_translated_blocks() {
    check(&map_of(&["-d", "perfmap"], &[]));
    check(&map_of(&[], &[("EMU_PERFMAP", "1")]));
    check(&map_of(&["--perfmap"], &[]));
    assert!(map_of(&[], &[]).is_empty(), "no map unless asked");
}

/// The perf map names of the blocks of guest program `build/hello`
/// (`static` or `dynamic`), or None when guest programs are skipped.
fn hello_names(build: &str) -> Option<Vec<String>> {
    if std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1") {
        eprintln!("EMU_SKIP_GUEST_BINS=1: skipping");
        return None;
    }
    let hello = format!(
        "{}/guest-bins/out/{build}/hello",
        env!("CARGO_MANIFEST_DIR")
    );
    assert!(
        std::path::Path::new(&hello).exists(),
        "{hello} missing: run guest-bins/build.sh (or EMU_SKIP_GUEST_BINS=1)"
    );
    let lines = map_of_program(&hello, &["--perfmap"], &[]);
    Some(
        lines
            .iter()
            .filter_map(|l| l.split(' ').nth(2).map(str::to_owned))
            .collect(),
    )
}

/// A program with a symbol table: blocks are named by guest function.
#[test]
fn perf_map_names_blocks_by_guest_symbol() {
    let Some(names) = hello_names("static") else {
        return;
    };
    for want in ["_start", "main", "__libc_start_main"] {
        assert!(
            names.iter().any(|n| n == want),
            "no block named {want}: {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n.starts_with("__libc_start_main+0x")),
        "{names:?}"
    );
}

/// A dynamic program: the shared libraries the guest's dynamic linker maps
/// are named from their dynamic symbol tables.
#[test]
fn perf_map_names_shared_library_blocks() {
    let Some(names) = hello_names("dynamic") else {
        return;
    };
    for want in ["main", "__libc_start_main", "_IO_puts"] {
        assert!(
            names.iter().any(|n| n == want),
            "no block named {want}: {names:?}"
        );
    }
}
