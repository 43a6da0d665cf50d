//! Host (x86-64) syscall numbers are named in one place: `syscalls/src/host.rs`
//! (`host::nr`, typed `HostNr` so they cannot mix with the guest's arm64 numbers).
//! Every other file of the syscall layer and of the emulator calls the host through
//! `host::raw`, `Task::blocking` or a libc wrapper by name.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn host_syscall_numbers_live_only_in_the_host_module() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&crate_dir.join("src"), &mut files);
    rust_files(&crate_dir.join("../src"), &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    let host = crate_dir.join("src/host.rs");
    // Spelled in two parts so that this file does not match itself.
    let needles = [concat!("libc::", "SYS_"), concat!("libc::", "syscall(")];
    let mut offenders = Vec::new();
    for f in files.iter().filter(|f| **f != host) {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            if needles.iter().any(|n| line.contains(n)) {
                offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "host syscall numbers outside host.rs:\n{}",
        offenders.join("\n")
    );
}
