//! `struct open_how` (openat2) and its checks.

use super::errno::Errno;
use super::flags::OPEN_FLAGS;
use super::guest_pod;

/// `struct open_how` (include/uapi/linux/openat2.h), version 0: 24 bytes of u64.
/// Architecture-independent except for the O_* values in `flags`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct OpenHow {
    pub flags: u64,
    pub mode: u64,
    pub resolve: u64,
}

guest_pod!(OpenHow);

/// Size of the first published `struct open_how` (OPEN_HOW_SIZE_VER0).
pub const OPEN_HOW_SIZE_VER0: u64 = 24;

/// Every O_* bit the arm64 kernel accepts in `open_how.flags` (VALID_OPEN_FLAGS;
/// O_RDONLY is 0).
pub fn valid_guest_open_flags() -> u64 {
    OPEN_FLAGS.iter().fold(0, |acc, f| acc | f.1 as u64)
}

/// Checks the size the guest gives for its `open_how`, as openat2 does before reading
/// it: smaller than version 0 is EINVAL, more than a page is E2BIG.
pub fn check_size(size: u64) -> Result<(), Errno> {
    if size < OPEN_HOW_SIZE_VER0 {
        return Err(Errno::EINVAL);
    }
    if size > 4096 {
        return Err(Errno::E2BIG);
    }
    Ok(())
}

/// The bytes of a larger (newer) `open_how` past the ones this layer knows must be
/// zero, as copy_struct_from_user requires (else E2BIG).
pub fn check_trailing(trailing: &[u8]) -> Result<(), Errno> {
    if trailing.iter().any(|&b| b != 0) {
        return Err(Errno::E2BIG);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn open_how_layout() {
        assert_layout!(OpenHow, 24, { flags: 0, mode: 8, resolve: 16 });
    }

    #[test]
    fn sizes_and_trailing_bytes() {
        assert_eq!(check_size(16), Err(Errno::EINVAL));
        assert_eq!(check_size(24), Ok(()));
        assert_eq!(check_size(4096), Ok(()));
        assert_eq!(check_size(4097), Err(Errno::E2BIG));
        assert_eq!(check_trailing(&[0; 8]), Ok(()));
        assert_eq!(check_trailing(&[0, 0, 1, 0]), Err(Errno::E2BIG));
    }

    #[test]
    fn valid_flags_cover_the_table() {
        let v = valid_guest_open_flags();
        assert_eq!(v & 0o40000, 0o40000); // O_DIRECTORY (arm64)
        assert_eq!(v & 0o100000, 0o100000); // O_NOFOLLOW (arm64)
        assert_eq!(v & (1 << 32), 0);
    }
}
