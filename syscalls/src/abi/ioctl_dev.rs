//! Block-device, loop-device, file-system and random-device ioctls that tools
//! probe (lsblk, losetup, mkfs, cp --reflink, e2fsprogs, systemd). Their request
//! numbers are `_IOC(dir, type, nr, size)` of include/uapi/asm-generic/ioctl.h on
//! both arm64 and x86-64, and every argument is an integer or a struct of
//! fixed-width fields (`loop_info64`, `loop_config`, `fstrim_range`,
//! `file_clone_range`, `file_dedupe_range`, `fiemap`, `fsxattr`), so the guest's
//! argument passes to the host unchanged. The old `struct loop_info` is left out:
//! its `lo_device`/`lo_rdevice` (`__kernel_old_dev_t`) and `long` fields differ.

use super::term::{IoctlArg, IoctlEntry};
use IoctlArg::{IntPtr, SameLayout, Value};

/// `_IOC(dir, ty, nr, size)`: dir 1 = write (user to kernel), 2 = read.
const fn ioc(dir: u64, ty: u8, nr: u8, size: u64) -> u64 {
    (dir << 30) | (size << 16) | ((ty as u64) << 8) | nr as u64
}
const fn io(ty: u8, nr: u8) -> u64 {
    ioc(0, ty, nr, 0)
}
const fn ior(ty: u8, nr: u8, size: u64) -> u64 {
    ioc(2, ty, nr, size)
}
const fn iow(ty: u8, nr: u8, size: u64) -> u64 {
    ioc(1, ty, nr, size)
}
const fn iowr(ty: u8, nr: u8, size: u64) -> u64 {
    ioc(3, ty, nr, size)
}

macro_rules! same {
    ($($name:literal = $req:expr, $arg:expr;)*) => {
        &[$(($name, $req, $req, $arg),)*]
    };
}

