//! binfmt_misc: registering emu-user as the kernel's handler for arm64 ELF
//! executables, and reading how the kernel started it.
//!
//! The registration matches the ELF identification of a 64-bit little-endian
//! AArch64 executable or shared object (ET_EXEC and ET_DYN: e_type 2 or 3, so
//! the mask's e_type byte is 0xfe), as Linux's binfmt_misc documentation and
//! distributions' qemu-user registrations do. Flags (Documentation/admin-guide/
//! binfmt-misc.rst): `P` preserves argv[0] (the kernel then sets
//! AT_FLAGS_PRESERVE_ARGV0 in the interpreter's AT_FLAGS and passes
//! `[interp, full path, original argv[0], args...]`), `O` hands the opened binary
//! over as AT_EXECFD (for programs that are executable but not readable), `C`
//! takes credentials and security context from the binary (implies `O`), and `F`
//! opens the interpreter once at registration, so it works inside containers and
//! chroots that do not contain it (emu-user must then be statically linked:
//! `scripts/build-static.sh`).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where binfmt_misc lives.
const DIR: &str = "/proc/sys/fs/binfmt_misc";
/// e_ident (class 64, little-endian, version 1, System V ABI), e_type, e_machine
/// (EM_AARCH64 = 183 = 0xb7).
const MAGIC: [u8; 20] = [
    0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xb7, 0,
];
/// Ignores the OS ABI/padding bytes and the low bit of e_type (ET_EXEC/ET_DYN).
const MASK: [u8; 20] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xfe, 0xff, 0xff, 0xff,
];
/// AT_FLAGS bit the kernel sets when the `P` flag preserved argv[0]
/// (AT_FLAGS_PRESERVE_ARGV0, include/uapi/linux/binfmts.h).
const AT_FLAGS_PRESERVE_ARGV0: u64 = 1;

/// The default registration name and flags.
pub const DEFAULT_NAME: &str = "emu-aarch64";
pub const DEFAULT_FLAGS: &str = "POCF";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\x{b:02x}")).collect()
}

/// The line written to binfmt_misc's `register` (and to a binfmt.d file).
pub fn register_line(name: &str, interp: &Path, flags: &str) -> String {
    format!(
        ":{name}:M::{}:{}:{}:{flags}",
        hex(&MAGIC),
        hex(&MASK),
        interp.display()
    )
}

fn check_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty() || name.contains(['/', ':']) || name == "." || name == "..";
    if bad || name == "register" || name == "status" {
        return Err(format!("invalid binfmt_misc name {name:?}"));
    }
    Ok(())
}

fn check_flags(flags: &str) -> Result<(), String> {
    match flags.chars().find(|c| !"POCF".contains(*c)) {
        Some(c) => Err(format!(
            "unknown binfmt_misc flag {c:?} (known: P, O, C, F)"
        )),
        None => Ok(()),
    }
}

