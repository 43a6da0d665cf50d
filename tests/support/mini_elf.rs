//! Builds small AArch64 ELF images byte by byte for loader tests (ELF-64
//! layout from the System V gABI: 64-byte file header, 56-byte program
//! headers). Shared by the loader's unit tests and tests/cli.rs.
#![allow(dead_code)]

/// File header field offsets (ELF-64).
pub mod ehdr {
    pub const CLASS: usize = 4;
    pub const DATA: usize = 5;
    pub const TYPE: usize = 16;
    pub const MACHINE: usize = 18;
    pub const ENTRY: usize = 24;
    pub const PHOFF: usize = 32;
    pub const PHENTSIZE: usize = 54;
    pub const PHNUM: usize = 56;
}

/// Program header field offsets (ELF-64), relative to the header.
pub mod phdr {
    pub const TYPE: usize = 0;
    pub const FLAGS: usize = 4;
    pub const OFFSET: usize = 8;
    pub const VADDR: usize = 16;
    pub const FILESZ: usize = 32;
    pub const MEMSZ: usize = 40;
    pub const ALIGN: usize = 48;
}

pub const EHDR_SIZE: usize = 64;
pub const PHDR_SIZE: usize = 56;
pub const ET_EXEC: u16 = 2;
pub const ET_DYN: u16 = 3;
pub const PT_LOAD: u32 = 1;
pub const PT_INTERP: u32 = 3;
pub const PT_PHDR: u32 = 6;
pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;
pub const PF_R: u32 = 4;
const PAGE: u64 = 4096;

/// One loadable segment: its bytes in the file and its size in memory.
#[derive(Clone)]
pub struct Seg {
    pub vaddr: u64,
    pub flags: u32,
    pub data: Vec<u8>,
    pub memsz: u64,
}

/// An ELF image under construction. The first segment also maps the ELF
/// and program headers (file offset 0), as linkers lay out executables.
#[derive(Clone)]
pub struct MiniElf {
    pub etype: u16,
    pub base: u64,
    /// Entry point as an offset into the first segment's data.
    pub entry_off: u64,
    /// Bytes of the first segment that follow the headers (code).
    pub code: Vec<u8>,
    pub extra: Vec<Seg>,
    pub interp: Option<Vec<u8>>,
    pub with_phdr: bool,
}

impl MiniElf {
    /// An executable at 0x400000 whose text segment holds `code`.
    pub fn exec(code: &[u8]) -> MiniElf {
        MiniElf {
            etype: ET_EXEC,
            base: 0x40_0000,
            entry_off: 0,
            code: code.to_vec(),
            extra: Vec::new(),
            interp: None,
            with_phdr: true,
        }
    }

    /// A position-independent executable (ET_DYN at vaddr 0).
    pub fn pie(code: &[u8]) -> MiniElf {
        MiniElf {
            etype: ET_DYN,
            base: 0,
            ..MiniElf::exec(code)
        }
    }

    /// Adds a read-write data segment `data` followed by `bss` zero bytes,
    /// on the page after the text.
    pub fn with_data(mut self, data: &[u8], bss: u64) -> MiniElf {
        let vaddr = self.base + 0x10_0000 + 0x123;
        self.extra.push(Seg {
            vaddr,
            flags: PF_R | PF_W,
            data: data.to_vec(),
            memsz: data.len() as u64 + bss,
        });
        self
    }

    pub fn with_interp(mut self, path: &str) -> MiniElf {
        let mut bytes = path.as_bytes().to_vec();
        bytes.push(0);
        self.interp = Some(bytes);
        self
    }

    fn phnum(&self) -> usize {
        1 + self.extra.len() + usize::from(self.interp.is_some()) + usize::from(self.with_phdr)
    }

    /// Where the code starts in the file (and in the first segment).
    pub fn code_offset(&self) -> u64 {
        let interp_len = self.interp.as_ref().map_or(0, Vec::len);
        ((EHDR_SIZE + self.phnum() * PHDR_SIZE + interp_len) as u64).next_multiple_of(16)
    }

