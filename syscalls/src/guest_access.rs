//! Guest memory accesses made by Rust code on the guest's behalf: the JIT's
//! runtime helpers (called from translated code) and the syscall layer's
//! copies of guest structs ([`crate::guest_mem`]), as opposed to the single
//! instructions translated code uses itself.
//!
//! Every such access goes through one of a few leaf routines written in
//! assembly and placed between two symbols, so the host fault handler can
//! tell a fault in them (the guest's fault) from a fault anywhere else in
//! emu (emu's bug): for a fault at an instruction in that range it puts the
//! fault address and a nonzero description in `rax`/`rdx` and resumes at a
//! fixup that returns to the routine's caller, which then reports the fault
//! as a `Result`. The routines touch no stack before their access, so
//! returning from the fixup is a plain `ret`; `rbx` (which `cmpxchg16b`
//! needs) is kept in `r11` for the fixup to restore. No state is shared:
//! the fault is synchronous in the faulting thread and the handler only
//! edits that thread's signal context, which is async-signal-safe.

use std::arch::global_asm;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether a host fault handler that calls [`divert`] is installed, so that the
/// accessors may be used on pointers that can fault.
static HANDLER: AtomicBool = AtomicBool::new(false);

/// Declares that the process's SIGSEGV/SIGBUS handlers call [`divert`] (set once
/// they are installed, in every thread's process).
pub fn set_fault_handler_installed() {
    HANDLER.store(true, Ordering::Release);
}

/// Whether [`set_fault_handler_installed`] was called.
pub fn fault_handler_installed() -> bool {
    HANDLER.load(Ordering::Acquire)
}

/// A guest memory fault: the faulting address and the host fault handler's
/// description of it (never zero; see `linux::host_signals`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GuestFault {
    pub addr: u64,
    pub word: u64,
}

// Each routine returns (0, 0) in rax:rdx, or (address, description) when the
// fault handler diverted it to `emu_ga_fixup`.
global_asm!(
    ".pushsection .text.emu_guest_mem,\"ax\",@progbits",
    ".p2align 4",
    ".globl emu_ga_start",
    "emu_ga_start:",
    // (rdi = dst, rsi = src, rdx = n): copies n bytes.
    ".globl emu_ga_copy",
    "emu_ga_copy:",
    "mov r11, rbx",
    "mov rcx, rdx",
    "rep movsb",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    // (rdi = addr, rsi = &expected, becomes the old value, rdx = new).
    ".globl emu_ga_cas8",
    "emu_ga_cas8:",
    "mov r11, rbx",
    "movzx eax, byte ptr [rsi]",
    "lock cmpxchg byte ptr [rdi], dl",
    "mov byte ptr [rsi], al",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    ".globl emu_ga_cas16",
    "emu_ga_cas16:",
    "mov r11, rbx",
    "movzx eax, word ptr [rsi]",
    "lock cmpxchg word ptr [rdi], dx",
    "mov word ptr [rsi], ax",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    ".globl emu_ga_cas32",
    "emu_ga_cas32:",
    "mov r11, rbx",
    "mov eax, dword ptr [rsi]",
    "lock cmpxchg dword ptr [rdi], edx",
    "mov dword ptr [rsi], eax",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    ".globl emu_ga_cas64",
    "emu_ga_cas64:",
    "mov r11, rbx",
    "mov rax, qword ptr [rsi]",
    "lock cmpxchg qword ptr [rdi], rdx",
    "mov qword ptr [rsi], rax",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    // (rdi = addr, 16-aligned, rsi = &[lo, hi] expected, becomes the old
    // value, rdx = new lo, rcx = new hi).
    ".globl emu_ga_cas128",
    "emu_ga_cas128:",
    "mov r11, rbx",
    "mov rbx, rdx",
    "mov rax, qword ptr [rsi]",
    "mov rdx, qword ptr [rsi + 8]",
    "lock cmpxchg16b xmmword ptr [rdi]",
    "mov qword ptr [rsi], rax",
    "mov qword ptr [rsi + 8], rdx",
    "mov rbx, r11",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    // (rdi = addr, rsi = &out, rdx = size 1, 2, 4 or 8): a zero-extended
    // load, one host instruction (single-copy atomic when aligned).
    ".globl emu_ga_load",
    "emu_ga_load:",
    "mov r11, rbx",
    "cmp edx, 4",
    "je .Lemu_ga_load4",
    "ja .Lemu_ga_load8",
    "cmp edx, 2",
    "je .Lemu_ga_load2",
    "movzx eax, byte ptr [rdi]",
    "jmp .Lemu_ga_loaded",
    ".Lemu_ga_load2:",
    "movzx eax, word ptr [rdi]",
    "jmp .Lemu_ga_loaded",
    ".Lemu_ga_load4:",
    "mov eax, dword ptr [rdi]",
    "jmp .Lemu_ga_loaded",
    ".Lemu_ga_load8:",
    "mov rax, qword ptr [rdi]",
    ".Lemu_ga_loaded:",
    "mov qword ptr [rsi], rax",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    // (rdi = addr, rsi = value, rdx = size 1, 2, 4 or 8): a store of the
    // value's low bytes, one host instruction.
    ".globl emu_ga_store",
    "emu_ga_store:",
    "mov r11, rbx",
    "cmp edx, 4",
    "je .Lemu_ga_store4",
    "ja .Lemu_ga_store8",
    "cmp edx, 2",
    "je .Lemu_ga_store2",
    "mov byte ptr [rdi], sil",
    "jmp .Lemu_ga_stored",
    ".Lemu_ga_store2:",
    "mov word ptr [rdi], si",
    "jmp .Lemu_ga_stored",
    ".Lemu_ga_store4:",
    "mov dword ptr [rdi], esi",
    "jmp .Lemu_ga_stored",
    ".Lemu_ga_store8:",
    "mov qword ptr [rdi], rsi",
    ".Lemu_ga_stored:",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    // (rdi = addr, rsi = &[u8; 16], load = edx != 0): 16 bytes moved by one
    // host instruction, so a faulting store writes none of them.
    ".globl emu_ga_move16",
    "emu_ga_move16:",
    "mov r11, rbx",
    "test edx, edx",
    "jz .Lemu_ga_put16",
    "movdqu xmm0, xmmword ptr [rdi]",
    "movdqu xmmword ptr [rsi], xmm0",
    "jmp .Lemu_ga_moved16",
    ".Lemu_ga_put16:",
    "movdqu xmm0, xmmword ptr [rsi]",
    "movdqu xmmword ptr [rdi], xmm0",
    ".Lemu_ga_moved16:",
    "xor eax, eax",
    "xor edx, edx",
    "ret",
    ".globl emu_ga_end",
    "emu_ga_end:",
    ".globl emu_ga_fixup",
    "emu_ga_fixup:",
    "mov rbx, r11",
    "ret",
    ".popsection",
);

