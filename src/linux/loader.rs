//! Loads an AArch64 ELF program (and its PT_INTERP interpreter) into the
//! emu process and builds the guest's initial stack.
//!
//! Memory is identity-mapped: a guest address is the host address, so
//! segments are mapped where the guest will see them. ET_EXEC programs go
//! at their link address (refusing to replace any existing mapping); ET_DYN
//! programs get a base the host chooses near [`PIE_HINT`], interpreters a
//! base the host chooses freely (top-down, like the kernel's mmap area).

use std::ffi::OsString;
use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::ptr;

use super::elf::{self, page_up, ElfImage, Segment, PAGE_SIZE};
use super::elf_error::{LoadError, Problem};
use super::hwcap;
use super::proc_view::{span, ImageBounds};
use super::stack::{self, AuxInfo, StackArgs};
use crate::arm64::cpu_model::Cpu;

/// Where main PIE programs are placed when the host allows: below the
/// region where the host kernel puts emu-user itself (2/3 of the x86-64
/// address space), leaving room for the guest heap to grow above them.
pub const PIE_HINT: u64 = 0x5500_0000_0000;

/// Default sysroot for PT_INTERP lookup when it exists (Debian/Ubuntu
/// cross-libc location).
pub const DEFAULT_SYSROOT: &str = "/usr/aarch64-linux-gnu";

/// Least space allowed for argv + envp on the stack (the kernel's ARG_MAX
/// floor: 32 pages).
const ARG_SPACE_FLOOR: u64 = 32 * PAGE_SIZE;

/// Smallest guest stack mapped, whatever size is asked for: room for the
/// argument floor plus as much again for the program (the kernel likewise
/// always gives a new stack 128 KiB beyond the arguments).
pub const MIN_STACK_SIZE: u64 = 2 * ARG_SPACE_FLOOR;

/// What to load and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// The program, as given on the command line.
    pub path: PathBuf,
    /// Guest argv, argv[0] included.
    pub argv: Vec<OsString>,
    /// Guest environment, "NAME=value" strings.
    pub envp: Vec<OsString>,
    /// Where PT_INTERP paths are looked up.
    pub sysroot: Option<PathBuf>,
    /// Size of the guest stack in bytes.
    pub stack_size: u64,
    /// The program already opened by the kernel (binfmt_misc's AT_EXECFD), read
    /// instead of opening `path`, then closed.
    pub exec_fd: Option<i32>,
}

/// The loaded process image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// Where execution starts: the interpreter's entry, else the program's.
    pub entry: u64,
    /// Initial guest SP (16-byte aligned, pointing at argc).
    pub sp: u64,
    /// Page-aligned end of the highest program segment.
    pub brk_start: u64,
    /// Absolute, canonical path of the program.
    pub exe_path: PathBuf,
    /// Difference between the program's run and link addresses.
    pub load_bias: u64,
    /// Interpreter base address, 0 without interpreter.
    pub interp_base: u64,
    /// One past the highest stack address.
    pub stack_top: u64,
    /// Lowest usable stack address.
    pub stack_low: u64,
    /// The address spans reserved for the program and the interpreter.
    pub image_spans: Vec<(u64, u64)>,
    /// The program's code and data bounds, as the kernel's binfmt_elf sets
    /// mm->start_code/end_code/start_data/end_data (for /proc/self/stat).
    pub bounds: ImageBounds,
    /// The guest vDSO's base (AT_SYSINFO_EHDR), 0 if it could not be mapped.
    pub vdso: u64,
    /// Its `__kernel_rt_sigreturn`: where handlers without SA_RESTORER return.
    pub sigreturn: u64,
}

/// Maps the program of `opts`, its interpreter if any, and the stack.
pub fn load(opts: &LoadOptions) -> Result<Loaded, LoadError> {
    load_as(opts, &Cpu::MAX)
}