/// The table (guest and host numbers are equal by the layout argument above).
pub const IOCTLS: &[IoctlEntry] = same! {
    // Block devices (include/uapi/linux/fs.h).
    "BLKROSET" = io(0x12, 93), IntPtr;
    "BLKROGET" = io(0x12, 94), IntPtr;
    "BLKRRPART" = io(0x12, 95), Value;
    "BLKGETSIZE" = io(0x12, 96), SameLayout;
    "BLKFLSBUF" = io(0x12, 97), Value;
    "BLKSSZGET" = io(0x12, 104), IntPtr;
    "BLKBSZGET" = ior(0x12, 112, 8), SameLayout;
    "BLKBSZSET" = iow(0x12, 113, 8), SameLayout;
    "BLKGETSIZE64" = ior(0x12, 114, 8), SameLayout;
    "BLKDISCARD" = io(0x12, 119), SameLayout;
    "BLKIOMIN" = io(0x12, 120), IntPtr;
    "BLKIOOPT" = io(0x12, 121), IntPtr;
    "BLKALIGNOFF" = io(0x12, 122), IntPtr;
    "BLKPBSZGET" = io(0x12, 123), IntPtr;
    "BLKDISCARDZEROES" = io(0x12, 124), IntPtr;
    "BLKSECDISCARD" = io(0x12, 125), SameLayout;
    "BLKROTATIONAL" = io(0x12, 126), SameLayout;
    "BLKZEROOUT" = io(0x12, 127), SameLayout;
    // Loop devices (include/uapi/linux/loop.h).
    "LOOP_SET_FD" = 0x4C00, Value;
    "LOOP_CLR_FD" = 0x4C01, Value;
    "LOOP_SET_STATUS64" = 0x4C04, SameLayout;
    "LOOP_GET_STATUS64" = 0x4C05, SameLayout;
    "LOOP_CHANGE_FD" = 0x4C06, Value;
    "LOOP_SET_CAPACITY" = 0x4C07, Value;
    "LOOP_SET_DIRECT_IO" = 0x4C08, Value;
    "LOOP_SET_BLOCK_SIZE" = 0x4C09, Value;
    "LOOP_CONFIGURE" = 0x4C0A, SameLayout;
    "LOOP_CTL_ADD" = 0x4C80, Value;
    "LOOP_CTL_REMOVE" = 0x4C81, Value;
    "LOOP_CTL_GET_FREE" = 0x4C82, Value;
    // File systems (include/uapi/linux/fs.h); FS_IOC_GETFLAGS is declared with a
    // `long` size (8 on both) but transfers an int.
    "FIBMAP" = io(0x00, 1), IntPtr;
    "FIGETBSZ" = io(0x00, 2), IntPtr;
    "FIFREEZE" = iowr(b'X', 119, 4), Value;
    "FITHAW" = iowr(b'X', 120, 4), Value;
    "FITRIM" = iowr(b'X', 121, 24), SameLayout;
    "FICLONE" = iow(0x94, 9, 4), Value;
    "FICLONERANGE" = iow(0x94, 13, 32), SameLayout;
    "FIDEDUPERANGE" = iowr(0x94, 54, 24), SameLayout;
    "FS_IOC_GETFLAGS" = ior(b'f', 1, 8), IntPtr;
    "FS_IOC_SETFLAGS" = iow(b'f', 2, 8), IntPtr;
    "FS_IOC_GETVERSION" = ior(b'v', 1, 8), IntPtr;
    "FS_IOC_SETVERSION" = iow(b'v', 2, 8), IntPtr;
    "FS_IOC_FIEMAP" = iowr(b'f', 11, 32), SameLayout;
    "FS_IOC_FSGETXATTR" = ior(b'X', 31, 28), SameLayout;
    "FS_IOC_FSSETXATTR" = iow(b'X', 32, 28), SameLayout;
    // The random device (include/uapi/linux/random.h).
    "RNDGETENTCNT" = ior(b'R', 0, 4), IntPtr;
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_hosts() {
        let host: &[(&str, u64)] = &[
            ("BLKSSZGET", libc::BLKSSZGET),
            ("BLKIOMIN", libc::BLKIOMIN),
            ("BLKIOOPT", libc::BLKIOOPT),
            ("BLKPBSZGET", libc::BLKPBSZGET),
            ("FICLONE", libc::FICLONE),
            ("FICLONERANGE", libc::FICLONERANGE),
            ("FS_IOC_GETFLAGS", libc::FS_IOC_GETFLAGS),
            ("FS_IOC_SETFLAGS", libc::FS_IOC_SETFLAGS),
            ("FS_IOC_GETVERSION", libc::FS_IOC_GETVERSION),
            ("FS_IOC_SETVERSION", libc::FS_IOC_SETVERSION),
        ];
        for (name, h) in host {
            let e = IOCTLS.iter().find(|e| e.0 == *name).expect(name);
            assert_eq!(e.1, *h, "{name}");
        }
        // Values from the kernel headers for the ones libc lacks.
        let find = |n: &str| IOCTLS.iter().find(|e| e.0 == n).unwrap().1;
        assert_eq!(find("BLKGETSIZE64"), 0x8008_1272);
        assert_eq!(find("BLKGETSIZE"), 0x1260);
        assert_eq!(find("FIFREEZE"), 0xc004_5877);
        assert_eq!(find("FITRIM"), 0xc018_5879);
        assert_eq!(find("FS_IOC_FIEMAP"), 0xc020_660b);
        assert_eq!(find("FS_IOC_FSGETXATTR"), 0x801c_581f);
        assert_eq!(find("RNDGETENTCNT"), 0x8004_5200);
        assert_eq!(find("FIGETBSZ"), 2);
    }

    #[test]
    fn argument_struct_sizes() {
        // file_clone_range: s64 src_fd, u64 src_offset, src_length, dest_offset.
        assert_eq!(std::mem::size_of::<libc::file_clone_range>(), 32);
        let names: Vec<&str> = IOCTLS.iter().map(|e| e.0).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "duplicate names");
    }
}
