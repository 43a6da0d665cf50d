//! Guest memory faults inside runtime helpers (store-exclusive pair, CASP
//! of X pairs; the SIMD structure loads and stores run inline and fault
//! in tests/insn_simd/memory.rs): with emu's host fault
//! handler installed, they leave translated code as a guest fault of the
//! instruction, with the fault address and kind, before the instruction
//! writes any register (including the post-index base).

use super::*;
use emu::linux::host_signals::{self, FAULT_WRITE};

/// si_code of a fault on a mapped page without the access's permission.
const SEGV_ACCERR: i32 = 2;

/// `adr x28, .`: records where the snippet starts.
const ADR_X28: u32 = 0x1000001c;

/// Two pages: the first read-write, the second with protection `prot`.
struct Pages(*mut libc::c_void);

impl Pages {
    fn new(prot: i32) -> Pages {
        // SAFETY: a fresh private anonymous mapping; its second page is
        // re-protected before use; unmapped on drop.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                8192,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            assert_eq!(libc::mprotect(p.add(4096), 4096, prot), 0);
            Pages(p)
        }
    }
    /// The start of the protected page.
    fn second(&self) -> u64 {
        self.0 as u64 + 4096
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping made in `new`.
        unsafe { libc::munmap(self.0, 8192) };
    }
}

/// Runs `adr x28, .; word` and checks that `word` raises SIGSEGV
/// SEGV_ACCERR at `addr` (a read, or a write if `write`), changing no
/// register but x28.
fn faults(word: u32, what: &str, c0: &CpuState, addr: u64, write: bool) {
    host_signals::install();
    let mut c = c0.clone();
    let exit = run_code(&[ADR_X28, word], &mut c);
    assert_eq!(exit, ExitReason::Fault, "{what}: exit at {:#x}", c.pc);
    assert_eq!(c.pc, c.x[28] + 4, "{what}: faulting pc");
    assert_eq!(c.exit_arg, addr, "{what}: fault address");
    let kind = libc::SIGSEGV as u64 | (SEGV_ACCERR as u64) << 8;
    let want = kind | if write { FAULT_WRITE } else { 0 };
    assert_eq!(c.fault, want, "{what}: fault kind");
    assert_eq!(c.x[..28], c0.x[..28], "{what}: registers changed");
    assert_eq!(c.v, c0.v, "{what}: vector registers changed");
}

#[test]
fn exclusive_and_pair_stores_fault_on_a_read_only_page() {
    let p = Pages::new(libc::PROT_READ);
    let page = p.second();
    // (STXR runs inline: tbi.rs, which knows the code region.) The
    // monitor lets the store go ahead: the store itself faults.
    let mut c = cpu();
    c.x[1] = page;
    c.excl_addr = page;
    c.excl_size = 16;
    c.excl_val = 0;
    c.excl_val_hi = 0;
    faults(0xc8221420, "stxp w2, x0, x5, [x1]", &c, page, true);
    let mut c = cpu();
    c.x[22] = page;
    c.x[18] = 0;
    c.x[19] = 0;
    faults(0x4872fed4, "caspal x18, .., [x22]", &c, page, true);
}
