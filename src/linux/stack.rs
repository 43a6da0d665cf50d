//! The guest's initial stack, laid out as the arm64 Linux kernel builds it
//! at execve (fs/binfmt_elf.c `create_elf_tables`), and the auxiliary
//! vector it carries.
//!
//! From the top of the stack down:
//!
//! ```text
//! top - 8           8 zero bytes
//!                   execfn string (the path as given)
//!                   envp strings (last variable highest), argv strings
//!                   (argv[0] lowest)           <- aligned down to 16
//!                   "aarch64\0"                (AT_PLATFORM)
//!                   16 random bytes            (AT_RANDOM)
//!                   padding to 16
//!                   auxv pairs, AT_NULL pair
//!                   envp pointers, NULL
//!                   argv pointers, NULL
//! sp (16-aligned)   argc
//! ```

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::ptr;

use super::elf_error::Problem;

/// Auxiliary vector entry types (include/uapi/linux/auxvec.h and
/// arch/arm64/include/uapi/asm/auxvec.h); identical for every Linux arch
/// except where noted.
pub mod at {
    pub const NULL: u64 = 0;
    pub const PHDR: u64 = 3;
    pub const PHENT: u64 = 4;
    pub const PHNUM: u64 = 5;
    pub const PAGESZ: u64 = 6;
    pub const BASE: u64 = 7;
    pub const FLAGS: u64 = 8;
    pub const ENTRY: u64 = 9;
    pub const UID: u64 = 11;
    pub const EUID: u64 = 12;
    pub const GID: u64 = 13;
    pub const EGID: u64 = 14;
    pub const PLATFORM: u64 = 15;
    pub const HWCAP: u64 = 16;
    pub const CLKTCK: u64 = 17;
    pub const SECURE: u64 = 23;
    pub const RANDOM: u64 = 25;
    pub const HWCAP2: u64 = 26;
    pub const EXECFN: u64 = 31;
    pub const SYSINFO_EHDR: u64 = 33;
    /// arm64-specific (asm/auxvec.h).
    pub const MINSIGSTKSZ: u64 = 51;
}

/// AT_PLATFORM string of a little-endian arm64 kernel (ELF_PLATFORM).
pub const PLATFORM: &[u8] = b"aarch64\0";

/// AT_CLKTCK: USER_HZ, the unit of times(2) and /proc tick counts.
pub const CLKTCK: u64 = 100;

/// AT_MINSIGSTKSZ: the arm64 kernel reports the largest signal frame it can
/// build plus a frame record and alignment padding (arch/arm64/kernel/
/// signal.c `minsigstksz_setup`). Without SVE/SME the frame is
/// `sizeof(struct rt_sigframe)`: siginfo (128) + ucontext up to
/// `uc_mcontext.__reserved` (176 + 288) + `__reserved[4096]` = 4688, since the
/// fpsimd (528), esr (16) and terminator (16) records fit in `__reserved`.
/// 4688 + 16 (frame record) + 16 (padding) = 4720. emu announces no SVE or
/// SME (see [`super::hwcap`]), so 4720 is what such a kernel reports.
pub const MINSIGSTKSZ: u64 = 4720;

/// Guest page size reported in AT_PAGESZ.
pub const PAGE_SIZE: u64 = super::elf::PAGE_SIZE;

/// Size of an ELF-64 program header (AT_PHENT).
pub const PHENT_SIZE: u64 = 56;

/// The auxv values that do not point into the stack itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuxInfo {
    /// Guest address of the program headers (0 when not mapped).
    pub phdr: u64,
    pub phnum: u64,
    /// Interpreter base, 0 without one.
    pub base: u64,
    /// Program entry point (biased).
    pub entry: u64,
    pub uid: u64,
    pub euid: u64,
    pub gid: u64,
    pub egid: u64,
    pub hwcap: u64,
    pub hwcap2: u64,
    /// AT_SYSINFO_EHDR: the guest vDSO's base (0 when none is mapped).
    pub vdso: u64,
}

/// Addresses of the data the stack builder places above the tables.
struct Placed {
    random: u64,
    execfn: u64,
    platform: u64,
}

