//! Guest flag values and their host translations: open flags (which differ between
//! arm64 and x86-64), mmap/mprotect bits, fcntl commands, `*at` flags.

/// Open/fcntl file status flags: (name, arm64 guest value, x86-64 host value).
///
/// Guest values: include/uapi/asm-generic/fcntl.h with arm64's overrides
/// (arch/arm64/include/uapi/asm/fcntl.h). Host values: arch/x86/include/uapi/asm/fcntl.h
/// is the generic file with no overrides. Four bits differ.
pub const OPEN_FLAGS: &[(&str, u32, u32)] = &[
    ("O_WRONLY", 0o1, 0o1),
    ("O_RDWR", 0o2, 0o2),
    ("O_CREAT", 0o100, 0o100),
    ("O_EXCL", 0o200, 0o200),
    ("O_NOCTTY", 0o400, 0o400),
    ("O_TRUNC", 0o1000, 0o1000),
    ("O_APPEND", 0o2000, 0o2000),
    ("O_NONBLOCK", 0o4000, 0o4000),
    ("O_DSYNC", 0o10000, 0o10000),
    ("FASYNC", 0o20000, 0o20000),
    ("O_DIRECTORY", 0o40000, 0o200000),
    ("O_NOFOLLOW", 0o100000, 0o400000),
    ("O_DIRECT", 0o200000, 0o40000),
    ("O_LARGEFILE", 0o400000, 0o100000),
    ("O_NOATIME", 0o1000000, 0o1000000),
    ("O_CLOEXEC", 0o2000000, 0o2000000),
    ("__O_SYNC", 0o4000000, 0o4000000),
    ("O_PATH", 0o10000000, 0o10000000),
    ("__O_TMPFILE", 0o20000000, 0o20000000),
];

/// Guest O_CLOEXEC (dup3, pipe2).
pub const O_CLOEXEC: u32 = 0o2000000;

fn translate(flags: u32, from_guest: bool) -> u32 {
    OPEN_FLAGS.iter().fold(0, |acc, &(_, g, h)| {
        let (from, to) = if from_guest { (g, h) } else { (h, g) };
        if flags & from != 0 {
            acc | to
        } else {
            acc
        }
    })
}

/// Guest open flags → host. Unknown guest bits are dropped (open ignores them too).
pub fn open_flags_to_host(guest: u32) -> u32 {
    translate(guest, true)
}

/// Host file status flags (F_GETFL) → guest.
pub fn open_flags_to_guest(host: u32) -> u32 {
    translate(host, false)
}

/// mmap/mprotect protection bits.
pub const PROT_READ: u64 = 0x1;
pub const PROT_WRITE: u64 = 0x2;
pub const PROT_EXEC: u64 = 0x4;
/// arm64-only protection bits (branch target identification, memory tagging); the host
/// has no equivalent, so they are stripped.
pub const PROT_BTI: u64 = 0x10;
pub const PROT_MTE: u64 = 0x20;

/// Guest protection bits → host.
pub fn prot_to_host(guest: u64) -> i32 {
    (guest & !(PROT_BTI | PROT_MTE)) as i32
}

/// mmap flags. The asm-generic values (arm64) equal the x86-64 ones for every flag the
/// guest can name; x86-64 adds MAP_32BIT at a bit arm64 leaves undefined.
pub const MAP_SHARED: u64 = 0x1;
pub const MAP_PRIVATE: u64 = 0x2;
pub const MAP_SHARED_VALIDATE: u64 = 0x3;
pub const MAP_TYPE: u64 = 0xf;
pub const MAP_FIXED: u64 = 0x10;
pub const MAP_ANONYMOUS: u64 = 0x20;
/// The bit the host reads as MAP_32BIT; meaningless to an arm64 kernel.
pub const MAP_HOST_32BIT: u64 = 0x40;
pub const MAP_FIXED_NOREPLACE: u64 = 0x10_0000;

/// Guest mmap flags → host, or `None` if an arm64 kernel would reject them.
///
/// An arm64 kernel ignores undefined flag bits for the legacy map types and rejects them
/// (EOPNOTSUPP) with MAP_SHARED_VALIDATE. The one such bit the host would honour is
/// MAP_32BIT; it is removed (legacy types) or refused (MAP_SHARED_VALIDATE).
pub fn map_flags_to_host(guest: u64) -> Option<i32> {
    if guest & MAP_HOST_32BIT != 0 && guest & MAP_TYPE == MAP_SHARED_VALIDATE {
        return None;
    }
    Some((guest & !MAP_HOST_32BIT) as i32)
}

