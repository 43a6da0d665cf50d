//! prctl(2): one row per option of include/uapi/linux/prctl.h, saying what the arm64
//! kernel does with it and how emu gives the same answer.
//!
//! - [`How::Host`]: the option means the same to the x86-64 host kernel for the
//!   calling thread (integer arguments, or pointers to ints and byte strings).
//! - [`How::Emu`]: emu answers, because the host would describe emu (auxv, the tid
//!   address, seccomp, the tagged address ABI) or would answer for x86-64
//!   (speculation controls: `crate::spec_ctrl`).
//! - [`How::Errno`]: what arm64 answers because its kernel has no such feature (x86,
//!   MIPS, RISC-V and PowerPC options; SVE, SME, PAC and GCS, which emu does not
//!   announce), or, for PR_SET_MM, because it needs CAP_SYS_RESOURCE and would
//!   rewrite the emulator's own memory layout.

use crate::abi::errno::Errno;
use crate::guest_mem;
use crate::host::{check, ok};
use crate::thread::Task;
use crate::SysResult;

/// How one option is answered.
#[derive(Clone, Copy)]
enum How {
    Host,
    Emu(fn(&mut Task, [u64; 6]) -> SysResult),
    Errno(Errno),
}
use How::{Emu, Host};

const EINVAL: How = How::Errno(Errno::EINVAL);

/// (option, name, answer), sorted by option.
const OPTIONS: &[(u64, &str, How)] = &[
    (1, "PR_SET_PDEATHSIG", Host),
    (2, "PR_GET_PDEATHSIG", Host),
    (3, "PR_GET_DUMPABLE", Host),
    (4, "PR_SET_DUMPABLE", Host),
    (5, "PR_GET_UNALIGN", EINVAL),
    (6, "PR_SET_UNALIGN", EINVAL),
    (7, "PR_GET_KEEPCAPS", Host),
    (8, "PR_SET_KEEPCAPS", Host),
    (9, "PR_GET_FPEMU", EINVAL),
    (10, "PR_SET_FPEMU", EINVAL),
    (11, "PR_GET_FPEXC", EINVAL),
    (12, "PR_SET_FPEXC", EINVAL),
    (13, "PR_GET_TIMING", Host),
    (14, "PR_SET_TIMING", Host),
    (15, "PR_SET_NAME", Host),
    (16, "PR_GET_NAME", Host),
    (19, "PR_GET_ENDIAN", EINVAL),
    (20, "PR_SET_ENDIAN", EINVAL),
    // SECCOMP_MODE_DISABLED: in strict mode prctl itself is fatal, and no filter is
    // ever installed (see `denied`).
    (21, "PR_GET_SECCOMP", Emu(|_, _| ok(0))),
    (
        22,
        "PR_SET_SECCOMP",
        Emu(|p, a| crate::denied::prctl_set_seccomp(p, a[1], a[2])),
    ),
    (23, "PR_CAPBSET_READ", Host),
    (24, "PR_CAPBSET_DROP", Host),
    (25, "PR_GET_TSC", EINVAL),
    (26, "PR_SET_TSC", EINVAL),
    (27, "PR_GET_SECUREBITS", Host),
    (28, "PR_SET_SECUREBITS", Host),
    (29, "PR_SET_TIMERSLACK", Host),
    (30, "PR_GET_TIMERSLACK", Host),
    (31, "PR_TASK_PERF_EVENTS_DISABLE", Host),
    (32, "PR_TASK_PERF_EVENTS_ENABLE", Host),
    (33, "PR_MCE_KILL", Host),
    (34, "PR_MCE_KILL_GET", Host),
    (35, "PR_SET_MM", How::Errno(Errno::EPERM)),
    (36, "PR_SET_CHILD_SUBREAPER", Host),
    (37, "PR_GET_CHILD_SUBREAPER", Host),
    (38, "PR_SET_NO_NEW_PRIVS", Host),
    (39, "PR_GET_NO_NEW_PRIVS", Host),
    (40, "PR_GET_TID_ADDRESS", Emu(get_tid_address)),
    (41, "PR_SET_THP_DISABLE", Host),
    (42, "PR_GET_THP_DISABLE", Host),
    (43, "PR_MPX_ENABLE_MANAGEMENT", EINVAL),
    (44, "PR_MPX_DISABLE_MANAGEMENT", EINVAL),
    (45, "PR_SET_FP_MODE", EINVAL),
    (46, "PR_GET_FP_MODE", EINVAL),
    (47, "PR_CAP_AMBIENT", Host),
    (50, "PR_SVE_SET_VL", EINVAL),
    (51, "PR_SVE_GET_VL", EINVAL),
    (52, "PR_GET_SPECULATION_CTRL", Emu(crate::spec_ctrl::get)),
    (53, "PR_SET_SPECULATION_CTRL", Emu(crate::spec_ctrl::set)),
    (54, "PR_PAC_RESET_KEYS", EINVAL),
    (
        55,
        "PR_SET_TAGGED_ADDR_CTRL",
        Emu(crate::tagged_addr::prctl),
    ),
    (
        56,
        "PR_GET_TAGGED_ADDR_CTRL",
        Emu(crate::tagged_addr::prctl),
    ),
    (57, "PR_SET_IO_FLUSHER", Host),
    (58, "PR_GET_IO_FLUSHER", Host),
    // arm64 has no syscall user dispatch (it needs the generic entry code).
    (59, "PR_SET_SYSCALL_USER_DISPATCH", EINVAL),
    (60, "PR_PAC_SET_ENABLED_KEYS", EINVAL),
    (61, "PR_PAC_GET_ENABLED_KEYS", EINVAL),
    (62, "PR_SCHED_CORE", Host),
    (63, "PR_SME_SET_VL", EINVAL),
    (64, "PR_SME_GET_VL", EINVAL),
    (65, "PR_SET_MDWE", Host),
    (66, "PR_GET_MDWE", Host),
    (67, "PR_SET_MEMORY_MERGE", Host),
    (68, "PR_GET_MEMORY_MERGE", Host),
    (69, "PR_RISCV_V_SET_CONTROL", EINVAL),
    (70, "PR_RISCV_V_GET_CONTROL", EINVAL),
    (71, "PR_RISCV_SET_ICACHE_FLUSH_CTX", EINVAL),
    (72, "PR_PPC_GET_DEXCR", EINVAL),
    (73, "PR_PPC_SET_DEXCR", EINVAL),
    (74, "PR_GET_SHADOW_STACK_STATUS", EINVAL),
    (75, "PR_SET_SHADOW_STACK_STATUS", EINVAL),
    (76, "PR_LOCK_SHADOW_STACK_STATUS", EINVAL),
    (77, "PR_TIMER_CREATE_RESTORE_IDS", Host),
    (0x4155_5856, "PR_GET_AUXV", Emu(get_auxv)),
    (0x5356_4d41, "PR_SET_VMA", Host),
    (0x5961_6d61, "PR_SET_PTRACER", Host),
];