/// The raw result of an accessor: `word == 0` when it did not fault.
#[repr(C)]
struct Raw {
    addr: u64,
    word: u64,
}

extern "C" {
    static emu_ga_start: u8;
    static emu_ga_end: u8;
    static emu_ga_fixup: u8;
    fn emu_ga_copy(dst: *mut u8, src: *const u8, n: usize) -> Raw;
    fn emu_ga_cas8(addr: u64, expected: *mut u8, new: u64) -> Raw;
    fn emu_ga_cas16(addr: u64, expected: *mut u16, new: u64) -> Raw;
    fn emu_ga_cas32(addr: u64, expected: *mut u32, new: u64) -> Raw;
    fn emu_ga_cas64(addr: u64, expected: *mut u64, new: u64) -> Raw;
    fn emu_ga_cas128(addr: u64, expected: *mut [u64; 2], lo: u64, hi: u64) -> Raw;
    fn emu_ga_load(addr: u64, out: *mut u64, size: u64) -> Raw;
    fn emu_ga_store(addr: u64, val: u64, size: u64) -> Raw;
    fn emu_ga_move16(addr: u64, buf: *mut [u8; 16], load: u64) -> Raw;
}

fn result(r: Raw) -> Result<(), GuestFault> {
    match r.word {
        0 => Ok(()),
        word => Err(GuestFault { addr: r.addr, word }),
    }
}

/// For the host fault handler: where a fault at host address `rip` resumes,
/// if `rip` is in a guest memory accessor. The handler then sets `rax` to
/// the fault address and `rdx` to its nonzero description. Async-signal-safe.
pub fn fixup_for(rip: u64) -> Option<u64> {
    let (start, end, fixup) = (
        &raw const emu_ga_start as u64,
        &raw const emu_ga_end as u64,
        &raw const emu_ga_fixup as u64,
    );
    (start..end).contains(&rip).then_some(fixup)
}

/// For a host SIGSEGV/SIGBUS handler: if the fault (address `addr`,
/// description `word`, never zero) happened in an accessor, makes the context
/// resume at the fixup with the accessor's fault result and returns true.
///
/// # Safety
/// `uc` is the handler's ucontext of a synchronous fault in this thread.
pub unsafe fn divert(uc: *mut libc::ucontext_t, addr: u64, word: u64) -> bool {
    // SAFETY: per the contract, `uc` is the kernel's context of this fault.
    let g = unsafe { &mut (*uc).uc_mcontext.gregs };
    let Some(fixup) = fixup_for(g[libc::REG_RIP as usize] as u64) else {
        return false;
    };
    g[libc::REG_RAX as usize] = addr as i64;
    g[libc::REG_RDX as usize] = word as i64;
    g[libc::REG_RIP as usize] = fixup as i64;
    true
}

