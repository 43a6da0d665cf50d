//! The Linux user-mode layer.

pub mod hwcap;
