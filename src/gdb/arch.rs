//! The AArch64 register file as gdb's remote protocol carries it, and the
//! target description that names it.
//!
//! The description holds the two standard features of an AArch64 Linux
//! process (GDB manual, "AArch64 Features"): `org.gnu.gdb.aarch64.core`
//! (x0–x30, sp, pc, cpsr) and `org.gnu.gdb.aarch64.fpu` (v0–v31, fpsr,
//! fpcr). Registers are numbered in the order they appear, which is also
//! their order in the `g` packet.

use crate::cpu::{CpuState, SP};
use gdbstub::arch::{Arch, Registers};

/// The arm64 user-mode process as gdbstub sees it.
pub enum AArch64User {}

impl Arch for AArch64User {
    type Usize = u64;
    type Registers = Regs;
    type BreakpointKind = usize;
    type RegId = ();

    fn target_description_xml() -> Option<&'static str> {
        Some(TARGET_XML)
    }
}

/// Every register of one thread, in `g` packet order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Regs {
    /// X0–X30.
    pub x: [u64; 31],
    pub sp: u64,
    pub pc: u64,
    /// PSTATE as gdb's `cpsr`: NZCV in bits 31:28, DIT (24) and SSBS (12)
    /// as the CPU holds them, EL0t elsewhere (zero).
    pub cpsr: u32,
    pub v: [u128; 32],
    pub fpsr: u32,
    pub fpcr: u32,
}

impl Regs {
    /// The registers of `cpu`.
    pub fn of(cpu: &CpuState) -> Regs {
        let mut x = [0; 31];
        x.copy_from_slice(&cpu.x[..31]);
        Regs {
            x,
            sp: cpu.x[SP],
            pc: cpu.pc,
            cpsr: ((cpu.nzcv & 0xf000_0000) | cpu.pstate) as u32,
            v: cpu.v,
            fpsr: cpu.fpsr as u32,
            fpcr: cpu.fpcr as u32,
        }
    }

    /// Writes these registers into `cpu` (PSTATE: only NZCV is written;
    /// DIT and SSBS keep their values).
    pub fn store(&self, cpu: &mut CpuState) {
        cpu.x[..31].copy_from_slice(&self.x);
        cpu.x[SP] = self.sp;
        cpu.pc = self.pc;
        cpu.nzcv = (self.cpsr & 0xf000_0000) as u64;
        cpu.v = self.v;
        cpu.fpsr = self.fpsr as u64;
        cpu.fpcr = self.fpcr as u64;
    }
}

impl Registers for Regs {
    type ProgramCounter = u64;

    fn pc(&self) -> u64 {
        self.pc
    }

    fn gdb_serialize(&self, mut write_byte: impl FnMut(Option<u8>)) {
        let mut put = |bytes: &[u8]| bytes.iter().for_each(|&b| write_byte(Some(b)));
        for x in &self.x {
            put(&x.to_le_bytes());
        }
        put(&self.sp.to_le_bytes());
        put(&self.pc.to_le_bytes());
        put(&self.cpsr.to_le_bytes());
        for v in &self.v {
            put(&v.to_le_bytes());
        }
        put(&self.fpsr.to_le_bytes());
        put(&self.fpcr.to_le_bytes());
    }

    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        if bytes.len() < G_PACKET_BYTES {
            return Err(());
        }
        let mut at = 0;
        let mut take = |n: usize| {
            let s = &bytes[at..at + n];
            at += n;
            s
        };
        let u64_of = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap());
        let u32_of = |s: &[u8]| u32::from_le_bytes(s.try_into().unwrap());
        for x in &mut self.x {
            *x = u64_of(take(8));
        }
        self.sp = u64_of(take(8));
        self.pc = u64_of(take(8));
        self.cpsr = u32_of(take(4));
        for v in &mut self.v {
            *v = u128::from_le_bytes(take(16).try_into().unwrap());
        }
        self.fpsr = u32_of(take(4));
        self.fpcr = u32_of(take(4));
        Ok(())
    }
}

/// Bytes of a `g` packet: 33 64-bit registers, cpsr, 32 vectors, fpsr, fpcr.
pub const G_PACKET_BYTES: usize = 33 * 8 + 4 + 32 * 16 + 4 + 4;

/// The target description (`qXfer:features:read:target.xml`).
const TARGET_XML: &str = concat!(
    r#"<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd">"#,
    r#"<target version="1.0"><architecture>aarch64</architecture><osabi>GNU/Linux</osabi>"#,
    include_str!("aarch64-core.xml"),
    include_str!("aarch64-fpu.xml"),
    "</target>"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_packet_round_trips_in_description_order() {
        let mut cpu = CpuState::default();
        for (i, x) in cpu.x.iter_mut().enumerate() {
            *x = 0x100 + i as u64;
        }
        cpu.pc = 0x4000;
        cpu.nzcv = 0x6000_0000;
        cpu.v[1] = 0x1122_3344_5566_7788_99aa_bbcc_ddee_ff00;
        cpu.fpsr = 0x10;
        cpu.fpcr = 0x0040_0000;
        let regs = Regs::of(&cpu);
        let mut bytes = Vec::new();
        regs.gdb_serialize(|b| bytes.push(b.unwrap()));
        assert_eq!(bytes.len(), G_PACKET_BYTES);
        // x31 of the packet is SP, then pc, then cpsr.
        assert_eq!(&bytes[31 * 8..32 * 8], &0x11fu64.to_le_bytes());
        assert_eq!(&bytes[32 * 8..33 * 8], &0x4000u64.to_le_bytes());
        assert_eq!(&bytes[33 * 8..33 * 8 + 4], &0x6000_0000u32.to_le_bytes());
        // fpsr comes before fpcr, as the fpu feature lists them.
        let fp = 33 * 8 + 4 + 32 * 16;
        assert_eq!(&bytes[fp..fp + 4], &0x10u32.to_le_bytes());
        assert_eq!(&bytes[fp + 4..fp + 8], &0x0040_0000u32.to_le_bytes());
        let mut back = Regs::default();
        back.gdb_deserialize(&bytes).unwrap();
        assert_eq!(back, regs);
        let mut cpu2 = CpuState::default();
        back.store(&mut cpu2);
        assert_eq!((cpu2.x, cpu2.pc, cpu2.v), (cpu.x, cpu.pc, cpu.v));
        assert_eq!(
            (cpu2.nzcv, cpu2.fpsr, cpu2.fpcr),
            (cpu.nzcv, cpu.fpsr, cpu.fpcr)
        );
    }

    #[test]
    fn description_names_every_register_once() {
        let names: Vec<&str> = TARGET_XML
            .split("<reg name=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let mut want: Vec<String> = (0..31).map(|i| format!("x{i}")).collect();
        want.extend(["sp", "pc", "cpsr"].map(String::from));
        want.extend((0..32).map(|i| format!("v{i}")));
        want.extend(["fpsr", "fpcr"].map(String::from));
        assert_eq!(names, want);
    }
}
