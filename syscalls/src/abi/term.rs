//! Guest terminal ABI: kernel `struct termios` (asm-generic termbits), `struct winsize`,
//! and the tty ioctl request numbers (include/uapi/asm-generic/ioctls.h).

use super::guest_pod;

/// Number of control characters in the kernel termios.
pub const NCCS: usize = 19;

/// The kernel's `struct termios` as TCGETS/TCSETS take it (not glibc's), 36 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Termios {
    pub c_iflag: u32,
    pub c_oflag: u32,
    pub c_cflag: u32,
    pub c_lflag: u32,
    pub c_line: u8,
    pub c_cc: [u8; NCCS],
}

/// `struct winsize`, 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Winsize {
    pub ws_row: u16,
    pub ws_col: u16,
    pub ws_xpixel: u16,
    pub ws_ypixel: u16,
}

guest_pod!(Termios, Winsize);

/// How an ioctl's argument is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoctlArg {
    /// Pointer to a guest `Termios` read by the kernel.
    TermiosIn,
    /// Pointer to a guest `Termios` filled by the kernel.
    TermiosOut,
    /// Pointer to a guest `Winsize` read by the kernel.
    WinsizeIn,
    /// Pointer to a guest `Winsize` filled by the kernel.
    WinsizeOut,
    /// Pointer to a guest `int` (same size and meaning on the host).
    IntPtr,
    /// A plain integer or no argument.
    Value,
    /// Pointer to a guest `struct ifreq` / `struct ifconf` (same layout on the host,
    /// see abi::socket); the kernel checks it.
    SockStruct,
}

/// One supported ioctl: (name, guest request, host request, argument kind).
pub type IoctlEntry = (&'static str, u64, u64, IoctlArg);

/// The ioctls passed to the host. Request numbers are the asm-generic ones on the guest
/// side; the x86-64 host uses the same generic tty numbers.
pub const IOCTLS: &[IoctlEntry] = &[
    ("TCGETS", 0x5401, 0x5401, IoctlArg::TermiosOut),
    ("TCSETS", 0x5402, 0x5402, IoctlArg::TermiosIn),
    ("TCSETSW", 0x5403, 0x5403, IoctlArg::TermiosIn),
    ("TCSETSF", 0x5404, 0x5404, IoctlArg::TermiosIn),
    ("TCFLSH", 0x540B, 0x540B, IoctlArg::Value),
    ("TIOCGPGRP", 0x540F, 0x540F, IoctlArg::IntPtr),
    ("TIOCSPGRP", 0x5410, 0x5410, IoctlArg::IntPtr),
    ("TIOCGWINSZ", 0x5413, 0x5413, IoctlArg::WinsizeOut),
    ("TIOCSWINSZ", 0x5414, 0x5414, IoctlArg::WinsizeIn),
    ("FIONREAD", 0x541B, 0x541B, IoctlArg::IntPtr),
    ("FIONBIO", 0x5421, 0x5421, IoctlArg::IntPtr),
    ("FIONCLEX", 0x5450, 0x5450, IoctlArg::Value),
    ("FIOCLEX", 0x5451, 0x5451, IoctlArg::Value),
];

/// Looks up a guest ioctl request.
pub fn ioctl(guest_req: u64) -> Option<&'static IoctlEntry> {
    IOCTLS
        .iter()
        .chain(super::socket::IOCTLS)
        .find(|e| e.1 == guest_req)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn termios_layout() {
        assert_layout!(Termios, 36, {
            c_iflag: 0, c_oflag: 4, c_cflag: 8, c_lflag: 12, c_line: 16, c_cc: 17,
        });
    }

    #[test]
    fn winsize_layout() {
        assert_layout!(Winsize, 8, { ws_row: 0, ws_col: 2, ws_xpixel: 4, ws_ypixel: 6 });
    }

    #[test]
    fn host_ioctl_numbers_match_libc() {
        let host = [
            ("TCGETS", libc::TCGETS),
            ("TCSETS", libc::TCSETS),
            ("TCSETSW", libc::TCSETSW),
            ("TCSETSF", libc::TCSETSF),
            ("TCFLSH", libc::TCFLSH),
            ("TIOCGPGRP", libc::TIOCGPGRP),
            ("TIOCSPGRP", libc::TIOCSPGRP),
            ("TIOCGWINSZ", libc::TIOCGWINSZ),
            ("TIOCSWINSZ", libc::TIOCSWINSZ),
            ("FIONREAD", libc::FIONREAD),
            ("FIONBIO", libc::FIONBIO),
            ("FIONCLEX", libc::FIONCLEX),
            ("FIOCLEX", libc::FIOCLEX),
        ];
        assert_eq!(host.len(), IOCTLS.len());
        for (name, h) in host {
            let e = IOCTLS.iter().find(|e| e.0 == name).unwrap();
            assert_eq!(e.2, h, "{name}");
        }
    }

    #[test]
    fn lookup_by_guest_number() {
        assert_eq!(ioctl(0x5413).unwrap().0, "TIOCGWINSZ");
        assert!(ioctl(0xdead).is_none());
        assert_eq!(ioctl(0x8933).unwrap().0, "SIOCGIFINDEX");
    }
}
