//! /proc/self/smaps_rollup for the guest: the sums of the guest's smaps (see
//! `maps::render_smaps`) under a header spanning its mappings, in the field order
//! of the host's rollup. The rollup-only Pss_Anon, Pss_File and Pss_Shmem are the
//! host's scaled by the guest's share of the host's Pss.

use super::maps::{with_kb, MapLine};
use std::collections::HashMap;

/// The number in a "Key:   N kB" line, with its key.
fn field(line: &str) -> Option<(&str, u64)> {
    let (key, rest) = line.split_once(':')?;
    let n = rest.strip_suffix(" kB")?.trim().parse().ok()?;
    Some((key, n))
}

/// The rollup from the host's `host` rollup text and the guest's `smaps` text.
pub fn render_rollup(host: &str, smaps: &str) -> String {
    let mut sums: HashMap<&str, u64> = HashMap::new();
    let (mut start, mut end) = (None, 0);
    for line in smaps.lines() {
        if let Some(m) = MapLine::parse(line) {
            start.get_or_insert(m.start);
            end = m.end;
        } else if let Some((key, n)) = field(line) {
            *sums.entry(key).or_default() += n;
        }
    }
    let Some(start) = start else {
        return String::new();
    };
    let host_pss = host
        .lines()
        .filter_map(field)
        .find(|(k, _)| *k == "Pss")
        .map_or(0, |(_, n)| n);
    let guest_pss = sums.get("Pss").copied().unwrap_or(0);
    let mut out = String::new();
    let header = MapLine {
        start,
        end,
        perms: "---p",
        offset: 0,
        dev: "00:00",
        inode: 0,
        name: "[rollup]",
    };
    header.write(&mut out);
    for line in host.lines().filter(|l| MapLine::parse(l).is_none()) {
        let Some((key, n)) = field(line) else {
            continue;
        };
        let value = match sums.get(key) {
            Some(&sum) => sum,
            None if host_pss > 0 => {
                let share = u128::from(n) * u128::from(guest_pss) / u128::from(host_pss);
                (share as u64).min(n) / 4 * 4
            }
            None => 0,
        };
        out.push_str(&with_kb(line, value));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_the_guest_in_the_host_order() {
        let host = "\
00400000-7fff00000000 ---p 00000000 00:00 0                          [rollup]
Rss:                1668 kB
Pss:                 400 kB
Pss_Anon:            100 kB
Anonymous:           116 kB
";
        let smaps = "\
00400000-00402000 r-xp 00000000 08:02 1 /p
Size:                  8 kB
Rss:                   8 kB
Pss:                   8 kB
Anonymous:             0 kB
7f0000000000-7f0000004000 rw-p 00000000 00:00 0 
Size:                 16 kB
Rss:                  12 kB
Pss:                  12 kB
Anonymous:            12 kB
";
        assert_eq!(
            render_rollup(host, smaps),
            "\
00400000-7f0000004000 ---p 00000000 00:00 0                              [rollup]
Rss:                  20 kB
Pss:                  20 kB
Pss_Anon:              4 kB
Anonymous:            12 kB
"
        );
        assert_eq!(render_rollup(host, ""), "");
    }
}
