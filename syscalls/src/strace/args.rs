//! One argument of a syscall from its format letter (the letters are documented at
//! the top of table.rs). Inputs are decoded when the call starts, outputs when it has
//! returned: an output argument of a failed call is its address, as strace prints it.

use super::{flags as f, names as n, quote, sig, sockaddr, special, structs as st};
use crate::guest_mem::PATH_MAX;

/// When an argument is decoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    /// Before the call: the value (or memory) the guest passes in.
    In,
    /// After the call: memory the kernel filled; `ret` bounds it.
    Out,
}

/// Every format letter (documented in table.rs).
pub const LETTERS: &str =
    "dDuxopsAFOPmnSCcfwIWHegyjEh+_&^?%!@()|<.,\\~-\"/`'b[$v:{>KTaqRMYlB#VkLtGQrXZUNJiz*};";

/// Letters whose argument is written by the call.
const OUT: &str = "BV#kLtGQrXZUNJiz*};'";

/// Letters whose argument is a pointer into guest memory (also what the tagged
/// address ABI untags, see `tagged_addr`): every struct, buffer and string letter,
/// and `p`. mremap's new address (`` ` ``) is an address but not a pointer the
/// kernel dereferences.
const POINTERS: &str = "ps\\\"/'b[$v:{>KTaqRMYlB#VkLtGQrXZUNJiz*};";

/// Whether an argument with format letter `kind` is a guest pointer.
pub fn is_pointer(kind: char) -> bool {
    POINTERS.contains(kind)
}

pub fn phase(kind: char) -> Phase {
    if OUT.contains(kind) {
        Phase::Out
    } else {
        Phase::In
    }
}

/// A socklen_t pointer's value before the call (`[128]`), for `[128 => 16]`.
pub fn socklen_before(v: u64) -> String {
    st::int_out(v)
}

/// `NULL` or the address in hex.
pub fn ptr(v: u64) -> String {
    if v == 0 {
        "NULL".to_string()
    } else {
        format!("{v:#x}")
    }
}

/// Hex, `0` for zero (as strace prints flags it cannot name).
pub fn hex(v: u64) -> String {
    if v == 0 {
        "0".to_string()
    } else {
        format!("{v:#x}")
    }
}

