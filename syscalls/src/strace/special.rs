//! Arguments whose meaning depends on a command argument, as strace prints them:
//! fcntl's third argument (and the flags F_GETFL/F_GETFD return), futex's arguments
//! after the op. The table's letters name the command (`f`, `w`); these functions
//! give the rest.

use super::args::{hex, ptr};
use super::flags::open_flags;
use super::names::{fcntl_cmd, futex_op, whence};
use super::structs::{timespec, with};
use crate::abi::flags::{self as fl, FcntlArg};
use crate::abi::misc::Flock;

/// `{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}` (with l_pid for GETLK).
fn flock(addr: u64, with_pid: bool) -> String {
    with::<Flock>(addr, |l| {
        let ty = match l.l_type {
            0 => "F_RDLCK".to_string(),
            1 => "F_WRLCK".to_string(),
            2 => "F_UNLCK".to_string(),
            t => t.to_string(),
        };
        let pid = if with_pid {
            format!(", l_pid={}", l.l_pid)
        } else {
            String::new()
        };
        format!(
            "{{l_type={ty}, l_whence={}, l_start={}, l_len={}{pid}}}",
            whence(l.l_whence as u64),
            l.l_start,
            l.l_len
        )
    })
}

/// fcntl's arguments: `3, F_SETFD, FD_CLOEXEC`; `ret` is a successful result.
pub fn fcntl(a: &[u64; 6], ret: Option<u64>) -> String {
    let (fd, cmd, arg) = (a[0] as i32, a[1], a[2]);
    let head = format!("{fd}, {}", fcntl_cmd(cmd));
    let third = match fl::fcntl_arg(cmd) {
        Some(FcntlArg::None) => return head,
        _ if cmd == fl::F_SETFD && arg == 1 => "FD_CLOEXEC".to_string(),
        Some(FcntlArg::OpenFlags) => open_flags(arg),
        Some(FcntlArg::FlockIn) => flock(arg, false),
        Some(FcntlArg::FlockOut) if ret.is_some() => flock(arg, true),
        Some(FcntlArg::FlockOut | FcntlArg::SameLayout) => ptr(arg),
        Some(FcntlArg::Int) | None => (arg as i32).to_string(),
    };
    format!("{head}, {third}")
}

/// What strace adds after fcntl's result: ` (flags O_RDWR|O_LARGEFILE)`.
pub fn fcntl_note(a: &[u64; 6], ret: u64) -> String {
    match a[1] {
        fl::F_GETFL => format!(" (flags {})", open_flags(ret)),
        fl::F_GETFD if ret == 0 => String::new(),
        fl::F_GETFD if ret & 1 != 0 => " (flags FD_CLOEXEC)".to_string(),
        _ => String::new(),
    }
}

/// fcntl's result in hex for the flag-returning commands, as strace prints it.
pub fn fcntl_hex_result(a: &[u64; 6]) -> bool {
    matches!(a[1], fl::F_GETFL | fl::F_GETFD)
}

/// ioctl's arguments by request, from the ioctl table's argument kinds: `[0]` for an
/// int, `{ws_row=24, ws_col=80, ...}` for a winsize, the termios flags.
pub fn ioctl(a: &[u64; 6], ret: Option<u64>) -> String {
    use crate::abi::term::{ioctl as entry, IoctlArg, Termios, Winsize};
    let head = format!("{}, {}", a[0] as i32, super::names::ioctl_request(a[1]));
    let arg = a[2];
    let winsize = |w: &Winsize| {
        format!(
            "{{ws_row={}, ws_col={}, ws_xpixel={}, ws_ypixel={}}}",
            w.ws_row, w.ws_col, w.ws_xpixel, w.ws_ypixel
        )
    };
    let termios = |t: &Termios| {
        format!(
            "{{c_iflag={:#x}, c_oflag={:#x}, c_cflag={:#x}, c_lflag={:#x}, ...}}",
            t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag
        )
    };
    let third = match entry(a[1]).map(|e| e.3) {
        Some(IoctlArg::Value) if arg == 0 => return head,
        Some(IoctlArg::Value) => hex(arg),
        Some(IoctlArg::IntPtr) if ret.is_some() => with::<i32>(arg, |v| format!("[{v}]")),
        Some(IoctlArg::WinsizeIn) => with::<Winsize>(arg, winsize),
        Some(IoctlArg::WinsizeOut) if ret.is_some() => with::<Winsize>(arg, winsize),
        Some(IoctlArg::TermiosIn) => with::<Termios>(arg, termios),
        Some(IoctlArg::TermiosOut) if ret.is_some() => with::<Termios>(arg, termios),
        _ => ptr(arg),
    };
    format!("{head}, {third}")
}