    /// The entry point's virtual address (before any load bias).
    pub fn entry(&self) -> u64 {
        self.base + self.code_offset() + self.entry_off
    }

    pub fn build(&self) -> Vec<u8> {
        let phnum = self.phnum();
        let interp_off = EHDR_SIZE + phnum * PHDR_SIZE;
        let code_off = self.code_offset() as usize;
        let text_end = code_off + self.code.len();

        let mut out = vec![0u8; text_end];
        out[..4].copy_from_slice(b"\x7fELF");
        out[ehdr::CLASS] = 2; // ELFCLASS64
        out[ehdr::DATA] = 1; // ELFDATA2LSB
        out[6] = 1; // EV_CURRENT
        put16(&mut out, ehdr::TYPE, self.etype);
        put16(&mut out, ehdr::MACHINE, 183); // EM_AARCH64
        put32(&mut out, 20, 1);
        put64(&mut out, ehdr::ENTRY, self.entry());
        put64(&mut out, ehdr::PHOFF, EHDR_SIZE as u64);
        put16(&mut out, 52, EHDR_SIZE as u16);
        put16(&mut out, ehdr::PHENTSIZE, PHDR_SIZE as u16);
        put16(&mut out, ehdr::PHNUM, phnum as u16);
        out[code_off..text_end].copy_from_slice(&self.code);

        let mut headers = Vec::new();
        if self.with_phdr {
            let size = (phnum * PHDR_SIZE) as u64;
            headers.push((
                PT_PHDR,
                PF_R,
                EHDR_SIZE as u64,
                self.base + EHDR_SIZE as u64,
                size,
                size,
                8,
            ));
        }
        if let Some(interp) = &self.interp {
            out[interp_off..interp_off + interp.len()].copy_from_slice(interp);
            let len = interp.len() as u64;
            headers.push((
                PT_INTERP,
                PF_R,
                interp_off as u64,
                self.base + interp_off as u64,
                len,
                len,
                1,
            ));
        }
        let text = text_end as u64;
        headers.push((PT_LOAD, PF_R | PF_X, 0, self.base, text, text, PAGE));
        for seg in &self.extra {
            // File offset congruent to the address modulo the page size.
            let page_off = out.len().next_multiple_of(PAGE as usize);
            let off = page_off + (seg.vaddr % PAGE) as usize;
            out.resize(off, 0);
            out.extend_from_slice(&seg.data);
            let filesz = seg.data.len() as u64;
            headers.push((
                PT_LOAD, seg.flags, off as u64, seg.vaddr, filesz, seg.memsz, PAGE,
            ));
        }
        for (i, (ptype, flags, off, vaddr, filesz, memsz, align)) in headers.into_iter().enumerate()
        {
            let at = EHDR_SIZE + i * PHDR_SIZE;
            put32(&mut out, at + phdr::TYPE, ptype);
            put32(&mut out, at + phdr::FLAGS, flags);
            put64(&mut out, at + phdr::OFFSET, off);
            put64(&mut out, at + phdr::VADDR, vaddr);
            put64(&mut out, at + 24, vaddr);
            put64(&mut out, at + phdr::FILESZ, filesz);
            put64(&mut out, at + phdr::MEMSZ, memsz);
            put64(&mut out, at + phdr::ALIGN, align);
        }
        out
    }
}

/// Offset of program header `i` in a built image.
pub fn phdr_at(i: usize) -> usize {
    EHDR_SIZE + i * PHDR_SIZE
}

pub fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

pub fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

pub fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

pub fn get64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Index of the first program header of type `ptype` in a built image.
pub fn find_phdr(b: &[u8], ptype: u32) -> Option<usize> {
    let phnum = u16::from_le_bytes([b[ehdr::PHNUM], b[ehdr::PHNUM + 1]]) as usize;
    (0..phnum).find(|&i| {
        let at = phdr_at(i) + phdr::TYPE;
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) == ptype
    })
}
