//! The batch file the driver (driver.S) reads and the state records it
//! writes; the offsets here and in driver.S must agree.
//!
//! File: a 64-byte header (case count), the scratch page's initial
//! contents (4096 bytes), one 32-byte code slot per case, then one input
//! record per case. The driver maps everything at fixed addresses so that
//! pointers (scratch, slots) are the same under emu-user and qemu-aarch64.

/// The driver's fixed region.
pub const SEC: u64 = 0x10_0000_0000;
/// The scratch page memory cases point into; guard pages on both sides.
pub const SCRATCH: u64 = SEC + 0x2000;
pub const PAGE: usize = 4096;
/// Where the batch file lands.
pub const FILE: u64 = SEC + 0x8000;
const HEADER: usize = 64;
const SLOT: usize = 32;
/// One case's input record: V0–V31, NZCV (with PSTATE.DIT and SSBS), SP,
/// FPCR, flags, X0–X29, slot.
pub const REC: usize = 792;
pub const R_NZCV: usize = 512;
pub const R_SP: usize = 520;
pub const R_FPCR: usize = 528;
pub const R_FLAGS: usize = 536;
pub const R_X: usize = 544;
const R_SLOT: usize = 784;
/// Flags bit: the driver diffs the scratch page after the case.
pub const F_MEM: u64 = 1;
/// One case's output record.
pub const OUT: usize = 1024;
/// Output offsets: X0–X30 at 0, SP at 248, NZCV 256, FPSR 264, V0–V31 at
/// 272, then the signal, the taken flag and the scratch-page changes.
pub const O_SIGNO: usize = 784;
pub const O_CODE: usize = 792;
pub const O_ADDR: usize = 800;
pub const O_TAKEN: usize = 808;
pub const O_MEMN: usize = 816;
pub const O_MEM: usize = 824;
/// Number of changed 16-byte scratch chunks recorded (offset + contents).
pub const MEM_ENTRIES: usize = 8;

/// The most cases one batch holds: driver.S reads the batch file into the
/// 48 MiB below the signal stack (SEC + 0x3000000) and writes the output
/// records into the 64 MiB from SEC + 0x4000000; a larger batch would be
/// cut short and compare garbage.
pub const MAX_CASES: usize = {
    let file = (0x300_0000 - 0x8000 - HEADER - PAGE) / (SLOT + REC);
    let out = 0x400_0000 / OUT;
    if file < out {
        file
    } else {
        out
    }
};

/// Address of case `i`'s slot: `ldr x30, lit; insn; b not_taken; b taken;
/// udf; udf; lit`. A branch taken by 8 bytes lands on `b taken`.
pub fn slot_addr(i: usize) -> u64 {
    FILE + (HEADER + PAGE + SLOT * i) as u64
}

/// Where the instruction of the slot at `slot` is, and where a branch from
/// it lands when taken.
pub fn insn_addr(slot: u64) -> u64 {
    slot + 4
}
pub fn taken_addr(slot: u64) -> u64 {
    slot + 12
}

fn branch_to(from: u64, to: u64) -> u32 {
    let off = (to.wrapping_sub(from) as i64) >> 2;
    0x1400_0000 | (off as u32 & 0x03ff_ffff)
}

pub fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

pub fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// One case as the driver sees it.
pub struct Slot<'a> {
    pub word: u32,
    pub x30: u64,
    pub rec: &'a [u8],
}

/// The batch file for `cases` (records as built by gen.rs, without the
/// slot address, which is filled in here) and the scratch page contents.
pub fn batch_file(scratch: &[u8; PAGE], cases: &[Slot]) -> Vec<u8> {
    let n = cases.len();
    let mut f = vec![0u8; HEADER + PAGE + n * (SLOT + REC)];
    put_u64(&mut f, 0, n as u64);
    f[HEADER..HEADER + PAGE].copy_from_slice(scratch);
    for (i, c) in cases.iter().enumerate() {
        let slot = slot_addr(i);
        let at = HEADER + PAGE + SLOT * i;
        let words = [
            0x5800_00de, // ldr x30, slot+24
            c.word,
            branch_to(slot + 8, SEC),
            branch_to(slot + 12, SEC + 32),
            0,
            0,
        ];
        for (k, w) in words.iter().enumerate() {
            f[at + 4 * k..at + 4 * k + 4].copy_from_slice(&w.to_le_bytes());
        }
        put_u64(&mut f, at + 24, c.x30);
        let r = HEADER + PAGE + SLOT * n + REC * i;
        f[r..r + REC].copy_from_slice(c.rec);
        put_u64(&mut f, r + R_SLOT, slot);
    }
    f
}
