//! Guest `struct statfs` (asm-generic layout for 64-bit words, used by arm64).

use super::guest_pod;

/// arm64 `struct statfs` (include/uapi/asm-generic/statfs.h with 64-bit
/// `__statfs_word`), 120 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Statfs {
    pub f_type: i64,
    pub f_bsize: i64,
    pub f_blocks: u64,
    pub f_bfree: u64,
    pub f_bavail: u64,
    pub f_files: u64,
    pub f_ffree: u64,
    /// `__kernel_fsid_t`: `int val[2]`.
    pub f_fsid: [i32; 2],
    pub f_namelen: i64,
    pub f_frsize: i64,
    pub f_flags: i64,
    pub f_spare: [i64; 4],
}

guest_pod!(Statfs);

impl Statfs {
    /// Converts the host's `struct statfs64` (x86-64 glibc layout) to the guest's.
    pub fn from_host(h: &libc::statfs64) -> Statfs {
        // SAFETY: fsid_t is `int __val[2]` in glibc's x86-64 headers: 8 plain bytes.
        let fsid: [i32; 2] = unsafe { std::mem::transmute(h.f_fsid) };
        Statfs {
            f_type: h.f_type,
            f_bsize: h.f_bsize,
            f_blocks: h.f_blocks,
            f_bfree: h.f_bfree,
            f_bavail: h.f_bavail,
            f_files: h.f_files,
            f_ffree: h.f_ffree,
            f_fsid: fsid,
            f_namelen: h.f_namelen,
            f_frsize: h.f_frsize,
            f_flags: h.f_flags,
            f_spare: [0; 4],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn layout() {
        assert_layout!(Statfs, 120, {
            f_type: 0, f_bsize: 8, f_blocks: 16, f_bfree: 24, f_bavail: 32, f_files: 40,
            f_ffree: 48, f_fsid: 56, f_namelen: 64, f_frsize: 72, f_flags: 80, f_spare: 88,
        });
    }
}
