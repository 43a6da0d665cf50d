//! /proc/self/stat and /proc/self/status for the guest: the host's files with the
//! memory layout and sizes replaced by the guest's.
//!
//! Replaced in stat (proc(5) numbering): 23 vsize, 24 rss, 26 startcode, 27 endcode,
//! 28 startstack, 45 start_data, 46 end_data, 47 start_brk, 48 arg_start, 49 arg_end,
//! 50 env_start, 51 env_end. In status: VmSize, VmRSS, RssAnon, RssFile, VmData,
//! VmStk, VmExe, VmLib. statm is made from the same totals. Everything else passes through from the host: ids, state,
//! times, counters, signal masks, and comm/Name, which are right because the host
//! thread carries the guest's name (see `procfs::set_host_comm`). VmPeak and VmHWM
//! stay the host's (they bound the guest's from above), as do VmLck, VmPin, VmPTE,
//! VmSwap, RssShmem (capped to what the guest's RSS leaves) and HugetlbPages.

use super::ProcView;
use crate::process::PAGE;

/// The guest's memory totals, in kB, summed over its mappings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemTotals {
    /// All mappings (VmSize).
    pub size: u64,
    /// Resident (VmRSS) and its anonymous part (RssAnon).
    pub rss: u64,
    pub anon: u64,
    /// Private writable mappings other than the stack (the kernel's data_vm).
    pub data: u64,
    /// The stack (stack_vm).
    pub stack: u64,
    /// Executable, non-writable mappings other than the stack (exec_vm).
    pub exec: u64,
    /// The program's text (VmExe): its code range, at most `exec`.
    pub text: u64,
}

