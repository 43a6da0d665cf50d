//! Reading and validating the headers of an AArch64 ELF file: everything the
//! loader needs, checked against the file before anything is mapped.
//! Arithmetic on header values is checked: a malformed file yields
//! [`Problem::Malformed`], never a panic.

use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use goblin::container::Endian;
use goblin::elf::header::{
    EI_CLASS, EI_DATA, ELFCLASS64, ELFDATA2LSB, ELFMAG, EM_AARCH64, ET_DYN, ET_EXEC, SELFMAG,
    SIZEOF_IDENT,
};
use goblin::elf::program_header::{PF_R, PF_W, PF_X, PT_INTERP, PT_LOAD, PT_PHDR};
use goblin::elf64::header::{Header, SIZEOF_EHDR};
use goblin::elf64::program_header::{ProgramHeader, SIZEOF_PHDR};

use super::elf_error::Problem;

/// Guest page size (AT_PAGESZ); equal to the host page size here.
pub const PAGE_SIZE: u64 = 4096;
/// Largest program header table accepted, in bytes (the kernel's limit).
const MAX_PHDR_TABLE: u64 = 65536;
/// Longest PT_INTERP path accepted, terminator included (PATH_MAX).
const MAX_INTERP_LEN: u64 = 4096;
/// Segment alignments above this are not honoured when choosing a base.
const MAX_HONOURED_ALIGN: u64 = 1 << 30;

/// One PT_LOAD segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub vaddr: u64,
    pub memsz: u64,
    pub offset: u64,
    pub filesz: u64,
    /// PF_R / PF_W / PF_X bits.
    pub flags: u32,
    pub align: u64,
}

impl Segment {
    pub fn readable(&self) -> bool {
        self.flags & PF_R != 0
    }
    pub fn writable(&self) -> bool {
        self.flags & PF_W != 0
    }
    pub fn executable(&self) -> bool {
        self.flags & PF_X != 0
    }
    /// End of the segment in memory (validated not to overflow).
    pub fn end(&self) -> u64 {
        self.vaddr + self.memsz
    }
}

/// The validated headers of one ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfImage {
    /// ET_EXEC or ET_DYN.
    pub etype: u16,
    pub entry: u64,
    pub phoff: u64,
    pub phnum: u16,
    /// PT_LOAD segments, in file order.
    pub loads: Vec<Segment>,
    /// The PT_INTERP path, if any.
    pub interp: Option<PathBuf>,
    /// Virtual address (unbiased) of the program headers in memory, if mapped.
    pub phdr_vaddr: Option<u64>,
}

impl ElfImage {
    /// Lowest page-aligned address of any segment (unbiased).
    pub fn low(&self) -> u64 {
        self.loads
            .iter()
            .map(|s| page_down(s.vaddr))
            .min()
            .unwrap_or(0)
    }

    /// Page-aligned end of the highest segment (unbiased).
    pub fn high(&self) -> u64 {
        self.loads
            .iter()
            .map(|s| page_up(s.end()).unwrap_or(u64::MAX))
            .max()
            .unwrap_or(0)
    }

    /// The largest power-of-two p_align, at least the page size.
    pub fn max_align(&self) -> u64 {
        self.loads
            .iter()
            .map(|s| s.align)
            .filter(|a| a.is_power_of_two() && *a <= MAX_HONOURED_ALIGN)
            .fold(PAGE_SIZE, u64::max)
    }
}

pub fn page_down(v: u64) -> u64 {
    v & !(PAGE_SIZE - 1)
}

/// Rounds up to a page boundary; `None` on overflow.
pub fn page_up(v: u64) -> Option<u64> {
    v.checked_next_multiple_of(PAGE_SIZE)
}

fn malformed(why: impl Into<String>) -> Problem {
    Problem::Malformed(why.into())
}

/// Something that can be read at an offset: a file, or bytes in tests.
pub trait Source {
    fn size(&self) -> u64;
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), Problem>;
}

impl Source for (File, u64) {
    fn size(&self) -> u64 {
        self.1
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), Problem> {
        self.0
            .read_exact_at(buf, offset)
            .map_err(|e| Problem::from_io(&e))
    }
}