/// Argument `i` of `a` as letter `kind` says; `ret` is the call's successful result
/// (`None` before the call or after a failure). `None` means the argument is not shown
/// (a mode without O_CREAT).
pub fn decode(kind: char, i: usize, a: &[u64; 6], ret: Option<u64>) -> Option<String> {
    let v = a[i];
    let next = a.get(i + 1).copied().unwrap_or(0);
    if phase(kind) == Phase::Out {
        let Some(r) = ret else {
            return Some(ptr(v));
        };
        return Some(decode_out(kind, a, v, next, r));
    }
    Some(match kind {
        'd' => (v as i32).to_string(),
        'D' => (v as i64).to_string(),
        'u' => v.to_string(),
        'o' => f::octal(v),
        'p' => ptr(v),
        's' => quote::cstr(v, PATH_MAX),
        'A' => f::dirfd(v),
        'F' => f::open_flags(v),
        '+' => f::fd_flags(v),
        'O' => {
            // The mode matters (and strace shows it) only with O_CREAT or O_TMPFILE.
            const NEEDS_MODE: u64 = 0o100 | 0o20000000;
            let flags = a[i.checked_sub(1)?];
            if flags & NEEDS_MODE == 0 {
                return None;
            }
            f::octal(v)
        }
        'P' => f::prot(v),
        'm' => f::map_flags(v),
        'n' => f::at_flags(v),
        'S' => f::signal(v),
        'C' => f::clone_flags(v),
        'c' => n::clock_id(v),
        'f' => n::fcntl_cmd(v),
        'w' => n::futex_op(v),
        'I' => n::ioctl_request(v),
        'W' => n::wait_options(v),
        'H' => f::sigprocmask_how(v),
        'e' => n::sock_family(v),
        'y' => n::sock_type(v),
        'g' => n::msg_flags(v),
        'j' => n::rlimit_resource(v),
        'E' => n::epoll_ctl_op(v),
        'h' => st::statx_mask(v),
        '_' => n::whence(v),
        '&' => n::madvise_advice(v),
        '^' => n::getrandom_flags(v),
        '?' => n::mremap_flags(v),
        '%' => n::shutdown_how(v),
        '!' => n::statx_flags(v),
        '@' => n::prctl_option(v),
        '(' => n::sockopt_level(v),
        ')' => n::sockopt_name(a[i.checked_sub(1)?], v),
        '|' => n::sock_flags(v),
        '<' => n::sock_protocol(a[0], v),
        '.' => n::cloexec_flags(v, "EPOLL"),
        '\\' => clone3_args(v),
        '~' => n::access_mode(v),
        '-' => n::itimer_which(v),
        '"' => st::itimerval(v),
        '/' => sig::siginfo_at(v),
        '`' => {
            // mremap's new address: only with MREMAP_FIXED or MREMAP_DONTUNMAP.
            if a[i.checked_sub(1)?] & 6 == 0 {
                return None;
            }
            ptr(v)
        }
        ',' => n::cloexec_flags(v, "EFD"),
        ':' => special::sockopt(a[1], a[2], v, next),
        '{' => st::stack_t(v),
        '>' => st::open_how(v),
        'b' => quote::buffer(v, next),
        '[' => quote::string_array(v),
        '$' => quote::env_array(v),
        'v' => st::iovecs(v, next, None),
        'K' => sockaddr::sockaddr(v, next),
        'T' => st::timespec(v),
        'a' => sig::sigaction(v),
        'q' => sig::sigset_at(v),
        'R' => st::rlimit(v),
        'M' => st::msghdr(v, None),
        'Y' => st::epoll_event_in(v),
        'l' => st::pollfds(v, next),
        _ => hex(v),
    })
}

fn decode_out(kind: char, a: &[u64; 6], v: u64, next: u64, ret: u64) -> String {
    match kind {
        'B' => quote::buffer(v, ret),
        '#' => quote::cstr(v, PATH_MAX),
        'V' => st::iovecs(v, next, Some(ret)),
        'k' => {
            let len = crate::guest_mem::read_val::<u32>(next).unwrap_or(0);
            sockaddr::sockaddr(v, len as u64)
        }
        'L' => st::int_out(v),
        't' => st::timespec(v),
        'G' => sig::sigaction(v),
        'Q' => sig::sigset_at(v),
        'r' => st::rlimit(v),
        'X' => st::stat(v),
        'Z' => st::statx(v),
        'U' => st::utsname(v),
        'N' => st::msghdr(v, Some(ret)),
        'J' => st::epoll_events_out(v, ret),
        'i' => st::int_pair(v),
        'z' => st::wait_status(v),
        '*' => st::dirents(v, ret),
        '}' => st::stack_t(v),
        '\'' => st::itimerval(v),
        ';' => {
            let len = crate::guest_mem::read_val::<u32>(next).unwrap_or(0);
            special::sockopt(a[1], a[2], v, len as u64)
        }
        _ => hex(v),
    }
}

/// clone's arguments as strace names them: `child_stack=..., flags=..., parent_tid=...,
/// tls=..., child_tidptr=...`, each of the last three only when a flag uses it.
/// arm64's order is (flags, stack, parent_tid, tls, child_tid).
pub fn clone(a: &[u64; 6], ret: Option<u64>) -> String {
    use crate::clone::clone_flags::*;
    let flags = a[0];
    let mut parts = vec![
        format!("child_stack={}", ptr(a[1])),
        format!("flags={}", f::clone_flags(flags)),
    ];
    if flags & (CLONE_PARENT_SETTID | CLONE_PIDFD) != 0 {
        let tid = match ret {
            Some(_) => st::int_out(a[2]),
            None => ptr(a[2]),
        };
        parts.push(format!("parent_tid={tid}"));
    }
    if flags & CLONE_SETTLS != 0 {
        parts.push(format!("tls={}", ptr(a[3])));
    }
    if flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
        parts.push(format!("child_tidptr={}", ptr(a[4])));
    }
    parts.join(", ")
}

