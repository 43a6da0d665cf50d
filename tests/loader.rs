//! In-process loader tests: map small generated ELF images into this
//! process (identity mapping) and read back memory and the initial stack.

mod support;

use std::ffi::OsString;
use std::path::PathBuf;

use emu::linux::loader::{load, LoadOptions, Loaded, MIN_STACK_SIZE};
use emu::linux::stack::at;
use support::mini_elf::*;
use support::TempDir;

fn options(path: PathBuf, sysroot: Option<PathBuf>) -> LoadOptions {
    LoadOptions {
        argv: vec![OsString::from("prog"), OsString::from("-x")],
        envp: vec![OsString::from("K=V")],
        path,
        sysroot,
        stack_size: 1 << 20,
        exec_fd: None,
    }
}

/// Reads guest memory (identity-mapped).
fn peek(addr: u64, len: usize) -> Vec<u8> {
    // SAFETY: the tests only read ranges the loader has just mapped readable.
    unsafe { std::slice::from_raw_parts(addr as *const u8, len).to_vec() }
}

fn peek64(addr: u64) -> u64 {
    u64::from_le_bytes(peek(addr, 8).try_into().unwrap())
}

/// The auxv of a loaded image: skips argc, argv, envp.
fn auxv(l: &Loaded) -> Vec<(u64, u64)> {
    let argc = peek64(l.sp);
    let mut p = l.sp + 8 * (argc + 2);
    while peek64(p) != 0 {
        p += 8;
    }
    p += 8;
    let mut out = Vec::new();
    loop {
        let pair = (peek64(p), peek64(p + 8));
        out.push(pair);
        p += 16;
        if pair.0 == at::NULL {
            return out;
        }
    }
}

fn aux(l: &Loaded, key: u64) -> u64 {
    auxv(l).iter().find(|(k, _)| *k == key).unwrap().1
}

/// Permissions column of the /proc/self/maps line containing `addr`.
fn perms(addr: u64) -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for line in maps.lines() {
        let (range, rest) = line.split_once(' ').unwrap();
        let (lo, hi) = range.split_once('-').unwrap();
        let lo = u64::from_str_radix(lo, 16).unwrap();
        let hi = u64::from_str_radix(hi, 16).unwrap();
        if lo <= addr && addr < hi {
            return rest[..4].to_string();
        }
    }
    panic!("{addr:#x} not mapped");
}

#[test]
fn exec_segments_bss_and_stack() {
    let dir = TempDir::new("exec");
    let code: Vec<u8> = (0..64u8).collect();
    let mut elf = MiniElf::exec(&code).with_data(b"DATA", 5000);
    elf.base = 0x1234_0000_0000;
    elf.extra[0].vaddr = elf.base + 0x10_0000 + 0x123;
    let mut bytes = elf.build();
    // Junk after the data shares its file page: the loader must zero it.
    bytes.extend_from_slice(&[0xAA; 64]);
    let path = dir.write("prog", &bytes);

    let l = load(&options(path.clone(), None)).unwrap();
    assert_eq!(l.load_bias, 0);
    assert_eq!(l.interp_base, 0);
    assert_eq!(l.entry, elf.entry());
    assert_eq!(peek(l.entry, code.len()), code);
    let data = elf.extra[0].vaddr;
    assert_eq!(peek(data, 4), b"DATA");
    assert!(
        peek(data + 4, 5000).iter().all(|&b| b == 0),
        "bss not zeroed"
    );
    assert_eq!(l.brk_start, (data + 5004).next_multiple_of(4096));
    assert_eq!(perms(l.entry), "r-xp");
    assert_eq!(perms(data), "rw-p");
    assert_eq!(perms(data + 4999), "rw-p");
    assert_eq!(l.exe_path, std::fs::canonicalize(&path).unwrap());

    // Stack: argc, argv, envp, auxv.
    assert_eq!(l.sp % 16, 0);
    assert!(l.stack_low < l.sp && l.sp < l.stack_top);
    assert_eq!(l.stack_top - l.stack_low, 1 << 20);
    assert_eq!(peek64(l.sp), 2);
    assert_eq!(peek(peek64(l.sp + 8), 5), b"prog\0");
    assert_eq!(peek(peek64(l.sp + 16), 3), b"-x\0");
    assert_eq!(peek64(l.sp + 24), 0);
    assert_eq!(peek(peek64(l.sp + 32), 4), b"K=V\0");
    assert_eq!(aux(&l, at::ENTRY), elf.entry());
    assert_eq!(aux(&l, at::BASE), 0);
    assert_eq!(aux(&l, at::PHNUM), 3);
    // AT_PHDR points at the program headers in guest memory: PT_PHDR first.
    let phdr = aux(&l, at::PHDR);
    assert_eq!(phdr, elf.base + 64);
    assert_eq!(peek(phdr, 4), PT_PHDR.to_le_bytes());
    let execfn = aux(&l, at::EXECFN);
    let given = path.to_str().unwrap().as_bytes();
    assert_eq!(peek(execfn, given.len()), given);
}

#[test]
fn pie_is_relocated() {
    let dir = TempDir::new("pie");
    let elf = MiniElf::pie(&[0x11; 32]).with_data(b"xyz", 0);
    let path = dir.write("pie", &elf.build());
    let l = load(&options(path, None)).unwrap();
    assert_ne!(l.load_bias, 0);
    assert_eq!(l.load_bias % 4096, 0);
    assert_eq!(l.entry, l.load_bias + elf.entry());
    assert_eq!(peek(l.entry, 32), vec![0x11; 32]);
    assert_eq!(peek(l.load_bias + elf.extra[0].vaddr, 3), b"xyz");
    assert_eq!(aux(&l, at::ENTRY), l.entry);
    assert_eq!(aux(&l, at::PHDR), l.load_bias + 64);
}

#[test]
fn interpreter_is_loaded_from_the_sysroot() {
    let dir = TempDir::new("interp");
    let interp = MiniElf::pie(&[0x22; 16]);
    dir.write("lib/ld-test.so.1", &interp.build());
    let prog = MiniElf::pie(&[0x33; 16]).with_interp("/lib/ld-test.so.1");
    let path = dir.write("prog", &prog.build());

    let l = load(&options(path, Some(dir.path.clone()))).unwrap();
    assert_ne!(l.interp_base, 0);
    assert_eq!(l.entry, l.interp_base + interp.entry());
    assert_eq!(peek(l.entry, 16), vec![0x22; 16]);
    assert_eq!(aux(&l, at::BASE), l.interp_base);
    assert_eq!(aux(&l, at::ENTRY), l.load_bias + prog.entry());
    assert_eq!(peek(l.load_bias + prog.entry(), 16), vec![0x33; 16]);
}

#[test]
fn tiny_stack_request_gets_the_minimum() {
    let dir = TempDir::new("tiny");
    let path = dir.write("p", &MiniElf::pie(&[0; 8]).build());
    let mut opts = options(path, None);
    opts.stack_size = 1;
    let l = load(&opts).unwrap();
    assert_eq!(l.stack_top - l.stack_low, MIN_STACK_SIZE);
    assert_eq!(peek64(l.sp), 2);
}

#[test]
fn huge_argument_list_is_refused() {
    let dir = TempDir::new("e2big");
    let path = dir.write("p", &MiniElf::pie(&[0; 8]).build());
    let mut opts = options(path, None);
    opts.stack_size = MIN_STACK_SIZE;
    opts.argv.push(OsString::from("a".repeat(200 * 1024)));
    let err = load(&opts).unwrap_err();
    assert!(err.to_string().contains("argument list too long"), "{err}");
    assert_eq!(err.exit_code(), 126);
}
