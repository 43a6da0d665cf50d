//! Dispatch tests for process, time, memory and directory syscalls.

mod common;

use common::{call, u64_at, EINVAL};
use emu_syscalls::{nr, ProcessInit, Task};
use std::path::PathBuf;

const AT_FDCWD: u64 = -100i64 as u64;
const AT_EMPTY_PATH: u64 = 0x1000;
const EAGAIN: i64 = -11;
const ETIMEDOUT: i64 = -110;

fn process() -> Task {
    Task::new(ProcessInit {
        exe_path: PathBuf::from("/g"),
        brk_start: 0,
        argv0: "g".into(),
        ..Default::default()
    })
}

#[test]
fn sysinfo_getrusage_times_fill_guest_structs() {
    let mut p = process();
    let mut si = [0u8; 112];
    assert_eq!(call(&mut p, nr::SYSINFO, &[si.as_mut_ptr() as u64]), 0);
    assert!(u64_at(&si, 32) > 0, "totalram at 32");
    assert!(
        u32::from_ne_bytes(si[104..108].try_into().unwrap()) > 0,
        "mem_unit at 104"
    );
    let mut ru = [0u8; 144];
    assert_eq!(call(&mut p, nr::GETRUSAGE, &[0, ru.as_mut_ptr() as u64]), 0);
    assert!(u64_at(&ru, 32) > 0, "ru_maxrss at 32");
    let mut tms = [0u64; 4];
    assert!(call(&mut p, nr::TIMES, &[tms.as_mut_ptr() as u64]) > 0);
}

#[test]
fn futex_wait_wake_and_timeout() {
    let mut p = process();
    let word = 1u32;
    let addr = &word as *const u32 as u64;
    let (wait, wake, private) = (0u64, 1u64, 128u64);
    assert_eq!(call(&mut p, nr::FUTEX, &[addr, wake | private, 1]), 0);
    // Value mismatch.
    assert_eq!(
        call(&mut p, nr::FUTEX, &[addr, wait | private, 2, 0]),
        EAGAIN
    );
    // Matching value, 1 ms relative timeout (guest timespec layout).
    let ts: [i64; 2] = [0, 1_000_000];
    let r = call(
        &mut p,
        nr::FUTEX,
        &[addr, wait | private, 1, ts.as_ptr() as u64],
    );
    assert_eq!(r, ETIMEDOUT);
}

#[test]
fn sleeping_and_clocks() {
    let mut p = process();
    let ts: [i64; 2] = [0, 2_000_000];
    let t0 = std::time::Instant::now();
    assert_eq!(call(&mut p, nr::NANOSLEEP, &[ts.as_ptr() as u64, 0]), 0);
    assert_eq!(
        call(&mut p, nr::CLOCK_NANOSLEEP, &[1, 0, ts.as_ptr() as u64, 0]),
        0
    );
    assert!(t0.elapsed() >= std::time::Duration::from_millis(4));
    let mut res = [0i64; 2];
    assert_eq!(
        call(&mut p, nr::CLOCK_GETRES, &[1, res.as_mut_ptr() as u64]),
        0
    );
    assert!(res[1] > 0 && res[1] < 1_000_000_000);
    let mut tv = [0i64; 2];
    assert_eq!(
        call(&mut p, nr::GETTIMEOFDAY, &[tv.as_mut_ptr() as u64, 0]),
        0
    );
    assert!(tv[0] > 1_600_000_000 && tv[1] < 1_000_000);
}

