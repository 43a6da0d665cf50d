//! The perf map (`-d perfmap`, `EMU_PERFMAP=1`): one line
//! `<host start> <size> guest:<pc>` (hex) per translated block in
//! `/tmp/perf-<pid>.map`, the file `perf report` reads to name JIT code.
//! A forked child starts its own file. After the code cache is emptied the
//! same host addresses appear again with their new blocks.

use std::fs::File;
use std::io::Write;

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
            let _ = f.write_all(format!("{host:x} {size:x} guest:{pc:x}\n").as_bytes());
        }
    }
}
