//! Helpers for calling the host kernel and turning its results into [`SysResult`]s.

use crate::abi::errno::Errno;
use crate::{Outcome, SysResult};

/// A successful syscall returning `v` in x0.
pub fn ok(v: u64) -> SysResult {
    Ok(Outcome::Ret(v))
}

/// Converts a host libc-style result (`-1` and errno on failure) into a [`SysResult`].
pub fn check(r: i64) -> SysResult {
    if r < 0 {
        Err(Errno::last())
    } else {
        ok(r as u64)
    }
}

/// Converts a host result that returns 0 on success, discarding the value.
pub fn check_unit(r: i64) -> Result<(), Errno> {
    if r < 0 {
        Err(Errno::last())
    } else {
        Ok(())
    }
}

/// A guest pointer argument as a host pointer (identity mapping: same address).
pub fn ptr<T>(a: u64) -> *mut T {
    a as usize as *mut T
}

/// A guest `int` argument: the kernel uses the low 32 bits of the register.
pub fn int(a: u64) -> i32 {
    a as u32 as i32
}