/// [`load`] for a guest running on `cpu`, whose features AT_HWCAP and
/// AT_HWCAP2 announce.
pub fn load_as(opts: &LoadOptions, cpu: &Cpu) -> Result<Loaded, LoadError> {
    let path = opts.path.as_path();
    let fail = |p: Problem| LoadError::new(path, p);
    let (file, image) = match opts.exec_fd {
        Some(fd) => elf::open_fd(fd),
        None => elf::open(path),
    }
    .map_err(fail)?;
    let exe_path = fs::canonicalize(path).map_err(|e| fail(Problem::from_io(&e)))?;
    let interp = match &image.interp {
        Some(name) => {
            let found = interp_path(name, opts.sysroot.as_deref());
            let opened = elf::open(&found).map_err(|p| LoadError::interp(path, &found, p))?;
            Some((found, opened))
        }
        None => None,
    };

    let bias = map_image(&file, &image, Placement::Program).map_err(fail)?;
    let mut image_spans = vec![span(&image, bias)];
    let (entry, interp_base) = match &interp {
        Some((found, (ifile, iimage))) => {
            let ibias = map_image(ifile, iimage, Placement::Anywhere)
                .map_err(|p| LoadError::interp(path, found, p))?;
            image_spans.push(span(iimage, ibias));
            (ibias.wrapping_add(iimage.entry), ibias)
        }
        None => (bias.wrapping_add(image.entry), 0),
    };

    let region = stack::map(opts.stack_size.max(MIN_STACK_SIZE)).map_err(fail)?;
    let (vdso, sigreturn) = super::vdso::map().unwrap_or((0, 0));
    // SAFETY: the id getters take no arguments and cannot fail.
    let (uid, euid, gid, egid) = unsafe {
        (
            libc::getuid(),
            libc::geteuid(),
            libc::getgid(),
            libc::getegid(),
        )
    };
    let (hwcap, hwcap2) = hwcap::of(cpu);
    let aux = AuxInfo {
        phdr: image.phdr_vaddr.map_or(0, |v| bias.wrapping_add(v)),
        phnum: u64::from(image.phnum),
        base: interp_base,
        entry: bias.wrapping_add(image.entry),
        uid: u64::from(uid),
        euid: u64::from(euid),
        gid: u64::from(gid),
        egid: u64::from(egid),
        hwcap,
        hwcap2,
        vdso,
    };
    let args = StackArgs {
        argv: &opts.argv,
        envp: &opts.envp,
        execfn: path.as_os_str(),
        random: stack::random_bytes(),
        aux,
    };
    let img = stack::build(region.top, &args).map_err(fail)?;
    let size = region.top - region.low;
    let limit = (size / 4).max(ARG_SPACE_FLOOR);
    if img.bytes.len() as u64 > limit {
        return Err(fail(Problem::ArgListTooLong));
    }
    stack::write(&region, &img).map_err(fail)?;

    Ok(Loaded {
        entry,
        sp: img.sp,
        brk_start: bias.wrapping_add(image.high()),
        exe_path,
        load_bias: bias,
        interp_base,
        stack_top: region.top,
        stack_low: region.low,
        image_spans,
        bounds: ImageBounds::of(&image, bias),
        vdso,
        sigreturn,
    })
}

/// Where the interpreter named in PT_INTERP is looked for: with a sysroot,
/// where the guest's open of the name would find it (the sysroot first, its
/// symlinks read in the guest's terms), or under the sysroot when it is
/// nowhere; else under [`DEFAULT_SYSROOT`] when the file exists there; else
/// the path itself.
pub fn interp_path(name: &Path, sysroot: Option<&Path>) -> PathBuf {
    let relative = name.strip_prefix("/").unwrap_or(name);
    if let Some(root) = sysroot {
        return emu_syscalls::sysroot_host_path(root, name)
            .ok()
            .filter(|found| found.exists())
            .unwrap_or_else(|| root.join(relative));
    }
    let candidate = Path::new(DEFAULT_SYSROOT).join(relative);
    if candidate.is_file() {
        candidate
    } else {
        name.to_path_buf()
    }
}

/// How an image's base is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// The main program: ET_DYN near [`PIE_HINT`].
    Program,
    /// The interpreter: ET_DYN wherever the host puts it.
    Anywhere,
}

