//! Speculative Store Bypass (Spectre v4) control, prctl(PR_GET_SPECULATION_CTRL /
//! PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS), as arm64 Linux runs it
//! (arch/arm64/kernel/proton-pack.c) under its default "dynamic" policy (no `ssbd=`
//! or `mitigations=off` on the command line):
//!
//! - each thread has its own mitigation flags (TIF_SSBD and the task's
//!   PFA_SPEC_SSB_{DISABLE,FORCE_DISABLE,NOEXEC}); a new thread or fork copies its
//!   creator's, execve keeps them, except that a DISABLE_NOEXEC thread execs with
//!   speculation enabled again (arch_setup_new_exec);
//! - the flags decide PSTATE.SSBS that user space sees: a SET that succeeds returns
//!   with SSBS = 0 when the mitigation is on and 1 when it is off, and a new program
//!   starts that way (spectre_v4_enable_task_mitigation, from start_thread); on a CPU
//!   without FEAT_SSBS the bit is RES0 and stays 0;
//! - GET answers from the machine's exposure first: NOT_AFFECTED on the CPUs the
//!   kernel lists as safe, PR_SPEC_ENABLE ("vulnerable") on a CPU with neither SSBS
//!   nor a firmware workaround (user mode has no firmware to call), and for a CPU
//!   with SSBS (mitigated) PR_SPEC_PRCTL with the thread's state.
//!
//! The indirect-branch and L1D-flush controls are x86's: ENODEV on arm64.

use crate::abi::errno::Errno;
use crate::host::ok;
use crate::procfs::CpuIdent;
use crate::thread::Task;
use crate::SysResult;

/// The speculation "which" argument arm64 knows (include/uapi/linux/prctl.h).
const PR_SPEC_STORE_BYPASS: u64 = 0;
/// GET results and SET controls (include/uapi/linux/prctl.h).
const PR_SPEC_NOT_AFFECTED: u64 = 0;
const PR_SPEC_PRCTL: u64 = 1 << 0;
const PR_SPEC_ENABLE: u64 = 1 << 1;
const PR_SPEC_DISABLE: u64 = 1 << 2;
const PR_SPEC_FORCE_DISABLE: u64 = 1 << 3;
const PR_SPEC_DISABLE_NOEXEC: u64 = 1 << 4;

/// One thread's Spectre-v4 mitigation flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SsbCtrl {
    /// Speculative store bypass disabled (the mitigation on: PSTATE.SSBS = 0).
    pub disable: bool,
    /// PR_SPEC_FORCE_DISABLE: it can no longer be enabled.
    pub force_disable: bool,
    /// PR_SPEC_DISABLE_NOEXEC: enabled again by the next execve.
    pub noexec: bool,
}

/// The emulator option that starts an exec'd program with the state its exec
/// keeps (a value of `--spec-store-bypass`), and the state each value gives.
const EXEC_OPTIONS: [(&str, SsbCtrl); 2] = [
    (
        "disable",
        SsbCtrl {
            disable: true,
            force_disable: false,
            noexec: false,
        },
    ),
    (
        "force-disable",
        SsbCtrl {
            disable: true,
            force_disable: true,
            noexec: false,
        },
    ),
];

impl SsbCtrl {
    /// PSTATE.SSBS as the kernel returns to the thread.
    pub fn pstate_ssbs(self) -> bool {
        !self.disable
    }

    /// The value of `--spec-store-bypass` that starts a program the thread execs
    /// with the state execve keeps; `None` for the default (enabled).
    pub fn exec_option(self) -> Option<&'static str> {
        let kept = if self.noexec {
            SsbCtrl::default()
        } else {
            self
        };
        EXEC_OPTIONS.iter().find(|o| o.1 == kept).map(|o| o.0)
    }

    /// The state a `--spec-store-bypass` value names.
    pub fn from_exec_option(value: &str) -> Option<SsbCtrl> {
        EXEC_OPTIONS.iter().find(|o| o.0 == value).map(|o| o.1)
    }

    /// ssbd_prctl_set under the dynamic policy.
    fn set(&mut self, ctrl: u64) -> Result<(), Errno> {
        match ctrl {
            PR_SPEC_ENABLE if self.force_disable => return Err(Errno::EPERM),
            PR_SPEC_ENABLE => *self = SsbCtrl::default(),
            PR_SPEC_FORCE_DISABLE => {
                self.force_disable = true;
                (self.disable, self.noexec) = (true, false);
            }
            PR_SPEC_DISABLE => (self.disable, self.noexec) = (true, false),
            PR_SPEC_DISABLE_NOEXEC if self.force_disable => return Err(Errno::EPERM),
            PR_SPEC_DISABLE_NOEXEC => (self.disable, self.noexec) = (true, true),
            _ => return Err(Errno::ERANGE),
        }
        Ok(())
    }

    /// ssbd_prctl_get's answer for a mitigated machine.
    fn get(self) -> u64 {
        PR_SPEC_PRCTL
            | if self.force_disable {
                PR_SPEC_FORCE_DISABLE
            } else if self.noexec {
                PR_SPEC_DISABLE_NOEXEC
            } else if self.disable {
                PR_SPEC_DISABLE
            } else {
                PR_SPEC_ENABLE
            }
    }
}

