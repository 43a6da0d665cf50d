//! strace-style formatting of a syscall from its table row.

use crate::abi::errno::Errno;
use crate::{guest_mem, table, Outcome};
use std::fmt::Write;

fn arg(kind: char, v: u64, out: &mut String) {
    let _ = match kind {
        'd' => write!(out, "{}", v as u32 as i32),
        'D' => write!(out, "{}", v as i64),
        'u' => write!(out, "{v}"),
        'o' => write!(out, "{v:#o}"),
        's' => match guest_mem::read_cstr(v, 256) {
            Ok(s) => write!(out, "{:?}", String::from_utf8_lossy(&s)),
            Err(_) => write!(out, "{v:#x}"),
        },
        _ => write!(out, "{v:#x}"),
    };
}

/// `name(args) = result`, e.g. `write(1, 0x4000, 5) = 5` or `openat(...) = -2 (ENOENT)`.
pub fn format(nr: u64, args: &[u64; 6], out: Outcome) -> String {
    let mut s = String::new();
    match table::lookup(nr) {
        Some(e) => {
            s.push_str(e.name);
            s.push('(');
            for (i, k) in e.strace.chars().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                arg(k, args[i], &mut s);
            }
            s.push(')');
        }
        None => {
            let _ = write!(s, "syscall_{nr}(...)");
        }
    }
    let _ = match out {
        Outcome::Ret(v) if (v as i64) < 0 && (v as i64) > -4096 => {
            let e = Errno(-(v as i64) as i32);
            let name = crate::abi::errno::ALL
                .iter()
                .find(|n| n.1 == e)
                .map_or("?", |n| n.0);
            write!(s, " = {} ({name})", v as i64)
        }
        Outcome::Ret(v) => write!(s, " = {v:#x}"),
        Outcome::Exit(c) => write!(s, " = ? (exit {c})"),
        Outcome::ExitGroup(c) => write!(s, " = ? (exit_group {c})"),
        Outcome::Child { .. } => write!(s, " = 0 (child)"),
        Outcome::SigReturn => write!(s, " = ? (sigreturn)"),
        Outcome::NewThread(_) => write!(s, " = ? (new thread)"),
        Outcome::Vfork(_) => write!(s, " = ? (vfork)"),
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nr;

    #[test]
    fn formats_args_by_table_letters() {
        let path = b"/tmp/x\0";
        let args = [
            (-100i64) as u64,
            path.as_ptr() as u64,
            0o2000000,
            0o644,
            0,
            0,
        ];
        let s = format(nr::OPENAT, &args, Outcome::Ret(Errno::ENOENT.to_ret()));
        assert_eq!(s, "openat(-100, \"/tmp/x\", 0x80000, 0o644) = -2 (ENOENT)");
        let s = format(nr::EXIT_GROUP, &[3, 0, 0, 0, 0, 0], Outcome::ExitGroup(3));
        assert_eq!(s, "exit_group(3) = ? (exit_group 3)");
    }
}
