//! Links the unwinder statically. Rust's standard library names the
//! shared `libgcc_s.so.1` for its unwinder (`-lgcc_s`); emu never unwinds
//! (the release profile aborts on panic) and uses it only for backtraces,
//! yet every start would load that library, relocate it and run its
//! constructor (which asks the CPU for its features with a dozen `cpuid`s,
//! each a trap to the hypervisor in a VM). So the build puts a directory
//! holding `libgcc_s.a`, a link to the compiler's static unwinder
//! (`libgcc_eh.a`), ahead of the system's on the library search path: the
//! linker takes `-lgcc_s` from there. Where the compiler has no
//! `libgcc_eh.a`, the link stays as it was.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=scripts/build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if !target.ends_with("-linux-gnu") {
        return;
    }
    let Some(eh) = static_unwinder() else {
        return;
    };
    let dir =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("unwind");
    let link = dir.join("libgcc_s.a");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::remove_file(&link);
    if std::os::unix::fs::symlink(&eh, &link).is_ok() {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}

/// The C compiler's `libgcc_eh.a`, if it has one.
fn static_unwinder() -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // An unknown file is printed back as its bare name.
    (path.is_absolute() && Path::new(&path).exists()).then_some(path)
}
