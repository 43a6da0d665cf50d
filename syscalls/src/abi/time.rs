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

/// `struct timex` (`__kernel_timex`, include/uapi/linux/timex.h), 208 bytes: every
/// field is an int or a 64-bit long on both 64-bit ABIs, so the host reads the
/// guest's bytes unchanged (see the test against the host C library).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Timex {
    pub modes: u32,
    pub pad0: u32,
    pub offset: i64,
    pub freq: i64,
    pub maxerror: i64,
    pub esterror: i64,
    pub status: i32,
    pub pad1: u32,
    pub constant: i64,
    pub precision: i64,
    pub tolerance: i64,
    pub time: Timeval,
    pub tick: i64,
    pub ppsfreq: i64,
    pub jitter: i64,
    pub shift: i32,
    pub pad2: u32,
    pub stability: i64,
    pub jitcnt: i64,
    pub calcnt: i64,
    pub errcnt: i64,
    pub stbcnt: i64,
    pub tai: i32,
    pub reserved: [i32; 11],
}

guest_pod!(Timespec, Timeval, Tms, Rusage, Timex);

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

    #[test]
    fn timex_layout_matches_host() {
        use std::mem::offset_of;
        assert_layout!(Timex, 208, {
            modes: 0, offset: 8, freq: 16, status: 40, constant: 48, time: 72, tick: 88,
            shift: 112, stability: 120, stbcnt: 152, tai: 160,
        });
        assert_eq!(std::mem::size_of::<libc::timex>(), 208);
        assert_eq!(offset_of!(libc::timex, offset), 8);
        assert_eq!(offset_of!(libc::timex, status), 40);
        assert_eq!(offset_of!(libc::timex, time), 72);
        assert_eq!(offset_of!(libc::timex, shift), 112);
        assert_eq!(offset_of!(libc::timex, tai), 160);
    }
}
