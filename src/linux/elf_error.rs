//! Why a program could not be loaded, as one line for the user and an exit
//! status the way a shell reports a failed `execve` (127: not found, 126:
//! found but cannot be executed).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Exit status for a program that does not exist.
pub const EXIT_NOT_FOUND: i32 = 127;
/// Exit status for a program that exists but cannot be executed.
pub const EXIT_CANNOT_EXECUTE: i32 = 126;

/// What is wrong with one file (the program or its interpreter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file does not exist.
    NotFound,
    /// The path names a directory.
    IsDirectory,
    /// The path names something that is neither a file nor a directory.
    NotRegularFile,
    /// Opening or reading the file failed (permission denied, I/O error…).
    Io(String),
    /// No ELF magic number.
    NotElf,
    /// ELFCLASS32 or an unknown class.
    WrongClass(u8),
    /// Big-endian or unknown data encoding.
    WrongEndian(u8),
    /// e_machine is not EM_AARCH64.
    WrongArch(u16),
    /// e_type is neither ET_EXEC nor ET_DYN.
    WrongType(u16),
    /// The headers contradict themselves or the file.
    Malformed(String),
    /// The host refused a mapping the program needs.
    Map(String),
    /// argv + envp do not fit the stack.
    ArgListTooLong,
}

impl Problem {
    fn exit_code(&self) -> i32 {
        match self {
            Problem::NotFound => EXIT_NOT_FOUND,
            _ => EXIT_CANNOT_EXECUTE,
        }
    }

    /// Classifies an error from opening or reading a file.
    pub fn from_io(err: &io::Error) -> Problem {
        match err.kind() {
            io::ErrorKind::NotFound => Problem::NotFound,
            io::ErrorKind::PermissionDenied => Problem::Io("permission denied".into()),
            io::ErrorKind::UnexpectedEof => Problem::Malformed("file is truncated".into()),
            _ => Problem::Io(strip_os_suffix(&err.to_string())),
        }
    }
}

/// `io::Error`'s Display appends " (os error N)"; the user does not need it.
fn strip_os_suffix(text: &str) -> String {
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text.to_string(),
    }
}

/// Name of an ELF e_machine value, for the "wrong architecture" message.
fn machine_name(machine: u16) -> &'static str {
    const NAMES: &[(u16, &str)] = &[
        (2, "SPARC"),
        (3, "x86"),
        (8, "MIPS"),
        (20, "PowerPC"),
        (21, "PowerPC64"),
        (22, "S/390"),
        (40, "ARM (32-bit)"),
        (62, "x86-64"),
        (183, "AArch64"),
        (243, "RISC-V"),
        (258, "LoongArch"),
    ];
    NAMES
        .iter()
        .find(|(m, _)| *m == machine)
        .map_or("unknown", |(_, n)| n)
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotFound => f.write_str("no such file"),
            Problem::IsDirectory => f.write_str("is a directory"),
            Problem::NotRegularFile => f.write_str("not a regular file"),
            Problem::Io(what) => f.write_str(what),
            Problem::NotElf => f.write_str("not an ELF file"),
            Problem::WrongClass(class) => {
                let what = match class {
                    1 => "32-bit",
                    _ => "unknown class",
                };
                write!(
                    f,
                    "wrong ELF class ({what}); only 64-bit AArch64 programs run"
                )
            }
            Problem::WrongEndian(data) => {
                let what = match data {
                    2 => "big-endian",
                    _ => "unknown byte order",
                };
                write!(f, "{what} ELF; only little-endian AArch64 programs run")
            }
            Problem::WrongArch(m) => write!(
                f,
                "wrong architecture: ELF machine {m} ({}), expected 183 (AArch64)",
                machine_name(*m)
            ),
            Problem::WrongType(t) => {
                let what = match t {
                    1 => "relocatable object",
                    4 => "core dump",
                    _ => "unknown type",
                };
                write!(f, "not an executable: ELF type {t} ({what})")
            }
            Problem::Malformed(why) => write!(f, "malformed ELF: {why}"),
            Problem::Map(why) => write!(f, "cannot map: {why}"),
            Problem::ArgListTooLong => f.write_str("argument list too long"),
        }
    }
}

/// A load failure: the program as named on the command line, optionally the
/// interpreter the problem is about, and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    path: PathBuf,
    interp: Option<PathBuf>,
    problem: Problem,
}

impl LoadError {
    /// A problem with the program itself.
    pub fn new(path: &Path, problem: Problem) -> LoadError {
        LoadError {
            path: path.to_path_buf(),
            interp: None,
            problem,
        }
    }

    /// A problem with the program's interpreter (PT_INTERP), found at `interp`.
    pub fn interp(path: &Path, interp: &Path, problem: Problem) -> LoadError {
        LoadError {
            path: path.to_path_buf(),
            interp: Some(interp.to_path_buf()),
            problem,
        }
    }

    /// What went wrong.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// Exit status: 127 when the program or its interpreter does not exist,
    /// 126 when it exists but cannot be executed.
    pub fn exit_code(&self) -> i32 {
        self.problem.exit_code()
    }
}

/// A path on one line: control characters (a newline in a file name) are
/// escaped so the message stays one line.
struct OneLine<'a>(&'a Path);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.to_string_lossy().chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "emu-user: {}: ", OneLine(&self.path))?;
        match (&self.interp, &self.problem) {
            (Some(interp), Problem::NotFound) => write!(
                f,
                "interpreter {} not found (point -L or EMU_LD_PREFIX at an AArch64 sysroot)",
                OneLine(interp)
            ),
            (Some(interp), problem) => {
                write!(f, "interpreter {}: {problem}", OneLine(interp))
            }
            (None, problem) => write!(f, "{problem}"),
        }
    }
}

impl std::error::Error for LoadError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_is_127_everything_else_126() {
        let p = Path::new("x");
        assert_eq!(LoadError::new(p, Problem::NotFound).exit_code(), 127);
        assert_eq!(
            LoadError::interp(p, Path::new("/ld.so"), Problem::NotFound).exit_code(),
            127
        );
        for problem in [
            Problem::IsDirectory,
            Problem::NotElf,
            Problem::WrongArch(62),
            Problem::WrongClass(1),
            Problem::Malformed("x".into()),
            Problem::Io("permission denied".into()),
        ] {
            assert_eq!(LoadError::new(p, problem).exit_code(), 126);
        }
    }

    #[test]
    fn message_is_one_line_naming_the_path() {
        let e = LoadError::new(Path::new("dir/a\nb"), Problem::WrongArch(62));
        let text = e.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(text.starts_with("emu-user: dir/a\\nb: wrong architecture"));
        assert!(text.contains("x86-64"));
    }

    #[test]
    fn interpreter_problems_name_the_interpreter() {
        let e = LoadError::interp(Path::new("p"), Path::new("/lib/ld.so"), Problem::NotElf);
        assert_eq!(
            e.to_string(),
            "emu-user: p: interpreter /lib/ld.so: not an ELF file"
        );
    }

    #[test]
    fn io_errors_lose_the_os_error_suffix() {
        let err = io::Error::from_raw_os_error(libc::EIO);
        match Problem::from_io(&err) {
            Problem::Io(text) => assert!(!text.contains("os error"), "{text}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