/// The number in a "Key:   N kB" line.
fn kb(line: &str) -> u64 {
    line.split_once(':')
        .and_then(|(_, v)| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

impl MemTotals {
    /// Sums the guest's smaps text (see `maps::render_smaps`).
    pub fn from_smaps(smaps: &str, view: &ProcView) -> MemTotals {
        let mut t = MemTotals::default();
        let (mut write, mut shared, mut exec, mut stack) = (false, false, false, false);
        for line in smaps.lines() {
            if let Some(m) = super::maps::MapLine::parse(line) {
                let p = m.perms.as_bytes();
                write = p[1] == b'w';
                exec = p[2] == b'x';
                shared = p[3] == b's';
                stack = m.name == "[stack]";
                continue;
            }
            let n = kb(line);
            match line.split_once(':').map(|(k, _)| k) {
                Some("Size") => {
                    t.size += n;
                    if stack {
                        t.stack += n;
                    } else if write && !shared {
                        t.data += n;
                    } else if exec && !write {
                        t.exec += n;
                    }
                }
                Some("Rss") => t.rss += n,
                Some("Anonymous") => t.anon += n,
                _ => {}
            }
        }
        // The kernel's VmExe: the page-aligned code range, at most exec_vm.
        let code = view
            .end_code
            .next_multiple_of(PAGE)
            .saturating_sub(view.start_code & !(PAGE - 1));
        t.text = (code / 1024).min(t.exec);
        t
    }
}

/// What replaces the host's numbers in /proc/self/stat.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatFacts {
    pub mem: MemTotals,
    pub start_code: u64,
    pub end_code: u64,
    pub start_stack: u64,
    pub start_data: u64,
    pub end_data: u64,
    pub start_brk: u64,
    pub arg_start: u64,
    pub arg_end: u64,
    pub env_start: u64,
    pub env_end: u64,
}

/// The fields of a /proc/PID/stat line after the comm field: element 0 is field 3
/// (the state).
pub fn fields_after_comm(stat: &str) -> Option<Vec<&str>> {
    let close = stat.rfind(')')?;
    Some(stat[close + 1..].split_ascii_whitespace().collect())
}

/// /proc/self/stat with the guest's fields (the comm field, which may hold spaces
/// and parentheses, ends at the last ')').
pub fn render_stat(host: &str, f: &StatFacts) -> String {
    let Some(close) = host.rfind(')') else {
        return host.to_string();
    };
    let (head, tail) = host.split_at(close + 1);
    let tail = tail.trim_end_matches('\n');
    // tail starts with " state ...": fields[0] is empty, fields[i] is field i + 2.
    let mut fields: Vec<String> = tail.split(' ').map(str::to_string).collect();
    let replace = [
        (23, f.mem.size * 1024),
        (24, f.mem.rss * 1024 / PAGE),
        (26, f.start_code),
        (27, f.end_code),
        (28, f.start_stack),
        (45, f.start_data),
        (46, f.end_data),
        (47, f.start_brk),
        (48, f.arg_start),
        (49, f.arg_end),
        (50, f.env_start),
        (51, f.env_end),
    ];
    for (field, value) in replace {
        if let Some(slot) = fields.get_mut(field - 2) {
            *slot = value.to_string();
        }
    }
    format!("{head}{}\n", fields.join(" "))
}

/// /proc/self/status with the guest's memory lines.
pub fn render_status(host: &str, m: &MemTotals) -> String {
    let value = |key: &str| -> Option<u64> {
        Some(match key {
            "VmSize" => m.size,
            "VmRSS" => m.rss,
            "RssAnon" => m.anon,
            "RssFile" => m.rss.saturating_sub(m.anon + shmem(host, m)),
            "VmData" => m.data,
            "VmStk" => m.stack,
            "VmExe" => m.text,
            "VmLib" => m.exec - m.text,
            "RssShmem" => shmem(host, m),
            _ => return None,
        })
    };
    let mut out = String::new();
    for line in host.lines() {
        let key = line.split_once(':').map_or("", |(k, _)| k);
        match value(key) {
            Some(v) => out.push_str(&format!("{key}:\t{v:>8} kB")),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// /proc/self/statm (in pages, as the kernel's proc_pid_statm): size, resident,
/// shared (file and shmem resident), text, lib (always 0), data (data and stack),
/// dt (always 0).
pub fn render_statm(m: &MemTotals) -> String {
    let pages = |kb: u64| kb * 1024 / PAGE;
    format!(
        "{} {} {} {} 0 {} 0\n",
        pages(m.size),
        pages(m.rss),
        pages(m.rss.saturating_sub(m.anon)),
        pages(m.text),
        pages(m.data + m.stack)
    )
}

/// RssShmem: the host's, capped to the guest's non-anonymous resident memory.
fn shmem(host: &str, m: &MemTotals) -> u64 {
    let host_kb = host
        .lines()
        .find(|l| l.starts_with("RssShmem:"))
        .map_or(0, kb);
    host_kb.min(m.rss.saturating_sub(m.anon))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "18155 (a) b) R 18147 18147 13917 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 82418 3133440 389 18446744073709551615 94104529649664 94104529669545 140724032444128 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94104529685552 94104529687168 94105319149568 140724032445154 140724032445174 140724032445174 140724032446443 0\n";

    #[test]
    fn fields_after_a_comm_with_spaces() {
        let f = fields_after_comm("12 (a) b) S 1 12 7\n").unwrap();
        assert_eq!(f, ["S", "1", "12", "7"]);
    }

    #[test]
    fn stat_fields_are_replaced_by_number() {
        let f = StatFacts {
            mem: MemTotals {
                size: 100,
                rss: 40,
                ..MemTotals::default()
            },
            start_code: 26,
            end_code: 27,
            start_stack: 28,
            start_data: 45,
            end_data: 46,
            start_brk: 47,
            arg_start: 48,
            arg_end: 49,
            env_start: 50,
            env_end: 51,
        };
        assert_eq!(
            render_stat(STAT, &f),
            "18155 (a) b) R 18147 18147 13917 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 82418 102400 10 18446744073709551615 26 27 28 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 45 46 47 48 49 50 51 0\n"
        );
    }

    const SMAPS: &str = "\
00400000-00402000 r-xp 00000000 08:02 1 /p
Size:                  8 kB
Rss:                   8 kB
Anonymous:             0 kB
00402000-00403000 rw-p 00002000 08:02 1 /p
Size:                  4 kB
Rss:                   4 kB
Anonymous:             4 kB
7f0000000000-7f0000004000 r-xp 00000000 08:02 2 /lib.so
Size:                 16 kB
Rss:                   8 kB
Anonymous:             0 kB
7ffc00000000-7ffc00008000 rw-p 00000000 00:00 0 [stack]
Size:                 32 kB
Rss:                   8 kB
Anonymous:             8 kB
";

    /// The totals of [`SMAPS`].
    const TOTALS: MemTotals = MemTotals {
        size: 60,
        rss: 28,
        anon: 12,
        data: 4,
        stack: 32,
        exec: 24,
        text: 8,
    };

    #[test]
    fn totals_from_smaps() {
        let view = ProcView {
            start_code: 0x40_0100,
            end_code: 0x40_1800,
            ..ProcView::default()
        };
        let t = MemTotals::from_smaps(SMAPS, &view);
        assert_eq!(t, TOTALS);
    }

    #[test]
    fn statm_in_pages() {
        assert_eq!(render_statm(&TOTALS), "15 7 4 2 0 9 0\n");
    }

    #[test]
    fn status_memory_lines() {
        let host = "Name:\tprog\nVmPeak:\t    9999 kB\nVmSize:\t    9000 kB\nVmRSS:\t    5000 kB\nRssAnon:\t    3000 kB\nRssFile:\t    1900 kB\nRssShmem:\t     100 kB\nVmExe:\t     1 kB\nVmLib:\t     1 kB\nThreads:\t1\n";
        assert_eq!(
            render_status(host, &TOTALS),
            "Name:\tprog\nVmPeak:\t    9999 kB\nVmSize:\t      60 kB\nVmRSS:\t      28 kB\nRssAnon:\t      12 kB\nRssFile:\t       0 kB\nRssShmem:\t      16 kB\nVmExe:\t       8 kB\nVmLib:\t      16 kB\nThreads:\t1\n"
        );
    }
}
