//! SysV semaphores. Only `semctl`'s `struct semid64_ds` differs between the ABIs
//! (x86-64 has an unused word after each time field, see [`crate::abi::ipc`]); the
//! rest passes through: `struct sembuf` (u16, i16, i16), `struct timespec`,
//! `struct seminfo` (ten ints) and the `unsigned short` value arrays are the same.

use crate::abi::ipc::{HostSemidDs, SemidDs};
use crate::guest_mem;
use crate::host::{check, int};
use crate::pass::{blocking_passthrough, passthrough};
use crate::thread::Task;
use crate::SysResult;

/// semctl commands whose argument is a `struct semid64_ds *` (linux/ipc.h, linux/sem.h).
const IPC_SET: i32 = 1;
const IPC_STAT: i32 = 2;
const SEM_STAT: i32 = 18;
const SEM_STAT_ANY: i32 = 20;

passthrough! {
    /// Integer key, count and IPC_CREAT/IPC_EXCL flags.
    semget => SYS_semget;
}

blocking_passthrough! {
    /// Blocks until the operations can be done; a guest signal interrupts it with
    /// EINTR, which the kernel never restarts (man 7 signal; the dispatcher's
    /// `restart_on_signal` lists them).
    semop => SYS_semop;
    semtimedop => SYS_semtimedop;
}

/// `semctl(id, num, cmd, arg)`: `arg` is the `union semun` passed by value, i.e. an
/// int (SETVAL) or a pointer. The stat commands are read into the host layout and
/// written back in the guest's; IPC_SET is converted the other way.
pub fn semctl(_: &mut Task, a: [u64; 6]) -> SysResult {
    let (id, num, cmd) = (int(a[0]), int(a[1]), int(a[2]));
    let host = |arg: u64| {
        // SAFETY: `arg` is an integer, a guest pointer to data whose layout is the
        // same on the host (value arrays, struct seminfo) that the kernel checks, or
        // a local HostSemidDs.
        check(unsafe {
            crate::host::raw(
                crate::host::nr::SYS_semctl,
                [id as u64, num as u64, cmd as u64, arg, 0, 0],
            )
        })
    };
    match cmd {
        IPC_STAT | SEM_STAT | SEM_STAT_ANY => {
            let mut h = HostSemidDs::default();
            let r = host(&mut h as *mut HostSemidDs as u64)?;
            guest_mem::write_val(a[3], &SemidDs::from_host(&h))?;
            Ok(r)
        }
        IPC_SET => {
            let h = guest_mem::read_val::<SemidDs>(a[3])?.to_host();
            host(&h as *const HostSemidDs as u64)
        }
        _ => host(a[3]),
    }
}
