/* What an unprivileged process is told when it asks for privileged or
 * absent facilities. Run as root, the checks run in a child that first drops
 * to uid/gid 65534, so the output is the same for every user.
 *
 * The expected output is an arm64 kernel's answer to an unprivileged
 * process, with these deliberate choices of emu (see syscalls/src/denied.rs),
 * each the answer of a real kernel configuration:
 * - bpf: EPERM, as with kernel.unprivileged_bpf_disabled (most distributions);
 * - ptrace: as under Yama's ptrace_scope 3, so PTRACE_TRACEME is EPERM;
 * - seccomp filters: EINVAL, as a kernel without CONFIG_SECCOMP_FILTER
 *   (strict mode works: the child below is killed by its first other call);
 * - fanotify_init's event_f_flags are arm64 O_* values (O_LARGEFILE is
 *   0400000 there, O_NOFOLLOW on x86-64, which fanotify refuses);
 * - perf_event_open and io_uring_setup: ENOSYS, as a kernel without
 *   CONFIG_PERF_EVENTS / CONFIG_IO_URING;
 * - map_shadow_stack: EOPNOTSUPP, as arm64 without GCS;
 * - protection keys: as arm64 without POE (pkey_alloc ENOSPC).
 * A native x86-64 build differs there (it has those facilities, and x86
 * shadow stacks and pkeys; a kernel without modules or kexec says ENOSYS).
 * qemu-aarch64 7.2 as an oracle differs from the kernel, and the kernel
 * wins: it answers ENOSYS to kexec_*, the module calls, fsopen, bpf, ptrace,
 * seccomp, map_shadow_stack, the pkey calls and restart_syscall, and passes
 * perf_event_open and io_uring_setup to the host. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* asm-generic numbers of calls the C library may not name. */
#define NR_lookup_dcookie 18
#define NR_nfsservctl 42
#define NR_map_shadow_stack 453
/* The arm64 kernel's O_LARGEFILE (the C library's is 0 on 64-bit). */
#define ARM64_O_LARGEFILE 0400000

static void show(const char *what, long r)
{
    int e = errno;
    printf("%s: %s\n", what, r < 0 ? strerror(e) : "ok");
}

#define TRY(what, call)                                                                  \
    do {                                                                                 \
        errno = 0;                                                                       \
        long r_ = (call);                                                                \
        show(what, r_);                                                                  \
    } while (0)

