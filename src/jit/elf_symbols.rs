//! Function symbols of guest ELF files at their run addresses, for the perf
//! map ([`super::perfmap`]): the symbol table and the dynamic symbol table,
//! read only when a perf map is wanted.

use std::path::Path;

/// The function symbols of the ELF file mapped at `[start, ...)` from file
/// offset `offset`: its load bias follows from the PT_LOAD segment that
/// holds that offset.
pub fn functions_of_mapping(path: &Path, start: u64, offset: u64) -> Vec<(u64, u64, String)> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let Ok(elf) = goblin::elf::Elf::parse(&bytes) else {
        return Vec::new();
    };
    let seg = elf.program_headers.iter().find(|p| {
        p.p_type == goblin::elf::program_header::PT_LOAD
            && p.p_offset <= offset
            && offset < p.p_offset + p.p_filesz.max(1)
    });
    match seg {
        Some(p) => {
            let link = p.p_vaddr + (offset - p.p_offset);
            symbols_of(&elf, start.wrapping_sub(link))
        }
        None => Vec::new(),
    }
}

/// `(start, end, name)` of every sized function symbol of `elf`, moved by
/// `bias` (run address minus link address).
fn symbols_of(elf: &goblin::elf::Elf, bias: u64) -> Vec<(u64, u64, String)> {
    let mut out = Vec::new();
    let tables = [(&elf.syms, &elf.strtab), (&elf.dynsyms, &elf.dynstrtab)];
    for (syms, names) in tables {
        for sym in syms.iter() {
            if !sym.is_function() || sym.st_value == 0 || sym.st_size == 0 {
                continue;
            }
            if let Some(name) = names.get_at(sym.st_name).filter(|n| !n.is_empty()) {
                let start = bias.wrapping_add(sym.st_value);
                out.push((start, start.wrapping_add(sym.st_size), name.to_owned()));
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}
