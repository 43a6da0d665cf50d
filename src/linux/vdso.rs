//! The guest's vDSO: a small arm64 shared object mapped into every guest, named
//! by AT_SYSINFO_EHDR, as the arm64 kernel maps its own (arch/arm64/kernel/vdso/).
//!
//! It exports what the kernel's does, under the version `LINUX_2.6.39`:
//! `__kernel_clock_gettime`, `__kernel_gettimeofday`, `__kernel_clock_getres` and
//! `__kernel_rt_sigreturn`, the return trampoline of handlers installed without
//! SA_RESTORER. The three clock functions hold a syscall instruction and a return,
//! but are never translated from it: each is a JIT routine ([`routines`]) whose block
//! calls the syscall layer's clock function directly (it reads the host clock
//! through the host's own vDSO), so a guest clock read never leaves translated code,
//! as the kernel's vDSO never enters the kernel. The image is built here, byte by
//! byte, with just what dynamic linkers read: the ELF header, PT_LOAD and
//! PT_DYNAMIC, a SysV hash table, the dynamic symbols and strings, and the version
//! tables (glibc and Go's runtime look the symbols up by name and version).

use crate::cpu::CpuState;
use crate::ir::HelperFn;

/// Size of the mapping (one page).
pub const LEN: usize = 4096;

/// The exported functions: name, syscall number (asm-generic), returns.
const FUNCS: [(&str, u32, bool); 4] = [
    ("__kernel_rt_sigreturn", 139, false),
    ("__kernel_gettimeofday", 169, true),
    ("__kernel_clock_gettime", 113, true),
    ("__kernel_clock_getres", 114, true),
];
const VERSION: &str = "LINUX_2.6.39";
const SONAME: &str = "linux-vdso.so.1";

const EHDR: usize = 64;
const PHDR: usize = 56;
const SYM: usize = 24;
const NOP: u32 = 0xd503_201f;
const SVC0: u32 = 0xd400_0001;
const RET: u32 = 0xd65f_03c0;

/// `movz x8, #nr`.
fn mov_x8(nr: u32) -> u32 {
    0xd280_0008 | (nr << 5)
}

/// The SysV ELF hash of a name (DT_HASH buckets, Verdef vd_hash).
fn elf_hash(name: &str) -> u32 {
    let mut h: u32 = 0;
    for &c in name.as_bytes() {
        h = (h << 4).wrapping_add(u32::from(c));
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
        }
        h &= !g;
    }
    h
}

/// A little-endian byte buffer with alignment.
struct Image(Vec<u8>);

