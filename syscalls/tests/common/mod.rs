//! Helpers shared by the dispatch tests: call a syscall as the translator would and
//! read guest struct fields at their arm64 offsets.
#![allow(dead_code)] // each test crate uses some of them

use emu_syscalls::{Outcome, Task};

/// Guest errnos as the syscall results carry them.
pub const EPERM: i64 = -1;
pub const EINTR: i64 = -4;
pub const EFAULT: i64 = -14;
pub const EINVAL: i64 = -22;
pub const ENOSYS: i64 = -38;

/// Runs syscall `nr` with the given leading arguments; the result as a signed value.
pub fn call(p: &mut Task, nr: u64, a: &[u64]) -> i64 {
    let mut args = [0u64; 6];
    args[..a.len()].copy_from_slice(a);
    match p.dispatch(nr, args) {
        Outcome::Ret(v) => v as i64,
        other => panic!("unexpected {other:?}"),
    }
}

pub fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes(b[off..off + 4].try_into().unwrap())
}

pub fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_ne_bytes(b[off..off + 8].try_into().unwrap())
}
