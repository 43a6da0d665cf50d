//! /proc files whose host contents describe emu rather than the guest, rendered for
//! the guest: /proc/self/{cmdline,auxv,maps,smaps,smaps_rollup,stat,statm,status} (also under
//! /proc/thread-self and /proc/<own pid>) and /proc/cpuinfo. Every other /proc and /sys
//! path passes through to the host.

pub mod cpuinfo;
pub mod maps;
pub mod rollup;
pub mod stat;

use crate::guest_maps::RangeSet;
use crate::process::{lock, Process, PAGE};
use maps::Label;

pub use cpuinfo::CpuIdent;

/// What /proc shows about the guest that only the loader knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcView {
    /// Ranges mapped for the guest before it runs: program and interpreter images
    /// (their whole reserved spans), the stack, the signal-return page.
    pub mapped: Vec<(u64, u64)>,
    /// The initial stack mapping `[low, top)`, shown as `[stack]`.
    pub stack: (u64, u64),
    /// The guest vDSO `[base, end)`, shown as `[vdso]` (empty: none).
    pub vdso: (u64, u64),
    /// The kernel's mm->start_code, end_code, start_data, end_data for the program
    /// (binfmt_elf: lowest/highest PF_X p_vaddr / p_vaddr + p_filesz, and the highest
    /// p_vaddr / p_vaddr + p_filesz of any PT_LOAD), load bias included.
    pub start_code: u64,
    pub end_code: u64,
    pub start_data: u64,
    pub end_data: u64,
    /// The initial stack pointer (mm->start_stack: where argc is).
    pub start_stack: u64,
    /// The argv and environment strings on the initial stack, NULs included.
    pub arg_start: u64,
    pub arg_end: u64,
    pub env_start: u64,
    pub env_end: u64,
    /// The process name: the program path's last component, cut to 15 bytes
    /// (TASK_COMM_LEN - 1), as execve names a process.
    pub comm: Vec<u8>,
    /// The guest CPU, for /proc/cpuinfo.
    pub cpu: CpuIdent,
}

/// The process name execve gives a program at `path` (its basename, cut to 15 bytes).
pub fn comm_of(path: &[u8]) -> Vec<u8> {
    let base = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    base[..base.len().min(15)].to_vec()
}

/// Gives the calling host thread (and so the threads it starts) the guest's process
/// name, so that /proc/self/{stat,status,comm}, /proc/self/task/*/comm and
/// prctl(PR_GET_NAME) show it, as they show the program's name under a kernel.
pub fn set_host_comm(comm: &[u8]) {
    if comm.is_empty() {
        return;
    }
    let mut name = [0u8; 16];
    name[..comm.len().min(15)].copy_from_slice(&comm[..comm.len().min(15)]);
    // SAFETY: PR_SET_NAME reads a NUL-terminated name of at most 16 bytes.
    unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr()) };
}

/// Points the kernel's record of the process's argument and environment strings
/// (mm->arg_start..arg_end, env_start..env_end) at the guest's, on its initial stack,
/// so that other processes reading /proc/PID/cmdline and /proc/PID/environ of this
/// one (ps, pgrep -f, pidof, killall, a parent's test harness) see the guest's argv
/// and environment, as they would under an arm64 kernel, and a guest that rewrites
/// its argv in place (setproctitle) is seen doing so. prctl(PR_SET_MM_MAP) needs no
/// privilege unless it changes /proc/PID/exe, which it does not here; every other
/// field is given the value the kernel has (from /proc/self/stat and the current
/// break). Where the kernel refuses (no CONFIG_CHECKPOINT_RESTORE, a seccomp filter),
/// those files keep showing emu's command line: returns whether it took.
pub fn set_host_strings(view: &ProcView) -> bool {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return false;
    };
    let Some(fields) = stat::fields_after_comm(&stat) else {
        return false;
    };
    // Field n of proc_pid_stat(5) is fields[n - 3] (the fields after "(comm)").
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    let (Some(start_code), Some(end_code), Some(start_stack)) = (field(26), field(27), field(28))
    else {
        return false;
    };
    let (Some(start_data), Some(end_data), Some(start_brk)) = (field(45), field(46), field(47))
    else {
        return false;
    };
    // SAFETY: sbrk(0) only reports the current break.
    let brk = unsafe { libc::sbrk(0) } as u64;
    let map = PrctlMmMap {
        start_code,
        end_code,
        start_data,
        end_data,
        start_brk,
        brk,
        start_stack,
        arg_start: view.arg_start,
        arg_end: view.arg_end,
        env_start: view.env_start,
        env_end: view.env_end,
        auxv: 0,
        auxv_size: 0,
        exe_fd: u32::MAX,
    };
    // SAFETY: PR_SET_MM_MAP reads a prctl_mm_map of the size passed; with
    // auxv_size 0 and exe_fd -1 it changes only the recorded bounds.
    let r = unsafe {
        libc::prctl(
            libc::PR_SET_MM,
            libc::PR_SET_MM_MAP,
            std::ptr::addr_of!(map) as libc::c_ulong,
            std::mem::size_of::<PrctlMmMap>() as libc::c_ulong,
            0,
        )
    };
    r == 0
}

