//! Guest `struct stat` (asm-generic layout used by arm64) and `struct statx`.

use super::guest_pod;

/// arm64 `struct stat` (include/uapi/asm-generic/stat.h), 128 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Stat {
    pub st_dev: u64,
    pub st_ino: u64,
    pub st_mode: u32,
    pub st_nlink: u32,
    pub st_uid: u32,
    pub st_gid: u32,
    pub st_rdev: u64,
    pub pad1: u64,
    pub st_size: i64,
    pub st_blksize: i32,
    pub pad2: i32,
    pub st_blocks: i64,
    pub st_atime: i64,
    pub st_atime_nsec: u64,
    pub st_mtime: i64,
    pub st_mtime_nsec: u64,
    pub st_ctime: i64,
    pub st_ctime_nsec: u64,
    pub unused4: u32,
    pub unused5: u32,
}

impl Stat {
    /// Converts the host's `struct stat` (x86-64 layout) to the guest's.
    pub fn from_host(h: &libc::stat) -> Stat {
        Stat {
            st_dev: h.st_dev,
            st_ino: h.st_ino,
            st_mode: h.st_mode,
            // The guest field is 32 bits wide; the kernel's cp_new_stat truncates likewise.
            st_nlink: h.st_nlink as u32,
            st_uid: h.st_uid,
            st_gid: h.st_gid,
            st_rdev: h.st_rdev,
            st_size: h.st_size,
            st_blksize: h.st_blksize as i32,
            st_blocks: h.st_blocks,
            st_atime: h.st_atime,
            st_atime_nsec: h.st_atime_nsec as u64,
            st_mtime: h.st_mtime,
            st_mtime_nsec: h.st_mtime_nsec as u64,
            st_ctime: h.st_ctime,
            st_ctime_nsec: h.st_ctime_nsec as u64,
            ..Stat::default()
        }
    }
}

/// `struct statx_timestamp` (include/uapi/linux/stat.h), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct StatxTimestamp {
    pub tv_sec: i64,
    pub tv_nsec: u32,
    pub reserved: i32,
}

/// `struct statx` (include/uapi/linux/stat.h), 256 bytes; the same on every architecture,
/// so the host kernel may fill it directly.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Statx {
    pub stx_mask: u32,
    pub stx_blksize: u32,
    pub stx_attributes: u64,
    pub stx_nlink: u32,
    pub stx_uid: u32,
    pub stx_gid: u32,
    pub stx_mode: u16,
    pub spare0: u16,
    pub stx_ino: u64,
    pub stx_size: u64,
    pub stx_blocks: u64,
    pub stx_attributes_mask: u64,
    pub stx_atime: StatxTimestamp,
    pub stx_btime: StatxTimestamp,
    pub stx_ctime: StatxTimestamp,
    pub stx_mtime: StatxTimestamp,
    pub stx_rdev_major: u32,
    pub stx_rdev_minor: u32,
    pub stx_dev_major: u32,
    pub stx_dev_minor: u32,
    pub stx_mnt_id: u64,
    pub stx_dio_mem_align: u32,
    pub stx_dio_offset_align: u32,
    pub spare3: [u64; 12],
}

guest_pod!(Stat, StatxTimestamp, Statx);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn stat_layout_arm64() {
        assert_layout!(Stat, 128, {
            st_dev: 0, st_ino: 8, st_mode: 16, st_nlink: 20, st_uid: 24, st_gid: 28,
            st_rdev: 32, pad1: 40, st_size: 48, st_blksize: 56, pad2: 60, st_blocks: 64,
            st_atime: 72, st_atime_nsec: 80, st_mtime: 88, st_mtime_nsec: 96,
            st_ctime: 104, st_ctime_nsec: 112, unused4: 120, unused5: 124,
        });
    }

    #[test]
    fn statx_layout() {
        assert_layout!(StatxTimestamp, 16, { tv_sec: 0, tv_nsec: 8, reserved: 12 });
        assert_layout!(Statx, 256, {
            stx_mask: 0, stx_blksize: 4, stx_attributes: 8, stx_nlink: 16, stx_uid: 20,
            stx_gid: 24, stx_mode: 28, stx_ino: 32, stx_size: 40, stx_blocks: 48,
            stx_attributes_mask: 56, stx_atime: 64, stx_btime: 80, stx_ctime: 96,
            stx_mtime: 112, stx_rdev_major: 128, stx_rdev_minor: 132, stx_dev_major: 136,
            stx_dev_minor: 140, stx_mnt_id: 144, stx_dio_mem_align: 152,
            stx_dio_offset_align: 156, spare3: 160,
        });
    }

    #[test]
    fn stat_from_host_moves_fields() {
        // SAFETY: libc::stat is a plain C struct; all-zero is a valid value.
        let mut h: libc::stat = unsafe { std::mem::zeroed() };
        h.st_dev = 1;
        h.st_ino = 2;
        h.st_mode = 0o100644;
        h.st_nlink = 3;
        h.st_uid = 4;
        h.st_gid = 5;
        h.st_rdev = 6;
        h.st_size = 7;
        h.st_blksize = 8;
        h.st_blocks = 9;
        h.st_atime = 10;
        h.st_atime_nsec = 11;
        h.st_mtime = 12;
        h.st_mtime_nsec = 13;
        h.st_ctime = 14;
        h.st_ctime_nsec = 15;
        let g = Stat::from_host(&h);
        let want = [
            1u64, 2, 0o100644, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        ];
        let got = [
            g.st_dev,
            g.st_ino,
            g.st_mode as u64,
            g.st_nlink as u64,
            g.st_uid as u64,
            g.st_gid as u64,
            g.st_rdev,
            g.st_size as u64,
            g.st_blksize as u64,
            g.st_blocks as u64,
            g.st_atime as u64,
            g.st_atime_nsec,
            g.st_mtime as u64,
            g.st_mtime_nsec,
            g.st_ctime as u64,
            g.st_ctime_nsec,
        ];
        assert_eq!(got, want);
    }
}