/// Reads `buf.len()` bytes of guest memory at `addr`.
///
/// # Safety
/// `addr` is a guest address (identity-mapped); unmapped or unreadable
/// bytes are reported, not undefined behaviour, when the host fault
/// handler is installed.
pub unsafe fn read(addr: u64, buf: &mut [u8]) -> Result<(), GuestFault> {
    // SAFETY: `buf` is valid for its length; the guest side per the contract.
    result(unsafe { emu_ga_copy(buf.as_mut_ptr(), addr as *const u8, buf.len()) })
}

/// Writes `buf` to guest memory at `addr` (bytes before a faulting one may
/// have been written, as a faulting multi-element store may on hardware).
///
/// # Safety
/// As for [`read`].
pub unsafe fn write(addr: u64, buf: &[u8]) -> Result<(), GuestFault> {
    // SAFETY: `buf` is valid for its length; the guest side per the contract.
    result(unsafe { emu_ga_copy(addr as *mut u8, buf.as_ptr(), buf.len()) })
}

/// Loads the `size`-byte (1, 2, 4, 8) value at `addr`, zero-extended, with
/// one host load (single-copy atomic when `addr` is a multiple of `size`).
///
/// # Safety
/// As for [`read`].
pub unsafe fn load(addr: u64, size: u64) -> Result<u64, GuestFault> {
    let mut out = 0u64;
    // SAFETY: `out` is a valid local; the guest side per the contract.
    result(unsafe { emu_ga_load(addr, &mut out, size) }).map(|()| out)
}

/// Stores the low `size` (1, 2, 4, 8) bytes of `val` at `addr` with one
/// host store: a faulting store writes nothing.
///
/// # Safety
/// As for [`read`].
pub unsafe fn store(addr: u64, val: u64, size: u64) -> Result<(), GuestFault> {
    // SAFETY: the guest side per the contract.
    result(unsafe { emu_ga_store(addr, val, size) })
}

/// Loads the 16 bytes at `addr` with one host load.
///
/// # Safety
/// As for [`read`].
pub unsafe fn load16(addr: u64) -> Result<[u8; 16], GuestFault> {
    let mut buf = [0u8; 16];
    // SAFETY: `buf` is a valid local; the guest side per the contract.
    result(unsafe { emu_ga_move16(addr, &mut buf, 1) }).map(|()| buf)
}

/// Stores 16 bytes at `addr` with one host store: a faulting store writes
/// none of them.
///
/// # Safety
/// As for [`read`].
pub unsafe fn store16(addr: u64, mut buf: [u8; 16]) -> Result<(), GuestFault> {
    // SAFETY: `buf` is a valid local, only read; the guest side per the
    // contract.
    result(unsafe { emu_ga_move16(addr, &mut buf, 0) })
}

/// Atomically replaces the `size`-byte (1, 2, 4, 8) value at `addr` with
/// the low bytes of `new` if it equals the low bytes of `expected`; returns
/// the old value.
///
/// # Safety
/// As for [`read`]; `addr` is a multiple of `size`.
pub unsafe fn cas(addr: u64, size: u64, expected: u64, new: u64) -> Result<u64, GuestFault> {
    debug_assert!(addr.is_multiple_of(size));
    macro_rules! cas {
        ($f:ident, $t:ty) => {{
            let mut old = expected as $t;
            // SAFETY: `old` is a valid local; the guest side per the contract.
            result(unsafe { $f(addr, &mut old, new) }).map(|()| u64::from(old))
        }};
    }
    match size {
        1 => cas!(emu_ga_cas8, u8),
        2 => cas!(emu_ga_cas16, u16),
        4 => cas!(emu_ga_cas32, u32),
        _ => cas!(emu_ga_cas64, u64),
    }
}

