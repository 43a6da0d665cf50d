//! /proc/self/maps and /proc/self/smaps as the guest sees them: the host's files,
//! clipped to the guest's ranges ([`RangeSet`]), with the guest's initial stack and
//! brk heap labelled `[stack]` and `[heap]` as an arm64 kernel labels them. Host
//! mappings outside the guest's ranges (emu itself, its heap, stacks and code cache)
//! are dropped; permissions, offsets, devices, inodes and paths are the host's.

use crate::guest_maps::RangeSet;
use std::fmt::Write;

/// A named part of the guest's address space (`[stack]`, `[heap]`): anonymous host
/// mappings inside it carry the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub start: u64,
    pub end: u64,
    pub name: &'static str,
}

/// One mapping line: `start-end perms offset dev inode [name]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapLine<'a> {
    pub start: u64,
    pub end: u64,
    pub perms: &'a str,
    pub offset: u64,
    pub dev: &'a str,
    pub inode: u64,
    pub name: &'a str,
}

/// Width the kernel pads a named mapping's prefix to before it writes one space and
/// the name (show_map_vma: `25 + 6 * sizeof(void *) - 1`).
const NAME_PAD: usize = 25 + 6 * 8 - 1;

impl<'a> MapLine<'a> {
    /// Parses a maps line (or an smaps header line); `None` for anything else.
    pub fn parse(line: &'a str) -> Option<MapLine<'a>> {
        let mut rest = line;
        let mut field = || {
            let t = rest.trim_start_matches(' ');
            let end = t.find(' ').unwrap_or(t.len());
            rest = &t[end..];
            &t[..end]
        };
        let (range, perms, offset, dev, inode) = (field(), field(), field(), field(), field());
        let (s, e) = range.split_once('-')?;
        let line = MapLine {
            start: u64::from_str_radix(s, 16).ok()?,
            end: u64::from_str_radix(e, 16).ok()?,
            perms,
            offset: u64::from_str_radix(offset, 16).ok()?,
            dev,
            inode: inode.parse().ok()?,
            name: rest.trim_start_matches(' '),
        };
        (perms.len() == 4 && dev.contains(':') && line.start < line.end).then_some(line)
    }

    /// The part `[start, end)` of this mapping: a file mapping's offset moves with
    /// its start (an anonymous one shows 0, as the kernel does).
    fn piece(&self, start: u64, end: u64, name: &'a str) -> MapLine<'a> {
        let offset = if self.inode != 0 {
            self.offset + (start - self.start)
        } else {
            self.offset
        };
        MapLine {
            start,
            end,
            offset,
            name,
            ..self.clone()
        }
    }

    /// Appends the line in the kernel's format, newline included.
    pub fn write(&self, out: &mut String) {
        let from = out.len();
        let _ = write!(
            out,
            "{:08x}-{:08x} {} {:08x} {} {} ",
            self.start, self.end, self.perms, self.offset, self.dev, self.inode
        );
        if !self.name.is_empty() {
            let width = out.len() - from;
            out.extend(std::iter::repeat_n(' ', NAME_PAD.saturating_sub(width)));
            out.push(' ');
            out.push_str(self.name);
        }
        out.push('\n');
    }
}

/// The guest's parts of host mapping `m`: clipped to `guest`, and split where an
/// anonymous mapping crosses into or out of a label.
pub fn guest_pieces<'a>(m: &MapLine<'a>, guest: &RangeSet, labels: &[Label]) -> Vec<MapLine<'a>> {
    let mut out = Vec::new();
    for (s, e) in guest.clip(m.start, m.end) {
        if !m.name.is_empty() {
            out.push(m.piece(s, e, m.name));
            continue;
        }
        // Cut points: the piece's ends and every label edge inside it.
        let mut cuts = vec![s, e];
        for l in labels {
            cuts.extend([l.start, l.end].into_iter().filter(|&c| s < c && c < e));
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let name = labels
                .iter()
                .find(|l| l.start <= w[0] && w[1] <= l.end)
                .map_or("", |l| l.name);
            out.push(m.piece(w[0], w[1], name));
        }
    }
    out
}