#[test]
fn directories() {
    let mut p = process();
    let dir = std::env::temp_dir().join(format!("emu-syscalls-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dirc = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
    assert_eq!(
        call(
            &mut p,
            nr::MKDIRAT,
            &[AT_FDCWD, dirc.as_ptr() as u64, 0o755]
        ),
        0
    );
    std::fs::write(dir.join("a"), b"x").unwrap();
    let (a, b) = (c"a", c"b");
    let fd = call(
        &mut p,
        nr::OPENAT,
        &[AT_FDCWD, dirc.as_ptr() as u64, 0o40000, 0],
    ) as u64;
    assert_eq!(
        call(
            &mut p,
            nr::RENAMEAT,
            &[fd, a.as_ptr() as u64, fd, b.as_ptr() as u64]
        ),
        0
    );
    let mut buf = [0u8; 1024];
    let n = call(&mut p, nr::GETDENTS64, &[fd, buf.as_mut_ptr() as u64, 1024]) as usize;
    let mut names = Vec::new();
    let mut off = 0;
    while off < n {
        let reclen = u16::from_ne_bytes([buf[off + 16], buf[off + 17]]) as usize;
        let name = &buf[off + 19..off + reclen];
        names.push(
            String::from_utf8_lossy(&name[..name.iter().position(|&c| c == 0).unwrap()])
                .into_owned(),
        );
        off += reclen;
    }
    names.sort();
    assert_eq!(names, [".", "..", "b"]);
    // fstat through AT_EMPTY_PATH with a NULL path.
    let mut st = [0u8; 128];
    assert_eq!(
        call(
            &mut p,
            nr::NEWFSTATAT,
            &[fd, 0, st.as_mut_ptr() as u64, AT_EMPTY_PATH]
        ),
        0
    );
    assert_eq!(
        u32::from_ne_bytes(st[16..20].try_into().unwrap()) & 0o170000,
        0o040000
    );
    assert_eq!(call(&mut p, nr::UNLINKAT, &[fd, b.as_ptr() as u64, 0]), 0);
    call(&mut p, nr::CLOSE, &[fd]);
    let at_removedir = 0x200;
    assert_eq!(
        call(
            &mut p,
            nr::UNLINKAT,
            &[AT_FDCWD, dirc.as_ptr() as u64, at_removedir]
        ),
        0
    );
    assert!(!dir.exists());
    let mut cwd = [0u8; 4096];
    let n = call(&mut p, nr::GETCWD, &[cwd.as_mut_ptr() as u64, 4096]) as usize;
    let want = std::env::current_dir().unwrap();
    assert_eq!(&cwd[..n - 1], want.to_str().unwrap().as_bytes());
    assert_eq!(cwd[n - 1], 0);
}

#[test]
fn mremap_records_old_range() {
    let mut p = process();
    let a = call(&mut p, nr::MMAP, &[0, 4096, 3, 0x22, -1i64 as u64, 0]) as u64;
    let maymove = 1;
    let b = call(&mut p, nr::MREMAP, &[a, 4096, 1 << 20, maymove]) as u64;
    assert!(b > 0 && (b as i64) > 0);
    assert!(p.code_changed.contains(&(a, a + 4096)));
    assert_eq!(call(&mut p, nr::MUNMAP, &[b, 1 << 20]), 0);
}

#[test]
fn wait4_reaps_child_status() {
    let mut p = process();
    // SAFETY: the child exits at once.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: leave the child without running the test harness.
        unsafe { libc::_exit(5) };
    }
    let mut status = 0i32;
    let r = call(
        &mut p,
        nr::WAIT4,
        &[pid as u64, &mut status as *mut i32 as u64, 0, 0],
    );
    assert_eq!(r, pid as i64);
    assert_eq!((status >> 8) & 0xff, 5);
}

#[test]
fn kill_validates_signal_numbers() {
    let mut p = process();
    let me = std::process::id() as u64;
    assert_eq!(call(&mut p, nr::KILL, &[me, 0]), 0);
    assert_eq!(call(&mut p, nr::KILL, &[me, 65]), EINVAL);
    assert_eq!(call(&mut p, nr::TGKILL, &[me, me, 99]), EINVAL);
}

#[test]
fn prctl_name_and_affinity() {
    let mut p = process();
    // Run on a fresh thread so the test harness thread keeps its name.
    std::thread::spawn(move || {
        let name = c"guest-thr";
        assert_eq!(call(&mut p, nr::PRCTL, &[15, name.as_ptr() as u64]), 0);
        let mut back = [0u8; 16];
        assert_eq!(call(&mut p, nr::PRCTL, &[16, back.as_mut_ptr() as u64]), 0);
        assert_eq!(&back[..10], b"guest-thr\0");
        assert_eq!(call(&mut p, nr::PRCTL, &[0x59616d61, 0]), EINVAL);
        let mut mask = [0u8; 128];
        let n = call(
            &mut p,
            nr::SCHED_GETAFFINITY,
            &[0, 128, mask.as_mut_ptr() as u64],
        );
        assert!(n > 0);
        assert!(mask.iter().any(|&b| b != 0));
        assert_eq!(call(&mut p, nr::SCHED_YIELD, &[]), 0);
    })
    .join()
    .unwrap();
}

#[test]
fn passthrough_calls() {
    let mut p = process();
    let path = std::env::temp_dir().join(format!("emu-syscalls-pass-{}", std::process::id()));
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    let (o_rdwr_creat_trunc, mode) = (0o2 | 0o100 | 0o1000, 0o600);
    let fd = call(
        &mut p,
        nr::OPENAT,
        &[AT_FDCWD, c.as_ptr() as u64, o_rdwr_creat_trunc, mode],
    );
    assert!(fd >= 0);
    assert_eq!(call(&mut p, nr::FTRUNCATE, &[fd as u64, 5000]), 0);
    assert_eq!(call(&mut p, nr::FSYNC, &[fd as u64]), 0);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 5000);
    assert_eq!(call(&mut p, nr::FCHMOD, &[fd as u64, 0o640]), 0);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    call(&mut p, nr::CLOSE, &[fd as u64]);
    std::fs::remove_file(&path).unwrap();
    let (mut r, mut e, mut s) = (0u32, 0u32, 0u32);
    let ptrs = [
        &mut r as *mut u32 as u64,
        &mut e as *mut u32 as u64,
        &mut s as *mut u32 as u64,
    ];
    assert_eq!(call(&mut p, nr::GETRESUID, &ptrs), 0);
    // SAFETY: no preconditions.
    assert_eq!(r, unsafe { libc::getuid() });
}

#[test]
fn sysroot_redirects_existing_absolute_paths() {
    let root = std::env::temp_dir().join(format!("emu-syscalls-root-{}", std::process::id()));
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/only-in-root"), b"guest").unwrap();
    let mut p = Task::new(ProcessInit {
        exe_path: PathBuf::from("/g"),
        sysroot: Some(root.clone()),
        ..Default::default()
    });
    let mut buf = [0u8; 16];
    let c = c"/etc/only-in-root";
    let fd = call(&mut p, nr::OPENAT, &[AT_FDCWD, c.as_ptr() as u64, 0, 0]);
    assert!(fd >= 0, "{fd}");
    assert_eq!(
        call(&mut p, nr::READ, &[fd as u64, buf.as_mut_ptr() as u64, 16]),
        5
    );
    assert_eq!(&buf[..5], b"guest");
    call(&mut p, nr::CLOSE, &[fd as u64]);
    // Paths missing from the sysroot fall back to the host's.
    let fd = call(
        &mut p,
        nr::OPENAT,
        &[AT_FDCWD, c"/".as_ptr() as u64, 0o40000, 0],
    );
    assert!(fd >= 0);
    call(&mut p, nr::CLOSE, &[fd as u64]);
    std::fs::remove_dir_all(&root).unwrap();
}
