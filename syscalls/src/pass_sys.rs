//! More calls forwarded to the host unchanged (see `crate::pass` for the rule): each
//! group says why its arguments mean the same to the x86-64 kernel, and, for calls
//! that need privilege, that the host answers an unprivileged guest as arm64 does
//! (EPERM from the same capability check) while a privileged one acts on the machine
//! it runs on, as it would on arm64.

use crate::pass::{blocking_passthrough, passthrough};

passthrough! {
    /// Mount-related calls without a path (the ones with paths are
    /// `crate::path_calls`) and namespaces: FSOPEN_* / FSCONFIG_* / FSMOUNT_* values
    /// and `struct mnt_id_req` / `struct statmount` (u32/u64 fields, string offsets)
    /// are generic; CLONE_NEW* flags too. Unprivileged: EPERM from the host's
    /// CAP_SYS_ADMIN checks, as on arm64; inside a user namespace they work as they
    /// would there. Note: emu itself then runs in the new namespace too.
    fsopen => SYS_fsopen;
    fsconfig => SYS_fsconfig;
    fsmount => SYS_fsmount;
    statmount => SYS_statmount;
    listmount => SYS_listmount;
    setns => SYS_setns;
    unshare => SYS_unshare;
    /// Quotas by descriptor: `struct if_dqblk` / `if_dqinfo` / `fs_disk_quota` are
    /// fixed-width and generic; Q_* commands too. Privileged commands are EPERM for a
    /// normal user.
    quotactl_fd => SYS_quotactl_fd;
    /// The machine's names in the caller's UTS namespace (generic lengths);
    /// CAP_SYS_ADMIN in that namespace, EPERM otherwise, as on arm64.
    sethostname => SYS_sethostname;
    setdomainname => SYS_setdomainname;
    /// Kernel log (SYSLOG_ACTION_* generic; reading it is governed by the host's
    /// dmesg_restrict, as an arm64 kernel's by its own) and the terminal hangup
    /// (CAP_SYS_TTY_CONFIG).
    syslog => SYS_syslog;
    vhangup => SYS_vhangup;
    /// Page-cache statistics: `struct cachestat_range` (two u64) and
    /// `struct cachestat` (five u64) are generic.
    cachestat => SYS_cachestat;
    /// Keyrings: serials are ints, key types/descriptions strings, KEYCTL_* commands
    /// and their structs (`keyctl_dh_params`, `keyctl_kdf_params`, `keyctl_pkey_*`)
    /// fixed-width and generic.
    add_key => SYS_add_key;
    request_key => SYS_request_key;
    keyctl => SYS_keyctl;
    /// NUMA policies of guest ranges (guest addresses are host addresses): MPOL_*
    /// values, node masks (arrays of unsigned long) and move_pages' arrays are generic.
    mbind => SYS_mbind;
    get_mempolicy => SYS_get_mempolicy;
    set_mempolicy => SYS_set_mempolicy;
    migrate_pages => SYS_migrate_pages;
    move_pages => SYS_move_pages;
    set_mempolicy_home_node => SYS_set_mempolicy_home_node;
    /// Other processes' memory by pidfd: `struct iovec` is the same; MADV_* are
    /// generic and process_madvise's advice never changes contents (COLD, PAGEOUT,
    /// WILLNEED, COLLAPSE).
    process_madvise => SYS_process_madvise;
    process_mrelease => SYS_process_mrelease;
    /// memfd_secret(flags): only O_CLOEXEC (same value); arm64 wires it up
    /// (__ARCH_WANT_MEMFD_SECRET) and the host answers ENOSYS when secretmem is off,
    /// as an arm64 kernel booted that way would.
    memfd_secret => SYS_memfd_secret;
    /// Landlock: `struct landlock_ruleset_attr` and `landlock_path_beneath_attr` /
    /// `landlock_net_port_attr` are fixed-width (packed) and generic. A restricted
    /// domain also restricts emu itself, which opens only what the guest asks for.
    landlock_create_ruleset => SYS_landlock_create_ruleset;
    landlock_add_rule => SYS_landlock_add_rule;
    landlock_restrict_self => SYS_landlock_restrict_self;
    /// Linux security module attributes: `struct lsm_ctx` (u64 fields and bytes) and
    /// LSM_ATTR_* / LSM_ID_* are generic; the modules listed are the host kernel's.
    lsm_get_self_attr => SYS_lsm_get_self_attr;
    lsm_set_self_attr => SYS_lsm_set_self_attr;
    lsm_list_modules => SYS_lsm_list_modules;
    /// futex2: FUTEX2_* flags are generic; guest addresses are host addresses.
    futex_wake => SYS_futex_wake;
    futex_requeue => SYS_futex_requeue;
    /// mseal(addr, len, flags) seals guest ranges (emu never needs to change a guest
    /// mapping the guest sealed).
    mseal => SYS_mseal;
    /// userfaultfd(flags): O_CLOEXEC / O_NONBLOCK (same values) and
    /// UFFD_USER_MODE_ONLY; the ranges it registers are guest addresses, and its
    /// ioctls pass through too (`crate::uffd`). `struct uffd_msg` is generic.
    userfaultfd => SYS_userfaultfd;
    /// Linux AIO: `struct iocb` and `struct io_event` are fixed-width and generic
    /// (IOCB_CMD_*, IOCB_FLAG_RESFD, RWF_*); buffers are guest addresses.
    io_submit => SYS_io_submit;
    io_cancel => SYS_io_cancel;
}

blocking_passthrough! {
    /// Waits for AIO completions or a futex; `struct timespec` is the same, and
    /// io_pgetevents' `{sigset pointer, size}` uses the shared signal numbering.
    io_getevents => SYS_io_getevents;
    io_pgetevents => SYS_io_pgetevents;
    futex_wait => SYS_futex_wait;
}