impl Source for [u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), Problem> {
        let start = usize::try_from(offset).map_err(|_| malformed("read past the end"))?;
        let end = start
            .checked_add(buf.len())
            .filter(|&e| e <= self.len())
            .ok_or_else(|| malformed("file is truncated"))?;
        buf.copy_from_slice(&self[start..end]);
        Ok(())
    }
}

/// Reads `len` bytes at `offset`, which the caller has bounds-checked.
fn read_vec(src: &(impl Source + ?Sized), offset: u64, len: u64) -> Result<Vec<u8>, Problem> {
    let len = usize::try_from(len).map_err(|_| malformed("size too large"))?;
    let mut buf = vec![0u8; len];
    src.read_at(&mut buf, offset)?;
    Ok(buf)
}

/// Checks `offset + len <= file size`, naming `what` on failure.
fn within_file(
    src: &(impl Source + ?Sized),
    offset: u64,
    len: u64,
    what: &str,
) -> Result<(), Problem> {
    match offset.checked_add(len) {
        Some(end) if end <= src.size() => Ok(()),
        _ => Err(malformed(format!(
            "{what} (offset {offset:#x}, size {len:#x}) extends past the end of the file ({:#x} bytes)",
            src.size()
        ))),
    }
}

/// Reads and validates the ELF and program headers of `src`.
pub fn parse(src: &(impl Source + ?Sized)) -> Result<ElfImage, Problem> {
    let size = src.size();
    let mut ident = [0u8; SELFMAG];
    if size < SELFMAG as u64 {
        return Err(Problem::NotElf);
    }
    src.read_at(&mut ident, 0)?;
    if ident != *ELFMAG {
        return Err(Problem::NotElf);
    }
    // Class and byte order come first: a 32-bit header is shorter.
    if size < SIZEOF_IDENT as u64 {
        return Err(malformed("truncated ELF header"));
    }
    let e_ident = read_vec(src, 0, SIZEOF_IDENT as u64)?;
    if e_ident[EI_CLASS] != ELFCLASS64 {
        return Err(Problem::WrongClass(e_ident[EI_CLASS]));
    }
    if e_ident[EI_DATA] != ELFDATA2LSB {
        return Err(Problem::WrongEndian(e_ident[EI_DATA]));
    }
    if size < SIZEOF_EHDR as u64 {
        return Err(malformed("truncated ELF header"));
    }
    let raw = read_vec(src, 0, SIZEOF_EHDR as u64)?;
    let header = Header::parse(&raw).map_err(|e| malformed(e.to_string()))?;
    if header.e_machine != EM_AARCH64 {
        return Err(Problem::WrongArch(header.e_machine));
    }
    if header.e_type != ET_EXEC && header.e_type != ET_DYN {
        return Err(Problem::WrongType(header.e_type));
    }
    if usize::from(header.e_phentsize) != SIZEOF_PHDR {
        return Err(malformed(format!(
            "program header size {} (expected {SIZEOF_PHDR})",
            header.e_phentsize
        )));
    }
    if header.e_phnum == 0 {
        return Err(malformed("no program headers"));
    }
    let table_len = u64::from(header.e_phnum) * SIZEOF_PHDR as u64;
    if table_len > MAX_PHDR_TABLE {
        return Err(malformed(format!(
            "too many program headers ({})",
            header.e_phnum
        )));
    }
    within_file(src, header.e_phoff, table_len, "program header table")?;
    let table = read_vec(src, header.e_phoff, table_len)?;
    let phdrs = ProgramHeader::parse(&table, 0, usize::from(header.e_phnum), Endian::Little)
        .map_err(|e| malformed(e.to_string()))?;

    let mut loads = Vec::new();
    let mut interp = None;
    let mut phdr_vaddr = None;
    for (i, ph) in phdrs.iter().enumerate() {
        match ph.p_type {
            PT_LOAD => loads.push(check_load(src, i, ph)?),
            PT_INTERP => {
                if interp.is_some() {
                    return Err(malformed("more than one PT_INTERP"));
                }
                interp = Some(read_interp(src, ph)?);
            }
            PT_PHDR => phdr_vaddr = Some(ph.p_vaddr),
            _ => {}
        }
    }
    if loads.is_empty() {
        return Err(malformed("no loadable segment (PT_LOAD)"));
    }
    check_overlap(&loads)?;
    if !loads
        .iter()
        .any(|s| s.vaddr <= header.e_entry && header.e_entry < s.end())
    {
        return Err(malformed(format!(
            "entry point {:#x} is outside every loadable segment",
            header.e_entry
        )));
    }
    // Without PT_PHDR, the headers are in memory if a PT_LOAD maps them.
    let phdr_vaddr = phdr_vaddr.or_else(|| {
        loads.iter().find_map(|s| {
            let inside =
                s.offset <= header.e_phoff && header.e_phoff + table_len <= s.offset + s.filesz;
            inside.then(|| s.vaddr + (header.e_phoff - s.offset))
        })
    });
    Ok(ElfImage {
        etype: header.e_type,
        entry: header.e_entry,
        phoff: header.e_phoff,
        phnum: header.e_phnum,
        loads,
        interp,
        phdr_vaddr,
    })
}

