//! POSIX message queues. `struct mq_attr` (eight longs) and `struct sigevent` are
//! generic; only mq_open's O_* flags need translating (O_CREAT, O_EXCL, O_NONBLOCK,
//! O_CLOEXEC and the access mode agree today, but every O_* word goes through the one
//! table). mq_getsetattr's `mq_flags` holds only O_NONBLOCK (0o4000 on both).

use crate::abi::flags::open_flags_to_host;
use crate::host::check;
use crate::pass::{blocking_passthrough, passthrough};
use crate::thread::Task;
use crate::SysResult;

pub fn mq_open(_: &mut Task, a: [u64; 6]) -> SysResult {
    let fl = open_flags_to_host(a[1] as u32);
    // SAFETY: a guest name pointer and `struct mq_attr` pointer (same layout) that the
    // kernel checks; integer flags and mode.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_mq_open,
            [a[0], fl as u64, a[2], a[3], 0, 0],
        )
    })
}

passthrough! {
    /// A guest name pointer.
    mq_unlink => SYS_mq_unlink;
    /// `struct sigevent` (64 bytes) is generic; SIGEV_THREAD's netlink socket is a
    /// host fd like every guest fd.
    mq_notify => SYS_mq_notify;
    /// `struct mq_attr` in and out (see the module doc).
    mq_getsetattr => SYS_mq_getsetattr;
}

blocking_passthrough! {
    /// Message bytes and an absolute `struct timespec` (same layout); they block, so a
    /// guest signal interrupts them.
    mq_timedsend => SYS_mq_timedsend;
    mq_timedreceive => SYS_mq_timedreceive;
}
