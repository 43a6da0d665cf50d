//! Comparing one case's state records (registers, flags, FPSR, vectors,
//! signal, branch taken, scratch-page changes) and describing differences.

use crate::gen::Case;
use crate::layout::*;
use std::fmt::Write as _;

pub const SIGILL: u64 = 4;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// QEMU executes it, emu raises SIGILL.
    CoverageHole,
    /// emu executes what QEMU rejects with SIGILL.
    EmuExecutes,
    /// Both execute (or both fault) with different results.
    Mismatch,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::CoverageHole => "coverage hole (qemu executes, emu SIGILL)",
            Kind::EmuExecutes => "emu executes what qemu rejects",
            Kind::Mismatch => "mismatch",
        }
    }
}

/// Whether the record shows SIGILL at the case's own instruction.
pub fn sigill_at(out: &[u8], slot: u64) -> bool {
    u64_at(out, O_SIGNO) == SIGILL && u64_at(out, O_ADDR) == insn_addr(slot)
}

pub fn kind(emu: &[u8], qemu: &[u8], slot: u64) -> Kind {
    match (sigill_at(emu, slot), sigill_at(qemu, slot)) {
        (true, false) => Kind::CoverageHole,
        (false, true) => Kind::EmuExecutes,
        _ => Kind::Mismatch,
    }
}

fn signal(out: &[u8]) -> String {
    let signo = u64_at(out, O_SIGNO);
    if signo == 0 {
        return "none".into();
    }
    let addr = u64_at(out, O_ADDR);
    let at = if (SCRATCH - PAGE as u64..SCRATCH + 2 * PAGE as u64).contains(&addr) {
        format!("scratch{:+#x}", addr.wrapping_sub(SCRATCH) as i64)
    } else {
        format!("{addr:#x}")
    };
    format!("sig {signo} code {} addr {at}", u64_at(out, O_CODE) as i64)
}

fn mem_changes(out: &[u8]) -> String {
    let n = u64_at(out, O_MEMN) as usize;
    let mut s = format!("{n} chunks");
    for i in 0..n.min(MEM_ENTRIES) {
        let at = O_MEM + 24 * i;
        write!(
            s,
            " [{:#x}]={:016x}{:016x}",
            u64_at(out, at),
            u64_at(out, at + 16),
            u64_at(out, at + 8)
        )
        .unwrap();
    }
    s
}

/// What differs between the two records.
pub fn describe(c: &Case, emu: &[u8], qemu: &[u8]) -> String {
    let reg = |i: usize| match i {
        0..=30 => format!("x{i}"),
        31 => "sp".into(),
        32 => "nzcv".into(),
        33 => "fpsr".into(),
        _ => format!(
            "v{}.{}",
            (i - 34) / 2,
            if i.is_multiple_of(2) { "lo" } else { "hi" }
        ),
    };
    let mut d = format!(
        "{:#010x} {} [{}] seed {:#x} fpcr {:#x} nzcv {:#x}:",
        c.word,
        c.name,
        c.class,
        c.seed,
        u64_at(&c.rec, R_FPCR),
        u64_at(&c.rec, R_NZCV)
    );
    for i in 0..O_SIGNO / 8 {
        let (a, b) = (u64_at(emu, 8 * i), u64_at(qemu, 8 * i));
        if a != b {
            write!(d, " {}: emu {a:#x} qemu {b:#x};", reg(i)).unwrap();
        }
    }
    if emu[O_SIGNO..O_TAKEN] != qemu[O_SIGNO..O_TAKEN] {
        write!(d, " signal: emu {} qemu {};", signal(emu), signal(qemu)).unwrap();
    }
    if emu[O_TAKEN..O_MEMN] != qemu[O_TAKEN..O_MEMN] {
        let t = |o: &[u8]| u64_at(o, O_TAKEN) != 0;
        write!(d, " taken: emu {} qemu {};", t(emu), t(qemu)).unwrap();
    }
    if emu[O_MEMN..] != qemu[O_MEMN..] {
        write!(
            d,
            " memory: emu {} qemu {};",
            mem_changes(emu),
            mem_changes(qemu)
        )
        .unwrap();
    }
    d
}

/// The inputs of a case, for reports and regression notes.
pub fn inputs(c: &Case) -> String {
    let mut s = String::from("x:");
    for i in 0..30 {
        write!(s, " {:#x}", u64_at(&c.rec, R_X + 8 * i)).unwrap();
    }
    write!(s, " x30 {:#x} sp {:#x}", c.x30, u64_at(&c.rec, R_SP)).unwrap();
    s
}

/// Both faulted alike and only the load's destination registers (Rt, Rt2)
/// differ: after a synchronous Data Abort the Arm ARM leaves registers a
/// load would have written UNKNOWN (DDI 0487, "Data Abort exception":
/// destination registers of a faulting load are UNKNOWN; the base of a
/// writeback form is restored), so writing the first register of a pair
/// before the second access faults is allowed.
pub fn only_fault_dest_differs(c: &Case, emu: &[u8], qemu: &[u8]) -> bool {
    let signalled = u64_at(emu, O_SIGNO) != 0 && emu[O_SIGNO..O_TAKEN] == qemu[O_SIGNO..O_TAKEN];
    let dests = [c.word & 31, c.word >> 10 & 31];
    signalled
        && emu[O_TAKEN..] == qemu[O_TAKEN..]
        && (0..O_SIGNO / 8).all(|i| {
            u64_at(emu, 8 * i) == u64_at(qemu, 8 * i) || (i < 31 && dests.contains(&(i as u32)))
        })
}
