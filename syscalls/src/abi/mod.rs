//! Guest (arm64 Linux) ABI: struct layouts, flag values, errno numbers.
//!
//! Every type here describes the guest's view; none is a host type. Each struct has
//! size/offset tests against the arm64 kernel UAPI layout.

pub mod errno;
pub mod event;
pub mod flags;
pub mod ioctl_dev;
pub mod ipc;
pub mod misc;
pub mod open;
pub mod sigframe;
pub mod signal;
pub mod socket;
pub mod socket_consts;
pub mod stat;
pub mod statfs;
pub mod term;
pub mod time;
pub mod uffd;

/// Plain guest data that may be copied to and from guest memory byte-for-byte.
///
/// # Safety
/// Implementors must be `#[repr(C)]`, contain only integer fields (every bit pattern valid)
/// and have no implicit padding (explicit pad fields instead), so that reading any bytes
/// into them and writing them out byte-wise is sound.
pub unsafe trait GuestPod: Copy + Default {}

/// Marks types as [`GuestPod`] after checking they are `#[repr(C)]` integer structs.
macro_rules! guest_pod {
    ($($t:ty),* $(,)?) => {
        // SAFETY: each listed type is #[repr(C)] with integer fields only and explicit
        // padding; the layout tests in its module check that no implicit padding exists.
        $(unsafe impl $crate::abi::GuestPod for $t {})*
    };
}
pub(crate) use guest_pod;

guest_pod!(u8, u16, u32, u64, i8, i16, i32, i64);

/// Asserts `size_of::<T>()` and a list of field offsets.
#[cfg(test)]
macro_rules! assert_layout {
    ($t:ty, $size:expr, { $($field:ident : $off:expr),* $(,)? }) => {{
        assert_eq!(::std::mem::size_of::<$t>(), $size, "size of {}", stringify!($t));
        $(assert_eq!(::std::mem::offset_of!($t, $field), $off,
            "offset of {}.{}", stringify!($t), stringify!($field));)*
    }};
}
#[cfg(test)]
pub(crate) use assert_layout;