fn map_error(what: &str, addr: u64, len: u64) -> Problem {
    let err = std::io::Error::last_os_error();
    let end = addr.saturating_add(len);
    Problem::Map(format!("{what} {addr:#x}-{end:#x}: {err}"))
}

/// Reserves the image's address span, maps its segments and returns the
/// load bias (run address minus link address).
fn map_image(file: &File, image: &ElfImage, placement: Placement) -> Result<u64, Problem> {
    let low = image.low();
    let span = image
        .high()
        .checked_sub(low)
        .filter(|s| *s > 0 && usize::try_from(*s).is_ok())
        .ok_or_else(|| Problem::Malformed("empty or oversized address span".into()))?;
    let start = if image.etype == goblin::elf::header::ET_EXEC {
        reserve_fixed(low, span)?
    } else {
        let hint = match placement {
            Placement::Program => PIE_HINT,
            Placement::Anywhere => 0,
        };
        reserve_aligned(hint, span, image.max_align())?
    };
    // Two's-complement bias: run = link + bias, for ET_DYN links above 0 too.
    let bias = start.wrapping_sub(low);
    for seg in &image.loads {
        map_segment(file, seg, bias)?;
    }
    Ok(bias)
}

/// Reserves `[addr, addr + len)` exactly, failing if anything is there.
fn reserve_fixed(addr: u64, len: u64) -> Result<u64, Problem> {
    // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping, so no
    // Rust object can be affected; the result is checked below.
    let got = unsafe {
        libc::mmap(
            addr as *mut libc::c_void,
            len as usize,
            libc::PROT_NONE,
            libc::MAP_PRIVATE
                | libc::MAP_ANONYMOUS
                | libc::MAP_NORESERVE
                | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    if got == libc::MAP_FAILED {
        return Err(map_error("address range", addr, len));
    }
    if got as u64 != addr {
        // A kernel without MAP_FIXED_NOREPLACE treats the address as a hint.
        // SAFETY: unmaps only the mapping just created.
        unsafe { libc::munmap(got, len as usize) };
        return Err(Problem::Map(format!(
            "address range {addr:#x}-{:#x} is not available",
            addr.saturating_add(len)
        )));
    }
    Ok(addr)
}

/// Reserves `len` bytes aligned to `align`, near `hint` (0: anywhere).
fn reserve_aligned(hint: u64, len: u64, align: u64) -> Result<u64, Problem> {
    let total = len
        .checked_add(align - PAGE_SIZE)
        .and_then(|t| usize::try_from(t).ok())
        .ok_or_else(|| Problem::Map(format!("image of {len:#x} bytes is too large")))?;
    // SAFETY: without MAP_FIXED the kernel picks free addresses; no Rust
    // object is affected.
    let got = unsafe {
        libc::mmap(
            hint as *mut libc::c_void,
            total,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if got == libc::MAP_FAILED {
        return Err(map_error("image of", 0, total as u64));
    }
    let got = got as u64;
    let start = got.next_multiple_of(align);
    let end = start + len;
    // SAFETY: both ranges are parts of the reservation made just above,
    // outside [start, end).
    unsafe {
        if start > got {
            libc::munmap(got as *mut libc::c_void, (start - got) as usize);
        }
        if got + total as u64 > end {
            libc::munmap(
                end as *mut libc::c_void,
                (got + total as u64 - end) as usize,
            );
        }
    }
    Ok(start)
}

fn prot_of(seg: &Segment) -> libc::c_int {
    let mut prot = libc::PROT_NONE;
    if seg.readable() {
        prot |= libc::PROT_READ;
    }
    if seg.writable() {
        prot |= libc::PROT_WRITE;
    }
    if seg.executable() {
        prot |= libc::PROT_EXEC;
    }
    prot
}

/// Maps one PT_LOAD inside the reservation: file pages for p_filesz, the
/// rest of the last file page zeroed, anonymous zero pages up to p_memsz.
fn map_segment(file: &File, seg: &Segment, bias: u64) -> Result<(), Problem> {
    let start = bias.wrapping_add(seg.vaddr);
    let page = elf::page_down(start);
    let file_end = start + seg.filesz;
    let mem_end = start + seg.memsz;
    let prot = prot_of(seg);
    let overflow = || Problem::Malformed("segment end overflows".into());
    let mut anon_start = page;
    if seg.filesz > 0 {
        let file_page_end = page_up(file_end).ok_or_else(overflow)?;
        let len = file_page_end - page;
        // p_vaddr and p_offset are congruent modulo the page size.
        let offset = seg.offset - (start - page);
        let zero_tail = seg.memsz > seg.filesz && !file_end.is_multiple_of(PAGE_SIZE);
        let map_prot = if zero_tail {
            prot | libc::PROT_WRITE
        } else {
            prot
        };
        let offset = libc::off_t::try_from(offset).map_err(|_| overflow())?;
        // SAFETY: [page, page + len) lies inside the PROT_NONE reservation
        // made for this image, which no Rust object uses.
        let got = unsafe {
            libc::mmap(
                page as *mut libc::c_void,
                len as usize,
                map_prot,
                libc::MAP_PRIVATE | libc::MAP_FIXED,
                file.as_raw_fd(),
                offset,
            )
        };
        if got == libc::MAP_FAILED {
            return Err(map_error("segment", page, len));
        }
        if zero_tail {
            // SAFETY: [file_end, file_page_end) is in the writable private
            // mapping just made.
            unsafe {
                ptr::write_bytes(file_end as *mut u8, 0, (file_page_end - file_end) as usize);
            }
            if map_prot != prot {
                // SAFETY: changes protection of the mapping just made only.
                let rc = unsafe { libc::mprotect(page as *mut libc::c_void, len as usize, prot) };
                if rc != 0 {
                    return Err(map_error("segment", page, len));
                }
            }
        }
        anon_start = file_page_end;
    }
    let anon_end = page_up(mem_end).ok_or_else(overflow)?;
    if anon_end > anon_start {
        let len = anon_end - anon_start;
        // SAFETY: [anon_start, anon_end) lies inside this image's
        // reservation, which no Rust object uses.
        let got = unsafe {
            libc::mmap(
                anon_start as *mut libc::c_void,
                len as usize,
                prot,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if got == libc::MAP_FAILED {
            return Err(map_error("zero-filled segment", anon_start, len));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interp_lookup_prefers_the_sysroot() {
        let name = Path::new("/lib/ld-linux-aarch64.so.1");
        assert_eq!(
            interp_path(name, Some(Path::new("/sys/root"))),
            PathBuf::from("/sys/root/lib/ld-linux-aarch64.so.1")
        );
        let fallback = interp_path(Path::new("/no/such/ld.so"), None);
        assert_eq!(fallback, PathBuf::from("/no/such/ld.so"));
    }

    #[test]
    fn interp_lookup_reads_absolute_links_in_the_sysroot() {
        let root = std::env::temp_dir().join(format!("emu-interp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("lib/aarch64-linux-gnu")).unwrap();
        std::fs::write(root.join("lib/aarch64-linux-gnu/ld.so"), b"").unwrap();
        std::os::unix::fs::symlink("/lib/aarch64-linux-gnu/ld.so", root.join("lib/ld.so")).unwrap();
        let found = interp_path(Path::new("/lib/ld.so"), Some(&root));
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, root.join("lib/aarch64-linux-gnu/ld.so"));
    }

    #[test]
    fn prot_follows_p_flags() {
        let seg = |flags| Segment {
            vaddr: 0,
            memsz: 1,
            offset: 0,
            filesz: 0,
            flags,
            align: PAGE_SIZE,
        };
        assert_eq!(prot_of(&seg(4)), libc::PROT_READ);
        assert_eq!(prot_of(&seg(6)), libc::PROT_READ | libc::PROT_WRITE);
        assert_eq!(prot_of(&seg(5)), libc::PROT_READ | libc::PROT_EXEC);
        assert_eq!(prot_of(&seg(0)), libc::PROT_NONE);
    }
}