/// fcntl commands (asm-generic and x86-64 agree).
pub const F_DUPFD: u64 = 0;
pub const F_GETFD: u64 = 1;
pub const F_SETFD: u64 = 2;
pub const F_GETFL: u64 = 3;
pub const F_SETFL: u64 = 4;
pub const F_GETLK: u64 = 5;
pub const F_SETLK: u64 = 6;
pub const F_SETLKW: u64 = 7;
pub const F_SETOWN: u64 = 8;
pub const F_GETOWN: u64 = 9;
pub const F_OFD_GETLK: u64 = 36;
pub const F_OFD_SETLK: u64 = 37;
pub const F_OFD_SETLKW: u64 = 38;
pub const F_DUPFD_CLOEXEC: u64 = 1030;
pub const F_SETPIPE_SZ: u64 = 1031;
pub const F_GETPIPE_SZ: u64 = 1032;
pub const F_ADD_SEALS: u64 = 1033;
pub const F_GET_SEALS: u64 = 1034;

/// What an fcntl command's third argument is, for the handler and strace.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FcntlArg {
    /// Unused (a getter): strace prints nothing.
    None,
    /// An integer (fd, flags other than the open flags, size, signal).
    Int,
    /// Open flags (`O_*`), whose values differ between arm64 and x86-64.
    OpenFlags,
    /// A `struct flock`, read by the kernel (same layout on both, see
    /// `abi::misc::Flock`).
    FlockIn,
    /// A `struct flock` the kernel fills in.
    FlockOut,
    /// A pointer to a struct of the same layout on both (`f_owner_ex`,
    /// `uid_t[2]`, `u64` write-life hint).
    SameLayout,
}