/// The host kernel's `struct prctl_mm_map` (include/uapi/linux/prctl.h).
#[repr(C)]
struct PrctlMmMap {
    start_code: u64,
    end_code: u64,
    start_data: u64,
    end_data: u64,
    start_brk: u64,
    brk: u64,
    start_stack: u64,
    arg_start: u64,
    arg_end: u64,
    env_start: u64,
    env_end: u64,
    auxv: u64,
    auxv_size: u32,
    exe_fd: u32,
}

/// The guest's ranges recorded at start: everything the loader mapped for it.
pub(crate) fn initial_ranges(view: &ProcView) -> RangeSet {
    let mut set = RangeSet::new();
    for &(s, e) in &view.mapped {
        set.insert(s, e);
    }
    set
}

/// The named parts of the guest's address space: its stack and its brk heap.
fn labels(p: &Process) -> Vec<Label> {
    let brk = *lock(&p.brk);
    let (stack_start, stack_end) = p.view.stack;
    vec![
        Label {
            start: stack_start,
            end: stack_end,
            name: "[stack]",
        },
        Label {
            start: brk.start.next_multiple_of(PAGE),
            end: brk.mapped_end,
            name: "[heap]",
        },
        Label {
            start: p.view.vdso.0,
            end: p.view.vdso.1,
            name: "[vdso]",
        },
    ]
}

/// The guest's view of the host's /proc/self/smaps (for the memory totals).
fn guest_smaps(p: &Process) -> String {
    let host = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    let guest = lock(&p.maps).clone();
    maps::render_smaps(&host, &guest, &labels(p))
}

/// The /proc/self entries rendered for the guest; the others pass through.
pub(crate) const SELF_ENTRIES: &[&[u8]] = &[
    b"cmdline",
    b"auxv",
    b"maps",
    b"smaps",
    b"smaps_rollup",
    b"stat",
    b"status",
    b"statm",
];

/// The host file `host_path` rendered for the guest, for the /proc/self entry
/// `entry` (one of [`SELF_ENTRIES`]); `None` for entries that pass through.
pub(crate) fn self_file(p: &Process, entry: &[u8], host_path: &str) -> Option<Vec<u8>> {
    let read = || std::fs::read_to_string(host_path).unwrap_or_default();
    let text = match entry {
        b"cmdline" => return Some(p.cmdline.clone()),
        b"auxv" => return Some(p.auxv.clone()),
        b"maps" => {
            let host = read();
            let guest = lock(&p.maps).clone();
            maps::render_maps(&host, &guest, &labels(p))
        }
        b"smaps" => {
            let host = read();
            let guest = lock(&p.maps).clone();
            maps::render_smaps(&host, &guest, &labels(p))
        }
        b"smaps_rollup" => rollup::render_rollup(&read(), &guest_smaps(p)),
        b"stat" => {
            let host = read();
            let mem = stat::MemTotals::from_smaps(&guest_smaps(p), &p.view);
            stat::render_stat(&host, &stat_facts(p, mem))
        }
        b"status" => {
            let host = read();
            let mem = stat::MemTotals::from_smaps(&guest_smaps(p), &p.view);
            stat::render_status(&host, &mem)
        }
        b"statm" => {
            let mem = stat::MemTotals::from_smaps(&guest_smaps(p), &p.view);
            stat::render_statm(&mem)
        }
        _ => return None,
    };
    Some(text.into_bytes())
}

