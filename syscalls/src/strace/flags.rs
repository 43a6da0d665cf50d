//! Names for numbers and flag sets, as strace prints them: `O_RDONLY|O_CLOEXEC`,
//! `PROT_READ|PROT_WRITE`, `SIGUSR1`, `CLONE_VM|...|SIGCHLD`, `AF_INET`, ...
//!
//! Every value comes from the constants the translation layer uses (abi::flags,
//! abi::signal, clone::clone_flags); the tables here only pair those constants with
//! their names. Commands, ids and event bits are in `names`.

use crate::abi::flags::{self as fl, OPEN_FLAGS};
use crate::abi::signal::{self as sg, CLASSIC};
use crate::clone::clone_flags as cf;

/// `A|B|0x40` from a table of single-bit (or multi-bit) names; `zero` when `v` is 0.
/// When no name matches, strace adds the family as a comment: `0x40 /* SOCK_??? */`.
pub fn bits(v: u64, table: &[(&str, u64)], zero: &str) -> String {
    let s = bits_plain(v, table, zero);
    if v == 0 || !s.starts_with("0x") {
        return s;
    }
    let family = table
        .first()
        .map_or("", |e| &e.0[..e.0.find('_').map_or(0, |i| i + 1)]);
    format!("{s} /* {family}??? */")
}

