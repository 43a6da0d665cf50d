//! Other guest structs: `iovec`, `utsname`, `rlimit`, `sysinfo`, `linux_dirent64`,
//! `flock`, and the RLIMIT_* resource table.

use super::guest_pod;

/// `struct iovec`, 16 bytes (same on the host: readv/writev pass guest arrays through).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Iovec {
    pub iov_base: u64,
    pub iov_len: u64,
}

/// Length of each `utsname` field.
pub const UTS_LEN: usize = 65;

/// `struct new_utsname`, 390 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utsname {
    pub sysname: [u8; UTS_LEN],
    pub nodename: [u8; UTS_LEN],
    pub release: [u8; UTS_LEN],
    pub version: [u8; UTS_LEN],
    pub machine: [u8; UTS_LEN],
    pub domainname: [u8; UTS_LEN],
}

impl Default for Utsname {
    fn default() -> Self {
        let z = [0u8; UTS_LEN];
        Utsname {
            sysname: z,
            nodename: z,
            release: z,
            version: z,
            machine: z,
            domainname: z,
        }
    }
}

/// `struct rlimit` / `struct rlimit64` on 64-bit, 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Rlimit {
    pub rlim_cur: u64,
    pub rlim_max: u64,
}

/// `struct sysinfo` on 64-bit, 112 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Sysinfo {
    pub uptime: i64,
    pub loads: [u64; 3],
    pub totalram: u64,
    pub freeram: u64,
    pub sharedram: u64,
    pub bufferram: u64,
    pub totalswap: u64,
    pub freeswap: u64,
    pub procs: u16,
    pub pad: u16,
    pub pad2: u32,
    pub totalhigh: u64,
    pub freehigh: u64,
    pub mem_unit: u32,
    pub pad3: u32,
}

/// Fixed header of `struct linux_dirent64` (followed by the NUL-terminated name). The
/// layout is architecture-independent, so getdents64 buffers pass through.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Dirent64 {
    pub d_ino: u64,
    pub d_off: i64,
    pub d_reclen: u16,
    pub d_type: u8,
    pub d_name0: u8,
    pub pad: u32,
}

/// `struct flock` on 64-bit, 32 bytes (same on the host: F_GETLK & co. pass through).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Flock {
    pub l_type: i16,
    pub l_whence: i16,
    pub pad: u32,
    pub l_start: i64,
    pub l_len: i64,
    pub l_pid: i32,
    pub pad2: u32,
}

guest_pod!(Iovec, Utsname, Rlimit, Sysinfo, Dirent64, Flock);

/// RLIMIT_* resources: (name, guest number, host number). asm-generic numbering on both.
pub const RLIMITS: &[(&str, u32, u32)] = &[
    ("RLIMIT_CPU", 0, 0),
    ("RLIMIT_FSIZE", 1, 1),
    ("RLIMIT_DATA", 2, 2),
    ("RLIMIT_STACK", 3, 3),
    ("RLIMIT_CORE", 4, 4),
    ("RLIMIT_RSS", 5, 5),
    ("RLIMIT_NPROC", 6, 6),
    ("RLIMIT_NOFILE", 7, 7),
    ("RLIMIT_MEMLOCK", 8, 8),
    ("RLIMIT_AS", 9, 9),
    ("RLIMIT_LOCKS", 10, 10),
    ("RLIMIT_SIGPENDING", 11, 11),
    ("RLIMIT_MSGQUEUE", 12, 12),
    ("RLIMIT_NICE", 13, 13),
    ("RLIMIT_RTPRIO", 14, 14),
    ("RLIMIT_RTTIME", 15, 15),
];

/// Converts a guest RLIMIT_* number to the host's.
pub fn rlimit_to_host(guest: u64) -> Option<u32> {
    RLIMITS.iter().find(|r| r.1 as u64 == guest).map(|r| r.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn iovec_layout() {
        assert_layout!(Iovec, 16, { iov_base: 0, iov_len: 8 });
        assert_eq!(std::mem::size_of::<libc::iovec>(), 16);
    }

    #[test]
    fn utsname_layout() {
        assert_layout!(Utsname, 390, {
            sysname: 0, nodename: 65, release: 130, version: 195, machine: 260, domainname: 325,
        });
    }

    #[test]
    fn rlimit_layout() {
        assert_layout!(Rlimit, 16, { rlim_cur: 0, rlim_max: 8 });
    }

    #[test]
    fn sysinfo_layout() {
        assert_layout!(Sysinfo, 112, {
            uptime: 0, loads: 8, totalram: 32, freeram: 40, sharedram: 48, bufferram: 56,
            totalswap: 64, freeswap: 72, procs: 80, totalhigh: 88, freehigh: 96, mem_unit: 104,
        });
    }

    #[test]
    fn dirent64_layout() {
        assert_layout!(Dirent64, 24, { d_ino: 0, d_off: 8, d_reclen: 16, d_type: 18, d_name0: 19 });
    }

    #[test]
    fn flock_layout() {
        assert_layout!(Flock, 32, { l_type: 0, l_whence: 2, l_start: 8, l_len: 16, l_pid: 24 });
        assert_eq!(std::mem::size_of::<libc::flock>(), 32);
    }

    #[test]
    fn rlimits_match_host() {
        let host = [
            libc::RLIMIT_CPU,
            libc::RLIMIT_FSIZE,
            libc::RLIMIT_DATA,
            libc::RLIMIT_STACK,
            libc::RLIMIT_CORE,
            libc::RLIMIT_RSS,
            libc::RLIMIT_NPROC,
            libc::RLIMIT_NOFILE,
            libc::RLIMIT_MEMLOCK,
            libc::RLIMIT_AS,
            libc::RLIMIT_LOCKS,
            libc::RLIMIT_SIGPENDING,
            libc::RLIMIT_MSGQUEUE,
            libc::RLIMIT_NICE,
            libc::RLIMIT_RTPRIO,
            libc::RLIMIT_RTTIME,
        ];
        for (i, (r, h)) in RLIMITS.iter().zip(host).enumerate() {
            assert_eq!(r.1 as usize, i, "{}", r.0);
            assert_eq!(r.2, h, "{}", r.0);
        }
        assert_eq!(rlimit_to_host(7), Some(libc::RLIMIT_NOFILE));
        assert_eq!(rlimit_to_host(16), None);
    }
}