/// /proc/self/maps for the guest, from the host's `host` text.
pub fn render_maps(host: &str, guest: &RangeSet, labels: &[Label]) -> String {
    let mut out = String::new();
    for m in host.lines().filter_map(MapLine::parse) {
        for p in guest_pieces(&m, guest, labels) {
            p.write(&mut out);
        }
    }
    out
}

/// smaps fields that are not amounts of this mapping's memory.
const UNSCALED: &[&str] = &["KernelPageSize", "MMUPageSize"];

/// `line` ("Key:   N kB") with the number replaced, right-aligned where the old one
/// ended.
pub(super) fn with_kb(line: &str, kb: u64) -> String {
    let colon = line.find(':').map_or(0, |c| c + 1);
    let width = line.len().saturating_sub(colon + " kB".len());
    format!("{}{:>width$} kB", &line[..colon], kb)
}

/// One smaps field line of a clipped piece: `Size` is the piece's; other amounts are
/// the host mapping's scaled by the piece's share of it, rounded down to whole pages
/// (the host reports them per mapping only); the rest pass through.
fn smaps_field(line: &str, host: &MapLine, piece: &MapLine) -> String {
    let whole = (host.start, host.end) == (piece.start, piece.end);
    let Some((key, rest)) = line.split_once(':') else {
        return line.to_string();
    };
    let Some(kb) = rest
        .strip_suffix(" kB")
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return line.to_string();
    };
    if key == "Size" {
        return with_kb(line, (piece.end - piece.start) / 1024);
    }
    if whole || UNSCALED.contains(&key) {
        return line.to_string();
    }
    let share =
        u128::from(kb) * u128::from(piece.end - piece.start) / u128::from(host.end - host.start);
    with_kb(line, (share as u64) / 4 * 4)
}

