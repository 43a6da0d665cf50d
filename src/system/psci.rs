//! PSCI 1.0 and the SMCCC version call, answered by emu itself for HVC and
//! SMC from EL1 (the machine has no EL2 or EL3 firmware): function ID in
//! w0, arguments in x1–x3, result in x0 (Arm DEN 0022, DEN 0028).

use super::smp::{lock, Power};
use super::vcpu::{Stop, Vcpu, Wait};

pub const PSCI_VERSION: u64 = 0x8400_0000;
pub const CPU_SUSPEND: u64 = 0xc400_0001;
pub const CPU_OFF: u64 = 0x8400_0002;
pub const CPU_ON: u64 = 0xc400_0003;
pub const AFFINITY_INFO: u64 = 0xc400_0004;
pub const MIGRATE_INFO_TYPE: u64 = 0x8400_0006;
pub const SYSTEM_OFF: u64 = 0x8400_0008;
pub const SYSTEM_RESET: u64 = 0x8400_0009;
pub const PSCI_FEATURES: u64 = 0x8400_000a;
pub const SMCCC_VERSION: u64 = 0x8000_0000;

const NOT_SUPPORTED: u64 = -1i64 as u64;
const INVALID_PARAMETERS: u64 = -2i64 as u64;
const ALREADY_ON: u64 = -4i64 as u64;
const ON_PENDING: u64 = -5i64 as u64;
const INVALID_ADDRESS: u64 = -9i64 as u64;

/// AFFINITY_INFO answers.
const AFF_ON: u64 = 0;
const AFF_OFF: u64 = 1;
const AFF_ON_PENDING: u64 = 2;

/// CPU_SUSPEND's power_state (original format): StateType, bit 16, is 1
/// for a power-down state.
const POWERDOWN: u64 = 1 << 16;

/// PSCI 1.0.
const VERSION_1_0: u64 = 0x0001_0000;
/// SMCCC 1.1.
const SMCCC_1_1: u64 = 0x0001_0001;

/// Functions implemented (the 64-bit forms and their SMC32 twins).
fn implemented(fid: u64) -> bool {
    let fid = fid & !(1 << 30);
    [
        PSCI_VERSION,
        CPU_SUSPEND & !(1 << 30),
        CPU_OFF,
        CPU_ON & !(1 << 30),
        AFFINITY_INFO & !(1 << 30),
        MIGRATE_INFO_TYPE,
        SYSTEM_OFF,
        SYSTEM_RESET,
        PSCI_FEATURES,
    ]
    .contains(&fid)
}

/// Handles the call in the CPU's registers; sets `stop` for the calls
/// that end the machine and `wait` for CPU_OFF and CPU_SUSPEND (the
/// dispatcher acts on them); CPU_ON marks the CPU starting and rings it.
pub fn call(v: &mut Vcpu) {
    let fid = v.cpu.x[0] & 0xffff_ffff;
    let (a1, a2, a3) = (v.cpu.x[1], v.cpu.x[2], v.cpu.x[3]);
    let smc64 = |f: u64| [f, f & !(1 << 30)];
    let r = match fid {
        PSCI_VERSION => VERSION_1_0,
        SMCCC_VERSION => SMCCC_1_1,
        PSCI_FEATURES => {
            // For CPU_SUSPEND the flags: original power_state format, no
            // OS-initiated mode.
            if implemented(a1 & 0xffff_ffff) {
                0
            } else {
                NOT_SUPPORTED
            }
        }
        CPU_OFF => {
            // Does not return: the CPU runs again only after a CPU_ON.
            v.wait = Some(Wait::Off);
            0
        }
        SYSTEM_OFF => {
            v.stop = Some(Stop::PowerOff);
            0
        }
        SYSTEM_RESET => {
            v.stop = Some(Stop::Reset);
            0
        }
        f if smc64(CPU_ON).contains(&f) => {
            let entry = if f == CPU_ON { a2 } else { a2 & 0xffff_ffff };
            let smp = &v.board.smp;
            let mut power = lock(&smp.power);
            match smp.by_mpidr(a1).map(|i| (i, power[i])) {
                None => INVALID_PARAMETERS,
                Some((_, Power::Starting { .. })) => ON_PENDING,
                Some((_, Power::On)) => ALREADY_ON,
                Some(_) if v.board.ram.host(entry, 4).is_none() || entry & 3 != 0 => {
                    INVALID_ADDRESS
                }
                Some((i, Power::Off)) => {
                    power[i] = Power::Starting { entry, arg: a3 };
                    drop(power);
                    smp.cpus[i].bell.ring();
                    0
                }
            }
        }
        f if smc64(AFFINITY_INFO).contains(&f) => match v.board.smp.by_mpidr(a1) {
            // Only affinity level 0 (the CPUs) is reported.
            Some(i) if a2 == 0 => match lock(&v.board.smp.power)[i] {
                Power::Off => AFF_OFF,
                Power::Starting { .. } => AFF_ON_PENDING,
                _ => AFF_ON,
            },
            _ => INVALID_PARAMETERS,
        },
        f if smc64(CPU_SUSPEND).contains(&f) => {
            // A wake-up event already pending ends the suspension at once;
            // else the CPU waits for its IRQ line (the dispatcher wakes
            // it): a standby state returns here, a power-down one resumes
            // at the entry point.
            if !v.irq_line() {
                v.wait = Some(if a1 & POWERDOWN != 0 {
                    let entry = if f == CPU_SUSPEND {
                        a2
                    } else {
                        a2 & 0xffff_ffff
                    };
                    Wait::PowerDown { entry, arg: a3 }
                } else {
                    Wait::Standby
                });
            }
            0
        }
        // Migration is not needed (no trusted OS).
        MIGRATE_INFO_TYPE => 2,
        _ => NOT_SUPPORTED,
    };
    v.cpu.x[0] = r;
}
