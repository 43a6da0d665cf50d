//! SysV IPC and POSIX message-queue structs (64-bit arm64 layouts), and the one x86-64
//! struct that differs: `struct semid64_ds`.
//!
//! arm64 takes every IPC struct from asm-generic (ipcbuf.h, sembuf.h, shmbuf.h,
//! msgbuf.h). x86-64 includes the asm-generic ipcbuf.h, shmbuf.h and msgbuf.h too
//! (its own versions differ only for x32), but its sembuf.h has its own
//! `struct semid64_ds` with an unused word after `sem_otime` and after `sem_ctime`.
//! `struct seminfo`, `shminfo64`, `shm_info` and `msginfo` are int/ulong structs in
//! include/uapi/linux/{sem,shm,msg}.h, the same on both.

use super::guest_pod;

/// `struct ipc64_perm` (asm-generic/ipcbuf.h; `__kernel_mode_t` is 32 bits), 48 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Ipc64Perm {
    pub key: i32,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    pub mode: u32,
    pub seq: u16,
    pub pad2: u16,
    pub pad3: u32,
    pub unused1: u64,
    pub unused2: u64,
}

/// The guest's `struct semid64_ds` (asm-generic/sembuf.h, 64-bit), 88 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct SemidDs {
    pub sem_perm: Ipc64Perm,
    pub sem_otime: i64,
    pub sem_ctime: i64,
    pub sem_nsems: u64,
    pub unused3: u64,
    pub unused4: u64,
}

/// The host's `struct semid64_ds` (arch/x86/include/uapi/asm/sembuf.h, x86-64),
/// 104 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct HostSemidDs {
    pub sem_perm: Ipc64Perm,
    pub sem_otime: i64,
    pub unused1: u64,
    pub sem_ctime: i64,
    pub unused2: u64,
    pub sem_nsems: u64,
    pub unused3: u64,
    pub unused4: u64,
}

impl SemidDs {
    /// The guest's view of what the host kernel reported.
    pub fn from_host(h: &HostSemidDs) -> SemidDs {
        SemidDs {
            sem_perm: h.sem_perm,
            sem_otime: h.sem_otime,
            sem_ctime: h.sem_ctime,
            sem_nsems: h.sem_nsems,
            unused3: h.unused3,
            unused4: h.unused4,
        }
    }

    /// The host layout of a guest IPC_SET argument.
    pub fn to_host(&self) -> HostSemidDs {
        HostSemidDs {
            sem_perm: self.sem_perm,
            sem_otime: self.sem_otime,
            sem_ctime: self.sem_ctime,
            sem_nsems: self.sem_nsems,
            unused3: self.unused3,
            unused4: self.unused4,
            ..HostSemidDs::default()
        }
    }
}

/// `struct shmid64_ds` (asm-generic/shmbuf.h, 64-bit), 112 bytes: the same on the
/// host, so shmctl passes through (see the tests).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ShmidDs {
    pub shm_perm: Ipc64Perm,
    pub shm_segsz: u64,
    pub shm_atime: i64,
    pub shm_dtime: i64,
    pub shm_ctime: i64,
    pub shm_cpid: i32,
    pub shm_lpid: i32,
    pub shm_nattch: u64,
    pub unused4: u64,
    pub unused5: u64,
}

/// `struct msqid64_ds` (asm-generic/msgbuf.h, 64-bit), 120 bytes: the same on the
/// host, so msgctl passes through (see the tests).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct MsqidDs {
    pub msg_perm: Ipc64Perm,
    pub msg_stime: i64,
    pub msg_rtime: i64,
    pub msg_ctime: i64,
    pub msg_cbytes: u64,
    pub msg_qnum: u64,
    pub msg_qbytes: u64,
    pub msg_lspid: i32,
    pub msg_lrpid: i32,
    pub unused4: u64,
    pub unused5: u64,
}

/// `struct seminfo` (linux/sem.h): ten ints on every architecture.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Seminfo {
    pub semmap: i32,
    pub semmni: i32,
    pub semmns: i32,
    pub semmnu: i32,
    pub semmsl: i32,
    pub semopm: i32,
    pub semume: i32,
    pub semusz: i32,
    pub semvmx: i32,
    pub semaem: i32,
}

/// `struct mq_attr` (linux/mqueue.h): eight `__kernel_long_t`, 64 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct MqAttr {
    pub mq_flags: i64,
    pub mq_maxmsg: i64,
    pub mq_msgsize: i64,
    pub mq_curmsgs: i64,
    pub reserved: [i64; 4],
}

/// `struct msginfo` (linux/msg.h, msgctl IPC_INFO / MSG_INFO): seven ints and an
/// unsigned short, the same on every architecture.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Msginfo {
    pub msgpool: i32,
    pub msgmap: i32,
    pub msgmax: i32,
    pub msgmnb: i32,
    pub msgmni: i32,
    pub msgssz: i32,
    pub msgtql: i32,
    pub msgseg: u16,
    pub pad: u16,
}

/// `struct shminfo64` (asm-generic/shmbuf.h, shmctl IPC_INFO): nine unsigned longs.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Shminfo64 {
    pub shmmax: u64,
    pub shmmin: u64,
    pub shmmni: u64,
    pub shmseg: u64,
    pub shmall: u64,
    pub unused: [u64; 4],
}