impl Image {
    fn align(&mut self, n: usize) -> usize {
        while !self.0.len().is_multiple_of(n) {
            self.0.push(0);
        }
        self.0.len()
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn put_u64(&mut self, at: usize, v: u64) {
        self.0[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
}

/// The image and the offset of each of [`FUNCS`] in it.
pub fn build() -> (Vec<u8>, [u64; 4]) {
    // String table: "\0", the function names, the version, the soname.
    let mut strtab = vec![0u8];
    let mut name_off = Vec::new();
    for (name, _, _) in FUNCS {
        name_off.push(strtab.len() as u32);
        strtab.extend_from_slice(name.as_bytes());
        strtab.push(0);
    }
    let version_off = strtab.len() as u32;
    strtab.extend_from_slice(VERSION.as_bytes());
    strtab.push(0);
    let soname_off = strtab.len() as u32;
    strtab.extend_from_slice(SONAME.as_bytes());
    strtab.push(0);
    let nsyms = FUNCS.len() + 1;

    let mut img = Image(vec![0; EHDR + 2 * PHDR]);
    // .hash: one bucket chaining every symbol.
    let hash = img.align(8);
    img.u32(1);
    img.u32(nsyms as u32);
    img.u32(1);
    for i in 0..nsyms {
        img.u32(if i == 0 || i + 1 == nsyms {
            0
        } else {
            i as u32 + 1
        });
    }
    // .dynsym (values patched once the text is placed).
    let dynsym = img.align(8);
    img.0.resize(dynsym + nsyms * SYM, 0);
    // .dynstr
    let dynstr = img.0.len();
    img.0.extend_from_slice(&strtab);
    // .gnu.version: index 1 (the base) for the null symbol, 2 (LINUX_2.6.39) after.
    let versym = img.align(2);
    img.u16(0);
    for _ in &FUNCS {
        img.u16(2);
    }
    // .gnu.version_d: the base version (the soname) and LINUX_2.6.39.
    let verdef = img.align(4);
    for (ndx, flags, name, off, last) in [
        (1u16, 1u16, SONAME, soname_off, false),
        (2, 0, VERSION, version_off, true),
    ] {
        img.u16(1); // vd_version
        img.u16(flags); // VER_FLG_BASE for the soname
        img.u16(ndx);
        img.u16(1); // vd_cnt
        img.u32(elf_hash(name));
        img.u32(20); // vd_aux: right after this Verdef
        img.u32(if last { 0 } else { 28 }); // vd_next
        img.u32(off); // vda_name
        img.u32(0); // vda_next
    }
    // .dynamic
    let dynamic = img.align(8);
    let dyns: [(u64, u64); 10] = [
        (4, hash as u64),             // DT_HASH
        (5, dynstr as u64),           // DT_STRTAB
        (6, dynsym as u64),           // DT_SYMTAB
        (10, strtab.len() as u64),    // DT_STRSZ
        (11, SYM as u64),             // DT_SYMENT
        (14, u64::from(soname_off)),  // DT_SONAME
        (0x6fff_fff0, versym as u64), // DT_VERSYM
        (0x6fff_fffc, verdef as u64), // DT_VERDEF
        (0x6fff_fffd, 2),             // DT_VERDEFNUM
        (0, 0),                       // DT_NULL
    ];
    for (tag, val) in dyns {
        img.u64(tag);
        img.u64(val);
    }
    let dynamic_len = img.0.len() - dynamic;
    // .text: a NOP before the sigreturn trampoline, as the kernel's has for
    // unwinders, then each function.
    img.align(16);
    img.u32(NOP);
    let mut addrs = Vec::new();
    for (_, nr, ret) in FUNCS {
        let at = img.0.len() as u64;
        addrs.push(at);
        img.u32(mov_x8(nr));
        img.u32(SVC0);
        img.u32(if ret { RET } else { NOP });
    }
    let size = img.0.len();
    assert!(size <= LEN);
    // Symbols: global functions in a section of their own (index 1 stands for
    // .text: non-zero so lookups see them defined).
    for (i, &a) in addrs.iter().enumerate() {
        let at = dynsym + (i + 1) * SYM;
        img.0[at..at + 4].copy_from_slice(&name_off[i].to_le_bytes());
        img.0[at + 4] = 0x12; // STB_GLOBAL, STT_FUNC
        img.0[at + 6..at + 8].copy_from_slice(&1u16.to_le_bytes());
        img.put_u64(at + 8, a);
        img.put_u64(at + 16, 12);
    }
    // ELF header.
    let e = &mut img.0;
    e[..16].copy_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    e[16..18].copy_from_slice(&3u16.to_le_bytes()); // ET_DYN
    e[18..20].copy_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
    e[20..24].copy_from_slice(&1u32.to_le_bytes());
    e[32..40].copy_from_slice(&(EHDR as u64).to_le_bytes()); // e_phoff
    e[52..54].copy_from_slice(&(EHDR as u16).to_le_bytes());
    e[54..56].copy_from_slice(&(PHDR as u16).to_le_bytes());
    e[56..58].copy_from_slice(&2u16.to_le_bytes());
    // PT_LOAD r-x of the whole image, PT_DYNAMIC.
    let phdrs: [(u32, u32, u64, u64, u64); 2] = [
        (1, 5, 0, size as u64, LEN as u64),
        (2, 4, dynamic as u64, dynamic_len as u64, 8),
    ];
    for (i, (ty, flags, off, len, align)) in phdrs.into_iter().enumerate() {
        let p = EHDR + i * PHDR;
        e[p..p + 4].copy_from_slice(&ty.to_le_bytes());
        e[p + 4..p + 8].copy_from_slice(&flags.to_le_bytes());
        for (k, v) in [off, off, off, len, len, align].into_iter().enumerate() {
            e[p + 8 + 8 * k..p + 16 + 8 * k].copy_from_slice(&v.to_le_bytes());
        }
    }
    let offsets = [addrs[0], addrs[1], addrs[2], addrs[3]];
    (img.0, offsets)
}

// The clock functions as JIT routines (`Jit::add_routine`): x0 = f(x0, x1).
unsafe extern "C" fn gettimeofday(_: *mut CpuState, tv: u64, tz: u64, _: u64, _: u64) -> u64 {
    emu_syscalls::time::vdso_gettimeofday(tv, tz)
}
unsafe extern "C" fn clock_gettime(_: *mut CpuState, clk: u64, ts: u64, _: u64, _: u64) -> u64 {
    emu_syscalls::time::vdso_clock_gettime(clk, ts)
}
unsafe extern "C" fn clock_getres(_: *mut CpuState, clk: u64, res: u64, _: u64, _: u64) -> u64 {
    emu_syscalls::time::vdso_clock_getres(clk, res)
}

/// The routines of the vDSO mapped at `base`: guest address and host function.
pub fn routines(base: u64) -> [(u64, HelperFn); 3] {
    let (_, off) = build();
    [
        (base + off[1], gettimeofday),
        (base + off[2], clock_gettime),
        (base + off[3], clock_getres),
    ]
}

/// Maps the vDSO for the guest; returns its base and the address of
/// `__kernel_rt_sigreturn`, or None if the host refuses the mapping.
pub fn map() -> Option<(u64, u64)> {
    let (image, off) = build();
    let sigreturn = off[0];
    // SAFETY: a fresh anonymous mapping, filled before it is made read-execute.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            LEN,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            return None;
        }
        std::ptr::copy_nonoverlapping(image.as_ptr(), p as *mut u8, image.len());
        libc::mprotect(p, LEN, libc::PROT_READ | libc::PROT_EXEC);
        Some((p as u64, p as u64 + sigreturn))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goblin::elf::Elf;

    #[test]
    fn the_image_is_an_arm64_shared_object_with_versioned_symbols() {
        let (image, off) = build();
        let sigreturn = off[0];
        let elf = Elf::parse(&image).expect("parses");
        assert_eq!(elf.header.e_machine, goblin::elf::header::EM_AARCH64);
        assert_eq!(elf.header.e_type, goblin::elf::header::ET_DYN);
        let names: Vec<(String, u64)> = elf
            .dynsyms
            .iter()
            .filter(|s| s.st_name != 0)
            .map(|s| (elf.dynstrtab[s.st_name].to_owned(), s.st_value))
            .collect();
        let want: Vec<&str> = FUNCS.iter().map(|f| f.0).collect();
        assert_eq!(names.iter().map(|n| n.0.as_str()).collect::<Vec<_>>(), want);
        assert_eq!(names[0].1, sigreturn);
        // The version tables, found the way dynamic linkers find them: through
        // DT_VERDEF and DT_VERSYM.
        let dynamic = elf.dynamic.as_ref().expect("PT_DYNAMIC");
        let tag = |t: u64| dynamic.dyns.iter().find(|d| d.d_tag == t).map(|d| d.d_val);
        let u16_at = |a: usize| u16::from_le_bytes([image[a], image[a + 1]]);
        let u32_at = |a: usize| u32::from_le_bytes(image[a..a + 4].try_into().unwrap());
        let mut versions = Vec::new();
        let mut at = tag(0x6fff_fffc).expect("DT_VERDEF") as usize;
        loop {
            let (ndx, hash) = (u16_at(at + 4), u32_at(at + 8));
            let name = &elf.dynstrtab[u32_at(at + u32_at(at + 12) as usize) as usize];
            assert_eq!(hash, elf_hash(name));
            versions.push((ndx, name.to_owned()));
            match u32_at(at + 16) {
                0 => break,
                next => at += next as usize,
            }
        }
        assert_eq!(versions, [(1, SONAME.to_owned()), (2, VERSION.to_owned())]);
        assert_eq!(tag(0x6fff_fffd), Some(2));
        let versym = tag(0x6fff_fff0).expect("DT_VERSYM") as usize;
        assert_eq!(u16_at(versym), 0);
        assert!((1..=FUNCS.len()).all(|i| u16_at(versym + 2 * i) == 2));
        // Each function is `mov x8, #nr; svc #0; ret`.
        let word =
            |a: u64| u32::from_le_bytes(image[a as usize..a as usize + 4].try_into().unwrap());
        for (f, (_, nr, _)) in names.iter().zip(FUNCS) {
            assert_eq!(word(f.1), mov_x8(nr));
            assert_eq!(word(f.1 + 4), SVC0);
        }
        assert_eq!(word(sigreturn - 4), NOP);
    }

    #[test]
    fn elf_hash_matches_the_abi_examples() {
        assert_eq!(elf_hash(""), 0);
        assert_eq!(elf_hash("printf"), 0x077905a6);
        assert_eq!(elf_hash(VERSION), 0x075fcb89);
    }
}
