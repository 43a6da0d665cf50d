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
    /// Pointer to a struct or integer whose layout is the same on the host (each
    /// such entry's size is checked in its table's tests; for sockets `struct ifreq`
    /// and `struct ifconf`, see abi::socket); the kernel checks it.
    SameLayout,
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
    ("TCSBRK", 0x5409, 0x5409, IoctlArg::Value),
    ("TCXONC", 0x540A, 0x540A, IoctlArg::Value),
    ("TIOCEXCL", 0x540C, 0x540C, IoctlArg::Value),
    ("TIOCNXCL", 0x540D, 0x540D, IoctlArg::Value),
    ("TIOCSCTTY", 0x540E, 0x540E, IoctlArg::Value),
    ("TIOCOUTQ", 0x5411, 0x5411, IoctlArg::IntPtr),
    ("TIOCSTI", 0x5412, 0x5412, IoctlArg::IntPtr),
    ("TIOCMGET", 0x5415, 0x5415, IoctlArg::IntPtr),
    ("TIOCMBIS", 0x5416, 0x5416, IoctlArg::IntPtr),
    ("TIOCMBIC", 0x5417, 0x5417, IoctlArg::IntPtr),
    ("TIOCMSET", 0x5418, 0x5418, IoctlArg::IntPtr),
    ("TIOCGSOFTCAR", 0x5419, 0x5419, IoctlArg::IntPtr),
    ("TIOCSSOFTCAR", 0x541A, 0x541A, IoctlArg::IntPtr),
    ("TIOCCONS", 0x541D, 0x541D, IoctlArg::Value),
    ("TIOCPKT", 0x5420, 0x5420, IoctlArg::IntPtr),
    ("TIOCNOTTY", 0x5422, 0x5422, IoctlArg::Value),
    ("TIOCSETD", 0x5423, 0x5423, IoctlArg::IntPtr),
    ("TIOCGETD", 0x5424, 0x5424, IoctlArg::IntPtr),
    ("TCSBRKP", 0x5425, 0x5425, IoctlArg::Value),
    ("TIOCSBRK", 0x5427, 0x5427, IoctlArg::Value),
    ("TIOCCBRK", 0x5428, 0x5428, IoctlArg::Value),
    ("TIOCGSID", 0x5429, 0x5429, IoctlArg::IntPtr),
    // struct termios2: termios plus c_ispeed and c_ospeed, 44 bytes.
    ("TCGETS2", 0x802C_542A, 0x802C_542A, IoctlArg::SameLayout),
    ("TCSETS2", 0x402C_542B, 0x402C_542B, IoctlArg::SameLayout),
    ("TCSETSW2", 0x402C_542C, 0x402C_542C, IoctlArg::SameLayout),
    ("TCSETSF2", 0x402C_542D, 0x402C_542D, IoctlArg::SameLayout),
    // Pseudo-terminals (posix_openpt, grantpt, unlockpt, ptsname).
    ("TIOCGPTN", 0x8004_5430, 0x8004_5430, IoctlArg::IntPtr),
    ("TIOCSPTLCK", 0x4004_5431, 0x4004_5431, IoctlArg::IntPtr),
    ("TIOCGDEV", 0x8004_5432, 0x8004_5432, IoctlArg::IntPtr),
    ("TIOCSIG", 0x4004_5436, 0x4004_5436, IoctlArg::Value),
    ("TIOCVHANGUP", 0x5437, 0x5437, IoctlArg::Value),
    ("TIOCGPKT", 0x8004_5438, 0x8004_5438, IoctlArg::IntPtr),
    ("TIOCGPTLCK", 0x8004_5439, 0x8004_5439, IoctlArg::IntPtr),
    ("TIOCGEXCL", 0x8004_5440, 0x8004_5440, IoctlArg::IntPtr),
    ("TIOCGPTPEER", 0x5441, 0x5441, IoctlArg::Value),
    ("FIOASYNC", 0x5452, 0x5452, IoctlArg::IntPtr),
    // loff_t *
    ("FIOQSIZE", 0x5460, 0x5460, IoctlArg::SameLayout),
];

