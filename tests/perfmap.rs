//! `-d perfmap` and `EMU_PERFMAP=1`: every translated block gets a line
//! `<host start> <size> guest:<pc>` (hex) in `/tmp/perf-<pid>.map`.

use std::process::Command;

const EMU: &str = env!("CARGO_BIN_EXE_emu-user");
const HELLO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/guest-bins/prebuilt/hello");

/// Runs the prebuilt hello with `args` and `env`, returns its map's lines.
fn map_of(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let child = Command::new(EMU)
        .args(args)
        .arg(HELLO)
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
        let pc = f[2].strip_prefix("guest:").expect("guest: prefix");
        assert!(u64::from_str_radix(pc, 16).is_ok(), "{l:?}");
    }
}

#[test]
fn perf_map_lists_translated_blocks() {
    check(&map_of(&["-d", "perfmap"], &[]));
    check(&map_of(&[], &[("EMU_PERFMAP", "1")]));
    assert!(map_of(&[], &[]).is_empty(), "no map unless asked");
}
