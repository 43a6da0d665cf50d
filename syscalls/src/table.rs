//! THE syscall table: one line per arm64 syscall, `(nr, CONST, "name", handler, strace)`.
//!
//! Numbers come from the Linux kernel's include/uapi/asm-generic/unistd.h as arm64
//! configures it (arch/arm64/include/uapi/asm/unistd.h: RENAMEAT, NEW_STAT,
//! SET_GET_RLIMIT, TIME32_SYSCALLS, SYS_CLONE3, MEMFD_SECRET; 64-bit names for the
//! `__NR3264_*` entries). `nr::*` constants and the name lookup are generated from it.
//!
//! Every row outside the socket calls has a handler: an implementation, a forward to
//! the host (`pass`, `pass_sys`: each entry says why the ABIs agree), or a deliberate
//! answer (`denied`, `mem_more`'s protection keys: each says which errno and why).
//! `None` is ENOSYS with a warning, for gaps only.
//!
//! The strace column has one letter per argument (see `strace::args`), optionally
//! followed by `=p` (result is an address, in hex) or `=o` (result in octal).
//! - numbers: `d` int, `D` long, `u` unsigned, `x` hex, `o` octal mode (`0644`),
//!   `p` pointer (`NULL`), `s` path string;
//! - names: `A` dirfd (`AT_FDCWD`), `F` open flags, `O` mode shown only when the flags
//!   before it have O_CREAT or O_TMPFILE, `P` mmap prot, `m` mmap flags, `n` `AT_*`
//!   flags, `S` signal, `C` clone flags, `c` clock id, `f` fcntl command, `w` futex
//!   op, `I` ioctl request, `W` wait options, `H` sigprocmask how, `e` socket family,
//!   `y` socket type and flags, `g` `MSG_*` flags, `j` rlimit resource, `E` epoll_ctl
//!   op, `h` statx mask, `+` fd creation flags (`O_CLOEXEC`, `0`), `_` lseek whence,
//!   `&` madvise advice, `^` getrandom flags, `?` mremap flags, `%` shutdown how,
//!   `!` statx flags, `@` prctl option, `(` socket option level, `)` socket option
//!   name (level: the argument before), `|` `SOCK_*` creation flags, `<` socket
//!   protocol (family: the first argument), `.` epoll_create1 flags, `,` eventfd2
//!   flags, `\` clone3's clone_args, `~` access mode, `-` itimer, `` ` `` mremap's
//!   new address (shown only with MREMAP_FIXED or MREMAP_DONTUNMAP in the argument
//!   before);
//! - by command: fcntl's, futex's and ioctl's arguments after the command follow it
//!   (`strace::special`), whatever their letters;
//! - inputs, decoded before the call: `b` buffer (length: next argument), `[` string
//!   array (execve's argv), `$` environment (`0x... /* 12 vars */`), `:` socket
//!   option value (length: next), `{` stack_t, `>` open_how, `"` itimerval, `/`
//!   siginfo, `v` iovec array (count: next), `K` sockaddr (length: next), `T`
//!   timespec, `a` sigaction, `q` sigset, `R` rlimit, `M` msghdr, `Y` epoll_event,
//!   `l` pollfd array (count: next);
//! - outputs, decoded after a successful call: `B` buffer (length: the result), `#`
//!   C string, `V` iovec array (bytes: the result), `k` sockaddr (length pointer:
//!   next), `L` socklen_t pointer, `t` timespec, `G` sigaction, `Q` sigset, `r`
//!   rlimit, `X` stat, `Z` statx, `U` utsname, `N` msghdr, `J` epoll_event array
//!   (count: the result), `i` two fds, `z` wait status, `*` getdents64 buffer (bytes:
//!   the result), `}` stack_t, `;` socket option value (length pointer: next),
//!   `'` itimerval.

use crate::thread::Task;
use crate::{
    aio, clone, denied, epoll, exec, fs, fs_more, info, io, ipc, mem, mem_more, net, pass,
    pass_sys, path_calls, prctl, signal, task, time, SysResult,
};

/// A syscall implementation: the six raw guest argument registers in, result out.
pub type Handler = fn(&mut Task, [u64; 6]) -> SysResult;

/// One row of the table.
pub struct Entry {
    pub nr: u64,
    pub name: &'static str,
    pub handler: Option<Handler>,
    pub strace: &'static str,
}

macro_rules! syscall_table {
    ($(($nr:literal, $konst:ident, $name:literal, $handler:expr, $fmt:literal),)*) => {
        /// arm64 (asm-generic) syscall numbers.
        pub mod nr {
            $(pub const $konst: u64 = $nr;)*
        }
        /// Every known arm64 syscall, sorted by number.
        pub static TABLE: &[Entry] = &[
            $(Entry { nr: $nr, name: $name, handler: $handler, strace: $fmt },)*
        ];
    };
}

