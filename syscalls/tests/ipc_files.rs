//! SysV semaphores and shared memory, POSIX message queues and openat2 through
//! `Task::dispatch`, checked in arm64 terms (guest struct offsets and flag values).

mod common;

use common::{call, u32_at, u64_at, EINVAL};
use emu_syscalls::{nr, ProcessInit, Task};

const ENOTDIR: i64 = -20;
const E2BIG: i64 = -7;
const ELOOP: i64 = -40;
const EXDEV: i64 = -18;
const AT_FDCWD: u64 = -100i64 as u64;
const IPC_PRIVATE: u64 = 0;
const IPC_CREAT: u64 = 0o1000;
const IPC_RMID: u64 = 0;
const IPC_SET: u64 = 1;
const IPC_STAT: u64 = 2;
const SETVAL: u64 = 16;
const GETVAL: u64 = 12;

#[test]
fn semctl_stat_and_set_use_the_arm64_layout() {
    let mut p = Task::new(ProcessInit::default());
    let id = call(&mut p, nr::SEMGET, &[IPC_PRIVATE, 3, IPC_CREAT | 0o600]);
    assert!(id >= 0, "semget {id}");
    let id = id as u64;
    assert_eq!(call(&mut p, nr::SEMCTL, &[id, 1, SETVAL, 42]), 0);
    assert_eq!(call(&mut p, nr::SEMCTL, &[id, 1, GETVAL, 0]), 42);
    // semop: +1 on semaphore 0 (struct sembuf: u16 num, i16 op, i16 flg).
    let ops: [i16; 3] = [0, 1, 0];
    assert_eq!(call(&mut p, nr::SEMOP, &[id, ops.as_ptr() as u64, 1]), 0);
    let mut ds = [0xAAu8; 88 + 16];
    assert_eq!(
        call(
            &mut p,
            nr::SEMCTL,
            &[id, 0, IPC_STAT, ds.as_mut_ptr() as u64]
        ),
        0
    );
    // arm64 semid64_ds: mode @20, sem_otime @48, sem_ctime @56, sem_nsems @64, 88 bytes.
    assert_eq!(u32_at(&ds, 20) & 0o777, 0o600);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(u64_at(&ds, 48).abs_diff(now) < 100, "otime");
    assert!(u64_at(&ds, 56).abs_diff(now) < 100, "ctime");
    assert_eq!(u64_at(&ds, 64), 3);
    assert_eq!(&ds[88..], &[0xAA; 16], "wrote past the guest struct");
    // IPC_SET from the guest layout changes the mode.
    ds[20..24].copy_from_slice(&0o640u32.to_ne_bytes());
    assert_eq!(
        call(&mut p, nr::SEMCTL, &[id, 0, IPC_SET, ds.as_ptr() as u64]),
        0
    );
    let mut again = [0u8; 88];
    call(
        &mut p,
        nr::SEMCTL,
        &[id, 0, IPC_STAT, again.as_mut_ptr() as u64],
    );
    assert_eq!(u32_at(&again, 20) & 0o777, 0o640);
    assert_eq!(u64_at(&again, 64), 3);
    assert_eq!(call(&mut p, nr::SEMCTL, &[id, 0, IPC_RMID, 0]), 0);
}

#[test]
fn shmat_and_shmdt_update_the_guest_ranges() {
    let mut p = Task::new(ProcessInit::default());
    let size = 3 * 4096 + 100;
    let id = call(&mut p, nr::SHMGET, &[IPC_PRIVATE, size, IPC_CREAT | 0o600]);
    assert!(id >= 0);
    let id = id as u64;
    let mut ds = [0u8; 112];
    assert_eq!(
        call(&mut p, nr::SHMCTL, &[id, IPC_STAT, ds.as_mut_ptr() as u64]),
        0
    );
    assert_eq!(u64_at(&ds, 48), size); // shm_segsz
    let addr = call(&mut p, nr::SHMAT, &[id, 0, 0]);
    assert!(addr > 0, "shmat {addr}");
    let addr = addr as u64;
    let clip = |p: &Task| p.maps.lock().unwrap().clip(addr, addr + 8 * 4096);
    assert_eq!(clip(&p), [(addr, addr + 4 * 4096)]);
    call(&mut p, nr::SHMCTL, &[id, IPC_STAT, ds.as_mut_ptr() as u64]);
    assert_eq!(u64_at(&ds, 88), 1); // shm_nattch
    assert_eq!(call(&mut p, nr::SHMDT, &[addr]), 0);
    assert_eq!(clip(&p), []);
    assert!(p.code_changed.contains(&(addr, addr + 4 * 4096)));
    assert_eq!(call(&mut p, nr::SHMDT, &[addr]), EINVAL);
    assert_eq!(call(&mut p, nr::SHMCTL, &[id, IPC_RMID, 0]), 0);
}

