//! Strings as strace prints them: in double quotes, C escapes for `\t \n \v \f \r`,
//! `\"` and `\\`, other unprintable bytes in octal (`\0`, `\377`; three digits when a
//! digit follows), and at most [`MAX_STR`] bytes followed by `...`.

use crate::guest_mem;
use std::fmt::Write;

/// strace's default `-s`: bytes of a buffer shown.
pub const MAX_STR: usize = 32;

/// `bytes` quoted; `more` adds the `...` that says the data went on.
pub fn quote(bytes: &[u8], more: bool) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            0x0b => s.push_str("\\v"),
            0x0c => s.push_str("\\f"),
            b'\r' => s.push_str("\\r"),
            0x20..=0x7e => s.push(c as char),
            _ => {
                let digit_follows = bytes.get(i + 1).is_some_and(|n| (b'0'..=b'7').contains(n));
                if digit_follows {
                    let _ = write!(s, "\\{c:03o}");
                } else {
                    let _ = write!(s, "\\{c:o}");
                }
            }
        }
    }
    s.push('"');
    if more {
        s.push_str("...");
    }
    s
}

/// A guest buffer of `len` bytes at `addr`, at most [`MAX_STR`] shown; the address in
/// hex if it cannot be read.
pub fn buffer(addr: u64, len: u64) -> String {
    if addr == 0 && len != 0 {
        return "NULL".to_string();
    }
    let shown = len.min(MAX_STR as u64) as usize;
    let mut buf = vec![0u8; shown];
    match guest_mem::read_bytes(addr, &mut buf) {
        Ok(()) => quote(&buf, len as usize > shown),
        Err(_) => format!("{addr:#x}"),
    }
}

/// A NUL-terminated guest string; `limit` bytes at most before `...` (a path is shown
/// whole: `limit` is PATH_MAX).
pub fn cstr(addr: u64, limit: usize) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match guest_mem::read_cstr(addr, limit) {
        Ok(s) => quote(&s, false),
        Err(crate::abi::errno::Errno::ENAMETOOLONG) => {
            let mut buf = vec![0u8; limit];
            match guest_mem::read_bytes(addr, &mut buf) {
                Ok(()) => quote(&buf, true),
                Err(_) => format!("{addr:#x}"),
            }
        }
        Err(_) => format!("{addr:#x}"),
    }
}

/// The pointers of a NULL-terminated guest array (at most `max`; `None` if unreadable).
fn pointers(addr: u64, max: usize) -> Option<(Vec<u64>, bool)> {
    let mut v = Vec::new();
    loop {
        let p = guest_mem::read_val::<u64>(addr + 8 * v.len() as u64).ok()?;
        if p == 0 {
            return Some((v, false));
        }
        if v.len() == max {
            return Some((v, true));
        }
        v.push(p);
    }
}

/// execve's argv: `["ls", "-l"]` (each string shown up to [`MAX_STR`] bytes).
pub fn string_array(addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match pointers(addr, MAX_STR) {
        Some((ptrs, more)) => {
            let mut parts: Vec<String> = ptrs.iter().map(|&p| cstr(p, MAX_STR)).collect();
            if more {
                parts.push("...".to_string());
            }
            format!("[{}]", parts.join(", "))
        }
        None => format!("{addr:#x}"),
    }
}

/// execve's envp, as strace abbreviates it: `0x7ffc... /* 12 vars */`.
pub fn env_array(addr: u64) -> String {
    if addr == 0 {
        return "NULL".to_string();
    }
    match pointers(addr, 4096) {
        Some((ptrs, _)) => format!("{addr:#x} /* {} vars */", ptrs.len()),
        None => format!("{addr:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_strace() {
        assert_eq!(quote(b"hello\n", false), r#""hello\n""#);
        assert_eq!(quote(b"a\tb\r\x0b\x0c", false), r#""a\tb\r\v\f""#);
        assert_eq!(quote(b"q\"b\\", false), r#""q\"b\\""#);
        assert_eq!(quote(b"\0\x01\xff", false), r#""\0\1\377""#);
        // Three octal digits when a digit follows, so the escape stays unambiguous.
        assert_eq!(quote(b"\x001", false), r#""\0001""#);
        assert_eq!(quote(b"\x018", false), r#""\18""#);
    }

    #[test]
    fn truncates_at_32_bytes() {
        let data = [b'a'; 40];
        let s = buffer(data.as_ptr() as u64, 40);
        assert_eq!(s, format!("\"{}\"...", "a".repeat(32)));
        let s = buffer(data.as_ptr() as u64, 32);
        assert_eq!(s, format!("\"{}\"", "a".repeat(32)));
        assert_eq!(buffer(0, 4), "NULL");
    }

    #[test]
    fn argv_and_envp() {
        let (a, b) = (b"ls\0", b"-l\0");
        let argv = [a.as_ptr() as u64, b.as_ptr() as u64, 0];
        assert_eq!(string_array(argv.as_ptr() as u64), r#"["ls", "-l"]"#);
        let envp = argv.as_ptr() as u64;
        assert_eq!(env_array(envp), format!("{envp:#x} /* 2 vars */"));
    }

    #[test]
    fn c_strings() {
        let p = b"/tmp/x\0";
        assert_eq!(cstr(p.as_ptr() as u64, 4096), r#""/tmp/x""#);
        assert_eq!(cstr(p.as_ptr() as u64, 3), r#""/tm"..."#);
        assert_eq!(cstr(0, 4096), "NULL");
    }
}