fn stat_facts(p: &Process, mem: stat::MemTotals) -> stat::StatFacts {
    let v = &p.view;
    stat::StatFacts {
        mem,
        start_code: v.start_code,
        end_code: v.end_code,
        start_stack: v.start_stack,
        start_data: v.start_data,
        end_data: v.end_data,
        start_brk: lock(&p.brk).start,
        arg_start: v.arg_start,
        arg_end: v.arg_end,
        env_start: v.env_start,
        env_end: v.env_end,
    }
}

/// A /proc file outside /proc/self rendered for the guest; `None` passes through.
pub(crate) fn global_file(p: &Process, path: &[u8]) -> Option<Vec<u8>> {
    match path {
        b"/proc/cpuinfo" => Some(cpuinfo::contents(&p.view.cpu).into_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comm_is_the_basename_cut_to_15_bytes() {
        assert_eq!(comm_of(b"./guest-bins/out/static/proc_maps"), b"proc_maps");
        assert_eq!(comm_of(b"prog"), b"prog");
        assert_eq!(comm_of(b"/x/a_very_long_program_name"), b"a_very_long_pro");
    }

    fn mapped(p: &mut crate::Task, len: u64, prot: u64) -> u64 {
        use crate::abi::flags::{MAP_ANONYMOUS, MAP_PRIVATE};
        let flags = MAP_PRIVATE | MAP_ANONYMOUS;
        match p.dispatch(crate::nr::MMAP, [0, len, prot, flags, u64::MAX, 0]) {
            crate::Outcome::Ret(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn maps_show_only_what_the_guest_mapped() {
        let mut p = crate::Task::new(crate::ProcessInit::default());
        let a = mapped(&mut p, 2 * PAGE, 1);
        let text = self_file(&p, b"maps", "/proc/self/maps").unwrap();
        let want = format!("{a:08x}-{:08x} r--p 00000000 00:00 0 \n", a + 2 * PAGE);
        assert_eq!(String::from_utf8(text).unwrap(), want);
        let smaps = String::from_utf8(self_file(&p, b"smaps", "/proc/self/smaps").unwrap());
        let smaps = smaps.unwrap();
        assert!(smaps.starts_with(&want), "{smaps}");
        assert!(smaps.contains("\nSize:                  8 kB\n"), "{smaps}");
    }

    #[test]
    fn stat_and_status_describe_the_guest() {
        let mut p = crate::Task::new(crate::ProcessInit {
            view: ProcView {
                start_code: 0x1000,
                end_code: 0x2000,
                start_stack: 0x7777,
                ..ProcView::default()
            },
            ..crate::ProcessInit::default()
        });
        mapped(&mut p, 3 * PAGE, 3);
        let stat = String::from_utf8(self_file(&p, b"stat", "/proc/self/stat").unwrap()).unwrap();
        let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        // fields[0] is field 3.
        assert_eq!(fields[23 - 3], (3 * PAGE).to_string());
        assert_eq!(&fields[26 - 3..=28 - 3], ["4096", "8192", "30583"]);
        let status =
            String::from_utf8(self_file(&p, b"status", "/proc/self/status").unwrap()).unwrap();
        assert!(status.contains("\nVmSize:\t      12 kB\n"), "{status}");
        assert!(status.contains("\nVmData:\t      12 kB\n"), "{status}");
    }

    #[test]
    fn cpuinfo_is_rendered_other_paths_pass_through() {
        let p = crate::Task::new(crate::ProcessInit::default());
        let text = global_file(&p, b"/proc/cpuinfo").unwrap();
        assert!(text.starts_with(b"processor\t: "));
        assert_eq!(global_file(&p, b"/proc/meminfo"), None);
        assert_eq!(self_file(&p, b"limits", "/proc/self/limits"), None);
        for entry in SELF_ENTRIES {
            let host = format!("/proc/self/{}", String::from_utf8_lossy(entry));
            assert!(self_file(&p, entry, &host).is_some(), "{host}");
        }
    }
}