/// clone3's `struct clone_args`: `{flags=..., child_tid=..., exit_signal=SIGCHLD,
/// stack=..., stack_size=..., tls=...}`, each pointer only when a flag uses it.
fn clone3_args(addr: u64) -> String {
    use crate::clone::clone_flags::*;
    use crate::clone::GuestCloneArgs;
    st::with::<GuestCloneArgs>(addr, |c| {
        let mut parts = vec![format!("flags={}", f::clone_flags(c.flags))];
        if c.flags & CLONE_PIDFD != 0 {
            parts.push(format!("pidfd={}", ptr(c.pidfd)));
        }
        if c.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
            parts.push(format!("child_tid={}", ptr(c.child_tid)));
        }
        if c.flags & CLONE_PARENT_SETTID != 0 {
            parts.push(format!("parent_tid={}", ptr(c.parent_tid)));
        }
        let sig = match c.exit_signal {
            0 => "0".to_string(),
            s => f::signal(s),
        };
        parts.push(format!("exit_signal={sig}"));
        parts.push(format!("stack={}", ptr(c.stack)));
        parts.push(format!("stack_size={}", hex(c.stack_size)));
        if c.flags & CLONE_SETTLS != 0 {
            parts.push(format!("tls={}", ptr(c.tls)));
        }
        format!("{{{}}}", parts.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone3_struct() {
        use crate::clone::clone_flags::*;
        use crate::clone::GuestCloneArgs;
        let c = GuestCloneArgs {
            flags: CLONE_VM | CLONE_VFORK,
            exit_signal: 17,
            stack: 0x1000,
            stack_size: 0x2000,
            ..GuestCloneArgs::default()
        };
        assert_eq!(
            clone3_args(&c as *const _ as u64),
            "{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x1000, stack_size=0x2000}"
        );
    }

    #[test]
    fn mode_only_with_o_creat() {
        let a = [0, 0, 0o100, 0o644, 0, 0];
        assert_eq!(decode('O', 3, &a, None).as_deref(), Some("0644"));
        let a = [0, 0, 0o2000000, 0o644, 0, 0];
        assert_eq!(decode('O', 3, &a, None), None);
    }

    #[test]
    fn outputs_of_failed_calls_are_addresses() {
        let a = [0, 0x1000, 0, 0, 0, 0];
        assert_eq!(decode('t', 1, &a, None).as_deref(), Some("0x1000"));
        let a = [0, 0, 0, 0, 0, 0];
        assert_eq!(decode('X', 1, &a, None).as_deref(), Some("NULL"));
    }

    #[test]
    fn buffers_in_and_out() {
        let data = b"hello\nworld";
        let a = [1, data.as_ptr() as u64, 6, 0, 0, 0];
        assert_eq!(decode('b', 1, &a, None).as_deref(), Some(r#""hello\n""#));
        let a = [3, data.as_ptr() as u64, 64, 0, 0, 0];
        assert_eq!(decode('B', 1, &a, Some(5)).as_deref(), Some(r#""hello""#));
    }

    #[test]
    fn clone_names_its_arguments() {
        use crate::clone::clone_flags::*;
        let a = [
            CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | 17,
            0,
            0,
            0,
            0x4000,
            0,
        ];
        assert_eq!(
            clone(&a, Some(5)),
            "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x4000"
        );
    }
}

#[cfg(test)]
mod letter_tests {
    use super::*;

    #[test]
    fn pointer_and_output_letters_are_format_letters() {
        assert!(POINTERS.chars().all(|c| LETTERS.contains(c)), "{POINTERS}");
        // Every output letter is memory the call writes: a pointer.
        assert!(OUT.chars().all(is_pointer));
        for c in "dDuxoAFOPmnSCcfwIWHegyjEh+_&^?%!@()|<.,~-`".chars() {
            assert!(!is_pointer(c), "{c}");
        }
    }
}
