//! Inter-process communication: SysV semaphores ([`sem`]) and shared memory
//! ([`shm`]), POSIX message queues ([`mq`]). SysV message queues pass through
//! (`crate::pass`: `struct msqid64_ds` and `msginfo` are the same on both, see
//! `abi::ipc`'s tests).
//!
//! IPC_* keys, flags and commands (IPC_CREAT 0o1000, IPC_EXCL, IPC_NOWAIT, IPC_RMID 0,
//! IPC_SET 1, IPC_STAT 2, IPC_INFO 3, SEM_*, SHM_*) are asm-generic on both; neither
//! kernel takes the old IPC_64 version bit in these syscalls (no
//! ARCH_WANT_IPC_PARSE_VERSION on arm64 or x86-64), so commands pass unchanged.

pub mod mq;
pub mod sem;
pub mod shm;
