//! Running a few instruction words in isolation, for instruction tests.

use super::dispatch::Jit;
use crate::cpu::{CpuState, ExitReason};

/// BRK immediate of the sentinel placed after the code under test.
const SENTINEL_IMM: u32 = 0xe0de;

/// Runs `words` from their first instruction with the register state in
/// `cpu` (its `pc` is overwritten) until execution falls off the end, which
/// returns [`ExitReason::Lookup`] with `cpu.pc` just past the last word, or
/// until another exit (SVC, BRK, undefined instruction, ...).
pub fn run_code(words: &[u32], cpu: &mut CpuState) -> ExitReason {
    let mut jit = Jit::new().expect("code cache");
    run_code_in(&mut jit, words, cpu)
}

/// [`run_code`] with a given translator.
pub fn run_code_in(jit: &mut Jit, words: &[u32], cpu: &mut CpuState) -> ExitReason {
    let code = GuestCode::new(words);
    let start = code.addr();
    let end = start + 4 * words.len() as u64;
    cpu.pc = start;
    let r = loop {
        match jit.run(cpu) {
            ExitReason::Interrupt => continue,
            r => break r,
        }
    };
    // The memory may be reused at the same address by the next snippet.
    jit.invalidate(start, start + code.len as u64);
    if r == ExitReason::Brk && cpu.pc == end && cpu.exit_arg == SENTINEL_IMM as u64 {
        return ExitReason::Lookup;
    }
    r
}

/// The words followed by the sentinel, in a private read-write-execute
/// mapping (guest code must be executable; tests may also write it).
struct GuestCode {
    ptr: *mut libc::c_void,
    len: usize,
}

impl GuestCode {
    fn new(words: &[u32]) -> GuestCode {
        let bytes = 4 * (words.len() + 1);
        let len = bytes.next_multiple_of(4096);
        // SAFETY: a fresh anonymous mapping; checked before use.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(ptr, libc::MAP_FAILED, "mmap for guest code");
        let sentinel = 0xd420_0000 | (SENTINEL_IMM << 5);
        // SAFETY: the mapping holds at least words.len() + 1 u32s and is
        // page aligned.
        unsafe {
            let p = ptr as *mut u32;
            std::ptr::copy_nonoverlapping(words.as_ptr(), p, words.len());
            p.add(words.len()).write(sentinel);
        }
        GuestCode { ptr, len }
    }

    fn addr(&self) -> u64 {
        self.ptr as u64
    }
}

impl Drop for GuestCode {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping made in `new`.
        unsafe { libc::munmap(self.ptr, self.len) };
    }
}