/// `struct shm_info` (linux/shm.h, shmctl SHM_INFO): an int and five unsigned longs.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ShmInfo {
    pub used_ids: i32,
    pub pad: u32,
    pub shm_tot: u64,
    pub shm_rss: u64,
    pub shm_swp: u64,
    pub swap_attempts: u64,
    pub swap_successes: u64,
}

guest_pod!(
    Ipc64Perm,
    SemidDs,
    HostSemidDs,
    ShmidDs,
    MsqidDs,
    Seminfo,
    MqAttr,
    Msginfo,
    Shminfo64,
    ShmInfo,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;
    use std::mem::{offset_of, size_of};

    #[test]
    fn ipc64_perm_layout() {
        assert_layout!(Ipc64Perm, 48, {
            key: 0, uid: 4, gid: 8, cuid: 12, cgid: 16, mode: 20, seq: 24, unused1: 32,
            unused2: 40,
        });
        assert_eq!(size_of::<libc::ipc_perm>(), 48);
        assert_eq!(offset_of!(libc::ipc_perm, mode), 20);
    }

    #[test]
    fn semid_ds_guest_and_host_differ() {
        assert_layout!(SemidDs, 88, {
            sem_perm: 0, sem_otime: 48, sem_ctime: 56, sem_nsems: 64, unused3: 72, unused4: 80,
        });
        assert_layout!(HostSemidDs, 104, {
            sem_perm: 0, sem_otime: 48, sem_ctime: 64, sem_nsems: 80, unused3: 88,
            unused4: 96,
        });
        // The host's C library agrees with the x86-64 kernel layout.
        assert_eq!(size_of::<libc::semid_ds>(), 104);
        assert_eq!(offset_of!(libc::semid_ds, sem_otime), 48);
        assert_eq!(offset_of!(libc::semid_ds, sem_ctime), 64);
        assert_eq!(offset_of!(libc::semid_ds, sem_nsems), 80);
    }

    #[test]
    fn semid_ds_translation_keeps_fields() {
        let h = HostSemidDs {
            sem_perm: Ipc64Perm {
                key: 7,
                uid: 1,
                mode: 0o600,
                ..Ipc64Perm::default()
            },
            sem_otime: 11,
            unused1: 99,
            sem_ctime: 22,
            unused2: 99,
            sem_nsems: 3,
            ..HostSemidDs::default()
        };
        let g = SemidDs::from_host(&h);
        assert_eq!((g.sem_otime, g.sem_ctime, g.sem_nsems), (11, 22, 3));
        assert_eq!(g.sem_perm.mode, 0o600);
        let back = g.to_host();
        assert_eq!(
            (back.sem_otime, back.sem_ctime, back.sem_nsems),
            (11, 22, 3)
        );
        assert_eq!((back.unused1, back.unused2), (0, 0));
    }

    #[test]
    fn shmid_ds_is_the_same_on_the_host() {
        assert_layout!(ShmidDs, 112, {
            shm_perm: 0, shm_segsz: 48, shm_atime: 56, shm_dtime: 64, shm_ctime: 72,
            shm_cpid: 80, shm_lpid: 84, shm_nattch: 88, unused4: 96, unused5: 104,
        });
        assert_eq!(size_of::<libc::shmid_ds>(), 112);
        assert_eq!(offset_of!(libc::shmid_ds, shm_segsz), 48);
        assert_eq!(offset_of!(libc::shmid_ds, shm_ctime), 72);
        assert_eq!(offset_of!(libc::shmid_ds, shm_cpid), 80);
        assert_eq!(offset_of!(libc::shmid_ds, shm_lpid), 84);
        assert_eq!(offset_of!(libc::shmid_ds, shm_nattch), 88);
    }

    #[test]
    fn msqid_ds_is_the_same_on_the_host() {
        assert_layout!(MsqidDs, 120, {
            msg_perm: 0, msg_stime: 48, msg_rtime: 56, msg_ctime: 64, msg_cbytes: 72,
            msg_qnum: 80, msg_qbytes: 88, msg_lspid: 96, msg_lrpid: 100, unused4: 104,
            unused5: 112,
        });
        assert_eq!(size_of::<libc::msqid_ds>(), 120);
        assert_eq!(offset_of!(libc::msqid_ds, msg_stime), 48);
        assert_eq!(offset_of!(libc::msqid_ds, msg_qnum), 80);
        assert_eq!(offset_of!(libc::msqid_ds, msg_qbytes), 88);
        assert_eq!(offset_of!(libc::msqid_ds, msg_lspid), 96);
        assert_eq!(offset_of!(libc::msqid_ds, msg_lrpid), 100);
    }

    #[test]
    fn info_structs() {
        assert_layout!(Seminfo, 40, { semmap: 0, semmsl: 16, semvmx: 32, semaem: 36 });
        assert_layout!(MqAttr, 64, { mq_flags: 0, mq_maxmsg: 8, mq_msgsize: 16, mq_curmsgs: 24 });
        assert_eq!(size_of::<libc::mq_attr>(), 64);
        // The IPC_INFO / *_INFO structs pass through: C ints and longs only, so the
        // x86-64 kernel writes these same layouts.
        assert_layout!(Msginfo, 32, { msgpool: 0, msgtql: 24, msgseg: 28 });
        assert_layout!(Shminfo64, 72, { shmmax: 0, shmall: 32, unused: 40 });
        assert_layout!(ShmInfo, 48, { used_ids: 0, shm_tot: 8, swap_successes: 40 });
        assert_eq!(offset_of!(libc::mq_attr, mq_curmsgs), 24);
    }
}