/// Atomically replaces the 16 bytes at `addr` with `new` if they equal
/// `expected` (host `lock cmpxchg16b`); returns the old value.
///
/// # Safety
/// As for [`read`]; `addr` is 16-byte aligned.
pub unsafe fn cas128(addr: u64, expected: u128, new: u128) -> Result<u128, GuestFault> {
    debug_assert!(addr.is_multiple_of(16));
    let mut old = [expected as u64, (expected >> 64) as u64];
    // SAFETY: `old` is a valid local; the guest side per the contract.
    result(unsafe { emu_ga_cas128(addr, &mut old, new as u64, (new >> 64) as u64) })
        .map(|()| u128::from(old[0]) | (u128::from(old[1]) << 64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_work_without_faults() {
        let mut mem = [0u64; 4];
        let base = mem.as_mut_ptr() as u64;
        // SAFETY: `mem` is valid local memory, 8-byte aligned.
        unsafe {
            write(base + 1, &[1, 2, 3]).unwrap();
            let mut b = [0u8; 4];
            read(base, &mut b).unwrap();
            assert_eq!(b, [0, 1, 2, 3]);
            assert_eq!(cas(base + 8, 8, 0, 7), Ok(0));
            assert_eq!(cas(base + 8, 8, 0, 9), Ok(7));
            assert_eq!(cas(base + 12, 2, 0, 0xffff), Ok(0));
            assert_eq!(cas(base + 14, 1, 0, 0xff), Ok(0));
        }
        assert_eq!(mem[1], 7 | 0xffff << 32 | 0xff << 48);
        let mut pair = [0u128; 2];
        let p = pair.as_mut_ptr() as u64;
        // SAFETY: `pair` is 16-byte aligned local memory.
        unsafe {
            assert_eq!(cas128(p, 0, 5 << 64 | 6), Ok(0));
            assert_eq!(cas128(p, 1, 0), Ok(5 << 64 | 6));
        }
        assert_eq!(pair[0], 5 << 64 | 6);
        let base = mem.as_mut_ptr() as u64;
        // SAFETY: `mem` is valid local memory (32 bytes).
        unsafe {
            for (size, v) in [(1, 0xa1), (2, 0xb2b1), (4, 0xc4c3_c2c1), (8, u64::MAX - 5)] {
                store(base + 16, 0x5555_5555_5555_5555, 8).unwrap();
                store(base + 24, 0x5555_5555_5555_5555, 8).unwrap();
                // Bytes above `size` are not stored.
                let high = if size < 8 { 0xdead << 48 } else { 0 };
                store(base + 17, v | high, size).unwrap();
                assert_eq!(load(base + 17, size), Ok(v));
                assert_eq!(load(base + 17 + size, 1), Ok(0x55), "size {size}");
                assert_eq!(load(base + 16, 1), Ok(0x55));
            }
            store16(base, [7; 16]).unwrap();
            assert_eq!(load16(base), Ok([7; 16]));
        }
        assert!(fixup_for(emu_ga_copy as *const () as u64).is_some());
        assert!(fixup_for(emu_ga_move16 as *const () as u64).is_some());
        assert!(fixup_for(fixup_for as *const () as u64).is_none());
    }

    extern "C" fn test_handler(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        // SAFETY: the kernel's arguments to an SA_SIGINFO handler of a fault.
        let diverted = unsafe { divert(ctx.cast(), (*info).si_addr() as u64, sig as u64) };
        if !diverted {
            // SAFETY: async-signal-safe exit of a test process that faulted elsewhere.
            unsafe { libc::_exit(99) };
        }
    }

    /// With a handler that diverts, the syscall layer's copies fault into EFAULT
    /// through the accessors (as in emu-user, whose handler does the same).
    #[test]
    fn syscall_copies_through_the_accessors() {
        for sig in [libc::SIGSEGV, libc::SIGBUS] {
            // SAFETY: a zeroed sigaction filled in before use; the handler has
            // the SA_SIGINFO signature and only edits its own context.
            unsafe {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = test_handler as *const () as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
                libc::sigaction(sig, &sa, std::ptr::null_mut());
            }
        }
        set_fault_handler_installed();
        use crate::abi::errno::Errno;
        use crate::guest_mem::{read_bytes, read_cstr, write_bytes};
        let mut b = [0u8; 8];
        assert_eq!(read_bytes(0x10, &mut b), Err(Errno::EFAULT));
        assert_eq!(write_bytes(0x10, &b), Err(Errno::EFAULT));
        assert_eq!(read_cstr(0x10, 100), Err(Errno::EFAULT));
        static RO: [u8; 4] = [7; 4];
        assert_eq!(write_bytes(RO.as_ptr() as u64, &[1]), Err(Errno::EFAULT));
        let mut target = [0u8; 8];
        write_bytes(target.as_mut_ptr() as u64, b"abc").unwrap();
        assert_eq!(&target[..3], b"abc");
        let mut x = [0u8; 2];
        let _ = read_bytes(0x10, &mut x);
        // SAFETY: faulting addresses, reported by the accessors.
        unsafe {
            assert_eq!(load(0x10, 8).map_err(|f| f.addr), Err(0x10));
            assert_eq!(store(0x18, 1, 4).map_err(|f| f.addr), Err(0x18));
            assert_eq!(load16(0x20).map_err(|f| f.addr), Err(0x20));
            assert!(store(RO.as_ptr() as u64, 1, 1).is_err());
            assert!(store16(0x30, [0; 16]).is_err());
        }
        assert_eq!(RO, [7; 4]);
        // Non-canonical addresses (#GP, SIGSEGV with si_code SI_KERNEL) too.
        assert_eq!(
            read_bytes(0x8000_0000_0000_0000, &mut b),
            Err(Errno::EFAULT)
        );
    }
}