/// Validates one PT_LOAD against the file and the address space.
fn check_load(
    src: &(impl Source + ?Sized),
    index: usize,
    ph: &ProgramHeader,
) -> Result<Segment, Problem> {
    let what = format!("segment {index}");
    if ph.p_filesz > ph.p_memsz {
        return Err(malformed(format!(
            "{what}: file size {:#x} exceeds memory size {:#x}",
            ph.p_filesz, ph.p_memsz
        )));
    }
    within_file(src, ph.p_offset, ph.p_filesz, &what)?;
    let end = ph
        .p_vaddr
        .checked_add(ph.p_memsz)
        .and_then(page_up)
        .ok_or_else(|| malformed(format!("{what}: address range overflows")))?;
    // The mapping is by pages: address and file offset must share the
    // offset within a page.
    if ph.p_vaddr % PAGE_SIZE != ph.p_offset % PAGE_SIZE {
        return Err(malformed(format!(
            "{what}: address {:#x} and file offset {:#x} differ modulo the page size",
            ph.p_vaddr, ph.p_offset
        )));
    }
    if ph.p_align > 1 && !ph.p_align.is_power_of_two() {
        return Err(malformed(format!(
            "{what}: alignment {:#x} is not a power of two",
            ph.p_align
        )));
    }
    debug_assert!(end >= ph.p_vaddr);
    Ok(Segment {
        vaddr: ph.p_vaddr,
        memsz: ph.p_memsz,
        offset: ph.p_offset,
        filesz: ph.p_filesz,
        flags: ph.p_flags,
        align: ph.p_align,
    })
}

/// Two PT_LOADs may share a boundary page but must not overlap in bytes.
fn check_overlap(loads: &[Segment]) -> Result<(), Problem> {
    let mut sorted: Vec<&Segment> = loads.iter().filter(|s| s.memsz > 0).collect();
    sorted.sort_by_key(|s| s.vaddr);
    for pair in sorted.windows(2) {
        if pair[0].end() > pair[1].vaddr {
            return Err(malformed(format!(
                "loadable segments at {:#x} and {:#x} overlap",
                pair[0].vaddr, pair[1].vaddr
            )));
        }
    }
    Ok(())
}

/// Reads the NUL-terminated interpreter path of a PT_INTERP header.
fn read_interp(src: &(impl Source + ?Sized), ph: &ProgramHeader) -> Result<PathBuf, Problem> {
    if ph.p_filesz < 2 || ph.p_filesz > MAX_INTERP_LEN {
        return Err(malformed(format!(
            "interpreter path length {} is out of range",
            ph.p_filesz
        )));
    }
    within_file(src, ph.p_offset, ph.p_filesz, "interpreter path")?;
    let mut bytes = read_vec(src, ph.p_offset, ph.p_filesz)?;
    if bytes.pop() != Some(0) || bytes.contains(&0) {
        return Err(malformed("interpreter path is not a NUL-terminated string"));
    }
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(&bytes)))
}

/// Opens `path` and validates its headers.
pub fn open(path: &Path) -> Result<(File, ElfImage), Problem> {
    let file = File::open(path).map_err(|e| Problem::from_io(&e))?;
    parse_file(file)
}