/// Looks up a guest ioctl request.
pub fn ioctl(guest_req: u64) -> Option<&'static IoctlEntry> {
    IOCTLS
        .iter()
        .chain(super::socket_consts::IOCTLS)
        .chain(super::ioctl_dev::IOCTLS)
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
            ("TCSBRK", libc::TCSBRK),
            ("TCXONC", libc::TCXONC),
            ("TIOCEXCL", libc::TIOCEXCL),
            ("TIOCNXCL", libc::TIOCNXCL),
            ("TIOCSCTTY", libc::TIOCSCTTY),
            ("TIOCOUTQ", libc::TIOCOUTQ),
            ("TIOCSTI", libc::TIOCSTI),
            ("TIOCMGET", libc::TIOCMGET),
            ("TIOCMBIS", libc::TIOCMBIS),
            ("TIOCMBIC", libc::TIOCMBIC),
            ("TIOCMSET", libc::TIOCMSET),
            ("TIOCGSOFTCAR", libc::TIOCGSOFTCAR),
            ("TIOCSSOFTCAR", libc::TIOCSSOFTCAR),
            ("TIOCCONS", libc::TIOCCONS),
            ("TIOCPKT", libc::TIOCPKT),
            ("TIOCNOTTY", libc::TIOCNOTTY),
            ("TIOCSETD", libc::TIOCSETD),
            ("TIOCGETD", libc::TIOCGETD),
            ("TCSBRKP", libc::TCSBRKP),
            ("TIOCSBRK", libc::TIOCSBRK),
            ("TIOCCBRK", libc::TIOCCBRK),
            ("TIOCGSID", libc::TIOCGSID),
            ("TCGETS2", libc::TCGETS2),
            ("TCSETS2", libc::TCSETS2),
            ("TCSETSW2", libc::TCSETSW2),
            ("TCSETSF2", libc::TCSETSF2),
            ("TIOCGPTN", libc::TIOCGPTN),
            ("TIOCSPTLCK", libc::TIOCSPTLCK),
            ("TIOCGDEV", libc::TIOCGDEV),
            ("TIOCSIG", libc::TIOCSIG),
            ("TIOCVHANGUP", libc::TIOCVHANGUP),
            ("TIOCGPKT", libc::TIOCGPKT),
            ("TIOCGPTLCK", libc::TIOCGPTLCK),
            ("TIOCGEXCL", libc::TIOCGEXCL),
            ("TIOCGPTPEER", libc::TIOCGPTPEER),
            ("FIOASYNC", libc::FIOASYNC),
            ("FIOQSIZE", libc::FIOQSIZE),
        ];
        assert_eq!(host.len(), IOCTLS.len());
        for (name, h) in host {
            let e = IOCTLS.iter().find(|e| e.0 == name).unwrap();
            assert_eq!(e.2, h, "{name}");
        }
    }

    /// The guest numbers are asm-generic's: _IOC(dir, 'T', nr, size) with the size
    /// of the arm64 argument type, which the host's type matches.
    #[test]
    fn same_layout_arguments_match_their_sizes() {
        // termios2 on the host (libc's) and on arm64 (termios + 2 x speed_t).
        assert_eq!(std::mem::size_of::<libc::termios2>(), 44);
        assert_eq!(std::mem::size_of::<Termios>() + 8, 44);
        for e in IOCTLS.iter().filter(|e| e.3 == IoctlArg::SameLayout) {
            let size = (e.1 >> 16) & 0x3fff;
            let want = if e.0 == "FIOQSIZE" { 0 } else { 44 };
            assert_eq!(size, want, "{}", e.0);
        }
    }

    #[test]
    fn guest_numbers_are_unique_across_tables() {
        let all: Vec<u64> = IOCTLS
            .iter()
            .chain(super::super::socket_consts::IOCTLS)
            .chain(super::super::ioctl_dev::IOCTLS)
            .map(|e| e.1)
            .collect();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len());
    }

    #[test]
    fn lookup_by_guest_number() {
        assert_eq!(ioctl(0x5413).unwrap().0, "TIOCGWINSZ");
        assert!(ioctl(0xdead).is_none());
        assert_eq!(ioctl(0x8933).unwrap().0, "SIOCGIFINDEX");
    }
}