/// THE auxiliary vector, in the order the arm64 kernel writes it (ARCH_DLINFO's
/// AT_SYSINFO_EHDR and AT_MINSIGSTKSZ first).
fn auxv(aux: &AuxInfo, placed: &Placed) -> [(u64, u64); 21] {
    [
        (at::SYSINFO_EHDR, aux.vdso),
        (at::MINSIGSTKSZ, MINSIGSTKSZ),
        (at::HWCAP, aux.hwcap),
        (at::PAGESZ, PAGE_SIZE),
        (at::CLKTCK, CLKTCK),
        (at::PHDR, aux.phdr),
        (at::PHENT, PHENT_SIZE),
        (at::PHNUM, aux.phnum),
        (at::BASE, aux.base),
        (at::FLAGS, 0),
        (at::ENTRY, aux.entry),
        (at::UID, aux.uid),
        (at::EUID, aux.euid),
        (at::GID, aux.gid),
        (at::EGID, aux.egid),
        (at::SECURE, 0),
        (at::RANDOM, placed.random),
        (at::HWCAP2, aux.hwcap2),
        (at::EXECFN, placed.execfn),
        (at::PLATFORM, placed.platform),
        (at::NULL, 0),
    ]
}

/// What goes on the stack.
pub struct StackArgs<'a> {
    pub argv: &'a [OsString],
    pub envp: &'a [OsString],
    /// AT_EXECFN: the program path as given.
    pub execfn: &'a OsStr,
    /// AT_RANDOM bytes.
    pub random: [u8; 16],
    pub aux: AuxInfo,
}

/// The initial stack contents: `bytes` are the memory `[sp, top)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackImage {
    pub sp: u64,
    pub bytes: Vec<u8>,
}

/// Lays out the initial stack below `top` (16-byte aligned).
pub fn build(top: u64, args: &StackArgs) -> Result<StackImage, Problem> {
    let too_long = || Problem::ArgListTooLong;
    let sub = |p: u64, n: u64| p.checked_sub(n).ok_or_else(too_long);
    let len = |s: &OsStr| s.as_bytes().len() as u64 + 1;

    // Strings: execfn highest, then envp and argv, each list last-first.
    let mut p = sub(top, 8)?;
    p = sub(p, len(args.execfn))?;
    let execfn = p;
    let mut env_at = vec![0; args.envp.len()];
    for (slot, s) in env_at.iter_mut().zip(args.envp).rev() {
        p = sub(p, len(s))?;
        *slot = p;
    }
    let mut arg_at = vec![0; args.argv.len()];
    for (slot, s) in arg_at.iter_mut().zip(args.argv).rev() {
        p = sub(p, len(s))?;
        *slot = p;
    }
    let strings = p;
    p &= !15;
    p = sub(p, PLATFORM.len() as u64)?;
    let platform = p;
    p = sub(p, args.random.len() as u64)?;
    let random = p;
    let placed = Placed {
        random,
        execfn,
        platform,
    };
    let auxv = auxv(&args.aux, &placed);
    let words = 1 + (arg_at.len() + 1) + (env_at.len() + 1) + 2 * auxv.len();
    let sp = sub(p, 8 * words as u64)? & !15;

    let size = usize::try_from(top - sp).map_err(|_| too_long())?;
    let mut bytes = vec![0u8; size];
    let mut put = |addr: u64, data: &[u8]| {
        let at = (addr - sp) as usize;
        bytes[at..at + data.len()].copy_from_slice(data);
    };
    put(execfn, args.execfn.as_bytes());
    for (addr, s) in env_at
        .iter()
        .zip(args.envp)
        .chain(arg_at.iter().zip(args.argv))
    {
        put(*addr, s.as_bytes());
    }
    debug_assert!(strings >= platform + PLATFORM.len() as u64);
    put(platform, PLATFORM);
    put(random, &args.random);
    let mut table = Vec::with_capacity(words);
    table.push(args.argv.len() as u64);
    table.extend(&arg_at);
    table.push(0);
    table.extend(&env_at);
    table.push(0);
    table.extend(auxv.iter().flat_map(|&(k, v)| [k, v]));
    let table: Vec<u8> = table.iter().flat_map(|w| w.to_le_bytes()).collect();
    put(sp, &table);
    Ok(StackImage { sp, bytes })
}

/// The guest stack mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StackRegion {
    /// Lowest usable address (the guard gap lies below it).
    pub low: u64,
    /// One past the highest address.
    pub top: u64,
}

/// PROT_NONE gap below the stack, like the kernel's stack_guard_gap.
pub const GUARD_GAP: u64 = 256 * PAGE_SIZE;