/// The machine's Spectre-v4 state (the kernel's spectre_v4_state).
#[derive(Debug, PartialEq, Eq)]
enum Exposure {
    Unaffected,
    Mitigated,
    Vulnerable,
}

/// (implementer, part number) of the CPUs the kernel's spectre_v4_safe_list holds:
/// Cortex-A35, A53, A55, Brahma-B53, Kryo 3xx and 4xx silver.
const SAFE_PARTS: [(u64, u64); 6] = [
    (0x41, 0xd04),
    (0x41, 0xd03),
    (0x41, 0xd05),
    (0x42, 0x100),
    (0x51, 0x803),
    (0x51, 0x805),
];

fn exposure(cpu: &CpuIdent) -> Exposure {
    let part = ((cpu.midr >> 24) & 0xff, (cpu.midr >> 4) & 0xfff);
    if SAFE_PARTS.contains(&part) {
        Exposure::Unaffected
    } else if crate::procfs::cpuinfo::features(cpu.hwcap, 0).contains(&"ssbs") {
        Exposure::Mitigated
    } else {
        Exposure::Vulnerable
    }
}

/// PR_GET_SPECULATION_CTRL(which, 0, 0, 0).
pub(crate) fn get(p: &mut Task, a: [u64; 6]) -> SysResult {
    if a[2] != 0 || a[3] != 0 || a[4] != 0 {
        return Err(Errno::EINVAL);
    }
    if a[1] != PR_SPEC_STORE_BYPASS {
        return Err(Errno::ENODEV);
    }
    ok(match exposure(&p.view.cpu) {
        Exposure::Unaffected => PR_SPEC_NOT_AFFECTED,
        Exposure::Mitigated => p.ssb.get(),
        Exposure::Vulnerable => PR_SPEC_ENABLE,
    })
}

/// PR_SET_SPECULATION_CTRL(which, ctrl, 0, 0): the thread's flags, and its
/// PSTATE.SSBS when the call returns.
pub(crate) fn set(p: &mut Task, a: [u64; 6]) -> SysResult {
    if a[3] != 0 || a[4] != 0 {
        return Err(Errno::EINVAL);
    }
    if a[1] != PR_SPEC_STORE_BYPASS {
        return Err(Errno::ENODEV);
    }
    p.ssb.set(a[2])?;
    p.pstate_ssbs = Some(p.ssb.pstate_ssbs());
    ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_follows_the_kernel() {
        let mut s = SsbCtrl::default();
        assert_eq!(s.get(), PR_SPEC_PRCTL | PR_SPEC_ENABLE);
        s.set(PR_SPEC_DISABLE_NOEXEC).unwrap();
        assert_eq!(s.get(), PR_SPEC_PRCTL | PR_SPEC_DISABLE_NOEXEC);
        assert!(!s.pstate_ssbs());
        assert_eq!(s.exec_option(), None);
        s.set(PR_SPEC_DISABLE).unwrap();
        assert_eq!(s.get(), PR_SPEC_PRCTL | PR_SPEC_DISABLE);
        assert_eq!(s.exec_option(), Some("disable"));
        s.set(PR_SPEC_FORCE_DISABLE).unwrap();
        assert_eq!(s.set(PR_SPEC_ENABLE), Err(Errno::EPERM));
        assert_eq!(s.set(PR_SPEC_DISABLE_NOEXEC), Err(Errno::EPERM));
        s.set(PR_SPEC_DISABLE).unwrap();
        assert_eq!(s.get(), PR_SPEC_PRCTL | PR_SPEC_FORCE_DISABLE);
        assert_eq!(s.set(3), Err(Errno::ERANGE));
        let back = SsbCtrl::from_exec_option(s.exec_option().unwrap());
        assert_eq!(back, Some(s));
    }

    #[test]
    fn exposure_by_cpu() {
        let cpu = |midr, hwcap| CpuIdent {
            midr,
            hwcap,
            hwcap2: 0,
            cntfrq: 0,
        };
        assert_eq!(exposure(&cpu(0x410f_d034, 0)), Exposure::Unaffected);
        assert_eq!(exposure(&cpu(0x413f_d0c1, 1 << 28)), Exposure::Mitigated);
        assert_eq!(exposure(&cpu(0x410f_d083, 0)), Exposure::Vulnerable);
    }
}