/// Every fcntl command an arm64 kernel knows (uapi `asm-generic/fcntl.h` and
/// `linux/fcntl.h`), by name, value and argument; the 32-bit `*64` lock
/// commands do not exist on a 64-bit kernel. The handler accepts exactly
/// these and strace names them from here.
pub const FCNTL_COMMANDS: &[(&str, u64, FcntlArg)] = &[
    ("F_DUPFD", F_DUPFD, FcntlArg::Int),
    ("F_GETFD", F_GETFD, FcntlArg::None),
    ("F_SETFD", F_SETFD, FcntlArg::Int),
    ("F_GETFL", F_GETFL, FcntlArg::None),
    ("F_SETFL", F_SETFL, FcntlArg::OpenFlags),
    ("F_GETLK", F_GETLK, FcntlArg::FlockOut),
    ("F_SETLK", F_SETLK, FcntlArg::FlockIn),
    ("F_SETLKW", F_SETLKW, FcntlArg::FlockIn),
    ("F_SETOWN", F_SETOWN, FcntlArg::Int),
    ("F_GETOWN", F_GETOWN, FcntlArg::None),
    ("F_SETSIG", 10, FcntlArg::Int),
    ("F_GETSIG", 11, FcntlArg::None),
    ("F_SETOWN_EX", 15, FcntlArg::SameLayout),
    ("F_GETOWN_EX", 16, FcntlArg::SameLayout),
    ("F_GETOWNER_UIDS", 17, FcntlArg::SameLayout),
    ("F_OFD_GETLK", F_OFD_GETLK, FcntlArg::FlockOut),
    ("F_OFD_SETLK", F_OFD_SETLK, FcntlArg::FlockIn),
    ("F_OFD_SETLKW", F_OFD_SETLKW, FcntlArg::FlockIn),
    ("F_SETLEASE", 1024, FcntlArg::Int),
    ("F_GETLEASE", 1025, FcntlArg::None),
    ("F_NOTIFY", 1026, FcntlArg::Int),
    ("F_DUPFD_QUERY", 1027, FcntlArg::Int),
    ("F_CREATED_QUERY", 1028, FcntlArg::None),
    ("F_CANCELLK", 1029, FcntlArg::None),
    ("F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC, FcntlArg::Int),
    ("F_SETPIPE_SZ", F_SETPIPE_SZ, FcntlArg::Int),
    ("F_GETPIPE_SZ", F_GETPIPE_SZ, FcntlArg::None),
    ("F_ADD_SEALS", F_ADD_SEALS, FcntlArg::Int),
    ("F_GET_SEALS", F_GET_SEALS, FcntlArg::None),
    ("F_GET_RW_HINT", 1035, FcntlArg::SameLayout),
    ("F_SET_RW_HINT", 1036, FcntlArg::SameLayout),
    ("F_GET_FILE_RW_HINT", 1037, FcntlArg::SameLayout),
    ("F_SET_FILE_RW_HINT", 1038, FcntlArg::SameLayout),
];

/// The argument kind of fcntl command `cmd`, if an arm64 kernel knows it.
pub fn fcntl_arg(cmd: u64) -> Option<FcntlArg> {
    FCNTL_COMMANDS.iter().find(|e| e.1 == cmd).map(|e| e.2)
}

/// `*at` directory fd meaning "current directory".
pub const AT_FDCWD: i32 = -100;
/// `*at` flags (same on both).
pub const AT_SYMLINK_NOFOLLOW: u64 = 0x100;
pub const AT_EMPTY_PATH: u64 = 0x1000;

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(name: &str) -> u32 {
        OPEN_FLAGS.iter().find(|f| f.0 == name).unwrap().1
    }

    #[test]
    fn arm64_values_differ_where_expected() {
        assert_eq!(guest("O_DIRECTORY"), 0o40000);
        assert_eq!(guest("O_NOFOLLOW"), 0o100000);
        assert_eq!(guest("O_DIRECT"), 0o200000);
        assert_eq!(guest("O_LARGEFILE"), 0o400000);
    }

    #[test]
    fn host_values_match_libc() {
        let host = [
            ("O_WRONLY", libc::O_WRONLY),
            ("O_RDWR", libc::O_RDWR),
            ("O_CREAT", libc::O_CREAT),
            ("O_EXCL", libc::O_EXCL),
            ("O_NOCTTY", libc::O_NOCTTY),
            ("O_TRUNC", libc::O_TRUNC),
            ("O_APPEND", libc::O_APPEND),
            ("O_NONBLOCK", libc::O_NONBLOCK),
            ("O_DSYNC", libc::O_DSYNC),
            ("FASYNC", libc::O_ASYNC),
            ("O_DIRECTORY", libc::O_DIRECTORY),
            ("O_NOFOLLOW", libc::O_NOFOLLOW),
            ("O_DIRECT", libc::O_DIRECT),
            ("O_NOATIME", libc::O_NOATIME),
            ("O_CLOEXEC", libc::O_CLOEXEC),
            ("O_PATH", libc::O_PATH),
        ];
        for (name, h) in host {
            let e = OPEN_FLAGS.iter().find(|f| f.0 == name).unwrap();
            assert_eq!(e.2, h as u32, "{name}");
        }
        // glibc hides the kernel's O_LARGEFILE (0 in userspace on x86-64) and splits
        // O_SYNC / O_TMPFILE; check the combined values.
        assert_eq!(guest("__O_SYNC") | guest("O_DSYNC"), 0o4010000);
        assert_eq!(open_flags_to_host(0o4010000), libc::O_SYNC as u32);
        assert_eq!(open_flags_to_host(0o20040000), libc::O_TMPFILE as u32);
    }

    #[test]
    fn translate_each_bit_both_ways() {
        for &(name, g, h) in OPEN_FLAGS {
            assert_eq!(open_flags_to_host(g), h, "{name}");
            assert_eq!(open_flags_to_guest(h), g, "{name}");
        }
    }

    #[test]
    fn translate_combinations() {
        // O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC as glibc's opendir passes it.
        let g = 0o40000 | 0o100000 | 0o2000000;
        assert_eq!(open_flags_to_host(g), 0o200000 | 0o400000 | 0o2000000);
        // Host F_GETFL with O_LARGEFILE|O_RDWR|O_APPEND.
        assert_eq!(
            open_flags_to_guest(0o100000 | 0o2 | 0o2000),
            0o400000 | 0o2 | 0o2000
        );
        // Round trip of everything.
        let all = OPEN_FLAGS.iter().fold(0, |a, f| a | f.1);
        assert_eq!(open_flags_to_guest(open_flags_to_host(all)), all);
        assert_eq!(open_flags_to_host(0), 0);
    }

    #[test]
    fn guest_bits_unique() {
        for (i, a) in OPEN_FLAGS.iter().enumerate() {
            for b in &OPEN_FLAGS[i + 1..] {
                assert_eq!(a.1 & b.1, 0, "{} {}", a.0, b.0);
                assert_eq!(a.2 & b.2, 0, "{} {}", a.0, b.0);
            }
        }
    }

    #[test]
    fn prot_strips_arm64_bits() {
        assert_eq!(
            prot_to_host(PROT_READ | PROT_EXEC | PROT_BTI),
            libc::PROT_READ | libc::PROT_EXEC
        );
        assert_eq!(
            prot_to_host(PROT_READ | PROT_WRITE | PROT_MTE),
            libc::PROT_READ | libc::PROT_WRITE
        );
    }

    #[test]
    fn map_flags() {
        assert_eq!(MAP_FIXED as i32, libc::MAP_FIXED);
        assert_eq!(MAP_ANONYMOUS as i32, libc::MAP_ANONYMOUS);
        assert_eq!(MAP_FIXED_NOREPLACE as i32, libc::MAP_FIXED_NOREPLACE);
        assert_eq!(MAP_HOST_32BIT as i32, libc::MAP_32BIT);
        let g = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HOST_32BIT;
        assert_eq!(
            map_flags_to_host(g),
            Some(libc::MAP_PRIVATE | libc::MAP_ANONYMOUS)
        );
        assert_eq!(
            map_flags_to_host(MAP_SHARED_VALIDATE | MAP_HOST_32BIT),
            None
        );
    }
}