/// Maps a read-write stack of `size` bytes (rounded up to pages) with a
/// guard gap below it, where the host places it.
pub fn map(size: u64) -> Result<StackRegion, Problem> {
    let size = size
        .checked_next_multiple_of(PAGE_SIZE)
        .filter(|s| *s > 0 && s.checked_add(GUARD_GAP).is_some())
        .ok_or_else(|| Problem::Map(format!("bad stack size {size:#x}")))?;
    let total = usize::try_from(size + GUARD_GAP)
        .map_err(|_| Problem::Map(format!("bad stack size {size:#x}")))?;
    // SAFETY: a fresh anonymous mapping at an address the kernel picks
    // cannot alias any existing Rust object.
    let base = unsafe {
        libc::mmap(
            ptr::null_mut(),
            total,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        let err = std::io::Error::last_os_error();
        return Err(Problem::Map(format!("stack of {size:#x} bytes: {err}")));
    }
    let low = base as u64 + GUARD_GAP;
    // SAFETY: [low, low + size) lies inside the mapping made just above.
    let rc = unsafe {
        libc::mprotect(
            low as *mut libc::c_void,
            size as usize,
            libc::PROT_READ | libc::PROT_WRITE,
        )
    };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        return Err(Problem::Map(format!("stack of {size:#x} bytes: {err}")));
    }
    Ok(StackRegion {
        low,
        top: low + size,
    })
}

/// Copies `image` into the stack region.
pub fn write(region: &StackRegion, image: &StackImage) -> Result<(), Problem> {
    let fits = image.sp >= region.low
        && image.sp.checked_add(image.bytes.len() as u64) == Some(region.top);
    if !fits {
        return Err(Problem::ArgListTooLong);
    }
    // SAFETY: [sp, top) lies inside the read-write stack mapping `region`,
    // which no Rust object aliases; the source is a separate heap buffer.
    unsafe {
        ptr::copy_nonoverlapping(image.bytes.as_ptr(), image.sp as *mut u8, image.bytes.len());
    }
    Ok(())
}