/// The name of prctl option `op` (for strace).
pub(crate) fn option_name(op: u64) -> Option<&'static str> {
    OPTIONS.iter().find(|o| o.0 == op).map(|o| o.1)
}

pub fn prctl(p: &mut Task, a: [u64; 6]) -> SysResult {
    let Some(&(_, _, how)) = OPTIONS.iter().find(|o| o.0 == a[0]) else {
        return Err(Errno::EINVAL);
    };
    match how {
        // SAFETY: the option's arguments mean the same to the host (see OPTIONS);
        // the kernel checks any guest pointer among them.
        Host => check(unsafe {
            crate::host::raw(
                crate::host::nr::SYS_prctl,
                [a[0], a[1], a[2], a[3], a[4], 0],
            )
        }),
        Emu(f) => f(p, a),
        How::Errno(e) => Err(e),
    }
}

/// PR_GET_TID_ADDRESS: the clear_child_tid address (set_tid_address, CLONE_CHILD_
/// CLEARTID), written as a 64-bit pointer.
fn get_tid_address(p: &mut Task, a: [u64; 6]) -> SysResult {
    guest_mem::write_val(a[1], &p.clear_child_tid)?;
    ok(0)
}

/// PR_GET_AUXV(buf, len): copies as much of the guest's auxv as fits and returns its
/// full size (kernel/sys.c prctl_get_auxv); arguments 4 and 5 must be zero.
fn get_auxv(p: &mut Task, a: [u64; 6]) -> SysResult {
    if a[3] != 0 || a[4] != 0 {
        return Err(Errno::EINVAL);
    }
    let n = p.auxv.len().min(a[2] as usize);
    guest_mem::write_bytes(a[1], &p.auxv[..n])?;
    ok(p.auxv.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_sorted_and_unique() {
        assert!(OPTIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn host_option_numbers_match_libc() {
        for (opt, name, _) in OPTIONS {
            let host = match *name {
                "PR_SET_PDEATHSIG" => libc::PR_SET_PDEATHSIG,
                "PR_SET_NAME" => libc::PR_SET_NAME,
                "PR_GET_NAME" => libc::PR_GET_NAME,
                "PR_SET_NO_NEW_PRIVS" => libc::PR_SET_NO_NEW_PRIVS,
                "PR_GET_TID_ADDRESS" => libc::PR_GET_TID_ADDRESS,
                "PR_CAP_AMBIENT" => libc::PR_CAP_AMBIENT,
                "PR_SET_VMA" => libc::PR_SET_VMA,
                "PR_SET_PTRACER" => libc::PR_SET_PTRACER,
                "PR_GET_SPECULATION_CTRL" => libc::PR_GET_SPECULATION_CTRL,
                "PR_SET_MDWE" => libc::PR_SET_MDWE,
                "PR_SCHED_CORE" => libc::PR_SCHED_CORE,
                _ => continue,
            };
            assert_eq!(*opt, host as u64, "{name}");
        }
    }
}
