//! /proc/cpuinfo as an arm64 kernel prints it (arch/arm64/kernel/cpuinfo.c, c_show):
//! one block per online CPU with the features of AT_HWCAP/AT_HWCAP2 and the fields of
//! MIDR_EL1, both as emu reports them to the guest (passed in through [`CpuIdent`]).

use std::fmt::Write;

/// What the guest CPU says about itself, from the translator's ID registers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuIdent {
    /// MIDR_EL1 as the guest reads it.
    pub midr: u64,
    /// AT_HWCAP and AT_HWCAP2 as the loader announces them.
    pub hwcap: u64,
    pub hwcap2: u64,
    /// CNTFRQ_EL0: the kernel's BogoMIPS on arm64 is derived from the timer frequency.
    pub cntfrq: u64,
}

/// Feature names of the AT_HWCAP bits, bit 0 first (the uapi HWCAP_* names in
/// lower case, as the kernel's hwcap_str spells them).
const HWCAP_NAMES: [&str; 32] = [
    "fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics", "fphp",
    "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc", "dcpop", "sha3", "sm3", "sm4",
    "asimddp", "sha512", "sve", "asimdfhm", "dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb",
    "paca", "pacg",
];

/// Feature names of the AT_HWCAP2 bits, bit 0 first (HWCAP2_* in lower case without
/// underscores, as hwcap_str spells them).
const HWCAP2_NAMES: [&str; 34] = [
    "dcpodp",
    "sve2",
    "sveaes",
    "svepmull",
    "svebitperm",
    "svesha3",
    "svesm4",
    "flagm2",
    "frint",
    "svei8mm",
    "svef32mm",
    "svef64mm",
    "svebf16",
    "i8mm",
    "bf16",
    "dgh",
    "rng",
    "bti",
    "mte",
    "ecv",
    "afp",
    "rpres",
    "mte3",
    "sme",
    "smei16i64",
    "smef64f64",
    "smei8i32",
    "smef16f32",
    "smeb16f32",
    "smef32f32",
    "smefa64",
    "wfxt",
    "ebf16",
    "sveebf16",
];

/// The `Features` list: HWCAP bits in order, then HWCAP2 bits (the order of the
/// kernel's hwcap_str, indexed by KERNEL_HWCAP_*). Bits without a known name are left
/// out, as the kernel has no string for them either.
pub fn features(hwcap: u64, hwcap2: u64) -> Vec<&'static str> {
    let named = |word: u64, names: &'static [&'static str]| {
        names
            .iter()
            .enumerate()
            .filter(move |(bit, _)| word & (1 << bit) != 0)
            .map(|(_, n)| *n)
    };
    named(hwcap, &HWCAP_NAMES)
        .chain(named(hwcap2, &HWCAP2_NAMES))
        .collect()
}

/// The CPU numbers in a /sys/devices/system/cpu/online list ("0-3,8,10-11").
pub fn parse_cpu_list(list: &str) -> Vec<u32> {
    let mut cpus = Vec::new();
    for part in list.trim().split(',').filter(|p| !p.is_empty()) {
        let (lo, hi) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(lo), Ok(hi)) = (lo.parse::<u32>(), hi.parse::<u32>()) {
            cpus.extend(lo..=hi);
        }
    }
    cpus
}

/// The text of /proc/cpuinfo for the CPUs `cpus`.
pub fn render(cpu: &CpuIdent, cpus: &[u32]) -> String {
    // The arm64 kernel's loops_per_jiffy is the timer frequency / HZ, and c_show
    // prints it as lpj / (500000 / HZ) "." lpj / (5000 / HZ) % 100.
    let (whole, frac) = (cpu.cntfrq / 500_000, cpu.cntfrq / 5_000 % 100);
    let features = features(cpu.hwcap, cpu.hwcap2).join(" ");
    let midr = cpu.midr;
    let mut out = String::new();
    for n in cpus {
        let _ = write!(
            out,
            "processor\t: {n}\n\
             BogoMIPS\t: {whole}.{frac:02}\n\
             Features\t: {features}\n\
             CPU implementer\t: 0x{:02x}\n\
             CPU architecture: 8\n\
             CPU variant\t: 0x{:x}\n\
             CPU part\t: 0x{:03x}\n\
             CPU revision\t: {}\n\n",
            (midr >> 24) & 0xff,
            (midr >> 20) & 0xf,
            (midr >> 4) & 0xfff,
            midr & 0xf,
        );
    }
    out
}

/// /proc/cpuinfo for the host's online CPUs (one block for CPU 0 if the host does
/// not say which are online).
pub fn contents(cpu: &CpuIdent) -> String {
    let online = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap_or_default();
    let mut cpus = parse_cpu_list(&online);
    if cpus.is_empty() {
        cpus.push(0);
    }
    render(cpu, &cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_follow_bit_order() {
        let hwcap = 1 | 1 << 1 | 1 << 7 | 1 << 8 | 1 << 11 | 1 << 15 | 1 << 26;
        assert_eq!(
            features(hwcap, 0),
            ["fp", "asimd", "crc32", "atomics", "cpuid", "lrcpc", "ilrcpc"]
        );
        assert_eq!(
            features(1 << 31, 1 | 1 << 33),
            ["pacg", "dcpodp", "sveebf16"]
        );
        assert_eq!(features(1 << 40, 1 << 50), Vec::<&str>::new());
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-1\n"), [0, 1]);
        assert_eq!(parse_cpu_list("0,2-3,7"), [0, 2, 3, 7]);
        assert_eq!(parse_cpu_list(""), Vec::<u32>::new());
    }

    #[test]
    fn blocks_as_the_kernel_prints_them() {
        let cpu = CpuIdent {
            midr: 0x410f_d0c1, // implementer 0x41, variant 0, arch 0xf, part 0xd0c, rev 1
            hwcap: 0b11,
            hwcap2: 0,
            cntfrq: 25_000_000,
        };
        assert_eq!(
            render(&cpu, &[0, 2]),
            "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n\
             CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\n\
             CPU part\t: 0xd0c\nCPU revision\t: 1\n\n\
             processor\t: 2\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n\
             CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\n\
             CPU part\t: 0xd0c\nCPU revision\t: 1\n\n"
        );
        let odd = CpuIdent {
            cntfrq: 62_500_000,
            ..cpu
        };
        assert!(render(&odd, &[0]).contains("BogoMIPS\t: 125.00\n"));
    }
}
