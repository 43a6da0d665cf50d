//! The perf map (`--perfmap`, `-d perfmap`, `EMU_PERFMAP=1`): one line
//! `<host start> <size> <name>` (hex) per translated block in
//! `/tmp/perf-<pid>.map`, the file `perf report` reads to name JIT code.
//! The name is the guest function the block starts in, `symbol+0xoffset`,
//! where the ELF file mapped there (the program, shared libraries, the
//! dynamic linker) has a symbol for it: the file is found in
//! `/proc/self/maps` the first time a block of that mapping is named, since
//! guest addresses are host addresses; else `guest:<pc>`. A forked child starts its own file. After the code cache
//! is emptied the same host addresses appear again with their new blocks.

use std::fs::File;
use std::io::Write;
use std::sync::Mutex;

/// Symbols of the files mapped where blocks were named, and the mappings
/// already looked at.
#[derive(Default)]
struct Mapped {
    syms: Vec<(u64, u64, String)>,
    seen: Vec<(u64, u64)>,
}

static MAPPED: Mutex<Option<Mapped>> = Mutex::new(None);

/// `symbol` or `symbol+0xoff` of `pc` in sorted `syms`.
fn lookup(syms: &[(u64, u64, String)], pc: u64) -> Option<String> {
    let i = syms.partition_point(|s| s.0 <= pc);
    match i.checked_sub(1).map(|i| &syms[i]) {
        Some((start, end, name)) if pc < *end && pc == *start => Some(name.clone()),
        Some((start, end, name)) if pc < *end => Some(format!("{name}+0x{:x}", pc - start)),
        _ => None,
    }
}

/// The mapping of this process holding `pc`: `(start, end, offset, path)`.
fn mapping_of(pc: u64) -> Option<(u64, u64, u64, String)> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        let (range, _perms, offset) = (f.next()?, f.next()?, f.next()?);
        let path = f.nth(2).unwrap_or_default();
        let (a, b) = range.split_once('-')?;
        let (a, b) = (
            u64::from_str_radix(a, 16).ok()?,
            u64::from_str_radix(b, 16).ok()?,
        );
        let offset = u64::from_str_radix(offset, 16).ok()?;
        (a <= pc && pc < b).then(|| (a, b, offset, path.to_owned()))
    })
}

/// The perf map name of the guest block at `pc`.
fn name_of(pc: u64) -> String {
    // Never wait: a fork while another thread held the lock would leave the
    // child's copy locked for good; a block named while another thread
    // reads the maps keeps its address name.
    let mut guard = match MAPPED.try_lock() {
        Ok(g) => g,
        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return format!("guest:{pc:x}"),
    };
    let m = guard.get_or_insert_with(Mapped::default);
    if !m.seen.iter().any(|&(a, b)| a <= pc && pc < b) {
        if let Some((a, b, offset, path)) = mapping_of(pc) {
            m.seen.push((a, b));
            if path.starts_with('/') {
                let new = super::elf_symbols::functions_of_mapping(path.as_ref(), a, offset);
                m.syms.extend(new);
                m.syms.sort();
                m.syms.dedup_by(|x, y| x.0 == y.0);
            }
        }
    }
    lookup(&m.syms, pc).unwrap_or_else(|| format!("guest:{pc:x}"))
}

/// The open map file of this process.
#[derive(Default)]
pub struct PerfMap {
    file: Option<(u32, File)>,
}

impl PerfMap {
    /// Records that host code `[host, host + size)` runs the guest block at `pc`.
    pub fn block(&mut self, host: u64, size: usize, pc: u64) {
        let pid = std::process::id();
        if self.file.as_ref().is_none_or(|(p, _)| *p != pid) {
            let path = format!("/tmp/perf-{pid}.map");
            let opened = File::options().create(true).append(true).open(path);
            // A map that cannot be written must never stop the guest.
            self.file = opened.ok().map(|f| (pid, f));
        }
        if let Some((_, f)) = self.file.as_mut() {
            // One write per line, so lines of concurrent writers stay whole.
            let _ = f.write_all(format!("{host:x} {size:x} {}\n", name_of(pc)).as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_follow_the_symbols() {
        let syms = vec![
            (0x1000, 0x1040, "first".to_owned()),
            (0x2000, 0x2100, "second".to_owned()),
        ];
        let name = |pc| super::lookup(&syms, pc).unwrap_or_else(|| format!("guest:{pc:x}"));
        assert_eq!(name(0x1000), "first");
        assert_eq!(name(0x1010), "first+0x10");
        assert_eq!(name(0x1040), "guest:1040");
        assert_eq!(name(0x20fc), "second+0xfc");
        assert_eq!(name(0xfff), "guest:fff");
        assert_eq!(name(0x3000), "guest:3000");
    }
}