/// /proc/self/smaps for the guest: each guest piece of a host mapping, with the host
/// mapping's fields (see [`smaps_field`]).
pub fn render_smaps(host: &str, guest: &RangeSet, labels: &[Label]) -> String {
    let mut out = String::new();
    let mut lines = host.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(m) = MapLine::parse(line) else {
            continue;
        };
        let mut fields = Vec::new();
        while let Some(f) = lines.next_if(|l| MapLine::parse(l).is_none()) {
            fields.push(f);
        }
        for p in guest_pieces(&m, guest, labels) {
            p.write(&mut out);
            for f in &fields {
                out.push_str(&smaps_field(f, &m, &p));
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "\
00400000-00401000 r--p 00000000 08:02 1234                               /guest/prog
00401000-00403000 r-xp 00001000 08:02 1234                               /guest/prog
00403000-00404000 rw-p 00003000 08:02 1234                               /guest/prog
00404000-00408000 rw-p 00000000 00:00 0 
55550000-55560000 r-xp 00000000 08:02 99                                 /usr/bin/emu-user
55560000-55580000 rw-p 00000000 00:00 0                                  [heap]
7f0000000000-7f0000010000 rw-p 00000000 00:00 0 
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
";

    fn guest() -> RangeSet {
        let mut g = RangeSet::new();
        g.insert(0x40_0000, 0x40_8000);
        g.insert(0x7f00_0000_4000, 0x7f00_0000_8000);
        g.insert(0x7f00_0000_c000, 0x7f00_0001_0000);
        g
    }

    const HEAP: Label = Label {
        start: 0x40_6000,
        end: 0x40_8000,
        name: "[heap]",
    };
    const STACK: Label = Label {
        start: 0x7f00_0000_c000,
        end: 0x7f00_0001_0000,
        name: "[stack]",
    };

    #[test]
    fn parses_lines_with_and_without_names() {
        let l = MapLine::parse(HOST.lines().next().unwrap()).unwrap();
        assert_eq!(
            l,
            MapLine {
                start: 0x40_0000,
                end: 0x40_1000,
                perms: "r--p",
                offset: 0,
                dev: "08:02",
                inode: 1234,
                name: "/guest/prog"
            }
        );
        let anon = MapLine::parse("00404000-00408000 rw-p 00000000 00:00 0 ").unwrap();
        assert_eq!(anon.name, "");
        let spaced = MapLine::parse("1000-2000 r--p 00000000 08:02 7    /a b (deleted)").unwrap();
        assert_eq!(spaced.name, "/a b (deleted)");
        assert_eq!(MapLine::parse("Size:      4 kB"), None);
        assert_eq!(MapLine::parse("VmFlags: rd mr"), None);
    }

    #[test]
    fn writes_the_kernel_format() {
        // Two lines as a 6.x x86-64 kernel printed them, then the fixture's.
        let real = "55fb6b5f2000-55fb6b5f4000 r--p 00000000 fe:00 247030                     /usr/bin/cat\n\
                    7fff6c71b000-7fff6c73c000 rw-p 00000000 00:00 0                          [stack]\n\
                    7f42b3032000-7f42b3035000 rw-p 00000000 00:00 0 \n";
        for line in real.lines().chain(HOST.lines()) {
            let mut out = String::new();
            MapLine::parse(line).unwrap().write(&mut out);
            assert_eq!(out, format!("{line}\n"));
        }
    }

    #[test]
    fn maps_keep_guest_ranges_and_labels() {
        let out = render_maps(HOST, &guest(), &[HEAP, STACK]);
        assert_eq!(
            out,
            "\
00400000-00401000 r--p 00000000 08:02 1234                               /guest/prog
00401000-00403000 r-xp 00001000 08:02 1234                               /guest/prog
00403000-00404000 rw-p 00003000 08:02 1234                               /guest/prog
00404000-00406000 rw-p 00000000 00:00 0 
00406000-00408000 rw-p 00000000 00:00 0                                  [heap]
7f0000004000-7f0000008000 rw-p 00000000 00:00 0 
7f000000c000-7f0000010000 rw-p 00000000 00:00 0                          [stack]
"
        );
    }

    #[test]
    fn clipped_file_mappings_move_their_offset() {
        let mut g = RangeSet::new();
        g.insert(0x40_2000, 0x40_3000);
        let out = render_maps(HOST, &g, &[]);
        assert_eq!(
            out,
            "00402000-00403000 r-xp 00002000 08:02 1234                               /guest/prog\n"
        );
    }

    const SMAPS: &str = "\
00401000-00403000 r-xp 00001000 08:02 1234                               /guest/prog
Size:                  8 kB
KernelPageSize:        4 kB
Rss:                   8 kB
THPeligible:           0
VmFlags: rd ex mr mw me 
7f0000000000-7f0000010000 rw-p 00000000 00:00 0 
Size:                 64 kB
KernelPageSize:        4 kB
Rss:                  64 kB
Anonymous:            40 kB
VmFlags: rd wr mr mw me ac 
";

    #[test]
    fn smaps_recompute_size_for_clipped_pieces() {
        let out = render_smaps(SMAPS, &guest(), &[STACK]);
        // The first mapping is the guest's whole: unchanged.
        let whole = &SMAPS[..SMAPS.find("7f0000000000").unwrap()];
        let clipped = "\
7f0000004000-7f0000008000 rw-p 00000000 00:00 0 
Size:                 16 kB
KernelPageSize:        4 kB
Rss:                  16 kB
Anonymous:             8 kB
VmFlags: rd wr mr mw me ac 
";
        let stack = clipped
            .replace("7f0000004000-7f0000008000", "7f000000c000-7f0000010000")
            .replace("00:00 0 \n", "00:00 0                          [stack]\n");
        assert_eq!(out, format!("{whole}{clipped}{stack}"));
    }

    #[test]
    fn nothing_outside_the_guest() {
        assert_eq!(render_maps(HOST, &RangeSet::new(), &[STACK]), "");
        assert_eq!(render_smaps(SMAPS, &RangeSet::new(), &[]), "");
    }
}