/// A socket option's value at `addr` (`len` bytes) for option `name` at `level`:
/// `[1]` for an int, `[ECONNREFUSED]` for SO_ERROR, the linger, ucred and timeval
/// structs, else the address.
pub fn sockopt(level: u64, name: u64, addr: u64, len: u64) -> String {
    use crate::abi::socket::{Linger, Ucred};
    use crate::abi::socket_consts::{
        SOL_SOCKET, SO_LINGER, SO_PEERCRED, SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD,
    };
    use crate::abi::time::Timeval;
    const SO_ERROR: i32 = 4;
    let size = |n: usize| len as usize == n;
    let (level, name) = (level as i32, name as i32);
    match (level == SOL_SOCKET, name) {
        (true, SO_ERROR) if size(4) => with::<i32>(addr, |&e| match e {
            0 => "[0]".to_string(),
            e => format!("[{}]", super::errno_name(e)),
        }),
        (true, SO_LINGER) if size(8) => with::<Linger>(addr, |l| {
            format!("{{l_onoff={}, l_linger={}}}", l.l_onoff, l.l_linger)
        }),
        (true, SO_PEERCRED) if size(12) => with::<Ucred>(addr, |c| {
            format!("{{pid={}, uid={}, gid={}}}", c.pid, c.uid, c.gid)
        }),
        (true, SO_RCVTIMEO_OLD | SO_SNDTIMEO_OLD) if size(16) => with::<Timeval>(addr, |t| {
            format!("{{tv_sec={}, tv_usec={}}}", t.tv_sec, t.tv_usec)
        }),
        _ if size(4) => with::<i32>(addr, |v| format!("[{v}]")),
        _ => ptr(addr),
    }
}

/// futex's arguments after the op, by op: `0x..., FUTEX_WAIT_PRIVATE, 2, NULL`.
pub fn futex(a: &[u64; 6]) -> String {
    let op = a[1] & 0x7f;
    let val = a[2] as i32;
    let bitset = |v: u64| match v as u32 {
        u32::MAX => "FUTEX_BITSET_MATCH_ANY".to_string(),
        b => format!("{b:#x}"),
    };
    let mut parts = vec![ptr(a[0]), futex_op(a[1]), val.to_string()];
    match op {
        // WAIT, LOCK_PI, LOCK_PI2, TRYLOCK_PI, WAIT_REQUEUE_PI: a timeout.
        0 => parts.push(timespec(a[3])),
        6 | 8 | 13 => {
            parts.truncate(2);
            parts.push(timespec(a[3]));
        }
        7 => parts.truncate(2),
        1 | 2 => {}
        3 => parts.extend([(a[3] as i32).to_string(), ptr(a[4])]),
        4 | 12 => parts.extend([
            (a[3] as i32).to_string(),
            ptr(a[4]),
            (a[5] as i32).to_string(),
        ]),
        5 => parts.extend([(a[3] as i32).to_string(), ptr(a[4]), hex(a[5])]),
        9 => parts.extend([timespec(a[3]), bitset(a[5])]),
        10 => parts.extend([bitset(a[5])]),
        11 => parts.extend([timespec(a[3]), ptr(a[4])]),
        _ => parts.extend([hex(a[3]), hex(a[4]), hex(a[5])]),
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fcntl_by_command() {
        assert_eq!(fcntl(&[3, fl::F_GETFL, 0, 0, 0, 0], None), "3, F_GETFL");
        assert_eq!(
            fcntl_note(&[3, fl::F_GETFL, 0, 0, 0, 0], 0o400002),
            " (flags O_RDWR|O_LARGEFILE)"
        );
        assert_eq!(
            fcntl(&[3, fl::F_SETFD, 1, 0, 0, 0], None),
            "3, F_SETFD, FD_CLOEXEC"
        );
        assert_eq!(
            fcntl(&[3, fl::F_SETFL, 0o4002, 0, 0, 0], None),
            "3, F_SETFL, O_RDWR|O_NONBLOCK"
        );
        assert_eq!(
            fcntl(&[3, fl::F_DUPFD_CLOEXEC, 10, 0, 0, 0], None),
            "3, F_DUPFD_CLOEXEC, 10"
        );
        let l = Flock {
            l_type: 1,
            ..Flock::default()
        };
        assert_eq!(
            fcntl(&[3, fl::F_SETLK, &l as *const _ as u64, 0, 0, 0], None),
            "3, F_SETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}"
        );
    }

    #[test]
    fn socket_option_values() {
        let one: i32 = 1;
        let p = &one as *const i32 as u64;
        assert_eq!(sockopt(1, 2, p, 4), "[1]");
        let err: i32 = 111;
        let p = &err as *const i32 as u64;
        assert_eq!(sockopt(1, 4, p, 4), "[ECONNREFUSED]");
        let l: [i32; 2] = [1, 5];
        assert_eq!(
            sockopt(1, 13, l.as_ptr() as u64, 8),
            "{l_onoff=1, l_linger=5}"
        );
        assert_eq!(sockopt(1, 13, 0x1000, 3), "0x1000");
    }

    #[test]
    fn futex_by_op() {
        assert_eq!(
            futex(&[0x1000, 128, 2, 0, 0, 0]),
            "0x1000, FUTEX_WAIT_PRIVATE, 2, NULL"
        );
        assert_eq!(
            futex(&[0x1000, 129, 1, 0, 0, 0]),
            "0x1000, FUTEX_WAKE_PRIVATE, 1"
        );
        assert_eq!(
            futex(&[0x1000, 9 | 128 | 256, 0, 0, 0, u32::MAX as u64]),
            "0x1000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY"
        );
    }
}
