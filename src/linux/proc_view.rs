//! What the syscall layer's /proc files need to know about the loaded guest
//! that only the loader knows: the ranges mapped for it, its code, data,
//! stack and argument bounds (as the kernel records them in its mm), its
//! process name, and the CPU identity emu reports (MIDR_EL1, AT_HWCAP*).

use super::elf::ElfImage;
use super::hwcap;
use super::loader::Loaded;
use crate::arm64::cpu_model::Cpu;
use crate::arm64::sysreg::CNTFRQ;
use emu_syscalls::guest_mem::{read_cstr, read_val};
use emu_syscalls::procfs::{comm_of, CpuIdent, ProcView};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Code and data bounds of a loaded program (load bias included), as the
/// kernel's binfmt_elf sets mm->start_code/end_code/start_data/end_data: the
/// lowest p_vaddr and highest p_vaddr + p_filesz of the PF_X segments, and
/// the highest p_vaddr and p_vaddr + p_filesz of any PT_LOAD.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageBounds {
    pub start_code: u64,
    pub end_code: u64,
    pub start_data: u64,
    pub end_data: u64,
}

impl ImageBounds {
    pub fn of(image: &ElfImage, bias: u64) -> ImageBounds {
        let code = image.loads.iter().filter(|s| s.executable());
        let start_code = code.clone().map(|s| s.vaddr).min().unwrap_or(0);
        let end_code = code.map(|s| s.vaddr + s.filesz).max().unwrap_or(0);
        let start_data = image.loads.iter().map(|s| s.vaddr).max().unwrap_or(0);
        let end_data = image.loads.iter().map(|s| s.vaddr + s.filesz).max();
        ImageBounds {
            start_code: bias.wrapping_add(start_code),
            end_code: bias.wrapping_add(end_code),
            start_data: bias.wrapping_add(start_data),
            end_data: bias.wrapping_add(end_data.unwrap_or(0)),
        }
    }
}

/// The run-time span of an image mapped with `bias`.
pub fn span(image: &ElfImage, bias: u64) -> (u64, u64) {
    (
        bias.wrapping_add(image.low()),
        bias.wrapping_add(image.high()),
    )
}

/// `[start, end)` of the argv strings and of the environment strings on the
/// initial stack at `sp` (argc, argv pointers, NULL, envp pointers, NULL),
/// terminating NULs included, as the kernel's mm->arg_* and env_* bound them.
fn string_bounds(sp: u64) -> ((u64, u64), (u64, u64)) {
    let word = |a: u64| read_val::<u64>(a).unwrap_or(0);
    // The end of the last of the NULL-terminated pointer list at `list`.
    let strings = |list: u64| {
        let (mut first, mut end, mut at) = (0, 0, list);
        while word(at) != 0 {
            let s = word(at);
            first = if first == 0 { s } else { first };
            end = s + read_cstr(s, 128 * 1024).map_or(0, |v| v.len() as u64) + 1;
            at += 8;
        }
        (first, end, at + 8)
    };
    let (arg_start, arg_end, envp) = strings(sp + 8);
    let (env_start, env_end, _) = strings(envp);
    // No arguments (or no environment): an empty range where the other begins.
    let args = if arg_start == 0 {
        (env_start, env_start)
    } else {
        (arg_start, arg_end)
    };
    let env = if env_start == 0 {
        (args.1, args.1)
    } else {
        (env_start, env_end)
    };
    (args, env)
}

/// The guest CPU as /proc/cpuinfo describes it: the MIDR_EL1 the guest
/// reads, the hwcaps the loader announces, and the counter frequency.
pub fn cpu_ident(cpu: &Cpu) -> CpuIdent {
    let (hwcap, hwcap2) = hwcap::of(cpu);
    CpuIdent {
        midr: cpu.midr(),
        hwcap,
        hwcap2,
        cntfrq: CNTFRQ,
    }
}

/// The view of the guest loaded as `loaded` from `path` (the program path
/// as given, which names the process), running on `cpu`.
pub fn proc_view(loaded: &Loaded, path: &Path, cpu: &Cpu) -> ProcView {
    let mut mapped = loaded.image_spans.clone();
    mapped.push((loaded.stack_low, loaded.stack_top));
    let vdso = (loaded.vdso, loaded.vdso + super::vdso::LEN as u64);
    if loaded.vdso != 0 {
        mapped.push(vdso);
    }
    let ((arg_start, arg_end), (env_start, env_end)) = string_bounds(loaded.sp);
    let b = loaded.bounds;
    ProcView {
        mapped,
        stack: (loaded.stack_low, loaded.stack_top),
        vdso,
        start_code: b.start_code,
        end_code: b.end_code,
        start_data: b.start_data,
        end_data: b.end_data,
        start_stack: loaded.sp,
        arg_start,
        arg_end,
        env_start,
        env_end,
        comm: comm_of(path.as_os_str().as_bytes()),
        cpu: cpu_ident(cpu),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpuinfo_reports_what_the_guest_reads() {
        use crate::arm64::sysreg::{Value, MIDR, SYSREGS};
        use hwcap::{HWCAP, HWCAP2};
        let midr = SYSREGS.iter().find(|r| r.name == "MIDR_EL1").unwrap();
        assert_eq!(midr.value, Value::Midr);
        let cpu = cpu_ident(&Cpu::MAX);
        assert_eq!(cpu.midr, MIDR);
        assert_eq!((cpu.hwcap, cpu.hwcap2), (HWCAP, HWCAP2));
        use emu_syscalls::procfs::cpuinfo::{features, render};
        let text = render(&cpu, &[0]);
        let names = features(HWCAP, HWCAP2);
        assert!(names.contains(&"fp") && names.contains(&"asimd"));
        assert!(names.contains(&"dit") && names.contains(&"ssbs"));
        assert!(text.contains(&format!("\nFeatures\t: {}\n", names.join(" "))));
        let implementer = format!("\nCPU implementer\t: 0x{:02x}\n", MIDR >> 24);
        assert!(text.contains(&implementer));
        let a53 = cpu_ident(&Cpu::parse("cortex-a53").unwrap());
        let text = render(&a53, &[0]);
        assert!(text.contains("\nCPU implementer\t: 0x41\n"));
        assert!(text.contains("\nCPU part\t: 0xd03\nCPU revision\t: 4\n"));
        assert!(text.contains("\nFeatures\t: fp asimd aes pmull sha1 sha2 crc32 cpuid\n"));
    }

    #[test]
    fn string_bounds_of_a_stack() {
        // argc = 2, "ab" "c", env "XY=1", strings contiguous as the kernel
        // puts them.
        let strings = b"ab\0c\0XY=1\0";
        let base = strings.as_ptr() as u64;
        let stack: [u64; 6] = [2, base, base + 3, 0, base + 5, 0];
        let ((a0, a1), (e0, e1)) = string_bounds(stack.as_ptr() as u64);
        assert_eq!((a0 - base, a1 - base, e0 - base, e1 - base), (0, 5, 5, 10));
        let none: [u64; 3] = [0, 0, 0];
        assert_eq!(string_bounds(none.as_ptr() as u64), ((0, 0), (0, 0)));
    }
}
