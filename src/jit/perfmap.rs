//! The perf map (`--perfmap`, `-d perfmap`, `EMU_PERFMAP=1`): one line
//! `<host start> <size> <name>` (hex) per translated block in
//! `/tmp/perf-<pid>.map`, the file `perf report` reads to name JIT code.
//! The name is the guest function the block starts in, `symbol+0xoffset`,
//! where the program's ELF has a symbol for it ([`set_symbols`]), else
//! `guest:<pc>`. A forked child starts its own file. After the code cache
//! is emptied the same host addresses appear again with their new blocks.

use std::fs::File;
use std::io::Write;
use std::sync::OnceLock;

/// Guest functions by address: `(start, end, name)`, sorted by start.
static SYMBOLS: OnceLock<Vec<(u64, u64, String)>> = OnceLock::new();

/// Sets the guest functions perf map lines are named after (once per
/// process; later calls are ignored).
pub fn set_symbols(mut syms: Vec<(u64, u64, String)>) {
    syms.sort();
    let _ = SYMBOLS.set(syms);
}

/// The perf map name of the guest block at `pc`.
fn name_of(pc: u64) -> String {
    let syms = SYMBOLS.get().map(Vec::as_slice).unwrap_or_default();
    let i = syms.partition_point(|s| s.0 <= pc);
    match i.checked_sub(1).map(|i| &syms[i]) {
        Some((start, end, name)) if pc < *end && pc == *start => name.clone(),
        Some((start, end, name)) if pc < *end => format!("{name}+0x{:x}", pc - start),
        _ => format!("guest:{pc:x}"),
    }
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
        super::set_symbols(vec![
            (0x2000, 0x2100, "second".into()),
            (0x1000, 0x1040, "first".into()),
        ]);
        assert_eq!(super::name_of(0x1000), "first");
        assert_eq!(super::name_of(0x1010), "first+0x10");
        assert_eq!(super::name_of(0x1040), "guest:1040");
        assert_eq!(super::name_of(0x20fc), "second+0xfc");
        assert_eq!(super::name_of(0xfff), "guest:fff");
        assert_eq!(super::name_of(0x3000), "guest:3000");
    }
}
