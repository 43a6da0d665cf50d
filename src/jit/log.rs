//! Translation logging (`-d ITEMS`, `-D FILE`): guest instructions, IR and
//! generated host code of each new block, and block entries.

use crate::arm64::disasm;
use crate::backend::x64::disasm::host_disasm;
use crate::ir::Block;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// What to log; parsed from a comma-separated list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogItems {
    /// Guest instructions of each translated block.
    pub in_asm: bool,
    /// The IR of each translated block, as compiled (optimised at the
    /// full tier).
    pub ir: bool,
    /// The host code of each translated block.
    pub out_asm: bool,
    /// Every block entered from the dispatcher (use with `nochain`).
    pub exec: bool,
    /// Do not link blocks, so every block goes through the dispatcher.
    pub nochain: bool,
    /// Write `/tmp/perf-<pid>.map` for perf (see [`super::perfmap`]).
    pub perfmap: bool,
    /// Translate every block at the full tier at once (see
    /// [`crate::backend::x64::Tier`]).
    pub fulltier: bool,
    /// Compile every block before its first run (see
    /// [`super::first_run`]).
    pub nointerp: bool,
    /// Translate hot blocks again as basic blocks, not as superblocks with
    /// side exits (see [`crate::ir::Op::ExitIf`]).
    pub nosuper: bool,
}

/// The items and what each does, for `-d help`.
pub const ITEMS: &[(&str, &str)] = &[
    ("in_asm", "guest instructions of each translated block"),
    ("ir", "the IR of each translated block"),
    ("out_asm", "the x86-64 code of each translated block"),
    ("exec", "each block entered from the dispatcher"),
    (
        "nochain",
        "do not link blocks (every block goes through the dispatcher)",
    ),
    (
        "perfmap",
        "write /tmp/perf-<pid>.map so perf report names translated blocks",
    ),
    (
        "fulltier",
        "translate every block at the full tier at once (no quick first translation)",
    ),
    (
        "nointerp",
        "compile every block before its first run (no interpreted first run)",
    ),
    (
        "nosuper",
        "translate hot blocks as basic blocks (no superblocks with side exits)",
    ),
];

impl LogItems {
    /// Parses `in_asm,out_asm,...`.
    pub fn parse(list: &str) -> Result<LogItems, String> {
        let mut items = LogItems::default();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "in_asm" => items.in_asm = true,
                "ir" | "op" => items.ir = true,
                "out_asm" => items.out_asm = true,
                "exec" => items.exec = true,
                "nochain" => items.nochain = true,
                "perfmap" => items.perfmap = true,
                "fulltier" => items.fulltier = true,
                "nointerp" => items.nointerp = true,
                "nosuper" => items.nosuper = true,
                _ => {
                    let known: Vec<&str> = ITEMS.iter().map(|(n, _)| *n).collect();
                    return Err(format!(
                        "unknown log item {item:?} (items: {})",
                        known.join(", ")
                    ));
                }
            }
        }
        Ok(items)
    }

    /// Whether any block-translation output is wanted.
    pub fn any_translation(&self) -> bool {
        self.in_asm || self.ir || self.out_asm
    }

    /// Whether blocks must be compiled before their first run: to log
    /// them or every entry, to name every block the guest runs in the
    /// perf map, or as asked.
    pub fn compile_first(&self) -> bool {
        self.any_translation() || self.exec || self.perfmap || self.fulltier || self.nointerp
    }
}

/// Where log lines go.
pub struct Log {
    pub items: LogItems,
    out: Box<dyn Write + Send>,
    perf_map: super::perfmap::PerfMap,
}

impl Log {
    /// Logs to `file`, or to stderr when `None`.
    pub fn new(items: LogItems, file: Option<&Path>) -> std::io::Result<Log> {
        let out: Box<dyn Write + Send> = match file {
            // Unbuffered: the process may end by _exit or a signal at any point.
            // Appending: the --strace trace may share the file (run() empties it).
            Some(p) => Box::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            ),
            None => Box::new(std::io::stderr()),
        };
        Ok(Log {
            items,
            out,
            perf_map: Default::default(),
        })
    }

    fn emit(&mut self, text: &str) {
        // Logging must never stop the guest: write errors are ignored.
        let _ = self.out.write_all(text.as_bytes());
    }

    /// Logs a freshly translated block (`quick`: at the quick tier, whose
    /// header lines say so).
    pub fn block(&mut self, block: &Block, words: &[u32], host: u64, code: &[u8], quick: bool) {
        let tier = if quick { " (quick tier)" } else { "" };
        let mut s = String::new();
        if self.items.in_asm {
            let _ = writeln!(s, "IN: 0x{:x}{tier}", block.start_pc);
            for (i, w) in words.iter().enumerate() {
                let pc = block.start_pc + 4 * i as u64;
                let _ = writeln!(s, "0x{pc:016x}:  {w:08x}  {}", disasm::name(*w));
            }
            s.push('\n');
        }
        if self.items.ir {
            let _ = writeln!(s, "IR: 0x{:x}{tier}", block.start_pc);
            for op in &block.ops {
                let _ = writeln!(s, "  {op:?}");
            }
            let _ = writeln!(s, "  {:?}\n", block.term);
        }
        if self.items.out_asm {
            let _ = writeln!(s, "OUT: [size={}] 0x{:x}{tier}", code.len(), block.start_pc);
            s.push_str(&host_disasm(code, host));
            s.push('\n');
        }
        self.emit(&s);
        let _ = self.out.flush();
    }

    /// Adds a translated block to the perf map, when it is wanted.
    pub fn perf_map(&mut self, host: u64, size: usize, pc: u64) {
        if self.items.perfmap {
            self.perf_map.block(host, size, pc);
        }
    }

    /// Logs a block entry from the dispatcher.
    pub fn exec(&mut self, pc: u64, host: u64) {
        self.emit(&format!("Trace: 0x{host:x} [0x{pc:x}]\n"));
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_items() {
        let i = LogItems::parse("in_asm,out_asm").unwrap();
        assert!(i.in_asm && i.out_asm && !i.ir && !i.exec);
        assert!(LogItems::parse("bogus").is_err());
        assert_eq!(LogItems::parse("").unwrap(), LogItems::default());
    }
}
