//! Calls `Process::dispatch` directly, as the translator's dispatcher will, and checks
//! results in guest (arm64) terms: guest struct offsets, guest flag values, -errno.

mod common;

use common::{call, u32_at, u64_at, EFAULT, EINVAL, ENOSYS};
use emu_syscalls::{nr, Outcome, ProcessInit, Task};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

const AT_FDCWD: u64 = -100i64 as u64;
const ENOTTY: i64 = -25;
const ENOTDIR: i64 = -20;
/// Unmapped guest address.
const BAD: u64 = 0x10;

fn process() -> Task {
    Task::new(ProcessInit {
        exe_path: PathBuf::from("/opt/guest/bin/hello"),
        brk_start: 0,
        argv0: "hello".into(),
        ..Default::default()
    })
}

fn cstr(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("emu-syscalls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents)
        .unwrap();
    path
}

#[test]
fn write_and_read_through_a_pipe() {
    let mut p = process();
    let mut fds = [0i32; 2];
    assert_eq!(call(&mut p, nr::PIPE2, &[fds.as_mut_ptr() as u64, 0]), 0);
    let msg = b"hello, guest";
    let n = call(
        &mut p,
        nr::WRITE,
        &[fds[1] as u64, msg.as_ptr() as u64, msg.len() as u64],
    );
    assert_eq!(n, msg.len() as i64);
    let mut avail = 0i32;
    let fionread = 0x541B;
    assert_eq!(
        call(
            &mut p,
            nr::IOCTL,
            &[fds[0] as u64, fionread, &mut avail as *mut i32 as u64]
        ),
        0
    );
    assert_eq!(avail as usize, msg.len());
    let mut buf = [0u8; 32];
    let n = call(
        &mut p,
        nr::READ,
        &[fds[0] as u64, buf.as_mut_ptr() as u64, 32],
    );
    assert_eq!(&buf[..n as usize], msg);
    // A bad buffer is reported, not a crash.
    assert_eq!(call(&mut p, nr::WRITE, &[fds[1] as u64, BAD, 4]), EFAULT);
    assert_eq!(call(&mut p, nr::CLOSE, &[fds[0] as u64]), 0);
    assert_eq!(call(&mut p, nr::CLOSE, &[fds[1] as u64]), 0);
}

#[test]
fn openat_fstat_fill_arm64_stat() {
    let mut p = process();
    let path = temp_file("stat.txt", &[7u8; 1234]);
    let meta = std::fs::metadata(&path).unwrap();
    let c = cstr(path.to_str().unwrap());
    let fd = call(&mut p, nr::OPENAT, &[AT_FDCWD, c.as_ptr() as u64, 0, 0]);
    assert!(fd >= 0, "openat: {fd}");
    let mut st = [0xAAu8; 128];
    assert_eq!(
        call(&mut p, nr::FSTAT, &[fd as u64, st.as_mut_ptr() as u64]),
        0
    );
    // arm64 struct stat offsets (asm-generic): dev 0, ino 8, mode 16, nlink 20, uid 24,
    // size 48, blksize 56, blocks 64, mtime 88.
    assert_eq!(u64_at(&st, 0), meta.dev());
    assert_eq!(u64_at(&st, 8), meta.ino());
    assert_eq!(u32_at(&st, 16), meta.mode());
    assert_eq!(u32_at(&st, 20) as u64, meta.nlink());
    assert_eq!(u32_at(&st, 24), meta.uid());
    assert_eq!(u64_at(&st, 48), 1234);
    assert_eq!(u32_at(&st, 56) as u64, meta.blksize());
    assert_eq!(u64_at(&st, 64), meta.blocks());
    assert_eq!(u64_at(&st, 88) as i64, meta.mtime());
    // The same through newfstatat.
    let mut st2 = [0u8; 128];
    let r = call(
        &mut p,
        nr::NEWFSTATAT,
        &[AT_FDCWD, c.as_ptr() as u64, st2.as_mut_ptr() as u64, 0],
    );
    assert_eq!(r, 0);
    assert_eq!(st2[..72], st[..72]);
    // statx: stx_size at 40, stx_mode at 28.
    let mut stx = [0u8; 256];
    let statx_basic = 0x7ff;
    let r = call(
        &mut p,
        nr::STATX,
        &[
            AT_FDCWD,
            c.as_ptr() as u64,
            0,
            statx_basic,
            stx.as_mut_ptr() as u64,
        ],
    );
    assert_eq!(r, 0);
    assert_eq!(u64_at(&stx, 40), 1234);
    assert_eq!(
        u16::from_ne_bytes([stx[28], stx[29]]) as u32,
        meta.mode() & 0xffff
    );
    assert_eq!(call(&mut p, nr::CLOSE, &[fd as u64]), 0);
}

#[test]
fn fstat_bad_pointer_is_efault() {
    let mut p = process();
    assert_eq!(call(&mut p, nr::FSTAT, &[0, BAD]), EFAULT);
    assert_eq!(call(&mut p, nr::NEWFSTATAT, &[AT_FDCWD, BAD, 0, 0]), EFAULT);
    assert_eq!(call(&mut p, nr::CLOCK_GETTIME, &[0, BAD]), EFAULT);
    assert_eq!(call(&mut p, nr::UNAME, &[BAD]), EFAULT);
}

#[test]
fn unknown_and_unimplemented_are_enosys() {
    let mut p = process();
    assert_eq!(call(&mut p, 1000, &[]), ENOSYS);
    assert_eq!(call(&mut p, 1000, &[]), ENOSYS); // warned once only
    assert_eq!(call(&mut p, nr::RSEQ, &[]), ENOSYS);
}

#[test]
fn open_flags_are_translated() {
    let mut p = process();
    let file = temp_file("flags.txt", b"x");
    let dir = cstr(file.parent().unwrap().to_str().unwrap());
    let file = cstr(file.to_str().unwrap());
    let o_directory = 0o40000; // arm64 value (x86-64: O_DIRECT)
    let fd = call(
        &mut p,
        nr::OPENAT,
        &[AT_FDCWD, dir.as_ptr() as u64, o_directory, 0],
    );
    assert!(fd >= 0, "{fd}");
    call(&mut p, nr::CLOSE, &[fd as u64]);
    let r = call(
        &mut p,
        nr::OPENAT,
        &[AT_FDCWD, file.as_ptr() as u64, o_directory, 0],
    );
    assert_eq!(r, ENOTDIR);
    // F_GETFL reports O_LARGEFILE (set by a 64-bit kernel) in arm64 terms.
    let fd = call(
        &mut p,
        nr::OPENAT,
        &[AT_FDCWD, file.as_ptr() as u64, 0o2, 0],
    );
    let fl = call(&mut p, nr::FCNTL, &[fd as u64, 3]) as u32;
    assert_eq!(fl & 0o3, 0o2);
    assert_eq!(fl & 0o100000, 0, "arm64 O_NOFOLLOW must not appear");
    assert_ne!(fl & 0o400000, 0, "arm64 O_LARGEFILE");
    call(&mut p, nr::CLOSE, &[fd as u64]);
}

/// A page-aligned range of `len` bytes that is free, far below where the host
/// kernel places mappings (top down from 0x7f..., PIE images near 0x55...), so
/// that other tests of this process mapping memory meanwhile cannot take it.
fn free_range(len: usize) -> u64 {
    let mut at: u64 = 0x3d00_0000_0000;
    loop {
        // SAFETY: MAP_FIXED_NOREPLACE never replaces a mapping; released at once.
        unsafe {
            let a = libc::mmap(
                at as *mut libc::c_void,
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            );
            if a != libc::MAP_FAILED {
                libc::munmap(a, len);
                return at;
            }
        }
        at += 1 << 32;
    }
}

#[test]
fn brk_grows_shrinks_and_fails_like_linux() {
    let start = free_range(64 << 20) + 100; // unaligned start, like the end of a bss
    let mut p = Task::new(ProcessInit {
        exe_path: "/x".into(),
        brk_start: start,
        argv0: "x".into(),
        ..Default::default()
    });
    // The loader maps the page holding `start`; do the same here.
    let first = start & !4095;
    // SAFETY: mapping into the free range found above.
    let r = unsafe {
        libc::mmap(
            first as *mut _,
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    assert_eq!(r as u64, first);
    assert_eq!(call(&mut p, nr::BRK, &[0]) as u64, start);
    let grown = start + 3 * 4096 + 5;
    assert_eq!(call(&mut p, nr::BRK, &[grown]) as u64, grown);
    // The new heap is usable.
    let top = (grown - 1) as *mut u8;
    // SAFETY: inside the break just granted.
    unsafe { top.write(42) };
    assert_eq!(call(&mut p, nr::BRK, &[0]) as u64, grown);
    // Below the start: query only.
    assert_eq!(call(&mut p, nr::BRK, &[start - 1]) as u64, grown);
    // Shrink: pages above the new break are released.
    let small = start + 10;
    assert_eq!(call(&mut p, nr::BRK, &[small]) as u64, small);
    let mut b = [0u8; 1];
    let above = (start + 4096).next_multiple_of(4096);
    assert!(emu_syscalls::guest_mem::read_bytes(above, &mut b).is_err());
    assert!(p.code_changed.iter().any(|&(s, e)| s <= above && above < e));
    // Grow into an obstacle: fails, returning the old break.
    let obstacle = first + (8 << 20);
    // SAFETY: mapping into the free range found above.
    let r2 = unsafe {
        libc::mmap(
            obstacle as *mut _,
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    assert_eq!(r2 as u64, obstacle);
    assert_eq!(call(&mut p, nr::BRK, &[obstacle + 4096]) as u64, small);
    assert_eq!(
        call(&mut p, nr::BRK, &[obstacle - 4096]) as u64,
        obstacle - 4096
    );
}

#[test]
fn mapping_changes_record_code_ranges() {
    let mut p = process();
    let len = 3 * 4096u64;
    let prot_rx = 0x1 | 0x4;
    let map_private_anon = 0x2 | 0x20;
    let a = call(
        &mut p,
        nr::MMAP,
        &[
            0,
            len,
            prot_rx | 0x10, /* PROT_BTI */
            map_private_anon,
            -1i64 as u64,
            0,
        ],
    );
    assert!(a > 0);
    let a = a as u64;
    assert!(p.code_changed.is_empty(), "a fresh mapping drops nothing");
    // Removing exec drops translations; adding it does not.
    assert_eq!(call(&mut p, nr::MPROTECT, &[a, 4096, 0x1 | 0x2]), 0);
    assert_eq!(
        p.code_changed.drain(..).collect::<Vec<_>>(),
        vec![(a, a + 4096)]
    );
    assert_eq!(call(&mut p, nr::MPROTECT, &[a, 4096, prot_rx]), 0);
    assert!(p.code_changed.is_empty());
    // MAP_FIXED over existing memory.
    let r = call(
        &mut p,
        nr::MMAP,
        &[
            a + 4096,
            4096,
            prot_rx,
            map_private_anon | 0x10,
            -1i64 as u64,
            0,
        ],
    );
    assert_eq!(r as u64, a + 4096);
    assert_eq!(
        p.code_changed.drain(..).collect::<Vec<_>>(),
        vec![(a + 4096, a + 8192)]
    );
    // munmap.
    assert_eq!(call(&mut p, nr::MUNMAP, &[a, len]), 0);
    assert_eq!(
        p.code_changed.drain(..).collect::<Vec<_>>(),
        vec![(a, a + len)]
    );
}

#[test]
fn proc_self_exe_is_the_guest() {
    let mut p = process();
    let mut buf = [0u8; 64];
    for link in [
        "/proc/self/exe",
        &format!("/proc/{}/exe", std::process::id()),
    ] {
        let c = cstr(link);
        let n = call(
            &mut p,
            nr::READLINKAT,
            &[AT_FDCWD, c.as_ptr() as u64, buf.as_mut_ptr() as u64, 64],
        );
        assert_eq!(&buf[..n as usize], b"/opt/guest/bin/hello");
    }
    // Truncated like readlink(2), without a NUL.
    let c = cstr("/proc/self/exe");
    let n = call(
        &mut p,
        nr::READLINKAT,
        &[AT_FDCWD, c.as_ptr() as u64, buf.as_mut_ptr() as u64, 4],
    );
    assert_eq!(&buf[..n as usize], b"/opt");
    // Ordinary links still go to the host.
    let dir = std::env::temp_dir().join(format!("emu-syscalls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("link");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink("target-name", &link).unwrap();
    let c = cstr(link.to_str().unwrap());
    let n = call(
        &mut p,
        nr::READLINKAT,
        &[AT_FDCWD, c.as_ptr() as u64, buf.as_mut_ptr() as u64, 64],
    );
    assert_eq!(&buf[..n as usize], b"target-name");
    // openat(/proc/self/exe) opens the guest executable.
    let exe = temp_file("guest-exe", b"\x7fELF-guest");
    let mut p = Task::new(ProcessInit {
        exe_path: exe,
        brk_start: 0,
        argv0: "g".into(),
        ..Default::default()
    });
    let c = cstr("/proc/self/exe");
    let fd = call(&mut p, nr::OPENAT, &[AT_FDCWD, c.as_ptr() as u64, 0, 0]);
    assert!(fd >= 0);
    let n = call(&mut p, nr::READ, &[fd as u64, buf.as_mut_ptr() as u64, 64]);
    assert_eq!(&buf[..n as usize], b"\x7fELF-guest");
    call(&mut p, nr::CLOSE, &[fd as u64]);
}

#[test]
fn rt_sigaction_records_and_validates() {
    let mut p = process();
    let sigusr1 = 10;
    // handler, flags (SA_SIGINFO|SA_RESTORER), restorer, mask (includes SIGKILL: dropped).
    let act: [u64; 4] = [0x1234, 0x4 | 0x0400_0000, 0x5678, (1 << 1) | (1 << 8)];
    let mut old = [9u64; 4];
    let r = call(
        &mut p,
        nr::RT_SIGACTION,
        &[sigusr1, act.as_ptr() as u64, old.as_mut_ptr() as u64, 8],
    );
    assert_eq!(r, 0);
    assert_eq!(old, [0; 4]);
    let r = call(
        &mut p,
        nr::RT_SIGACTION,
        &[sigusr1, 0, old.as_mut_ptr() as u64, 8],
    );
    assert_eq!(r, 0);
    assert_eq!(old, [0x1234, 0x4 | 0x0400_0000, 0x5678, 1 << 1]);
    assert_eq!(p.sigaction(10).handler, 0x1234);
    // SIGKILL / SIGSTOP cannot be caught; numbers are 1..=64; sigsetsize is 8.
    assert_eq!(
        call(&mut p, nr::RT_SIGACTION, &[9, act.as_ptr() as u64, 0, 8]),
        EINVAL
    );
    assert_eq!(
        call(&mut p, nr::RT_SIGACTION, &[19, act.as_ptr() as u64, 0, 8]),
        EINVAL
    );
    assert_eq!(
        call(
            &mut p,
            nr::RT_SIGACTION,
            &[9, 0, old.as_mut_ptr() as u64, 8]
        ),
        0
    );
    assert_eq!(call(&mut p, nr::RT_SIGACTION, &[0, 0, 0, 8]), EINVAL);
    assert_eq!(call(&mut p, nr::RT_SIGACTION, &[65, 0, 0, 8]), EINVAL);
    assert_eq!(call(&mut p, nr::RT_SIGACTION, &[sigusr1, 0, 0, 16]), EINVAL);
    assert_eq!(
        call(&mut p, nr::RT_SIGACTION, &[sigusr1, BAD, 0, 8]),
        EFAULT
    );
}

#[test]
fn rt_sigprocmask_and_sigaltstack_record() {
    let mut p = process();
    let set: u64 = (1 << 9) | (1 << 8); // SIGUSR1 and SIGKILL
    let mut old = 7u64;
    let r = call(
        &mut p,
        nr::RT_SIGPROCMASK,
        &[0, &set as *const u64 as u64, &mut old as *mut u64 as u64, 8],
    );
    assert_eq!((r, old), (0, 0));
    let r = call(
        &mut p,
        nr::RT_SIGPROCMASK,
        &[1, 0, &mut old as *mut u64 as u64, 8],
    );
    assert_eq!((r, old), (0, 1 << 9), "SIGKILL cannot be blocked");
    assert_eq!(
        call(
            &mut p,
            nr::RT_SIGPROCMASK,
            &[7, &set as *const u64 as u64, 0, 8]
        ),
        EINVAL
    );
    // sigaltstack: initially disabled; too small is ENOMEM.
    let mut oss = [0u64; 3];
    let small: [u64; 3] = [0x1000, 0, 2048];
    assert_eq!(
        call(&mut p, nr::SIGALTSTACK, &[small.as_ptr() as u64, 0]),
        -12
    );
    let ss: [u64; 3] = [0x10000, 0, 65536];
    assert_eq!(
        call(
            &mut p,
            nr::SIGALTSTACK,
            &[ss.as_ptr() as u64, oss.as_mut_ptr() as u64]
        ),
        0
    );
    assert_eq!(oss[1] as u32, 2, "SS_DISABLE");
    assert_eq!(
        call(&mut p, nr::SIGALTSTACK, &[0, oss.as_mut_ptr() as u64]),
        0
    );
    assert_eq!(oss, ss);
}

#[test]
fn uname_reports_aarch64() {
    let mut p = process();
    let mut u = [0xffu8; 390];
    assert_eq!(call(&mut p, nr::UNAME, &[u.as_mut_ptr() as u64]), 0);
    assert_eq!(&u[260..268], b"aarch64\0");
    assert_eq!(&u[0..6], b"Linux\0");
}

#[test]
fn ids_time_and_limits() {
    let mut p = process();
    assert_eq!(call(&mut p, nr::GETPID, &[]) as u32, std::process::id());
    // SAFETY: no preconditions.
    let tid = unsafe { libc::gettid() } as i64;
    assert_eq!(call(&mut p, nr::GETTID, &[]), tid);
    let mut word = 5u32;
    assert_eq!(
        call(&mut p, nr::SET_TID_ADDRESS, &[&mut word as *mut u32 as u64]),
        tid
    );
    let mut ts = [0i64; 2];
    assert_eq!(
        call(&mut p, nr::CLOCK_GETTIME, &[0, ts.as_mut_ptr() as u64]),
        0
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((ts[0] - now).abs() <= 2);
    let mut lim = [0u64; 2];
    let nofile = 7;
    assert_eq!(
        call(&mut p, nr::GETRLIMIT, &[nofile, lim.as_mut_ptr() as u64]),
        0
    );
    let mut host = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid out-pointer.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut host) };
    assert_eq!(lim, [host.rlim_cur, host.rlim_max]);
    assert_eq!(
        call(&mut p, nr::PRLIMIT64, &[0, 99, 0, lim.as_mut_ptr() as u64]),
        EINVAL
    );
    assert_eq!(call(&mut p, nr::SET_ROBUST_LIST, &[0x1000, 24]), 0);
    assert_eq!(call(&mut p, nr::SET_ROBUST_LIST, &[0x1000, 16]), EINVAL);
    let mut rnd = [0u8; 16];
    assert_eq!(
        call(&mut p, nr::GETRANDOM, &[rnd.as_mut_ptr() as u64, 16, 0]),
        16
    );
}

#[test]
fn ioctl_tty_requests_on_a_pipe() {
    let mut p = process();
    let mut fds = [0i32; 2];
    call(&mut p, nr::PIPE2, &[fds.as_mut_ptr() as u64, 0o2000000]);
    let mut ws = [0u16; 4];
    assert_eq!(
        call(
            &mut p,
            nr::IOCTL,
            &[fds[0] as u64, 0x5413, ws.as_mut_ptr() as u64]
        ),
        ENOTTY
    );
    let mut t = [0u8; 36];
    assert_eq!(
        call(
            &mut p,
            nr::IOCTL,
            &[fds[0] as u64, 0x5401, t.as_mut_ptr() as u64]
        ),
        ENOTTY
    );
    assert_eq!(call(&mut p, nr::IOCTL, &[fds[0] as u64, 0x1234, 0]), ENOTTY);
    // O_CLOEXEC from pipe2 is visible through F_GETFD.
    assert_eq!(call(&mut p, nr::FCNTL, &[fds[0] as u64, 1]), 1);
    call(&mut p, nr::CLOSE, &[fds[0] as u64]);
    call(&mut p, nr::CLOSE, &[fds[1] as u64]);
}

#[test]
fn exit_outcomes_clear_child_tid() {
    let mut p = process();
    let mut word = 77u32;
    call(&mut p, nr::SET_TID_ADDRESS, &[&mut word as *mut u32 as u64]);
    assert_eq!(p.dispatch(nr::EXIT, [3, 0, 0, 0, 0, 0]), Outcome::Exit(3));
    assert_eq!(word, 0);
    assert_eq!(
        p.dispatch(nr::EXIT_GROUP, [4, 0, 0, 0, 0, 0]),
        Outcome::ExitGroup(4)
    );
}

#[test]
fn tgkill_sigabrt_to_self_kills() {
    let mut p = process();
    // SAFETY: the child only makes raw syscalls before it dies or _exits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: no preconditions.
        let (me, tid) = unsafe { (libc::getpid(), libc::gettid()) };
        p.dispatch(nr::TGKILL, [me as u64, tid as u64, 6, 0, 0, 0]);
        // SAFETY: leave the child without running the test harness.
        unsafe { libc::_exit(0) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFSIGNALED(status), "status {status:#x}");
    assert_eq!(libc::WTERMSIG(status), libc::SIGABRT);
}

#[test]
fn xattrs_pass_through() {
    let mut p = process();
    let path = temp_file("xattr", b"x");
    let cpath = cstr(path.to_str().unwrap());
    let name = cstr("user.emu-test-absent");
    let mut buf = [0u8; 64];
    let args = [
        cpath.as_ptr() as u64,
        name.as_ptr() as u64,
        buf.as_mut_ptr() as u64,
        buf.len() as u64,
    ];
    // An absent attribute: ENODATA (61), or EOPNOTSUPP (95) where the file system has no
    // user xattrs; never ENOSYS.
    let r = call(&mut p, nr::LGETXATTR, &args);
    assert!(r == -61 || r == -95, "lgetxattr = {r}");
    let r = call(&mut p, nr::GETXATTR, &args);
    assert!(r == -61 || r == -95, "getxattr = {r}");
    // The list of a fresh file's attributes fits (length >= 0) or is unsupported.
    let r = call(
        &mut p,
        nr::LLISTXATTR,
        &[
            cpath.as_ptr() as u64,
            buf.as_mut_ptr() as u64,
            buf.len() as u64,
        ],
    );
    assert!(r >= 0 || r == -95, "llistxattr = {r}");
    // A bad name pointer is EFAULT, from the host kernel.
    let r = call(&mut p, nr::GETXATTR, &[cpath.as_ptr() as u64, BAD, 0, 0]);
    assert_eq!(r, -14);
}

#[test]
fn statfs_fills_the_guest_struct() {
    let mut p = process();
    let path = temp_file("statfs", b"x");
    let cpath = cstr(path.to_str().unwrap());
    // The guest's 120-byte struct statfs as 15 words; fsid is word 7.
    let mut guest = [0xaaaa_aaaa_aaaa_aaaau64; 16];
    assert_eq!(
        call(
            &mut p,
            nr::STATFS,
            &[cpath.as_ptr() as u64, guest.as_mut_ptr() as u64]
        ),
        0
    );
    let host = nix::sys::statfs::statfs(&path).unwrap();
    assert_eq!(guest[0] as i64, host.filesystem_type().0 as i64, "f_type");
    assert_eq!(guest[1] as i64, host.block_size() as i64, "f_bsize");
    assert_eq!(guest[2], host.blocks(), "f_blocks");
    assert_eq!(guest[5], host.files(), "f_files");
    assert_eq!(
        guest[8] as i64,
        host.maximum_name_length() as i64,
        "f_namelen"
    );
    assert_eq!(guest[11..15], [0; 4], "f_spare");
    assert_eq!(guest[15], 0xaaaa_aaaa_aaaa_aaaa, "wrote past 120 bytes");
    let fd = std::fs::File::open(&path).unwrap();
    let mut guest2 = [0u64; 15];
    use std::os::fd::AsRawFd;
    assert_eq!(
        call(
            &mut p,
            nr::FSTATFS,
            &[fd.as_raw_fd() as u64, guest2.as_mut_ptr() as u64]
        ),
        0
    );
    // Free counts may move between the calls; sizes do not.
    for i in [0, 1, 2, 5, 8] {
        assert_eq!(guest2[i], guest[i], "word {i}");
    }
    assert_eq!(
        call(&mut p, nr::FSTATFS, &[fd.as_raw_fd() as u64, BAD]),
        -14
    );
}

#[test]
fn file_and_block_ioctls_reach_the_host() {
    let mut p = Task::new(ProcessInit::default());
    let path = std::env::temp_dir().join(format!("emu-ioctl-{}", std::process::id()));
    std::fs::write(&path, b"data").unwrap();
    let f = std::fs::File::open(&path).unwrap();
    let fd = std::os::unix::io::AsRawFd::as_raw_fd(&f) as u64;
    let mut bsz = 0i32;
    // FIGETBSZ: the file system's block size.
    let r = call(&mut p, nr::IOCTL, &[fd, 2, &mut bsz as *mut i32 as u64]);
    assert_eq!(r, 0);
    assert!(bsz >= 512, "{bsz}");
    // BLKGETSIZE64 on a regular file: the host's ENOTTY, not emu's unknown-ioctl one.
    let mut size = 0u64;
    let r = call(
        &mut p,
        nr::IOCTL,
        &[fd, 0x8008_1272, &mut size as *mut u64 as u64],
    );
    assert_eq!(r, -25);
    drop(f);
    let _ = std::fs::remove_file(&path);
}