/// [`bits`] without the comment (open flags: `O_RDONLY|0x80000000`).
fn bits_plain(v: u64, table: &[(&str, u64)], zero: &str) -> String {
    if v == 0 {
        return zero.to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = v;
    for &(name, bit) in table {
        if bit != 0 && rest & bit == bit {
            parts.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    parts.join("|")
}

/// The name of `v` in `table`, or `v` in decimal (strace's unknown-value form is the
/// number followed by a comment with the prefix: `0x63 /* CLOCK_??? */`).
pub fn name_or(v: i64, table: &[(&str, i64)], unknown: &str) -> String {
    match table.iter().find(|e| e.1 == v) {
        Some(e) => e.0.to_string(),
        None if unknown.is_empty() => v.to_string(),
        None => format!("{v:#x} /* {unknown}_??? */"),
    }
}

/// Open flags: the access mode by name (`O_RDONLY` is 0), then the other bits.
pub fn open_flags(v: u64) -> String {
    let acc = match v & 3 {
        0 => "O_RDONLY",
        1 => "O_WRONLY",
        2 => "O_RDWR",
        _ => "O_ACCMODE",
    };
    let table: Vec<(&str, u64)> = OPEN_FLAGS
        .iter()
        .filter(|e| e.1 > 2)
        .map(|e| (e.0, e.1 as u64))
        .collect();
    // __O_SYNC always travels with O_DSYNC: strace names the pair O_SYNC.
    let mut v = v & !3;
    let mut out = acc.to_string();
    const SYNC: u64 = 0o4010000;
    if v & SYNC == SYNC {
        out.push_str("|O_SYNC");
        v &= !SYNC;
    }
    if v != 0 {
        out.push('|');
        out.push_str(&bits_plain(v, &table, "0"));
    }
    out
}

/// An octal number as C's `%#03o` prints it: `000`, `022`, `0644`.
pub fn octal(v: u64) -> String {
    if v == 0 {
        "000".to_string()
    } else {
        format!("{:0>3}", format!("0{v:o}"))
    }
}

/// Creation flags of pipe2, dup3, eventfd2, inotify_init1, ...: open flag names
/// without an access mode, `0` for none.
pub fn fd_flags(v: u64) -> String {
    match open_flags(v & !3) {
        s if s == "O_RDONLY" => "0".to_string(),
        s => s.trim_start_matches("O_RDONLY|").to_string(),
    }
}

/// A mode: octal (`0644`), with the file type by name if present (`S_IFREG|0644`).
pub fn mode(v: u64) -> String {
    const TYPES: &[(&str, u64)] = &[
        ("S_IFSOCK", 0o140000),
        ("S_IFLNK", 0o120000),
        ("S_IFREG", 0o100000),
        ("S_IFBLK", 0o060000),
        ("S_IFDIR", 0o040000),
        ("S_IFCHR", 0o020000),
        ("S_IFIFO", 0o010000),
    ];
    let ty = v & 0o170000;
    match TYPES.iter().find(|t| t.1 == ty) {
        Some(t) => format!("{}|{}", t.0, octal(v & 0o7777)),
        None => octal(v),
    }
}

pub fn prot(v: u64) -> String {
    let t = [
        ("PROT_READ", fl::PROT_READ),
        ("PROT_WRITE", fl::PROT_WRITE),
        ("PROT_EXEC", fl::PROT_EXEC),
        ("PROT_BTI", fl::PROT_BTI),
        ("PROT_MTE", fl::PROT_MTE),
    ];
    bits(v, &t, "PROT_NONE")
}

pub fn map_flags(v: u64) -> String {
    let ty = match v & fl::MAP_TYPE {
        fl::MAP_SHARED => "MAP_SHARED".to_string(),
        fl::MAP_PRIVATE => "MAP_PRIVATE".to_string(),
        fl::MAP_SHARED_VALIDATE => "MAP_SHARED_VALIDATE".to_string(),
        t => format!("{t:#x} /* MAP_??? */"),
    };
    let t = [
        ("MAP_FIXED", fl::MAP_FIXED),
        ("MAP_ANONYMOUS", fl::MAP_ANONYMOUS),
        ("MAP_GROWSDOWN", 0x100),
        ("MAP_DENYWRITE", 0x800),
        ("MAP_EXECUTABLE", 0x1000),
        ("MAP_LOCKED", 0x2000),
        ("MAP_NORESERVE", 0x4000),
        ("MAP_POPULATE", 0x8000),
        ("MAP_NONBLOCK", 0x1_0000),
        ("MAP_STACK", 0x2_0000),
        ("MAP_HUGETLB", 0x4_0000),
        ("MAP_SYNC", 0x8_0000),
        ("MAP_FIXED_NOREPLACE", fl::MAP_FIXED_NOREPLACE),
    ];
    match v & !fl::MAP_TYPE {
        0 => ty,
        rest => format!("{ty}|{}", bits(rest, &t, "0")),
    }
}

/// `*at` flags.
pub fn at_flags(v: u64) -> String {
    let t = [
        ("AT_SYMLINK_NOFOLLOW", fl::AT_SYMLINK_NOFOLLOW),
        ("AT_REMOVEDIR", 0x200),
        ("AT_SYMLINK_FOLLOW", 0x400),
        ("AT_NO_AUTOMOUNT", 0x800),
        ("AT_EMPTY_PATH", fl::AT_EMPTY_PATH),
    ];
    bits(v, &t, "0")
}

/// A directory fd of the `*at` calls.
pub fn dirfd(v: u64) -> String {
    match v as i32 {
        fl::AT_FDCWD => "AT_FDCWD".to_string(),
        fd => fd.to_string(),
    }
}

/// `SIGUSR1`; real-time signals as `SIGRTMIN`, `SIGRT_1`, ... (the kernel's SIGRTMIN is 32).
pub fn signal(v: u64) -> String {
    let n = v as u32;
    match CLASSIC.iter().find(|s| s.1 == n) {
        Some(s) => s.0.to_string(),
        None if n == 32 => "SIGRTMIN".to_string(),
        None if (33..=sg::NSIG as u32).contains(&n) => format!("SIGRT_{}", n - 32),
        None => (v as i32).to_string(),
    }
}

/// A sigset as strace prints it: `[USR1 TERM]`, or `~[KILL STOP]` when most bits are set.
pub fn sigset(mask: u64) -> String {
    let list = |m: u64| {
        (1..=sg::NSIG as u32)
            .filter(|&s| m & sg::sig_bit(s) != 0)
            .map(|s| signal(s as u64).trim_start_matches("SIG").to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if mask.count_ones() > 32 {
        format!("~[{}]", list(!mask))
    } else {
        format!("[{}]", list(mask))
    }
}

pub fn sigprocmask_how(v: u64) -> String {
    let t = [
        ("SIG_BLOCK", sg::SIG_BLOCK as i64),
        ("SIG_UNBLOCK", sg::SIG_UNBLOCK as i64),
        ("SIG_SETMASK", sg::SIG_SETMASK as i64),
    ];
    name_or(v as i64, &t, "SIG")
}

pub fn sa_flags(v: u64) -> String {
    // strace's order.
    let t = [
        ("SA_RESTORER", sg::SA_RESTORER),
        ("SA_ONSTACK", sg::SA_ONSTACK),
        ("SA_RESTART", sg::SA_RESTART),
        ("SA_NODEFER", sg::SA_NODEFER),
        ("SA_RESETHAND", sg::SA_RESETHAND),
        ("SA_SIGINFO", sg::SA_SIGINFO),
        ("SA_NOCLDSTOP", sg::SA_NOCLDSTOP),
        ("SA_NOCLDWAIT", sg::SA_NOCLDWAIT),
    ];
    bits(v, &t, "0")
}

/// Clone flags, the exit signal (CSIGNAL bits) last by name.
pub fn clone_flags(v: u64) -> String {
    let t = [
        ("CLONE_VM", cf::CLONE_VM),
        ("CLONE_FS", cf::CLONE_FS),
        ("CLONE_FILES", cf::CLONE_FILES),
        ("CLONE_SIGHAND", cf::CLONE_SIGHAND),
        ("CLONE_PIDFD", cf::CLONE_PIDFD),
        ("CLONE_PTRACE", cf::CLONE_PTRACE),
        ("CLONE_VFORK", cf::CLONE_VFORK),
        ("CLONE_PARENT", cf::CLONE_PARENT),
        ("CLONE_THREAD", cf::CLONE_THREAD),
        ("CLONE_NEWNS", cf::CLONE_NEWNS),
        ("CLONE_SYSVSEM", cf::CLONE_SYSVSEM),
        ("CLONE_SETTLS", cf::CLONE_SETTLS),
        ("CLONE_PARENT_SETTID", cf::CLONE_PARENT_SETTID),
        ("CLONE_CHILD_CLEARTID", cf::CLONE_CHILD_CLEARTID),
        ("CLONE_DETACHED", cf::CLONE_DETACHED),
        ("CLONE_UNTRACED", cf::CLONE_UNTRACED),
        ("CLONE_CHILD_SETTID", cf::CLONE_CHILD_SETTID),
        ("CLONE_NEWCGROUP", cf::CLONE_NEWCGROUP),
        ("CLONE_NEWUTS", cf::CLONE_NEWUTS),
        ("CLONE_NEWIPC", cf::CLONE_NEWIPC),
        ("CLONE_NEWUSER", cf::CLONE_NEWUSER),
        ("CLONE_NEWPID", cf::CLONE_NEWPID),
        ("CLONE_NEWNET", cf::CLONE_NEWNET),
        ("CLONE_IO", cf::CLONE_IO),
        ("CLONE_CLEAR_SIGHAND", cf::CLONE_CLEAR_SIGHAND),
        ("CLONE_INTO_CGROUP", cf::CLONE_INTO_CGROUP),
    ];
    let sig = v & cf::CSIGNAL;
    let mut s = bits(v & !cf::CSIGNAL, &t, "");
    if sig != 0 {
        if !s.is_empty() {
            s.push('|');
        }
        s.push_str(&signal(sig));
    }
    if s.is_empty() {
        s.push('0');
    }
    s
}

#[cfg(test)]
mod tests;