/// Like [`open`], for a descriptor the caller hands over (binfmt_misc's
/// AT_EXECFD); it is closed with the returned file.
pub fn open_fd(fd: i32) -> Result<(File, ElfImage), Problem> {
    use std::os::fd::FromRawFd;
    // SAFETY: the kernel opened `fd` for this process to read the program from;
    // nothing else owns it.
    parse_file(unsafe { File::from_raw_fd(fd) })
}

fn parse_file(file: File) -> Result<(File, ElfImage), Problem> {
    let meta = file.metadata().map_err(|e| Problem::from_io(&e))?;
    if meta.is_dir() {
        return Err(Problem::IsDirectory);
    }
    if !meta.is_file() {
        return Err(Problem::NotRegularFile);
    }
    let src = (file, meta.len());
    let image = parse(&src)?;
    Ok((src.0, image))
}

#[cfg(test)]
#[path = "../../tests/support/mini_elf.rs"]
mod mini_elf;

#[cfg(test)]
mod tests {
    use super::mini_elf::{
        ehdr, find_phdr, get64, phdr, phdr_at, put16, put32, put64, MiniElf, PT_INTERP, PT_LOAD,
    };
    use super::*;

    fn parse_bytes(b: &[u8]) -> Result<ElfImage, Problem> {
        parse(b)
    }

    fn is_malformed(r: Result<ElfImage, Problem>, needle: &str) {
        match r {
            Err(Problem::Malformed(why)) => assert!(why.contains(needle), "{why}"),
            other => panic!("expected malformed ({needle}), got {other:?}"),
        }
    }

    #[test]
    fn valid_exec_parses() {
        let elf = MiniElf::exec(&[0; 8]).with_data(b"abc", 100);
        let img = parse_bytes(&elf.build()).unwrap();
        assert_eq!(img.etype, ET_EXEC);
        assert_eq!(img.entry, elf.entry());
        assert_eq!(img.loads.len(), 2);
        assert_eq!(img.loads[1].filesz, 3);
        assert_eq!(img.loads[1].memsz, 103);
        assert!(img.loads[1].writable() && !img.loads[1].executable());
        assert_eq!(img.phdr_vaddr, Some(0x40_0000 + 64));
        assert_eq!(img.low(), 0x40_0000);
        assert_eq!(img.high(), page_up(0x50_0123 + 103).unwrap());
        assert_eq!(img.interp, None);
    }

    #[test]
    fn interp_path_is_read() {
        let elf = MiniElf::pie(&[0; 8]).with_interp("/lib/ld-linux-aarch64.so.1");
        let img = parse_bytes(&elf.build()).unwrap();
        assert_eq!(
            img.interp,
            Some(PathBuf::from("/lib/ld-linux-aarch64.so.1"))
        );
        assert_eq!(img.etype, ET_DYN);
    }

    #[test]
    fn phdr_address_found_without_pt_phdr() {
        let mut elf = MiniElf::exec(&[0; 8]);
        elf.with_phdr = false;
        let img = parse_bytes(&elf.build()).unwrap();
        assert_eq!(img.phdr_vaddr, Some(0x40_0000 + 64));
    }

    #[test]
    fn header_identity_is_checked() {
        let good = MiniElf::exec(&[0; 8]).build();
        assert_eq!(parse_bytes(b"#!/bin/sh\n"), Err(Problem::NotElf));
        assert_eq!(parse_bytes(b"\x7fEL"), Err(Problem::NotElf));
        let mut b = good.clone();
        b[ehdr::CLASS] = 1;
        assert_eq!(parse_bytes(&b), Err(Problem::WrongClass(1)));
        let mut b = good.clone();
        b[ehdr::DATA] = 2;
        assert_eq!(parse_bytes(&b), Err(Problem::WrongEndian(2)));
        let mut b = good.clone();
        put16(&mut b, ehdr::MACHINE, 62);
        assert_eq!(parse_bytes(&b), Err(Problem::WrongArch(62)));
        let mut b = good.clone();
        put16(&mut b, ehdr::TYPE, 1);
        assert_eq!(parse_bytes(&b), Err(Problem::WrongType(1)));
        is_malformed(parse_bytes(&good[..40]), "truncated ELF header");
        is_malformed(parse_bytes(&good[..10]), "truncated ELF header");
        // A 32-bit header (52 bytes) is recognised as such.
        let mut b = good[..52].to_vec();
        b[ehdr::CLASS] = 1;
        assert_eq!(parse_bytes(&b), Err(Problem::WrongClass(1)));
    }