#[test]
fn posix_message_queue_round_trip() {
    let mut p = Task::new(ProcessInit::default());
    let name = format!("emu-test-{}\0", std::process::id());
    // O_RDWR | O_CREAT | O_EXCL, attr: maxmsg 4, msgsize 32.
    let attr: [i64; 8] = [0, 4, 32, 0, 0, 0, 0, 0];
    let fd = call(
        &mut p,
        nr::MQ_OPEN,
        &[
            name.as_ptr() as u64,
            0o2 | 0o100 | 0o200,
            0o600,
            attr.as_ptr() as u64,
        ],
    );
    assert!(fd >= 0, "mq_open {fd}");
    let fd = fd as u64;
    let msg = b"hello queue";
    assert_eq!(
        call(
            &mut p,
            nr::MQ_TIMEDSEND,
            &[fd, msg.as_ptr() as u64, msg.len() as u64, 7, 0]
        ),
        0
    );
    let mut got = [0i64; 8];
    assert_eq!(
        call(&mut p, nr::MQ_GETSETATTR, &[fd, 0, got.as_mut_ptr() as u64]),
        0
    );
    assert_eq!(&got[1..4], &[4, 32, 1]);
    let mut buf = [0u8; 32];
    let mut prio = 0u32;
    let n = call(
        &mut p,
        nr::MQ_TIMEDRECEIVE,
        &[
            fd,
            buf.as_mut_ptr() as u64,
            32,
            &mut prio as *mut u32 as u64,
            0,
        ],
    );
    assert_eq!(&buf[..n as usize], msg);
    assert_eq!(prio, 7);
    assert_eq!(call(&mut p, nr::CLOSE, &[fd]), 0);
    assert_eq!(call(&mut p, nr::MQ_UNLINK, &[name.as_ptr() as u64]), 0);
}

fn openat2(p: &mut Task, dir: u64, path: &str, how: &[u64], size: u64) -> i64 {
    let c = format!("{path}\0");
    call(
        p,
        nr::OPENAT2,
        &[dir, c.as_ptr() as u64, how.as_ptr() as u64, size],
    )
}

#[test]
fn openat2_translates_open_how() {
    let mut p = Task::new(ProcessInit::default());
    let dir = std::env::temp_dir().join(format!("emu-openat2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("f");
    std::fs::write(&file, b"x").unwrap();
    let link = dir.join("l");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let (f, l, d) = (
        file.to_str().unwrap(),
        link.to_str().unwrap(),
        dir.to_str().unwrap(),
    );
    const O_DIRECTORY: u64 = 0o40000; // arm64
    const O_NOFOLLOW: u64 = 0o100000; // arm64
    const RESOLVE_BENEATH: u64 = 0x08;
    const RESOLVE_NO_SYMLINKS: u64 = 0x04;
    let fd = openat2(&mut p, AT_FDCWD, f, &[0, 0, 0], 24);
    assert!(fd >= 0);
    call(&mut p, nr::CLOSE, &[fd as u64]);
    assert_eq!(
        openat2(&mut p, AT_FDCWD, f, &[O_DIRECTORY, 0, 0], 24),
        ENOTDIR
    );
    let fd = openat2(&mut p, AT_FDCWD, d, &[O_DIRECTORY, 0, 0], 24);
    assert!(fd >= 0);
    // Relative to the directory: RESOLVE_BENEATH refuses an absolute path.
    let dfd = fd as u64;
    assert_eq!(openat2(&mut p, dfd, f, &[0, 0, RESOLVE_BENEATH], 24), EXDEV);
    assert!(openat2(&mut p, dfd, "f", &[0, 0, RESOLVE_BENEATH], 24) >= 0);
    assert_eq!(
        openat2(&mut p, dfd, "l", &[0, 0, RESOLVE_NO_SYMLINKS], 24),
        ELOOP
    );
    assert_eq!(openat2(&mut p, AT_FDCWD, l, &[O_NOFOLLOW, 0, 0], 24), ELOOP);
    // Sizes: too small, newer with zero tail, newer with a non-zero tail, unknown flags.
    assert_eq!(openat2(&mut p, AT_FDCWD, f, &[0, 0, 0], 16), EINVAL);
    assert!(openat2(&mut p, AT_FDCWD, f, &[0, 0, 0, 0], 32) >= 0);
    assert_eq!(openat2(&mut p, AT_FDCWD, f, &[0, 0, 0, 1], 32), E2BIG);
    assert_eq!(openat2(&mut p, AT_FDCWD, f, &[1 << 40, 0, 0], 24), EINVAL);
    assert_eq!(
        openat2(&mut p, AT_FDCWD, f, &[0o10000000000, 0, 0], 24),
        EINVAL
    );
    // A mode without O_CREAT is refused by the host's check, as on arm64.
    assert_eq!(openat2(&mut p, AT_FDCWD, f, &[0, 0o644, 0], 24), EINVAL);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn aio_ring_is_a_guest_range_until_io_destroy() {
    let mut p = Task::new(ProcessInit::default());
    let mut ctx = 0u64;
    assert_eq!(
        call(&mut p, nr::IO_SETUP, &[8, &mut ctx as *mut u64 as u64]),
        0
    );
    assert!(ctx != 0);
    assert!(p.maps.lock().unwrap().contains(ctx), "ring recorded");
    // One IOCB_CMD_PREAD of /proc/self/exe's first 16 bytes (struct iocb, 64 bytes).
    let file = std::fs::File::open("/proc/self/exe").unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&file) as u64;
    let mut buf = [0u8; 16];
    let mut iocb = [0u64; 8];
    iocb[2] = fd << 32; // aio_lio_opcode 0 (PREAD) @16, aio_fildes @20
    iocb[3] = buf.as_mut_ptr() as u64;
    iocb[4] = 16;
    let list = [iocb.as_ptr() as u64];
    assert_eq!(
        call(&mut p, nr::IO_SUBMIT, &[ctx, 1, list.as_ptr() as u64]),
        1
    );
    let mut events = [0u64; 4];
    assert_eq!(
        call(
            &mut p,
            nr::IO_GETEVENTS,
            &[ctx, 1, 1, events.as_mut_ptr() as u64, 0]
        ),
        1
    );
    assert_eq!(events[2], 16); // res
    assert_eq!(&buf[..4], b"\x7fELF");
    assert_eq!(call(&mut p, nr::IO_DESTROY, &[ctx]), 0);
    assert!(!p.maps.lock().unwrap().contains(ctx), "ring dropped");
}
