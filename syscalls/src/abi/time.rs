//! Guest time structs: `timespec`, `timeval`, `tms`, `rusage` (64-bit arm64 layouts).

use super::guest_pod;

/// `struct timespec` (`__kernel_timespec`), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}

/// `struct timeval` (`__kernel_old_timeval` on 64-bit), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Timeval {
    pub tv_sec: i64,
    pub tv_usec: i64,
}

/// `struct tms` (times), 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Tms {
    pub tms_utime: i64,
    pub tms_stime: i64,
    pub tms_cutime: i64,
    pub tms_cstime: i64,
}

/// `struct rusage` (include/uapi/linux/resource.h), 144 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Rusage {
    pub ru_utime: Timeval,
    pub ru_stime: Timeval,
    /// ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap,
    /// ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw.
    pub ru_longs: [i64; 14],
}

guest_pod!(Timespec, Timeval, Tms, Rusage);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn timespec_layout() {
        assert_layout!(Timespec, 16, { tv_sec: 0, tv_nsec: 8 });
        // The time syscalls pass guest pointers straight to the host: same layout.
        assert_eq!(std::mem::size_of::<libc::timespec>(), 16);
    }

    #[test]
    fn timeval_layout() {
        assert_layout!(Timeval, 16, { tv_sec: 0, tv_usec: 8 });
        assert_eq!(std::mem::size_of::<libc::timeval>(), 16);
    }

    #[test]
    fn tms_layout() {
        assert_layout!(Tms, 32, { tms_utime: 0, tms_stime: 8, tms_cutime: 16, tms_cstime: 24 });
    }

    #[test]
    fn rusage_layout() {
        assert_layout!(Rusage, 144, { ru_utime: 0, ru_stime: 16, ru_longs: 32 });
        assert_eq!(std::mem::size_of::<libc::rusage>(), 144);
    }
}