    #[test]
    fn program_header_table_is_checked() {
        let good = MiniElf::exec(&[0; 8]).build();
        let mut b = good.clone();
        put16(&mut b, ehdr::PHENTSIZE, 32);
        is_malformed(parse_bytes(&b), "program header size");
        let mut b = good.clone();
        put64(&mut b, ehdr::PHOFF, 1 << 40);
        is_malformed(parse_bytes(&b), "program header table");
        let mut b = good.clone();
        put64(&mut b, ehdr::PHOFF, u64::MAX - 8);
        is_malformed(parse_bytes(&b), "program header table");
        let mut b = good.clone();
        put16(&mut b, ehdr::PHNUM, 0);
        is_malformed(parse_bytes(&b), "no program headers");
        is_malformed(parse_bytes(&good[..100]), "program header table");
    }

    #[test]
    fn segments_are_checked() {
        let good = MiniElf::exec(&[0; 512]).with_data(b"abc", 10).build();
        let load = phdr_at(find_phdr(&good, PT_LOAD).unwrap() + 1);
        let mut b = good.clone();
        put64(&mut b, load + phdr::FILESZ, 1 << 20);
        put64(&mut b, load + phdr::MEMSZ, 1 << 20);
        is_malformed(parse_bytes(&b), "past the end of the file");
        let mut b = good.clone();
        put64(&mut b, load + phdr::OFFSET, u64::MAX);
        is_malformed(parse_bytes(&b), "past the end of the file");
        let mut b = good.clone();
        put64(&mut b, load + phdr::MEMSZ, 1);
        is_malformed(parse_bytes(&b), "exceeds memory size");
        let mut b = good.clone();
        put64(&mut b, load + phdr::MEMSZ, u64::MAX);
        is_malformed(parse_bytes(&b), "overflows");
        let mut b = good.clone();
        put64(&mut b, load + phdr::VADDR, 0x50_0124);
        is_malformed(parse_bytes(&b), "modulo the page size");
        let mut b = good.clone();
        put64(&mut b, load + phdr::ALIGN, 0x3000);
        is_malformed(parse_bytes(&b), "power of two");
        let mut b = good.clone();
        put64(&mut b, load + phdr::VADDR, 0x40_0000 + 0x123);
        is_malformed(parse_bytes(&b), "overlap");
    }

    #[test]
    fn entry_and_loads_are_required() {
        let good = MiniElf::exec(&[0; 8]).build();
        let mut b = good.clone();
        put64(&mut b, ehdr::ENTRY, 0x1000_0000);
        is_malformed(parse_bytes(&b), "entry point");
        let mut b = good.clone();
        let load = phdr_at(find_phdr(&good, PT_LOAD).unwrap());
        put32(&mut b, load + phdr::TYPE, 0x6474_e551); // PT_GNU_STACK
        is_malformed(parse_bytes(&b), "no loadable segment");
    }

    #[test]
    fn interp_is_checked() {
        let good = MiniElf::pie(&[0; 8]).with_interp("/ld.so").build();
        let at = phdr_at(find_phdr(&good, PT_INTERP).unwrap());
        let mut b = good.clone();
        let off = get64(&b, at + phdr::OFFSET) as usize;
        b[off + 6] = b'x'; // overwrite the terminator
        is_malformed(parse_bytes(&b), "NUL-terminated");
        let mut b = good.clone();
        put64(&mut b, at + phdr::FILESZ, 1 << 20);
        is_malformed(parse_bytes(&b), "out of range");
        let mut b = good.clone();
        put64(&mut b, at + phdr::OFFSET, 1 << 30);
        is_malformed(parse_bytes(&b), "interpreter path");
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let good = MiniElf::exec(&[1; 64]).with_data(b"data", 5).build();
        for len in 0..good.len() {
            assert!(parse_bytes(&good[..len]).is_err(), "prefix {len} accepted");
        }
    }
}