static void strict_mode(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL) != 0)
            _exit(1);
        static const char msg[] = "  strict mode: write allowed\n";
        write(1, msg, sizeof msg - 1);
        getpid(); /* not allowed: SIGKILL */
        _exit(2);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("  strict child killed by SIGKILL: %d\n",
           WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static int checks(void)
{
    printf("uid: %s\n", getuid() == 0 ? "root" : "not root");

    TRY("reboot (bad magic)", syscall(SYS_reboot, 0, 0, LINUX_REBOOT_CMD_RESTART, NULL));
    TRY("reboot", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
                          LINUX_REBOOT_CMD_CAD_OFF, NULL));
    TRY("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    TRY("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0, "", 0));
    TRY("init_module", syscall(SYS_init_module, NULL, 0, ""));
    TRY("finit_module", syscall(SYS_finit_module, -1, "", 0));
    TRY("delete_module", syscall(SYS_delete_module, "no_such_module", 0));
    TRY("swapon (bad flags)", syscall(SYS_swapon, "/nonexistent", 1 << 24));
    TRY("swapon", syscall(SYS_swapon, "/nonexistent", 0));
    TRY("swapoff", syscall(SYS_swapoff, "/nonexistent"));
    TRY("acct", syscall(SYS_acct, NULL));

    struct timeval tv;
    gettimeofday(&tv, NULL);
    TRY("settimeofday", settimeofday(&tv, NULL));
    struct timeval bad = {tv.tv_sec, 2000000};
    TRY("settimeofday (bad usec)", settimeofday(&bad, NULL));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    TRY("clock_settime REALTIME", clock_settime(CLOCK_REALTIME, &ts));
    TRY("clock_settime MONOTONIC", clock_settime(CLOCK_MONOTONIC, &ts));
    struct timex tx = {0};
    errno = 0;
    int state = adjtimex(&tx);
    printf("adjtimex read: %s\n", state >= 0 ? "ok" : strerror(errno));
    tx.modes = ADJ_FREQUENCY;
    TRY("adjtimex ADJ_FREQUENCY", adjtimex(&tx));
    tx.modes = 0;
    errno = 0;
    state = clock_adjtime(CLOCK_REALTIME, &tx);
    printf("clock_adjtime read: %s\n", state >= 0 ? "ok" : strerror(errno));
    tx.modes = ADJ_STATUS;
    TRY("clock_adjtime ADJ_STATUS", clock_adjtime(CLOCK_REALTIME, &tx));

    TRY("sethostname", sethostname("guest", 5));
    TRY("setdomainname", setdomainname("guest", 5));
    TRY("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
    TRY("umount2", umount2("/proc", MNT_DETACH));
    TRY("chroot", chroot("/"));
    TRY("pivot_root", syscall(SYS_pivot_root, "/", "/"));
    TRY("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
    TRY("unshare CLONE_NEWNS", unshare(CLONE_NEWNS));
    TRY("vhangup", vhangup());
    TRY("syslog clear", syscall(SYS_syslog, 5, NULL, 0));

    /* CAP_DAC_READ_SEARCH is checked before the handle is read. */
    struct file_handle *fh = calloc(1, sizeof *fh + MAX_HANDLE_SZ);
    fh->handle_bytes = 8;
    TRY("open_by_handle_at", open_by_handle_at(AT_FDCWD, fh, O_RDONLY));
    TRY("fanotify_init", fanotify_init(FAN_CLASS_NOTIF, O_RDONLY));
    errno = 0;
    long fan = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID, O_RDONLY | ARM64_O_LARGEFILE);
    show("fanotify_init FAN_REPORT_FID, O_LARGEFILE", fan);
    if (fan >= 0)
        close(fan);
    TRY("fanotify_init O_DIRECTORY", fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID,
                                                   O_RDONLY | O_DIRECTORY));

    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    TRY("bpf BPF_MAP_CREATE", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
    struct perf_event_attr pe;
    memset(&pe, 0, sizeof pe);
    pe.size = sizeof pe;
    pe.type = PERF_TYPE_SOFTWARE;
    pe.config = PERF_COUNT_SW_TASK_CLOCK;
    TRY("perf_event_open", syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
    char params[120] = {0};
    TRY("io_uring_setup", syscall(SYS_io_uring_setup, 4, params));
    TRY("ptrace PTRACE_TRACEME", ptrace(PTRACE_TRACEME, 0, NULL, NULL));
    TRY("ptrace PTRACE_PEEKDATA (not tracing)",
        ptrace(PTRACE_PEEKDATA, getppid(), NULL, NULL));

    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    struct sock_filter allow = {0x06, 0, 0, SECCOMP_RET_ALLOW}; /* BPF_RET|BPF_K */
    struct sock_fprog prog = {1, &allow};
    TRY("seccomp SET_MODE_FILTER", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
    unsigned int action = SECCOMP_RET_ALLOW;
    TRY("seccomp GET_ACTION_AVAIL", syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action));
    TRY("seccomp bad op", syscall(SYS_seccomp, 99, 0, NULL));
    errno = 0;
    long mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    printf("prctl PR_GET_SECCOMP: %ld\n", mode);
    TRY("prctl PR_SET_SECCOMP filter", prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0));
    strict_mode();

    TRY("map_shadow_stack", syscall(NR_map_shadow_stack, 0, 4096, 0));
    TRY("pkey_alloc", syscall(SYS_pkey_alloc, 0, 0));
    TRY("pkey_alloc (bad access rights)", syscall(SYS_pkey_alloc, 0, 0x100));
    TRY("pkey_free 1", syscall(SYS_pkey_free, 1));
    TRY("nfsservctl", syscall(NR_nfsservctl, 0, NULL, NULL));
    TRY("lookup_dcookie", syscall(NR_lookup_dcookie, 0, NULL, 0));
    TRY("restart_syscall", syscall(SYS_restart_syscall));
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (getuid() != 0)
        return checks();
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
            perror("dropping privileges");
            _exit(1);
        }
        _exit(checks());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
