//! PSCI 1.0 and the SMCCC version call, answered by emu itself for HVC and
//! SMC from EL1 (the machine has no EL2 or EL3 firmware): function ID in
//! w0, arguments in x1–x3, result in x0 (Arm DEN 0022, DEN 0028).

use super::vcpu::{Stop, Vcpu};

pub const PSCI_VERSION: u64 = 0x8400_0000;
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

/// PSCI 1.0.
const VERSION_1_0: u64 = 0x0001_0000;
/// SMCCC 1.1.
const SMCCC_1_1: u64 = 0x0001_0001;

/// Functions implemented (the 64-bit forms and their SMC32 twins).
fn implemented(fid: u64) -> bool {
    let fid = fid & !(1 << 30);
    [
        PSCI_VERSION,
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
/// that end the machine.
pub fn call(v: &mut Vcpu) {
    let fid = v.cpu.x[0] & 0xffff_ffff;
    let mpidr_self = 0;
    let r = match fid {
        PSCI_VERSION => VERSION_1_0,
        SMCCC_VERSION => SMCCC_1_1,
        PSCI_FEATURES => {
            if implemented(v.cpu.x[1] & 0xffff_ffff) {
                0
            } else {
                NOT_SUPPORTED
            }
        }
        CPU_OFF => {
            v.stop = Some(Stop::CpuOff);
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
        // One CPU, affinity 0: it is on.
        f if f & !(1 << 30) == CPU_ON & !(1 << 30) => {
            if v.cpu.x[1] & 0xff_00ff_ffff == mpidr_self {
                ALREADY_ON
            } else {
                INVALID_PARAMETERS
            }
        }
        f if f & !(1 << 30) == AFFINITY_INFO & !(1 << 30) => {
            if v.cpu.x[1] & 0xff_00ff_ffff == mpidr_self {
                0
            } else {
                INVALID_PARAMETERS
            }
        }
        // Migration is not needed (no trusted OS).
        MIGRATE_INFO_TYPE => 2,
        _ => NOT_SUPPORTED,
    };
    v.cpu.x[0] = r;
}