/// Mounts binfmt_misc where the kernel has it but nothing mounted it yet.
fn ensure_mounted() -> Result<(), String> {
    let register = Path::new(DIR).join("register");
    if register.exists() {
        return Ok(());
    }
    let r = nix::mount::mount(
        Some("binfmt_misc"),
        DIR,
        Some("binfmt_misc"),
        nix::mount::MsFlags::empty(),
        None::<&str>,
    );
    match r {
        Ok(()) if register.exists() => Ok(()),
        Ok(()) => Err(format!("{DIR}: mounted, but it has no register file")),
        Err(e) => Err(format!("cannot mount binfmt_misc on {DIR}: {e}")),
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Registers `interp` as the handler of arm64 executables under `name`.
pub fn install(name: &str, flags: &str, interp: &Path) -> Result<(), String> {
    check_name(name)?;
    check_flags(flags)?;
    ensure_mounted()?;
    if Path::new(DIR).join(name).exists() {
        return Err(format!(
            "{DIR}/{name} is already registered (uninstall it first)"
        ));
    }
    write(
        &Path::new(DIR).join("register"),
        &register_line(name, interp, flags),
    )
}

/// Removes the registration `name`.
pub fn uninstall(name: &str) -> Result<(), String> {
    check_name(name)?;
    let entry = Path::new(DIR).join(name);
    if !entry.exists() {
        return Err(format!("{} is not registered", entry.display()));
    }
    write(&entry, "-1")
}

/// The kernel's description of the registration `name`, if any.
pub fn status(name: &str) -> Result<String, String> {
    check_name(name)?;
    let entry = Path::new(DIR).join(name);
    std::fs::read_to_string(&entry).map_err(|_| format!("{} is not registered", entry.display()))
}

/// A systemd binfmt.d(5) file registering `interp` at boot.
pub fn binfmt_d(name: &str, flags: &str, interp: &Path) -> Result<String, String> {
    check_name(name)?;
    check_flags(flags)?;
    Ok(format!(
        "# /etc/binfmt.d/{name}.conf: run arm64 (AArch64) ELF programs with emu-user\n{}\n",
        register_line(name, interp, flags)
    ))
}

/// This emu-user, for registrations: its canonical path.
pub fn self_path() -> Result<PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("cannot find emu-user's own path: {e}"))
}

/// How the kernel started emu-user: the command line to parse, with a binfmt_misc
/// `P` invocation (`[emu, path, argv0, args...]`) rewritten to emu-user's own
/// options (`[emu, -0, argv0, path, args...]`), and the AT_EXECFD descriptor of an
/// `O` invocation.
pub fn kernel_invocation(args: Vec<OsString>) -> (Vec<OsString>, Option<i32>) {
    // SAFETY: getauxval reads the process's auxiliary vector; 0 when absent.
    let (flags, execfd) = unsafe {
        (
            libc::getauxval(libc::AT_FLAGS),
            libc::getauxval(libc::AT_EXECFD),
        )
    };
    // AT_EXECFD is 0 when absent; the kernel never hands over fd 0 (stdin).
    let execfd = (execfd != 0).then_some(execfd as i32);
    (rewrite(args, flags & AT_FLAGS_PRESERVE_ARGV0 != 0), execfd)
}

fn rewrite(args: Vec<OsString>, preserved: bool) -> Vec<OsString> {
    if !preserved || args.len() < 3 {
        return args;
    }
    let mut it = args.into_iter();
    let (emu, path, argv0) = (it.next(), it.next(), it.next());
    let head = [emu, Some("-0".into()), argv0, Some("--".into()), path];
    head.into_iter().flatten().chain(it).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registration_line_matches_arm64_executables() {
        let line = register_line("emu-aarch64", Path::new("/usr/bin/emu-user"), "POCF");
        assert_eq!(
            line,
            ":emu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/emu-user:POCF"
        );
        // ET_EXEC and ET_DYN pass the mask; ET_REL and x86-64 do not.
        let matches = |head: &[u8; 20]| (0..20).all(|i| head[i] & MASK[i] == MAGIC[i] & MASK[i]);
        let mut h = MAGIC;
        assert!(matches(&h));
        h[16] = 3;
        assert!(matches(&h));
        h[16] = 1;
        assert!(!matches(&h));
        h[16] = 2;
        h[18] = 62;
        assert!(!matches(&h));
    }

    #[test]
    fn names_and_flags_are_checked() {
        assert!(check_name("emu-aarch64").is_ok());
        for bad in ["", "a/b", "a:b", "register", "status", ".."] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_flags("POCF").is_ok());
        assert!(check_flags("").is_ok());
        assert!(check_flags("PX").is_err());
    }

    #[test]
    fn a_preserved_argv0_becomes_the_0_option() {
        let v = |s: &[&str]| s.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            rewrite(v(&["/emu", "/bin/prog", "prog", "-x", "y"]), true),
            v(&["/emu", "-0", "prog", "--", "/bin/prog", "-x", "y"])
        );
        assert_eq!(
            rewrite(v(&["/emu", "/bin/prog", "-x"]), false),
            v(&["/emu", "/bin/prog", "-x"])
        );
    }
}