/// The table row for `nr`, if the number is a known arm64 syscall.
pub fn lookup(nr: u64) -> Option<&'static Entry> {
    TABLE
        .binary_search_by_key(&nr, |e| e.nr)
        .ok()
        .map(|i| &TABLE[i])
}

syscall_table! {
    (0, IO_SETUP, "io_setup", Some(aio::io_setup), "up"),
    (1, IO_DESTROY, "io_destroy", Some(aio::io_destroy), "x"),
    (2, IO_SUBMIT, "io_submit", Some(pass_sys::io_submit), "xdp"),
    (3, IO_CANCEL, "io_cancel", Some(pass_sys::io_cancel), "xpp"),
    (4, IO_GETEVENTS, "io_getevents", Some(pass_sys::io_getevents), "xDDpp"),
    (5, SETXATTR, "setxattr", Some(path_calls::setxattr), "sspux"),
    (6, LSETXATTR, "lsetxattr", Some(path_calls::lsetxattr), "sspux"),
    (7, FSETXATTR, "fsetxattr", Some(pass::fsetxattr), "dspux"),
    (8, GETXATTR, "getxattr", Some(path_calls::getxattr), "sspu"),
    (9, LGETXATTR, "lgetxattr", Some(path_calls::lgetxattr), "sspu"),
    (10, FGETXATTR, "fgetxattr", Some(pass::fgetxattr), "dspu"),
    (11, LISTXATTR, "listxattr", Some(path_calls::listxattr), "spu"),
    (12, LLISTXATTR, "llistxattr", Some(path_calls::llistxattr), "spu"),
    (13, FLISTXATTR, "flistxattr", Some(pass::flistxattr), "dpu"),
    (14, REMOVEXATTR, "removexattr", Some(path_calls::removexattr), "ss"),
    (15, LREMOVEXATTR, "lremovexattr", Some(path_calls::lremovexattr), "ss"),
    (16, FREMOVEXATTR, "fremovexattr", Some(pass::fremovexattr), "ds"),
    (17, GETCWD, "getcwd", Some(fs::getcwd), "#u"),
    (18, LOOKUP_DCOOKIE, "lookup_dcookie", Some(denied::lookup_dcookie), "xpu"),
    (19, EVENTFD2, "eventfd2", Some(pass::eventfd2), "u,"),
    (20, EPOLL_CREATE1, "epoll_create1", Some(epoll::epoll_create1), "."),
    (21, EPOLL_CTL, "epoll_ctl", Some(epoll::epoll_ctl), "dEdY"),
    (22, EPOLL_PWAIT, "epoll_pwait", Some(epoll::epoll_pwait), "dJddqu"),
    (23, DUP, "dup", Some(io::dup), "d"),
    (24, DUP3, "dup3", Some(io::dup3), "dd+"),
    (25, FCNTL, "fcntl", Some(io::fcntl), "dfx"),
    (26, INOTIFY_INIT1, "inotify_init1", Some(pass::inotify_init1), "x"),
    (27, INOTIFY_ADD_WATCH, "inotify_add_watch", Some(path_calls::inotify_add_watch), "dsx"),
    (28, INOTIFY_RM_WATCH, "inotify_rm_watch", Some(pass::inotify_rm_watch), "dd"),
    (29, IOCTL, "ioctl", Some(io::ioctl), "dIx"),
    (30, IOPRIO_SET, "ioprio_set", Some(pass::ioprio_set), "ddd"),
    (31, IOPRIO_GET, "ioprio_get", Some(pass::ioprio_get), "dd"),
    (32, FLOCK, "flock", Some(pass::flock), "dd"),
    (33, MKNODAT, "mknodat", Some(path_calls::mknodat), "Asox"),
    (34, MKDIRAT, "mkdirat", Some(fs::mkdirat), "Aso"),
    (35, UNLINKAT, "unlinkat", Some(fs::unlinkat), "Asn"),
    (36, SYMLINKAT, "symlinkat", Some(path_calls::symlinkat), "sAs"),
    (37, LINKAT, "linkat", Some(path_calls::linkat), "AsAsn"),
    (38, RENAMEAT, "renameat", Some(fs::renameat), "AsAs"),
    (39, UMOUNT2, "umount2", Some(path_calls::umount2), "sx"),
    (40, MOUNT, "mount", Some(path_calls::mount), "sssxp"),
    (41, PIVOT_ROOT, "pivot_root", Some(path_calls::pivot_root), "ss"),
    (42, NFSSERVCTL, "nfsservctl", Some(denied::nfsservctl), "dpp"),
    (43, STATFS, "statfs", Some(fs::statfs), "sp"),
    (44, FSTATFS, "fstatfs", Some(fs::fstatfs), "dp"),
    (45, TRUNCATE, "truncate", Some(path_calls::truncate), "sD"),
    (46, FTRUNCATE, "ftruncate", Some(pass::ftruncate), "dD"),
    (47, FALLOCATE, "fallocate", Some(pass::fallocate), "ddDD"),
    (48, FACCESSAT, "faccessat", Some(fs::faccessat), "As~"),
    (49, CHDIR, "chdir", Some(fs::chdir), "s"),
    (50, FCHDIR, "fchdir", Some(fs::fchdir), "d"),
    (51, CHROOT, "chroot", Some(path_calls::chroot), "s"),
    (52, FCHMOD, "fchmod", Some(pass::fchmod), "do"),
    (53, FCHMODAT, "fchmodat", Some(path_calls::fchmodat), "Aso"),
    (54, FCHOWNAT, "fchownat", Some(path_calls::fchownat), "Asddn"),
    (55, FCHOWN, "fchown", Some(pass::fchown), "ddd"),
    (56, OPENAT, "openat", Some(fs::openat), "AsFO"),
    (57, CLOSE, "close", Some(io::close), "d"),
    (58, VHANGUP, "vhangup", Some(pass_sys::vhangup), ""),
    (59, PIPE2, "pipe2", Some(io::pipe2), "i+"),
    (60, QUOTACTL, "quotactl", Some(path_calls::quotactl), "xsdp"),
    (61, GETDENTS64, "getdents64", Some(io::getdents64), "d*u"),
    (62, LSEEK, "lseek", Some(io::lseek), "dD_"),
    (63, READ, "read", Some(io::read), "dBu"),
    (64, WRITE, "write", Some(io::write), "dbu"),
    (65, READV, "readv", Some(io::readv), "dVd"),
    (66, WRITEV, "writev", Some(io::writev), "dvd"),
    (67, PREAD64, "pread64", Some(io::pread64), "dBuD"),
    (68, PWRITE64, "pwrite64", Some(io::pwrite64), "dbuD"),
    (69, PREADV, "preadv", Some(pass::preadv), "dpuxx"),
    (70, PWRITEV, "pwritev", Some(pass::pwritev), "dpuxx"),
    (71, SENDFILE, "sendfile", Some(pass::sendfile), "ddpu"),
    (72, PSELECT6, "pselect6", Some(pass::pselect6), "dppppp"),
    (73, PPOLL, "ppoll", Some(pass::ppoll), "luTqu"),
    (74, SIGNALFD4, "signalfd4", Some(pass::signalfd4), "dpux"),
    (75, VMSPLICE, "vmsplice", Some(pass::vmsplice), "dpux"),
    (76, SPLICE, "splice", Some(pass::splice), "dpdpux"),
    (77, TEE, "tee", Some(pass::tee), "ddux"),
    (78, READLINKAT, "readlinkat", Some(fs::readlinkat), "AsBu"),
    (79, NEWFSTATAT, "newfstatat", Some(fs::newfstatat), "AsXn"),
    (80, FSTAT, "fstat", Some(fs::fstat), "dX"),
    (81, SYNC, "sync", Some(pass::sync), ""),
    (82, FSYNC, "fsync", Some(pass::fsync), "d"),
    (83, FDATASYNC, "fdatasync", Some(pass::fdatasync), "d"),
    (84, SYNC_FILE_RANGE, "sync_file_range", Some(pass::sync_file_range), "dxxx"),
    (85, TIMERFD_CREATE, "timerfd_create", Some(pass::timerfd_create), "dx"),
    (86, TIMERFD_SETTIME, "timerfd_settime", Some(pass::timerfd_settime), "dxpp"),
    (87, TIMERFD_GETTIME, "timerfd_gettime", Some(pass::timerfd_gettime), "dp"),
    (88, UTIMENSAT, "utimensat", Some(path_calls::utimensat), "Aspn"),
    (89, ACCT, "acct", Some(denied::acct), "s"),
    (90, CAPGET, "capget", Some(pass::capget), "pp"),
    (91, CAPSET, "capset", Some(pass::capset), "pp"),
    (92, PERSONALITY, "personality", Some(info::personality), "x"),
    (93, EXIT, "exit", Some(task::exit), "d"),
    (94, EXIT_GROUP, "exit_group", Some(task::exit_group), "d"),
    (95, WAITID, "waitid", Some(task::waitid), "ddpWp"),
    (96, SET_TID_ADDRESS, "set_tid_address", Some(task::set_tid_address), "p"),
    (97, UNSHARE, "unshare", Some(pass_sys::unshare), "x"),
    (98, FUTEX, "futex", Some(task::futex), "pwdppx"),
    (99, SET_ROBUST_LIST, "set_robust_list", Some(task::set_robust_list), "pu"),
    (100, GET_ROBUST_LIST, "get_robust_list", Some(task::get_robust_list), "dpp"),
    (101, NANOSLEEP, "nanosleep", Some(time::nanosleep), "Tp"),
    (102, GETITIMER, "getitimer", Some(time::getitimer), "-'"),
    (103, SETITIMER, "setitimer", Some(time::setitimer), "-\"'"),
    (104, KEXEC_LOAD, "kexec_load", Some(denied::kexec_load), "xupx"),
    (105, INIT_MODULE, "init_module", Some(denied::init_module), "pus"),
    (106, DELETE_MODULE, "delete_module", Some(denied::delete_module), "sx"),
    (107, TIMER_CREATE, "timer_create", Some(pass::timer_create), "dpp"),
    (108, TIMER_GETTIME, "timer_gettime", Some(pass::timer_gettime), "dp"),
    (109, TIMER_GETOVERRUN, "timer_getoverrun", Some(pass::timer_getoverrun), "d"),
    (110, TIMER_SETTIME, "timer_settime", Some(pass::timer_settime), "dxpp"),
    (111, TIMER_DELETE, "timer_delete", Some(pass::timer_delete), "d"),
    (112, CLOCK_SETTIME, "clock_settime", Some(denied::clock_settime), "cT"),
    (113, CLOCK_GETTIME, "clock_gettime", Some(time::clock_gettime), "ct"),
    (114, CLOCK_GETRES, "clock_getres", Some(time::clock_getres), "ct"),
    (115, CLOCK_NANOSLEEP, "clock_nanosleep", Some(time::clock_nanosleep), "cxTp"),
    (116, SYSLOG, "syslog", Some(pass_sys::syslog), "dpd"),
    (117, PTRACE, "ptrace", Some(denied::ptrace), "Ddpp"),
    (118, SCHED_SETPARAM, "sched_setparam", Some(pass::sched_setparam), "dp"),
    (119, SCHED_SETSCHEDULER, "sched_setscheduler", Some(pass::sched_setscheduler), "ddp"),
    (120, SCHED_GETSCHEDULER, "sched_getscheduler", Some(pass::sched_getscheduler), "d"),
    (121, SCHED_GETPARAM, "sched_getparam", Some(pass::sched_getparam), "dp"),
    (122, SCHED_SETAFFINITY, "sched_setaffinity", Some(pass::sched_setaffinity), "dup"),
    (123, SCHED_GETAFFINITY, "sched_getaffinity", Some(task::sched_getaffinity), "dup"),
    (124, SCHED_YIELD, "sched_yield", Some(task::sched_yield), ""),
    (125, SCHED_GET_PRIORITY_MAX, "sched_get_priority_max", Some(pass::sched_get_priority_max), "d"),
    (126, SCHED_GET_PRIORITY_MIN, "sched_get_priority_min", Some(pass::sched_get_priority_min), "d"),
    (127, SCHED_RR_GET_INTERVAL, "sched_rr_get_interval", Some(pass::sched_rr_get_interval), "dp"),
    (128, RESTART_SYSCALL, "restart_syscall", Some(denied::restart_syscall), ""),
    (129, KILL, "kill", Some(signal::kill), "dS"),
    (130, TKILL, "tkill", Some(signal::tkill), "dS"),
    (131, TGKILL, "tgkill", Some(signal::tgkill), "ddS"),
    (132, SIGALTSTACK, "sigaltstack", Some(signal::sigaltstack), "{}"),
    (133, RT_SIGSUSPEND, "rt_sigsuspend", Some(signal::rt_sigsuspend), "qu"),
    (134, RT_SIGACTION, "rt_sigaction", Some(signal::rt_sigaction), "SaGu"),
    (135, RT_SIGPROCMASK, "rt_sigprocmask", Some(signal::rt_sigprocmask), "HqQu"),
    (136, RT_SIGPENDING, "rt_sigpending", Some(signal::rt_sigpending), "Qu"),
    (137, RT_SIGTIMEDWAIT, "rt_sigtimedwait", Some(signal::rt_sigtimedwait), "qpTu"),
    (138, RT_SIGQUEUEINFO, "rt_sigqueueinfo", Some(signal::rt_sigqueueinfo), "dS/"),
    (139, RT_SIGRETURN, "rt_sigreturn", Some(signal::rt_sigreturn), ""),
    (140, SETPRIORITY, "setpriority", Some(pass::setpriority), "ddd"),
    (141, GETPRIORITY, "getpriority", Some(pass::getpriority), "dd"),
    (142, REBOOT, "reboot", Some(denied::reboot), "xxxp"),
    (143, SETREGID, "setregid", Some(pass::setregid), "dd"),
    (144, SETGID, "setgid", Some(pass::setgid), "d"),
    (145, SETREUID, "setreuid", Some(pass::setreuid), "dd"),
    (146, SETUID, "setuid", Some(pass::setuid), "d"),
    (147, SETRESUID, "setresuid", Some(pass::setresuid), "ddd"),
    (148, GETRESUID, "getresuid", Some(pass::getresuid), "ppp"),
    (149, SETRESGID, "setresgid", Some(pass::setresgid), "ddd"),
    (150, GETRESGID, "getresgid", Some(pass::getresgid), "ppp"),
    (151, SETFSUID, "setfsuid", Some(pass::setfsuid), "d"),
    (152, SETFSGID, "setfsgid", Some(pass::setfsgid), "d"),
    (153, TIMES, "times", Some(info::times), "p"),
    (154, SETPGID, "setpgid", Some(pass::setpgid), "dd"),
    (155, GETPGID, "getpgid", Some(pass::getpgid), "d"),
    (156, GETSID, "getsid", Some(pass::getsid), "d"),
    (157, SETSID, "setsid", Some(pass::setsid), ""),
    (158, GETGROUPS, "getgroups", Some(pass::getgroups), "dp"),
    (159, SETGROUPS, "setgroups", Some(pass::setgroups), "dp"),
    (160, UNAME, "uname", Some(info::uname), "U"),
    (161, SETHOSTNAME, "sethostname", Some(pass_sys::sethostname), "pu"),
    (162, SETDOMAINNAME, "setdomainname", Some(pass_sys::setdomainname), "pu"),
    (163, GETRLIMIT, "getrlimit", Some(info::getrlimit), "jr"),
    (164, SETRLIMIT, "setrlimit", Some(info::setrlimit), "jR"),
    (165, GETRUSAGE, "getrusage", Some(info::getrusage), "dp"),
    (166, UMASK, "umask", Some(fs::umask), "o=o"),
    (167, PRCTL, "prctl", Some(prctl::prctl), "@xxxx"),
    (168, GETCPU, "getcpu", Some(pass::getcpu), "ppp"),
    (169, GETTIMEOFDAY, "gettimeofday", Some(time::gettimeofday), "pp"),
    (170, SETTIMEOFDAY, "settimeofday", Some(denied::settimeofday), "pp"),
    (171, ADJTIMEX, "adjtimex", Some(denied::adjtimex), "p"),
    (172, GETPID, "getpid", Some(task::getpid), ""),
    (173, GETPPID, "getppid", Some(task::getppid), ""),
    (174, GETUID, "getuid", Some(task::getuid), ""),
    (175, GETEUID, "geteuid", Some(task::geteuid), ""),
    (176, GETGID, "getgid", Some(task::getgid), ""),
    (177, GETEGID, "getegid", Some(task::getegid), ""),
    (178, GETTID, "gettid", Some(task::gettid), ""),
    (179, SYSINFO, "sysinfo", Some(info::sysinfo), "p"),
    (180, MQ_OPEN, "mq_open", Some(ipc::mq::mq_open), "sxop"),
    (181, MQ_UNLINK, "mq_unlink", Some(ipc::mq::mq_unlink), "s"),
    (182, MQ_TIMEDSEND, "mq_timedsend", Some(ipc::mq::mq_timedsend), "dpuup"),
    (183, MQ_TIMEDRECEIVE, "mq_timedreceive", Some(ipc::mq::mq_timedreceive), "dpupp"),
    (184, MQ_NOTIFY, "mq_notify", Some(ipc::mq::mq_notify), "dp"),
    (185, MQ_GETSETATTR, "mq_getsetattr", Some(ipc::mq::mq_getsetattr), "dpp"),
    (186, MSGGET, "msgget", Some(pass::msgget), "dx"),
    (187, MSGCTL, "msgctl", Some(pass::msgctl), "ddp"),
    (188, MSGRCV, "msgrcv", Some(pass::msgrcv), "dpuxx"),
    (189, MSGSND, "msgsnd", Some(pass::msgsnd), "dpux"),
    (190, SEMGET, "semget", Some(ipc::sem::semget), "xdx"),
    (191, SEMCTL, "semctl", Some(ipc::sem::semctl), "dddx"),
    (192, SEMTIMEDOP, "semtimedop", Some(ipc::sem::semtimedop), "dpup"),
    (193, SEMOP, "semop", Some(ipc::sem::semop), "dpu"),
    (194, SHMGET, "shmget", Some(ipc::shm::shmget), "xux"),
    (195, SHMCTL, "shmctl", Some(ipc::shm::shmctl), "ddp"),
    (196, SHMAT, "shmat", Some(ipc::shm::shmat), "dpx=p"),
    (197, SHMDT, "shmdt", Some(ipc::shm::shmdt), "p"),
    (198, SOCKET, "socket", Some(net::sock::socket), "ey<"),
    (199, SOCKETPAIR, "socketpair", Some(net::sock::socketpair), "eydi"),
    (200, BIND, "bind", Some(net::sock::bind), "dKu"),
    (201, LISTEN, "listen", Some(net::sock::listen), "dd"),
    (202, ACCEPT, "accept", Some(net::sock::accept), "dkL"),
    (203, CONNECT, "connect", Some(net::sock::connect), "dKu"),
    (204, GETSOCKNAME, "getsockname", Some(net::sock::getsockname), "dkL"),
    (205, GETPEERNAME, "getpeername", Some(net::sock::getpeername), "dkL"),
    (206, SENDTO, "sendto", Some(net::msg::sendto), "dbugKu"),
    (207, RECVFROM, "recvfrom", Some(net::msg::recvfrom), "dBugkL"),
    (208, SETSOCKOPT, "setsockopt", Some(net::opt::setsockopt), "d():u"),
    (209, GETSOCKOPT, "getsockopt", Some(net::opt::getsockopt), "d();L"),
    (210, SHUTDOWN, "shutdown", Some(net::sock::shutdown), "d%"),
    (211, SENDMSG, "sendmsg", Some(net::msg::sendmsg), "dMg"),
    (212, RECVMSG, "recvmsg", Some(net::msg::recvmsg), "dNg"),
    (213, READAHEAD, "readahead", Some(pass::readahead), "dxu"),
    (214, BRK, "brk", Some(mem::brk), "p=p"),
    (215, MUNMAP, "munmap", Some(mem::munmap), "pu"),
    (216, MREMAP, "mremap", Some(mem::mremap), "puu?`=p"),
    (217, ADD_KEY, "add_key", Some(pass_sys::add_key), "sspud"),
    (218, REQUEST_KEY, "request_key", Some(pass_sys::request_key), "sssd"),
    (219, KEYCTL, "keyctl", Some(pass_sys::keyctl), "dxxxx"),
    (220, CLONE, "clone", Some(clone::clone), "Cpppp"),
    (221, EXECVE, "execve", Some(exec::execve), "s[$"),
    (222, MMAP, "mmap", Some(mem::mmap), "puPmdx=p"),
    (223, FADVISE64, "fadvise64", Some(pass::fadvise64), "dDDd"),
    (224, SWAPON, "swapon", Some(denied::swapon), "sx"),
    (225, SWAPOFF, "swapoff", Some(denied::swapoff), "s"),
    (226, MPROTECT, "mprotect", Some(mem::mprotect), "puP"),
    (227, MSYNC, "msync", Some(pass::msync), "pux"),
    (228, MLOCK, "mlock", Some(pass::mlock), "pu"),
    (229, MUNLOCK, "munlock", Some(pass::munlock), "pu"),
    (230, MLOCKALL, "mlockall", Some(pass::mlockall), "x"),
    (231, MUNLOCKALL, "munlockall", Some(pass::munlockall), ""),
    (232, MINCORE, "mincore", Some(pass::mincore), "pup"),
    (233, MADVISE, "madvise", Some(mem::madvise), "pu&"),
    (234, REMAP_FILE_PAGES, "remap_file_pages", Some(mem_more::remap_file_pages), "pxxux"),
    (235, MBIND, "mbind", Some(pass_sys::mbind), "pudpux"),
    (236, GET_MEMPOLICY, "get_mempolicy", Some(pass_sys::get_mempolicy), "ppupx"),
    (237, SET_MEMPOLICY, "set_mempolicy", Some(pass_sys::set_mempolicy), "dpu"),
    (238, MIGRATE_PAGES, "migrate_pages", Some(pass_sys::migrate_pages), "dupp"),
    (239, MOVE_PAGES, "move_pages", Some(pass_sys::move_pages), "dupppx"),
    (240, RT_TGSIGQUEUEINFO, "rt_tgsigqueueinfo", Some(signal::rt_tgsigqueueinfo), "ddS/"),
    (241, PERF_EVENT_OPEN, "perf_event_open", Some(denied::perf_event_open), "pdddx"),
    (242, ACCEPT4, "accept4", Some(net::sock::accept4), "dkL|"),
    (243, RECVMMSG, "recvmmsg", Some(net::msg::recvmmsg), "dpuxp"),
    (260, WAIT4, "wait4", Some(task::wait4), "dzWp"),
    (261, PRLIMIT64, "prlimit64", Some(info::prlimit64), "djRr"),
    (262, FANOTIFY_INIT, "fanotify_init", Some(fs_more::fanotify_init), "xx"),
    (263, FANOTIFY_MARK, "fanotify_mark", Some(path_calls::fanotify_mark), "dxxds"),
    (264, NAME_TO_HANDLE_AT, "name_to_handle_at", Some(path_calls::name_to_handle_at), "dsppx"),
    (265, OPEN_BY_HANDLE_AT, "open_by_handle_at", Some(fs_more::open_by_handle_at), "dpx"),
    (266, CLOCK_ADJTIME, "clock_adjtime", Some(denied::clock_adjtime), "dp"),
    (267, SYNCFS, "syncfs", Some(pass::syncfs), "d"),
    (268, SETNS, "setns", Some(pass_sys::setns), "dx"),
    (269, SENDMMSG, "sendmmsg", Some(net::msg::sendmmsg), "dpux"),
    (270, PROCESS_VM_READV, "process_vm_readv", Some(pass::process_vm_readv), "dpupux"),
    (271, PROCESS_VM_WRITEV, "process_vm_writev", Some(pass::process_vm_writev), "dpupux"),
    (272, KCMP, "kcmp", Some(pass::kcmp), "dddxx"),
    (273, FINIT_MODULE, "finit_module", Some(denied::finit_module), "dsx"),
    (274, SCHED_SETATTR, "sched_setattr", Some(pass::sched_setattr), "dpx"),
    (275, SCHED_GETATTR, "sched_getattr", Some(pass::sched_getattr), "dpux"),
    (276, RENAMEAT2, "renameat2", Some(fs::renameat2), "AsAsx"),
    (277, SECCOMP, "seccomp", Some(denied::seccomp), "uxp"),
    (278, GETRANDOM, "getrandom", Some(info::getrandom), "pu^"),
    (279, MEMFD_CREATE, "memfd_create", Some(pass::memfd_create), "sx"),
    (280, BPF, "bpf", Some(denied::bpf), "dpu"),
    (281, EXECVEAT, "execveat", Some(exec::execveat), "As[$n"),
    (282, USERFAULTFD, "userfaultfd", Some(pass_sys::userfaultfd), "x"),
    (283, MEMBARRIER, "membarrier", Some(pass::membarrier), "dxd"),
    (284, MLOCK2, "mlock2", Some(pass::mlock2), "xux"),
    (285, COPY_FILE_RANGE, "copy_file_range", Some(pass::copy_file_range), "dpdpux"),
    (286, PREADV2, "preadv2", Some(pass::preadv2), "dpuxxx"),
    (287, PWRITEV2, "pwritev2", Some(pass::pwritev2), "dpuxxx"),
    (288, PKEY_MPROTECT, "pkey_mprotect", Some(mem_more::pkey_mprotect), "pxxd"),
    (289, PKEY_ALLOC, "pkey_alloc", Some(mem_more::pkey_alloc), "xx"),
    (290, PKEY_FREE, "pkey_free", Some(mem_more::pkey_free), "d"),
    (291, STATX, "statx", Some(fs::statx), "As!hZ"),
    (292, IO_PGETEVENTS, "io_pgetevents", Some(pass_sys::io_pgetevents), "xDDppp"),
    (293, RSEQ, "rseq", Some(task::rseq), "pxxx"),
    (294, KEXEC_FILE_LOAD, "kexec_file_load", Some(denied::kexec_file_load), "ddupx"),
    (424, PIDFD_SEND_SIGNAL, "pidfd_send_signal", Some(pass::pidfd_send_signal), "dSpx"),
    (425, IO_URING_SETUP, "io_uring_setup", Some(denied::io_uring_setup), "up"),
    (426, IO_URING_ENTER, "io_uring_enter", Some(denied::io_uring_enter), "duuxpu"),
    (427, IO_URING_REGISTER, "io_uring_register", Some(denied::io_uring_register), "dupu"),
    (428, OPEN_TREE, "open_tree", Some(path_calls::open_tree), "dsx"),
    (429, MOVE_MOUNT, "move_mount", Some(path_calls::move_mount), "dsdsx"),
    (430, FSOPEN, "fsopen", Some(pass_sys::fsopen), "sx"),
    (431, FSCONFIG, "fsconfig", Some(pass_sys::fsconfig), "duspd"),
    (432, FSMOUNT, "fsmount", Some(pass_sys::fsmount), "dxx"),
    (433, FSPICK, "fspick", Some(path_calls::fspick), "dsx"),
    (434, PIDFD_OPEN, "pidfd_open", Some(pass::pidfd_open), "dx"),
    (435, CLONE3, "clone3", Some(clone::clone3), "\\u"),
    (436, CLOSE_RANGE, "close_range", Some(pass::close_range), "uux"),
    (437, OPENAT2, "openat2", Some(fs_more::openat2), "As>u"),
    (438, PIDFD_GETFD, "pidfd_getfd", Some(pass::pidfd_getfd), "ddx"),
    (439, FACCESSAT2, "faccessat2", Some(fs::faccessat2), "As~n"),
    (440, PROCESS_MADVISE, "process_madvise", Some(pass_sys::process_madvise), "dpudx"),
    (441, EPOLL_PWAIT2, "epoll_pwait2", Some(epoll::epoll_pwait2), "dJdTqu"),
    (442, MOUNT_SETATTR, "mount_setattr", Some(path_calls::mount_setattr), "dsxpu"),
    (443, QUOTACTL_FD, "quotactl_fd", Some(pass_sys::quotactl_fd), "dxdp"),
    (444, LANDLOCK_CREATE_RULESET, "landlock_create_ruleset", Some(pass_sys::landlock_create_ruleset), "pux"),
    (445, LANDLOCK_ADD_RULE, "landlock_add_rule", Some(pass_sys::landlock_add_rule), "ddpx"),
    (446, LANDLOCK_RESTRICT_SELF, "landlock_restrict_self", Some(pass_sys::landlock_restrict_self), "dx"),
    (447, MEMFD_SECRET, "memfd_secret", Some(pass_sys::memfd_secret), "x"),
    (448, PROCESS_MRELEASE, "process_mrelease", Some(pass_sys::process_mrelease), "dx"),
    (449, FUTEX_WAITV, "futex_waitv", Some(pass::futex_waitv), "puxpd"),
    (450, SET_MEMPOLICY_HOME_NODE, "set_mempolicy_home_node", Some(pass_sys::set_mempolicy_home_node), "puux"),
    (451, CACHESTAT, "cachestat", Some(pass_sys::cachestat), "dppx"),
    (452, FCHMODAT2, "fchmodat2", Some(path_calls::fchmodat2), "Ason"),
    (453, MAP_SHADOW_STACK, "map_shadow_stack", Some(denied::map_shadow_stack), "pux"),
    (454, FUTEX_WAKE, "futex_wake", Some(pass_sys::futex_wake), "pxdx"),
    (455, FUTEX_WAIT, "futex_wait", Some(pass_sys::futex_wait), "pxxxpd"),
    (456, FUTEX_REQUEUE, "futex_requeue", Some(pass_sys::futex_requeue), "pxdd"),
    (457, STATMOUNT, "statmount", Some(pass_sys::statmount), "ppux"),
    (458, LISTMOUNT, "listmount", Some(pass_sys::listmount), "ppux"),
    (459, LSM_GET_SELF_ATTR, "lsm_get_self_attr", Some(pass_sys::lsm_get_self_attr), "uppx"),
    (460, LSM_SET_SELF_ATTR, "lsm_set_self_attr", Some(pass_sys::lsm_set_self_attr), "upux"),
    (461, LSM_LIST_MODULES, "lsm_list_modules", Some(pass_sys::lsm_list_modules), "ppx"),
    (462, MSEAL, "mseal", Some(pass_sys::mseal), "pux"),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers() {
        let known = [
            (nr::READ, 63),
            (nr::WRITE, 64),
            (nr::OPENAT, 56),
            (nr::EXIT, 93),
            (nr::EXIT_GROUP, 94),
            (nr::MMAP, 222),
            (nr::BRK, 214),
            (nr::CLONE, 220),
            (nr::EXECVE, 221),
            (nr::RT_SIGACTION, 134),
            (nr::STATX, 291),
            (nr::RSEQ, 293),
            (nr::NEWFSTATAT, 79),
            (nr::FSTAT, 80),
            (nr::GETRANDOM, 278),
            (nr::CLOCK_GETTIME, 113),
            (nr::IO_SETUP, 0),
            (nr::CLONE3, 435),
            (nr::FACCESSAT2, 439),
            (nr::MSEAL, 462),
        ];
        for (got, want) in known {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn sorted_and_numbers_unique() {
        for w in TABLE.windows(2) {
            assert!(w[0].nr < w[1].nr, "{} then {}", w[0].name, w[1].name);
        }
    }

    #[test]
    fn names_unique() {
        let mut names: Vec<_> = TABLE.iter().map(|e| e.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn lookup_finds_each_row() {
        for e in TABLE {
            assert_eq!(lookup(e.nr).unwrap().name, e.name);
        }
        assert!(lookup(244).is_none()); // arch-specific range, unused on arm64
        assert!(lookup(295).is_none()); // unassigned gap
        assert_eq!(lookup(nr::WRITE).unwrap().name, "write");
    }

    #[test]
    fn implemented_rows_have_strace_formats() {
        const ARGS: &str = crate::strace::LETTERS;
        for e in TABLE.iter().filter(|e| e.handler.is_some()) {
            let (letters, result) = e.strace.split_once('=').unwrap_or((e.strace, ""));
            assert!(letters.len() <= 6, "{}", e.name);
            assert!(letters.chars().all(|c| ARGS.contains(c)), "{}", e.name);
            assert!(["", "p", "o"].contains(&result), "{}", e.name);
        }
    }
}