/// 16 bytes from the host's random source (AT_RANDOM).
pub fn random_bytes() -> [u8; 16] {
    let mut buf = [0u8; 16];
    let mut filled = 0;
    while filled < buf.len() {
        let rest = &mut buf[filled..];
        // SAFETY: writes at most rest.len() bytes into the buffer `rest`.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n <= 0 {
            // No usable entropy source; the guest still gets a valid pointer.
            break;
        }
        filled += n as usize;
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a guest's startup code reads back from the stack.
    struct Parsed {
        argv: Vec<Vec<u8>>,
        envp: Vec<Vec<u8>>,
        auxv: Vec<(u64, u64)>,
    }

    fn word(img: &StackImage, addr: u64) -> u64 {
        let at = (addr - img.sp) as usize;
        u64::from_le_bytes(img.bytes[at..at + 8].try_into().unwrap())
    }

    fn cstr(img: &StackImage, addr: u64) -> Vec<u8> {
        let at = (addr - img.sp) as usize;
        let end = img.bytes[at..].iter().position(|&b| b == 0).unwrap();
        img.bytes[at..at + end].to_vec()
    }

    fn parse(img: &StackImage) -> Parsed {
        let mut p = img.sp;
        let argc = word(img, p);
        p += 8;
        let mut argv = Vec::new();
        for _ in 0..argc {
            argv.push(cstr(img, word(img, p)));
            p += 8;
        }
        assert_eq!(word(img, p), 0, "argv not NULL-terminated");
        p += 8;
        let mut envp = Vec::new();
        while word(img, p) != 0 {
            envp.push(cstr(img, word(img, p)));
            p += 8;
        }
        p += 8;
        let mut auxv = Vec::new();
        loop {
            let (k, v) = (word(img, p), word(img, p + 8));
            auxv.push((k, v));
            p += 16;
            if k == at::NULL {
                break;
            }
        }
        Parsed { argv, envp, auxv }
    }

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    fn sample_aux() -> AuxInfo {
        AuxInfo {
            phdr: 0x40_0040,
            phnum: 9,
            base: 0x7f00_0000_0000,
            entry: 0x40_1000,
            uid: 1000,
            euid: 1001,
            gid: 100,
            egid: 101,
            hwcap: 0x903,
            hwcap2: 0,
            vdso: 0x7f12_3456_7000,
        }
    }

    fn lookup(auxv: &[(u64, u64)], key: u64) -> u64 {
        let hits: Vec<_> = auxv.iter().filter(|(k, _)| *k == key).collect();
        assert_eq!(hits.len(), 1, "auxv key {key} appears {} times", hits.len());
        hits[0].1
    }

    #[test]
    fn stack_reads_back() {
        let top = 0x7fff_0000_0000;
        let argv = os(&["./prog", "--flag", ""]);
        let envp = os(&["A=1", "HOME=/root"]);
        let args = StackArgs {
            argv: &argv,
            envp: &envp,
            execfn: OsStr::new("/path/prog"),
            random: *b"0123456789abcdef",
            aux: sample_aux(),
        };
        let img = build(top, &args).unwrap();
        assert_eq!(img.sp % 16, 0);
        assert_eq!(img.sp + img.bytes.len() as u64, top);
        let parsed = parse(&img);
        assert_eq!(
            parsed.argv,
            vec![b"./prog".to_vec(), b"--flag".to_vec(), vec![]]
        );
        assert_eq!(parsed.envp, vec![b"A=1".to_vec(), b"HOME=/root".to_vec()]);
        let a = &parsed.auxv;
        assert_eq!(lookup(a, at::SYSINFO_EHDR), 0x7f12_3456_7000);
        assert_eq!(a[0].0, at::SYSINFO_EHDR);
        assert_eq!(lookup(a, at::PHDR), 0x40_0040);
        assert_eq!(lookup(a, at::PHENT), 56);
        assert_eq!(lookup(a, at::PHNUM), 9);
        assert_eq!(lookup(a, at::PAGESZ), 4096);
        assert_eq!(lookup(a, at::BASE), 0x7f00_0000_0000);
        assert_eq!(lookup(a, at::FLAGS), 0);
        assert_eq!(lookup(a, at::ENTRY), 0x40_1000);
        assert_eq!(lookup(a, at::UID), 1000);
        assert_eq!(lookup(a, at::EUID), 1001);
        assert_eq!(lookup(a, at::GID), 100);
        assert_eq!(lookup(a, at::EGID), 101);
        assert_eq!(lookup(a, at::SECURE), 0);
        assert_eq!(lookup(a, at::HWCAP), 0x903);
        assert_eq!(lookup(a, at::HWCAP2), 0);
        assert_eq!(lookup(a, at::CLKTCK), 100);
        assert_eq!(lookup(a, at::MINSIGSTKSZ), 4720);
        assert_eq!(cstr(&img, lookup(a, at::EXECFN)), b"/path/prog");
        assert_eq!(cstr(&img, lookup(a, at::PLATFORM)), b"aarch64");
        let rnd = lookup(a, at::RANDOM) - img.sp;
        assert_eq!(
            &img.bytes[rnd as usize..rnd as usize + 16],
            b"0123456789abcdef"
        );
        assert_eq!(a.last(), Some(&(at::NULL, 0)));
    }

    #[test]
    fn strings_sit_at_the_top_like_the_kernel_puts_them() {
        let top = 0x10_0000;
        let argv = os(&["a", "bc"]);
        let envp = os(&["X=y"]);
        let args = StackArgs {
            argv: &argv,
            envp: &envp,
            execfn: OsStr::new("e"),
            random: [7; 16],
            aux: sample_aux(),
        };
        let img = build(top, &args).unwrap();
        let tail = &img.bytes[img.bytes.len() - 19..];
        // argv strings, envp strings, execfn, then 8 zero bytes at the top.
        assert_eq!(tail, b"a\0bc\0X=y\0e\0\0\0\0\0\0\0\0\0".as_slice());
        let parsed = parse(&img);
        let execfn = lookup(&parsed.auxv, at::EXECFN);
        assert_eq!(execfn, top - 8 - 2);
        // The platform string lies below the 16-aligned start of the strings.
        let platform = lookup(&parsed.auxv, at::PLATFORM);
        assert_eq!(platform, ((top - 19) & !15) - 8);
        assert_eq!(lookup(&parsed.auxv, at::RANDOM), platform - 16);
    }

    #[test]
    fn sp_is_aligned_for_any_argument_count() {
        for n in 0..6 {
            let argv: Vec<OsString> = (0..n).map(|i| OsString::from("x".repeat(i))).collect();
            let args = StackArgs {
                argv: &argv,
                envp: &[],
                execfn: OsStr::new("p"),
                random: [0; 16],
                aux: AuxInfo::default(),
            };
            let img = build(0x7000_0000 - 16 * n as u64, &args).unwrap();
            assert_eq!(img.sp % 16, 0);
            assert_eq!(parse(&img).argv.len(), n);
        }
    }

    #[test]
    fn too_small_address_is_an_error() {
        let argv = os(&["prog"]);
        let args = StackArgs {
            argv: &argv,
            envp: &[],
            execfn: OsStr::new("prog"),
            random: [0; 16],
            aux: AuxInfo::default(),
        };
        assert_eq!(build(64, &args), Err(Problem::ArgListTooLong));
    }

    #[test]
    fn mapped_stack_takes_the_image() {
        let region = map(64 * 1024).unwrap();
        assert_eq!(region.top - region.low, 64 * 1024);
        let argv = os(&["prog", "arg"]);
        let args = StackArgs {
            argv: &argv,
            envp: &[],
            execfn: OsStr::new("prog"),
            random: random_bytes(),
            aux: AuxInfo::default(),
        };
        let img = build(region.top, &args).unwrap();
        write(&region, &img).unwrap();
        // SAFETY: sp points into the stack mapped above; argc was written there.
        let argc = unsafe { (img.sp as *const u64).read() };
        assert_eq!(argc, 2);
    }
}
